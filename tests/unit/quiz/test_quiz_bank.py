"""Every question in the bank: the key's answer is ✅, wrong answers are ❌, the placeholder is ⏳,
a wrong type gets a clear message (never a traceback), the precision a question asks for is accepted,
and near misses get a hint a rule can tell."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from hpo_mini.quiz import load_quiz
from hpo_mini.quiz.bank import all_questions, all_quizzes
from hpo_mini.quiz.keys import read_answers
from hpo_mini.quiz.sealing import unseal

ROOT = Path(__file__).resolve().parents[3]
QUESTIONS = all_questions()
IDS = [q.id for q in QUESTIONS]


@pytest.fixture(autouse=True)
def _no_practice_log(monkeypatch, tmp_path):
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(tmp_path / "practice.jsonl"))


def key_answers(quiz_id):
    return read_answers(quiz_id, ROOT)


def quiz_of(q):
    return next(qid for qid, bank in all_quizzes().items() if q in bank.questions)


def reference(q):
    """The key's answer (an explain question's: its model answer)."""
    if q.kind == "explain":
        return q.model_answer
    answer = key_answers(quiz_of(q))[q.id]
    if q.kind == "code":
        namespace = {}
        exec(answer, namespace)
        return namespace[q.function_name]
    return answer


def status(q, answer):
    return q.evaluate(answer).status


def test_bank_has_at_least_12_questions_per_quiz_mixing_every_kind_and_difficulty():
    for quiz_id, bank in all_quizzes().items():
        qs = bank.questions
        assert bank.keyed, f"{quiz_id}: no sealed keys in this install"
        assert len(qs) >= 12, quiz_id
        assert {q.kind for q in qs} == {"single choice", "multiple choice", "numeric", "code", "explain"}, quiz_id
        assert {q.difficulty for q in qs} == {"E", "M", "H"}, quiz_id
        for q in qs:
            assert q.id.startswith(f"q{bank.lesson}."), q.id
            assert q.section in bank.sections.values(), q.id
            assert q.topics and q.hint, q.id
            assert q.explanation if q.kind != "explain" else (q.model_answer and 3 <= len(q.rubric) <= 5), q.id


def test_answer_names_are_distinct_within_a_quiz_and_never_the_old_shared_name():
    for quiz_id, bank in all_quizzes().items():
        names = [q.answer_name for q in bank.questions]
        assert len(set(names)) == len(names), f"{quiz_id}: two questions bind the same answer name"
        assert "answer" not in names and all(n.isidentifier() for n in names), quiz_id


def test_every_graded_question_has_an_answer_in_the_key_and_nothing_else():
    for quiz_id, bank in all_quizzes().items():
        assert set(key_answers(quiz_id)) == {q.id for q in bank.questions if q.kind != "explain"}, quiz_id


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_reference_answer_is_correct(q):
    expected = "written" if q.kind == "explain" else "correct"
    assert status(q, reference(q)) == expected


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_placeholder_is_not_answered(q):
    assert status(q, ...) == "unanswered"
    if q.kind == "code":
        namespace = {}
        exec(q.stub, namespace)  # the stub the notebook shows
        assert status(q, namespace[q.function_name]) == "unanswered"
    else:
        namespace = {}
        exec(q.answer_template(), namespace)  # the answer cell as the quiz notebook has it
        assert status(q, namespace[q.answer_name]) == "unanswered"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "single choice"], ids=lambda q: q.id)
def test_single_choice_exactly_one_letter_is_correct(q):
    results = {letter: status(q, letter) for letter in q.letters}
    assert sorted(results.values()).count("correct") == 1
    assert set(results.values()) == {"correct", "wrong"}
    assert status(q, f"  {reference(q).upper()} ") == "correct"  # case and spaces do not matter


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "multiple choice"], ids=lambda q: q.id)
def test_multiple_choice_exactly_one_subset_is_correct(q):
    subsets = [set(c) for r in range(1, len(q.letters) + 1) for c in itertools.combinations(q.letters, r)]
    correct = [s for s in subsets if status(q, s) == "correct"]
    assert correct == [set(reference(q))]
    key = sorted(reference(q))
    assert status(q, key) == status(q, tuple(key)) == status(q, ",".join(key)) == "correct"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "numeric"], ids=lambda q: q.id)
def test_numeric_tolerance_and_wrong_values(q):
    ref = reference(q)
    if q.exact:
        assert status(q, ref + 1) == status(q, ref - 1) == "wrong"
        assert status(q, float(ref)) == "correct"  # 90.0 is the whole number 90
        assert status(q, ref + 0.5) == "invalid"
    else:
        true = unseal(q.id, q.key)
        tol = max(q.abs_tol, q.rel_tol * abs(true))
        assert status(q, true + 0.9 * tol) == status(q, true - 0.9 * tol) == "correct"
        assert status(q, true + 1.5 * tol) == status(q, true - 1.5 * tol) == "wrong"
    assert status(q, 10 * ref + 7) == "wrong"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "code"], ids=lambda q: q.id)
def test_code_generic_wrong_answer(q):
    assert status(q, lambda *args: 0.123) == "wrong"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "explain"], ids=lambda q: q.id)
def test_explain_is_never_graded_correct_by_itself(q):
    assert status(q, "I am not sure, sorry, really.") == "written"  # written, awaiting marking: no points
    assert status(q, "x y z w v") == "written"
    assert status(q, "random") == "invalid"  # too short to count as an answer
    assert q.points_for([0] * len(q.rubric)) == 0 and q.points_for([1] * len(q.rubric)) == q.points


NUMERIC = [q for q in QUESTIONS if q.kind == "numeric" and not q.exact]


def _round_to_precision(q, x):
    if q.digits is not None:
        return float(f"{x:.{q.digits}g}")
    return round(x, q.decimals)


@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.id)
def test_the_precision_a_question_asks_for_is_accepted(q):
    """An answer given at the stated precision passes, even with the worst rounding of the last digit."""
    true = unseal(q.id, q.key)
    rounded = _round_to_precision(q, true)
    assert status(q, rounded) == "correct", (q.id, rounded, q.precision_text())
    half_unit = (0.5 * 10 ** (math.floor(math.log10(abs(true))) - q.digits + 1) if q.digits is not None
                 else 0.5 * 10 ** -q.decimals)
    assert half_unit <= q.tolerance(true) * (1 + 1e-9), f"{q.id}: {q.precision_text()} cannot always meet the tolerance"


@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.id)
def test_the_tolerance_shown_is_the_real_one(q):
    header = q.header()
    assert q.precision_text() in header
    shown = re.search(r"within ±(?:max\()?([0-9.e-]+)(%?)", header)
    assert shown, header
    value = float(shown.group(1)) / (100 if shown.group(2) else 1)
    assert value == pytest.approx(q.rel_tol if shown.group(2) else q.abs_tol, rel=1e-12), header
    assert "within 0%" not in header


def test_near_misses_get_a_rule_based_hint():
    quiz = load_quiz("05", log=False)
    rounded = quiz.feedback("q05.ei_value", 0.04)  # the key is 0.0396 (3 significant digits asked)
    assert rounded.startswith("❌ not yet — close — check your rounding (this question asks for 3 significant digits")
    quiz = load_quiz("03", log=False)
    percent = quiz.feedback("q03.p_top5_60", 95.39)  # a percentage for a probability
    assert percent.startswith("❌ not yet — off by a factor of 100 (too large) — units?")
    assert quiz.feedback("q03.grid_size", 15624).startswith("❌ not yet — off by one")
    assert quiz.feedback("q03.when_grid", {"a"}).startswith("❌ not yet — close — exactly one letter is missing or one is extra")
    far = quiz.feedback("q03.linear_fraction", 0.3)  # a wrong idea: the question's own hint
    assert far.startswith(f"❌ not yet — hint: {quiz.questions['q03.linear_fraction'].hint}")


WRONG_TYPES = {
    "single choice": [["a"], 1, None, {"a"}],
    "multiple choice": [3, [1, 2], None, {"a": 1}],
    "numeric": ["0.5", [1.0], True, None, float("nan")],
    "code": ["def f(): pass", 42, None],
    "explain": [42, ["some words in a list"], None],
}


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_wrong_types_get_a_clear_message_and_do_not_count(q):
    quiz = load_quiz(quiz_of(q), log=False)
    for bad in WRONG_TYPES[q.kind]:
        text = quiz.feedback(q.id, bad)
        assert text.startswith("⚠️ "), text
        assert "not counted as an attempt" in text
        assert "Traceback" not in text
    assert quiz.attempts[q.id] == 0


def test_choice_letter_out_of_range_is_a_clear_message():
    quiz = load_quiz("03", log=False)
    assert quiz.feedback("q03.random_vs_grid", "z").startswith("⚠️ 'z' is not an option: choose from a, b, c, d")


def a_wrong_answer(q):
    """A wrong answer that no near-miss rule explains."""
    if q.kind == "single choice":
        return next(letter for letter in q.letters if status(q, letter) == "wrong")
    if q.kind == "multiple choice":
        wrong = [set(c) for r in (1, 2, 3) for c in itertools.combinations(q.letters, r)]
        return next(s for s in wrong if q.evaluate(s).status == "wrong" and not q.evaluate(s).hint)
    if q.kind == "numeric":
        r = reference(q)
        candidates = [7 * r + 13, 11 * r + 777] if q.exact else [3.7 * r + 1234.5, -2.3 * r - 987.6, 5.1 * r + 31.7]
        return next(c for c in candidates if q.evaluate(c).status == "wrong" and not q.evaluate(c).hint)
    return lambda *args: 0.123


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind != "explain"], ids=lambda q: q.id)
def test_hints_point_at_a_section_not_at_the_answer(q):
    quiz = load_quiz(quiz_of(q), log=False)
    wrong = a_wrong_answer(q)
    text = quiz.feedback(q.id, wrong)
    assert text.startswith(f"❌ not yet — hint: {q.hint} (see lesson {q.lesson}, section \"{q.section}\")")
    assert "Why:" not in text  # the explanation waits for a correct answer or the last attempt
    if q.kind in ("single choice", "multiple choice"):
        assert repr(reference(q)) not in q.hint


def _lesson_headings(lesson):
    import nbformat

    paths = sorted((ROOT / "lessons").glob(f"{lesson}_*.ipynb"))
    if not paths:
        return None
    nb = nbformat.read(paths[0], as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("bank", list(all_quizzes().values()), ids=lambda b: b.quiz_id)
def test_section_titles_are_headings_of_the_lesson(bank):
    text = _lesson_headings(bank.lesson)
    if text is None:
        pytest.skip(f"lessons/{bank.lesson}_*.ipynb is not written yet")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    missing = [t for t in bank.sections.values() if not any(t.lower() in h.lower() for h in headings)]
    assert not missing, f"{bank.quiz_id}: section titles not found among lesson headings: {missing}"
