"""The 60-second-answer drill: which question, the clock, the reveal, the marks in the practice log,
and its ipywidgets form driven without a browser."""
import pytest

from hpo_mini.quiz import practice
from hpo_mini.quiz.bank import all_questions
from hpo_mini.quiz.drill import PASS_FRACTION, WORDS_PER_MINUTE, drill_pool, sixty_second_drill
from hpo_mini.quiz.kinds import Explain


def _clock(start=0.0):
    now = [start]
    return now, (lambda: now[0])


def test_pool_is_every_question_with_a_model_answer_and_filters_work():
    pool = drill_pool()
    expected = [q.id for q in all_questions() if isinstance(q, Explain)]
    assert [q.id for q in pool] == expected and len(pool) >= 18
    assert {q.lesson for q in drill_pool(lessons=[5, "06"])} == {"05", "06"}
    assert all(any("hyperband" in t.lower() for t in q.topics) for q in drill_pool(topics="Hyperband"))
    with pytest.raises(ValueError, match="no question with a model answer"):
        drill_pool(topics="astrology")


def test_same_seed_same_question_and_seeds_cover_the_pool():
    a = sixty_second_drill(seed=4, records=[], log=False)
    b = sixty_second_drill(seed=4, records=[], log=False)
    assert a.question.id == b.question.id
    pool = {q.id for q in drill_pool()}
    # Uniform with an empty log: 12 draws per question miss one with probability about n e^-12 (< 0.1%).
    seen = {sixty_second_drill(seed=s, records=[], log=False).question.id for s in range(12 * len(pool))}
    assert seen == pool


def test_weak_topics_in_the_log_come_up_more_often():
    target = "Hyperband"
    weak_log = [{"topics": [target], "correct": False}] * 30
    def share(records, n=2000):
        return sum(target in sixty_second_drill(seed=s, records=records, log=False).question.topics
                   for s in range(n)) / n
    # A missed topic weighs BASE_WEIGHT + 1 against BASE_WEIGHT + 1/2 for an unseen one (smoothed error
    # (0 + 1) / (0 + 2)): about 1.6 times as likely. 2000 draws each put the ratio within about +-0.15.
    assert share(weak_log) > 1.3 * share([])


def test_explicit_question_by_id_or_object_and_bad_inputs():
    assert sixty_second_drill("q05.explain_derive_ei", log=False).question.id == "q05.explain_derive_ei"
    with pytest.raises(ValueError, match="not a bank question with a model answer"):
        sixty_second_drill("q03.grid_size", log=False)
    with pytest.raises(TypeError, match="model_answer and a rubric"):
        sixty_second_drill(object(), log=False)
    with pytest.raises(ValueError, match="seconds"):
        sixty_second_drill(seconds=0, log=False)


def test_flow_prints_budget_then_model_answer_and_logs_marks(log_file, capsys):
    now, clock = _clock()
    d = sixty_second_drill("q05.explain_derive_ei", seconds=60, clock=clock)
    d.show()
    out = capsys.readouterr().out
    assert out.startswith("60-second answer · q05.explain_derive_ei · [M] · lesson 05")
    assert f"about {WORDS_PER_MINUTE} words" in out and d.question.prompt.split()[0] in out
    with pytest.raises(RuntimeError, match="answer first"):
        d.assess([1] * len(d.question.rubric))
    now[0] = 75.0
    notes = " ".join(["word"] * 200)  # 200 words: 80 s spoken at 150 a minute
    d.answer(notes)
    out = capsys.readouterr().out
    assert "200 words of notes in 1:15" in out and "about 80 s: too long" in out and "over time by 0:15" in out
    assert "Model answer:" in out and d.question.rubric[0] in out
    n = len(d.question.rubric)
    marks = [1] * (n - 1) + [0]
    result = d.assess(marks)
    out = capsys.readouterr().out
    assert result.score == pytest.approx((n - 1) / n) and result.correct == ((n - 1) / n >= PASS_FRACTION)
    assert d.question.rubric[-1] in out and "Reread: lesson 05" in out
    (rec,) = practice.read_log()
    assert rec["question"] == "q05.explain_derive_ei" and rec["quiz"] == "05_bayesian_optimization"
    assert rec["status"] == "drill" and rec["rubric"] == marks and rec["score"] == pytest.approx((n - 1) / n)
    assert rec["seconds"] == 75.0 and rec["words"] == 200 and rec["correct"] is result.correct


def test_placeholder_reveals_but_is_not_an_answer_and_marks_are_validated(log_file, capsys):
    d = sixty_second_drill("q03.explain_random_vs_grid")
    d.answer(...)
    out = capsys.readouterr().out
    assert out.startswith("⏳ not answered") and "Model answer:" in out
    n = len(d.question.rubric)
    with pytest.raises(ValueError, match=f"give {n} marks"):
        d.assess([1])
    with pytest.raises(ValueError, match="must be 0 or 1"):
        d.assess([2] + [0] * (n - 1))
    with pytest.raises(TypeError, match="list of"):
        d.assess("1101")
    with pytest.raises(TypeError, match="notes must be text"):
        d.answer(42)
    r = d.assess([0] * n)
    assert r.score == 0 and not r.correct and r.words == 0
    assert practice.read_log()[0]["correct"] is False


def test_log_off_and_log_false_write_nothing(monkeypatch, tmp_path, capsys):
    path = tmp_path / "p.jsonl"
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", "off")
    d = sixty_second_drill("q03.explain_random_vs_grid")
    d.answer("grid wastes trials on unimportant axes")
    d.assess([1] * len(d.question.rubric))
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(path))
    d = sixty_second_drill("q03.explain_random_vs_grid", log=False)
    d.answer("grid wastes trials on unimportant axes")
    d.assess([1] * len(d.question.rubric))
    assert not path.exists()
    other = tmp_path / "explicit.jsonl"  # an explicit path is used as given
    d = sixty_second_drill("q03.explain_random_vs_grid", log_path=other)
    d.answer("grid wastes trials on unimportant axes")
    d.assess([1] * len(d.question.rubric))
    assert len(practice.read_log(other)) == 1 and not path.exists()


def test_widget_form_reveals_and_records_from_its_controls(log_file):
    d = sixty_second_drill("q06.explain_tpe")
    form = d.widget()
    assert form.record.disabled and not form.checks
    form.timer.value = 20  # the browser's countdown ticks
    assert form.left.value == 40
    form.notes.value = "TPE models p(x|y) with two densities l and g split at a quantile gamma"
    form.reveal.click()
    assert len(form.checks) == len(d.question.rubric) and not form.record.disabled
    form.checks[0].value = True
    form.checks[2].value = True
    form.record.click()
    (rec,) = practice.read_log()
    expected = [1 if i in (0, 2) else 0 for i in range(len(d.question.rubric))]
    assert rec["rubric"] == expected and rec["question"] == "q06.explain_tpe"
    assert form.record.disabled


def test_package_level_shortcuts():
    from hpo_mini.quiz import review_log, sixty_second_drill as top

    assert top("q05.explain_derive_ei", log=False).question.id == "q05.explain_derive_ei"
    assert review_log(records=[]).n_records == 0
