"""The answer keys: one readable source, from which everything that needs a key is built.

The source is `solutions/keys/qNN_<stem>.py`, which defines

    ANSWERS = {"q99.count": 42, "q99.pick": "b", "q99.picks": {"a", "c"}, "q99.ratio": 0.4721,
               "q99.code_f": '''def f(x): ...''', ...}          # (made-up ids and answers)

with one answer for every question a key grades (choice, numeric, code); explain questions have a
rubric instead (in the bank's TOML). Built from it:
- the sealed keys the self-check quiz compares with, `hpo_mini/quiz/bank/sealed/qNN_<stem>.json`
  (`python -m hpo_mini.quiz.build` writes them; a test says when they are stale);
- the answered solution notebooks in solutions/ (build.py);
- the printed answer key for the instructor (handout.py);
and the exam handout leaves all of them out (handout.py, tested by searching the bundle for every key).
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

from .sealing import canonical_letters, hash_answer, seal

__all__ = ["KEYS_DIR", "SEALED_DIR", "key_path", "read_answers", "seal_answer", "seal_bank", "read_sealed",
           "write_sealed"]

KEYS_DIR = Path("solutions") / "keys"  # relative to the repository root
SEALED_DIR = Path(__file__).resolve().parent / "bank" / "sealed"


def key_path(quiz_id: str, root=".") -> Path:
    return Path(root) / KEYS_DIR / f"q{quiz_id}.py"


def read_answers(quiz_id: str, root=".") -> dict:
    """The readable answers of one quiz (the key file is a plain Python file, never imported by the package)."""
    path = key_path(quiz_id, root)
    if not path.exists():
        raise FileNotFoundError(f"no answer key {path}: the instructor's keys live in the course repository "
                                f"(run from its root, or pass root=)")
    return runpy.run_path(str(path))["ANSWERS"]


def seal_answer(question, answer) -> str | None:
    """The stored form of one answer: a salted hash (choice, whole number), a sealed number
    (tolerance), or None (code and explain questions are checked by code or marked)."""
    if question.kind in ("single choice", "multiple choice"):
        return hash_answer(question.id, canonical_letters(answer))
    if question.kind == "numeric":
        if question.exact:
            if float(answer) != int(answer):
                raise ValueError(f"{question.id} is exact (a whole number), but its key is {answer!r}")
            return hash_answer(question.id, str(int(answer)))
        return seal(question.id, float(answer))
    return None


def seal_bank(bank, answers: dict) -> dict:
    """question id -> sealed key for every choice and numeric question of `bank`; the key file must
    answer every question a key grades (code included) and nothing else."""
    graded = {q.id for q in bank.questions if q.kind != "explain"}
    missing, extra = sorted(graded - set(answers)), sorted(set(answers) - graded)
    if missing or extra:
        raise ValueError(f"{key_path(bank.quiz_id)}: " + "; ".join(
            part for part in (f"no answer for {missing}" if missing else "",
                              f"answers for questions that a key does not grade or that do not exist: {extra}" if extra else "")
            if part))
    sealed = {}
    for q in bank.questions:
        stored = seal_answer(q, answers[q.id]) if q.id in answers else None
        if stored is not None:
            sealed[q.id] = stored
    return sealed


def sealed_path(quiz_id: str) -> Path:
    return SEALED_DIR / f"q{quiz_id}.json"


def read_sealed(quiz_id: str) -> dict | None:
    """The sealed keys shipped with the package, or None (an exam handout ships none)."""
    path = sealed_path(quiz_id)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_sealed(quiz_id: str, sealed: dict) -> Path:
    path = sealed_path(quiz_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sealed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
