"""Follow-up chains: the [[questions.follow_ups]] schema (parsed, validated, round-tripped by the bank
writer), and in the mock interview a missed rubric item leads to its follow-up, a full marking to none."""

from __future__ import annotations

import dataclasses

import pytest

from hpo_mini.quiz import bankfile, practice
from hpo_mini.quiz.bank import all_questions, question_from_data, read_bank
from hpo_mini.quiz.mock import MockInterview
from hpo_mini.quiz.question import FollowUp

pytestmark = pytest.mark.usefixtures("log_file")

SECTIONS = {"s": "A section"}


def _explain(follow_ups, rubric=("one", "two", "three")):
    return {"id": "q77.why", "kind": "explain", "difficulty": "M", "section": "s", "topics": ["t"],
            "prompt": "Why?", "hint": "h", "model_answer": "Because.", "rubric": list(rubric), "follow_ups": follow_ups}


def test_follow_ups_parse_into_the_question():
    q = question_from_data(_explain([{"rubric_item": 2, "prompt": "And two?", "model_answer": "Two because."}]),
                           "77", SECTIONS)
    assert q.follow_ups == (FollowUp(2, "And two?", "Two because."),)


@pytest.mark.parametrize("bad, message", [
    ({"rubric_item": 4, "prompt": "p", "model_answer": "m"}, "1 to 3"),
    ({"rubric_item": 0, "prompt": "p", "model_answer": "m"}, "1 to 3"),
    ({"rubric_item": "2", "prompt": "p", "model_answer": "m"}, "1-based"),
    ({"rubric_item": 1, "prompt": "  ", "model_answer": "m"}, "non-empty prompt"),
    ({"rubric_item": 1, "prompt": "p", "model_answer": ""}, "non-empty model_answer"),
    ({"rubric_item": 1, "prompt": "p"}, "missing: ['model_answer']"),
    ({"rubric_item": 1, "prompt": "p", "model_answer": "m", "rubric": "x"}, "unknown: ['rubric']"),
])
def test_a_bad_follow_up_is_an_error_naming_the_question(bad, message):
    with pytest.raises((ValueError, TypeError)) as info:
        question_from_data(_explain([bad]), "77", SECTIONS, source="q77_x.toml")
    assert "q77.why" in str(info.value) and message in str(info.value) and "q77_x.toml" in str(info.value)


def test_the_bank_writer_round_trips_follow_ups_and_params(tmp_path):
    data = {"quiz": "77_scratch", "title": "Quiz 77", "lesson": "77", "sections": SECTIONS, "questions": [
        _explain([{"rubric_item": 1, "prompt": "First, with \"quotes\"?", "model_answer": "A long answer " * 20},
                  {"rubric_item": 3, "prompt": "Third?", "model_answer": "Three."}]),
        {"id": "q77.n", "kind": "numeric", "difficulty": "E", "section": "s", "topics": ["t"], "hint": "h",
         "prompt": "What is {a} + {b}?", "explanation": "Add {a} and {b}.", "params": {"a": 2, "b": 0.5},
         "rel_tol": 0.01, "digits": 3}]}
    text = bankfile.dumps(data)
    assert "[[questions.follow_ups]]" in text and "params = { a = 2, b = 0.5 }" in text
    assert bankfile.loads(text) == data
    path = tmp_path / "q77_scratch.toml"
    path.write_text(text)
    explain, numeric = read_bank(path, with_keys=False).questions
    assert [f.rubric_item for f in explain.follow_ups] == [1, 3]
    assert numeric.prompt == "What is 2 + 0.5?" and numeric.template == "What is {a} + {b}?"


def test_follow_up_for_picks_the_first_missed_item_that_has_one():
    q = question_from_data(_explain([{"rubric_item": 3, "prompt": "Three?", "model_answer": "3."},
                                     {"rubric_item": 2, "prompt": "Two?", "model_answer": "2."}]), "77", SECTIONS)
    assert q.follow_up_for([0, 0, 0]).rubric_item == 2  # item 1 has none: the first missed one that has one
    assert q.follow_up_for([1, 0, 0]).rubric_item == 2
    assert q.follow_up_for([1, 1, 0]).rubric_item == 3
    assert q.follow_up_for([0, 1, 1]) is None  # item 1 missed, but it has no follow-up
    assert q.follow_up_for([1, 1, 1]) is None


def _mock_with_follow_ups(clock):
    """A one-question mock on a bank explain question, given follow-ups on items 2 and 3."""
    q = next(q for q in all_questions() if q.kind == "explain" and len(q.rubric) >= 3)
    mock = MockInterview(question_ids=[q.id], minutes=5, clock=clock)
    mock.questions[q.id] = dataclasses.replace(q, follow_ups=(
        {"rubric_item": 2, "prompt": "Dig into item two.", "model_answer": "The model answer on item two."},
        {"rubric_item": 3, "prompt": "Dig into item three.", "model_answer": "Item three, answered."}))
    return mock, mock.questions[q.id]


def test_a_missed_rubric_item_leads_to_its_follow_up_marked_against_its_model_answer():
    t = [0.0]
    mock, q = _mock_with_follow_ups(lambda: t[0])
    mock.ask()
    mock.check("My answer covers the first point and nothing much else.")
    marks = [1] * len(q.rubric)
    marks[1] = 0  # item 2 missed
    text = mock.mark_text(q.id, marks)
    assert "rubric item 2" in text and mock.pending[1].rubric_item == 2
    asked = mock.show_next()
    assert "Dig into item two." in asked and "rubric item 2" in asked
    t[0] = 30.0
    reveal = mock.answer_text("Item two is about this and that.")
    assert "The model answer on item two." in reveal
    assert mock.rate_text("partly").startswith("🟡 follow-up marked partly")
    line = practice.read_records()[-1]
    assert line["question"] == f"{q.id}/follow-up/2" and line["follow_up_of"] == q.id
    assert (line["mark"], line["score"], line["correct"]) == ("partly", 0.5, False)
    assert mock.pending is None and mock.follow_ups_done[0]["mark"] == "partly"


def test_a_fully_ticked_answer_asks_no_follow_up():
    mock, q = _mock_with_follow_ups(lambda: 0.0)
    mock.ask()
    mock.check("My answer covers every single point of the rubric.")
    text = mock.mark_text(q.id, [1] * len(q.rubric))
    assert "digs into" not in text and mock.pending is None
    assert mock.show_next().startswith("All questions are done")
    assert not any(r.get("follow_up_of") for r in practice.read_records())


def test_rate_refuses_a_mark_outside_correct_partly_missed_and_a_follow_up_not_yet_answered():
    mock, q = _mock_with_follow_ups(lambda: 0.0)
    mock.check("My answer covers the first point and nothing much else.")
    mock.mark_text(q.id, [1, 0, 0] + [1] * (len(q.rubric) - 3))
    assert mock.rate_text("correct").startswith("⚠️ no follow-up answered")
    mock.answer_text("Some words on item two.")
    assert "one of ['correct', 'partly', 'missed']" in mock.rate_text("great")
