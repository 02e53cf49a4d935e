"""What the gradebook writes for the teacher, from the graded results (gradebook.py).

    grades_wide.csv      a row per submission: student, file, quiz, one column per question (points;
                         empty if blank; "awaiting marking"), total, max, percent, awaiting, status, problems
    grades_long.csv      a row per submission and question: status, points, the answer, what happened
    question_stats.csv   per question: submissions, share blank, mean points and share correct among those
                         who answered (blanks are left out of the means, and so are answers awaiting
                         marking), and discrimination
    feedback/<student>.md   per submission: each answer, its verdict, the explanation or the model answer
                         and rubric, and the sections to revisit
    marking.csv          every explain answer with its rubric and a `marks` column for the instructor
                         ("1 0 1 1", one 0/1 per item); marks already given are kept when it is rewritten
    summary.txt          the class in plain text: counts, mean and spread, hardest questions, problems

Discrimination is the corrected item-total correlation: Pearson's r between a question's fraction of
points and the student's percentage on the rest of the quiz, over the submissions that answered it
(graded, not awaiting marking); empty when fewer than 3 or when either is constant. Near 0 or negative:
the question does not separate strong from weak students (ambiguous, or mis-keyed). See e.g. Crocker &
Algina, Introduction to Classical and Modern Test Theory (1986), ch. 14.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import defaultdict
from pathlib import Path

from .bank import find_question, get_bank
from .report import STATUS_TEXT

__all__ = ["MARKING_SHEET", "SUMMARY", "read_marks", "question_stats", "discrimination", "write_all"]

WIDE, LONG, STATS, MARKING_SHEET, SUMMARY, FEEDBACK = (
    "grades_wide.csv", "grades_long.csv", "question_stats.csv", "marking.csv", "summary.txt", "feedback")
LOW_DISCRIMINATION = 0.1
ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "⏳", "invalid": "⚠️", "awaiting marking": "📝", "marked": "📝"}


def _num(x) -> str:
    return "" if x is None or x == "" else f"{x:g}" if isinstance(x, (int, float)) else str(x)


def _parse_marks(text: str):
    digits = re.findall(r"[01]", text) if re.fullmatch(r"[\s,;01]*", text) else None
    return tuple(int(d) for d in digits) if digits else None


def read_marks(path) -> dict:
    """(student, question id) -> rubric marks, from a filled marking sheet (missing file: no marks).
    A row whose marks do not fit its rubric stops the gradebook with the row named."""
    path = Path(path)
    if not path.exists():
        return {}
    marks = {}
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), 2):
            text = (row.get("marks") or "").strip()
            if not text:
                continue
            _, q = find_question(row.get("question", ""))
            parsed = _parse_marks(text)
            if q is None or q.kind != "explain":
                raise SystemExit(f"{path}, line {line}: {row.get('question')!r} is not an explain question of the bank")
            if parsed is None or len(parsed) != len(q.rubric):
                raise SystemExit(f"{path}, line {line}: marks must be {len(q.rubric)} zeros and ones for {q.id} "
                                 f"(e.g. \"{' '.join(['1'] * len(q.rubric))}\"), but got {text!r}")
            marks[(row["student"], q.id)] = parsed
    return marks


def _file(result, root) -> str:
    p = result.submission.path
    return p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)


def _percent(result) -> float:
    return round(100 * result.total / result.max, 1) if result.max else 0.0


def _cell(row) -> str:
    if row.status == "unanswered":
        return ""
    return "awaiting marking" if row.points is None else _num(row.points)


def _question_columns(results) -> list:
    seen = []
    for quiz in dict.fromkeys(r.quiz for r in results if r.quiz):
        seen += [q.id for q in get_bank(quiz).questions]
    return seen


def write_wide(results, path, root) -> None:
    columns = _question_columns(results)
    fields = ["student", "file", "quiz", *columns, "total", "max", "percent", "awaiting_marking", "status", "problems"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in results:
            row = {"student": r.submission.student, "file": _file(r, root), "quiz": r.quiz, "status": r.status,
                   "problems": "; ".join(r.problems)}
            if not r.fatal:
                row.update({g.question: _cell(g) for g in r.rows})
                row.update(total=_num(r.total), max=r.max, percent=_num(_percent(r)),
                           awaiting_marking=sum(g.status == "awaiting marking" for g in r.rows))
            writer.writerow(row)


def write_long(results, path, root) -> None:
    fields = ["student", "file", "quiz", "question", "kind", "difficulty", "topics", "status", "points", "max",
              "answer", "detail"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in results:
            for g in r.rows:
                writer.writerow({"student": r.submission.student, "file": _file(r, root), "quiz": r.quiz,
                                 "question": g.question, "kind": g.kind, "difficulty": g.difficulty,
                                 "topics": "; ".join(g.topics), "status": g.status, "points": _num(g.points),
                                 "max": g.max, "answer": g.answer, "detail": "; ".join(x for x in (g.hint, g.detail) if x)})


def discrimination(item, rest):
    """Pearson's r between item scores and rest scores; None when undefined (n < 3 or no spread)."""
    if len(item) < 3 or len(set(item)) < 2 or len(set(rest)) < 2:
        return None
    return round(statistics.correlation(item, rest), 3)


def question_stats(results) -> list[dict]:
    graded = [r for r in results if not r.fatal]
    out = []
    for qid in _question_columns(graded):
        entries = [(r, g) for r in graded for g in r.rows if g.question == qid]
        if not entries:
            continue
        first = entries[0][1]
        answered = [(r, g) for r, g in entries if g.status != "unanswered"]
        scored = [(r, g) for r, g in answered if g.points is not None]
        points = [g.points for _, g in scored]
        item = [g.points / g.max for _, g in scored]
        rest = [100 * (r.total - g.points) / (r.max - g.max) if r.max > g.max else 0.0 for r, g in scored]
        out.append({
            "quiz": entries[0][0].quiz, "question": qid, "kind": first.kind, "difficulty": first.difficulty, "max": first.max,
            "submissions": len(entries), "answered": len(answered),
            "share_blank": round(1 - len(answered) / len(entries), 3),
            "awaiting_marking": sum(g.status == "awaiting marking" for _, g in entries),
            "mean_points": round(statistics.fmean(points), 3) if points else "",
            "mean_fraction": round(statistics.fmean(item), 3) if item else "",
            "share_correct": round(sum(g.points == g.max for _, g in scored) / len(scored), 3) if scored else "",
            "discrimination": _num(discrimination(item, rest)),
        })
    return out


def _write_rows(rows, path, fields=None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields or (list(rows[0]) if rows else ["quiz"]))
        writer.writeheader()
        writer.writerows(rows)


def write_marking_sheet(results, path, marks, root) -> int:
    rows = []
    for r in results:
        for g in r.rows:
            if g.kind != "explain" or g.status not in ("awaiting marking", "marked"):
                continue
            _, q = find_question(g.question)
            given = marks.get((r.submission.student, g.question))
            rows.append({"student": r.submission.student, "file": _file(r, root), "quiz": r.quiz, "question": g.question,
                         "points": g.max, "rubric": " | ".join(f"{i}. {item}" for i, item in enumerate(q.rubric, 1)),
                         "answer": g.text, "marks": " ".join(map(str, given)) if given else ""})
    _write_rows(rows, path, ["student", "file", "quiz", "question", "points", "rubric", "answer", "marks"])
    return sum(not row["marks"] for row in rows)


def feedback_markdown(result, root) -> str:
    bank = get_bank(result.quiz)
    questions = {q.id: q for q in bank.questions}
    lines = [f"# {bank.title}: feedback for {result.submission.student}", "",
             f"File: `{_file(result, root)}`. Score: **{result.total:g} / {result.max} points ({_percent(result):g}%)**."]
    awaiting = [g.question for g in result.rows if g.status == "awaiting marking"]
    if awaiting:
        lines.append(f"{len(awaiting)} explain answer(s) await marking; their points are not counted yet.")
    if result.problems:
        lines += ["", "Problems while grading: " + "; ".join(result.problems)]
    revisit = {}
    for number, g in enumerate(result.rows, 1):
        q = questions[g.question]
        lines += ["", f"## {number}. `{q.id}` · {q.header()}", "", q.body_markdown(), ""]
        shown = g.answer or "(none)"
        if q.kind in ("single choice", "multiple choice") and g.status in ("correct", "wrong"):
            shown = "; ".join(f"{x}. {q.options[q.letters.index(x)]}" for x in re.findall(r"[a-h]", g.answer))
        lines.append(f"- Your answer: {shown}")
        verdict = STATUS_TEXT.get(g.status, g.status) if g.status != "awaiting marking" else "awaiting marking"
        lines.append(f"- {ICONS.get(g.status, '')} {verdict}: {_num(g.points) or 0} / {g.max}"
                     + (f" ({'; '.join(x for x in (g.hint, g.detail) if x)})" if g.hint or g.detail else ""))
        if q.kind == "explain":
            ticks = g.marks or (None,) * len(q.rubric)
            lines += ["- Rubric:"] + [f"  {i}. {'✔' if m else '✘' if m == 0 else '·'} {item}"
                                      for i, (item, m) in enumerate(zip(q.rubric, ticks), 1)]
            lines.append(f"- Model answer: {q.model_answer}")
        else:
            lines.append(f"- Why: {q.explanation}")
        if g.points is not None and g.points < g.max:
            revisit.setdefault((q.lesson, q.section), []).append(q.id)
    if revisit:
        lines += ["", "## Sections to revisit", ""]
        lines += [f"- lesson {lesson}, section \"{section}\": {', '.join(ids)}" for (lesson, section), ids in revisit.items()]
    return "\n".join(lines) + "\n"


def summary_text(results, stats, root, seconds=None, jobs=1, unmarked=0, marking_path=None) -> str:
    graded = [r for r in results if not r.fatal]
    quizzes = ", ".join(dict.fromkeys(r.quiz for r in graded)) or "none"
    timing = f" in {seconds:.1f} s with {jobs} job{'s' if jobs != 1 else ''}" if seconds is not None else ""
    lines = [f"Gradebook: {len(results)} submissions in {root} (quiz {quizzes}): {len(graded)} graded, "
             f"{len(results) - len(graded)} could not be graded{timing}."]
    if graded:
        pct = [_percent(r) for r in graded]
        lines.append(f"Class: mean {statistics.fmean(pct):.1f}%, median {statistics.median(pct):.1f}%, "
                     f"min {min(pct):g}%, max {max(pct):g}% (blank answers count 0 in a student's total).")
    if unmarked:
        lines.append(f"Awaiting marking: {unmarked} explain answers earn nothing yet: fill the `marks` column of "
                     f"{marking_path} (one 0/1 per rubric item) and run the gradebook again.")
    ranked = sorted((s for s in stats if s["share_correct"] != ""), key=lambda s: (s["share_correct"], s["question"]))
    if ranked:
        lines.append("Hardest questions (share correct among those who answered; share blank):")
        lines += [f"  {s['question']:<34} {s['share_correct']:.0%} correct, {s['share_blank']:.0%} blank" for s in ranked[:5]]
    flat = [s["question"] for s in stats if s["discrimination"] != "" and float(s["discrimination"]) < LOW_DISCRIMINATION]
    if flat:
        lines.append(f"Low discrimination (< {LOW_DISCRIMINATION}): {', '.join(flat)}: check their wording and keys.")
    problems = [r for r in results if r.problems]
    if problems:
        lines.append("Problems:")
        lines += [f"  {r.submission.student}: {'; '.join(r.problems)}" for r in problems]
    return "\n".join(lines) + "\n"


def write_all(results, out, root, marks_path=None, seconds=None, jobs=1) -> list[Path]:
    """Write every report into the folder `out`; return the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    marks_path = Path(marks_path) if marks_path else out / MARKING_SHEET
    marks = read_marks(marks_path)
    write_wide(results, out / WIDE, root)
    write_long(results, out / LONG, root)
    stats = question_stats(results)
    _write_rows(stats, out / STATS)
    feedback = out / FEEDBACK
    feedback.mkdir(exist_ok=True)
    counts = defaultdict(int)
    for r in results:
        counts[r.submission.student] += 1
    for r in results:
        if not r.fatal:
            name = r.submission.student if counts[r.submission.student] == 1 else f"{r.submission.student}__{r.quiz}"
            (feedback / f"{name}.md").write_text(feedback_markdown(r, root), encoding="utf-8")
    unmarked = write_marking_sheet(results, out / MARKING_SHEET, marks, root)
    (out / SUMMARY).write_text(summary_text(results, stats, root, seconds, jobs, unmarked, out / MARKING_SHEET),
                               encoding="utf-8")
    return [out / WIDE, out / LONG, out / STATS, feedback, out / MARKING_SHEET, out / SUMMARY]
