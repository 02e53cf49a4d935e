"""BOHB: Hyperband whose new configurations come from a TPE-style model (Falkner, Klein & Hutter, "BOHB: Robust
and Efficient Hyperparameter Optimization at Scale", ICML 2018, Algorithm 2; defaults as in their code,
hpbandster 0.7.4, `optimizers/config_generators/bohb.py`).

Hyperband decides *how much* budget each configuration gets (`hyperband.py`: the same brackets, the same
synchronous rungs, the same resume from a journal). BOHB changes only *which* configurations start a bracket:

    1. keep every result, grouped by budget: D_b = {(x, loss)} (failed trials count as loss +inf, "bad");
    2. the model budget b is the largest budget with enough results: with N = |D_b| and n_min = d + 1,
           n_good = max(n_min, floor(q N)),  n_bad = max(n_min, floor((1 - q) N)),   q = 15 / 100,
       the best n_good results are "good", the next n_bad "bad", and b qualifies when both sets hold more
       than d points (hpbandster's test: with few results, N >= 2(d + 1); summaries such as Feurer & Hutter,
       "Hyperparameter Optimization", AutoML book 2019, ch. 1, say "at least d + 1 evaluations");
    3. with probability rho = 1/3, or when no budget qualifies yet, draw the configuration at random;
    4. else fit l(x) to the good points and g(x) to the bad ones (product-kernel densities, bandwidths by
       the normal reference rule h_j = 1.06 sd_j N^(-1/(d + 4)), at least min_bandwidth), draw num_samples
       = 64 candidates from l with every continuous bandwidth widened by bandwidth_factor = 3 (a good
       point's coordinates, each moved by a truncated Gaussian; a categorical kept with probability 1 - h,
       else drawn uniformly), and return the candidate with the largest l(x) / g(x).

Why the largest budget: its results rank configurations most like the full budget does; the lower
budgets' many results are used until a higher budget has enough (Falkner et al., sec. 3.2).

The densities are `models/parzen.py`'s `ParzenEstimator` with one kernel per point and no prior kernel:
Gaussians truncated to [0, 1] (an Int's kernel is its mass on the integer's slice) and, for a categorical
of c choices, Aitchison & Aitken's kernel (1 - h on the point's own choice, h / (c - 1) on each other, h
clipped to [min_bandwidth, (c - 1) / c]). Differences from hpbandster 0.7.4: its densities are statsmodels'
KDEMultivariate, whose Gaussians are not truncated to [0, 1] (it samples from truncated ones), and its h
for a categorical is not clipped above; its `random_fraction` draws use the global numpy RNG, ours
`trial_rng` (reproducible and resumable). Conditional spaces (hpbandster's imputation) are not handled.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from scipy.special import ndtr, ndtri

from ..models.parzen import ParzenEstimator
from ..space import check_count
from ..study import is_failure
from .base import Searcher
from .hyperband import Hyperband
from .successive_halving import tidy_budget

__all__ = ["normal_reference_bandwidths", "good_bad_split", "kde_pair", "kde_candidates", "BOHBSampler", "BOHB"]

STREAM_RANDOM, STREAM_MODEL = 41, 42  # trial_rng streams: the random-fraction coin and random configs; the model
MIN_DENSITY = 1e-32  # hpbandster's floor on l(x) and g(x) before their ratio


def normal_reference_bandwidths(points) -> np.ndarray:
    """The normal reference rule of thumb per dimension (statsmodels' KDEMultivariate bw='normal_reference'):
    h_j = 1.06 sd_j N^(-1/(d + 4)), sd with ddof 0, for N points (N, d)."""
    P = np.asarray(points, dtype=float)
    return 1.06 * P.std(axis=0) * len(P) ** (-1.0 / (4 + P.shape[1]))


def good_bad_split(losses, d, top_n_percent=15, min_points=None):
    """(good, bad) indices into `losses` (sorted by loss, ties by order), or None when there are too few
    results: n_good = max(n_min, floor(q N)), n_bad = max(n_min, floor((1 - q) N)) with q = top_n_percent / 100
    and n_min = min_points (default d + 1); both sets must hold more than d points (hpbandster 0.7.4)."""
    losses = np.asarray(losses, dtype=float)
    n_min = d + 1 if min_points is None else min_points
    N = len(losses)
    if N < n_min:
        return None
    n_good = max(n_min, (top_n_percent * N) // 100)
    n_bad = max(n_min, ((100 - top_n_percent) * N) // 100)
    order = np.argsort(losses, kind="stable")
    good, bad = order[:n_good], order[n_good:n_good + n_bad]
    if len(good) <= d or len(bad) <= d:
        return None
    return good, bad


def _categorical_columns(space):
    return {j: len(space[name].choices) for j, name in enumerate(space.names) if space[name].kind == "categorical"}


def _bandwidths(points, space, min_bandwidth):
    """Normal-reference bandwidths, >= min_bandwidth; a categorical's (on its choice indices) <= (c - 1) / c."""
    P = np.array(points, dtype=float)
    cats = _categorical_columns(space)
    for j in cats:
        P[:, j] = space[space.names[j]].slice_index(P[:, j])
    h = np.maximum(normal_reference_bandwidths(P), min_bandwidth)
    for j, c in cats.items():
        h[j] = min(h[j], (c - 1) / c)
    return h


def _density(points, space, h):
    """A ParzenEstimator with one kernel of bandwidths h per point, equal weights, no prior kernel."""
    P = np.asarray(points, dtype=float)
    n, d = P.shape
    mus, sigmas = P.copy(), np.tile(h, (n, 1))
    choice_probs = {}
    for j, c in _categorical_columns(space).items():
        index = space[space.names[j]].slice_index(P[:, j])
        table = np.full((n, c), h[j] / (c - 1))  # Aitchison & Aitken (1976)
        table[np.arange(n), index] = 1 - h[j]
        choice_probs[j] = table
        mus[:, j] = sigmas[:, j] = np.nan
    return ParzenEstimator(space, np.full(n, 1.0 / n), mus, sigmas, choice_probs)


def kde_pair(good_points, bad_points, space, min_bandwidth=1e-3):
    """(l, g): the densities of the good and the bad unit points (see the module docstring)."""
    return (_density(good_points, space, _bandwidths(good_points, space, min_bandwidth)),
            _density(bad_points, space, _bandwidths(bad_points, space, min_bandwidth)))


def kde_candidates(good_points, space, rng, n, bandwidth_factor=3.0, min_bandwidth=1e-3) -> np.ndarray:
    """n candidates drawn as hpbandster does: a good point at random, each continuous coordinate moved by a
    Gaussian of sd bandwidth_factor * h truncated to [0, 1], each categorical kept with probability 1 - h,
    else a uniform choice; snapped (`Space.snap`). Returns unit points (n, d)."""
    P = np.asarray(good_points, dtype=float)
    h = _bandwidths(P, space, min_bandwidth)
    cats = _categorical_columns(space)
    base = P[rng.integers(0, len(P), size=n)]
    U = np.empty_like(base)
    for j in range(P.shape[1]):
        if j in cats:
            dim = space[space.names[j]]
            keep = rng.random(n) < 1 - h[j]
            U[:, j] = np.where(keep, base[:, j], dim.slice_centre(rng.integers(0, cats[j], size=n)))
            continue
        mu, sigma = base[:, j], bandwidth_factor * h[j]
        lo, hi = ndtr(-mu / sigma), ndtr((1 - mu) / sigma)  # inverse CDF of N(mu, sigma) on [0, 1]
        U[:, j] = np.clip(mu + sigma * ndtri(lo + rng.random(n) * (hi - lo)), 0.0, 1.0)
    return space.snap(U)


class BOHBSampler(Searcher):
    """BOHB's configuration generator, the base searcher of `BOHB`: `observe(config, budget, loss)` gets every
    result at every budget; `ask()` proposes a configuration from the model of the largest budget that has
    enough results (or at random). Its `tell` only records (the data come through `observe`).

    Learned state: `observations_` {budget: [(unit point, loss)]}, `model_budget_` {its trial id: the budget
    whose model proposed it, or None for a random config}.
    """

    def __init__(self, space, *, seed=None, min_points_in_model=None, top_n_percent=15, num_samples=64,
                 random_fraction=1 / 3, bandwidth_factor=3.0, min_bandwidth=1e-3):
        super().__init__(space, seed=seed)
        d = len(self.space)
        self.min_points_in_model = d + 1 if min_points_in_model is None else check_count(min_points_in_model,
                                                                                          "min_points_in_model")
        if self.min_points_in_model < d + 1:  # hpbandster raises it to d + 1 too (with a warning)
            raise ValueError(f"min_points_in_model must be >= d + 1 = {d + 1} (a density in {d}-D needs more "
                             f"points than dimensions), but got {min_points_in_model!r}")
        if isinstance(top_n_percent, bool) or not isinstance(top_n_percent, int) or not 0 < top_n_percent < 100:
            raise ValueError(f"top_n_percent must be an integer in 1..99, but got {top_n_percent!r}")
        for name, value, lo, hi in (("random_fraction", random_fraction, 0, 1),
                                    ("bandwidth_factor", bandwidth_factor, 1e-12, math.inf),
                                    ("min_bandwidth", min_bandwidth, 1e-12, 1)):
            if isinstance(value, bool) or not isinstance(value, Real) or not lo <= value <= hi:
                raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}], but got {value!r}")
        self.top_n_percent, self.num_samples = top_n_percent, check_count(num_samples, "num_samples")
        self.random_fraction, self.bandwidth_factor = random_fraction, bandwidth_factor
        self.min_bandwidth = min_bandwidth
        self.observations_ = {}
        self.model_budget_ = {}

    def observe(self, config, budget, value) -> None:
        """Record a result at a budget; a failure (None, NaN, inf) counts as loss +inf (hpbandster's rule)."""
        loss = math.inf if is_failure(value) else float(value)
        self.observations_.setdefault(tidy_budget(budget), []).append((self.space.to_unit(config)[0], loss))

    def split(self):
        """(budget, good unit points, bad unit points) of the largest budget with enough results, or None."""
        for budget in sorted(self.observations_, reverse=True):
            points = np.array([x for x, _ in self.observations_[budget]])
            found = good_bad_split([y for _, y in self.observations_[budget]], len(self.space),
                                   self.top_n_percent, self.min_points_in_model)
            if found is not None:
                return budget, points[found[0]], points[found[1]]
        return None

    def ask(self):
        trial_id = self._next_id
        coin = self.trial_rng(trial_id, stream=STREAM_RANDOM)
        found = self.split()
        if found is None or coin.random() < self.random_fraction:
            config, budget = self.space.sample(coin)[0], None
        else:
            budget, good, bad = found
            l, g = kde_pair(good, bad, self.space, self.min_bandwidth)
            candidates = kde_candidates(good, self.space, self.trial_rng(trial_id, stream=STREAM_MODEL),
                                        self.num_samples, self.bandwidth_factor, self.min_bandwidth)
            floor = math.log(MIN_DENSITY)
            scores = np.maximum(l.log_pdf(candidates), floor) - np.maximum(g.log_pdf(candidates), floor)
            config = self.space.from_unit(candidates[int(np.argmax(scores))])[0]
        trial = self._new_trial(config)
        self.model_budget_[trial.id] = budget
        return trial


class BOHB(Hyperband):
    """BOHB (Falkner et al. 2018): `Hyperband` (same budgets, eta, n_iterations, brackets, resume) with a
    `BOHBSampler` as its base searcher, told every result at every budget. The sampler's settings
    (min_points_in_model, top_n_percent, num_samples, random_fraction, bandwidth_factor, min_bandwidth) are
    hpbandster's, with its defaults. `sampler` is the BOHBSampler (also `base_searcher`)."""

    def __init__(self, space, *, min_budget, max_budget, eta=3, n_iterations=1, seed=None, min_points_in_model=None,
                 top_n_percent=15, num_samples=64, random_fraction=1 / 3, bandwidth_factor=3.0, min_bandwidth=1e-3):
        sampler = BOHBSampler(space, seed=seed, min_points_in_model=min_points_in_model, top_n_percent=top_n_percent,
                              num_samples=num_samples, random_fraction=random_fraction,
                              bandwidth_factor=bandwidth_factor, min_bandwidth=min_bandwidth)
        super().__init__(space, min_budget=min_budget, max_budget=max_budget, eta=eta, n_iterations=n_iterations,
                         base_searcher=sampler, seed=seed)
        self.sampler = sampler

    def tell(self, trial, value):
        """Record a result: the model hears it at its budget; then Hyperband's bookkeeping (rungs, resume)."""
        super().tell(trial, value)
        self.sampler.observe(trial.config, trial.budget, value)
