"""`optimize`: the ask -> evaluate -> tell loop, with a journal, an executor and a progress bar.

The heart of it, with no executor, is this loop (see `_run_sequential`):

    while more trials are wanted:
        trial = searcher.ask()
        finished = evaluate(objective, trial)      # never raises: errors become failed trials
        study.add(finished); searcher.tell(finished, loss)

The objective receives the config dict, plus the budget when the searcher asks with one
(multi-fidelity), plus the Trial itself as `trial=` when it declares a parameter named `trial`
(to `trial.report(value, step)` intermediate results or keep `trial.user_attrs`):

    def objective(config): ...                      # most searchers
    def objective(config, budget): ...              # multi-fidelity searchers
    def objective(config, budget, trial): ...       # and reports / pruning
"""

from __future__ import annotations

import inspect
import math
import os
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from numbers import Real
from pathlib import Path

from .journal import Journal
from .study import DIRECTIONS, Study, Trial, TrialPruned

__all__ = ["optimize", "evaluate"]


def evaluate(objective, trial: Trial, pass_trial: bool = False) -> Trial:
    """Run the objective on one trial and return it finished; exceptions become a 'failed' state.

    Module-level (not a closure) so process pools and Dask can pickle it.
    """
    start = time.perf_counter()
    try:
        config = dict(trial.config)  # a copy: an objective that edits it can't change the record
        args = (config,) if trial.budget is None else (config, trial.budget)
        value = objective(*args, trial=trial) if pass_trial else objective(*args)
        trial.value, trial.error = _as_value(value)
        trial.state = "complete" if trial.error is None else "failed"
    except TrialPruned:
        trial.state = "pruned"
        trial.value = trial.intermediate[max(trial.intermediate)] if trial.intermediate else None
    except Exception as exc:  # a failing objective is a result, not a crash (KeyboardInterrupt passes)
        trial.state, trial.value, trial.error = "failed", None, f"{type(exc).__name__}: {exc}"
    trial.duration = time.perf_counter() - start
    trial.pruner = None  # a pruner belongs to the searcher's process; don't ship it back
    return trial


def _as_value(value):
    """(float, None) for a finite number, else (None, what went wrong)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value):
            return value, None
        return None, f"objective returned {value}; return a finite number (or raise to mark a failure)"
    return None, f"objective returned {value!r} ({type(value).__name__}); return a float"


def _loss(trial: Trial, sign: float):
    """What the searcher is told: the value turned into a loss, or None for a failed trial."""
    return None if trial.value is None or trial.state == "failed" else sign * trial.value


def _accepts_trial(objective) -> bool:
    try:
        return "trial" in inspect.signature(objective).parameters
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return False


def optimize(
    objective,
    searcher,
    n_trials=None,
    timeout=None,
    direction="minimize",
    executor=None,
    callbacks=(),
    progress=True,
    journal=None,
    max_pending=None,
) -> Study:
    """Run `searcher` on `objective` until `n_trials` trials have finished, `timeout` seconds have
    passed, the searcher has nothing left to propose, or a callback calls `study.stop()`.

    direction:   "minimize" or "maximize" the objective's value. Searchers always minimize, so for
                 "maximize" they are told -value.
    executor:    any concurrent.futures.Executor (ThreadPoolExecutor, ProcessPoolExecutor, Dask's
                 client.get_executor()); up to `max_pending` trials run at once (default: the pool's
                 worker count, or a Dask cluster's total threads). None evaluates in this process, one
                 trial at a time. A ProcessPoolExecutor whose worker dies mid-trial is replaced (see
                 `_run_parallel`: the trials it held are rerun alone once, then recorded as failed).
                 The searcher, the study and the journal stay in this process; only
                 evaluate(objective, trial) travels, so the objective must be picklable (a module-level
                 function) and importable on the workers.
                 On a multi-machine Dask cluster the code is the same, only the client changes:
                     # on the machines: `dask scheduler` on one, `dask worker tcp://scheduler:8786` on each
                     from dask.distributed import Client
                     client = Client("tcp://scheduler:8786")
                     client.upload_file("my_objective.py")  # or install the module on every worker
                     optimize(objective, searcher, n_trials=200, executor=client.get_executor(), journal=path)
                 Dask reruns a task whose worker dies on another worker, and gives up with KilledWorker
                 after `distributed.scheduler.allowed-failures` (default 3) deaths: that trial is failed.
    callbacks:   functions callback(study, trial) called after every finished trial.
    journal:     a path: every finished trial is appended to it as a JSON line. If the file exists,
                 the study resumes: its trials are told to the searcher and count toward n_trials.
    Ctrl-C stops the run and returns the study with every trial finished so far.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'minimize' or 'maximize', but got {direction!r}")
    for name, limit in (("n_trials", n_trials), ("timeout", timeout)):
        if limit is not None and (not isinstance(limit, Real) or limit < 0):
            raise ValueError(f"{name} must be a non-negative number or None, but got {limit!r}")
    if not callable(objective):
        raise TypeError(f"objective must be callable, config -> float, but got {objective!r}")
    for method in ("ask", "tell"):
        if not callable(getattr(searcher, method, None)):
            raise TypeError(f"{searcher!r} has no {method}() method; searchers speak ask/tell")

    study = _open_study(journal, direction, searcher)
    sign = 1.0 if direction == "minimize" else -1.0
    run = partial(evaluate, objective, pass_trial=_accepts_trial(objective))
    deadline = None if timeout is None else time.monotonic() + timeout
    done_before = len(study.trials)

    from tqdm.auto import tqdm

    # The incumbent, updated as trials finish: study.best_value rescans every trial, O(n^2) over a run.
    best = study.best_value if study.completed else None
    bar = tqdm(total=n_trials, initial=done_before, disable=not progress, desc="trials", unit="trial",
               postfix=None if best is None else {"best": f"{best:.5g}"})

    def want_more(n_running: int) -> bool:
        return not (
            study._stop_requested
            or (n_trials is not None and len(study.trials) + n_running >= n_trials)
            or (deadline is not None and time.monotonic() >= deadline)
            or searcher.is_finished()
        )

    def finish(trial: Trial) -> None:
        nonlocal best
        study.add(trial)
        searcher.tell(trial, _loss(trial, sign))
        bar.update(1)
        if trial.state == "complete" and (best is None or study.is_better(trial.value, best)):
            best = trial.value
            bar.set_postfix(best=f"{best:.5g}", refresh=False)
        for callback in callbacks:
            callback(study, trial)

    try:
        if executor is None:
            _run_sequential(searcher, run, want_more, finish)
        else:
            if max_pending is None:
                max_pending = _worker_count(executor)
            _run_parallel(searcher, run, want_more, finish, executor, max_pending)
    except KeyboardInterrupt:
        warnings.warn(
            f"interrupted: returning the study with its {len(study.trials)} finished trials"
            + (f"; optimize(..., journal={str(study.journal.path)!r}) resumes it" if study.journal else ""),
            stacklevel=2,
        )
    finally:
        bar.close()
        if study.journal is not None:
            study.journal.close()
    return study


def _run_sequential(searcher, run, want_more, finish) -> None:
    while want_more(0):
        trial = searcher.ask()
        if trial is None:  # the searcher waits for results, but nothing is running: it is done
            break
        finish(run(trial))


def _worker_count(executor) -> int:
    """How many trials to keep running: a pool's worker count, a Dask cluster's total threads."""
    workers = getattr(executor, "_max_workers", None)  # ThreadPoolExecutor, ProcessPoolExecutor
    if workers:
        return workers
    client = getattr(executor, "_client", None)  # Dask's client.get_executor()
    if client is not None and hasattr(client, "nthreads"):
        return max(1, sum(client.nthreads().values()))
    return os.cpu_count() or 1


def _run_parallel(searcher, run, want_more, finish, executor, max_pending) -> None:
    """Keep up to max_pending trials running; finish each as it completes.

    A worker process of a ProcessPoolExecutor that dies (os._exit, SIGKILL, the OOM killer) breaks the
    whole pool: every trial in it fails with BrokenProcessPool, and we cannot tell which one killed it.
    So each of those trials is run once more, alone, in a fresh pool of the same size: one whose worker
    dies again is recorded as 'failed' ("worker process died ..."); the others (bystanders, or a crash
    caused by running side by side) are recorded with their result. The fresh pool serves the rest of
    the run and is shut down at the end; the caller's broken pool is left to the caller.
    """
    running = {}  # future -> trial
    own_pools = []  # pools made here to replace a broken one
    try:
        while True:
            broken = []  # trials that were in a process pool when one of its workers died
            while len(running) < max_pending and want_more(len(running)):
                trial = searcher.ask()
                if trial is None:  # waits for a running trial to finish
                    break
                try:
                    running[executor.submit(run, trial)] = trial
                except BrokenProcessPool:
                    broken.append(trial)
                    break
            if not running and not broken:
                return
            finished = wait(running, return_when=FIRST_COMPLETED).done if running else set()
            _harvest(finished, running, finish, broken)
            if broken:  # the pool fails every trial it holds: collect them all, then rerun each alone
                _harvest(wait(running).done, running, finish, broken)
                executor = _fresh_pool(executor)
                own_pools.append(executor)
                for trial in sorted(broken, key=lambda t: t.id):
                    try:
                        result = executor.submit(run, trial).result()
                    except BrokenProcessPool as exc:
                        trial.state, trial.value = "failed", None
                        trial.error = ("worker process died: it died again when the trial was run alone in a "
                                       f"fresh process ({exc})")
                        result = trial
                        executor = _fresh_pool(executor)
                        own_pools.append(executor)
                    finish(result)
    finally:
        for future in running:
            future.cancel()
        for pool in own_pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _harvest(finished, running, finish, broken) -> None:
    """Finish the trials of the finished futures, in id order; those of a broken pool go to `broken`."""
    for future in sorted(finished, key=lambda f: running[f].id):
        trial = running.pop(future)
        try:
            trial = future.result()
        except BrokenProcessPool:
            broken.append(trial)
            continue
        except Exception as exc:  # the worker itself failed (e.g. Dask's KilledWorker after its retries)
            if "pickle" in str(exc).lower():
                raise TypeError(
                    "the objective could not be sent to the executor's worker processes: "
                    "define it with `def` at the top level of a module (not a lambda or a nested "
                    f"function), or use a ThreadPoolExecutor ({type(exc).__name__}: {exc})"
                ) from exc
            trial.state, trial.value = "failed", None
            trial.error = f"worker failed: {type(exc).__name__}: {exc}"
        finish(trial)


def _fresh_pool(broken) -> ProcessPoolExecutor:
    """A new ProcessPoolExecutor configured like the broken one (same size, start method, initializer)."""
    return ProcessPoolExecutor(
        max_workers=broken._max_workers, mp_context=getattr(broken, "_mp_context", None),
        initializer=getattr(broken, "_initializer", None), initargs=getattr(broken, "_initargs", ()),
    )


def _open_study(journal, direction, searcher) -> Study:
    if journal is None:
        return Study(direction)
    journal = journal if isinstance(journal, Journal) else Journal(Path(journal))
    if journal.exists():
        study = journal.load()
        if study.direction != direction:
            raise ValueError(
                f"{journal.path} holds a study that was run with direction={study.direction!r}, "
                f"but optimize was called with direction={direction!r}"
            )
        sign = 1.0 if direction == "minimize" else -1.0
        for trial in study.trials:  # replay: the searcher learns what was already tried
            searcher.tell(trial, _loss(trial, sign))
    else:
        study = Study(direction)
    study.journal = journal
    journal.open_for_append(direction)
    return study
