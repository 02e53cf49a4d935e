"""In a real kernel: each check reads its own answer cell, so a failed, stale or skipped answer cell is
"not answered", never another question's answer; attempts survive a kernel restart and a re-run of the
same answer is not logged twice."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from hpo_mini.quiz.answers import answer_cell_id
from hpo_mini.quiz.bank import get_bank

pytestmark = pytest.mark.slow


def _run(cells, log_path, tmp_path):
    """Execute (cell id, source) pairs on a fresh kernel; return cell id -> printed text."""
    nb = nbformat.v4.new_notebook()
    for cid, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cid
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env={"HPO_MINI_PRACTICE_LOG": str(log_path)})
    out = {}
    for cell in nb.cells:
        texts = []
        for o in cell.outputs:
            if o.output_type == "stream":
                texts.append(o.text)
            elif o.output_type == "error":
                texts.append(f"ERROR {o.ename}")
        out[cell.id] = "".join(texts)
    return out


LOAD = ("load", 'from hpo_mini.quiz import load_quiz\nquiz = load_quiz("03")')


def test_failed_stale_and_skipped_answer_cells_are_not_answered(tmp_path):
    out = _run([
        LOAD,
        (answer_cell_id("q03.grid_size"), "answer_grid_size = 15625"),
        ("check-1", 'quiz.check("q03.grid_size")'),
        # a SyntaxError in the next question's answer cell: the previous answer must not be graded
        (answer_cell_id("q03.grid_projection"), "answer_grid_projection = 4 +"),
        ("check-2", 'quiz.check("q03.grid_projection")'),
        # an answer that ran once, then its cell was edited and failed: the stale value is dropped
        (answer_cell_id("q03.random_vs_grid"), 'answer_random_vs_grid = "b"'),
        ("edited", "answer_random_vs_grid = undefined_name  # NameError"),
        ("check-3", 'quiz.check("q03.random_vs_grid")'),
        # a skipped answer cell, and the old shared name `answer`, which no check reads
        ("old-habit", 'answer = "b"'),
        ("check-4", 'quiz.check("q03.sobol")'),
        ("score", "print(quiz.report().total)"),
    ], tmp_path / "log.jsonl", tmp_path)
    assert out["check-1"].startswith("✅ correct")
    assert out[answer_cell_id("q03.grid_projection")].startswith("ERROR SyntaxError")
    assert out["check-2"].startswith("⏳ not answered: the answer cell raised SyntaxError")
    assert out["check-3"].startswith("⏳ not answered: the answer cell raised NameError")
    assert out["check-4"].startswith("⏳ not answered: run the answer cell above first (it sets `answer_sobol`)")
    assert out["score"].strip() == "1"  # only q03.grid_size (1 point) counted


def test_attempts_survive_a_kernel_restart_and_reruns_are_not_logged_twice(tmp_path):
    log = tmp_path / "log.jsonl"
    cell = answer_cell_id("q03.sobol")
    q = next(q for q in get_bank("03").questions if q.id == "q03.sobol")
    w1, w2, w3 = [letter for letter in q.letters if q.evaluate(letter).status == "wrong"][:3]
    first = _run([
        LOAD,
        (cell, f'answer_sobol = "{w1}"'), ("c1", 'quiz.check("q03.sobol")'),
        (cell, f'answer_sobol = "{w2}"'), ("c2", 'quiz.check("q03.sobol")'),
        ("c3", 'quiz.check("q03.sobol")'),  # Run All again: the same answer
    ], log, tmp_path)
    assert "attempt 1 of 3" in first["c1"] and "attempt 2 of 3" in first["c2"]
    assert "not counted again" in first["c3"]
    second = _run([  # a new kernel, the same practice log
        LOAD,
        ("attempts", 'print(quiz.attempts["q03.sobol"])'),
        (cell, f'answer_sobol = "{w3}"'), ("c4", 'quiz.check("q03.sobol")'),
    ], log, tmp_path)
    assert second["attempts"].strip() == "2"
    assert "attempt 3 of 3: here is the explanation" in second["c4"]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(rec["question"], rec["attempt"]) for rec in lines] == [("q03.sobol", 1), ("q03.sobol", 2), ("q03.sobol", 3)]
