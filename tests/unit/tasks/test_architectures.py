"""The architecture task: its gradient equals mlp.py's on the networks both can build and finite differences
on the others (tanh, sigmoid, skips, unequal widths), the conditional space counts and canonicalizes
its networks, parameters are counted, and training ranks architectures sensibly."""

import itertools

import numpy as np
import pytest

from hpo_mini.space import config_key
from hpo_mini.tasks import mlp
from hpo_mini.tasks.architectures import (ArchitectureTask, active_dimensions, all_architectures, architecture_space,
                                          canonical, init_network, n_parameters, network_loss_and_grad)

X, Y = mlp.load_data()["train"]
X, Y = X[:40], Y[:40]


def arch(depth, widths, activation="relu", skip=False):
    widths = list(widths) + [8] * (3 - len(widths))
    return {"depth": depth, "width_1": widths[0], "width_2": widths[1], "width_3": widths[2],
            "activation": activation, "skip": skip}


@pytest.mark.parametrize("depth", [1, 2])
def test_relu_networks_without_skips_match_the_mlp_module(depth):
    config = arch(depth, [16] * depth)
    params = init_network(config, np.random.default_rng(0))
    as_mlp = {f"W{k}": params[f"W{k}"] for k in range(1, depth + 1)} | {f"b{k}": params[f"b{k}"] for k in range(1, depth + 1)}
    as_mlp |= {f"W{depth + 1}": params["W_out"], f"b{depth + 1}": params["b_out"]}
    loss, grads = network_loss_and_grad(params, config, X, Y)
    loss_ref, grads_ref = mlp.loss_and_grad(as_mlp, X, Y)
    assert loss == pytest.approx(loss_ref, rel=1e-12)
    for k in range(1, depth + 1):
        np.testing.assert_allclose(grads[f"W{k}"], grads_ref[f"W{k}"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads["W_out"], grads_ref[f"W{depth + 1}"], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("activation,skip", list(itertools.product(["relu", "tanh", "sigmoid"], [False, True])))
def test_gradient_equals_finite_differences(activation, skip):
    config = arch(3, [16, 8, 12], activation, skip)  # unequal widths: the skips add the first min(width) units
    rng = np.random.default_rng(1)
    params = init_network(config, rng)
    for p in params.values():
        p += 0.1 * rng.standard_normal(p.shape)  # biases away from 0: relu kinks are not hit
    _, grads = network_loss_and_grad(params, config, X, Y)
    eps = 1e-6
    for name, p in params.items():
        for index in [tuple(rng.integers(0, s) for s in p.shape) for _ in range(4)]:
            old = p[index]
            p[index] = old + eps
            up = network_loss_and_grad(params, config, X, Y)[0]
            p[index] = old - eps
            down = network_loss_and_grad(params, config, X, Y)[0]
            p[index] = old
            assert grads[name][index] == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-8), (name, index)


def test_the_space_has_the_closed_form_number_of_distinct_networks():
    networks = all_architectures()
    # depth d: 4^d width tuples x 3 activations x (2 skip settings when d >= 2)
    assert len(networks) == 4 * 3 + 16 * 3 * 2 + 64 * 3 * 2 == 492
    assert len({config_key(c) for c in networks}) == 492
    space = architecture_space()
    for c in networks:
        space.validate(c)
        assert canonical(c) == c


def test_inactive_dimensions_change_nothing_and_cost_no_training():
    task = ArchitectureTask(seed=0)
    a = arch(2, [32, 16], "tanh", True)
    b = {**a, "width_3": 64}  # width_3 is inactive at depth 2
    assert active_dimensions(a) == ["depth", "width_1", "width_2", "activation", "skip"]
    assert task(a) == task(b) and task.evaluations_ == 1
    one_layer = arch(1, [32])
    assert task(one_layer) == task({**one_layer, "skip": True}) and task.evaluations_ == 2


def test_parameter_count_equals_the_arrays_of_the_network():
    for c in all_architectures()[::37]:
        params = init_network(c, np.random.default_rng(0))
        assert n_parameters(c) == sum(p.size for p in params.values())


def test_training_ranks_a_wide_relu_network_above_a_narrow_sigmoid_one_and_repeats_exactly():
    task = ArchitectureTask(seed=0)
    good, bad = arch(2, [64, 64], "relu"), arch(3, [8, 8, 8], "sigmoid")
    assert task(good) < 0.1 < task(bad)
    assert ArchitectureTask(seed=0)(good) == task(good)
