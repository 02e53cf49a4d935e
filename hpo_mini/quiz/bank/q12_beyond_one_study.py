"""Quiz 12: beyond one study: BOHB's model budget, CMA-ES's recombination weights and step-size update,
regularized evolution's aging step, and an A/B test's sample size.

The references below are written out from their sources, independent of the library (the quiz refuses
answers that call it, and the references do not lean on it either): Falkner, Klein & Hutter (2018),
Algorithm 2, for the model budget; Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772),
Table 1 and eq. 44, for the weights and the step size; Real et al. (2019), Algorithm 1, for aging; the
pooled two-proportion power formula (Fleiss, Levin & Paik 2003, ch. 4) for the sample size, with the
standard library's normal quantile. tests/unit/quiz/test_quiz_q12_references.py checks them against
hpo_mini's own implementations and a Monte Carlo estimate.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q12_beyond_one_study.toml beside this file, and the answer key is solutions/keys/q12_beyond_one_study.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from ..checks import compare_with_reference

NAN = float("nan")


# ---- references for the code exercises ---------------------------------------------------------


def model_budget_reference(observations, d):
    """The largest budget with |D_b| >= N_min + 2 = d + 3 observations, failed ones (NaN) included; None if
    there is none (Falkner et al. 2018, Algorithm 2)."""
    qualifying = [budget for budget, losses in observations.items() if len(losses) >= d + 3]
    return max(qualifying) if qualifying else None


def recombination_weights_reference(lam):
    """(w_1..w_mu normalized to sum 1, mu_eff = 1 / sum w_i^2) with mu = floor(lam / 2) and
    w'_i = ln((lam + 1) / 2) - ln i (Hansen's tutorial, Table 1)."""
    mu = lam // 2
    raw = [math.log((lam + 1) / 2) - math.log(i) for i in range(1, mu + 1)]
    total = sum(raw)
    weights = [w / total for w in raw]
    return weights, 1.0 / sum(w * w for w in weights)


def step_size_update_reference(sigma, p_sigma, c_sigma, d_sigma):
    """sigma exp(c_sigma / d_sigma (||p_sigma|| / chi_n - 1)), chi_n = sqrt(n) (1 - 1/(4n) + 1/(21 n^2))
    (Hansen's tutorial, eq. 44 and the approximation below it)."""
    n = len(p_sigma)
    chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
    norm = math.sqrt(sum(p * p for p in p_sigma))
    return sigma * math.exp(c_sigma / d_sigma * (norm / chi_n - 1))


def next_population_reference(population, child, size, aging):
    """Append the child; above `size`, remove the oldest (aging) or the first member with the largest loss
    (Real et al. 2019, Algorithm 1, and its non-aging baseline)."""
    members = list(population) + [child]
    if len(members) > size:
        if aging:
            del members[0]
        else:
            worst = max(member[1] for member in members)
            del members[next(i for i, member in enumerate(members) if member[1] == worst)]
    return members


def users_per_arm_reference(p1, p2, alpha, power):
    """ceil((z_a sqrt(2 pbar (1 - pbar)) + z_b sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2), two-sided z_a."""
    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)
    pbar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / (p1 - p2) ** 2)


# ---- the cases -------------------------------------------------------------------------------------


def _budget_cases():
    return [
        {"observations": {1: [0.5] * 40, 3: [0.4] * 11, 9: [0.3] * 5, 27: [0.2] * 2}, "d": 3},  # the numeric question
        {"observations": {27: [0.2] * 6, 9: [0.3] * 30, 1: [0.5] * 81, 3: [0.4] * 27}, "d": 3},  # not in order
        {"observations": {1: [0.5] * 4}, "d": 2},  # one short
        {"observations": {1: [0.5] * 5}, "d": 2},  # exactly d + 3
        {"observations": {}, "d": 1},
        {"observations": {1: [0.5] * 9, 3: [NAN, NAN, 0.4, 0.4, 0.4], 9: [NAN] * 5}, "d": 2},  # failures count
        {"observations": {1: [0.5] * 9, 3: [0.4, NAN, 0.3, NAN, 0.2, 0.1], 9: []}, "d": 3},
        {"observations": {0.5: [0.5] * 12, 1.5: [0.4] * 12, 4.5: [0.3] * 3}, "d": 1},  # float budgets
        {"observations": {1: [0.5] * 81, 3: [0.4] * 27, 9: [0.3] * 9, 27: [0.2] * 3, 81: [0.1]}, "d": 6},
        {"observations": {1: [0.5] * 81, 3: [0.4] * 27, 9: [0.3] * 9, 27: [0.2] * 3, 81: [0.1]}, "d": 0},
        {"observations": {2: [0.1] * 3, 1: [0.2] * 2}, "d": 1},
    ]


def _step_cases():
    return [
        {"sigma": 0.3, "p_sigma": [0.5, -0.2], "c_sigma": 0.4462, "d_sigma": 1.4462},
        {"sigma": 0.3, "p_sigma": [1.5, 1.2], "c_sigma": 0.4462, "d_sigma": 1.4462},
        {"sigma": 1.0, "p_sigma": [0.0, 0.0, 0.0], "c_sigma": 0.5, "d_sigma": 1.5},
        {"sigma": 0.05, "p_sigma": [0.3] * 10, "c_sigma": 0.2844, "d_sigma": 1.2844},
        {"sigma": 0.2, "p_sigma": [2.0, -1.0, 0.5, 0.25, -0.75], "c_sigma": 0.35, "d_sigma": 1.35},
        {"sigma": 2.5, "p_sigma": [0.9], "c_sigma": 0.6, "d_sigma": 1.6},
        {"sigma": 0.1, "p_sigma": [1.0] * 40, "c_sigma": 0.1, "d_sigma": 1.1},
    ]


def _population_cases():
    pop = [(0, 0.30), (1, 0.10), (2, 0.50), (3, 0.20)]
    ties = [(0, 0.4), (1, 0.1), (2, 0.4), (3, 0.2)]
    cases = []
    for aging in (True, False):
        cases += [
            {"population": pop, "child": (4, 0.05), "size": 4, "aging": aging},
            {"population": pop, "child": (4, 0.90), "size": 4, "aging": aging},  # the child is the worst
            {"population": pop[:2], "child": (2, 0.70), "size": 4, "aging": aging},  # still filling up
            {"population": pop[:3], "child": (3, 0.20), "size": 4, "aging": aging},  # reaches the size exactly
            {"population": ties, "child": (4, 0.3), "size": 4, "aging": aging},  # equal worst: the oldest of them
            {"population": [], "child": (0, 0.5), "size": 1, "aging": aging},
            {"population": [(7, 0.2)], "child": (8, 0.1), "size": 1, "aging": aging},
        ]
    return cases


def _ab_cases():
    cases = [(0.10, 0.11, 0.05, 0.8), (0.20, 0.21, 0.05, 0.8), (0.20, 0.205, 0.05, 0.9), (0.05, 0.06, 0.01, 0.8),
             (0.50, 0.52, 0.05, 0.8), (0.30, 0.27, 0.05, 0.8), (0.02, 0.025, 0.1, 0.95), (0.10, 0.15, 0.05, 0.8)]
    return [{"p1": p1, "p2": p2, "alpha": alpha, "power": power} for p1, p2, alpha, power in cases]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q12.code_model_budget": compare_with_reference("model_budget", model_budget_reference, _budget_cases()),
    "q12.code_cma_weights": compare_with_reference(
        "recombination_weights", recombination_weights_reference, [{"lam": lam} for lam in (2, 3, 6, 7, 10, 13, 24, 100)]
    ),
    "q12.code_step_size": compare_with_reference("step_size_update", step_size_update_reference, _step_cases()),
    "q12.code_aging_step": compare_with_reference("next_population", next_population_reference, _population_cases()),
    "q12.code_ab_sample_size": compare_with_reference("users_per_arm", users_per_arm_reference, _ab_cases()),
}
