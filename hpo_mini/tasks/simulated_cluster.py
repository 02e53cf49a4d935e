"""A simulated cluster: N workers, trials whose running times are given, and a simulated clock.

It runs any ask/tell searcher the way `optimize(..., executor=pool)` would (through the same public
helpers: `prepare_searcher`, `evaluate`, `loss_for`, `searcher_is_finished`), but instantly and
deterministically: a trial "takes" duration(trial) time units, the clock jumps from one finish to the
next, and a free worker asks the searcher for work. So a lesson can show synchronous successive
halving leaving workers idle while a rung waits for its slowest trial, and ASHA keeping them busy.

    run = simulate(ASHA(space, min_budget=1, max_budget=27), objective, n_workers=4, max_time=200)
    run.utilization, run.makespan, run.study.best_value, run.jobs[:3]

Events at the same time are handled in worker order, so the result depends only on the inputs.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from ..runner import accepts_trial, evaluate, loss_for, prepare_searcher, searcher_is_finished
from ..space import config_key
from ..study import Study

__all__ = ["Job", "ClusterRun", "simulate", "resumed_budget"]


@dataclass(frozen=True)
class Job:
    """One trial on one worker, from `start` to `end` on the simulated clock."""

    trial_id: int
    worker: int
    start: float
    end: float
    budget: float | None


@dataclass
class ClusterRun:
    """What a simulation produced: the study (trials in the order they finished) and the jobs."""

    study: Study
    jobs: list
    n_workers: int

    @property
    def makespan(self) -> float:
        """Time until the last job ended."""
        return max((j.end for j in self.jobs), default=0.0)

    @property
    def busy_time(self) -> float:
        return sum(j.end - j.start for j in self.jobs)

    @property
    def utilization(self) -> float:
        """busy time / (n_workers x makespan): 1.0 means no worker ever waited."""
        return self.busy_time / (self.n_workers * self.makespan) if self.jobs else 0.0

    def idle_time(self) -> float:
        return self.n_workers * self.makespan - self.busy_time


def resumed_budget():
    """The default duration: a trial's budget minus the furthest its configuration already trained
    (checkpoints), 1 for a trial without a budget. Returns a fresh, stateful callable."""
    furthest = {}

    def duration(trial) -> float:
        budget = 1.0 if trial.budget is None else float(trial.budget)
        key = config_key(trial.config)
        spent = max(0.0, budget - furthest.get(key, 0.0))
        furthest[key] = max(furthest.get(key, 0.0), budget)
        return spent

    return duration


def simulate(searcher, objective, n_workers, duration=None, n_trials=None, max_time=None,
             max_compute=None, direction="minimize") -> ClusterRun:
    """Run `searcher` on `objective` with `n_workers` simulated workers.

    duration:    trial -> its running time (called once, when the trial starts); default
                 `resumed_budget()`: the budget it adds beyond its configuration's checkpoint.
    direction:   "minimize" or "maximize" the objective, as in `optimize`: the searcher learns it
                 (set_direction) and is told losses.
    Stops starting new trials when n_trials have started, the clock reached max_time, the started
    trials' durations add up to max_compute, the searcher is finished (a grid, successive halving,
    Hyperband: no limit needed), or it has nothing to ask while no trial runs. Running trials always
    finish. A run that could never end is refused: a searcher that does not stop by itself (its
    `finite` is False: random search, BO, ASHA over random search) needs a limit, and when only the
    clock limits it (max_time, max_compute) every trial must take time: a zero duration raises.
    """
    if not (isinstance(n_workers, int) and n_workers >= 1):
        raise ValueError(f"n_workers must be an int >= 1, but got {n_workers!r}")
    study = Study(direction)
    prepare_searcher(searcher, direction)
    endless = n_trials is None and not getattr(searcher, "finite", False)  # only a clock limit can end it
    if endless and max_time is None and max_compute is None:
        raise ValueError(f"{searcher!r} does not stop by itself (its `finite` is not True), so without n_trials, "
                         "max_time or max_compute the simulation would never end: give one of them")
    duration = resumed_budget() if duration is None else duration
    pass_trial = accepts_trial(objective)
    jobs, running, free = [], [], list(range(n_workers))
    now, started, compute = 0.0, 0, 0.0

    def want_more() -> bool:
        return not ((n_trials is not None and started >= n_trials)
                    or (max_time is not None and now >= max_time)
                    or (max_compute is not None and compute >= max_compute)
                    or searcher_is_finished(searcher))

    while True:
        while free and want_more():
            trial = searcher.ask()
            if trial is None:  # the searcher waits for a result: this worker idles
                break
            worker = free.pop(0)
            seconds = float(duration(trial))
            if not seconds >= 0:
                raise ValueError(f"duration must be a number >= 0, but got {seconds!r} for trial {trial.id}")
            if endless and seconds == 0:
                raise ValueError(f"duration(trial {trial.id}) is 0, but only max_time / max_compute can end this "
                                 "run, and a trial that takes no time brings neither closer: give durations > 0, "
                                 "or n_trials")
            trial = evaluate(objective, trial, pass_trial=pass_trial)
            heapq.heappush(running, (now + seconds, worker, trial.id, trial))
            jobs.append(Job(trial.id, worker, now, now + seconds, trial.budget))
            started, compute = started + 1, compute + seconds
        if not running:
            break
        now, worker, _, trial = heapq.heappop(running)
        free = sorted(free + [worker])
        study.add(trial)
        searcher.tell(trial, loss_for(trial, direction))
    return ClusterRun(study, jobs, n_workers)
