"""The answer key of quiz 03, in plain text: the source of solutions/03_grid_and_random_quiz.ipynb
(`python -m hpo_mini.quiz.build 03`) and of the tests. Not imported by the package."""

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
    "q03.explain_random_vs_grid": """\
Random search: a 6-D grid cannot even give 2 values per dimension with 60 runs, and usually only the
learning rate and one or two others matter. 60 random trials try 60 values of each and hit the top 5%
of the space with probability 1 - 0.95**60, about 95%. Sample learning rate and weight decay on a log scale.
""",
    "q03.explain_60_trials_caveats": """\
The 5% is a fraction of the sampled volume, not of the achievable scores: a narrow good region needs far
more trials, and the ranges and scales I choose decide that volume. The formula assumes independent draws,
and with noisy validation scores I may not recognise the trial that hit.
""",
}
