"""The simulated cluster: hand-computed schedules, determinism, SH idling vs ASHA busy, and when it stops:
by itself for a searcher that finishes, at each limit otherwise."""

import math

import pytest

from hpo_mini import Float, Space, Trial
from hpo_mini.searchers import GridSearch, RandomSearch
from hpo_mini.searchers.asha import ASHA
from hpo_mini.searchers.successive_halving import SuccessiveHalving
from hpo_mini.space import config_key
from hpo_mini.tasks.simulated_cluster import Job, resumed_budget, simulate

SPACE = Space({"x": Float(0.0, 1.0)})


def loss(config, budget=None):
    return (config["x"] - 0.3) ** 2 + (0 if budget is None else 0.1 / budget)


def test_a_hand_computed_schedule():
    times = [3.0, 1.0, 1.0, 1.0, 2.0]
    run = simulate(RandomSearch(SPACE, seed=0), loss, n_workers=2, duration=lambda t: times[t.id], n_trials=5)
    # worker 0: trial 0 [0, 3]; worker 1: trials 1 [0, 1], 2 [1, 2], 3 [2, 3]; trial 4 starts at 3 on
    # worker 0 (both free at 3: the lower worker id first) and ends at 5.
    assert run.jobs == [Job(0, 0, 0.0, 3.0, None), Job(1, 1, 0.0, 1.0, None), Job(2, 1, 1.0, 2.0, None),
                        Job(3, 1, 2.0, 3.0, None), Job(4, 0, 3.0, 5.0, None)]
    assert [t.id for t in run.study.trials] == [1, 2, 0, 3, 4]  # the order they finished
    assert run.makespan == 5.0 and run.busy_time == 8.0 and run.utilization == pytest.approx(0.8)


def test_resumed_budget_charges_only_the_epochs_beyond_the_checkpoint():
    duration = resumed_budget()
    assert [duration(Trial(i, {"x": x}, budget=b)) for i, (x, b) in enumerate([(0.1, 3), (0.2, 3), (0.1, 9),
                                                                              (0.1, 9), (0.3, None)])] \
        == [3, 3, 6, 0, 1]


def test_simulation_is_deterministic():
    def speed(trial):
        return trial.budget * (1 + 3 * trial.config["x"])  # some configs train 4x slower

    runs = [simulate(ASHA(SPACE, min_budget=1, max_budget=27, seed=5), loss, 4, duration=speed, max_time=300)
            for _ in range(2)]
    assert runs[0].jobs == runs[1].jobs and len(runs[0].jobs) > 50
    assert [t.value for t in runs[0].study.trials] == [t.value for t in runs[1].study.trials]


def test_synchronous_sh_idles_workers_while_asha_keeps_them_busy():
    def speed(trial):  # stragglers: durations vary 4x between configurations
        return trial.budget * (1 + 3 * trial.config["x"])

    sh = simulate(SuccessiveHalving(SPACE, min_budget=1, max_budget=27, eta=3, seed=0), loss, 4, duration=speed)
    asha = simulate(ASHA(SPACE, min_budget=1, max_budget=27, eta=3, seed=0), loss, 4, duration=speed,
                    max_time=sh.makespan)
    # ASHA: every worker starts its next job the moment its last one ends, until the clock runs out
    for worker in range(4):
        mine = [j for j in asha.jobs if j.worker == worker]
        assert mine[0].start == 0 and all(math.isclose(a.end, b.start) for a, b in zip(mine, mine[1:]))
        assert mine[-1].end >= sh.makespan
    # SH: somewhere a worker waits for the slowest trial of a rung
    gaps = []
    for worker in range(4):
        mine = [j for j in sh.jobs if j.worker == worker]
        gaps += [b.start - a.end for a, b in zip(mine, mine[1:])]
    assert max(gaps) > 0 and sh.utilization < 0.9
    assert asha.busy_time > sh.busy_time


def test_max_compute_stops_new_trials():
    run = simulate(RandomSearch(SPACE, seed=0), loss, 3, duration=lambda t: 2.0, max_compute=10)
    assert len(run.jobs) == 5  # 5 x 2 reaches 10: no sixth start


def test_bad_worker_count_is_refused():
    with pytest.raises(ValueError, match="n_workers"):
        simulate(RandomSearch(SPACE), loss, 0, n_trials=3)


# ---------------------------------------------------------------- when the simulation stops


def test_with_no_limit_it_stops_when_a_grid_is_used_up():
    grid = GridSearch(SPACE, n_per_dim=7)
    run = simulate(grid, loss, 3, duration=lambda t: 1.0)
    assert grid.is_finished()
    assert sorted(j.trial_id for j in run.jobs) == list(range(7))  # each point once, then nothing more
    assert {config_key(t.config) for t in run.study.trials} == {config_key(p) for p in grid.points}


def test_with_no_limit_it_stops_when_successive_halving_has_run_its_bracket():
    sh = SuccessiveHalving(SPACE, min_budget=1, max_budget=9, eta=3, seed=0)
    run = simulate(sh, loss, 2)
    assert sh.is_finished()
    assert [sum(j.budget == b for j in run.jobs) for b in (1, 3, 9)] == [9, 3, 1]  # 9 configs, 3 promoted, 1


def test_n_trials_stops_new_trials():
    run = simulate(RandomSearch(SPACE, seed=0), loss, 3, duration=lambda t: 1.0 + t.id, n_trials=7)
    assert len(run.jobs) == len(run.study.trials) == 7


def test_max_time_stops_new_trials_and_lets_running_ones_finish():
    run = simulate(RandomSearch(SPACE, seed=0), loss, 2, duration=lambda t: 3.0, max_time=10)
    # starts at 0, 3, 6, 9 on each worker (9 < 10); the ones started at 9 end at 12; none starts at 12
    assert sorted(j.start for j in run.jobs) == [0, 0, 3, 3, 6, 6, 9, 9]
    assert run.makespan == 12.0


@pytest.mark.parametrize("make", [lambda: RandomSearch(SPACE, seed=0),
                                  lambda: ASHA(SPACE, min_budget=1, max_budget=9, seed=0)])
def test_a_searcher_that_never_finishes_is_refused_without_a_limit(make):
    # the old guard, hasattr(searcher, "is_finished"), let every searcher through: simulate ran forever
    with pytest.raises(ValueError, match=r"does not stop by itself.*would never end: give one of them"):
        simulate(make(), loss, 2)


def test_asha_over_a_grid_stops_by_itself():
    asha = ASHA(SPACE, min_budget=1, max_budget=9, base_searcher=GridSearch(SPACE, n_per_dim=9), seed=0)
    assert asha.finite and not ASHA(SPACE, min_budget=1, max_budget=9).finite
    run = simulate(asha, loss, 3, duration=lambda t: 1.0)
    assert asha.is_finished() and sum(j.budget == 1 for j in run.jobs) == 9


@pytest.mark.parametrize("limit", [{"max_time": 10.0}, {"max_compute": 5.0}])
def test_a_zero_duration_is_refused_when_only_the_clock_can_end_the_run(limit):
    # with zero durations and max_time the clock never advanced: simulate ran forever
    with pytest.raises(ValueError, match=r"duration\(trial 0\) is 0, but only max_time / max_compute can end this run"):
        simulate(RandomSearch(SPACE, seed=0), loss, 2, duration=lambda t: 0.0, **limit)
    # with n_trials, or a searcher that finishes, zero durations are fine
    assert len(simulate(RandomSearch(SPACE, seed=0), loss, 2, duration=lambda t: 0.0, n_trials=5, **limit).jobs) == 5
    assert simulate(GridSearch(SPACE, n_per_dim=4), loss, 2, duration=lambda t: 0.0, **limit).makespan == 0.0
    with pytest.raises(ValueError, match="duration must be a number >= 0, but got nan"):
        simulate(RandomSearch(SPACE, seed=0), loss, 2, duration=lambda t: math.nan, n_trials=3)


class HandWritten:
    """ask and tell only: no is_finished, no set_direction."""

    def __init__(self):
        self.asked = 0

    def ask(self):
        self.asked += 1
        return Trial(self.asked - 1, {"x": 0.5})

    def tell(self, trial, loss):
        pass


def test_a_searcher_that_cannot_say_it_is_finished_needs_a_limit():
    with pytest.raises(ValueError, match=r"does not stop by itself.*give one of them"):
        simulate(HandWritten(), loss, 2)
    assert len(simulate(HandWritten(), loss, 2, n_trials=4).jobs) == 4


class Told(RandomSearch):
    """Records set_direction and every told loss."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = []

    def set_direction(self, direction):
        self.events.append(("set_direction", direction))

    def tell(self, trial, value):
        super().tell(trial, value)
        self.events.append((trial.id, value))


def test_direction_is_passed_to_the_searcher_and_it_is_told_losses():
    searcher = Told(SPACE, seed=1)
    run = simulate(searcher, loss, 2, duration=lambda t: 1.0, n_trials=6, direction="maximize")
    assert searcher.events[0] == ("set_direction", "maximize")
    values = {t.id: t.value for t in run.study.trials}
    assert sorted(searcher.events[1:]) == sorted((i, -v) for i, v in values.items())
    assert run.study.direction == "maximize" and run.study.best_value == max(values.values())
    with pytest.raises(ValueError, match="direction must be 'minimize' or 'maximize'"):
        simulate(RandomSearch(SPACE), loss, 2, n_trials=3, direction="max")
