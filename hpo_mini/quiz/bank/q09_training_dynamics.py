"""Quiz 09: learning rates that are too small, too large or divergent; the LR range test; schedules
(step, exponential, cosine with warmup, cyclical, one-cycle); warmup and large batches; the linear
scaling rule; early stopping with patience; Adam vs SGD defaults and AdamW.

The code exercises are checked against the references below, which are written from the papers' formulas
and do not use hpo_mini.schedules: cosine with linear warmup (Goyal et al. 2017 for the warmup,
Loshchilov & Hutter 2017 for the cosine), the triangular policy of Smith (2017, eq. in section 3.1) and
the range-test rule of the fastai learning-rate finder (bias-corrected moving average, stop at 4x the
best, minimum / 10). tests/unit/quiz/test_quiz_q08_q09_references.py checks each reference against hand-
computed values.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q09_training_dynamics.toml beside this file, and the answer key is solutions/keys/q09_training_dynamics.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from ..checks import call_text, compare_with_reference, same, show
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def cosine_with_warmup_reference(t, base_lr, min_lr, warmup_steps, total_steps):
    """lr(t) = base_lr * t / warmup_steps for t < warmup_steps, then
    min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * (t - warmup_steps) / (total_steps - warmup_steps))).

    Linear warmup from 0 (Goyal et al. 2017, section 2.2) and one half-period of a cosine down to
    min_lr (Loshchilov & Hutter 2017, SGDR eq. 5 without restarts)."""
    if t < warmup_steps:
        return base_lr * t / warmup_steps
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))


def triangular_lr_reference(t, base_lr, max_lr, step_size):
    """Smith (2017), section 3.1: cycle = floor(1 + t / (2 step_size)),
    x = |t / step_size - 2 cycle + 1|, lr = base_lr + (max_lr - base_lr) * max(0, 1 - x).
    `step_size` is the half-period: base_lr at t = 0, max_lr at t = step_size, base_lr at 2 step_size."""
    cycle = math.floor(1 + t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1.0 - x)


def suggest_lr_reference(lrs, losses, beta=0.98):
    """The range-test rule of the fastai learning-rate finder: smooth the losses with a
    bias-corrected exponential moving average, stop at the first smoothed loss that is not finite
    or exceeds 4x the lowest smoothed loss before it, and return (lr at the lowest smoothed loss) / 10."""
    average, best, smoothed = 0.0, math.inf, []
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * float(loss)
        value = average / (1 - beta ** (i + 1))
        if not math.isfinite(value) or value > 4 * best:
            break
        smoothed.append(value)
        best = min(best, value)
    j = min(range(len(smoothed)), key=lambda i: (smoothed[i], i))  # the first of equal values
    return float(lrs[j]) / 10


def _range_test_curve(seed, n=100, lo=1e-6, hi=1.0, noise=0.03, blow_up=True, as_array=True):
    """A synthetic range-test curve: flat at small lr, a descent, a valley near 0.03, then a blow-up."""
    rng = np.random.default_rng(seed)
    lrs = np.geomspace(lo, hi, n)
    x = np.log10(lrs)
    losses = 2.3 - 1.6 / (1 + np.exp(-2.5 * (x + 3.2))) + 0.9 * np.maximum(0.0, x + 1.5) ** 2
    losses = losses * (1 + noise * rng.standard_normal(n))
    if blow_up:
        losses[x > -0.4] = np.exp(np.arange(np.sum(x > -0.4)) + 3.0)
        losses[-3:] = np.nan
    if not as_array:
        return [float(v) for v in lrs], [float(v) for v in losses]
    return lrs, losses


def _suggest_lr_cases():
    cases = []
    for seed, kw in [
        (0, {}),
        (1, {"noise": 0.15}),
        (2, {"as_array": False}),
        (3, {"blow_up": False}),
        (4, {"noise": 0.3, "n": 60}),
        (5, {"lo": 1e-7, "hi": 10.0, "noise": 0.1}),
    ]:
        lrs, losses = _range_test_curve(seed, **kw)
        cases.append({"lrs": lrs, "losses": losses})
    # A single spike (one bad batch) stops the test: the rule ignores everything after it.
    lrs, losses = _range_test_curve(6, noise=0.02, blow_up=False)
    losses[10] = 100.0
    cases.append({"lrs": lrs, "losses": losses})
    # A short, clean, monotone curve: the last lr has the lowest loss.
    cases.append({"lrs": [1e-4, 1e-3, 1e-2, 1e-1], "losses": [2.0, 1.5, 1.0, 0.5]})
    # A curve that turns to inf (not nan) after divergence.
    lrs, losses = _range_test_curve(7, noise=0.05)
    losses[-10:] = np.inf
    cases.append({"lrs": lrs, "losses": losses})
    return cases


def _unchanged_with_nan(before, after) -> bool:
    """Exact equality that counts nan == nan (checks.unchanged does not, and range-test curves hold nan)."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and bool(np.array_equal(before, after, equal_nan=True))
    return type(before) is type(after) and len(before) == len(after) and all(
        a == b or (a != a and b != b) for a, b in zip(before, after)
    )


def _suggest_lr_checker(fn, report):
    cases = _suggest_lr_cases()
    for passed, case in enumerate(cases):
        text = call_text("suggest_lr", case)
        report(text)
        expected = suggest_lr_reference(**copy.deepcopy(case))
        args = copy.deepcopy(case)
        try:
            got = fn(args["lrs"], args["losses"])
        except Exception as exc:
            return False, f"{text} raised {type(exc).__name__}: {exc}", passed
        for key in case:
            if not _unchanged_with_nan(case[key], args[key]):
                return False, f"{text} changed its argument `{key}`: work on a copy, leave the caller's data as it was", passed
        if not same(got, expected):
            return False, f"{text} returned {show(got)}, the reference returns {show(expected)}", passed
    return True, "", len(cases)


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q09.code_cosine_with_warmup": compare_with_reference(
        "cosine_with_warmup",
        cosine_with_warmup_reference,
        [
            {"t": 0, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 5, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 9, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 10, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 60, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 110, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 10, "total_steps": 110},
            {"t": 3000, "base_lr": 0.1, "min_lr": 0.0, "warmup_steps": 500, "total_steps": 10500},
            {"t": 0, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
            {"t": 100, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
            {"t": 1000, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
            {"t": 777, "base_lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 100, "total_steps": 1000},
            {"t": 0, "base_lr": 1.0, "min_lr": 0.1, "warmup_steps": 0, "total_steps": 50},
            {"t": 25, "base_lr": 1.0, "min_lr": 0.1, "warmup_steps": 0, "total_steps": 50},
            {"t": 1, "base_lr": 1.0, "min_lr": 0.0, "warmup_steps": 1, "total_steps": 2},
        ],
        rel=1e-9,
        abs_=1e-15,
    ),
    "q09.code_triangular_lr": compare_with_reference(
        "triangular_lr",
        triangular_lr_reference,
        [
            {"t": 0, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 2000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 4000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 1000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 3000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 6000, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 9500, "base_lr": 0.001, "max_lr": 0.006, "step_size": 2000},
            {"t": 1, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
            {"t": 5, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
            {"t": 7, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
            {"t": 13, "base_lr": 0.1, "max_lr": 1.0, "step_size": 4},
            {"t": 1, "base_lr": 0.0, "max_lr": 1.0, "step_size": 1},
            {"t": 3, "base_lr": 0.0, "max_lr": 1.0, "step_size": 1},
            {"t": 10001, "base_lr": 1e-4, "max_lr": 1e-2, "step_size": 250},
        ],
    ),
    "q09.code_suggest_lr": _suggest_lr_checker,
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _linear_scaling_params(rng):
    b0 = int(rng.choice([128, 256, 512]))
    return {"lr": float(rng.choice([0.05, 0.1, 0.2, 0.4])), "b0": b0, "b1": b0 * int(rng.choice([2, 4, 8, 16, 32]))}


def linear_scaling_reference(p):
    """The linear scaling rule of Goyal et al. (2017): lr grows with the batch, lr * b1 / b0."""
    return p["lr"] * p["b1"] / p["b0"]


GENERATORS = {
    "q09.linear_scaling": generator(_linear_scaling_params, linear_scaling_reference),
}
