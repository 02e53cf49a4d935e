"""Multi-fidelity searchers: spend little on many configurations, more on the promising ones.

A budget is whatever makes an evaluation cheaper and rougher (epochs, boosting rounds, a data
fraction); the objective is called objective(config, budget). Budgets form geometric *rungs*
r, r*eta, r*eta^2, ...; at each rung only the best 1/eta go on.

- SuccessiveHalving (Jamieson & Talwalkar 2016, AISTATS): n configs at the lowest budget, keep the best
  1/eta, multiply the budget by eta, repeat. Synchronous: a rung must finish before the next starts.
- Hyperband (Li et al. 2018, JMLR 18(185)): SH run with several trade-offs between "many configs,
  small budget" and "few configs, full budget" (brackets), hedging against a misleading low budget.
- ASHA (Li et al. 2020, MLSys, "A system for massively parallel hyperparameter tuning"): SH without
  waiting: whenever a worker is free, promote a config in the top 1/eta of a rung, else start a new one.
- MedianPruner: every trial runs at full budget and reports intermediate values; stop one whose
  value at step t is worse than the median of completed trials at step t (Golovin et al. 2017,
  Google Vizier's median stopping rule; Optuna's MedianPruner).

Each draws new configurations from `base_searcher` (RandomSearch(space, seed=seed) by default; any
ask/tell searcher, e.g. TPE or BayesianOptimization). The base searcher is told a configuration's result
at its *first* (lowest) budget, the one every configuration gets. (BOHB, Falkner et al. 2018, ICML,
models the highest budget with enough results instead: `searchers/bohb.py`.)

Resuming. Each trial keeps in `system_attrs` where it belongs: its rung (Hyperband: and bracket; ASHA: the
trial it was promoted from) and, for a fresh configuration, the base searcher's trial id. `optimize(...,
journal=path)` tells a resumed searcher the journal's trials in the order they finished; each is put back
in its slot (a rung's result, a promotion done, the base searcher told), so only the trials that were
running when the process died are asked again, and a resumed study spends exactly the budget of one that
was never interrupted (tests/unit/searchers/test_resume_multi_fidelity.py). A trial that fits no slot (a journal of
other budgets or eta) raises a ValueError.
"""

from __future__ import annotations

import math
from numbers import Real

from ..space import check_count, config_key
from ..study import Trial, is_failure
from .base import Searcher
from .random import RandomSearch

__all__ = ["max_rung_index", "sh_rungs", "SuccessiveHalving"]

BUDGET_TOL = 1e-9  # relative: budgets this close are one budget (eta powers in floating point: 100 * 0.1**2 != 1)


def tidy_budget(x):
    """An integral float as an int (81.0 -> 81), else the float: budgets print as the paper's table."""
    return int(round(x)) if abs(x - round(x)) < BUDGET_TOL * max(1.0, abs(x)) else float(x)


def check_budgets(min_budget, max_budget, eta):
    for name, value in (("min_budget", min_budget), ("max_budget", max_budget), ("eta", eta)):
        if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, but got {value!r}")
    if min_budget <= 0:
        raise ValueError(f"min_budget must be > 0, but got {min_budget!r}")
    if max_budget < min_budget:
        raise ValueError(f"max_budget must be >= min_budget={min_budget!r}, but got {max_budget!r}")
    if eta <= 1:
        raise ValueError(f"eta (the reduction factor) must be > 1, e.g. 3, but got {eta!r}")


def _floor_log(x, eta) -> int:
    """The largest integer s with eta**s <= x (exact for integers, where math.log(243, 3) = 4.99...)."""
    s = 0
    while eta ** (s + 1) <= x * (1 + BUDGET_TOL):
        s += 1
    return s


def max_rung_index(min_budget, max_budget, eta=3) -> int:
    """s_max = floor(log_eta(max_budget / min_budget)): the number of halvings that fit (Li et al. 2018)."""
    check_budgets(min_budget, max_budget, eta)
    return _floor_log(max_budget / min_budget, eta)


def sh_rungs(n_configs, min_budget, max_budget, eta=3) -> list[tuple]:
    """Successive halving's (configs, budget) per rung, with scikit-learn's HalvingRandomSearchCV rule:

        n_rungs = min(1 + floor(log_eta n), 1 + floor(log_eta floor(max / min)))
        n_0 = n,  n_{i+1} = ceil(n_i / eta),  r_i = min_budget * eta^i

    So the last rung may stop below max_budget (too few configs to halve further) and may hold more
    than one config (the best of it wins). Jamieson & Talwalkar keep floor(n_i / eta) instead.
    """
    check_budgets(min_budget, max_budget, eta)
    n_configs = check_count(n_configs, "n_configs")
    n_rungs = min(1 + _floor_log(n_configs, eta), 1 + _floor_log(math.floor(max_budget / min_budget + BUDGET_TOL), eta))
    rungs, n = [], int(n_configs)
    for i in range(n_rungs):
        rungs.append((n, tidy_budget(min_budget * eta**i)))
        n = math.ceil(n / eta - BUDGET_TOL)
    return rungs


class BaseSearcherMixin:
    """New configurations come from a base searcher; it hears back their lowest-budget result, and
    the direction `optimize` sets. Each fresh trial keeps the base searcher's trial id in
    `system_attrs["base_id"]`, so a resumed study tells the base searcher exactly what it had asked."""

    def set_direction(self, direction):
        super().set_direction(direction)
        if callable(getattr(self.base_searcher, "set_direction", None)):
            self.base_searcher.set_direction(direction)

    @property
    def finite(self) -> bool:
        """It stops by itself when its base searcher does (a grid); the default RandomSearch does not."""
        return bool(getattr(self.base_searcher, "finite", False))

    def _init_base_searcher(self, base_searcher, seed):
        if base_searcher is None:
            base_searcher = RandomSearch(self.space, seed=seed)
        for method in ("ask", "tell"):
            if not callable(getattr(base_searcher, method, None)):
                raise TypeError(f"base_searcher must be an ask/tell searcher, but {base_searcher!r} has no {method}()")
        if getattr(base_searcher, "space", self.space) != self.space:
            raise ValueError(f"the base_searcher searches {base_searcher.space!r}, but this searcher searches "
                             f"{self.space!r}")
        self.base_searcher = base_searcher
        self._base_trials = {}  # our trial id -> the base searcher's trial, told at the first budget

    def _draw_config(self):
        """A fresh configuration, or None if the base searcher has none now (it waits, or is used up)."""
        if getattr(self.base_searcher, "is_finished", lambda: False)():
            return None
        inner = self.base_searcher.ask()
        if inner is None:
            return None
        self._last_inner = inner
        return dict(inner.config)

    def _remember_base_trial(self, trial):
        self._base_trials[trial.id] = self._last_inner
        trial.system_attrs["base_id"] = self._last_inner.id

    def _tell_base_searcher(self, trial, loss):
        inner = self._base_trials.pop(trial.id, None)
        if inner is None and "base_id" in trial.system_attrs:  # a fresh config, replayed from a journal
            inner = Trial(id=trial.system_attrs["base_id"], config=dict(trial.config))
        if inner is not None:
            self.base_searcher.tell(inner, loss)


class Bracket:
    """Synchronous successive halving over a fixed plan [(n_i, r_i)]: rung i runs n_i configs at budget
    r_i; when all have results, the best n_{i+1} (lowest loss, ties by trial id) go on to rung i+1.

    A slot of the current rung is taken when a trial is asked for it, or when a trial of a resumed study
    is replayed into it (`take`): so a study resumed from its journal re-asks only the slots whose trials
    were lost (running when the process died), and spends no budget twice.
    """

    def __init__(self, plan):
        self.plan = list(plan)
        self.rung = 0
        self.to_ask = None  # configs promoted to the current rung, not asked yet (None at rung 0: drawn fresh)
        self.n_asked = 0
        self.pending = set()
        self.results = []  # (loss, trial id, config) of the current rung
        self.history = []  # per finished rung: its sorted results

    @property
    def finished(self) -> bool:
        return self.rung >= len(self.plan)

    @property
    def waiting(self) -> bool:
        return not self.finished and self.n_asked >= self.plan[self.rung][0]

    def next_config(self):
        return None if self.to_ask is None else self.to_ask[0]

    def take(self, config) -> None:
        """A trial of the current rung with this config starts (or is replayed): one slot less to fill."""
        if self.to_ask is not None:
            key = config_key(config)
            match = [i for i, c in enumerate(self.to_ask) if config_key(c) == key]
            if not match:
                raise ValueError(f"{config!r} is not among the configs promoted to rung {self.rung}: "
                                 f"{self.to_ask!r}")
            self.to_ask.pop(match[0])
        self.n_asked += 1

    def record(self, trial_id, config, loss):
        self.pending.discard(trial_id)
        self.results.append((math.inf if loss is None else loss, trial_id, config))
        if len(self.results) == self.plan[self.rung][0]:
            ranked = sorted(self.results, key=lambda t: (t[0], t[1]))
            self.history.append(ranked)
            self.rung += 1
            self.results, self.n_asked = [], 0
            if not self.finished:
                self.to_ask = [config for _, _, config in ranked[: self.plan[self.rung][0]]]


def ask_bracket(searcher, bracket, /, **system_attrs):
    """The next trial of `bracket` for `searcher` (SH and Hyperband): a promoted config, or a fresh one from
    the base searcher at rung 0; None while the rung waits for results or the bracket is done. The trial's
    system_attrs hold its rung (and `system_attrs`, e.g. Hyperband's bracket)."""
    if bracket.finished or bracket.waiting:
        return None
    config = bracket.next_config()
    fresh = config is None
    if fresh:
        config = searcher._draw_config()
        if config is None:
            return None
    trial = searcher._new_trial(dict(config), budget=bracket.plan[bracket.rung][1])
    trial.system_attrs.update(system_attrs, rung=bracket.rung)
    if fresh:
        searcher._remember_base_trial(trial)
    bracket.take(config)
    bracket.pending.add(trial.id)
    return trial


def replay_into_bracket(searcher, bracket, trial) -> None:
    """A trial the searcher did not ask (a resumed study's, from its journal) takes its slot in the
    bracket: it must be a trial of the current rung, at its budget, with a config that rung runs; else a
    ValueError says that the journal was written by a searcher with other settings."""
    where = f"{type(searcher).__name__} (rung {bracket.rung} of {bracket.plan})"
    if "rung" not in trial.system_attrs:
        problem = "it carries no rung (system_attrs), as in a journal of hpo_mini before format version 2"
    elif bracket.finished or bracket.waiting:
        problem = "its rung is full" if bracket.waiting else "it has run all its rungs"
    elif trial.system_attrs["rung"] != bracket.rung or trial.budget is None or \
            abs(trial.budget - bracket.plan[bracket.rung][1]) > BUDGET_TOL * bracket.plan[bracket.rung][1]:
        problem = f"it is at rung {trial.system_attrs.get('rung')} with budget {trial.budget!r}"
    else:
        try:
            bracket.take(trial.config)
            bracket.pending.add(trial.id)
            return
        except ValueError as exc:
            problem = str(exc)
    raise ValueError(f"trial {trial.id} of the resumed study does not fit {where}: {problem}. The journal was "
                     "written by a searcher with other settings (budgets, eta, n_configs, seed): resume it with "
                     "the same ones, or start a new journal")


def tell_bracket(searcher, bracket, trial, value):
    """Record a result in `bracket`; a rung-0 result is also told to the base searcher. A trial it did not
    ask (a resumed study's) is replayed into its slot first (`replay_into_bracket`)."""
    if trial.id not in bracket.pending:
        replay_into_bracket(searcher, bracket, trial)
    loss = None if is_failure(value) else float(value)
    searcher._tell_base_searcher(trial, loss)
    bracket.record(trial.id, dict(trial.config), loss)


class SuccessiveHalving(BaseSearcherMixin, Searcher):
    """Successive halving (Jamieson & Talwalkar 2016) with the rung schedule of `sh_rungs`.

    n_configs=None uses eta^s_max, so exactly one configuration reaches max_budget. Synchronous:
    `ask` returns None while the current rung waits for results, and `is_finished()` turns True after
    the last rung. `rungs()` is the plan; `rung_history_` the ranked (loss, trial id, config) of each rung.
    """

    finite = True  # one bracket, then is_finished()

    def __init__(self, space, *, min_budget, max_budget, eta=3, n_configs=None, base_searcher=None, seed=None):
        super().__init__(space, seed=seed)
        check_budgets(min_budget, max_budget, eta)
        if n_configs is None:
            n_configs = int(round(eta ** max_rung_index(min_budget, max_budget, eta)))
        self.min_budget, self.max_budget, self.eta, self.n_configs = min_budget, max_budget, eta, n_configs
        self._bracket = Bracket(sh_rungs(n_configs, min_budget, max_budget, eta))
        self._init_base_searcher(base_searcher, seed)

    def rungs(self) -> list[tuple]:
        return list(self._bracket.plan)

    @property
    def rung_history_(self) -> list:
        """Per finished rung, its results ranked best first: (loss, trial id, config)."""
        return self._bracket.history

    def ask(self):
        return ask_bracket(self, self._bracket)

    def tell(self, trial, value):
        super().tell(trial, value)
        tell_bracket(self, self._bracket, trial, value)

    def is_finished(self) -> bool:
        return self._bracket.finished
