"""The "how many random trials" arithmetic of lesson 03, against Monte Carlo and its own definition."""

import numpy as np
import pytest

from hpo_mini.searchers.random import hit_probability, trials_needed


@pytest.mark.parametrize("n,q", [(1, 0.05), (10, 0.05), (60, 0.05), (30, 0.01)])
def test_hit_probability_matches_monte_carlo(n, q):
    rng = np.random.default_rng(0)
    # A trial is in the top q fraction when its uniform rank falls below q.
    hits = (rng.random((20_000, n)) < q).any(axis=1).mean()
    se = np.sqrt(hit_probability(n, q) * (1 - hit_probability(n, q)) / 20_000)
    assert hits == pytest.approx(hit_probability(n, q), abs=4 * se + 1e-9)


def test_sixty_trials_and_the_top_five_percent():
    assert hit_probability(60, 0.05) == pytest.approx(0.9539, abs=1e-4)
    assert trials_needed(0.05, 0.95) == 59


@pytest.mark.parametrize("q", [0.5, 0.1, 0.05, 0.02, 0.01])
@pytest.mark.parametrize("p", [0.5, 0.75, 0.9, 0.95, 0.99])
def test_trials_needed_is_the_smallest_sufficient_n(q, p):
    n = trials_needed(q, p)
    assert hit_probability(n, q) >= p - 1e-12
    assert n == 1 or hit_probability(n - 1, q) < p


def test_bad_fractions_are_refused():
    with pytest.raises(ValueError, match="q"):
        hit_probability(10, 1.5)
    with pytest.raises(ValueError, match="p"):
        trials_needed(0.05, 1.0)
