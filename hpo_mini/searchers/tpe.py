"""Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl, NeurIPS 2011).

Instead of modelling p(y | x) like a GP, TPE models p(x | y) with two densities:

    1. split the observed losses at the gamma-quantile y*:  l(x) = p(x | y < y*)   ("good")
                                                            g(x) = p(x | y >= y*)  ("bad");
    2. estimate l and g with Parzen (kernel density) estimators in the unit cube of the space;
    3. draw n_candidates points from l and propose the one with the largest l(x) / g(x).

Maximizing l / g maximizes expected improvement over y* (Bergstra et al. 2011, sec. 4.1:
EI(x) is proportional to (gamma + (1 - gamma) g(x) / l(x))^-1). The pieces are small pure functions
that a notebook can plot on their own: `split_observations`, `parzen_estimator` (models/parzen.py:
pdf, log_pdf, sample) and `default_gamma`.

The estimators. Each is a mixture with one kernel per observation plus a prior kernel of weight
prior_weight (a Gaussian centred on the middle of each numeric dimension with the whole range as its
width, uniform over each categorical's choices), so l and g are never zero anywhere. Observations
weigh 1 each. With multivariate=True (the default) a kernel is a product over all dimensions with one
mixture weight, so l and g can learn interactions that per-dimension TPE cannot (Falkner, Klein &
Hutter, BOHB, ICML 2018); multivariate=False is the original independent TPE, one l / g per dimension.
A kernel's width in each dimension is Bergstra et al.'s neighbour rule: the larger of the gaps to its
sorted neighbours (0 and 1 count as the outer neighbours; the two extreme kernels use their inner gap),
clipped to [1 / min(100, n_kernels + 1), 1] of the range (the "magic clip").

How each kind of dimension is handled, in the unit cube of `Space.to_unit`: Float dimensions (log ones
in log space) get Gaussians truncated to [0, 1]; an Int dimension owns equal slices of [0, 1] (of log
space when log=True), so its kernel is the same truncated Gaussian and the likelihood of an integer is
the kernel's mass on its slice (a discretized Gaussian); a Categorical dimension gets a categorical
distribution per kernel: observation i puts mass 1 + w on its own choice and w = prior_weight / n_kernels
on every choice (renormalized).

Failed trials are put in g (they are "not good") without counting toward the split, and their points
are never proposed again. Pending trials under an executor are put in g too (constant_liar=True), so
that concurrent asks move away from each other; no proposal repeats a known point (told, failed or
pending: `UnitCubeSearcher.first_new`).

The defaults and how they compare with Optuna are at the end of this module.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ..models.parzen import parzen_estimator
from ..space import Space, check_count
from .base import UnitCubeSearcher

__all__ = ["default_gamma", "split_observations", "TPE"]

MAX_GOOD = 25  # Optuna's cap on the number of "good" observations
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
        self.n_startup = check_count(n_startup, "n_startup", low=0)
        self.n_candidates = check_count(n_candidates, "n_candidates")
        if not isinstance(prior_weight, Real) or not prior_weight > 0 or not math.isfinite(prior_weight):
            raise ValueError(f"prior_weight must be a number > 0, but got {prior_weight!r}")
        self.prior_weight = float(prior_weight)
        self.multivariate, self.constant_liar = bool(multivariate), bool(constant_liar)

    # -- the protocol ------------------------------------------------------------------------------
    def ask(self):
        trial_id, d = self._next_id, len(self.space)
        if len(self._y) < max(self.n_startup, 1):
            # Random start; trial i's point depends only on (seed, i), as in RandomSearch.
            draws = self.space.snap(self.trial_rng(trial_id).random((1 + N_FALLBACK, d)))
            x = self.first_new(draws)
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
        return self.first_new(np.vstack([ranked, fallback]))


# -- the defaults, and how they compare with Optuna ------------------------------------------------
# Checked against the installed optuna 5.1.0 (optuna/samplers/_tpe/sampler.py and parzen_estimator.py);
# every statement below is about that version. Our defaults are those of its TPESampler, whose
# components Watanabe (2023, "Tree-structured Parzen Estimator: Understanding Its Algorithm Components
# and Their Roles for Better Empirical Performance", arXiv:2304.11127) ablates one by one.
#   - gamma(n) = min(ceil(0.1 n), 25) (`default_gamma` in 5.1.0); the rule it calls hyperopt's,
#     min(ceil(0.25 sqrt n), 25) (`hyperopt_default_gamma`), keeps fewer points in l and explores more.
#   - n_startup = 10 random trials (`n_startup_trials`, counting complete and pruned trials), and
#     n_candidates = 24 draws from l per proposal (`n_ei_candidates`).
#   - multivariate: 5.1.0's default `multivariate=None` means True for one objective (False for several).
#   - constant_liar=True is 5.1.0's default too: running trials go into g ("above") and do not count in
#     the n of gamma(n).
#   - bandwidths: 5.1.0 uses the neighbour rule above in every mode, with the same magic clip, the range
#     ends as outer neighbours and the extreme kernels' inner gap (`consider_endpoints=False`); the prior's
#     centre is not a neighbour. Its `_ParzenEstimatorParameters.multivariate` field is marked "unused",
#     so the multivariate estimator has no bandwidth rule of its own.
#   - prior kernel (centre of the range, width = the range, prior_weight = 1.0) and the categorical
#     kernel (1 + w on the observed choice, w = prior_weight / n_kernels everywhere, renormalized): as in 5.1.0.
# Where we differ from 5.1.0:
#   - weights: 5.1.0's `default_weights` down-weights the oldest observations linearly once a group holds
#     more than 25; ours are uniform (it matters only for long runs; left out for clarity).
#   - failed trials: 5.1.0 leaves them out of l and g; we put them in g so their region is avoided.
#   - pruned trials: 5.1.0 ranks them after all complete trials (the last step reached, then its value);
#     here a pruned trial is told its last reported value by `optimize` and ranks among the complete ones.
