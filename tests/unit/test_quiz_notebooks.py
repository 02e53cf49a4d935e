"""The stored quiz notebooks are what the builder makes from the bank (clean, no answers, no grader
code); the solutions are the answered twins with outputs: all correct, score 100%, no paths."""

from __future__ import annotations

import runpy
from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz import SCORE_MIME
from hpo_mini.quiz.bank import quiz_modules
from hpo_mini.quiz.build import answer_source, quiz_notebook

ROOT = Path(__file__).resolve().parents[2]
QUIZ_IDS = list(quiz_modules())


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
    key = runpy.run_path(str(ROOT / "solutions" / "keys" / f"q{quiz_id}.py"))["ANSWERS"]
    text = nbformat.writes(nb)
    for q in quiz_modules()[quiz_id].QUESTIONS:
        assert answer_source(q, key[q.id]) not in text, q.id
    assert "sha256:" not in text and "obf:" not in text and "def checker" not in text


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_solution_is_answered_all_correct_and_scores_100(quiz_id):
    nb = stored("solutions", quiz_id)
    key = runpy.run_path(str(ROOT / "solutions" / "keys" / f"q{quiz_id}.py"))["ANSWERS"]
    by_id = {c.get("id"): c for c in nb.cells}
    for q in quiz_modules()[quiz_id].QUESTIONS:
        cid = q.id.replace(".", "-")
        assert by_id[f"{cid}-answer"].source == answer_source(q, key[q.id])
        feedback = "".join(o.get("text", "") for o in by_id[f"{cid}-check"].outputs)
        assert feedback.startswith("📝 answered" if q.kind == "explain" else "✅ correct"), q.id
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
