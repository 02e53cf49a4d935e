"""The quiz session (attempts kept in the practice log, explanations, rubric marks, score and its mime
bundle, exam mode), the practice log, the answer sealing and the mock interview."""

from __future__ import annotations

import json

import numpy as np

import pytest

from hpo_mini.quiz import SCORE_MIME, load_quiz, mock_interview
from hpo_mini.quiz import practice
from hpo_mini.quiz.bank import all_questions, normalize_quiz_id
from hpo_mini.quiz.sealing import canonical_letters, hash_answer, seal, unseal


pytestmark = pytest.mark.usefixtures("log_file")  # every test writes to its own practice log


# ---- feedback, attempts, explanations --------------------------------------------------------------


def test_correct_answer_shows_the_explanation_and_earns_the_points():
    quiz = load_quiz("03")
    text = quiz.feedback("q03.random_vs_grid", "b")
    assert text.startswith("✅ correct\nWhy:\n")
    assert "Bayesian optimization" in text  # the explanation's text
    assert quiz.report().total == quiz.questions["q03.random_vs_grid"].points


def test_explanation_waits_for_the_last_attempt_and_a_late_fix_earns_nothing():
    quiz = load_quiz("03")
    q = quiz.questions["q03.random_vs_grid"]
    first = quiz.feedback(q.id, "a")
    assert first.startswith("❌ not yet — hint: ") and "attempt 1 of 3" in first and "Why:" not in first
    assert "attempt 2 of 3" in quiz.feedback(q.id, "c")
    third = quiz.feedback(q.id, "d")
    assert "attempt 3 of 3: here is the explanation" in third and "Why:" in third
    late = quiz.feedback(q.id, "b")
    assert late.startswith("✅ correct, after the explanation was shown: no points this time")
    row = next(r for r in quiz.report().rows if r["id"] == q.id)
    assert (row["status"], row["points"]) == ("late", 0)


def test_wrong_types_and_placeholders_are_not_attempts():
    quiz = load_quiz("03")
    quiz.feedback("q03.grid_size", "15625")
    quiz.feedback("q03.grid_size", ...)
    assert quiz.attempts["q03.grid_size"] == 0
    assert quiz.feedback("q03.grid_size", ...).startswith("⏳ not answered")


def test_feedback_is_deterministic():
    texts = set()
    for _ in range(2):
        quiz = load_quiz("01", log=False)  # with the log on, the second session would carry the attempts on
        texts.add(tuple(quiz.feedback(qid, a) for qid, a in [("q01.tune_first", "a"), ("q01.lr_limit", 0.7), ("q01.lr_limit", 0.5)]))
    assert len(texts) == 1


def test_unknown_question_is_a_message_not_an_exception():
    quiz = load_quiz("03")
    assert quiz.feedback("q03.nope", "a").startswith("⚠️ there is no question 'q03.nope' in 03_grid_and_random")


def test_explain_shows_model_answer_and_rubric_and_awaits_marking():
    quiz = load_quiz("03")
    text = quiz.feedback("q03.explain_random_vs_grid", "Random search, because few hyperparameters matter and grids waste trials.")
    assert text.startswith("📝 written (10 words), awaiting marking")
    assert "Model answer:" in text and "Rubric (2 points for all 5 items):" in text and "   1. " in text


def test_an_unmarked_explain_answer_scores_nothing_and_is_logged_as_awaiting_marking(log_file):
    quiz = load_quiz("03")
    qid = "q03.explain_random_vs_grid"
    quiz.feedback(qid, "I am not sure, sorry, really.")
    row = next(r for r in quiz.report().rows if r["id"] == qid)
    assert (row["status"], row["points"]) == ("written", 0)
    assert quiz.report().awaiting == [qid] and "Awaiting marking (1)" in quiz.report().to_text()
    (line,) = practice.read_records()
    assert line["status"] == "awaiting marking" and line["correct"] is None
    assert practice.read_log() == []  # not evidence about its topics, in either direction
    text = quiz.mark_text(qid, [1, 0, 1, 0, 0])
    assert text.startswith("📝 marked: 2 of 5 rubric items, 0.8 of 2 points") and "Say next time:" in text
    row = next(r for r in quiz.report().rows if r["id"] == qid)
    assert (row["status"], row["points"]) == ("marked", 0.8)
    marked = practice.read_records()[-1]
    assert marked["status"] == "marked" and marked["rubric"] == [1, 0, 1, 0, 0] and marked["correct"] is False
    assert marked["score"] == pytest.approx(0.4)


def test_marks_are_validated_and_need_a_written_answer():
    quiz = load_quiz("03", log=False)
    qid = "q03.explain_random_vs_grid"
    assert quiz.mark_text(qid, [1] * 5).startswith("⚠️ write your answer to q03.explain_random_vs_grid and run its check first")
    quiz.feedback(qid, "Random search: a grid wastes trials on the hyperparameters that do not matter.")
    assert quiz.mark_text(qid, [1, 1]).startswith("⚠️ the rubric of q03.explain_random_vs_grid has 5 items, so give 5 marks")
    assert quiz.mark_text(qid, [2, 0, 0, 0, 0]).startswith("⚠️ each mark must be 0 or 1")
    assert quiz.mark_text("q03.grid_size", [1]).startswith("⚠️ 'q03.grid_size' is not an explain question")


def test_a_rewrite_after_the_model_answer_earns_nothing():
    quiz = load_quiz("03", log=False)
    qid = "q03.explain_random_vs_grid"
    quiz.feedback(qid, "Grid search, because it covers the space evenly and is exhaustive.")
    quiz.feedback(qid, "Random search: 60 trials give 60 distinct learning rates, a grid gives 2.")
    assert "earns no points this time" in quiz.feedback(qid, "Random search: 60 trials give 60 distinct learning rates, a grid gives 2.")
    assert "no points this time" in quiz.mark_text(qid, [1] * 5)
    assert next(r for r in quiz.report().rows if r["id"] == qid)["points"] == 0


def test_rubric_checkboxes_record_the_marks_without_a_browser():
    from hpo_mini.quiz.rubric_widget import RubricForm

    quiz = load_quiz("03", log=False)
    qid = "q03.explain_60_trials_caveats"
    quiz.feedback(qid, "The top 5% is of the volume, and noisy scores hide the winner among many trials.")
    form = RubricForm(quiz, quiz.questions[qid])
    assert len(form.boxes) == len(quiz.questions[qid].rubric)
    form.boxes[0].value = form.boxes[2].value = True
    form.record.click()
    assert quiz.progress[qid].marks == (1, 0, 1, 0)
    assert next(r for r in quiz.report().rows if r["id"] == qid)["points"] == 1.5


# ---- attempts and the log persist -----------------------------------------------------------------


def test_attempts_survive_a_reload_and_a_late_fix_still_earns_nothing(log_file):
    quiz = load_quiz("03")
    for wrong in ("a", "c", "d"):
        quiz.feedback("q03.random_vs_grid", wrong)
    again = load_quiz("03")  # what a kernel restart does: the session is rebuilt from the log
    assert again.attempts["q03.random_vs_grid"] == 3 and again.progress["q03.random_vs_grid"].revealed
    assert again.feedback("q03.random_vs_grid", "b").startswith("✅ correct, after the explanation was shown")
    assert again.report().total == 0


def test_checking_the_same_answer_again_is_not_a_new_attempt_or_log_line(log_file):
    quiz = load_quiz("03")
    quiz.feedback("q03.random_vs_grid", "a")
    repeat = quiz.feedback("q03.random_vs_grid", " A ")  # the same answer, typed differently
    assert "the same answer as your last check: not counted again" in repeat and "attempt 1 of 3" in repeat
    quiz.feedback("q03.grid_size", 15625)
    load_quiz("03").feedback("q03.grid_size", 15625.0)  # Run All after a restart
    assert [r["question"] for r in practice.read_records()] == ["q03.random_vs_grid", "q03.grid_size"]
    assert load_quiz("03").attempts["q03.random_vs_grid"] == 1


def test_start_over_gives_the_attempts_back_and_keeps_the_history(log_file):
    quiz = load_quiz("03")
    quiz.feedback("q03.grid_size", 1)
    quiz.start_over()
    assert load_quiz("03").attempts["q03.grid_size"] == 0
    assert [r.get("event") for r in practice.read_records()] == [None, "start over"]
    assert len(practice.read_log()) == 1  # the review still sees the wrong answer


def test_with_the_log_off_attempts_last_as_long_as_the_session(monkeypatch, log_file):
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", "off")
    quiz = load_quiz("03")
    quiz.feedback("q03.grid_size", 1)
    assert quiz.attempts["q03.grid_size"] == 1 and load_quiz("03").attempts["q03.grid_size"] == 0


# ---- exam mode ------------------------------------------------------------------------------------


def test_exam_mode_records_without_feedback_or_log(log_file):
    quiz = load_quiz("03", mode="exam")
    assert quiz.feedback("q03.grid_size", 15625).startswith("📥 recorded: 15625. No feedback in exam mode")
    assert quiz.feedback("q03.random_vs_grid", "a").startswith("📥 recorded: a.")
    assert quiz.feedback("q03.grid_size", "15625").startswith("⚠️ this question takes a number")  # types are still checked
    assert quiz.feedback("q03.sobol", ...).startswith("⏳ not answered")
    text = quiz.report().to_text()
    n, points = len(quiz.questions), sum(q.points for q in quiz.questions.values())
    assert f"(exam): 2 of {n} questions answered" in text and f"/ {points} points" not in text
    assert not log_file.exists()
    assert quiz.mark_text("q03.explain_random_vs_grid", [1] * 5).startswith("⚠️ in exam mode your instructor marks")


def test_check_outside_a_notebook_asks_for_the_answer(capsys):
    quiz = load_quiz("03", log=False)
    capsys.readouterr()
    quiz.check("q03.grid_size")
    assert capsys.readouterr().out.startswith("⚠️ outside a notebook, pass the answer: quiz.check('q03.grid_size', answer)")


def test_check_prints_the_feedback(capsys):
    quiz = load_quiz("03")
    capsys.readouterr()
    quiz.check("q03.grid_size", 15625)
    assert capsys.readouterr().out.startswith("✅ correct")


# ---- score ----------------------------------------------------------------------------------------


def test_score_report_totals_revisit_and_mime_bundle():
    quiz = load_quiz("03")
    quiz.feedback("q03.grid_size", 15625)  # 1 point, correct
    quiz.feedback("q03.which_log", {"a"})  # wrong
    report = quiz.report()
    assert report.total == 1
    assert report.max == sum(q.points for q in quiz.questions.values())
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/plain", SCORE_MIME}
    data = bundle[SCORE_MIME]
    json.dumps(data)  # JSON-serializable
    assert data["quiz"] == "03_grid_and_random" and data["total"] == 1 and data["schema"] == 2
    statuses = {q["id"]: q["status"] for q in data["questions"]}
    assert statuses["q03.grid_size"] == "correct" and statuses["q03.which_log"] == "wrong"
    assert statuses["q03.sobol"] == "unanswered"
    sections = [r["section"] for r in data["revisit"]]
    assert "Log scales for learning rates and regularization" in sections
    assert "Grid search and its explosion" in sections  # q03.when_grid was not answered
    text = bundle["text/plain"]
    assert text.startswith(f"Quiz 03: grid and random search: 1 / {report.max} points")
    assert "Topics to revisit:" in text and 'lesson 03, section "Log scales for learning rates and regularization"' in text


def test_score_prints_text_outside_a_notebook(capsys):
    quiz = load_quiz("01")
    capsys.readouterr()
    quiz.score()
    out = capsys.readouterr().out
    assert out.startswith("Quiz 01: hyperparameters: 0 / ")


def test_load_quiz_names():
    assert normalize_quiz_id("03") == normalize_quiz_id("q03") == normalize_quiz_id("03_grid_and_random") == "03_grid_and_random"
    with pytest.raises(ValueError, match="no quiz named '99'"):
        load_quiz("99")


# ---- sealing --------------------------------------------------------------------------------------


def test_hashes_are_salted_per_question_and_seals_round_trip():
    assert hash_answer("q03.a", "b") != hash_answer("q03.b", "b")
    assert hash_answer("q03.a", "b").startswith("sha256:") and "b" not in hash_answer("q03.a", "b")[7:9]
    assert unseal("q03.x", seal("q03.x", 0.9539)) == 0.9539
    assert seal("q03.x", 0.9539) != seal("q03.y", 0.9539)
    assert "0.95" not in seal("q03.x", 0.9539)
    assert canonical_letters({"C", "a"}) == canonical_letters("a, c") == canonical_letters("ca") == "a,c"


def test_sealing_command_line_makes_the_keys_the_bank_uses(capsys):
    from hpo_mini.quiz.bank import get_bank
    from hpo_mini.quiz.sealing import _main

    keys = {q.id: getattr(q, "key", None) for q in get_bank("03").questions}
    for args, qid in ((["hash", "q03.when_grid", "b, a"], "q03.when_grid"), (["hash", "q03.trials_for_99", "90"], "q03.trials_for_99")):
        assert _main(args) == 0
        assert capsys.readouterr().out.strip() == keys[qid]
    assert _main(["seal", "q03.x", "0.25"]) == 0
    assert unseal("q03.x", capsys.readouterr().out.strip()) == 0.25


def test_the_bank_stores_no_plain_choice_or_numeric_answer():
    for q in all_questions():
        if q.kind in ("single choice", "multiple choice", "numeric"):
            assert q.key.startswith(("sha256:", "obf:")), q.id


# ---- practice log ---------------------------------------------------------------------------------


def test_checked_answers_are_logged(log_file):
    quiz = load_quiz("03")
    quiz.feedback("q03.grid_size", 15625)
    quiz.feedback("q03.sobol", "b")
    quiz.feedback("q03.sobol", ...)  # not logged
    quiz.feedback("q03.sobol", ["b"])  # not logged
    records = practice.read_log()
    assert [(r["question"], r["correct"], r["status"], r["source"], r["attempt"]) for r in records] == [
        ("q03.grid_size", True, "correct", "quiz", 1),
        ("q03.sobol", False, "wrong", "quiz", 1),
    ]
    assert records[1]["topics"] == ["quasi-random sampling"] and records[1]["quiz"] == "03_grid_and_random"
    assert records[0]["time"].endswith("Z")
    assert len(records[0]["answer"]) == 16 and "15625" not in records[0]["answer"]  # a fingerprint, not the answer


def test_log_off_and_log_false(monkeypatch, log_file):
    load_quiz("03", log=False).feedback("q03.grid_size", 15625)
    assert not log_file.exists()
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", "off")
    assert practice.log_path() is None
    load_quiz("03").feedback("q03.grid_size", 15625)
    assert not log_file.exists()


def test_default_log_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("HPO_MINI_PRACTICE_LOG")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert practice.log_path() == tmp_path / "xdg" / "hpo_mini" / "practice.jsonl"


def test_unwritable_log_warns_once_and_never_breaks_a_check(monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(blocker / "practice.jsonl"))  # parent is a file
    monkeypatch.setattr(practice, "_warned", False)
    quiz = load_quiz("03")
    with pytest.warns(UserWarning, match="practice log not written"):
        text = quiz.feedback("q03.grid_size", 15625)
    assert text.startswith("✅ correct")


def test_read_log_skips_broken_lines_and_ranks_weak_topics(log_file):
    log_file.write_text(
        "\n".join(
            [
                json.dumps({"topics": ["log scale"], "correct": False}),
                json.dumps({"topics": ["log scale"], "correct": False}),
                "{not json",
                json.dumps({"topics": ["grid search"], "correct": True}),
            ]
        )
    )
    records = practice.read_log()
    assert len(records) == 3
    assert practice.topic_stats(records) == {"log scale": (0, 2), "grid search": (1, 1)}
    ranked = practice.weak_topics(records)
    assert ranked[0] == ("log scale", 0.75) and ranked[1] == ("grid search", pytest.approx(1 / 3))


# ---- mock interview -------------------------------------------------------------------------------


def test_mock_interview_is_deterministic_for_a_seed_and_draws_from_the_whole_bank():
    a = mock_interview(n=8, seed=7, records=[])
    b = mock_interview(n=8, seed=7, records=[])
    assert a.order == b.order and len(a.order) == 8 and len(set(a.order)) == 8
    lessons = set()
    for seed in range(20):
        lessons |= {qid[:3] for qid in mock_interview(n=8, seed=seed, records=[]).order}
    assert lessons == {q.id[:3] for q in all_questions()}  # every quiz in the bank
    levels = [a.questions[q].difficulty for q in a.order]
    assert levels == sorted(levels, key="EMH".index)  # easiest first


def test_mock_interview_filters():
    m = mock_interview(n=50, topics="log scale", difficulty="EM", seed=0, records=[])
    assert all(any("log scale" in t for t in m.questions[q].topics) and m.questions[q].difficulty in "EM" for q in m.order)
    assert len(m.order) == sum(1 for q in all_questions() if "log scale" in q.topics and q.difficulty in "EM")
    with pytest.raises(ValueError, match="no question matches"):
        mock_interview(topics="astrology", records=[])
    with pytest.raises(ValueError, match="difficulty must be letters"):
        mock_interview(difficulty="X", records=[])


def test_mock_interview_weights_toward_weak_topics():
    weak = "quasi-random sampling"
    records = [{"topics": [weak], "correct": False}] * 20 + [
        {"topics": [t], "correct": True} for q in all_questions() for t in q.topics if t != weak for _ in range(5)
    ]

    def share(recs):
        hits = total = 0
        for seed in range(200):
            m = mock_interview(n=4, seed=seed, records=recs)
            hits += sum(weak in m.questions[q].topics for q in m.order)
            total += 4
        return hits / total

    assert share(records) > 2 * share([])


def _wrong(q):
    return 12345 if q.kind == "numeric" else (lambda *args: 0.123)


def test_mock_interview_session_flow(capsys):
    now = [0.0]
    m = mock_interview(n=2, minutes=1, topics="trial arithmetic", difficulty="E", seed=1, records=[], clock=lambda: now[0])
    first, second = (m.questions[q] for q in m.order)
    m.ask()
    out = capsys.readouterr().out
    assert out.startswith(f"Question 1 of 2 · {first.id}") and "0:00 of 1:00 elapsed" in out
    m.check(...)  # a placeholder is not an attempt: same question
    assert capsys.readouterr().out.startswith("⏳ not answered") and m.current is first
    now[0] = 75.0
    m.check(_wrong(first))
    out = capsys.readouterr().out
    assert out.startswith("❌ not yet") and "⏰ time is up (1:15 of 1:00)" in out
    assert m.current is second
    m.skip()
    assert m.current is None
    capsys.readouterr()
    m.score()
    out = capsys.readouterr().out
    assert "0 / " in out and "Time: 1:15 of 1:00 (over time)" in out
    assert 'Study plan:\n  - lesson 03 (lessons/03_grid_and_random.ipynb), section "How many random trials?"' in out


def test_mock_interview_one_attempt_then_explanation_and_next(capsys):
    m = mock_interview(n=2, difficulty="E", topics="trial arithmetic", seed=0, records=[])
    q = m.current
    wrong = _wrong(q)
    m.check(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ not yet") and "Why:" in out and "attempt" not in out.splitlines()[1]
    assert m.current is not q


def test_unchanged_treats_a_nan_that_stayed_nan_as_unchanged():
    from hpo_mini.quiz.checks import unchanged

    a = np.array([1.0, np.nan, 3.0])
    assert unchanged(a, a.copy())
    assert unchanged([1.0, float("nan")], [1.0, float("nan")])
    assert not unchanged(a, np.array([1.0, 2.0, 3.0]))
    assert not unchanged(a, np.array([1.0, np.nan, 4.0]))


def test_answers_travel_to_the_gradebook_as_data():
    from hpo_mini.quiz.answers import MISSING, Unreadable, decode, encode

    for value in (15625, 0.9539, "b", {"a", "c"}, ["a"], ("a", "b"), True, Ellipsis, MISSING, "a long text\nanswer"):
        assert decode(json.loads(json.dumps(encode(value)))) == value or value is MISSING
    assert decode(encode(np.float64(0.25))) == 0.25 and decode(encode(np.int64(7))) == 7
    odd = decode(encode(np.array([1.0, 2.0])))
    assert isinstance(odd, Unreadable) and odd.type_name == "ndarray"
    assert decode(encode(lambda x: x)) is None  # code is graded from its cell's text, not from the value
