"""A quiz session: checks answers, counts attempts, prints feedback, keeps the score.

    quiz = load_quiz("03_grid_and_random")
    quiz.check("q03.random_vs_grid", answer)     # ✅ correct / ❌ not yet — hint: ... / ⏳ not answered
    quiz.score()                                  # points per question, total, topics to revisit

Scoring: a question earns its points when its latest checked answer is correct (an explain
question: when it is written), unless the explanation was already shown after the last counted
attempt; an answer fixed after reading the explanation is marked "correct after the explanation"
and earns nothing. Wrong types and placeholders are never counted as attempts.
"""

from __future__ import annotations

import textwrap

from . import practice
from .kinds import Explain

__all__ = ["Session", "ScoreReport", "SCORE_MIME"]

SCORE_MIME = "application/vnd.hpo-mini.score+json"
SCORE_SCHEMA = 1
WIDTH = 100

_ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "⏳", "done": "📝", "late": "☑️"}


def _wrap(text, indent="   ") -> str:
    paragraphs = [p.strip() for p in text.strip().split("\n\n")]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent) for p in paragraphs)


def where_taught(q) -> str:
    return f'lesson {q.lesson}, section "{q.section}"'


class ScoreReport:
    """The score as data; displays as text plus a JSON bundle the gradebook reads."""

    def __init__(self, quiz_id, title, rows):
        self.quiz_id, self.title, self.rows = quiz_id, title, rows
        self.total = sum(r["points"] for r in rows)
        self.max = sum(r["max"] for r in rows)
        self.percent = round(100 * self.total / self.max, 1) if self.max else 0.0

    def revisit(self) -> list[dict]:
        """Sections to revisit, in lesson order, with the questions that sent you there."""
        out = {}
        for r in self.rows:
            if r["points"] < r["max"]:
                key = (r["lesson"], r["section"])
                out.setdefault(key, {"lesson": r["lesson"], "section": r["section"], "topics": [], "questions": []})
                out[key]["questions"].append(r["id"])
                for t in r["topics"]:
                    if t not in out[key]["topics"]:
                        out[key]["topics"].append(t)
        return list(out.values())

    def to_json(self) -> dict:
        return {
            "schema": SCORE_SCHEMA,
            "quiz": self.quiz_id,
            "total": self.total,
            "max": self.max,
            "percent": self.percent,
            "questions": [
                {k: r[k] for k in ("id", "kind", "difficulty", "points", "max", "status", "topics")} for r in self.rows
            ],
            "revisit": self.revisit(),
        }

    def to_text(self) -> str:
        lines = [f"{self.title}: {self.total} / {self.max} points ({self.percent:g}%)", ""]
        width = max(len(r["id"]) for r in self.rows)
        for r in self.rows:
            status = r["status"].replace("late", "correct after the explanation")
            lines.append(
                f"  {_ICONS.get(r['status'], ' ')} {r['id']:<{width}}  {r['kind']:<15} [{r['difficulty']}]  "
                f"{r['points']}/{r['max']}  {status}"
            )
        todo = self.revisit()
        lines.append("")
        if not todo:
            lines.append("Nothing to revisit: every question earned its points.")
        else:
            lines.append("Topics to revisit:")
            for item in todo:
                lines.append(
                    f"  - {', '.join(item['topics'])}: lesson {item['lesson']}, section \"{item['section']}\" "
                    f"({', '.join(item['questions'])})"
                )
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), SCORE_MIME: self.to_json()}

    def __repr__(self):
        return self.to_text()


class Session:
    """Questions, attempts and feedback; `Quiz` and `MockInterview` are sessions."""

    def __init__(self, quiz_id, title, questions, log=True, max_attempts=None):
        self.quiz_id = quiz_id
        self.max_attempts = max_attempts  # None: each question's own limit
        self.title = title
        self.questions = {q.id: q for q in questions}
        self.attempts = {qid: 0 for qid in self.questions}
        self.state = {qid: "unanswered" for qid in self.questions}  # latest verdict that counted
        self.revealed = set()  # explanation shown after the last counted attempt, before a correct answer
        self.log = log

    def __repr__(self):
        return f"<{type(self).__name__} {self.quiz_id}: {len(self.questions)} questions>"

    # -- checking ---------------------------------------------------------------------------------
    def feedback(self, question_id, answer) -> str:
        """Evaluate an answer and return the feedback text (what `check` prints)."""
        q = self.questions.get(question_id)
        if q is None:
            known = ", ".join(self.questions)
            return f"⚠️ there is no question {question_id!r} in {self.quiz_id}; its questions are: {known}"
        verdict = q.evaluate(answer)
        if verdict.status == "unanswered":
            return f"⏳ not answered: replace the ... with your answer and run the check again"
        if verdict.status == "invalid":
            return f"⚠️ {verdict.detail} (not counted as an attempt)"

        self.attempts[question_id] += 1
        n = self.attempts[question_id]
        if verdict.status == "done":
            self.state[question_id] = "done"
            self._record(q, "done")
            return self._model_answer(q)
        if verdict.status == "correct":
            self.state[question_id] = "late" if question_id in self.revealed else "correct"
            self._record(q, "correct")
            head = "✅ correct" + (f" ({verdict.detail})" if verdict.detail else "")
            if question_id in self.revealed:
                head += ", after the explanation was shown: no points this time"
            return f"{head}\nWhy:\n{_wrap(q.explanation)}"

        self.state[question_id] = "wrong"
        self._record(q, "wrong")
        limit = self.max_attempts or q.max_attempts
        lines = [f"❌ not yet — hint: {q.hint} (see {where_taught(q)})"]
        if verdict.detail:
            lines.append(f"   what happened: {verdict.detail}")
        if n < limit:
            lines.append(f"   attempt {n} of {limit}")
        else:
            if n == limit and limit > 1:
                lines.append(f"   attempt {n} of {limit}: here is the explanation")
            self.revealed.add(question_id)
            lines.append(f"Why:\n{_wrap(q.explanation)}")
        return "\n".join(lines)

    def check(self, question_id, answer) -> None:
        """Print deterministic feedback for `answer` to question `question_id`."""
        print(self.feedback(question_id, answer))

    def _model_answer(self, q: Explain) -> str:
        rubric = "\n".join(f"   {i}. {point}" for i, point in enumerate(q.rubric, 1))
        return (
            "📝 answered (self-assessed): compare yours with the model answer and give yourself a point for each "
            f"rubric item it covers.\nModel answer:\n{_wrap(q.model_answer)}\nRubric:\n{rubric}"
        )

    def _record(self, q, status):
        if self.log:
            practice.record(self.quiz_of(q), q, status)

    def quiz_of(self, q) -> str:
        return self.quiz_id

    # -- scoring ----------------------------------------------------------------------------------
    def report(self) -> ScoreReport:
        rows = []
        for qid, q in self.questions.items():
            state = self.state[qid]
            rows.append(
                {
                    "id": qid,
                    "kind": q.kind,
                    "difficulty": q.difficulty,
                    "points": q.points if state in ("correct", "done") else 0,
                    "max": q.points,
                    "status": state,
                    "topics": list(q.topics),
                    "lesson": q.lesson,
                    "section": q.section,
                }
            )
        return ScoreReport(self.quiz_id, self.title, rows)

    def score(self) -> None:
        """Show the score: as text, plus the machine-readable bundle in a notebook."""
        report = self.report()
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython ships with the course
            get_ipython = None
        if get_ipython is not None and get_ipython() is not None:
            display(report)
        else:
            print(report.to_text())
