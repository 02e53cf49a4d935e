"""The answer key of quiz 13: the one source of its keys. From it `python -m hpo_mini.quiz.build 13`
seals the keys into hpo_mini/quiz/bank/sealed/q13_production_playbook.json and writes the answered
solutions/13_production_playbook_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

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
}
