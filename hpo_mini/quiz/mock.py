"""Mock interviews: a timed, mixed set of questions from the whole bank, weighted toward the topics
your practice log shows as weak, ending with a score and a study plan.

    mock = mock_interview(n=8, minutes=20, seed=1)
    mock.ask()            # shows the next question
    mock.check(answer)    # one attempt: feedback and the explanation, then the next question
    mock.skip()           # move on without answering
    mock.score()          # points, time used, and the lessons and sections to revisit

How questions are drawn: each question in the pool gets the weight 0.25 + the largest smoothed
error rate (wrong + 1) / (attempts + 2) among its topics in the practice log (0.5 for a topic never
practised), and n are drawn without replacement with those weights, then asked easiest first.
The same seed and the same log give the same interview.
"""

from __future__ import annotations

import time

import numpy as np

from . import practice
from .bank import all_quizzes
from .session import Session

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
                 clock=time.monotonic, log=True):
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
        records = practice.read_log() if records is None else records
        chosen = draw_questions(pool, int(n), records, seed)
        super().__init__("mock", f"Mock interview: {len(chosen)} questions in {minutes:g} minutes", chosen,
                         log=log, max_attempts=1, source="mock", var_name="mock")
        self.minutes = minutes
        self.order = [q.id for q in chosen]
        self.position = 0  # index of the question `check` answers
        self.asked = False
        self.clock = clock
        self.started = clock()

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

    def ask(self) -> None:
        """Show the current question (again, if it was already shown)."""
        q = self.current
        if q is None:
            print("All questions are done: run mock.score() for your result and study plan.")
            return
        self.asked = True
        print(self.question_text(q))

    def check(self, *args) -> None:
        """mock.check(answer) answers the current question; mock.check(question_id, answer) a given one."""
        if len(args) == 2:
            return super().check(*args)
        if len(args) != 1:
            print("⚠️ call mock.check(answer) for the current question")
            return
        q = self.current
        if q is None:
            print("All questions are done: run mock.score().")
            return
        text = self.feedback(q.id, args[0])
        if text.startswith(("⏳", "⚠️")):  # not an attempt: stay on this question
            print(text)
            return
        if self.time_is_up():
            text += f"\n⏰ time is up ({self._clock_text()}): in a real interview, wrap up now."
        self.position += 1
        nxt = "run mock.ask() for the next question" if self.current is not None else "that was the last question: run mock.score()"
        print(f"{text}\n[{self._clock_text()} elapsed; {nxt}]")

    def skip(self) -> None:
        q = self.current
        if q is not None:
            self.position += 1
            print(f"skipped {q.id}; run mock.ask() for the next question" if self.current else f"skipped {q.id}; run mock.score()")

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
        weak = [t for t, w in practice.weak_topics(practice.read_log() if self.log else [], k=3) if w > 0.5]
        if weak:
            plan.append(f"weak in your practice log: {', '.join(weak)}")
        return plan

    def score(self) -> None:
        super().score()
        print(f"\nTime: {self._clock_text()}" + (" (over time)" if self.time_is_up() else ""))
        plan = self.study_plan()
        print("Study plan:" if plan else "Study plan: nothing missed; try a harder set (difficulty='H').")
        for item in plan:
            print(f"  - {item}")
