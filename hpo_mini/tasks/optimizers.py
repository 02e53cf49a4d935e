r"""The parameter updates, as one recurrence with different running averages of the gradient g:

    sgd       v <- mu v + g;                          w <- w - eta v            (PyTorch's form of momentum)
    adagrad   s <- s + g^2;                           w <- w - eta g / (sqrt(s) + eps)      (Duchi et al. 2011)
    rmsprop   s <- rho s + (1 - rho) g^2;             w <- w - eta g / (sqrt(s) + eps)      (Tieleman & Hinton 2012)
    adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
              w <- w - eta m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
                                                                               (Kingma & Ba 2015, Algorithm 1)
    adamw     adam, and w <- w - eta lambda w for the weights          (Loshchilov & Hutter 2019, Algorithm 2)
    lars      u = g + lambda w;  v <- mu v + r u;  w <- w - eta v,  r = ||w|| / ||u|| per layer
                                                                         (You, Gitman & Ginsburg 2017, Algorithm 1)
    lamb      u = m_hat / (sqrt(v_hat) + eps) + lambda w;  w <- w - eta r u,  r = ||w|| / ||u|| per layer
                                                                              (You et al. 2020, Algorithm 2)

The squares and divisions are entrywise; eps is added outside the square root as in the papers. LARS
and LAMB's per-layer "trust ratio" r makes each layer's step a fixed fraction eta of its weights' norm,
whatever the scale of its gradient; r = 1 where a norm is 0 (a bias at its zero start).

Every update works in place on a dict of arrays, on one model or on a stack of K models (leading
axis; a layer's norm is then taken per model, over the last two axes).
"""

from __future__ import annotations

import numpy as np

__all__ = ["OPTIMIZERS", "DECOUPLED_DECAY", "init_moments", "layer_norm", "trust_ratio", "apply_update"]

OPTIMIZERS = ("sgd", "adam", "adamw", "adagrad", "rmsprop", "lars", "lamb")
DECOUPLED_DECAY = ("adamw", "lars", "lamb")  # weight decay applied by the update, not as L2 in the gradient
_MOMENTS = {"sgd": ("velocity",), "lars": ("velocity",), "adam": ("m", "v"), "adamw": ("m", "v"),
            "lamb": ("m", "v"), "adagrad": ("sum_sq",), "rmsprop": ("v",)}


def init_moments(optimizer, params) -> dict:
    """The optimizer's state at the start: {moment name: {param name: zeros}}."""
    if optimizer not in _MOMENTS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, but got {optimizer!r}")
    return {moment: {name: np.zeros_like(value) for name, value in params.items()} for moment in _MOMENTS[optimizer]}


def layer_norm(a):
    """The L2 norm of one layer's array, per model for a stack: over the last two axes (a 1-D bias: all),
    keeping dimensions so it broadcasts against the layer."""
    axes = tuple(range(max(0, a.ndim - 2), a.ndim))
    return np.sqrt(np.sum(a * a, axis=axes, keepdims=a.ndim > 2))


def trust_ratio(w, u):
    """LARS/LAMB's ||w|| / ||u|| for one layer (per model for a stack), 1 where either norm is 0."""
    w_norm, u_norm = layer_norm(w), layer_norm(u)
    ok = (w_norm > 0) & (u_norm > 0)
    return np.where(ok, w_norm / np.where(ok, u_norm, 1.0), 1.0)


def apply_update(c, params, grads, moments, lr, t, lr_scale=None):
    """One optimizer step, in place. c: the config (optimizer and its knobs); lr: the rate at this step
    (a number, or an array of shape (K, 1, 1) for a stack); t = 1, 2, ... counts the updates (Adam's
    bias correction); lr_scale: {param name: factor} multiplies each layer's rate (muP, scaling.py)."""
    opt = c["optimizer"]
    for name, g in grads.items():
        eta = lr * lr_scale[name] if lr_scale is not None else lr
        w = params[name]
        if opt == "sgd":  # PyTorch's SGD: v <- mu v + g,  w <- w - lr v
            v = moments["velocity"][name]
            v *= c["momentum"]
            v += g
            w -= eta * v
        elif opt == "lars":
            u = g + c["weight_decay"] * w if name.startswith("W") else g
            v = moments["velocity"][name]
            v *= c["momentum"]
            v += trust_ratio(w, u) * u
            w -= eta * v
        elif opt == "adagrad":
            s = moments["sum_sq"][name]
            s += g * g
            w -= eta * g / (np.sqrt(s) + c["eps"])
        elif opt == "rmsprop":
            s = moments["v"][name]
            s *= c["rho"]
            s += (1 - c["rho"]) * g * g
            w -= eta * g / (np.sqrt(s) + c["eps"])
        elif opt in ("adam", "adamw", "lamb"):  # Kingma & Ba (2015), Algorithm 1
            b1, b2, eps = c["beta1"], c["beta2"], c["eps"]
            m, v = moments["m"][name], moments["v"][name]
            m_hat, v_hat = np.empty_like(m), np.empty_like(v)  # two buffers, written in place: fewer temporaries
            m *= b1
            m += np.multiply(1 - b1, g, out=m_hat)
            v *= b2
            v += np.multiply(np.multiply(1 - b2, g, out=v_hat), g, out=v_hat)
            np.divide(m, 1 - b1**t, out=m_hat)
            np.divide(v, 1 - b2**t, out=v_hat)
            denom = np.add(np.sqrt(v_hat, out=v_hat), eps, out=v_hat)  # sqrt(v_hat) + eps
            if opt == "lamb":  # You et al. (2020), Algorithm 2
                u = m_hat / denom
                if name.startswith("W"):
                    u = u + c["weight_decay"] * w
                w -= eta * trust_ratio(w, u) * u
                continue
            if opt == "adamw" and name.startswith("W"):  # Loshchilov & Hutter (2019), Algorithm 2
                w -= eta * c["weight_decay"] * w
            w -= np.divide(np.multiply(eta, m_hat, out=m_hat), denom, out=m_hat)  # eta * m_hat / denom
        else:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, but got {opt!r}")
