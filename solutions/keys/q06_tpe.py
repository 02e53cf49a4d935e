"""The answer key of quiz 06: the one source of its keys. From it `python -m hpo_mini.quiz.build 06`
seals the keys into hpo_mini/quiz/bank/sealed/q06_tpe.json and writes the answered
solutions/06_tpe_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q06.what_tpe_models": "b",
    "q06.gamma_57": 6,
    "q06.gamma_400_bad": 375,
    "q06.ei_ratio": "c",
    "q06.ei_ratio_value": 2.2857,
    "q06.bandwidth": {"a", "b", "c"},
    "q06.categorical": {"a", "c"},
    "q06.multivariate": "d",
    "q06.tpe_or_gp": {"b", "c"},
    "q06.startup": "b",
    "q06.code_split": '''\
import math

import numpy as np


def tpe_split(losses, gamma, max_good):
    """(good, bad): index arrays sorted by loss (ties: earlier first); n_good = min(ceil(gamma n), max_good), >= 1."""
    order = np.argsort(np.asarray(losses, dtype=float), kind="stable")
    n_good = max(1, min(math.ceil(gamma * len(order)), max_good))
    return order[:n_good], order[n_good:]
''',
    "q06.code_parzen": '''\
import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm


def parzen_log_density(x, points, bandwidth):
    """log((1/n) * sum_i N(x; points_i, bandwidth**2)) at each x; finite far from the points."""
    x = np.asarray(x, dtype=float)
    log_kernels = norm.logpdf(x[:, None], loc=np.asarray(points, dtype=float), scale=bandwidth)
    return logsumexp(log_kernels, axis=1) - np.log(len(points))
''',
    "q06.code_pick": '''\
import numpy as np
from scipy.special import logsumexp


def pick_candidate(candidates, good, bad, bandwidth):
    """The candidate (float) maximizing l(x) / g(x); first of ties; robust to underflow."""
    x = np.asarray(candidates, dtype=float)[:, None]

    def log_density(points):
        z = (x - np.asarray(points, dtype=float)) / bandwidth
        return logsumexp(-0.5 * z**2, axis=1) - np.log(len(points) * bandwidth * np.sqrt(2 * np.pi))

    score = log_density(good) - log_density(bad)
    return float(candidates[int(np.argmax(score))])
''',
    "q06.claim_protocol": "c",
    "q06.univariate_mixing": 0.0625,
    "q06.optuna5_defaults": {"a", "b", "c", "d"},
}
