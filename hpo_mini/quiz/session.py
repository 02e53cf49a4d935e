"""A quiz session: checks answers, counts attempts, prints feedback, takes rubric marks, keeps the score.

    quiz = load_quiz("03_grid_and_random")
    quiz.check("q03.grid_size")          # reads answer_grid_size: ✅ correct / ❌ not yet / ⏳ not answered
    quiz.mark("q03.explain_x", [1, 0, 1, 1])   # an explain answer's rubric marks (or tick the boxes)
    quiz.score()                          # points per question, total, topics to revisit

Self-check mode (the default): a question earns its points when its latest counted answer is right
and the explanation had not been shown before it; the explanation (it may contain the answer) is
shown after a correct answer or the last attempt. An explain answer shows the model answer and its
rubric once written, and earns points only when marked: points * items covered / items. Attempts
are counted in the practice log (attempts.py), so a kernel restart does not reset them, and
checking the same answer again is neither a new attempt nor a new log line. Wrong types and
placeholders are never attempts.

Exam mode (`load_quiz(..., mode="exam")`, and the only mode where the install has no keys): each
check records the answer and says so, with no feedback, no explanation and no score; nothing goes
to the practice log. The instructor's gradebook grades the notebook.
"""

from __future__ import annotations

import textwrap

from . import answers, attempts, practice
from .report import SCORE_MIME, ScoreReport

__all__ = ["Session", "ScoreReport", "SCORE_MIME", "MODES", "where_taught"]

MODES = ("self-check", "exam")
WIDTH = 100
_NOT_GIVEN = object()


def _wrap(text, indent="   ") -> str:
    paragraphs = [p.strip() for p in text.strip().split("\n\n")]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent) for p in paragraphs)


def where_taught(q) -> str:
    return f'lesson {q.lesson}, section "{q.section}"'


class Session:
    """Questions, attempts, marks and feedback; `Quiz` and `MockInterview` are sessions.
    `source` tags the log lines ("quiz", "mock"); only "quiz" sessions replay their attempts from the log."""

    def __init__(self, quiz_id, title, questions, *, mode="self-check", log=True, max_attempts=None, source="quiz",
                 var_name="quiz"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, but got {mode!r}")
        self.quiz_id, self.title, self.mode, self.source, self.var_name = quiz_id, title, mode, source, var_name
        self.max_attempts = max_attempts  # None: each question's own limit
        self.questions = {q.id: q for q in questions}
        self.log = bool(log) and mode != "exam"
        self.failed = {}  # question id -> the error its answer cell raised (answers.watch fills it)
        self.recorded = {}  # exam mode: question id -> the answer as shown
        lines = attempts.read_quiz_lines(quiz_id, source) if self.log and source == "quiz" else []
        self.progress = attempts.replay(self.questions, lines, self.limit)

    def __repr__(self):
        return f"<{type(self).__name__} {self.quiz_id}: {len(self.questions)} questions, {self.mode}>"

    def limit(self, q) -> int:
        return self.max_attempts or q.max_attempts

    @property
    def attempts(self) -> dict:
        return {qid: p.attempts for qid, p in self.progress.items()}

    @property
    def state(self) -> dict:
        return {qid: p.status for qid, p in self.progress.items()}

    def quiz_of(self, q) -> str:
        return self.quiz_id

    # -- checking ---------------------------------------------------------------------------------
    def check(self, question_id, answer=_NOT_GIVEN, rubric_box=True) -> None:
        """Print feedback for question `question_id`. In a notebook the answer is read from the
        question's own answer cell (its name, e.g. answer_grid_size); elsewhere pass it. A written
        explain answer also shows the rubric checkboxes (rubric_box=False leaves them out)."""
        q = self.questions.get(question_id)
        if q is not None and answer is _NOT_GIVEN:
            if question_id in self.failed:
                print(f"⏳ not answered: the answer cell raised {self.failed[question_id]}. Fix it, run it, then run "
                      "this check again.")
                return
            try:
                answer = answers.read_answer(q)
            except RuntimeError as exc:
                print(f"⚠️ {exc}")
                return
            if answer is answers.MISSING:
                print(f"⏳ not answered: run the answer cell above first (it sets `{q.answer_name}`).")
                return
        print(self.feedback(question_id, answer))
        if (rubric_box and q is not None and q.kind == "explain" and self.mode != "exam"
                and self.progress[q.id].status == "written"):
            from .rubric_widget import show_rubric_form

            show_rubric_form(self, q)

    def feedback(self, question_id, answer, extra=None) -> str:
        """Evaluate an answer, count it, log it (with the fields of `extra`, e.g. the seconds it took),
        and return the feedback text."""
        q = self.questions.get(question_id)
        if q is None:
            return f"⚠️ there is no question {question_id!r} in {self.quiz_id}; its questions are: {', '.join(self.questions)}"
        value, verdict = q.parse(answer)
        if verdict is not None and verdict.status == "unanswered":
            return "⏳ not answered: replace the ... in the answer cell with your answer, run it, then run this check again."
        if verdict is not None:
            return f"⚠️ {verdict.detail} (not counted as an attempt)"
        if self.mode == "exam" or not q.keyed:  # exam mode, or an install without keys (the handout)
            self.recorded[q.id] = q.show(value)
            return f"📥 recorded: {q.show(value)}. No feedback in exam mode: your instructor grades the answers after the exam."

        p = self.progress[q.id]
        fingerprint = q.fingerprint(value)
        repeat = p.attempts > 0 and fingerprint == p.answer
        verdict = q.grade(value)
        if not repeat:
            status = "awaiting marking" if verdict.status == "written" else verdict.status
            line = {"question": q.id, "status": status, "answer": fingerprint}
            attempts.apply(p, q, line, self.limit(q))
            self._record(q, status, {"source": self.source, "answer": fingerprint, "attempt": p.attempts, **(extra or {})})
        return self._feedback_text(q, verdict, p, repeat, value)

    def _feedback_text(self, q, verdict, p, repeat, value) -> str:
        if verdict.status == "written":
            return self._written_text(q, p, value)
        if verdict.status == "correct":
            head = "✅ correct" + (f" ({verdict.detail})" if verdict.detail else "")
            if p.status == "late":
                head += ", after the explanation was shown: no points this time"
            return f"{head}\nWhy:\n{_wrap(q.explanation)}"
        limit = self.limit(q)
        first = f"❌ not yet — {verdict.hint}" if verdict.hint else f"❌ not yet — hint: {q.hint} (see {where_taught(q)})"
        lines = [first]
        if verdict.hint:
            lines.append(f"   hint: {q.hint} (see {where_taught(q)})")
        if verdict.detail:
            lines.append(f"   what happened: {verdict.detail}")
        if repeat:
            lines.append("   (the same answer as your last check: not counted again)")
        if p.attempts < limit and not p.revealed:
            lines.append(f"   attempt {p.attempts} of {limit}")
        else:
            if p.attempts == limit and limit > 1:
                lines.append(f"   attempt {p.attempts} of {limit}: here is the explanation")
            lines.append(f"Why:\n{_wrap(q.explanation)}")
        return "\n".join(lines)

    def _written_text(self, q, p, text) -> str:
        n = len(q.rubric)
        late = (" It was written after the model answer was shown, so it earns no points this time."
                if p.late else "")
        rubric = "\n".join(f"   {i}. {item}" for i, item in enumerate(q.rubric, 1))
        example = ", ".join(["1"] * (n - 1) + ["0"])
        return (
            f"📝 written ({len(text.split())} words), awaiting "
            f"marking: tick the rubric items your answer covers in the box below, or run "
            f'{self.var_name}.mark("{q.id}", [{example}]) with one 0/1 per item; the points follow the marks.{late}\n'
            f"Model answer:\n{_wrap(q.model_answer)}\nRubric ({q.points} point{'s' if q.points != 1 else ''} "
            f"for all {n} items):\n{rubric}"
        )

    def _record(self, q, status, extra) -> None:
        if self.log:
            practice.record(self.quiz_of(q), q, status, extra=extra)

    # -- marking explain answers -------------------------------------------------------------------------
    def mark(self, question_id, marks) -> None:
        """Record the rubric marks of a written explain answer: one 0 or 1 per rubric item."""
        print(self.mark_text(question_id, marks))

    def mark_text(self, question_id, marks) -> str:
        q = self.questions.get(question_id)
        if q is None or q.kind != "explain":
            explains = [qid for qid, x in self.questions.items() if x.kind == "explain"]
            return f"⚠️ {question_id!r} is not an explain question of {self.quiz_id}; those are: {', '.join(explains)}"
        if self.mode == "exam":
            return "⚠️ in exam mode your instructor marks explain answers: nothing to do here."
        p = self.progress[q.id]
        if p.status not in ("written", "marked"):
            return f"⚠️ write your answer to {q.id} and run its check first; then mark it against the rubric."
        try:
            marks = q.check_marks(marks)
        except (TypeError, ValueError) as exc:
            return f"⚠️ {exc}"
        if p.status != "marked" or p.marks != marks:
            score = sum(marks) / len(marks)
            attempts.apply(p, q, {"status": "marked", "rubric": list(marks)}, self.limit(q))
            self._record(q, "marked", {"source": self.source, "answer": p.answer, "rubric": list(marks),
                                       "score": round(score, 4), "correct": score >= practice.PASS_FRACTION})
        earned = attempts.points(p, q)
        text = f"📝 marked: {sum(marks)} of {len(marks)} rubric items, {earned:g} of {q.points} point{'s' if q.points != 1 else ''}"
        if p.late:
            text += " (written after the model answer was shown: no points this time)"
        missed = [item for item, m in zip(q.rubric, marks) if not m]
        if missed:
            text += "\nSay next time:\n" + "\n".join(f"  - {item}" for item in missed) + f"\nReread: {where_taught(q)}"
        return text

    def start_over(self) -> None:
        """Forget this quiz's attempts and marks (the practice log keeps its history for review)."""
        if self.log and self.source == "quiz":
            practice.record_event(self.quiz_id, "start over")
        self.progress = attempts.replay(self.questions, [], self.limit)
        self.recorded.clear()
        print(f"{self.title}: starting over, every question has its attempts back.")

    # -- scoring ----------------------------------------------------------------------------------
    def report(self) -> ScoreReport:
        rows = []
        for qid, q in self.questions.items():
            p = self.progress[qid]
            status = ("recorded" if qid in self.recorded else "unanswered") if self.mode == "exam" else p.status
            rows.append({"id": qid, "kind": q.kind, "difficulty": q.difficulty, "max": q.points, "status": status,
                         "points": 0 if self.mode == "exam" else attempts.points(p, q),
                         "topics": list(q.topics), "lesson": q.lesson, "section": q.section})
        return ScoreReport(self.quiz_id, self.title, rows, mode=self.mode)

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
