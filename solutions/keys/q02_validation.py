"""The answer key of quiz 02, in plain text: the source of solutions/02_validation_quiz.ipynb
(`python -m hpo_mini.quiz.build 02`) and of the tests. Not imported by the package."""

ANSWERS = {
    "q02.test_set_role": "c",
    "q02.which_splitter": {"a", "c", "d"},
    "q02.leak_mechanism": "b",
    "q02.pipeline_fix": "d",
    "q02.what_leaks": {"a", "c", "e"},
    "q02.sigma_val": 0.01265,
    "q02.optimism_100": 0.0317,
    "q02.two_percent_rule": "b",
    "q02.t_interval_over_folds": "c",
    "q02.bootstrap": {"a", "d"},
    "q02.seed_rerun": "a",
    "q02.fwer": 0.6415,
    "q02.holm_count": 2,
    "q02.nested_estimates": "a",
    "q02.code_t_interval": '''\
import numpy as np
from scipy import stats


def t_interval(scores, confidence=0.95):
    """(mean, lo, hi): the Student-t interval for the mean of scores."""
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    mean = scores.mean()
    half = stats.t.ppf((1 + confidence) / 2, df=n - 1) * scores.std(ddof=1) / np.sqrt(n)
    return float(mean), float(mean - half), float(mean + half)
''',
    "q02.code_time_series_split": '''\
import numpy as np


def time_series_split(X, n_splits, gap=0):
    """Yield (train_idx, test_idx) like TimeSeriesSplit(n_splits, gap=gap).split(X)."""
    n = len(X)
    test_size = n // (n_splits + 1)
    first_test = n - n_splits * test_size  # the remainder rows stay in the first training set
    if n < n_splits + 1 or first_test - gap <= 0:
        raise ValueError(f"{n} rows are too few for {n_splits} splits with gap={gap}")
    for start in range(first_test, n, test_size):
        yield np.arange(start - gap), np.arange(start, start + test_size)
''',
    "q02.explain_multiple_comparisons": """\
The best of 1000 comparisons reaching p = 0.01 is expected by chance: the chance of at least one false
positive is 1 - 0.95**1000, about 1, and Holm would ask for p <= 0.05/1000. The lead is also inflated because
the same folds chose the winner, and a paired t-test over CV folds is over-confident. I would re-run the top
few and the default on new seeds and splits, compare them pair-wise with the Nadeau-Bengio correction, and
prefer the simpler one if the difference stays within the noise.
""",
    "q02.explain_nested": """\
0.91 is the best of 200 noisy CV scores, picked because it was high, so it includes luck: the winner's curse,
larger with more configurations and smaller data. Nested CV runs the whole search with inner CV on each outer
training part and scores the refitted winner on the outer test fold, which the search never saw. Its mean
estimates the procedure search-then-refit, not one configuration, and is slightly pessimistic; I deploy the
search rerun on all the data and report the nested estimate.
""",
}
