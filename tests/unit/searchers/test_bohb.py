"""BOHB: the good/bad split and the model budget against hpbandster 0.7.4's integer arithmetic, bandwidths against
scipy's gaussian_kde (Scott's factor), the densities against scipy's truncated normals, the candidate
sampler against its mixture by a KS test, the random fraction, failures counted as bad, Hyperband's
schedule kept, and a study resumed from a journal cut after any trial."""

import math

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import BOHB, Hyperband
from hpo_mini.searchers.bohb import (BOHBSampler, good_bad_split, kde_candidates, kde_pair,
                                     normal_reference_bandwidths)
from hpo_mini.space import config_key

SMALL = Space({"x": Float(0.0, 1.0), "y": Float(0.0, 1.0)})


def loss(config, budget):
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.6) ** 2 + 1.0 / budget


def hpbandster_split(losses, d, q=15):
    """hpbandster 0.7.4 `BOHB.new_result`, line for line: skip when len <= n_min - 1; n_good, n_bad; fit only
    when both sets have more rows than columns."""
    n_min = d + 1
    if len(losses) <= n_min - 1:
        return None
    n_good = max(n_min, (q * len(losses)) // 100)
    n_bad = max(n_min, ((100 - q) * len(losses)) // 100)
    idx = np.argsort(losses, kind="stable")
    good, bad = idx[:n_good], idx[n_good:n_good + n_bad]
    return None if len(good) <= d or len(bad) <= d else (list(good), list(bad))


@pytest.mark.parametrize("d", [1, 2, 5])
def test_good_bad_split_equals_hpbandster_for_every_size(d):
    rng = np.random.default_rng(d)
    for n in range(0, 60):
        losses = rng.random(n)
        got = good_bad_split(losses, d)
        want = hpbandster_split(losses, d)
        assert (got is None) == (want is None), n
        if got is not None:
            assert list(got[0]) == want[0] and list(got[1]) == want[1]
    assert good_bad_split(np.arange(2 * d + 1.0), d) is None  # n_good = d + 1 leaves d bad points: too few
    assert good_bad_split(np.arange(2 * d + 2.0), d) is not None


def test_bandwidths_are_scotts_rule_times_1_06_with_population_sd():
    P = np.random.default_rng(0).random((23, 3))
    kde = stats.gaussian_kde(P.T)  # covariance = sample covariance (ddof 1) * n^(-2/(d+4))
    scott_sd = np.sqrt(np.diag(kde.covariance))
    np.testing.assert_allclose(normal_reference_bandwidths(P), 1.06 * scott_sd * math.sqrt(22 / 23), rtol=1e-12)


def test_l_density_is_the_mixture_of_truncated_normals():
    rng = np.random.default_rng(1)
    good, bad = rng.random((6, 2)), rng.random((20, 2))
    l, g = kde_pair(good, bad, SMALL)
    h = normal_reference_bandwidths(good)
    X = rng.random((50, 2))
    want = np.mean([np.prod([stats.truncnorm.pdf(X[:, j], -p[j] / h[j], (1 - p[j]) / h[j], loc=p[j], scale=h[j])
                             for j in range(2)], axis=0) for p in good], axis=0)
    np.testing.assert_allclose(l.pdf(X), want, rtol=1e-9)
    assert np.all(np.isfinite(g.log_pdf(X)))


def test_a_categorical_kernel_is_aitchison_aitken():
    space = Space({"c": Categorical(["a", "b", "c", "d"])})
    points = space.to_unit([{"c": v} for v in "aaabbc"])
    l, _ = kde_pair(points, points, space)
    h = min(normal_reference_bandwidths(np.array([[0], [0], [0], [1], [1], [2]]))[0], 3 / 4)
    probs = l.pdf(space.to_unit([{"c": v} for v in "abcd"]))
    counts = np.array([3, 2, 1, 0])
    np.testing.assert_allclose(probs, (counts * (1 - h) + (6 - counts) * h / 3) / 6, rtol=1e-12)
    assert probs.sum() == pytest.approx(1.0)


def test_candidates_follow_the_widened_truncated_mixture():
    space = Space({"x": Float(0.0, 1.0)})
    good = np.array([[0.1], [0.15], [0.7]])
    U = kde_candidates(good, space, np.random.default_rng(0), 4000, bandwidth_factor=3.0)
    s = 3.0 * normal_reference_bandwidths(good)[0]

    def cdf(x):
        return np.mean([stats.truncnorm.cdf(x, -m / s, (1 - m) / s, loc=m, scale=s) for m in good[:, 0]], axis=0)

    assert stats.kstest(U[:, 0], cdf).pvalue > 1e-3


def test_the_model_uses_the_largest_budget_with_enough_results_and_a_third_is_random():
    sampler = BOHBSampler(SMALL, seed=0)
    rng = np.random.default_rng(0)
    for budget, n in ((1, 20), (3, 6), (9, 5)):  # d = 2: a budget qualifies from 6 results on
        for config in SMALL.sample(rng, n):
            sampler.observe(config, budget, loss(config, budget))
    assert sampler.split()[0] == 3
    for _ in range(600):
        sampler.ask()
    used = list(sampler.model_budget_.values())
    assert set(used) == {3, None}
    assert stats.binomtest(used.count(None), len(used), 1 / 3).pvalue > 1e-3


def test_failures_are_bad_results():
    sampler = BOHBSampler(SMALL, seed=0)
    configs = SMALL.sample(np.random.default_rng(0), 8)
    for i, config in enumerate(configs):
        sampler.observe(config, 1, None if i == 0 else float(i))
    budget, good, bad = sampler.split()
    failed = SMALL.to_unit(configs[0])[0]
    assert any(np.allclose(b, failed) for b in bad) and not any(np.allclose(x, failed) for x in good)


def test_bohb_keeps_hyperbands_schedule_and_proposes_near_the_good_region():
    bohb = BOHB(SMALL, min_budget=1, max_budget=9, n_iterations=3, seed=0)
    study = optimize(loss, bohb, progress=False)
    plain = optimize(loss, Hyperband(SMALL, min_budget=1, max_budget=9, n_iterations=3, seed=0), progress=False)
    assert [t.budget for t in study.trials] == [t.budget for t in plain.trials]
    model_based = [t for t in study.trials if "base_id" in t.system_attrs
                   and bohb.sampler.model_budget_[t.system_attrs["base_id"]] is not None]
    random = [t for t in study.trials if "base_id" in t.system_attrs
              and bohb.sampler.model_budget_[t.system_attrs["base_id"]] is None]
    assert len(model_based) >= 10

    def distance(t):
        return math.hypot(t.config["x"] - 0.3, t.config["y"] - 0.6)

    assert np.median([distance(t) for t in model_based]) < 0.5 * np.median([distance(t) for t in random])


MIXED = Space({"x": Float(1e-3, 1.0, log=True), "k": Int(1, 6), "c": Categorical(["a", "b", "c"])})


def mixed_loss(config, budget):
    return (math.log10(config["x"]) + 2) ** 2 / 4 + abs(config["k"] - 4) / 5 + (config["c"] != "b") * 0.3 + 1 / budget


def test_mixed_spaces_give_valid_configs():
    bohb = BOHB(MIXED, min_budget=1, max_budget=9, n_iterations=2, seed=1)
    study = optimize(mixed_loss, bohb, progress=False)
    for t in study.trials:
        MIXED.validate(t.config)
    assert any(b is not None for b in bohb.sampler.model_budget_.values())


def signature(trials):
    return [(t.id, config_key(t.config), t.budget, t.state, t.value) for t in trials]


def test_a_study_cut_after_any_trial_resumes_into_the_uninterrupted_run(tmp_path):
    def make():
        return BOHB(SMALL, min_budget=1, max_budget=9, n_iterations=2, seed=3)

    whole = optimize(loss, make(), journal=tmp_path / "whole.jsonl", progress=False)
    assert any(b is not None for b in make().sampler.model_budget_.values()) is False  # a fresh one has no model
    lines = (tmp_path / "whole.jsonl").read_bytes().split(b"\n")
    for k in range(1, len(whole.trials), 3):  # the first k trials recorded, the (k+1)-th was running
        path = tmp_path / f"cut{k}.jsonl"
        path.write_bytes(b"\n".join(lines[: 1 + k]) + b"\n")
        resumed = optimize(loss, make(), journal=path, progress=False)
        assert signature(resumed.trials) == signature(whole.trials), k


def test_a_journal_of_other_settings_is_refused_saying_so(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(loss, BOHB(SMALL, min_budget=1, max_budget=9, seed=3), n_trials=12, journal=path, progress=False)
    with pytest.raises(ValueError, match="written by a searcher with other settings"):
        optimize(loss, BOHB(SMALL, min_budget=1, max_budget=27, seed=3), n_trials=20, journal=path, progress=False)


@pytest.mark.parametrize("kwargs,match", [({"min_points_in_model": 2}, "min_points_in_model"),
                                          ({"top_n_percent": 0}, "top_n_percent"),
                                          ({"random_fraction": 1.5}, "random_fraction"),
                                          ({"num_samples": 0}, "num_samples"),
                                          ({"bandwidth_factor": 0}, "bandwidth_factor")])
def test_bad_settings_raise_and_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BOHB(SMALL, min_budget=1, max_budget=9, **kwargs)
