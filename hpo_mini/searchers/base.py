"""The ask/tell protocol every searcher speaks.

    trial = searcher.ask()          # a Trial with a config (and a budget, for multi-fidelity)
    searcher.tell(trial, loss)      # its result; None or NaN marks a failed trial

Searchers always *minimize*: `optimize(..., direction="maximize")` flips the sign before `tell`.
It also calls `searcher.set_direction(direction)` before the first ask, for what a searcher reads
without the flip: a pruner compares the raw values a trial reports while it runs.
`ask` may return None when the searcher must wait for results of pending trials (synchronous
multi-fidelity rungs); `is_finished()` is True when it has nothing more to propose (a used-up grid).

Naming: constructor arguments, and what the constructor derives from them (a grid, a rung plan), keep
their names; everything `ask` and `tell` learn ends in `_` (`history_`, `gp_`, `generations_`...).
"""

from __future__ import annotations

import numpy as np

from ..space import as_space
from ..study import Trial, check_direction, is_failure

__all__ = ["Searcher", "UnitCubeSearcher", "GenerationSearcher", "SAME_POINT"]

# Two unit points closer than this in every coordinate are the same configuration (1e-6 of a range is
# below any difference a hyperparameter can show); integers and choices are snapped, so they match exactly.
SAME_POINT = 1e-6


def _same_as_any(x, points) -> bool:
    """Is unit point x within SAME_POINT, in every coordinate, of one of `points`?"""
    points = np.asarray(points, dtype=float).reshape(-1, len(x))
    return len(points) > 0 and bool(np.min(np.max(np.abs(points - x), axis=1)) <= SAME_POINT)


class Searcher:
    """Base class: stores the space and a seeded RNG, numbers trials, keeps the told history."""

    def __init__(self, space, *, seed=None):
        self.space = as_space(space)
        self.seed = seed
        self.direction = "minimize"  # of the objective's raw values; optimize sets it (set_direction)
        # One entropy value for the whole run: seed=None draws a fresh one, an int makes it reproducible.
        self._entropy = np.random.SeedSequence(seed).entropy
        self.rng = np.random.default_rng(self._entropy)
        self._next_id = 0
        self.history_: list[tuple[Trial, float | None]] = []  # (trial, loss) in the order told

    def __repr__(self):
        return f"{type(self).__name__}({self.space!r}, seed={self.seed!r})"

    def set_direction(self, direction: str) -> None:
        """Learn whether the objective's raw values are minimized or maximized (`optimize` calls this
        before the first ask). Told values are losses either way; only what reads raw values (the
        intermediate values a pruner compares) uses it."""
        self.direction = check_direction(direction)

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
        accepted too; later asks get ids after theirs. (Multi-fidelity searchers put such a trial back
        in the rung it was asked for, from its system_attrs.)"""
        self._next_id = max(self._next_id, trial.id + 1)
        self.history_.append((trial, None if is_failure(value) else float(value)))

    def is_finished(self) -> bool:
        return False

    @property
    def finite(self) -> bool:
        """Does it stop proposing by itself, after a bounded number of trials (a grid, successive halving),
        and then say is_finished()? False: it proposes for ever, and a loop over it needs a limit."""
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

    def is_new(self, x) -> bool:
        """Is unit point x a configuration not seen yet: not told, failed or pending? The one rule
        of "is this point new?" for every model-based searcher: the same configuration means within
        SAME_POINT in every coordinate (max-norm)."""
        return not _same_as_any(x, self._X + self._failed + list(self._pending.values()))

    def first_new(self, points) -> np.ndarray:
        """The first of `points` (unit points, best first) that `is_new`. If none is, the first that is
        not a failed point; if even that fails, the first point: every config in reach has been tried
        and failed, and there is nothing better to propose."""
        for x in points:
            if self.is_new(x):
                return x
        for x in points:
            if not _same_as_any(x, self._failed):
                return x
        return points[0]

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


class GenerationSearcher(Searcher):
    """A searcher that proposes a whole generation of unit points and learns only once every one of them
    is told (the GA, CMA-ES). A generation is a barrier: `ask()` returns None while its last trials run.

    A subclass calls `_start_slots(points, losses, n_known)` for each generation (the first n_known slots
    already have their losses, e.g. a GA's elites) and implements `_generation_done()`, called when the
    last slot is told. A trial it did not ask (a resumed journal) fills the next open slot, keeping the
    journal's exact point; failures count as NaN losses.
    """

    def _start_slots(self, points, losses=None, n_known=0):
        self._points = points
        self._losses = np.full(len(points), np.nan) if losses is None else losses
        self._told = np.arange(len(points)) < n_known
        self._next_slot = n_known
        self._slot_of = {}  # trial id -> slot, asked and not told

    def ask(self):
        if self._next_slot >= len(self._points):
            return None  # the generation is out: wait for its results (the runner waits)
        slot = self._next_slot
        self._next_slot += 1
        trial = self._new_trial(self.space.from_unit(self._points[slot])[0])
        self._slot_of[trial.id] = slot
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        slot = self._slot_of.pop(trial.id, None)
        if slot is None:  # a trial we did not ask (a resumed journal): it fills the next open slot
            if self._next_slot >= len(self._points):
                return
            slot = self._next_slot
            self._next_slot += 1
            if self.space.from_unit(self._points[slot])[0] != trial.config:  # else keep the exact point
                self._points[slot] = self.space.to_unit(trial.config)[0]
        self._losses[slot] = np.nan if is_failure(value) else float(value)
        self._told[slot] = True
        if self._told.all():
            self._generation_done()

    def _generation_done(self):
        raise NotImplementedError
