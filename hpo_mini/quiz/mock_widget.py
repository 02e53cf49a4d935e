"""The mock interview as a JupyterLab form: the question, a countdown, an answer box, then the
feedback; for an explain answer the rubric checkboxes, and, where the marks leave an item with a
follow-up unticked, the follow-up with its model answer and a correct / partly / missed mark.

    form = mock.widget()         # MockInterview.widget(); display it as a cell's last line
    form.next.click()            # what "Start" / "Next question" does: show the question, start the countdown
    form.answer.value = "0.95"; form.submit.click()

The answer box takes text: a letter ("b"), letters ("a, c"), a number ("0.95", "1e-3"), free text, or
for a code exercise the function's source, run in a fresh namespace to define it. Everything goes
through the session's own methods (show_next, answer_text, mark_text, rate_text), so the form and
`mock.check(...)` grade and log alike; the countdown is countdown.Countdown, and the time recorded
is the session's clock.
"""

from __future__ import annotations

import html

from .countdown import Countdown
from .question import FOLLOW_UP_MARKS

__all__ = ["MockForm", "parse_typed"]


def parse_typed(question, text):
    """The typed text as the answer its kind takes (a number for numeric, a function for code)."""
    text = text.strip()
    if not text:
        return ...
    if question.kind == "numeric":
        try:
            return float(text.replace(",", "")) if not question.exact else int(float(text.replace(",", "")))
        except ValueError:
            return text  # the question's own parser names the problem
    if question.kind == "code":
        namespace = {}
        try:
            exec(compile(text, f"<answer to {question.id}>", "exec"), namespace)  # the learner's own code
        except Exception as exc:  # noqa: BLE001 - any error in the learner's code is feedback, not a crash
            return f"(your code raised {type(exc).__name__}: {exc})"
        return namespace.get(question.function_name, text)
    return text


def _form_class():
    import ipywidgets as widgets

    class _MockForm(widgets.VBox):
        def __init__(self, mock):
            self.mock = mock
            self.title = widgets.HTML(f"<b>{html.escape(mock.title)}</b> · {mock.seconds_per_question:.0f} s per question")
            self.question = widgets.HTML("<i>Press Start when you are ready: the countdown starts with the question.</i>")
            self.countdown = Countdown(mock.seconds_per_question)
            self.answer = widgets.Textarea(placeholder="your answer: a letter, letters, a number, text or code",
                                           layout=widgets.Layout(width="100%", height="90px"))
            self.submit = widgets.Button(description="Submit answer", button_style="primary", disabled=True)
            self.next = widgets.Button(description="Start")
            self.out = widgets.Output()
            self.marking = widgets.VBox()
            self.submit.on_click(self._submit)
            self.next.on_click(self._next)
            super().__init__(children=[self.title, self.countdown, self.question, self.answer,
                                       widgets.HBox([self.submit, self.next]), self.out, self.marking])

        # -- showing ----------------------------------------------------------------------------------
        def _next(self, button=None):
            text = self.mock.show_next().replace("Answer with mock.check(answer)", "Answer in the box below")
            self.question.value = "<pre style='white-space:pre-wrap'>" + html.escape(text) + "</pre>"
            self.answer.value = ""
            self.marking.children = ()
            self.out.clear_output()
            done = self.mock.current is None and self.mock.pending is None
            self.submit.disabled = done
            self.next.description = "Next question"
            self.next.disabled = True  # until this one is answered (or skipped with mock.skip())
            if done:
                self.countdown.stop()
                with self.out:
                    self.mock.score()
            else:
                self.countdown.start()

        # -- answering --------------------------------------------------------------------------------
        def _submit(self, button=None):
            follow_up = self.mock.pending is not None
            q = None if follow_up else self.mock.current
            answer = self.answer.value if follow_up else parse_typed(q, self.answer.value)
            text = self.mock.answer_text(answer)
            with self.out:
                self.out.clear_output()
                print(text)
            if text.startswith(("⏳", "⚠️")):
                return  # not an attempt: stay on the question
            self.countdown.stop()
            self.submit.disabled = True
            if follow_up:
                self._rate_buttons()
            elif q.kind == "explain" and self.mock.progress[q.id].status == "written":
                self._rubric_boxes(q)
            else:
                self.next.disabled = False

        def _rubric_boxes(self, q):
            boxes = [widgets.Checkbox(value=False, description=f"{i}. {item}", indent=False,
                                      layout=widgets.Layout(width="100%")) for i, item in enumerate(q.rubric, 1)]
            record = widgets.Button(description="Record my marks", button_style="primary")

            def on_record(button):
                text = self.mock.mark_text(q.id, [int(b.value) for b in boxes])
                with self.out:
                    print(text)
                record.disabled = True
                self.next.description = "Follow-up" if self.mock.pending is not None else "Next question"
                self.next.disabled = False

            record.on_click(on_record)
            self.rubric = boxes
            self.marking.children = (widgets.HTML("<b>Tick what your answer covered:</b>"), *boxes, record)

        def _rate_buttons(self):
            buttons = [widgets.Button(description=mark) for mark in FOLLOW_UP_MARKS]

            def on_rate(button):
                with self.out:
                    print(self.mock.rate_text(button.description))
                for b in buttons:
                    b.disabled = True
                self.next.description = "Next question"
                self.next.disabled = False

            for b in buttons:
                b.on_click(on_rate)
            self.rate = {b.description: b for b in buttons}
            self.marking.children = (widgets.HTML("<b>Mark your follow-up against the model answer:</b>"),
                                     widgets.HBox(buttons))

    return _MockForm


def MockForm(mock):
    """The ipywidgets form of a mock interview (ipywidgets is imported only when a form is made)."""
    return _form_class()(mock)
