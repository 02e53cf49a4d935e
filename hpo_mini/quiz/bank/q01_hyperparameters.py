"""Quiz 01: parameters vs hyperparameters, their kinds, the importance hierarchy, under- and
overfitting, and the learning rate that makes gradient descent diverge.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q01_hyperparameters.py. The gradient-descent exercises are checked against
`hpo_mini.tasks.gradient_descent.quadratic_gd`, the function lesson 01 plots.
"""

from __future__ import annotations

import numpy as np

from ...tasks.gradient_descent import quadratic_gd
from ..checks import compare_with_reference
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "01_hyperparameters"
TITLE = "Quiz 01: hyperparameters"
LESSON = "01"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "params": "Parameters and hyperparameters",
    "kinds": "Five families of hyperparameters",
    "importance": "Which hyperparameters matter? What the literature says",
    "fit": "Underfitting, overfitting and the validation curve",
    "diverge": "A learning rate that diverges",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def gd_losses_reference(curvature, lr, w0, n_steps):
    """The library's gradient descent on f(w) = curvature / 2 * w^2 (objectives.quadratic_gd)."""
    return [float(v) for v in quadratic_gd(curvature, lr, w0=w0, n_steps=n_steps)]


def diverges_reference(lr, curvature):
    """|1 - lr * curvature| > 1: each step multiplies w by (1 - lr * curvature)."""
    return abs(1.0 - lr * curvature) > 1.0


def pick_by_validation_reference(results):
    best = min(range(len(results)), key=lambda i: (results[i]["val_loss"], i))  # the first of equal losses
    return results[best]["config"]


def _as_list(x):
    if isinstance(x, np.ndarray):
        return [float(v) for v in x]
    return x


def _run(config, train, val):
    return {"config": config, "train_loss": train, "val_loss": val}


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q01.definition",
        "E",
        "params",
        prompt="What makes a setting a *hyperparameter* rather than a parameter?",
        options=(
            "It is set before training and chosen by comparing models on held-out data; the training loop does not learn it.",
            "It is always a continuous number.",
            "It is learned by gradient descent on the validation set instead of the training set.",
            "It is any value that changes during training.",
        ),
        topics=("parameters vs hyperparameters",),
        hint="ask who sets the value, and with which data",
        explanation="Parameters (weights, biases, split thresholds) are fitted by the training algorithm on the "
        "training data. Hyperparameters (learning rate, depth, regularization strength) configure that "
        "algorithm; they are fixed before a run and chosen by an outer search that compares runs on "
        "validation data. They can be continuous, integer or categorical.",
        key="sha256:43103c5f1920c96d7cc9cc0c2d97828c5e1453886248e2c96494481157fec973",
    ),
    _q(
        MultipleChoice,
        "q01.which_are_hyper",
        "E",
        "params",
        prompt="Which of these are hyperparameters? Choose every one that applies.",
        options=(
            "The learning rate of SGD.",
            "The weights of a network's first layer.",
            "The number of trees in a random forest.",
            "The split thresholds inside a fitted decision tree.",
            "The L2 penalty strength of a logistic regression.",
            "The coefficients of a fitted logistic regression.",
        ),
        topics=("parameters vs hyperparameters",),
        hint="for each one, ask whether the fitting procedure computes it from the training data",
        explanation="Learning rate, number of trees and the L2 strength are chosen before fitting. Weights, split "
        "thresholds and coefficients are what fitting produces: parameters.",
        key="sha256:0ebbcba72acd41a35786dda0568c0405750dd46d6d1963312e638b067552dd0d",
    ),
    _q(
        MultipleChoice,
        "q01.regularization_kind",
        "E",
        "kinds",
        prompt="Which of these are *regularization* hyperparameters? Choose every one that applies.",
        options=(
            "The dropout rate.",
            "The L2 penalty (weight decay).",
            "The early-stopping patience.",
            "The learning rate.",
            "The number of layers.",
        ),
        topics=("kinds of hyperparameters",),
        hint="regularization hyperparameters limit how closely the model can fit the training data without changing its architecture",
        explanation="Dropout, weight decay and early stopping all restrain fitting to reduce overfitting. The "
        "learning rate is an optimization hyperparameter and the number of layers an architecture one "
        "(both affect fit, but that is not their role).",
        key="sha256:156b4e15336079d71891325586cbbc92e9194be16a659511d68793f726267ed7",
    ),
    _q(
        SingleChoice,
        "q01.tune_first",
        "M",
        "importance",
        prompt="You can afford 20 training runs of a neural network. Which hyperparameter do you tune first?",
        options=("Adam's β2.", "The learning rate.", "The number of layers.", "The random seed."),
        topics=("importance hierarchy", "learning rate"),
        hint="which setting, when wrong, makes every other setting irrelevant?",
        explanation="The learning rate is the most consistently important hyperparameter (Bengio 2012; Goodfellow, "
        "Bengio & Courville 2016, §11.4.1): too high and training diverges, too low and it crawls, whatever the rest. Optimizer details like β2 are rarely worth "
        "tuning, and the seed is not a hyperparameter to optimize (you average over it).",
        key="sha256:3a5627eab4e8106a92b858da70ddd6f9b0600db9925a437d5ccdb2678a804bd1",
    ),
    _q(
        SingleChoice,
        "q01.hierarchy",
        "H",
        "importance",
        prompt="Which order matches the usual rule of thumb for how much hyperparameters of a neural network "
        "matter, from most to least?",
        options=(
            "learning rate > batch size > regularization > architecture (depth, width) > optimizer details (β1, β2, ε)",
            "architecture > learning rate > optimizer details > regularization > batch size",
            "optimizer details > learning rate > batch size > architecture > regularization",
            "batch size > optimizer details > learning rate > regularization > architecture",
        ),
        topics=("importance hierarchy",),
        hint="start from the one that can make training diverge and end with the ones whose defaults are usually fine",
        explanation="The common practitioner ordering is learning rate, then batch size, then regularization, then "
        "architecture, then optimizer details, whose defaults (β1 = 0.9, β2 = 0.999) rarely need tuning. It "
        "is a rule of thumb, not a law: measure importance on your own task (lesson 13).",
        key="sha256:6b3503365a98749e95f64899bb6b0be50579a298bef5a4ed11cac1c5e8629d81",
    ),
    _q(
        SingleChoice,
        "q01.overfit_end",
        "M",
        "fit",
        prompt="On a validation curve you lower the L2 penalty step by step. Training error keeps falling; "
        "validation error falls, then rises. At the smallest penalty the model is:",
        options=("underfitting", "overfitting", "diverging", "well tuned"),
        topics=("underfitting and overfitting", "validation curves"),
        hint="compare the gap between training and validation error at the two ends of the curve",
        explanation="Little regularization lets the model fit noise in the training data: training error is low "
        "and validation error climbs, a widening gap, which is overfitting. The best penalty is at the bottom "
        "of the validation curve, not at either end.",
        key="sha256:b98354057acfa92b859ce6e92b93cde743f5ce8aba634562b4f80b76f2cec50e",
    ),
    _q(
        MultipleChoice,
        "q01.underfit_signs",
        "M",
        "fit",
        prompt="Which observations point to *underfitting*? Choose every one that applies.",
        options=(
            "Training and validation error are both high and close to each other.",
            "Training error is near zero while validation error is high.",
            "Adding capacity or lowering regularization lowers both training and validation error.",
            "Validation error is far *below* training error on every run.",
        ),
        topics=("underfitting and overfitting",),
        hint="underfitting means the model cannot even fit the training data well",
        explanation="An underfitting model does badly on the data it was trained on, so both errors are high and "
        "close, and more capacity helps both. A big train/validation gap is overfitting; validation error "
        "consistently far below training error is a warning sign of a bug or leakage, not underfitting.",
        key="sha256:58f89dbec629c372e0887e3a46e25825be5fceafd42835f44fda5358767c2db1",
    ),
    _q(
        SingleChoice,
        "q01.select_on",
        "E",
        "fit",
        prompt="Which data do you use to choose between hyperparameter settings?",
        options=(
            "The training set.",
            "A validation set (or cross-validation on the training data).",
            "The test set.",
            "All the data, training and test together.",
        ),
        topics=("validation curves",),
        hint="the data used to choose must be unseen by the fit, and the data used for the final report must be unseen by the choice",
        explanation="Choosing on the training set rewards overfitting; choosing on the test set uses it up, so it "
        "no longer gives an unbiased estimate. Validation data (or CV folds) is for choosing; the test set is "
        "touched once at the end (lesson 02).",
        key="sha256:e3da542a5491d7d71e6266df76b9b8a810c56f48e0600f96970bffb175c09a22",
    ),
    _q(
        Numeric,
        "q01.lr_limit",
        "M",
        "diverge",
        prompt="Gradient descent on f(w) = (λ/2)·w² with curvature λ = 4. Above which learning rate η does it "
        "diverge (|w| grows without bound from any w₀ ≠ 0)?",
        topics=("learning rate", "divergence"),
        hint="write one step as w ← (something) · w and ask when that factor has magnitude above 1",
        explanation="One step is w ← w − η·λ·w = (1 − η·λ)·w. It diverges when |1 − η·λ| > 1, i.e. η > 2/λ = "
        "0.5. At η = 0.5 it oscillates between w₀ and −w₀ forever; η = 1/λ = 0.25 lands on the minimum in one "
        "step. For an L-smooth loss the limit is 2/L, L the largest curvature.",
        key="obf:Ih3X",
        rel_tol=0.01,
        example="0.1",
    ),
    _q(
        Numeric,
        "q01.growth_factor",
        "H",
        "diverge",
        prompt="Same problem, λ = 4, but η = 0.6. By what factor has |w| grown after 10 steps (|w₁₀| / |w₀|)?",
        topics=("learning rate", "divergence"),
        hint="each step multiplies w by the same factor; find it and apply it ten times",
        explanation="The factor is 1 − η·λ = 1 − 0.6·4 = −1.4: w flips sign and grows by 1.4 each step, so |w₁₀|/|w₀| = "
        "1.4^10 ≈ 28.9, and the loss (∝ w²) grows by 1.96^10 ≈ 840. A learning rate only 20% above the limit "
        "blows up within tens of steps.",
        key="obf:USgg2MnH",
        rel_tol=0.02,
        example="10",
    ),
    _q(
        CodeExercise,
        "q01.code_gd_losses",
        "M",
        "diverge",
        prompt="Write `gd_losses(curvature, lr, w0, n_steps)`: run gradient descent on f(w) = curvature/2 · w² "
        "from `w0` for `n_steps` steps and return the list of the n_steps + 1 losses f(w₀), f(w₁), …, f(w_n).",
        topics=("learning rate", "divergence"),
        hint="the gradient of curvature/2 · w² is curvature · w; record the loss before the first step too",
        explanation="w ← w − lr · curvature · w, recording 0.5 · curvature · w² before every step and after the "
        "last: n_steps + 1 numbers. hpo_mini.tasks.gradient_descent.quadratic_gd does the same for several curvatures at "
        "once.",
        function_name="gd_losses",
        stub='def gd_losses(curvature, lr, w0, n_steps):\n    """Losses f(w_0), ..., f(w_n_steps) of gradient descent on f(w) = curvature / 2 * w**2."""\n    ...',
        checker=compare_with_reference(
            "gd_losses",
            gd_losses_reference,
            [
                {"curvature": 1.0, "lr": 0.1, "w0": 1.0, "n_steps": 5},
                {"curvature": 4.0, "lr": 0.5, "w0": 2.0, "n_steps": 3},
                {"curvature": 4.0, "lr": 0.6, "w0": 1.0, "n_steps": 10},
                {"curvature": 2.0, "lr": 0.1, "w0": -3.0, "n_steps": 0},
                {"curvature": 2.0, "lr": 0.5, "w0": 1.5, "n_steps": 4},
                {"curvature": 10.0, "lr": 0.01, "w0": 0.5, "n_steps": 20},
            ],
            postprocess=_as_list,
        ),
    ),
    _q(
        CodeExercise,
        "q01.code_diverges",
        "M",
        "diverge",
        prompt="Write `diverges(lr, curvature)`: True when gradient descent with learning rate `lr` > 0 on "
        "f(w) = curvature/2 · w² (curvature > 0) makes |w| grow without bound from any w₀ ≠ 0, else False.",
        topics=("learning rate", "divergence"),
        hint="find the factor one step multiplies w by; be careful at the exact boundary, where w neither grows nor shrinks",
        explanation="Diverges iff |1 − lr · curvature| > 1, i.e. lr > 2 / curvature. At lr = 2 / curvature the "
        "iterates oscillate with constant size: not divergent (and not convergent). lr > 1 / curvature "
        "overshoots the minimum but still converges while lr < 2 / curvature.",
        function_name="diverges",
        stub='def diverges(lr, curvature):\n    """True when gradient descent on curvature / 2 * w**2 blows up."""\n    ...',
        checker=compare_with_reference(
            "diverges",
            diverges_reference,
            [
                {"lr": 0.1, "curvature": 1.0},
                {"lr": 2.5, "curvature": 1.0},
                {"lr": 1.5, "curvature": 1.0},
                {"lr": 2.0, "curvature": 1.0},
                {"lr": 0.5, "curvature": 4.0},
                {"lr": 0.51, "curvature": 4.0},
                {"lr": 1e-3, "curvature": 1e4},
                {"lr": 0.3, "curvature": 10.0},
                {"lr": 0.15, "curvature": 10.0},
            ],
        ),
    ),
    _q(
        CodeExercise,
        "q01.code_pick_by_validation",
        "E",
        "fit",
        prompt="Write `pick_by_validation(results)`: `results` is a list of dicts "
        '`{"config": ..., "train_loss": ..., "val_loss": ...}`, one per training run. Return the `config` '
        "with the lowest validation loss (the first one on ties). Do not modify `results`.",
        topics=("validation curves", "underfitting and overfitting"),
        hint="choose on the data the model was not fitted on, and leave the caller's list in its order",
        explanation="min(results, key=lambda r: r['val_loss'])['config'] (min keeps the first of equal keys). "
        "Choosing on train_loss rewards overfitting; results.sort(...) reorders the caller's list.",
        function_name="pick_by_validation",
        stub='def pick_by_validation(results):\n    """The config of the run with the lowest val_loss (first on ties)."""\n    ...',
        checker=compare_with_reference(
            "pick_by_validation",
            pick_by_validation_reference,
            [
                {"results": [_run({"C": 0.1}, 0.30, 0.32), _run({"C": 1.0}, 0.10, 0.20), _run({"C": 100.0}, 0.01, 0.35)]},
                {"results": [_run({"C": 3.0}, 0.20, 0.25), _run({"C": 1.0}, 0.05, 0.30), _run({"C": 0.3}, 0.22, 0.21)]},
                {"results": [_run({"depth": 2}, 0.4, 0.4)]},
                {"results": [_run({"depth": 2}, 0.3, 0.2), _run({"depth": 4}, 0.1, 0.2), _run({"depth": 8}, 0.0, 0.3)]},
                {"results": [_run({"lr": 0.1}, 0.5, 0.6), _run({"lr": 0.01}, 0.2, 0.3), _run({"lr": 0.001}, 0.4, 0.5)]},
            ],
        ),
    ),
    _q(
        Explain,
        "q01.explain_param_vs_hyper",
        "E",
        "params",
        prompt="An interviewer asks: *\"What is the difference between a parameter and a hyperparameter?\"* "
        "Answer with two examples of each and say how each is chosen.",
        topics=("parameters vs hyperparameters",),
        hint="who sets it, when, with which data",
        explanation="See the model answer and rubric.",
        model_answer="Parameters are what training learns from the training data, e.g. a network's weights and "
        "biases or a logistic regression's coefficients, by minimizing the training loss (gradient descent). "
        "Hyperparameters configure the learning itself and are fixed before a run, e.g. the learning rate, "
        "the regularization strength, a forest's number of trees; there is usually no gradient for them, so "
        "they are chosen by an outer search (grid, random, Bayesian optimization) that compares trained "
        "models on validation data, never on the test set.",
        rubric=(
            "Parameters: learned from training data by the fitting algorithm, with two correct examples.",
            "Hyperparameters: set before training, configure the algorithm, with two correct examples.",
            "Hyperparameters are chosen by an outer search on validation data (or CV), not the test set.",
            "Notes why: no gradient for most hyperparameters / each evaluation is a full training run.",
        ),
    ),
    _q(
        Explain,
        "q01.explain_lr_first",
        "M",
        "importance",
        prompt="Why is the learning rate usually the first hyperparameter to tune, and what do a too-high and a "
        "too-low learning rate look like on a training-loss curve?",
        topics=("importance hierarchy", "learning rate", "divergence"),
        hint="think of the quadratic: what the step factor 1 − η·λ does on either side",
        explanation="See the model answer and rubric.",
        model_answer="It matters most and interacts with everything: with a wrong learning rate no other setting "
        "can be judged. Too high: the loss oscillates or explodes to inf/NaN within a few steps (on a quadratic, "
        "|1 − η·λ| > 1 once η > 2/λ). Too low: the loss falls smoothly but very slowly and training ends "
        "far from convergence, which looks like underfitting. Search it on a log scale (e.g. 1e-5 to 1e-1), "
        "or run a learning-rate range test, and retune it when the batch size changes.",
        rubric=(
            "Says it has the largest effect and gates everything else (rule of thumb, measured in the lesson).",
            "Too high: oscillation or divergence (loss to inf/NaN), with the 2/curvature limit or similar reasoning.",
            "Too low: slow progress that can masquerade as underfitting.",
            "Practical step: log-scale search or LR range test; retune with batch size.",
        ),
    ),
]
