"""Run a learner's function against a checker with a time limit, so an infinite loop fails the
question instead of hanging the notebook.

Where `os.fork` exists (Linux, macOS) the checker runs in a forked child: it inherits the learner's
function as it is (no pickling), the parent waits at most `time_limit` seconds and kills the child
if it is still running. The child talks to the parent over a pipe in JSON lines:

    {"case": "p_at_least_one(q=0.05, n=60)"}      before each case, so a timeout can name it
    {"ok": true, "message": "...", "passed": 40}   at the end

The forked child is the leader of a process group of its own, and the time limit is the parent's:
at the limit (or when the child has answered) the parent SIGKILLs the whole group, so a function
that ignores signals (SIGALRM, KeyboardInterrupt), loops in C or forks children is stopped with all
it started. The child also gets resource limits (isolation.limit_resources): RLIMIT_AS at its size
plus MEMORY_ALLOWANCE_MB (an allocation past it raises MemoryError) and RLIMIT_CPU at the time limit
plus one second. Grading a submission's text (`cwd` given: the gradebook), the child is confined with
Landlock where the OS has it: it writes only `cwd`, and reads only the system, Python, its
site-packages and the course package without its sealed keys (never solutions/keys).

Without fork (Windows) the checker runs in a daemon thread that is abandoned after the time limit:
the notebook goes on, but the runaway thread keeps a core busy until the kernel is restarted.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import isolation

__all__ = ["CheckOutcome", "run_with_time_limit", "run_source_with_time_limit", "DEFAULT_TIME_LIMIT"]

# Long enough for a correct solution on a loaded 2-core laptop (the reference checks take < 0.1 s),
# short enough that a learner waiting on an infinite loop is told within a couple of seconds.
DEFAULT_TIME_LIMIT = 2.0
# Address space a check may add to the forked child's (which holds the parent's: the kernel's, or the
# gradebook's). The reference checks allocate a few MB.
MEMORY_ALLOWANCE_MB = 1024


@dataclass
class CheckOutcome:
    ok: bool
    message: str  # what went wrong (empty when ok)
    passed: int = 0  # cases passed before the first failure (all of them when ok)
    timed_out: bool = False
    status: str = ""  # "unanswered" or "invalid" when the source defined no usable function


def _run_checker(checker, fn, report) -> CheckOutcome:
    try:
        ok, message, passed = checker(fn, report)
        return CheckOutcome(bool(ok), str(message), int(passed))
    except Exception as exc:  # a bug in the learner's code that escaped the checker's own guards
        return CheckOutcome(False, f"your function raised {type(exc).__name__}: {exc}", 0)


def run_with_time_limit(checker, fn, time_limit: float = DEFAULT_TIME_LIMIT) -> CheckOutcome:
    """Run `checker(fn, report)` -> (ok, message, n_passed) with a wall-clock limit."""
    return _run(lambda report: _run_checker(checker, fn, report), time_limit)


def _confine(cwd) -> None:
    """In the forked child: write only `cwd`; read the system, Python and the package minus its keys."""
    package = Path(__file__).resolve().parents[1]
    sealed = package / "quiz" / "bank" / "sealed"
    isolation.restrict(read=isolation.system_read_paths() + isolation.beneath_except(package, sealed),
                       write=[os.path.realpath(cwd)])


def _define_then_check(checker, sources, function_name, parse, screen, report, cwd=None) -> CheckOutcome:
    if cwd is not None:
        os.chdir(cwd)  # in the forked child only: the submission's files, never the gradebook's folder
        try:
            _confine(cwd)
        except OSError as exc:
            return CheckOutcome(False, f"the check could not be confined to the submission's folder: {exc}")
    namespace = {"__name__": "__answer__"}
    for i, source in enumerate(sources):
        last = i == len(sources) - 1
        try:
            exec(compile(source, "<answer cell>" if last else "<notebook cell>", "exec"), namespace)
        except Exception as exc:
            if last:
                return CheckOutcome(False, f"the answer cell raised {type(exc).__name__}: {exc}", status="unanswered")
    fn = namespace.get(function_name)
    if fn is None:
        return CheckOutcome(False, f"the answer cell does not define `{function_name}`", status="unanswered")
    verdict = parse(fn)
    if verdict is not None:
        return CheckOutcome(False, verdict.detail, status=verdict.status)
    refused = screen(fn)
    if refused:
        return CheckOutcome(False, refused)
    return _run_checker(checker, fn, report)


def run_source_with_time_limit(checker, sources, function_name, time_limit=DEFAULT_TIME_LIMIT,
                               parse=lambda fn: None, screen=lambda fn: "", cwd=None) -> CheckOutcome:
    """Run code given as text, then check the function it defines, all in the child and within the
    limit (plus one second for the definitions): the gradebook grades a submission this way, outside
    the learner's kernel. `sources` are cell texts, the answer cell last; earlier cells that raise are
    skipped. `parse(fn)` returns None or a verdict that stops the check (a placeholder, not a
    function); `screen(fn)` returns "" or why the function is refused (it calls the library). `cwd`:
    the folder the code runs in (the submission's scratch copy); it needs fork, so without fork
    (Windows) code given as text is refused rather than run in the gradebook's own folder."""
    if cwd is not None and not hasattr(os, "fork"):
        return CheckOutcome(False, "grading code from its text needs os.fork (Linux or macOS)", status="invalid")
    return _run(lambda report: _define_then_check(checker, sources, function_name, parse, screen, report, cwd),
                time_limit + 1.0)


def _run(task, time_limit) -> CheckOutcome:
    if hasattr(os, "fork"):
        return _run_forked(task, time_limit)
    return _run_threaded(task, time_limit)


def _timeout_outcome(time_limit, case) -> CheckOutcome:
    where = f" on {case}" if case else ""
    return CheckOutcome(
        False,
        f"your function did not return within {time_limit:g} s{where}: is there a loop that never ends?",
        timed_out=True,
    )


def _run_forked(task, time_limit) -> CheckOutcome:
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that fork() in a multi-threaded process (a Jupyter kernel) may deadlock.
        # The child touches no lock the kernel's threads hold (its output goes to a StringIO), and
        # a child that does hang is killed at the time limit like any other.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.setpgid(0, 0)  # a group of its own: the parent kills it whole
            allowance = MEMORY_ALLOWANCE_MB * 2 ** 20
            isolation.limit_resources(isolation.address_space() + allowance if isolation.address_space() else None,
                                      time_limit + 1)
            os.close(read_fd)
            sys.stdout = sys.stderr = io.StringIO()  # the learner's prints must not reach the kernel
            out = os.fdopen(write_fd, "w", buffering=1)

            def report(case):
                out.write(json.dumps({"case": str(case)}) + "\n")

            result = task(report)
            out.write(json.dumps({"ok": result.ok, "message": result.message, "passed": result.passed,
                                  "status": result.status}) + "\n")
            out.flush()
        except BaseException:
            code = 1
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the kernel's streams

    os.close(write_fd)
    deadline = time.monotonic() + time_limit
    buffer, case, final = b"", None, None
    try:
        while final is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 65536)
            if not chunk:  # the child exited
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                msg = json.loads(line)
                if "case" in msg:
                    case = msg["case"]
                else:
                    final = msg
    finally:
        os.close(read_fd)
        for kill in (os.killpg, os.kill):  # the whole group: what it forked too (the leader is not reaped yet)
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        os.waitpid(pid, 0)
    if final is not None:
        return CheckOutcome(final["ok"], final["message"], final["passed"], status=final.get("status", ""))
    if time.monotonic() >= deadline:
        return _timeout_outcome(time_limit, case)
    where = f" on {case}" if case else ""
    return CheckOutcome(False, f"the check stopped unexpectedly{where} (did your function exit the process?)")


def _run_threaded(task, time_limit) -> CheckOutcome:
    box = {}
    state = {"case": None}

    def report(case):
        state["case"] = str(case)

    def target():
        box["result"] = task(report)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(time_limit)
    if thread.is_alive():
        return _timeout_outcome(time_limit, state["case"])
    return box["result"]
