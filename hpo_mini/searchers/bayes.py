"""Bayesian optimization: a Gaussian process models the objective, an acquisition function picks
the next point (Jones, Schonlau & Welch 1998; Snoek, Larochelle & Adams 2012).

    1. evaluate an initial Sobol design of n_startup points;
    2. fit a GP to all (x, y) seen so far, x in the unit cube of the space;
    3. propose argmax_x acquisition(mu(x), sigma(x)); evaluate it; go to 2.

How each kind of dimension is handled: the GP works on `space.to_unit`, so log dimensions are
modelled in log space. Integers and categoricals are *snapped*: the acquisition is evaluated at
`to_unit(from_unit(x))`, the point that would really be run, so it is flat inside each integer's or
choice's slice (Garrido-Merchan & Hernandez-Lobato, Neurocomputing 2020). Categoricals are thereby
ordinal in the kernel, a known weakness with many unordered choices (TPE handles them better).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from scipy.optimize import minimize
from scipy.stats import qmc

from ..models.acquisition import ACQUISITIONS, acquisition_score, acquisition_score_slopes
from ..models.gp import GaussianProcess, one_blas_thread
from ..space import check_count
from .base import UnitCubeSearcher

__all__ = ["BayesianOptimization"]

N_FALLBACK = 100  # fresh random points tried when every proposal repeats a known point
# TuRBO's trust region (Eriksson et al., NeurIPS 2019, section 3): side lengths in the unit cube, and the
# successes in a row that double it (failures in a row that halve it: max(4, d)).
TR_INITIAL, TR_MAX, TR_MIN, TR_SUCCESSES = 0.8, 1.6, 0.5**7, 3
LOG_WARP_EPS = 1e-3  # log(y - min y + eps), eps this fraction of the observed range: the best point stays finite


class BayesianOptimization(UnitCubeSearcher):
    """GP-based Bayesian optimization.

    n_startup:     size of the Sobol initial design (default max(2 d + 1, 8)).
    kernel:        "matern52" or "rbf".
    acquisition:   "ei" (maximized in log form for stability), "pi" or "ucb"; knobs xi (EI, PI), kappa (UCB);
                   or "hedge": GP-Hedge (Hoffman, Brochu & de Freitas, UAI 2011), a portfolio of all three.
                   Each nominates its maximizer; one nominee is run, chosen with probability softmax(eta g),
                   where acquisition i's gain g_i sums -mu(nominee_i) of every later model (in standard
                   deviations of the modelled values; scikit-optimize 0.10.2's gp_hedge sums them in y's units).
    around_best:   the fraction of the raw candidates drawn around the 5 best points seen (Gaussian steps of
                   0.05 of each unit range) instead of uniformly: the acquisition search looks near the
                   incumbents as well as everywhere. Default 0.25: with the other defaults, 0 was worse on
                   Hartmann-6 and tied on the other four functions of benchmarks/bo_ablation.py (paired test
                   over 20 seeds, results/bo_ablation.md).
    xi:            the improvement EI and PI ask for beyond the incumbent, in standard deviations of the
                   values the GP models (y or log y, whichever `transform_` is): one xi means the same
                   on every function and under either transform. `xi_` is it in the model's units.
                   Default 0: it matched or beat 0.001 and 0.01 on all four functions of
                   benchmarks/xi_units.py (results/xi_units.md).
    n_candidates:  random points scored to seed the acquisition search; the best `n_local` are refined
                   by L-BFGS-B.
    liar:          the value a pending trial is assumed to have while it runs ("min", "mean" or "max" of
                   the observed values): the constant liar of Ginsbourger, Le Riche & Carraro (2010),
                   so that parallel asks under an executor propose different points. The kernel's
                   hyperparameters are fitted to the real results only; the lies are conditioned on
                   with them frozen, so a lie cannot shrink the length-scales and cluster the batch.
    gp_kwargs:     extra arguments for the GaussianProcess. Default: BoTorch's priors, Gamma(3, rate 6) on each
                   length-scale and Gamma(2, rate 0.15) on the signal variance (lengthscale_prior="gamma" and
                   signal_variance_prior="gamma" in gp.py; set both to None for plain maximum likelihood). Without
                   the length-scale prior the ablation was worse on Hartmann-6, Rosenbrock-4 and Ackley-5, without
                   the signal-variance prior on Ackley-5, and tied elsewhere (results/bo_ablation.md).
                   E.g. {"optimize": False, "lengthscale": 0.2}
                   to fix the hyperparameters (length-scale 0.2 in the unit cube, signal variance 1,
                   noise 1e-4 on standardized y, unless given too) instead of fitting them (gp.py).
    gp_restarts:   random starts of the kernel fit besides the warm start from the last optimum. Default 0: two
                   were worse on Ackley-5 and tied on the other four functions, and slower (results/bo_ablation.md).
    refit_every:   with gp_restarts > 0, restart the kernel fit every this many results; in between, one fit
                   warm-started from the last optimum. Default 1.
    compare_every: with y_transform="auto", fit and compare both output models every this many results; in
                   between, fit only the model in use. Default 1, so the model follows the data at every step
                   (every 5 was tied on all five functions of results/bo_ablation.md, and a little faster).
    y_transform:   "none", "log" (model log(y - min y + eps): helps when a few values are huge, as on
                   Rosenbrock), or "auto": pick, at every step, whichever model explains the data better.
    trust_region:  search only a box around the incumbent, TuRBO-1's (Eriksson, Pearce, Gardner, Turner &
                   Poloczek, NeurIPS 2019): side TR_INITIAL times the GP's length-scales over their geometric
                   mean; doubled after TR_SUCCESSES improvements in a row, halved after max(4, d) failures in a
                   row, and reset to TR_INITIAL when it shrinks below TR_MIN (TuRBO restarts with a new design).
                   On by default: off was worse on Branin and Hartmann-6 and tied on the other three functions
                   (results/bo_ablation.md).
    Failed trials are left out of the GP fit, but their points are never proposed again.

    Fitted state, set by each model-based ask (or `fit_model`): `gp_` (the GaussianProcess conditioned
    on the results and the lies), `transform_` ("none" or "log"), `evidence_` (both models' evidence) and
    `xi_` (xi times the standard deviation of the modelled values, the margin the acquisition uses).
    """

    RESTART_CHALLENGER = False  # True: the output model not in use gets the random restarts too (the ablation)

    def __init__(self, space, *, seed=None, n_startup=None, kernel="matern52", acquisition="ei", xi=0.0,
                 kappa=2.0, n_candidates=2000, n_local=5, liar="mean", gp_restarts=0, y_transform="auto",
                 gp_kwargs=None, refit_every=1, compare_every=1, around_best=0.25, hedge_eta=1.0,
                 trust_region=True):
        super().__init__(space, seed=seed)
        if acquisition not in ACQUISITIONS + ("hedge",):
            raise ValueError(f"acquisition must be one of {ACQUISITIONS + ('hedge',)}, but got {acquisition!r}")
        if y_transform not in ("auto", "none", "log"):
            raise ValueError(f"y_transform must be 'auto', 'none' or 'log', but got {y_transform!r}")
        if liar not in ("min", "mean", "max"):
            raise ValueError(f"liar must be 'min', 'mean' or 'max', but got {liar!r}")
        if not isinstance(around_best, Real) or not 0 <= around_best <= 1:
            raise ValueError(f"around_best must be a fraction in [0, 1], but got {around_best!r}")
        for name, value in (("xi", xi), ("kappa", kappa), ("hedge_eta", hedge_eta)):
            if not isinstance(value, Real) or isinstance(value, bool) or not 0 <= value < math.inf:
                raise ValueError(f"{name} must be a finite number >= 0, but got {value!r}")
        d = len(self.space)
        self.n_startup = max(2 * d + 1, 8) if n_startup is None else check_count(n_startup, "n_startup")
        self.n_candidates = check_count(n_candidates, "n_candidates")
        self.n_local = check_count(n_local, "n_local", low=0)
        self.refit_every = check_count(refit_every, "refit_every")
        self.compare_every = check_count(compare_every, "compare_every")
        self.kernel, self.acquisition, self.xi, self.kappa, self.liar = kernel, acquisition, xi, kappa, liar
        self.y_transform, self.around_best, self.hedge_eta = y_transform, around_best, hedge_eta
        self._scoring = acquisition  # the acquisition being maximized (hedge: each of ACQUISITIONS in turn)
        self.gains_, self._nominees = np.zeros(len(ACQUISITIONS)), None
        self.trust_region = bool(trust_region)
        self.side_, self._successes, self._failures, self._judged = TR_INITIAL, 0, 0, None
        self._continuous = np.array([self.space[name].kind == "float" for name in self.space.names])
        gp_kwargs = {"n_restarts": check_count(gp_restarts, "gp_restarts", low=0), "lengthscale_prior": "gamma",
                     "signal_variance_prior": "gamma", **(gp_kwargs or {})}
        self._gps = {name: GaussianProcess(kernel, seed=self.rng, **gp_kwargs) for name in ("none", "log")}
        self._fitted_on = None  # how many real results the GPs' hyperparameters were last fitted to
        self.evidence_ = {}
        self._sobol = qmc.Sobol(d, scramble=True, seed=self.trial_rng(0, stream=1))
        self._initial = self._sobol.random(2 ** int(np.ceil(np.log2(self.n_startup))))[: self.n_startup]

    # -- the protocol ------------------------------------------------------------------------------
    def ask(self):
        trial_id = self._next_id
        if trial_id < self.n_startup:
            x = self._initial[trial_id]
        elif len(self._y) < 2:  # the initial design failed too often to fit a model: keep sampling
            x = self.trial_rng(trial_id).random(len(self.space))
        else:
            with one_blas_thread():  # small matrices: threads only cost
                x = self._propose()
        return self._trial_at(x)

    # -- the model and the acquisition -------------------------------------------------------------
    def fit_model(self):
        """Fit the GP to completed trials, then condition it on pending ones at the liar's value.

        With y_transform="auto", fit one GP to y and one to log(y - min y + eps) and keep the one whose
        data are more probable *in the units of y*: the log-model's evidence is corrected by the
        Jacobian of the warp, sum_i log g'(y_i) = -sum_i log(y_i - min y + eps) (the change-of-variables
        rule; cf. warped GPs, Snelson, Rasmussen & Ghahramani, NeurIPS 2003); `evidence_` keeps both.
        The comparison happens every `compare_every` results, the kernel fit's random restarts every
        `refit_every` (and both at the first fit); otherwise only the model in use is refitted, warm-started.
        With gp_restarts > 0 the restarts go to the model in use, and the challenger is refitted from its last
        optimum only, which saves its restarts (two restarts for both models were tied with the default on
        the five functions of results/bo_ablation.md, and the slowest variant but one).
        Returns the best (transformed) loss, the incumbent for the acquisition.
        """
        X, y = np.array(self._X), np.array(self._y)
        if self._fitted_on != len(y):  # new results: refit the hyperparameters (asks in a batch reuse them)
            def due(every):
                return self._fitted_on is None or len(y) // every != self._fitted_on // every

            compare, restart = due(self.compare_every), due(self.refit_every)
            if self.y_transform != "auto":
                names = (self.y_transform,)
            else:
                names = ("none", "log") if compare else (self.transform_,)
            for name in names:
                z, log_jacobian = self._warp(name, y)
                challenger = self._fitted_on is not None and name != self.transform_  # the model not in use
                warm_only = not restart or (challenger and not self.RESTART_CHALLENGER)
                gp = self._gps[name].fit(X, z, n_restarts=0 if warm_only else None)
                # log p(y) = log p(z_standardized) - n log std(z) + log |dz/dy|
                self.evidence_[name] = gp.log_marginal_likelihood() - len(z) * np.log(gp.y_std_) + log_jacobian
            if compare or self.y_transform != "auto":
                self.transform_ = max(self.evidence_, key=self.evidence_.get)
            self._fitted_on = len(y)
        self.gp_ = self._gps[self.transform_]
        lie = {"min": y.min(), "mean": y.mean(), "max": y.max()}[self.liar]
        y_all = np.concatenate([y, np.full(len(self._pending), lie)])
        X_all = np.array(self._X + list(self._pending.values()))
        self.gp_.fit(X_all, self._warp(self.transform_, y_all)[0], optimize=False)  # hyperparameters frozen
        self.xi_ = self.xi * self.gp_.y_std_  # xi is in standard deviations of what the GP models
        return self._warp(self.transform_, y)[0].min()

    def _warp(self, name, y):
        """(g(y), sum log g'(y)) for the output transform `name`."""
        if name == "none":
            return y, 0.0
        observed = np.array(self._y)
        shift = observed.min() - LOG_WARP_EPS * (np.ptp(observed) + 1e-12)
        return np.log(y - shift), -np.sum(np.log(y - shift))

    def acquisition_values(self, U, best):
        """The acquisition at unit points U (snapped first), log EI or log PI for "ei" and "pi";
        larger is better."""
        mu, sigma = self.gp_.predict(self.space.snap(U), return_std=True)
        return acquisition_score(self._scoring, mu, sigma, best, xi=self.xi_, kappa=self.kappa, log=True)

    def _negative_acquisition_and_gradient(self, x, best):
        """-a(x) and its gradient: the chain rule through the GP's mean and std (`predict_gradient`) and
        the score's slopes in them (`acquisition_score_slopes`). Integer and categorical coordinates are
        snapped, so the score is flat in them: their gradient is 0. x may hold k points back to back
        (length k d): the value is then the sum of their scores, whose gradient is theirs side by side,
        so one L-BFGS-B run refines all k at once."""
        d = len(self.space)
        U = self.space.snap(np.reshape(x, (-1, d)))
        mu, sigma, d_mu, d_sigma = self.gp_.predict_gradient(U)
        value = acquisition_score(self._scoring, mu, sigma, best, xi=self.xi_, kappa=self.kappa, log=True)
        slope_mu, slope_sigma = acquisition_score_slopes(self._scoring, mu, sigma, best, xi=self.xi_, kappa=self.kappa)
        gradient = np.where(self._continuous, slope_mu[:, None] * d_mu + slope_sigma[:, None] * d_sigma, 0.0)
        return -float(np.sum(value)), -gradient.ravel()

    def _propose(self):
        best = self.fit_model()
        self._box = self._region()
        candidates = self._raw_candidates()
        if self.acquisition != "hedge":
            return self._first_new(self._ranked(candidates, best))
        if self._nominees is not None:  # how good each acquisition's last nominee now looks to the model
            mu = self.gp_.predict(self._nominees)
            self.gains_ -= (mu - self.gp_.y_mean_) / self.gp_.y_std_
        rankings = []
        for name in ACQUISITIONS:
            self._scoring = name
            rankings.append(self._ranked(candidates, best))
        self._nominees = np.array([ranked[0] for ranked in rankings])
        logits = self.hedge_eta * (self.gains_ - self.gains_.max())
        choice = self.rng.choice(len(ACQUISITIONS), p=np.exp(logits) / np.exp(logits).sum())
        self._scoring = ACQUISITIONS[choice]  # acquisition_values now scores what chose the point
        return self._first_new(rankings[choice])

    def _region(self):
        """(lo, hi): the box the acquisition is searched in, the unit cube or the trust region."""
        d = len(self.space)
        if not self.trust_region:
            return np.zeros(d), np.ones(d)
        y = self._y
        if self._judged is None:  # the first model-based ask: the design's results are not judged
            self._judged = len(y)
        for i in range(self._judged, len(y)):  # every result since the last ask: an improvement or not
            best_before = min(y[:i])
            if y[i] < best_before - 1e-3 * abs(best_before):
                self._successes, self._failures = self._successes + 1, 0
            else:
                self._successes, self._failures = 0, self._failures + 1
            if self._successes >= TR_SUCCESSES:
                self.side_, self._successes = min(2 * self.side_, TR_MAX), 0
            elif self._failures >= max(4, d):
                self.side_, self._failures = self.side_ / 2, 0
            if self.side_ < TR_MIN:
                self.side_ = TR_INITIAL
        self._judged = len(y)
        lengthscales = self.gp_.lengthscales_
        half = 0.5 * self.side_ * lengthscales / np.exp(np.mean(np.log(lengthscales)))
        center = self._X[int(np.argmin(y))]
        return np.clip(center - half, 0.0, 1.0), np.clip(center + half, 0.0, 1.0)

    def _raw_candidates(self):
        """n_candidates points to score: uniform in the search box, and a fraction `around_best` near the
        5 best points."""
        d = len(self.space)
        lo, hi = self._box
        n_near = int(self.around_best * self.n_candidates) if len(self._y) else 0
        uniform = lo + (hi - lo) * self.rng.random((self.n_candidates - n_near, d))
        incumbents = np.array(self._X)[np.argsort(self._y)[:5]]
        near = incumbents[self.rng.integers(len(incumbents), size=n_near)] + 0.05 * self.rng.standard_normal((n_near, d))
        return self.space.snap(np.clip(np.vstack([uniform, near]), lo, hi))

    def _ranked(self, candidates, best):
        """Points ordered by the acquisition, best first: the best candidates refined by L-BFGS-B (all
        `n_local` starts in one run), then every candidate as a fall-back if those repeat known points."""
        scores = self.acquisition_values(candidates, best)
        starts = candidates[np.argsort(-scores)[: self.n_local]]
        proposals = [(scores.max(), candidates[np.argmax(scores)])]
        if len(starts):
            result = minimize(self._negative_acquisition_and_gradient, starts.ravel(), args=(best,), jac=True,
                              method="L-BFGS-B", bounds=list(zip(*self._box)) * len(starts), options={"maxiter": 50})
            refined = self.space.snap(result.x.reshape(starts.shape))
            proposals += list(zip(self.acquisition_values(refined, best), refined))
        proposals += [(s, c) for s, c in zip(scores, candidates)]
        return [x for _, x in sorted(proposals, key=lambda p: -p[0])]

    def _first_new(self, ranked):
        for x in ranked:
            if self.is_new(x):
                return x
        fresh = self.space.snap(self.rng.random((N_FALLBACK, len(self.space))))  # all repeat: a small discrete space
        return self.first_new(np.vstack([ranked, fresh]))
