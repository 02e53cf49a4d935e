"""The answer key of quiz 13, in plain text: the source of solutions/13_production_playbook_quiz.ipynb
(`python -m hpo_mini.quiz.build 13`) and of the tests. Not imported by the package."""

ANSWERS = {
    "q13.boundary": "b",
    "q13.test_set": "c",
    "q13.budget_trials": 81,
    "q13.winners_curse": 0.005642,
    "q13.resume": "d",
    "q13.importance_limits": {"a", "b", "e"},
    "q13.dominance": "c",
    "q13.pareto_count": 5,
    "q13.hypervolume_value": 12,
    "q13.scalarization": "d",
    "q13.constant_liar": "c",
    "q13.asha_many_workers": "b",
    "q13.dask": "d",
    "q13.symptoms": {"a", "c", "e"},
    "q13.tool_map": {"a", "b", "c", "f"},
    "q13.code_stopping_trial": '''\
import math


def stopping_trial(values, patience, min_delta):
    """Trials seen when `patience` trials in a row brought no improvement (1-based), or None."""
    best, since = None, 0
    for count, value in enumerate(values, start=1):
        if not math.isnan(value) and (best is None or value < best - min_delta):
            best, since = value, 0
        else:
            since += 1
        if since >= patience:
            return count
    return None
''',
    "q13.code_non_dominated": '''\
def non_dominated(points):
    """Indices (increasing) of the rows of `points` that no other row dominates (minimization)."""

    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))

    return [i for i, p in enumerate(points) if not any(dominates(q, p) for q in points)]
''',
    "q13.code_hypervolume": '''\
def hypervolume_2d(points, reference):
    """Area dominated by the 2-objective points (minimization), bounded by reference (r1, r2)."""
    r1, r2 = reference
    inside = [(f1, f2) for f1, f2 in points if f1 < r1 and f2 < r2]
    # Sorted by f1 (then f2), a point is non-dominated when its f2 is below every f2 before it.
    front = []
    for f1, f2 in sorted(inside):  # by f1, then f2
        if not front or f2 < front[-1][1]:
            front.append((f1, f2))  # a point not dominated by the ones before it
    area = 0.0
    for i, (f1, f2) in enumerate(front):  # the staircase: one rectangle per front point
        f1_next = front[i + 1][0] if i + 1 < len(front) else r1
        area += (f1_next - f1) * (r2 - f2)
    return float(area)
''',
    "q13.explain_workflow": """\
Fix the metric, the guardrails (latency, memory) and the budget, and split the budget: baseline, search,
top-k re-runs over seeds, final training. Small space with log scales from priors or a range test. ASHA with
random or TPE sampling on the 8 GPUs, every trial logged (config, seed, curve) and stored so a crash can
resume. Check boundaries and importance, re-run the top 3-5 over 5 seeds, pick the best stable mean,
retrain, and look at the untouched test set once.
""",
    "q13.explain_winner_changed": """\
Each trial is one noisy measurement, and the best of 300 is picked partly for luck: its score is biased
upward (winner's curse), and when the top configs differ by less than the seed noise their order is noise.
Fresh seeds remove that luck, so the winner can change. Ship the best mean over the fresh seeds (ignoring the
biased search score), prefer a stable one, break near-ties by cost, and report the test set once.
""",
}
