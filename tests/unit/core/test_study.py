"""Trial and Study: best_* in both directions, the any-time curve, records."""

import math

import numpy as np
import pytest

from hpo_mini import Study, Trial


def finished(i, value, state="complete", budget=None, **config):
    return Trial(id=i, config=config or {"x": i}, value=value, state=state, budget=budget, duration=0.1)


def study_of(direction, rows):
    study = Study(direction)
    for i, (value, state) in enumerate(rows):
        study.add(finished(i, value, state))
    return study


ROWS = [(3.0, "complete"), (None, "failed"), (5.0, "complete"), (-7.0, "pruned"), (1.0, "complete"), (9.0, "pruned"), (2.0, "complete")]


def test_best_for_minimize_ignores_failed_and_pruned():
    study = study_of("minimize", ROWS)
    assert study.best_value == 1.0  # the pruned -7 does not count
    assert study.best_trial.id == 4
    assert study.best_config == {"x": 4}


def test_best_for_maximize_ignores_failed_and_pruned():
    study = study_of("maximize", ROWS)
    assert study.best_value == 5.0  # the pruned 9 does not count
    assert study.best_trial.id == 2


def test_best_config_is_a_copy():
    study = study_of("minimize", ROWS)
    study.best_config["x"] = 100
    assert study.best_trial.config == {"x": 4}


def test_best_values_is_the_any_time_curve():
    lo = study_of("minimize", ROWS).best_values()
    hi = study_of("maximize", ROWS).best_values()
    np.testing.assert_array_equal(lo, [3, 3, 3, 3, 1, 1, 1])
    np.testing.assert_array_equal(hi, [3, 3, 5, 5, 5, 5, 5])


def test_best_values_is_nan_until_a_trial_completes():
    study = study_of("minimize", [(None, "failed"), (4.0, "pruned"), (2.0, "complete"), (6.0, "complete")])
    curve = study.best_values()
    assert math.isnan(curve[0]) and math.isnan(curve[1])
    np.testing.assert_array_equal(curve[2:], [2.0, 2.0])


def test_best_raises_with_a_hint_when_nothing_completed():
    study = study_of("minimize", [(None, "failed"), (None, "failed"), (1.0, "pruned")])
    with pytest.raises(ValueError, match=r"no trial completed yet.*'failed': 2.*'pruned': 1.*\.error"):
        study.best_value
    assert "best_value" not in repr(study)


def test_is_better_is_strict_and_follows_direction():
    assert Study("minimize").is_better(1, 2) and not Study("minimize").is_better(2, 2)
    assert Study("maximize").is_better(2, 1) and not Study("maximize").is_better(1, 2)


def test_unknown_direction_is_rejected():
    with pytest.raises(ValueError, match="'minimize' or 'maximize', but got 'min'"):
        Study("min")


def test_pending_trials_cannot_be_added():
    with pytest.raises(ValueError, match="trial 3 is still pending"):
        Study().add(Trial(id=3, config={"x": 1}))


def test_cumulative_budget_counts_one_per_trial_without_budget():
    study = Study()
    for i, b in enumerate([None, 3, None, 0.5]):
        study.add(finished(i, float(i), budget=b))
    np.testing.assert_allclose(study.cumulative_budget(), [1, 4, 5, 5.5])


def test_to_row_is_flat_with_extra_columns_and_a_config_prefix():
    t = Trial(id=3, config={"lr": 0.1, "kernel": "rbf"}, budget=9.0, value=0.25, state="complete", duration=0.5)
    assert list(t.to_row()) == ["id", "state", "value", "budget", "duration", "error", "lr", "kernel"]
    row = t.to_row("param_", best_value=0.2)
    assert list(row) == ["id", "state", "value", "budget", "duration", "error", "best_value", "param_lr", "param_kernel"]
    assert (row["id"], row["budget"], row["best_value"], row["param_kernel"]) == (3, 9.0, 0.2, "rbf")


def test_to_records_is_flat_and_in_trial_order():
    study = Study()
    study.add(Trial(id=0, config={"lr": 0.1, "kernel": "rbf"}, value=0.3, state="complete", duration=0.5))
    study.add(Trial(id=1, config={"lr": 0.2, "kernel": "poly"}, state="failed", error="ValueError: boom"))
    records = study.to_records()
    assert records == [
        {"id": 0, "state": "complete", "value": 0.3, "budget": None, "duration": 0.5, "error": None, "lr": 0.1, "kernel": "rbf"},
        {"id": 1, "state": "failed", "value": None, "budget": None, "duration": None, "error": "ValueError: boom", "lr": 0.2, "kernel": "poly"},
    ]


def test_trial_record_round_trip_and_non_finite_value_becomes_none():
    t = Trial(id=7, config={"a": 1, "b": "x"}, budget=9.0, value=0.25, state="complete", duration=1.5,
              user_attrs={"folds": [0.1, 0.2]}, system_attrs={"rung": 2, "base_id": 4})
    t.report(0.5, 1)
    t.report(0.3, 3)
    record = t.to_record()
    assert record["intermediate"] == {"1": 0.5, "3": 0.3}  # JSON keys are strings
    assert "pruner" not in record and record["system_attrs"] == {"rung": 2, "base_id": 4}
    back = Trial.from_record(record)
    assert back == t and back.intermediate == {1: 0.5, 3: 0.3}
    t.value = math.inf
    assert t.to_record()["value"] is None


def test_report_keeps_float_values_by_integer_step():
    t = Trial(id=0, config={})
    t.report(np.float32(0.5), np.int64(2))
    assert t.intermediate == {2: 0.5} and type(list(t.intermediate)[0]) is int and type(t.intermediate[2]) is float


def test_should_prune_asks_the_searchers_pruner():
    t = Trial(id=0, config={})
    assert t.should_prune() is False
    t.pruner = lambda trial: len(trial.intermediate) >= 2
    t.report(1.0, 1)
    assert not t.should_prune()
    t.report(1.0, 2)
    assert t.should_prune()


def test_stop_sets_the_flag_optimize_reads():
    study = Study()
    assert study.stop_requested is False
    study.stop()
    assert study.stop_requested is True
    with pytest.raises(AttributeError):
        study.stop_requested = False  # read-only: a stop is not taken back


def test_a_study_is_a_plain_record_without_a_journal_or_a_searcher():
    study = Study("maximize")
    study.add(finished(0, 1.0))
    assert set(vars(study)) == {"direction", "trials", "_stop_requested"}
