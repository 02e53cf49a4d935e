"""The references behind quiz 12 against independent implementations: hpo_mini's CMA-ES constants and
update, its regularized evolution and its A/B sample size; a Monte Carlo power estimate; and the numeric
keys recomputed from the lesson's library."""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

from hpo_mini.evaluation.drift_and_ab import ab_sample_size_proportions
from hpo_mini.evaluation.validation import expected_max_normal
from hpo_mini.quiz.bank import q12_beyond_one_study as q12
from hpo_mini.searchers.cmaes import cma_parameters, expected_norm
from hpo_mini.searchers.regularized_evolution import RegularizedEvolution
from hpo_mini.space import Float, Space

ROOT = Path(__file__).resolve().parents[3]
KEY = runpy.run_path(str(ROOT / "solutions" / "keys" / "q12_beyond_one_study.py"))["ANSWERS"]


@pytest.mark.parametrize("lam", [2, 6, 10, 17, 64])
def test_weights_match_the_library_cma_parameters(lam):
    weights, mu_eff = q12.recombination_weights_reference(lam)
    p = cma_parameters(n=3, population=lam)
    assert np.allclose(weights, p["weights"][: p["mu"]]) and mu_eff == pytest.approx(p["mu_eff"])


def test_step_size_reference_matches_the_tutorial_formula_with_the_library_expected_norm():
    for n, sigma, c_s, d_s in [(2, 0.3, 0.4462, 1.4462), (10, 0.05, 0.2844, 1.2844)]:
        p = np.linspace(-1, 1.5, n)
        expected = sigma * math.exp(c_s / d_s * (np.linalg.norm(p) / expected_norm(n) - 1))
        assert q12.step_size_update_reference(sigma, list(p), c_s, d_s) == pytest.approx(expected, rel=1e-12)
    # the expected norm is close to the Monte Carlo mean of ||N(0, I)||
    rng = np.random.default_rng(0)
    assert expected_norm(5) == pytest.approx(np.linalg.norm(rng.standard_normal((200000, 5)), axis=1).mean(), rel=2e-3)


@pytest.mark.parametrize("aging", [True, False])
def test_aging_step_matches_regularized_evolution(aging):
    space = Space({"x": Float(0.0, 1.0)})
    es = RegularizedEvolution(space, population=4, sample=2, seed=0, aging=aging)
    losses = [0.3, 0.1, 0.5, 0.2, 0.05, 0.9, 0.5, 0.2, 0.4]
    population = []
    for loss in losses:
        trial = es.ask()
        es.tell(trial, loss)
        population = q12.next_population_reference(population, (trial.id, loss), 4, aging)
        assert [(i, l) for i, _, l in es.population_] == population


def test_users_per_arm_matches_the_library_and_gives_the_power_by_monte_carlo():
    for case in q12._ab_cases():
        assert q12.users_per_arm_reference(**case) == ab_sample_size_proportions(
            case["p1"], case["p2"], alpha=case["alpha"], power=case["power"])
    n = q12.users_per_arm_reference(0.10, 0.15, 0.05, 0.8)
    rng = np.random.default_rng(1)
    a, b = rng.binomial(n, 0.10, 20000), rng.binomial(n, 0.15, 20000)
    pooled = (a + b) / (2 * n)
    z = (b - a) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
    assert abs(np.mean(np.abs(z) > 1.959964) - 0.8) < 0.02


def test_model_budget_reference_by_brute_force():
    for case in q12._budget_cases():
        threshold = case["d"] + 3
        ranked = sorted(case["observations"], reverse=True)
        brute = next((b for b in ranked if len(case["observations"][b]) >= threshold), None)
        assert q12.model_budget_reference(**case) == brute


def test_numeric_keys_recomputed_independently():
    assert KEY["q12.winners_curse_four"] == pytest.approx(0.01 * expected_max_normal(4), rel=1e-9)
    assert KEY["q12.ab_users"] == pytest.approx(ab_sample_size_proportions(0.10, 0.11), rel=1e-3)
    assert KEY["q12.cma_first_weight"] == pytest.approx(cma_parameters(2)["weights"][0])
    assert KEY["q12.bohb_budget_choice"] == q12.model_budget_reference(
        {1: [0.0] * 40, 3: [0.0] * 11, 9: [0.0] * 5, 27: [0.0] * 2}, 3)
    # distinct networks by enumeration of the flat space, canonicalized
    import itertools
    seen = set()
    for depth, w1, w2, w3, act, skip in itertools.product((1, 2, 3), (16, 32, 64), (16, 32, 64), (16, 32, 64),
                                                          ("relu", "tanh"), (False, True)):
        seen.add((depth, (w1, w2, w3)[:depth], act, skip if depth >= 2 else None))
    assert KEY["q12.distinct_networks"] == len(seen)
