"""The question bank: one data file per quiz, code checks beside it, keys sealed from one source.

    bank/qNN_<stem>.toml        the questions as data: prompts, options, hints, explanations, rubrics
    bank/qNN_<stem>.py          CHECKS = {question id: checker} for its code exercises (and their references)
    bank/sealed/qNN_<stem>.json the sealed keys, written by `python -m hpo_mini.quiz.build` from
                                solutions/keys/qNN_<stem>.py (see keys.py)

An install without sealed keys and checks (the exam handout) loads the same questions without keys:
every answer is then "recorded" for the instructor's gradebook. README.md in this folder says how to
add a quiz.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..bankfile import read
from ..keys import read_sealed
from ..kinds import KINDS
from ..question import POINTS

__all__ = ["Bank", "BANK_DIR", "read_bank", "attach_generators", "all_quizzes", "get_bank", "all_questions", "find_question", "normalize_quiz_id",
           "question_from_data"]

BANK_DIR = Path(__file__).resolve().parent

# Fields a bank entry may have besides the common ones (id, kind, difficulty, section, topics, prompt,
# hint, explanation, points, max_attempts); anything else is a typo the loader names.
KIND_FIELDS = {
    "single choice": {"options"},
    "multiple choice": {"options"},
    "numeric": {"exact", "rel_tol", "abs_tol", "digits", "decimals", "example", "params"},
    "code": {"function_name", "stub", "time_limit"},
    "explain": {"model_answer", "rubric", "min_words", "follow_ups"},
}
COMMON_FIELDS = {"id", "kind", "difficulty", "section", "topics", "prompt", "hint", "explanation", "points", "max_attempts"}


@dataclass(frozen=True)
class Bank:
    """One quiz: its id (the lesson stem), title, lesson number, section titles and questions in order.
    `keyed` is False in an install without answer keys (the exam handout)."""

    quiz_id: str
    title: str
    lesson: str
    sections: dict
    questions: tuple
    keyed: bool
    path: Path

    @property
    def stem(self) -> str:
        return f"q{self.quiz_id}"


def question_from_data(entry: dict, lesson: str, sections: dict, source="the bank"):
    """A Question from one [[questions]] table of a bank file."""
    qid = entry.get("id", "?")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{source}, {qid}: kind must be one of {sorted(KINDS)}, but got {kind!r}")
    unknown = set(entry) - COMMON_FIELDS - KIND_FIELDS[kind]
    if unknown:
        raise ValueError(f"{source}, {qid}: unknown fields {sorted(unknown)} for a {kind} question")
    fields = {k: v for k, v in entry.items() if k not in ("kind", "section")}
    section = entry.get("section")
    if section not in sections:
        raise ValueError(f"{source}, {qid}: section must be one of {sorted(sections)}, but got {section!r}")
    fields.setdefault("points", POINTS.get(entry.get("difficulty"), 0))
    for name in ("topics", "options", "rubric", "follow_ups"):
        if name in fields:
            fields[name] = tuple(fields[name])
    try:
        return KINDS[kind](lesson=lesson, section=sections[section], **fields)
    except (TypeError, ValueError) as exc:
        text = str(exc)
        raise type(exc)(text if text.startswith(source) else f"{source}, {text}") from None


def attach_generators(questions, generators: dict, source: str) -> None:
    """Give each numeric question with `params` its generator from the bank module's GENERATORS,
    and lead its explanation with the answer the generator computes for the bank's own params."""
    from ..fresh import answer_text

    by_id = {q.id: q for q in questions}
    for qid, gen in generators.items():
        q = by_id.get(qid)
        if q is None or q.kind != "numeric" or q.params is None:
            raise ValueError(f"{source}: GENERATORS has {qid!r}, which is not a numeric question with params in "
                             f"the bank file; generators go with numeric questions whose prompt has placeholders")
        q.generator = gen
        q.explanation = f"For these numbers: {answer_text(q, gen.answer(q.params))}. {q.explanation}"


def read_bank(path, with_keys=True) -> Bank:
    """The bank in one TOML file; with_keys=False leaves the sealed keys and the checks out (build.py
    seals new keys from the questions alone)."""
    path = Path(path)
    data = read(path)
    quiz_id, lesson = data["quiz"], data["lesson"]
    questions = [question_from_data(entry, lesson, data["sections"], source=path.name) for entry in data["questions"]]
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: question ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    sealed = read_sealed(quiz_id) if with_keys else None
    keyed = sealed is not None
    if keyed:
        module = importlib.import_module(f"{__name__}.{path.stem}") if path.with_suffix(".py").exists() else None
        checks = module.CHECKS if module is not None else {}
        attach_generators(questions, getattr(module, "GENERATORS", {}), f"{path.stem}.py")
        for q in questions:
            if q.kind == "code":
                if q.id not in checks:
                    raise ValueError(f"{path.stem}.py has no check for {q.id}: add it to CHECKS")
                q.checker = checks[q.id]
            elif q.kind != "explain":
                if q.id not in sealed:
                    raise ValueError(f"no sealed key for {q.id}: run `python -m hpo_mini.quiz.build {quiz_id}`")
                q.key = sealed[q.id]
    return Bank(quiz_id, data["title"], lesson, dict(data["sections"]), tuple(questions), keyed, path)


@lru_cache(maxsize=1)
def all_quizzes() -> dict:
    """QUIZ_ID -> Bank for every qNN_<stem>.toml in this folder, in file order (read once per process)."""
    out = {}
    for path in sorted(BANK_DIR.glob("q[0-9][0-9]_*.toml")):
        bank = read_bank(path)
        out[bank.quiz_id] = bank
    return out


def normalize_quiz_id(name: str) -> str:
    """'03', 'q03', '03_grid_and_random' or 'q03_grid_and_random' -> '03_grid_and_random'."""
    quizzes = all_quizzes()
    key = str(name).strip()
    key = key[1:] if key[:1] in ("q", "Q") and key[1:3].isdigit() else key
    if key in quizzes:
        return key
    matches = [qid for qid in quizzes if qid.split("_")[0] == key or qid.startswith(key + "_")]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"no quiz named {name!r}; the bank has {sorted(quizzes)}")


def get_bank(quiz_id) -> Bank:
    return all_quizzes()[normalize_quiz_id(quiz_id)]


def all_questions() -> list:
    """Every question of every quiz, in quiz order."""
    return [q for bank in all_quizzes().values() for q in bank.questions]


def find_question(question_id: str):
    """(bank, question) for a question id, or (None, None)."""
    for bank in all_quizzes().values():
        for q in bank.questions:
            if q.id == question_id:
                return bank, q
    return None, None
