"""The countdown: answers after a question's time are logged as over time (an injected clock), the
widget ticks in the browser (a Play widget jslinked to its read-outs), and the mock's form drives a
question, its rubric and its follow-up through the same session methods."""

from __future__ import annotations

import dataclasses

import pytest

from hpo_mini.quiz import practice
from hpo_mini.quiz.bank import all_questions
from hpo_mini.quiz.countdown import CSS_CLASS, Countdown
from hpo_mini.quiz.mock import MockInterview

pytestmark = pytest.mark.usefixtures("log_file")


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _choice_ids(k):
    return [q.id for q in all_questions() if q.kind == "single choice"][:k]


def test_an_answer_after_the_time_is_up_is_logged_as_over_time():
    clock = Clock()
    ids = _choice_ids(2)
    mock = MockInterview(question_ids=ids, minutes=5, seconds_per_question=60, clock=clock, fresh=False)
    mock.ask()
    clock.t += 45  # in time
    mock.answer_text("a")
    mock.ask()
    clock.t += 75  # 15 s over
    text = mock.answer_text("a")
    lines = [r for r in practice.read_records() if r.get("source") == "mock"]
    assert [(r["question"], r["seconds"], r["over_time"]) for r in lines] == [(mock.order[0], 45.0, False),
                                                                           (mock.order[1], 75.0, True)]
    assert "⏰ over time: 75 s for a 60-second question" in text
    assert mock.timings == {mock.order[0]: (45.0, False), mock.order[1]: (75.0, True)}


def test_the_time_counts_from_when_the_question_is_shown_and_a_placeholder_stops_nothing():
    clock = Clock()
    mock = MockInterview(question_ids=_choice_ids(1), minutes=1, seconds_per_question=30, clock=clock, fresh=False)
    clock.t += 500  # the mock was made long before the question was shown
    mock.ask()
    clock.t += 20
    assert mock.answer_text(...).startswith("⏳")  # not an attempt: the clock keeps running
    clock.t += 20
    mock.answer_text("b")
    (line,) = [r for r in practice.read_records() if r.get("source") == "mock"]
    assert (line["seconds"], line["over_time"]) == (40.0, True)


def test_the_default_time_per_question_splits_the_minutes():
    mock = MockInterview(question_ids=_choice_ids(4), minutes=6, fresh=False, log=False)
    assert mock.seconds_per_question == 90


def test_the_countdown_ticks_in_the_browser_and_says_when_time_is_up():
    from ipywidgets.widgets import widget_link

    timer = Countdown(90)
    assert CSS_CLASS in timer._dom_classes and timer.play.max == 90 and timer.play.interval == 1000
    links = {(link.source[0], link.target[0]) for link in timer.links}
    assert all(isinstance(link, widget_link.Link) for link in timer.links)  # jslink: browser-side, no kernel
    assert links == {(timer.play, timer.bar), (timer.play, timer.used)}
    timer.start()
    assert timer.play.playing and timer.play.value == 0 and "time left: 1:30 of 1:30" in timer.left.value
    timer.play.value = 30  # what the browser sends back when the kernel is idle
    assert "time left: 1:00 of 1:30" in timer.left.value
    timer.play.value = 90
    assert "time is up" in timer.left.value and timer.bar.bar_style == "danger"
    timer.stop()
    assert not timer.play.playing
    with pytest.raises(ValueError, match="at least 1 second"):
        Countdown(0)


def test_the_mock_form_asks_marks_and_follows_up_with_a_countdown():
    clock = Clock()
    q = next(q for q in all_questions() if q.kind == "explain" and len(q.rubric) >= 3)
    mock = MockInterview(question_ids=[q.id], minutes=2, clock=clock)
    mock.questions[q.id] = dataclasses.replace(q, follow_ups=(
        {"rubric_item": 1, "prompt": "Say more on item one.", "model_answer": "Item one, in full."},))
    form = mock.widget()
    form.next.click()
    assert form.countdown.play.playing and q.id in form.question.value and not form.submit.disabled
    clock.t += 200  # over the 120 s
    form.answer.value = "A short answer that misses the first rubric item entirely."
    form.submit.click()
    assert not form.countdown.play.playing and len(form.rubric) == len(q.rubric)
    for box in form.rubric[1:]:
        box.value = True
    form.marking.children[-1].click()  # "Record my marks"
    assert mock.pending is not None and form.next.description == "Follow-up"
    form.next.click()
    assert "Say more on item one." in form.question.value
    form.answer.value = "Item one is this."
    form.submit.click()
    form.rate["correct"].click()
    lines = practice.read_records()
    marked = [r for r in lines if r.get("status") == "awaiting marking"]
    assert marked and marked[0]["over_time"] is True and marked[0]["seconds"] == 200.0
    assert lines[-1]["follow_up_of"] == q.id and lines[-1]["mark"] == "correct"
    form.next.click()
    assert form.submit.disabled  # all done: the score is shown


def test_a_drill_answered_over_its_budget_is_logged_over_time():
    from hpo_mini.quiz.drill import sixty_second_drill

    logged = []
    for elapsed in (50.0, 75.0):
        clock = Clock()
        drill = sixty_second_drill("q05.explain_derive_ei", seconds=60, clock=clock)
        drill.show()
        clock.t += elapsed
        drill.answer_text("notes " * 20)
        drill.assess([1] * len(drill.question.rubric))
        logged.append(practice.read_log()[-1])
    assert [(r["seconds"], r["over_time"]) for r in logged] == [(50.0, False), (75.0, True)]
