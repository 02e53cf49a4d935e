"""Regenerate the gradebook fixtures in tests/quiz_fixtures/submissions/ from the bank and the keys.

    .venv/bin/python tests/quiz_fixtures/make_fixtures.py

Each fixture is a submission as a student would hand it in (answers filled in, no outputs):
alice_perfect (quiz 03, all correct, explain answers = the model answers), bob_blank (quiz 03,
untouched), carol_half (quiz 01, every other question right), dave_malformed.ipynb (not JSON),
erin_truncated (quiz 03 cut in half), frank_raises (quiz 01, two cells raise), grace_loops (quiz 03, one
cell loops forever), heidi_escape (quiz 03 blank, writes ../outside.txt), judy_essay.txt (not a
notebook), kate_exam (quiz 03 in exam mode, all correct). synthetic.py makes a whole class on the fly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from hpo_mini.quiz.answers import answer_cell_id
from hpo_mini.quiz.bank import get_bank
from hpo_mini.quiz.build import fill_answers, quiz_notebook, solution_answers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "submissions"


def key(quiz_id):
    """Every question's right answer (explain questions: the model answer)."""
    return solution_answers(get_bank(quiz_id), ROOT)


def wrong_answer(q):
    """A wrong answer of the right type (None for an explain question: left blank)."""
    if q.kind == "single choice":
        return next(letter for letter in q.letters if q.evaluate(letter).status == "wrong")
    if q.kind == "multiple choice":
        return {next(letter for letter in q.letters if q.evaluate({letter}).status == "wrong")}
    if q.kind == "numeric":
        return 12345
    if q.kind == "code":
        return f"def {q.function_name}(*args):\n    return 0.123"
    return None


def set_answer_cell(nb, qid, source):
    for cell in nb.cells:
        if cell.get("id") == answer_cell_id(qid):
            cell.source = source
            return
    raise KeyError(qid)


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    q03, q01 = "03_grid_and_random", "01_hyperparameters"

    write(fill_answers(quiz_notebook(q03), q03, key(q03)), OUT / "alice_perfect" / f"{q03}_quiz.ipynb")
    write(quiz_notebook(q03), OUT / "bob_blank" / f"{q03}_quiz.ipynb")

    half = {}
    for i, q in enumerate(get_bank(q01).questions):
        answer = key(q01)[q.id] if i % 2 == 0 else wrong_answer(q)
        if answer is not None:
            half[q.id] = answer
    write(fill_answers(quiz_notebook(q01), q01, half), OUT / "carol_half" / f"{q01}_quiz.ipynb")

    (OUT / "dave_malformed.ipynb").write_text("My answers: 1) b  2) 15625  3) random search is better\n")

    text = nbformat.writes(fill_answers(quiz_notebook(q03), q03, key(q03)))
    (OUT / "erin_truncated").mkdir(parents=True)
    (OUT / "erin_truncated" / f"{q03}_quiz.ipynb").write_text(text[: len(text) // 2])

    nb = fill_answers(quiz_notebook(q01), q01, key(q01))
    set_answer_cell(nb, "q01.tune_first", "answer_tune_first = learning_rate  # NameError: not defined")
    set_answer_cell(nb, "q01.code_diverges", "def diverges(lr, curvature):\n    return 1 / 0 > lr")
    write(nb, OUT / "frank_raises" / f"{q01}_quiz.ipynb")

    nb = fill_answers(quiz_notebook(q03), q03, key(q03))
    set_answer_cell(nb, "q03.sobol", "while True:  # an endless loop at the top level of a cell\n    pass")
    write(nb, OUT / "grace_loops" / f"{q03}_quiz.ipynb")

    nb = quiz_notebook(q03)
    escape = nbformat.v4.new_code_cell(
        'with open("../outside.txt", "w") as f:\n    f.write("written next to the student folder")\n'
        'with open("notes.txt", "w") as f:\n    f.write("written inside the student folder: fine")'
    )
    escape.id = "escape"
    nb.cells.insert(2, escape)
    write(nb, OUT / "heidi_escape" / f"{q03}_quiz.ipynb")

    (OUT / "judy_essay.txt").write_text("Random search beats grid search because of low effective dimension.\n")

    write(fill_answers(quiz_notebook(q03, mode="exam"), q03, key(q03)), OUT / "kate_exam" / f"{q03}_quiz.ipynb")
    for path in sorted(OUT.rglob("*")):
        if path.is_file():
            print(path.relative_to(HERE))


if __name__ == "__main__":
    main()
