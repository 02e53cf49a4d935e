"""analysis.py: fANOVA importance against closed-form variance shares, partial dependence against a
known one-dimensional effect, and `diagnose` flagging each symptom on a study built to show it (and
nothing on a healthy one)."""

import math
import zlib

import numpy as np
import pytest

from hpo_mini import Categorical, Float, Int, Space, Study, Trial
from hpo_mini.evaluation.diagnose import SEED_VALUES, SYMPTOMS, diagnose
from hpo_mini.evaluation.importance import _TreeANOVA, fanova_main_effects, fit_surrogate, hyperparameter_importance, partial_dependence, unit_data
from hpo_mini.runner import optimize
from hpo_mini.searchers import RandomSearch
from hpo_mini.space import config_key


def config_rng(config):
    """A generator fixed by the config: the same config gets the same noise in every process."""
    return np.random.default_rng(zlib.crc32(repr(config_key(config)).encode()))


def run(objective, space, n, seed=0, qmc=None, direction="minimize"):
    return optimize(objective, RandomSearch(space, seed=seed, qmc=qmc), n_trials=n,
                    direction=direction, progress=False)


# ---- importance -----------------------------------------------------------------------------------

LINEAR_SPACE = Space({"lr": Float(1e-4, 1e-1, log=True), "x2": Float(0.0, 1.0), "x3": Float(0.0, 1.0)})


def linear(config, noise=0.1):
    """f = 10 u_lr + 3 x2 + 0.1 x3 + noise, u_lr = (log10 lr + 4) / 3 uniform on [0, 1] under log sampling.
    Main-effect variances c_j^2 / 12, so the shares are 100, 9 and 0.01 over 109.01."""
    u = (math.log10(config["lr"]) + 4) / 3
    rng = config_rng(config)
    return 10 * u + 3 * config["x2"] + 0.1 * config["x3"] + noise * rng.standard_normal()


def test_importance_recovers_the_order_over_seeds():
    for seed in range(6):
        importance = hyperparameter_importance(run(linear, LINEAR_SPACE, 60, seed=seed), LINEAR_SPACE, seed=seed)
        assert importance.order == ["lr", "x2", "x3"], (seed, importance.shares)
        assert importance.n_trials == 60


def test_main_effects_match_the_closed_form_variance_shares():
    """Measured on 200 Sobol trials (seed 0, 1): lr 0.919-0.923, x2 0.061-0.064, x3 0.0002; the forest
    underestimates the weaker effect at this size (0.073 at 400 trials, exact 0.083)."""
    expected = np.array([100, 9, 0.01]) / 109.01
    for seed in range(2):
        importance = hyperparameter_importance(run(linear, LINEAR_SPACE, 200, seed=seed, qmc="sobol"),
                                               LINEAR_SPACE, seed=seed)
        shares = np.array([importance.shares[n] for n in LINEAR_SPACE.names])
        assert np.allclose(shares, expected, atol=0.03), shares
        assert 0 <= importance.interactions < 0.05


def test_an_interaction_shows_up_as_the_unexplained_share():
    """f = a * b on [0, 1]^2: Var f = 1/9 - 1/16 = 7/144; each main effect a/2 - 1/4 has variance 1/48,
    a share of 3/7 each, and the interaction the remaining 1/7 (Sobol decomposition)."""
    space = Space({"a": Float(0.0, 1.0), "b": Float(0.0, 1.0)})
    importance = hyperparameter_importance(run(lambda c: c["a"] * c["b"], space, 200, qmc="sobol"), space, seed=0)
    assert importance.shares["a"] == pytest.approx(3 / 7, abs=0.04)
    assert importance.shares["b"] == pytest.approx(3 / 7, abs=0.04)
    assert importance.interactions == pytest.approx(1 / 7, abs=0.04)


def test_a_categorical_weighs_every_choice_equally():
    """f = effect[kernel] + 4 x, effects 0, 1, 3 with each choice 1/3: Var = 14/9 and 16/12, so the
    kernel's share is (14/9) / (14/9 + 4/3) = 7/13."""
    space = Space({"kernel": Categorical(["linear", "rbf", "poly"]), "x": Float(0.0, 1.0)})
    effect = {"linear": 0.0, "rbf": 1.0, "poly": 3.0}
    study = run(lambda c: effect[c["kernel"]] + 4 * c["x"], space, 100)
    importance = hyperparameter_importance(study, space, seed=0)
    assert importance.shares["kernel"] == pytest.approx(7 / 13, abs=0.03)
    assert importance.shares["x"] == pytest.approx(6 / 13, abs=0.03)


def test_tree_anova_integrates_exactly():
    """On one tree the marginals average to the tree's mean, and the forest mean over the cube equals a
    Monte Carlo average of forest.predict (the measure is the unit cube's)."""
    study = run(linear, LINEAR_SPACE, 60)
    forest = fit_surrogate(study, LINEAR_SPACE, n_trees=8, seed=0)
    dims = list(LINEAR_SPACE.dimensions.values())
    for tree in forest.estimators_:
        anova = _TreeANOVA(tree, dims)
        for j in range(3):
            points, weights = anova.cells(j)
            assert weights.sum() == pytest.approx(1.0)
            assert weights @ anova.marginal(j, points) == pytest.approx(anova.mean)
    U = np.random.default_rng(0).random((200_000, 3))
    mc = forest.predict(U).mean()
    exact = np.mean([_TreeANOVA(t, dims).mean for t in forest.estimators_])
    assert exact == pytest.approx(mc, abs=0.02)
    assert fanova_main_effects(forest, LINEAR_SPACE).shape == (8, 3)


def test_unit_data_uses_the_log_encoding():
    study = run(linear, LINEAR_SPACE, 10)
    X, y = unit_data(study, LINEAR_SPACE)
    lr = np.array([t.config["lr"] for t in study.completed])
    assert np.allclose(X[:, 0], (np.log10(lr) + 4) / 3)
    assert np.allclose(y, [t.value for t in study.completed])


def test_importance_refuses_too_few_or_constant_trials():
    with pytest.raises(ValueError, match="at least 5"):
        hyperparameter_importance(run(linear, LINEAR_SPACE, 3), LINEAR_SPACE)
    with pytest.raises(ValueError, match="same value"):
        hyperparameter_importance(run(lambda c: 1.0, LINEAR_SPACE, 10), LINEAR_SPACE)


# ---- partial dependence ---------------------------------------------------------------------------

def valley(config):
    """Additive: g(lr) = (log10 lr + 2.5)^2 plus 0.5 x, so PD_lr(lr) = g(lr) + E[0.5 x] = g(lr) + 0.25."""
    return (math.log10(config["lr"]) + 2.5) ** 2 + 0.5 * config["x"]


def test_partial_dependence_recovers_a_known_one_dimensional_effect():
    space = Space({"lr": Float(1e-4, 1e-1, log=True), "x": Float(0.0, 1.0)})
    for seed in range(3):
        study = run(valley, space, 120, seed=seed, qmc="sobol")
        pd = partial_dependence(study, space, "lr", grid_size=40, seed=seed)
        truth = (np.log10(pd.values) + 2.5) ** 2 + 0.25
        assert pd.log and not pd.categorical and len(pd.values) == 40
        assert np.sqrt(np.mean((pd.mean - truth) ** 2)) < 0.1 * np.ptp(truth)
        assert abs(np.log10(pd.values[int(np.argmin(pd.mean))]) + 2.5) < 0.35  # the minimum, in decades
        # The weak effect 0.5 x: rising, but flattened (measured rise 0.26-0.31 on these seeds, not 0.5)
        pd_x = partial_dependence(study, space, "x", grid_size=20, seed=seed)
        assert np.corrcoef(pd_x.values, pd_x.mean)[0, 1] > 0.9
        assert 0.15 < np.ptp(pd_x.mean) <= 0.5


def test_partial_dependence_of_integers_and_choices():
    space = Space({"depth": Int(1, 6), "kernel": Categorical(["a", "b"])})
    study = run(lambda c: (c["depth"] - 4) ** 2 + (2.0 if c["kernel"] == "b" else 0.0), space, 60)
    forest = fit_surrogate(study, space, seed=0)
    depth = partial_dependence(study, space, "depth", forest=forest)
    kernel = partial_dependence(study, space, "kernel", forest=forest)
    assert depth.values == [1, 2, 3, 4, 5, 6]
    assert depth.values[int(np.argmin(depth.mean))] == 4
    assert kernel.values == ["a", "b"] and kernel.categorical
    assert kernel.mean[1] - kernel.mean[0] == pytest.approx(2.0, abs=0.3)
    with pytest.raises(ValueError, match="not a hyperparameter"):
        partial_dependence(study, space, "width", forest=forest)


# ---- diagnose: one study per symptom --------------------------------------------------------------

SPACE = Space({"lr": Float(1e-4, 1.0, log=True), "depth": Int(1, 12), "kernel": Categorical(["rbf", "poly"])})


def bowl(config, lr_best=1e-2):
    """A loss near 1 with its optimum inside the ranges: lr = 1e-2 (mid-range in log space), depth 6."""
    return (0.5 + 0.1 * (math.log10(config["lr"]) - math.log10(lr_best)) ** 2
            + 0.005 * (config["depth"] - 6) ** 2 + (0.05 if config["kernel"] == "poly" else 0.0))


def with_seeds(noise):
    """An objective that evaluates each config under 5 seeds, keeps them in user_attrs and returns the mean."""
    def objective(config, trial):
        rng = config_rng(config)
        values = bowl(config) + noise * rng.standard_normal(5)
        trial.user_attrs[SEED_VALUES] = values.tolist()
        return float(values.mean())
    return objective


def symptoms(findings):
    return sorted((f.symptom, f.dimension) for f in findings)


def test_a_healthy_study_has_no_findings():
    for seed in range(5):
        study = run(with_seeds(noise=0.001), SPACE, 60, seed=seed)
        test = {t.id: t.value * 1.005 for t in sorted(study.completed, key=lambda t: t.value)[:3]}
        findings = diagnose(study, SPACE, test_values=test)
        assert findings == [], [str(f) for f in findings]


def test_best_value_on_the_boundary_is_flagged_with_the_side():
    study = run(lambda c: bowl(c, lr_best=3.0), SPACE, 60)  # the optimum lies past hi = 1
    findings = diagnose(study, SPACE)
    assert symptoms(findings) == [("boundary", "lr")]
    assert "high end 1" in findings[0].evidence and "hi=10.0" in findings[0].fix
    low = run(lambda c: bowl(c, lr_best=1e-6), SPACE, 60)
    assert "low end" in diagnose(low, SPACE)[0].evidence


def test_a_boundary_on_an_integer_counts_the_end_value_itself():
    study = run(lambda c: bowl(c) + 0.05 * (c["depth"] - 20) ** 2, SPACE, 60)  # best depth past 12
    findings = diagnose(study, SPACE)
    assert symptoms(findings) == [("boundary", "depth")]
    assert "hi=18" in findings[0].fix
    space = Space({"lr": SPACE["lr"], "depth": Int(1, 30, log=True), "kernel": SPACE["kernel"]})
    findings = diagnose(run(lambda c: bowl(c) + 0.05 * c["depth"], space, 60), space)  # best depth = 1
    assert symptoms(findings) == [("boundary", "depth")]
    assert "low end 1" in findings[0].evidence and "already the smallest count" in findings[0].fix


def test_a_linear_range_over_decades_is_flagged_as_should_be_log():
    space = Space({"lr": Float(1e-5, 1e-1), "depth": Int(1, 12), "kernel": Categorical(["rbf", "poly"])})
    study = run(lambda c: bowl(c, lr_best=1e-4), space, 60)
    findings = diagnose(study, space)
    assert symptoms(findings) == [("should_be_log", "lr")]
    assert "Float(1e-05, 0.1, log=True)" in findings[0].fix and "4.0 decades" in findings[0].evidence
    healthy = diagnose(run(lambda c: bowl(c, lr_best=1e-4), SPACE, 60), SPACE)  # the same on a log scale
    assert healthy == []


def test_a_too_narrow_range_is_flagged_and_named():
    space = Space({"lr": Float(0.009, 0.011, log=True), "depth": Int(5, 7), "kernel": Categorical(["rbf"])})
    findings = diagnose(run(bowl, space, 40), space)
    assert symptoms(findings) == [("narrow_range", None)]
    assert "lr (x1.22)" in findings[0].fix and "depth (x1.4)" in findings[0].fix


def test_high_seed_variance_among_the_top_configs_is_flagged():
    findings = diagnose(run(with_seeds(noise=0.2), SPACE, 60), SPACE)
    assert symptoms(findings) == [("seed_variance", None)]
    # re-runs of the same config (no user_attrs) count as seeds too
    study = Study()
    rng = np.random.default_rng(0)
    for i in range(12):
        config = {"lr": [1e-2, 2e-2, 3e-2][i % 3], "depth": 6, "kernel": "rbf"}
        study.add(Trial(i, config, value=0.5 + 0.01 * (i % 3) + 0.1 * rng.standard_normal(), state="complete"))
    assert symptoms(diagnose(study, SPACE)) == [("seed_variance", None)]


def test_a_validation_test_gap_over_two_percent_is_flagged_in_either_direction():
    study = run(bowl, SPACE, 60)
    best = study.best_trial
    relative = {"gap_scale": "relative"}
    assert diagnose(study, SPACE, test_values=best.value * 1.01, **relative) == []
    findings = diagnose(study, SPACE, test_values=best.value * 1.05, **relative)
    assert symptoms(findings) == [("validation_test_gap", None)] and "5.0%" in findings[0].evidence
    accuracy = run(lambda c: 1.5 - bowl(c), SPACE, 60, direction="maximize")  # higher is better
    best = accuracy.best_trial
    assert diagnose(accuracy, SPACE, test_values={best.id: best.value * 0.97}, **relative)[0].symptom == "validation_test_gap"
    assert diagnose(accuracy, SPACE, test_values={best.id: best.value * 1.03}, **relative) == []  # test better


def test_the_default_gap_is_in_the_metrics_own_units():
    # an error rate of 0.025 on validation and 0.026 on test is 0.1 points worse: noise, not a finding,
    # though it is 4% of the validation value; 0.025 -> 0.05 is 2.5 points worse: flagged
    study = Study(direction="minimize")
    for i in range(12):
        study.add(Trial(i, {"lr": 1e-3 * (i + 1), "depth": 4 + i % 3, "kernel": "rbf"}, value=0.025 + 0.001 * i,
                        state="complete"))
    assert diagnose(study, SPACE, test_values=0.026) == []
    findings = diagnose(study, SPACE, test_values=0.05)
    assert [f.symptom for f in findings] == ["validation_test_gap"] and "0.025" in findings[0].evidence
    with pytest.raises(ValueError, match="gap_scale"):
        diagnose(study, SPACE, gap_scale="percent")
    with pytest.raises(ValueError, match="not a completed trial"):
        diagnose(study, SPACE, test_values={999: 0.5})


def test_many_failed_trials_are_flagged_with_where_they_crowd():
    def fragile(config):
        if config["lr"] > 0.03:
            raise FloatingPointError("loss diverged")
        return bowl(config)
    findings = diagnose(run(fragile, SPACE, 60), SPACE)
    assert symptoms(findings) == [("failed_trials", None)]
    assert "FloatingPointError: loss diverged" in findings[0].evidence
    assert "at high lr" in findings[0].fix


def test_findings_read_as_one_line_each_and_name_known_symptoms():
    findings = diagnose(run(lambda c: bowl(c, lr_best=3.0), SPACE, 60), SPACE, test_values=10.0)
    assert {f.symptom for f in findings} <= set(SYMPTOMS)
    for f in findings:
        assert "\n" not in str(f) and str(f).startswith(f"[{f.symptom}]") and "-> fix: " in str(f)


def test_importance_agrees_with_optunas_fanova_on_the_same_trials():
    """Peer check: Optuna's FanovaImportanceEvaluator (its own forest, one-hot categoricals) on the same
    trials, unnormalized. Linear ranges only: Optuna integrates a log range in linear space. Measured:
    the same order on each seed, shares within 0.04 (closed form: b 0.370, a 0.347, k 0.275, c 0)."""
    optuna = pytest.importorskip("optuna", reason="the peer check needs the 'compare' extra (optuna)")
    import warnings

    from optuna.distributions import CategoricalDistribution, FloatDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = Space({"a": Float(0.0, 1.0), "b": Float(0.0, 2.0), "c": Float(-1.0, 1.0),
                   "k": Categorical(["p", "q", "r"])})
    effect = {"p": 0.0, "q": 1.0, "r": 2.5}
    distributions = {"a": FloatDistribution(0, 1), "b": FloatDistribution(0, 2), "c": FloatDistribution(-1, 1),
                     "k": CategoricalDistribution(["p", "q", "r"])}
    for seed in range(2):
        study = run(lambda c: 4 * c["a"] + c["b"] ** 2 + 0.5 * c["a"] * c["c"] + effect[c["k"]], space, 80,
                    seed=seed)
        ours = hyperparameter_importance(study, space, seed=seed).shares
        peer = optuna.create_study()
        for t in study.completed:
            peer.add_trial(optuna.trial.create_trial(params=t.config, distributions=distributions, value=t.value))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Optuna marks some importance APIs experimental
            theirs = optuna.importance.get_param_importances(
                peer, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=seed), normalize=False)
        assert list(ours) == list(theirs), (ours, theirs)
        assert max(abs(ours[n] - theirs[n]) for n in ours) < 0.06
