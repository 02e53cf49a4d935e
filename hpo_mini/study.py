"""Trials and studies: the plain record of what was tried and what came of it.

A `Trial` is one configuration (and budget, for multi-fidelity searchers) with its outcome.
A `Study` is the list of finished trials plus the direction of optimization; everything else
(the best trial, the best-so-far curve, a table of rows) is computed from that list. Both are data:
neither reads nor writes a file (`journal.py` does) nor holds a searcher (`runner.py` drives one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

__all__ = ["Trial", "Study", "TrialPruned", "STATES", "DIRECTIONS", "ROW_FIELDS", "check_direction", "is_failure"]

STATES = ("pending", "complete", "failed", "pruned")
DIRECTIONS = ("minimize", "maximize")
ROW_FIELDS = ("id", "state", "value", "budget", "duration", "error")  # a trial's flat row, before its config


def is_failure(value) -> bool:
    """A value of None, NaN or +-inf means the trial failed (what searchers are told, what tasks return)."""
    return value is None or not math.isfinite(value)


def check_direction(direction) -> str:
    """The one test of a direction: 'minimize' or 'maximize', else a ValueError naming the value."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'minimize' or 'maximize', but got {direction!r}")
    return direction


class TrialPruned(Exception):
    """Raise inside an objective to stop a trial early; it is recorded as 'pruned', not 'failed'."""


@dataclass
class Trial:
    """One evaluation: `config` (and `budget`) in, `value` out.

    `state` is 'pending' until the runner finishes it as 'complete', 'failed' (the objective raised or
    returned a non-finite value; `error` says why) or 'pruned' (stopped early by a pruner).
    `intermediate` holds {step: value} reported during training; `user_attrs` anything the objective
    wants to keep with the trial (per-fold scores, model size, ...); `system_attrs` what the searcher that
    asked it keeps with it (a multi-fidelity searcher's rung and bracket, the base searcher's trial id:
    what it rebuilds its state from when a study resumes; Optuna has the same split).
    """

    id: int
    config: dict
    budget: float | None = None
    value: float | None = None
    state: str = "pending"
    duration: float | None = None
    error: str | None = None
    intermediate: dict = field(default_factory=dict)
    user_attrs: dict = field(default_factory=dict)
    system_attrs: dict = field(default_factory=dict)
    # Set by searchers that prune: a small picklable rule, a callable (trial) -> bool, holding only the
    # data it judges by (e.g. a snapshot of other trials' curves), never the searcher itself: it travels
    # with the trial to a worker process. The runner drops it once the trial is finished; not saved.
    pruner: object = field(default=None, repr=False, compare=False)

    def report(self, value, step) -> None:
        """Record an intermediate value (e.g. validation loss after `step` epochs)."""
        self.intermediate[int(step)] = float(value)

    def should_prune(self) -> bool:
        """True when the pruning rule the searcher attached (`trial.pruner`) says this trial should stop now."""
        return bool(self.pruner(self)) if self.pruner is not None else False

    @property
    def is_finished(self) -> bool:
        return self.state != "pending"

    def to_row(self, prefix: str = "", **columns) -> dict:
        """A flat dict: ROW_FIELDS, then `columns` (e.g. best_value=...), then one entry per config key,
        named `prefix + key` (prefix="param_" gives scikit-learn's cv_results_ names)."""
        row = {name: getattr(self, name) for name in ROW_FIELDS}
        row.update(columns)
        row.update({prefix + name: value for name, value in self.config.items()})
        return row

    def to_record(self) -> dict:
        """Every field but the pruner, JSON-ready (NaN and inf become None): one journal line."""
        record = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "pruner"}
        record["config"] = dict(self.config)
        record["user_attrs"] = dict(self.user_attrs)
        record["system_attrs"] = dict(self.system_attrs)
        record["intermediate"] = {str(k): v for k, v in self.intermediate.items()}
        if record["value"] is not None and not math.isfinite(record["value"]):
            record["value"] = None
        return record

    @classmethod
    def from_record(cls, record: dict) -> Trial:
        record = dict(record)
        record["intermediate"] = {int(k): v for k, v in record.get("intermediate", {}).items()}
        return cls(**record)


class Study:
    """The finished trials of one optimization run, in the order they finished."""

    def __init__(self, direction="minimize"):
        self.direction = check_direction(direction)
        self.trials: list[Trial] = []
        self._stop_requested = False

    def __repr__(self):
        best = f", best_value={self.best_value:.6g}" if self.completed else ""
        return f"<Study {self.direction} with {len(self.trials)} trials{best}>"

    def add(self, trial: Trial) -> None:
        """Append a finished trial."""
        if not trial.is_finished:
            raise ValueError(f"trial {trial.id} is still pending; only finished trials are added to a study")
        self.trials.append(trial)

    def stop(self) -> None:
        """Ask `optimize` to start no new trial (for callbacks such as early stopping); the trials
        already running still finish and are recorded."""
        self._stop_requested = True

    @property
    def stop_requested(self) -> bool:
        """True once `stop()` was called."""
        return self._stop_requested

    @property
    def completed(self) -> list[Trial]:
        return [t for t in self.trials if t.state == "complete"]

    def is_better(self, a: float, b: float) -> bool:
        """Is value a strictly better than value b in this study's direction?"""
        return a < b if self.direction == "minimize" else a > b

    @property
    def best_trial(self) -> Trial:
        done = self.completed
        if not done:
            states = {s: sum(t.state == s for t in self.trials) for s in STATES if s != "pending"}
            raise ValueError(
                f"no trial completed yet ({states}); look at study.trials[i].error for why trials failed"
            )
        pick = min if self.direction == "minimize" else max
        return pick(done, key=lambda t: t.value)

    @property
    def best_value(self) -> float:
        return self.best_trial.value

    @property
    def best_config(self) -> dict:
        return dict(self.best_trial.config)

    def best_values(self) -> np.ndarray:
        """The best value so far after each finished trial (NaN until one completes): the any-time curve."""
        best, out = math.nan, []
        for t in self.trials:
            if t.state == "complete" and (math.isnan(best) or self.is_better(t.value, best)):
                best = t.value
            out.append(best)
        return np.array(out, dtype=float)

    def cumulative_budget(self) -> np.ndarray:
        """Cumulative budget spent after each trial (each trial without a budget counts 1)."""
        return np.cumsum([1.0 if t.budget is None else float(t.budget) for t in self.trials])

    def to_records(self) -> list[dict]:
        """One flat dict per trial (`Trial.to_row`): id, state, value, budget, duration, error, then the
        config keys."""
        return [t.to_row() for t in self.trials]

    def to_frame(self):
        """The records as a pandas DataFrame (pandas is optional)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_frame needs pandas (pip install pandas); to_records() needs nothing") from exc
        return pd.DataFrame(self.to_records())
