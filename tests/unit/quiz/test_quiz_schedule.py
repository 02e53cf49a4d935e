"""Spaced repetition: Leitner boxes over the practice log, today's session (due + weak), and the review
that needs two answers before calling a topic weak and shows what is due. Every date is injected."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hpo_mini.quiz.bank import find_question
from hpo_mini.quiz.review import review_log
from hpo_mini.quiz.schedule import INTERVALS_DAYS, due_cards, schedule
from hpo_mini.quiz.today import session_plan, todays_session

pytestmark = pytest.mark.usefixtures("log_file")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
QID = "q03.grid_size"


def answer(qid, ok, when, **extra):
    bank, q = find_question(qid)
    return {"time": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "quiz": bank.quiz_id, "question": qid,
            "topics": list(q.topics), "status": "correct" if ok else "wrong", "correct": ok, **extra}


def days(n):
    return T0 + timedelta(days=n)


def test_an_item_answered_right_is_not_due_the_next_day_and_is_due_again_later():
    log = [answer(QID, True, T0)]
    card = schedule(log)[QID]
    assert card.box == 2 and card.due == days(INTERVALS_DAYS[1])
    assert QID not in [c.question for c in due_cards(log, now=days(1))]  # not tomorrow
    assert QID in [c.question for c in due_cards(log, now=days(3))]  # but in three days


def test_right_answers_when_due_climb_the_boxes_and_a_miss_resets_to_one_day():
    log, when = [], T0
    dues = []
    for _ in range(6):
        log.append(answer(QID, True, when))
        card = schedule(log)[QID]
        dues.append((card.due - when).days)
        when = card.due  # answered again on the day it comes due
    assert dues == [3, 7, 14, 30, 30, 30]
    log.append(answer(QID, False, when))
    card = schedule(log)[QID]
    assert (card.box, card.due, card.misses) == (1, when + timedelta(days=1), 1)


def test_a_right_answer_before_the_due_date_changes_nothing():
    log = [answer(QID, False, T0), answer(QID, True, T0 + timedelta(minutes=5))]  # a second try minutes later
    card = schedule(log)[QID]
    assert (card.box, card.due) == (1, days(1))
    log.append(answer(QID, True, days(1)))  # right the next day, when due
    assert schedule(log)[QID].box == 2


def test_only_evidence_about_bank_questions_counts():
    log = [answer(QID, True, T0, status="awaiting marking", correct=None),
           {"time": "2026-03-02T09:00:00Z", "question": "q03.x/follow-up/2", "topics": ["t"], "correct": False},
           {"question": QID, "topics": ["grid search"], "correct": True}]  # no time: skipped
    assert schedule(log) == {}
    with pytest.raises(ValueError, match="increasing"):
        schedule([], intervals=(3, 1))


def test_todays_session_asks_what_is_due_and_what_is_weak_not_what_was_just_answered_right():
    weak_topic_qs = ["q03.p_top5_60", "q03.trials_for_99"]  # both on a topic missed twice
    log = [answer(QID, True, days(-10)),  # due since day -7
           answer("q03.grid_projection", True, days(-1)),  # answered right yesterday: not today
           *[answer(q, False, days(-1)) for q in weak_topic_qs]]
    plan = session_plan(log, n=8, now=T0, seed=0)
    assert plan["due"][0] == QID and set(weak_topic_qs) <= set(plan["due"])  # misses are due a day later
    assert "q03.grid_projection" not in plan["due"] + plan["weak"] + plan["new"]
    topics = set(find_question(weak_topic_qs[0])[1].topics) & set(find_question(weak_topic_qs[1])[1].topics)
    assert plan["weak"] and all(topics & set(find_question(q)[1].topics) for q in plan["weak"])
    assert len(plan["due"] + plan["weak"] + plan["new"]) == 8
    mock = todays_session(n=8, records=log, now=T0, seed=0, log=False)
    assert set(mock.order) == set(plan["due"] + plan["weak"] + plan["new"]) and mock.plan == plan


def test_the_review_needs_two_answers_before_calling_a_topic_weak_and_shows_what_is_due():
    one_miss = [answer(QID, False, T0)]
    assert review_log(one_miss, now=days(2)).weakest_topics == []  # a single miss is not a finding
    two_misses = one_miss + [answer("q03.grid_projection", False, T0)]
    shared = set(find_question(QID)[1].topics) & set(find_question("q03.grid_projection")[1].topics)
    assert shared and set(review_log(two_misses, now=days(2)).weakest_topics) >= shared
    rev = review_log(two_misses + [answer("q03.p_top5_60", True, T0)], now=days(2))
    assert [c.question for c in rev.due] == ["q03.grid_projection", QID]  # misses: due after a day (ties by id)
    assert rev.due_this_week == 1  # the right answer comes due on day 3
    text = rev.to_text()
    assert f"Due today: 2 questions: q03.grid_projection (box 1, 1 day overdue), {QID}" in text and "next 7 days: 1" in text
    assert "Due today: nothing." in review_log(two_misses, now=T0).to_text()


def test_the_mocks_study_plan_also_needs_two_answers_before_naming_a_weak_topic(log_file):
    from hpo_mini.quiz import mock_interview, practice

    bank, q = find_question(QID)
    practice.record(bank.quiz_id, q, "wrong")
    mock = mock_interview(question_ids=[QID], minutes=1)
    mock.skip()
    assert not any("weak in your practice log" in line for line in mock.study_plan())  # one miss
    practice.record(bank.quiz_id, q, "wrong")
    assert any("weak in your practice log" in line for line in mock.study_plan())  # two misses


def test_a_mock_leaves_out_what_was_answered_right_and_is_not_due_yet():
    from hpo_mini.quiz import mock_interview

    def drawn(records, now):
        return {qid for seed in range(30)
                for qid in mock_interview(n=3, topics="grid search", seed=seed, records=records, now=now, log=False).order}

    assert QID in drawn([], T0)  # with an empty log it comes up
    log = [answer(QID, True, T0)]
    assert QID not in drawn(log, days(1))  # answered right yesterday: not in today's mocks
    assert QID in drawn(log, days(3))  # due again: back in the pool
