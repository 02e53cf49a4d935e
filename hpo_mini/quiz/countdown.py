"""A per-question countdown for the notebook: it ticks in the browser, so the kernel stays free.

    timer = Countdown(90)     # an ipywidgets box: a Play widget, a bar, the seconds used, the time left
    timer.start()             # from a button handler: the count starts in the browser
    timer.stop()

How it ticks: `ipywidgets.Play` keeps its own timer in the browser (its front-end model adds `step`
to `value` every `interval` ms until `max`, with window.setTimeout; ipywidgets 8.1, PlayModel.loop),
and `jslink` copies its value to the progress bar and to the read-out of seconds in the browser, with
no kernel round trip. The kernel hears of each tick when it is idle and then rewrites the "time
left" label; a busy kernel delays that label, never the count. `Play` starts when its `playing`
trait turns true while its view is on the page, so a countdown is started by a button (the mock's
"Start" / "Next"), not at display time.

The count on the page is for the person answering. What is recorded is measured on the kernel's
clock by the session (MockInterview and PairInterview: seconds from when the question was shown to
the answer, and "over_time" when that exceeds the question's seconds), so a page left open or a
paused timer cannot change the log.
"""

from __future__ import annotations

__all__ = ["Countdown", "clock_text", "CSS_CLASS"]

CSS_CLASS = "hpo-countdown"  # the browser test finds the countdown by this class


def clock_text(seconds) -> str:
    s = max(int(round(seconds)), 0)
    return f"{s // 60}:{s % 60:02d}"


def _countdown_class():
    import ipywidgets as widgets

    class _Countdown(widgets.HBox):
        def __init__(self, seconds):
            seconds = int(round(seconds))
            if seconds < 1:
                raise ValueError(f"a countdown needs at least 1 second, but got {seconds!r}")
            self.seconds = seconds
            self.play = widgets.Play(value=0, min=0, max=seconds, step=1, interval=1000, show_repeat=False,
                                     description="countdown", layout=widgets.Layout(width="90px"))
            self.bar = widgets.IntProgress(value=0, min=0, max=seconds, bar_style="info",
                                           layout=widgets.Layout(width="200px"))
            self.used = widgets.IntText(value=0, disabled=True, description="s used",
                                        layout=widgets.Layout(width="130px"))
            self.used.add_class(f"{CSS_CLASS}-seconds")
            self.left = widgets.HTML(self._left_text(0))
            self.links = [widgets.jslink((self.play, "value"), (self.bar, "value")),
                          widgets.jslink((self.play, "value"), (self.used, "value"))]
            self.play.observe(self._tick, names="value")
            super().__init__(children=[self.play, self.bar, self.used, self.left])
            self.add_class(CSS_CLASS)

        def _left_text(self, used) -> str:
            left = self.seconds - used
            if left <= 0:
                return "<b style='color:#b00'>time is up</b>"
            return f"time left: {clock_text(left)} of {clock_text(self.seconds)}"

        def _tick(self, change):
            self.left.value = self._left_text(change["new"])
            self.bar.bar_style = "danger" if change["new"] >= self.seconds else "info"

        def start(self):
            """Count from 0 again (the browser starts ticking when it sees `playing` turn true)."""
            self.play.playing = False
            self.play.value = 0
            self.play.playing = True

        def stop(self):
            self.play.playing = False

    return _Countdown


def Countdown(seconds):
    """The countdown widget (ipywidgets is imported only when one is made)."""
    return _countdown_class()(seconds)
