"""The references behind quizzes 08 and 09 against independent facts: exact enumeration, Monte Carlo,
hand-computed values and the papers' formulas; and the numeric answers of the keys recomputed."""

from __future__ import annotations

import itertools
import math
import runpy
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from hpo_mini.quiz.bank import q08_evolutionary as q08
from hpo_mini.quiz.bank import q08_mutation as q08m
from hpo_mini.quiz.bank import q09_training_dynamics as q09

ROOT = Path(__file__).resolve().parents[3]
KEY08 = runpy.run_path(str(ROOT / "solutions" / "keys" / "q08_evolutionary.py"))["ANSWERS"]
KEY09 = runpy.run_path(str(ROOT / "solutions" / "keys" / "q09_training_dynamics.py"))["ANSWERS"]


# ---- quiz 08 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n,k", [(2, 2), (5, 3), (4, 1), (6, 4)])
def test_tournament_closed_form_matches_exact_enumeration(n, k):
    """Enumerate all n^k equally likely draws (with replacement); rank = index + 1 here."""
    wins = np.zeros(n)
    for draw in itertools.product(range(n), repeat=k):
        wins[min(draw)] += 1
    np.testing.assert_allclose(q08.tournament_probabilities(n, k), wins / n**k, rtol=0, atol=1e-15)


def test_tournament_hand_values():
    np.testing.assert_allclose(q08.tournament_probabilities(2, 2), [0.75, 0.25])
    np.testing.assert_allclose(q08.tournament_probabilities(7, 1), np.full(7, 1 / 7))
    assert q08.tournament_probabilities(10, 3)[0] == pytest.approx(0.271)


def test_tournament_reference_follows_the_closed_form():
    fitness = np.array([0.4, 0.1, 0.3, 0.2])  # ranks 4, 1, 3, 2
    rng = np.random.default_rng(0)
    counts = np.bincount([q08.tournament_select_reference(fitness, 2, rng) for _ in range(20000)], minlength=4)
    expected = q08.tournament_probabilities(4, 2)[[3, 0, 2, 1]] * 20000
    assert stats.chisquare(counts, expected).pvalue > 1e-4


def test_q08_numeric_answers_recomputed():
    assert KEY08["q08.tournament_best"] == pytest.approx(q08.tournament_probabilities(10, 3)[0])
    assert KEY08["q08.tournament_copies"] == pytest.approx(20 * q08.tournament_probabilities(20, 2)[0])
    # BLX-0.5: Monte Carlo of a child drawn on [min - d/2, max + d/2] for parents 0.2 and 0.6
    rng = np.random.default_rng(1)
    child = rng.uniform(0.2 - 0.2, 0.6 + 0.2, 100_000)
    outside = np.mean((child < 0.2) | (child > 0.6))
    assert outside == pytest.approx(KEY08["q08.blx_outside"], abs=0.01)


def test_pbt_reference_copies_the_top_into_the_bottom():
    losses = [0.9, 0.1, 0.5, 0.7, 0.2, 0.8, 0.3, 0.6, 1.0, 0.4]  # n = 10: m = 2; top {1, 4}, bottom {8, 0}
    configs = [{"lr": 0.01 * (i + 1), "wd": 1e-4 * (i + 1)} for i in range(10)]
    new, sources = q08.pbt_exploit_explore_reference(losses, configs, np.random.default_rng(0))
    for i in range(10):
        if i in (0, 8):
            assert sources[i] in (1, 4)
            for name, value in new[i].items():
                assert value / configs[sources[i]][name] == pytest.approx(0.8) or value / configs[sources[i]][name] == pytest.approx(1.2)
        else:
            assert sources[i] == i and new[i] == configs[i]


def test_mutation_int_probabilities_match_monte_carlo_of_the_reference():
    dim = q08m.MUTATION_SPACE["layers"]
    values, p = q08m._int_probabilities(dim, 5, 1.0)
    assert p.sum() == pytest.approx(1.0)
    assert p[values == 5][0] == pytest.approx(stats.norm.cdf(0.5 / 0.9) - stats.norm.cdf(-0.5 / 0.9))
    rng = np.random.default_rng(3)
    draws = [q08m.mutate_reference(q08m._CENTRE, q08m.MUTATION_SPACE, 1.0, rng)["layers"] for _ in range(4000)]
    counts = np.array([draws.count(v) for v in values])
    keep = p * 4000 >= 5  # chi-square needs expected counts of at least ~5
    observed = np.append(counts[keep], counts[~keep].sum())
    expected = np.append(p[keep], p[~keep].sum()) * 4000
    assert stats.chisquare(observed, expected).pvalue > 1e-4


def test_mutation_reference_stays_in_the_space_and_rate_zero_is_identity():
    rng = np.random.default_rng(4)
    for _ in range(300):
        child = q08m.mutate_reference(q08m._EDGE, q08m.MUTATION_SPACE, 1.0, rng)
        assert q08m.MUTATION_SPACE.validate(child) == child
        assert child["act"] != q08m._EDGE["act"]
    assert q08m.mutate_reference(q08m._CENTRE, q08m.MUTATION_SPACE, 0.0, rng) == q08m._CENTRE


# ---- quiz 09 ------------------------------------------------------------------------------------


def test_cosine_with_warmup_hand_values():
    f = q09.cosine_with_warmup_reference
    assert f(0, 0.1, 0.0, 10, 110) == 0.0
    assert f(5, 0.1, 0.0, 10, 110) == pytest.approx(0.05)
    assert f(10, 0.1, 0.0, 10, 110) == pytest.approx(0.1)  # end of warmup: the peak
    assert f(60, 0.1, 0.0, 10, 110) == pytest.approx(0.05)  # middle of the cosine: halfway
    assert f(110, 0.1, 0.0, 10, 110) == pytest.approx(0.0, abs=1e-15)
    assert f(1000, 3e-4, 3e-5, 100, 1000) == pytest.approx(3e-5)
    assert f(0, 1.0, 0.1, 0, 50) == pytest.approx(1.0)  # no warmup
    assert f(3000, 0.1, 0.0, 500, 10500) == pytest.approx(0.05 * (1 + math.sqrt(2) / 2))
    assert KEY09["q09.cosine_value"] == pytest.approx(f(3000, 0.1, 0.0, 500, 10500), rel=1e-6)


def test_triangular_lr_hand_values_and_period():
    f = q09.triangular_lr_reference
    assert [f(t, 0.1, 1.0, 4) for t in (0, 2, 4, 6, 8, 12)] == pytest.approx([0.1, 0.55, 1.0, 0.55, 0.1, 1.0])
    ts = np.arange(0, 50)
    values = np.array([f(int(t), 0.0, 1.0, 5) for t in ts])
    np.testing.assert_allclose(values[10:], values[:-10])  # period 2 * step_size
    assert values.min() == 0.0 and values.max() == 1.0


def test_suggest_lr_hand_cases():
    f = q09.suggest_lr_reference
    lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert f(lrs, [3.0, 1.0, 1.0, 1.0, 1.0]) == pytest.approx(0.1)  # the average keeps falling towards 1: the last
    assert f(lrs[:4], [2.0, 1.5, 1.0, 0.5]) == pytest.approx(0.01)
    assert f(lrs, [1.0, 0.9, float("nan"), 0.1, 0.1]) == pytest.approx(1e-4)  # stops at the nan
    assert f(lrs, [1.0, 0.9, 500.0, 0.01, 0.01]) == pytest.approx(1e-4)  # the spike exceeds 4x the best: stop
    # smoothing by hand: losses [1, 3] -> (0.98 * 0.02 * 1 + 0.02 * 3) / (1 - 0.98^2) = 2.0101...
    average = 0.98 * 0.02 * 1 + 0.02 * 3
    assert average / (1 - 0.98**2) == pytest.approx(2.0101, abs=1e-4)


def test_q09_numeric_answers_recomputed():
    assert KEY09["q09.max_stable_lr"] == pytest.approx(2 / 100)
    assert KEY09["q09.range_test_factor"] == pytest.approx(np.geomspace(1e-7, 10, 100)[1] / 1e-7, rel=1e-6)
    assert KEY09["q09.linear_scaling"] == pytest.approx(0.1 * 8192 / 256)
    # gradient descent at lr = 1.5 / L: w -> -0.5 w (converges, alternating); the key says "b"
    w = [1.0]
    for _ in range(4):
        w.append(w[-1] - 1.5 * w[-1])
    assert w == pytest.approx([1.0, -0.5, 0.25, -0.125, 0.0625]) and KEY09["q09.oscillation"] == "b"
    # early stopping with patience 3 (strict improvement), epochs numbered from 1
    val = [0.90, 0.75, 0.70, 0.72, 0.69, 0.71, 0.70, 0.73, 0.68, 0.66]
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val, 1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == 3:
                break
    assert (epoch, best_epoch) == (KEY09["q09.patience_stop_epoch"], 5)
