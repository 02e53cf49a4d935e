"""The leakage demo of lesson 02, asserted over seeds: on random labels, feature selection fitted on
all the data before cross-validation scores far above chance; the same step inside a Pipeline scores
at chance. Chance is exactly 0.5 (balanced labels independent of X)."""

import numpy as np
import pytest
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier

from hpo_mini.evaluation.validation import leakage_demo

SEEDS = range(8)


@pytest.fixture(scope="module")
def selection_runs():
    return np.array([leakage_demo(seed) for seed in SEEDS])  # rows: (leaky, honest)


def test_selection_on_all_data_beats_chance_by_a_wide_margin(selection_runs):
    leaky = selection_runs[:, 0]
    # 8 seeds x 50 samples: the standard error of the mean accuracy at chance is about 0.025.
    assert leaky.mean() > 0.75
    assert leaky.min() > 0.6


def test_selection_inside_the_pipeline_is_at_chance(selection_runs):
    honest = selection_runs[:, 1]
    assert abs(honest.mean() - 0.5) < 0.1


def test_the_leak_is_there_on_every_seed(selection_runs):
    leaky, honest = selection_runs.T
    assert np.all(leaky - honest > 0.15)


def test_more_noise_features_to_choose_from_leak_more():
    # Selecting the best 20 of more candidates finds stronger chance correlations.
    few = np.mean([leakage_demo(seed, n_features=100, k=20)[0] for seed in SEEDS])
    many = np.mean([leakage_demo(seed, n_features=1000, k=20)[0] for seed in SEEDS])
    assert many > few + 0.1


def test_standardizing_on_all_data_leaks_almost_nothing_here():
    # The contrast: a scaler fitted on all rows learns per-feature means and variances, which carry no
    # information about the labels of i.i.d. rows, so both protocols stay at chance.
    runs = np.array([leakage_demo(seed, step="scale") for seed in SEEDS])
    assert np.all(np.abs(runs.mean(axis=0) - 0.5) < 0.1)


def test_leaky_number_is_the_hand_rolled_wrong_protocol():
    seed = 3
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 1000))
    y = rng.permutation(np.arange(50) % 2)
    X_selected = SelectKBest(f_classif, k=20).fit_transform(X, y)  # sees the test folds' labels
    wrong, right = [], []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y):
        model = KNeighborsClassifier(n_neighbors=1)
        wrong.append(model.fit(X_selected[train], y[train]).score(X_selected[test], y[test]))
        selector = SelectKBest(f_classif, k=20).fit(X[train], y[train])  # training fold only
        right.append(model.fit(selector.transform(X[train]), y[train]).score(selector.transform(X[test]), y[test]))
    assert leakage_demo(seed) == pytest.approx((np.mean(wrong), np.mean(right)), abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"step": "impute"}, "step must be one of"),
    ({"k": 0}, "k must be between"),
    ({"n_features": 10, "k": 20}, "k must be between"),
    ({"n_samples": 8}, "n_samples >= 2 \\* n_splits"),
])
def test_bad_arguments_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        leakage_demo(0, **kwargs)
