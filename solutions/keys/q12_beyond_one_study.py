"""The answer key of quiz 12: the one source of its keys. From it `python -m hpo_mini.quiz.build 12`
seals the keys into hpo_mini/quiz/bank/sealed/q12_beyond_one_study.json and writes the answered
solutions/12_beyond_one_study_quiz.ipynb; the handout prints it as the instructor's answer key. Explain
questions are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by
the package. Every number is computed here from the question's data, never typed."""

import math

from scipy import integrate, stats


def _expected_max_of_normals(n):
    """E[max of n i.i.d. N(0, 1)] = integral of x n phi(x) Phi(x)^(n-1) dx."""
    value, _ = integrate.quad(lambda x: x * n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1), -12, 12)
    return value


_counts = {1: 40, 3: 11, 9: 5, 27: 2}  # q12.bohb_budget_choice, d = 3
_raw = [math.log((6 + 1) / 2) - math.log(i) for i in (1, 2, 3)]  # q12.cma_first_weight, lambda = 6
_p1, _p2, _z_a, _z_b = 0.10, 0.11, 1.95996, 0.84162  # q12.ab_users
_pbar = (_p1 + _p2) / 2

ANSWERS = {
    "q12.bohb_changes": "b",
    "q12.bohb_budget_choice": max(b for b, n in _counts.items() if n >= (3 + 1) + 2),
    "q12.code_model_budget": '''\
def model_budget(observations, d):
    """The largest budget with at least d + 3 observations (failed ones included), or None."""
    qualifying = [budget for budget, losses in observations.items() if len(losses) >= d + 3]
    return max(qualifying) if qualifying else None
''',
    "q12.cma_sigma_direction": "b",
    "q12.cma_first_weight": _raw[0] / sum(_raw),
    "q12.code_cma_weights": '''\
import math


def recombination_weights(lam):
    """(weights of the best mu = lam // 2 points, normalized to sum 1, best first; mu_eff)."""
    mu = lam // 2
    raw = [math.log((lam + 1) / 2) - math.log(i) for i in range(1, mu + 1)]
    weights = [w / sum(raw) for w in raw]
    return weights, 1 / sum(w * w for w in weights)
''',
    "q12.code_step_size": '''\
import math


def step_size_update(sigma, p_sigma, c_sigma, d_sigma):
    """sigma * exp(c_sigma / d_sigma * (||p_sigma|| / E||N(0, I)|| - 1))."""
    n = len(p_sigma)
    chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))
    norm = math.sqrt(sum(p * p for p in p_sigma))
    return sigma * math.exp(c_sigma / d_sigma * (norm / chi_n - 1))
''',
    "q12.cma_where": {"a", "d"},
    "q12.distinct_networks": sum(3**depth * 2 * (2 if depth >= 2 else 1) for depth in (1, 2, 3)),
    "q12.aging_why": "b",
    "q12.code_aging_step": '''\
def next_population(population, child, size, aging):
    """The population after adding child (oldest first), trimmed to size by aging or by removing the worst."""
    members = list(population) + [child]
    if len(members) > size:
        if aging:
            members.pop(0)  # the oldest
        else:
            worst = max(loss for _, loss in members)
            members.pop([loss for _, loss in members].index(worst))  # the oldest of the worst
    return members
''',
    "q12.nas_cost": {"a", "c", "d"},
    "q12.negative_transfer": "b",
    "q12.autosklearn": {"a", "c", "d", "e"},
    "q12.alarm_rate": 1 - (1 - 0.05) ** 20,
    "q12.ab_users": math.ceil((_z_a * math.sqrt(2 * _pbar * (1 - _pbar))
                               + _z_b * math.sqrt(_p1 * (1 - _p1) + _p2 * (1 - _p2))) ** 2 / (_p1 - _p2) ** 2),
    "q12.code_ab_sample_size": '''\
import math
from statistics import NormalDist


def users_per_arm(p1, p2, alpha, power):
    """Users per arm for a two-sided two-proportion z-test to detect p1 -> p2 (pooled variance under H0)."""
    z_a = NormalDist().inv_cdf(1 - alpha / 2)
    z_b = NormalDist().inv_cdf(power)
    pbar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root ** 2 / (p1 - p2) ** 2)
''',
    "q12.winners_curse_four": 0.01 * _expected_max_of_normals(4),
    "q12.energy": round(50 * 8 * 0.4 * 1.25),
    "q12.fair_comparison": "b",
}
