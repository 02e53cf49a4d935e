"""Fresh numbers: numeric questions with a generator are asked with new params in the mock interview,
their answers computed; the quiz notebook keeps the bank's own params and its sealed key."""

from __future__ import annotations

import numpy as np
import pytest

from hpo_mini.quiz import mock_interview
from hpo_mini.quiz.bank import all_questions, all_quizzes, question_from_data
from hpo_mini.quiz.fresh import fresh_instance, placeholders, render

pytestmark = pytest.mark.usefixtures("log_file")

GENERATED = [q for q in all_questions() if getattr(q, "generator", None) is not None]


def _right(q, answer):
    return int(round(answer)) if q.exact else answer


def test_every_quiz_has_at_least_one_generated_question():
    per_quiz = {quiz_id: sum(getattr(q, "generator", None) is not None for q in bank.questions)
                for quiz_id, bank in all_quizzes().items()}
    for quiz_id in ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "13"):
        matches = [qid for qid in per_quiz if qid.startswith(quiz_id + "_")]
        assert matches and per_quiz[matches[0]] >= 1, f"quiz {quiz_id} has no numeric question with a generator"
    assert len(GENERATED) >= 11


@pytest.mark.parametrize("q", GENERATED, ids=lambda q: q.id)
def test_the_generator_agrees_with_the_sealed_key_on_the_banks_own_params(q):
    """The quiz notebook's instance: the generator's computed answer for the bank's params is the key."""
    assert q.evaluate(_right(q, q.generator.answer(q.params))).status == "correct"
    assert placeholders(q.template) <= set(q.params) and q.prompt == render(q.template, q.params, q.id)


@pytest.mark.parametrize("q", GENERATED, ids=lambda q: q.id)
def test_two_seeds_give_different_numbers_and_each_answer_is_graded_right_and_the_other_wrong(q):
    a, b = fresh_instance(q, np.random.default_rng(1)), None
    for seed in range(2, 40):  # the first seed whose numbers and answer differ from seed 1's
        b = fresh_instance(q, np.random.default_rng(seed))
        if b.params != a.params and b.generator.answer(b.params) != a.generator.answer(a.params):
            break
    answer_a, answer_b = (_right(q, x.generator.answer(x.params)) for x in (a, b))
    assert a.prompt != b.prompt and a.fresh and b.fresh
    assert a.evaluate(answer_a).status == "correct" and b.evaluate(answer_b).status == "correct"
    tol = max(q.tolerance(answer_a), q.tolerance(answer_b)) if not q.exact else 0
    if abs(answer_a - answer_b) > 2 * tol:  # a stale answer from the other draw is wrong
        assert a.evaluate(answer_b).status == "wrong" and b.evaluate(answer_a).status == "wrong"
    assert q.evaluate(_right(q, q.generator.answer(q.params))).status == "correct"  # the bank's question is untouched
    assert a.explanation.startswith("For these numbers: ")


def test_a_mock_draws_fresh_numbers_per_seed_and_grades_the_drawn_ones():
    q = next(q for q in GENERATED if q.id == "q03.grid_size")
    prompts, graded = set(), []
    for seed in range(6):
        mock = mock_interview(question_ids=[q.id], seed=seed, log=False)
        asked = mock.questions[q.id]
        prompts.add(asked.prompt)
        graded.append(mock.feedback(q.id, asked.generator.answer(asked.params)).startswith("✅"))
    assert len(prompts) >= 3 and all(graded)
    same = [mock_interview(question_ids=[q.id], seed=4, log=False).questions[q.id].prompt for _ in range(2)]
    assert same[0] == same[1]  # the same seed gives the same numbers
    fixed = mock_interview(question_ids=[q.id], seed=4, log=False, fresh=False).questions[q.id]
    assert fixed.prompt == q.prompt


@pytest.mark.parametrize("prompt, params, message", [
    ("n = {n} and {m}", {"n": 1}, "name no param"),
    ("a set {a, b}", {"n": 1}, "name no param"),
    ("a lone { brace", {"n": 1}, "literal brace"),
    ("{n:.2f}", {"n": "text"}, "cannot fill"),
])
def test_a_bad_template_is_an_error_naming_the_question(prompt, params, message):
    entry = {"id": "q77.n", "kind": "numeric", "difficulty": "E", "section": "s", "topics": ["t"], "hint": "h",
             "prompt": prompt, "explanation": "e", "params": params, "rel_tol": 0.01, "digits": 3}
    with pytest.raises(ValueError) as info:
        question_from_data(entry, "77", {"s": "S"}, source="q77_x.toml")
    assert "q77.n" in str(info.value) and message in str(info.value)
