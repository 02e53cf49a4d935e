"""The ask/tell protocol every searcher speaks.

    trial = searcher.ask()          # a Trial with a config (and a budget, for multi-fidelity)
    searcher.tell(trial, loss)      # its result; None or NaN marks a failed trial

Searchers always *minimize*: `optimize(..., direction="maximize")` flips the sign before `tell`.
`ask` may return None when the searcher must wait for results of pending trials (synchronous
multi-fidelity rungs); `is_finished()` is True when it has nothing more to propose (a used-up grid).
"""

from __future__ import annotations

import math

import numpy as np

from ..space import as_space
from ..study import Trial

__all__ = ["Searcher", "UnitCubeSearcher", "is_failure"]


def is_failure(value) -> bool:
    """A told value of None, NaN or +-inf means the trial failed."""
    return value is None or not math.isfinite(value)


class Searcher:
    """Base class: stores the space and a seeded RNG, numbers trials, keeps the told history."""

    def __init__(self, space, *, seed=None):
        self.space = as_space(space)
        self.seed = seed
        # One entropy value for the whole run: seed=None draws a fresh one, an int makes it reproducible.
        self._entropy = np.random.SeedSequence(seed).entropy
        self.rng = np.random.default_rng(self._entropy)
        self._next_id = 0
        self.history: list[tuple[Trial, float | None]] = []  # (trial, loss) in the order told

    def __repr__(self):
        return f"{type(self).__name__}({self.space!r}, seed={self.seed!r})"

    def trial_rng(self, trial_id: int, stream: int = 0) -> np.random.Generator:
        """A generator that depends only on (seed, stream, trial id): trial i gets the same draw
        whatever the order in which trials finish, and a resumed run continues the same sequence."""
        return np.random.default_rng([self._entropy, stream, trial_id])

    def _new_trial(self, config: dict, budget=None) -> Trial:
        trial = Trial(id=self._next_id, config=config, budget=budget)
        self._next_id += 1
        return trial

    def ask(self) -> Trial | None:
        raise NotImplementedError

    def tell(self, trial: Trial, value) -> None:
        """Record a result. Trials the searcher did not ask itself (e.g. from a resumed journal) are
        accepted too; later asks get ids after theirs."""
        self._next_id = max(self._next_id, trial.id + 1)
        self.history.append((trial, None if is_failure(value) else float(value)))

    def is_finished(self) -> bool:
        return False


class UnitCubeSearcher(Searcher):
    """Base for model-based searchers (BO, TPE): keeps every trial as a point of the unit cube,
    split into completed (`_X`, losses `_y`), failed (`_failed`) and pending (`_pending`, asked but
    not told: what a constant liar fills in under an executor)."""

    def __init__(self, space, *, seed=None):
        super().__init__(space, seed=seed)
        self._X, self._y = [], []  # completed trials: unit points and losses
        self._failed = []  # unit points of failed trials
        self._pending = {}  # trial id -> unit point, asked but not told

    def _trial_at(self, x) -> Trial:
        """A new trial at unit point x; it is pending, at the unit point of the config that will run."""
        config = self.space.from_unit(x)[0]
        trial = self._new_trial(config)
        self._pending[trial.id] = self.space.to_unit(config)[0]
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        x = self._pending.pop(trial.id, None)
        if x is None:  # a trial we did not ask (e.g. replayed from a journal)
            x = self.space.to_unit(trial.config)[0]
        if is_failure(value):
            self._failed.append(x)
        else:
            self._X.append(x)
            self._y.append(float(value))
