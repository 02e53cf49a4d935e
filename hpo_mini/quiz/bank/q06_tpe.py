"""Quiz 06: the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl, NeurIPS 2011).

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q06_tpe.py. Code exercises are checked against the library's
`split_observations` (hpo_mini/searchers/tpe.py) and against a Gaussian kernel density written with
scipy (`norm.logpdf` and `logsumexp`), on many inputs including ties, caps and far-away points.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

from ...searchers.tpe import split_observations
from ..checks import compare_with_reference
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "06_tpe"
TITLE = "Quiz 06: the Tree-structured Parzen Estimator"
LESSON = "06"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "tpe_idea": "From modelling p(y | x) to modelling p(x | y)",
    "split": "Splitting the trials with γ",
    "parzen": "Parzen estimators l(x) and g(x)",
    "ratio": "Why maximizing l(x)/g(x) maximizes expected improvement",
    "categorical": "Categorical, integer and conditional dimensions",
    "vs_gp": "TPE vs GP-based BO: when each wins",
    "claim": "Check the claim",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def tpe_split_reference(losses, gamma, max_good):
    """The library's split (tpe.py) with Optuna's rule n_good = min(ceil(gamma n), max_good), at least 1."""
    good, bad = split_observations(losses, lambda n: min(math.ceil(gamma * n), max_good))
    return good, bad


def parzen_log_density_reference(x, points, bandwidth):
    """log of (1/n) sum_i N(x; points_i, bandwidth^2), in log space (no underflow far from the points)."""
    x = np.asarray(x, dtype=float)
    points = np.asarray(points, dtype=float)
    log_kernels = norm.logpdf(x[..., None], loc=points, scale=bandwidth)
    return logsumexp(log_kernels, axis=-1) - math.log(len(points))


def pick_candidate_reference(candidates, good, bad, bandwidth):
    """The candidate with the largest log l(x) - log g(x) (the first of equal scores)."""
    candidates = np.asarray(candidates, dtype=float)
    score = parzen_log_density_reference(candidates, good, bandwidth) - parzen_log_density_reference(candidates, bad, bandwidth)
    return float(candidates[int(np.argmax(score))])


def _as_index_arrays(result):
    """(good, bad) as integer arrays (lists are fine), so [] and array([]) compare equal."""
    if isinstance(result, tuple) and len(result) == 2:
        try:
            return tuple(np.asarray(part).astype(np.int64).reshape(-1) if len(part) else np.zeros(0, dtype=np.int64) for part in result)
        except (TypeError, ValueError):
            return result
    return result


def _as_float_array(result):
    try:
        return np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return result


_LOSSES_30 = [0.52, 0.31, 0.77, 0.31, 0.95, 0.12, 0.64, 0.48, 0.31, 0.88, 0.27, 0.59, 0.70, 0.05, 0.43,
              0.91, 0.36, 0.22, 0.81, 0.67, 0.14, 0.58, 0.99, 0.40, 0.33, 0.75, 0.29, 0.62, 0.18, 0.85]
_LOSSES_300 = [round(float(v), 3) for v in np.random.default_rng(6).random(300)]

_SPLIT_CASES = [
    {"losses": [0.3, 0.1, 0.2, 0.5], "gamma": 0.5, "max_good": 25},
    {"losses": [0.3, 0.1, 0.2, 0.5, 0.4], "gamma": 0.1, "max_good": 25},  # ceil(0.5) = 1
    {"losses": _LOSSES_30, "gamma": 0.1, "max_good": 25},  # ties at 0.31
    {"losses": _LOSSES_30, "gamma": 0.25, "max_good": 25},  # ceil(7.5) = 8
    {"losses": [0.2, 0.2, 0.2, 0.1, 0.2], "gamma": 0.4, "max_good": 25},  # ties: earlier first
    {"losses": _LOSSES_300, "gamma": 0.1, "max_good": 25},  # the cap: 25, not 30
    {"losses": _LOSSES_300, "gamma": 0.05, "max_good": 10},
    {"losses": [5.0], "gamma": 0.1, "max_good": 25},
    {"losses": [-1.0, 3.0, -2.5, 0.0, 7.0, -2.5, 1.0], "gamma": 0.3, "max_good": 2},
    {"losses": np.array([0.9, 0.1, 0.5, 0.1, 0.7, 0.3]), "gamma": 1.0, "max_good": 25},  # all good
]

_PARZEN_CASES = [
    {"x": np.array([0.0]), "points": np.array([0.0]), "bandwidth": 1.0},
    {"x": np.array([0.2, 0.5, 0.9]), "points": np.array([0.1, 0.4, 0.45, 0.8]), "bandwidth": 0.1},
    {"x": np.linspace(-1.0, 2.0, 7), "points": np.array([0.3, 0.35, 0.7]), "bandwidth": 0.25},
    {"x": np.array([0.5, 3.0]), "points": np.array([0.5, 0.5, 0.5, 0.5, 2.0]), "bandwidth": 0.5},
    {"x": np.array([0.0, 0.5]), "points": np.array([0.2, 0.3]), "bandwidth": 2.0},
    {"x": np.array([10.0, 50.0]), "points": np.array([0.0, 0.1, 0.2]), "bandwidth": 0.1},  # far: log space
    {"x": np.array([0.25, 0.75]), "points": np.array([0.1, 0.9]), "bandwidth": 0.05},
]

_PICK_CASES = [
    {"candidates": np.array([0.1, 0.5, 0.9]), "good": np.array([0.45, 0.5, 0.55]), "bad": np.array([0.1, 0.2, 0.8, 0.9]), "bandwidth": 0.1},
    # l is largest at 0.3, but g is large there too: the ratio prefers 0.6
    {"candidates": np.array([0.3, 0.6, 0.95]), "good": np.array([0.3, 0.6]), "bad": np.array([0.25, 0.3, 0.35, 0.8]), "bandwidth": 0.1},
    # good points on the left, the candidates far to the right: every density underflows to 0
    {"candidates": np.array([30.0, 40.0, 35.0]), "good": np.array([0.9, 1.0]), "bad": np.array([0.0, 0.1, 0.2]), "bandwidth": 0.1},
    {"candidates": np.array([0.25, 0.75, 0.0]), "good": np.array([0.5]), "bad": np.array([0.0, 1.0]), "bandwidth": 0.25},  # a tie: the first
    {"candidates": np.linspace(0.0, 1.0, 11), "good": np.array([0.62, 0.66]), "bad": np.array([0.1, 0.3, 0.5, 0.7, 0.9]), "bandwidth": 0.08},
    # l - g is largest at 0.61, l / g at 0.54
    {"candidates": np.array([0.61, 0.73, 0.54, 0.94]), "good": np.array([0.64, 0.27]), "bad": np.array([0.04, 0.02, 0.81, 0.91]), "bandwidth": 0.1},
    {"candidates": np.array([0.05, 0.5]), "good": np.array([0.0, 0.1]), "bad": np.array([0.45, 0.5, 0.55, 0.6]), "bandwidth": 0.2},
]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q06.what_tpe_models",
        "E",
        "tpe_idea",
        prompt="A GP-based optimizer models p(y | x): the loss given the configuration. What does TPE model instead?",
        options=(
            "p(y | x) with a mixture of Gaussians in place of the GP.",
            "p(x | y) through two densities over the search space: l(x) for configurations whose loss is below a "
            "threshold y*, g(x) for the rest.",
            "The joint density p(x, y) with a single kernel density estimator over (x, y).",
            "A random forest regression of y on x, with its spread across trees as the uncertainty.",
        ),
        topics=("TPE", "p(x | y)"),
        hint="TPE turns the problem around with Bayes' rule: which variable does it put on the left of the bar?",
        explanation="TPE models p(x | y) = l(x) if y < y*, g(x) if y ≥ y* (Bergstra et al. 2011, sec. 4), plus "
        "p(y < y*) = γ. It never predicts a loss for a given x. A random forest regressor is SMAC's surrogate, "
        "and a mixture-of-Gaussians regression of y on x would still be a p(y | x) model.",
        key="sha256:5a6918808df4b1c2dfd671a2f2345a6538e632e6db12184e7ab155e4f288656f",
    ),
    _q(
        Numeric,
        "q06.gamma_57",
        "E",
        "split",
        prompt="With Optuna's default split, n_good = min(⌈0.1 n⌉, 25), how many of n = 57 completed trials "
        "form the good group that l(x) is fitted on?",
        topics=("TPE", "gamma"),
        hint="apply the rule: 10% of the trials, rounded up, at most 25",
        explanation="⌈0.1 × 57⌉ = ⌈5.7⌉ = 6, below the cap of 25: the 6 lowest losses make l(x), the other 51 "
        "make g(x). `default_gamma` in hpo_mini/searchers/tpe.py is this rule, the same as Optuna's "
        "`default_gamma` (checked against optuna 5.1's source).",
        key="sha256:0fd137363d16b2a8deefa560c35a35c4e5b4b4b249269a72d7973d6600d45c3c",
        example="10",
    ),
    _q(
        Numeric,
        "q06.gamma_400_bad",
        "M",
        "split",
        prompt="Same rule, n_good = min(⌈0.1 n⌉, 25). After n = 400 completed trials, how many trials does g(x) "
        "(the \"bad\" density) hold?",
        topics=("TPE", "gamma"),
        hint="compute the good group first, and do not forget the cap",
        explanation="⌈0.1 × 400⌉ = 40 is above the cap, so n_good = 25 and g holds 400 − 25 = 375 trials. The cap "
        "keeps l(x) concentrated on the very best region in long runs: without it, l would hold 40 points "
        "and drift towards merely good ones. (hyperopt's older rule, min(⌈0.25 √n⌉, 25), gives 5 here.)",
        key="sha256:9d4cb11d5cf810b1d460260de3abb7bb3a02100b74422c01e6dc46ecf0039663",
        example="100",
    ),
    _q(
        SingleChoice,
        "q06.ei_ratio",
        "H",
        "ratio",
        prompt="Bergstra et al. (2011) show that, with y* the γ-quantile of the observed losses, the expected "
        "improvement over y* satisfies EI(x) ∝ (γ + (1 − γ) g(x) / l(x))⁻¹. What follows?",
        options=(
            "EI is proportional to l(x) / g(x), so doubling the ratio doubles EI.",
            "EI equals l(x) − g(x), so TPE should maximize the difference of the densities.",
            "EI is an increasing function of l(x) / g(x), so the candidate with the largest ratio has the "
            "largest EI, without ever modelling p(y | x).",
            "The result holds only for γ = 0.5, where l and g hold the same number of points.",
        ),
        topics=("TPE", "expected improvement"),
        hint="look at how (γ + (1 − γ) / r)⁻¹ changes as r = l/g grows, and whether it is a straight line",
        explanation="Write r = l(x)/g(x): EI ∝ (γ + (1 − γ)/r)⁻¹ = r / (γ r + 1 − γ), which increases with r for "
        "any γ in (0, 1), so ranking candidates by r ranks them by EI. It is monotone, not proportional: it "
        "saturates at 1/γ as r grows (r = 4 vs r = 1 gives EI 2.29× larger at γ = 0.25, not 4×). The "
        "derivation uses p(x) = γ l(x) + (1 − γ) g(x) and the fact that p(x | y) does not depend on y "
        "within each side of y*; it holds for every γ.",
        key="sha256:580aaf81b030d7077ccbcc2051ac14adce27534ae4a8333a82ba59540057c588",
    ),
    _q(
        Numeric,
        "q06.ei_ratio_value",
        "H",
        "ratio",
        prompt="γ = 0.25. At candidate A, l(A) = 2.0 and g(A) = 0.5; at candidate B, l(B) = g(B) = 1.0. Using "
        "EI(x) ∝ (γ + (1 − γ) g(x)/l(x))⁻¹, what is EI(A) / EI(B)?",
        topics=("TPE", "expected improvement"),
        hint="the constant of proportionality cancels in the ratio: evaluate the bracket at A and at B",
        explanation="At A: (0.25 + 0.75 × 0.25)⁻¹ = 1/0.4375 ≈ 2.286; at B: (0.25 + 0.75)⁻¹ = 1. So EI(A)/EI(B) ≈ "
        "2.29, although l/g is 4 at A and 1 at B. Maximizing l/g and maximizing EI pick the same point, but "
        "EI is a saturating function of the ratio (at most 1/γ = 4 times EI at r = 1).",
        key="obf:a4Jcb3nI",
        rel_tol=0.01,
        example="1.5",
    ),
    _q(
        MultipleChoice,
        "q06.bandwidth",
        "M",
        "parzen",
        prompt="In a Parzen estimator each observation gets a Gaussian kernel of width (bandwidth) σ. Which "
        "statements about σ in TPE are true? Choose every one that applies.",
        options=(
            "With σ far too small, l(x) is a set of spikes on the good points: the candidates drawn from l "
            "nearly repeat old configurations (over-exploitation).",
            "With σ far too large, l and g both become nearly flat, l/g is close to 1 everywhere, and TPE "
            "behaves much like random search.",
            "hyperopt and Optuna set each kernel's σ from the distances to its neighbouring observations, "
            "clipped from below (the \"magic clip\"), so crowded regions get narrow kernels.",
            "σ is tuned by maximizing the marginal likelihood, as for a GP's length-scale.",
        ),
        topics=("TPE", "Parzen estimator", "bandwidth"),
        hint="picture l(x) with kernels of width 0.001 and of width 100 on [0, 1]; then recall how the library picks σ",
        explanation="A tiny σ turns l into spikes, so samples from l land on the good points again (and the ratio "
        "is huge only there); a huge σ flattens both densities and the ratio carries no information. TPE uses "
        "a cheap heuristic, not likelihood maximization: each kernel's σ is the larger gap to its sorted "
        "neighbours, clipped to at least range / min(100, n_kernels + 1) (Bergstra et al. 2011; hyperopt; "
        "Optuna; `_bandwidths` in hpo_mini/models/parzen.py). Marginal-likelihood fitting is the GP's way.",
        key="sha256:558c0c8f2b47bd2dba7a62a4c2edddba005306517586d9645319ad865d877696",
    ),
    _q(
        MultipleChoice,
        "q06.categorical",
        "M",
        "categorical",
        prompt="How does TPE (as in hyperopt and Optuna) handle categorical and conditional hyperparameters? "
        "Choose every statement that is true.",
        options=(
            "For a categorical, l and g are categorical distributions: each observation adds weight to the "
            "choice it used, with a small uniform prior so no choice gets probability 0.",
            "Categoricals are one-hot encoded and given Gaussian kernels, as a GP would do.",
            "A conditional hyperparameter (e.g. the momentum, which exists only when optimizer = \"sgd\") is "
            "modelled only from the trials in which it was active: that is the \"tree\" in the name.",
            "The order in which the choices are listed changes the model, because neighbouring choices "
            "share kernel mass.",
        ),
        topics=("TPE", "categorical", "conditional spaces"),
        hint="think about what a kernel on an unordered set of choices can look like, and what the tree of a search space is",
        explanation="TPE gives each categorical its own weighted categorical distribution (Optuna: mass 1 + w on "
        "the observed choice and w = prior_weight / n_kernels on every choice, renormalized): no ordering, no "
        "distance between choices, no one-hot (hpo_mini's `parzen_estimator` does the same). In a "
        "tree-structured space each node's density is fitted on "
        "the trials that reached it (Bergstra et al. 2011, sec. 4), which is why TPE handles conditional "
        "spaces natively while a GP needs an encoding and a kernel for inactive dimensions.",
        key="sha256:2db697e8eac560611582a23a6e484bc51f99cbd11aca3b21725ebc75c5854684",
    ),
    _q(
        SingleChoice,
        "q06.multivariate",
        "H",
        "parzen",
        prompt="Two hyperparameters only work well together: the loss is low only near the diagonal x₁ ≈ x₂ of the "
        "unit square. Why can the original independent TPE struggle here, and what fixes it?",
        options=(
            "Independent TPE cannot represent two continuous dimensions at all; it needs a categorical.",
            "The split γ is too small; raising γ to 0.5 recovers the diagonal.",
            "TPE maximizes l − g instead of l / g; the ratio would recover the diagonal.",
            "Independent TPE fits l and g per dimension and multiplies them, so it only sees the marginals: "
            "they are nearly flat for a diagonal, and it proposes off-diagonal pairs. Multivariate TPE (one "
            "kernel per observation over all dimensions, Optuna's multivariate=True) keeps the pairs together.",
        ),
        topics=("TPE", "multivariate TPE", "interactions"),
        hint="what does a product of one-dimensional densities look like when the good points lie on a diagonal?",
        explanation="Independent TPE models l(x) = l₁(x₁) l₂(x₂): the good points along a diagonal project to "
        "almost uniform marginals, so l ≈ g per dimension and the product carries no information about the "
        "interaction. Multivariate TPE places one product kernel per observation (shared mixture weight), "
        "so mass sits where the good pairs are (Falkner, Klein & Hutter, BOHB 2018; Optuna's multivariate "
        "option; Watanabe 2023). Changing γ or the acquisition does not add the missing dependence.",
        key="sha256:bac61ef6ba6750bfca534cf191248fb9c6fada46044e0249f19c5c70121f2c1f",
    ),
    _q(
        MultipleChoice,
        "q06.tpe_or_gp",
        "M",
        "vs_gp",
        prompt="In which of these situations would you pick TPE over GP-based Bayesian optimization? Choose every "
        "one that applies.",
        options=(
            "Five continuous hyperparameters, a smooth objective, and only 40 evaluations of an hour each.",
            "A neural network with 15 hyperparameters, half of them categorical or conditional (optimizer "
            "choice, its momentum only for SGD), and a budget of 300 trials.",
            "A budget of 5 000 cheap trials, where the optimizer's own time per proposal starts to matter.",
            "You need a calibrated estimate of the loss and its uncertainty at arbitrary configurations.",
        ),
        topics=("TPE", "Bayesian optimization", "method choice"),
        hint="compare the cost of a proposal as n grows, what each model does with categories, and what each model can predict",
        explanation="TPE shines with mixed and conditional spaces (native categorical and tree handling) and many "
        "trials: a proposal costs O(n × candidates) kernel evaluations, while a GP refits with an O(n³) "
        "Cholesky. A GP wins on small, smooth, low-dimensional continuous problems with few expensive "
        "evaluations, where its correlated posterior extracts more from each point; and only a regression "
        "model like the GP gives a predictive mean and standard deviation of the loss at any x (TPE gives a "
        "density ratio, not a loss prediction).",
        key="sha256:d6debca205c941f507ad15b93ff97638fbe6fe86cb078fcadaca19a912f32a30",
    ),
    _q(
        SingleChoice,
        "q06.startup",
        "E",
        "split",
        prompt="Why do TPE implementations start with about 10 random trials (n_startup) before using l and g?",
        options=(
            "Random trials are cheaper to evaluate than the ones TPE proposes.",
            "With 1 or 2 observations, the good group holds one point and the densities say almost nothing: "
            "a random start gives l and g enough spread to be worth following.",
            "The Parzen estimators need exactly 10 points to be normalized.",
            "The first trials are used to tune γ by cross-validation.",
        ),
        topics=("TPE", "initial design"),
        hint="count how many points l(x) would be fitted on after the second trial",
        explanation="After 2 trials, ⌈0.1 × 2⌉ = 1 point makes l(x): following the ratio of two one-kernel "
        "densities mostly exploits noise. Optuna and hpo_mini use n_startup = 10 random trials first. The cost "
        "of a trial does not depend on who proposed it, Parzen estimators are normalized for any n ≥ 1 "
        "(and with the prior even for n = 0), and γ is fixed, not tuned.",
        key="sha256:ad54c9ace3f47e36101433948861d4f09ad1ac2f9255506f9c33cb4639d0b2f6",
    ),
    _q(
        CodeExercise,
        "q06.code_split",
        "M",
        "split",
        prompt="Write `tpe_split(losses, gamma, max_good)`: sort the observations by loss and return the pair "
        "`(good, bad)` of *index* arrays (or lists). The good group holds the n_good = min(⌈gamma · n⌉, max_good) "
        "lowest losses, at least one when there is any observation; bad holds the rest. Both are ordered by "
        "loss, ties broken by position (the earlier observation first). `losses` is a list or array of n ≥ 1 "
        "finite numbers, 0 < gamma ≤ 1. Do not modify `losses`.",
        topics=("TPE", "gamma"),
        hint="a stable sort of the indices by loss, then cut after the n_good first; check the rounding direction and the cap",
        explanation="order = np.argsort(losses, kind=\"stable\"); k = min(max(ceil(gamma n), 1), max_good, n) (with "
        "max_good ≥ 1); return order[:k], order[k:]. Rounding down gives an empty l(x) for small n (0.1 × 5 → 0); "
        "forgetting the cap lets l grow to 30 points at n = 300; an unstable or reversed sort changes which of "
        "the tied trials is good. This is `split_observations(losses, lambda n: min(ceil(gamma n), max_good))` "
        "in hpo_mini/searchers/tpe.py, Optuna's rule with gamma = 0.1, max_good = 25.",
        function_name="tpe_split",
        stub='def tpe_split(losses, gamma, max_good):\n    """(good, bad): index arrays sorted by loss (ties: earlier first); n_good = min(ceil(gamma n), max_good), >= 1."""\n    ...',
        checker=compare_with_reference("tpe_split", tpe_split_reference, _SPLIT_CASES, postprocess=_as_index_arrays),
    ),
    _q(
        CodeExercise,
        "q06.code_parzen",
        "M",
        "parzen",
        prompt="Write `parzen_log_density(x, points, bandwidth)`: the log of the 1-D Parzen (Gaussian kernel) "
        "density of `points`, p(x) = (1/n) Σᵢ N(x; pointsᵢ, bandwidth²), at every value of the array `x`. Return "
        "an array shaped like `x`. It must stay finite far from the points (x = 50 with points near 0 and "
        "bandwidth 0.1). Do not modify the inputs.",
        topics=("TPE", "Parzen estimator", "numerical stability"),
        hint="compute each kernel's log density, then combine them with a log-sum-exp instead of exp, sum, log",
        explanation="log p(x) = logsumexp_i(−(x − pᵢ)² / (2h²) − log h − ½ log 2π) − log n, e.g. "
        "`logsumexp(norm.logpdf(x[:, None], points, h), axis=1) - np.log(n)`. np.log(np.mean(pdf)) underflows "
        "to −inf once every kernel's density is below 1e-308 (x = 50 here: the exponent is about −125 000), "
        "which would make l/g undefined; forgetting 1/n or the 1/h of each kernel gives a function that is "
        "not a density. TPE's estimators add truncation to the range and a prior kernel "
        "(`parzen_estimator` in hpo_mini/models/parzen.py), but the core is this mixture.",
        function_name="parzen_log_density",
        stub='def parzen_log_density(x, points, bandwidth):\n    """log((1/n) * sum_i N(x; points_i, bandwidth**2)) at each x; finite far from the points."""\n    ...',
        checker=compare_with_reference(
            "parzen_log_density", parzen_log_density_reference, _PARZEN_CASES, rel=1e-7, abs_=1e-9, postprocess=_as_float_array
        ),
    ),
    _q(
        CodeExercise,
        "q06.code_pick",
        "H",
        "ratio",
        prompt="Write `pick_candidate(candidates, good, bad, bandwidth)`: l is the Parzen density of the `good` "
        "values and g that of the `bad` values (the same Gaussian mixture as in the previous exercise, one "
        "bandwidth for both). Return the candidate value (a float) with the largest l(x)/g(x); on ties the first "
        "one. It must work when every density underflows (candidates far from all points). Do not modify the inputs.",
        topics=("TPE", "expected improvement", "numerical stability"),
        hint="compare log l(x) − log g(x), which stays finite where l(x)/g(x) would be 0/0",
        explanation="score = log l(x) − log g(x) with log-sum-exp densities; return candidates[argmax(score)] "
        "(np.argmax returns the first maximum). Dividing densities gives 0/0 = nan far from the data, and "
        "np.argmax treats nan as the largest value, so it returns a meaningless candidate. Maximizing l alone "
        "ignores that bad points crowd the same place; l − g is not monotone in the ratio. Far from all the "
        "data the log ratio is dominated by the nearest good and bad kernels, which is why practical TPEs "
        "bound the search range and add a prior.",
        function_name="pick_candidate",
        stub='def pick_candidate(candidates, good, bad, bandwidth):\n    """The candidate (float) maximizing l(x) / g(x); first of ties; robust to underflow."""\n    ...',
        checker=compare_with_reference("pick_candidate", pick_candidate_reference, _PICK_CASES),
    ),
    _q(
        Explain,
        "q06.explain_tpe",
        "M",
        "tpe_idea",
        prompt="An interviewer asks: *\"How does TPE choose the next hyperparameters to try?\"* Answer in about a "
        "minute, as you would at a whiteboard.",
        topics=("TPE", "p(x | y)", "expected improvement"),
        hint="the split, the two densities, the ratio and why it is the right thing to maximize",
        explanation="See the model answer and rubric.",
        model_answer="TPE models p(x | y) instead of p(y | x). After a few random trials it sorts the observed "
        "losses and splits them at a quantile y*: the best γ fraction (Optuna: min(⌈0.1 n⌉, 25) trials) are "
        "\"good\", the rest \"bad\". It fits a Parzen (kernel density) estimator to each group: l(x) on the good "
        "configurations and g(x) on the bad ones, with a Gaussian kernel per observation for numeric "
        "dimensions and a smoothed categorical distribution for categorical ones. It then draws a few dozen "
        "candidates from l and proposes the one with the largest l(x)/g(x). Bergstra et al. (2011) showed that "
        "expected improvement over y* is proportional to (γ + (1 − γ) g/l)⁻¹, an increasing function of l/g, "
        "so this is EI maximization without a regression model; each proposal is cheap (linear in n).",
        rubric=(
            "Says TPE models p(x | y) with two densities instead of p(y | x).",
            "Describes the split at the γ-quantile of the losses (and a concrete default).",
            "Names Parzen / kernel density estimators for l and g and how candidates are drawn (from l).",
            "Proposes the candidate maximizing l/g and links it to expected improvement (monotone, Bergstra et al. 2011).",
            "Mentions a practical property: cheap proposals, native categorical / conditional handling, random start.",
        ),
    ),
    _q(
        Explain,
        "q06.explain_vs_gp",
        "H",
        "vs_gp",
        prompt="*\"Your team uses Optuna's TPE for everything. When would you switch to GP-based BO, and when would "
        "you keep TPE?\"* Give a precise answer with the reasons.",
        topics=("TPE", "Bayesian optimization", "method choice"),
        hint="compare the models on cost per proposal, kinds of dimensions, smoothness and budget, and interactions",
        explanation="See the model answer and rubric.",
        model_answer="I would keep TPE for mixed, categorical-heavy or conditional spaces (the optimizer choice "
        "with its own hyperparameters, architecture choices), for larger budgets (hundreds to thousands of "
        "trials) and for parallel runs: it handles categories and trees natively, and a proposal costs O(n) "
        "kernel evaluations per candidate while a GP's fit is O(n³). I would switch to a GP when the space is "
        "small (up to ~10 dimensions), mostly continuous and smooth, and each evaluation is expensive so only "
        "tens of trials are affordable: the GP's correlated posterior and EI use every point better there, and "
        "it gives an uncertainty I can inspect. For interacting hyperparameters I would at least use "
        "multivariate TPE, since independent TPE ignores interactions. And I would check the choice with "
        "several seeds on the real task, not assume it.",
        rubric=(
            "TPE for categorical / conditional / mixed spaces, and why (native handling vs encodings for a GP).",
            "Cost: TPE proposals are cheap and scale with many trials; GP fitting is O(n³).",
            "GP for small, smooth, continuous problems with few expensive evaluations (sample efficiency, uncertainty).",
            "Mentions interactions: multivariate vs independent TPE.",
            "Proposes to verify empirically (several seeds, same budget).",
        ),
    ),
    _q(
        SingleChoice,
        "q06.claim_protocol",
        "M",
        "claim",
        prompt="You want to check the claim \"TPE beats random search on our mixed search space\". Which protocol "
        "gives a trustworthy answer?",
        options=(
            "Run TPE once with 200 trials and random search once with 50, and compare the best losses.",
            "Run each once with the same seed; the same seed makes the comparison exact.",
            "Run both with the same budget of trials on ≥ 5 seeds each, compare the best loss found per seed "
            "(median and spread), and report the budgets or seeds where TPE does not win.",
            "Compare the mean loss of all trials of each method, not the best one.",
        ),
        topics=("TPE", "benchmarking"),
        hint="both methods are random: what makes one run of each not enough, and what must be equal between them?",
        explanation="Both methods are stochastic, so a single run per method compares luck; equal budgets make "
        "the comparison fair; the best loss found (or the simple regret) is what tuning delivers; and the "
        "median with its spread over seeds, including where TPE loses (early on, while it is still random, or "
        "on tiny budgets), is the honest summary. The same seed does not couple two different algorithms, "
        "and the mean over all trials rewards caution rather than finding a good configuration.",
        key="sha256:cae0b0040216b79c2d5cf2cf73c982894d26c85091788180aec838f94eb6e524",
    ),
]
