"""Reduce the learning rate when the monitored value stops improving: a schedule driven by the run.

Unlike the schedules of `schedules.py`, which are functions of the step, this one reads the validation
loss after every epoch and cuts the rate by `factor` once it has not improved for more than `patience`
epochs (the idea of ReduceLROnPlateau in Keras and PyTorch):

    plateau = ReduceOnPlateau(lr=0.1, factor=0.1, patience=2)
    for epoch in range(n):
        score, state = step({**config, "lr": plateau.lr}, state, 1)
        plateau.update(state["val_loss"][-1])
"""

from __future__ import annotations

import math

__all__ = ["ReduceOnPlateau"]


class ReduceOnPlateau:
    """lr: the current rate. update(value) counts a "bad" epoch unless value < best * (1 - threshold)
    (a relative improvement; lower is better); after more than `patience` bad epochs in a row the rate
    becomes max(lr * factor, min_lr) and the count restarts. `history` holds the rate of every epoch."""

    def __init__(self, lr, factor=0.1, patience=2, threshold=1e-4, min_lr=0.0):
        if not (lr > 0 and 0 < factor < 1 and patience >= 0 and threshold >= 0 and 0 <= min_lr <= lr):
            raise ValueError(f"ReduceOnPlateau needs lr > 0, 0 < factor < 1, patience >= 0, threshold >= 0 and "
                             f"0 <= min_lr <= lr, but got lr={lr!r}, factor={factor!r}, patience={patience!r}, "
                             f"threshold={threshold!r}, min_lr={min_lr!r}")
        self.lr, self.factor, self.patience, self.threshold, self.min_lr = lr, factor, patience, threshold, min_lr
        self.best, self.n_bad, self.history = math.inf, 0, []

    def update(self, value) -> float:
        """Record this epoch's monitored value (and the rate it was trained with); return the next rate."""
        self.history.append(self.lr)
        if value < self.best * (1 - self.threshold):
            self.best, self.n_bad = value, 0
        else:
            self.n_bad += 1
        if self.n_bad > self.patience:
            self.lr, self.n_bad = max(self.lr * self.factor, self.min_lr), 0
        return self.lr
