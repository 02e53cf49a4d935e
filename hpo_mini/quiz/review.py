"""Review the practice log: accuracy and recency per topic, lesson and section; the weakest topics
and the lesson sections to revisit.

    from .review import review_log, plot_review
    rev = review_log()                 # your practice log (or review_log(records=[...]))
    print(rev.to_text())
    plot_review(rev)                   # a bar chart: accuracy per topic, weakest first

Credit per record: a drill's `score` (the fraction of its rubric covered, see drill.py), otherwise 1
for a correct answer and 0 for a wrong one. A topic's weakness is the smoothed error rate
(attempts - credit + 1) / (attempts + 2), Laplace's rule of succession: 0.5 for a topic with no
record, and a single miss does not outrank three misses out of four. It is the same formula
mock_interview weights its draws with (practice.weakness), extended to fractional credit. A topic
is weak when its weakness is above 0.5 (more misses than hits, after smoothing) and it has at least
`min_attempts` answers (2 by default: one miss is not a finding).

Due: the review also lists the questions the spaced-repetition schedule (schedule.py, Leitner boxes of
1, 3, 7, 14 and 30 days) has due at `now`, most overdue first, and how many come due in the next week.

Sections: each record is placed in its lesson and section through the bank (by question id); a
record whose question is not in the bank counts for its topics only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np

from . import practice
from .bank import all_quizzes
from .schedule import schedule

__all__ = ["WEAK_ABOVE", "credit", "smoothed_error", "Review", "review_log", "plot_review", "synthetic_log"]

WEAK_ABOVE = 0.5
LIGHT_RED = "#E6BCD3"  # pink: Okabe-Ito reddish purple #CC79A7 (C4) at 50% on white, lighter than red (C3)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def credit(record) -> float:
    """The credit of one record: its drill `score` in [0, 1] if it has one, else 1.0 or 0.0 for `correct`."""
    if "score" in record and record["score"] is not None:
        value = float(record["score"])
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"a record's score must be in [0, 1], but got {record['score']!r} in {record!r}")
        return value
    return float(bool(record["correct"]))


def smoothed_error(attempts, earned) -> float:
    """(attempts - earned + 1) / (attempts + 2): Laplace's rule of succession on the error rate."""
    return (attempts - earned + 1.0) / (attempts + 2.0)


def _parse_time(text):
    if not text:
        return None
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _question_index() -> dict:
    """question id -> (quiz id, lesson, section)."""
    return {q.id: (quiz_id, q.lesson, q.section) for quiz_id, bank in all_quizzes().items() for q in bank.questions}


@dataclass
class Review:
    """The log summarized. Each row of `topics`, `lessons` and `sections` is a dict with attempts,
    earned (credit), accuracy, weakness, last (datetime or None) and days_since (float or None)."""

    topics: list
    lessons: list
    sections: list
    now: datetime
    n_records: int
    k: int = 5
    weak: list = field(default_factory=list)  # topic rows with weakness > WEAK_ABOVE, weakest first (<= k)
    revisit: list = field(default_factory=list)  # section rows with weakness > WEAK_ABOVE, weakest first (<= k)
    min_attempts: int = 2
    due: list = field(default_factory=list)  # schedule.Card due at `now`, most overdue first
    due_this_week: int = 0  # cards not due now that come due within 7 days

    @property
    def weakest_topics(self) -> list:
        return [row["topic"] for row in self.weak]

    def to_text(self) -> str:
        if not self.n_records:
            return "The practice log is empty: answer a quiz, a mock interview or a drill first."
        lines = [f"{self.n_records} answers in the log, {len(self.topics)} topics."]
        if self.weak:
            lines.append("Weakest topics (accuracy, attempts, last practised):")
            for row in self.weak:
                lines.append(f"  - {row['topic']}: {row['accuracy']:.0%} of {row['attempts']}, {_ago(row['days_since'])}")
        else:
            lines.append(f"No weak topic: no topic with at least {self.min_attempts} answers has more misses than hits.")
        if self.revisit:
            lines.append("Revisit:")
            for row in self.revisit:
                lines.append(f"  - lesson {row['lesson']} (lessons/{row['stem']}.ipynb), section \"{row['section']}\": "
                             f"{row['accuracy']:.0%} of {row['attempts']}"
                             + (f" (weak topics: {', '.join(row['weak_topics'])})" if row["weak_topics"] else ""))
        if self.due:
            shown = ", ".join(f"{c.question} (box {c.box}, {_overdue(c, self.now)})" for c in self.due[:6])
            lines.append(f"Due today: {len(self.due)} question{'s' if len(self.due) != 1 else ''}: {shown}"
                         + (", ..." if len(self.due) > 6 else "") + "; todays_session() asks them.")
        else:
            lines.append("Due today: nothing.")
        if self.due_this_week:
            lines.append(f"Coming due in the next 7 days: {self.due_this_week}.")
        stale = [row["topic"] for row in self.topics
                 if row["days_since"] is not None and row["days_since"] > 14 and row["weakness"] <= WEAK_ABOVE]
        if stale:
            lines.append(f"Not practised for over two weeks (good then, worth a refresh): {', '.join(stale[:6])}")
        return "\n".join(lines)

    def __repr__(self):
        return self.to_text()


def _overdue(card, now):
    days = card.days_overdue(now)
    return "due now" if days < 1 else f"{days:.0f} day{'s' if round(days) != 1 else ''} overdue"


def _ago(days):
    if days is None:
        return "time unknown"
    if days < 1:
        return "today"
    return f"{days:.0f} day{'s' if round(days) != 1 else ''} ago"


def _rows(groups, now, key_names):
    rows = []
    for key, (attempts, earned, last) in groups.items():
        row = dict(zip(key_names, key if isinstance(key, tuple) else (key,)))
        row.update(attempts=attempts, earned=earned, accuracy=earned / attempts,
                   weakness=smoothed_error(attempts, earned), last=last,
                   days_since=None if last is None else (now - last).total_seconds() / 86400)
        rows.append(row)
    # weakest first; among equals, the one practised longest ago (None: unknown, last), then by name
    rows.sort(key=lambda r: (-r["weakness"], -(r["days_since"] if r["days_since"] is not None else -1.0),
                             str(r[key_names[0]])))
    return rows


def review_log(records=None, now=None, k=5, min_attempts=2) -> Review:
    """Summarize `records` (default: practice.read_log()). `now` (a datetime) fixes "days since".
    Names up to k weak topics (among those with >= min_attempts answers) and up to k sections to
    revisit: first the weak sections where a weak topic was missed, then other weak sections with
    >= min_attempts answers, each group weakest first."""
    records = practice.read_log() if records is None else list(records)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware (e.g. datetime.now(timezone.utc)), but got {now!r}")
    if int(k) < 1:
        raise ValueError(f"k (how many weak topics to name) must be >= 1, but got {k!r}")
    index = _question_index()
    modules = all_quizzes()
    by_topic = defaultdict(lambda: [0, 0.0, None])
    by_lesson = defaultdict(lambda: [0, 0.0, None])
    by_section = defaultdict(lambda: [0, 0.0, None])
    section_topics = defaultdict(set)

    def add(groups, key, c, when):
        g = groups[key]
        g[0] += 1
        g[1] += c
        if when is not None and (g[2] is None or when > g[2]):
            g[2] = when

    for rec in records:
        if not isinstance(rec, dict) or "topics" not in rec or "correct" not in rec:
            raise ValueError(f"a practice record needs 'topics' and 'correct' (see practice.py), but got {rec!r}")
        if not practice.is_evidence(rec):
            continue  # an explain answer awaiting marking says nothing yet
        c = credit(rec)
        when = _parse_time(rec.get("time"))
        for topic in rec["topics"]:
            add(by_topic, topic, c, when)
        where = index.get(rec.get("question"))
        if where is not None:
            quiz_id, lesson, section = where
            add(by_lesson, (lesson, quiz_id), c, when)
            add(by_section, (lesson, quiz_id, section), c, when)
            section_topics[(lesson, quiz_id, section)].update(rec["topics"])
        elif str(rec.get("quiz", ""))[:2].isdigit() and rec.get("quiz") in modules:
            add(by_lesson, (rec["quiz"][:2], rec["quiz"]), c, when)

    topics = _rows(by_topic, now, ("topic",))
    lessons = _rows(by_lesson, now, ("lesson", "stem"))
    sections = _rows(by_section, now, ("lesson", "stem", "section"))
    weak = [row for row in topics if row["weakness"] > WEAK_ABOVE and row["attempts"] >= min_attempts][: int(k)]
    weak_names = {row["topic"] for row in weak}
    for row in sections:
        row["weak_topics"] = sorted(section_topics[(row["lesson"], row["stem"], row["section"])] & weak_names)
    # sections that teach a weak topic first (even with few answers of their own), then other weak sections
    candidates = [row for row in sections if row["weakness"] > WEAK_ABOVE
                  and (row["weak_topics"] or row["attempts"] >= min_attempts)]
    revisit = sorted(candidates, key=lambda row: not row["weak_topics"])[: int(k)]
    cards = schedule(records).values()
    due = sorted((c for c in cards if c.is_due(now)), key=lambda c: (c.due, c.question))
    week = sum(1 for c in cards if not c.is_due(now) and c.due <= now + timedelta(days=7))
    return Review(topics, lessons, sections, now, len(records), int(k), weak, revisit, int(min_attempts), due, week)


def plot_review(review, max_topics=15, title=None):
    """Horizontal bars: accuracy per topic (weakest at the top, up to `max_topics`), the named weak
    topics in red (pink: weak on fewer than min_attempts answers), each labelled with its attempts
    and days since; beside it, accuracy per lesson. A plain matplotlib Figure (no pyplot state).
    Colours: the Okabe-Ito palette (hpo_mini/viz/style.py): red is its vermillion, pink a tint of its
    reddish purple."""
    from matplotlib.figure import Figure

    from ..viz.style import apply

    apply()  # "C0" and "C3" below: the Okabe-Ito blue and vermillion, whatever the caller imported

    if not isinstance(review, Review):
        raise TypeError(f"plot_review takes the Review that review_log returns, but got {type(review).__name__}")
    rows = review.topics[: int(max_topics)][::-1]  # weakest at the top of the chart
    fig = Figure(figsize=(11, max(3.0, 0.32 * len(rows) + 1.2)), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    if not rows:
        left.text(0.5, 0.5, "empty practice log", ha="center", va="center")
        left.set_axis_off()
        right.set_axis_off()
        return fig
    y = np.arange(len(rows))
    named = {r["topic"] for r in review.weak}
    # red: named weak; pink: weak on fewer than min_attempts answers (a hint, not yet a finding)
    colors = ["C3" if r["topic"] in named else LIGHT_RED if r["weakness"] > WEAK_ABOVE else "C0" for r in rows]
    left.barh(y, np.ones(len(rows)), color="0.93")  # the track: a topic at 0% still shows a row
    left.barh(y, [r["accuracy"] for r in rows], color=colors)  # the last container: the accuracies
    left.set_yticks(y, [r["topic"] for r in rows])
    for label, color in zip(left.get_yticklabels(), colors):
        label.set_color("black" if color == "C0" else "C3")
    for yi, r in zip(y, rows):
        label = f" {r['accuracy']:.0%} of {r['attempts']}" + ("" if r["days_since"] is None else f", {r['days_since']:.0f} d ago")
        left.text(min(r["accuracy"], 0.7), yi, label, va="center", fontsize=8)
    left.axvline(0.5, color="0.5", lw=0.8, ls="--")
    left.set(xlim=(0, 1), xlabel="accuracy (drills: rubric fraction)",
             title=title or f"topics, weakest first (red: weak; pink: weak on < {review.min_attempts} answers)")
    lessons = sorted(review.lessons, key=lambda r: r["lesson"])
    ly = np.arange(len(lessons))
    right.barh(ly, [r["accuracy"] for r in lessons],
               color=["C3" if r["weakness"] > WEAK_ABOVE else "C0" for r in lessons])
    right.set_yticks(ly, [f"lesson {r['lesson']}" for r in lessons])
    right.invert_yaxis()
    right.axvline(0.5, color="0.5", lw=0.8, ls="--")
    right.set(xlim=(0, 1), xlabel="accuracy", title="per lesson")
    return fig


def synthetic_log(accuracy=None, default=0.8, n=120, days=30, seed=0, now=None) -> list:
    """A made-up practice log for demos and tests: n answers to questions drawn uniformly from the
    bank, at times spread over the last `days` days, each correct with probability
    min over its topics of accuracy.get(topic, default)."""
    accuracy = dict(accuracy or {})
    for topic, p in accuracy.items():
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"accuracy[{topic!r}] must be a probability in [0, 1], but got {p!r}")
    rng = np.random.default_rng(seed)
    now = now or datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
    pool = [(quiz_id, q) for quiz_id, bank in all_quizzes().items() for q in bank.questions]
    picks = rng.integers(len(pool), size=int(n))
    ages = np.sort(rng.uniform(0, days, size=int(n)))[::-1]  # oldest first, as a log is written
    out = []
    for i, age in zip(picks, ages):
        quiz_id, q = pool[i]
        p = min(accuracy.get(t, default) for t in q.topics)
        ok = bool(rng.random() < p)
        out.append({"time": (now - timedelta(days=float(age))).strftime(TIME_FORMAT), "quiz": quiz_id,
                    "question": q.id, "topics": list(q.topics), "status": "correct" if ok else "wrong",
                    "correct": ok})
    return out
