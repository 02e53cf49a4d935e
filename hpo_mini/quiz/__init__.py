"""Auto-graded quizzes, a practice log and a mock interview for the course.

    from . import load_quiz
    quiz = load_quiz("03_grid_and_random")
    quiz.check("q03.random_vs_grid", answer)
    quiz.score()

    from . import mock_interview
    mock = mock_interview(n=8, minutes=20, seed=1)

    from . import sixty_second_drill, review_log
    drill = sixty_second_drill(seed=3)       # a question with a model answer; drill.widget() in JupyterLab
    print(review_log().to_text())            # weakest topics and the lesson sections to revisit

Modules: kinds.py (the question kinds), session.py (check, attempts, score), sandbox.py (time limits
for code exercises), checks.py (checker building blocks), sealing.py (how answers are hidden),
practice.py (the practice log), mock.py (mock interviews), drill.py (the 60-second answer),
review.py (the practice-log review), build.py (notebooks from the bank),
gradebook.py (grade a folder of submitted notebooks), bank/ (one module per quiz).
"""

from __future__ import annotations

from .bank import get_bank, normalize_quiz_id
from .kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice
from .session import SCORE_MIME, ScoreReport, Session

__all__ = [
    "load_quiz",
    "active_quiz",
    "Quiz",
    "mock_interview",
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
    """The questions of one bank module, in order."""

    def __init__(self, quiz_id, log=True):
        bank = get_bank(quiz_id)
        super().__init__(bank.QUIZ_ID, bank.TITLE, bank.QUESTIONS, log=log)
        self.lesson = bank.LESSON


def load_quiz(name, log=True) -> Quiz:
    """The quiz for a lesson: load_quiz("03_grid_and_random") (or "03"). `log=False` keeps the
    answers out of the practice log."""
    global _active
    _active = Quiz(normalize_quiz_id(name), log=log)
    print(f"{_active.title}: {len(_active.questions)} questions, {sum(q.points for q in _active.questions.values())} points.")
    return _active


def active_quiz():
    """The quiz loaded last in this kernel (the gradebook asks it for a final score)."""
    return _active


def mock_interview(n=8, minutes=20, topics=None, difficulty=None, seed=None, **kwargs):
    from .mock import MockInterview

    return MockInterview(n=n, minutes=minutes, topics=topics, difficulty=difficulty, seed=seed, **kwargs)


def sixty_second_drill(question=None, seconds=60, seed=None, topics=None, lessons=None, records=None, **kwargs):
    from .drill import sixty_second_drill as make

    return make(question, seconds=seconds, seed=seed, topics=topics, lessons=lessons, records=records, **kwargs)


def review_log(records=None, now=None, k=5, min_attempts=1):
    from .review import review_log as review

    return review(records, now=now, k=k, min_attempts=min_attempts)
