"""The Explorer base (hpo_mini/viz/explorer.py) without a browser: the status line while a new picture is
computed (issue 22, item 5), and the picture's text description (its tooltip, the <img> title)."""

import importlib.util
from pathlib import Path

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from hpo_mini.viz.explorer import BUSY, Explorer, alt_text

REPO = Path(__file__).resolve().parents[3]


class _Wire:
    """Stands in for a widget's comm (its link to the front end): records what the widget sends, in order."""

    kernel = "a kernel"  # ipywidgets sends only through a comm that has one

    def __init__(self, log, name):
        self.log, self.name, self.comm_id = log, name, f"wire-{id(self)}"

    def on_msg(self, callback):  # messages from the front end: none here
        pass

    def send(self, data, buffers=None):
        binary = {path[0]: "<binary>" for path in data.get("buffer_paths", [])}  # the PNG travels as a buffer
        self.log.append((self.name, {**data["state"], **binary}))


class _Slow(Explorer):
    """A line whose slope a slider sets; compute records the status line as it finds it."""

    def __init__(self):
        self.slope = widgets.IntSlider(value=1, min=0, max=5)
        self.seen, self.sent, self.fail, self.say = [], [], False, None
        self._setup([self.slope], [self.slope])

    def key(self):
        return (self.slope.value,)

    def compute(self, key):
        if self.say:
            self.busy(self.say)
        self.seen.append(self.status.value)
        self.sent.append(("compute", key))
        if self.fail:
            raise RuntimeError("the compute failed")
        return key[0]

    def draw(self, data):
        fig = Figure(figsize=(3, 2))
        ax = fig.subplots()
        ax.plot([0, 1], [0, data])
        ax.set_title(f"slope {data}")
        return fig


def _wired(explorer):
    explorer.sent.clear()
    explorer.status.comm = _Wire(explorer.sent, "status")
    explorer.image.comm = _Wire(explorer.sent, "image")
    return explorer


def test_the_status_line_says_computing_during_the_compute_and_is_empty_after():
    explorer = _Slow()
    assert explorer.seen == [f"<i>{BUSY}</i>"] and explorer.status.value == ""  # the first picture too
    _wired(explorer).slope.value = 3
    assert explorer.seen[-1] == f"<i>{BUSY}</i>" and explorer.status.value == ""
    # sent to the front end before the compute starts, emptied after it and before the new picture
    assert explorer.sent == [("status", {"value": f"<i>{BUSY}</i>"}), ("compute", (3,)), ("status", {"value": ""}),
                            ("image", {"value": "<binary>"}), ("image", {"tooltip": "Figure: slope 3"})]


def test_a_picture_from_the_cache_computes_nothing_and_says_nothing():
    explorer = _Slow()
    explorer.slope.value = 2
    _wired(explorer).slope.value = 1  # seen before
    assert explorer.seen == [f"<i>{BUSY}</i>"] * 2
    assert [name for name, _ in explorer.sent] == ["image", "image"]  # the picture and its tooltip
    assert explorer.figure.axes[0].get_title() == "slope 1"


def test_a_compute_may_say_what_it_does_and_the_line_is_emptied_when_it_fails():
    explorer = _Slow()
    explorer.say = "training 3 < 4 ..."
    explorer.slope.value = 4
    assert explorer.seen[-1] == "<i>training 3 &lt; 4 ...</i>" and explorer.status.value == ""
    explorer.say, explorer.fail = None, True
    with pytest.raises(RuntimeError, match="the compute failed"):
        explorer.slope.value = 5
    assert explorer.status.value == "" and explorer.seen[-1] == f"<i>{BUSY}</i>"


def test_sliders_send_their_value_when_released():
    assert _Slow().slope.continuous_update is False


def test_alt_text_follows_the_site_rule():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert alt_text(fig) == "Figure (untitled)"
    right.set(xlabel="epoch", ylabel="loss")
    assert alt_text(fig) == "Figure: loss against epoch"
    left.set_title("a  two-line\ntitle")
    left.set_title("left", loc="left")
    assert alt_text(fig) == "Figure: left a two-line title"  # titled axes only; whitespace collapsed
    fig.suptitle("the whole")
    assert alt_text(fig) == "Figure: the whole"


def test_the_site_build_hook_attaches_the_same_alt_text_to_every_png():
    import IPython.core.pylabtools as pylabtools

    original = pylabtools.print_figure
    spec = importlib.util.spec_from_file_location("alt_text_hook", REPO / "tools" / "alt_text_hook.py")
    hook = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(hook)  # (it wraps IPython's print_figure: put back below)
        assert pylabtools.print_figure is hook._print_figure_with_alt  # the formatter the site's kernels call
    finally:
        pylabtools.print_figure = original
    fig = Figure()
    a, b = fig.subplots(1, 2)
    a.set_title("A")
    b.set_title("B", loc="right")
    data, metadata = hook._print_figure_with_alt(fig, fmt="png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and metadata == {"alt": alt_text(fig)} == {"alt": "Figure: A; B"}
    svg = hook._print_figure_with_alt(fig, fmt="svg")  # other formats pass through without metadata
    assert not isinstance(svg, tuple) and "<svg" in str(svg)


def test_the_picture_carries_the_figure_alt_text_as_its_tooltip():
    explorer = _Slow()
    assert explorer.image.tooltip == "Figure: slope 1"
    explorer.slope.value = 2
    assert explorer.image.tooltip == "Figure: slope 2"
    explorer.slope.value = 1  # from the cache
    assert explorer.image.tooltip == "Figure: slope 1"
    # ipywidgets 8.1's front end sets the title only when the model has a description, empty
    state = explorer.image.get_state()
    assert state["description"] == "" and state["tooltip"] == "Figure: slope 1"
