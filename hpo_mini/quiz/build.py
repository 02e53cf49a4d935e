"""Build everything a quiz needs from the bank and its one key source.

    python -m hpo_mini.quiz.build                 # every quiz in the bank
    python -m hpo_mini.quiz.build 03 --no-solutions

For quiz NN_stem, from hpo_mini/quiz/bank/qNN_stem.toml (the questions) and
solutions/keys/qNN_stem.py (the answers), it writes:
- hpo_mini/quiz/bank/sealed/qNN_stem.json: the keys, sealed, that the self-check quiz compares with;
- quizzes/NN_stem_quiz.ipynb: the self-check quiz (answers `...`, no outputs);
- solutions/NN_stem_quiz.ipynb: the same notebook answered (the key's answers, and each explain
  question's model answer, marked), executed on a fresh kernel (nbclient) and stored with its outputs.
The exam notebooks and the printed answer key are built by handout.py from the same sources. Cell
ids are derived from question ids, so rebuilding an unchanged bank rewrites identical files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

from . import keys
from .answers import answer_cell_id, cell_id, check_cell_id
from .bank import BANK_DIR, all_quizzes, get_bank, read_bank

__all__ = ["quiz_notebook", "fill_answers", "answer_source", "solution_answers", "seal_keys", "build", "execute"]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _md(source, cid):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id(cid)
    return cell


def _code(source, cid):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id(cid)
    return cell


KINDS_TEXT = """\
- Kinds: **single choice** (one letter, `"b"`), **multiple choice** (a set of letters, `{{"a", "c"}}`),
  **numeric** (a number: the question says the precision it asks for{tolerance}), **code** (complete
  the function; it is checked against the library on many inputs, including edge cases, with a time
  limit; calling the library's own function does not count), **explain** (free text, marked against a
  rubric{marking}).
- Difficulty: [E] easy, [M] medium, [H] hard."""


def _intro(bank, mode) -> str:
    head = f"# {bank.title}" + (" (exam)" if mode == "exam" else "")
    lesson = f"The quiz for [lesson {bank.lesson}](../lessons/{bank.quiz_id}.ipynb)."
    steps = ("Run the first cell, then for each question: write your answer in its answer cell (replace the `...`; "
             "each question's answer has a name of its own, e.g. `answer_grid_size`), run it, and run the check "
             "cell below it.")
    if mode == "exam":
        kinds = KINDS_TEXT.format(tolerance="", marking=" by your instructor")
        return f"""{head}

{lesson} {steps}

- The check **records** your answer and tells you only if its type is wrong (e.g. text where a number is
  asked) or if the answer cell did not run: there is no feedback and no score here. Your instructor grades
  the notebook after the exam, explain answers against a rubric.
{kinds}
- Keep each function with any imports it needs in its own answer cell, save the notebook, and hand it in."""
    kinds = KINDS_TEXT.format(tolerance=" and the tolerance it accepts",
                              marking=": tick the items your answer covers in the box under its check; its "
                                      "points follow the ticks, and an unmarked answer earns nothing yet")
    return f"""{head}

{lesson} {steps}

- ✅ correct: the explanation follows. ❌ not yet: a hint (a near miss gets a specific one: rounding, units,
  off by one) and the lesson section to reread; after the last attempt the explanation is shown, and a
  later correct answer earns no points. ⏳ not answered: the answer cell still holds `...`, was not run, or
  raised an error. ⚠️ a wrong type (e.g. text for a number): not counted as an attempt.
{kinds} The last cell shows your score and the sections to revisit.
- Attempts and marks are kept in your practice log, so restarting the kernel does not reset them
  (`quiz.start_over()` does); `mock_interview()` uses the log to bring back weak topics.
  `HPO_MINI_PRACTICE_LOG=off` turns the log off.
- Self-check mode keeps the answers on your machine, sealed but not locked: it is for honest practice.
  For a graded workshop your instructor hands out the exam version, which holds no answers."""


def quiz_notebook(quiz_id, mode="self-check") -> nbformat.NotebookNode:
    """The clean quiz notebook: answers `...`, no outputs."""
    bank = get_bank(quiz_id)
    mode_arg = ', mode="exam"' if mode == "exam" else ""
    cells = [
        _md(_intro(bank, mode), "intro"),
        _code(f'from hpo_mini.quiz import load_quiz\n\nquiz = load_quiz("{bank.quiz_id}"{mode_arg})', "load-quiz"),
    ]
    for number, q in enumerate(bank.questions, 1):
        cells.append(_md(f"### Question {number} · `{q.id}`\n*{q.header()}*\n\n{q.body_markdown()}", f"{q.id}-question"))
        cells.append(_code(q.answer_template(), answer_cell_id(q.id)))
        cells.append(_code(q.check_call(), check_cell_id(q.id)))
    cells.append(_md("## Your score" if mode != "exam" else "## Your answers", "score-title"))
    cells.append(_code("quiz.score()", "score"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "hpo_mini": {"quiz": bank.quiz_id, "mode": mode}}
    return nb


def answer_source(question, answer) -> str:
    """The answer cell's source for an answer."""
    if question.kind == "code":
        return answer.rstrip("\n")
    name = question.answer_name
    if question.kind == "explain":
        return f'{name} = """\n{answer.strip()}\n"""'
    if isinstance(answer, (set, frozenset)):
        return f"{name} = {{" + ", ".join(f'"{x}"' for x in sorted(answer)) + "}"
    if isinstance(answer, str):
        return f'{name} = "{answer}"'
    return f"{name} = {answer!r}"


def solution_answers(bank, root=".") -> dict:
    """The key's answers, plus each explain question's model answer (which covers its whole rubric)."""
    answers = dict(keys.read_answers(bank.quiz_id, root))
    answers.update({q.id: q.model_answer for q in bank.questions if q.kind == "explain"})
    return answers


def fill_answers(nb, quiz_id, answers, mark_explain=False) -> nbformat.NotebookNode:
    """A copy of the quiz notebook with the answer cells replaced by `answers` (question id -> answer).
    mark_explain=True also marks every rubric item of the explain answers (for the solutions, whose
    explain answers are the model answers)."""
    bank = get_bank(quiz_id)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    by_cell = {answer_cell_id(q.id): q for q in bank.questions}
    checks = {check_cell_id(q.id): q for q in bank.questions if q.kind == "explain"}
    for cell in nb.cells:
        q = by_cell.get(cell.get("id"))
        if q is not None and q.id in answers:
            cell.source = answer_source(q, answers[q.id])
        q = checks.get(cell.get("id"))
        if q is not None and mark_explain and q.id in answers:
            marks = ", ".join(["1"] * len(q.rubric))
            cell.source = (f'quiz.check("{q.id}", rubric_box=False)  # marked below instead of with the checkboxes\n'
                           f'quiz.mark("{q.id}", [{marks}])  # the model answer covers every rubric item')
    return nb


def execute(nb, cwd, timeout=120) -> nbformat.NotebookNode:
    """Run a notebook on a fresh kernel, practice log off, no timing metadata or widget state."""
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


def seal_keys(quiz_id, root=".") -> Path:
    """Seal solutions/keys/qNN_stem.py into the package (keys.py), from the questions alone."""
    path = BANK_DIR / f"q{quiz_id}.toml"
    bank = read_bank(path, with_keys=False)
    written = keys.write_sealed(bank.quiz_id, keys.seal_bank(bank, keys.read_answers(bank.quiz_id, root)))
    all_quizzes.cache_clear()
    return written


def build(quiz_ids=None, root=".", solutions=True) -> list[Path]:
    root = Path(root)
    stems = {p.stem[1:]: p for p in sorted(BANK_DIR.glob("q[0-9][0-9]_*.toml"))}
    wanted = [next((s for s in stems if s == q or s.split("_")[0] == str(q).lstrip("q")), q) for q in quiz_ids or stems]
    # Seal every quiz's keys first (cheap): loading any quiz reads them all, so none may be stale.
    written = [seal_keys(quiz_id, root) for quiz_id in stems if keys.key_path(quiz_id, root).exists()]
    for quiz_id in wanted:
        bank = get_bank(quiz_id)
        nb = quiz_notebook(bank.quiz_id)
        path = root / "quizzes" / f"{bank.quiz_id}_quiz.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        written.append(path)
        if solutions and keys.key_path(bank.quiz_id, root).exists():
            out = root / "solutions" / f"{bank.quiz_id}_quiz.ipynb"
            filled = fill_answers(nb, bank.quiz_id, solution_answers(bank, root), mark_explain=True)
            nbformat.write(execute(filled, cwd=out.parent), out)
            written.append(out)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name if __spec__ else __name__}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("quizzes", nargs="*", help="quiz ids, e.g. 03 or 03_grid_and_random (default: all)")
    parser.add_argument("--root", default=".", help="the repository root (default: the current directory)")
    parser.add_argument("--no-solutions", action="store_true", help="seal the keys and write the quiz notebooks only")
    args = parser.parse_args(argv)
    for path in build(args.quizzes, args.root, solutions=not args.no_solutions):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
