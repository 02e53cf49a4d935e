"""The answer key of quiz 01: the one source of its keys. From it `python -m hpo_mini.quiz.build 01`
seals the keys into hpo_mini/quiz/bank/sealed/q01_hyperparameters.json and writes the answered
solutions/01_hyperparameters_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q01.definition": "a",
    "q01.which_are_hyper": {"a", "c", "e"},
    "q01.regularization_kind": {"a", "b", "c"},
    "q01.tune_first": "b",
    "q01.hierarchy": "a",
    "q01.overfit_end": "b",
    "q01.underfit_signs": {"a", "c"},
    "q01.select_on": "b",
    "q01.lr_limit": 0.5,
    "q01.growth_factor": 28.925,
    "q01.code_gd_losses": '''\
def gd_losses(curvature, lr, w0, n_steps):
    """Losses f(w_0), ..., f(w_n_steps) of gradient descent on f(w) = curvature / 2 * w**2."""
    w, losses = w0, []
    for _ in range(n_steps + 1):
        losses.append(0.5 * curvature * w**2)
        w = w - lr * curvature * w
    return losses
''',
    "q01.code_diverges": '''\
def diverges(lr, curvature):
    """True when gradient descent on curvature / 2 * w**2 blows up."""
    return abs(1 - lr * curvature) > 1
''',
    "q01.code_pick_by_validation": '''\
def pick_by_validation(results):
    """The config of the run with the lowest val_loss (first on ties)."""
    return min(results, key=lambda r: r["val_loss"])["config"]
''',
}
