"""CMA-ES: the covariance matrix adaptation evolution strategy, (mu/mu_w, lambda) with cumulative step-size
adaptation and rank-one + rank-mu covariance updates, as in Hansen, "The CMA Evolution Strategy: A
Tutorial" (arXiv:1604.00772, 2016/2023; "the tutorial" below), Algorithm/Table 1 and Appendix A.

One generation g, in the unit cube [0, 1]^n of the space (`Space.to_unit`):

    sample    x_i = m + sigma y_i,   y_i ~ N(0, C),   i = 1 .. lambda            (tutorial eq. 38-40)
    rank      sort by loss: x_{1:lambda} best first
    mean      m <- m + c_m sigma <y>_w,   <y>_w = sum_{i<=mu} w_i y_{i:lambda}   (eq. 41, c_m = 1)
    paths     p_s <- (1 - c_s) p_s + sqrt(c_s (2 - c_s) mu_eff) C^-1/2 <y>_w     (eq. 43)
              p_c <- (1 - c_c) p_c + h_s sqrt(c_c (2 - c_c) mu_eff) <y>_w        (eq. 45)
    step      sigma <- sigma exp(c_s / d_s (||p_s|| / E||N(0, I)|| - 1))         (eq. 44, CSA)
    matrix    C <- (1 + c_1 delta(h_s) - c_1 - c_mu sum_j w_j) C
                   + c_1 p_c p_c^T                                               (rank one)
                   + c_mu sum_i w_i^o y_{i:lambda} y_{i:lambda}^T                (rank mu; eq. 47)

with h_s = 1 if ||p_s|| / sqrt(1 - (1 - c_s)^(2(g+1))) < (1.4 + 2 / (n + 1)) E||N(0, I)|| else 0,
delta(h_s) = (1 - h_s) c_c (2 - c_c), and w_i^o = w_i for w_i >= 0, w_i n / ||C^-1/2 y_i||^2 for the
negative weights of "active" CMA (tutorial eq. 46). The default constants are `cma_parameters`: lambda =
4 + floor(3 ln n), mu = floor(lambda / 2), w'_i = ln((lambda + 1) / 2) - ln i, and the formulas of the
tutorial's Table 1 (checked against the `cma` package 4.5.0, whose c_1, c_mu, c_c, mu_eff and weights agree;
its c_s and d_s are newer choices than the tutorial's).

The unit cube. A sampled point is folded back into [0, 1] like a mirror (as the GA's mutation) and
snapped (`Space.snap`): an integer or a choice owns a slice of [0, 1] and the point moves to its centre,
so every point decodes to a valid config. The update uses the point that ran (the repaired one), with
y = (x_repaired - m) / sigma, its Mahalanobis length clipped to sqrt(n) + 2n / (n + 2) as for injected
solutions (Hansen 2011, "Injecting external solutions into CMA-ES", arXiv:1110.4181), so a long repair
cannot blow up C. Categorical dimensions get the ordinal treatment of their slice index, which CMA-ES
was not designed for: prefer it on continuous spaces.

Ask/tell. A generation of lambda trials is asked trial by trial and is a barrier, as in the GA: once all
are out, `ask()` returns None until the last is told; then the update runs and the next generation is
sampled from a generator seeded by (seed, generation). A failed trial (None / NaN) ranks below every
success; if the whole generation failed, the distribution is kept and sampled again with new draws.
A resumed study's trials fill the open slots in order, at the points of their configs.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ..space import check_count
from .base import GenerationSearcher

__all__ = ["cma_parameters", "expected_norm", "cma_update", "CMAES"]

STREAM_SAMPLE = 21  # trial_rng stream of the generations' draws
MAX_CONDITION = 1e14  # eigenvalues of C kept >= max eigenvalue / this (float64 loses C^-1/2 beyond it)


def expected_norm(n: int) -> float:
    """E||N(0, I_n)|| ~ sqrt(n) (1 - 1/(4n) + 1/(21 n^2)) (tutorial, below eq. 44)."""
    return math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))


def cma_parameters(n: int, population=None, active: bool = True) -> dict:
    """The default strategy parameters of the tutorial's Table 1 (Appendix A) for dimension n.

        lambda = 4 + floor(3 ln n),  mu = floor(lambda / 2),  w'_i = ln((lambda + 1) / 2) - ln i
        mu_eff = (sum_{i<=mu} w'_i)^2 / sum_{i<=mu} w'_i^2              (and mu_eff^- over i > mu)
        c_1  = 2 / ((n + 1.3)^2 + mu_eff)
        c_mu = min(1 - c_1, 2 (1/4 + mu_eff + 1/mu_eff - 2) / ((n + 2)^2 + mu_eff))
        c_s  = (mu_eff + 2) / (n + mu_eff + 5)
        d_s  = 1 + 2 max(0, sqrt((mu_eff - 1) / (n + 1)) - 1) + c_s
        c_c  = (4 + mu_eff / n) / (n + 4 + 2 mu_eff / n)
        w_i  = w'_i / sum_{j<=mu} w'_j                                     for i <= mu (sum 1)
        w_i  = min(1 + c_1 / c_mu, 1 + 2 mu_eff^- / (mu_eff + 2), (1 - c_1 - c_mu) / (n c_mu))
               * w'_i / sum_{j>mu} |w'_j|                                  for i > mu (active CMA)

    active=False sets the negative weights to 0: the classic (mu/mu_w, lambda)-CMA-ES.
    """
    n = check_count(n, "n (the dimension)")
    lam = 4 + int(math.floor(3 * math.log(n))) if population is None else check_count(population, "population")
    if lam < 2:
        raise ValueError(f"population (lambda) must be >= 2 to rank anything, but got {population!r}")
    mu = lam // 2
    w_prime = math.log((lam + 1) / 2) - np.log(np.arange(1, lam + 1))
    positive, negative = w_prime[:mu], w_prime[mu:]
    mu_eff = positive.sum() ** 2 / np.sum(positive**2)
    mu_eff_neg = negative.sum() ** 2 / np.sum(negative**2) if np.any(negative) else 0.0
    alpha_cov = 2.0
    c_1 = alpha_cov / ((n + 1.3) ** 2 + mu_eff)
    c_mu = min(1 - c_1, alpha_cov * (0.25 + mu_eff + 1 / mu_eff - 2) / ((n + 2) ** 2 + alpha_cov * mu_eff / 2))
    c_s = (mu_eff + 2) / (n + mu_eff + 5)
    d_s = 1 + 2 * max(0.0, math.sqrt((mu_eff - 1) / (n + 1)) - 1) + c_s
    c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n)
    weights = np.zeros(lam)
    weights[:mu] = positive / positive.sum()
    if active and np.any(negative):
        scale = min(1 + c_1 / c_mu, 1 + 2 * mu_eff_neg / (mu_eff + 2), (1 - c_1 - c_mu) / (n * c_mu))
        weights[mu:] = scale * negative / np.abs(negative).sum()
    return {"n": n, "lambda": lam, "mu": mu, "weights": weights, "mu_eff": float(mu_eff), "c_1": float(c_1),
            "c_mu": float(c_mu), "c_s": float(c_s), "d_s": float(d_s), "c_c": float(c_c), "c_m": 1.0,
            "chi_n": expected_norm(n)}


def _inverse_sqrt(C):
    """C^-1/2 = B diag(1 / sqrt(eigenvalues)) B^T, eigenvalues floored at max / MAX_CONDITION."""
    eigenvalues, B = np.linalg.eigh((C + C.T) / 2)
    eigenvalues = np.maximum(eigenvalues, eigenvalues.max() / MAX_CONDITION)
    return B @ np.diag(eigenvalues**-0.5) @ B.T, B, np.sqrt(eigenvalues)


def cma_update(mean, sigma, C, p_s, p_c, generation, X_ranked, params):
    """One CMA-ES update (module docstring) from the generation's points `X_ranked`, (lambda, n), sorted
    best first, sampled around `mean` with step `sigma` and covariance `C`; `generation` g counts from 0.
    Returns the new (mean, sigma, C, p_s, p_c). A pure function: a notebook can run it by hand."""
    n, w = params["n"], params["weights"]
    c_1, c_mu, c_s, d_s, c_c, chi_n = (params[k] for k in ("c_1", "c_mu", "c_s", "d_s", "c_c", "chi_n"))
    inv_sqrt, _, _ = _inverse_sqrt(C)
    Y = (np.asarray(X_ranked, dtype=float) - mean) / sigma
    # Hansen (2011): clip each step's Mahalanobis length, so a repaired point cannot blow up C
    lengths = np.linalg.norm(Y @ inv_sqrt, axis=1)
    limit = math.sqrt(n) + 2 * n / (n + 2)
    Y = Y * np.minimum(1.0, limit / np.maximum(lengths, 1e-300))[:, None]
    mu = params["mu"]
    y_w = w[:mu] @ Y[:mu]  # eq. 41: the weighted mean step of the best mu
    mean = mean + params["c_m"] * sigma * y_w
    p_s = (1 - c_s) * p_s + math.sqrt(c_s * (2 - c_s) * params["mu_eff"]) * (inv_sqrt @ y_w)  # eq. 43
    h_s = float(np.linalg.norm(p_s) / math.sqrt(1 - (1 - c_s) ** (2 * (generation + 1)))
                < (1.4 + 2 / (n + 1)) * chi_n)
    p_c = (1 - c_c) * p_c + h_s * math.sqrt(c_c * (2 - c_c) * params["mu_eff"]) * y_w  # eq. 45
    w_o = w.copy()  # eq. 46: negative weights rescaled by n / ||C^-1/2 y||^2
    negative = w < 0
    w_o[negative] *= n / np.maximum(np.sum((Y[negative] @ inv_sqrt) ** 2, axis=1), 1e-300)
    delta = (1 - h_s) * c_c * (2 - c_c)
    C = ((1 + c_1 * delta - c_1 - c_mu * w.sum()) * C + c_1 * np.outer(p_c, p_c)  # eq. 47
         + c_mu * (w_o[:, None] * Y).T @ Y)
    C = (C + C.T) / 2
    sigma = sigma * math.exp(c_s / d_s * (np.linalg.norm(p_s) / chi_n - 1))  # eq. 44
    return mean, sigma, C, p_s, p_c


def _reflect(u):
    """Fold real numbers into [0, 1] like a mirror: -0.1 -> 0.1, 1.2 -> 0.8 (as the GA's mutation)."""
    u = np.mod(u, 2.0)
    return np.where(u > 1.0, 2.0 - u, u)


class CMAES(GenerationSearcher):
    """CMA-ES over the unit cube of the space (see the module docstring for the algorithm and sources).

    population: lambda, trials per generation (None: 4 + floor(3 ln n), the tutorial's default).
    sigma0:     the initial step size, in unit-cube lengths (0.2: the optimum is within ~3 sigma0 of the
                centre of the cube wherever it is).
    x0:         the initial mean, a config (dict) or a unit point; None: the centre of the cube.
    active:     use the negative weights of active CMA (the tutorial's default); False: the classic update.

    Learned state: `mean_` (unit point), `sigma_`, `C_`, `p_sigma_`, `p_c_`, `generation_` (completed
    generations), and `generations_`, one record per completed generation: generation, mean, sigma, C
    (the distribution it was sampled from), points (lambda, n) (the points that ran) and losses (NaN
    for failed). `params_` holds the strategy constants (`cma_parameters`).
    """

    def __init__(self, space, *, seed=None, population=None, sigma0=0.2, x0=None, active=True):
        super().__init__(space, seed=seed)
        n = len(self.space)
        self.population, self.sigma0, self.x0, self.active = population, sigma0, x0, bool(active)
        self.params_ = cma_parameters(n, population, active)
        if isinstance(sigma0, bool) or not isinstance(sigma0, Real) or not 0 < sigma0 < math.inf:
            raise ValueError(f"sigma0 must be a number > 0 (a length in the unit cube, e.g. 0.2), but got {sigma0!r}")
        if x0 is None:
            mean = np.full(n, 0.5)
        elif isinstance(x0, dict):
            mean = self.space.to_unit(x0)[0]
        else:
            mean = np.asarray(x0, dtype=float)
            if mean.shape != (n,) or not np.all((mean >= 0) & (mean <= 1)):
                raise ValueError(f"x0 must be a config or a unit point in [0, 1]^{n}, but got {x0!r}")
        self.mean_, self.sigma_, self.C_ = mean.astype(float), float(sigma0), np.eye(n)
        self.p_sigma_, self.p_c_ = np.zeros(n), np.zeros(n)
        self.generation_ = 0
        self.generations_ = []
        self._sample_generation()

    def __repr__(self):
        return (f"CMAES(population={self.params_['lambda']}, sigma0={self.sigma0!r}, active={self.active}, "
                f"seed={self.seed!r})")

    def _sample_generation(self):
        """Draw lambda points x = m + sigma B D z (tutorial eq. 38-40), reflect into [0, 1], snap."""
        lam, n = self.params_["lambda"], len(self.space)
        _, B, D = _inverse_sqrt(self.C_)
        z = self.trial_rng(self.generation_, stream=STREAM_SAMPLE).standard_normal((lam, n))
        self._start_slots(self.space.snap(_reflect(self.mean_ + self.sigma_ * (z * D) @ B.T)))

    def _generation_done(self):  # all lambda told: update m, sigma, C (tutorial eqs. 41-47)
        self.generations_.append({"generation": self.generation_, "mean": self.mean_.copy(), "sigma": self.sigma_,
                                  "C": self.C_.copy(), "points": self._points.copy(), "losses": self._losses.copy()})
        losses = np.nan_to_num(self._losses, nan=np.inf)  # failed members rank last
        if np.isfinite(losses).any():
            order = np.lexsort((np.arange(len(losses)), losses))  # best first, ties by slot
            self.mean_, self.sigma_, self.C_, self.p_sigma_, self.p_c_ = cma_update(
                self.mean_, self.sigma_, self.C_, self.p_sigma_, self.p_c_, self.generation_,
                self._points[order], self.params_)
        self.generation_ += 1
        self._sample_generation()
