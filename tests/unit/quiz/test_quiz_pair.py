"""Pair mode: the candidate's view shows only the question; the interviewer's shows the key or the
rubric, the model answer and the follow-ups; the interviewer's ticks are logged."""

from __future__ import annotations

import dataclasses

import pytest

from hpo_mini.quiz import pair_interview, practice
from hpo_mini.quiz.bank import all_questions

pytestmark = pytest.mark.usefixtures("log_file")

# asked easiest first: the choice question [E], then the explain one [M or H]
EXPLAIN = next(q for q in all_questions() if q.kind == "explain" and len(q.rubric) >= 3 and q.difficulty != "E")
CHOICE = next(q for q in all_questions() if q.kind == "single choice" and q.difficulty == "E")


class Clock:
    t = 0.0

    def __call__(self):
        return self.t


def _pair(clock=None):
    pair = pair_interview(question_ids=[CHOICE.id, EXPLAIN.id], minutes=4, clock=clock or Clock())
    i = [q.id for q in pair.questions].index(EXPLAIN.id)
    pair.questions[i] = dataclasses.replace(EXPLAIN, follow_ups=(
        {"rubric_item": 2, "prompt": "Tell me more about item two.", "model_answer": "Item two in full."},))
    return pair


def _to_explain(pair):
    while pair.current.kind != "explain":
        pair.judge(True)
        pair.record()


def test_the_candidate_sees_only_the_question_and_the_interviewer_the_rubric_model_answer_and_follow_ups():
    pair = _pair()
    _to_explain(pair)
    q = pair.current
    candidate, interviewer = pair.candidate_text(), pair.interviewer_text()
    assert q.prompt in candidate and q.prompt in interviewer
    for secret in (*q.rubric, q.model_answer, "Tell me more about item two.", "Item two in full."):
        assert secret not in candidate and secret in interviewer


def test_a_choice_question_shows_the_interviewer_its_explanation_and_not_the_candidate():
    pair = _pair()
    while pair.current.kind == "explain":
        pair.tick([1] * len(pair.current.rubric))
        pair.record()
    q = pair.current
    assert q.explanation in pair.interviewer_text() and q.explanation not in pair.candidate_text()
    assert pair.record().startswith("⚠️ judge the answer first")


def test_the_interviewers_ticks_and_follow_up_marks_are_logged():
    clock = Clock()
    pair = _pair(clock)
    _to_explain(pair)
    q = pair.current
    pair.start()
    clock.t += 150  # over the 120 s each
    marks = [1] * len(q.rubric)
    marks[1] = 0
    pair.tick(marks)
    assert pair.suggested_follow_up().rubric_item == 2
    pair.rate_follow_up(2, "missed")
    assert pair.record() == f"recorded {q.id}: marked (over time)"
    lines = [r for r in practice.read_records() if r.get("source") == "pair"]
    main, follow = [r for r in lines if r["question"] == q.id], [r for r in lines if r.get("follow_up_of") == q.id]
    assert main[0]["rubric"] == marks and main[0]["interviewer"] is True and main[0]["over_time"] is True
    assert main[0]["score"] == pytest.approx(sum(marks) / len(marks))
    assert (follow[0]["rubric_item"], follow[0]["mark"], follow[0]["correct"]) == (2, "missed", False)
    with pytest.raises(ValueError, match="not on 3"):
        pair = _pair()
        _to_explain(pair)
        pair.rate_follow_up(3, "correct")


def test_two_views_of_one_session_move_together_and_log_the_ticks():
    pair = _pair()
    candidate, interviewer = pair.candidate_view(), pair.interviewer_view()
    assert "Waiting for the interviewer" in candidate.text.value
    interviewer.start.click()
    assert pair.current.prompt.split()[0] in candidate.text.value and candidate.countdown.play.playing
    if pair.current.kind != "explain":
        interviewer.judge.value = "right"
        interviewer.record.click()
    q = pair.current
    assert "Waiting for the interviewer" in candidate.text.value  # the next question is not shown yet
    assert all(item not in candidate.text.value for item in q.rubric)
    interviewer.boxes[0].value = True
    interviewer.follow_ups[0].value = "partly"
    interviewer.record.click()
    lines = practice.read_records()
    (main,) = [r for r in lines if r["question"] == q.id]
    assert main["rubric"] == [1] + [0] * (len(q.rubric) - 1)
    assert [r["mark"] for r in lines if r.get("follow_up_of") == q.id] == ["partly"]
    assert pair.current is None and "last question" in pair.candidate_text()
