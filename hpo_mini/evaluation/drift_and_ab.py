"""A tuned model over its life: has the data drifted (re-tune?), and did the new configuration win online?

Three small pieces of statistics, each a pure function a lesson can call and plot:
- **drift**: the two-sample Kolmogorov–Smirnov test between a reference window (the data the model
  was tuned on) and a recent window, per feature, with a Bonferroni correction (`ks_two_sample`,
  `detect_drift`);
- **A/B test size**: how many users per arm an online test needs to detect a given lift with a given
  power, for a conversion rate (`ab_sample_size_proportions`) or a mean (`ab_sample_size_means`), the
  power of a test of a given size (`ab_power_proportions`) and the test itself (`two_proportion_z_test`);
- **winner's curse**: why the offline gain of the best of K candidates shrinks online
  (`winners_curse`): the chosen candidate's measured gain is a maximum of noisy estimates.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "ks_two_sample",
    "detect_drift",
    "ab_sample_size_proportions",
    "ab_sample_size_means",
    "ab_power_proportions",
    "two_proportion_z_test",
    "winners_curse",
]


# -- drift -----------------------------------------------------------------------------------------
def _kolmogorov_sf(lam: float) -> float:
    """P(K > lam) for the Kolmogorov distribution: Q(lam) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lam^2)
    (Press et al., *Numerical Recipes*, 3rd ed., §6.14); 1 for small lam, where the series converges slowly."""
    if lam < 0.2:
        return 1.0
    j = np.arange(1, 101)
    return float(min(1.0, max(0.0, 2.0 * np.sum((-1.0) ** (j - 1) * np.exp(-2.0 * j**2 * lam**2)))))


def ks_two_sample(a, b) -> tuple[float, float]:
    """(D, p-value) of the two-sample Kolmogorov–Smirnov test: are `a` and `b` drawn from one distribution?

    D = sup_x |F_a(x) - F_b(x)|, the largest gap between the two empirical CDFs. The p-value is the
    asymptotic one with Stephens' small-sample correction (Numerical Recipes, 3rd ed., §14.3.3):
    p = Q((sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D), n_e = n_a n_b / (n_a + n_b).
    """
    a, b = np.sort(np.asarray(a, dtype=float).ravel()), np.sort(np.asarray(b, dtype=float).ravel())
    if a.size == 0 or b.size == 0:
        raise ValueError(f"ks_two_sample needs two non-empty samples, but got sizes {a.size} and {b.size}")
    points = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, points, side="right") / a.size
    cdf_b = np.searchsorted(b, points, side="right") / b.size
    d = float(np.max(np.abs(cdf_a - cdf_b)))
    n_e = a.size * b.size / (a.size + b.size)
    root = math.sqrt(n_e)
    return d, _kolmogorov_sf((root + 0.12 + 0.11 / root) * d)


def detect_drift(reference, current, alpha: float = 0.05) -> dict:
    """Per-feature KS tests between two windows (rows = samples, columns = features).

    A feature has drifted when its p-value is below alpha / n_features (Bonferroni: the chance that any
    of the features is flagged when none has drifted stays below alpha). Returns
    {"statistic": D per feature, "p_value": per feature, "drifted": bool per feature, "any": bool}.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), but got {alpha!r}")
    reference, current = np.atleast_2d(np.asarray(reference, float)), np.atleast_2d(np.asarray(current, float))
    if reference.ndim != 2 or reference.shape[1] != current.shape[1]:
        raise ValueError(f"reference and current need the same columns, but got shapes {reference.shape} "
                         f"and {current.shape}")
    tests = [ks_two_sample(reference[:, k], current[:, k]) for k in range(reference.shape[1])]
    d, p = np.array([t[0] for t in tests]), np.array([t[1] for t in tests])
    drifted = p < alpha / reference.shape[1]
    return {"statistic": d, "p_value": p, "drifted": drifted, "any": bool(drifted.any())}


# -- A/B tests -------------------------------------------------------------------------------------
def _z(alpha: float, power: float, two_sided: bool) -> tuple[float, float]:
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be in (0, 1), but got alpha={alpha!r}, power={power!r}")
    return stats.norm.ppf(1 - alpha / 2 if two_sided else 1 - alpha), stats.norm.ppf(power)


def ab_sample_size_proportions(p_control: float, p_treatment: float, alpha: float = 0.05, power: float = 0.8,
                               two_sided: bool = True) -> int:
    """Users per arm for a two-proportion z-test to detect p_control -> p_treatment with the given power.

    n = (z_a sqrt(2 p_bar (1 - p_bar)) + z_b sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2,
    p_bar = (p1 + p2) / 2, z_a = Phi^-1(1 - alpha/2) (two-sided), z_b = Phi^-1(power), rounded up
    (Fleiss, Levin & Paik 2003, *Statistical Methods for Rates and Proportions*, ch. 4, without the
    continuity correction). The pooled variance under H0, the separate variances under H1.
    """
    p1, p2 = p_control, p_treatment
    if not (0 < p1 < 1 and 0 < p2 < 1) or p1 == p2:
        raise ValueError(f"the rates must be in (0, 1) and differ, but got {p1!r} and {p2!r}")
    z_a, z_b = _z(alpha, power, two_sided)
    p_bar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / (p1 - p2) ** 2)


def ab_sample_size_means(delta: float, sigma: float, alpha: float = 0.05, power: float = 0.8,
                         two_sided: bool = True) -> int:
    """Users per arm for a two-sample z-test on a mean to detect a difference `delta` with per-user
    standard deviation `sigma`: n = 2 sigma^2 (z_a + z_b)^2 / delta^2, rounded up (the normal
    approximation). With alpha = 0.05 and power = 0.8, 2 (1.96 + 0.84)^2 = 15.7: the rule of thumb
    n = 16 sigma^2 / delta^2 of van Belle (2008, *Statistical Rules of Thumb*, §2.3) and Kohavi et al.
    (2009, *Controlled experiments on the web*, Data Min. Knowl. Discov. 18)."""
    if delta == 0 or sigma <= 0:
        raise ValueError(f"delta must be non-zero and sigma > 0, but got delta={delta!r}, sigma={sigma!r}")
    z_a, z_b = _z(alpha, power, two_sided)
    return math.ceil(2 * sigma**2 * (z_a + z_b) ** 2 / delta**2)


def ab_power_proportions(n: int, p_control: float, p_treatment: float, alpha: float = 0.05) -> float:
    """Power of the two-sided pooled two-proportion z-test with n users per arm (the inverse of
    ab_sample_size_proportions): P(|Z| > z_a) = Phi((|d| - z_a s0) / s1) + Phi((-|d| - z_a s0) / s1),
    s0 = sqrt(2 p_bar (1 - p_bar) / n), s1 = sqrt((p1 (1 - p1) + p2 (1 - p2)) / n)."""
    p1, p2 = p_control, p_treatment
    z_a = stats.norm.ppf(1 - alpha / 2)
    p_bar = (p1 + p2) / 2
    s0 = math.sqrt(2 * p_bar * (1 - p_bar) / n)
    s1 = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    d = abs(p2 - p1)
    return float(stats.norm.cdf((d - z_a * s0) / s1) + stats.norm.cdf((-d - z_a * s0) / s1))


def two_proportion_z_test(successes_a: int, n_a: int, successes_b: int, n_b: int) -> tuple[float, float]:
    """(z, two-sided p-value) of the pooled two-proportion z-test of arm b against arm a:
    z = (p_b - p_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)), p = pooled rate (Fleiss et al. 2003, ch. 2)."""
    p_a, p_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0, 1.0
    z = (p_b - p_a) / se
    return float(z), float(2 * stats.norm.sf(abs(z)))


# -- the winner's curse ----------------------------------------------------------------------------
def winners_curse(true_gains, noise_sd: float, n_repeats: int = 2000, seed=None) -> dict:
    """Offline, each candidate's gain is measured once with noise N(0, noise_sd^2); the candidate with the
    largest measured gain is shipped, and online it delivers its *true* gain.

    Simulated n_repeats times. Returns {"offline": measured gain of the winner per repeat, "online": its
    true gain per repeat, "shrinkage": mean(offline - online), "picked_best": share of repeats in which
    the truly best candidate was picked}. With equal true gains the expected shrinkage is
    noise_sd E[max of K standard normals] (the expected maximum of K normals; Blom 1958 approximates it).
    """
    true_gains = np.asarray(true_gains, dtype=float)
    if true_gains.ndim != 1 or true_gains.size < 1 or noise_sd < 0:
        raise ValueError(f"true_gains must be a non-empty 1-D list and noise_sd >= 0, but got shape "
                         f"{true_gains.shape} and noise_sd={noise_sd!r}")
    rng = np.random.default_rng(seed)
    measured = true_gains + noise_sd * rng.standard_normal((n_repeats, true_gains.size))
    pick = np.argmax(measured, axis=1)
    offline = measured[np.arange(n_repeats), pick]
    online = true_gains[pick]
    return {"offline": offline, "online": online, "shrinkage": float(np.mean(offline - online)),
            "picked_best": float(np.mean(true_gains[pick] == true_gains.max()))}
