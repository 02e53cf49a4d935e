"""The answer key of quiz 05: the one source of its keys. From it `python -m hpo_mini.quiz.build 05`
seals the keys into hpo_mini/quiz/bank/sealed/q05_bayesian_optimization.json and writes the answered
solutions/05_bayesian_optimization_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q05.loop_step": "c",
    "q05.ei_value": 0.03956,
    "q05.ei_facts": {"a", "d", "e"},
    "q05.code_expected_improvement": '''\
import numpy as np
from scipy.stats import norm


def expected_improvement(mu, sigma, best, xi):
    """E[max(best - xi - f, 0)], f ~ N(mu, sigma^2); max(best - xi - mu, 0) where sigma = 0."""
    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)
    improvement = best - xi - mu
    known = sigma == 0
    z = improvement / np.where(known, 1.0, sigma)  # never divide by 0
    ei = improvement * norm.cdf(z) + sigma * norm.pdf(z)
    return np.where(known, np.maximum(improvement, 0.0), ei)
''',
    "q05.pi_greedy": "a",
    "q05.pi_value": 0.15866,
    "q05.ucb_direction": "b",
    "q05.code_probability_of_improvement": '''\
import numpy as np
from scipy.stats import norm


def probability_of_improvement(mu, sigma, best, xi):
    """P(f < best - xi), f ~ N(mu, sigma^2); 1 or 0 where sigma = 0."""
    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)
    improvement = best - xi - mu
    known = sigma == 0
    z = improvement / np.where(known, 1.0, sigma)
    return np.where(known, (improvement > 0).astype(float), norm.cdf(z))
''',
    "q05.kappa_switch": 1.4286,
    "q05.knobs": {"a", "c", "d"},
    "q05.log_ei": "d",
    "q05.code_log_expected_improvement": '''\
import numpy as np
from scipy.special import erfcx, ndtr


def log_expected_improvement(mu, sigma, best, xi):
    """log of sigma * (z Phi(z) + phi(z)), z = (best - xi - mu) / sigma, finite for z down to -40."""
    z = (best - xi - np.asarray(mu, dtype=float)) / np.asarray(sigma, dtype=float)
    log_phi = -0.5 * z**2 - 0.5 * np.log(2 * np.pi)
    out = np.empty_like(z)
    direct = z > -1
    zd = z[direct]
    out[direct] = np.log(zd * ndtr(zd) + np.exp(log_phi[direct]))
    zt = z[~direct]
    ratio = np.sqrt(np.pi / 2) * erfcx(-zt / np.sqrt(2))  # Phi(z) / phi(z), the Mills ratio
    out[~direct] = log_phi[~direct] + np.log1p(zt * ratio)
    return out + np.log(sigma)
''',
    "q05.acq_opt": "b",
    "q05.snap_value": 0.625,
    "q05.snapping": {"a", "c", "e"},
    "q05.liar": "c",
    "q05.transform": "c",
    "q05.random_median": 346.2,
    "q05.struggles": {"a", "c", "d"},
    "q05.thompson_workers": "b",
    "q05.entropy_acquisition": "c",
    "q05.ei_per_second": 4.878,
    "q05.crashed_trials": {"a", "b", "d"},
    "q05.batch_per_trial": "b",
    "q05.exact_speedups": {"a", "b"},
    "q05.paired_verdict": "b",
    "q05.clean_sweep_p": 2 / 2**20,  # the two one-signed patterns of 2^20, equally likely under the null
    "q05.ablation_rosenbrock": "b",
    "q05.all_noise_fit": "b",
}
