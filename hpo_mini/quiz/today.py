"""Today's session: what the spaced-repetition schedule has due, then what is weak, then new questions.

    from hpo_mini.quiz import todays_session
    mock = todays_session(n=8, minutes=20)       # a MockInterview; mock.plan = {"due": [...], "weak": [...], "new": [...]}

The draw: the due cards of schedule.py (Leitner boxes of 1, 3, 7, 14 and 30 days), most overdue first;
then questions on the weak topics of the review (review.py: more misses than hits after smoothing, with
at least 2 answers) that are not scheduled for later, in an order fixed by the seed; then, to fill n,
questions never answered, drawn with the mock interview's weights (mock.draw_questions). A question
answered right and not yet due is never drawn. They are asked as a mock interview: easiest first, with
a countdown per question, fresh numbers and follow-ups. `now` fixes the date (tests inject it).
"""

from __future__ import annotations

import numpy as np

from . import practice
from .bank import all_quizzes
from .mock import MockInterview, draw_questions
from .review import review_log
from .schedule import check_now, schedule

__all__ = ["session_plan", "todays_session"]


def session_plan(records, n=8, now=None, seed=None) -> dict:
    """{"due": [...], "weak": [...], "new": [...]}: question ids for today's session, at most n in all."""
    if int(n) < 1:
        raise ValueError(f"n (the number of questions) must be >= 1, but got {n!r}")
    now = check_now(now)
    records = list(records)
    cards = schedule(records)
    due = [c.question for c in sorted((c for c in cards.values() if c.is_due(now)), key=lambda c: (c.due, c.question))][:n]
    later = {qid for qid, c in cards.items() if not c.is_due(now)}  # answered, not due yet: not today
    pool = [q for bank in all_quizzes().values() for q in bank.questions if q.id not in later and q.id not in due]
    weak_topics = set(review_log(records, now=now, k=5, min_attempts=2).weakest_topics) if records else set()
    rng = np.random.default_rng(seed)
    on_weak = [q.id for q in pool if weak_topics & set(q.topics)]
    weak = [on_weak[i] for i in rng.permutation(len(on_weak))][: max(n - len(due), 0)]
    rest = [q for q in pool if q.id not in weak and q.id not in cards]
    k = n - len(due) - len(weak)
    new = [q.id for q in draw_questions(rest, k, records, seed)] if k > 0 and rest else []
    return {"due": due, "weak": weak, "new": new}


def todays_session(n=8, minutes=20, records=None, now=None, seed=None, **kwargs):
    """A mock interview of what is due today, then what is weak, then new questions (see the module
    docstring); `mock.plan` says which is which."""
    records = practice.read_log() if records is None else records
    plan = session_plan(records, n=n, now=now, seed=seed)
    ids = plan["due"] + plan["weak"] + plan["new"]
    mock = MockInterview(n=len(ids), minutes=minutes, seed=seed, records=records, question_ids=ids, **kwargs)
    mock.plan = plan
    mock.title = (f"Today's session: {len(plan['due'])} due, {len(plan['weak'])} on weak topics, "
                  f"{len(plan['new'])} new, in {minutes:g} minutes")
    return mock
