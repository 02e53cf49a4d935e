"""Quiz 01: parameters vs hyperparameters, their kinds, the importance hierarchy, under- and
overfitting, and the learning rate that makes gradient descent diverge.

The gradient-descent exercises are checked against `hpo_mini.tasks.gradient_descent.quadratic_gd`, the
function lesson 01 plots.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q01_hyperparameters.toml beside this file, and the answer key is solutions/keys/q01_hyperparameters.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import numpy as np

from ...tasks.gradient_descent import quadratic_gd
from ..checks import compare_with_reference
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def gd_losses_reference(curvature, lr, w0, n_steps):
    """The library's gradient descent on f(w) = curvature / 2 * w^2 (objectives.quadratic_gd)."""
    return [float(v) for v in quadratic_gd(curvature, lr, w0=w0, n_steps=n_steps)]


def diverges_reference(lr, curvature):
    """|1 - lr * curvature| > 1: each step multiplies w by (1 - lr * curvature)."""
    return abs(1.0 - lr * curvature) > 1.0


def pick_by_validation_reference(results):
    best = min(range(len(results)), key=lambda i: (results[i]["val_loss"], i))  # the first of equal losses
    return results[best]["config"]


def _as_list(x):
    if isinstance(x, np.ndarray):
        return [float(v) for v in x]
    return x


def _run(config, train, val):
    return {"config": config, "train_loss": train, "val_loss": val}


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q01.code_gd_losses": compare_with_reference(
        "gd_losses",
        gd_losses_reference,
        [
            {"curvature": 1.0, "lr": 0.1, "w0": 1.0, "n_steps": 5},
            {"curvature": 4.0, "lr": 0.5, "w0": 2.0, "n_steps": 3},
            {"curvature": 4.0, "lr": 0.6, "w0": 1.0, "n_steps": 10},
            {"curvature": 2.0, "lr": 0.1, "w0": -3.0, "n_steps": 0},
            {"curvature": 2.0, "lr": 0.5, "w0": 1.5, "n_steps": 4},
            {"curvature": 10.0, "lr": 0.01, "w0": 0.5, "n_steps": 20},
        ],
        postprocess=_as_list,
    ),
    "q01.code_diverges": compare_with_reference(
        "diverges",
        diverges_reference,
        [
            {"lr": 0.1, "curvature": 1.0},
            {"lr": 2.5, "curvature": 1.0},
            {"lr": 1.5, "curvature": 1.0},
            {"lr": 2.0, "curvature": 1.0},
            {"lr": 0.5, "curvature": 4.0},
            {"lr": 0.51, "curvature": 4.0},
            {"lr": 1e-3, "curvature": 1e4},
            {"lr": 0.3, "curvature": 10.0},
            {"lr": 0.15, "curvature": 10.0},
        ],
    ),
    "q01.code_pick_by_validation": compare_with_reference(
        "pick_by_validation",
        pick_by_validation_reference,
        [
            {"results": [_run({"C": 0.1}, 0.30, 0.32), _run({"C": 1.0}, 0.10, 0.20), _run({"C": 100.0}, 0.01, 0.35)]},
            {"results": [_run({"C": 3.0}, 0.20, 0.25), _run({"C": 1.0}, 0.05, 0.30), _run({"C": 0.3}, 0.22, 0.21)]},
            {"results": [_run({"depth": 2}, 0.4, 0.4)]},
            {"results": [_run({"depth": 2}, 0.3, 0.2), _run({"depth": 4}, 0.1, 0.2), _run({"depth": 8}, 0.0, 0.3)]},
            {"results": [_run({"lr": 0.1}, 0.5, 0.6), _run({"lr": 0.01}, 0.2, 0.3), _run({"lr": 0.001}, 0.4, 0.5)]},
        ],
    ),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _lr_limit_params(rng):
    return {"lam": float(rng.choice([0.5, 1, 2, 2.5, 4, 5, 8, 10, 20, 40]))}


def lr_limit_reference(p):
    """The stability limit of gradient descent on (λ/2) w²: |1 - ηλ| <= 1 iff η <= 2/λ."""
    return 2.0 / p["lam"]


GENERATORS = {
    "q01.lr_limit": generator(_lr_limit_params, lr_limit_reference),
}
