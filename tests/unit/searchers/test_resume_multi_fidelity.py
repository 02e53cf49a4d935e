"""Multi-fidelity studies resume: SuccessiveHalving, Hyperband, ASHA and the median pruner rebuild their
rungs from the journal, so a resumed study re-runs only what was lost (the trials running at the kill)
and spends exactly the budget the uninterrupted run spends.

Two ways in: a journal cut after k trials (in process, every cut point of a small study), and the real
thing, a study SIGKILLed mid-rung three times and resumed each time (subprocesses; run with -s to see the
figures). Before this, SuccessiveHalving killed after 10 of 13 trials re-ran ids 0-9 and ended with 23."""

import json
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from fault_study import journal_records, launch, make_searcher
from shared_problem import budget_quadratic
from hpo_mini import Float, TrialPruned, load_study, optimize
from hpo_mini.searchers import ASHA, Hyperband, MedianPruner, SuccessiveHalving
from hpo_mini.searchers.hyperband import bracket_cost
from hpo_mini.space import config_key

SMALL = {"x": Float(0.0, 1.0), "y": Float(0.0, 1.0)}


def loss(config, budget):
    return (config["x"] - 0.3) ** 2 + config["y"] + 1.0 / budget


def reporting(config, trial):
    for step in range(1, 6):
        trial.report((config["x"] - 0.3) ** 2 + 1.0 / step, step)
        if trial.should_prune():
            raise TrialPruned()
    return (config["x"] - 0.3) ** 2


STUDIES = {  # name -> (make the searcher, objective, n_trials (None: until it is finished))
    "successive halving": (lambda: SuccessiveHalving(SMALL, min_budget=1, max_budget=9, n_configs=9, seed=3), loss,
                           None),
    "hyperband": (lambda: Hyperband(SMALL, min_budget=1, max_budget=9, seed=3), loss, None),
    "asha": (lambda: ASHA(SMALL, min_budget=1, max_budget=9, seed=3), loss, 30),
    "median pruner": (lambda: MedianPruner(SMALL, n_startup=3, seed=3), reporting, 20),
}


def signature(trials):
    return [(t.id, config_key(t.config), t.budget, t.state, t.value) for t in trials]


def spent(trials):
    return sum(1.0 if t.budget is None else t.budget for t in trials)


@pytest.mark.parametrize("name", STUDIES)
def test_a_study_cut_after_any_trial_resumes_into_the_uninterrupted_run(tmp_path, name):
    make, objective, n = STUDIES[name]
    whole = optimize(objective, make(), n_trials=n, journal=tmp_path / "whole.jsonl", progress=False)
    lines = (tmp_path / "whole.jsonl").read_bytes().split(b"\n")
    for k in range(1, len(whole.trials)):  # the first k trials were recorded, the (k+1)-th was running
        path = tmp_path / f"cut{k}.jsonl"
        path.write_bytes(b"\n".join(lines[: 1 + k]) + b"\n")
        resumed = optimize(objective, make(), n_trials=n, journal=path, progress=False)
        assert signature(resumed.trials) == signature(whole.trials), k  # nothing twice, nothing lost
        assert spent(resumed.trials) == spent(whole.trials)


def test_the_planned_budgets_of_successive_halving_and_hyperband_are_spent_exactly(tmp_path):
    sh, _, _ = STUDIES["successive halving"]
    hb, _, _ = STUDIES["hyperband"]
    assert spent(optimize(loss, sh(), journal=tmp_path / "sh.jsonl", progress=False).trials) \
        == sum(n * r for n, r in sh().rungs()) == 27
    assert spent(optimize(loss, hb(), journal=tmp_path / "hb.jsonl", progress=False).trials) \
        == sum(bracket_cost(plan) for plan in hb().brackets()) == 78


def test_successive_halving_under_threads_resumes_to_its_plan(tmp_path):
    make, _, _ = STUDIES["successive halving"]
    path = tmp_path / "study.jsonl"
    with ThreadPoolExecutor(2) as pool:
        optimize(loss, make(), journal=path, executor=pool, progress=False)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:1 + 6]) + b"\n")  # 6 of rung 0's 9 trials (their ids may have a gap)
    with ThreadPoolExecutor(2) as pool:
        resumed = optimize(loss, make(), journal=path, executor=pool, progress=False)
    assert Counter(t.budget for t in resumed.trials) == {1: 9, 3: 3, 9: 1} and spent(resumed.trials) == 27
    assert len({(config_key(t.config), t.budget) for t in resumed.trials}) == 13  # nothing run twice


@pytest.mark.parametrize("other", [
    lambda: SuccessiveHalving(SMALL, min_budget=1, max_budget=9, eta=2, n_configs=9, seed=3),
    lambda: Hyperband(SMALL, min_budget=1, max_budget=27, seed=3),
    lambda: ASHA(SMALL, min_budget=2, max_budget=18, seed=3),
], ids=["sh", "hyperband", "asha"])
def test_a_journal_of_other_settings_is_refused_saying_so(tmp_path, other):
    name = {"SuccessiveHalving": "successive halving", "Hyperband": "hyperband", "ASHA": "asha"}[type(other()).__name__]
    make, objective, n = STUDIES[name]
    path = tmp_path / "study.jsonl"
    optimize(objective, make(), n_trials=12, journal=path, progress=False)
    with pytest.raises(ValueError, match="written by a searcher with other settings"):
        optimize(objective, other(), n_trials=20, journal=path, progress=False)


# ---------------------------------------------------------------- SIGKILL mid-rung, three times

KILL_AT = {  # record counts at which the kill comes (then 0-40 ms later: mid-objective), all inside a rung
    "sh": (5, 31, 37),  # rung 0 holds records 1-27, rung 1 28-36, rung 2 37-39, rung 3 40
    "hyperband": (4, 11, 17),  # bracket s=2: 1-9, 10-12, 13; s=1: 14-18, 19; s=0: 20-22
    "asha": (6, 17, 29),
}
N_TRIALS = {"sh": None, "hyperband": None, "asha": 40}


def kill_mid_rung(path, kind, executor, calls):
    """Run the study, SIGKILL it when the journal reaches each count in KILL_AT[kind] (plus 0-40 ms), relaunch
    it each time, let the last run finish. Returns the number of kills."""
    rng, kills = np.random.default_rng(24), 0
    env = {"HPO_FAULT_CALLS": str(calls)}
    for target in KILL_AT[kind]:
        child = launch(path, N_TRIALS[kind], kind, executor, 7, env)
        try:
            deadline = time.monotonic() + 60
            while len(journal_records(path)) < target:
                assert child.poll() is None, child.stderr.read().decode()
                assert time.monotonic() < deadline, "the study recorded no new trial in 60 s"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.04))
            assert child.poll() is None, f"the study finished before kill {kills + 1}"
            child.send_signal(signal.SIGKILL)
            child.wait()
            assert child.returncode == -signal.SIGKILL
            kills += 1
        finally:
            child.kill()
            child.wait()
            child.stderr.close()
    child = launch(path, N_TRIALS[kind], kind, executor, 7, env)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err.decode()
    return kills


@pytest.mark.slow  # about 10 s each: four interpreter starts
@pytest.mark.parametrize("kind, executor", [("sh", "none"), ("hyperband", "none"), ("asha", "none"),
                                            ("sh", "threads"), ("asha", "threads")])
def test_killed_mid_rung_three_times_the_study_spends_exactly_its_planned_budget(tmp_path, kind, executor):
    path, calls = tmp_path / "study.jsonl", tmp_path / "calls.jsonl"
    kills = kill_mid_rung(path, kind, executor, calls)
    whole = optimize(budget_quadratic, make_searcher(kind, 7), n_trials=N_TRIALS[kind], progress=False)

    records = journal_records(path)
    study = load_study(path)
    pairs = Counter((config_key(r["config"]), r["budget"]) for r in records)
    started = Counter((config_key(c["config"]), c["budget"]) for c in map(json.loads, calls.read_text().splitlines()))
    lost = started - pairs  # objective calls whose trial never reached the journal: running at a kill
    duplicated = sum(c - 1 for c in Counter(r["id"] for r in records).values()) + sum(c - 1 for c in pairs.values())
    planned, recorded = spent(whole.trials), sum(r["budget"] for r in records)
    fixed_plan = kind != "asha" or executor == "none"  # else the budget depends on the order results arrive in
    print(f"\nRESUME {kind} executor={executor} kills={kills} trials_expected={len(whole.trials)} "
          f"trials_recorded={len(records)} duplicated={duplicated} "
          f"budget_planned={f'{planned:g}' if fixed_plan else 'order-dependent'} "
          f"budget_recorded={recorded:g} budget_started={sum(b * n for (_, b), n in started.items()):g} "
          f"(cut short by kills: {sum(b * n for (_, b), n in lost.items()):g} in {sum(lost.values())} trials)")
    assert kills == len(KILL_AT[kind])
    assert len(records) == len(study.trials) == len(whole.trials) and duplicated == 0
    assert all(t.state == "complete" and t.value == budget_quadratic(t.config, t.budget) for t in study.trials)
    assert sum(lost.values()) <= kills * (1 if executor == "none" else 2)  # only what was running at a kill
    if fixed_plan:
        assert recorded == planned  # the planned budget, exactly: no trial run twice to completion
    if executor == "none":  # one trial at a time: the uninterrupted run, trial for trial
        assert all(pair in pairs for pair in lost)  # what a kill cut short was run again, once
        assert [(r["id"], config_key(r["config"]), r["budget"]) for r in records] \
            == [(t.id, config_key(t.config), t.budget) for t in whole.trials]
    if kind == "asha":  # every promotion comes from a recorded trial one rung down
        budgets = sorted({r["budget"] for r in records})
        for r in records:
            k = budgets.index(r["budget"])
            assert k == 0 or (config_key(r["config"]), budgets[k - 1]) in pairs
