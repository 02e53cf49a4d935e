"""Grade a folder of submitted quiz notebooks with the instructor's keys.

    python -m hpo_mini.quiz.gradebook SUBMISSIONS_DIR --out grades [--jobs 2] [--marks marking.csv]
    make grade DIR=path/to/submissions [OUT=grades] [JOBS=2]

Layout: SUBMISSIONS_DIR/<student>/<anything>.ipynb (one folder per student, any other files in the
folder are copied along), or SUBMISSIONS_DIR/<student>.ipynb. Hidden files are skipped. Exam notebooks
(from the handout) and self-check notebooks are graded the same way.

How a submission is graded: it runs in its own fresh Jupyter kernel (nbclient), never in this process,
with the practice log off, from a scratch copy of its folder (gradebook_kernel.py). The kernel is
confined (isolation.py, Landlock): it writes only that copy, reads no key (it imports a copy of the
package without them) and none of the submissions, scratch folders or output, and gets a scrubbed
environment. Time is enforced from outside the kernel: a cell still running at --cell-timeout is
interrupted; if that has not stopped it 5 s later, the kernel and every process it started are
killed. The notebook's --timeout is a hard wall-clock budget, enforced the same way. The row then
says "timed out after N s in cell K". The kernel only computes the values the answer cells bind: the
gradebook appends one cell that prints them as data, and grades them itself with the keys of this
install (regrade.py): a score, state or verdict computed in the student's kernel is never read, so
forging one changes nothing. Code answers are graded from their cell's text, in a child process of
the gradebook confined like the kernel, with a time and a memory limit (sandbox.py). Explain answers
are marked by the instructor in OUT/marking.csv (one `marks` cell per answer, e.g. "1 0 1 1"); run
the gradebook again and the points follow the marks. Until then they are "awaiting marking": no
points, and left out of the class means.

What it writes in OUT (gradebook_reports.py): grades_wide.csv (a row per submission, a column per
question, total and percent), grades_long.csv (a row per submission and question), question_stats.csv
(mean, share blank, share correct, discrimination), feedback/<student>.md, marking.csv and summary.txt.

What is and is not enforced (RELIABILITY.md, "The gradebook"): without Landlock (not Linux, or a
kernel before 5.13) the gradebook warns that kernels are not confined; writes that climb out of the
scratch folder (../x) or into SUBMISSIONS_DIR are then detected and reported, absolute writes elsewhere
are not. A code answer runs the student's code, so a function written to attack its checker could
fake its own result; the gradebook refuses answers that call the course library, which holds the
references.
"""

from __future__ import annotations

import argparse
import json
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

from . import isolation
from .answers import ANSWERS_MIME, extraction_source
from .bank import all_quizzes, get_bank
from .gradebook_kernel import KERNEL_MEMORY_MB, keyless_package, run_notebook
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


def _answers_of(data) -> dict:
    """The printed answers as question id -> encoded value. The output was written in the student's
    kernel (a hook could forge it): anything but a dict of dicts reads as no answers, never a crash."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def _cell_problems(nb, result, cell_timeout) -> None:
    for index, cell in enumerate(nb.cells[:-1], 1):
        cid = str(cell.get("id", ""))
        where = f"cell {index}" + (f" ({cid})" if cid.endswith(("-answer", "-check")) else "")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") == "KeyboardInterrupt":
                    result.problems.append(f"{where} was interrupted after {cell_timeout:g} s (an endless loop?)")
                else:
                    refused = " (while graded, only its own folder is writable and no key is readable)" \
                        if out.get("ename") == "PermissionError" else ""
                    result.problems.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:120]}{refused}")


def grade_notebook(sub: Submission, marks=None, timeout=120.0, cell_timeout=30.0, kernel_name="python3",
                   package=None, memory_mb=KERNEL_MEMORY_MB) -> Result:
    """Run one submission in a fresh, isolated kernel from a scratch copy (gradebook_kernel.py), and
    grade its answers here. `marks`: (student, question id) -> rubric marks, from the marking sheet.
    `package`: the folder holding the keyless copy of the package the kernel imports (built if None)."""
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

    scratch, since = Path(tempfile.mkdtemp(prefix="hpo-grade-")), isolation.ticks_now()
    isolation.subreaper(True)  # what the kernel or a code answer starts and orphans comes back here
    try:
        workdir, home = scratch / "work" / sub.student, scratch / "home"
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

        finished = run_notebook(nb, nb_dir, workdir, home, result.problems, timeout, cell_timeout, kernel_name, start,
                                package=package, memory_mb=memory_mb)
        _cell_problems(nb, result, cell_timeout)
        printed = [out["data"][ANSWERS_MIME] for out in final.get("outputs", [])
                   if out.get("output_type") == "display_data" and ANSWERS_MIME in out.get("data", {})]
        if not printed:
            result.fatal = True
            if finished:
                result.problems.append("no answers could be read: the notebook did not run to its end")
        else:
            extracted = _answers_of(printed[-1])
            mine = {qid: m for (student, qid), m in (marks or {}).items() if student == sub.student}
            result.rows = grade_submission_answers(nb, bank, extracted, mine, cwd=nb_dir)

        after = _listing(scratch)
        inside = f"work/{sub.student}"
        escaped = sorted(p for p in after if p not in before and p.split("/")[0] not in ("work", "home")
                         or p.startswith("work/") and not (p == inside or p.startswith(inside + "/")))
        if escaped:  # only where Landlock is missing: with it, such a write is refused (a PermissionError above)
            shown = ", ".join(os.path.relpath(scratch / p, nb_dir) for p in escaped[:3])
            result.problems.append(f"wrote outside its folder ({shown}); it ran in a scratch copy, so nothing outside was "
                                   "touched by relative paths (this system has no Landlock: absolute paths are not prevented)")
        if originals is not None and _listing(sub.folder) != originals:
            result.problems.append("changed files in the submissions folder itself")
    finally:
        isolation.kill_tree(None, since)  # every process this submission started and left running
        isolation.subreaper(False)
        shutil.rmtree(scratch, ignore_errors=True)
        result.seconds = time.monotonic() - start
    return result


def _progress_line(result) -> str:
    got = f"{result.total:g}/{result.max}" if not result.fatal else "-"
    return (f"{result.submission.student:<20} {got:>9}  {result.status:<20} {result.seconds:5.1f} s  "
            f"{'; '.join(result.problems)}")


def grade_folder(root, marks=None, jobs=1, timeout=120.0, cell_timeout=30.0, kernel_name="python3", progress=print,
                 memory_mb=KERNEL_MEMORY_MB):
    """Grade every submission in `root`, `jobs` at a time (each in its own process and kernel);
    return the results in submission order."""
    subs = find_submissions(root)
    if progress and not isolation.landlock_abi():
        progress("warning: this system has no Landlock (Linux >= 5.13): the kernels are not confined to their "
                 "folders, so a submission can read what your user can (solutions/keys included)")
    args = dict(marks=marks or {}, timeout=timeout, cell_timeout=cell_timeout, kernel_name=kernel_name,
                package=keyless_package(), memory_mb=memory_mb)
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
    parser.add_argument("--memory", type=int, default=KERNEL_MEMORY_MB,
                        help=f"MB of address space per kernel (RLIMIT_AS; default {KERNEL_MEMORY_MB}; 0: no limit)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, but got {args.jobs}")
    out = Path(args.out)
    marks_path = Path(args.marks) if args.marks else out / reports.MARKING_SHEET
    marks = reports.read_marks(marks_path)
    start = time.monotonic()
    results = grade_folder(args.submissions, marks, args.jobs, args.timeout, args.cell_timeout, args.kernel,
                           memory_mb=args.memory)
    seconds = time.monotonic() - start
    written = reports.write_all(results, out, Path(args.submissions), marks_path=marks_path, seconds=seconds, jobs=args.jobs)
    print((out / reports.SUMMARY).read_text(encoding="utf-8"))
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
