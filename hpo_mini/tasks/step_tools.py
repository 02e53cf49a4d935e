r"""Three things a training step can do around the optimizer's update, each a small pure function:

    accumulated_loss_and_grad   one batch as k micro-batches, gradients averaged: the same update as the
                                whole batch, with a k times smaller peak memory (no batch statistics here)
    clip_by_global_norm         g <- g * min(1, c / ||g||), ||g|| over all layers at once (Pascanu et al.
                                2013, "On the difficulty of training recurrent neural networks", Algorithm 1)
    ema_update                  w_ema <- d w_ema + (1 - d) w: an exponential moving average of the weights
                                (Polyak & Juditsky 1992 average uniformly; the EMA weighs recent steps more)

All of them take a dict of arrays, for one model or a stack of K models (leading axis, norms per model).
"""

from __future__ import annotations

import numpy as np

from .mlp import loss_and_grad
from .optimizers import layer_norm

__all__ = ["micro_batches", "accumulated_loss_and_grad", "global_norm", "clip_by_global_norm", "ema_update"]


def micro_batches(n, accum_steps) -> list:
    """The row indices of `accum_steps` micro-batches of a batch of n rows, in order, sizes differing by at
    most 1 (np.array_split)."""
    if not (isinstance(accum_steps, (int, np.integer)) and 1 <= accum_steps <= n):
        raise ValueError(f"accum_steps must be an integer in [1, batch rows = {n}], but got {accum_steps!r}")
    return np.array_split(np.arange(n), accum_steps)


def accumulated_loss_and_grad(params, X, y, accum_steps=1, weight_decay=0.0, dropout=0.0, rng=None):
    r"""loss_and_grad of the batch (X, y), computed as `accum_steps` micro-batches:

        L = sum_j (n_j / n) L_j,   g = sum_j (n_j / n) g_j   (+ the L2 term once, not once per micro-batch)

    Each micro-batch's mean is weighted by its share n_j / n of the rows, so unequal micro-batches give
    the whole batch's mean exactly (up to rounding). A layer that normalizes with batch statistics
    (BatchNorm) would see n_j rows instead of n, and accumulation would no longer be the same model.
    accum_steps=1 is plain loss_and_grad. The rows axis is -2 of X (a stack: X of shape (K, n, d)).
    """
    n = X.shape[-2]
    if accum_steps == 1:
        return loss_and_grad(params, X, y, weight_decay, dropout, rng)
    total, grads = 0.0, None
    for rows in micro_batches(n, accum_steps):
        loss_j, grads_j = loss_and_grad(params, X[..., rows, :], y[..., rows], 0.0, dropout, rng)
        share = len(rows) / n
        total = total + share * loss_j
        if grads is None:
            grads = {name: share * g for name, g in grads_j.items()}
        else:
            for name, g in grads_j.items():
                grads[name] += share * g
    if weight_decay:
        for name, w in params.items():
            if name.startswith("W"):
                total = total + 0.5 * weight_decay * np.sum(w**2, axis=(-2, -1))
                grads[name] += weight_decay * w
    return (float(total) if np.ndim(total) == 0 else total), grads


def global_norm(grads):
    """sqrt(sum over layers of ||g_layer||^2): a float, or shape (K, 1, 1) for a stack."""
    total = sum(layer_norm(g) ** 2 for g in grads.values())
    return float(np.sqrt(total)) if np.ndim(total) == 0 else np.sqrt(total)


def clip_by_global_norm(grads, max_norm):
    r"""(clipped grads, norm before clipping): every layer times c / max(||g||, c), so the direction is kept
    and the global norm becomes min(||g||, c). Clipping layers one by one would change the direction."""
    if not (max_norm > 0 and np.isfinite(max_norm)):
        raise ValueError(f"max_norm must be a finite number > 0, but got {max_norm!r}")
    norm = global_norm(grads)
    scale = max_norm / np.maximum(norm, max_norm)
    return {name: g * scale for name, g in grads.items()}, norm


def ema_update(ema, params, decay):
    r"""In place: ema <- decay * ema + (1 - decay) * params, for every array. Started at w_0, after t steps

        ema_t = decay^t w_0 + (1 - decay) sum_{k=1..t} decay^{t-k} w_k,

    an average over roughly the last 1 / (1 - decay) steps."""
    if not 0 <= decay < 1:
        raise ValueError(f"decay must be in [0, 1), but got {decay!r}")
    for name, w in params.items():
        e = ema[name]
        e *= decay
        e += (1 - decay) * w
