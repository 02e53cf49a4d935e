"""Code answers are checked in a forked child (sandbox.py) that the parent stops from outside: a function
that ignores signals, loops in C or forks is killed with its whole process group at the time limit; one
that eats memory hits RLIMIT_AS and fails; grading a submission's text, the child writes only the
submission's folder and reads no key. And answers printed by a student's kernel are read defensively:
a forged output reads as no answers, never as a crash of the gradebook."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from hpo_mini.quiz import isolation
from hpo_mini.quiz.gradebook import _answers_of
from hpo_mini.quiz.sandbox import run_source_with_time_limit

ROOT = Path(__file__).resolve().parents[3]
KEY = ROOT / "solutions" / "keys" / "q03_grid_and_random.py"
MARKER = f"hpo-sandbox-{uuid.uuid4().hex[:12]}"
needs_landlock = pytest.mark.skipif(not isolation.landlock_abi(), reason="this system has no Landlock")


def check_calls(fn, report):
    """A checker that calls the function once."""
    report("f()")
    return True, "", int(fn() is None or 1)


def run(source, cwd=None, limit=1.0):
    start = time.monotonic()
    outcome = run_source_with_time_limit(check_calls, [source], "f", time_limit=limit, cwd=cwd)
    return outcome, time.monotonic() - start


def _marked() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


HOSTILE = {
    "ignores SIGALRM and SIGINT": ("import signal\ndef f():\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                   "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    signal.alarm(1)\n    while True:\n        pass"),
    "catches KeyboardInterrupt": "def f():\n    while True:\n        try:\n            while True:\n                pass\n        except KeyboardInterrupt:\n            pass",
    "loops in C": "import collections, itertools\ndef f():\n    collections.deque(itertools.count(), maxlen=0)",
    "forks busy children": ("import os, sys\ndef f():\n    for _ in range(3):\n        if os.fork() == 0:\n"
                            f"            os.execv(sys.executable, [sys.executable, '-c', 'while True: pass', {MARKER!r}])\n"
                            "    while True:\n        pass"),
}


@pytest.mark.parametrize("what", list(HOSTILE))
def test_a_function_that_ignores_its_time_limit_is_killed_with_its_children(what):
    outcome, seconds = run(HOSTILE[what])
    assert outcome.timed_out and not outcome.ok
    assert outcome.message == "your function did not return within 2 s on f(): is there a loop that never ends?"
    assert seconds < 30  # it ended (the limit is 1 s plus 1 s for the definitions)
    time.sleep(0.2)
    assert _marked() == []


def test_a_function_that_eats_memory_fails_with_memory_error():
    # 2 GB that the OS would hand out lazily (nothing is touched): only the 1 GB RLIMIT_AS allowance refuses it
    outcome, _ = run("import numpy as np\ndef f():\n    return np.empty(2 * 2 ** 30, dtype=np.uint8).size")
    assert not outcome.ok and not outcome.timed_out
    assert "MemoryError: Unable to allocate 2.00 GiB" in outcome.message


@needs_landlock
def test_code_graded_from_its_text_reads_no_key_and_writes_only_its_folder(tmp_path):
    mine, other = tmp_path / "me", tmp_path / "other"
    mine.mkdir(), other.mkdir()
    outcome, _ = run(f"def f():\n    return open({str(KEY)!r}).read()", cwd=mine)
    assert outcome.message == f"your function raised PermissionError: [Errno 13] Permission denied: '{KEY}'"
    outcome, _ = run(f"def f():\n    open({str(other / 'x')!r}, 'w').write('x')", cwd=mine)
    assert "raised PermissionError: [Errno 13] Permission denied" in outcome.message
    outcome, _ = run("def f():\n    open('mine.txt', 'w').write('x')", cwd=mine)
    assert outcome.ok and (mine / "mine.txt").read_text() == "x" and list(other.iterdir()) == []


@pytest.mark.parametrize("printed", [
    "not json", "[1, 2, 3]", ["a", "list"], 42, None, {"q03.grid_size": "not a dict"},
    {"q03.grid_size": {"type": "int", "value": "True"}}])
def test_a_forged_answers_output_reads_as_no_answers_never_a_crash(printed):
    from hpo_mini.quiz.answers import Unreadable, decode

    answers = _answers_of(printed)
    assert isinstance(answers, dict) and all(isinstance(v, dict) for v in answers.values())
    for value in answers.values():
        assert isinstance(decode(value), Unreadable)
