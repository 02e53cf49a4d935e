r"""Fine-tuning a pretrained network: all weights, only a new head, or a low-rank adapter (LoRA).

LoRA (Hu et al. 2021, "LoRA: Low-rank adaptation of large language models", section 4.1) freezes a
pretrained weight W (d_in x d_out) and learns a rank-r update:

    W' = W + (alpha / r) D U,    D: d_in x r, drawn N(0, 1 / d_in),    U: r x d_out, zeros at the start,

so W' = W before the first step. Only r (d_in + d_out) numbers are trained instead of d_in d_out, and
the rank r trades capacity against memory. With G = dL/dW' (the ordinary gradient at the merged weight),
the chain rule gives dL/dD = (alpha / r) G U^T and dL/dU = (alpha / r) D^T G.

    base = training.train({...}, data=pretraining_data).params
    run = finetune(base, X, y, X_val, y_val, method="lora", rank=4, lr=1e-2, steps=200)
"""

from __future__ import annotations

import numpy as np

from .mlp import evaluate, loss_and_grad, n_weight_layers
from .optimizers import apply_update, init_moments

__all__ = ["METHODS", "lora_init", "lora_merge", "lora_loss_and_grad", "finetune"]

METHODS = ("full", "head", "lora")
_ADAM = {"optimizer": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}


def lora_init(params, rank, rng=None, layer="W1") -> dict:
    """{"D": N(0, 1/d_in) of shape (d_in, rank), "U": zeros (rank, d_out)} for params[layer]."""
    d_in, d_out = params[layer].shape
    if not (isinstance(rank, (int, np.integer)) and 1 <= rank <= min(d_in, d_out)):
        raise ValueError(f"rank must be an integer in [1, {min(d_in, d_out)}], but got {rank!r}")
    rng = np.random.default_rng(rng)
    return {"D": rng.normal(0, np.sqrt(1 / d_in), (d_in, rank)), "U": np.zeros((rank, d_out))}


def lora_merge(params, adapter, alpha=None, layer="W1") -> dict:
    """The network with W' = W + (alpha / r) D U in place of params[layer] (alpha defaults to r: scale 1)."""
    r = adapter["D"].shape[1]
    scale = (r if alpha is None else alpha) / r
    return {**params, layer: params[layer] + scale * adapter["D"] @ adapter["U"]}


def lora_loss_and_grad(params, adapter, X, y, alpha=None, layer="W1"):
    """(loss, gradient of the adapter {"D", "U"}, gradient of every network weight at the merged weights)."""
    r = adapter["D"].shape[1]
    scale = (r if alpha is None else alpha) / r
    loss, grads = loss_and_grad(lora_merge(params, adapter, alpha, layer), X, y)
    G = grads[layer]
    return loss, {"D": scale * G @ adapter["U"].T, "U": scale * adapter["D"].T @ G}, grads


def finetune(params, X, y, X_val, y_val, method="full", lr=1e-3, steps=200, rank=4, alpha=None,
             warmup_steps=0, new_head=None, seed=0, eval_every=10) -> dict:
    """Full-batch Adam on (X, y) from the pretrained `params`.

    method: "full" trains every weight; "head" only the last layer (a linear probe on frozen features);
        "lora" the last layer and a rank-`rank` adapter on W1. new_head: a number of classes to start a
        new last layer for (N(0, 1/fan_in), zero bias), as for a new task; None keeps the pretrained one.
        warmup_steps: the rate rises linearly from 0 to lr over that many steps.
    Returns {"params" (merged), "val_accuracy" (every eval_every steps and at the end), "steps",
    "trainable" (numbers trained), "drift" (||W1' - W1|| / ||W1||: how far the features moved)}.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, but got {method!r}")
    rng = np.random.default_rng(seed)
    net = {name: value.copy() for name, value in params.items()}
    top = n_weight_layers(net)
    head = (f"W{top}", f"b{top}")
    if new_head is not None:
        fan_in = net[head[0]].shape[0]
        net[head[0]] = rng.normal(0, np.sqrt(1 / fan_in), (fan_in, int(new_head)))
        net[head[1]] = np.zeros(int(new_head))
    trainable = {"full": tuple(net), "head": head, "lora": head}[method]
    adapter = lora_init(net, rank, rng) if method == "lora" else {}
    moments = init_moments("adam", {**{n: net[n] for n in trainable}, **adapter})
    curve, at = [], []
    for t in range(1, steps + 1):
        if method == "lora":
            _, g_adapter, grads = lora_loss_and_grad(net, adapter, X, y, alpha)
        else:
            _, grads = loss_and_grad(net, X, y)
            g_adapter = {}
        eta = lr * min(1.0, t / warmup_steps) if warmup_steps else lr
        both = {**{n: net[n] for n in trainable}, **adapter}
        apply_update(_ADAM, both, {**{n: grads[n] for n in trainable}, **g_adapter}, moments, eta, t)
        if t % eval_every == 0 or t == steps:
            merged = lora_merge(net, adapter, alpha) if adapter else net
            curve.append(evaluate(merged, X_val, y_val)[1])
            at.append(t)
    merged = lora_merge(net, adapter, alpha) if adapter else net
    n_trained = sum(net[n].size for n in trainable) + sum(a.size for a in adapter.values())
    drift = float(np.linalg.norm(merged["W1"] - params["W1"]) / np.linalg.norm(params["W1"]))
    return {"params": merged, "val_accuracy": np.array(curve), "steps": np.array(at), "trainable": int(n_trained),
            "drift": drift}
