"""The JSON-lines journal: round trip, torn last line, damaged lines refused by number, the header that says
what the journal belongs to (checked on resume), and one writer at a time (a file lock)."""

import fcntl
import json
import math
import os
import warnings

import numpy as np
import pytest

from hpo_mini import Categorical, Float, Trial, load_study, optimize
from hpo_mini.journal import Journal, JournalError, JournalInUse
from hpo_mini.parallel import ProcessPool
from hpo_mini.searchers import TPE, GridSearch, RandomSearch

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
    assert json.loads(lines[0]) == {"journal": "hpo_mini", "version": 2, "direction": "maximize", "searcher": None,
                                    "space": None}


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
    with pytest.raises(ValueError, match=r"other.jsonl:1 is \{'id': 0\}, not an hpo_mini journal header"):
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


# ---------------------------------------------------------------- a journal knows what it belongs to (issue 24)

OTHER = {"lr": Float(1e-3, 1.0, log=True), "k": Categorical(["a", "b"])}


def lr_k(config):
    return config["lr"] + (config["k"] == "b")


def test_the_header_holds_direction_searcher_and_space(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(lr_k, TPE(OTHER, seed=0), n_trials=2, direction="maximize", journal=path, progress=False)
    assert json.loads(path.read_text().splitlines()[0]) == {
        "journal": "hpo_mini", "version": 2, "direction": "maximize", "searcher": "TPE",
        "space": {"lr": {"kind": "float", "lo": 1e-3, "hi": 1.0, "log": True},
                  "k": {"kind": "categorical", "choices": ["a", "b"]}}}


@pytest.mark.parametrize("make", [lambda: RandomSearch(SPACE, seed=0), lambda: GridSearch(SPACE, n_per_dim=3)])
def test_a_journal_of_another_space_is_refused_showing_both_spaces(tmp_path, make):
    # resumed with RandomSearch over {"x", "y"} it returned best_config = {'lr': ..., 'k': 'a'};
    # with GridSearch no grid point was evaluated at all
    path = tmp_path / "study.jsonl"
    optimize(lr_k, RandomSearch(OTHER, seed=0), n_trials=4, journal=path, progress=False)
    before = path.read_bytes()
    message = (r"(?s)written for the space\n    Space\(\{'lr': Float\(0.001, 1.0, log=True\), 'k': Categorical\(\['a', "
               r"'b'\]\)\}\)\nbut this searcher searches\n    Space\(\{'x': Float\(-2.0, 2.0\), 'y'.*new journal")
    with pytest.raises(ValueError, match=message):
        optimize(sphere, make(), n_trials=8, journal=path, progress=False)
    assert path.read_bytes() == before  # nothing written


def test_another_searcher_may_continue_a_journal_with_a_warning(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(lr_k, RandomSearch(OTHER, seed=0), n_trials=4, journal=path, progress=False)
    with pytest.warns(UserWarning, match="started by RandomSearch, and is continued by TPE, which is told its 4"):
        study = optimize(lr_k, TPE(OTHER, seed=0), n_trials=6, journal=path, progress=False)
    assert [t.id for t in study.trials] == list(range(6))


DAMAGED = [  # (the line that replaces line 3, what the error says)
    (b"\x89PNG\r\n\x1a\x00\xff\xfe", r"study.jsonl:3 is not UTF-8 text"),
    (b"[1,2,3]", r"study.jsonl:3 holds \[1, 2, 3\], not a trial record"),
    (b'{"id": 1, "config": {"x": 0.5}, "state": "weird"}', r"study.jsonl:3 has state = 'weird'.*'complete'"),
    (b'{"id": 1, "config": {"x": 0.5}}', r"study.jsonl:3 is not a trial record.*missing fields \['state'\]"),
    (b'{"id": 1, "config": {"x": 0.5}, "state": "complete", "colour": 1}', r"unknown fields \['colour'\]"),
    (b'{"id": -1, "config": {}, "state": "failed"}', r"study.jsonl:3 has id = -1"),
    (b'{"id": 1, "config": [], "state": "failed"}', r"study.jsonl:3 has config = \[\]"),
    (b'{"id": 1, "config": {}, "state": "complete", "value": null}', r"complete trial without a value"),
    (b'{"id": 1, "config": {}, "state": "complete", "value": NaN}', r"has value = nan"),
    (b'{"id": 1, "config": {}, "state": "complete", "value": 1e999}', r"has value = inf"),
    (b'{"id": 1, "config": {}, "state": "failed", "intermediate": {"x": 1}}', r"has intermediate\['x'\]"),
    (b'{"id": 0, "config": {"x": 0.5}, "state": "failed"}', r"study.jsonl:3 repeats trial id 0 of line 2"),
    (b'{"journal": "hpo_mini", "version": 2, "direction": "minimize"}', r"study.jsonl:3 is a second journal header"),
    (b"[" * 100000, r"study.jsonl:3 is not valid JSON"),
]


@pytest.mark.parametrize("line, message", DAMAGED, ids=range(len(DAMAGED)))
def test_a_damaged_line_is_refused_naming_its_number_and_what_is_wrong(tmp_path, line, message):
    # binary junk raised UnicodeDecodeError, [1,2,3] AttributeError, a bad record TypeError, "weird" was accepted
    path = tmp_path / "study.jsonl"
    write_study(path, sample_trials())
    lines = path.read_bytes().split(b"\n")
    lines[2] = line
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalError, match=message) as caught:
        load_study(path)
    assert caught.value.line == 3 and "repair or delete line 3" in str(caught.value)
    with pytest.raises(JournalError, match=message):  # and nothing is resumed from it
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=5, journal=path, progress=False)


def test_only_an_unterminated_last_line_is_skipped_as_torn(tmp_path):
    path = tmp_path / "study.jsonl"
    write_study(path, sample_trials())
    path.write_bytes(path.read_bytes() + b"\xff\xfe junk")  # no newline: a write cut short
    with pytest.warns(UserWarning, match=r"study.jsonl:5: skipping a torn last line"):
        assert len(load_study(path).trials) == 3
    path.write_bytes(path.read_bytes() + b"\n")  # the same junk, terminated: damage, not a torn write
    with pytest.raises(JournalError, match=r"study.jsonl:5 is not UTF-8 text"):
        load_study(path)


def test_a_journal_killed_while_writing_its_header_starts_afresh(tmp_path):
    path = tmp_path / "study.jsonl"
    path.write_bytes(b'{"journal": "hpo_mi')
    with pytest.warns(UserWarning, match="torn last line"):
        study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False)
    assert len(study.trials) == 3 and len(load_study(path).trials) == 3


def test_a_version_1_journal_still_resumes_its_configs_checked_one_by_one(tmp_path):
    path = tmp_path / "study.jsonl"
    trials = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=3, progress=False).trials
    path.write_text(json.dumps({"journal": "hpo_mini", "version": 1, "direction": "minimize"}) + "\n"
                    + "".join(json.dumps(t.to_record()) + "\n" for t in trials))
    with pytest.warns(UserWarning, match="did not record its space"):
        study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=5, journal=path, progress=False)
    assert [t.id for t in study.trials] == list(range(5))
    with pytest.raises(JournalError, match=r"study.jsonl:2 holds trial 0, whose config is not in this searcher"), \
            pytest.warns(UserWarning, match="did not record its space"):
        optimize(lr_k, RandomSearch(OTHER, seed=0), n_trials=5, journal=path, progress=False)


def test_tuple_choices_come_back_from_the_journal_as_tuples(tmp_path):
    path = tmp_path / "study.jsonl"
    space = {"layers": Categorical([(64, 32), (128, 64)]), "x": Float(0, 1)}
    optimize(lambda c: c["x"], RandomSearch(space, seed=0), n_trials=4, journal=path, progress=False)
    with pytest.warns(UserWarning, match="continued by TPE"):
        study = optimize(lambda c: c["x"], TPE(space, seed=0), n_trials=6, journal=path, progress=False)
    assert all(type(t.config["layers"]) is tuple for t in study.trials)


@pytest.mark.parametrize("choice", [math.nan, object()])
def test_a_choice_json_cannot_give_back_is_refused_before_the_run(tmp_path, choice):
    path = tmp_path / "study.jsonl"
    with pytest.raises(ValueError, match=r"choice .* of 'v' cannot go to a journal and come back as itself"):
        optimize(lambda c: 1.0, RandomSearch({"v": Categorical([None, choice])}, seed=0), n_trials=2, journal=path,
                 progress=False)
    assert not path.read_bytes()  # no header, no trial


class Unwritable:
    pass


def unwritable_attrs(config, trial):
    trial.user_attrs["model"] = Unwritable()
    trial.user_attrs["score"] = 0.5
    return sphere(config)


def test_user_attrs_the_journal_cannot_hold_fail_the_trial_naming_them_and_the_run_goes_on(tmp_path):
    # the run used to stop with a TypeError at the first trial
    path = tmp_path / "study.jsonl"
    study = optimize(unwritable_attrs, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False)
    assert [t.state for t in study.trials] == ["failed"] * 3
    assert "user_attrs ['model'] cannot be written to the journal" in study.trials[0].error
    assert "the objective returned" in study.trials[0].error and study.trials[0].user_attrs == {"score": 0.5}
    assert len(load_study(path).trials) == 3


# ---------------------------------------------------------------- one writer at a time


def test_a_second_writer_is_refused_until_the_first_lets_go(tmp_path):
    # two writers used to append the same ids 0-19 each twice
    path = tmp_path / "study.jsonl"
    first = Journal(path)
    first.open_for_append("minimize")
    with pytest.raises(JournalInUse, match="being written by another run.*its own journal"):
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False)
    with pytest.raises(JournalInUse):
        Journal(path).open_for_append("minimize")
    first.close()
    assert len(optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=3, journal=path, progress=False).trials) == 3


def lock_taken(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def held_during_the_run(path):
    def callback(study, trial):
        assert lock_taken(path)
    return callback


def test_optimize_holds_the_lock_while_it_runs_and_lets_go_after_even_on_an_error(tmp_path):
    path = tmp_path / "study.jsonl"
    optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=2, journal=path, callbacks=[held_during_the_run(path)],
             progress=False)
    assert not lock_taken(path)

    def broken_callback(study, trial):
        raise RuntimeError("a bug in a callback")

    with pytest.raises(RuntimeError, match="a bug in a callback"):
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=4, journal=path, callbacks=[broken_callback],
                 progress=False)
    assert not lock_taken(path)


def test_worker_processes_forked_during_a_run_do_not_keep_its_lock(tmp_path):
    path = tmp_path / "study.jsonl"
    with ProcessPool(2) as pool:  # its workers start (fork) while the journal is open and locked
        optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=4, journal=path, executor=pool, progress=False)
        assert not lock_taken(path)  # the workers are still alive, and hold no copy of the lock
        study = optimize(sphere, RandomSearch(SPACE, seed=0), n_trials=8, journal=path, executor=pool, progress=False)
    assert sorted(t.id for t in study.trials) == list(range(8))
