"""The exam handout for a workshop, and the instructor's printed answer key.

    python -m hpo_mini.quiz.handout dist/handout            # or: make handout
    python -m hpo_mini.quiz.handout dist/handout --quizzes 03 05 --with-lessons

writes
    dist/handout/student/       the bundle to hand out (also zipped: dist/handout/student.zip)
        README.md               how to install it and take a quiz
        pyproject.toml          `pip install -e .` installs the package below
        hpo_mini/               the library; its quiz bank holds the questions only
        quizzes/NN_stem_quiz.ipynb   the quizzes in exam mode: answers recorded, no feedback
        lessons/                only with --with-lessons (00-13; they teach what the quizzes ask: open book)
    dist/handout/answer_key.md  for the instructor only: every question with its key and explanation

What the bundle leaves out: solutions/ and the key source (solutions/keys), the sealed keys
(quiz/bank/sealed), the code checks and their references (quiz/bank/qNN_*.py), and from every question
its hint, explanation, model answer and rubric. Without keys, every quiz in the bundle runs in exam
mode, and the gradebook (run by the instructor from the course repository) grades the submitted
notebooks with the instructor's keys. tests/unit/quiz/test_quiz_handout.py builds the bundle and searches
its files and importable modules for every key.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from . import bankfile, keys
from .bank import BANK_DIR, all_quizzes, get_bank
from .build import quiz_notebook

__all__ = ["PUBLIC_FIELDS", "exam_bank_data", "build_handout", "answer_key_markdown"]

# What a question keeps in the handout: enough to ask it and check the answer's type, nothing that answers it.
PUBLIC_FIELDS = ("id", "kind", "difficulty", "points", "max_attempts", "section", "topics", "prompt", "options",
                 "exact", "rel_tol", "abs_tol", "digits", "decimals", "example", "params", "function_name", "stub",
                 "time_limit", "min_words")
PACKAGE_DATA = '\n[tool.setuptools.package-data]\n"hpo_mini.quiz.bank" = ["*.toml", "README.md"]\n'
LESSONS_IN_HANDOUT = range(0, 14)  # lesson 14 (mock interviews) needs the keys


def exam_bank_data(path) -> dict:
    """A bank file's data with every question cut down to PUBLIC_FIELDS."""
    data = bankfile.read(path)
    data["questions"] = [{k: q[k] for k in PUBLIC_FIELDS if k in q} for q in data["questions"]]
    return data


def _ignore_in_package(directory, names):
    d = Path(directory)
    skip = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".egg-info"))}
    if d == BANK_DIR:
        skip |= {n for n in names if n == "sealed" or n.endswith(".toml") or (n.endswith(".py") and n != "__init__.py")}
    return skip


def _student_readme(quiz_ids, with_lessons) -> str:
    listing = "\n".join(f"- `quizzes/{q}_quiz.ipynb`" for q in quiz_ids)
    lessons = "\n- `lessons/`: the lessons (open book)." if with_lessons else ""
    return f"""# Hyperparameter optimization: workshop quizzes (exam version)

## Install

    python3 -m venv .venv && .venv/bin/python -m pip install -e .
    .venv/bin/jupyter lab quizzes/

## Take a quiz

{listing}{lessons}

Run the first cell, then for each question write your answer in its answer cell (replace the `...`), run
it, and run the check cell below it. The check records your answer and tells you only if its type is wrong
(text where a number is asked, say) or if the answer cell did not run. There is no feedback and no score:
your instructor grades the saved notebook after the exam, and marks the explain answers against a rubric.
Keep each function, with the imports it needs, in its own answer cell. Save the notebook and hand it in.

This bundle holds no answers: the questions are in `hpo_mini/quiz/bank/*.toml`, without their keys.
"""


def build_handout(out, quiz_ids=None, root=".", with_lessons=False, zip_bundle=True) -> dict:
    """Write the student bundle and the answer key under `out`; return the paths written."""
    out, root = Path(out), Path(root)
    student = out / "student"
    if student.exists():
        shutil.rmtree(student)
    quiz_ids = [get_bank(q).quiz_id for q in quiz_ids] if quiz_ids else list(all_quizzes())
    package = Path(__file__).resolve().parents[1]
    shutil.copytree(package, student / "hpo_mini", ignore=_ignore_in_package)
    for quiz_id in all_quizzes():  # every bank file, stripped: the package's mock interview etc. still import
        bankfile.write(student / "hpo_mini" / "quiz" / "bank" / f"q{quiz_id}.toml",
                       exam_bank_data(BANK_DIR / f"q{quiz_id}.toml"),
                       header=f"{get_bank(quiz_id).title}: the questions of the exam handout, without their keys.")
    for quiz_id in quiz_ids:
        path = student / "quizzes" / f"{quiz_id}_quiz.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(quiz_notebook(quiz_id, mode="exam"), path)
    if with_lessons:
        for lesson in sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb")):
            if int(lesson.name[:2]) in LESSONS_IN_HANDOUT:
                (student / "lessons").mkdir(parents=True, exist_ok=True)
                shutil.copy2(lesson, student / "lessons" / lesson.name)
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    if "[tool.setuptools.package-data]" not in pyproject:
        pyproject += PACKAGE_DATA
    (student / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (student / "README.md").write_text(_student_readme(quiz_ids, with_lessons), encoding="utf-8")
    written = {"student": student}
    if zip_bundle:
        written["zip"] = Path(shutil.make_archive(str(out / "student"), "zip", root_dir=student))
    key = out / "answer_key.md"
    key.write_text(answer_key_markdown(quiz_ids, root), encoding="utf-8")
    written["answer_key"] = key
    return written


def _key_text(q, answer) -> str:
    if q.kind == "single choice":
        return f"**{answer}**. {q.options[q.letters.index(answer)]}"
    if q.kind == "multiple choice":
        return "; ".join(f"**{x}**. {q.options[q.letters.index(x)]}" for x in sorted(answer))
    if q.kind == "numeric":
        return f"**{answer}**" + ("" if q.exact else f" (give {q.precision_text()}; accepted within {q.tolerance_text()})")
    return ""


def answer_key_markdown(quiz_ids=None, root=".") -> str:
    """The printed answer key: every question, its key, and its explanation (or model answer and rubric)."""
    lines = ["# Answer key (instructor only)", "",
             "Built from solutions/keys/ and the bank by `python -m hpo_mini.quiz.handout`. Do not hand it out.", ""]
    for quiz_id in quiz_ids or list(all_quizzes()):
        bank = get_bank(quiz_id)
        answers = keys.read_answers(bank.quiz_id, root)
        lines += [f"## {bank.title}", ""]
        for number, q in enumerate(bank.questions, 1):
            lines += [f"### {number}. `{q.id}` · {q.header()}", "", q.prompt, ""]
            if q.kind == "explain":
                lines += ["Model answer:", "", q.model_answer, "", "Rubric (one mark each):", ""]
                lines += [f"{i}. {item}" for i, item in enumerate(q.rubric, 1)] + [""]
                continue
            if q.kind == "code":
                lines += ["Key:", "", "```python", answers[q.id].rstrip(), "```", ""]
            else:
                lines += [f"Key: {_key_text(q, answers[q.id])}", ""]
            lines += [f"Why: {q.explanation}", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name if __spec__ else __name__}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default="dist/handout", help="the folder to write (default dist/handout)")
    parser.add_argument("--quizzes", nargs="*", help="quiz ids to include, e.g. 03 05 (default: all)")
    parser.add_argument("--root", default=".", help="the repository root (default: the current directory)")
    parser.add_argument("--with-lessons", action="store_true", help="add lessons 00-13 (open book)")
    args = parser.parse_args(argv)
    written = build_handout(args.out, args.quizzes, args.root, with_lessons=args.with_lessons)
    print(f"student bundle: {written['student']} (zipped: {written['zip']})")
    print(f"answer key, for the instructor only: {written['answer_key']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
