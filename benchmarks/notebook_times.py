"""How long each notebook takes to run top to bottom, as a learner runs it.

Each notebook in lessons/, quizzes/ and solutions/ runs on a fresh kernel (this venv's python3), one
at a time, with its own folder as the working directory. The time includes the kernel's start-up.
Prints a markdown table; exits 1 if a notebook fails or misses the goal (DESIGN.md: under 60 s on
2 cores).

    python benchmarks/notebook_times.py                  # every notebook
    python benchmarks/notebook_times.py lessons/03_*.ipynb
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("lessons", "quizzes", "solutions")
GOAL_S = 60.0
CELL_TIMEOUT_S = 120  # the same limit nbval uses in `make test`


def run_notebook(path: Path) -> tuple[float, int, str]:
    """Execute `path` on a fresh kernel; return (seconds, code cells, status)."""
    nb = nbformat.read(path, as_version=4)
    n_code = sum(c.cell_type == "code" and bool(c.source.strip()) for c in nb.cells)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines; failures are caught below
        status = "ok"
    except CellTimeoutError:
        status = f"cell timeout ({CELL_TIMEOUT_S} s)"
    except CellExecutionError as exc:
        status = f"error: {exc.ename}: {exc.evalue}"[:120]
    except Exception as exc:  # a kernel that dies or never starts is a result too
        status = f"error: {type(exc).__name__}: {exc}"[:120]
    seconds = time.perf_counter() - start
    if status == "ok" and seconds >= GOAL_S:
        status = f"over the {GOAL_S:.0f} s goal"
    return seconds, n_code, status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to time (default: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # this venv's kernel, as `make test` uses

    paths = [p.resolve() for p in args.notebooks] or [
        p for folder in FOLDERS for p in sorted((REPO / folder).glob("*.ipynb"))
    ]
    if not paths:
        print("no notebooks found in " + ", ".join(FOLDERS))
        return 1

    print(f"Goal: every notebook under {GOAL_S:.0f} s on a fresh kernel ({os.cpu_count()} cores here).\n")
    print("| notebook | seconds | cells | status |")
    print("|---|---:|---:|---|")
    failed = 0
    total = 0.0
    for path in paths:
        seconds, n_code, status = run_notebook(path)
        total += seconds
        failed += status != "ok"
        name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        print(f"| {name} | {seconds:.1f} | {n_code} | {status} |", flush=True)
    print(f"\n{len(paths)} notebooks, {total:.1f} s in all, {failed} not ok.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
