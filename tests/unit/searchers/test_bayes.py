"""BayesianOptimization: finds Branin's optimum, is reproducible, makes concurrent asks differ with a
constant liar, never re-proposes a failed config, handles a mixed space, rejects bad arguments."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.models.acquisition import acquisition_score
from hpo_mini.models.gp import GaussianProcess
from hpo_mini.searchers import BayesianOptimization
from hpo_mini.tasks.test_functions import branin

BRANIN = branin()
MIXED = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 12), "kernel": Categorical(["rbf", "poly", "lin"]),
               "frac": Float(0.0, 1.0)})


def mixed_objective(config):
    penalty = {"rbf": 0.0, "poly": 0.3, "lin": 0.6}[config["kernel"]]
    return (np.log10(config["lr"]) + 2.5) ** 2 + 0.05 * (config["depth"] - 6) ** 2 + penalty + (config["frac"] - 0.3) ** 2


def tell_initial_design(searcher, objective):
    for _ in range(searcher.n_startup):
        trial = searcher.ask()
        searcher.tell(trial, objective(trial.config))


def pairwise_min_distance(space, configs):
    U = space.to_unit(configs)
    D = np.linalg.norm(U[:, None] - U[None], axis=-1)
    return D[np.triu_indices(len(U), k=1)].min()


# ---------------------------------------------------------------- it optimizes


def test_finds_branins_optimum_within_40_evaluations_for_most_seeds():
    # A correctness smoke test, not a timing: about 1.5 s per run on the 2-core machine.
    regrets = [BRANIN.regret(optimize(BRANIN, BayesianOptimization(BRANIN.space, seed=seed), n_trials=40,
                                      progress=False).best_value) for seed in range(5)]
    assert sum(r < 1e-2 for r in regrets) >= 3, f"regrets after 40 evaluations: {np.round(regrets, 5)}"
    assert np.median(regrets) < 1e-2


# ---------------------------------------------------------------- reproducibility


def test_same_seed_same_sequence_of_configs():
    def run(seed):
        study = optimize(BRANIN, BayesianOptimization(BRANIN.space, seed=seed, n_startup=5), n_trials=12, progress=False)
        return [t.config for t in study.trials]

    a, b = run(3), run(3)
    assert a == b
    assert a[5:] != run(4)[5:]  # and the model-based part depends on the seed


def test_initial_design_is_sobol_and_then_the_model_takes_over():
    bo = BayesianOptimization(BRANIN.space, seed=0)
    assert bo.n_startup == 8  # max(2 d + 1, 8) for d = 2
    tell_initial_design(bo, BRANIN)
    U = BRANIN.space.to_unit([t.config for t, _ in bo.history_])
    # a scrambled Sobol design of 8 points puts exactly one point in each eighth of every axis
    for j in range(2):
        assert sorted(np.floor(U[:, j] * 8).astype(int)) == list(range(8))


# ---------------------------------------------------------------- constant liar


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_concurrent_asks_without_tell_are_distinct(seed):
    bo = BayesianOptimization(BRANIN.space, seed=seed)
    tell_initial_design(bo, BRANIN)
    pending = [bo.ask() for _ in range(4)]
    assert len({t.id for t in pending}) == 4
    # well apart, not merely different: the duplicate guard alone only ensures a distance > 1e-6
    assert pairwise_min_distance(BRANIN.space, [t.config for t in pending]) > 1e-3


def test_the_liar_makes_a_pending_point_unattractive():
    bo = BayesianOptimization(BRANIN.space, seed=0)
    tell_initial_design(bo, BRANIN)
    x_pending = BRANIN.space.to_unit(bo.ask().config)  # the acquisition's argmax, now pending
    best = bo.fit_model()  # refitted with the pending point at the liar's value
    at_pending = bo.acquisition_values(x_pending, best)[0]
    elsewhere = bo.acquisition_values(np.random.default_rng(0).random((2000, 2)), best).max()
    assert at_pending < elsewhere - 5, (at_pending, elsewhere)  # log EI: e^5 ~ 150 times smaller


def test_lies_are_conditioned_on_with_the_hyperparameters_frozen():
    bo = BayesianOptimization(BRANIN.space, seed=0)
    tell_initial_design(bo, BRANIN)
    bo.fit_model()
    theta_real = bo.gp_.theta_.copy()
    for _ in range(3):
        bo.ask()  # pending, no tell
    bo.fit_model()
    assert len(bo.gp_.y_) == bo.n_startup + 3  # the lies are in the model ...
    np.testing.assert_array_equal(bo.gp_.theta_, theta_real)  # ... but fitted to the real results only


def test_the_mean_lie_spreads_a_batch_further_than_the_min_lie():
    def batch_gap(seed, liar):  # 15 sequential results replayed, then a batch of 4 asks (as in lesson 05)
        bo = BayesianOptimization(BRANIN.space, seed=seed, liar=liar)
        for trial in sequential[seed].trials:
            bo.tell(trial, trial.value)
        return pairwise_min_distance(BRANIN.space, [bo.ask().config for _ in range(4)])

    seeds = range(6)  # on some seeds both lies spread the batch alike: the claim is about the median
    sequential = [optimize(BRANIN, BayesianOptimization(BRANIN.space, seed=seed), n_trials=15, progress=False)
                  for seed in seeds]
    gaps = {liar: np.median([batch_gap(seed, liar) for seed in seeds]) for liar in ("min", "mean")}
    assert gaps["mean"] > 3 * gaps["min"], gaps
    assert BayesianOptimization(BRANIN.space).liar == "mean"  # the default


@pytest.mark.parametrize("acquisition", ["ei", "pi", "ucb"])
def test_acquisition_gradient_matches_central_differences(acquisition):
    from scipy.optimize import approx_fprime

    bo = BayesianOptimization(BRANIN.space, seed=1, acquisition=acquisition, xi=0.1)
    tell_initial_design(bo, BRANIN)
    best = bo.fit_model()
    for x in np.random.default_rng(0).uniform(0.05, 0.95, size=(5, 2)):
        value, grad = bo._negative_acquisition_and_gradient(x, best)
        reference = approx_fprime(x, lambda u: -bo.acquisition_values(u, best)[0], 1e-6)
        assert value == pytest.approx(-bo.acquisition_values(x, best)[0])
        np.testing.assert_allclose(grad, reference, rtol=1e-3, atol=1e-3 * (1 + np.abs(reference).max()))


def test_gp_kwargs_fix_the_hyperparameters_and_evidence_is_kept():
    bo = BayesianOptimization(BRANIN.space, seed=0, gp_kwargs={"optimize": False, "lengthscale": 0.3})
    tell_initial_design(bo, BRANIN)
    bo.ask()
    np.testing.assert_allclose(bo.gp_.lengthscales_, [0.3, 0.3])
    assert set(bo.evidence_) == {"none", "log"} and bo.transform_ == max(bo.evidence_, key=bo.evidence_.get)


def test_the_acquisition_gradient_is_zero_along_snapped_dimensions():
    space = Space({"x": Float(0.0, 1.0), "n": Int(1, 4), "c": Categorical(["a", "b", "c"])})
    bo = BayesianOptimization(space, seed=0)
    for _ in range(bo.n_startup):
        trial = bo.ask()
        bo.tell(trial, (trial.config["x"] - 0.3) ** 2 + 0.1 * trial.config["n"] + (trial.config["c"] == "b"))
    best = bo.fit_model()
    for x in np.random.default_rng(1).uniform(0.05, 0.95, size=(4, 3)):
        value, grad = bo._negative_acquisition_and_gradient(x, best)
        assert grad[1] == 0.0 and grad[2] == 0.0 and np.isfinite(grad[0])
        h = 1e-6  # along x the score is smooth: the analytic slope is the difference quotient's
        plus = bo._negative_acquisition_and_gradient(x + [h, 0, 0], best)[0]
        minus = bo._negative_acquisition_and_gradient(x - [h, 0, 0], best)[0]
        assert grad[0] == pytest.approx((plus - minus) / (2 * h), rel=1e-3, abs=1e-6)


@pytest.mark.parametrize("refit_every, compare_every", [(5, 5), (1, 3), (4, 1)])
def test_kernel_restarts_and_output_model_comparisons_happen_on_their_own_schedules(refit_every, compare_every):
    # Restarts every refit_every results (a warm start in between), for the model in use only (the challenger
    # is warm-started); both output models every compare_every results (the model in use only, in between).
    bo = BayesianOptimization(BRANIN.space, seed=0, n_startup=4, refit_every=refit_every, compare_every=compare_every)
    fits = []
    for name, gp in bo._gps.items():
        original = gp.fit
        gp.fit = lambda X, y, _original=original, _name=name, **kw: fits.append(
            (_name, len(y), kw, getattr(bo, "transform_", None))) or _original(X, y, **kw)
    for _ in range(16):
        trial = bo.ask()
        bo.tell(trial, BRANIN(trial.config))
    model_fits = [(name, n, kw["n_restarts"], in_use) for name, n, kw, in_use in fits if kw.get("optimize", True) is not False]
    sizes = sorted({n for _, n, _, _ in model_fits})
    for n in sizes:  # one tell per ask: n results at the n-th model-based ask
        at_n = {(name, restarts, in_use) for name, m, restarts, in_use in model_fits if m == n}
        first = n == sizes[0]
        models = {"none", "log"} if first or n % compare_every == 0 else {bo.transform_ if n == sizes[-1] else None}
        for name, restarts, in_use in at_n:
            expected = None if first or (name == in_use and n % refit_every == 0) else 0
            assert restarts == expected, (n, at_n)
        if None in models:  # between comparisons: exactly one model, the one in use then
            assert len(at_n) == 1 and next(iter(at_n))[0] == next(iter(at_n))[2], (n, at_n)
        else:
            assert {name for name, _, _ in at_n} == models, (n, at_n)
    assert len(sizes) == 12


def test_a_warm_started_fit_without_restarts_draws_no_random_start():
    X = np.random.default_rng(0).uniform(size=(12, 2))
    y = np.sin(6 * X[:, 0]) + X[:, 1]
    gp = GaussianProcess(seed=0).fit(X, y)
    state = gp.rng.bit_generator.state
    gp.fit(X, y, n_restarts=0)
    assert gp.rng.bit_generator.state == state  # no random start was drawn
    gp.fit(X, y)
    assert gp.rng.bit_generator.state != state  # the default restarts draw them


def test_fixed_gp_kwargs_give_the_gp_a_figure_would_build_by_hand():
    # What lesson 05's BO figure needs through public API only: a GP with the length-scale held fixed.
    space = Space({"x": Float(0.0, 1.0)})

    def f(config):
        return np.sin(12 * config["x"]) + config["x"]

    bo = BayesianOptimization(space, seed=0, n_startup=3, y_transform="none",
                              gp_kwargs={"lengthscale": 0.05, "optimize": False})
    for _ in range(5):
        trial = bo.ask()
        bo.tell(trial, f(trial.config))
    best = bo.fit_model()
    X = space.to_unit([t.config for t, _ in bo.history_])
    y = np.array([loss for _, loss in bo.history_])
    by_hand = GaussianProcess("matern52", lengthscale=0.05, optimize=False).fit(X, y)
    grid = np.linspace(0, 1, 101)[:, None]
    for a, b in zip(bo.gp_.predict(grid, return_std=True), by_hand.predict(grid, return_std=True)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert best == y.min() and bo.gp_.lengthscales_[0] == pytest.approx(0.05)
    mu, sigma = by_hand.predict(grid, return_std=True)  # and the searcher scores with the shared dispatch
    np.testing.assert_allclose(bo.acquisition_values(grid, best),
                               acquisition_score("ei", mu, sigma, best, xi=bo.xi, log=True), rtol=1e-10)


def test_parallel_run_under_a_thread_pool_proposes_distinct_configs():
    with ThreadPoolExecutor(4) as executor:
        study = optimize(BRANIN, BayesianOptimization(BRANIN.space, seed=0), n_trials=20, executor=executor,
                         progress=False)
    assert len(study.trials) == 20
    assert all(t.state == "complete" for t in study.trials)
    assert pairwise_min_distance(BRANIN.space, [t.config for t in study.trials]) > 1e-6


# ---------------------------------------------------------------- failures


def test_failed_configs_are_never_proposed_again():
    space = Space({"n": Int(0, 9), "c": Categorical(["a", "b"])})  # 20 configs

    def objective(config):
        if config["n"] >= 6:
            raise RuntimeError("diverged")  # 8 of the 20 configs fail
        return (config["n"] - 2) ** 2 + (config["c"] == "b")

    study = optimize(objective, BayesianOptimization(space, seed=1, n_startup=4), n_trials=16, progress=False)
    configs = [tuple(t.config.values()) for t in study.trials]
    failed = [tuple(t.config.values()) for t in study.trials if t.state == "failed"]
    assert failed, "the test needs some failures"
    assert len(set(configs)) == len(configs), f"a config was proposed twice: {configs}"
    assert study.best_config == {"n": 2, "c": "a"}


def test_failures_are_left_out_of_the_model():
    def objective(config):
        return np.nan if config["x0"] > 5 else BRANIN(config)

    bo = BayesianOptimization(BRANIN.space, seed=0, y_transform="none")
    study = optimize(objective, bo, n_trials=20, progress=False)
    n_failed = sum(t.state == "failed" for t in study.trials)
    assert n_failed >= 1
    assert sum(loss is None for _, loss in bo.history_) == n_failed  # told as failures ...
    bo.fit_model()
    assert len(bo.gp_.X_) == 20 - n_failed and np.all(np.isfinite(bo.gp_.y_))  # ... and not modelled


# ---------------------------------------------------------------- mixed spaces


@pytest.mark.parametrize("acquisition", ["ei", "pi", "ucb"])
def test_mixed_space_runs_and_stays_in_the_space(acquisition):
    study = optimize(mixed_objective, BayesianOptimization(MIXED, seed=0, acquisition=acquisition), n_trials=20,
                     progress=False)
    assert len(study.trials) == 20 and all(t.state == "complete" for t in study.trials)
    for trial in study.trials:
        assert MIXED.validate(trial.config) == trial.config  # in range, with plain Python types
        assert type(trial.config["depth"]) is int and type(trial.config["lr"]) is float
    assert study.best_value < 1.0


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"acquisition": "ei2"}, "acquisition must be"),
        ({"liar": "median"}, "liar must be"),
        ({"n_startup": 0}, "n_startup must be an integer >= 1"),
        ({"n_startup": 2.5}, "n_startup must be an integer >= 1"),
        ({"n_startup": "8"}, "n_startup must be an integer >= 1"),
        ({"n_candidates": 0}, "n_candidates must be an integer >= 1"),
        ({"n_local": -1}, "n_local must be an integer >= 0"),
        ({"gp_restarts": 1.5}, "gp_restarts must be an integer >= 0"),
        ({"refit_every": 0}, "refit_every"),
        ({"compare_every": 0}, "compare_every"),
        ({"around_best": 1.5}, "around_best"),
        ({"acquisition": "thompson"}, "acquisition"),
        ({"y_transform": "sqrt"}, "y_transform must be"),
        ({"xi": -0.1}, "xi must be a finite number >= 0"),
        ({"kappa": "2"}, "kappa must be a finite number >= 0"),
        ({"kernel": "cubic"}, "kernel must be one of"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BayesianOptimization(BRANIN.space, **kwargs)


def test_a_bad_space_raises():
    with pytest.raises(ValueError):
        BayesianOptimization({"x": (0, 1)})


def test_the_trust_region_halves_after_failures_doubles_after_successes_and_bounds_the_proposals():
    from hpo_mini.searchers.bayes import TR_INITIAL, TR_SUCCESSES

    bo = BayesianOptimization(BRANIN.space, seed=0, trust_region=True)
    tell_initial_design(bo, BRANIN)
    failures_to_halve = max(4, len(BRANIN.space))
    for step in range(failures_to_halve + 1):  # results that never improve on the design's best
        trial = bo.ask()
        assert bo.side_ == (TR_INITIAL if step < failures_to_halve else TR_INITIAL / 2), step
        lo, hi = bo._box
        u = BRANIN.space.to_unit(trial.config)[0]
        assert np.all(u >= lo - 1e-9) and np.all(u <= hi + 1e-9)  # the proposal lies in the box
        assert np.all(hi - lo <= bo.side_ * bo.gp_.lengthscales_ / np.exp(np.mean(np.log(bo.gp_.lengthscales_))) + 1e-9)
        bo.tell(trial, 1e6)
    side = bo.side_
    for _ in range(TR_SUCCESSES):  # three results, each better than everything before
        trial = bo.ask()
        bo.tell(trial, min(bo._y) - 1.0)
    bo.ask()
    assert bo.side_ == 2 * side


def test_gp_hedge_runs_the_nominee_its_gains_favour_and_credits_the_nominee_the_model_likes():
    bo = BayesianOptimization(BRANIN.space, seed=0, acquisition="hedge")
    tell_initial_design(bo, BRANIN)
    bo.gains_[:] = [0.0, -50.0, -50.0]  # EI far ahead: softmax gives PI and UCB e^-50
    trial = bo.ask()
    np.testing.assert_allclose(BRANIN.space.to_unit(trial.config)[0], bo._nominees[0], atol=1e-9)
    assert bo._scoring == "ei"  # acquisition_values scores with the acquisition that chose the point
    nominees, gains = bo._nominees.copy(), bo.gains_.copy()
    bo.tell(trial, BRANIN(trial.config))
    bo.ask()  # the gains take -mu (standardized) of the last nominees under the refitted model
    mu = bo.gp_.predict(nominees)
    assert np.argmax(bo.gains_ - gains) == np.argmin(mu)


def test_around_best_puts_that_fraction_of_the_raw_candidates_near_the_best_points():
    assert BayesianOptimization(BRANIN.space).around_best == 0.25  # the default
    bo = BayesianOptimization(BRANIN.space, seed=0, n_candidates=400, around_best=0.25)
    tell_initial_design(bo, BRANIN)
    bo._box = (np.zeros(2), np.ones(2))
    candidates = bo._raw_candidates()
    best = np.array(bo._X)[np.argsort(bo._y)[:5]]
    near = candidates[-100:]
    distance = np.min(np.max(np.abs(near[:, None] - best[None]), axis=-1), axis=1)  # to the nearest incumbent
    assert candidates.shape == (400, 2) and np.all(distance <= 0.3)  # steps of 0.05: 6 sd
    uniform = candidates[:300]
    uniform_distance = np.min(np.max(np.abs(uniform[:, None] - best[None]), axis=-1), axis=1)
    assert np.mean(distance <= 0.1) > 0.8 and np.mean(uniform_distance <= 0.1) < 0.3  # the rest cover the box
