"""The bank is data: TOML files the writer round-trips, sealed keys built from the one key source and
never stale, and a loader that names what is wrong in a bank file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpo_mini.quiz import bankfile, keys
from hpo_mini.quiz.bank import BANK_DIR, all_quizzes, read_bank
from hpo_mini.quiz.kinds import Numeric

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(BANK_DIR.glob("q[0-9][0-9]_*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_writer_round_trips_every_bank_file(path):
    data = bankfile.read(path)
    assert bankfile.loads(bankfile.dumps(data)) == data


def test_the_writer_keeps_awkward_strings_exact():
    data = {"prompt": 'a "quoted" word, a \\ backslash, a tab\there, ' + "x " * 80 + 'and a last quote"',
            "stub": 'def f(x):\n    """doc"""\n    ...', "options": ["a", "b\n\nc"], "n": 1e-05, "flag": True}
    assert bankfile.loads(bankfile.dumps(data)) == data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sealed_keys_are_built_from_the_key_source_and_fresh(path):
    bank = read_bank(path, with_keys=False)
    expected = keys.seal_bank(bank, keys.read_answers(bank.quiz_id, ROOT))
    assert keys.read_sealed(bank.quiz_id) == expected, f"stale: run `python -m hpo_mini.quiz.build {bank.quiz_id[:2]}`"


def test_the_bank_modules_hold_checks_not_questions():
    import importlib

    for bank in all_quizzes().values():
        module = importlib.import_module(f"hpo_mini.quiz.bank.{bank.stem}")
        assert not hasattr(module, "QUESTIONS") and set(module.CHECKS) == {q.id for q in bank.questions if q.kind == "code"}
        text = Path(module.__file__).read_text()
        assert "sha256:" not in text and "obf:" not in text


def _bank_file(tmp_path, question, quiz="77_scratch"):
    data = {"quiz": quiz, "title": "Quiz 77", "lesson": "77", "sections": {"s": "A section"},
            "questions": [dict({"id": "q77.x", "difficulty": "E", "section": "s", "topics": ["t"], "prompt": "?",
                                "hint": "h", "explanation": "e"}, **question)]}
    path = tmp_path / f"q{quiz}.toml"
    bankfile.write(path, data)
    return path


def test_a_quiz_without_sealed_keys_loads_without_keys(tmp_path):
    bank = read_bank(_bank_file(tmp_path, {"kind": "single choice", "options": ["x", "y"]}))
    assert not bank.keyed and bank.questions[0].key is None
    assert bank.questions[0].evaluate("a").status == "recorded"


@pytest.mark.parametrize("question, message", [
    ({"kind": "single choice", "options": ["x", "y"], "answer": "a"}, "unknown fields ['answer']"),
    ({"kind": "essay"}, "kind must be one of"),
    ({"kind": "single choice", "options": ["x", "y"], "section": "nope"}, "section must be one of ['s']"),
    ({"kind": "numeric", "rel_tol": 0.01}, "state the precision asked for"),
    ({"kind": "code", "function_name": "f", "stub": "def g(): ..."}, "a stub that defines it"),
])
def test_the_loader_names_what_is_wrong(tmp_path, question, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_bank(_bank_file(tmp_path, question))


def test_a_numeric_question_states_its_precision_and_tolerance():
    q = Numeric(id="q77.n", prompt="?", points=1, difficulty="E", topics=("t",), lesson="77", section="s",
                rel_tol=0.0005, digits=4)
    assert q.header().startswith("numeric: give 4 significant digits (accepted within ±0.05% of the exact value)")
    with pytest.raises(ValueError, match="exact .* takes no tolerance"):
        Numeric(id="q77.n", prompt="?", points=1, difficulty="E", topics=("t",), lesson="77", section="s",
                exact=True, abs_tol=1.0)
