"""Properties of the public entry points, checked on inputs hypothesis generates: any bounds, any choices,
any arguments to optimize, any bytes in a journal. Each test is named for the guarantee it checks.

Example counts are set per test (EXAMPLES) and kept modest so the file runs in well under a minute;
`deadline=None` because a slow machine is not a failure; no example database is kept. Raise the counts
in EXAMPLES to search harder. hypothesis is in the dev extra.

Found by these tests (and fixed): a Float bound that is an integer too large for a float (10**400) crashed
with OverflowError; log-scale bounds one float apart gave NaN unit points; a log scale's from_unit(0) was
exp(log(lo)), not lo; a list choice ([1]) was unpacked by numpy and sampled as 1.
"""

import json
import math
import warnings
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hpo_mini import Categorical, Float, Int, Space, Trial, load_study, optimize
from hpo_mini.journal import Journal, JournalError
from hpo_mini.journal_lines import TRIAL_FIELDS, json_line
from hpo_mini.searchers import TPE, GridSearch, RandomSearch

EXAMPLES = {"dimension": 150, "categorical": 100, "grid": 40, "searcher": 15, "optimize": 60, "bytes": 150,
            "json": 150}


def examples(kind):
    return settings(max_examples=EXAMPLES[kind], deadline=None, database=None,  # no .hypothesis/ in the tree
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def check_samples(space, seed, n=25):
    """Samples are inside every dimension, `validate` gives them back unchanged, their unit points lie in
    [0, 1] and decode to the same configs."""
    configs = space.sample(seed, n)
    for config in configs:
        for name, dim in space.dimensions.items():
            assert dim.contains(config[name]), (name, dim, config[name])
        assert space.validate(config) == config  # (dict equality tries identity first: a NaN choice is equal)
    U = space.to_unit(configs)
    assert np.all((U >= 0) & (U <= 1))
    return configs


# ---------------------------------------------------------------- Space and its dimensions

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400))


@examples("dimension")
@given(lo=numbers, hi=numbers, log=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_any_float_bounds_give_a_dimension_whose_samples_are_inside_or_a_value_error(lo, hi, log, seed):
    try:
        dim = Float(lo, hi, log=log)
    except ValueError as exc:
        assert "Float(lo=" in str(exc)
        return
    assert math.isfinite(lo) and math.isfinite(hi) and lo < hi and (not log or lo > 0)
    check_samples(Space({"x": dim}), seed)
    assert dim.from_unit(0.0) == lo and dim.from_unit(1.0) == hi


@examples("dimension")
@given(lo=st.integers(-2**60, 2**60), hi=st.integers(-2**60, 2**60), log=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_any_int_bounds_give_a_dimension_whose_samples_are_inside_or_a_value_error(lo, hi, log, seed):
    try:
        dim = Int(lo, hi, log=log)
    except ValueError as exc:
        assert "Int(lo=" in str(exc)
        assert lo >= hi or (log and lo <= 0) or max(abs(lo), abs(hi)) > 2**53
        return
    configs = check_samples(Space({"n": dim}), seed)
    assert all(type(c["n"]) is int for c in configs)


@examples("dimension")
@given(lo=st.integers(-50, 50), width=st.integers(1, 30), log=st.booleans())
def test_an_int_grid_lists_distinct_integers_inside_its_bounds(lo, width, log):
    assume(not log or lo > 0)
    dim = Int(lo, lo + width, log=log)
    for n in (1, 2, 5, 100):
        grid = dim.grid(n)
        assert grid == sorted(set(grid)) and all(lo <= v <= lo + width for v in grid)


choice = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.text(max_size=4), st.tuples(st.integers(1, 3)), st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.lists(st.integers(1, 3), max_size=2),
)


@examples("categorical")
@given(choices=st.lists(choice, min_size=1, max_size=6, unique_by=repr), seed=st.integers(0, 2**32 - 1))
def test_any_distinct_choices_are_sampled_as_themselves_and_validated(choices, seed):
    dim = Categorical(choices)
    configs = check_samples(Space({"c": dim}), seed, n=40)
    for config in configs:  # the very objects given, not copies or arrays
        assert any(config["c"] is c for c in choices)
        i = dim.index(config["c"])
        assert dim.to_unit([config["c"]])[0] == pytest.approx((i + 0.5) / len(choices))


@examples("grid")
@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=4), n=st.integers(1, 3))
def test_a_grid_holds_every_combination_once_and_each_validates(sizes, n):
    space = Space({f"c{i}": Categorical(list(range(k))) for i, k in enumerate(sizes)} | {"x": Float(0, 1)})
    grid = space.grid(n)
    assert len(grid) == math.prod(sizes) * n
    assert len({tuple(p.values()) for p in grid}) == len(grid)
    assert all(space.validate(p) == p for p in grid)


dimensions = st.one_of(
    st.builds(lambda a, w: Float(a, a + w), st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)),
    st.builds(lambda a, w: Int(a, a + w), st.integers(-100, 100), st.integers(1, 50)),
    st.builds(Categorical, st.lists(choice, min_size=1, max_size=4, unique_by=repr)),
)


@examples("searcher")
@given(dims=st.lists(dimensions, min_size=1, max_size=3), seed=st.integers(0, 1000))
def test_random_search_and_tpe_propose_only_configs_their_space_accepts(dims, seed):
    space = Space({f"d{i}": d for i, d in enumerate(dims)})
    for searcher in (RandomSearch(space, seed=seed), TPE(space, seed=seed, n_startup=3, n_candidates=8)):
        study = optimize(lambda c: float(len(repr(c))), searcher, n_trials=8, progress=False)
        assert len(study.trials) == 8 and all(t.state == "complete" for t in study.trials)
        for t in study.trials:
            space.validate(t.config)


# ---------------------------------------------------------------- optimize's arguments

anything = st.one_of(st.none(), st.booleans(), st.integers(-3, 8), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=3))


def is_count(x, low):
    return isinstance(x, int) and not isinstance(x, bool) and x >= low


@examples("optimize")
@given(n_trials=anything, timeout=anything, max_pending=anything,
       direction=st.sampled_from(["minimize", "maximize", "max", "", None]))
def test_optimize_runs_exactly_n_trials_or_refuses_its_arguments_by_name(n_trials, timeout, max_pending, direction):
    bad = [name for name, ok in (
        ("n_trials", n_trials is None or is_count(n_trials, 0)),
        ("timeout", timeout is None or (isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
                                        and timeout >= 0)),  # NaN >= 0 is False
        ("max_pending", max_pending is None or is_count(max_pending, 1)),
        ("direction", direction in ("minimize", "maximize"))) if not ok]
    grid = GridSearch({"x": Float(0, 1)}, n_per_dim=5)  # five points, then it is finished
    if bad:
        with pytest.raises(ValueError) as caught:
            optimize(lambda c: c["x"], grid, n_trials=n_trials, timeout=timeout, direction=direction,
                     max_pending=max_pending, progress=False)
        assert str(caught.value).split(" ")[0] in bad
        return
    study = optimize(lambda c: c["x"], grid, n_trials=n_trials, timeout=timeout, direction=direction,
                     max_pending=max_pending, progress=False)
    expected = 5 if n_trials is None else min(n_trials, 5)
    if timeout is None or timeout >= 3600:  # else the clock may stop it sooner: never later
        assert len(study.trials) == expected
    assert len(study.trials) <= expected and len({t.id for t in study.trials}) == len(study.trials)


# ---------------------------------------------------------------- journal lines


@pytest.fixture(scope="module")
def journal_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("journal") / "study.jsonl"
    optimize(lambda c: c["x"] ** 2, RandomSearch({"x": Float(-1, 1)}, seed=0), n_trials=4, journal=path,
             progress=False)
    return path.read_bytes()


def load_or_journal_error(path):
    """load_study's answer: a Study, or a ValueError (a JournalError names its line); nothing else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a torn last line is skipped with a warning: a recovery
        try:
            return load_study(path)
        except JournalError as exc:
            lines = path.read_bytes().split(b"\n")
            assert 1 <= exc.line <= len(lines) and f"{path}:{exc.line} " in str(exc)
            return exc
        except ValueError as exc:
            assert "holds no journal header yet" in str(exc)
            return exc


@examples("bytes")
@given(junk=st.binary(max_size=120), where=st.integers(0, 5), replace=st.booleans())
def test_any_bytes_in_a_journal_are_recovered_or_refused_naming_the_line(tmp_path_factory, journal_bytes, junk,
                                                                         where, replace):
    path = tmp_path_factory.mktemp("bytes") / "study.jsonl"
    lines = journal_bytes.split(b"\n")
    lines[where: where + replace] = [junk]
    path.write_bytes(b"\n".join(lines))
    result = load_or_journal_error(path)
    if not isinstance(result, Exception):
        for trial in result.trials:  # what loads can be written again: a resumed study can go on
            json_line(trial.to_record())


@examples("bytes")
@given(data=st.binary(max_size=200))
def test_any_file_is_a_study_or_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("file") / "study.jsonl"
    path.write_bytes(data)
    load_or_journal_error(path)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, width=32),
              st.text(max_size=5)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
records = st.one_of(json_values, st.fixed_dictionaries(
    {"id": st.one_of(st.integers(-2, 10), json_values), "config": st.one_of(st.just({"x": 0.5}), json_values),
     "state": st.one_of(st.sampled_from(["complete", "failed", "pruned", "pending", "weird"]), json_values)},
    optional={"value": st.one_of(st.floats(), json_values), "budget": json_values, "duration": json_values,
              "error": json_values, "intermediate": st.one_of(st.dictionaries(st.text(max_size=3), json_values),
                                                              json_values),
              "user_attrs": json_values, "system_attrs": json_values, "colour": json_values}))


@examples("json")
@given(record=records)
def test_any_json_line_is_a_trial_or_refused_and_what_loads_resumes(tmp_path_factory, record):
    path = tmp_path_factory.mktemp("json") / "study.jsonl"
    journal = Journal(path)
    journal.open_for_append("minimize", space=Space({"x": Float(0, 1)}), searcher="RandomSearch")
    journal.close()
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
    result = load_or_journal_error(path)
    if isinstance(result, Exception):
        return
    assert len(result.trials) == 1 and result.trials[0].state in ("complete", "failed", "pruned")
    try:  # resuming it: the trial is told to a searcher, or its config is refused naming line 2
        study = optimize(lambda c: c["x"], RandomSearch({"x": Float(0, 1)}, seed=0), n_trials=2, journal=path,
                         progress=False)
    except JournalError as exc:
        assert exc.line == 2 and "not in this searcher's space" in str(exc)
        return
    assert [t.id for t in study.trials][:1] == [result.trials[0].id] and len(study.trials) == 2


def test_the_trial_fields_a_journal_checks_are_the_trial_fields():
    assert set(TRIAL_FIELDS) == {f.name for f in fields(Trial)} - {"pruner"}
