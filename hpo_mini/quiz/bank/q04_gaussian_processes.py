"""Quiz 04: Gaussian processes: kernels, the posterior, the marginal likelihood, Cholesky, cost.

Code exercises are checked against the library: `hpo_mini.models.gp.rbf` for the kernel, and
`GaussianProcess(..., optimize=False, normalize_y=False)` (`predict` and `log_marginal_likelihood`) for
the posterior and the marginal likelihood.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q04_gaussian_processes.toml beside this file, and the answer key is solutions/keys/q04_gaussian_processes.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import copy

import numpy as np

from ...models.gp import KERNELS, GaussianProcess, rbf
from ..checks import compare_with_reference, same, show, unchanged
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def rbf_kernel_reference(X1, X2, lengthscales, variance):
    """The library's squared-exponential ARD kernel, R&W eqs. 4.9 and 5.2 (hpo_mini/models/gp.py)."""
    return rbf(X1, X2, lengthscales, variance)


# Data sets for the posterior and marginal-likelihood exercises:
# (label, kernel, length-scales, signal variance, noise variance, n train, n test, dimension, seed).
_GP_SETTINGS = [
    ("one observation, tested where it was taken", "rbf", [0.5], 1.0, 0.25, 1, 1, 1, None),
    ("six 1-D points, Matern-5/2, almost no noise", "matern52", [0.15], 1.0, 1e-4, 6, 5, 1, 0),
    ("ten 3-D points, RBF with ARD", "rbf", [0.3, 0.5, 1.0], 1.7, 0.1, 10, 4, 3, 1),
    ("five 2-D points, large noise", "matern52", [0.4, 0.2], 0.5, 1.0, 5, 7, 2, 2),
    ("a repeated configuration (two equal rows of X)", "matern52", [0.2], 1.0, 0.01, 4, 3, 1, 3),
    ("eight 2-D points, outputs far from 0", "rbf", [0.25, 0.6], 2.0, 0.05, 8, 6, 2, 4),
]


def _gp_case(setting):
    """The inputs the learner's function gets, and the library GP that gives the reference."""
    label, kernel, lengthscales, variance, noise, n, m, d, seed = setting
    if seed is None:
        X, X_test, y = np.array([[0.0]]), np.array([[0.0]]), np.array([2.0])
    else:
        rng = np.random.default_rng(seed)
        X, X_test = rng.random((n, d)), rng.random((m, d))
        if "repeated" in label:
            X[2] = X[1]
        y = rng.standard_normal(n) + (10.0 if "far from 0" in label else 0.0)
    ls = np.array(lengthscales)
    gp = GaussianProcess(kernel, lengthscale=ls, signal_variance=variance, noise=noise, optimize=False, normalize_y=False)
    gp.fit(X, y)
    k = KERNELS[kernel]
    inputs = {
        "K": k(X, X, ls, variance),
        "k_star": k(X, X_test, ls, variance),
        "k_star_star": np.diag(k(X_test, X_test, ls, variance)).copy(),
        "y": y,
        "noise": noise,
    }
    return label, inputs, gp, X_test


def _call(fn, args, text, passed):
    """Call fn on a deep copy of args; (result, None) or (None, failure triple)."""
    copies = copy.deepcopy(args)
    try:
        result = fn(*copies.values())
    except Exception as exc:
        return None, (False, f"{text} raised {type(exc).__name__}: {exc}", passed)
    for key in args:
        if not unchanged(args[key], copies[key]):
            return None, (False, f"{text} changed its argument `{key}`: work on a copy, leave the caller's data as it was", passed)
    return result, None


def _posterior_checker(fn, report):
    for passed, setting in enumerate(_GP_SETTINGS):
        label, inputs, gp, X_test = _gp_case(setting)
        text = f"gp_posterior(K, k_star, k_star_star, y, noise={inputs['noise']:g}) on {label}"
        report(text)
        mean_ref, std_ref = gp.predict(X_test, return_std=True)
        result, failure = _call(fn, inputs, text, passed)
        if failure:
            return failure
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return False, f"{text} returned {show(result)}; return a pair (mean, variance)", passed
        mean, var = (np.asarray(r, dtype=float) for r in result)
        m = len(X_test)
        if mean.shape != (m,) or var.shape != (m,):
            return False, f"{text} returned arrays of shapes {mean.shape} and {var.shape}; both should be ({m},), one value per test point", passed
        if not same(mean, mean_ref, rel=1e-7, abs_=1e-9):
            return False, f"{text}: mean {show(mean)}, the reference (GaussianProcess.predict) gives {show(mean_ref)}", passed
        if not same(var, std_ref**2, rel=1e-7, abs_=1e-9):
            return False, f"{text}: variance {show(var)}, the reference (GaussianProcess.predict, std squared) gives {show(std_ref**2)}", passed
    return True, "", len(_GP_SETTINGS)


def _lml_checker(fn, report):
    for passed, setting in enumerate(_GP_SETTINGS):
        label, inputs, gp, _ = _gp_case(setting)
        args = {"K": inputs["K"], "y": inputs["y"], "noise": inputs["noise"]}
        text = f"log_marginal_likelihood(K, y, noise={args['noise']:g}) on {label}"
        report(text)
        expected = gp.log_marginal_likelihood()
        result, failure = _call(fn, args, text, passed)
        if failure:
            return failure
        if np.ndim(result) != 0:
            return False, f"{text} returned {show(result)}; return one number", passed
        if not same(float(result), expected, rel=1e-8, abs_=1e-8):
            return False, f"{text} returned {show(float(result))}, the reference (GaussianProcess.log_marginal_likelihood) returns {show(expected)}", passed
    return True, "", len(_GP_SETTINGS)


def _rbf_cases():
    rng = np.random.default_rng(40)
    X = rng.random((4, 2))
    return [
        {"X1": np.array([[0.0]]), "X2": np.array([[0.5]]), "lengthscales": np.array([0.5]), "variance": 1.0},
        {"X1": rng.random((4, 1)), "X2": rng.random((3, 1)), "lengthscales": np.array([0.2]), "variance": 1.0},
        {"X1": rng.random((5, 3)), "X2": rng.random((2, 3)), "lengthscales": np.array([0.1, 0.5, 2.0]), "variance": 2.5},
        {"X1": X, "X2": X.copy(), "lengthscales": np.array([0.3, 0.7]), "variance": 0.4},
        {"X1": rng.random((1, 2)), "X2": rng.random((6, 2)), "lengthscales": np.array([1.5, 0.05]), "variance": 3.0},
        {"X1": np.array([[0.2, 0.8]]), "X2": np.array([[0.2, 0.8]]), "lengthscales": np.array([0.3, 0.3]), "variance": 1.7},
    ]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q04.code_rbf_kernel": compare_with_reference("rbf_kernel", rbf_kernel_reference, _rbf_cases()),
    "q04.code_posterior": _posterior_checker,
    "q04.code_log_marginal_likelihood": _lml_checker,
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _cost_scaling_params(rng):
    n0 = int(rng.choice([100, 200, 250, 400, 500, 1000]))
    return {"n0": n0, "t0": float(rng.choice([0.01, 0.05, 0.1, 0.2, 0.5])), "n1": n0 * int(rng.choice([2, 3, 4, 5, 6, 8]))}


def cost_scaling_reference(p):
    """Cholesky time under the O(n^3) term alone: t1 = t0 (n1 / n0)^3."""
    return p["t0"] * (p["n1"] / p["n0"]) ** 3


GENERATORS = {
    "q04.cost_scaling": generator(_cost_scaling_params, cost_scaling_reference),
}
