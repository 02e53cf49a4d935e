"""Hyperband (Li et al. 2018, JMLR 18(185)): successive halving run with several trade-offs between
"many configs, small budget" and "few configs, full budget" (brackets), hedging against a misleading
low budget. `hyperband_brackets` is Table 1 of the paper.
"""

from __future__ import annotations

import math

from ..space import check_count
from .base import Searcher
from .successive_halving import (
    BUDGET_TOL,
    BaseSearcherMixin,
    Bracket,
    ask_bracket,
    check_budgets,
    max_rung_index,
    tell_bracket,
    tidy_budget,
)

__all__ = ["hyperband_brackets", "bracket_cost", "Hyperband"]


def hyperband_brackets(min_budget, max_budget, eta=3) -> list[list[tuple]]:
    """Hyperband's brackets s = s_max .. 0, each a list of (n_i, r_i) rungs (Li et al. 2018, Algorithm 1):

        s_max = floor(log_eta(R / r_min)),  B = (s_max + 1) R
        n = ceil(B / R * eta^s / (s + 1)),  r = R eta^-s
        rung i = 0..s:  n_i = floor(n eta^-i),  r_i = r eta^i

    For R = 81, eta = 3: s=4 is 81x1, 27x3, 9x9, 3x27, 1x81 (the most exploratory); s=0 is 5x81.
    """
    s_max = max_rung_index(min_budget, max_budget, eta)
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) * eta**s / (s + 1) - BUDGET_TOL)
        brackets.append([(math.floor(n / eta**i + BUDGET_TOL), tidy_budget(max_budget / eta ** (s - i))) for i in range(s + 1)])
    return brackets


def bracket_cost(rungs, resume=False) -> float:
    """Total budget a bracket spends: sum n_i r_i, or with resume (promoted configs continue from their
    checkpoint) n_0 r_0 + sum_{i>0} n_i (r_i - r_{i-1})."""
    total, previous = 0.0, 0.0
    for n, r in rungs:
        total += n * (r - previous if resume else r)
        previous = r
    return tidy_budget(total)


class Hyperband(BaseSearcherMixin, Searcher):
    """Hyperband (Li et al. 2018): the brackets of `hyperband_brackets`, run one after another
    (s = s_max first), each a synchronous successive halving on fresh configurations.

    n_iterations: how many times to run all brackets (None: forever; `optimize`'s n_trials or a
    callback stops it). While a rung waits for results, `ask` returns None: run under an executor,
    workers sit idle then (ASHA's motivation). `brackets()` is the plan; as it runs,
    `finished_brackets_` lists (s, bracket) as they finish (each bracket's `history` holds its rungs'
    ranked results) and `bracket_index_` is s_max - s of the bracket running now.
    """

    def __init__(self, space, *, min_budget, max_budget, eta=3, n_iterations=1, base_searcher=None, seed=None):
        super().__init__(space, seed=seed)
        check_budgets(min_budget, max_budget, eta)
        if n_iterations is not None:
            n_iterations = check_count(n_iterations, "n_iterations (None runs forever)")
        self.min_budget, self.max_budget, self.eta, self.n_iterations = min_budget, max_budget, eta, n_iterations
        self._plans = hyperband_brackets(min_budget, max_budget, eta)
        self._index = 0  # brackets started so far (over all iterations)
        self._bracket = Bracket(self._plans[0])
        self.finished_brackets_ = []  # (s, Bracket) in the order they finished
        self._init_base_searcher(base_searcher, seed)

    def brackets(self) -> list[list[tuple]]:
        """The (n_i, r_i) plan of every bracket, s = s_max first; nothing is run."""
        return [list(plan) for plan in self._plans]

    @property
    def bracket_index_(self) -> int:
        """s_max - s of the bracket now running (0 = the most exploratory one)."""
        return self._index % len(self._plans)

    def _advance(self):
        while self._bracket is not None and self._bracket.finished:
            self.finished_brackets_.append((len(self._plans) - 1 - self.bracket_index_, self._bracket))
            self._index += 1
            if self.n_iterations is not None and self._index >= self.n_iterations * len(self._plans):
                self._bracket = None
            else:
                self._bracket = Bracket(self._plans[self.bracket_index_])

    @property
    def finite(self) -> bool:
        """It stops by itself after n_iterations passes over the brackets (n_iterations=None: never)."""
        return self.n_iterations is not None

    def ask(self):
        self._advance()
        return None if self._bracket is None else ask_bracket(self, self._bracket, bracket=self._index)

    def tell(self, trial, value):
        """Record a result. A trial of a resumed study (not asked by this searcher) is replayed into the
        bracket it was asked for (`system_attrs["bracket"]`), which must be the one running now."""
        super().tell(trial, value)
        self._advance()
        replayed = self._bracket is None or trial.id not in self._bracket.pending
        if replayed and (self._bracket is None or trial.system_attrs.get("bracket") != self._index):
            now = "has run all its brackets" if self._bracket is None else f"is at bracket {self._index}"
            raise ValueError(f"trial {trial.id} of the resumed study was asked in bracket "
                             f"{trial.system_attrs.get('bracket')!r}, but this Hyperband {now}: the journal was "
                             "written by a searcher with other settings; resume it with the same ones")
        tell_bracket(self, self._bracket, trial, value)
        self._advance()

    def is_finished(self) -> bool:
        self._advance()
        return self._bracket is None
