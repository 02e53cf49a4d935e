"""Grid and random searchers: reproducibility, Sobol / LHS stratification, grid coverage, and parity of
GridSearch with scikit-learn's GridSearchCV on the same folds."""

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import (ASHA, TPE, BayesianOptimization, GeneticAlgorithm, GridSearch, Hyperband,
                                MedianPruner, RandomSearch, SuccessiveHalving)
from hpo_mini.searchers.base import SAME_POINT
from hpo_mini.space import config_key

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
    with pytest.raises(ValueError, match=r"n_points \(the size of one Latin-hypercube design\) must be an integer >= 1"):
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
    ours = {config_key(t.config): t.value for t in study.trials}
    for params, score in zip(reference.cv_results_["params"], reference.cv_results_["mean_test_score"]):
        assert ours[config_key(params)] == pytest.approx(score, abs=1e-12)
    assert study.best_config == reference.best_params_
    assert study.best_value == pytest.approx(reference.best_score_, abs=1e-12)
    assert len(set(ours.values())) > 3  # the grid points really differ, so the match is not vacuous


# ---------------------------------------------------------------- one rule for "is this point new?"


@pytest.mark.parametrize("searcher_class", [BayesianOptimization, TPE])
def test_bo_and_tpe_share_one_rule_for_a_repeated_point(searcher_class):
    searcher = searcher_class(UNIT, seed=0)
    told, failed = searcher.ask(), searcher.ask()
    pending = searcher.ask()
    searcher.tell(told, 1.0)
    searcher.tell(failed, None)
    points = {t.id: UNIT.to_unit(t.config)[0] for t in (told, failed, pending)}
    for x in points.values():
        assert not searcher.is_new(x)
        # within SAME_POINT in every coordinate is the same config: here 1e-6 apart in Euclidean norm
        # (sqrt(4) * 0.5e-6), which the old BO rule called new and the old TPE rule (1e-9) too
        assert not searcher.is_new(np.clip(x + 0.5 * SAME_POINT, 0, 1))
        assert searcher.is_new(np.clip(x + 3 * SAME_POINT * np.eye(4)[0] * np.sign(0.5 - x[0]), 0, 1))
    fresh = np.full(4, 0.123456)
    assert searcher.first_new([points[told.id], points[pending.id], fresh]) is fresh
    # nothing new: a known point that did not fail beats a failed one
    assert searcher.first_new([points[failed.id], points[told.id]]) is points[told.id]
    assert searcher.first_new([points[failed.id]]) is points[failed.id]  # nothing else left


# ---------------------------------------------------------------- the direction and the settings


def test_set_direction_validates_and_defaults_to_minimize():
    searcher = RandomSearch(SPACE, seed=0)
    assert searcher.direction == "minimize"
    searcher.set_direction("maximize")
    assert searcher.direction == "maximize"
    with pytest.raises(ValueError, match="direction must be 'minimize' or 'maximize', but got 'max'"):
        searcher.set_direction("max")


MF = {"min_budget": 1, "max_budget": 9}
BAD_COUNTS = [  # (searcher, its other arguments, the count, bad values): a wrong kind or a wrong value
    (GridSearch, {}, "n_per_dim", [0, 2.5, "3"]),
    (RandomSearch, {"qmc": "lhs"}, "n_points", [0, 4.0, "8"]),
    (BayesianOptimization, {}, "n_startup", [0, 2.5, "8"]),
    (TPE, {}, "n_candidates", [0, 24.0, None]),
    (SuccessiveHalving, MF, "n_configs", [0, 9.0, "9"]),
    (Hyperband, MF, "n_iterations", [0, 1.0, "1"]),
    (MedianPruner, {}, "n_startup", [0, 5.0, "5"]),
    (MedianPruner, {}, "n_warmup_steps", [-1, 0.5]),
    (GeneticAlgorithm, {}, "population", [0, 10.0, "10"]),
]


@pytest.mark.parametrize("cls, kwargs, name, values", BAD_COUNTS, ids=[f"{c.__name__}.{n}" for c, _, n, _ in BAD_COUNTS])
def test_a_bad_count_raises_value_error_in_every_searcher(cls, kwargs, name, values):
    for value in values:
        with pytest.raises(ValueError, match=rf"must be an integer >= \d, but got {value!r}"):
            cls(SPACE, **kwargs, **{name: value})


@pytest.mark.parametrize("cls", [SuccessiveHalving, Hyperband, ASHA])
@pytest.mark.parametrize("bad", [{"min_budget": "1"}, {"max_budget": None}, {"eta": "3"}, {"min_budget": 0},
                                 {"eta": 1}])
def test_a_bad_budget_raises_value_error_in_every_scheduler(cls, bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        cls(SPACE, **{**MF, **bad})


def test_a_base_searcher_without_the_protocol_is_a_type_error():
    with pytest.raises(TypeError, match="base_searcher must be an ask/tell searcher"):
        ASHA(SPACE, **MF, base_searcher=object())


def test_finite_says_which_searchers_stop_by_themselves():
    grid = lambda: GridSearch(SPACE, n_per_dim=2)  # noqa: E731
    stops = {
        "grid": (grid(), True), "random": (RandomSearch(SPACE), False), "tpe": (TPE(SPACE), False),
        "ga": (GeneticAlgorithm(SPACE), False),
        "sh": (SuccessiveHalving(SPACE, min_budget=1, max_budget=9), True),
        "hyperband": (Hyperband(SPACE, min_budget=1, max_budget=9), True),
        "hyperband forever": (Hyperband(SPACE, min_budget=1, max_budget=9, n_iterations=None), False),
        "asha": (ASHA(SPACE, min_budget=1, max_budget=9), False),
        "asha over a grid": (ASHA(SPACE, min_budget=1, max_budget=9, base_searcher=grid()), True),
        "median pruner over a grid": (MedianPruner(SPACE, base_searcher=grid()), True),
    }
    assert {name: searcher.finite for name, (searcher, _) in stops.items()} \
        == {name: expected for name, (_, expected) in stops.items()}
