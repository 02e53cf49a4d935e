"""Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl, NeurIPS 2011).

Instead of modelling p(y | x) like a GP, TPE models p(x | y) with two densities:

    1. split the observed losses at the gamma-quantile y*:  l(x) = p(x | y < y*)   ("good")
                                                            g(x) = p(x | y >= y*)  ("bad");
    2. estimate l and g with Parzen (kernel density) estimators in the unit cube of the space;
    3. draw n_candidates points from l and propose the one with the largest l(x) / g(x).

Maximizing l / g maximizes expected improvement over y* (Bergstra et al. 2011, sec. 4.1:
EI(x) is proportional to (gamma + (1 - gamma) g(x) / l(x))^-1). The pieces are small pure functions
that a notebook can plot on their own: `split_observations`, `parzen_estimator` (pdf, log_pdf,
sample) and `default_gamma`.

Defaults, and why. We take those of Optuna's `TPESampler` (checked against optuna 5.0.0's source),
whose components Watanabe (2023, "Tree-structured Parzen Estimator: Understanding Its Algorithm
Components and Their Roles for Better Empirical Performance", arXiv:2304.11127) ablates one by one:
  - gamma(n) = min(ceil(0.1 n), 25): the "linear" split with beta = 0.1, capped at 25 good points
    (hyperopt's older rule, min(ceil(0.25 sqrt n), 25), keeps fewer points in l and explores more);
  - n_startup = 10 random trials, n_candidates = 24 draws from l per proposal;
  - multivariate=True: one kernel per observation over all dimensions jointly (product kernels with a
    shared mixture weight), which can learn interactions that per-dimension TPE cannot (Falkner, Klein
    & Hutter, BOHB, ICML 2018); Optuna's default for one objective. multivariate=False gives the
    original independent TPE;
  - a prior component of weight prior_weight = 1.0 in every estimator: a Gaussian centred on the
    middle of each numeric dimension with the whole range as its width, and a uniform distribution
    over each categorical's choices, so that l and g are never zero anywhere;
  - bandwidths by Bergstra et al.'s neighbour rule, the univariate rule of Hyperopt and Optuna: in
    each dimension a kernel's sigma is the larger of the gaps to its sorted neighbours (the two extreme
    kernels use their inner gap), clipped to [1 / min(100, n_kernels + 1), 1] of the range ("magic
    clip"). Hyperopt and Optuna also count the prior's centre as a neighbour; we do not. We use this
    rule in both modes, whereas Optuna's multivariate TPE (its default in version 5) gives every
    kernel the width 0.2 n^(-1/(d+4)) of the range instead;
  - categoricals: observation i puts mass 1 + w on its own choice and w = prior_weight / n_kernels on
    every choice (renormalized), as in Optuna;
  - uniform weights for all observations. (Optuna down-weights the oldest observations once a group
    holds more than 25; this matters only for long runs and is left out for clarity.)

How each kind of dimension is handled, in the unit cube of `Space.to_unit`: Float dimensions (log ones
in log space) get Gaussians truncated to [0, 1]; an Int dimension owns equal slices of [0, 1] (of log
space when log=True), so its kernel is the same truncated Gaussian and the likelihood of an integer is
the kernel's mass on its slice (a discretized Gaussian, as Optuna does for stepped dimensions);
Categorical dimensions get the weighted categorical distribution above.

Failed trials are put in g (they are "not good") without counting toward the split, and their points
are never proposed again. Pending trials under an executor are also put in g, like Optuna's
`constant_liar`, so that concurrent asks move away from each other (constant_liar defaults to True
here but to False in Optuna); and no proposal repeats a point that is already known (told, failed
or pending).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from scipy.special import log_ndtr, logsumexp, ndtr, ndtri

from ..space import Categorical, Int, Space, as_space
from .base import UnitCubeSearcher

__all__ = ["TPE", "default_gamma", "split_observations", "parzen_estimator", "ParzenEstimator"]

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
MAX_GOOD = 25  # Optuna's cap on the number of "good" observations
MIN_BANDWIDTH_DIVISOR = 100  # magic clip: sigma >= range / min(100, n_kernels + 1)
SAME_POINT = 1e-9  # unit points closer than this in every coordinate are the same config
N_FALLBACK = 100  # uniform draws tried when every candidate from l repeats a known point


def default_gamma(n: int) -> int:
    """Number of "good" observations among n: min(ceil(0.1 n), 25) (Optuna's default)."""
    return min(math.ceil(0.1 * n), MAX_GOOD)


def _n_good(n, gamma) -> int:
    if callable(gamma):
        k = gamma(n)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"gamma(n) must return a non-negative integer, but gamma({n}) returned {k!r}")
    else:
        k = math.ceil(gamma * n)
    return int(min(max(k, 1 if n else 0), n))


def _check_gamma(gamma):
    if callable(gamma):
        return gamma
    if not isinstance(gamma, Real) or isinstance(gamma, bool) or not 0 < gamma <= 1:
        raise ValueError(
            f"gamma is the fraction of observations called good, a number in (0, 1], or a function "
            f"n -> number of good observations (e.g. default_gamma), but got {gamma!r}"
        )
    return float(gamma)


def split_observations(losses, gamma=default_gamma):
    """Indices of the good and the bad observations: (good, bad), each sorted by loss (ties by order).

    gamma: a fraction in (0, 1] (the best ceil(gamma n) are good) or a function n -> number of good
    observations such as `default_gamma`. At least one observation is good when there is any.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1:
        raise ValueError(f"losses must be a 1-D sequence of numbers, but got shape {losses.shape}")
    if not np.all(np.isfinite(losses)):
        raise ValueError("losses must be finite; leave failed trials (NaN / None) out of the split")
    order = np.argsort(losses, kind="stable")
    k = _n_good(len(losses), _check_gamma(gamma))
    return order[:k], order[k:]


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


def _dimension_kind(dim):
    if isinstance(dim, Categorical):
        return "categorical"
    return "integer" if isinstance(dim, Int) else "float"


class ParzenEstimator:
    """A mixture of product kernels in [0, 1]^d: p(x) = sum_i w_i prod_j K_j(x_j | mu_ij, sigma_ij).

    Kernel i is observation i; the last kernel is the prior. Numeric dimensions: Gaussians truncated to
    [0, 1] (for an Int, the mass of the integer's slice of [0, 1]); categorical dimensions: a table of
    choice probabilities per kernel. Built by `parzen_estimator`; read its attributes to plot it.
    """

    def __init__(self, space, weights, mus, sigmas, choice_probs):
        self.space = space  # a Space, or None for plain floats in [0, 1]^d
        self.weights = weights  # (n_kernels,), sum 1
        self.mus = mus  # (n_kernels, d); unused entries (categorical dimensions) are NaN
        self.sigmas = sigmas  # (n_kernels, d)
        self.choice_probs = choice_probs  # {dimension index: (n_kernels, n_choices)}
        d = mus.shape[1]
        self.kinds = ["float"] * d if space is None else [_dimension_kind(space[n]) for n in space.names]

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
        for j, kind in enumerate(self.kinds):
            u = U[:, j][:, None]
            if kind == "categorical":
                k = self.choice_probs[j].shape[1]
                index = np.clip(np.floor(u[:, 0] * k), 0, k - 1).astype(int)
                with np.errstate(divide="ignore"):
                    log_p += np.log(self.choice_probs[j][:, index].T)
                continue
            mu, sigma = self.mus[:, j], self.sigmas[:, j]
            log_z = _log_normal_mass(-mu / sigma, (1 - mu) / sigma)  # truncation to [0, 1]
            if kind == "float":
                z = (u - mu) / sigma
                log_p += -0.5 * z**2 - LOG_SQRT_2PI - np.log(sigma) - log_z
            else:  # the kernel's mass on the integer's slice [edge_lo, edge_hi] of [0, 1]
                dim = self.space[self.space.names[j]]
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
        for j, kind in enumerate(self.kinds):
            if kind == "categorical":
                probs = self.choice_probs[j][component]  # (n, k)
                cumulative = np.cumsum(probs, axis=1)
                index = (rng.random((n, 1)) * cumulative[:, -1:] > cumulative).sum(axis=1)
                U[:, j] = (np.minimum(index, probs.shape[1] - 1) + 0.5) / probs.shape[1]
                continue
            mu, sigma = self.mus[component, j], self.sigmas[component, j]
            # Inverse CDF of the truncated Gaussian: mu is in [0, 1], so Phi(a) <= 1/2 <= Phi(b).
            cdf_a, cdf_b = ndtr(-mu / sigma), ndtr((1 - mu) / sigma)
            U[:, j] = np.clip(mu + sigma * ndtri(cdf_a + rng.random(n) * (cdf_b - cdf_a)), 0.0, 1.0)
        return U if self.space is None else self.space.snap(U)


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

    space:        the Space the points encode (for integer and categorical dimensions); None means
                  every dimension is a float in [0, 1].
    prior_weight: weight of the prior kernel (Gaussian at 0.5 with sigma 1; uniform over choices)
                  relative to weight 1 per observation (or `weights`).
    Returns a ParzenEstimator with pdf / log_pdf / sample. With no points it is the prior alone.
    """
    space = None if space is None else as_space(space)
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

    kinds = ["float"] * d if space is None else [_dimension_kind(space[name]) for name in space.names]
    mus, sigmas = np.full((n + 1, d), np.nan), np.full((n + 1, d), np.nan)
    choice_probs = {}
    for j, kind in enumerate(kinds):
        if kind == "categorical":
            k = len(space[space.names[j]].choices)
            index = np.clip(np.floor(P[:, j] * k), 0, k - 1).astype(int)
            table = np.full((n + 1, k), prior_weight / (n + 1))
            table[np.arange(n), index] += 1.0
            table[n] = 1.0  # the prior kernel: uniform
            choice_probs[j] = table / table.sum(axis=1, keepdims=True)
        else:
            mus[:n, j] = P[:, j]
            sigmas[:n, j] = _bandwidths(P[:, j], consider_endpoints)
            mus[n, j], sigmas[n, j] = 0.5, 1.0  # the prior kernel
    return ParzenEstimator(space, w, mus, sigmas, choice_probs)


class TPE(UnitCubeSearcher):
    """Tree-structured Parzen Estimator; see the module docstring for the algorithm and the defaults.

    gamma:         fraction of observations called good, in (0, 1], or a function n -> number of good
                   ones (default `default_gamma`: min(ceil(0.1 n), 25)).
    n_startup:     random trials before the model is used (counting completed trials).
    n_candidates:  points drawn from l(x) per proposal; the one with the largest l / g is proposed.
    prior_weight:  weight of the prior kernel in l and g (observations weigh 1 each).
    multivariate:  joint kernels over all dimensions (default) or independent per-dimension TPE.
    constant_liar: put pending trials in g so that concurrent asks differ (default True).
    """

    def __init__(self, space, *, seed=None, gamma=default_gamma, n_startup=10, n_candidates=24,
                 prior_weight=1.0, multivariate=True, constant_liar=True):
        super().__init__(space, seed=seed)
        self.gamma = _check_gamma(gamma)
        for name, value, low in (("n_startup", n_startup, 0), ("n_candidates", n_candidates, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, but got {value!r}")
        if not isinstance(prior_weight, Real) or not prior_weight > 0 or not math.isfinite(prior_weight):
            raise ValueError(f"prior_weight must be a number > 0, but got {prior_weight!r}")
        self.n_startup, self.n_candidates = int(n_startup), int(n_candidates)
        self.prior_weight = float(prior_weight)
        self.multivariate, self.constant_liar = bool(multivariate), bool(constant_liar)

    # -- the protocol ------------------------------------------------------------------------------
    def ask(self):
        trial_id, d = self._next_id, len(self.space)
        if len(self._y) < max(self.n_startup, 1):
            # Random start; trial i's point depends only on (seed, i), as in RandomSearch.
            draws = self.space.snap(self.trial_rng(trial_id).random((1 + N_FALLBACK, d)))
            x = self._first_new(draws)
        else:
            x = self._propose(self.trial_rng(trial_id, stream=1))
        return self._trial_at(x)

    # -- the model ---------------------------------------------------------------------------------
    def estimators(self, space=None, columns=None):
        """(l, g): the Parzen estimators of the good and the bad points, over `columns` of the unit
        cube (all by default). g also holds failed trials and, with constant_liar, pending ones."""
        X = np.array(self._X).reshape(-1, len(self.space))
        good, bad = split_observations(self._y, self.gamma)
        extra = self._failed + (list(self._pending.values()) if self.constant_liar else [])
        above = np.vstack([X[bad]] + [np.reshape(extra, (-1, len(self.space)))])
        columns = slice(None) if columns is None else columns
        space = self.space if space is None else space
        l = parzen_estimator(X[good][:, columns], space, prior_weight=self.prior_weight)
        g = parzen_estimator(above[:, columns], space, prior_weight=self.prior_weight)
        return l, g

    def _propose(self, rng):
        if self.multivariate:
            l, g = self.estimators()
            candidates = l.sample(rng, self.n_candidates)
            scores = l.log_pdf(candidates) - g.log_pdf(candidates)
        else:  # independent TPE: each dimension's best candidate, on its own
            candidates = np.empty((self.n_candidates, len(self.space)))
            per_dim = np.empty_like(candidates)
            for j, name in enumerate(self.space.names):
                l, g = self.estimators(Space({name: self.space[name]}), [j])
                candidates[:, j] = l.sample(rng, self.n_candidates)[:, 0]
                per_dim[:, j] = l.log_pdf(candidates[:, [j]]) - g.log_pdf(candidates[:, [j]])
            best = candidates[np.argmax(per_dim, axis=0), np.arange(len(self.space))]
            candidates = np.vstack([best, candidates])
            scores = np.concatenate([[np.inf], per_dim.sum(axis=1)])
        ranked = candidates[np.argsort(-scores, kind="stable")]
        fallback = self.space.snap(rng.random((N_FALLBACK, len(self.space))))
        return self._first_new(np.vstack([ranked, fallback]))

    def _first_new(self, points):
        """The first of `points` that repeats no known point (told, failed or pending); if all do,
        the first that repeats no failed point; if even that fails, the first point."""
        known = np.array(self._X + self._failed + list(self._pending.values())).reshape(-1, len(self.space))
        failed = np.array(self._failed).reshape(-1, len(self.space))
        for pool in (known, failed):
            for x in points:
                if len(pool) == 0 or np.min(np.max(np.abs(pool - x), axis=1)) > SAME_POINT:
                    return x
        return points[0]  # every config in reach has failed: nothing better to propose
