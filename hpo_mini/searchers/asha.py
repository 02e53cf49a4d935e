"""ASHA (Li et al. 2020, MLSys, "A system for massively parallel hyperparameter tuning"): successive
halving without waiting. Whenever a worker is free, promote a config in the top 1/eta of a rung,
else start a new one at the lowest budget.
"""

from __future__ import annotations

import math

from ..study import is_failure
from .base import Searcher
from .successive_halving import BUDGET_TOL, BaseSearcherMixin, max_rung_index, tidy_budget

__all__ = ["ASHA"]


class ASHA(BaseSearcherMixin, Searcher):
    """Asynchronous successive halving (Li et al. 2020, Algorithm 2), early-stopping rate s = 0.

    Rungs k = 0..K with budgets r_k = max_budget * eta^(k - K), K = floor(log_eta(max / min)).
    `ask` never waits: from the top rung down, if a config is in the top floor(|rung k| / eta) of
    the results so far at rung k and was not promoted yet, the best such one goes to rung k+1;
    otherwise a fresh config starts at rung 0. (A promotion can be "wrong" in hindsight: with more
    results the config might have fallen out of the top 1/eta. That is the price of never waiting.)
    `rung_results_[k]` holds (loss, trial id, config) as they arrive; `promotions_` lists
    (rung k, trial id promoted from, new trial id).
    """

    def __init__(self, space, *, min_budget, max_budget, eta=3, base_searcher=None, seed=None):
        super().__init__(space, seed=seed)
        self.min_budget, self.max_budget, self.eta = min_budget, max_budget, eta
        self.top_rung = max_rung_index(min_budget, max_budget, eta)
        self.budgets = [tidy_budget(max_budget / eta ** (self.top_rung - k)) for k in range(self.top_rung + 1)]
        self.rung_results_ = [[] for _ in self.budgets]
        self.promotions_ = []
        self._promoted = [set() for _ in self.budgets]  # trial ids already promoted out of rung k
        self._pending = {}  # trial id -> rung
        self._init_base_searcher(base_searcher, seed)

    def promotable(self, k):
        """Results at rung k in the top floor(n_k / eta) and not yet promoted, best first."""
        ranked = sorted(self.rung_results_[k], key=lambda t: (t[0], t[1]))
        n_top = math.floor(len(ranked) / self.eta + BUDGET_TOL)
        return [t for t in ranked[:n_top] if t[1] not in self._promoted[k]]

    def ask(self):
        for k in range(self.top_rung - 1, -1, -1):
            candidates = self.promotable(k)
            if candidates:
                _, from_id, config = candidates[0]
                self._promoted[k].add(from_id)
                trial = self._new_trial(dict(config), budget=self.budgets[k + 1])
                trial.system_attrs.update(rung=k + 1, promoted_from=from_id)
                self.promotions_.append((k, from_id, trial.id))
                self._pending[trial.id] = k + 1
                return trial
        config = self._draw_config()
        if config is None:
            return None
        trial = self._new_trial(config, budget=self.budgets[0])
        trial.system_attrs["rung"] = 0
        self._remember_base_trial(trial)
        self._pending[trial.id] = 0
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        k = self._pending.pop(trial.id, None)
        if k is None:  # not asked by us: a resumed study's trial, from its journal
            k = self._replay(trial)
        loss = None if is_failure(value) else float(value)
        self.rung_results_[k].append((math.inf if loss is None else loss, trial.id, dict(trial.config)))
        if k == 0:
            self._tell_base_searcher(trial, loss)

    def _replay(self, trial) -> int:
        """The rung of a trial of a resumed study, its promotion redone (so it is not promoted twice); a
        ValueError if it does not fit (a journal written by an ASHA with other settings)."""
        k, source = trial.system_attrs.get("rung"), trial.system_attrs.get("promoted_from")
        fits = (isinstance(k, int) and 0 <= k <= self.top_rung and trial.budget is not None
                and abs(trial.budget - self.budgets[k]) <= BUDGET_TOL * self.budgets[k])
        if fits and k > 0:
            fits = source in {t[1] for t in self.rung_results_[k - 1]} and source not in self._promoted[k - 1]
        if not fits:
            raise ValueError(f"trial {trial.id} of the resumed study (budget {trial.budget!r}, system_attrs "
                             f"{trial.system_attrs!r}) does not fit this ASHA's rungs {self.budgets}: the journal "
                             "was written by a searcher with other settings; resume it with the same ones")
        if k > 0:
            self._promoted[k - 1].add(source)
            self.promotions_.append((k - 1, source, trial.id))
        return k

    def is_finished(self) -> bool:
        base_done = getattr(self.base_searcher, "is_finished", lambda: False)()
        return base_done and not self._pending and not any(self.promotable(k) for k in range(self.top_rung))
