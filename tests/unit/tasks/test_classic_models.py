"""The lesson-11 benchmark task: its space, fixed folds, determinism, a sensible response, clear errors."""

import numpy as np
import pytest

from hpo_mini.space import Categorical, Float, Int
from hpo_mini.tasks.classic_models import BOOSTING_DATA, MAX_FEATURES, BoostingTask, boosting_space, boosting_task

GOOD = {"learning_rate": 0.1, "max_iter": 64, "max_leaf_nodes": 16, "min_samples_leaf": 4, "max_features": "all"}
BAD = {"learning_rate": 0.001, "max_iter": 8, "max_leaf_nodes": 2, "min_samples_leaf": 64, "max_features": "sqrt"}


@pytest.fixture(scope="module")
def task():
    return boosting_task()


def test_space_is_mixed_with_log_dimensions():
    space = boosting_space()
    kinds = {name: type(dim) for name, dim in space.dimensions.items()}
    assert 4 <= len(space) <= 6
    assert Float in kinds.values() and Int in kinds.values() and Categorical in kinds.values()
    assert space["learning_rate"].log and space["max_iter"].log
    assert set(space["max_features"].choices) == set(MAX_FEATURES)


def test_data_matches_the_stated_settings(task):
    assert task.X.shape == (BOOSTING_DATA["n_samples"], BOOSTING_DATA["n_features"])
    assert set(np.unique(task.y)) == {0, 1}
    assert len(task.folds) == 3
    test_rows = np.concatenate([test for _, test in task.folds])
    assert sorted(test_rows.tolist()) == list(range(len(task.y)))  # each row held out exactly once


def test_folds_are_fixed_and_calls_are_deterministic(task):
    again = boosting_task()
    for (a_train, a_test), (b_train, b_test) in zip(task.folds, again.folds):
        assert np.array_equal(a_test, b_test) and np.array_equal(a_train, b_train)
    assert task(GOOD) == task(GOOD) == again(GOOD)
    other = boosting_task(fold_seed=1)
    assert not np.array_equal(task.folds[0][1], other.folds[0][1])


def test_a_known_good_config_beats_a_known_bad_one(task):
    good, bad = task(GOOD), task(BAD)
    assert good < bad
    assert bad > 0.6  # too few, too small trees at a tiny rate: barely better than log 2 = 0.693
    assert good < 0.55
    assert np.isclose(good, task.fold_values(GOOD).mean())


def test_overconfidence_is_punished_by_log_loss_more_than_by_error():
    """Many big trees at a high rate: accuracy stays near its best, log-loss blows up (the narrow ridge)."""
    over = {**GOOD, "learning_rate": 1.0, "max_iter": 128}
    ll, err = boosting_task(), boosting_task(metric="error")
    assert ll(over) > 2 * ll(GOOD)
    assert err(over) < 2 * err(GOOD)


def test_error_metric_is_a_rate(task):
    err = boosting_task(metric="error")
    values = err.fold_values(GOOD)
    assert np.all((0 <= values) & (values <= 1))
    assert err.name != task.name


@pytest.mark.parametrize("kwargs, words", [
    ({"n_folds": 2}, "n_folds must be a whole number from 3 to 10"),
    ({"n_folds": 3.0}, "but got 3.0"),
    ({"metric": "auc"}, "metric must be one of"),
])
def test_bad_arguments_say_what_is_allowed(kwargs, words):
    with pytest.raises(ValueError, match=words):
        BoostingTask(**kwargs)


def test_bad_configs_name_the_key(task):
    with pytest.raises(ValueError, match="learning_rate"):
        task({**GOOD, "learning_rate": 5.0})
    with pytest.raises(ValueError, match="missing"):
        task({k: v for k, v in GOOD.items() if k != "max_iter"})
    with pytest.raises(ValueError, match="max_features"):
        task({**GOOD, "max_features": "log2"})


def test_staged_values_end_where_a_full_fit_ends(task):
    from sklearn.metrics import log_loss

    from hpo_mini.tasks.classic_models import binary_log_loss

    curves = task.staged_values(GOOD)
    assert curves.shape == (3, GOOD["max_iter"])
    assert np.allclose(curves[:, -1], task.fold_values(GOOD), rtol=1e-10)
    longer = task.staged_values(GOOD, n_rounds=80)
    assert longer.shape == (3, 80) and np.allclose(longer[:, :64], curves, rtol=1e-10)
    y, p = np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 1.0, 0.0])
    assert np.isclose(binary_log_loss(y, p), log_loss(y, p))
    with pytest.raises(ValueError, match="n_rounds must be a whole number"):
        task.staged_values(GOOD, n_rounds=0)
