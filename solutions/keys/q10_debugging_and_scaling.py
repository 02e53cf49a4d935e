"""The answer key of quiz 10: the one source of its keys. From it `python -m hpo_mini.quiz.build 10`
seals the keys into hpo_mini/quiz/bank/sealed/q10_debugging_and_scaling.json and writes the answered
solutions/10_debugging_and_scaling_quiz.ipynb; the handout prints it as the instructor's answer key. Explain
questions are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by
the package."""

ANSWERS = {
    "q10.initial_loss": 2.3025851,  # ln 10
    "q10.double_softmax_floor": 1.4611502,  # ln(e + 9) - 1
    "q10.shifted_labels": {"b", "c"},
    "q10.val_below_train_check": "a",
    "q10.val_below_train_causes": {"a", "b", "c"},
    "q10.clip_always_active": "b",
    "q10.code_clip_by_global_norm": '''\
import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale every gradient by one factor so the global L2 norm is at most max_norm."""
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = 1.0 if norm <= max_norm else max_norm / norm
    return {name: g * scale for name, g in grads.items()}
''',
    "q10.code_ema_update": '''\
def ema_update(ema, params, decay):
    """The new exponential moving average of the weights: decay * ema + (1 - decay) * params."""
    return {name: decay * ema[name] + (1 - decay) * params[name] for name in ema}
''',
    "q10.momentum_effective_lr": 1.0,  # 0.01 / (1 - 0.99)
    "q10.momentum_horizon": 100.0,  # 1 / (1 - 0.99)
    "q10.effective_batch": 512,  # 16 x 8 x 4
    "q10.scaled_lr": 0.2,  # 0.1 x 512 / 256
    "q10.critical_batch": 2000,  # 2e6 / 1000
    "q10.steps_at_batch": 5000,  # 1000 + 2e6 / 500
    "q10.noise_scale": 200,  # 40 / 0.2
    "q10.accumulation_batchnorm": "b",
    "q10.code_accumulate": '''\
def accumulate(micro_grads, sizes):
    """The mean gradient of the whole batch from the mean gradients of its micro-batches."""
    total = sum(sizes)
    out = {}
    for name in micro_grads[0]:
        out[name] = sum(g[name] * n for g, n in zip(micro_grads, sizes)) / total
    return out
''',
    "q10.code_trust_ratio": '''\
import numpy as np


def trust_ratio(w, u):
    """LARS's trust ratio ||w|| / ||u||, or 1.0 when either norm is 0."""
    w_norm = float(np.sqrt(np.sum(np.asarray(w) ** 2)))
    u_norm = float(np.sqrt(np.sum(np.asarray(u) ** 2)))
    if w_norm == 0 or u_norm == 0:
        return 1.0
    return w_norm / u_norm
''',
    "q10.mup_output_lr": 0.0625,  # 1 / m, m = 1024 / 64
    "q10.mup_input_lr": 16,  # m
    "q10.mup_adam_layers": {"b", "c"},
    "q10.code_mup_lr": '''\
def mup_lr(eta, role, width, base_width, optimizer):
    """A layer's learning rate under muP, with m = width / base_width."""
    m = width / base_width
    powers = {
        "sgd": {"input": 1, "hidden": 0, "output": -1, "bias": 1},
        "adam": {"input": 0, "hidden": -1, "output": -1, "bias": 0},
    }
    return float(eta * m ** powers[optimizer][role])
''',
    "q10.compute_optimal_size": 9.1287093,  # sqrt(1e22 / 120) / 1e9
    "q10.async_sgd": "b",
    "q10.young_interval": 53.665631,  # sqrt(2 x 60 x 86400) / 60
    "q10.ring_allreduce": 3.5,  # 2 x 7/8 x 2 GB
    "q10.adam_memory": 112,  # 7e9 x (2 + 2 + 4 + 8) / 1e9
    "q10.loss_scale": 13,  # 1e-8 x 2^13 >= 2^-14 > 1e-8 x 2^12
}
