"""The answer key of quiz 03: the one source of its keys. From it `python -m hpo_mini.quiz.build 03`
seals the keys into hpo_mini/quiz/bank/sealed/q03_grid_and_random.json and writes the answered
solutions/03_grid_and_random_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q03.grid_size": 15625,
    "q03.grid_projection": 4,
    "q03.random_vs_grid": "b",
    "q03.p_top5_60": 0.9539,
    "q03.trials_for_99": 90,
    "q03.when_grid": {"a", "b"},
    "q03.which_log": {"a", "b", "c"},
    "q03.linear_fraction": 0.9001,
    "q03.sobol": "a",
    "q03.lhs": "a",
    "q03.code_p_at_least_one": '''\
def p_at_least_one(q, n):
    """Probability that at least one of n uniform random trials lands in the top-q fraction."""
    return 1 - (1 - q) ** n
''',
    "q03.code_trials_needed": '''\
import math


def trials_needed(q, p):
    """Smallest n with P(at least one of n trials in the top-q fraction) >= p."""
    return math.ceil(math.log(1 - p) / math.log(1 - q))
''',
    "q03.code_log_uniform": '''\
import numpy as np


def log_uniform(lo, hi, u):
    """Map u in [0, 1] (float or array) log-uniformly onto [lo, hi]."""
    return np.exp(np.log(lo) + np.asarray(u) * (np.log(hi) - np.log(lo)))
''',
    "q03.code_random_search": '''\
def random_search(objective, space, n, rng):
    """Evaluate n configs drawn with space.sample(rng, ...); return (best_config, best_value)."""
    best_config, best_value = None, float("inf")
    for config in space.sample(rng, n):
        value = objective(config)
        if value < best_value:
            best_config, best_value = config, value
    return best_config, best_value
''',
}
