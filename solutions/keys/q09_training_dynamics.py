"""The answer key of quiz 09: the one source of its keys. From it `python -m hpo_mini.quiz.build 09`
seals the keys into hpo_mini/quiz/bank/sealed/q09_training_dynamics.json and writes the answered
solutions/09_training_dynamics_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q09.max_stable_lr": 0.02,
    "q09.oscillation": "b",
    "q09.lr_too_large_symptoms": {"a", "b"},
    "q09.range_test_rule": "b",
    "q09.range_test_factor": 1.2045035,
    "q09.cosine_value": 0.0853553,
    "q09.one_cycle_momentum": "c",
    "q09.warmup_why": "b",
    "q09.linear_scaling": 3.2,
    "q09.scaling_limits": {"a", "b", "d"},
    "q09.patience_stop_epoch": 8,
    "q09.restore_best": "b",
    "q09.adam_defaults": {"a", "b", "c"},
    "q09.adamw": "b",
    "q09.one_cycle_claim": "a",
    "q09.code_cosine_with_warmup": '''\
import math


def cosine_with_warmup(t, base_lr, min_lr, warmup_steps, total_steps):
    """Learning rate at step t: linear warmup from 0, then half a cosine down to min_lr."""
    if t < warmup_steps:
        return base_lr * t / warmup_steps
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
''',
    "q09.code_triangular_lr": '''\
def triangular_lr(t, base_lr, max_lr, step_size):
    """Triangular cyclical learning rate (Smith 2017); step_size is the half-period."""
    phase = (t % (2 * step_size)) / step_size  # in [0, 2): 0 at the bottom, 1 at the peak
    return base_lr + (max_lr - base_lr) * (1 - abs(phase - 1))
''',
    "q09.code_suggest_lr": '''\
import numpy as np


def suggest_lr(lrs, losses):
    """The range-test rule: bias-corrected EMA (beta 0.98), stop at 4x the best, lr at the minimum / 10."""
    beta, avg, smoothed = 0.98, 0.0, []
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        value = avg / (1 - beta ** (i + 1))
        if not np.isfinite(value) or (smoothed and value > 4 * min(smoothed)):
            break
        smoothed.append(value)
    return float(lrs[int(np.argmin(smoothed))]) / 10
''',
}
