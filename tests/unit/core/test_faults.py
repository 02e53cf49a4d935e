"""Faults, end to end: a study SIGKILLed five times and resumed each time ends with exactly n trials,
none lost, none duplicated; a second process on a journal in use is refused (one writer, a file lock);
a worker process of a ProcessPool that dies mid-trial costs that trial (recorded as failed after one
rerun alone) and nothing else; under a plain ProcessPoolExecutor it costs
the trials the pool held, and the run stops saying how to get the rerun.

test_runner.py already kills a study once and checks the resumed run; here the kills repeat at random
moments, under BO and under a thread pool too, and the counts are printed (run with -s to see them)."""

import os
import signal
import time
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pytest

from fault_study import journal_records, launch
from shared_problem import SPACE, quadratic
from hpo_mini import load_study, optimize
from hpo_mini.journal import JournalInUse
from hpo_mini.parallel import ProcessPool
from hpo_mini.searchers import RandomSearch
from hpo_mini.space import config_key

N_KILLS = 5


def kill_and_resume(path, n, searcher, executor, seed, rng):
    """Start the study, SIGKILL it N_KILLS times at random moments (each after it has recorded at least
    one more trial, so every round makes progress), relaunch it each time, then let the last run finish.
    Returns (kills, torn writes, the records seen before each kill)."""
    kills, torn, snapshots = 0, 0, []
    while kills < N_KILLS:
        child = launch(path, n, searcher, executor, seed)
        try:
            target = len(journal_records(path)) + 1
            deadline = time.monotonic() + 40
            while len(journal_records(path)) < target:
                assert child.poll() is None, child.stderr.read().decode()
                assert time.monotonic() < deadline, "the study recorded no new trial in 40 s"
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.15))  # the random point: mid-objective, between trials, mid-write
            assert child.poll() is None, f"the study finished before kill {kills + 1}; raise n"
            snapshots.append({r["id"]: r for r in journal_records(path)})
            child.send_signal(signal.SIGKILL)
            child.wait()
            assert child.returncode == -signal.SIGKILL
            kills += 1
            torn += not path.read_bytes().endswith(b"\n")  # the kill landed inside a journal write
        finally:
            child.kill()
            child.wait()
            child.stderr.close()
    child = launch(path, n, searcher, executor, seed)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err.decode()
    return kills, torn, snapshots


@pytest.mark.slow  # about 15 s each: six interpreter starts
@pytest.mark.parametrize("searcher, executor, n", [("random", "none", 60), ("bo", "threads", 30)])
def test_study_killed_five_times_ends_with_n_trials_none_lost_none_duplicated(tmp_path, searcher, executor, n):
    path = tmp_path / "study.jsonl"
    rng = np.random.default_rng(2026)
    kills, torn, snapshots = kill_and_resume(path, n, searcher, executor, seed=7, rng=rng)

    records = journal_records(path)
    ids = Counter(r["id"] for r in records)
    configs = Counter(config_key(r["config"]) for r in records)
    duplicates = sum(c - 1 for c in ids.values())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the last run cut any torn line off: the journal loads cleanly
        study = load_study(path)
    abandoned = max(ids) + 1 - len(ids)  # ids asked but never finished: running when a kill landed
    print(f"\nFAULTS searcher={searcher} executor={executor} kills={kills} torn_writes={torn} trials_expected={n} "
          f"trials_recorded={len(records)} distinct_ids={len(ids)} distinct_configs={len(configs)} "
          f"duplicates={duplicates} in_flight_at_a_kill_not_rerun={abandoned}")
    assert kills == N_KILLS
    assert len(records) == len(study.trials) == n  # exactly n
    assert duplicates == 0 and len(configs) == n  # none twice, by id and by config
    final = {t.id: t for t in study.trials}
    for before in snapshots:  # none lost: every trial recorded before a kill is there, unchanged
        for i, record in before.items():
            assert final[i].config == record["config"] and final[i].value == record["value"]
    assert all(t.state == "complete" and t.value == quadratic(t.config) for t in study.trials)
    if executor == "none":  # one trial at a time: nothing was in flight, the ids run 0..n-1 without a gap
        assert sorted(ids) == list(range(n))
    if searcher == "random" and executor == "none":  # and the run is the uninterrupted one, trial for trial
        whole = optimize(quadratic, RandomSearch(SPACE, seed=7), n_trials=n, progress=False)
        assert [config_key(t.config) for t in study.trials] == [config_key(t.config) for t in whole.trials]


# ---------------------------------------------------------------- a worker process dies mid-trial

DOOMED = 5  # the trial whose worker dies


def dies_on_doomed_trial(config, trial):
    if trial.id == DOOMED:
        os._exit(1)  # the worker process vanishes, as with a segfault in a C extension
    return quadratic(config)


def sigkilled_on_doomed_trial(config, trial):
    if trial.id == DOOMED:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does
    return quadratic(config)


def dies_once_on_doomed_trial(config, trial):
    marker = Path(os.environ["HPO_FAULT_MARKER"])
    if trial.id == DOOMED and not marker.exists():
        marker.touch()
        os._exit(1)  # a transient crash: the rerun succeeds
    return quadratic(config)


@pytest.mark.parametrize("objective", [dies_on_doomed_trial, sigkilled_on_doomed_trial])
def test_a_dead_worker_fails_its_trial_and_the_study_goes_on_to_n(tmp_path, objective):
    path = tmp_path / "study.jsonl"
    with ProcessPool(2) as pool:
        study = optimize(objective, RandomSearch(SPACE, seed=1), n_trials=16, executor=pool, journal=path,
                         progress=False)
    assert sorted(t.id for t in study.trials) == list(range(16))  # every trial once, the doomed one too
    doomed = next(t for t in study.trials if t.id == DOOMED)
    assert doomed.state == "failed" and doomed.value is None
    assert "worker process died" in doomed.error and "run alone" in doomed.error
    others = [t for t in study.trials if t.id != DOOMED]
    assert all(t.state == "complete" and t.value == quadratic(t.config) for t in others)  # bystanders reran
    assert [r["id"] for r in journal_records(path)] == [t.id for t in study.trials]
    assert len({config_key(t.config) for t in study.trials}) == 16


def test_a_transient_worker_crash_is_rerun_and_recorded_complete(tmp_path, monkeypatch):
    monkeypatch.setenv("HPO_FAULT_MARKER", str(tmp_path / "crashed-once"))
    with ProcessPool(2) as pool:  # made after setenv: its workers inherit the variable
        study = optimize(dies_once_on_doomed_trial, RandomSearch(SPACE, seed=1), n_trials=12, executor=pool,
                         progress=False)
    assert (tmp_path / "crashed-once").exists()  # the crash did happen
    assert sorted(t.id for t in study.trials) == list(range(12))
    assert all(t.state == "complete" and t.value == quadratic(t.config) for t in study.trials)


def test_a_pool_broken_before_the_run_is_replaced(tmp_path):
    pool = ProcessPool(2)
    with pytest.raises(BrokenProcessPool):
        list(pool.map(os._exit, [1]))  # break it: its worker exits
    study = optimize(quadratic, RandomSearch(SPACE, seed=2), n_trials=6, executor=pool, progress=False)
    pool.shutdown()
    whole = optimize(quadratic, RandomSearch(SPACE, seed=2), n_trials=6, progress=False)
    assert {(t.id, t.value) for t in study.trials} == {(t.id, t.value) for t in whole.trials}


def test_a_process_pool_remakes_itself_from_its_public_arguments():
    pool = ProcessPool(3, initializer=os.getpid)
    fresh = pool.fresh()
    try:
        assert fresh is not pool and isinstance(fresh, ProcessPool)
        assert (fresh.max_workers, fresh.initializer, fresh.initargs) == (3, os.getpid, ())
        assert fresh.submit(abs, -2).result() == 2
    finally:
        pool.shutdown()
        fresh.shutdown()


def dies_on_doomed_trial_others_take_a_while(config, trial):
    if trial.id != DOOMED:
        time.sleep(0.005)
    return dies_on_doomed_trial(config, trial)


def test_a_dead_worker_in_a_plain_process_pool_fails_the_trials_it_held_and_stops_the_run(tmp_path):
    path = tmp_path / "study.jsonl"
    warning = r"broke the ProcessPoolExecutor.*ProcessPool\(n\)"
    with ProcessPoolExecutor(2) as pool, pytest.warns(UserWarning, match=warning):
        study = optimize(dies_on_doomed_trial_others_take_a_while, RandomSearch(SPACE, seed=1), n_trials=10_000,
                         executor=pool, max_pending=2, journal=path, progress=False)
    assert len(study.trials) < 10_000  # it stopped: a broken pool runs nothing more
    failed = [t for t in study.trials if t.state == "failed"]
    assert DOOMED in {t.id for t in failed} and len(failed) <= 2  # the doomed trial and at most one bystander
    assert all("not rerun" in t.error and "hpo_mini.parallel.ProcessPool" in t.error for t in failed)
    assert all(t.state == "complete" and t.value == quadratic(t.config) for t in study.trials if t not in failed)
    assert sorted(t.id for t in study.trials) == list(range(len(study.trials)))  # none lost, none twice
    assert [r["id"] for r in journal_records(path)] == [t.id for t in study.trials]


# ---------------------------------------------------------------- two processes on one journal


def test_a_second_process_on_a_journal_in_use_is_refused_and_no_id_is_written_twice(tmp_path):
    # with no lock, two processes each wrote ids 0-19 and evaluated them twice
    path = tmp_path / "study.jsonl"
    first = launch(path, 100_000, "random", "none", seed=3)  # runs until it is killed below
    try:
        deadline = time.monotonic() + 40
        while not journal_records(path):
            assert first.poll() is None, first.stderr.read().decode()
            assert time.monotonic() < deadline, "the first process recorded no trial in 40 s"
            time.sleep(0.005)
        second = launch(path, 100_000, "random", "none", seed=4)
        _, err = second.communicate(timeout=60)
        err = err.decode()
        assert second.returncode != 0 and "JournalInUse" in err and "being written by another run" in err
        with pytest.raises(JournalInUse):  # in this process too
            optimize(quadratic, RandomSearch(SPACE, seed=5), n_trials=100_000, journal=path, progress=False)
        assert first.poll() is None  # the first was writing all along
    finally:
        first.kill()  # SIGKILL: its lock goes with it
        first.wait()
        first.stderr.close()
    n = len(journal_records(path)) + 5
    optimize(quadratic, RandomSearch(SPACE, seed=3), n_trials=n, journal=path, progress=False)
    ids = [r["id"] for r in journal_records(path)]
    print(f"\nTWO WRITERS: second process refused, trials_recorded={len(ids)} distinct_ids={len(set(ids))}")
    assert sorted(ids) == list(range(n))
    whole = optimize(quadratic, RandomSearch(SPACE, seed=3), n_trials=n, progress=False)
    assert [config_key(r["config"]) for r in journal_records(path)] == [config_key(t.config) for t in whole.trials]
