"""The one-standard-error rule, early stopping's round, the elbow and the gap statistic."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from hpo_mini.evaluation.model_selection import (cv_mean_se, early_stopping_round, elbow_point, gap_statistic,
                                                 one_standard_error_rule, within_dispersion)


def test_cv_mean_se_matches_the_formula():
    E = np.array([[0.2, 0.3, 0.25, 0.35], [0.1, 0.1, 0.1, 0.1]])
    mean, se = cv_mean_se(E)
    assert np.allclose(mean, [0.275, 0.1])
    assert np.isclose(se[0], np.std(E[0], ddof=1) / 2) and se[1] == 0
    with pytest.raises(ValueError, match="at least 2 folds"):
        cv_mean_se([[0.1], [0.2]])


def test_one_se_rule_picks_the_simplest_within_one_se_of_the_best():
    mean = [0.30, 0.25, 0.26, 0.28, 0.35]
    se = [0.01, 0.02, 0.01, 0.01, 0.02]
    # best is index 1 (0.25 +- 0.02 -> threshold 0.27): eligible 1, 2; the simplest of them is 2
    assert one_standard_error_rule(mean, se, simplicity=[1, 2, 3, 4, 5]) == 2
    # simplicity reversed: index 1 itself is the simplest eligible
    assert one_standard_error_rule(mean, se, simplicity=[5, 4, 3, 2, 1]) == 1
    # zero SE: the rule is plain argmin
    assert one_standard_error_rule(mean, [0] * 5, simplicity=[1, 2, 3, 4, 5]) == 1
    # the SE used is the best's, not each candidate's: index 3's own wide SE does not make it eligible
    assert one_standard_error_rule([0.2, 0.25], [0.01, 0.1], simplicity=[0, 1]) == 0
    # equal simplicity: the lower mean wins
    assert one_standard_error_rule([0.21, 0.2, 0.205], [0.02, 0.02, 0.02], simplicity=[1, 2, 2]) == 1


def test_one_se_rule_against_a_brute_force_reading_of_the_definition():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 9))
        mean, se, simple = rng.random(n), rng.random(n) * 0.3, rng.permutation(n).astype(float)
        best = int(np.argmin(mean))
        eligible = [i for i in range(n) if mean[i] <= mean[best] + se[best]]
        assert one_standard_error_rule(mean, se, simple) == max(eligible, key=lambda i: simple[i])


def test_one_se_rule_errors():
    with pytest.raises(ValueError, match="one entry per candidate"):
        one_standard_error_rule([0.1, 0.2], [0.01], [1, 2])
    with pytest.raises(ValueError, match="must be >= 0"):
        one_standard_error_rule([0.1, 0.2], [0.01, -1], [1, 2])


def test_early_stopping_round():
    losses = [5, 4, 3, 3.5, 3.2, 3.1, 3.0, 2.9]
    assert early_stopping_round(losses, patience=3) == (3, 6)  # best at round 3, three rounds without a better one
    assert early_stopping_round(losses, patience=5) == (8, 8)  # never stopped: the losses ran out
    assert early_stopping_round([1, 1, 1, 1], patience=2) == (1, 3)  # ties do not count as improvements
    assert early_stopping_round([3.0], patience=1) == (1, 1)
    with pytest.raises(ValueError, match="patience must be a whole number >= 1"):
        early_stopping_round(losses, patience=0)
    with pytest.raises(ValueError, match="val_losses must be finite"):
        early_stopping_round([1.0, float("nan")], patience=2)


def test_elbow_point_on_a_sharp_bend():
    ks = np.arange(1, 9)
    inertias = np.where(ks <= 3, 1000 - 300 * (ks - 1), 400 - 10 * (ks - 3))
    assert elbow_point(ks, inertias) == 3


def test_within_dispersion_equals_half_the_mean_pairwise_sum():
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(30, 2)), rng.integers(0, 3, 30)
    by_pairs = 0.0
    for c in np.unique(labels):
        P = X[labels == c]
        by_pairs += ((P[:, None, :] - P[None, :, :]) ** 2).sum() / (2 * len(P))
    assert np.isclose(within_dispersion(X, labels), by_pairs)


def test_gap_statistic_finds_separated_clusters():
    X, _ = make_blobs(200, centers=4, cluster_std=0.6, random_state=3)
    result = gap_statistic(X, ks=range(1, 7), n_refs=5, seed=0)
    assert result["k"] == 4
    assert result["gap"].shape == result["s"].shape == (6,)
    noise = np.random.default_rng(0).uniform(size=(200, 2))  # no clusters at all: k = 1
    assert gap_statistic(noise, ks=range(1, 5), n_refs=5, seed=0)["k"] == 1
    with pytest.raises(ValueError, match="ks must be increasing"):
        gap_statistic(X, ks=[3, 2])
