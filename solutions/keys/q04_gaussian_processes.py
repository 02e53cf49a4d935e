"""The answer key of quiz 04: the one source of its keys. From it `python -m hpo_mini.quiz.build 04`
seals the keys into hpo_mini/quiz/bank/sealed/q04_gaussian_processes.json and writes the answered
solutions/04_gaussian_processes_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q04.gp_definition": "b",
    "q04.lengthscale": "c",
    "q04.noise_term": "a",
    "q04.matern": "d",
    "q04.upcrossings": 3.1831,
    "q04.short_lengthscale": {"a", "c", "d"},
    "q04.std_at_training_point": 0.4472,
    "q04.mean_one_point": 0.9704,
    "q04.variance_facts": {"a", "b", "e"},
    "q04.code_rbf_kernel": '''\
import numpy as np


def rbf_kernel(X1, X2, lengthscales, variance):
    """(n1, n2) matrix s^2 exp(-r^2 / 2), r^2 = sum_d ((x_d - x'_d) / l_d)^2."""
    D = (X1[:, None, :] - X2[None, :, :]) / lengthscales
    return variance * np.exp(-0.5 * np.sum(D**2, axis=-1))
''',
    "q04.code_posterior": '''\
import numpy as np
from scipy.linalg import cho_solve, solve_triangular


def gp_posterior(K, k_star, k_star_star, y, noise):
    """(mean, variance) of f at the test points: R&W eqs. 2.25-2.26."""
    L = np.linalg.cholesky(K + noise * np.eye(len(K)))  # R&W Algorithm 2.1, line 2
    alpha = cho_solve((L, True), y)  # line 3
    mean = k_star.T @ alpha  # line 4
    v = solve_triangular(L, k_star, lower=True)  # line 5
    variance = k_star_star - np.sum(v**2, axis=0)  # line 6
    return mean, variance
''',
    "q04.lml_terms": "b",
    "q04.lml_two_optima": "c",
    "q04.ard": "a",
    "q04.code_log_marginal_likelihood": '''\
import numpy as np
from scipy.linalg import cho_solve


def log_marginal_likelihood(K, y, noise):
    """log p(y | X) = -y^T K_y^-1 y / 2 - log|K_y| / 2 - n log(2 pi) / 2, K_y = K + noise I."""
    n = len(y)
    L = np.linalg.cholesky(K + noise * np.eye(n))
    alpha = cho_solve((L, True), y)
    return -0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * n * np.log(2 * np.pi)
''',
    "q04.jitter": "c",
    "q04.why_cholesky": {"b", "c", "d"},
    "q04.normalize": "c",
    "q04.cost_scaling": 12.8,
    "q04.cost_remedies": {"a", "c", "d", "e"},
    "q04.variance_ignores_y": "a",
    "q04.cholesky_update": "c",
    "q04.valid_kernels": {"a", "b", "c", "e"},
    "q04.matern_increment": 0.0975412,
}
