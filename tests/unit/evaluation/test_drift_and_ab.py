"""Drift tests, A/B sample sizes and the winner's curse, each against an independent reference:
scipy's ks_2samp, closed forms, and Monte Carlo."""

import math

import numpy as np
import pytest
from scipy import stats

from hpo_mini.evaluation.drift_and_ab import (ab_power_proportions, ab_sample_size_means, ab_sample_size_proportions,
                                              detect_drift, ks_two_sample, two_proportion_z_test, winners_curse)
from hpo_mini.evaluation.validation import expected_max_normal


@pytest.mark.parametrize("seed, n_a, n_b, shift", [(0, 300, 200, 0.2), (1, 50, 80, 0.0), (2, 1000, 1000, 0.1),
                                                    (3, 20, 25, 1.0)])
def test_ks_matches_scipy(seed, n_a, n_b, shift):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n_a), rng.normal(shift, size=n_b)
    d, p = ks_two_sample(a, b)
    ref = stats.ks_2samp(a, b, method="exact")
    assert d == pytest.approx(ref.statistic, abs=1e-12)
    assert p == pytest.approx(ref.pvalue, abs=0.025)  # asymptotic with Stephens' correction vs exact


def test_ks_statistic_by_brute_force_with_ties():
    a, b = [1, 2, 2, 3, 5], [2, 2, 4, 4, 4, 6]
    grid = np.arange(0, 8, 0.5)
    brute = max(abs(np.mean(np.array(a) <= x) - np.mean(np.array(b) <= x)) for x in grid)
    assert ks_two_sample(a, b)[0] == pytest.approx(brute)


def test_ks_false_alarm_rate_is_about_alpha_and_power_grows_with_shift():
    rng = np.random.default_rng(5)
    null = [ks_two_sample(rng.normal(size=200), rng.normal(size=200))[1] < 0.05 for _ in range(400)]
    assert 0.02 < np.mean(null) < 0.08
    shifted = [ks_two_sample(rng.normal(size=200), rng.normal(0.5, size=200))[1] < 0.05 for _ in range(100)]
    assert np.mean(shifted) > 0.95


def test_detect_drift_flags_only_the_shifted_feature():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(500, 4))
    current = rng.normal(size=(500, 4))
    current[:, 2] += 0.6
    report = detect_drift(reference, current)
    assert report["drifted"].tolist() == [False, False, True, False] and report["any"]
    with pytest.raises(ValueError, match="same columns"):
        detect_drift(reference, current[:, :3])
    with pytest.raises(ValueError, match="alpha"):
        detect_drift(reference, current, alpha=1.5)


def test_sample_size_means_closed_form_and_rule_of_thumb():
    n = ab_sample_size_means(delta=0.1, sigma=1.0)
    exact = 2 * (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) ** 2 / 0.1**2
    assert n == math.ceil(exact) and abs(n - 16 / 0.1**2) / n < 0.02  # van Belle's 16 sigma^2 / delta^2
    assert ab_sample_size_means(0.05, 1.0) >= 4 * n - 4  # half the effect, four times the users
    with pytest.raises(ValueError, match="delta"):
        ab_sample_size_means(0.0, 1.0)


def test_sample_size_proportions_gives_the_asked_power_by_monte_carlo():
    p1, p2 = 0.10, 0.12
    n = ab_sample_size_proportions(p1, p2, alpha=0.05, power=0.8)
    assert ab_power_proportions(n, p1, p2) == pytest.approx(0.8, abs=0.002)
    assert ab_power_proportions(n - 200, p1, p2) < 0.8 < ab_power_proportions(n + 200, p1, p2)
    rng = np.random.default_rng(0)
    n_sim = 4000
    a, b = rng.binomial(n, p1, n_sim), rng.binomial(n, p2, n_sim)
    pooled = (a + b) / (2 * n)
    z = (b / n - a / n) / np.sqrt(pooled * (1 - pooled) * 2 / n)
    power_mc = np.mean(np.abs(z) > stats.norm.ppf(0.975))
    assert abs(power_mc - 0.8) < 3 * math.sqrt(0.8 * 0.2 / n_sim) + 0.005
    with pytest.raises(ValueError, match="differ"):
        ab_sample_size_proportions(0.1, 0.1)


def test_z_test_matches_the_chi_square_test():
    z, p = two_proportion_z_test(120, 1000, 150, 1000)
    chi2, p_chi, _, _ = stats.chi2_contingency([[120, 880], [150, 850]], correction=False)
    assert z**2 == pytest.approx(chi2) and p == pytest.approx(p_chi) and z > 0


def test_winners_curse_matches_expected_maximum_of_normals():
    result = winners_curse(np.zeros(10), noise_sd=0.01, n_repeats=20000, seed=0)
    assert result["shrinkage"] == pytest.approx(0.01 * expected_max_normal(10), rel=0.03)
    assert np.all(result["online"] == 0)
    clear = winners_curse([0.0, 0.0, 1.0], noise_sd=0.01, n_repeats=500, seed=1)
    assert clear["picked_best"] == 1.0 and abs(clear["shrinkage"]) < 0.002
    with pytest.raises(ValueError, match="noise_sd"):
        winners_curse([0.0], noise_sd=-1)
