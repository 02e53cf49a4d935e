"""Quiz 13: the production playbook: budget-first workflow, seeds and top-k re-runs, journals and
resumable studies, importance, Pareto fronts and hypervolume, parallel trials, debugging symptoms, and
the map to Optuna, Ray Tune, scikit-learn and MLflow.

Code exercises are checked against the library: `pareto.pareto_front`, `pareto.hypervolume_2d`, and the
patience rule of `callbacks.NoImprovementStopper` written out as a plain loop over the trial values.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q13_production_playbook.toml beside this file, and the answer key is solutions/keys/q13_production_playbook.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import math

import numpy as np

from ...evaluation.pareto import hypervolume_2d, pareto_front
from ..checks import compare_with_reference
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def non_dominated_reference(points):
    """Indices (increasing) of the rows no other row dominates, minimizing every column:
    the library's pareto.pareto_front."""
    return [int(i) for i in pareto_front(points)]


def hypervolume_reference(points, reference):
    """The area dominated by the points inside the reference box: the library's pareto.hypervolume_2d."""
    return hypervolume_2d(points, reference)


def stopping_trial_reference(values, patience, min_delta):
    """The number of trials after which "stop when `patience` trials in a row brought no improvement"
    stops the study, or None. The rule of callbacks.NoImprovementStopper (minimizing): a trial improves
    when it is not failed (NaN) and its value is below best - min_delta; the first completed trial
    always improves; a failed trial never does."""
    best, since = None, 0
    for count, value in enumerate(values, start=1):
        if not math.isnan(value) and (best is None or value < best - min_delta):
            best, since = value, 0
        else:
            since += 1
        if since >= patience:
            return count
    return None


def _point_sets():
    """Small sets with ties, duplicates and shared coordinates (integer grids), plus random floats."""
    rng = np.random.default_rng(10)
    sets = [
        [[1.0, 2.0]],
        [[1.0, 5.0], [1.0, 3.0], [2.0, 3.0]],  # shared coordinates: weak dominance removes two
        [[1.0, 1.0], [1.0, 1.0], [2.0, 0.0]],  # duplicates do not dominate each other
        [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]],
        [[0.08, 200.0], [0.10, 50.0], [0.10, 60.0], [0.12, 20.0], [0.15, 20.0], [0.20, 5.0], [0.09, 300.0]],
        [[3.0, 1.0], [1.0, 4.0], [3.0, 3.0], [2.0, 2.0], [4.0, 0.5]],
        [[1.0, 2.0, 3.0], [1.0, 2.0, 2.0], [0.0, 5.0, 5.0], [2.0, 1.0, 3.0], [1.0, 2.0, 3.0]],  # 3 objectives
    ]
    for n, high in ((12, 4), (20, 6), (30, 3)):
        sets.append(rng.integers(0, high, size=(n, 2)).astype(float).tolist())
    sets.append(rng.random((25, 2)).round(4).tolist())
    sets.append(rng.integers(0, 4, size=(15, 3)).astype(float).tolist())
    return sets


def _hypervolume_cases():
    rng = np.random.default_rng(11)
    cases = [
        {"points": [[1.0, 1.0]], "reference": [3.0, 2.0]},
        {"points": [[3.0, 1.0], [1.0, 4.0], [3.0, 3.0], [2.0, 2.0], [6.0, 0.5]], "reference": [5.0, 5.0]},
        {"points": [[1.0, 1.0], [2.0, 3.0]], "reference": [5.0, 5.0]},  # a dominated point adds nothing
        {"points": [[2.0, 4.0], [1.0, 6.0], [4.0, 1.0]], "reference": [5.0, 5.0]},  # one point above the box
        {"points": [[6.0, 1.0], [7.0, 0.0]], "reference": [5.0, 5.0]},  # nothing inside the box
        {"points": [[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]], "reference": [4.0, 4.0]},  # duplicates
        {"points": [[1.0, 3.0], [1.0, 2.0], [3.0, 1.0]], "reference": [4.0, 4.0]},  # a tie in f1
    ]
    for n in (6, 15, 40):
        cases.append({"points": rng.random((n, 2)).round(3).tolist(), "reference": [1.1, 1.2]})
    cases.append({"points": rng.integers(0, 6, size=(20, 2)).astype(float).tolist(), "reference": [5.0, 5.0]})
    return cases


def _stopping_cases():
    nan = float("nan")
    return [
        {"values": [5.0, 4.0, 3.0, 3.0, 3.0, 3.0], "patience": 3, "min_delta": 0.0},  # ties do not improve
        {"values": [5.0, 4.0, 3.0, 2.0, 1.0], "patience": 2, "min_delta": 0.0},  # never stops
        {"values": [3.0, 1.0, 2.0, 1.5, 1.8, 1.2], "patience": 3, "min_delta": 0.0},  # compare with the best
        {"values": [2.0, 3.0, 4.0], "patience": 1, "min_delta": 0.0},
        {"values": [4.0, 3.0, 2.0, 1.0], "patience": 4, "min_delta": 0.0},
        {"values": [1.0, 0.75, 0.5, 0.4, 0.3], "patience": 2, "min_delta": 0.25},  # 0.75 is not < 1.0 - 0.25
        {"values": [1.0, 0.7, 0.6, 0.5, 0.45, 0.44], "patience": 3, "min_delta": 0.2},
        {"values": [nan, 5.0, 5.0, 5.0], "patience": 2, "min_delta": 0.0},  # the first completed trial improves
        {"values": [4.0, nan, nan, 3.0, nan, nan], "patience": 2, "min_delta": 0.0},  # failures count
        {"values": [4.0, nan, 3.0, nan, 2.0, nan], "patience": 2, "min_delta": 0.0},
        {"values": [nan, 1.0, 0.0], "patience": 1, "min_delta": 0.0},
        {"values": [], "patience": 3, "min_delta": 0.0},
        {"values": [0.9, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.69], "patience": 3, "min_delta": 0.0},
    ]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q13.code_stopping_trial": compare_with_reference("stopping_trial", stopping_trial_reference, _stopping_cases()),
    "q13.code_non_dominated": compare_with_reference(
        "non_dominated", non_dominated_reference, [{"points": p} for p in _point_sets()]
    ),
    "q13.code_hypervolume": compare_with_reference("hypervolume_2d", hypervolume_reference, _hypervolume_cases()),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def budget_trials_reference(p):
    """Full-length runs the GPU-hours hold, minus the top-k x seeds re-runs planned first."""
    return p["gpus"] * p["hours"] // p["run_hours"] - p["top"] * p["seeds"]


def _budget_trials_params(rng):
    while True:
        p = {"gpus": int(rng.choice([2, 4, 8])), "hours": int(rng.choice([24, 48, 72])),
             "run_hours": int(rng.choice([2, 3, 4])), "top": int(rng.choice([2, 3, 5])), "seeds": int(rng.choice([3, 5]))}
        if budget_trials_reference(p) >= 10:
            return p


GENERATORS = {
    "q13.budget_trials": generator(_budget_trials_params, budget_trials_reference),
}
