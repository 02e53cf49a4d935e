"""hpo_mini.validation against independent references: scikit-learn loops written by hand, closed
forms (order statistics, family-wise error) and coverage simulations."""

import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, check_scoring
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from hpo_mini import Float, optimize
from hpo_mini.searchers import GridSearch, RandomSearch
from hpo_mini.evaluation.validation import (
    bootstrap_interval,
    cross_val_objective,
    expected_max_normal,
    family_wise_error_rate,
    holm_bonferroni,
    nested_cv,
    paired_comparison,
    t_interval,
    validation_overfitting,
)


def test_cross_val_objective_equals_cross_val_score_and_keeps_fold_scores(iris):
    X, y = iris
    cv = StratifiedKFold(5, shuffle=True, random_state=1)
    objective = cross_val_objective(LogisticRegression(max_iter=500), X, y, cv=cv)
    study = optimize(objective, GridSearch({"C": Float(0.01, 10, log=True)}, n_per_dim=4),
                     direction="maximize", progress=False)
    for trial in study.trials:
        reference = cross_val_score(LogisticRegression(max_iter=500, C=trial.config["C"]), X, y, cv=cv)
        np.testing.assert_allclose(trial.user_attrs["fold_scores"], reference, atol=1e-12)
        assert trial.value == pytest.approx(reference.mean(), abs=1e-12)
        assert trial.user_attrs["std"] == pytest.approx(reference.std(), abs=1e-12)


def test_cross_val_objective_uses_the_same_folds_for_every_config(iris):
    X, y = iris
    objective = cross_val_objective(LogisticRegression(max_iter=500), X, y, cv=KFold(4, shuffle=True))
    first = [test.tolist() for _, test in objective.splits]
    objective({"C": 1.0})
    assert [test.tolist() for _, test in objective.splits] == first


def test_a_config_the_estimator_rejects_becomes_a_failed_trial(iris):
    X, y = iris
    objective = cross_val_objective(LogisticRegression(max_iter=500), X, y, cv=3)
    study = optimize(objective, GridSearch({"C": Float(-1.0, 1.0)}, n_per_dim=2), direction="maximize",
                     progress=False)
    states = {t.config["C"]: t.state for t in study.trials}
    assert states == {-1.0: "failed", 1.0: "complete"}


def test_nested_cv_matches_a_hand_rolled_loop():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:200], y[:200]
    estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    space = {"logisticregression__C": Float(1e-3, 1e2, log=True)}
    result = nested_cv(estimator, space, lambda s: GridSearch(s, n_per_dim=4), X, y, outer=3, inner=3)

    # The same thing with scikit-learn calls only.
    scorer = check_scoring(estimator)
    grid = np.geomspace(1e-3, 1e2, 4)
    expected_scores, expected_configs = [], []
    for train, test in StratifiedKFold(3).split(X, y):
        inner = [cross_val_score(clone(estimator).set_params(logisticregression__C=c), X[train], y[train],
                                 cv=StratifiedKFold(3)).mean() for c in grid]
        best = grid[int(np.argmax(inner))]
        model = clone(estimator).set_params(logisticregression__C=best).fit(X[train], y[train])
        expected_scores.append(scorer(model, X[test], y[test]))
        expected_configs.append(best)
    np.testing.assert_allclose(result.outer_scores, expected_scores, atol=1e-12)
    np.testing.assert_allclose([c["logisticregression__C"] for c in result.configs], expected_configs)
    assert result.estimate == pytest.approx(np.mean(expected_scores))
    assert result.ci[0] < result.estimate < result.ci[1]


def test_t_interval_matches_scipy_and_covers_at_the_nominal_rate():
    from scipy import stats

    scores = np.array([0.81, 0.84, 0.79, 0.86, 0.83])
    mean, lo, hi = t_interval(scores, 0.9)
    ref = stats.t.interval(0.9, df=4, loc=scores.mean(), scale=stats.sem(scores))
    assert (lo, hi) == pytest.approx(ref)
    rng = np.random.default_rng(0)
    covered = [lo <= 0.8 <= hi for lo, hi in (t_interval(rng.normal(0.8, 0.02, 6))[1:] for _ in range(4000))]
    assert np.mean(covered) == pytest.approx(0.95, abs=0.012)  # 3.5 binomial standard errors


def test_bootstrap_interval_covers_the_true_accuracy_at_about_the_nominal_rate():
    rng = np.random.default_rng(1)
    def accuracy(t, p):  # the metric itself is not under test here; a fast one keeps the test quick
        return np.mean(t == p)

    y_true = np.zeros(200, dtype=int)
    assert bootstrap_interval(y_true, y_true, accuracy_score, n_boot=20)[0] == 1.0
    covered = []
    for _ in range(400):
        y_pred = (rng.random(200) > 0.85).astype(int)  # true accuracy 0.85
        _, lo, hi = bootstrap_interval(y_true, y_pred, accuracy, n_boot=400, seed=int(rng.integers(1e9)))
        covered.append(lo <= 0.85 <= hi)
    assert 0.90 <= np.mean(covered) <= 0.98  # percentile bootstrap runs a little under nominal


def test_paired_comparison_agrees_with_scipy_and_the_nadeau_bengio_correction_widens_it():
    from scipy import stats

    a = np.array([0.90, 0.92, 0.88, 0.91, 0.93, 0.89])
    b = np.array([0.88, 0.90, 0.88, 0.89, 0.90, 0.88])
    plain = paired_comparison(a, b)
    assert plain.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert plain.mean_difference == pytest.approx(np.mean(a - b))
    assert plain.wins == 5 and plain.n == 6
    corrected = paired_comparison(a, b, test_train_ratio=1 / 5)
    assert corrected.p_value > plain.p_value
    assert corrected.ci[1] - corrected.ci[0] > plain.ci[1] - plain.ci[0]


def test_optimism_of_identical_configs_matches_the_expected_maximum_of_normals():
    # With no real differences and Gaussian noise, the winner's optimism is noise * E[max of n N(0,1)].
    curve = validation_overfitting([1, 10, 100], noise=0.01, true_spread=0.0, n_repeats=4000, seed=3)
    for n, optimism, se in zip(curve.n_configs, curve.optimism, curve.optimism_se):
        assert optimism == pytest.approx(0.01 * expected_max_normal(n), abs=4 * se + 1e-12)
    assert np.all(np.diff(curve.optimism) > 0)


def test_expected_max_normal_known_values():
    assert expected_max_normal(1) == pytest.approx(0.0, abs=1e-9)
    assert expected_max_normal(2) == pytest.approx(1 / math.sqrt(math.pi))  # closed form for n = 2
    assert expected_max_normal(3) == pytest.approx(1.5 / math.sqrt(math.pi))


def test_multiple_comparisons():
    assert family_wise_error_rate(1) == pytest.approx(0.05)
    assert family_wise_error_rate(20) == pytest.approx(1 - 0.95**20)
    # Holm: sorted p = 0.01 <= 0.05/4, 0.012 <= 0.05/3, 0.03 > 0.05/2 -> stop.
    assert holm_bonferroni([0.03, 0.01, 0.2, 0.012]).tolist() == [False, True, False, True]
    assert holm_bonferroni([0.02, 0.03]).all()  # 0.02 <= 0.05/2, then 0.03 <= 0.05/1
    assert not holm_bonferroni([0.03, 0.04]).any()  # 0.03 > 0.05/2: stop at once


def test_bad_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="at least 2"):
        t_interval([0.5])
    with pytest.raises(ValueError, match="equal length"):
        paired_comparison([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="n_configs"):
        validation_overfitting([0])
    with pytest.raises(ValueError, match="entries"):
        bootstrap_interval([0, 1], [0], accuracy_score)


def test_random_search_through_cross_val_objective_is_reproducible(iris):
    X, y = iris
    objective = cross_val_objective(LogisticRegression(max_iter=500), X, y, cv=3)
    space = {"C": Float(1e-3, 1e2, log=True)}
    runs = [optimize(objective, RandomSearch(space, seed=5), n_trials=4, direction="maximize", progress=False)
            for _ in range(2)]
    assert [t.config for t in runs[0].trials] == [t.config for t in runs[1].trials]
    assert [t.value for t in runs[0].trials] == [t.value for t in runs[1].trials]
