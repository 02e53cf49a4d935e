"""TPE: the split, the Parzen estimators (normalized, sampled as they say, bandwidths by the rule), the
categorical kernel, reproducibility, failures and pending trials, and TPE beating random search on a
mixed space."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import TPE, RandomSearch
from hpo_mini.searchers.tpe import default_gamma, split_observations
from hpo_mini.models.parzen import parzen_estimator

MIXED = Space({"x": Float(-5.0, 5.0), "lr": Float(1e-5, 1e-1, log=True), "layers": Int(1, 8),
               "optimizer": Categorical(["sgd", "adam", "rmsprop", "adagrad"])})
OPTIMIZER_PENALTY = {"sgd": 0.6, "adam": 0.0, "rmsprop": 0.2, "adagrad": 0.9}


def mixed_objective(config):
    """A smooth bowl in x and log10(lr) (minimum 0 at x = 1.3, lr = 1e-3), a mild integer term, and a
    penalty per optimizer: TPE's l(x) / g(x) should find the good corner faster than random draws."""
    return ((config["x"] - 1.3) / 5) ** 2 + ((np.log10(config["lr"]) + 3) / 2) ** 2 \
        + 0.02 * (config["layers"] - 3) ** 2 + OPTIMIZER_PENALTY[config["optimizer"]]


def integral_over_unit_interval(estimator, points=()):
    value, error = quad(lambda u: estimator.pdf(np.array([u]))[0], 0.0, 1.0, points=list(points) or None, limit=500)
    return value


# ---------------------------------------------------------------- the split


@pytest.mark.parametrize("n, expected", [(0, 0), (1, 1), (10, 1), (11, 2), (100, 10), (249, 25), (250, 25), (1000, 25)])
def test_default_gamma_is_ten_percent_capped_at_25(n, expected):
    assert default_gamma(n) == expected


@pytest.mark.parametrize("n", [1, 7, 10, 33, 100, 400])
def test_split_sizes_follow_gamma(n):
    losses = np.random.default_rng(n).normal(size=n)
    good, bad = split_observations(losses)
    assert len(good) == default_gamma(n) and len(bad) == n - default_gamma(n)
    assert sorted(np.concatenate([good, bad]).tolist()) == list(range(n))
    assert losses[good].max() <= losses[bad].min() if len(bad) else True
    for fraction in (0.1, 0.25, 0.5, 1.0):
        good, bad = split_observations(losses, fraction)
        assert len(good) == int(np.ceil(fraction * n))
    good, _ = split_observations(losses, lambda m: 3)
    assert len(good) == min(3, n)


def test_split_orders_by_loss_and_breaks_ties_by_order():
    good, bad = split_observations([3.0, 1.0, 2.0, 1.0, 5.0], 0.6)
    assert good.tolist() == [1, 3, 2] and bad.tolist() == [0, 4]


@pytest.mark.parametrize(
    "losses, gamma, message",
    [([1.0, np.nan], 0.5, "finite"), ([[1.0, 2.0]], 0.5, "1-D"), ([1.0], 0.0, r"\(0, 1\]"), ([1.0], 1.5, r"\(0, 1\]"),
     ([1.0, 2.0], lambda n: -1, "non-negative integer"), ([1.0, 2.0], lambda n: 0.5, "non-negative integer")],
)
def test_split_rejects_bad_input(losses, gamma, message):
    with pytest.raises(ValueError, match=message):
        split_observations(losses, gamma)


# ---------------------------------------------------------------- Parzen estimators


@pytest.mark.parametrize(
    "points, prior_weight",
    [([], 1.0), ([0.5], 1.0), ([0.0, 1e-3, 0.02], 1.0), ([0.999, 1.0], 1.0), ([0.0, 1.0], 0.0), ([1e-4, 0.3], 0.0),
     (np.random.default_rng(0).random(30).tolist(), 1.0), (np.random.default_rng(1).random(200).tolist(), 0.5)],
)
def test_parzen_pdf_integrates_to_one_over_the_unit_interval(points, prior_weight):
    estimator = parzen_estimator(points, prior_weight=prior_weight)
    assert integral_over_unit_interval(estimator, points[:50]) == pytest.approx(1.0, abs=1e-6)
    assert estimator.pdf(np.array([-0.01, 1.01])).tolist() == [0.0, 0.0]  # nothing outside [0, 1]


def test_parzen_pdf_integrates_to_one_in_two_dimensions():
    points = np.array([[0.01, 0.99], [0.5, 0.5], [0.52, 0.4], [0.9, 0.02], [0.3, 0.7]])
    estimator = parzen_estimator(points)
    m = 600
    u = (np.arange(m) + 0.5) / m  # midpoint rule; the narrowest kernel here has sigma 1/7
    grid = np.stack(np.meshgrid(u, u, indexing="ij"), axis=-1).reshape(-1, 2)
    assert estimator.pdf(grid).mean() == pytest.approx(1.0, abs=1e-4)


def test_bandwidths_follow_the_neighbour_rule_with_the_magic_clip():
    # sorted 0.001, 0.01, 0.5, 0.999: gaps to neighbours (with 0 and 1 as outer neighbours) ->
    # max(0.009, 0.49) = 0.49 for 0.01, max(0.49, 0.499) = 0.499 for 0.5; the extremes take their inner
    # gap: 0.009 for 0.001 and 0.499 for 0.999; the clip raises 0.009 to 1 / min(100, 4 + 1 + 1) = 1/6.
    estimator = parzen_estimator([0.001, 0.01, 0.999, 0.5])
    np.testing.assert_allclose(estimator.sigmas[:, 0], [1 / 6, 0.49, 0.499, 0.499, 1.0])
    np.testing.assert_allclose(estimator.mus[:, 0], [0.001, 0.01, 0.999, 0.5, 0.5])
    np.testing.assert_allclose(estimator.weights, np.full(5, 0.2))
    # the extreme kernels ignore the gap to the boundary: 0.3 gets 0.1 (to 0.4), not 0.3 (to 0), and the
    # floor is 1 / (10 + 2) with ten points
    estimator = parzen_estimator([0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.95])
    np.testing.assert_allclose(estimator.sigmas[:-1, 0], [0.1, 0.1] + [1 / 12] * 6 + [0.2, 0.2])
    # with many points the floor is 1/100 of the range
    many = parzen_estimator(np.linspace(0.4, 0.6, 300))
    assert many.sigmas[:-1, 0].min() == pytest.approx(0.01)


def test_parzen_samples_follow_its_pdf():
    estimator = parzen_estimator([0.02, 0.1, 0.15, 0.7, 0.98])
    draws = estimator.sample(np.random.default_rng(0), 20_000)[:, 0]
    assert draws.min() >= 0 and draws.max() <= 1

    def cdf(x):
        return quad(lambda u: estimator.pdf(np.array([u]))[0], 0, x, limit=200)[0]

    grid = np.linspace(0, 1, 201)
    cdf_grid = np.array([cdf(x) for x in grid])
    result = stats.kstest(draws, lambda x: np.interp(x, grid, cdf_grid))
    assert result.pvalue > 1e-3, result


def test_prior_weight_controls_how_much_mass_stays_away_from_the_data():
    # points in [0.4, 0.6]; the mass outside [0.3, 0.7] comes mostly from the prior kernel
    points = np.linspace(0.45, 0.55, 9)

    def mass_outside(estimator):
        inside = quad(lambda u: estimator.pdf(np.array([u]))[0], 0.3, 0.7)[0]
        return 1 - inside

    weights = [0.0, 1.0, 5.0]
    masses = [mass_outside(parzen_estimator(points, prior_weight=w)) for w in weights]
    assert masses[0] < masses[1] < masses[2]


def test_integer_dimension_probabilities_sum_to_one_and_sampling_snaps():
    for dim in (Int(1, 8), Int(1, 1000, log=True), Int(-3, 3)):
        space = Space({"n": dim})
        observed = space.to_unit([{"n": v} for v in (dim.lo, dim.lo + 1, dim.hi)])
        estimator = parzen_estimator(observed, space)
        values = np.arange(dim.lo, dim.hi + 1)
        probs = estimator.pdf(dim.to_unit(values))
        assert probs.sum() == pytest.approx(1.0, abs=1e-10)
        draws = estimator.sample(np.random.default_rng(0), 200)
        np.testing.assert_allclose(space.snap(draws), draws)  # every draw is an integer's unit point
        # any point inside an integer's slice has that integer's probability
        u = dim.to_unit(np.array([dim.lo + 0.3]))
        assert estimator.pdf(u)[0] == pytest.approx(probs[0])


def test_categorical_kernel_matches_the_hand_computed_mixture():
    space = Space({"c": Categorical(["a", "b", "c"])})
    observed = space.to_unit([{"c": "b"}] * 3)
    estimator = parzen_estimator(observed, space, prior_weight=1.0)
    # 4 kernels (3 observations + prior), weight 1/4 each. An observation's row: 1/4 on every choice
    # plus 1 on "b", renormalized: [0.25, 1.25, 0.25] / 1.75; the prior's row is uniform.
    p_b = 3 / 4 * 1.25 / 1.75 + 1 / 4 * 1 / 3
    p_a = 3 / 4 * 0.25 / 1.75 + 1 / 4 * 1 / 3
    probs = estimator.pdf(space.to_unit([{"c": c} for c in "abc"]))
    np.testing.assert_allclose(probs, [p_a, p_b, p_a])
    draws = estimator.sample(np.random.default_rng(0), 30_000)
    counts = np.bincount(np.floor(draws[:, 0] * 3).astype(int), minlength=3)
    expected = 30_000 * probs
    assert stats.chisquare(counts, expected).pvalue > 1e-3


def test_mixed_space_estimator_is_normalized():
    space = Space({"x": Float(0.0, 1.0), "n": Int(0, 2), "c": Categorical(["u", "v"])})
    observed = space.to_unit([{"x": 0.05, "n": 0, "c": "u"}, {"x": 0.9, "n": 2, "c": "v"}, {"x": 0.5, "n": 1, "c": "u"}])
    estimator = parzen_estimator(observed, space)
    total = 0.0
    for n in range(3):
        for c in "uv":
            fixed = space.to_unit({"x": 0.0, "n": n, "c": c})[0]
            total += quad(lambda x: estimator.pdf(np.array([[x, fixed[1], fixed[2]]]))[0], 0, 1, points=[0.05, 0.5, 0.9])[0]
    assert total == pytest.approx(1.0, abs=1e-7)


@pytest.mark.parametrize(
    "points, kwargs, message",
    [([1.2], {}, r"\[0, 1\]"), ([np.nan], {}, r"\[0, 1\]"), (np.zeros((2, 3)), {"space": MIXED}, "shape"),
     ([0.5], {"prior_weight": -1.0}, "prior_weight"), ([0.5, 0.6], {"weights": [1.0]}, "weights"),
     ([0.5], {"weights": [0.0], "prior_weight": 0.0}, "empty")],
)
def test_parzen_estimator_rejects_bad_input(points, kwargs, message):
    with pytest.raises(ValueError, match=message):
        parzen_estimator(points, **kwargs)


# ---------------------------------------------------------------- the searcher


def configs(study):
    return [t.config for t in study.trials]


def test_same_seed_same_run_and_other_seed_other_run():
    def run(seed):
        return configs(optimize(mixed_objective, TPE(MIXED, seed=seed), n_trials=30, progress=False))

    a = run(7)
    assert a == run(7)
    assert a[10:] != run(8)[10:]


def test_startup_trials_are_the_random_search_points_of_the_same_seed():
    tpe_study = optimize(mixed_objective, TPE(MIXED, seed=3), n_trials=10, progress=False)
    random_study = optimize(mixed_objective, RandomSearch(MIXED, seed=3), n_trials=10, progress=False)
    assert configs(tpe_study) == configs(random_study)


@pytest.mark.parametrize("multivariate", [True, False])
def test_tpe_beats_random_search_on_a_mixed_space(multivariate):
    seeds = range(10)
    tpe = [optimize(mixed_objective, TPE(MIXED, seed=s, multivariate=multivariate), n_trials=60,
                    progress=False).best_value for s in seeds]
    rnd = [optimize(mixed_objective, RandomSearch(MIXED, seed=s), n_trials=60, progress=False).best_value for s in seeds]
    # the same seed gives both the same first 10 points, so the comparison is paired
    wins = sum(t < r for t, r in zip(tpe, rnd))
    assert np.median(tpe) < np.median(rnd) / 2, (np.round(tpe, 3), np.round(rnd, 3))
    assert wins >= 8, (np.round(tpe, 3), np.round(rnd, 3))


def test_every_config_stays_in_the_space_with_the_right_types():
    study = optimize(mixed_objective, TPE(MIXED, seed=0, n_startup=5), n_trials=40, progress=False)
    for trial in study.trials:
        assert MIXED.validate(trial.config) == trial.config
        assert type(trial.config["layers"]) is int and type(trial.config["lr"]) is float


def test_categorical_only_space_concentrates_on_the_best_choice():
    space = Space({"c": Categorical(list("abcdefgh"))})
    losses = dict(zip("abcdefgh", [5, 3, 4, 0, 6, 2, 7, 1]))
    study = optimize(lambda c: float(losses[c["c"]]), TPE(space, seed=0), n_trials=60, progress=False)
    late = [t.config["c"] for t in study.trials[30:]]
    assert late.count("d") > len(late) / 2, late


def test_failed_configs_are_never_proposed_again_and_count_as_bad():
    space = Space({"n": Int(0, 9), "c": Categorical(["a", "b"])})  # 20 configs

    def objective(config):
        if config["n"] >= 6:
            raise RuntimeError("diverged")
        return (config["n"] - 2) ** 2 + (config["c"] == "b")

    tpe = TPE(space, seed=0, n_startup=4)
    study = optimize(objective, tpe, n_trials=18, progress=False)
    keys = [tuple(t.config.values()) for t in study.trials]
    assert any(t.state == "failed" for t in study.trials)
    assert len(set(keys)) == len(keys), keys  # known configs are never repeated, failed ones least of all
    assert study.best_config == {"n": 2, "c": "a"}
    # failed points sit in g (with the bad observations), not in the split
    n_completed = sum(t.state == "complete" for t in study.trials)
    n_failed = len(study.trials) - n_completed
    _, g = tpe.estimators()
    assert len(g.weights) == n_completed - default_gamma(n_completed) + n_failed + 1  # + the prior


def test_pending_trials_are_put_in_g_and_concurrent_asks_differ():
    tpe = TPE(MIXED, seed=0)
    for _ in range(20):
        trial = tpe.ask()
        tpe.tell(trial, mixed_objective(trial.config))
    pending = [tpe.ask() for _ in range(4)]
    keys = [tuple(t.config.values()) for t in pending]
    assert len(set(keys)) == 4
    _, g = tpe.estimators()
    assert len(g.weights) == 20 - default_gamma(20) + 4 + 1
    assert len(TPE(MIXED, constant_liar=False).estimators()[1].weights) == 1  # nothing told: prior only


def test_parallel_run_under_a_thread_pool():
    with ThreadPoolExecutor(4) as executor:
        study = optimize(mixed_objective, TPE(MIXED, seed=0), n_trials=40, executor=executor, progress=False)
    keys = [tuple(t.config.values()) for t in study.trials]
    assert len(study.trials) == 40 and len(set(keys)) == 40


def test_tell_accepts_trials_it_did_not_ask_as_when_resuming_from_a_journal(tmp_path):
    journal = tmp_path / "tpe.jsonl"
    first = optimize(mixed_objective, TPE(MIXED, seed=1), n_trials=15, progress=False, journal=journal)
    resumed = optimize(mixed_objective, TPE(MIXED, seed=1), n_trials=25, progress=False, journal=journal)
    assert len(resumed.trials) == 25
    assert configs(resumed)[:15] == configs(first)
    assert resumed.best_value <= first.best_value


@pytest.mark.parametrize(
    "kwargs, message",
    [({"gamma": 0.0}, "gamma"), ({"gamma": 2}, "gamma"), ({"n_startup": -1}, "n_startup"),
     ({"n_startup": 2.5}, "n_startup must be an integer >= 0"), ({"n_startup": "10"}, "n_startup"),
     ({"n_candidates": 0}, "n_candidates must be an integer >= 1"), ({"n_candidates": 24.0}, "n_candidates"),
     ({"prior_weight": 0.0}, "prior_weight"), ({"prior_weight": "1"}, "prior_weight")],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TPE(MIXED, **kwargs)


def test_log_normal_mass_is_accurate_in_both_tails():
    from hpo_mini.models.parzen import _log_normal_mass

    def reference(log_upper, log_lower):  # log(e^u - e^l) from scipy's log-CDFs, l < u
        return log_upper + np.log1p(-np.exp(log_lower - log_upper))

    a = np.array([-1.0, -40.0, 3.0, 30.0, -0.5])
    b = np.array([1.0, -39.0, 4.0, 31.0, -0.5])
    expected = [np.log(stats.norm.cdf(1) - stats.norm.cdf(-1)),
                reference(stats.norm.logcdf(-39.0), stats.norm.logcdf(-40.0)),  # Phi underflows to ~1e-333
                np.log(stats.norm.sf(3) - stats.norm.sf(4)),
                reference(stats.norm.logsf(30.0), stats.norm.logsf(31.0)),  # 1 - 1 in the upper tail
                -np.inf]  # an empty interval
    np.testing.assert_allclose(_log_normal_mass(a, b), expected, rtol=1e-10)
