"""Quiz 10: sanity checks, validation below training, spikes and clipping, the noise floor and weight
averaging, momentum, batch size (accumulation, the critical batch, LARS), μP and compute-optimal size,
data-parallel SGD, memory and precision, fine-tuning.

The code exercises are checked against the references below, which are written from the papers'
formulas and do not use hpo_mini.tasks: clipping by global norm (Pascanu et al. 2013), the exponential
moving average of the weights, combining the mean gradients of micro-batches, LARS's trust ratio (You et
al. 2017) and the per-layer μP learning rate (Yang et al. 2022, Table 3, written with a base width).
Each reference agrees with the library's own function (step_tools.clip_by_global_norm, ema_update,
optimizers.trust_ratio, scaling.lr_multipliers, and the accumulation of mlp.loss_and_grad), which the
quiz's author checked when writing it.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q10_debugging_and_scaling.toml beside this file, and the answer key is
solutions/keys/q10_debugging_and_scaling.py. CHECKS maps each code exercise to its checker.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import compare_with_reference
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def clip_by_global_norm_reference(grads, max_norm):
    """g ← g · max_norm / max(‖g‖, max_norm) for every layer, with ‖g‖ = sqrt(Σ_layers Σ g²) the global
    L2 norm (Pascanu et al. 2013, algorithm 1, applied to all the layers at once)."""
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = max_norm / max(norm, max_norm)
    return {k: g * scale for k, g in grads.items()}


def ema_update_reference(ema, params, decay):
    """w̄ ← d·w̄ + (1 − d)·w for every array (an exponential moving average of the weights)."""
    return {k: decay * ema[k] + (1 - decay) * params[k] for k in ema}


def accumulate_reference(micro_grads, sizes):
    """g = Σ_j (n_j / n) g_j, n = Σ_j n_j: the mean gradient of the whole batch from the mean gradients
    g_j of its micro-batches of n_j rows."""
    n = sum(sizes)
    return {k: sum(g[k] * (s / n) for g, s in zip(micro_grads, sizes)) for k in micro_grads[0]}


def trust_ratio_reference(w, u):
    """LARS's trust ratio ‖w‖ / ‖u‖ (L2 norms), 1 when either norm is 0 (You et al. 2017)."""
    wn, un = float(np.linalg.norm(w)), float(np.linalg.norm(u))
    return wn / un if wn > 0 and un > 0 else 1.0


MUP_POWER = {
    "sgd": {"input": 1, "hidden": 0, "output": -1, "bias": 1},
    "adam": {"input": 0, "hidden": -1, "output": -1, "bias": 0},
}
"""The μP rate of each role is η·m^power, m = width / base width (Yang et al. 2022, Table 3; "bias" is a
hidden layer's bias)."""


def mup_lr_reference(eta, role, width, base_width, optimizer):
    """η · (width / base_width)^power, the power from MUP_POWER[optimizer][role]."""
    return eta * (width / base_width) ** MUP_POWER[optimizer][role]


# ---- the inputs each exercise is checked on (fixed: built from a seeded generator) ---------------


def _random_grads(rng):
    shapes = [(int(rng.integers(1, 6)), int(rng.integers(1, 6))) for _ in range(int(rng.integers(1, 4)))]
    return {f"W{i}": rng.normal(0.0, float(rng.choice([0.01, 1.0, 10.0])), s) for i, s in enumerate(shapes)}


def _global_norm(grads):
    return math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))


def _clip_cases():
    rng = np.random.default_rng(10)
    cases = []
    for factor in [0.3, 0.9, 1.5, 3.0] * 4:  # thresholds below and above the norm
        grads = _random_grads(rng)
        cases.append({"grads": grads, "max_norm": float(_global_norm(grads) * factor)})
    # two layers of very different scales: only a global norm keeps the direction
    cases.append({"grads": {"W": np.array([[3.0, 4.0]]), "b": np.array([0.0, 0.12])}, "max_norm": 1.0})
    cases.append({"grads": {"W": np.zeros((2, 2)), "b": np.zeros(2)}, "max_norm": 1.0})  # a zero gradient
    return cases


def _ema_cases():
    rng = np.random.default_rng(11)
    cases = []
    for decay in [0.9, 0.99, 0.5, 0.999, 0.0] * 3:
        ema = _random_grads(rng)
        params = {k: v + rng.normal(size=v.shape) for k, v in ema.items()}
        cases.append({"ema": ema, "params": params, "decay": decay})
    return cases


def _accumulate_cases():
    rng = np.random.default_rng(12)
    cases = []
    for _ in range(14):
        base = _random_grads(rng)
        k = int(rng.integers(2, 5))
        micro = [{n: v + rng.normal(size=v.shape) for n, v in base.items()} for _ in range(k)]
        sizes = [int(s) for s in rng.integers(1, 40, size=k)]
        if len(set(sizes)) == 1:
            sizes[0] += 1  # unequal sizes, as the last micro-batch of an epoch usually is
        cases.append({"micro_grads": micro, "sizes": sizes})
    # equal sizes too: then the plain mean is right
    cases.append({"micro_grads": [{"w": np.array([1.0, 2.0])}, {"w": np.array([3.0, -2.0])}], "sizes": [8, 8]})
    return cases


def _trust_cases():
    rng = np.random.default_rng(13)
    cases = []
    for w_scale, u_scale in [(1.0, 1.0), (1.0, 0.01), (10.0, 1.0), (0.0, 1.0), (1.0, 0.0), (0.0, 0.0)] * 2:
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        cases.append({"w": rng.normal(size=shape) * w_scale, "u": rng.normal(size=shape) * u_scale})
    cases.append({"w": np.array([3.0, 4.0]), "u": np.array([0.0, 0.5])})  # a vector (a bias)
    cases.append({"w": np.array([[1.0, 1.0], [1.0, 1.0]]), "u": np.array([[2.0, 0.0], [0.0, 0.0]])})
    return cases


def _mup_cases():
    cases = []
    for optimizer in ("sgd", "adam"):
        for role in ("input", "hidden", "output", "bias"):
            for eta, width, base_width in [(0.1, 1024, 64), (1e-3, 256, 32), (0.01, 64, 64), (0.3, 48, 96)]:
                cases.append({"eta": eta, "role": role, "width": width, "base_width": base_width,
                              "optimizer": optimizer})
    return cases


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q10.code_clip_by_global_norm": compare_with_reference(
        "clip_by_global_norm", clip_by_global_norm_reference, _clip_cases()),
    "q10.code_ema_update": compare_with_reference("ema_update", ema_update_reference, _ema_cases()),
    "q10.code_accumulate": compare_with_reference("accumulate", accumulate_reference, _accumulate_cases()),
    "q10.code_trust_ratio": compare_with_reference("trust_ratio", trust_ratio_reference, _trust_cases()),
    "q10.code_mup_lr": compare_with_reference("mup_lr", mup_lr_reference, _mup_cases()),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _effective_batch_params(rng):
    return {"workers": int(rng.choice([2, 4, 8, 16])), "micro": int(rng.choice([8, 16, 32, 64])),
            "accum": int(rng.choice([2, 4, 8]))}


def effective_batch_reference(p):
    """Examples per synchronized update: micro-batch x accumulation steps x workers."""
    return p["micro"] * p["accum"] * p["workers"]


GENERATORS = {
    "q10.effective_batch": generator(_effective_batch_params, effective_batch_reference),
}
