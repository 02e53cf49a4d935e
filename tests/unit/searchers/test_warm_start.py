"""Warm-starting: the base searcher is told exactly the prior trials (rescaled per task when asked) before its
first ask and the new trials keep ids 0, 1, ...; the initial design comes first, waits for its last result,
then hands over; both resume from a journal; transfer from the same task finds the optimum sooner, and from
a mirrored (unrelated) task it starts worse than a cold start."""

import math

import numpy as np
import pytest

from hpo_mini import Float, Space, optimize
from hpo_mini.searchers import TPE, RandomSearch
from hpo_mini.searchers.warm_start import (InitialDesign, PriorObservations, as_observations, best_configs,
                                           standardize)
from hpo_mini.space import config_key

SQUARE = Space({"x": Float(0.0, 1.0), "y": Float(0.0, 1.0)})


def bowl(config, centre=(0.2, 0.3)):
    return (config["x"] - centre[0]) ** 2 + (config["y"] - centre[1]) ** 2


def mirrored(config):  # an unrelated task: its optimum where bowl's worst corner is
    return bowl(config, (0.85, 0.9))


def old_study(objective, seed, n=30):
    return optimize(objective, TPE(SQUARE, seed=seed), n_trials=n, progress=False)


def test_as_observations_reads_studies_in_loss_sign_and_pairs_as_given():
    study = optimize(lambda c: -bowl(c), RandomSearch(SQUARE, seed=0), n_trials=5, direction="maximize",
                     progress=False)
    obs = as_observations(study)
    assert [y for _, y in obs] == [-t.value for t in study.trials]
    assert as_observations([({"x": 0.1, "y": 0.2}, 1.5), ({"x": 0.3, "y": 0.2}, math.nan)])[1][1] is None
    with pytest.raises(ValueError, match="pair"):
        as_observations([{"x": 0.1, "y": 0.2}])


def test_the_base_is_told_every_prior_trial_first_rescaled_per_task_and_new_ids_start_at_0():
    tasks = [old_study(bowl, 1, 8), [({"x": 0.5, "y": 0.5}, 10.0), ({"x": 0.1, "y": 0.9}, 30.0)]]
    base = TPE(SQUARE, seed=0)
    warm = PriorObservations(base, tasks, rescale=standardize)
    told = [(t.id, config_key(t.config), y) for t, y in base.history_]
    assert [i for i, _, _ in told] == list(range(-1, -11, -1)) and warm.n_prior_ == 10
    first = np.array([y for _, _, y in told[:8]])
    assert first.mean() == pytest.approx(0.0, abs=1e-12) and first.std() == pytest.approx(1.0)
    assert [y for _, _, y in told[8:]] == [-1.0, 1.0]  # (10, 30) standardized on their own
    study = optimize(bowl, warm, n_trials=5, progress=False)
    assert [t.id for t in study.trials] == [0, 1, 2, 3, 4] and len(base.history_) == 15


def trials_to_reach(study, target):
    best = np.minimum.accumulate([t.value for t in study.trials])
    hit = np.nonzero(best <= target)[0]
    return hit[0] + 1 if len(hit) else math.inf


def test_transfer_from_the_same_task_reaches_the_optimum_sooner():
    prior = [old_study(bowl, s) for s in (11, 12)]
    cold = [trials_to_reach(optimize(bowl, TPE(SQUARE, seed=s), n_trials=40, progress=False), 1e-3)
            for s in range(6)]
    warm = [trials_to_reach(optimize(bowl, PriorObservations(TPE(SQUARE, seed=s), prior), n_trials=40,
                                     progress=False), 1e-3) for s in range(6)]
    assert np.median(warm) + 5 <= np.median(cold), (warm, cold)


def test_transfer_from_an_unrelated_task_starts_worse_than_a_cold_start():
    prior = [old_study(mirrored, s) for s in (11, 12)]

    def first_ten(searcher):
        return np.median([t.value for t in optimize(bowl, searcher, n_trials=10, progress=False).trials])

    cold = [first_ten(TPE(SQUARE, seed=s)) for s in range(6)]
    harmed = [first_ten(PriorObservations(TPE(SQUARE, seed=s), prior)) for s in range(6)]
    assert np.median(harmed) > 2 * np.median(cold), (harmed, cold)


def test_best_configs_are_each_tasks_k_best_without_repeats():
    a = [({"x": 0.1, "y": 0.1}, 3.0), ({"x": 0.2, "y": 0.2}, 1.0), ({"x": 0.3, "y": 0.3}, 2.0)]
    b = [({"x": 0.2, "y": 0.2}, 0.5), ({"x": 0.9, "y": 0.9}, 0.7)]
    assert best_configs([a, b], k=2) == [{"x": 0.2, "y": 0.2}, {"x": 0.3, "y": 0.3}, {"x": 0.9, "y": 0.9}]
    assert best_configs([a, b]) == [{"x": 0.2, "y": 0.2}]


DESIGN = [{"x": 0.2, "y": 0.3}, {"x": 0.5, "y": 0.5}, {"x": 0.9, "y": 0.1}]


def test_the_design_comes_first_waits_for_its_results_then_hands_over():
    base = TPE(SQUARE, seed=0)
    design = InitialDesign(base, DESIGN)
    trials = [design.ask() for _ in range(3)]
    assert [t.id for t in trials] == [0, 1, 2] and [t.config for t in trials] == DESIGN
    assert design.ask() is None  # the design is out, two results missing
    design.tell(trials[0], bowl(trials[0].config))
    design.tell(trials[2], bowl(trials[2].config))
    assert design.ask() is None
    design.tell(trials[1], bowl(trials[1].config))
    nxt = design.ask()
    assert nxt.id == 3 and len(base.history_) == 3


@pytest.mark.parametrize("cut", [2, 3, 7])
def test_a_study_with_a_design_resumes_into_the_uninterrupted_run(tmp_path, cut):
    def make():
        return InitialDesign(TPE(SQUARE, seed=4, n_startup=4), DESIGN)

    whole = optimize(bowl, make(), n_trials=12, journal=tmp_path / "whole.jsonl", progress=False)
    lines = (tmp_path / "whole.jsonl").read_bytes().split(b"\n")
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b"\n".join(lines[: 1 + cut]) + b"\n")
    resumed = optimize(bowl, make(), n_trials=12, journal=path, progress=False)
    assert [(t.id, t.config) for t in resumed.trials] == [(t.id, t.config) for t in whole.trials]


def test_a_design_config_outside_the_space_and_a_bad_base_are_refused():
    with pytest.raises(ValueError, match="out of range"):
        InitialDesign(TPE(SQUARE), [{"x": 2.0, "y": 0.5}])
    with pytest.raises(TypeError, match="ask"):
        PriorObservations(object(), [])
    with pytest.raises(TypeError, match="rescale"):
        PriorObservations(TPE(SQUARE), [], rescale="standardize")
