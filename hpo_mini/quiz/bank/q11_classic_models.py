"""Quiz 11: tuning the classic models: boosting's rate and trees, the library names, forests, SVMs, k-NN and
linear models, the one-standard-error rule, the number of clusters, choosing a searcher.

The code exercises are checked against the references below, written from their definitions and not using
hpo_mini: early stopping's best round (the rule of XGBoost's `early_stopping_rounds`; Prechelt 1998) and the
one-standard-error rule (Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, 2nd ed.,
section 7.10). Each agrees with the library's own function (evaluation/model_selection.py:
early_stopping_round, one_standard_error_rule), which the quiz's author checked when writing it and
tests/unit/quiz/test_quiz_code.py does not rely on.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q11_classic_models.toml beside this file, and the answer key is solutions/keys/q11_classic_models.py.
CHECKS maps each code exercise to its checker.
"""

from __future__ import annotations

import numpy as np

from ..checks import compare_with_reference


# ---- references for the code exercises ---------------------------------------------------------


def best_round_reference(val_losses, patience):
    """(best, stop), 1-based: go round by round, keep the first round with the lowest loss so far; stop after
    the round that makes `patience` rounds in a row without a strictly lower loss; else stop at the end."""
    best, since = 0, 0
    for i in range(1, len(val_losses)):
        if val_losses[i] < val_losses[best]:
            best, since = i, 0
        else:
            since += 1
            if since == patience:
                return best + 1, i + 1
    return best + 1, len(val_losses)


def one_se_choice_reference(mean_errors, std_errors, simplicity):
    """ESL section 7.10: best = argmin mean (the first on ties); eligible = {i: mean_i <= mean_best + se_best};
    among them the largest simplicity, then the lowest mean, then the first index."""
    best = min(range(len(mean_errors)), key=lambda i: mean_errors[i])
    threshold = mean_errors[best] + std_errors[best]
    eligible = [i for i in range(len(mean_errors)) if mean_errors[i] <= threshold]
    return min(eligible, key=lambda i: (-simplicity[i], mean_errors[i], i))


# ---- the inputs each exercise is checked on (fixed: built from a seeded generator) ---------------


def _as_pair(result):
    """A tuple or list of two is accepted as the pair it is (a learner may return either)."""
    return tuple(result) if isinstance(result, (list, tuple)) else result


def _best_round_cases():
    rng = np.random.default_rng(110)
    cases = [
        # a new best after the stop must not be seen: the global minimum is at round 8
        {"val_losses": [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 3.0, 2.9], "patience": 3},
        # equal to the best is not an improvement (a plateau stops training)
        {"val_losses": [1.0, 1.0, 1.0, 1.0], "patience": 2},
        # ties for the best: the first one is kept
        {"val_losses": [0.9, 0.5, 0.7, 0.5, 0.6, 0.8], "patience": 4},
        {"val_losses": [0.7], "patience": 1},  # one round
        {"val_losses": [0.7, 0.6, 0.5, 0.4], "patience": 1},  # never stops: the last round
        {"val_losses": [0.7, 0.8, 0.6], "patience": 1},  # patience 1 stops at the first non-improvement
    ]
    for _ in range(14):  # noisy U-shaped validation curves, as boosting gives
        n = int(rng.integers(5, 60))
        t = np.arange(n)
        bottom = rng.uniform(0.2, 0.8) * n
        curve = 0.3 + 0.002 * (t - bottom) ** 2 / max(n, 1) + rng.normal(0, 0.01, n)
        cases.append({"val_losses": [round(float(v), 4) for v in curve], "patience": int(rng.integers(1, 12))})
    return cases


def _one_se_cases():
    rng = np.random.default_rng(111)
    cases = [
        # best is index 1; its SE (0.5) makes index 2 eligible but not index 3, whose own SE would
        {"mean_errors": [10.4, 10.0, 10.3, 10.9, 13.0], "std_errors": [0.6, 0.5, 0.4, 1.0, 0.7],
         "simplicity": [0.01, 0.1, 1.0, 10.0, 100.0]},
        # exactly on the threshold counts as within
        {"mean_errors": [1.0, 1.5, 2.0], "std_errors": [0.5, 0.1, 0.1], "simplicity": [1, 2, 3]},
        # simplicity decreasing with the index (e.g. minus the number of features)
        {"mean_errors": [0.30, 0.25, 0.26, 0.28], "std_errors": [0.01, 0.04, 0.01, 0.01], "simplicity": [4, 3, 2, 1]},
        # zero standard error: the plain argmin
        {"mean_errors": [0.5, 0.2, 0.3], "std_errors": [0.0, 0.0, 0.0], "simplicity": [3, 2, 1]},
        # equally simple candidates: the lower mean error
        {"mean_errors": [0.21, 0.20, 0.205], "std_errors": [0.02, 0.02, 0.02], "simplicity": [1, 2, 2]},
        {"mean_errors": [0.21, 0.205, 0.20], "std_errors": [0.02, 0.02, 0.02], "simplicity": [1, 2, 2]},
        {"mean_errors": [0.4], "std_errors": [0.1], "simplicity": [1.0]},  # one candidate
    ]
    for _ in range(14):
        n = int(rng.integers(2, 10))
        mean = [round(float(v), 3) for v in rng.uniform(0.1, 1.0, n)]
        se = [round(float(v), 3) for v in rng.uniform(0.0, 0.3, n)]
        simple = [float(v) for v in rng.permutation(n)]
        cases.append({"mean_errors": mean, "std_errors": se, "simplicity": simple})
    return cases


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q11.code_best_round": compare_with_reference("best_round", best_round_reference, _best_round_cases(),
                                                  postprocess=_as_pair),
    "q11.code_one_se": compare_with_reference("one_se_choice", one_se_choice_reference, _one_se_cases()),
}
