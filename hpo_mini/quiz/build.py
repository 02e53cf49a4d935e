"""Write quiz notebooks from the bank, and their answered, executed twins.

    python -m hpo_mini.quiz.build                 # every quiz in the bank
    python -m hpo_mini.quiz.build 03 --no-solutions

For quiz NN_stem it writes quizzes/NN_stem_quiz.ipynb (answers `...`, no outputs) and, when
solutions/keys/qNN_stem.py exists, solutions/NN_stem_quiz.ipynb: the same notebook with the key's
answers filled in, executed on a fresh kernel (nbclient) and stored with its outputs. Cell ids are
derived from question ids, so rebuilding an unchanged bank rewrites identical files.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path

import nbformat

from .bank import get_bank, quiz_modules

__all__ = ["quiz_notebook", "fill_answers", "answer_source", "build"]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _cell_id(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:64]


def _md(source, cid):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = _cell_id(cid)
    return cell


def _code(source, cid, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = _cell_id(cid)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _intro(bank) -> str:
    stem = bank.QUIZ_ID
    return f"""# {bank.TITLE}

The quiz for [lesson {bank.LESSON}](../lessons/{stem}.ipynb). Run the first cell, then for each question:
write your answer in the answer cell (replace the `...`), run it, and run the check cell below it.

- ✅ correct: the explanation follows. ❌ not yet: a hint and the lesson section to reread; after the
  last counted attempt the explanation is shown (a later correct answer then earns no points).
  ⏳ not answered: the cell still holds `...`. ⚠️ a wrong type (e.g. text for a number): not counted.
- Kinds: **single choice** (one letter, `"b"`), **multiple choice** (a set of letters, `{{"a", "c"}}`),
  **numeric** (a number), **code** (complete the function; it is checked against the library on many
  inputs, including edge cases, with a time limit), **explain** (free text, self-assessed against a
  model answer and a rubric).
- Difficulty: [E] easy, [M] medium, [H] hard. The last cell shows your score and the sections to revisit.
- Each check is also written to your practice log, which `mock_interview()` uses to bring back weak topics
  (set `HPO_MINI_PRACTICE_LOG=off` to turn it off)."""


def quiz_notebook(quiz_id) -> nbformat.NotebookNode:
    """The clean quiz notebook: answers `...`, no outputs."""
    bank = get_bank(quiz_id)
    cells = [
        _md(_intro(bank), "intro"),
        _code(f'from hpo_mini.quiz import load_quiz\n\nquiz = load_quiz("{bank.QUIZ_ID}")', "load-quiz"),
    ]
    for number, q in enumerate(bank.QUESTIONS, 1):
        cells.append(_md(f"### Question {number} · `{q.id}`\n*{q.header()}*\n\n{q.body_markdown()}", f"{q.id}-question"))
        cells.append(_code(q.answer_template(), f"{q.id}-answer"))
        cells.append(_code(q.check_call(), f"{q.id}-check"))
    cells.append(_md("## Your score", "score-title"))
    cells.append(_code("quiz.score()", "score"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "hpo_mini": {"quiz": bank.QUIZ_ID}}
    return nb


def answer_source(question, answer) -> str:
    """The answer cell's source for a key answer."""
    if question.kind == "code":
        return answer.rstrip("\n")
    if question.kind == "explain":
        return f'answer = """\n{answer.strip()}\n"""'
    if isinstance(answer, (set, frozenset)):
        return "answer = {" + ", ".join(f'"{x}"' for x in sorted(answer)) + "}"
    if isinstance(answer, str):
        return f'answer = "{answer}"'
    return f"answer = {answer!r}"


def fill_answers(nb, quiz_id, answers) -> nbformat.NotebookNode:
    """A copy of the quiz notebook with the answer cells replaced by `answers` (question id -> answer)."""
    bank = get_bank(quiz_id)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    by_cell = {_cell_id(f"{q.id}-answer"): q for q in bank.QUESTIONS}
    for cell in nb.cells:
        q = by_cell.get(cell.get("id"))
        if q is not None and q.id in answers:
            cell.source = answer_source(q, answers[q.id])
    return nb


def load_key(root: Path, quiz_id):
    path = Path(root) / "solutions" / "keys" / f"q{quiz_id}.py"
    return runpy.run_path(str(path))["ANSWERS"] if path.exists() else None


def execute(nb, cwd, timeout=120) -> nbformat.NotebookNode:
    """Run a notebook on a fresh kernel, practice log off, no timing metadata."""
    from nbclient import NotebookClient

    old = os.environ.get("HPO_MINI_PRACTICE_LOG")
    os.environ["HPO_MINI_PRACTICE_LOG"] = "off"  # the kernel inherits this environment
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute()
    finally:
        if old is None:
            os.environ.pop("HPO_MINI_PRACTICE_LOG", None)
        else:
            os.environ["HPO_MINI_PRACTICE_LOG"] = old
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("language_info", None)
    return nb


def build(quiz_ids=None, root=".", solutions=True) -> list[Path]:
    root = Path(root)
    written = []
    for quiz_id in quiz_ids or list(quiz_modules()):
        bank = get_bank(quiz_id)
        nb = quiz_notebook(bank.QUIZ_ID)
        path = root / "quizzes" / f"{bank.QUIZ_ID}_quiz.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        written.append(path)
        key = load_key(root, bank.QUIZ_ID) if solutions else None
        if key is not None:
            missing = [q.id for q in bank.QUESTIONS if q.id not in key]
            if missing:
                raise SystemExit(f"solutions/keys/q{bank.QUIZ_ID}.py has no answer for {missing}")
            out = root / "solutions" / f"{bank.QUIZ_ID}_quiz.ipynb"
            solved = execute(fill_answers(nb, bank.QUIZ_ID, key), cwd=out.parent)
            nbformat.write(solved, out)
            written.append(out)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name if __spec__ else __name__}", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("quizzes", nargs="*", help="quiz ids, e.g. 03 or 03_grid_and_random (default: all)")
    parser.add_argument("--root", default=".", help="the repository root (default: the current directory)")
    parser.add_argument("--no-solutions", action="store_true", help="write only the clean quiz notebooks")
    args = parser.parse_args(argv)
    for path in build(args.quizzes, args.root, solutions=not args.no_solutions):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
