"""Warm-starting a search with what earlier, related tasks taught: two thin wrappers over any searcher.

1. **Transfer as prior observations** (`PriorObservations`): before its first ask, the searcher (TPE, BO,
   ...) is told the old tasks' trials as if they were its own, optionally rescaled per task; its model then
   proposes where the old tasks were good from the very first trial. This is the simplest transfer of
   hyperparameter knowledge (the "warm-starting with past observations" baseline of Feurer, Springenberg &
   Hutter, "Initializing Bayesian hyperparameter optimization via meta-learning", AAAI 2015; and of Wistuba,
   Schilling & Schmidt-Thieme 2016). It pays when the tasks are alike and misleads when they are not: the
   model trusts the old good region until the new task's own results outvote it.
2. **A meta-learned initial design** (`InitialDesign`): the first trials are given configurations, e.g. the
   best configuration of each previous task (`best_configs`), then the base searcher takes over, told their
   results like any others. This is the meta-learning initialization of Feurer et al. (2015) and of
   auto-sklearn (Feurer et al., NeurIPS 2015, sec. 3.1: the best configs of the nearest data sets by
   meta-features), without the meta-features: every previous task counts as near.

Neither touches the base searcher's code: `PriorObservations` tells it trials with negative ids (-1, -2, ...)
so the new task's trials keep ids 0, 1, ...; `InitialDesign` hands out ids 0 .. k-1 to the design and asks
the base searcher only once the whole design has been told (it waits, `ask()` returning None, while a
design trial is still running), so the base searcher's next id follows the design's.
"""

from __future__ import annotations

import numpy as np

from ..space import as_space, config_key
from ..study import Study, Trial, is_failure
from .base import Searcher

__all__ = ["as_observations", "standardize", "best_configs", "PriorObservations", "InitialDesign"]


def as_observations(source) -> list[tuple[dict, float | None]]:
    """[(config, value)] from a Study (its complete trials' values, in its direction's sign: a maximized
    study's values are negated into losses) or from an iterable of (config, value) pairs (losses)."""
    if isinstance(source, Study):
        sign = -1.0 if source.direction == "maximize" else 1.0
        return [(dict(t.config), sign * t.value) for t in source.trials if t.state == "complete"]
    out = []
    for pair in source:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], dict)):
            raise ValueError(f"an observation is a (config dict, loss) pair or a Study's trial, but got {pair!r}")
        out.append((dict(pair[0]), None if is_failure(pair[1]) else float(pair[1])))
    return out


def standardize(losses) -> np.ndarray:
    """(y - mean) / sd of one task's finite losses (sd 1 when all are equal): tasks on different scales (an
    error in % and one in [0, 1], a larger data set's lower floor) become comparable (Yogatama & Mann 2014)."""
    y = np.asarray(losses, dtype=float)
    sd = y.std()
    return (y - y.mean()) / (sd if sd > 0 else 1.0)


def best_configs(tasks, k=1) -> list[dict]:
    """The k best configurations of each previous task (Studies or (config, loss) lists), task by task,
    without repeats: a meta-learned initial design (auto-sklearn's, without meta-features)."""
    seen, out = set(), []
    for source in tasks:
        obs = [(c, y) for c, y in as_observations(source) if y is not None]
        for config, _ in sorted(obs, key=lambda o: o[1])[:k]:
            key = config_key(config)
            if key not in seen:
                seen.add(key)
                out.append(config)
    return out


class PriorObservations(Searcher):
    """`base` told the trials of earlier tasks before its own (transfer as prior observations).

    base:    any ask/tell searcher (TPE, BayesianOptimization, ...) on the same space.
    tasks:   a list of earlier tasks' results, each a Study or a list of (config, loss) pairs.
    rescale: None (told as they are: the tasks share a scale) or a function losses -> losses applied to each
             task on its own, e.g. `standardize`. The new task's own values are told as they come, so a
             rescaled prior is on the new scale only if the new task's values are too.
    Asks and tells are the base searcher's; `n_prior_` is the number of prior trials told.
    """

    def __init__(self, base, tasks, *, rescale=None):
        for method in ("ask", "tell"):
            if not callable(getattr(base, method, None)):
                raise TypeError(f"base must be an ask/tell searcher, but {base!r} has no {method}()")
        super().__init__(base.space, seed=getattr(base, "seed", None))
        if rescale is not None and not callable(rescale):
            raise TypeError(f"rescale must be None or a function losses -> losses (e.g. standardize), "
                            f"but got {rescale!r}")
        self.base, self.tasks, self.rescale = base, list(tasks), rescale
        self.n_prior_ = 0
        for source in self.tasks:
            obs = [(self.space.validate(c), y) for c, y in as_observations(source) if y is not None]
            if not obs:
                continue
            losses = np.array([y for _, y in obs])
            losses = np.asarray(rescale(losses), dtype=float) if rescale is not None else losses
            for (config, _), loss in zip(obs, losses):
                self.n_prior_ += 1
                base.tell(Trial(id=-self.n_prior_, config=config, value=float(loss), state="complete"), float(loss))

    def __repr__(self):
        return f"PriorObservations({self.base!r}, {self.n_prior_} prior trials)"

    def set_direction(self, direction):
        super().set_direction(direction)
        if callable(getattr(self.base, "set_direction", None)):
            self.base.set_direction(direction)

    def ask(self):
        return self.base.ask()

    def tell(self, trial, value):
        super().tell(trial, value)
        self.base.tell(trial, value)

    def is_finished(self) -> bool:
        return bool(getattr(self.base, "is_finished", lambda: False)())

    @property
    def finite(self) -> bool:
        return bool(getattr(self.base, "finite", False))


class InitialDesign(Searcher):
    """The given configurations first (trial ids 0 .. k-1), then `base` (told the design's results too).

    base:    any ask/tell searcher on the same space.
    configs: the design, e.g. `best_configs(previous_studies)`; each validated against the space.
    While a design trial is still running, `ask()` returns None once the design is out (the base searcher
    starts after the whole design is told). A resumed study's design trials (ids < k) fill their slots.
    """

    def __init__(self, base, configs):
        for method in ("ask", "tell"):
            if not callable(getattr(base, method, None)):
                raise TypeError(f"base must be an ask/tell searcher, but {base!r} has no {method}()")
        super().__init__(base.space, seed=getattr(base, "seed", None))
        space = as_space(base.space)
        self.base, self.configs = base, [space.validate(c) for c in configs]
        self._open = set(range(len(self.configs)))  # design slots neither asked nor told
        self._running = set()

    def __repr__(self):
        return f"InitialDesign({self.base!r}, {len(self.configs)} configs)"

    def set_direction(self, direction):
        super().set_direction(direction)
        if callable(getattr(self.base, "set_direction", None)):
            self.base.set_direction(direction)

    def ask(self):
        if self._open:
            slot = min(self._open)
            self._open.discard(slot)
            self._running.add(slot)
            self._next_id = max(self._next_id, slot + 1)
            return Trial(id=slot, config=dict(self.configs[slot]))
        if self._running:
            return None  # the base searcher starts after the whole design is told
        return self.base.ask()

    def tell(self, trial, value):
        super().tell(trial, value)
        if trial.id < len(self.configs):
            self._open.discard(trial.id)
            self._running.discard(trial.id)
        self.base.tell(trial, value)

    def is_finished(self) -> bool:
        return not self._open and not self._running and bool(getattr(self.base, "is_finished", lambda: False)())

    @property
    def finite(self) -> bool:
        return bool(getattr(self.base, "finite", False))
