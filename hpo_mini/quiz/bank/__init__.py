"""The question bank: one module per quiz, named qNN_<lesson stem>.py.

Each module defines
    QUIZ_ID   = "03_grid_and_random"          # the lesson stem
    TITLE     = "Quiz 03: grid and random search"
    LESSON    = "03"
    SECTIONS  = {...}                          # short key -> the lesson's section title
    QUESTIONS = [SingleChoice(...), ...]       # in the order the notebook asks them

A new quiz is a new module here plus `python -m hpo_mini.quiz.build NN_stem`, which writes the
quiz notebook and (with an answer key in solutions/keys/) its answered twin.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["quiz_modules", "get_bank", "all_questions", "normalize_quiz_id"]


def quiz_modules() -> dict:
    """QUIZ_ID -> module, for every bank module in this package."""
    out = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("q") and info.name[1:3].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            out[module.QUIZ_ID] = module
    return out


def normalize_quiz_id(name: str) -> str:
    """'03', 'q03', '03_grid_and_random' or 'q03_grid_and_random' -> '03_grid_and_random'."""
    modules = quiz_modules()
    key = str(name).strip()
    key = key[1:] if key[:1] in ("q", "Q") and key[1:3].isdigit() else key
    if key in modules:
        return key
    matches = [qid for qid in modules if qid.split("_")[0] == key or qid.startswith(key + "_")]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"no quiz named {name!r}; the bank has {sorted(modules)}")


def get_bank(quiz_id):
    return quiz_modules()[normalize_quiz_id(quiz_id)]


def all_questions() -> list:
    """Every question of every quiz, in quiz order."""
    return [q for module in quiz_modules().values() for q in module.QUESTIONS]
