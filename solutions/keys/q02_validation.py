"""The answer key of quiz 02: the one source of its keys. From it `python -m hpo_mini.quiz.build 02`
seals the keys into hpo_mini/quiz/bank/sealed/q02_validation.json and writes the answered
solutions/02_validation_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q02.test_set_role": "c",
    "q02.which_splitter": {"a", "c", "d"},
    "q02.leak_mechanism": "b",
    "q02.pipeline_fix": "d",
    "q02.what_leaks": {"a", "c", "e"},
    "q02.sigma_val": 0.012649,
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
    "q02.choosing_k": "c",
    "q02.one_se_rule": 3,
    "q02.walk_forward_window": "b",
}
