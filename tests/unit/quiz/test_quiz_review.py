"""The practice-log review: accuracy, recency, weakest topics and sections, on hand-built logs whose
answers are known, and on a synthetic log where the weak topics are planted."""
from datetime import datetime, timedelta, timezone

import matplotlib

matplotlib.use("Agg")
import pytest

from hpo_mini.quiz import practice
from hpo_mini.quiz.review import WEAK_ABOVE, plot_review, review_log, smoothed_error, synthetic_log

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def rec(question, topics, correct, days_ago, quiz, score=None):
    r = {"time": (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"), "quiz": quiz,
         "question": question, "topics": topics, "status": "correct" if correct else "wrong", "correct": correct}
    if score is not None:
        r.update(status="drill", score=score)
    return r


# q03.sobol: "quasi-random sampling", section "Sobol sequences and Latin hypercubes"
# q03.grid_size: "grid search", "curse of dimensionality", section "Grid search and its explosion"
# q05.explain_derive_ei: drill, "expected improvement", "exploration vs exploitation", section "Expected improvement, derived"
HAND_LOG = [
    rec("q03.sobol", ["quasi-random sampling"], False, 10, "03_grid_and_random"),
    rec("q03.sobol", ["quasi-random sampling"], False, 5, "03_grid_and_random"),
    rec("q03.sobol", ["quasi-random sampling"], True, 2, "03_grid_and_random"),
    rec("q03.sobol", ["quasi-random sampling"], False, 1, "03_grid_and_random"),
    rec("q03.grid_size", ["grid search", "curse of dimensionality"], True, 20, "03_grid_and_random"),
    rec("q03.grid_size", ["grid search", "curse of dimensionality"], True, 3, "03_grid_and_random"),
    rec("q05.explain_derive_ei", ["expected improvement", "exploration vs exploitation"], False, 4,
        "05_bayesian_optimization", score=0.25),
    rec("q05.explain_derive_ei", ["expected improvement", "exploration vs exploitation"], True, 0.5,
        "05_bayesian_optimization", score=0.75),
    rec("custom.framework", ["interview framework"], False, 7, "custom"),
]


def by(rows, key, value):
    (row,) = [r for r in rows if r[key] == value]
    return row


def test_hand_built_log_numbers():
    rev = review_log(HAND_LOG, now=NOW, k=3, min_attempts=1)
    sobol = by(rev.topics, "topic", "quasi-random sampling")
    assert (sobol["attempts"], sobol["earned"], sobol["accuracy"]) == (4, 1.0, 0.25)
    assert sobol["weakness"] == pytest.approx(4 / 6) and sobol["days_since"] == pytest.approx(1.0)
    ei = by(rev.topics, "topic", "expected improvement")  # drills count their rubric fraction
    assert ei["earned"] == pytest.approx(1.0) and ei["accuracy"] == pytest.approx(0.5)
    assert ei["weakness"] == pytest.approx(0.5) and ei["days_since"] == pytest.approx(0.5)
    grid = by(rev.topics, "topic", "grid search")
    assert grid["weakness"] == pytest.approx(1 / 4) and grid["days_since"] == pytest.approx(3.0)
    custom = by(rev.topics, "topic", "interview framework")  # not in the bank: topics only
    assert custom["weakness"] == pytest.approx(2 / 3)
    # weakest: sobol 4/6 and the custom topic 2/3 tie; the one practised longer ago comes first
    assert rev.weakest_topics == ["interview framework", "quasi-random sampling"]
    assert [r["section"] for r in rev.revisit] == ["Sobol sequences and Latin hypercubes"]
    assert rev.revisit[0]["weak_topics"] == ["quasi-random sampling"]
    lesson3 = by(rev.lessons, "lesson", "03")
    assert (lesson3["attempts"], lesson3["earned"], lesson3["stem"]) == (6, 3.0, "03_grid_and_random")
    assert by(rev.lessons, "lesson", "05")["accuracy"] == pytest.approx(0.5)
    assert "custom" not in {r["stem"] for r in rev.lessons}
    text = rev.to_text()
    assert "quasi-random sampling: 25% of 4, 1 day ago" in text
    assert ('lesson 03 (lessons/03_grid_and_random.ipynb), section "Sobol sequences and Latin hypercubes": 25% of 4 '
            "(weak topics: quasi-random sampling)") in text
    assert "Not practised for over two weeks" not in text  # grid search: last seen 3 days ago


def test_formula_matches_practice_weakness_on_plain_records():
    records = [{"topics": ["a"], "correct": c} for c in (True, False, False)] + [{"topics": ["b"], "correct": True}]
    rev = review_log(records, now=NOW)
    stats = practice.topic_stats(records)
    for row in rev.topics:
        assert row["weakness"] == pytest.approx(practice.weakness(stats, row["topic"]))
        assert row["last"] is None and row["days_since"] is None
    assert smoothed_error(0, 0) == 0.5


def test_min_attempts_and_k_limit_what_is_named():
    rev = review_log(HAND_LOG, now=NOW)  # by default a topic needs 2 answers before it is called weak
    assert rev.weakest_topics == ["quasi-random sampling"] and rev.min_attempts == 2
    assert review_log(HAND_LOG, now=NOW, k=1, min_attempts=1).weakest_topics == ["interview framework"]


def test_a_good_log_names_nothing_and_an_empty_log_says_so():
    good = [rec("q03.grid_size", ["grid search"], True, d, "03_grid_and_random") for d in (30, 20)]
    rev = review_log(good, now=NOW)
    assert rev.weak == [] and rev.revisit == []
    assert "No weak topic" in rev.to_text() and "Not practised for over two weeks" in rev.to_text()
    assert "empty" in review_log([], now=NOW).to_text()


def test_bad_input():
    with pytest.raises(ValueError, match="needs 'topics' and 'correct'"):
        review_log([{"question": "x"}], now=NOW)
    with pytest.raises(ValueError, match="score must be in"):
        review_log([{"topics": ["a"], "correct": True, "score": 3}], now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        review_log([], now=datetime(2026, 1, 1))
    with pytest.raises(TypeError, match="Review"):
        plot_review([])


def test_reads_the_practice_log_by_default(monkeypatch, tmp_path):
    import json
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in HAND_LOG))
    monkeypatch.setenv("HPO_MINI_PRACTICE_LOG", str(path))
    assert review_log(now=NOW).n_records == len(HAND_LOG)


def test_synthetic_log_recovers_planted_weak_topics_over_seeds():
    planted = {"Hyperband": 0.1, "log scale": 0.1}
    for seed in range(5):
        log = synthetic_log(planted, default=0.9, n=1200, seed=seed)
        assert len(log) == 1200 and log == synthetic_log(planted, default=0.9, n=1200, seed=seed)
        rev = review_log(log, now=datetime(2026, 1, 31, 12, tzinfo=timezone.utc), k=4, min_attempts=8)
        assert set(planted) <= set(rev.weakest_topics), (seed, rev.weakest_topics)
        assert all(r["weakness"] > WEAK_ABOVE for r in rev.weak)
    with pytest.raises(ValueError, match="probability"):
        synthetic_log({"x": 1.5})


def test_figure_bars_follow_the_review():
    rev = review_log(HAND_LOG, now=NOW)
    fig = plot_review(rev, max_topics=4)
    left, right = fig.axes[:2]
    widths = sorted(round(p.get_width(), 6) for p in left.containers[-1])  # containers[0] is the grey track
    assert widths == sorted(round(r["accuracy"], 6) for r in rev.topics[:4])
    assert len(right.patches) == len(rev.lessons)
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert labels[-1] == rev.topics[0]["topic"]  # weakest at the top
    assert plot_review(review_log([], now=NOW)) is not None


def test_figure_colours_named_weak_topics_red_and_thin_evidence_pink():
    from matplotlib.colors import to_hex

    from hpo_mini.quiz.review import LIGHT_RED

    rev = review_log(HAND_LOG, now=NOW, min_attempts=2)
    left = plot_review(rev).axes[0]
    colour = {label.get_text(): to_hex(bar.get_facecolor())
              for label, bar in zip(left.get_yticklabels(), left.containers[-1])}
    assert colour["quasi-random sampling"] == to_hex("C3")  # 4 answers, named
    assert colour["interview framework"] == to_hex(LIGHT_RED)  # weak, but 1 answer < min_attempts
    assert colour["grid search"] == to_hex("C0")
