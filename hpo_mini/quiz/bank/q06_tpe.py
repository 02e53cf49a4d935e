"""Quiz 06: the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl, NeurIPS 2011).

Code exercises are checked against the library's `split_observations` (hpo_mini/searchers/tpe.py) and
against a Gaussian kernel density written with scipy (`norm.logpdf` and `logsumexp`), on many inputs
including ties, caps and far-away points.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q06_tpe.toml beside this file, and the answer key is solutions/keys/q06_tpe.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

from ...searchers.tpe import default_gamma, split_observations
from ..checks import compare_with_reference
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def tpe_split_reference(losses, gamma, max_good):
    """The library's split (tpe.py) with Optuna's rule n_good = min(ceil(gamma n), max_good), at least 1."""
    good, bad = split_observations(losses, lambda n: min(math.ceil(gamma * n), max_good))
    return good, bad


def parzen_log_density_reference(x, points, bandwidth):
    """log of (1/n) sum_i N(x; points_i, bandwidth^2), in log space (no underflow far from the points)."""
    x = np.asarray(x, dtype=float)
    points = np.asarray(points, dtype=float)
    log_kernels = norm.logpdf(x[..., None], loc=points, scale=bandwidth)
    return logsumexp(log_kernels, axis=-1) - math.log(len(points))


def pick_candidate_reference(candidates, good, bad, bandwidth):
    """The candidate with the largest log l(x) - log g(x) (the first of equal scores)."""
    candidates = np.asarray(candidates, dtype=float)
    score = parzen_log_density_reference(candidates, good, bandwidth) - parzen_log_density_reference(candidates, bad, bandwidth)
    return float(candidates[int(np.argmax(score))])


def _as_index_arrays(result):
    """(good, bad) as integer arrays (lists are fine), so [] and array([]) compare equal."""
    if isinstance(result, tuple) and len(result) == 2:
        try:
            return tuple(np.asarray(part).astype(np.int64).reshape(-1) if len(part) else np.zeros(0, dtype=np.int64) for part in result)
        except (TypeError, ValueError):
            return result
    return result


def _as_float_array(result):
    try:
        return np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return result


_LOSSES_30 = [0.52, 0.31, 0.77, 0.31, 0.95, 0.12, 0.64, 0.48, 0.31, 0.88, 0.27, 0.59, 0.70, 0.05, 0.43,
              0.91, 0.36, 0.22, 0.81, 0.67, 0.14, 0.58, 0.99, 0.40, 0.33, 0.75, 0.29, 0.62, 0.18, 0.85]
_LOSSES_300 = [round(float(v), 3) for v in np.random.default_rng(6).random(300)]

_SPLIT_CASES = [
    {"losses": [0.3, 0.1, 0.2, 0.5], "gamma": 0.5, "max_good": 25},
    {"losses": [0.3, 0.1, 0.2, 0.5, 0.4], "gamma": 0.1, "max_good": 25},  # ceil(0.5) = 1
    {"losses": _LOSSES_30, "gamma": 0.1, "max_good": 25},  # ties at 0.31
    {"losses": _LOSSES_30, "gamma": 0.25, "max_good": 25},  # ceil(7.5) = 8
    {"losses": [0.2, 0.2, 0.2, 0.1, 0.2], "gamma": 0.4, "max_good": 25},  # ties: earlier first
    {"losses": _LOSSES_300, "gamma": 0.1, "max_good": 25},  # the cap: 25, not 30
    {"losses": _LOSSES_300, "gamma": 0.05, "max_good": 10},
    {"losses": [5.0], "gamma": 0.1, "max_good": 25},
    {"losses": [-1.0, 3.0, -2.5, 0.0, 7.0, -2.5, 1.0], "gamma": 0.3, "max_good": 2},
    {"losses": np.array([0.9, 0.1, 0.5, 0.1, 0.7, 0.3]), "gamma": 1.0, "max_good": 25},  # all good
]

_PARZEN_CASES = [
    {"x": np.array([0.0]), "points": np.array([0.0]), "bandwidth": 1.0},
    {"x": np.array([0.2, 0.5, 0.9]), "points": np.array([0.1, 0.4, 0.45, 0.8]), "bandwidth": 0.1},
    {"x": np.linspace(-1.0, 2.0, 7), "points": np.array([0.3, 0.35, 0.7]), "bandwidth": 0.25},
    {"x": np.array([0.5, 3.0]), "points": np.array([0.5, 0.5, 0.5, 0.5, 2.0]), "bandwidth": 0.5},
    {"x": np.array([0.0, 0.5]), "points": np.array([0.2, 0.3]), "bandwidth": 2.0},
    {"x": np.array([10.0, 50.0]), "points": np.array([0.0, 0.1, 0.2]), "bandwidth": 0.1},  # far: log space
    {"x": np.array([0.25, 0.75]), "points": np.array([0.1, 0.9]), "bandwidth": 0.05},
]

_PICK_CASES = [
    {"candidates": np.array([0.1, 0.5, 0.9]), "good": np.array([0.45, 0.5, 0.55]), "bad": np.array([0.1, 0.2, 0.8, 0.9]), "bandwidth": 0.1},
    # l is largest at 0.3, but g is large there too: the ratio prefers 0.6
    {"candidates": np.array([0.3, 0.6, 0.95]), "good": np.array([0.3, 0.6]), "bad": np.array([0.25, 0.3, 0.35, 0.8]), "bandwidth": 0.1},
    # good points on the left, the candidates far to the right: every density underflows to 0
    {"candidates": np.array([30.0, 40.0, 35.0]), "good": np.array([0.9, 1.0]), "bad": np.array([0.0, 0.1, 0.2]), "bandwidth": 0.1},
    {"candidates": np.array([0.25, 0.75, 0.0]), "good": np.array([0.5]), "bad": np.array([0.0, 1.0]), "bandwidth": 0.25},  # a tie: the first
    {"candidates": np.linspace(0.0, 1.0, 11), "good": np.array([0.62, 0.66]), "bad": np.array([0.1, 0.3, 0.5, 0.7, 0.9]), "bandwidth": 0.08},
    # l - g is largest at 0.61, l / g at 0.54
    {"candidates": np.array([0.61, 0.73, 0.54, 0.94]), "good": np.array([0.64, 0.27]), "bad": np.array([0.04, 0.02, 0.81, 0.91]), "bandwidth": 0.1},
    {"candidates": np.array([0.05, 0.5]), "good": np.array([0.0, 0.1]), "bad": np.array([0.45, 0.5, 0.55, 0.6]), "bandwidth": 0.2},
]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q06.code_split": compare_with_reference("tpe_split", tpe_split_reference, _SPLIT_CASES, postprocess=_as_index_arrays),
    "q06.code_parzen": compare_with_reference(
        "parzen_log_density", parzen_log_density_reference, _PARZEN_CASES, rel=1e-7, abs_=1e-9, postprocess=_as_float_array
    ),
    "q06.code_pick": compare_with_reference("pick_candidate", pick_candidate_reference, _PICK_CASES),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _gamma_params(rng):
    return {"n": int(rng.integers(11, 400))}


def gamma_reference(p):
    """The size of TPE's good group, computed by the library's rule (searchers/tpe.py)."""
    return default_gamma(p["n"])


GENERATORS = {
    "q06.gamma_57": generator(_gamma_params, gamma_reference),
}
