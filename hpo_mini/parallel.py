"""Trials in parallel: any concurrent.futures.Executor, and what happens when a worker process dies.

`optimize(..., executor=ex)` hands its loop to `run_parallel`: keep up to `max_pending` trials
running, ask the searcher for another whenever one finishes, and finish each (study, journal, tell,
callbacks, all in this process) in the order they complete. Only `evaluate(objective, trial)` travels
to the workers, so under a process pool the objective must pickle (a module-level function, or an
instance of a module-level class) and be importable there.

    ThreadPoolExecutor(n)    no start-up cost, shared memory: for objectives that release the GIL
                             (numpy, scikit-learn, a subprocess, a remote job)
    ProcessPool(n)           this module's ProcessPoolExecutor, which can replace itself when a worker dies
    ProcessPoolExecutor(n)   works as well, but a worker that dies ends the run (see below)
    client.get_executor()    Dask: a laptop's LocalCluster or a cluster of machines, only the Client changes:
                                 # `dask scheduler` on one machine, `dask worker tcp://scheduler:8786` on each
                                 client = Client("tcp://scheduler:8786")
                                 client.upload_file("my_objective.py")  # or install it on every worker
                                 optimize(objective, searcher, n_trials=200, executor=client.get_executor(),
                                          max_pending=sum(client.nthreads().values()), journal=path)

max_pending, the number of trials in flight: by default `executor.max_workers` when the executor has
that public attribute (ProcessPool has), else `os.cpu_count()` of this machine. Python's own pools and
Dask's executor keep their size private, so pass it when it differs: ThreadPoolExecutor(8) with
max_pending=8, Dask with the cluster's thread count as above. More than the workers can run only
queues trials and makes a model-based searcher decide with fewer results.

A worker process that dies (os._exit, a segfault, SIGKILL, the OOM killer) breaks its whole process
pool: every trial in the pool fails with BrokenProcessPool, and nothing says which one killed it.
- ProcessPool: each of those trials is run once more, alone, in `pool.fresh()` (a new pool made from
  the same arguments). One whose worker dies again is recorded as failed ("worker process died ...");
  the others (bystanders, or a crash that needed company) with their result. The fresh pool serves the
  rest of the run and is shut down at its end; the broken one is the caller's to shut down.
- a plain ProcessPoolExecutor cannot be remade from public information: its trials are recorded as
  failed, with a message naming ProcessPool, and the run stops with a warning (a journal resumes it).
- Dask reruns a task whose worker died on another worker and gives up with KilledWorker after
  `distributed.scheduler.allowed-failures` (default 3) deaths: that trial is recorded as failed.
"""

from __future__ import annotations

import os
import pickle
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial

__all__ = ["ProcessPool", "run_parallel", "returnable", "default_max_pending", "check_picklable"]

NOT_RERUN = ("worker process died, which broke the ProcessPoolExecutor; the trial was not rerun because a "
             "plain ProcessPoolExecutor cannot be remade: pass executor=hpo_mini.parallel.ProcessPool(n) to have "
             "the trials of a broken pool rerun alone in a fresh one")
DIED_ALONE = "worker process died: it died again when the trial was run alone in a fresh process"


class ProcessPool(ProcessPoolExecutor):
    """A ProcessPoolExecutor that keeps its arguments as public attributes and makes a fresh copy of
    itself with `fresh()`: what `run_parallel` needs to carry on after a worker died."""

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=()):
        self.max_workers = (os.cpu_count() or 1) if max_workers is None else max_workers
        self.mp_context, self.initializer, self.initargs = mp_context, initializer, tuple(initargs)
        super().__init__(self.max_workers, mp_context, initializer, self.initargs)

    def __repr__(self):
        return f"ProcessPool(max_workers={self.max_workers})"

    def fresh(self) -> ProcessPool:
        """A new pool made from the same arguments (this one may be broken)."""
        return type(self)(self.max_workers, self.mp_context, self.initializer, self.initargs)


def default_max_pending(executor) -> int:
    """`executor.max_workers` when it has that public attribute (ProcessPool), else os.cpu_count()."""
    return getattr(executor, "max_workers", None) or os.cpu_count() or 1


def check_picklable(objective, executor) -> None:
    """Under a process pool, refuse an objective that cannot be pickled before any trial is sent.
    (Dask pickles with cloudpickle, which takes lambdas too; a thread pool pickles nothing.)"""
    if not isinstance(executor, ProcessPoolExecutor):
        return
    try:
        pickle.dumps(objective)
    except Exception as exc:  # PicklingError, AttributeError ("Can't pickle local object"), TypeError
        raise TypeError(
            f"the objective {objective!r} cannot be pickled, so a process pool cannot send it to its workers "
            f"({type(exc).__name__}: {exc}); define it with `def` at the top level of a module (not a lambda "
            "or a nested function), or use a ThreadPoolExecutor"
        ) from exc


def returnable(run, trial):
    """run(trial), made fit to travel back from a worker process: user_attrs that cannot be pickled (a lock,
    an open file, a model holding one) are dropped and the trial recorded as failed, naming them. (Else
    the pool's own pickling error would reach the parent with no word of user_attrs.)"""
    trial = run(trial)
    try:
        pickle.dumps(trial)
        return trial
    except Exception:
        bad = {}
        for key, value in trial.user_attrs.items():
            try:
                pickle.dumps(value)
            except Exception as exc:
                bad[key] = f"{key!r} ({type(exc).__name__}: {exc})"
        if not bad:
            raise
        value = "" if trial.value is None else f"the objective returned {trial.value}, but "
        trial.user_attrs = {k: v for k, v in trial.user_attrs.items() if k not in bad}
        return _failed(trial, f"{value}user_attrs {', '.join(bad.values())} cannot be pickled, so the trial cannot "
                              "come back from its worker process: keep plain data in user_attrs, or use threads")


def run_parallel(searcher, run, want_more, finish, executor, max_pending=None) -> None:
    """Keep up to `max_pending` trials running on `executor`; finish each as it completes.

    searcher.ask() -> the next trial (None: wait for a running one); run(trial) -> that trial finished,
    on a worker; want_more(n_running) -> start another?; finish(trial) records a finished trial.
    """
    max_pending = default_max_pending(executor) if max_pending is None else max_pending
    if isinstance(executor, ProcessPoolExecutor):  # results come back pickled: check them in the worker
        run = partial(returnable, run)
    running = {}  # future -> trial
    fresh_pools = []  # made here to replace a broken ProcessPool; shut down at the end
    try:
        while True:
            broken = []  # the trials a process pool held when one of its workers died
            while len(running) < max_pending and want_more(len(running)):
                trial = searcher.ask()
                if trial is None:  # the searcher waits for a running trial
                    break
                try:
                    running[executor.submit(run, trial)] = trial
                except BrokenProcessPool:
                    broken.append(trial)
                    break
            if not running and not broken:
                return
            _finish_done(wait(running, return_when=FIRST_COMPLETED).done, running, finish, broken)
            if broken:  # the pool fails every trial it holds: collect them all, then deal with them
                _finish_done(wait(running).done, running, finish, broken)
                if not isinstance(executor, ProcessPool):
                    _give_up(broken, finish)
                    return
                executor = _rerun_alone(broken, run, executor, finish, fresh_pools)
    finally:
        for future in running:
            future.cancel()
        for pool in fresh_pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _finish_done(done, running, finish, broken) -> None:
    """Finish the trials of the done futures, in id order; those of a broken pool go to `broken`."""
    for future in sorted(done, key=lambda f: running[f].id):
        trial = running.pop(future)
        result = _result(future, trial)
        if result is None:
            broken.append(trial)
        else:
            finish(result)


def _result(future, trial):
    """The finished trial a done future holds; None when its process pool broke."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as exc:  # the worker itself failed (e.g. Dask's KilledWorker after its retries)
        return _failed(trial, f"worker failed: {type(exc).__name__}: {exc}")


def _rerun_alone(broken, run, pool: ProcessPool, finish, fresh_pools) -> ProcessPool:
    """Run each trial of a broken pool once more, alone, in a fresh pool; return the pool to go on with."""
    pool = pool.fresh()
    fresh_pools.append(pool)
    for trial in sorted(broken, key=lambda t: t.id):
        result = _result(pool.submit(run, trial), trial)
        if result is None:  # it killed its worker again, alone: this trial is the cause
            result = _failed(trial, DIED_ALONE)
            pool = pool.fresh()
            fresh_pools.append(pool)
        finish(result)
    return pool


def _give_up(broken, finish) -> None:
    """A plain ProcessPoolExecutor broke: record its trials as failed; the run stops."""
    for trial in sorted(broken, key=lambda t: t.id):
        finish(_failed(trial, NOT_RERUN))
    warnings.warn(
        f"a worker process died and broke the ProcessPoolExecutor: its {len(broken)} running trials are recorded "
        "as failed and the run stops here. Pass executor=hpo_mini.parallel.ProcessPool(n) to have them rerun "
        "in a fresh pool; optimize(..., journal=path) resumes a study",
        stacklevel=4,
    )


def _failed(trial, error: str):
    trial.state, trial.value, trial.error, trial.pruner = "failed", None, error, None
    return trial
