"""The answer key of quiz 11: the one source of its keys. From it `python -m hpo_mini.quiz.build 11`
seals the keys into hpo_mini/quiz/bank/sealed/q11_classic_models.json and writes the answered
solutions/11_classic_models_quiz.ipynb; the handout prints it as the instructor's answer key. Explain
questions are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by
the package. Numeric keys are computed from the numbers in the prompts, not typed."""

import math


def _one_se(alphas, means, ses):
    """The one-standard-error choice (ESL section 7.10): the largest alpha within the best's mean + SE."""
    best = min(range(len(means)), key=lambda i: means[i])
    return max(a for a, m in zip(alphas, means) if m <= means[best] + ses[best])


def _gap_choice(gap, s):
    """Tibshirani, Walther & Hastie (2001), eq. 5: the smallest k (from 1) with Gap(k) >= Gap(k+1) - s(k+1)."""
    return next((k + 1 for k in range(len(gap) - 1) if gap[k] >= gap[k + 1] - s[k + 1]), len(gap))


ANSWERS = {
    "q11.halve_rate_trees": round(240 * 0.1 / 0.05),  # rate x trees kept constant
    "q11.boosting_order": "c",
    "q11.code_best_round": '''\
def best_round(val_losses, patience):
    """(best_round, stop_round), both counted from 1, under early stopping with the given patience."""
    best = 0
    since_best = 0
    for i in range(1, len(val_losses)):
        if val_losses[i] < val_losses[best]:
            best, since_best = i, 0
        else:
            since_best += 1
            if since_best >= patience:
                return best + 1, i + 1
    return best + 1, len(val_losses)
''',
    "q11.min_child_weight": math.ceil(1 / (0.9 * (1 - 0.9))),  # Hessian p(1 - p) per row
    "q11.library_names": {"a", "b", "d", "f"},
    "q11.forest_trees": "b",
    "q11.oob_fraction": (1 - 1 / 1000) ** 1000,
    "q11.svm_margin": 2 / math.hypot(3, 4),  # 2 / ||w||
    "q11.gamma_lengthscale": 1 / (2 * 0.5**2),  # gamma = 1 / (2 l^2)
    "q11.svm_c_effects": {"a", "b", "d"},
    "q11.knn_k": "d",
    "q11.code_one_se": '''\
def one_se_choice(mean_errors, std_errors, simplicity):
    """Index of the simplest candidate within one standard error of the best mean error."""
    best = 0
    for i in range(len(mean_errors)):
        if mean_errors[i] < mean_errors[best]:
            best = i
    threshold = mean_errors[best] + std_errors[best]
    chosen = None
    for i in range(len(mean_errors)):
        if mean_errors[i] > threshold:
            continue
        if (chosen is None or simplicity[i] > simplicity[chosen]
                or (simplicity[i] == simplicity[chosen] and mean_errors[i] < mean_errors[chosen])):
            chosen = i
    return chosen
''',
    "q11.one_se_table": _one_se([0.01, 0.1, 1, 10, 100], [10.4, 10.0, 10.3, 10.9, 13.0], [0.6, 0.5, 0.4, 0.5, 0.7]),
    "q11.c_alpha": 1 / (10 * 10_000),  # alpha = 1 / (C n)
    "q11.svr_epsilon": "b",
    "q11.cluster_validation": "c",
    "q11.gap_rule": _gap_choice([0.20, 0.55, 0.90, 0.95, 1.10, 1.08], [0.04, 0.05, 0.06, 0.04, 0.05, 0.05]),
    "q11.search_for_knn": "d",
    "q11.benchmark_reading": "b",
    "q11.claim_halving": "c",
}
