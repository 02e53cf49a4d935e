"""Grid and random searchers: reproducibility, Sobol / LHS stratification, grid coverage, and parity of
GridSearch with scikit-learn's GridSearchCV on the same folds."""

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import GridSearch, RandomSearch

SPACE = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 12), "kernel": Categorical(["rbf", "poly", "lin"])})
UNIT = Space({f"u{j}": Float(0.0, 1.0) for j in range(4)})


def configs(searcher, n):
    return [searcher.ask().config for _ in range(n)]


def unit_points(searcher, n):
    return searcher.space.to_unit(configs(searcher, n))


# ---------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("qmc", [None, "sobol", "lhs"])
def test_random_search_same_seed_same_sequence_other_seed_other_sequence(qmc):
    a = configs(RandomSearch(SPACE, qmc=qmc, n_points=10, seed=3), 25)
    b = configs(RandomSearch(SPACE, qmc=qmc, n_points=10, seed=3), 25)
    c = configs(RandomSearch(SPACE, qmc=qmc, n_points=10, seed=4), 25)
    assert a == b
    assert a != c
    assert len({tuple(x.values()) for x in a}) == 25  # no repeats (lr is continuous)


@pytest.mark.parametrize("qmc", [None, "sobol", "lhs"])
def test_random_search_without_a_seed_differs_between_runs(qmc):
    assert configs(RandomSearch(SPACE, qmc=qmc), 5) != configs(RandomSearch(SPACE, qmc=qmc), 5)


def test_grid_shuffle_same_seed_same_order_other_seed_other_order():
    a = configs(GridSearch(SPACE, n_per_dim=4, shuffle=True, seed=0), 48)
    b = configs(GridSearch(SPACE, n_per_dim=4, shuffle=True, seed=0), 48)
    c = configs(GridSearch(SPACE, n_per_dim=4, shuffle=True, seed=1), 48)
    plain = configs(GridSearch(SPACE, n_per_dim=4), 48)
    assert a == b and a != c and a != plain
    key = lambda cs: sorted(tuple(x.values()) for x in cs)  # noqa: E731
    assert key(a) == key(c) == key(plain)  # the same points, in another order


def test_random_point_i_does_not_depend_on_the_order_of_asks():
    for qmc in (None, "sobol", "lhs"):
        s = RandomSearch(UNIT, qmc=qmc, n_points=8, seed=9)
        in_order = np.array([s.unit_point(i) for i in range(20)])
        t = RandomSearch(UNIT, qmc=qmc, n_points=8, seed=9)
        shuffled = {i: t.unit_point(i) for i in np.random.default_rng(0).permutation(20)}  # numpy ints, too
        np.testing.assert_array_equal(in_order, [shuffled[i] for i in range(20)])


# ---------------------------------------------------------------- the designs


def test_uniform_points_are_uniform_on_every_axis():
    U = unit_points(RandomSearch(UNIT, seed=0), 4000)
    for j in range(U.shape[1]):
        assert stats.kstest(U[:, j], "uniform").pvalue > 1e-3


def test_sobol_points_are_balanced_for_a_power_of_two():
    U = unit_points(RandomSearch(UNIT, qmc="sobol", seed=0), 64)
    for j in range(U.shape[1]):
        assert np.sum(U[:, j] < 0.5) == 32  # each half of each axis holds half the points
        assert np.all(np.bincount((U[:, j] * 64).astype(int), minlength=64) == 1)  # and each 1/64 slice one
    # each quarter of each pair of axes holds a quarter of them (a (t, m, s)-net property)
    for j in range(U.shape[1]):
        for k in range(j + 1, U.shape[1]):
            cells = (U[:, j] >= 0.5).astype(int) * 2 + (U[:, k] >= 0.5)
            assert np.all(np.bincount(cells, minlength=4) == 16)


def test_sobol_beats_uniform_on_discrepancy():
    sobol = unit_points(RandomSearch(UNIT, qmc="sobol", seed=0), 64)
    uniform = unit_points(RandomSearch(UNIT, seed=0), 64)
    from scipy.stats import qmc

    assert qmc.discrepancy(sobol) < qmc.discrepancy(uniform) / 2


@pytest.mark.parametrize("n_points", [5, 16])
def test_lhs_puts_one_point_in_each_slice_of_every_axis(n_points):
    searcher = RandomSearch(UNIT, qmc="lhs", n_points=n_points, seed=2)
    U = unit_points(searcher, 3 * n_points)
    for block in range(3):
        design = U[block * n_points:(block + 1) * n_points]
        for j in range(U.shape[1]):
            counts = np.bincount(np.minimum((design[:, j] * n_points).astype(int), n_points - 1), minlength=n_points)
            assert np.all(counts == 1), (block, j, counts)
    assert not np.array_equal(U[:n_points], U[n_points:2 * n_points])  # each block is a new design


def test_random_search_rejects_bad_settings():
    with pytest.raises(ValueError, match="qmc must be None .*'halton'"):
        RandomSearch(SPACE, qmc="halton")
    with pytest.raises(ValueError, match="n_points .* must be >= 1"):
        RandomSearch(SPACE, qmc="lhs", n_points=0)


# ---------------------------------------------------------------- grid search


def test_grid_search_enumerates_exactly_the_product_grid_and_stops():
    grid = GridSearch(SPACE, n_per_dim={"lr": 4, "depth": 3})
    assert len(grid) == 4 * 3 * 3
    study = optimize(lambda c: c["lr"] * c["depth"], grid, n_trials=None, progress=False)
    assert grid.is_finished()
    assert len(study.trials) == 36
    tried = [tuple(t.config.values()) for t in study.trials]
    expected = [tuple(p.values()) for p in SPACE.grid({"lr": 4, "depth": 3})]
    assert tried == expected and len(set(tried)) == 36
    assert sorted({t.config["lr"] for t in study.trials}) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1], rel=1e-12)
    assert grid.ask() is None


def test_grid_search_with_more_trials_than_points_stops_at_the_grid_size():
    study = optimize(lambda c: 0.0, GridSearch(SPACE, n_per_dim=2), n_trials=100, progress=False)
    assert len(study.trials) == 2 * 2 * 3


def test_grid_given_as_dict_or_as_list():
    by_dict = GridSearch(SPACE, grid={"kernel": ["rbf"], "lr": [0.01, 0.001], "depth": [2, 4, 8]})
    # the product runs in the space's order, whatever the dict's order
    assert by_dict.points[:3] == [
        {"lr": 0.01, "depth": 2, "kernel": "rbf"},
        {"lr": 0.01, "depth": 4, "kernel": "rbf"},
        {"lr": 0.01, "depth": 8, "kernel": "rbf"},
    ]
    assert len(by_dict) == 6
    listed = [{"lr": 0.05, "depth": 3, "kernel": "lin"}, {"lr": 0.002, "depth": 11, "kernel": "poly"}]
    assert GridSearch(SPACE, grid=listed).points == listed


def test_grid_errors_name_the_problem():
    with pytest.raises(ValueError, match="must be exactly the space's dimensions"):
        GridSearch(SPACE, grid={"lr": [0.01]})
    with pytest.raises(ValueError, match=r"config\['depth'\] = 40 is out of range"):
        GridSearch(SPACE, grid={"lr": [0.01], "depth": [40], "kernel": ["rbf"]})
    with pytest.raises(ValueError, match="the grid is empty"):
        GridSearch(SPACE, grid={"lr": [], "depth": [2], "kernel": ["rbf"]})


# ---------------------------------------------------------------- parity with scikit-learn


def test_grid_search_matches_sklearn_grid_search_cv():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
    from sklearn.svm import SVC

    X, y = load_digits(return_X_y=True)
    X, y = X[:360] / 16.0, y[:360]
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)
    param_grid = {"C": [0.1, 1.0, 10.0], "gamma": [0.003, 0.03, 0.3], "kernel": ["rbf", "sigmoid"]}

    reference = GridSearchCV(SVC(), param_grid, cv=folds).fit(X, y)

    space = Space({"C": Float(0.01, 100.0, log=True), "gamma": Float(1e-4, 1.0, log=True),
                   "kernel": Categorical(["rbf", "sigmoid"])})

    def mean_cv_accuracy(config):
        return cross_val_score(SVC(**config), X, y, cv=folds).mean()

    study = optimize(mean_cv_accuracy, GridSearch(space, grid=param_grid), direction="maximize", progress=False)

    assert len(study.trials) == len(reference.cv_results_["params"]) == 18
    ours = {tuple(sorted(t.config.items())): t.value for t in study.trials}
    for params, score in zip(reference.cv_results_["params"], reference.cv_results_["mean_test_score"]):
        assert ours[tuple(sorted(params.items()))] == pytest.approx(score, abs=1e-12)
    assert study.best_config == reference.best_params_
    assert study.best_value == pytest.approx(reference.best_score_, abs=1e-12)
    assert len(set(ours.values())) > 3  # the grid points really differ, so the match is not vacuous
