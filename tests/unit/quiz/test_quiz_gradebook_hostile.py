"""Hostile submissions: a cell that ignores its interrupt (SIGINT and SIGALRM ignored, KeyboardInterrupt
caught, a loop in C, children forked into sessions of their own) is cut off from outside its kernel,
with its whole process tree, and reported with the cell and the time; the notebook's budget is a hard
wall-clock limit; a kernel over its memory limit fails its cell, not the gradebook; and the rest of
the class is graded."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz.bank import get_bank
from hpo_mini.quiz.build import fill_answers, quiz_notebook
from hpo_mini.quiz.gradebook import grade_folder

pytestmark = pytest.mark.slow
QUIZ = "03_grid_and_random"
MARKER = f"hpo-hostile-{uuid.uuid4().hex[:12]}"  # in the command line of every process the forking cell starts

HOSTILE = {
    # SIGINT (Jupyter's interrupt) and SIGALRM (a timeout by alarm) ignored, then a Python loop
    "ignores_signals": ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                        "signal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.alarm(1)\nwhile True:\n    pass"),
    "catches_interrupt": "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass",
    # a loop inside C code that never checks for signals: consumes an endless iterator
    "loops_in_c": "import collections, itertools\ncollections.deque(itertools.count(), maxlen=0)",
    # children in the kernel's group, and grandchildren escaped into sessions of their own (double fork)
    "forks": ("import os, sys, signal\nfor _ in range(2):\n    if os.fork() == 0:\n"
              f"        os.execv(sys.executable, [sys.executable, '-c', 'while True: pass', {MARKER!r}])\n"
              "    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
              f"            os.execv(sys.executable, [sys.executable, '-c', 'while True: pass', {MARKER!r}])\n"
              "        os._exit(0)\n"
              "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
}
# Hooks that run after every cell, the gradebook's own included: a value encode() once could not describe
# (numpy.bool_ became {"type": "int", "value": "True"}, and decoding it crashed the whole run), and a forged
# answers output printed after the real one.
ODD = {
    "numpy_bool": ("import numpy as np\nget_ipython().events.register('post_run_cell', "
                   "lambda result: get_ipython().user_ns.update(answer_random_vs_grid=np.bool_(True)))"),
    "forged_output": ("from IPython.display import display\nfrom hpo_mini.quiz.answers import ANSWERS_MIME\n"
                      "get_ipython().events.register('post_run_cell', lambda result: display("
                      "{ANSWERS_MIME: {'q03.grid_size': {'type': 'int', 'value': 'True'}, 'junk': 1}}, raw=True))"),
}
ANSWERS = {"q03.grid_size": 15625}  # one right answer (1 point): it counts only if the notebook was graded


def _class(folder, cells: dict, position=3):
    """One folder per student: the exam notebook with ANSWERS, and the student's cell inserted."""
    honest = fill_answers(quiz_notebook(QUIZ, mode="exam"), QUIZ, ANSWERS)
    for student, source in cells.items():
        nb = nbformat.reads(nbformat.writes(honest), as_version=4)
        if source:
            cell = nbformat.v4.new_code_cell(source)
            cell.id = "hostile"
            nb.cells.insert(position, cell)
        (folder / student).mkdir(parents=True)
        nbformat.write(nb, folder / student / "quiz.ipynb")
    return folder


def _marked_processes() -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(int(pid))
        except OSError:
            continue
    return out


@pytest.fixture(scope="module")
def cut_off(tmp_path_factory):
    folder = _class(tmp_path_factory.mktemp("hostile") / "subs", {"honest_before": "", **HOSTILE, **ODD, "honest_after": ""})
    start = time.monotonic()
    results = grade_folder(folder, jobs=2, timeout=60, cell_timeout=3, progress=None)
    return {r.submission.student: r for r in results}, time.monotonic() - start


def test_a_cell_that_ignores_its_interrupt_is_killed_from_outside_and_reported(cut_off):
    results, _ = cut_off
    for student in HOSTILE:
        r = results[student]
        print(f"{student}: its row was ready after {r.seconds:.1f} s")
        assert r.status == "error" and not r.rows, student
        (problem,) = r.problems
        # 3 s cell timeout + 5 s for the interrupt to work; the cell is the 4th (inserted at index 3)
        assert problem.startswith("timed out after 8 s in cell 4: the cell did not stop when interrupted at 3 s, "
                                  "so its kernel was killed"), (student, problem)
        assert r.seconds < 50, (student, r.seconds)  # it ended: well before the 60 s budget


def test_the_rest_of_the_class_is_graded(cut_off):
    results, _ = cut_off
    for student in ("honest_before", "honest_after"):
        assert (results[student].status, results[student].total) == ("graded", 1), student
        assert len(results[student].rows) == len(get_bank(QUIZ).questions)


def test_odd_values_and_forged_answer_outputs_are_graded_not_crashed_on(cut_off):
    results, _ = cut_off
    odd = results["numpy_bool"]
    assert (odd.status, odd.total) == ("graded", 1)
    row = next(g for g in odd.rows if g.question == "q03.random_vs_grid")
    assert row.status == "invalid" and row.detail.startswith("this question takes one letter")
    forged = results["forged_output"]  # its last answers output is the forged one: nothing in it is an answer
    assert forged.status == "graded" and forged.total == 0
    statuses = {g.question: g.status for g in forged.rows if g.kind != "code"}
    assert statuses.pop("q03.grid_size") == "invalid"  # an int that is not one: unreadable, graded as a wrong type
    assert set(statuses.values()) == {"unanswered"}


def test_no_process_a_hostile_cell_started_outlives_its_grading(cut_off):
    assert _marked_processes() == []


@pytest.mark.parametrize("budget", [5, 15])
def test_the_notebook_budget_is_a_hard_wall_clock_limit(tmp_path, budget):
    # the cell timeout (120 s) never comes: only the budget stops the hostile cell. With 15 s, an honest
    # notebook in the same run (about 4 s on a loaded 2-core machine) is graded; 5 s may be too short for it.
    cells = {"ignores_signals": HOSTILE["ignores_signals"], **({"honest": ""} if budget > 5 else {})}
    folder = _class(tmp_path / "subs", cells)
    results = {r.submission.student: r for r in grade_folder(folder, timeout=budget, cell_timeout=120, progress=None)}
    r = results["ignores_signals"]
    print(f"budget {budget} s: the hostile notebook's row was ready after {r.seconds:.1f} s")
    assert r.status == "error" and r.problems == [
        f"timed out after {budget} s in cell 4: the notebook's budget is {budget} s, so its kernel was killed and "
        "nothing after that cell ran"]
    assert r.seconds < 60
    if budget > 5:
        assert (results["honest"].status, results["honest"].total) == ("graded", 1)


def test_a_kernel_over_its_memory_limit_fails_its_cell_and_the_notebook_is_graded(tmp_path):
    folder = _class(tmp_path / "subs", {"greedy": "x = bytearray(3 * 2 ** 30)  # 3 GB, over the 1 GB limit"})
    (r,) = grade_folder(folder, timeout=60, cell_timeout=10, progress=None, memory_mb=1024)
    assert r.status == "graded with problems" and r.total == 1
    assert r.problems == ["cell 4 raised MemoryError: "]
