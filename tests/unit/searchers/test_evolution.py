"""Genetic algorithm and population-based training: operators against closed forms and Monte Carlo,
children inside mixed spaces, elitism, reproducibility (sequential, parallel, resumed), failures,
GA vs random search, PBT vs the best fixed learning rate, and the noisy quadratic task."""

import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.tasks.noisy_quadratic import NoisyQuadratic, noisy_quadratic
from hpo_mini.tasks.test_functions import TestFunction
from hpo_mini.searchers import RandomSearch
from hpo_mini.pbt import PBT, perturb, resample, truncation_exploit
from hpo_mini.searchers.genetic import GeneticAlgorithm, blend_crossover, mutate, tournament_probabilities, tournament_select, uniform_crossover

MIXED = Space({
    "lr": Float(1e-5, 1e-1, log=True),
    "momentum": Float(0.0, 0.99),
    "layers": Int(1, 4),
    "units": Int(8, 512, log=True),
    "optimizer": Categorical(["sgd", "adam", "rmsprop"]),
})
CENTRE = np.array([0.3, -1.2, 2.1, 0.7, -0.4])
SPHERE5 = TestFunction("sphere5", lambda x: float(np.sum((x - CENTRE) ** 2)), [(-5, 5)] * 5, 0.0, CENTRE)


def mixed_loss(config):
    penalty = {"sgd": 0.5, "adam": 0.0, "rmsprop": 0.2}[config["optimizer"]]
    return ((np.log10(config["lr"]) + 3) ** 2 + (config["momentum"] - 0.9) ** 2 + 0.1 * (config["layers"] - 2) ** 2
            + (np.log2(config["units"]) - 7) ** 2 / 10 + penalty)


# ---------------------------------------------------------------- selection


@pytest.mark.parametrize("n,k", [(5, 1), (6, 2), (6, 3), (4, 5)])
def test_tournament_closed_form_equals_exact_enumeration(n, k):
    # Every one of the n^k equally likely entrant tuples (with replacement): the winner is the best rank.
    counts = np.zeros(n)
    for entrants in itertools.product(range(n), repeat=k):
        counts[min(entrants)] += 1
    np.testing.assert_allclose(tournament_probabilities(n, k), counts / n**k, rtol=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_tournament_pick_frequencies_match_the_closed_form(k):
    n, n_picks = 8, 40_000
    losses = np.random.default_rng(1).permutation(n) * 0.5 + 3.0  # distinct, in shuffled order
    picks = tournament_select(losses, n_picks, k, np.random.default_rng(k))
    rank = np.argsort(np.argsort(losses))  # 0 = best
    observed = np.bincount(rank[picks], minlength=n)
    expected = n_picks * tournament_probabilities(n, k)
    keep = expected > 0.5  # k = 5 gives the worst ranks ~0 probability: pool nothing, just skip them
    assert observed[~keep].sum() <= 3
    p_value = stats.chisquare(observed[keep], expected[keep] * observed[keep].sum() / expected[keep].sum()).pvalue
    assert p_value > 1e-4, (observed, expected.round())


def test_a_failed_member_wins_only_a_tournament_of_failures():
    # losses [NaN, 0.5], k = 2: NaN wins only if both entrants are it, probability 1/4.
    picks = tournament_select([np.nan, 0.5], 40_000, 2, np.random.default_rng(0))
    share = np.mean(picks == 0)
    assert abs(share - 0.25) < 4 * np.sqrt(0.25 * 0.75 / 40_000)


def test_tournament_rejects_bad_input():
    with pytest.raises(ValueError, match="tournament size"):
        tournament_probabilities(5, 0)
    with pytest.raises(ValueError, match="non-empty"):
        tournament_select([], 3, 2, 0)


# ---------------------------------------------------------------- crossover and mutation


def test_crossover_and_mutation_keep_every_child_inside_a_mixed_space():
    rng = np.random.default_rng(0)
    for rate, scale in [(0.2, 0.1), (1.0, 3.0)]:  # the second: every gene, huge steps
        A, B = MIXED.snap(rng.random((500, 5))), MIXED.snap(rng.random((500, 5)))
        for child in (uniform_crossover(A, B, rng), blend_crossover(A, B, rng, 0.5, MIXED)):
            mutated, mask = mutate(child, rng, rate, scale, MIXED)
            snapped = MIXED.snap(mutated)
            assert np.all((snapped >= 0) & (snapped <= 1))
            for config in MIXED.from_unit(snapped):
                MIXED.validate(config)  # raises if any value is out of range or of the wrong type
                assert isinstance(config["layers"], int) and isinstance(config["units"], int)
            assert mask.any(axis=1).all()  # at least one gene of every child mutated


def test_blend_crossover_stays_in_the_blend_interval_and_categoricals_come_from_a_parent():
    rng = np.random.default_rng(1)
    A, B = MIXED.snap(rng.random((2000, 5))), MIXED.snap(rng.random((2000, 5)))
    child = blend_crossover(A, B, rng, alpha=0.5, space=MIXED)
    lo, hi = np.minimum(A, B), np.maximum(A, B)
    numeric = [0, 1, 2, 3]
    assert np.all(child[:, numeric] >= np.clip(lo - 0.5 * (hi - lo), 0, 1)[:, numeric] - 1e-12)
    assert np.all(child[:, numeric] <= np.clip(hi + 0.5 * (hi - lo), 0, 1)[:, numeric] + 1e-12)
    assert np.all((child[:, 4] == A[:, 4]) | (child[:, 4] == B[:, 4]))
    # uniform crossover takes each gene from a parent, half the time from each
    child = uniform_crossover(A, B, rng)
    assert np.all((child == A) | (child == B))
    differ = A != B
    assert abs(np.mean(child[differ] == A[differ]) - 0.5) < 0.02


def test_mutation_moves_a_categorical_to_another_choice_and_reflects_numbers():
    rng = np.random.default_rng(2)
    U = MIXED.snap(rng.random((3000, 5)))
    out, mask = mutate(U, rng, rate=1.0, scale=0.05, space=MIXED)
    choice = lambda X: np.floor(X[:, 4] * 3).astype(int)  # noqa: E731
    assert np.all(choice(out) != choice(U))  # mutated categoricals always change
    assert np.all(np.bincount(choice(out), minlength=3) > 800)  # and reach every choice
    steps = (out - U)[:, 1]
    inside = (U[:, 1] > 0.3) & (U[:, 1] < 0.7)  # far from the borders a step is plain N(0, 0.05^2)
    assert abs(np.std(steps[inside]) - 0.05) < 0.005
    assert np.all((out >= 0) & (out <= 1))


def test_rate_zero_mutates_exactly_one_gene_per_child():
    out, mask = mutate(np.full((200, 5), 0.5), np.random.default_rng(3), rate=0.0, scale=0.1)
    assert np.all(mask.sum(axis=1) == 1)
    assert np.all(((out != 0.5).sum(axis=1)) == 1)


# ---------------------------------------------------------------- the GA as a searcher


def test_every_asked_config_is_valid_on_a_mixed_space():
    ga = GeneticAlgorithm(MIXED, population=8, mutation_rate=1.0, mutation_scale=2.0, seed=0)
    study = optimize(mixed_loss, ga, n_trials=8 + 7 * 7, progress=False)  # P, then P - elitism per generation
    for trial in study.trials:
        assert MIXED.validate(trial.config) == trial.config
    assert ga.generation_ == 8 and len(ga.generations_) == 8


@pytest.mark.parametrize("seed", range(4))
def test_elitism_never_loses_the_best(seed):
    ga = GeneticAlgorithm(MIXED, population=6, elitism=1, mutation_rate=1.0, mutation_scale=0.5, seed=seed)
    optimize(mixed_loss, ga, n_trials=6 * 15, progress=False)
    best = [np.nanmin(g["losses"]) for g in ga.generations_]
    assert np.all(np.diff(best) <= 0)
    for before, after in zip(ga.generations_, ga.generations_[1:]):
        i = int(np.nanargmin(before["losses"]))
        np.testing.assert_array_equal(after["points"][0], before["points"][i])  # the elite, unchanged
        assert after["elite"][0] and after["losses"][0] == before["losses"][i]


def test_without_elitism_the_best_can_be_lost():
    # The test above is not vacuous: with heavy mutation and no elite, the best of a generation gets worse.
    lost = False
    for seed in range(4):
        ga = GeneticAlgorithm(MIXED, population=6, elitism=0, mutation_rate=1.0, mutation_scale=0.5, seed=seed)
        optimize(mixed_loss, ga, n_trials=6 * 15, progress=False)
        lost |= bool(np.any(np.diff([np.nanmin(g["losses"]) for g in ga.generations_]) > 0))
    assert lost


def test_same_seed_same_run_other_seed_other_run():
    def run(seed):
        study = optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=seed), n_trials=50, progress=False)
        return [t.config for t in study.trials]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_a_parallel_run_asks_the_same_configs_as_a_sequential_one():
    sequential = optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=3), n_trials=40, progress=False)
    with ThreadPoolExecutor(3) as pool:
        parallel = optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=3), n_trials=40, executor=pool, progress=False)
    by_id = lambda study: {t.id: t.config for t in study.trials}  # noqa: E731
    assert by_id(parallel) == by_id(sequential)


def test_asks_beyond_the_generation_wait_for_tells():
    ga = GeneticAlgorithm(MIXED, population=4, elitism=1, seed=0)
    first = [ga.ask() for _ in range(4)]
    assert ga.ask() is None  # the generation is out, nothing told yet
    for trial in first[:3]:
        ga.tell(trial, mixed_loss(trial.config))
    assert ga.ask() is None and ga.generation_ == 0
    ga.tell(first[3], mixed_loss(first[3].config))
    assert ga.generation_ == 1
    children = [ga.ask() for _ in range(3)]  # population - elitism new members
    assert all(c is not None for c in children) and ga.ask() is None


def test_failed_trials_rank_last_and_the_run_goes_on():
    def flaky(config):  # a third of the space fails
        if config["optimizer"] == "sgd":
            raise RuntimeError("diverged")
        return mixed_loss(config)

    later_failures = []
    for seed in range(6):
        ga = GeneticAlgorithm(MIXED, population=8, seed=seed)
        study = optimize(flaky, ga, n_trials=80, progress=False)
        assert len(study.trials) == 80
        for g in ga.generations_[1:]:
            assert np.isfinite(g["losses"][0])  # the elite is never a failure while a success exists
        later_failures += [t.state == "failed" for t in study.trials[8:]]
    # Random search would fail 1/3 of the time; selection steers away (mutation keeps trying 'sgd').
    assert np.mean(later_failures) < 0.25


def test_a_resumed_run_continues_exactly(tmp_path):
    path = tmp_path / "ga.jsonl"
    optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=7), n_trials=23, journal=path, progress=False)
    resumed = optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=7), n_trials=40, journal=path, progress=False)
    straight = optimize(mixed_loss, GeneticAlgorithm(MIXED, seed=7), n_trials=40, progress=False)
    assert [t.config for t in resumed.trials] == [t.config for t in straight.trials]


def test_bad_settings_raise_and_name_the_value():
    for kwargs, match in [({"population": 1}, "population"), ({"elitism": 10}, "elitism"),
                          ({"crossover": "one-point"}, "crossover"), ({"mutation_rate": 1.5}, "mutation_rate"),
                          ({"selection": "roulette"}, "selection"), ({"tournament_size": 0}, "tournament_size"),
                          ({"population": 10.0}, "population must be an integer >= 1, but got 10.0"),
                          ({"population": "10"}, "population must be an integer"),
                          ({"tournament_size": 2.5}, "tournament_size must be an integer"),
                          ({"elitism": 1.0}, "elitism"), ({"mutation_scale": "big"}, "mutation_scale")]:
        with pytest.raises(ValueError, match=match):
            GeneticAlgorithm(MIXED, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"population": 1}, "population must be >= 2"), ({"population": 4.0}, "population must be an integer"),
    ({"ready_every": 0}, "ready_every"), ({"ready_every": "10"}, "ready_every"),
    ({"fraction": 0.0}, "fraction"), ({"fraction": "a quarter"}, "fraction"),
    ({"perturb_factors": (0.8, "x")}, "perturb_factors"), ({"resample_probability": None}, "resample_probability"),
])
def test_pbt_bad_settings_raise_value_error_whatever_the_kind_of_mistake(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PBT(MIXED, **kwargs)


def test_ga_beats_random_search_in_median_on_a_smooth_5d_function():
    n, seeds = 100, range(7)
    ga = [optimize(SPHERE5, GeneticAlgorithm(SPHERE5.space, seed=s), n_trials=n, progress=False).best_value
          for s in seeds]
    rs = [optimize(SPHERE5, RandomSearch(SPHERE5.space, seed=s), n_trials=n, progress=False).best_value
          for s in seeds]
    assert np.median(ga) < 0.5 * np.median(rs), (np.median(ga), np.median(rs))


# ---------------------------------------------------------------- PBT


def test_truncation_exploit_replaces_the_bottom_with_the_top():
    losses = np.array([5.0, 1.0, np.nan, 3.0, 0.5, 4.0, 2.0, 6.0])  # ranks: 4, 1, 6, 3, 0, 5, 2, 7
    for seed in range(20):
        donors = truncation_exploit(losses, 0.25, seed)  # n_cut = 2: bottom {NaN, 6.0}, top {0.5, 1.0}
        assert set(donors[[2, 7]]) <= {1, 4}
        kept = [0, 1, 3, 4, 5, 6]
        np.testing.assert_array_equal(donors[kept], kept)
    with pytest.raises(ValueError, match="fraction"):
        truncation_exploit(losses, 0.6, 0)


def test_perturb_multiplies_by_the_factors_and_stays_in_range():
    space = Space({"lr": Float(1e-4, 1.0, log=True), "batch": Int(16, 256, log=True), "opt": Categorical(["a", "b"])})
    rng = np.random.default_rng(0)
    for _ in range(300):
        config = space.sample(rng)[0]
        new = perturb(config, space, rng)
        space.validate(new)
        ratio = new["lr"] / config["lr"]
        assert np.isclose(ratio, 0.8) or np.isclose(ratio, 1.2) or new["lr"] in (1e-4, 1.0)
        assert new["batch"] in {min(max(round(config["batch"] * f), 16), 256) for f in (0.8, 1.2)}
        space.validate(resample(config, space, rng, 0.5))


def test_pbt_beats_the_best_fixed_learning_rate_with_the_same_compute():
    # Same population, same initial draws, same total steps; exploit="none" keeps every lr fixed.
    task = noisy_quadratic()
    lrs = np.geomspace(task.space["lr"].lo, task.space["lr"].hi, 300)
    oracle_constant = min(task({"lr": lr}) for lr in lrs)  # the best constant lr, in expectation, by grid
    pbt_final, fixed_final, pbt_expected, decayed = [], [], [], []
    for seed in range(5):
        pbt = PBT(task.space, population=10, ready_every=25, seed=seed).run(task, task.n_steps)
        fixed = PBT(task.space, population=10, ready_every=25, exploit="none", seed=seed).run(task, task.n_steps)
        assert pbt.total_steps == fixed.total_steps == 10 * task.n_steps
        pbt_final.append(pbt.best_loss)
        fixed_final.append(fixed.best_loss)
        schedule = pbt.schedule("lr")
        pbt_expected.append(task.expected_loss(np.repeat(schedule, 25))[-1])  # the schedule, re-run fresh
        decayed.append(schedule[-1] < schedule[0])
    assert np.median(pbt_final) < np.median(fixed_final) and sum(np.less(pbt_final, fixed_final)) >= 4
    # Stronger, and free of the winner's curse: PBT's schedule beats even the oracle's best constant lr.
    assert np.median(pbt_expected) < oracle_constant
    assert sum(decayed) >= 4  # the schedule it found decays, as the task's analysis says it should


def test_pbt_without_exploit_keeps_every_hyperparameter_fixed_and_runs_are_reproducible():
    task = noisy_quadratic(n_steps=100)
    fixed = PBT(task.space, population=4, ready_every=10, exploit="none", seed=1).run(task, 100)
    for m in range(4):
        assert len(set(fixed.schedule("lr", m))) == 1
    a = PBT(task.space, population=4, ready_every=10, seed=2).run(task, 100)
    b = PBT(task.space, population=4, ready_every=10, seed=2).run(task, 100)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.configs == b.configs


def test_pbt_lineage_follows_the_donors():
    task = noisy_quadratic(n_steps=200)
    result = PBT(task.space, population=6, ready_every=20, seed=0).run(task, 200)
    path = result.lineage()
    assert path[-1] == result.best_member and len(path) == 10
    for r in range(len(path) - 1):
        assert result.donors[r, path[r + 1]] == path[r]
    np.testing.assert_array_equal(result.steps, np.arange(20, 201, 20))


def test_pbt_needs_a_checkpointable_task():
    with pytest.raises(TypeError, match="checkpointable"):
        PBT(MIXED).run(mixed_loss, 10)
    with pytest.raises(ValueError, match="explore"):
        PBT(MIXED, explore="mutate")


# ---------------------------------------------------------------- the noisy quadratic


def test_noisy_quadratic_simulation_matches_its_expected_loss_recursion():
    task = NoisyQuadratic(d=5, h_min=0.05, h_max=1.0, sigma=0.3)
    lr, n_steps, n_runs = 0.4, 60, 2000
    finals = np.array([task.step({"lr": lr}, task.initial_state(), n_steps, np.random.default_rng(s))[0]
                       for s in range(n_runs)])
    expected = task.expected_loss(np.full(n_steps, lr))[-1]
    assert abs(finals.mean() - expected) < 4 * finals.std() / np.sqrt(n_runs)
    # and the noise floor of a constant lr: E[L] -> sum_i 1/2 h_i lr sigma^2 / (2 - lr h_i)
    floor = np.sum(0.5 * task.h * lr * task.sigma**2 / (2 - lr * task.h))
    assert np.isclose(task.expected_loss(np.full(5000, lr))[-1], floor, rtol=1e-6)
    # the one-shot objective (a closed-form sum) equals the recursion, for stable and divergent lr
    for lr in (1e-3, 0.1, 1.0, 1.9):
        assert np.isclose(task({"lr": lr}), task.expected_loss(np.full(task.n_steps, lr))[-1], rtol=1e-9)


def _sgd_loop(task, lr, w, noise):
    """The noisy quadratic's SGD written as its definition, one update per step:
    w <- w - lr (h w + sigma sqrt(h) xi_t) (Zhang et al. 2019; the loop step() used before it was summed)."""
    w = np.array(w, dtype=float)
    for xi in noise:
        w = w - lr * (task.h * w + task.sigma * np.sqrt(task.h) * xi)
    return w


@pytest.mark.parametrize("lr", [1e-3, 0.1, 0.5, 1.0, 1.9])
@pytest.mark.parametrize("n_steps", [1, 7, 250])
def test_noisy_quadratic_step_sums_the_same_sgd_updates_as_a_loop(lr, n_steps):
    # step() sums the linear recursion in closed form; the same random numbers through the update itself
    task = NoisyQuadratic(d=6, h_min=0.02, h_max=1.0, sigma=0.3)
    w0 = np.random.default_rng(5).normal(size=6)
    noise = np.random.default_rng(11).standard_normal((n_steps, 6))  # what step draws from rng 11
    loss, w = task.step({"lr": lr}, w0, n_steps, np.random.default_rng(11))
    expected = _sgd_loop(task, lr, w0, noise)
    np.testing.assert_allclose(w, expected, rtol=1e-9, atol=1e-12)
    assert loss == task.loss(w)


def test_noisy_quadratic_step_diverges_when_the_rate_is_too_large_for_the_steepest_direction():
    task = NoisyQuadratic(d=4, lr_range=(1e-3, 3.0))  # stable only for lr < 2 / h_max = 2
    loss, _ = task.step({"lr": 2.5}, task.initial_state(), 1000, 0)
    assert not np.isfinite(loss)
    assert np.isfinite(task.step({"lr": 1.9}, task.initial_state(), 1000, 0)[0])


def test_noisy_quadratic_step_does_not_change_its_input_state():
    task = noisy_quadratic()
    w = task.initial_state()
    loss, w2 = task.step({"lr": 0.1}, w, 10, 0)
    np.testing.assert_array_equal(w, np.ones_like(w))
    assert loss == task.loss(w2) < task.loss(w)
