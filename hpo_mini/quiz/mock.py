"""Mock interviews: a timed, mixed set of questions from the whole bank, weighted toward the topics
your practice log shows as weak, ending with a score and a study plan.

    mock = mock_interview(n=8, minutes=20, seed=1)
    mock.ask()            # shows the next question
    mock.check(answer)    # one attempt: feedback and the explanation, then the next question
    mock.skip()           # move on without answering
    mock.mark(question_id, [1, 0, 1])   # an explain answer's rubric marks; a missed item with a
                                        # follow-up makes it the next question
    mock.rate("partly")   # self-mark a follow-up against its model answer: correct / partly / missed
    mock.score()          # points, time used, and the lessons and sections to revisit
    mock.widget()         # the same in JupyterLab, with a countdown per question (mock_widget.py)

How questions are drawn: each question in the pool gets the weight 0.25 + the largest smoothed
error rate (wrong + 1) / (attempts + 2) among its topics in the practice log (0.5 for a topic never
practised), and n are drawn without replacement with those weights, then asked easiest first.
Questions the spaced-repetition schedule (schedule.py) has not yet made due again (answered right,
due later) are left out of the pool, unless fewer than n would remain: an item answered right comes
back later, not in the next mock. The same seed and the same log (and `now`) give the same interview. `question_ids=[...]` asks those questions
instead (today's session, schedule.py).

Fresh numbers: a numeric question with a generator (fresh.py) is asked with newly drawn params, its
answer computed; the same seed gives the same numbers, no seed new ones each time (fresh=False keeps
the quiz's own numbers).

Follow-ups: when the rubric marks of an explain answer leave item k unticked, the follow-up on the
first such item (Explain.follow_up_for) is the next question; it is answered with mock.check(text),
shows its model answer, and is self-marked with mock.rate("correct" | "partly" | "missed"), logged with
`score` 1 / 0.5 / 0 and `question` "<id>/follow-up/<k>".

Time per question: each question has seconds_per_question (default minutes * 60 / n), counted from
when it is shown (ask, or the widget's start button) to its answer on the mock's clock; every logged
answer carries "seconds" and "over_time" (true when it came after the time was up).
"""

from __future__ import annotations

import time

import numpy as np

from . import practice
from .bank import all_quizzes
from .fresh import fresh_instance
from .question import FOLLOW_UP_MARKS
from .schedule import check_now, schedule
from .session import Session, _wrap

__all__ = ["MockInterview", "draw_questions"]

BASE_WEIGHT = 0.25  # every question keeps a chance, however well its topics went
_ORDER = {"E": 0, "M": 1, "H": 2}


def _normalize_difficulty(difficulty):
    if difficulty is None:
        return None
    wanted = set(difficulty.upper()) if isinstance(difficulty, str) else {d.upper() for d in difficulty}
    unknown = wanted - set(_ORDER)
    if unknown:
        raise ValueError(f"difficulty must be letters from 'EMH' (e.g. 'MH'), but got {difficulty!r}")
    return wanted


def draw_questions(pool, n, records, seed):
    """Draw n questions without replacement, weighted toward weak topics; easiest first."""
    stats = practice.topic_stats(records)
    weights = np.array([BASE_WEIGHT + max(practice.weakness(stats, t) for t in q.topics) for q in pool])
    rng = np.random.default_rng(seed)
    k = min(n, len(pool))
    picked = rng.choice(len(pool), size=k, replace=False, p=weights / weights.sum())
    chosen = [pool[i] for i in picked]
    return sorted(chosen, key=lambda q: _ORDER[q.difficulty])  # stable: draw order within a level


class MockInterview(Session):
    def __init__(self, n=8, minutes=20, topics=None, difficulty=None, seed=None, records=None,
                 clock=time.monotonic, log=True, question_ids=None, fresh=True, seconds_per_question=None, now=None):
        if int(n) < 1:
            raise ValueError(f"n (the number of questions) must be >= 1, but got {n!r}")
        if not minutes or minutes <= 0:
            raise ValueError(f"minutes must be > 0, but got {minutes!r}")
        self._quiz_of = {}
        pool = []
        for quiz_id, bank in all_quizzes().items():
            for q in bank.questions:
                self._quiz_of[q.id] = quiz_id
                pool.append(q)
        if topics is not None:
            wanted = [topics.lower()] if isinstance(topics, str) else [t.lower() for t in topics]
            pool = [q for q in pool if any(w in t.lower() for w in wanted for t in q.topics)]
        levels = _normalize_difficulty(difficulty)
        if levels is not None:
            pool = [q for q in pool if q.difficulty in levels]
        if not pool:
            known = sorted({t for bank in all_quizzes().values() for q in bank.questions for t in q.topics})
            raise ValueError(f"no question matches topics={topics!r}, difficulty={difficulty!r}; topics are: {known}")
        if question_ids is not None:
            by_id = {q.id: q for bank in all_quizzes().values() for q in bank.questions}
            unknown = [qid for qid in question_ids if qid not in by_id]
            if unknown or not question_ids:
                raise ValueError(f"question_ids must name bank questions, but {unknown or 'none'} given; e.g. "
                                 f"{list(by_id)[:3]}")
            chosen = sorted((by_id[qid] for qid in dict.fromkeys(question_ids)), key=lambda q: _ORDER[q.difficulty])
        else:
            records = practice.read_log() if records is None else records
            later = {qid for qid, card in schedule(records).items() if not card.is_due(check_now(now))}
            fresh_pool = [q for q in pool if q.id not in later]
            chosen = draw_questions(fresh_pool if len(fresh_pool) >= int(n) else pool, int(n), records, seed)
        if fresh:
            rng = np.random.default_rng(None if seed is None else [int(seed), 2026])  # its own stream: the draw is unchanged
            chosen = [fresh_instance(q, rng) if getattr(q, "generator", None) is not None else q for q in chosen]
        super().__init__("mock", f"Mock interview: {len(chosen)} questions in {minutes:g} minutes", chosen,
                         log=log, max_attempts=1, source="mock", var_name="mock")
        self.minutes = minutes
        self.seconds_per_question = float(seconds_per_question or minutes * 60 / len(chosen))
        if self.seconds_per_question <= 0:
            raise ValueError(f"seconds_per_question must be > 0, but got {seconds_per_question!r}")
        self.order = [q.id for q in chosen]
        self.position = 0  # index of the question `check` answers
        self.asked = False
        self.clock = clock
        self.started = clock()
        self.shown_at = None  # when the current question (or follow-up) was shown
        self.pending = None  # (question, FollowUp) asked next, after a marked explain answer missed an item
        self.follow_up_answer = None  # the text of the pending follow-up's answer, once given
        self.follow_ups_done = []  # dicts: question, rubric_item, mark, seconds
        self.timings = {}  # question id -> (seconds, over_time)
        self._last_answer_at = self.started

    def quiz_of(self, q):
        return self._quiz_of[q.id]

    # -- time ---------------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return self.clock() - self.started

    def _clock_text(self) -> str:
        used = int(self.elapsed())
        return f"{used // 60}:{used % 60:02d} of {int(self.minutes)}:{int(self.minutes * 60) % 60:02d}"

    def time_is_up(self) -> bool:
        return self.elapsed() > self.minutes * 60

    # -- asking ---------------------------------------------------------------------------------------
    @property
    def current(self):
        return self.questions[self.order[self.position]] if self.position < len(self.order) else None

    def question_text(self, q) -> str:
        number = self.order.index(q.id) + 1
        lines = [f"Question {number} of {len(self.order)} · {q.id} · {q.header()} · {self._clock_text()} elapsed", "", q.prompt]
        if hasattr(q, "options"):
            lines += [""] + [f"  {letter}. {text}" for letter, text in zip(q.letters, q.options)]
        lines.append("")
        if q.kind == "code":
            lines.append(f"Define it in a cell:\n\n{q.stub}\n\nthen run mock.check({q.function_name}).")
        else:
            how = q.answer_template().split("#")[-1].strip() if "#" in q.answer_template() else "your answer as text"
            lines.append(f"Answer with mock.check(answer): {how}.")
        return "\n".join(lines)

    def follow_up_text(self) -> str:
        q, f = self.pending
        return (f"Follow-up on {q.id}, rubric item {f.rubric_item} ({q.rubric[f.rubric_item - 1]}) · "
                f"{self._clock_text()} elapsed\n\n{f.prompt}\n\nAnswer with mock.check(answer) (your answer as text).")

    def show_next(self) -> str:
        """Start the current question's (or pending follow-up's) clock and return its text."""
        if self.pending is None and self.current is None:
            return "All questions are done: run mock.score() for your result and study plan."
        if self.shown_at is None:
            self.shown_at = self.clock()
        self.asked = True
        return self.follow_up_text() if self.pending is not None else self.question_text(self.current)

    def ask(self) -> None:
        """Show the current question, or the follow-up a missed rubric item led to (again, if shown)."""
        print(self.show_next())

    def _timing(self) -> dict:
        """Seconds since the question was shown (since the last answer if it never was), and over time or not."""
        since = self.shown_at if self.shown_at is not None else self._last_answer_at
        seconds = self.clock() - since
        return {"seconds": round(seconds, 1), "over_time": bool(seconds > self.seconds_per_question)}

    def answer_text(self, answer) -> str:
        """Answer the current question (or pending follow-up) and return the feedback `check` prints."""
        if self.pending is not None:
            return self._answer_follow_up(answer)
        q = self.current
        if q is None:
            return "All questions are done: run mock.score()."
        timing = self._timing()
        text = self.feedback(q.id, answer, extra=timing)
        if text.startswith(("⏳", "⚠️")):  # not an attempt: stay on this question
            return text
        self.timings[q.id] = (timing["seconds"], timing["over_time"])
        if timing["over_time"]:
            text += (f"\n⏰ over time: {timing['seconds']:.0f} s for a {self.seconds_per_question:.0f}-second question "
                     "(logged as over time)")
        if self.time_is_up():
            text += f"\n⏰ time is up ({self._clock_text()}): in a real interview, wrap up now."
        self._advance()
        nxt = self._next_hint()
        return f"{text}\n[{self._clock_text()} elapsed; {nxt}]"

    def _next_hint(self) -> str:
        if self.current is None and self.pending is None:
            return "that was the last question: run mock.score()"
        return "run mock.ask() for the next question"

    def _advance(self) -> None:
        self.position += 1
        self.shown_at = None
        self._last_answer_at = self.clock()

    def check(self, *args) -> None:
        """mock.check(answer) answers the current question (or follow-up); mock.check(question_id, answer) a given one."""
        if len(args) == 2:
            return super().check(*args)
        if len(args) != 1:
            print("⚠️ call mock.check(answer) for the current question")
            return
        q = self.current if self.pending is None else None
        print(self.answer_text(args[0]))
        if q is not None and q.kind == "explain" and self.progress[q.id].status == "written":
            from .rubric_widget import show_rubric_form  # tick the rubric in a notebook (or mock.mark)

            show_rubric_form(self, q)

    def skip(self) -> None:
        if self.pending is not None:
            q, f = self.pending
            self.pending, self.follow_up_answer, self.shown_at = None, None, None
            print(f"skipped the follow-up on {q.id}; {self._next_hint()}")
            return
        q = self.current
        if q is not None:
            self._advance()
            print(f"skipped {q.id}; {self._next_hint()}")

    # -- follow-ups -----------------------------------------------------------------------------------
    def mark_text(self, question_id, marks) -> str:
        """Record an explain answer's marks (Session.mark_text); a missed item with a follow-up queues it."""
        text = super().mark_text(question_id, marks)
        q = self.questions.get(question_id)
        if text.startswith("⚠️") or q is None:
            return text
        follow_up = q.follow_up_for(marks)
        if follow_up is not None and self.pending is None:
            self.pending, self.follow_up_answer, self.shown_at = (q, follow_up), None, None
            text += (f"\n🔎 The interviewer digs into rubric item {follow_up.rubric_item}: run mock.ask() for the "
                     "follow-up question.")
        return text

    def _answer_follow_up(self, answer) -> str:
        q, f = self.pending
        if not isinstance(answer, str) or not answer.strip() or answer.strip() == "...":
            return "⏳ not answered: answer the follow-up as text, e.g. mock.check(\"\"\"my answer\"\"\")."
        if self.follow_up_answer is None:
            self.follow_up_answer = (answer.strip(), self._timing())
        return (f"📝 follow-up answered ({len(answer.split())} words). Model answer:\n{_wrap(f.model_answer)}\n"
                f'Mark it: mock.rate("correct"), mock.rate("partly") or mock.rate("missed").')

    def rate(self, mark) -> None:
        print(self.rate_text(mark))

    def rate_text(self, mark) -> str:
        """Self-mark the pending follow-up against its model answer and log it."""
        if self.pending is None or self.follow_up_answer is None:
            return "⚠️ no follow-up answered to mark: answer the follow-up with mock.check(text) first."
        if mark not in FOLLOW_UP_MARKS:
            return f"⚠️ mark the follow-up with one of {list(FOLLOW_UP_MARKS)}, but got {mark!r}"
        q, f = self.pending
        _, timing = self.follow_up_answer
        score = FOLLOW_UP_MARKS[mark]
        self.follow_ups_done.append({"question": q.id, "rubric_item": f.rubric_item, "mark": mark, **timing})
        if self.log:
            practice.record(self.quiz_of(q), q, "follow-up", extra={
                "question": f"{q.id}/follow-up/{f.rubric_item}", "follow_up_of": q.id, "rubric_item": f.rubric_item,
                "source": self.source, "mark": mark, "score": score, "correct": score >= practice.PASS_FRACTION, **timing})
        self.pending, self.follow_up_answer, self.shown_at = None, None, None
        self._last_answer_at = self.clock()
        return f"{'✅' if mark == 'correct' else '🟡' if mark == 'partly' else '❌'} follow-up marked {mark}; {self._next_hint()}"

    # -- result -----------------------------------------------------------------------------------------
    def study_plan(self) -> list[str]:
        """Lessons and sections to revisit: missed questions first, then weak topics from the log."""
        plan, seen = [], set()
        for qid in self.order:
            q = self.questions[qid]
            if self.state[qid] in ("correct", "written", "marked"):
                continue
            key = (q.lesson, q.section)
            if key not in seen:
                seen.add(key)
                stem = self._quiz_of[qid]
                plan.append(f'lesson {q.lesson} (lessons/{stem}.ipynb), section "{q.section}": {", ".join(q.topics)}')
        weak = [t for t, w in practice.weak_topics(practice.read_log() if self.log else [], k=3, min_attempts=2) if w > 0.5]
        if weak:
            plan.append(f"weak in your practice log: {', '.join(weak)}")
        return plan

    def score(self) -> None:
        super().score()
        print(f"\nTime: {self._clock_text()}" + (" (over time)" if self.time_is_up() else ""))
        over = [qid for qid, (_, late) in self.timings.items() if late]
        if over:
            print(f"Over the {self.seconds_per_question:.0f} s per question: {', '.join(over)}")
        for f in self.follow_ups_done:
            print(f"Follow-up on {f['question']} (rubric item {f['rubric_item']}): {f['mark']}")
        plan = self.study_plan()
        print("Study plan:" if plan else "Study plan: nothing missed; try a harder set (difficulty='H').")
        for item in plan:
            print(f"  - {item}")

    def widget(self):
        """The mock as a form in JupyterLab: the question, a countdown, an answer box, the rubric and the
        follow-ups (mock_widget.py)."""
        from .mock_widget import MockForm

        return MockForm(self)
