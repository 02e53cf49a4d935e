"""The JSON-lines journal: round trip, torn last line, damaged middle line, resume rules."""

import json
import warnings

import numpy as np
import pytest

from hpo_mini import Float, Trial, load_study, optimize
from hpo_mini.journal import Journal
from hpo_mini.searchers import RandomSearch

SPACE = {"x": Float(-2.0, 2.0), "y": Float(-2.0, 2.0)}


def sphere(config):
    return config["x"] ** 2 + config["y"] ** 2


def write_study(path, trials, direction="minimize"):
    journal = Journal(path)
    journal.open_for_append(direction)
    for t in trials:
        journal.append(t)
    journal.close()


def sample_trials():
    a = Trial(id=0, config={"x": 0.5, "k": "rbf"}, value=1.25, state="complete", duration=0.01, user_attrs={"f": [1, 2]})
    a.report(2.0, 1)
    b = Trial(id=1, config={"x": 1.5, "k": None}, state="failed", duration=0.02, error="ValueError: bad")
    c = Trial(id=2, config={"x": -1.0, "k": "poly"}, budget=3.0, value=0.5, state="pruned", duration=0.03)
    return [a, b, c]


def test_round_trip_keeps_every_field(tmp_path):
    path = tmp_path / "study.jsonl"
    trials = sample_trials()
    write_study(path, trials, "maximize")
    study = load_study(path)
    assert study.direction == "maximize"
    assert study.trials == trials
    assert study.trials[0].intermediate == {1: 2.0}
    lines = path.read_text().splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0]) == {"journal": "hpo_mini", "version": 1, "direction": "maximize"}


def test_optimize_journal_round_trip(tmp_path):
    path = tmp_path / "run" / "study.jsonl"  # parent folders are created
    study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=12, journal=path, progress=False)
    loaded = load_study(path)
    assert [t.to_record() for t in loaded.trials] == [t.to_record() for t in study.trials]
    assert loaded.best_value == study.best_value


def test_each_trial_is_on_disk_before_the_callbacks_hear_of_it(tmp_path):
    path = tmp_path / "study.jsonl"
    seen = []

    def check_journal(study, trial):  # the runner appends; the study itself writes nothing
        seen.append([t.id for t in load_study(path).trials])

    study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=4, journal=path, callbacks=[check_journal],
                     progress=False)
    assert seen == [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3]]
    study.add(Trial(id=9, config={"x": 0.0, "y": 0.0}, value=0.0, state="complete"))
    assert len(load_study(path).trials) == 4  # adding to a finished study writes nothing


def test_torn_last_line_is_skipped_with_a_warning_and_appending_continues(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(sphere, RandomSearch(SPACE, seed=1), n_trials=6, journal=path, progress=False)
    whole = path.read_bytes()
    last = whole.rstrip(b"\n").rsplit(b"\n", 1)[1]
    path.write_bytes(whole + last[: len(last) // 2])  # a 7th record cut short by a kill
    with pytest.warns(UserWarning, match="torn last line"):
        assert len(load_study(path).trials) == 6
    with pytest.warns(UserWarning, match="torn last line"):
        study = optimize(sphere, RandomSearch(SPACE, seed=1), n_trials=10, journal=path, progress=False)
    assert len(study.trials) == 10
    # the torn bytes are gone: every line parses, and a reload warns about nothing
    assert all(json.loads(line) for line in path.read_text().splitlines())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reloaded = load_study(path)
    assert [t.id for t in reloaded.trials] == list(range(10))


def test_complete_last_record_without_newline_is_kept_on_resume(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(sphere, RandomSearch(SPACE, seed=2), n_trials=5, journal=path, progress=False)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # a whole record whose newline never made it
    assert len(load_study(path).trials) == 5
    optimize(sphere, RandomSearch(SPACE, seed=2), n_trials=8, journal=path, progress=False)
    assert [t.id for t in load_study(path).trials] == list(range(8))


def test_damaged_middle_line_raises_naming_the_line(tmp_path):
    path = tmp_path / "study.jsonl"
    write_study(path, sample_trials())
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2][:10] + "\n"  # the second trial record, on line 3
    path.write_text("".join(lines))
    with pytest.raises(ValueError, match=r"study.jsonl:3 is not valid JSON"):
        load_study(path)
    with pytest.raises(ValueError, match=r"study.jsonl:3"):
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=5, journal=path, progress=False)


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text('{"id": 0}\n')
    with pytest.raises(ValueError, match="does not start with an hpo_mini journal header"):
        load_study(path)


def test_missing_journal_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"optimize\(\.\.\., journal=path\)"):
        load_study(tmp_path / "nope.jsonl")


def test_resume_with_the_wrong_direction_raises(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="direction='minimize'.*direction='maximize'"):
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=6, direction="maximize", journal=path, progress=False)
    assert path.read_bytes() == before  # nothing written


def test_resume_counts_old_trials_toward_n_trials(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=4, journal=path, progress=False)
    study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=9, journal=path, progress=False)
    assert [t.id for t in study.trials] == list(range(9))
    assert len(path.read_text().splitlines()) == 1 + 9  # one header, not two


def test_append_before_open_raises():
    with pytest.raises(RuntimeError, match="not open"):
        Journal("x.jsonl").append(Trial(id=0, config={}, value=1.0, state="complete"))


def numpy_attrs(config, trial):
    trial.user_attrs["fold_scores"] = np.array([0.9, 0.8, 0.85])
    trial.user_attrs["n_iter"] = np.int64(12)
    return sphere(config)


def test_numpy_user_attrs_are_written_as_plain_json(tmp_path):
    # cross_val_score returns an array: keeping it in user_attrs must not crash the journal
    path = tmp_path / "study.jsonl"
    optimize(numpy_attrs, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False)
    loaded = load_study(path)
    assert len(loaded.trials) == 3
    assert loaded.trials[0].user_attrs == {"fold_scores": [0.9, 0.8, 0.85], "n_iter": 12}
