"""The score of a quiz as data: text for the learner, a JSON bundle for tools.

A row per question: points earned, its maximum, and its status (attempts.py). Explain answers that
await marking earn nothing yet and are counted apart, so a score never includes an unread answer.
In exam mode there is no key: the report counts the answers recorded and leaves grading to the
instructor's gradebook.
"""

from __future__ import annotations

__all__ = ["SCORE_MIME", "ScoreReport", "STATUS_TEXT"]

SCORE_MIME = "application/vnd.hpo-mini.score+json"
SCORE_SCHEMA = 2

ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "⏳", "written": "📝", "marked": "📝", "late": "☑️", "recorded": "📥"}
STATUS_TEXT = {
    "correct": "correct",
    "wrong": "not yet",
    "unanswered": "not answered",
    "late": "correct after the explanation (no points)",
    "written": "awaiting marking",
    "marked": "marked",
    "recorded": "recorded",
}


def _num(x) -> str:
    return f"{x:g}"


class ScoreReport:
    """rows: dicts with id, kind, difficulty, points, max, status, topics, lesson, section."""

    def __init__(self, quiz_id, title, rows, mode="self-check"):
        self.quiz_id, self.title, self.rows, self.mode = quiz_id, title, rows, mode
        self.total = round(sum(r["points"] for r in rows), 2)
        self.max = sum(r["max"] for r in rows)
        self.percent = round(100 * self.total / self.max, 1) if self.max else 0.0
        self.awaiting = [r["id"] for r in rows if r["status"] == "written"]

    def revisit(self) -> list[dict]:
        """Sections to revisit, in lesson order, with the questions that sent you there (explain
        answers awaiting marking are not counted as missed)."""
        out = {}
        for r in self.rows:
            if r["points"] < r["max"] and r["status"] not in ("written", "recorded"):
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
            "mode": self.mode,
            "total": self.total,
            "max": self.max,
            "percent": self.percent,
            "awaiting_marking": self.awaiting,
            "questions": [{k: r[k] for k in ("id", "kind", "difficulty", "points", "max", "status", "topics")} for r in self.rows],
            "revisit": self.revisit(),
        }

    def _lines(self) -> list[str]:
        width = max(len(r["id"]) for r in self.rows)
        return [f"  {ICONS.get(r['status'], ' ')} {r['id']:<{width}}  {r['kind']:<15} [{r['difficulty']}]  "
                + (f"{_num(r['points'])}/{r['max']}  " if self.mode != "exam" else "")
                + STATUS_TEXT.get(r["status"], r["status"]) for r in self.rows]

    def to_text(self) -> str:
        if self.mode == "exam":
            answered = sum(r["status"] == "recorded" for r in self.rows)
            missing = [r["id"] for r in self.rows if r["status"] != "recorded"]
            lines = [f"{self.title} (exam): {answered} of {len(self.rows)} questions answered. "
                     "Your instructor grades them after the exam; no score is computed here.", ""] + self._lines()
            if missing:
                lines += ["", f"Not answered yet: {', '.join(missing)}"]
            return "\n".join(lines)
        lines = [f"{self.title}: {_num(self.total)} / {self.max} points ({self.percent:g}%)", ""] + self._lines()
        if self.awaiting:
            lines += ["", f"Awaiting marking ({len(self.awaiting)}): {', '.join(self.awaiting)}. Tick their rubric items "
                          "(the box under each check, or quiz.mark(id, marks)); until then they earn no points."]
        todo = self.revisit()
        lines.append("")
        if not todo:
            lines.append("Nothing to revisit: every question earned its points." if not self.awaiting
                         else "Nothing to revisit among the graded questions.")
        else:
            lines.append("Topics to revisit:")
            for item in todo:
                lines.append(f"  - {', '.join(item['topics'])}: lesson {item['lesson']}, section \"{item['section']}\" "
                             f"({', '.join(item['questions'])})")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), SCORE_MIME: self.to_json()}

    def __repr__(self):
        return self.to_text()
