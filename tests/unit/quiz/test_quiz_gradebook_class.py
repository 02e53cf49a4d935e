"""The gradebook on a class of 40 synthetic exam submissions (tests/quiz_fixtures/synthetic.py, written
on the fly): one wide row per student, per-question statistics whose discrimination sees the students'
abilities, 40 feedback files, a marking sheet and a plain-text summary, graded two at a time."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from hpo_mini.quiz.bank import get_bank
from hpo_mini.quiz.gradebook import main

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "quiz_fixtures"))
from synthetic import synthetic_class  # noqa: E402

pytestmark = pytest.mark.slow
N = 40
QUIZ = "03_grid_and_random"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    synthetic_class(folder / "subs", n=N, quiz=QUIZ, seed=0)
    out = folder / "grades"
    assert main([str(folder / "subs"), "--out", str(out), "--jobs", "2", "--cell-timeout", "10"]) == 0
    return out


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_wide_csv_has_one_row_per_student_and_a_column_per_question(graded):
    wide = _rows(graded / "grades_wide.csv")
    questions = [q.id for q in get_bank(QUIZ).questions]
    assert len(wide) == N and {r["status"] for r in wide} == {"graded"}
    assert list(wide[0])[3:3 + len(questions)] == questions
    for row in wide:
        cells = [row[q] for q in questions if row[q] not in ("", "awaiting marking")]
        assert float(row["total"]) == pytest.approx(sum(map(float, cells)))
        assert float(row["percent"]) == pytest.approx(round(100 * float(row["total"]) / float(row["max"]), 1))
    assert len(_rows(graded / "grades_long.csv")) == N * len(questions)


def test_statistics_per_question_and_discrimination(graded):
    stats = _rows(graded / "question_stats.csv")
    assert [s["question"] for s in stats] == [q.id for q in get_bank(QUIZ).questions]
    scored = [s for s in stats if s["discrimination"] != ""]
    assert len(scored) >= 10  # every auto-graded question with some spread
    values = [float(s["discrimination"]) for s in scored]
    # the synthetic students answer by ability, so most questions separate strong from weak ones
    assert sum(v > 0 for v in values) >= 0.8 * len(values)
    for s in stats:
        assert 0 <= float(s["share_blank"]) <= 1 and int(s["answered"]) <= N


def test_forty_feedback_files_a_marking_sheet_and_a_summary(graded):
    assert len(list((graded / "feedback").glob("*.md"))) == N
    marking = _rows(graded / "marking.csv")
    assert marking and all(r["marks"] == "" and r["rubric"].startswith("1. ") for r in marking)
    summary = (graded / "summary.txt").read_text()
    assert f"{N} submissions in" in summary and f"{N} graded, 0 could not be graded" in summary and "with 2 jobs" in summary
    assert f"Awaiting marking: {len(marking)} explain answers" in summary
