"""Each lesson as a learner meets it: opened in JupyterLab, Run All, no error on the page, and every
widget that pairs a slider with a figure redraws the figure when the slider moves."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (REPO / "lessons").glob("*.ipynb"))
# Lessons that must show at least one slider + figure widget (COURSE.md: the coverage explorer).
MUST_HAVE_SLIDER_FIGURE = {"03_grid_and_random.ipynb", "04_gaussian_processes.ipynb", "05_bayesian_optimization.ipynb",
                          "06_tpe.ipynb", "07_multi_fidelity.ipynb", "08_evolutionary.ipynb",
                          "09_training_dynamics.ipynb"}


@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_runs_in_jupyterlab(lab, notebook):
    stem = Path(notebook).stem
    lab.open(f"lessons/{notebook}")
    lab.run_all()
    lab.screenshot(stem)
    lab.assert_ran_cleanly()

    required = notebook in MUST_HAVE_SLIDER_FIGURE
    widgets = lab.slider_widgets(wait_s=10 if required else 0)
    if required:
        assert widgets, f"{notebook}: no widget with a slider (.widget-slider) and a figure (<img>) on the page"
    for i, widget in enumerate(widgets):
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(lab.artifact(f"{stem}_widget{i}_before")))
        lab.check_slider_redraws(widget)
        widget.screenshot(path=str(lab.artifact(f"{stem}_widget{i}_after")))
