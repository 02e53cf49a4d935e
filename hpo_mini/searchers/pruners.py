"""Pruners: every trial runs at full budget and reports intermediate values; a pruner stops one early.

MedianPruner: stop a trial whose value at step t is worse than the median of completed trials at step t
(Golovin et al. 2017, Google Vizier's median stopping rule; Optuna's MedianPruner).
"""

from __future__ import annotations

import numpy as np

from .base import Searcher, is_failure
from .successive_halving import _BaseSearcherMixin

__all__ = ["MedianPruner"]

class MedianPruner(_BaseSearcherMixin, Searcher):
    """Median stopping (Golovin et al. 2017, KDD, "Google Vizier"; Optuna's MedianPruner): every trial
    asks for `max_budget` (None: the objective is called without a budget) and carries this pruner.

    At the trial's latest reported step t, it is pruned when its value is worse than the median of the
    values that *completed* trials reported at step t, unless t <= n_warmup_steps or fewer than
    n_startup trials have completed. ("Worse" = larger for direction="minimize", the direction
    of the *reported* values.) Optuna compares the trial's best value so far instead of its value at t.
    """

    def __init__(self, space, *, max_budget=None, n_startup=5, n_warmup_steps=0, direction="minimize",
                 base_searcher=None, seed=None):
        super().__init__(space, seed=seed)
        if not (isinstance(n_startup, (int, np.integer)) and n_startup >= 1):
            raise ValueError(f"n_startup must be an int >= 1, but got {n_startup!r}")
        if not (isinstance(n_warmup_steps, (int, np.integer)) and n_warmup_steps >= 0):
            raise ValueError(f"n_warmup_steps must be an int >= 0, but got {n_warmup_steps!r}")
        if direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', but got {direction!r}")
        self.max_budget, self.n_startup, self.n_warmup_steps = max_budget, n_startup, n_warmup_steps
        self.direction = direction
        self.completed_curves = []  # {step: value} of every completed trial
        self._init_base_searcher(base_searcher, seed)

    def ask(self):
        config = self._draw_config()
        if config is None:
            return None
        trial = self._new_trial(config, budget=self.max_budget)
        self._remember_base_trial(trial)
        trial.pruner = self
        return trial

    def median_at(self, step):
        """The median of completed trials' values at `step` (None if none reported it)."""
        values = [curve[step] for curve in list(self.completed_curves) if step in curve]
        return float(np.median(values)) if values else None

    def __call__(self, trial) -> bool:
        """Should this running trial stop now?"""
        if not trial.intermediate or len(self.completed_curves) < self.n_startup:
            return False
        step = max(trial.intermediate)
        if step <= self.n_warmup_steps:
            return False
        median = self.median_at(step)
        if median is None:
            return False
        value = trial.intermediate[step]
        return value > median if self.direction == "minimize" else value < median

    def tell(self, trial, value):
        super().tell(trial, value)
        if trial.state == "complete":
            self.completed_curves.append(dict(trial.intermediate))
        self._tell_base_searcher(trial, None if is_failure(value) else float(value))
