"""Each lesson as a learner meets it: opened in JupyterLab, Run All, no error on the page, and every
widget that pairs a slider with a figure (an explorer) redraws the figure when the slider moves, and
works from the keyboard alone: every control reached by Tab and changed by a key, the figure redrawn
(test_keyboard.walk_keyboard; in the same run, so each lesson is opened once). Each explorer's walk is
printed (`pytest -s`) and saved in test-artifacts/<lesson>_keyboard.txt."""
import time
from pathlib import Path

import pytest
from test_keyboard import walk_keyboard

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (REPO / "lessons").glob("*.ipynb"))
# Lessons that must show at least one slider + figure widget (COURSE.md: the coverage explorer).
MUST_HAVE_SLIDER_FIGURE = {"03_grid_and_random.ipynb", "04_gaussian_processes.ipynb", "05_bayesian_optimization.ipynb",
                          "06_tpe.ipynb", "07_multi_fidelity.ipynb", "08_evolutionary.ipynb",
                          "09_training_dynamics.ipynb", "10_debugging_and_scaling.ipynb", "11_classic_models.ipynb",
                          "12_beyond_one_study.ipynb"}


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
    walks = []
    for i, widget in enumerate(widgets):
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(lab.artifact(f"{stem}_widget{i}_before")))
        lab.check_slider_redraws(widget)
        widget.screenshot(path=str(lab.artifact(f"{stem}_widget{i}_after")))
        walks.append(walk_keyboard(lab, widget, f"{stem} widget {i}")["summary"])
    if walks:
        print("\n" + "\n".join(walks))
        lab.artifact(f"{stem}_keyboard").with_suffix(".txt").write_text("\n".join(walks) + "\n")


@pytest.mark.parametrize("notebook", ["08_evolutionary.ipynb", "12_beyond_one_study.ipynb"])
def test_the_generation_steppers_button_advances_a_generation(lab, notebook):
    """Lessons 08 (GA) and 12 (CMA-ES): clicking "next generation" moves the generation slider one step and
    redraws the figure."""
    lab.open(f"lessons/{notebook}")
    lab.run_all()
    lab.assert_ran_cleanly()
    steppers = [w for w in lab.slider_widgets(wait_s=10) if w.get_by_role("button", name="next generation").count()]
    assert steppers, f"{notebook}: no widget with a 'next generation' button, a slider and a figure"
    stepper = steppers[0]
    stepper.scroll_into_view_if_needed()
    generation = stepper.locator(".widget-slider").first.locator(".widget-readout").first

    def state():
        return generation.inner_text(), stepper.locator("img").evaluate_all("(imgs) => imgs.map((i) => i.src)")

    before = state()
    stepper.get_by_role("button", name="next generation").first.click()
    deadline = time.monotonic() + 20
    while state()[1] == before[1] and time.monotonic() < deadline:
        lab.page.wait_for_timeout(250)
    after = state()
    assert int(after[0]) == int(before[0]) + 1, f"generation {before[0]} -> {after[0]} after one click"
    assert after[1] != before[1], "the figure did not change after 'next generation'"


def test_moving_eta_in_the_bracket_planner_changes_the_hyperband_table(lab):
    """Lesson 07: the bracket planner's eta slider rewrites the printed Hyperband table and redraws its picture."""
    lab.open("lessons/07_multi_fidelity.ipynb")
    lab.run_all()
    lab.assert_ran_cleanly()
    planners = [w for w in lab.slider_widgets(wait_s=10) if w.get_by_text("max budget R").count()]
    assert planners, "lesson 07: no bracket planner (a widget with a 'max budget R' slider and a figure)"
    planner = planners[0]
    planner.scroll_into_view_if_needed()
    eta = planner.locator(".widget-slider").filter(has_text="eta").first
    readout = eta.locator(".widget-readout").first

    def state():
        table = planner.locator(".jp-OutputArea-output pre, pre").all_inner_texts()
        return readout.inner_text(), "\n".join(table), planner.locator("img").evaluate_all("(i) => i.map((x) => x.src)")

    before = state()
    eta.locator(".noUi-handle").first.focus()
    lab.page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 20
    while (state()[1] == before[1] or state()[2] == before[2]) and time.monotonic() < deadline:
        lab.page.wait_for_timeout(250)
    after = state()
    assert after[0] != before[0], f"eta stayed at {before[0]}"
    assert after[1] != before[1] and "hyperband" in after[1].lower(), f"the table did not change: {after[1][:200]!r}"
    assert after[2] != before[2], "the bracket picture did not change"


def test_the_mock_interviews_countdown_ticks_in_the_browser(lab):
    """Lesson 14: Start on the mock form starts the countdown; its seconds change within 3 s, in the page,
    while the kernel is idle (the timer is a Play widget ticking in the browser)."""
    lab.open("lessons/14_mock_interview.ipynb")
    lab.run_all()
    lab.assert_ran_cleanly()
    timer = lab.page.locator(".hpo-countdown").first
    timer.scroll_into_view_if_needed()
    seconds = timer.locator(".hpo-countdown-seconds input")
    before = seconds.input_value()
    lab.page.locator(".jp-OutputArea-output").filter(has=timer).first.get_by_role("button", name="Start").click()
    deadline = time.monotonic() + 3
    while seconds.input_value() == before and time.monotonic() < deadline:
        lab.page.wait_for_timeout(100)
    assert seconds.input_value() != before, "the countdown did not tick within 3 s of Start"
