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

from ..models.parzen import parzen_estimator
from ..space import Space
from .base import UnitCubeSearcher

__all__ = ["default_gamma", "split_observations", "TPE"]

MAX_GOOD = 25  # Optuna's cap on the number of "good" observations
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
