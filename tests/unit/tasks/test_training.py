"""The from-scratch SGD model: gradients, divergence, determinism, the step seam, early stopping, range test."""

import copy
import warnings

import numpy as np
import pytest

from hpo_mini.study import Trial, TrialPruned
from hpo_mini.tasks.mlp import DIVERGED_LOSS, init_params, load_data, loss_and_grad
from hpo_mini.tasks.training import TrainingObjective, init_state, range_test, schedule_from_config, step, steps_per_epoch, train

FAST = {"epochs": 4}


def test_data_split_shapes_and_is_fixed():
    data = load_data()
    assert [data[s][0].shape for s in ("train", "val", "test")] == [(1000, 64), (400, 64), (397, 64)]
    assert set(np.unique(data["train"][1])) == set(range(10))
    np.testing.assert_allclose(data["train"][0].mean(axis=0), 0, atol=1e-12)  # standardized on train


@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_gradient_matches_central_finite_differences(model):
    rng = np.random.default_rng(1)
    X, y = load_data()["train"]
    X, y = X[:20], y[:20]
    params = init_params(model, hidden=16, rng=rng)
    _, grads = loss_and_grad(params, X, y, weight_decay=0.01)
    h = 1e-6
    for name, value in params.items():
        for index in [tuple(rng.integers(0, s) for s in value.shape) for _ in range(6)]:
            plus, minus = copy.deepcopy(params), copy.deepcopy(params)
            plus[name][index] += h
            minus[name][index] -= h
            numeric = (loss_and_grad(plus, X, y, 0.01)[0] - loss_and_grad(minus, X, y, 0.01)[0]) / (2 * h)
            assert grads[name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (name, index)


@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_tiny_learning_rate_decreases_the_training_loss(model):
    X, y = load_data()["train"]
    config = {"model": model, "lr": 1e-3, "momentum": 0.0, **FAST}
    state = init_state(config, seed=0)
    before = loss_and_grad(state["params"], X, y)[0]
    _, after_state = step(config, state, 2)
    after = loss_and_grad(after_state["params"], X, y)[0]
    assert not after_state["diverged"]
    assert after < before - 0.05  # 64 small steps: slow, but downhill


@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_huge_learning_rate_is_reported_as_divergence_not_a_crash(model):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        result = train({"model": model, "lr": 1e4, **FAST}, seed=0)
    assert result.diverged and result.diverged_step is not None
    bad = result.losses[-1]
    assert not np.isfinite(bad) or bad >= DIVERGED_LOSS
    assert np.all(np.isfinite(result.losses[:-1])) and len(result.losses) == result.diverged_step + 1
    assert result.stopped_epoch < 4
    score, state = step({"model": model, "lr": 1e4, **FAST}, init_state({"model": model}, 0), 2)
    assert score == 1.0 and state["diverged"]


def test_same_seed_same_curve_other_seed_other_curve():
    config = {"model": "mlp", "lr": 0.05, "schedule": "one_cycle", **FAST}
    a, b, c = train(config, seed=3), train(config, seed=3), train(config, seed=4)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.val_accuracy, b.val_accuracy)
    assert not np.array_equal(a.losses, c.losses)


def test_a_good_learning_rate_learns_digits():
    result = train({"model": "mlp", "lr": 0.05, "epochs": 10}, seed=0)
    assert not result.diverged and result.val_accuracy[-1] > 0.93  # chance is 0.10
    assert len(result.losses) == 10 * steps_per_epoch(32) and len(result.val_accuracy) == 10


def test_step_seam_resumes_exactly_and_leaves_its_input_alone():
    config = {"model": "mlp", "lr": 0.05, "schedule": "cosine", "warmup_epochs": 1, "epochs": 5}
    start = init_state(config, seed=2)
    snapshot = copy.deepcopy(start)
    score5, five = step(config, start, 5)
    _, two = step(config, start, 2)
    score_resumed, resumed = step(config, two, 3)
    assert score5 == score_resumed and five["losses"] == resumed["losses"]
    np.testing.assert_array_equal(five["params"]["W1"], resumed["params"]["W1"])
    assert start["epoch"] == 0 and start["losses"] == [] and two["epoch"] == 2
    np.testing.assert_array_equal(start["params"]["W1"], snapshot["params"]["W1"])
    # the same as train(): the seam and the whole run are one computation
    np.testing.assert_array_equal(train(config, seed=2).losses, five["losses"])
    assert score5 == pytest.approx(1 - five["val_accuracy"][-1])


def test_step_follows_a_config_change_mid_run():
    config = {"model": "softmax", "lr": 0.05, **FAST}
    _, state = step(config, init_state(config, 0), 1)
    _, state = step({**config, "lr": 0.001}, state, 1)
    assert state["lrs"][0] == 0.05 and state["lrs"][-1] == 0.001
    with pytest.raises(ValueError, match="needs \\['m', 'v'\\]"):
        step({**config, "optimizer": "adam"}, state, 1)


def test_schedule_from_config_converts_epochs_to_steps():
    k = steps_per_epoch(50)
    assert k == 20
    f = schedule_from_config({"lr": 0.1, "batch_size": 50, "epochs": 10, "schedule": "cosine", "warmup_epochs": 1})
    assert f(0) == 0.0 and f(k) == pytest.approx(0.1) and f(10 * k) == pytest.approx(0.0, abs=1e-12)
    g = schedule_from_config({"lr": 0.1, "batch_size": 50, "schedule": "step", "decay_epochs": 2, "gamma": 0.5})
    assert g(2 * k - 1) == 0.1 and g(2 * k) == 0.05
    h = schedule_from_config({"lr": 0.1, "batch_size": 50, "schedule": "exponential", "decay_rate": 0.5})
    assert h(k) == pytest.approx(0.05)  # decay_rate is per epoch
    assert schedule_from_config({"schedule": abs})(-3) == 3  # any function of the step passes through


@pytest.mark.parametrize("config, fragment", [
    ({"lr": -1}, "config['lr'] must be a number > 0"),
    ({"learning_rate": 0.1}, "unknown config keys ['learning_rate']"),
    ({"momentum": 1.0}, "momentum"),
    ({"optimizer": "adadelta"}, "optimizer"),
    ({"model": "cnn"}, "model must be 'softmax' or 'mlp'"),
    ({"schedule": "linear"}, "schedule must be one of"),
])
def test_bad_config_raises_naming_the_knob(config, fragment):
    with pytest.raises(ValueError) as info:
        train({**config, "epochs": 1})
    assert fragment in str(info.value)


def test_early_stopping_stops_and_restores_the_best_weights():
    # lr large with a constant schedule: the validation loss bottoms out early, then rises (overfitting
    # and noise), so patience 2 stops the run long before 30 epochs.
    config = {"model": "mlp", "lr": 0.1, "epochs": 30, "hidden": 128}
    full = train(config, seed=0)
    stopped = train(config, seed=0, patience=2, restore_best=True)
    assert stopped.stopped_early and stopped.stopped_epoch < 30
    assert stopped.stopped_epoch == stopped.best_epoch + 2
    np.testing.assert_array_equal(stopped.val_loss, full.val_loss[: stopped.stopped_epoch])
    assert stopped.best_epoch == 1 + int(np.argmin(stopped.val_loss))
    assert stopped.restored_best
    assert stopped.accuracy("val") == pytest.approx(stopped.val_accuracy[stopped.best_epoch - 1])
    last = train(config, seed=0, patience=2, restore_best=False)
    assert last.accuracy("val") == pytest.approx(last.val_accuracy[-1])


def test_adam_and_adamw_train_too():
    for optimizer in ("adam", "adamw"):
        result = train({"model": "mlp", "optimizer": optimizer, "lr": 1e-3, "weight_decay": 1e-4, **FAST}, seed=0)
        assert not result.diverged and result.val_accuracy[-1] > 0.9, optimizer


@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_range_test_suggests_a_rate_inside_the_band_where_training_works(model):
    # The band, measured: train 4 epochs at a grid of rates, a quarter decade apart; the band is every
    # rate that does not diverge and ends within 2 points of the best validation accuracy on the grid.
    grid = 10.0 ** np.arange(-3, 1.01, 0.25)
    accuracy = []
    for lr in grid:
        result = train({"model": model, "lr": lr, **FAST}, seed=0)
        accuracy.append(0.0 if result.diverged else result.val_accuracy[-1])
    accuracy = np.array(accuracy)
    works = grid[accuracy >= accuracy.max() - 0.02]
    assert works.min() > 1e-3  # the band is a band: the smallest rates are too slow
    rt = range_test({"model": model}, seed=0, lr_min=1e-4, lr_max=10.0, n_steps=100)
    assert works.min() <= rt.suggestion <= works.max(), (rt.suggestion, works)
    if model == "mlp":  # the MLP diverges at large rates, and the range test sees it
        assert works.max() < 1.0 and rt.lrs[-1] < 10.0


def test_training_objective_is_a_learning_curve_with_checkpoints():
    f = TrainingObjective(seed=1, max_epochs=6)
    config = {"lr": 0.03, "momentum": 0.9, "weight_decay": 1e-4, "batch_size": 64}
    curve = 1 - train({**config, "epochs": 6}, seed=1).val_accuracy
    assert f(config, 2) == pytest.approx(curve[1])
    assert f(config, 5) == pytest.approx(curve[4])  # resumed from the 2-epoch checkpoint
    assert f(config) == pytest.approx(curve[5])  # no budget: max_epochs
    fresh = TrainingObjective(seed=1, max_epochs=6, cache=False)
    assert fresh(config, 5) == pytest.approx(curve[4])
    trial = Trial(id=0, config=config, budget=3)
    assert f(config, 3, trial=trial) == pytest.approx(curve[2])
    assert trial.intermediate == pytest.approx({1: curve[0], 2: curve[1], 3: curve[2]})
    with pytest.raises(ValueError, match="budget must be a number of epochs"):
        f(config, 7)
    assert set(f.space.names) == {"lr", "momentum", "weight_decay", "batch_size"}


def test_training_objective_prunes_when_told_and_scores_divergence_as_1():
    f = TrainingObjective(seed=0, max_epochs=5)
    trial = Trial(id=0, config={"lr": 0.03}, budget=5)
    trial.pruner = lambda t: max(t.intermediate) >= 2
    with pytest.raises(TrialPruned):
        f({"lr": 0.03}, 5, trial=trial)
    assert sorted(trial.intermediate) == [1, 2]
    assert f({"lr": 50.0}, 3) == 1.0


def test_early_stopping_on_validation_accuracy():
    config = {"model": "mlp", "lr": 0.1, "epochs": 30, "hidden": 128}
    full = train(config, seed=0)
    result = train(config, seed=0, patience=3, restore_best=True, monitor="val_accuracy")
    acc = result.val_accuracy
    assert result.best_epoch == 1 + int(np.argmax(acc))  # the first epoch at the maximum
    assert result.stopped_early == (result.stopped_epoch < 30)
    if result.stopped_early:
        assert result.stopped_epoch == result.best_epoch + 3
        assert acc[result.best_epoch:].max() <= acc.max()  # no strict improvement in the patience window
    assert result.accuracy("val") == pytest.approx(acc.max())
    np.testing.assert_array_equal(acc, full.val_accuracy[: result.stopped_epoch])
    with pytest.raises(ValueError, match="monitor must be one of"):
        train(config, monitor="accuracy")


def test_training_objective_runs_under_optimize():
    from hpo_mini import optimize
    from hpo_mini.searchers import RandomSearch

    f = TrainingObjective(seed=0, max_epochs=2)
    study = optimize(f, RandomSearch(f.space, seed=0), n_trials=3, progress=False)
    assert [t.state for t in study.trials] == ["complete"] * 3
    for trial in study.trials:  # the value is the objective's, called directly on a fresh objective
        assert trial.value == TrainingObjective(seed=0, max_epochs=2)(trial.config)
        assert 0.0 <= trial.value <= 1.0


def test_training_objective_is_a_checkpointable_task_for_pbt():
    from hpo_mini.pbt import PBT

    f = TrainingObjective(seed=0, max_epochs=4)
    config = {"lr": 0.05, "momentum": 0.9}
    state = f.initial_state(np.random.default_rng(5))
    score, after = f.step(config, state, 2, rng=None)
    assert after["epoch"] == 2 and state["epoch"] == 0  # the input state is untouched
    same = step({**f.base, **config}, init_state(f.base, np.random.default_rng(5)), 2)
    assert score == same[0] and after["losses"] == same[1]["losses"]
    result = PBT(f.space, population=4, ready_every=1, seed=0).run(f, 3)
    assert result.total_steps == 4 * 3 and result.losses.shape == (3, 4)
    assert np.all((0 <= result.losses) & (result.losses <= 1))  # validation errors
    assert result.best_loss < 0.1  # after 3 epochs and two exploits, a member learned digits
