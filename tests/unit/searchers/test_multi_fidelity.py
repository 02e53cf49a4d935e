"""Successive halving, Hyperband, ASHA and the median pruner against the papers, scikit-learn, and the rules."""

import math
import threading
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from hpo_mini import Float, Space, Trial, optimize
from hpo_mini.searchers import RandomSearch, TPE
from hpo_mini.searchers.asha import ASHA
from hpo_mini.searchers.hyperband import Hyperband, bracket_cost, hyperband_brackets
from hpo_mini.searchers.pruners import MedianPruner
from hpo_mini.searchers.successive_halving import SuccessiveHalving, sh_rungs

SPACE = Space({"x": Float(0.0, 1.0)})


def toy_loss(config, budget):
    """Cheap, deterministic, and its ranking changes with the budget (so promotions matter)."""
    x = config["x"]
    return (x - 0.3) ** 2 + 0.5 / budget * math.sin(17 * x) ** 2


# --- Hyperband -------------------------------------------------------------------------------------

LI_ET_AL_TABLE = [  # Li et al. (2018), JMLR, Table 1: R = 81, eta = 3; (n_i, r_i) per bracket s = 4 .. 0
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]


def test_hyperband_brackets_equal_the_table_of_li_et_al_2018():
    plan = Hyperband(SPACE, min_budget=1, max_budget=81, eta=3).brackets()
    assert plan == LI_ET_AL_TABLE
    assert all(isinstance(r, int) for bracket in plan for _, r in bracket)


def test_bracket_cost_with_and_without_resume():
    assert [bracket_cost(b) for b in LI_ET_AL_TABLE] == [405, 363, 351, 378, 405]
    # with checkpoints a promotion pays only the extra epochs: 81*1 + 27*2 + 9*6 + 3*18 + 1*54
    assert bracket_cost(LI_ET_AL_TABLE[0], resume=True) == 81 + 54 + 54 + 54 + 54


def test_hyperband_runs_every_bracket_in_order_then_finishes():
    hb = Hyperband(SPACE, min_budget=1, max_budget=27, eta=3, seed=0)
    study = optimize(toy_loss, hb, n_trials=10_000, progress=False)
    expected = [r for bracket in hyperband_brackets(1, 27, 3) for n, r in bracket for _ in range(n)]
    assert [t.budget for t in study.trials] == expected  # every rung of every bracket, s = s_max first
    assert hb.is_finished() and [s for s, _ in hb.finished_brackets_] == [3, 2, 1, 0]
    for _, bracket in hb.finished_brackets_:  # each rung holds the best of the rung before it
        for below, above in zip(bracket.history, bracket.history[1:]):
            assert sorted(c["x"] for _, _, c in above) == sorted(c["x"] for _, _, c in below[: len(above)])


# --- successive halving vs scikit-learn ------------------------------------------------------------

@pytest.mark.parametrize("n, eta, r_min, r_max", [(81, 3, 1, 81), (20, 3, 1, 81), (50, 2, 2, 64), (100, 3, 1, 27),
                                                  (30, 4, 3, 200)])
def test_successive_halving_rungs_equal_sklearns_halving_random_search(n, eta, r_min, r_max):
    from scipy.stats import randint
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    search = HalvingRandomSearchCV(DecisionTreeClassifier(), {"random_state": randint(0, 10**6)}, n_candidates=n,
                                   factor=eta, resource="max_depth", min_resources=r_min, max_resources=r_max, cv=2,
                                   random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    expected = list(zip(search.n_candidates_, search.n_resources_))
    assert sh_rungs(n, r_min, r_max, eta) == expected

    sh = SuccessiveHalving(SPACE, min_budget=r_min, max_budget=r_max, eta=eta, n_configs=n, seed=1)
    study = optimize(toy_loss, sh, progress=False)
    assert sh.is_finished()
    ran = Counter(t.budget for t in study.trials)
    assert [(ran[r], r) for _, r in expected] == expected and sum(ran.values()) == sum(c for c, _ in expected)


def test_successive_halving_waits_for_its_rung_and_promotes_the_best():
    sh = SuccessiveHalving(SPACE, min_budget=1, max_budget=9, eta=3, n_configs=9, seed=0)
    first = [sh.ask() for _ in range(9)]
    assert sh.ask() is None  # the rung is full: nothing to ask until results come in
    losses = {t.id: toy_loss(t.config, t.budget) for t in first}
    for t in reversed(first):  # results in any order
        assert sh.ask() is None
        sh.tell(t, losses[t.id])
    second = [sh.ask() for _ in range(3)]
    best3 = sorted(first, key=lambda t: losses[t.id])[:3]
    assert [t.config for t in second] == [t.config for t in best3]
    assert {t.budget for t in second} == {3} and sh.ask() is None


def test_failed_trials_rank_last():
    sh = SuccessiveHalving(SPACE, min_budget=1, max_budget=3, eta=3, n_configs=3, seed=0)
    trials = [sh.ask() for _ in range(3)]
    for t, loss in zip(trials, [None, float("nan"), 5.0]):
        sh.tell(t, loss)
    assert sh.ask().config == trials[2].config


def test_any_searcher_can_propose_the_configs():
    tpe = TPE(SPACE, seed=0)
    sh = SuccessiveHalving(SPACE, min_budget=1, max_budget=9, eta=3, base_searcher=tpe)
    optimize(toy_loss, sh, progress=False)
    assert len(tpe.history_) == 9  # TPE heard every configuration's rung-0 result, and only those
    assert all(t.budget is None for t, _ in tpe.history_)


@pytest.mark.parametrize("kwargs, match", [({"min_budget": 0, "max_budget": 9}, "min_budget"),
                                           ({"min_budget": 10, "max_budget": 9}, "max_budget"),
                                           ({"min_budget": 1, "max_budget": 9, "eta": 1}, "eta"),
                                           ({"min_budget": 1, "max_budget": 9, "n_configs": 0}, "n_configs")])
def test_bad_settings_raise_and_say_what_is_right(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SuccessiveHalving(SPACE, **kwargs)


def test_a_base_searcher_on_another_space_is_refused():
    with pytest.raises(ValueError, match="base_searcher"):
        ASHA(SPACE, min_budget=1, max_budget=9, base_searcher=RandomSearch({"y": Float(0, 1)}))


# --- ASHA ------------------------------------------------------------------------------------------

def _expected_asha_move(results, promoted, eta, top_rung):
    """The rule of Li et al. (2020), Algorithm 2, from the test's own record of results."""
    for k in range(top_rung - 1, -1, -1):
        ranked = sorted(results[k], key=lambda t: (t[0], t[1]))
        top = ranked[: len(ranked) // eta]
        candidates = [t for t in top if (k, t[1]) not in promoted]
        if candidates:
            return k, candidates[0]
    return None


@pytest.mark.parametrize("eta, max_budget", [(3, 27), (2, 16)])
def test_asha_never_waits_and_promotes_by_the_top_1_over_eta_rule_in_any_completion_order(eta, max_budget):
    top_rung = round(math.log(max_budget, eta))
    n_promotions = 0
    for order_seed in range(60):  # many random completion orders (and concurrency levels)
        rng = np.random.default_rng(order_seed)
        asha = ASHA(SPACE, min_budget=1, max_budget=max_budget, eta=eta, seed=order_seed)
        results = [[] for _ in range(top_rung + 1)]  # per rung: (loss, trial id, x)
        promoted, pending, seen = set(), [], set()
        rung_of = {}
        max_pending = int(rng.integers(1, 8))
        for _ in range(120):
            if pending and (len(pending) >= max_pending or rng.random() < 0.5):
                trial = pending.pop(int(rng.integers(len(pending))))
                loss = toy_loss(trial.config, trial.budget) if rng.random() > 0.05 else None  # some fail
                asha.tell(trial, loss)
                results[rung_of[trial.id]].append((math.inf if loss is None else loss, trial.id, trial.config["x"]))
                continue
            trial = asha.ask()
            assert trial is not None  # never blocks a free worker
            move = _expected_asha_move(results, promoted, eta, top_rung)
            if move is None:
                assert trial.budget == asha.budgets[0] and trial.config["x"] not in seen
                rung_of[trial.id] = 0
            else:
                k, (_, from_id, x) = move
                assert (trial.budget, trial.config["x"]) == (asha.budgets[k + 1], x)
                promoted.add((k, from_id))
                rung_of[trial.id] = k + 1
                n_promotions += 1
            seen.add(trial.config["x"])
            pending.append(trial)
    assert n_promotions > 200  # the property was exercised


def test_asha_rungs_are_anchored_at_max_budget():
    asha = ASHA(SPACE, min_budget=1, max_budget=81, eta=3)
    assert asha.budgets == [1, 3, 9, 27, 81]
    assert ASHA(SPACE, min_budget=2, max_budget=100, eta=3).budgets[-1] == 100


def test_asha_keeps_every_worker_busy_under_a_thread_pool():
    n_workers = 4
    barrier = threading.Barrier(n_workers)

    def objective(config, budget):
        # Every trial waits here until 4 trials run at once. Had ASHA ever left a worker idle (ask
        # returned None), the barrier would never fill, break after the timeout, and trials would fail.
        barrier.wait(timeout=30)
        return toy_loss(config, budget)

    with ThreadPoolExecutor(n_workers) as pool:
        study = optimize(objective, ASHA(SPACE, min_budget=1, max_budget=9, eta=3, seed=0), n_trials=40,
                         executor=pool, max_pending=n_workers, progress=False)
    assert len(study.trials) == 40
    assert [t.state for t in study.trials] == ["complete"] * 40
    assert max(t.budget for t in study.trials) == 9  # promotions happened


def test_synchronous_hyperband_would_idle_workers():
    hb = Hyperband(SPACE, min_budget=1, max_budget=9, eta=3, seed=0)
    asked = [hb.ask() for _ in range(9)]
    assert all(t is not None for t in asked) and hb.ask() is None  # 4 free workers would wait here


# --- median pruning --------------------------------------------------------------------------------

CURVES = [  # hand-built curves of a loss; the rule's verdict worked out by hand on the right
    [1.0, 0.8, 0.6, 0.5],  # completes (startup)
    [0.9, 0.7, 0.5, 0.4],  # completes (startup)
    [0.95, 0.9, 0.3, 0.1],  # step 2: 0.9 > median(0.8, 0.7) = 0.75 -> pruned at 2 (it would have won)
    [2.0, 0.6, 0.55, 0.3],  # step 1 is warm-up; 0.6 < 0.75; 0.55 = median(0.6, 0.5), not worse -> completes
    [0.5, 0.65, 0.58, 0.35],  # step 3: 0.58 > median(0.6, 0.5, 0.55) = 0.55 -> pruned at 3
    [0.5, 0.69, 0.5, 0.41],  # step 4: 0.41 > median(0.5, 0.4, 0.3) = 0.4 -> pruned at 4
    [0.1, 0.1, 0.1, 0.1],  # never worse -> completes
]
VERDICT = [("complete", 4), ("complete", 4), ("pruned", 2), ("complete", 4), ("pruned", 3), ("pruned", 4),
           ("complete", 4)]


def test_median_pruner_prunes_exactly_the_trials_the_rule_says():
    def objective(config, trial):
        for step, value in enumerate(CURVES[trial.id], start=1):
            trial.report(value, step)
            if trial.should_prune():
                from hpo_mini import TrialPruned
                raise TrialPruned()
        return value

    pruner = MedianPruner(SPACE, n_startup=2, n_warmup_steps=1, seed=0)
    study = optimize(objective, pruner, n_trials=len(CURVES), progress=False)
    assert [(t.state, max(t.intermediate)) for t in study.trials] == VERDICT
    assert [t.value for t in study.trials] == [CURVES[i][n - 1] for i, (_, n) in enumerate(VERDICT)]


def test_median_pruner_waits_for_startup_trials_and_takes_the_direction_it_is_told():
    pruner = MedianPruner(SPACE, n_startup=2, seed=0)
    pruner.set_direction("maximize")
    pruner.tell(Trial(id=0, config={"x": 0.1}, state="complete", intermediate={1: 0.5}), -0.5)
    low = Trial(id=1, config={"x": 0.2}, intermediate={1: 0.4})
    assert not pruner.ask().pruner(low)  # one completed trial < n_startup
    pruner.tell(Trial(id=2, config={"x": 0.3}, state="complete", intermediate={1: 0.7}), -0.7)
    rule = pruner.ask().pruner  # median 0.6; larger values are better
    assert rule.direction == "maximize" and rule(low) and not rule(Trial(id=3, config={"x": 0.4}, intermediate={1: 0.61}))
    pruner.set_direction("minimize")  # the same data, read the other way
    assert not pruner.ask().pruner(low) and pruner.ask().pruner(Trial(id=4, config={"x": 0.5}, intermediate={1: 0.61}))
    with pytest.raises(TypeError):
        MedianPruner(SPACE, direction="maximize")  # the direction comes from optimize, not the constructor


def test_the_base_searcher_learns_the_direction_too():
    for scheduler in (SuccessiveHalving(SPACE, min_budget=1, max_budget=9), Hyperband(SPACE, min_budget=1, max_budget=9),
                      ASHA(SPACE, min_budget=1, max_budget=9), MedianPruner(SPACE)):
        scheduler.set_direction("maximize")
        assert scheduler.direction == scheduler.base_searcher.direction == "maximize"


# --- the rule a trial carries is data, not the searcher ---------------------------------------------

def _old_rule(completed_curves, trial, n_startup, n_warmup_steps, direction):
    """The median rule as MedianPruner applied it before it handed out MedianRule: straight from the curves."""
    if not trial.intermediate or len(completed_curves) < n_startup:
        return False
    step = max(trial.intermediate)
    values = [c[step] for c in completed_curves if step in c]
    if step <= n_warmup_steps or not values:
        return False
    value, median = trial.intermediate[step], float(np.median(values))
    return value > median if direction == "minimize" else value < median


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_median_rule_decides_as_the_rule_on_the_raw_curves(direction):
    rng = np.random.default_rng(0)
    pruner = MedianPruner(SPACE, n_startup=3, n_warmup_steps=2, seed=0)
    pruner.set_direction(direction)
    curves, n_pruned, n_checked = [], 0, 0
    for i in range(40):
        rule = pruner.ask().pruner
        length = int(rng.integers(1, 12))  # curves of different lengths: some steps have few values
        running = Trial(id=1000 + i, config={"x": 0.5})
        for step in range(1, length + 1):
            running.report(float(rng.normal(1.0 / step, 0.3)), step)
            verdict = rule(running)
            assert verdict == _old_rule(curves, running, 3, 2, direction)
            n_pruned, n_checked = n_pruned + verdict, n_checked + 1
        done = Trial(id=i, config={"x": 0.5}, state="complete", intermediate=dict(running.intermediate))
        pruner.tell(done, 0.0)
        curves.append(dict(done.intermediate))
    assert 20 < n_pruned < n_checked - 20  # both verdicts were exercised


def test_a_trial_pickles_to_the_same_size_however_long_the_run():
    import pickle

    def sizes(n_completed):
        pruner = MedianPruner(SPACE, n_startup=2, seed=0)
        for i in range(n_completed):
            t = pruner.ask()
            for step in range(1, 11):
                t.report(1.0 / step + 0.01 * i, step)
            t.state = "complete"
            pruner.tell(t, t.intermediate[10])
        trial = pruner.ask()
        return len(pickle.dumps(trial)), len(pickle.dumps(pruner))  # what a process pool ships; the searcher

    small, large = sizes(20), sizes(400)
    assert large[0] - small[0] < 20  # the rule holds one median per step, whatever the number of trials
    assert large[1] > 10 * small[0]  # shipping the searcher (the old trial.pruner) grows with the run
    assert small[0] < 2_000
