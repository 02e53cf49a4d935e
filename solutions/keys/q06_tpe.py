"""The answer key of quiz 06, in plain text: the source of solutions/06_tpe_quiz.ipynb
(`python -m hpo_mini.quiz.build 06`) and of the tests. Not imported by the package."""

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
    "q06.explain_tpe": """\
TPE models p(x | y): it splits the trials at a quantile of the losses (Optuna: the best min(ceil(0.1 n), 25)),
fits a Parzen estimator l(x) to the good configurations and g(x) to the others, draws candidates from l and
proposes the one with the largest l/g. Expected improvement is an increasing function of l/g
(Bergstra et al. 2011), so this maximizes EI; each proposal is cheap and categoricals are handled natively.
""",
    "q06.explain_vs_gp": """\
Keep TPE for categorical or conditional spaces, many trials and parallel runs: cheap O(n) proposals and native
categories. Switch to a GP for a few smooth continuous dimensions with tens of expensive evaluations, where its
posterior uses each point better and gives uncertainties. Use multivariate TPE when parameters interact, and
check the choice over several seeds.
""",
    "q06.claim_protocol": "c",
}
