"""Grade a folder of submitted quiz notebooks with the instructor's keys.

    python -m hpo_mini.quiz.gradebook SUBMISSIONS_DIR --out grades [--jobs 2] [--marks marking.csv]
    make grade DIR=path/to/submissions [OUT=grades] [JOBS=2]

Layout: SUBMISSIONS_DIR/<student>/<anything>.ipynb (one folder per student, any other files in the
folder are copied along), or SUBMISSIONS_DIR/<student>.ipynb. Hidden files are skipped. Exam notebooks
(from the handout) and self-check notebooks are graded the same way.

How a submission is graded: it runs in its own fresh Jupyter kernel (nbclient), never in this process,
with the practice log off, from a scratch copy of its folder, with a time limit per cell
(--cell-timeout: the cell is interrupted and grading goes on) and per notebook (--timeout). The kernel
only computes the values the answer cells bind: the gradebook appends one cell that prints them as
data, and grades them itself with the keys of this install (regrade.py): a score, state or verdict
computed in the student's kernel is never read, so forging one changes nothing. Code answers are
graded from their cell's text, in a child process of the gradebook. Explain answers are marked by the
instructor in OUT/marking.csv (one `marks` cell per answer, e.g. "1 0 1 1"); run the gradebook again
and the points follow the marks. Until then they are "awaiting marking": no points, and left out of
the class means.

What it writes in OUT (gradebook_reports.py): grades_wide.csv (a row per submission, a column per
question, total and percent), grades_long.csv (a row per submission and question), question_stats.csv
(mean, share blank, share correct, discrimination), feedback/<student>.md, marking.csv and summary.txt.

What is and is not enforced: the OS does not stop a submission from writing outside its folder.
Relative writes that climb out of the scratch folder (../x) are detected and reported; writes into
SUBMISSIONS_DIR are detected (before/after listing); absolute writes elsewhere are neither prevented
nor detected. Code answers run the student's code (in a child process with a time limit), so a function
written to attack the checker could fake its own result; the gradebook refuses answers that call the
course library, which holds the references.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .answers import ANSWERS_MIME, extraction_source
from .bank import all_quizzes, get_bank
from .regrade import grade_submission_answers

__all__ = ["Submission", "Result", "find_submissions", "grade_notebook", "grade_folder", "main"]


@dataclass
class Submission:
    student: str
    path: Path  # the notebook (or the file that is not one)
    folder: Path | None  # the student's folder, copied whole; None for a top-level file


@dataclass
class Result:
    submission: Submission
    quiz: str = ""
    rows: list = field(default_factory=list)  # regrade.Graded, one per question
    problems: list = field(default_factory=list)  # what went wrong, in order
    fatal: bool = False  # nothing could be graded
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.fatal:
            return "error"
        return "graded with problems" if self.problems else "graded"

    @property
    def total(self) -> float:
        return round(sum(r.points or 0 for r in self.rows), 2)

    @property
    def max(self) -> int:
        return sum(r.max for r in self.rows)


class _BudgetExhausted(Exception):
    pass


def find_submissions(root) -> list[Submission]:
    root = Path(root)
    if not root.is_dir():
        raise SystemExit(f"{root} is not a folder of submissions")
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb") if not any(part.startswith(".") for part in p.relative_to(entry).parts))
            out += [Submission(entry.name, nb, entry) for nb in notebooks] or [Submission(entry.name, entry, entry)]
        else:
            out.append(Submission(entry.stem, entry, None))
    return out


def _listing(folder: Path) -> dict:
    out = {}
    for p in folder.rglob("*"):
        try:
            st = p.stat()
        except OSError:
            continue
        out[p.relative_to(folder).as_posix()] = (p.is_dir(), st.st_size, st.st_mtime_ns)
    return out


def _read_notebook(sub: Submission, result: Result):
    import nbformat

    path = sub.path
    if path.is_dir():
        return result.problems.append("no .ipynb file in the student's folder")
    if path.suffix != ".ipynb":
        return result.problems.append(f"not a notebook: {path.name} (a .ipynb file is expected)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return result.problems.append(f"cannot read {path.name}: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "" if text.rstrip().endswith("}") else " (the file looks truncated)"
        return result.problems.append(f"not a valid notebook: its JSON is broken at line {exc.lineno}{hint}")
    if not isinstance(data, dict) or "cells" not in data:
        return result.problems.append("not a valid notebook: the JSON has no 'cells'")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for bad structure
        return result.problems.append(f"not a valid notebook: {str(exc).splitlines()[0][:200]}")
    return nb


def _quiz_of(nb) -> str | None:
    """The quiz a notebook is: its metadata, else the quiz its first load_quiz call names."""
    named = nb.metadata.get("hpo_mini", {}).get("quiz")
    if named in all_quizzes():
        return named
    for cell in nb.cells:
        match = re.search(r"load_quiz\(\s*['\"]([^'\"]+)['\"]", cell.source) if cell.cell_type == "code" else None
        if match:
            try:
                return get_bank(match.group(1)).quiz_id
            except ValueError:
                return None
    return None


def _started(nb) -> bool:
    return any(cell.get("execution_count") is not None or cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def _run(nb, nb_dir, result, timeout, cell_timeout, kernel_name, start, attempts=3) -> None:
    """Execute in a fresh kernel; record what stopped it. A kernel that fails to start (two kernels
    racing for a port when --jobs > 1) is started again, up to `attempts` times."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    deadline = start + timeout

    def timeout_func(cell):
        remaining = deadline - time.monotonic()
        if remaining < 1:
            raise _BudgetExhausted()
        return max(1, int(min(cell_timeout, remaining)))

    quiet = logging.getLogger("hpo_mini.quiz.gradebook.nbclient")
    quiet.setLevel(logging.CRITICAL)
    for attempt in range(1, attempts + 1):
        client = NotebookClient(nb, kernel_name=kernel_name, timeout_func=timeout_func, interrupt_on_timeout=True,
                                allow_errors=True, record_timing=False, resources={"metadata": {"path": str(nb_dir)}},
                                log=quiet)
        try:
            client.execute(env=dict(os.environ, HPO_MINI_PRACTICE_LOG="off"))
            return
        except _BudgetExhausted:
            result.problems.append(f"stopped: the notebook used up its {timeout:g} s budget")
        except CellTimeoutError:
            result.problems.append(f"stopped: a cell did not finish and could not be interrupted within {cell_timeout:g} s")
        except DeadKernelError:
            result.problems.append("the kernel died (the notebook exited Python or ran out of memory)")
        except Exception as exc:  # the kernel failed to start, etc.
            if not _started(nb) and attempt < attempts:
                continue
            result.problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
        return


def _cell_problems(nb, result, cell_timeout) -> None:
    for index, cell in enumerate(nb.cells[:-1], 1):
        cid = str(cell.get("id", ""))
        where = f"cell {index}" + (f" ({cid})" if cid.endswith(("-answer", "-check")) else "")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") == "KeyboardInterrupt":
                    result.problems.append(f"{where} was interrupted after {cell_timeout:g} s (an endless loop?)")
                else:
                    result.problems.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:120]}")


def grade_notebook(sub: Submission, marks=None, timeout=120.0, cell_timeout=30.0, kernel_name="python3") -> Result:
    """Run one submission in a fresh kernel from a scratch copy, and grade its answers here.
    `marks`: (student, question id) -> rubric marks, from the marking sheet."""
    import nbformat

    start = time.monotonic()
    result = Result(sub)
    nb = _read_notebook(sub, result)
    quiz = _quiz_of(nb) if nb is not None else None
    if nb is not None and quiz is None:
        result.problems.append("not a quiz of this course: no quiz in its metadata and no load_quiz(...) cell")
    if quiz is None:
        result.fatal, result.seconds = True, time.monotonic() - start
        return result
    result.quiz = quiz
    bank = get_bank(quiz)
    if not bank.keyed:
        raise SystemExit("this install has no answer keys (an exam handout?): run the gradebook from the course repository")

    scratch = Path(tempfile.mkdtemp(prefix="hpo-grade-"))
    try:
        workdir = scratch / "work" / sub.student
        if sub.folder is not None:
            shutil.copytree(sub.folder, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            nb_dir = workdir / sub.path.parent.relative_to(sub.folder)
        else:
            workdir.mkdir(parents=True)
            shutil.copy2(sub.path, workdir / sub.path.name)
            nb_dir = workdir
        before = _listing(scratch)
        originals = _listing(sub.folder) if sub.folder is not None else None
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        final = nbformat.v4.new_code_cell(extraction_source({q.id: q.answer_name for q in bank.questions if q.kind != "code"}))
        final.id = "gradebook-answers"
        nb.cells.append(final)

        _run(nb, nb_dir, result, timeout, cell_timeout, kernel_name, start)
        _cell_problems(nb, result, cell_timeout)
        printed = [out["data"][ANSWERS_MIME] for out in final.get("outputs", [])
                   if out.get("output_type") == "display_data" and ANSWERS_MIME in out.get("data", {})]
        if not printed:
            result.fatal = True
            result.problems.append("no answers could be read: the notebook did not run to its end")
        else:
            extracted = printed[-1] if isinstance(printed[-1], dict) else json.loads(printed[-1])
            mine = {qid: m for (student, qid), m in (marks or {}).items() if student == sub.student}
            result.rows = grade_submission_answers(nb, bank, extracted, mine, cwd=nb_dir)

        after = _listing(scratch)
        inside = f"work/{sub.student}"
        escaped = sorted(p for p in after if p not in before and p != "work" and not (p == inside or p.startswith(inside + "/")))
        if escaped:
            shown = ", ".join(os.path.relpath(scratch / p, nb_dir) for p in escaped[:3])
            result.problems.append(f"wrote outside its folder ({shown}); it ran in a scratch copy, so nothing outside was "
                                   "touched by relative paths (absolute paths are not prevented)")
        if originals is not None and _listing(sub.folder) != originals:
            result.problems.append("changed files in the submissions folder itself")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        result.seconds = time.monotonic() - start
    return result


def _progress_line(result) -> str:
    got = f"{result.total:g}/{result.max}" if not result.fatal else "-"
    return (f"{result.submission.student:<20} {got:>9}  {result.status:<20} {result.seconds:5.1f} s  "
            f"{'; '.join(result.problems)}")


def grade_folder(root, marks=None, jobs=1, timeout=120.0, cell_timeout=30.0, kernel_name="python3", progress=print):
    """Grade every submission in `root`, `jobs` at a time (each in its own process and kernel);
    return the results in submission order."""
    subs = find_submissions(root)
    args = dict(marks=marks or {}, timeout=timeout, cell_timeout=cell_timeout, kernel_name=kernel_name)
    if jobs <= 1:
        results = []
        for sub in subs:
            results.append(grade_notebook(sub, **args))
            if progress:
                progress(_progress_line(results[-1]))
        return results
    done = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(grade_notebook, sub, **args): i for i, sub in enumerate(subs)}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if progress:
                progress(_progress_line(done[futures[future]]))
    return [done[i] for i in range(len(subs))]


def main(argv=None) -> int:
    from . import gradebook_reports as reports

    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name if __spec__ else __name__}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", help="the folder of submissions")
    parser.add_argument("--out", default="grades", help="the folder to write the grades to (default: grades)")
    parser.add_argument("--marks", help="the marking sheet with the explain answers' marks (default: OUT/marking.csv if it exists)")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once, each in its own kernel (default 1)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook in total (default 120)")
    parser.add_argument("--cell-timeout", type=float, default=30.0, help="seconds per cell before it is interrupted (default 30)")
    parser.add_argument("--kernel", default="python3", help="the Jupyter kernel to run submissions in")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, but got {args.jobs}")
    out = Path(args.out)
    marks_path = Path(args.marks) if args.marks else out / reports.MARKING_SHEET
    marks = reports.read_marks(marks_path)
    start = time.monotonic()
    results = grade_folder(args.submissions, marks, args.jobs, args.timeout, args.cell_timeout, args.kernel)
    seconds = time.monotonic() - start
    written = reports.write_all(results, out, Path(args.submissions), marks_path=marks_path, seconds=seconds, jobs=args.jobs)
    print((out / reports.SUMMARY).read_text(encoding="utf-8"))
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
