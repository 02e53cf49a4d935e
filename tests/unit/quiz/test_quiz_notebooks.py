"""The stored quiz notebooks are what the builder makes from the bank (clean, no answers, no grader
code, one answer name per question); the solutions are the answered twins with outputs: all correct,
explain answers marked, score 100%, no paths."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz import SCORE_MIME
from hpo_mini.quiz.answers import answer_cell_id, check_cell_id
from hpo_mini.quiz.bank import all_quizzes, get_bank
from hpo_mini.quiz.build import answer_source, quiz_notebook, solution_answers
from hpo_mini.quiz.keys import read_answers

ROOT = Path(__file__).resolve().parents[3]
QUIZ_IDS = list(all_quizzes())


def stored(folder, quiz_id):
    return nbformat.read(ROOT / folder / f"{quiz_id}_quiz.ipynb", as_version=4)


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_stored_quiz_is_the_builders_output(quiz_id):
    nb, fresh = stored("quizzes", quiz_id), quiz_notebook(quiz_id)
    assert [(c.cell_type, c.get("id"), c.source) for c in nb.cells] == [
        (c.cell_type, c.get("id"), c.source) for c in fresh.cells
    ], f"quizzes/{quiz_id}_quiz.ipynb is stale: run `python -m hpo_mini.quiz.build {quiz_id}`"
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3", "language": "python"}


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_quiz_is_clean_and_holds_no_answers_or_grader_code(quiz_id):
    nb = stored("quizzes", quiz_id)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[0].source == f'from hpo_mini.quiz import load_quiz\n\nquiz = load_quiz("{quiz_id}")'
    key = read_answers(quiz_id, ROOT)
    text = nbformat.writes(nb)
    by_id = {c.get("id"): c for c in nb.cells}
    for q in get_bank(quiz_id).questions:
        if q.kind == "explain":
            assert q.model_answer[:60] not in text, q.id
        else:
            assert answer_source(q, key[q.id]) not in text, q.id
        assert by_id[answer_cell_id(q.id)].source == q.answer_template()
        assert by_id[check_cell_id(q.id)].source == f'quiz.check("{q.id}")'  # it reads its own answer name
    assert "sha256:" not in text and "obf:" not in text and "def checker" not in text


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_solution_is_answered_all_correct_and_scores_100(quiz_id):
    nb = stored("solutions", quiz_id)
    answers = solution_answers(get_bank(quiz_id), ROOT)
    by_id = {c.get("id"): c for c in nb.cells}
    for q in get_bank(quiz_id).questions:
        assert by_id[answer_cell_id(q.id)].source == answer_source(q, answers[q.id])
        feedback = "".join(o.get("text", "") for o in by_id[check_cell_id(q.id)].outputs)
        if q.kind == "explain":
            assert feedback.startswith("📝 written") and f"📝 marked: {len(q.rubric)} of {len(q.rubric)}" in feedback, q.id
        else:
            assert feedback.startswith("✅ correct"), q.id
    bundles = [o.data[SCORE_MIME] for c in nb.cells for o in c.get("outputs", []) if SCORE_MIME in o.get("data", {})]
    assert len(bundles) == 1
    assert bundles[0]["percent"] == 100.0 and bundles[0]["total"] == bundles[0]["max"] > 0
    assert bundles[0]["quiz"] == quiz_id


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_solution_outputs_have_no_paths_timings_or_errors(quiz_id):
    nb = stored("solutions", quiz_id)
    for cell in nb.cells:
        assert "execution" not in cell.get("metadata", {})
        for out in cell.get("outputs", []):
            assert out.output_type != "error"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            for bad in ("/work/", "/tmp/", "/home/", "C:\\", "0x7f", " elapsed"):
                assert bad not in text, (cell.get("id"), bad)
