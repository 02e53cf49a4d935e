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
from .journal import open_study
from .journal_lines import writable
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
                 the study resumes: its trials are told to the searcher and count toward n_trials. The
                 journal must belong to this study (same direction and space: else ValueError showing
                 both), and one run writes it at a time (another gets journal.JournalInUse).
    Ctrl-C stops the run and returns the study with every trial finished so far.
    timeout is checked before each new trial: it never interrupts a running objective, so an objective
    that hangs is not stopped by it (give the objective its own time limit: a subprocess with a timeout,
    a training loop that checks the clock). RELIABILITY.md lists what else is guaranteed.
    """
    _check_arguments(objective, searcher, n_trials, timeout, direction, executor, max_pending)
    prepare_searcher(searcher, direction)
    study, writer = (Study(direction), None) if journal is None else open_study(journal, direction, searcher)
    run = partial(evaluate, objective, pass_trial=accepts_trial(objective))
    deadline = None if timeout is None else time.monotonic() + timeout
    bar = ProgressBar(study, n_trials, disable=not progress)

    def want_more(n_running: int = 0) -> bool:
        return not (study.stop_requested
                    or (n_trials is not None and len(study.trials) + n_running >= n_trials)
                    or (deadline is not None and time.monotonic() >= deadline)
                    or searcher_is_finished(searcher))

    def finish(trial: Trial) -> None:
        if writer is not None:
            writer.append(writable(trial))  # flushed to disk before the searcher or a callback hears of it
        study.add(trial)
        searcher.tell(trial, loss_for(trial, direction))
        for callback in (bar, *callbacks):
            callback(study, trial)

    try:
        for trial in study.trials:  # a resumed study: the searcher learns what was already tried
            searcher.tell(trial, loss_for(trial, direction))
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
    asked = dict(trial.config), dict(trial.system_attrs)  # what the searcher asked: the record keeps it
    try:
        config = dict(trial.config)  # a copy: an objective that edits it can't change the record
        args = (config,) if trial.budget is None else (config, trial.budget)
        value = objective(*args, trial=trial) if pass_trial else objective(*args)
        trial.value, trial.error = _as_value(value)
        trial.state = "complete" if trial.error is None else "failed"
    except TrialPruned:
        trial.state = "pruned"
        trial.value = trial.intermediate[max(trial.intermediate)] if trial.intermediate else None
    except (Exception, SystemExit) as exc:  # a failing objective is a result, not a crash (Ctrl-C passes)
        trial.state, trial.value, trial.error = "failed", None, f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SystemExit):
            trial.error += (" (the objective called sys.exit(); the run goes on: to stop it from inside, call "
                            "study.stop() in a callback or raise KeyboardInterrupt)")
    trial.config, trial.system_attrs = asked  # even if the objective edited trial.config through `trial`
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
    if isinstance(searcher, type):
        raise TypeError(f"pass a searcher, not the class {searcher.__name__}: e.g. {searcher.__name__}(space, seed=0)")
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
    """Refuse, before anything runs, what would make the run silently wrong: a count that is not a whole
    number (n_trials=2.5 or nan), a timeout of nan, a searcher class instead of a searcher."""
    check_direction(direction)
    if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, Integral) or n_trials < 0):
        raise ValueError(f"n_trials must be an integer >= 0 or None (no limit), but got {n_trials!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, Real) or not timeout >= 0):
        raise ValueError(f"timeout must be a number of seconds >= 0 or None (no limit), but got {timeout!r}")
    if max_pending is not None and (isinstance(max_pending, bool) or not isinstance(max_pending, Integral)
                                    or max_pending < 1):
        raise ValueError(f"max_pending must be an int >= 1 (trials in flight) or None, but got {max_pending!r}")
    if not callable(objective):
        raise TypeError(f"objective must be callable, config -> float, but got {objective!r}")
    check_picklable(objective, executor)
