r"""How large a batch still buys fewer steps: the gradient noise scale and the critical batch size
(McCandlish, Kaplan, Amodei et al. 2018, "An empirical model of large-batch training", sections 2.2-2.3).

A minibatch gradient of B examples is the true gradient G plus noise of covariance Sigma / B, with Sigma
the per-example gradients' covariance. While the noise dominates (B small), doubling B halves the
noise and nearly halves the steps; once B is well above

    B_simple = tr(Sigma) / |G|^2                       (the "simple noise scale")

the gradient is already accurate and a larger batch buys almost nothing. Measured as steps S and
examples E = B S to reach a target, training follows the hyperbola (S / S_min - 1)(E / E_min - 1) = 1,
that is

    S(B) = S_min + E_min / B = S_min (1 + B_crit / B),    B_crit = E_min / S_min,

where S_min is the fewest steps (huge batches) and E_min the fewest examples (tiny batches). At
B = B_crit a run takes twice the minimal steps and twice the minimal examples: the usual "knee".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mlp import loss_and_grad

__all__ = ["per_example_grads", "gradient_noise_scale", "CriticalBatch", "fit_critical_batch"]


def per_example_grads(params, X, y) -> dict:
    """{name: array (n, *shape)}: the gradient of each example's loss alone, computed in one pass by
    treating the n examples as a stack of n one-example batches over the same (broadcast) weights."""
    n = len(y)
    stacked = {name: np.broadcast_to(v if v.ndim > 1 else v[None, :], (n, *(v.shape if v.ndim > 1 else (1, v.size))))
               for name, v in params.items()}
    _, grads = loss_and_grad(stacked, X[:, None, :], np.asarray(y)[:, None])
    return {name: g.reshape(n, *params[name].shape) for name, g in grads.items()}


def gradient_noise_scale(params, X, y) -> dict:
    """{"B_simple", "trace_sigma", "grad_sq"} at the weights `params` on the data (X, y):
    G = mean of the per-example gradients (the full-batch gradient), tr(Sigma) = sum_i |g_i - G|^2 / (n - 1),
    B_simple = tr(Sigma) / |G|^2."""
    flat = np.concatenate([g.reshape(len(y), -1) for g in per_example_grads(params, X, y).values()], axis=1)
    G = flat.mean(axis=0)
    trace_sigma = float(((flat - G) ** 2).sum() / (len(y) - 1))
    grad_sq = float(G @ G)
    return {"B_simple": trace_sigma / grad_sq, "trace_sigma": trace_sigma, "grad_sq": grad_sq}


@dataclass
class CriticalBatch:
    """The fitted hyperbola S(B) = S_min + E_min / B and its knee B_crit = E_min / S_min."""

    S_min: float
    E_min: float

    @property
    def B_crit(self) -> float:
        return self.E_min / self.S_min

    def steps(self, B):
        """The fitted steps to the target at batch size B."""
        return self.S_min + self.E_min / np.asarray(B, dtype=float)


def fit_critical_batch(batch_sizes, steps) -> CriticalBatch:
    """Fit S = S_min + E_min / B to measured (batch size, steps to a target) pairs by least squares on
    the relative error (each row divided by its S), so a 300-step and a 10-step point weigh alike."""
    B, S = np.asarray(batch_sizes, dtype=float), np.asarray(steps, dtype=float)
    if B.shape != S.shape or B.ndim != 1 or len(B) < 2 or not (np.all(np.isfinite(S)) and np.all(S > 0)):
        raise ValueError(f"need >= 2 pairs of batch sizes and finite positive steps, but got {B!r} and {S!r}")
    A = np.column_stack([np.ones_like(B), 1 / B]) / S[:, None]
    (S_min, E_min), *_ = np.linalg.lstsq(A, np.ones_like(S), rcond=None)
    if not (S_min > 0 and E_min > 0):
        raise ValueError(f"the fit gave S_min = {S_min:.3g}, E_min = {E_min:.3g}: the steps do not fall with "
                         "the batch size like S_min + E_min / B; measure smaller and larger batches")
    return CriticalBatch(float(S_min), float(E_min))
