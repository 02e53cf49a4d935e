"""Grade a folder of submitted quiz notebooks.

    python -m hpo_mini.quiz.gradebook SUBMISSIONS_DIR --out grades.csv [--timeout 120] [--cell-timeout 30]

Layout: SUBMISSIONS_DIR/<student>/<anything>.ipynb (one folder per student, any other files in the
folder are copied along), or SUBMISSIONS_DIR/<student>.ipynb. Hidden files are skipped.

Each notebook runs in its own fresh Jupyter kernel (nbclient), never in this process, with the
practice log off, from a scratch copy of its folder (the kernel's working directory), so relative
writes land in the copy. A cell that runs longer than --cell-timeout is interrupted and grading
goes on; a notebook that uses up --timeout in total is stopped. Cells that raise are recorded and the
rest still run. After the last cell, the grader adds one cell that asks the quiz loaded in that
kernel for its score; the score is read from the output with mime type
application/vnd.hpo-mini.score+json.

What is and is not enforced: the OS does not stop a submission from writing outside its folder.
Relative writes that climb out of the scratch folder (../x) are detected and reported; writes into
SUBMISSIONS_DIR are detected (before/after listing); absolute writes elsewhere are neither prevented
nor detected. The score is computed inside the student's kernel, so a student who writes code to
fake it can: this is a workshop tool, not an exam proctor.

The CSV has one row per student and question (row_type "question"), one per submission
("total": its points, or status "error" and what went wrong), and a class summary: the mean points
per question ("class_question") and the topics ranked from hardest ("class_topic").
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .session import SCORE_MIME

__all__ = ["Submission", "find_submissions", "grade_notebook", "grade_folder", "write_csv", "main"]

FIELDS = ["row_type", "student", "file", "quiz", "question", "kind", "difficulty", "topics", "points", "max", "status", "detail"]

FINAL_CELL = (
    "# added by the gradebook: the score of the quiz loaded in this kernel\n"
    "from hpo_mini.quiz import active_quiz as _gradebook_active_quiz\n"
    "if _gradebook_active_quiz() is not None:\n"
    "    _gradebook_active_quiz().score()"
)


@dataclass
class Submission:
    student: str
    path: Path  # the notebook (or the file that is not one)
    folder: Path | None  # the student's folder, copied whole; None for a top-level file


@dataclass
class Result:
    submission: Submission
    score: dict | None = None
    problems: list = field(default_factory=list)  # what went wrong, in order
    fatal: bool = False  # no score could be read
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.fatal or self.score is None:
            return "error"
        return "graded with problems" if self.problems else "graded"


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
            if notebooks:
                out += [Submission(entry.name, nb, entry) for nb in notebooks]
            else:
                out.append(Submission(entry.name, entry, entry))
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
        result.problems.append("no .ipynb file in the student's folder")
        return None
    if path.suffix != ".ipynb":
        result.problems.append(f"not a notebook: {path.name} (a .ipynb file is expected)")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(f"cannot read {path.name}: {exc}")
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "" if text.rstrip().endswith("}") else " (the file looks truncated)"
        result.problems.append(f"not a valid notebook: its JSON is broken at line {exc.lineno}{hint}")
        return None
    if not isinstance(data, dict) or "cells" not in data:
        result.problems.append("not a valid notebook: the JSON has no 'cells'")
        return None
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for bad structure
        result.problems.append(f"not a valid notebook: {str(exc).splitlines()[0][:200]}")
        return None
    return nb


def grade_notebook(sub: Submission, timeout=120.0, cell_timeout=30.0, kernel_name="python3") -> Result:
    """Run one submission in a fresh kernel from a scratch copy and read its score."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.monotonic()
    result = Result(sub)
    nb = _read_notebook(sub, result)
    if nb is None:
        result.fatal = True
        return result

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
                cell.outputs = []
                cell.execution_count = None
        final = nbformat.v4.new_code_cell(FINAL_CELL)
        final.id = "gradebook-score"
        nb.cells.append(final)

        deadline = start + timeout

        def timeout_func(cell):
            remaining = deadline - time.monotonic()
            if remaining < 1:
                raise _BudgetExhausted()
            return max(1, int(min(cell_timeout, remaining)))

        env = dict(os.environ, HPO_MINI_PRACTICE_LOG="off")
        quiet = logging.getLogger("hpo_mini.quiz.gradebook.nbclient")
        quiet.setLevel(logging.CRITICAL)
        client = NotebookClient(
            nb,
            kernel_name=kernel_name,
            timeout_func=timeout_func,
            interrupt_on_timeout=True,
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": str(nb_dir)}},
            log=quiet,
        )
        try:
            client.execute(env=env)
        except _BudgetExhausted:
            result.problems.append(f"stopped: the notebook used up its {timeout:g} s budget")
        except CellTimeoutError:
            result.problems.append(f"stopped: a cell did not finish and could not be interrupted within {cell_timeout:g} s")
        except DeadKernelError:
            result.problems.append("the kernel died (the notebook exited Python or ran out of memory)")
        except Exception as exc:  # kernel failed to start, etc.
            result.problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")

        for index, cell in enumerate(nb.cells[:-1], 1):
            cid = str(cell.get("id", ""))
            where = f"cell {index}" + (f" ({cid})" if cid.endswith(("-answer", "-check")) else "")
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    if out.get("ename") == "KeyboardInterrupt":
                        result.problems.append(f"{where} was interrupted after {cell_timeout:g} s (an endless loop?)")
                    else:
                        result.problems.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:120]}")
        scores = [
            out["data"][SCORE_MIME]
            for cell in nb.cells
            for out in cell.get("outputs", [])
            if out.get("output_type") in ("display_data", "execute_result") and SCORE_MIME in out.get("data", {})
        ]
        if scores:
            score = scores[-1]
            result.score = json.loads(score) if isinstance(score, str) else score
            expected = nb.metadata.get("hpo_mini", {}).get("quiz")
            if expected and result.score.get("quiz") != expected:
                result.problems.append(f"the notebook is quiz {expected} but loaded quiz {result.score.get('quiz')}")
        else:
            result.fatal = True
            result.problems.append("no score: the notebook never loaded a quiz (the load_quiz cell is missing or failed)")

        after = _listing(scratch)
        inside = f"work/{sub.student}"
        escaped = sorted(
            p for p in after
            if p not in before and not (p == inside or p.startswith(inside + "/")) and p not in ("work",)
        )
        if escaped:
            shown = ", ".join(os.path.relpath(scratch / p, nb_dir) for p in escaped[:3])
            result.problems.append(
                f"wrote outside its folder ({shown}); it ran in a scratch copy, so nothing outside was touched "
                "by relative paths (absolute paths are not prevented)"
            )
        if originals is not None and _listing(sub.folder) != originals:
            result.problems.append("changed files in the submissions folder itself")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        result.seconds = time.monotonic() - start
    return result


def rows_for(result: Result, root: Path) -> list[dict]:
    sub = result.submission
    base = {"student": sub.student, "file": sub.path.relative_to(root).as_posix() if sub.path.is_relative_to(root) else str(sub.path)}
    detail = "; ".join(result.problems)
    if result.score is None:
        return [dict(base, row_type="total", quiz="", question="", kind="", difficulty="", topics="",
                     points="", max="", status="error", detail=detail)]
    score = result.score
    rows = [
        dict(base, row_type="question", quiz=score["quiz"], question=q["id"], kind=q["kind"], difficulty=q["difficulty"],
             topics="; ".join(q["topics"]), points=q["points"], max=q["max"], status=q["status"], detail="")
        for q in score["questions"]
    ]
    rows.append(dict(base, row_type="total", quiz=score["quiz"], question="", kind="", difficulty="", topics="",
                     points=score["total"], max=score["max"], status=result.status, detail=detail))
    return rows


def class_summary(results) -> list[dict]:
    per_question = defaultdict(list)  # (quiz, id) -> [(points, max, question)]
    per_topic = defaultdict(lambda: [0.0, 0.0])
    for r in results:
        if r.score is None:
            continue
        for q in r.score["questions"]:
            per_question[(r.score["quiz"], q["id"])].append((q["points"], q["max"], q))
            for t in q["topics"]:
                per_topic[(r.score["quiz"], t)][0] += q["points"]
                per_topic[(r.score["quiz"], t)][1] += q["max"]
    rows = []
    for (quiz, qid), entries in per_question.items():
        q = entries[0][2]
        full = sum(p == m for p, m, _ in entries)
        rows.append(dict(row_type="class_question", student="", file="", quiz=quiz, question=qid, kind=q["kind"],
                         difficulty=q["difficulty"], topics="; ".join(q["topics"]),
                         points=round(sum(p for p, _, _ in entries) / len(entries), 3), max=q["max"],
                         status="", detail=f"{full} of {len(entries)} earned full points"))
    ranked = sorted(per_topic.items(), key=lambda kv: (kv[1][0] / kv[1][1] if kv[1][1] else 1.0, kv[0]))
    for rank, ((quiz, topic), (got, possible)) in enumerate(ranked, 1):
        rows.append(dict(row_type="class_topic", student="", file="", quiz=quiz, question="", kind="", difficulty="",
                         topics=topic, points=round(got / possible, 3) if possible else "", max=1, status="",
                         detail=f"rank {rank} of {len(ranked)} (1 = hardest): fraction of points earned"))
    return rows


def grade_folder(root, timeout=120.0, cell_timeout=30.0, kernel_name="python3", progress=print):
    root = Path(root)
    results = []
    for sub in find_submissions(root):
        result = grade_notebook(sub, timeout=timeout, cell_timeout=cell_timeout, kernel_name=kernel_name)
        results.append(result)
        if progress:
            got = f"{result.score['total']}/{result.score['max']}" if result.score else "-"
            progress(f"{sub.student:<20} {got:>7}  {result.status:<20} {result.seconds:5.1f} s  {'; '.join(result.problems)}")
    rows = [row for r in results for row in rows_for(r, root)] + class_summary(results)
    return results, rows


def write_csv(rows, out) -> None:
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name if __spec__ else __name__}", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", help="the folder of submissions")
    parser.add_argument("--out", default="grades.csv", help="the CSV to write (default: grades.csv)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook in total (default 120)")
    parser.add_argument("--cell-timeout", type=float, default=30.0, help="seconds per cell before it is interrupted (default 30)")
    parser.add_argument("--kernel", default="python3", help="the Jupyter kernel to run submissions in")
    args = parser.parse_args(argv)
    results, rows = grade_folder(args.submissions, args.timeout, args.cell_timeout, args.kernel)
    write_csv(rows, args.out)
    graded = sum(r.score is not None for r in results)
    print(f"graded {graded} of {len(results)} submissions; wrote {args.out}")
    hardest = [r for r in rows if r["row_type"] == "class_topic"][:3]
    if hardest:
        print("hardest topics: " + ", ".join(f"{r['topics']} ({r['points']:.0%})" for r in hardest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
