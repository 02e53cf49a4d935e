r"""Where training memory goes: bytes per parameter for the weights, the gradients and the optimizer's
state, and the activations kept for the backward pass.

Per parameter, in float32: 4 bytes of weight, 4 of gradient, and the optimizer's state (SGD: none;
momentum: 4, one velocity; Adam: 8, two moments). Mixed precision as in Micikevicius et al. (2018,
"Mixed precision training") keeps a float16 (or bfloat16) copy for the forward and backward passes and a
float32 master copy for the update: 2 + 2 + 4 + state, which for Adam is 16 bytes per parameter, the
accounting of Rajbhandari et al. (2020, "ZeRO", section 3.1). Activations grow with the batch size;
weights and optimizer state do not. So on an out-of-memory error the batch is the knob that moves
memory without touching the model, and gradient accumulation keeps the effective batch the same.
"""

from __future__ import annotations

__all__ = ["STATE_TENSORS", "mlp_param_count", "bytes_per_param", "training_memory", "activation_floats"]

STATE_TENSORS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}  # float32 tensors of the parameters' size


def mlp_param_count(n_features=64, hidden=64, depth=1, n_classes=10) -> int:
    """Weights and biases of the course's MLP: layer sizes n_features, hidden (depth times), n_classes."""
    sizes = [n_features] + [hidden] * depth + [n_classes]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def bytes_per_param(optimizer="adam", mixed_precision=False) -> dict:
    """{"weights", "grads", "master", "optimizer", "total"}: bytes per parameter."""
    if optimizer not in STATE_TENSORS:
        raise ValueError(f"optimizer must be one of {sorted(STATE_TENSORS)}, but got {optimizer!r}")
    low = 2 if mixed_precision else 4
    parts = {"weights": low, "grads": low, "master": 4 if mixed_precision else 0,
             "optimizer": 4 * STATE_TENSORS[optimizer]}
    return {**parts, "total": sum(parts.values())}


def activation_floats(batch_size, n_features=64, hidden=64, depth=1, n_classes=10) -> int:
    """Numbers the MLP's backward pass needs from its forward pass: the input, every hidden layer's
    output (its ReLU mask is read off it) and the logits, per example, times the batch size."""
    return batch_size * (n_features + depth * hidden + n_classes)


def training_memory(n_params, batch_size, activations_per_example, optimizer="adam", mixed_precision=False) -> dict:
    """Bytes of {"weights", "grads", "master", "optimizer", "activations", "total"} for one training step."""
    per = bytes_per_param(optimizer, mixed_precision)
    out = {k: per[k] * n_params for k in ("weights", "grads", "master", "optimizer")}
    out["activations"] = (2 if mixed_precision else 4) * batch_size * activations_per_example
    out["total"] = sum(out.values())
    return out
