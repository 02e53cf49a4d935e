"""The model features of lesson 10 against independent references: finite differences for the gradients
(any depth, dropout with a fixed mask), gradient accumulation against one large batch, clipping and the
EMA against hand computations and their closed forms, muP's per-layer rates against Table 3 of Yang et
al. (2022), the update rules against their formulas, the lockstep trainer against `train`, and the
arithmetic modules against direct computations."""

import copy

import numpy as np
import pytest

from hpo_mini.tasks.batch_size import fit_critical_batch, gradient_noise_scale, per_example_grads
from hpo_mini.tasks.distributed import goodput, ring_allreduce_seconds, young_interval
from hpo_mini.tasks.finetune import finetune, lora_init, lora_loss_and_grad, lora_merge
from hpo_mini.tasks.lockstep import train_many
from hpo_mini.tasks.memory import bytes_per_param, mlp_param_count
from hpo_mini.tasks.mlp import evaluate, init_params, load_data, loss_and_grad
from hpo_mini.tasks.optimizers import apply_update, init_moments, trust_ratio
from hpo_mini.tasks.plateau import ReduceOnPlateau
from hpo_mini.tasks.precision import lost_update_fraction, to_bfloat16, underflow_fraction
from hpo_mini.tasks.scaling import layer_roles, lr_multipliers
from hpo_mini.tasks.scaling_laws import chinchilla_loss, compute_optimal, tokens_per_param_split
from hpo_mini.tasks.step_tools import accumulated_loss_and_grad, clip_by_global_norm, ema_update, global_norm
from hpo_mini.tasks.training import init_state, step, train

X, Y = load_data()["train"]


def central_differences(loss, params, rng, n=8, h=1e-6):
    """[(name, index, numeric derivative)] for n random coordinates of every array."""
    out = []
    for name, value in params.items():
        for _ in range(n):
            index = tuple(int(rng.integers(s)) for s in value.shape)
            plus, minus = copy.deepcopy(params), copy.deepcopy(params)
            plus[name][index] += h
            minus[name][index] -= h
            out.append((name, index, (loss(plus) - loss(minus)) / (2 * h)))
    return out


# ---- gradients ----------------------------------------------------------------------------------

@pytest.mark.parametrize("depth, dropout", [(1, 0.0), (2, 0.0), (3, 0.0), (2, 0.5)])
def test_deep_mlp_gradient_matches_central_differences(depth, dropout):
    rng = np.random.default_rng(depth)
    params = init_params("mlp", hidden=12, depth=depth, rng=rng)
    for name in params:  # zero biases put units exactly on the ReLU's kink (a row whose inputs are all dropped)
        if name.startswith("b"):
            params[name] = rng.normal(0, 0.1, params[name].shape)
    Xs, ys = X[:24], Y[:24]
    # with dropout the mask is fixed by re-seeding the generator for every evaluation
    loss = lambda p: loss_and_grad(p, Xs, ys, 0.01, dropout, np.random.default_rng(7))[0]
    _, grads = loss_and_grad(params, Xs, ys, 0.01, dropout, np.random.default_rng(7))
    for name, index, numeric in central_differences(loss, params, rng):
        assert grads[name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (name, index)


def test_a_backward_pass_that_forgets_the_dropout_mask_fails_the_check():
    rng = np.random.default_rng(0)
    params = {k: v + rng.normal(0, 0.1, v.shape) * k.startswith("b") for k, v in
              init_params("mlp", hidden=12, depth=2, rng=rng).items()}
    Xs, ys = X[:24], Y[:24]
    loss = lambda p: loss_and_grad(p, Xs, ys, dropout=0.5, rng=np.random.default_rng(7))[0]
    wrong = loss_and_grad(params, Xs, ys)[1]  # the gradient without the mask
    errors = [abs(wrong[n][i] - num) for n, i, num in central_differences(loss, params, rng)]
    assert max(errors) > 1e-3


def test_dropout_zeroes_units_and_keeps_the_mean_and_is_off_at_test_time():
    params = init_params("mlp", hidden=2000, rng=0)
    from hpo_mini.tasks.mlp import forward
    _, (h_plain,), _ = forward(params, X[:50])
    _, (h_drop,), (mask,) = forward(params, X[:50], dropout=0.3, rng=np.random.default_rng(0))
    assert np.mean(mask == 0) == pytest.approx(0.3, abs=0.01)
    assert set(np.unique(mask)) == {0.0, 1 / 0.7}
    assert h_drop.mean() == pytest.approx(h_plain.mean(), rel=0.02)
    assert evaluate(params, X, Y) == evaluate(params, X, Y)  # deterministic: no dropout in evaluation
    with pytest.raises(ValueError, match="pass rng"):
        forward(params, X[:5], dropout=0.5)


def test_a_stack_of_models_gives_each_models_own_loss_and_gradient():
    singles = [init_params("mlp", hidden=8, depth=2, rng=s) for s in range(3)]
    stacked = {k: np.stack([p[k] if p[k].ndim > 1 else p[k][None] for p in singles]) for k in singles[0]}
    rows = np.array([np.arange(10), np.arange(10, 20), np.arange(20, 30)])
    losses, grads = loss_and_grad(stacked, X[rows], Y[rows], weight_decay=0.01)
    for k, p in enumerate(singles):
        loss, g = loss_and_grad(p, X[rows[k]], Y[rows[k]], weight_decay=0.01)
        assert losses[k] == pytest.approx(loss, rel=1e-12)
        for name in p:
            np.testing.assert_allclose(grads[name][k].reshape(p[name].shape), g[name], rtol=1e-12, atol=1e-15)


# ---- gradient accumulation ----------------------------------------------------------------------

@pytest.mark.parametrize("n, k", [(128, 4), (100, 3), (37, 37), (50, 1)])
def test_accumulation_equals_one_large_batch_to_1e12(n, k):
    params = init_params("mlp", hidden=16, depth=2, rng=0)
    loss_big, g_big = loss_and_grad(params, X[:n], Y[:n], weight_decay=0.003)
    loss_acc, g_acc = accumulated_loss_and_grad(params, X[:n], Y[:n], k, weight_decay=0.003)
    assert abs(loss_acc - loss_big) < 1e-12
    for name in params:
        assert np.max(np.abs(g_acc[name] - g_big[name])) < 1e-12


def test_summing_micro_batch_gradients_without_weights_is_not_the_large_batch():
    # the check above can fail: the classic bug (sum the k micro-batch means, do not average) is k times off
    params = init_params("mlp", hidden=16, rng=0)
    _, g_big = loss_and_grad(params, X[:96], Y[:96])
    summed = {n: sum(loss_and_grad(params, X[i:i + 32], Y[i:i + 32])[1][n] for i in (0, 32, 64)) for n in params}
    assert np.max(np.abs(summed["W1"] - g_big["W1"])) > 1e-3
    np.testing.assert_allclose(summed["W1"] / 3, g_big["W1"], atol=1e-12)


def test_training_with_accumulation_is_the_same_run_as_the_large_batch():
    whole = train({"batch_size": 100, "epochs": 2, "weight_decay": 1e-3}, seed=0)
    accumulated = train({"batch_size": 100, "epochs": 2, "weight_decay": 1e-3, "accum_steps": 3}, seed=0)
    assert np.max(np.abs(whole.losses - accumulated.losses)) < 1e-12
    for name in whole.params:
        assert np.max(np.abs(whole.params[name] - accumulated.params[name])) < 1e-12
    with pytest.raises(ValueError, match="accum_steps"):
        train({"batch_size": 4, "accum_steps": 5, "epochs": 1})


# ---- clipping and EMA ---------------------------------------------------------------------------

def test_clip_by_global_norm_against_a_hand_computation():
    grads = {"W": np.array([[3.0, 4.0]]), "b": np.array([12.0])}  # global norm sqrt(9 + 16 + 144) = 13
    assert global_norm(grads) == pytest.approx(13.0)
    clipped, norm = clip_by_global_norm(grads, 6.5)  # scale 6.5 / 13 = 0.5 for every layer
    assert norm == pytest.approx(13.0)
    np.testing.assert_allclose(clipped["W"], [[1.5, 2.0]])
    np.testing.assert_allclose(clipped["b"], [6.0])
    same, _ = clip_by_global_norm(grads, 20.0)  # below the threshold: unchanged
    np.testing.assert_array_equal(same["W"], grads["W"])
    # clipping layer by layer would give W (norm 5) and b (norm 12) different scales: the global clip does not
    assert clipped["W"][0, 0] / grads["W"][0, 0] == clipped["b"][0] / grads["b"][0]
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(grads, 0.0)


def test_clip_by_global_norm_takes_the_norm_per_model_in_a_stack():
    grads = {"W": np.array([[[3.0, 4.0]], [[0.3, 0.4]]]), "b": np.array([[[0.0]], [[0.0]]])}  # norms 5 and 0.5
    clipped, norm = clip_by_global_norm(grads, 1.0)
    np.testing.assert_allclose(norm.ravel(), [5.0, 0.5])
    np.testing.assert_allclose(clipped["W"][0], [[0.6, 0.8]])
    np.testing.assert_allclose(clipped["W"][1], [[0.3, 0.4]])


def test_training_with_clipping_steps_lr_times_the_clipped_norm():
    c = {"lr": 0.3, "momentum": 0.0, "epochs": 1, "batch_size": 32, "clip_norm": 0.5}
    one_batch = {"train": (X[:32], Y[:32]), "val": (X[:32], Y[:32])}  # one step per epoch
    before = init_state(c, seed=0)["params"]
    run = train(c, seed=0, data=one_batch)
    moved = np.sqrt(sum(np.sum((run.params[k] - before[k]) ** 2) for k in before))
    assert run.grad_norms[0] > 0.5  # the clip was active on this step
    assert moved == pytest.approx(0.3 * 0.5, rel=1e-9)
    free = train({**c, "clip_norm": None}, seed=0, data=one_batch)
    moved_free = np.sqrt(sum(np.sum((free.params[k] - before[k]) ** 2) for k in before))
    assert moved_free == pytest.approx(0.3 * free.grad_norms[0], rel=1e-9)


def test_ema_matches_its_closed_form():
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=(3, 2)) for _ in range(30)]
    d = 0.9
    ema = {"w": ws[0].copy()}
    for w in ws[1:]:
        ema_update(ema, {"w": w}, d)
    T = len(ws) - 1
    closed = d**T * ws[0] + (1 - d) * sum(d ** (T - k) * ws[k] for k in range(1, T + 1))
    np.testing.assert_allclose(ema["w"], closed, rtol=1e-12)
    with pytest.raises(ValueError, match="decay"):
        ema_update(ema, {"w": ws[0]}, 1.0)


def test_training_keeps_the_ema_of_its_own_weights():
    result = train({"epochs": 2, "ema_decay": 0.5}, seed=0)
    plain = train({"epochs": 2}, seed=0)
    np.testing.assert_array_equal(result.losses, plain.losses)  # the EMA does not change the run
    assert len(result.ema_val_accuracy) == 2 and result.ema_params is not None
    assert not np.array_equal(result.ema_params["W1"], result.params["W1"])
    assert result.accuracy("val", ema=True) == pytest.approx(result.ema_val_accuracy[-1])


# ---- muP ----------------------------------------------------------------------------------------

TABLE3 = {  # Yang et al. (2022), Table 3: the power of m = width / base_width in each layer's rate
    "sgd": {"input": 1, "hidden": 0, "output": -1, "fixed": 0},
    "adam": {"input": 0, "hidden": -1, "output": -1, "fixed": 0},
}


@pytest.mark.parametrize("optimizer, family",
                         [("sgd", "sgd"), ("adam", "adam"), ("adamw", "adam"), ("rmsprop", "adam")])
@pytest.mark.parametrize("depth", [1, 3])
def test_mup_rates_follow_table_3(optimizer, family, depth):
    width, base = 256, 32
    params = init_params("mlp", hidden=width, depth=depth, rng=0)
    scale = lr_multipliers(params, optimizer, "mup", width, base)
    expected_roles = {"W1": "input", f"W{depth + 1}": "output", f"b{depth + 1}": "fixed",
                      **{f"W{i}": "hidden" for i in range(2, depth + 1)},
                      **{f"b{i}": "input" for i in range(1, depth + 1)}}
    assert layer_roles(params) == expected_roles
    for name, role in expected_roles.items():
        assert scale[name] == pytest.approx(8.0 ** TABLE3[family][role])
    assert set(lr_multipliers(params, optimizer, "sp", width, base).values()) == {1.0}
    assert set(lr_multipliers(params, optimizer, "mup", base, base).values()) == {1.0}  # muP = SP at the base width


def test_mup_divides_the_output_layers_variance_by_the_width_multiplier():
    wide = init_params("mlp", hidden=2048, rng=0, parameterization="mup", base_width=32)
    assert wide["W2"].var() == pytest.approx(1 / 2048 * 32 / 2048, rel=0.05)
    assert wide["W1"].var() == pytest.approx(2 / 64, rel=0.05)
    same = [init_params("mlp", hidden=32, rng=1, parameterization=p, base_width=32) for p in ("sp", "mup")]
    for name in same[0]:
        np.testing.assert_array_equal(same[0][name], same[1][name])
    with pytest.raises(ValueError, match="LARS|muP rates"):
        lr_multipliers(wide, "lars", "mup", 2048, 32)


def test_training_applies_the_mup_rate_of_each_layer():
    c = {"optimizer": "sgd", "momentum": 0.0, "hidden": 128, "parameterization": "mup", "base_width": 32,
         "lr": 0.01, "batch_size": 1000, "epochs": 1}
    state = init_state(c, seed=0)
    _, grads = loss_and_grad(state["params"], X, Y)
    _, after = step(c, state, 1)  # one full-batch step (the permutation does not change a full-batch mean)
    for name, factor in {"W1": 4.0, "b1": 4.0, "W2": 0.25, "b2": 1.0}.items():
        np.testing.assert_allclose(state["params"][name] - after["params"][name], 0.01 * factor * grads[name],
                                   rtol=1e-9, atol=1e-15)


# ---- update rules -------------------------------------------------------------------------------

def one_step(optimizer, w, g, lr=0.1, t=1, **knobs):
    c = {"optimizer": optimizer, "momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "rho": 0.9,
         "weight_decay": 0.0, **knobs}
    params, grads = {"W1": np.array(w, dtype=float)}, {"W1": np.array(g, dtype=float)}
    moments = init_moments(optimizer, params)
    apply_update(c, params, grads, moments, lr, t)
    return params["W1"], moments


def test_adagrad_and_rmsprop_first_steps_by_hand():
    w, g = np.array([[1.0, -2.0]]), np.array([[0.5, -4.0]])
    after, _ = one_step("adagrad", w, g)  # s = g^2, step lr * g / |g| = lr * sign(g)
    np.testing.assert_allclose(after, w - 0.1 * np.sign(g), rtol=1e-7)
    after, _ = one_step("rmsprop", w, g)  # s = 0.1 g^2, step lr * g / (sqrt(0.1) |g|)
    np.testing.assert_allclose(after, w - 0.1 * np.sign(g) / np.sqrt(0.1), rtol=1e-7)


def test_lars_and_lamb_scale_each_layers_step_by_the_trust_ratio():
    w, g = np.array([[3.0, 4.0]]), np.array([[0.0, 0.01]])  # ||w|| = 5, ||g|| = 0.01
    after, _ = one_step("lars", w, g, lr=0.1)
    assert np.linalg.norm(after - w) == pytest.approx(0.1 * 5.0)  # a step of lr * ||w||, whatever ||g||
    after, _ = one_step("lamb", w, g, lr=0.1)  # Adam's first step is sign(g) (eps aside): ||u|| = 1
    assert np.linalg.norm(after - w) == pytest.approx(0.1 * 5.0, rel=1e-6)
    assert float(trust_ratio(np.zeros(3), np.ones(3))) == 1.0 and float(trust_ratio(np.ones(3), np.zeros(3))) == 1.0


def test_adam_keeps_its_formula():
    w, g = np.array([[1.0]]), np.array([[0.2]])
    after, moments = one_step("adam", w, g, lr=0.01)
    m_hat, v_hat = 0.1 * 0.2 / 0.1, 0.001 * 0.04 / 0.001
    assert after[0, 0] == pytest.approx(1.0 - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8), rel=1e-12)


# ---- the lockstep trainer -----------------------------------------------------------------------

@pytest.mark.parametrize("config", [
    {"lr": 0.05, "epochs": 2},
    {"optimizer": "adam", "lr": 0.01, "epochs": 2, "schedule": "cosine", "weight_decay": 1e-3},
    {"lr": 0.05, "epochs": 2, "clip_norm": 0.5, "depth": 2, "hidden": 24, "accum_steps": 2},
    {"optimizer": "adam", "lr": 0.003, "epochs": 1, "hidden": 96, "parameterization": "mup", "base_width": 32},
])
def test_lockstep_runs_are_the_runs_train_makes(config):
    lrs, seeds = [config["lr"], 3.0], [0, 5]
    sweep = train_many(config, lrs, seeds)
    for i, lr in enumerate(lrs):
        for j, seed in enumerate(seeds):
            run = train({**config, "lr": lr}, seed=seed)
            assert sweep.diverged[i, j] == run.diverged
            if run.diverged:
                assert sweep.diverged_step[i, j] == run.diverged_step
            else:
                assert np.max(np.abs(sweep.losses[i, j] - run.losses)) < 1e-12
                assert np.max(np.abs(sweep.val_accuracy[i, j] - run.val_accuracy)) < 1e-12


def test_a_delay_longer_than_the_run_computes_every_gradient_at_the_start():
    # w_T = w_0 - lr * sum_t g_t(w_0) for plain SGD when every gradient is tau >= T steps stale
    c = {"momentum": 0.0, "batch_size": 100, "epochs": 1}
    sweep = train_many(c, [0.1], [0], n_steps=5, delay=50)
    state = init_state(c, 0)
    w0, order = copy.deepcopy(state["params"]), state["rng"].permutation(1000)
    total = {k: np.zeros_like(v) for k, v in w0.items()}
    for t in range(5):
        rows = order[t * 100:(t + 1) * 100]
        for k, g in loss_and_grad(w0, X[rows], Y[rows])[1].items():
            total[k] += g
    expected = {k: w0[k] - 0.1 * total[k] for k in w0}
    final = evaluate(expected, *load_data()["val"])
    assert sweep.val_loss[0, 0, -1] == pytest.approx(final[0], rel=1e-10)


def test_steps_to_and_best_lr_read_the_grid():
    sweep = train_many({"epochs": 2}, [0.001, 0.05], [0, 1])
    assert sweep.best_lr() == 0.05 and sweep.best_lr("val_accuracy") == 0.05
    assert np.all(np.isinf(sweep.steps_to(1.01)))
    assert np.all(sweep.steps_to(0.0) == sweep.eval_steps[0])


# ---- batch size, scaling laws, distributed, memory, precision, LoRA, plateau --------------------

def test_per_example_gradients_and_the_noise_scale_against_a_loop():
    params = init_params("mlp", hidden=16, rng=0)
    g = per_example_grads(params, X[:40], Y[:40])
    for i in (0, 17, 39):
        single = loss_and_grad(params, X[i:i + 1], Y[i:i + 1])[1]
        for name in params:
            np.testing.assert_allclose(g[name][i], single[name], rtol=1e-12, atol=1e-15)
    flat = np.array([np.concatenate([loss_and_grad(params, X[i:i + 1], Y[i:i + 1])[1][n].ravel() for n in params])
                     for i in range(40)])
    G = flat.mean(axis=0)
    expected = np.sum(np.var(flat, axis=0, ddof=1)) / (G @ G)
    assert gradient_noise_scale(params, X[:40], Y[:40])["B_simple"] == pytest.approx(expected, rel=1e-10)


def test_fit_critical_batch_recovers_an_exact_hyperbola():
    B = np.array([2, 8, 32, 128, 512])
    fit = fit_critical_batch(B, 20 + 3000 / B)
    assert fit.S_min == pytest.approx(20) and fit.E_min == pytest.approx(3000) and fit.B_crit == pytest.approx(150)
    with pytest.raises(ValueError, match="S_min"):
        fit_critical_batch([2, 8, 32], [10, 20, 40])  # steps rising with the batch: no hyperbola


def test_compute_optimal_is_the_minimum_on_the_iso_flop_line():
    C = 1e21
    N, D = compute_optimal(C)
    assert 6 * N * D == pytest.approx(C)
    grid = N * np.geomspace(0.5, 2, 401)
    assert grid[np.argmin(chinchilla_loss(grid, C / (6 * grid)))] == pytest.approx(N, rel=0.01)
    N20, D20 = tokens_per_param_split(C)
    assert D20 / N20 == pytest.approx(20) and 6 * N20 * D20 == pytest.approx(C)


def test_young_interval_maximizes_goodput_and_allreduce_formula():
    taus = np.linspace(60, 20000, 5000)
    best = taus[np.argmax([goodput(t, 120, 8 * 3600) for t in taus])]
    assert best == pytest.approx(young_interval(120, 8 * 3600), rel=0.01)
    assert ring_allreduce_seconds(1000, 4, 1e3, bytes_per_param=1) == pytest.approx(2 * 3 / 4)
    assert ring_allreduce_seconds(1000, 1, 1e3) == 0.0


def test_memory_accounting():
    n_weights = sum(v.size for v in init_params("mlp", rng=0).values())
    assert mlp_param_count(64, 64, 1, 10) == n_weights
    assert bytes_per_param("adam")["total"] == 16 and bytes_per_param("adam", mixed_precision=True)["total"] == 16
    assert bytes_per_param("sgd")["total"] == 8 and bytes_per_param("momentum", True)["total"] == 12


def test_bfloat16_rounding_and_lost_updates():
    x = np.array([1.0, 1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-7 + 2**-8, 3.0e38, -2.5], dtype=np.float32)
    expected = [1.0, 1.0, 1 + 2**-6, 1 + 2**-6, None, -2.5]  # ties go to the even neighbour
    out = to_bfloat16(x)
    for got, want in zip(out, expected):
        if want is not None:
            assert got == want
    assert np.isfinite(out[4]) and abs(out[4] / 3.0e38 - 1) < 2**-8
    assert lost_update_fraction([1.0, 1.0], [1e-3, 1e-2], "bf16") == 0.5  # 1e-3 < half the spacing 2^-8 at 1
    assert lost_update_fraction([1.0, 1.0], [1e-3, 1e-2], "fp32") == 0.0
    assert underflow_fraction([1e-9, 1e-3], "fp16") == 0.5 and underflow_fraction([1e-9, 1e-3], "fp16", 2**10) == 0.0


def test_lora_gradient_matches_central_differences_and_starts_at_the_pretrained_weights():
    rng = np.random.default_rng(0)
    params = init_params("mlp", hidden=10, rng=0)
    adapter = lora_init(params, 3, rng)
    np.testing.assert_array_equal(lora_merge(params, adapter)["W1"], params["W1"])  # U = 0 at the start
    adapter["U"] = rng.normal(0, 0.1, adapter["U"].shape)
    Xs, ys = X[:20], Y[:20]
    _, g, _ = lora_loss_and_grad(params, adapter, Xs, ys, alpha=6.0)
    loss = lambda a: lora_loss_and_grad(params, a, Xs, ys, alpha=6.0)[0]
    for name, index, numeric in central_differences(loss, adapter, rng):
        assert g[name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_finetune_head_only_leaves_the_body_alone():
    params = init_params("mlp", rng=0)
    run = finetune(params, X[:40], Y[:40] % 2, X[40:80], Y[40:80] % 2, method="head", steps=5, new_head=2)
    assert run["drift"] == 0.0 and run["params"]["W2"].shape == (64, 2) and run["trainable"] == 64 * 2 + 2
    lora = finetune(params, X[:40], Y[:40] % 2, X[40:80], Y[40:80] % 2, method="lora", rank=2, steps=5, new_head=2)
    assert lora["trainable"] == 2 * (64 + 64) + 64 * 2 + 2 and lora["drift"] > 0


def test_reduce_on_plateau_cuts_after_patience_bad_epochs():
    plateau = ReduceOnPlateau(lr=1.0, factor=0.5, patience=1)
    rates = [plateau.update(v) for v in (3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0)]
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert plateau.history == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="factor"):
        ReduceOnPlateau(lr=1.0, factor=2.0)


# ---- the figures and the clipping explorer (viz/debugging.py), without a browser -----------------

def test_the_clipping_explorer_redraws_when_a_control_moves():
    from matplotlib.figure import Figure

    from hpo_mini.viz.debugging import clipping_explorer, plot_clipping

    explorer = clipping_explorer(lr=0.3, clip_norm=1.0, seed=0, epochs=2)
    assert set(explorer.data) == {"no clipping", "clip at 1"} and explorer.n_draws == 1
    assert "of steps clipped" in explorer.text.value and explorer.png[:4] == b"\x89PNG"
    first = explorer.png
    explorer.clip.value = "off"
    assert set(explorer.data) == {"no clipping"} and explorer.n_draws == 2 and explorer.png != first
    explorer.clip.value = 1.0  # back to a setting already seen: shown again from the cache, not retrained
    assert explorer.png == first
    fig = plot_clipping(explorer.data)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    with pytest.raises(TypeError, match="TrainResult"):
        plot_clipping({"x": [1, 2]})


def test_the_sweep_figures_mark_the_best_rate_and_the_knee():
    from hpo_mini.viz.debugging import plot_critical_batch, plot_lr_by_width, plot_panels

    lrs = np.array([1e-3, 1e-2, 1e-1])
    fig = plot_lr_by_width({"sp": {32: (lrs, [1.0, 0.2, 0.5]), 64: (lrs, [0.8, 0.3, np.inf])}})
    stars = [line for line in fig.axes[0].get_lines() if line.get_marker() == "*"]
    assert [float(s.get_xdata()[0]) for s in stars] == [1e-2, 1e-2]
    fit = fit_critical_batch([4, 16, 64], [300, 90, 30])
    fig = plot_critical_batch([4, 16, 64], [300, 90, 30], fit)
    assert any(line.get_xdata()[0] == pytest.approx(fit.B_crit) for line in fig.axes[0].get_lines()
               if len(set(line.get_xdata())) == 1)
    assert len(plot_panels([{"lines": {"a": ([0, 1], [1, 2])}}, {"lines": {}}]).axes) == 2
    with pytest.raises(ValueError, match="lines"):
        plot_panels([{"title": "no lines"}])
