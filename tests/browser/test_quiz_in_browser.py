"""A quiz as a learner meets it: type an answer into the answer cell, run the check cell, see the verdict."""

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


@pytest.mark.parametrize("typed, verdict", [("answer = 15625", "✅"), ("answer = 30", "❌")])
def test_typed_answer_is_checked_in_jupyterlab(lab, typed, verdict):
    lab.open(QUIZ)
    load, answer, check = (_cell_index(lab, cell_id) for cell_id in CELL_IDS)
    assert min(load, answer, check) >= 0, f"{QUIZ}: cells {CELL_IDS} not found"
    _run_cell(lab, load)
    _type_into_cell(lab, answer, typed)
    _run_cell(lab, answer)
    _run_cell(lab, check)
    text = _output_text(lab, check)
    lab.screenshot(f"quiz03_{'correct' if verdict == '✅' else 'wrong'}")
    assert verdict in text, f"after typing {typed!r} the check cell shows {text!r}"
    assert lab.error_outputs() == []
