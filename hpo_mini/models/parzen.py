"""Parzen (kernel density) estimators on the unit cube: the density model inside TPE.

A mixture of product kernels, one per observation plus a prior kernel; numeric dimensions get
Gaussians truncated to [0, 1], categorical ones a weighted categorical distribution. See
`searchers/tpe.py` for how TPE uses two of them, l(x) and g(x), and for the defaults' sources.

Like every model, this module imports nothing of the package: it reads what it needs from the space
it is given (a `Space` or a dict of dimensions): each dimension's `kind` ("float", "int" or
"categorical"), an int's `from_unit` / `to_unit` (its slice edges), a categorical's `choices`,
`slice_index` and `slice_centre`.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from scipy.special import log_ndtr, logsumexp, ndtr, ndtri

__all__ = ["ParzenEstimator", "parzen_estimator"]

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
MIN_BANDWIDTH_DIVISOR = 100  # magic clip: sigma >= range / min(100, n_kernels + 1)


def _kind(dim) -> str:
    """"float", "int" or "categorical": a dimension's `kind` (None, a plain unit float, is "float")."""
    return "float" if dim is None else dim.kind


# -- truncated Gaussians on [0, 1] -----------------------------------------------------------------
def _log1mexp(x):
    """log(1 - exp(x)) for x <= 0, accurate near 0 and for x << 0 (Maechler 2012)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > -math.log(2), np.log(-np.expm1(np.minimum(x, 0))), np.log1p(-np.exp(x)))


def _log_normal_mass(a, b):
    """log(Phi(b) - Phi(a)) for a <= b, accurate in both tails (no 1 - 1 cancellation)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    flip = a > 0  # both in the upper tail: Phi(b) - Phi(a) = Phi(-a) - Phi(-b)
    lo, hi = np.where(flip, -b, a), np.where(flip, -a, b)
    log_hi = log_ndtr(hi)
    return log_hi + _log1mexp(log_ndtr(lo) - log_hi)


class ParzenEstimator:
    """A mixture of product kernels in [0, 1]^d: p(x) = sum_i w_i prod_j K_j(x_j | mu_ij, sigma_ij).

    Kernel i is observation i; the last kernel is the prior. Numeric dimensions: Gaussians truncated to
    [0, 1] (for an Int, the mass of the integer's slice of [0, 1]); categorical dimensions: a table of
    choice probabilities per kernel. Built by `parzen_estimator`; read its attributes to plot it.
    """

    def __init__(self, space, weights, mus, sigmas, choice_probs):
        self.space = space  # a Space (or dict of dimensions), or None for plain floats in [0, 1]^d
        self.weights = weights  # (n_kernels,), sum 1
        self.mus = mus  # (n_kernels, d); unused entries (categorical dimensions) are NaN
        self.sigmas = sigmas  # (n_kernels, d)
        self.choice_probs = choice_probs  # {dimension index: (n_kernels, n_choices)}
        self.dims = [None] * mus.shape[1] if space is None else [space[name] for name in space]
        self.kinds = [_kind(dim) for dim in self.dims]

    def __repr__(self):
        return f"ParzenEstimator({len(self.weights)} kernels incl. the prior, {len(self.kinds)}-D)"

    def _as_points(self, U):
        U = np.asarray(U, dtype=float)
        if U.ndim == 1:  # a grid of values for a 1-D estimator, or one point of a d-D one
            U = U[:, None] if len(self.kinds) == 1 else U[None, :]
        if U.ndim != 2 or U.shape[1] != len(self.kinds):
            raise ValueError(f"expected points in [0, 1]^{len(self.kinds)}, got shape {U.shape}")
        return U

    def log_pdf(self, U):
        """log p(x) at unit points U, (m, d) (or (m,) for a 1-D estimator): log density for float
        dimensions times probability for integer and categorical ones; -inf outside [0, 1]^d."""
        U = self._as_points(U)
        with np.errstate(divide="ignore"):  # a kernel of weight 0 (prior_weight=0) contributes nothing
            log_p = np.tile(np.log(self.weights), (len(U), 1))  # (m, n_kernels)
        for j, (kind, dim) in enumerate(zip(self.kinds, self.dims)):
            u = U[:, j][:, None]
            if kind == "categorical":
                with np.errstate(divide="ignore"):
                    log_p += np.log(self.choice_probs[j][:, dim.slice_index(u[:, 0])].T)
                continue
            mu, sigma = self.mus[:, j], self.sigmas[:, j]
            log_z = _log_normal_mass(-mu / sigma, (1 - mu) / sigma)  # truncation to [0, 1]
            if kind == "float":
                z = (u - mu) / sigma
                log_p += -0.5 * z**2 - LOG_SQRT_2PI - np.log(sigma) - log_z
            else:  # the kernel's mass on the integer's slice [edge_lo, edge_hi] of [0, 1]
                value = dim.from_unit(u[:, 0])
                lo_edge = np.clip(dim.to_unit(value - 0.5), 0, 1)[:, None]
                hi_edge = np.clip(dim.to_unit(value + 0.5), 0, 1)[:, None]
                log_p += _log_normal_mass((lo_edge - mu) / sigma, (hi_edge - mu) / sigma) - log_z
            outside = (u[:, 0] < 0) | (u[:, 0] > 1)
            log_p[outside] = -np.inf
        return logsumexp(log_p, axis=1)

    def pdf(self, U):
        return np.exp(self.log_pdf(U))

    def sample(self, rng, n):
        """n unit points drawn from the mixture, (n, d); integer and categorical coordinates snapped."""
        rng = np.random.default_rng(rng)
        component = rng.choice(len(self.weights), size=n, p=self.weights)
        U = np.empty((n, len(self.kinds)))
        for j, (kind, dim) in enumerate(zip(self.kinds, self.dims)):
            if kind == "categorical":
                probs = self.choice_probs[j][component]  # (n, k)
                cumulative = np.cumsum(probs, axis=1)
                index = (rng.random((n, 1)) * cumulative[:, -1:] > cumulative).sum(axis=1)
                U[:, j] = dim.slice_centre(np.minimum(index, probs.shape[1] - 1))
                continue
            mu, sigma = self.mus[component, j], self.sigmas[component, j]
            # Inverse CDF of the truncated Gaussian: mu is in [0, 1], so Phi(a) <= 1/2 <= Phi(b).
            cdf_a, cdf_b = ndtr(-mu / sigma), ndtr((1 - mu) / sigma)
            U[:, j] = np.clip(mu + sigma * ndtri(cdf_a + rng.random(n) * (cdf_b - cdf_a)), 0.0, 1.0)
            if kind == "int":  # to the unit point of the integer it decodes to
                U[:, j] = dim.snap(U[:, j])
        return U


def _bandwidths(mus, consider_endpoints=False):
    """Bergstra et al. (2011) / hyperopt / Optuna: each kernel's sigma is the larger gap to its sorted
    neighbours, with 0 and 1 as outer neighbours; without consider_endpoints the two extreme kernels
    take their inner gap instead. Then the "magic clip" to [1 / min(100, n_kernels + 1), 1]."""
    n = len(mus)
    order = np.argsort(mus)
    padded = np.concatenate([[0.0], mus[order], [1.0]])
    sorted_sigmas = np.maximum(padded[1:-1] - padded[:-2], padded[2:] - padded[1:-1])
    if not consider_endpoints and n >= 2:
        sorted_sigmas[0] = padded[2] - padded[1]
        sorted_sigmas[-1] = padded[-2] - padded[-3]
    sigmas = np.empty(n)
    sigmas[order] = sorted_sigmas
    n_kernels = n + 1  # with the prior
    return np.clip(sigmas, 1.0 / min(MIN_BANDWIDTH_DIVISOR, n_kernels + 1), 1.0)


def parzen_estimator(points, space=None, *, prior_weight=1.0, weights=None, consider_endpoints=False):
    """A Parzen estimator of the density of `points`, unit-cube points (n, d) (or (n,) in 1-D).

    space:        the Space (or dict of dimensions) the points encode, for integer and categorical
                  dimensions; None means every dimension is a float in [0, 1].
    prior_weight: weight of the prior kernel (Gaussian at 0.5 with sigma 1; uniform over choices)
                  relative to weight 1 per observation (or `weights`).
    Returns a ParzenEstimator with pdf / log_pdf / sample. With no points it is the prior alone.
    """
    P = np.asarray(points, dtype=float)
    d = len(space) if space is not None else (P.shape[1] if P.ndim == 2 else 1)
    if P.ndim == 1 and P.size % d == 0:  # 1-D values of a 1-D estimator (or one d-D point)
        P = P.reshape(-1, d)
    if P.ndim != 2 or P.shape[1] != d:
        raise ValueError(f"points must be an (n, {d}) array of unit-cube points, but got shape {P.shape}")
    if not np.all(np.isfinite(P)) or np.any((P < 0) | (P > 1)):
        raise ValueError("points must lie in [0, 1]^d (use space.to_unit on configs)")
    if not isinstance(prior_weight, Real) or not math.isfinite(prior_weight) or prior_weight < 0:
        raise ValueError(f"prior_weight must be a number >= 0, but got {prior_weight!r}")
    n = len(P)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (n,) or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError(f"weights must be {n} finite numbers >= 0, one per point, but got {weights!r}")
    w = np.append(w, prior_weight if n else 1.0)  # the prior is the whole estimator when n == 0
    if w.sum() <= 0:
        raise ValueError("weights and prior_weight are all 0: the estimator would be empty")
    w = w / w.sum()

    dims = [None] * d if space is None else [space[name] for name in space]
    mus, sigmas = np.full((n + 1, d), np.nan), np.full((n + 1, d), np.nan)
    choice_probs = {}
    for j, dim in enumerate(dims):
        if _kind(dim) == "categorical":
            k = len(dim.choices)
            table = np.full((n + 1, k), prior_weight / (n + 1))
            table[np.arange(n), dim.slice_index(P[:, j])] += 1.0
            table[n] = 1.0  # the prior kernel: uniform
            choice_probs[j] = table / table.sum(axis=1, keepdims=True)
        else:
            mus[:n, j] = P[:, j]
            sigmas[:n, j] = _bandwidths(P[:, j], consider_endpoints)
            mus[n, j], sigmas[n, j] = 0.5, 1.0  # the prior kernel
    return ParzenEstimator(space, w, mus, sigmas, choice_probs)
