"""The gradebook on the fixture submissions: each runs in its own kernel, its answers are graded here
with the instructor's keys (a forged in-kernel score changes nothing), broken files get an error row,
explain answers wait for the instructor's marks, and the teacher's files are written."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from hpo_mini.quiz import isolation
from hpo_mini.quiz.answers import answer_cell_id
from hpo_mini.quiz.bank import get_bank
from hpo_mini.quiz.build import fill_answers, quiz_notebook
from hpo_mini.quiz.gradebook import find_submissions, grade_folder, main
from hpo_mini.quiz.gradebook_reports import question_stats, read_marks

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "quiz_fixtures" / "submissions"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "submissions"
    shutil.copytree(FIXTURES, folder)
    here = tmp_path_factory.mktemp("gradebook_cwd") / "inside"  # the instructor's folder while grading
    here.mkdir()
    old = os.getcwd()
    os.chdir(here)
    try:
        results = grade_folder(folder, jobs=2, timeout=60, cell_timeout=5, progress=None)
    finally:
        os.chdir(old)
    return folder, {r.submission.student: r for r in results}, here


def points(quiz_id, *qids):
    questions = {q.id: q for q in get_bank(quiz_id).questions}
    return sum(questions[q].points for q in qids)


def explain_points(quiz_id):
    return sum(q.points for q in get_bank(quiz_id).questions if q.kind == "explain")


def max_points(quiz_id):
    return sum(q.points for q in get_bank(quiz_id).questions)


def statuses(result):
    return {g.question: g.status for g in result.rows}


def test_perfect_blank_and_exam_notebooks(graded):
    _, r, _ = graded
    full = max_points("03") - explain_points("03")  # explain answers await the instructor's marks
    for student in ("alice_perfect", "kate_exam"):  # a self-check notebook and an exam notebook
        assert (r[student].total, r[student].status) == (full, "graded"), student
        assert set(statuses(r[student]).values()) == {"correct", "awaiting marking"}
    assert (r["bob_blank"].total, r["bob_blank"].status) == (0, "graded")
    assert set(statuses(r["bob_blank"]).values()) == {"unanswered"} and len(r["bob_blank"].rows) == len(get_bank("03").questions)


def test_half_right(graded):
    _, r, _ = graded
    questions = get_bank("01").questions
    right = [q.id for i, q in enumerate(questions) if i % 2 == 0 and q.kind != "explain"]
    assert r["carol_half"].total == points("01", *right) and r["carol_half"].status == "graded"
    s = statuses(r["carol_half"])
    assert all(s[q] == "correct" for q in right)
    assert all(s[q.id] in ("wrong", "unanswered") for i, q in enumerate(questions) if i % 2)


def test_broken_files_get_an_error_and_no_rows(graded):
    _, r, _ = graded
    assert r["dave_malformed"].status == "error" and "not a valid notebook" in r["dave_malformed"].problems[0]
    assert r["erin_truncated"].status == "error" and "looks truncated" in r["erin_truncated"].problems[0]
    assert r["judy_essay"].status == "error" and "not a notebook: judy_essay.txt" in r["judy_essay"].problems[0]
    assert not any(r[s].rows for s in ("dave_malformed", "erin_truncated", "judy_essay"))


def test_a_raising_answer_cell_is_not_answered_and_the_rest_is_graded(graded):
    _, r, _ = graded
    frank = r["frank_raises"]
    assert frank.status == "graded with problems"
    assert any("(q01-tune_first-answer) raised NameError" in p for p in frank.problems)
    s = {g.question: g for g in frank.rows}
    assert s["q01.tune_first"].status == "unanswered" and "the answer cell raised NameError" in s["q01.tune_first"].detail
    assert s["q01.code_diverges"].status == "wrong" and "raised ZeroDivisionError" in s["q01.code_diverges"].detail
    assert frank.total == max_points("01") - points("01", "q01.tune_first", "q01.code_diverges") - explain_points("01")


def test_an_endless_loop_is_interrupted_and_the_rest_is_graded(graded):
    _, r, _ = graded
    grace = r["grace_loops"]
    assert any("(q03-sobol-answer) was interrupted after 5 s" in p for p in grace.problems)
    assert statuses(grace)["q03.sobol"] == "unanswered"
    assert grace.total == max_points("03") - points("03", "q03.sobol") - explain_points("03")
    assert 5 <= grace.seconds < 40


def test_writes_outside_the_folder_are_contained_and_reported(graded):
    folder, r, here = graded
    heidi = r["heidi_escape"]
    assert heidi.status == "graded with problems"
    if isolation.landlock_abi():  # the write is refused, in the kernel and in the child that checks code answers
        assert "cell 3 raised PermissionError: [Errno 13] Permission denied: '../outside.txt' (while graded, only its " \
               "own folder is writable and no key is readable)" in heidi.problems
        assert not any("wrote outside" in p for p in heidi.problems)
    else:  # it happens in the scratch copy, and is reported
        assert any("wrote outside its folder (../outside.txt)" in p for p in heidi.problems)
    assert not any("notes.txt" in p for p in heidi.problems)  # writing inside its own folder is fine
    assert not (folder / "outside.txt").exists() and not (folder.parent / "outside.txt").exists()
    assert not (folder / "heidi_escape" / "notes.txt").exists()  # it ran in a scratch copy
    # code answers are graded from their cells' text in the same scratch copy, never in the gradebook's folder
    assert list(here.iterdir()) == [] and list(here.parent.iterdir()) == [here]


def test_class_means_leave_blanks_out(graded):
    _, r, _ = graded
    stats = {s["question"]: s for s in question_stats(list(r.values()))}
    sobol = stats["q03.sobol"]
    # quiz-03 notebooks graded: alice and kate (right), bob and heidi (blank), grace (its cell was interrupted)
    assert (sobol["submissions"], sobol["answered"], sobol["share_blank"]) == (5, 2, 0.6)
    assert sobol["mean_points"] == 2.0 and sobol["share_correct"] == 1.0  # not 0.8: blanks are not zeros here
    explain = stats["q03.explain_random_vs_grid"]
    assert explain["awaiting_marking"] == 3 and explain["mean_points"] == ""  # alice, kate, grace: no marks yet, no mean


def _forged_pair(tmp_path, mode):
    """Two submissions with the same wrong answers; the second also forges its score in its kernel."""
    quiz = "03_grid_and_random"
    answers = {"q03.grid_size": 30, "q03.random_vs_grid": "a", "q03.p_top5_60": 0.5}
    honest = fill_answers(quiz_notebook(quiz, mode=mode), quiz, answers)
    forged = nbformat.reads(nbformat.writes(honest), as_version=4)
    forge = nbformat.v4.new_code_cell(
        "from IPython.display import display\n"
        "from hpo_mini.quiz.attempts import Progress\n"
        "from hpo_mini.quiz.report import SCORE_MIME\n"
        "quiz.progress = {qid: Progress(attempts=1, status='correct') for qid in quiz.progress}  # forged state\n"
        "quiz.recorded = {qid: 'x' for qid in quiz.questions}\n"
        "display({SCORE_MIME: {'schema': 2, 'quiz': '03_grid_and_random', 'total': 31, 'max': 31, 'percent': 100.0,"
        " 'questions': []}}, raw=True)  # a forged score bundle\n"
        "quiz.score()")
    forge.id = "forge"
    forged.cells.insert(len(forged.cells) - 1, forge)
    for name, nb in (("honest", honest), ("forger", forged)):
        path = tmp_path / mode / name / f"{quiz}_quiz.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    return tmp_path / mode


@pytest.mark.parametrize("mode", ["self-check", "exam"])
def test_a_forged_in_kernel_score_changes_nothing(tmp_path, mode):
    results = {r.submission.student: r for r in grade_folder(_forged_pair(tmp_path, mode), jobs=1, timeout=60,
                                                             cell_timeout=10, progress=None)}
    honest, forger = results["honest"], results["forger"]
    assert [(g.question, g.status, g.points) for g in forger.rows] == [(g.question, g.status, g.points) for g in honest.rows]
    assert forger.total == honest.total == 0


def test_cli_writes_the_teachers_files_and_marks_flow_back(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copytree(FIXTURES / "alice_perfect", folder / "alice_perfect")
    shutil.copy(FIXTURES / "dave_malformed.ipynb", folder)
    out = tmp_path / "grades"
    assert main([str(folder), "--out", str(out), "--timeout", "60", "--cell-timeout", "5"]) == 0
    printed = capsys.readouterr().out
    explain_ids = [q.id for q in get_bank("03").questions if q.kind == "explain"]
    assert "2 submissions in" in printed and "1 graded, 1 could not be graded" in printed
    assert f"Awaiting marking: {len(explain_ids)}" in printed
    with open(out / "grades_wide.csv", newline="") as f:
        wide = {row["student"]: row for row in csv.DictReader(f)}
    full = max_points("03") - explain_points("03")
    assert wide["alice_perfect"]["total"] == str(full) and wide["alice_perfect"]["q03.explain_random_vs_grid"] == "awaiting marking"
    assert wide["dave_malformed"]["status"] == "error"
    assert (out / "feedback" / "alice_perfect.md").read_text().count("✅ correct") == len(get_bank("03").questions) - len(explain_ids)
    # the instructor marks the two explain answers in the sheet, and runs the gradebook again
    with open(out / "marking.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["question"] for r in rows] == explain_ids
    assert explain_ids[:2] == ["q03.explain_random_vs_grid", "q03.explain_60_trials_caveats"]
    rows[0]["marks"], rows[1]["marks"] = "1 1 1 1 1", "1,0,1,0"
    with open(out / "marking.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert read_marks(out / "marking.csv")[("alice_perfect", "q03.explain_60_trials_caveats")] == (1, 0, 1, 0)
    assert main([str(folder), "--out", str(out), "--timeout", "60", "--cell-timeout", "5"]) == 0
    with open(out / "grades_wide.csv", newline="") as f:
        alice = next(row for row in csv.DictReader(f) if row["student"] == "alice_perfect")
    assert alice["q03.explain_random_vs_grid"] == "2" and alice["q03.explain_60_trials_caveats"] == "1.5"
    assert alice["total"] == str(full + 3.5) and alice["awaiting_marking"] == str(len(explain_ids) - 2)
    with open(out / "marking.csv", newline="") as f:
        assert [r["marks"] for r in csv.DictReader(f)][:2] == ["1 1 1 1 1", "1 0 1 0"]  # kept on rewrite


def test_bad_marks_name_the_row(tmp_path):
    sheet = tmp_path / "marking.csv"
    sheet.write_text("student,question,marks\nann,q03.explain_random_vs_grid,1 1\n")
    with pytest.raises(SystemExit, match="line 2: marks must be 5 zeros and ones for q03.explain_random_vs_grid"):
        read_marks(sheet)


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


def test_a_notebook_that_is_no_quiz_is_an_error(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    (tmp_path / "zed").mkdir()
    nbformat.write(nb, tmp_path / "zed" / "homework.ipynb")
    (result,) = grade_folder(tmp_path, progress=None)
    assert result.status == "error" and "not a quiz of this course" in result.problems[0]


def test_retyped_answer_cells_are_found_by_the_name_they_bind(tmp_path):
    quiz = "03_grid_and_random"
    nb = quiz_notebook(quiz, mode="exam")
    for cell in nb.cells:
        if cell.get("id") == answer_cell_id("q03.grid_size"):
            cell.id, cell.source = "retyped-by-the-student", "import math\nanswer_grid_size = 5 ** 6"
    (tmp_path / "lee").mkdir()
    nbformat.write(nb, tmp_path / "lee" / "quiz.ipynb")
    (result,) = grade_folder(tmp_path, progress=None)
    assert statuses(result)["q03.grid_size"] == "correct"
