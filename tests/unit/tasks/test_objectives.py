"""Objectives: stated minima hold at the stated minimizers, nothing in the box goes below them,
and the scikit-learn tasks return deterministic errors in [0, 1]."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from hpo_mini import Space
from hpo_mini.tasks.sklearn_tasks import SKLEARN_TASKS, sklearn_task
from hpo_mini.tasks.test_functions import ackley, branin, hartmann6, levy, low_effective_dimension, rosenbrock

FUNCTIONS = [
    branin(),
    hartmann6(),
    rosenbrock(2),
    rosenbrock(4),
    ackley(2),
    ackley(5),
    levy(2),
    levy(4),
    low_effective_dimension(5, 1),
    low_effective_dimension(5, 3),
    low_effective_dimension(8, 5),
]


def as_config(x):
    return {f"x{i}": float(v) for i, v in enumerate(x)}


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_value_at_argmin_is_the_stated_minimum(f):
    assert f.space.validate(as_config(f.argmin))  # the minimizer lies in the box
    assert f(as_config(f.argmin)) == pytest.approx(f.minimum, abs=1e-5)
    assert f.regret(f(as_config(f.argmin))) == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_random_points_and_local_searches_never_go_below_the_minimum(f):
    rng = np.random.default_rng(0)
    configs = f.space.sample(rng, 1000)
    values = np.array([f(c) for c in configs])
    assert np.all(values >= f.minimum - 1e-9)
    assert np.all(np.isfinite(values))
    # a few local searches from the best random points, confined to the box, also stay above it
    bounds = f.bounds
    for c in [configs[i] for i in np.argsort(values)[:2]]:
        x0 = np.array(list(c.values()))
        result = minimize(lambda x: f(as_config(x)), x0, method="L-BFGS-B", bounds=bounds)
        assert result.fun >= f.minimum - 1e-6


def test_branin_has_three_global_minima():
    f = branin()
    minima = [(-math.pi, 12.275), (math.pi, 2.275), (9.42478, 2.475)]
    for x in minima:
        assert f(as_config(x)) == pytest.approx(0.397887, abs=1e-5)
    # and they are distinct local minima: moving away from each goes up
    for x in minima:
        for dx, dy in [(0.1, 0), (-0.1, 0), (0, 0.1), (0, -0.1)]:
            assert f(as_config((x[0] + dx, x[1] + dy))) > f.minimum


def test_spaces_follow_the_stated_boxes():
    assert branin().bounds == [(-5.0, 10.0), (0.0, 15.0)]
    assert hartmann6().bounds == [(0.0, 1.0)] * 6
    assert ackley(3).bounds == [(-32.768, 32.768)] * 3
    assert isinstance(levy(3).space, Space) and levy(3).dim == 3


def test_low_effective_dimension_depends_mostly_on_the_important_inputs():
    f = low_effective_dimension(d=6, n_important=2, weight=0.02)
    base = as_config(f.argmin)
    # moving an unimportant input across its whole range changes f by at most weight * 0.25
    for j in range(2, 6):
        for v in (0.0, 1.0):
            assert f({**base, f"x{j}": v}) - f.minimum <= 0.02 * 0.25 + 1e-12
    # moving an important input off its dip costs almost a whole unit
    assert f({**base, "x0": f.argmin[0] + 0.3}) > 0.99
    with pytest.raises(ValueError, match="n_important must be in"):
        low_effective_dimension(d=3, n_important=4)


@pytest.mark.parametrize("name", sorted(SKLEARN_TASKS))
def test_sklearn_tasks_return_a_deterministic_error_in_unit_interval(name):
    task = sklearn_task(name, seed=0)
    config = {**task.space.sample(np.random.default_rng(1), 1)[0]}
    if "n_estimators" in config:
        config["n_estimators"] = 10  # keep the forest small: this test is about the contract, not the model
    first, second = task(config), task(config)
    assert isinstance(first, float)
    assert 0.0 <= first <= 1.0
    assert first == second
    assert sklearn_task(name, seed=0)(config) == first  # a fresh task object gives the same number


def test_sklearn_task_error_depends_on_the_config():
    task = sklearn_task("logreg_wine")
    weak, fine = task({"C": 1e-4}), task({"C": 1.0})
    assert fine < weak  # heavy regularization underfits wine
    assert fine < 0.1


def test_unknown_sklearn_task_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown task 'mnist'.*svm_digits"):
        sklearn_task("mnist")
