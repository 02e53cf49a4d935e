"""A quiz as a learner meets it: type an answer into the answer cell (it binds the question's own name,
answer_grid_size), run the check cell, see the verdict."""

import pytest

pytestmark = pytest.mark.browser

QUIZ = "quizzes/03_grid_and_random_quiz.ipynb"
# 5 values for each of 6 hyperparameters: 5**6 configurations (the bank holds only a salted hash of it).
CELL_IDS = ("load-quiz", "q03-grid_size-answer", "q03-grid_size-check")


def _cell_index(lab, cell_id):
    return lab.page.evaluate(
        """(id) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex((c) => c.model.id === id)""",
        cell_id,
    )


def _type_into_cell(lab, index, text):
    """Select the cell, enter edit mode, replace its text by typing on the keyboard."""
    lab.page.evaluate(
        """(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
                   nb.activeCellIndex = i; nb.mode = 'edit'; }""",
        index,
    )
    editor = lab.page.locator(".jp-Notebook .jp-Cell.jp-mod-active .cm-content")
    editor.click()
    lab.page.keyboard.press("Control+A")
    lab.page.keyboard.type(text)


def _run_cell(lab, index):
    lab.page.evaluate(
        """async (i) => { const nb = window.jupyterapp.shell.currentWidget.content;
                         nb.activeCellIndex = i; nb.mode = 'command';
                         await window.jupyterapp.commands.execute('notebook:run-cell'); }""",
        index,
    )


def _output_text(lab, index, timeout_s=30):
    lab.page.wait_for_function(
        """(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs.length > 0""",
        arg=index,
        timeout=timeout_s * 1000,
    )
    return lab.page.evaluate(
        """(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].node
                  .querySelector('.jp-OutputArea').innerText""",
        index,
    )


# The load cell as the tests type it: the practice log off, so attempts from an earlier run do not carry over.
LOAD_WITHOUT_LOG = ('import os\nos.environ["HPO_MINI_PRACTICE_LOG"] = "off"\n'
                    'from hpo_mini.quiz import load_quiz\nquiz = load_quiz("03_grid_and_random")')


def _load(lab, load):
    _type_into_cell(lab, load, LOAD_WITHOUT_LOG)
    _run_cell(lab, load)


@pytest.mark.parametrize("typed, verdict", [("answer_grid_size = 15625", "✅"), ("answer_grid_size = 30", "❌")])
def test_typed_answer_is_checked_in_jupyterlab(lab, typed, verdict):
    lab.open(QUIZ)
    load, answer, check = (_cell_index(lab, cell_id) for cell_id in CELL_IDS)
    assert min(load, answer, check) >= 0, f"{QUIZ}: cells {CELL_IDS} not found"
    _load(lab, load)
    _type_into_cell(lab, answer, typed)
    _run_cell(lab, answer)
    _run_cell(lab, check)
    text = _output_text(lab, check)
    lab.screenshot(f"quiz03_{'correct' if verdict == '✅' else 'wrong'}")
    assert verdict in text, f"after typing {typed!r} the check cell shows {text!r}"
    assert lab.error_outputs() == []


EXPLAIN_IDS = ("load-quiz", "q03-explain_random_vs_grid-answer", "q03-explain_random_vs_grid-check")


def test_an_explain_answer_is_marked_with_the_rubric_checkboxes(lab):
    """Written, the answer shows the model answer and one checkbox per rubric item; two ticks and the
    button record 2 of 5 items: 0.8 of the question's 2 points."""
    lab.open(QUIZ)
    load, answer, check = (_cell_index(lab, cell_id) for cell_id in EXPLAIN_IDS)
    assert min(load, answer, check) >= 0, f"{QUIZ}: cells {EXPLAIN_IDS} not found"
    _load(lab, load)
    _type_into_cell(lab, answer, 'answer_explain_random_vs_grid = "Random search: sixty trials try sixty learning rates, a grid two."')
    _run_cell(lab, answer)
    _run_cell(lab, check)
    assert "awaiting marking" in _output_text(lab, check)
    output = lab.page.locator(".jp-Notebook .jp-Cell").nth(check).locator(".jp-OutputArea")
    boxes = output.locator("input[type=checkbox]")
    boxes.first.wait_for(timeout=30_000)
    assert boxes.count() == 5
    boxes.nth(0).check()
    boxes.nth(1).check()
    output.get_by_role("button", name="Record my marks").click()
    output.get_by_text("📝 marked: 2 of 5 rubric items, 0.8 of 2 points").wait_for(timeout=30_000)
    lab.screenshot("quiz03_rubric_marked")
    assert lab.error_outputs() == []
