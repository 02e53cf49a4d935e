"""Auto-graded quizzes, a practice log and a mock interview for the course.

    from hpo_mini.quiz import load_quiz
    quiz = load_quiz("03_grid_and_random")     # self-check mode; mode="exam" records answers only
    answer_random_vs_grid = ...                # your answer: each question's answer cell binds its own name
    quiz.check("q03.random_vs_grid")           # ✅ / ❌ with a hint / ⏳ not answered
    quiz.mark("q03.explain_random_vs_grid", [1, 1, 0, 1, 1])   # an explain answer's rubric marks
    quiz.score()

    from hpo_mini.quiz import mock_interview
    mock = mock_interview(n=8, minutes=20, seed=1)

    from hpo_mini.quiz import todays_session, pair_interview
    mock = todays_session(n=8)               # what the spaced-repetition schedule has due, then weak topics
    pair = pair_interview(n=6)               # pair.candidate_view() / pair.interviewer_view()

    from hpo_mini.quiz import sixty_second_drill, review_log
    drill = sixty_second_drill(seed=3)       # a question with a model answer; drill.widget() in JupyterLab
    print(review_log().to_text())            # weakest topics and the lesson sections to revisit

Modules: question.py (what every question has), kinds.py (the five kinds), hints.py (rule-based hints
for near misses), session.py (check, marks, score), attempts.py (attempts rebuilt from the practice
log), answers.py (one answer name per question; answers as data for the gradebook), report.py (the
score), rubric_widget.py (the rubric checkboxes), sandbox.py (time limits for code exercises), checks.py
and stat_checks.py (checker building blocks), sealing.py (how answers are hidden), keys.py (the one key
source and what is built from it), bankfile.py (the bank's TOML), practice.py (the practice log),
mock.py (mock interviews, follow-ups, time per question) with mock_widget.py (its JupyterLab form),
fresh.py (numeric questions with fresh numbers), countdown.py (the browser-side timer), schedule.py
(spaced repetition), today.py (today's session), pair.py (pair mode), drill.py (the 60-second answer),
review.py (the practice-log review),
build.py (notebooks from the bank), handout.py (the exam handout and the printed answer key),
gradebook.py with regrade.py and gradebook_reports.py (grade a folder of submissions), gradebook_kernel.py
(one submission in a confined kernel with a watchdog outside it), isolation.py (Landlock, limits, killing
a process group), bank/ (one TOML
data file and one checks module per quiz; bank/README.md says how to add a quiz).
"""

from __future__ import annotations

from . import answers
from .bank import get_bank, normalize_quiz_id
from .kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice
from .session import SCORE_MIME, ScoreReport, Session

__all__ = [
    "load_quiz",
    "active_quiz",
    "Quiz",
    "mock_interview",
    "todays_session",
    "pair_interview",
    "sixty_second_drill",
    "review_log",
    "SingleChoice",
    "MultipleChoice",
    "Numeric",
    "CodeExercise",
    "Explain",
    "ScoreReport",
    "SCORE_MIME",
]

_active = None


class Quiz(Session):
    """The questions of one quiz of the bank, in order."""

    def __init__(self, quiz_id, mode=None, log=True):
        bank = get_bank(quiz_id)
        mode = mode or ("self-check" if bank.keyed else "exam")
        if mode == "self-check" and not bank.keyed:
            raise ValueError(f"this install has no answer keys (an exam handout): load the quiz with "
                             f"load_quiz({bank.quiz_id!r}, mode='exam')")
        super().__init__(bank.quiz_id, bank.title, bank.questions, mode=mode, log=log)
        self.lesson = bank.lesson


def load_quiz(name, mode=None, log=True) -> Quiz:
    """The quiz for a lesson: load_quiz("03_grid_and_random") (or "03"). mode="self-check" (feedback
    and explanations; the default where the install has keys) or "exam" (answers recorded, no
    feedback). `log=False` keeps the answers out of the practice log (attempts then last as long as
    the kernel). In a notebook it also watches the answer cells (answers.py)."""
    global _active
    _active = Quiz(normalize_quiz_id(name), mode=mode, log=log)
    answers.watch(_active)
    points = sum(q.points for q in _active.questions.values())
    extra = " Exam mode: your answers are recorded, with no feedback." if _active.mode == "exam" else ""
    print(f"{_active.title}: {len(_active.questions)} questions, {points} points.{extra}")
    return _active


def active_quiz():
    """The quiz loaded last in this kernel."""
    return _active


def mock_interview(n=8, minutes=20, topics=None, difficulty=None, seed=None, **kwargs):
    from .mock import MockInterview

    return MockInterview(n=n, minutes=minutes, topics=topics, difficulty=difficulty, seed=seed, **kwargs)


def todays_session(n=8, minutes=20, records=None, now=None, seed=None, **kwargs):
    from .today import todays_session as make

    return make(n=n, minutes=minutes, records=records, now=now, seed=seed, **kwargs)


def pair_interview(n=6, minutes=20, **kwargs):
    from .pair import pair_interview as make

    return make(n=n, minutes=minutes, **kwargs)


def sixty_second_drill(question=None, seconds=60, seed=None, topics=None, lessons=None, records=None, **kwargs):
    from .drill import sixty_second_drill as make

    return make(question, seconds=seconds, seed=seed, topics=topics, lessons=lessons, records=records, **kwargs)


def review_log(records=None, now=None, k=5, min_attempts=2):
    from .review import review_log as review

    return review(records, now=now, k=k, min_attempts=min_attempts)
