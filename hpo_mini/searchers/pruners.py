"""Pruners: every trial runs at full budget and reports intermediate values; a pruner stops one early.

MedianPruner: stop a trial whose value at step t is worse than the median of completed trials at step t
(Golovin et al. 2017, Google Vizier's median stopping rule; Optuna's MedianPruner).

A running trial carries the rule, not the pruner: `trial.pruner` is a `MedianRule`, a small frozen
record of the medians it compares against, so sending a trial to a worker process pickles a few numbers
per step, not the searcher and its history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from ..space import check_count
from ..study import is_failure
from .base import Searcher
from .successive_halving import BaseSearcherMixin

__all__ = ["MedianRule", "MedianPruner"]


@dataclass(frozen=True)
class MedianRule:
    """The median stopping rule with what it needs to decide, as data (picklable, a few numbers per step).

    medians:        {step: median of the values completed trials reported at that step};
    n_completed:    how many trials had completed when the rule was made; it prunes nothing while
                    n_completed < n_startup;
    n_warmup_steps: steps t <= n_warmup_steps are never pruned;
    direction:      of the reported values: "minimize" (worse = larger) or "maximize" (worse = smaller).

    `rule(trial)` is True when the trial's value at its latest step t is worse than medians[t].
    """

    medians: dict = field(repr=False)
    n_completed: int
    n_startup: int
    n_warmup_steps: int = 0
    direction: str = "minimize"

    def __call__(self, trial) -> bool:
        """Should this running trial stop now?"""
        if not trial.intermediate or self.n_completed < self.n_startup:
            return False
        step = max(trial.intermediate)
        median = self.medians.get(step)
        if step <= self.n_warmup_steps or median is None:
            return False
        value = trial.intermediate[step]
        return value > median if self.direction == "minimize" else value < median


class MedianPruner(BaseSearcherMixin, Searcher):
    """Median stopping (Golovin et al. 2017, KDD, "Google Vizier"; Optuna's MedianPruner): every trial
    asks for `max_budget` (None: the objective is called without a budget) and carries a `MedianRule`.

    At the trial's latest reported step t, it is pruned when its value is worse than the median of the
    values that *completed* trials reported at step t, unless t <= n_warmup_steps or fewer than
    n_startup trials have completed. "Worse" follows the direction `optimize` sets (`set_direction`):
    the reported values are the objective's own, not losses. Optuna compares the trial's best value
    so far instead of its value at t.

    Learned state: `completed_curves_` ({step: value} of every completed trial) and `medians_`
    ({step: median}), from which each ask's rule is made.
    """

    def __init__(self, space, *, max_budget=None, n_startup=5, n_warmup_steps=0, base_searcher=None, seed=None):
        super().__init__(space, seed=seed)
        if max_budget is not None and (not isinstance(max_budget, Real) or isinstance(max_budget, bool)
                                       or not 0 < max_budget < math.inf):
            raise ValueError(f"max_budget must be a finite number > 0 or None, but got {max_budget!r}")
        self.max_budget = max_budget
        self.n_startup = check_count(n_startup, "n_startup")
        self.n_warmup_steps = check_count(n_warmup_steps, "n_warmup_steps", low=0)
        self.completed_curves_ = []
        self.medians_ = {}
        self._init_base_searcher(base_searcher, seed)

    def ask(self):
        config = self._draw_config()
        if config is None:
            return None
        trial = self._new_trial(config, budget=self.max_budget)
        self._remember_base_trial(trial)
        trial.pruner = self.rule()
        return trial

    def rule(self) -> MedianRule:
        """The rule a trial asked now carries: the medians of the trials completed so far."""
        return MedianRule(self.medians_, len(self.completed_curves_), self.n_startup, self.n_warmup_steps,
                          self.direction)

    def median_at(self, step):
        """The median of completed trials' values at `step` (None if none reported it)."""
        return self.medians_.get(step)

    def tell(self, trial, value):
        super().tell(trial, value)
        if trial.state == "complete":
            self.completed_curves_.append(dict(trial.intermediate))
            steps = {step for curve in self.completed_curves_ for step in curve}
            # A new dict, not an update: rules already handed out keep the medians they were made with.
            self.medians_ = {step: float(np.median([c[step] for c in self.completed_curves_ if step in c]))
                             for step in sorted(steps)}
        self._tell_base_searcher(trial, None if is_failure(value) else float(value))
