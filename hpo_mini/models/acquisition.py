"""Acquisition functions for minimization: pure functions of the GP posterior (mu, sigma) at a point.

Each returns a score to *maximize*: the next point to evaluate is the argmax. `best` is the lowest
value observed so far. Their exploration knobs: xi (EI, PI) asks for an improvement of at least xi;
kappa (UCB) weighs uncertainty against the mean. `acquisition_score(name, ...)` picks one by name:
the one dispatch a searcher and a figure share.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

__all__ = [
    "expected_improvement",
    "log_expected_improvement",
    "probability_of_improvement",
    "log_probability_of_improvement",
    "upper_confidence_bound",
    "acquisition_score",
    "acquisition_score_slopes",
    "ACQUISITIONS",
]

ACQUISITIONS = ("ei", "pi", "ucb")  # the names acquisition_score knows

SQRT_HALF_PI = np.sqrt(np.pi / 2)
LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
LOG_EI_ASYMPTOTIC_Z = -1e4  # below this z, log EI uses its asymptotic form
SIGMA_FLOOR = 1e-12  # where the posterior is certain, treat sigma as this (avoids 0 / 0)


def _z(mu, sigma, best, xi):
    mu, sigma = np.asarray(mu, dtype=float), np.maximum(np.asarray(sigma, dtype=float), SIGMA_FLOOR)
    return (best - xi - mu) / sigma, sigma


def expected_improvement(mu, sigma, best, xi=0.01):
    """EI(x) = E[max(best - xi - f(x), 0)] = (best - xi - mu) Phi(z) + sigma phi(z),  z = (best - xi - mu) / sigma.

    Closed form of Jones, Schonlau & Welch (1998), eq. 15 (written for minimization).
    """
    z, sigma = _z(mu, sigma, best, xi)
    return sigma * (z * ndtr(z) + np.exp(-0.5 * z**2 - LOG_SQRT_2PI))


def log_expected_improvement(mu, sigma, best, xi=0.01):
    """log EI, finite where EI underflows to 0 (z << 0), after Ament et al. (NeurIPS 2023, "LogEI").

    EI = sigma h(z) with h(z) = z Phi(z) + phi(z). For z > -1, log h directly. For z <= -1, write
    h(z) = phi(z) (1 + z Phi(z) / phi(z)) and compute Phi(z) / phi(z) = sqrt(pi / 2) erfcx(-z / sqrt 2)
    (the Mills ratio), which does not underflow: log h = log phi(z) + log1p(z * ratio). As z -> -inf,
    z * ratio -> -1 and log1p cancels, so below z = LOG_EI_ASYMPTOTIC_Z the asymptotic form is used.
    """
    z, sigma = _z(mu, sigma, best, xi)
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    direct = z > -1
    zd = z[direct]
    out[direct] = np.log(zd * ndtr(zd) + np.exp(-0.5 * zd**2 - LOG_SQRT_2PI))
    zt = z[~direct]
    ratio = SQRT_HALF_PI * erfcx(-zt / np.sqrt(2))
    with np.errstate(divide="ignore"):
        tail = -0.5 * zt**2 - LOG_SQRT_2PI + np.log1p(zt * ratio)
    # Far out (|z| > ~1e7) 1 + z * ratio rounds to 0; there h(z) ~ phi(z) / z^2, the first term of the
    # asymptotic series (Ament et al. 2023), which agrees with the form above to 1e-12 at z = -1e3.
    far = zt < LOG_EI_ASYMPTOTIC_Z
    tail[far] = -0.5 * zt[far] ** 2 - LOG_SQRT_2PI - 2 * np.log(-zt[far])
    out[~direct] = tail
    return out + np.log(sigma)


def probability_of_improvement(mu, sigma, best, xi=0.01):
    """PI(x) = P(f(x) < best - xi) = Phi(z) (Kushner 1964)."""
    z, _ = _z(mu, sigma, best, xi)
    return ndtr(z)


def log_probability_of_improvement(mu, sigma, best, xi=0.01):
    """log PI, stable for z << 0 (scipy's log_ndtr)."""
    z, _ = _z(mu, sigma, best, xi)
    return log_ndtr(z)


def upper_confidence_bound(mu, sigma, best=None, kappa=2.0):
    """For minimization, the *lower* confidence bound, negated so that larger is better:
    -(mu - kappa sigma) (GP-UCB, Srinivas et al., ICML 2010). `best` is unused; kept so all
    acquisitions share one signature."""
    return -(np.asarray(mu, dtype=float) - kappa * np.asarray(sigma, dtype=float))



def acquisition_score(name, mu, sigma, best, *, xi=0.01, kappa=2.0, log=False):
    """The acquisition `name` ("ei", "pi" or "ucb") at posterior (mu, sigma); larger is better.

    xi is EI's and PI's knob, kappa UCB's (the other is ignored). log=True returns log EI and log PI,
    which have the same argmax and stay finite where EI and PI underflow to 0 (what a searcher
    maximizes); UCB, which may be negative, is returned as it is either way.
    """
    if name == "ei":
        return (log_expected_improvement if log else expected_improvement)(mu, sigma, best, xi)
    if name == "pi":
        return (log_probability_of_improvement if log else probability_of_improvement)(mu, sigma, best, xi)
    if name == "ucb":
        return upper_confidence_bound(mu, sigma, kappa=kappa)
    raise ValueError(f"acquisition must be one of {ACQUISITIONS}, but got {name!r}")


def acquisition_score_slopes(name, mu, sigma, best, *, xi=0.01, kappa=2.0):
    """(d score/d mu, d score/d sigma) of the score acquisition_score(..., log=True) maximizes.

    With z = (best - xi - mu)/sigma, dz/dmu = -1/sigma and dz/dsigma = -z/sigma. log EI = log sigma + log h(z),
    h = z Phi + phi, h' = Phi, so d log h/dz = Phi/h, computed as r/(1 + z r) with the Mills ratio
    r = Phi/phi for z <= -1 (and -z - 2/z, the derivative of the asymptotic form, far out). log PI =
    log Phi(z): d/dz = phi/Phi. UCB = -(mu - kappa sigma): (-1, kappa).
    """
    if name == "ucb":
        return -np.ones_like(np.asarray(mu, dtype=float)), np.full_like(np.asarray(sigma, dtype=float), kappa)
    if name not in ("ei", "pi"):
        raise ValueError(f"acquisition must be one of {ACQUISITIONS}, but got {name!r}")
    z, sigma = _z(mu, sigma, best, xi)
    z = np.asarray(z, dtype=float)
    if name == "pi":
        slope = np.exp(-0.5 * z**2 - LOG_SQRT_2PI - log_ndtr(z))
        return -slope / sigma, -slope * z / sigma
    slope = np.empty_like(z)
    direct = z > -1
    zd = z[direct]
    slope[direct] = ndtr(zd) / (zd * ndtr(zd) + np.exp(-0.5 * zd**2 - LOG_SQRT_2PI))
    zt = z[~direct]
    ratio = SQRT_HALF_PI * erfcx(-zt / np.sqrt(2))
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = ratio / (1 + zt * ratio)
    far = zt < LOG_EI_ASYMPTOTIC_Z
    tail[far] = -zt[far] - 2 / zt[far]
    slope[~direct] = tail
    return -slope / sigma, 1 / sigma - slope * z / sigma
