"""Every question in the bank: the key's answer is ✅, wrong answers are ❌, the placeholder is ⏳,
and a wrong type gets a clear message (never a traceback)."""

from __future__ import annotations

import itertools
import runpy
from pathlib import Path

import pytest

from hpo_mini.quiz import load_quiz
from hpo_mini.quiz.bank import all_questions, quiz_modules
from hpo_mini.quiz.sealing import unseal

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = all_questions()
IDS = [q.id for q in QUESTIONS]


@pytest.fixture(autouse=True)
def _no_practice_log(monkeypatch, tmp_path):
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(tmp_path / "practice.jsonl"))


def key_answers(quiz_id):
    return runpy.run_path(str(ROOT / "solutions" / "keys" / f"q{quiz_id}.py"))["ANSWERS"]


def reference(q):
    quiz_id = next(qid for qid, m in quiz_modules().items() if q in m.QUESTIONS)
    answer = key_answers(quiz_id)[q.id]
    if q.kind == "code":
        namespace = {}
        exec(answer, namespace)
        return namespace[q.function_name]
    return answer


def status(q, answer):
    return q.evaluate(answer).status


def test_bank_has_at_least_12_questions_per_quiz_mixing_every_kind_and_difficulty():
    for quiz_id, module in quiz_modules().items():
        qs = module.QUESTIONS
        assert len(qs) >= 12, quiz_id
        assert {q.kind for q in qs} == {"single choice", "multiple choice", "numeric", "code", "explain"}, quiz_id
        assert {q.difficulty for q in qs} == {"E", "M", "H"}, quiz_id
        assert len({q.id for q in qs}) == len(qs), f"duplicate ids in {quiz_id}"
        for q in qs:
            assert q.id.startswith(f"q{module.LESSON}."), q.id
            assert q.section in module.SECTIONS.values(), q.id
            assert q.topics and q.hint and q.explanation, q.id


def test_every_question_has_an_answer_in_the_key_and_nothing_else():
    for quiz_id, module in quiz_modules().items():
        assert set(key_answers(quiz_id)) == {q.id for q in module.QUESTIONS}, quiz_id


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_reference_answer_is_correct(q):
    expected = "done" if q.kind == "explain" else "correct"
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
        assert status(q, namespace["answer"]) == "unanswered"


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
def test_explain_is_never_graded_correct(q):
    assert status(q, "Random search, because it is better in most cases.") == "done"
    assert status(q, "random") == "invalid"  # too short to count as an answer
    assert 3 <= len(q.rubric) <= 5 and q.model_answer


WRONG_TYPES = {
    "single choice": [["a"], 1, None, {"a"}],
    "multiple choice": [3, [1, 2], None, {"a": 1}],
    "numeric": ["0.5", [1.0], True, None, float("nan")],
    "code": ["def f(): pass", 42, None],
    "explain": [42, ["some words in a list"], None],
}


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_wrong_types_get_a_clear_message_and_do_not_count(q):
    quiz = load_quiz(next(m.QUIZ_ID for m in quiz_modules().values() if q in m.QUESTIONS), log=False)
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
    if q.kind == "single choice":
        return next(letter for letter in q.letters if status(q, letter) == "wrong")
    if q.kind == "multiple choice":
        return {next(letter for letter in q.letters if status(q, {letter}) == "wrong")}
    if q.kind == "numeric":
        return 10 * reference(q) + 7
    return lambda *args: 0.123


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_hints_point_at_a_section_not_at_the_answer(q):
    quiz_id = next(m.QUIZ_ID for m in quiz_modules().values() if q in m.QUESTIONS)
    quiz = load_quiz(quiz_id, log=False)
    if q.kind == "explain":
        return
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


@pytest.mark.parametrize("module", list(quiz_modules().values()), ids=lambda m: m.QUIZ_ID)
def test_section_titles_are_headings_of_the_lesson(module):
    text = _lesson_headings(module.LESSON)
    if text is None:
        pytest.skip(f"lessons/{module.LESSON}_*.ipynb is not written yet")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    missing = [t for t in module.SECTIONS.values() if not any(t.lower() in h.lower() for h in headings)]
    assert not missing, f"{module.QUIZ_ID}: section titles not found among lesson headings: {missing}"
