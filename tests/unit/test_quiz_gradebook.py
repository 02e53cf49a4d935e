"""The gradebook on the fixture submissions: right rows for perfect, blank, half-right, malformed,
truncated, raising, looping and escaping submissions, in bounded time, each in its own kernel."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest

from hpo_mini.quiz.bank import get_bank
from hpo_mini.quiz.gradebook import find_submissions, grade_folder, main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "quiz_fixtures" / "submissions"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "submissions"
    shutil.copytree(FIXTURES, folder)
    start = time.monotonic()
    results, rows = grade_folder(folder, timeout=60, cell_timeout=5, progress=None)
    elapsed = time.monotonic() - start
    return folder, results, rows, elapsed


def totals(rows):
    return {r["student"]: r for r in rows if r["row_type"] == "total"}


def points(quiz_id, *qids):
    questions = {q.id: q for q in get_bank(quiz_id).QUESTIONS}
    return sum(questions[q].points for q in qids)


def max_points(quiz_id):
    return sum(q.points for q in get_bank(quiz_id).QUESTIONS)


def test_grades_the_folder_in_bounded_time(graded):
    _, results, _, elapsed = graded
    assert len(results) == 9
    assert elapsed < 90


def test_perfect_and_blank(graded):
    _, _, rows, _ = graded
    t = totals(rows)
    assert (t["alice_perfect"]["points"], t["alice_perfect"]["status"]) == (max_points("03"), "graded")
    assert (t["bob_blank"]["points"], t["bob_blank"]["status"]) == (0, "graded")
    bob = [r for r in rows if r["row_type"] == "question" and r["student"] == "bob_blank"]
    assert len(bob) == len(get_bank("03").QUESTIONS) and {r["status"] for r in bob} == {"unanswered"}
    alice = [r for r in rows if r["row_type"] == "question" and r["student"] == "alice_perfect"]
    assert {r["status"] for r in alice} == {"correct", "done"}


def test_half_right(graded):
    _, _, rows, _ = graded
    questions = get_bank("01").QUESTIONS
    right = [q.id for i, q in enumerate(questions) if i % 2 == 0]
    carol = totals(rows)["carol_half"]
    assert carol["points"] == points("01", *right) and carol["status"] == "graded"
    statuses = {r["question"]: r["status"] for r in rows if r["student"] == "carol_half" and r["row_type"] == "question"}
    assert all(statuses[q] in ("correct", "done") for q in right)
    assert all(statuses[q.id] in ("wrong", "unanswered") for i, q in enumerate(questions) if i % 2)


def test_broken_files_get_an_error_row_and_no_question_rows(graded):
    _, _, rows, _ = graded
    t = totals(rows)
    assert t["dave_malformed"]["status"] == "error" and "not a valid notebook" in t["dave_malformed"]["detail"]
    assert t["erin_truncated"]["status"] == "error" and "looks truncated" in t["erin_truncated"]["detail"]
    assert t["judy_essay"]["status"] == "error" and "not a notebook: judy_essay.txt" in t["judy_essay"]["detail"]
    for student in ("dave_malformed", "erin_truncated", "judy_essay"):
        assert not [r for r in rows if r["student"] == student and r["row_type"] == "question"]


def test_raising_cells_are_reported_and_the_rest_is_graded(graded):
    _, _, rows, _ = graded
    frank = totals(rows)["frank_raises"]
    assert frank["status"] == "graded with problems"
    assert "(q01-tune_first-answer) raised NameError" in frank["detail"]
    assert frank["points"] == max_points("01") - points("01", "q01.tune_first", "q01.code_diverges")


def test_endless_loop_is_interrupted_and_the_rest_is_graded(graded):
    _, results, rows, _ = graded
    grace = totals(rows)["grace_loops"]
    assert "(q03-sobol-answer) was interrupted after 5 s" in grace["detail"]
    assert grace["points"] == max_points("03") - points("03", "q03.sobol")
    seconds = next(r.seconds for r in results if r.submission.student == "grace_loops")
    assert 5 <= seconds < 30


def test_writes_outside_the_folder_are_contained_and_reported(graded):
    folder, _, rows, _ = graded
    heidi = totals(rows)["heidi_escape"]
    assert heidi["status"] == "graded with problems"
    assert "wrote outside its folder (../outside.txt)" in heidi["detail"]
    assert "notes.txt" not in heidi["detail"]  # writing inside its own folder is fine
    assert not (folder / "outside.txt").exists() and not (folder.parent / "outside.txt").exists()
    assert not (folder / "heidi_escape" / "notes.txt").exists()  # it ran in a scratch copy


def test_class_summary(graded):
    _, _, rows, _ = graded
    per_question = {(r["quiz"], r["question"]): r for r in rows if r["row_type"] == "class_question"}
    assert {q for quiz, q in per_question if quiz == "03_grid_and_random"} == {q.id for q in get_bank("03").QUESTIONS}
    sobol = per_question[("03_grid_and_random", "q03.sobol")]
    # graded quiz-03 notebooks: alice (right), bob (blank), grace (loop on this one), heidi (blank)
    assert sobol["points"] == pytest.approx(2 / 4) and sobol["detail"] == "1 of 4 earned full points"
    topics = [r for r in rows if r["row_type"] == "class_topic"]
    fractions = [r["points"] for r in topics]
    assert fractions == sorted(fractions) and topics[0]["detail"].startswith("rank 1 of")


def test_cli_writes_the_csv(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copytree(FIXTURES / "alice_perfect", folder / "alice_perfect")
    shutil.copy(FIXTURES / "dave_malformed.ipynb", folder)
    out = tmp_path / "grades.csv"
    assert main([str(folder), "--out", str(out), "--timeout", "60", "--cell-timeout", "5"]) == 0
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["row_type"] for r in rows} == {"question", "total", "class_question", "class_topic"}
    t = {r["student"]: r for r in rows if r["row_type"] == "total"}
    assert t["alice_perfect"]["points"] == str(max_points("03")) and t["dave_malformed"]["status"] == "error"
    assert "graded 1 of 2 submissions" in capsys.readouterr().out


def test_find_submissions_layout(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "quiz.ipynb").write_text("{}")
    (tmp_path / "ann" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "ann" / ".ipynb_checkpoints" / "quiz-checkpoint.ipynb").write_text("{}")
    (tmp_path / "ben").mkdir()
    (tmp_path / "ben" / "data.csv").write_text("x")
    (tmp_path / "cy.ipynb").write_text("{}")
    (tmp_path / ".hidden.ipynb").write_text("{}")
    subs = find_submissions(tmp_path)
    assert [(s.student, s.path.name) for s in subs] == [("ann", "quiz.ipynb"), ("ben", "ben"), ("cy", "cy.ipynb")]
