"""Grade a submission's answers with the instructor's keys, outside the student's kernel.

The gradebook runs a submitted notebook in a kernel of its own only to compute the values its answer
cells bind; the cell it appends prints them as data (answers.py). They are graded here, in the
gradebook's process, with the keys of this install: choice and numeric answers against the sealed
keys, code answers by running the answer cell's *text* in a child process against the checks, explain
answers by the instructor's rubric marks (the marking sheet). No score, state or verdict computed in
the student's kernel is read, so a forged one changes nothing.

An answer cell that raised is "unanswered", whatever its name held before; so is a name never bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .answers import MISSING, answer_cell_id, check_cell_id, decode, questions_of_cell

__all__ = ["Graded", "answer_cells", "grade_submission_answers"]

NOT_OURS = ("load-quiz", "score", "gradebook-answers")


@dataclass
class Graded:
    """One question of one submission, graded."""

    question: str
    kind: str
    difficulty: str
    topics: tuple
    max: int
    status: str  # correct | wrong | unanswered | invalid | awaiting marking | marked
    points: float | None  # None while awaiting marking
    answer: str = ""  # the answer as the student will recognize it (short)
    detail: str = ""
    hint: str = ""
    marks: tuple | None = None
    text: str = ""  # an explain answer's full text (for the marking sheet and the feedback file)


def _error_of(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {str(out.get('evalue'))[:120]}"
    return ""


def answer_cells(nb, bank) -> dict:
    """question id -> the index of its answer cell: the cell with its id, else the last cell that binds
    its answer name (a student may have retyped the cell)."""
    ids = {cell.get("id") for cell in nb.cells}
    out = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for q in questions_of_cell(bank.questions, cell.source, cell.get("id")):
            if cell.get("id") == answer_cell_id(q.id) or answer_cell_id(q.id) not in ids:
                out[q.id] = index
    return out


def _context(nb, bank, upto: int) -> list[str]:
    """The student's own code cells before the answer cell (helpers, imports), without IPython magics."""
    ours = set(NOT_OURS) | {answer_cell_id(q.id) for q in bank.questions} | {check_cell_id(q.id) for q in bank.questions}
    out = []
    for cell in nb.cells[:upto]:
        if cell.cell_type == "code" and cell.get("id") not in ours:
            out.append("\n".join(line for line in cell.source.splitlines() if not re.match(r"\s*[%!]", line)))
    return out


def _grade_code(q, nb, bank, index, cwd) -> tuple[str, str, str]:
    if index is None:
        return "unanswered", "", f"no answer cell defines `{q.function_name}`"
    verdict = q.evaluate_source(_context(nb, bank, index) + [nb.cells[index].source], cwd=cwd)
    return verdict.status, f"your function {q.function_name}", verdict.detail


def grade_submission_answers(nb, bank, extracted: dict, marks: dict, cwd=None) -> list[Graded]:
    """Grade every question of `bank` from the executed notebook `nb` and the answers its last cell
    printed (`extracted`: question id -> encoded value). `marks`: question id -> rubric marks, from
    the instructor's marking sheet. `cwd`: the submission's scratch folder, where code answers run."""
    cells = answer_cells(nb, bank)
    rows = []
    for q in bank.questions:
        base = dict(question=q.id, kind=q.kind, difficulty=q.difficulty, topics=q.topics, max=q.points)
        index = cells.get(q.id)
        error = _error_of(nb.cells[index]) if index is not None else ""
        if error:
            rows.append(Graded(**base, status="unanswered", points=0, detail=f"the answer cell raised {error}"))
            continue
        if q.kind == "code":
            status, shown, detail = _grade_code(q, nb, bank, index, cwd)
            rows.append(Graded(**base, status=status, points=q.points if status == "correct" else 0, answer=shown,
                               detail=detail))
            continue
        value = decode(extracted.get(q.id, {"type": "missing"}))
        if value is MISSING:
            rows.append(Graded(**base, status="unanswered", points=0, detail="the answer name was never set"))
            continue
        parsed, verdict = q.parse(value)
        if verdict is not None:
            rows.append(Graded(**base, status=verdict.status, points=0, detail=verdict.detail))
            continue
        if q.kind == "explain":
            given = marks.get(q.id)
            if given is None:
                rows.append(Graded(**base, status="awaiting marking", points=None, answer=q.show(parsed), text=parsed))
            else:
                rows.append(Graded(**base, status="marked", points=q.points_for(given), answer=q.show(parsed),
                                   marks=tuple(given), text=parsed))
            continue
        verdict = q.grade(parsed)
        rows.append(Graded(**base, status=verdict.status, points=q.points if verdict.status == "correct" else 0,
                           answer=q.show(parsed), detail=verdict.detail, hint=verdict.hint))
    return rows
