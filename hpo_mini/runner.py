"""`optimize`: the ask -> evaluate -> tell loop, with a journal, callbacks and a progress bar.

    while more trials are wanted:
        trial = searcher.ask()
        finished = evaluate(objective, trial)      # never raises: errors become failed trials
        study.add(finished); journal.append(finished); searcher.tell(finished, loss); callbacks

With an executor the same steps run with several trials in flight (`parallel.py`). The objective
receives the config dict, plus the budget when the searcher asks with one (multi-fidelity), plus the
Trial itself as `trial=` when it declares a parameter named `trial` (to `trial.report(value, step)`
intermediate results or keep `trial.user_attrs`):

    def objective(config): ...                      # most searchers
    def objective(config, budget): ...              # multi-fidelity searchers
    def objective(config, budget, trial): ...       # and reports / pruning

The helpers below `optimize` are public so that other loops over a searcher (`tasks.simulated_cluster`)
drive it the same way.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from functools import partial
from numbers import Integral, Real

from .callbacks import ProgressBar
from .journal import Journal, load_study
from .parallel import check_picklable, run_parallel
from .study import Study, Trial, TrialPruned, check_direction

__all__ = ["optimize", "evaluate", "accepts_trial", "loss_for", "prepare_searcher", "searcher_is_finished"]


def optimize(objective, searcher, n_trials=None, timeout=None, direction="minimize", executor=None,
             callbacks=(), progress=True, journal=None, max_pending=None) -> Study:
    """Run `searcher` on `objective` until `n_trials` trials have finished, `timeout` seconds have
    passed, the searcher has nothing left to propose, or a callback calls `study.stop()`.

    direction:   "minimize" or "maximize" the objective's value. The searcher learns it through
                 `searcher.set_direction` (if it has one) and is told losses: the value, or -value.
    executor:    None runs one trial at a time in this process; any concurrent.futures.Executor
                 (threads, processes, Dask's client.get_executor()) runs up to `max_pending` at once
                 (default: `executor.max_workers` if it has one, else os.cpu_count()). See parallel.py.
    callbacks:   functions callback(study, trial) called after every finished trial.
    journal:     a path: every finished trial is appended to it as a JSON line. If the file exists,
                 the study resumes: its trials are told to the searcher and count toward n_trials.
    Ctrl-C stops the run and returns the study with every trial finished so far.
    """
    _check_arguments(objective, searcher, n_trials, timeout, direction, executor, max_pending)
    prepare_searcher(searcher, direction)
    study, writer = _open_study(journal, direction)
    for trial in study.trials:  # a resumed study: the searcher learns what was already tried
        searcher.tell(trial, loss_for(trial, direction))
    run = partial(evaluate, objective, pass_trial=accepts_trial(objective))
    deadline = None if timeout is None else time.monotonic() + timeout
    bar = ProgressBar(study, n_trials, disable=not progress)

    def want_more(n_running: int = 0) -> bool:
        return not (study.stop_requested
                    or (n_trials is not None and len(study.trials) + n_running >= n_trials)
                    or (deadline is not None and time.monotonic() >= deadline)
                    or searcher_is_finished(searcher))

    def finish(trial: Trial) -> None:
        study.add(trial)
        if writer is not None:
            writer.append(trial)  # flushed to disk before the searcher or a callback hears of it
        searcher.tell(trial, loss_for(trial, direction))
        for callback in (bar, *callbacks):
            callback(study, trial)

    try:
        if executor is None:
            while want_more():
                trial = searcher.ask()
                if trial is None:  # the searcher waits for results, but nothing is running: it is done
                    break
                finish(run(trial))
        else:
            run_parallel(searcher, run, want_more, finish, executor, max_pending)
    except KeyboardInterrupt:
        resume = "" if writer is None else f"; optimize(..., journal={str(writer.path)!r}) resumes it"
        warnings.warn(f"interrupted: returning the study with its {len(study.trials)} finished trials{resume}",
                      stacklevel=2)
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    return study


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
    trial.pruner = None  # its job is done; the record keeps data only
    return trial


def _as_value(value):
    """(float, None) for a finite number, else (None, what went wrong)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value):
            return value, None
        return None, f"objective returned {value}; return a finite number (or raise to mark a failure)"
    return None, f"objective returned {value!r} ({type(value).__name__}); return a float"


def accepts_trial(objective) -> bool:
    """Does the objective declare a parameter named `trial` (then it is called with trial=...)?"""
    try:
        return "trial" in inspect.signature(objective).parameters
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return False


def loss_for(trial: Trial, direction: str):
    """What the searcher is told: the value as a loss (value to minimize, -value to maximize), or None
    for a failed trial. A pruned trial's value is its last reported one."""
    if trial.value is None or trial.state == "failed":
        return None
    return trial.value if direction == "minimize" else -trial.value


def prepare_searcher(searcher, direction: str) -> None:
    """Refuse an object that does not speak ask/tell; tell a searcher that listens the direction
    (`Searcher.set_direction`; a searcher written by hand may have only ask and tell)."""
    for method in ("ask", "tell"):
        if not callable(getattr(searcher, method, None)):
            raise TypeError(f"{searcher!r} has no {method}() method; searchers speak ask/tell")
    if callable(getattr(searcher, "set_direction", None)):
        searcher.set_direction(direction)


def searcher_is_finished(searcher) -> bool:
    """searcher.is_finished() (a used-up grid, the last Hyperband bracket); False when it has none."""
    is_finished = getattr(searcher, "is_finished", None)
    return bool(is_finished()) if callable(is_finished) else False


def _check_arguments(objective, searcher, n_trials, timeout, direction, executor, max_pending) -> None:
    check_direction(direction)
    for name, limit in (("n_trials", n_trials), ("timeout", timeout)):
        if limit is not None and (not isinstance(limit, Real) or limit < 0):
            raise ValueError(f"{name} must be a non-negative number or None, but got {limit!r}")
    if max_pending is not None and (isinstance(max_pending, bool) or not isinstance(max_pending, Integral)
                                    or max_pending < 1):
        raise ValueError(f"max_pending must be an int >= 1 (trials in flight) or None, but got {max_pending!r}")
    if not callable(objective):
        raise TypeError(f"objective must be callable, config -> float, but got {objective!r}")
    check_picklable(objective, executor)


def _open_study(path, direction: str) -> tuple[Study, Journal | None]:
    """(the study so far, the journal open for appending): a new study without a journal, a new
    journal, or the trials an existing journal holds."""
    if path is None:
        return Study(direction), None
    journal = Journal(path)
    study = load_study(path) if journal.exists() else Study(direction)
    if study.direction != direction:
        raise ValueError(f"{journal.path} holds a study that was run with direction={study.direction!r}, "
                         f"but optimize was called with direction={direction!r}")
    journal.open_for_append(direction)
    return study, journal
