"""optimize(): failures as results, directions, limits, callbacks, the budget and trial seams,
executors, Ctrl-C, and a study killed with SIGKILL that resumes from its journal."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from hpo_mini import Trial, TrialPruned, load_study, optimize
from hpo_mini.parallel import ProcessPool
from hpo_mini.searchers import TPE, GridSearch, RandomSearch, Searcher
from hpo_mini.space import config_key
from shared_problem import SPACE, quadratic


# Objectives are module-level functions so a ProcessPoolExecutor can pickle them.
def bump(config):
    return -quadratic(config)


def reporting(config, trial):
    for step in range(1, 4):
        trial.report(quadratic(config) * step, step)
    trial.user_attrs["pid"] = os.getpid()
    trial.user_attrs["double_x"] = 2 * config["x"]
    return quadratic(config)


def pruning(config, trial):
    trial.report(10.0, 1)
    trial.report(7.0, 2)
    if config["x"] > 0:
        raise TrialPruned()
    return quadratic(config)


def failing(config):
    if config["n"] == 3:
        raise ZeroDivisionError("n must not be 3")
    return quadratic(config)


# ---------------------------------------------------------------- failures are results


BAD_RETURNS = [
    (math.nan, "returned nan"),
    (None, r"returned None \(NoneType\); return a float"),
    (math.inf, "returned inf"),
    (-math.inf, "returned -inf"),
    ("0.5", r"returned '0.5' \(str\)"),
    (True, r"returned True \(bool\)"),
]


@pytest.mark.parametrize("bad, message", BAD_RETURNS)
def test_bad_return_values_become_failed_trials_and_the_study_goes_on(bad, message):
    def objective(config):
        return bad if config["n"] <= 2 else quadratic(config)

    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=30, progress=False)
    assert len(study.trials) == 30
    failed = [t for t in study.trials if t.state == "failed"]
    assert failed and len(failed) == sum(t.config["n"] <= 2 for t in study.trials)
    for t in failed:
        assert t.value is None
        assert t.error is not None and re.search(message, t.error)
    assert study.best_trial.config["n"] > 2


def test_raising_objective_becomes_failed_trials_with_the_error_text():
    study = optimize(failing, RandomSearch(SPACE, seed=1), n_trials=25, progress=False)
    assert len(study.trials) == 25
    failed = [t for t in study.trials if t.state == "failed"]
    assert {t.id for t in failed} == {t.id for t in study.trials if t.config["n"] == 3} and failed
    assert all(t.error == "ZeroDivisionError: n must not be 3" and t.duration is not None for t in failed)
    assert all(t.state == "complete" for t in study.trials if t.config["n"] != 3)


def test_numpy_and_int_values_are_stored_as_float():
    study = optimize(lambda c: np.float32(c["n"]), RandomSearch(SPACE, seed=0), n_trials=3, progress=False)
    study2 = optimize(lambda c: c["n"], RandomSearch(SPACE, seed=0), n_trials=3, progress=False)
    assert all(type(t.value) is float and t.state == "complete" for t in study.trials + study2.trials)


def test_objective_cannot_change_the_recorded_config():
    def meddling(config):
        config["x"] = 99.0
        return 1.0

    study = optimize(meddling, RandomSearch(SPACE, seed=0), n_trials=3, progress=False)
    assert all(-1 <= t.config["x"] <= 1 for t in study.trials)


# ---------------------------------------------------------------- directions and what the searcher is told


class Recorder(RandomSearch):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.told = []

    def tell(self, trial, value):
        super().tell(trial, value)
        self.told.append((trial.id, value))


def test_maximize_finds_the_max_and_the_searcher_is_told_the_negated_value():
    grid = GridSearch(SPACE, n_per_dim={"x": 11, "y": 11, "n": 5})
    study = optimize(bump, grid, direction="maximize", progress=False)
    assert len(study.trials) == 11 * 11 * 5
    assert study.best_value == max(t.value for t in study.trials)
    assert study.best_config == pytest.approx({"x": 0.2, "y": -0.2, "n": 1})
    recorder = Recorder(SPACE, seed=0)
    study = optimize(failing, recorder, n_trials=20, direction="maximize", progress=False)
    values = {t.id: t.value for t in study.trials}
    for i, told in recorder.told:
        assert told is None if values[i] is None else told == -values[i]
    assert any(v is None for _, v in recorder.told)


class DirectionListener(RandomSearch):
    """Records, in order, set_direction, each ask and each tell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = []

    def set_direction(self, direction):
        self.events.append(("set_direction", direction))

    def ask(self):
        trial = super().ask()
        self.events.append(("ask", trial.id))
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        self.events.append(("tell", trial.id))


def test_the_searcher_learns_the_direction_before_anything_else(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(quadratic, DirectionListener(SPACE, seed=0), n_trials=2, direction="maximize", journal=path,
             progress=False)
    searcher = DirectionListener(SPACE, seed=0)
    optimize(quadratic, searcher, n_trials=3, direction="maximize", journal=path, progress=False)
    assert searcher.events == [("set_direction", "maximize"), ("tell", 0), ("tell", 1), ("ask", 2), ("tell", 2)]


class HandWritten:
    """A searcher written by hand, without the base class: ask and tell only."""

    def __init__(self):
        self.told = []

    def ask(self):
        i = len(self.told)
        return Trial(id=i, config={"x": i / 10, "y": 0.0, "n": 1})

    def tell(self, trial, loss):
        self.told.append(loss)


def test_a_searcher_with_only_ask_and_tell_runs():
    searcher = HandWritten()
    study = optimize(quadratic, searcher, n_trials=4, direction="maximize", progress=False)
    assert [t.id for t in study.trials] == [0, 1, 2, 3]
    assert searcher.told == [-t.value for t in study.trials]


def test_minimize_and_maximize_pick_opposite_ends():
    lo = optimize(quadratic, RandomSearch(SPACE, seed=4), n_trials=40, progress=False)
    hi = optimize(quadratic, RandomSearch(SPACE, seed=4), n_trials=40, direction="maximize", progress=False)
    values = [t.value for t in lo.trials]
    assert lo.best_value == min(values) and hi.best_value == max(values)


# ---------------------------------------------------------------- limits


def test_n_trials_is_respected_exactly():
    for n in (0, 1, 17):
        assert len(optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=n, progress=False).trials) == n


class FakeClock:
    """time.monotonic for a test: it moves only when a trial says so."""

    def __init__(self):
        self.now = 1024.0

    def __call__(self):
        return self.now


def test_timeout_starts_no_trial_after_the_deadline(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(time, "monotonic", clock)

    def slow(config):
        clock.now += 1 / 64  # each trial takes 1/64 s of the fake clock (exact in binary)
        return quadratic(config)

    study = optimize(slow, RandomSearch(SPACE, seed=0), timeout=0.25 + 1 / 128, progress=False)
    assert len(study.trials) == 17  # 16 trials end at 0.25 s, before the deadline: the 17th starts, then none
    assert clock.now == 1024.0 + 17 / 64  # it ran to its end: a running trial is never cut
    # whichever limit comes first wins
    assert len(optimize(slow, RandomSearch(SPACE, seed=0), n_trials=3, timeout=30, progress=False).trials) == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_trials": -1}, "n_trials must be an integer >= 0"),
        ({"timeout": "10"}, "timeout must be a number of seconds >= 0"),
        ({"direction": "max"}, "direction must be 'minimize' or 'maximize'"),
        ({"max_pending": 0}, "max_pending must be an int >= 1"),
        ({"max_pending": -3}, "max_pending must be an int >= 1"),
        # issue 24: n_trials=nan ran unbounded, n_trials=2.5 ran 3, timeout=nan was ignored
        ({"n_trials": math.nan}, r"n_trials must be an integer >= 0 or None \(no limit\), but got nan"),
        ({"n_trials": 2.5}, r"n_trials must be an integer >= 0 or None \(no limit\), but got 2.5"),
        ({"n_trials": math.inf}, "n_trials must be an integer >= 0"),
        ({"n_trials": True}, "n_trials must be an integer >= 0"),
        ({"timeout": math.nan}, r"timeout must be a number of seconds >= 0 or None \(no limit\), but got nan"),
        ({"timeout": -1.0}, "timeout must be a number of seconds >= 0"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimize(quadratic, RandomSearch(SPACE, seed=0), progress=False, **kwargs)


def test_not_a_callable_or_not_a_searcher_is_rejected():
    with pytest.raises(TypeError, match="objective must be callable"):
        optimize(3.0, RandomSearch(SPACE, seed=0), n_trials=1, progress=False)
    with pytest.raises(TypeError, match=r"no ask\(\) method"):
        optimize(quadratic, SPACE, n_trials=1, progress=False)
    # a searcher class used to fail with "set_direction() missing 1 required positional argument"
    with pytest.raises(TypeError, match=r"pass a searcher, not the class RandomSearch: e.g. RandomSearch\(space"):
        optimize(quadratic, RandomSearch, n_trials=1, progress=False)


def test_integral_limits_of_any_integer_type_and_an_infinite_timeout_are_accepted():
    assert len(optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=np.int64(3), progress=False).trials) == 3
    assert len(optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=3, timeout=math.inf, progress=False)
               .trials) == 3
    assert optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=0, progress=False).trials == []


def exits(config, trial):
    if trial.id == 2:
        sys.exit(3)
    return quadratic(config)


@pytest.mark.parametrize("executor", [None, "threads"])
def test_an_objective_that_calls_sys_exit_fails_its_trial_and_the_study_is_kept(tmp_path, executor):
    # SystemExit used to escape optimize: the study object was lost
    path = tmp_path / "study.jsonl"
    if executor is None:
        study = optimize(exits, RandomSearch(SPACE, seed=0), n_trials=5, journal=path, progress=False)
    else:
        with ThreadPoolExecutor(2) as pool:
            study = optimize(exits, RandomSearch(SPACE, seed=0), n_trials=5, journal=path, executor=pool,
                             progress=False)
    assert sorted(t.id for t in study.trials) == list(range(5))
    failed = [t for t in study.trials if t.state == "failed"]
    assert [t.id for t in failed] == [2] and failed[0].error.startswith("SystemExit: 3 (the objective called sys.exit()")
    assert len(load_study(path).trials) == 5


def edits_the_trial(config, trial):
    trial.config["x"] = 99.0  # through the Trial, not the config dict the objective was given
    trial.config = {"x": 5.0}
    trial.system_attrs["rung"] = 7
    return quadratic(config)


def test_editing_trial_config_inside_the_objective_does_not_change_the_record(tmp_path):
    # the edit used to be recorded, and then broke a later TPE resume (the config was outside the space)
    path = tmp_path / "study.jsonl"
    asked = RandomSearch(SPACE, seed=0).ask().config
    study = optimize(edits_the_trial, RandomSearch(SPACE, seed=0), n_trials=4, journal=path, progress=False)
    assert study.trials[0].config == asked and all(t.system_attrs == {} for t in study.trials)
    assert all(-1 <= t.config["x"] <= 1 and set(t.config) == set(SPACE) for t in study.trials)
    with pytest.warns(UserWarning, match="continued by TPE"):
        resumed = optimize(quadratic, TPE(SPACE, seed=0), n_trials=6, journal=path, progress=False)
    assert [t.id for t in resumed.trials] == list(range(6))


class Unpicklable:
    def __reduce__(self):
        raise TypeError("an Unpicklable cannot be pickled")


def keeps_an_unpicklable(config, trial):
    trial.user_attrs["model"] = Unpicklable()
    trial.user_attrs["size"] = 3
    return quadratic(config)


def test_an_unpicklable_user_attr_under_a_process_pool_is_blamed_on_user_attrs(process_pool):
    # the error used to be "worker failed: TypeError: ...", with no word of user_attrs
    study = optimize(keeps_an_unpicklable, RandomSearch(SPACE, seed=0), n_trials=4, executor=process_pool,
                     progress=False)
    assert sorted(t.id for t in study.trials) == list(range(4))
    for t in study.trials:
        assert t.state == "failed" and t.user_attrs == {"size": 3}
        assert re.match(r"the objective returned [-0-9.e]+, but user_attrs 'model' \(TypeError: an Unpicklable "
                        r"cannot be pickled\) cannot be pickled, so the trial cannot come back from its worker",
                        t.error)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_progress_bar_shows_the_count_and_the_incumbent(capsys, tmp_path, direction):
    path = tmp_path / "study.jsonl"
    first = optimize(failing, RandomSearch(SPACE, seed=0), n_trials=6, direction=direction, progress=True, journal=path)
    err = capsys.readouterr().err
    assert "6/6" in err and err.rstrip().endswith(f"best={first.best_value:.5g}]")
    study = optimize(failing, RandomSearch(SPACE, seed=0), n_trials=9, direction=direction, progress=True, journal=path)
    err = capsys.readouterr().err
    assert "9/9" in err
    assert err.rstrip().endswith(f"best={study.best_value:.5g}]")
    assert f"best={first.best_value:.5g}" in err  # a resumed run shows the incumbent from the start


# ---------------------------------------------------------------- callbacks


def test_callbacks_are_called_once_per_trial_in_order():
    calls = []
    study = optimize(
        quadratic, RandomSearch(SPACE, seed=0), n_trials=9, progress=False,
        callbacks=[lambda s, t: calls.append(("a", t.id, len(s.trials))), lambda s, t: calls.append(("b", t.id, len(s.trials)))],
    )
    assert calls == [(name, i, i + 1) for i in range(9) for name in "ab"]
    assert [t.id for t in study.trials] == list(range(9))


def test_study_stop_from_a_callback_stops_the_run():
    def stop_when_good(study, trial):
        if trial.value is not None and trial.value < 0.3:
            study.stop()

    study = optimize(quadratic, RandomSearch(SPACE, seed=2), n_trials=500, callbacks=[stop_when_good], progress=False)
    assert study.trials[-1].value < 0.3
    assert all(t.value >= 0.3 for t in study.trials[:-1])
    assert len(study.trials) < 500


def test_study_stop_under_a_thread_pool_finishes_the_running_trials_only():
    with ThreadPoolExecutor(2) as pool:
        study = optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=100, executor=pool, progress=False,
                         callbacks=[lambda s, t: s.stop() if len(s.trials) >= 5 else None])
    assert 5 <= len(study.trials) <= 6


# ---------------------------------------------------------------- the budget and trial seams


class BudgetSearcher(Searcher):
    """Asks each config with a budget (as multi-fidelity searchers do)."""

    def ask(self):
        i = self._next_id
        return self._new_trial({"x": i / 10, "y": 0.0, "n": 1}, budget=3 ** (i % 3))


def test_objective_receives_the_budget_the_searcher_asked_with():
    seen = []

    def objective(config, budget):
        seen.append((config["x"], budget))
        return config["x"] / budget

    study = optimize(objective, BudgetSearcher(SPACE, seed=0), n_trials=6, progress=False)
    assert seen == [(i / 10, 3 ** (i % 3)) for i in range(6)]
    assert [t.budget for t in study.trials] == [1, 3, 9, 1, 3, 9]
    assert [t.value for t in study.trials] == pytest.approx([i / 10 / 3 ** (i % 3) for i in range(6)])
    assert study.cumulative_budget()[-1] == 26


def test_objective_receives_budget_and_trial_together():
    def objective(config, budget, trial):
        trial.user_attrs["budget_seen"] = budget
        return 1.0

    study = optimize(objective, BudgetSearcher(SPACE, seed=0), n_trials=4, progress=False)
    assert [t.user_attrs["budget_seen"] for t in study.trials] == [1, 3, 9, 1]


def test_searcher_that_returns_none_with_nothing_running_ends_the_run():
    class Three(RandomSearch):
        def ask(self):
            return super().ask() if self._next_id < 3 else None

    study = optimize(quadratic, Three(SPACE, seed=0), n_trials=10, progress=False)
    assert len(study.trials) == 3


def check_reporting_study(study, n):
    assert len(study.trials) == n
    for t in study.trials:
        v = quadratic(t.config)
        assert t.state == "complete" and t.value == v
        assert t.intermediate == pytest.approx({1: v, 2: 2 * v, 3: 3 * v})
        assert t.user_attrs["double_x"] == 2 * t.config["x"]


def test_trial_parameter_reports_and_user_attrs_end_up_in_the_study():
    study = optimize(reporting, RandomSearch(SPACE, seed=0), n_trials=5, progress=False)
    check_reporting_study(study, 5)
    assert {t.user_attrs["pid"] for t in study.trials} == {os.getpid()}


@pytest.fixture(scope="module")
def process_pool():
    with ProcessPoolExecutor(2) as pool:
        yield pool


def test_trial_parameter_works_under_a_process_pool(process_pool):
    study = optimize(reporting, RandomSearch(SPACE, seed=0), n_trials=8, executor=process_pool, progress=False)
    check_reporting_study(study, 8)
    assert os.getpid() not in {t.user_attrs["pid"] for t in study.trials}  # really ran elsewhere


def test_trial_pruned_gives_state_pruned_with_the_last_reported_value():
    study = optimize(pruning, RandomSearch(SPACE, seed=3), n_trials=20, progress=False)
    pruned = [t for t in study.trials if t.state == "pruned"]
    assert {t.id for t in pruned} == {t.id for t in study.trials if t.config["x"] > 0} and pruned
    assert all(t.value == 7.0 and t.error is None for t in pruned)
    assert study.best_trial.config["x"] <= 0  # pruned trials never count as best


# ---------------------------------------------------------------- executors


def run_ids_and_configs(study):
    return {t.id: config_key(t.config) for t in study.trials}


@pytest.mark.parametrize("qmc", [None, "sobol", "lhs"])
def test_thread_and_process_pools_run_the_same_trials_as_sequential(qmc, process_pool):
    def make():
        return RandomSearch(SPACE, qmc=qmc, n_points=8, seed=11)

    sequential = optimize(quadratic, make(), n_trials=20, progress=False)
    with ThreadPoolExecutor(2) as pool:
        threaded = optimize(quadratic, make(), n_trials=20, executor=pool, progress=False)
    processed = optimize(quadratic, make(), n_trials=20, executor=process_pool, progress=False)
    expected = run_ids_and_configs(sequential)
    assert len(expected) == 20
    for study in (threaded, processed):
        assert len(study.trials) == 20
        assert len({t.id for t in study.trials}) == 20
        assert run_ids_and_configs(study) == expected
        assert sorted(t.value for t in study.trials) == sorted(t.value for t in sequential.trials)


def test_grid_search_under_a_thread_pool_covers_the_grid_once():
    grid = GridSearch(SPACE, n_per_dim=3, shuffle=True, seed=0)
    with ThreadPoolExecutor(2) as pool:
        study = optimize(quadratic, grid, executor=pool, progress=False)
    assert len(study.trials) == 27
    assert sorted(t.id for t in study.trials) == list(range(27))
    assert {config_key(t.config) for t in study.trials} == {config_key(p) for p in grid.points}


def test_failures_under_a_process_pool_are_recorded(process_pool):
    study = optimize(failing, RandomSearch(SPACE, seed=1), n_trials=25, executor=process_pool, progress=False)
    seq = optimize(failing, RandomSearch(SPACE, seed=1), n_trials=25, progress=False)
    assert {(t.id, t.state, t.error) for t in study.trials} == {(t.id, t.state, t.error) for t in seq.trials}


class InFlight(RandomSearch):
    """Counts the trials asked and not yet told: the trials the runner has in flight. The runner fills
    its slots with asks in a row before it waits, so the peak is max_pending whatever the timing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight, self.peak = 0, 0

    def ask(self):
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        return super().ask()

    def tell(self, trial, value):
        super().tell(trial, value)
        self.in_flight -= 1


def peak_in_flight(executor, **kwargs):
    searcher = InFlight(SPACE, seed=0)
    study = optimize(quadratic, searcher, n_trials=12, executor=executor, progress=False, **kwargs)
    assert sorted(t.id for t in study.trials) == list(range(12))
    return searcher.peak


def test_max_pending_caps_the_trials_in_flight_and_defaults_to_a_public_pool_size():
    with ThreadPoolExecutor(4) as pool:
        assert peak_in_flight(pool, max_pending=2) == 2
        assert peak_in_flight(pool, max_pending=5) == 5  # more than the workers: the rest wait in the pool
        assert peak_in_flight(pool) == min(12, os.cpu_count())  # its size is private: this machine's cores
    with ProcessPool(3) as pool:
        assert peak_in_flight(pool) == 3  # ProcessPool says its size: pool.max_workers


def test_an_objective_a_process_pool_cannot_pickle_is_refused_before_anything_runs(process_pool, tmp_path):
    path = tmp_path / "study.jsonl"
    with pytest.raises(TypeError, match=r"cannot be pickled.*top level of a module.*ThreadPoolExecutor"):
        optimize(lambda config: quadratic(config), RandomSearch(SPACE, seed=0), n_trials=3, executor=process_pool,
                 journal=path, progress=False)
    assert not path.exists()
    with ThreadPoolExecutor(2) as pool:  # threads pickle nothing: a lambda is fine
        study = optimize(lambda config: quadratic(config), RandomSearch(SPACE, seed=0), n_trials=3, executor=pool,
                         progress=False)
    assert len(study.trials) == 3


# ---------------------------------------------------------------- Ctrl-C


def interrupt_on_trial(k):
    def objective(config, trial):
        if trial.id == k:
            raise KeyboardInterrupt
        return quadratic(config)

    return objective


def test_keyboard_interrupt_returns_the_finished_trials_with_a_warning():
    with pytest.warns(UserWarning, match="interrupted: returning the study with its 4 finished trials"):
        study = optimize(interrupt_on_trial(4), RandomSearch(SPACE, seed=0), n_trials=10, progress=False)
    assert [t.id for t in study.trials] == [0, 1, 2, 3]
    assert all(t.state == "complete" for t in study.trials)


def test_keyboard_interrupt_with_a_journal_then_resume(tmp_path):
    path = tmp_path / "study.jsonl"
    with pytest.warns(UserWarning, match="journal=.*resumes it"):
        optimize(interrupt_on_trial(3), RandomSearch(SPACE, seed=0), n_trials=10, journal=path, progress=False)
    assert len(load_study(path).trials) == 3
    study = optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=10, journal=path, progress=False)
    full = optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=10, progress=False)
    assert run_ids_and_configs(study) == run_ids_and_configs(full)


# ---------------------------------------------------------------- SIGKILL and resume


CHILD = textwrap.dedent(
    """
    import sys, time
    from hpo_mini import Float, Int, optimize
    from hpo_mini.searchers import RandomSearch

    def objective(config):
        time.sleep(0.05)
        return (config["x"] - 0.3) ** 2 + (config["y"] + 0.2) ** 2 + 0.01 * config["n"]

    space = {"x": Float(-1.0, 1.0), "y": Float(-1.0, 1.0), "n": Int(1, 5)}
    optimize(objective, RandomSearch(space, seed=7), n_trials=1000, journal=sys.argv[1], progress=False)
    """
)


def journal_records(path):
    records = []
    for line in path.read_bytes().split(b"\n")[1:]:
        try:
            records.append(json.loads(line))
        except ValueError:  # the empty tail, or a line torn by the kill
            pass
    return records


def test_sigkilled_study_resumes_from_its_journal(tmp_path):
    path = tmp_path / "study.jsonl"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (path.exists() and len(journal_records(path)) >= 5):
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child wrote no 5 trials in 60 s"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    before = {r["id"]: r for r in journal_records(path)}
    assert len(before) >= 5 and len(before) < 1000

    n = len(before) + 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a torn last line, if the kill landed mid-write
        study = optimize(quadratic, RandomSearch(SPACE, seed=7), n_trials=n, journal=path, progress=False)

    ids = [t.id for t in study.trials]
    assert len(ids) == n and len(set(ids)) == n
    after = {t.id: t for t in study.trials}
    for i, record in before.items():
        assert after[i].value == record["value"] and after[i].config == record["config"]
    assert len(journal_records(path)) == n  # the file holds each trial once
    # the resumed run continues the sequence an uninterrupted run with the same seed draws
    uninterrupted = optimize(quadratic, RandomSearch(SPACE, seed=7), n_trials=n, progress=False)
    assert run_ids_and_configs(study) == run_ids_and_configs(uninterrupted)
    assert [t.value for t in sorted(study.trials, key=lambda t: t.id)] == [t.value for t in uninterrupted.trials]


@pytest.mark.parametrize("qmc", [None, "sobol", "lhs"])
def test_resumed_random_search_continues_the_same_sequence(tmp_path, qmc):
    path = tmp_path / "study.jsonl"
    optimize(quadratic, RandomSearch(SPACE, qmc=qmc, n_points=8, seed=5), n_trials=11, journal=path, progress=False)
    resumed = optimize(quadratic, RandomSearch(SPACE, qmc=qmc, n_points=8, seed=5), n_trials=30, journal=path,
                       progress=False)
    full = optimize(quadratic, RandomSearch(SPACE, qmc=qmc, n_points=8, seed=5), n_trials=30, progress=False)
    assert [config_key(t.config) for t in resumed.trials] == [config_key(t.config) for t in full.trials]


def test_resumed_grid_search_skips_the_points_already_done(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(quadratic, GridSearch(SPACE, n_per_dim=3, shuffle=True, seed=1), n_trials=10, journal=path, progress=False)
    study = optimize(quadratic, GridSearch(SPACE, n_per_dim=3, shuffle=True, seed=1), journal=path, progress=False)
    assert len(study.trials) == 27
    assert len({config_key(t.config) for t in study.trials}) == 27
