"""Quiz 05: Bayesian optimization: the loop, EI / PI / UCB, their knobs, log EI, snapping, batches.

Code exercises are checked against the library: `expected_improvement`, `probability_of_improvement` and
`log_expected_improvement` in hpo_mini/models/acquisition.py.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q05_bayesian_optimization.toml beside this file, and the answer key is solutions/keys/q05_bayesian_optimization.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import numpy as np

from ...models.acquisition import expected_improvement, log_expected_improvement, probability_of_improvement
from ..checks import compare_with_reference
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def expected_improvement_reference(mu, sigma, best, xi):
    """The library's closed form (Jones, Schonlau & Welch 1998, eq. 15), for minimization."""
    return expected_improvement(mu, sigma, best, xi)


def probability_of_improvement_reference(mu, sigma, best, xi):
    """The library's PI = Phi((best - xi - mu) / sigma) (Kushner 1964), for minimization."""
    return probability_of_improvement(mu, sigma, best, xi)


def log_expected_improvement_reference(mu, sigma, best, xi):
    """The library's stable log EI (Ament et al., NeurIPS 2023)."""
    return log_expected_improvement(mu, sigma, best, xi)


# Inputs for EI and PI: floats and arrays, mean below and above the incumbent, sigma = 0 (f known
# exactly there), xi = 0 and xi > 0, and a point far worse than the incumbent.
_EI_PI_CASES = [
    {"mu": 1.0, "sigma": 0.5, "best": 1.0, "xi": 0.01},
    {"mu": 0.3, "sigma": 0.1, "best": 0.5, "xi": 0.0},
    {"mu": 2.0, "sigma": 1.0, "best": 1.0, "xi": 0.01},
    {"mu": 0.2, "sigma": 0.3, "best": 0.5, "xi": 0.25},
    {"mu": 0.2, "sigma": 0.0, "best": 0.5, "xi": 0.01},
    {"mu": 0.9, "sigma": 0.0, "best": 0.5, "xi": 0.01},
    {"mu": np.array([-0.3, 0.0, 0.4, 1.5, 0.1]), "sigma": np.array([0.3, 0.0, 1.0, 0.05, 2.0]), "best": 0.0, "xi": 0.05},
    {"mu": np.linspace(-1.0, 3.0, 9), "sigma": np.full(9, 0.7), "best": 0.5, "xi": 0.0},
    {"mu": 5.0, "sigma": 0.5, "best": 0.0, "xi": 0.0},
]

# Inputs for log EI: z = (best - xi - mu) / sigma from +3 down to -40, where EI itself underflows.
_LOG_EI_CASES = [
    {"mu": np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), "sigma": np.ones(5), "best": 0.0, "xi": 0.0},
    {"mu": np.array([0.2, 0.6, 1.4]), "sigma": np.array([0.5, 2.0, 0.1]), "best": 0.5, "xi": 0.0},
    {"mu": np.array([0.0, 0.3, 1.0]), "sigma": np.array([0.2, 0.2, 0.2]), "best": 0.4, "xi": 0.1},
    {"mu": np.array([3.0, 5.0, 8.0, 12.0]), "sigma": np.ones(4), "best": 0.0, "xi": 0.0},
    {"mu": np.array([20.0, 30.0, 40.0]), "sigma": np.ones(3), "best": 0.0, "xi": 0.0},
    {"mu": np.array([-3.0, 10.0, 40.0]), "sigma": np.array([1.0, 0.5, 2.0]), "best": 0.0, "xi": 0.01},
    {"mu": np.array([1.0]), "sigma": np.array([1.0]), "best": 0.0, "xi": 0.0},
]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q05.code_expected_improvement": compare_with_reference("expected_improvement", expected_improvement_reference, _EI_PI_CASES),
    "q05.code_probability_of_improvement": compare_with_reference("probability_of_improvement", probability_of_improvement_reference, _EI_PI_CASES),
    "q05.code_log_expected_improvement": compare_with_reference(
        "log_expected_improvement", log_expected_improvement_reference, _LOG_EI_CASES, rel=1e-7, abs_=1e-9
    ),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def ei_value_reference(p):
    """EI for minimization with xi = 0, computed by the library (models/acquisition.py)."""
    return float(expected_improvement(p["mu"], p["sigma"], p["best"], xi=0.0))


def _ei_value_params(rng):
    while True:  # keep EI above 0.005, so that three significant digits are a fair ask
        best = round(float(rng.uniform(0.2, 1.0)), 2)
        p = {"mu": round(best + float(rng.choice(np.arange(-0.2, 0.21, 0.05))), 2), "sigma": float(rng.choice([0.05, 0.1, 0.15, 0.2, 0.3])),
             "best": best}
        if ei_value_reference(p) >= 0.005:
            return p


GENERATORS = {
    "q05.ei_value": generator(_ei_value_params, ei_value_reference),
}
