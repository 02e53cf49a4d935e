"""Run one submitted notebook in a kernel that can reach only the student's own folder, and stop it
from outside when its time is spent (gradebook.py calls `run_notebook`).

The kernel:
- starts through isolation.py, which confines it with Landlock before Python starts: it reads the
  system, this Python and its site-packages, and a copy of the course package without keys (the
  exam handout's: no solutions/, no sealed keys, no checks; `keyless_package`), which PYTHONPATH puts
  first; it writes only the student's scratch folder and a scratch home. It cannot read
  solutions/keys, the sealed keys, the submissions folder, other students' scratch folders or the
  gradebook's output, and cannot signal the gradebook.
- gets an environment of a few named variables (PATH, locale, thread counts, its scratch HOME,
  TMPDIR and IPython/matplotlib folders): nothing else of the instructor's environment;
- has RLIMIT_AS (memory_mb) and RLIMIT_CPU (a backstop: budget × cores + 60 s).

Time is enforced from outside, by the gradebook's thread, not by the kernel: when the notebook's
budget is spent, or a cell still runs `grace` seconds after nbclient interrupted it at the cell
timeout (a cell that catches KeyboardInterrupt, ignores SIGALRM, loops in C), the kernel's whole
process group is SIGKILLed, and so is every process it started that escaped the group (this process
is their child subreaper: isolation.kill_tree). The row says which cell was running and after how long.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from . import isolation

__all__ = ["keyless_package", "run_notebook", "INTERRUPT_GRACE", "KERNEL_MEMORY_MB"]

INTERRUPT_GRACE = 5.0  # seconds a cell gets to stop after nbclient's interrupt before its kernel is killed
KERNEL_MEMORY_MB = 4096  # RLIMIT_AS of a kernel: the course's notebooks use < 1 GB
ABANDON_AFTER = 15.0  # seconds after a kill that nbclient gets to notice before the gradebook moves on
ENV_KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_package = {}


class _BudgetExhausted(Exception):
    pass


def keyless_package(dest=None) -> Path:
    """A folder holding `hpo_mini`, the course package as the exam handout ships it (handout.py): no
    sealed keys, no checks, the bank's questions without answers. Built once per process."""
    if dest is None and "path" in _package:
        return _package["path"]
    from . import bankfile
    from .bank import BANK_DIR, all_quizzes
    from .handout import _ignore_in_package, exam_bank_data

    folder = Path(dest) if dest is not None else Path(tempfile.mkdtemp(prefix="hpo-grade-package-"))
    if dest is None:
        atexit.register(shutil.rmtree, folder, True)
    source = Path(__file__).resolve().parents[1]
    shutil.copytree(source, folder / "hpo_mini", ignore=_ignore_in_package, dirs_exist_ok=True)
    for quiz_id in all_quizzes():
        bankfile.write(folder / "hpo_mini" / "quiz" / "bank" / f"q{quiz_id}.toml",
                       exam_bank_data(BANK_DIR / f"q{quiz_id}.toml"), header="the questions without their keys")
    if dest is None:
        _package["path"] = folder
    return folder


def kernel_env(home: Path, package: Path) -> dict:
    env = {k: os.environ[k] for k in ENV_KEPT if k in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    for sub in ("tmp", ".ipython", ".matplotlib", ".runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), TMPDIR=str(home / "tmp"), IPYTHONDIR=str(home / ".ipython"),
               MPLCONFIGDIR=str(home / ".matplotlib"), JUPYTER_RUNTIME_DIR=str(home / ".runtime"),
               PYTHONPATH=str(package), HPO_MINI_PRACTICE_LOG="off", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


def _kernel_manager(kernel_name, policy, home):
    from jupyter_client.manager import AsyncKernelManager

    class IsolatedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            files = [os.path.realpath(self.connection_file)]
            return isolation.wrapper_command(dict(policy, files=files), command)

    return IsolatedKernelManager(kernel_name=kernel_name, connection_file=str(home / ".runtime" / "kernel.json"))


class _Watch:
    """What the notebook is doing, as nbclient's hooks tell it: the cell running and since when."""

    def __init__(self, km):
        self.km, self.pid, self.cell, self.since, self.killed, self.interrupted = km, None, None, None, "", False

    def on_execute(self, cell=None, cell_index=None, **_):
        self.cell, self.since, self.interrupted = cell_index, time.monotonic(), False
        if self.pid is None:
            self.pid = getattr(self.km.provisioner, "pid", None)

    def on_executed(self, cell=None, cell_index=None, **_):
        self.since = None

    def where(self, nb) -> str:
        if self.cell is None:
            return "before its first cell"
        cid = str(nb.cells[self.cell].get("id", ""))
        return f"in cell {self.cell + 1}" + (f" ({cid})" if cid.endswith(("-answer", "-check")) else "")


def _execute(nb, nb_dir, km, env, timeout_func, log, box) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    quiet = logging.getLogger("hpo_mini.quiz.gradebook.nbclient")
    quiet.setLevel(logging.CRITICAL)
    watch = box["watch"]
    client = NotebookClient(nb, km=km, timeout_func=timeout_func, allow_errors=True,
                            record_timing=False, resources={"metadata": {"path": str(nb_dir)}}, log=quiet,
                            on_cell_execute=watch.on_execute, on_cell_executed=watch.on_executed)
    try:
        with open(log, "ab") as out:  # the kernel's own stdout and stderr (the notebook's go to its outputs)
            client.execute(env=env, stdout=out, stderr=out)
    except _BudgetExhausted:
        box["error"] = "budget"
    except CellTimeoutError:
        box["error"] = "cell timeout"
    except DeadKernelError:
        box["error"] = "dead"
    except Exception as exc:  # the kernel failed to start, etc.
        box["error"] = f"{type(exc).__name__}: {exc}"


def _last_line(log) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return f" (the kernel said: {lines[-1][:200]})" if lines else ""


def _signal(pid, signum) -> bool:
    try:
        os.killpg(pid, signum)
        return True
    except (ProcessLookupError, PermissionError, TypeError):
        return False


def _started(nb) -> bool:
    return any(c.get("execution_count") is not None or c.get("outputs") for c in nb.cells if c.cell_type == "code")


def run_notebook(nb, nb_dir, workdir, home, problems, timeout, cell_timeout, kernel_name, start,
                 package=None, memory_mb=KERNEL_MEMORY_MB, grace=INTERRUPT_GRACE, attempts=3) -> bool:
    """Execute `nb` from `nb_dir` in an isolated kernel, writing only `workdir` and `home`; append to
    `problems` what stopped it. The notebook's budget `timeout` counts from `start` (time.monotonic).
    Returns False when its kernel had to be killed from outside (nothing after that cell ran). Call it
    with `isolation.subreaper(True)` on, so the processes that escape the kernel's group are found."""
    package = Path(package) if package is not None else keyless_package()
    deadline = start + timeout
    installed = Path(__file__).resolve().parents[1]  # this package, keys included: out of reach if installed in site-packages
    policy = {"read": isolation.without(isolation.system_read_paths(), installed) + [str(package)],
              "write": [str(workdir), str(home)],
              "memory_bytes": memory_mb * 2 ** 20 if memory_mb else None,
              "cpu_seconds": timeout * (os.cpu_count() or 1) + 60}
    env = kernel_env(home, package)

    def timeout_func(cell):  # no time limit in nbclient: it stops polling the kernel's health after one
        if deadline - time.monotonic() < 1:
            raise _BudgetExhausted()
        return None

    for attempt in range(1, attempts + 1):
        km, since = _kernel_manager(kernel_name, policy, home), isolation.ticks_now()
        watch = _Watch(km)
        box = {"watch": watch, "error": None}
        thread = threading.Thread(target=_execute, args=(nb, nb_dir, km, env, timeout_func, home / "kernel.log", box), daemon=True)
        thread.start()
        killed_at = None
        while thread.is_alive():
            thread.join(0.1)
            now = time.monotonic()
            if killed_at is not None:
                if now - killed_at > ABANDON_AFTER:
                    break  # nbclient did not notice: leave its thread, the kernel is gone anyway
                continue
            if now >= deadline:
                watch.killed = (f"timed out after {timeout:g} s {watch.where(nb)}: the notebook's budget is "
                                f"{timeout:g} s, so its kernel was killed and nothing after that cell ran")
            elif watch.since is not None and now >= watch.since + cell_timeout + grace:
                watch.killed = (f"timed out after {now - watch.since:.0f} s {watch.where(nb)}: the cell did not "
                                f"stop when interrupted at {cell_timeout:g} s, so its kernel was killed "
                                f"{grace:g} s later and nothing after that cell ran")
            elif watch.since is not None and not watch.interrupted and now >= watch.since + cell_timeout:
                watch.interrupted = _signal(watch.pid, signal.SIGINT)  # what Jupyter's "interrupt" sends
            if watch.killed:
                killed_at = now
                isolation.kill_tree(watch.pid, since)
        isolation.kill_tree(watch.pid, since)  # and the background processes it left
        if watch.killed:
            problems.append(watch.killed)
            return False
        error = box["error"]
        if error == "budget":
            problems.append(f"stopped: the notebook used up its {timeout:g} s budget {watch.where(nb)}")
        elif error == "cell timeout":
            problems.append(f"stopped: a cell did not finish and could not be interrupted within {cell_timeout:g} s")
        elif error == "dead":
            problems.append("the kernel died (the notebook exited Python or ran out of memory)")
        elif error is not None:
            if not _started(nb) and attempt < attempts:
                continue  # two kernels racing for a port when --jobs > 1: start it again
            problems.append(f"could not run the notebook: {error}{_last_line(home / 'kernel.log')}")
        return True
    return True
