"""Spaced repetition: a Leitner schedule over the practice log (today's session is built from it in today.py).

    from hpo_mini.quiz.schedule import schedule, due_cards
    cards = schedule(practice.read_log())          # question id -> Card(box, due, ...)
    due = due_cards(practice.read_log())           # the cards due now, most overdue first

The rule (Leitner's boxes, after Leitner 1972 as used by flash-card software; intervals in days):

    box        1   2   3   4   5
    interval   1   3   7  14  30

Each question of the bank met in the log is a card. The first answer puts it in box 1. A right answer
given when the card is due (or new) moves it up one box and makes it due `interval[box]` days later;
a right answer before it is due changes nothing (cramming is not recall); a wrong answer sends it back
to box 1, due the next day. So an item answered right for the first time comes back in 3 days, not
tomorrow, then in 7, 14 and 30, and a miss resets it. Only the log lines that are evidence count
(practice.is_evidence: right or wrong answers, rubric-marked explain answers and drills with
`correct` = score >= 3/4); follow-up lines (question "<id>/follow-up/<k>") are not bank questions and
only count for their topics in the review.

`now` fixes the date (tests inject it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import practice
from .bank import all_quizzes

__all__ = ["INTERVALS_DAYS", "Card", "schedule", "due_cards", "check_now"]

INTERVALS_DAYS = (1, 3, 7, 14, 30)  # days until due again, for boxes 1 to 5
TIME_FORMAT = practice.TIME_FORMAT


@dataclass
class Card:
    """One question's place in the schedule."""

    question: str
    box: int  # 1 .. len(INTERVALS_DAYS)
    due: datetime
    last: datetime
    answers: int = 0
    misses: int = 0

    def is_due(self, now) -> bool:
        return self.due <= now

    def days_overdue(self, now) -> float:
        return (now - self.due).total_seconds() / 86400


def _time(rec):
    try:
        return datetime.strptime(rec["time"], TIME_FORMAT).replace(tzinfo=timezone.utc)
    except (KeyError, TypeError, ValueError):
        return None


def check_now(now):
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware (e.g. datetime.now(timezone.utc)), but got {now!r}")
    return now


def schedule(records, intervals=INTERVALS_DAYS) -> dict:
    """question id -> Card, from the log's evidence lines in time order (lines without a time are skipped)."""
    if not intervals or any(b <= a for a, b in zip(intervals, intervals[1:])) or intervals[0] <= 0:
        raise ValueError(f"intervals must be increasing positive day counts, e.g. {INTERVALS_DAYS}, but got {intervals!r}")
    known = {q.id for bank in all_quizzes().values() for q in bank.questions}
    timed = [(t, i, rec) for i, rec in enumerate(records)
             if practice.is_evidence(rec) and rec.get("question") in known and (t := _time(rec)) is not None]
    cards = {}
    for t, _, rec in sorted(timed, key=lambda item: (item[0], item[1])):
        qid = rec["question"]
        card = cards.get(qid)
        if card is None:
            card = cards[qid] = Card(qid, box=1, due=t, last=t)  # new: due now, in box 1
        card.answers += 1
        card.last = t
        if rec["correct"]:
            if card.is_due(t):
                card.box = min(card.box + 1, len(intervals))
                card.due = t + timedelta(days=intervals[card.box - 1])
        else:
            card.misses += 1
            card.box = 1
            card.due = t + timedelta(days=intervals[0])
    return cards


def due_cards(records, now=None) -> list:
    """The cards due at `now`, most overdue first."""
    now = check_now(now)
    cards = [c for c in schedule(records).values() if c.is_due(now)]
    return sorted(cards, key=lambda c: (c.due, c.question))
