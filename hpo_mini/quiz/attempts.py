"""Where a quiz stands, question by question, rebuilt from the practice log.

Attempts live in the log, not in the kernel: `load_quiz` replays the quiz's lines since its last
"start over" through `apply`, the same function a live check goes through, so restarting the kernel
(or re-running the loader) gives back the attempts used, the explanations already shown and the
marks given. With the log off (HPO_MINI_PRACTICE_LOG=off, or log=False) the history is kept in
memory only and ends with the kernel.

A question's status:
    unanswered   nothing counted yet
    correct      the latest counted answer is right (full points)
    wrong        the latest counted answer is wrong
    late         right, but after the explanation was shown (no points)
    written      an explain answer, awaiting marking (no points yet)
    marked       an explain answer, marked against its rubric (points follow the marks)
"""

from __future__ import annotations

from dataclasses import dataclass

from . import practice

__all__ = ["Progress", "apply", "points", "replay", "quiz_lines"]


@dataclass
class Progress:
    attempts: int = 0
    status: str = "unanswered"
    revealed: bool = False  # the explanation (or model answer) has been shown
    answer: str | None = None  # the fingerprint of the latest counted answer
    marks: tuple | None = None  # rubric marks of an explain answer
    late: bool = False  # the counted answer came after the explanation


def apply(progress: Progress, question, line: dict, limit: int) -> None:
    """Move `progress` on by one log line (an answer, or the marks of an explain answer)."""
    status = line.get("status")
    if status == "marked":
        progress.marks = tuple(line.get("rubric") or ())
        progress.status = "marked"
        return
    progress.attempts += 1
    progress.answer = line.get("answer")
    if status == "correct":
        progress.late = progress.revealed
        progress.status = "late" if progress.late else "correct"
    elif status == "wrong":
        progress.status = "wrong"
        if progress.attempts >= limit:
            progress.revealed = True
    elif status in ("awaiting marking", "done"):  # "done": explain answers logged before rubric marking
        progress.late = progress.revealed
        progress.status = "written"
        progress.marks = None
        progress.revealed = True  # the model answer is shown as soon as the answer is written


def points(progress: Progress, question) -> float:
    """The points a question's progress earns."""
    if progress.status == "correct":
        return question.points
    if progress.status == "marked" and not progress.late:
        return question.points_for(progress.marks)
    return 0


def quiz_lines(records, quiz_id, source="quiz") -> list:
    """The lines of one quiz's attempts since its last "start over" (lines without a source are quiz lines)."""
    mine = [r for r in records if r.get("quiz") == quiz_id and r.get("source", "quiz") == source]
    starts = [i for i, r in enumerate(mine) if r.get("event") == "start over"]
    mine = mine[starts[-1] + 1:] if starts else mine
    return [r for r in mine if "question" in r and "event" not in r and r.get("status") != "drill"]


def replay(questions: dict, lines, limit_of) -> dict:
    """question id -> Progress, from log lines in order; lines for unknown questions are ignored."""
    progress = {qid: Progress() for qid in questions}
    for line in lines:
        qid = line.get("question")
        if qid in progress:
            apply(progress[qid], questions[qid], line, limit_of(questions[qid]))
    return progress


def read_quiz_lines(quiz_id, source="quiz") -> list:
    return quiz_lines(practice.read_records(), quiz_id, source)
