"""The harness tests itself: on notebooks written here, it must see a widget redraw its figure, see a
widget that does NOT redraw, see an error output, and not mistake harmless stderr for an error.
Without these, a green run of test_lessons.py would prove little."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.browser

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

SETUP = """\
import sys, warnings
import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
print("harmless: progress 10/10", file=sys.stderr)
warnings.warn("harmless warning written to stderr")"""

LIVE_WIDGET = """\
live_slider = widgets.IntSlider(value=2, min=1, max=6, description="power")
live_out = widgets.Output()

def draw(k):
    with live_out:
        live_out.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(range(10), [x ** k for x in range(10)])
        ax.set_title(f"x^{k}")
        plt.show()

live_slider.observe(lambda change: draw(change["new"]), names="value")
draw(live_slider.value)
display(widgets.VBox([live_slider, live_out]))"""

# Never redraws; starts at its maximum, so the harness must fall back to ArrowLeft to move it.
FROZEN_WIDGET = """\
frozen_slider = widgets.IntSlider(value=6, min=1, max=6, description="frozen")
frozen_out = widgets.Output()
with frozen_out:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    plt.show()
display(widgets.VBox([frozen_slider, frozen_out]))"""


def write_notebook(lab_server, name, sources):
    folder = lab_server.root_dir / "harness"
    folder.mkdir(exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources], metadata={"kernelspec": KERNELSPEC})
    nbformat.write(nb, folder / name)
    return f"harness/{name}"


def test_harness_sees_a_widget_redraw_and_a_frozen_widget(lab, lab_server):
    path = write_notebook(lab_server, "widgets.ipynb", [SETUP, LIVE_WIDGET, FROZEN_WIDGET])
    lab.open(path)
    lab.run_all()
    lab.screenshot("harness_widgets")
    lab.assert_ran_cleanly()  # the stderr line and the warning are not errors

    live, frozen = lab.slider_widgets()
    moved = lab.check_slider_redraws(live)
    assert moved["value_before"] == "2" and moved["value_after"] == "5", moved

    with pytest.raises(AssertionError, match=r"slider moved '6' -> '3', but its figure did not change"):
        lab.check_slider_redraws(frozen, timeout_s=3)


def test_harness_sees_an_error_output(lab, lab_server):
    path = write_notebook(lab_server, "error.ipynb", ['print("before")', "1 / 0", 'print("after")'])
    lab.open(path)
    lab.run_all()
    lab.screenshot("harness_error")

    errors = lab.error_outputs()
    assert any("cell 1: ZeroDivisionError" in e for e in errors), errors  # from the notebook model
    assert any(e.startswith("stderr on page") and "ZeroDivisionError" in e for e in errors), errors  # on screen
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        lab.assert_ran_cleanly()
