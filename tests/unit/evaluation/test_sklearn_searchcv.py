"""SearchCV is a real scikit-learn meta-estimator: parity with GridSearchCV, clone, Pipeline,
cross_val_score, and scikit-learn's own estimator checks."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from hpo_mini import Categorical, Float, Int
from hpo_mini.searchers import GridSearch, RandomSearch
from hpo_mini.evaluation.search_cv import SearchCV

GRID = {"C": [0.1, 1.0, 10.0, 100.0], "gamma": [0.001, 0.01, 0.1, 1.0]}


@pytest.mark.parametrize("scoring", [None, "f1_macro", "neg_log_loss"])
def test_grid_searchcv_parity(iris, scoring):
    X, y = iris
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    estimator = SVC(probability=scoring == "neg_log_loss", random_state=0)
    reference = GridSearchCV(estimator, GRID, cv=cv, scoring=scoring).fit(X, y)
    ours = SearchCV(estimator, {k: Categorical(v) for k, v in GRID.items()}, searcher=GridSearch, n_trials=None,
                    cv=cv, scoring=scoring).fit(X, y)
    assert ours.best_params_ == reference.best_params_
    assert ours.best_index_ == reference.best_index_
    assert ours.best_score_ == pytest.approx(reference.best_score_, abs=1e-12)
    assert set(ours.cv_results_) == set(reference.cv_results_)
    for key, value in reference.cv_results_.items():
        assert np.shape(ours.cv_results_[key]) == np.shape(value), key
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"],
                               atol=1e-12)
    np.testing.assert_array_equal(ours.cv_results_["rank_test_score"], reference.cv_results_["rank_test_score"])
    assert ours.cv_results_["params"] == reference.cv_results_["params"]
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    assert ours.score(X, y) == pytest.approx(reference.score(X, y))


def test_clone_pipeline_and_cross_val_score(iris):
    X, y = iris
    search = SearchCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
                      {"logisticregression__C": Float(1e-3, 1e2, log=True)}, n_trials=6, cv=3, seed=0)
    twin = clone(search)
    assert twin.get_params()["n_trials"] == 6 and twin is not search
    scores = cross_val_score(search, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    outer = make_pipeline(StandardScaler(), SearchCV(SVC(), {"C": Float(0.1, 10.0, log=True)}, n_trials=4, cv=3,
                                                     seed=0))
    assert outer.fit(X, y).score(X, y) > 0.9
    search.set_params(n_trials=3)
    assert search.fit(X, y).study_ is not None and len(search.study_.trials) == 3


def test_random_search_is_reproducible_and_runs_under_a_thread_pool(iris):
    X, y = iris
    space = {"C": Float(1e-2, 1e2, log=True), "gamma": Float(1e-4, 1.0, log=True)}
    first = SearchCV(SVC(), space, searcher=RandomSearch, n_trials=8, cv=3, seed=7).fit(X, y)
    with ThreadPoolExecutor(2) as pool:
        second = SearchCV(SVC(), space, searcher=RandomSearch, n_trials=8, cv=3, seed=7, executor=pool).fit(X, y)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    np.testing.assert_allclose(first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"])


def test_bad_spaces_fail_before_any_fitting(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"no parameter\(s\) \['c'\].*valid names"):
        SearchCV(SVC(), {"c": Float(0.1, 1.0)}).fit(X, y)
    with pytest.raises(ValueError, match="C take the value -1.0, which SVC rejects"):
        SearchCV(SVC(), {"C": Float(-1.0, 1.0)}).fit(X, y)
    with pytest.raises(ValueError, match="'linaer'"):
        SearchCV(SVC(), {"kernel": Categorical(["rbf", "linaer"])}).fit(X, y)
    with pytest.raises(ValueError, match="searcher must be"):
        SearchCV(SVC(), {"C": Float(0.1, 1.0)}, searcher="bayes").fit(X, y)


def test_regression_and_delegation():
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    search = SearchCV(Ridge(), {"alpha": Float(1e-3, 1e3, log=True)}, n_trials=10, cv=3, seed=0).fit(X, y)
    assert search.best_params_["alpha"] < 100  # little noise: little regularization wins
    np.testing.assert_allclose(search.predict(X), search.best_estimator_.predict(X))
    assert not hasattr(search, "classes_")


# scikit-learn's estimator checks, run on small searches; none is expected to fail. (Two are skipped by
# scikit-learn itself when pandas or the array API is not installed; pytest -rs prints why.)
EXPECTED_FAILURES = {}


def _instances():
    yield SearchCV(LogisticRegression(max_iter=200), {"C": Float(0.1, 10.0, log=True)}, n_trials=2, cv=2, seed=0)
    yield SearchCV(Ridge(), {"alpha": Float(0.1, 10.0, log=True)}, n_trials=2, cv=2, seed=0)


@parametrize_with_checks(list(_instances()), expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_int_space_values_are_python_ints_in_best_params(iris):
    from sklearn.tree import DecisionTreeClassifier

    X, y = iris
    search = SearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": Int(1, 6)}, n_trials=5, cv=3,
                      seed=0).fit(X, y)
    assert isinstance(search.best_params_["max_depth"], int)


# ---------------------------------------------------------------- failures, as GridSearchCV has them (issue 24)


class Custom(ClassifierMixin, BaseEstimator):
    """A hand-written estimator: BaseEstimator, but no _parameter_constraints. Predicts the majority class
    when c > 0.5, the first class otherwise; fails to fit when c > 0.9 or on a fold named by `fail_on`."""

    def __init__(self, c=1.0, fail_on=-1):
        self.c, self.fail_on = c, fail_on

    def fit(self, X, y):
        if self.c > 0.9 or len(X) == self.fail_on:
            raise ValueError(f"c={self.c} is too large for Custom")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)] if self.c > 0.5 else self.classes_[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


@pytest.fixture(scope="module")
def unbalanced():
    X, y = load_iris(return_X_y=True)
    return X[:130], y[:130]  # 50, 50, 30: class 0 is not the only majority, scores differ by c


def test_a_custom_estimator_without_parameter_constraints_is_searched(unbalanced):
    # it crashed with "'Custom' object has no attribute '_parameter_constraints'" (GridSearchCV works)
    X, y = unbalanced
    search = SearchCV(Custom(), {"c": Float(0.0, 0.9)}, n_trials=6, cv=3, seed=0).fit(X, y)
    reference = GridSearchCV(Custom(), {"c": [t.config["c"] for t in search.study_.trials]}, cv=3).fit(X, y)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"])


def test_when_every_fit_fails_fit_raises_as_grid_search_cv_does(unbalanced):
    # it refitted a NaN "best" configuration instead
    X, y = unbalanced
    with pytest.raises(ValueError, match=r"All the \d+ fits failed") as reference:
        GridSearchCV(Custom(), {"c": [0.95, 0.99]}, cv=3).fit(X, y)
    with pytest.raises(ValueError, match=r"c=0\.9\d* is too large for Custom") as ours:
        SearchCV(Custom(), {"c": Float(0.91, 1.0)}, n_trials=4, cv=3, seed=0).fit(X, y)
    assert "All the 12 fits failed (4 configurations x 3 folds)" in ours.value.__notes__[0]
    assert "error_score='raise'" in ours.value.__notes__[0] and "error_score='raise'" in str(reference.value)


def test_n_trials_zero_is_refused_before_any_fitting(unbalanced):
    # it ended in numpy's "attempt to get argmin of an empty sequence"
    X, y = unbalanced
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match=rf"n_trials .* must be an integer >= 1, but got {bad}"):
            SearchCV(Custom(), {"c": Float(0.0, 0.9)}, n_trials=bad).fit(X, y)


def test_error_score_as_in_grid_search_cv(unbalanced):
    X, y = unbalanced
    n_first_fold_train = len(next(StratifiedKFold(3).split(X, y))[0])
    estimator = Custom(fail_on=n_first_fold_train)  # every configuration fails on the first fold
    grid = {"c": [0.2, 0.7]}
    space = {"c": Categorical(grid["c"])}
    for error_score in (0.0, -1.5):  # a number scores the failed fold: the same table as GridSearchCV's
        with pytest.warns(FitFailedWarning, match="1 fits failed out of a total of 3"):
            ours = SearchCV(estimator, space, searcher=GridSearch, n_trials=None, cv=3,
                            error_score=error_score).fit(X, y)
        with pytest.warns(FitFailedWarning, match="2 fits failed out of a total of 6"):
            reference = GridSearchCV(estimator, grid, cv=3, error_score=error_score).fit(X, y)
        np.testing.assert_allclose(ours.cv_results_["split0_test_score"], [error_score, error_score])
        np.testing.assert_allclose(ours.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"])
        assert ours.best_params_ == reference.best_params_
    with pytest.raises(ValueError, match=r"fitting Custom with \{'c': 0.2\} failed, and error_score='raise' stops the "
                                         r"search there: ValueError: c=0.2 is too large"):
        SearchCV(estimator, space, searcher=GridSearch, n_trials=None, cv=3, error_score="raise").fit(X, y)
    with pytest.raises(ValueError, match=r"error_score must be 'raise' or a number"):
        SearchCV(estimator, space, error_score="ignore").fit(X, y)
    nan_search = SearchCV(estimator, space, searcher=GridSearch, n_trials=None, cv=3)  # nan: the configs fail
    with pytest.raises(ValueError, match=r"No configuration could be scored: 2 of the 6 fits failed(?s:.*)"
                                         r"2 configuration\(s\) failed with:\nValueError: 1 of 3 folds failed"), \
            pytest.warns(FitFailedWarning):
        nan_search.fit(X, y)  # the full-data fit works (no fold): GridSearchCV's message, not the estimator's
