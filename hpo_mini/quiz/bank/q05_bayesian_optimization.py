"""Quiz 05: Bayesian optimization: the loop, EI / PI / UCB, their knobs, log EI, snapping, batches.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q05_bayesian_optimization.py. Code exercises are checked against the library:
`expected_improvement`, `probability_of_improvement` and `log_expected_improvement` in
hpo_mini/models/acquisition.py.
"""

from __future__ import annotations

import numpy as np

from ...models.acquisition import expected_improvement, log_expected_improvement, probability_of_improvement
from ..checks import compare_with_reference
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "05_bayesian_optimization"
TITLE = "Quiz 05: Bayesian optimization"
LESSON = "05"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "loop": "The loop",
    "ei": "Expected improvement, derived",
    "pi_ucb": "Probability of improvement and the confidence bound",
    "knobs": "Exploration versus exploitation: $\\xi$ and $\\kappa$",
    "log_ei": "Why the code maximizes $\\log \\text{EI}$",
    "acq_opt": "Optimizing the acquisition",
    "snapping": "Integers and categoricals: snapping",
    "liar": "Batches for parallel workers: the constant liar",
    "transform": "Modelling $y$ or $\\log y$: the output transform chosen by evidence",
    "claim": "Check the claim: \"BO needs 20–50 trials where random search needs 200+\"",
    "struggles": "Where BO struggles",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def expected_improvement_reference(mu, sigma, best, xi):
    """The library's closed form (Jones, Schonlau & Welch 1998, eq. 15), for minimization."""
    return expected_improvement(mu, sigma, best, xi)


def probability_of_improvement_reference(mu, sigma, best, xi):
    """The library's PI = Phi((best - xi - mu) / sigma) (Kushner 1964), for minimization."""
    return probability_of_improvement(mu, sigma, best, xi)


def log_expected_improvement_reference(mu, sigma, best, xi):
    """The library's stable log EI (Ament et al., NeurIPS 2023)."""
    return log_expected_improvement(mu, sigma, best, xi)


# Inputs for EI and PI: floats and arrays, mean below and above the incumbent, sigma = 0 (f known
# exactly there), xi = 0 and xi > 0, and a point far worse than the incumbent.
_EI_PI_CASES = [
    {"mu": 1.0, "sigma": 0.5, "best": 1.0, "xi": 0.01},
    {"mu": 0.3, "sigma": 0.1, "best": 0.5, "xi": 0.0},
    {"mu": 2.0, "sigma": 1.0, "best": 1.0, "xi": 0.01},
    {"mu": 0.2, "sigma": 0.3, "best": 0.5, "xi": 0.25},
    {"mu": 0.2, "sigma": 0.0, "best": 0.5, "xi": 0.01},
    {"mu": 0.9, "sigma": 0.0, "best": 0.5, "xi": 0.01},
    {"mu": np.array([-0.3, 0.0, 0.4, 1.5, 0.1]), "sigma": np.array([0.3, 0.0, 1.0, 0.05, 2.0]), "best": 0.0, "xi": 0.05},
    {"mu": np.linspace(-1.0, 3.0, 9), "sigma": np.full(9, 0.7), "best": 0.5, "xi": 0.0},
    {"mu": 5.0, "sigma": 0.5, "best": 0.0, "xi": 0.0},
]

# Inputs for log EI: z = (best - xi - mu) / sigma from +3 down to -40, where EI itself underflows.
_LOG_EI_CASES = [
    {"mu": np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), "sigma": np.ones(5), "best": 0.0, "xi": 0.0},
    {"mu": np.array([0.2, 0.6, 1.4]), "sigma": np.array([0.5, 2.0, 0.1]), "best": 0.5, "xi": 0.0},
    {"mu": np.array([0.0, 0.3, 1.0]), "sigma": np.array([0.2, 0.2, 0.2]), "best": 0.4, "xi": 0.1},
    {"mu": np.array([3.0, 5.0, 8.0, 12.0]), "sigma": np.ones(4), "best": 0.0, "xi": 0.0},
    {"mu": np.array([20.0, 30.0, 40.0]), "sigma": np.ones(3), "best": 0.0, "xi": 0.0},
    {"mu": np.array([-3.0, 10.0, 40.0]), "sigma": np.array([1.0, 0.5, 2.0]), "best": 0.0, "xi": 0.01},
    {"mu": np.array([1.0]), "sigma": np.array([1.0]), "best": 0.0, "xi": 0.0},
]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q05.loop_step",
        "E",
        "loop",
        prompt="After the initial design, what does Bayesian optimization maximize at each step to choose the "
        "next configuration to evaluate?",
        options=(
            "The objective itself, with L-BFGS-B started from the best trial so far.",
            "The GP's log marginal likelihood.",
            "An acquisition function computed from the GP's posterior mean μ(x) and standard deviation σ(x): "
            "cheap to evaluate, so it can be optimized thoroughly.",
            "The distance to the nearest trial, to fill the space evenly.",
        ),
        topics=("BO loop", "acquisition function"),
        hint="list the four steps of the loop and ask which one produces x_next",
        explanation="The loop is: initial design, fit the GP (its hyperparameters by marginal likelihood), "
        "x_next = argmax of the acquisition α(x), which scores a point from μ(x) and σ(x) alone, evaluate, "
        "repeat. The expensive objective is called once per step, never optimized directly; the marginal "
        "likelihood fits the model, it does not choose points; pure space filling is what the initial Sobol "
        "design does, not the model-based steps.",
        key="sha256:9aabf40fb2e4866804b829bee8008e5ecd135211ea9cec83380be71dc0fb6928",
    ),
    _q(
        Numeric,
        "q05.ei_value",
        "M",
        "ei",
        prompt="The GP predicts μ = 0.5 and σ = 0.2 at a candidate; the best loss so far is f⋆ = 0.4 and ξ = 0. "
        "What is the expected improvement there (for minimization)?",
        topics=("expected improvement",),
        hint="compute z = (f⋆ − ξ − μ)/σ first, then EI = (f⋆ − ξ − μ)Φ(z) + σφ(z)",
        explanation="z = (0.4 − 0.5)/0.2 = −0.5; Φ(−0.5) ≈ 0.3085, φ(−0.5) ≈ 0.3521; EI = −0.1 · 0.3085 + "
        "0.2 · 0.3521 ≈ 0.0396. The mean is worse than the incumbent, so the first (exploitation) term is "
        "negative; the uncertainty term more than makes up for it: EI is positive wherever σ > 0.",
        key="obf:Ogmk6Cp7Sg==",
        rel_tol=0.01,
        example="0.1",
    ),
    _q(
        MultipleChoice,
        "q05.ei_facts",
        "H",
        "ei",
        prompt="EI(x) = (f⋆ − ξ − μ)Φ(z) + σφ(z) with z = (f⋆ − ξ − μ)/σ, for minimization. Which statements are "
        "true? Choose every one.",
        options=(
            "∂EI/∂μ = −Φ(z) < 0: a lower predicted mean raises EI (exploitation).",
            "EI is exactly 0 wherever the predicted mean is above the incumbent, μ > f⋆.",
            "EI is never smaller than PI at the same point.",
            "EI ≥ max(f⋆ − ξ − μ, 0): uncertainty never lowers EI below the improvement the mean promises.",
            "At a fixed μ, EI grows with σ, since ∂EI/∂σ = φ(z) > 0 (exploration).",
        ),
        topics=("expected improvement", "exploration vs exploitation"),
        hint="differentiate the closed form in μ and in σ; for the inequality, think of E[max(X, 0)] against max(E[X], 0)",
        explanation="The derivatives are −Φ(z) and φ(z) (the φ terms cancel because φ'(z) = −zφ(z)): both "
        "terms of the trade-off in one formula. EI ≥ max(f⋆ − ξ − μ, 0) by Jensen's inequality, max(·, 0) being "
        "convex, with equality as σ → 0. EI is positive wherever σ > 0, even for μ > f⋆, because part of the "
        "posterior lies below the incumbent. EI is in the units of y and PI is a probability, so neither bounds "
        "the other: at μ = f⋆, σ = 0.01, PI = 0.5 and EI ≈ 0.004.",
        key="sha256:7e3ed324e8da110dca3c150d617ceed97d9537a443a8936073d0c90046392715",
    ),
    _q(
        CodeExercise,
        "q05.code_expected_improvement",
        "M",
        "ei",
        prompt="Write `expected_improvement(mu, sigma, best, xi)` for minimization: the expected value of "
        "max(best − xi − f, 0) with f ~ N(mu, sigma²). `mu` and `sigma` are floats or numpy arrays of the same "
        "shape (return the same shape), `best` the lowest loss observed, `xi` ≥ 0. Where `sigma` is 0 the "
        "value of f is known and EI = max(best − xi − mu, 0). Do not modify the inputs.",
        topics=("expected improvement",),
        hint="z = (best − xi − mu)/sigma, then the closed form; treat the points with sigma = 0 separately (np.where) so you never divide by 0",
        explanation="improvement = best − xi − mu; where sigma > 0, z = improvement/sigma and "
        "EI = improvement·Φ(z) + sigma·φ(z) (scipy.stats.norm.cdf / pdf); where sigma = 0, max(improvement, 0). "
        "`hpo_mini.models.acquisition.expected_improvement` is the same formula with sigma floored at 1e-12. Typical "
        "slips: mu − best (that is maximization), forgetting xi, dividing by the variance, "
        "sigma·(zΦ(z) + φ(z)) evaluated at sigma = 0 (0 · ∞ = NaN), or `mu -= best` on the caller's array.",
        function_name="expected_improvement",
        stub='def expected_improvement(mu, sigma, best, xi):\n    """E[max(best - xi - f, 0)], f ~ N(mu, sigma^2); max(best - xi - mu, 0) where sigma = 0."""\n    ...',
        checker=compare_with_reference("expected_improvement", expected_improvement_reference, _EI_PI_CASES),
    ),
    _q(
        SingleChoice,
        "q05.pi_greedy",
        "M",
        "pi_ucb",
        prompt="Two candidates, for minimization, with ξ = 0 and incumbent f⋆: A has μ = f⋆ − 0.001 and "
        "σ = 0.0001 (a near-certain, tiny improvement); B has μ = f⋆ + 0.1 and σ = 1. Which does PI prefer, "
        "and which does EI prefer?",
        options=(
            "PI prefers A, EI prefers B.",
            "Both prefer A.",
            "Both prefer B.",
            "PI prefers B, EI prefers A.",
        ),
        topics=("probability of improvement", "expected improvement"),
        hint="PI = Φ(z) counts only the chance of improving; EI also weighs how large the improvement could be",
        explanation="PI(A) = Φ(0.001/0.0001) = Φ(10) ≈ 1, PI(B) = Φ(−0.1) ≈ 0.46: PI takes the sure thing. "
        "EI(A) ≈ 0.001, EI(B) = −0.1 · 0.46 + 1 · φ(−0.1) ≈ 0.35: EI takes the candidate that might improve a "
        "lot. This is PI's greediness (Kushner 1964): with ξ = 0 it creeps along next to the incumbent, as the "
        "lesson's explorer shows; ξ > 0 is its only exploration knob.",
        key="sha256:d7e55b60fe42c618fb6e70620aeb754056cbed127a81ff705b38d3d81ac78ea5",
    ),
    _q(
        Numeric,
        "q05.pi_value",
        "M",
        "pi_ucb",
        prompt="μ = 0.5, σ = 0.2, incumbent f⋆ = 0.4, ξ = 0.1. What is the probability of improvement PI = "
        "P(f < f⋆ − ξ)?",
        topics=("probability of improvement",),
        hint="standardize the threshold f⋆ − ξ with μ and σ, then read Φ",
        explanation="z = (0.4 − 0.1 − 0.5)/0.2 = −1, so PI = Φ(−1) ≈ 0.159. ξ moves the threshold: the same "
        "point has PI = Φ(−0.5) ≈ 0.31 with ξ = 0. Asking for more improvement lowers PI everywhere, but less "
        "where σ is large, which is how ξ pushes PI to explore.",
        key="obf:pDjVR3aiDQ==",
        rel_tol=0.01,
        example="0.5",
    ),
    _q(
        SingleChoice,
        "q05.ucb_direction",
        "E",
        "pi_ucb",
        prompt="GP-UCB is often written μ + κσ. You are **minimizing** a validation loss. Which score does "
        "`hpo_mini.models.acquisition.upper_confidence_bound` compute, with the next point at its argmax?",
        options=(
            "μ + κσ, as written.",
            "−(μ − κσ): the lower confidence bound μ − κσ is the optimistic guess for a loss, negated so that "
            "larger is better.",
            "μ − κσ, maximized directly.",
            "κσ alone: the mean does not matter for UCB.",
        ),
        topics=("confidence bound",),
        hint="for a loss, which end of the band is the optimistic one, and which way does an argmax look?",
        explanation="For minimization the optimistic estimate is the lower bound μ − κσ; the best candidate is the "
        "one with the lowest lower bound, i.e. the argmax of −(μ − κσ). Maximizing μ + κσ, or μ − κσ itself, "
        "hunts for high losses: the sign mistake the lesson warns about, since interview notes usually write "
        "the maximization form. κσ alone would be pure exploration.",
        key="sha256:376127c430cf98e0530131a67e587be5288efb894270225b67f22705f816139e",
    ),
    _q(
        CodeExercise,
        "q05.code_probability_of_improvement",
        "E",
        "pi_ucb",
        prompt="Write `probability_of_improvement(mu, sigma, best, xi)` for minimization: P(f < best − xi) with "
        "f ~ N(mu, sigma²). `mu` and `sigma` are floats or numpy arrays of the same shape (return the same "
        "shape). Where `sigma` is 0, f = mu exactly: the probability is 1 if mu < best − xi and 0 if "
        "mu > best − xi. Do not modify the inputs.",
        topics=("probability of improvement",),
        hint="standardize the threshold best − xi; treat sigma = 0 separately so you never divide by 0",
        explanation="Where sigma > 0: Φ((best − xi − mu)/sigma) (scipy.stats.norm.cdf); where sigma = 0: "
        "1.0 if mu < best − xi else 0.0. This is `hpo_mini.models.acquisition.probability_of_improvement`. Slips: "
        "Φ((mu − best)/sigma) (the probability of getting *worse*), best + xi, forgetting xi, dividing by the "
        "variance, or Python-float division by sigma = 0.",
        function_name="probability_of_improvement",
        stub='def probability_of_improvement(mu, sigma, best, xi):\n    """P(f < best - xi), f ~ N(mu, sigma^2); 1 or 0 where sigma = 0."""\n    ...',
        checker=compare_with_reference("probability_of_improvement", probability_of_improvement_reference, _EI_PI_CASES),
    ),
    _q(
        Numeric,
        "q05.kappa_switch",
        "M",
        "knobs",
        prompt="Minimizing with the lower confidence bound μ − κσ. Candidate A: μ = 0.30, σ = 0.05. Candidate "
        "B: μ = 0.40, σ = 0.12. Above which value of κ does the search prefer B?",
        topics=("confidence bound", "exploration vs exploitation"),
        hint="write both lower bounds as functions of κ and find where they cross",
        explanation="B wins when 0.40 − 0.12κ < 0.30 − 0.05κ, i.e. 0.07κ > 0.10, κ > 1.43. Below that the search "
        "exploits the better mean (A), above it it explores the more uncertain B. κ trades the two terms "
        "linearly; a constant κ ≈ 2, common in practice, picks B here.",
        key="obf:DgGvTX2e",
        rel_tol=0.01,
        example="2.0",
    ),
    _q(
        MultipleChoice,
        "q05.knobs",
        "M",
        "knobs",
        prompt="Which statements about the exploration knobs are true? Choose every one.",
        options=(
            "Raising ξ moves EI's choice towards points with a larger σ.",
            "Raising κ makes the confidence-bound score favour points with a low mean more strongly.",
            "κ = 0 is pure exploitation: the minimum of the posterior mean, which can stall on a point already known.",
            "ξ is in the units of y: ξ = 0.01 on an error rate around 0.02 demands a 50% relative improvement.",
            "ξ changes PI but has no effect on EI.",
        ),
        topics=("exploration vs exploitation",),
        hint="in the lesson's tables, follow σ at the argmax as ξ and κ grow",
        explanation="A bigger ξ asks for a bigger improvement, which only uncertain points can promise; a bigger κ "
        "gives σ more weight, not μ. κ = 0 ranks by the mean alone. ξ enters z = (f⋆ − ξ − μ)/σ in both EI and "
        "PI, in the units of the loss, so its size must match the scale of y (the lesson's \"ξ in the wrong "
        "units\" mistake).",
        key="sha256:f2742b9f1dce282671c98e4fbe8a2cc917ca17429993c676c51802daf12473af",
    ),
    _q(
        SingleChoice,
        "q05.log_ei",
        "H",
        "log_ei",
        prompt="Why does `BayesianOptimization` maximize log EI (computed directly) instead of EI?",
        options=(
            "log EI is more exploratory than EI, so it finds the global basin faster.",
            "log EI has a different argmax, which corrects EI's greediness.",
            "Taking the log makes the acquisition concave, so a single L-BFGS-B start is enough.",
            "Where the model is confident a point is worse than the incumbent (z ≪ 0), EI and its gradient "
            "underflow to exactly 0 and the optimizer sees a flat landscape; log EI stays finite and "
            "informative, with the same argmax wherever EI is representable.",
        ),
        topics=("log EI", "numerics"),
        hint="evaluate EI at z = −40 in double precision, and ask what a gradient-based optimizer sees there",
        explanation="EI = σ(zΦ(z) + φ(z)) decays like φ(z)/z² as z → −∞: at z = −40 it is exactly 0.0 in double "
        "precision, while log EI ≈ −808. After a few dozen trials most of the space has z ≪ 0, and an "
        "optimizer started there cannot move. Computing log EI with the Mills ratio Φ(z)/φ(z) from erfcx "
        "avoids underflow and cancellation (Ament et al., NeurIPS 2023). The log is monotone, so it changes "
        "neither the argmax nor the exploration behaviour, and it does not make the landscape unimodal.",
        key="sha256:6948eec42f0514aa022bb2979b912aa02166797d0c34f7a601d6d5879b45ed5b",
    ),
    _q(
        CodeExercise,
        "q05.code_log_expected_improvement",
        "H",
        "log_ei",
        prompt="Write `log_expected_improvement(mu, sigma, best, xi)`: log EI for minimization, finite even where "
        "EI underflows to 0. `mu` and `sigma` are numpy arrays of the same shape with sigma > 0; return an "
        "array of that shape. With z = (best − xi − mu)/sigma and h(z) = zΦ(z) + φ(z), EI = sigma·h(z). It "
        "must be accurate for z from +3 down to −40 (where EI itself is 0.0 in double precision).",
        topics=("log EI", "numerics"),
        hint="for z ≤ −1 write h(z) = φ(z)(1 + zΦ(z)/φ(z)), take logs term by term, and get the ratio Φ(z)/φ(z) "
        "from scipy.special.erfcx (or log_ndtr) instead of dividing two tiny numbers",
        explanation="log EI = log sigma + log h(z). For z > −1, log(zΦ(z) + φ(z)) directly. For z ≤ −1, "
        "log h = log φ(z) + log1p(z·r) with r = Φ(z)/φ(z) = √(π/2)·erfcx(−z/√2), the Mills ratio, which neither "
        "underflows nor cancels; log φ(z) = −z²/2 − ½ log 2π (Ament et al., NeurIPS 2023; "
        "`hpo_mini.models.acquisition.log_expected_improvement`). np.log(EI) gives −∞ at z = −40; the asymptotic "
        "form log φ(z) − 2 log|z| alone is wrong for moderate z; and forgetting log sigma is wrong whenever "
        "sigma ≠ 1.",
        function_name="log_expected_improvement",
        stub='def log_expected_improvement(mu, sigma, best, xi):\n    """log of sigma * (z Phi(z) + phi(z)), z = (best - xi - mu) / sigma, finite for z down to -40."""\n    ...',
        checker=compare_with_reference(
            "log_expected_improvement", log_expected_improvement_reference, _LOG_EI_CASES, rel=1e-7, abs_=1e-9
        ),
    ),
    _q(
        SingleChoice,
        "q05.acq_opt",
        "M",
        "acq_opt",
        prompt="`BayesianOptimization` scores 2000 random points of the unit cube with the acquisition, then "
        "refines the best 5 with L-BFGS-B. Why this two-stage recipe?",
        options=(
            "The acquisition is expensive, so only a few thousand evaluations are affordable.",
            "The acquisition is cheap but multimodal, with a bump in most gaps between observations: random "
            "candidates find the promising basins, gradient steps polish the best few.",
            "L-BFGS-B cannot handle box bounds, so the candidates keep the search inside the cube.",
            "The acquisition is concave, so the extra starts only guard against round-off.",
        ),
        topics=("acquisition optimization",),
        hint="count the local maxima of EI on the grid in the lesson, step by step",
        explanation="The acquisition costs a GP prediction, microseconds per point, so thousands of evaluations "
        "are cheap next to one training run; but it has several local maxima at most steps (the lesson counts "
        "them), so one gradient run from one start would often end on the wrong bump. Candidates plus local "
        "refinement is the standard recipe (scikit-optimize's acq_optimizer=\"lbfgs\", BoTorch's multi-start "
        "L-BFGS-B). L-BFGS-B handles box bounds natively.",
        key="sha256:9b00e99a97535f1caca20e00e1c0c7cc1709bf55f34bdc3ff3416ad89475f62a",
    ),
    _q(
        Numeric,
        "q05.snap_value",
        "M",
        "snapping",
        prompt="The GP works on the unit cube. A dimension `Int(1, 4)` owns four equal slices of [0, 1]. The "
        "acquisition optimizer proposes u = 0.6 on that axis. What unit value does `Space.snap` return, the "
        "unit point of the integer that would actually run?",
        topics=("snapping", "integers"),
        hint="find the slice that holds 0.6, the integer it stands for, and the centre of that slice",
        explanation="The slices are [0, 0.25) → 1, [0.25, 0.5) → 2, [0.5, 0.75) → 3, [0.75, 1] → 4, so u = 0.6 "
        "runs 3 and snaps to the centre of its slice, 0.625. The acquisition is evaluated at the snapped point, "
        "so it is flat across each slice and cannot reward a value between two integers that no trial could "
        "realize.",
        key="obf:n/Fblrw=",
        abs_tol=0.002,
        example="0.5",
    ),
    _q(
        MultipleChoice,
        "q05.snapping",
        "M",
        "snapping",
        prompt="How does `BayesianOptimization` handle integer and categorical hyperparameters, and what does that "
        "cost? Choose every true statement.",
        options=(
            "The acquisition is evaluated at the snapped point, so it is flat inside each integer's or choice's slice.",
            "Rounding only the final proposal, after optimizing on the continuous cube, would be equivalent.",
            "A categorical's choices get an order and distances in the kernel that mean nothing (sgd < adam < rmsprop).",
            "Snapping lets the GP learn how similar two unordered categories are.",
            "It is fine for a few integers and small categoricals; many unordered choices are better served by TPE "
            "or a kernel built for categories.",
        ),
        topics=("snapping", "categoricals"),
        hint="compare evaluating the acquisition at the snapped point with rounding after the fact, and think about what a kernel distance between two choices means",
        explanation="Evaluating at the snapped point (Garrido-Merchán & Hernández-Lobato 2020) keeps the optimizer "
        "from chasing a high score between two integers; rounding afterwards can land on a value the model "
        "never scored, or on a repeat. The price: categories become ordinal with arbitrary distances, so the "
        "GP learns little across choices. For many unordered or conditional choices, TPE (lesson 06) or a "
        "Hamming-type kernel (CoCaBO) do better.",
        key="sha256:1f3b40960fc692cc00e55ff0f6f185cb866691a05f7b3bb5c37c6a5f4377cccc",
    ),
    _q(
        SingleChoice,
        "q05.liar",
        "M",
        "liar",
        prompt="Under an executor with four workers, BO proposes four points before any result returns, using the "
        "constant liar with the lie L = min y. The four points land within 0.01 of each other in the unit "
        "square. Why, and what would you try?",
        options=(
            "A bug: a constant liar always spreads a batch out.",
            "The lie makes the pending points look bad, so the GP avoids their whole region.",
            "Lying with the minimum tells the GP each pending point is as good as the incumbent, which makes its "
            "neighbourhood look even more promising; a lie at the mean, or a diversity-aware batch method, "
            "pushes later proposals away.",
            "The GP's noise is too high; fix it at 0.",
        ),
        topics=("constant liar", "parallel BO"),
        hint="what does the GP believe about the region around a pending point after an optimistic lie?",
        explanation="The constant liar (Ginsbourger, Le Riche & Carraro 2010) conditions the GP on each pending "
        "trial as if it had returned L. An optimistic L = min y makes the pending point's neighbourhood look excellent, so the "
        "next proposals cluster there: in the lesson's Branin runs the min lie gave batches within about a "
        "hundredth of the square, and the mean lie (the library's default) spread them far wider. Any lie "
        "avoids exact repeats; its value decides the spread. Check your batches' spread before trusting a "
        "default.",
        key="sha256:27e539c77ce7755394e7175d36247e9a9217a3000691aaa30a21f54fc761da59",
    ),
    _q(
        SingleChoice,
        "q05.transform",
        "H",
        "transform",
        prompt="After 20 trials on Rosenbrock the observed losses span several orders of magnitude. With "
        "`y_transform=\"auto\"`, how does `BayesianOptimization` decide whether to model y or "
        "g(y) = log(y − min y + ε)?",
        options=(
            "It always models log y once all losses are positive.",
            "It compares the two GPs' log marginal likelihoods as they are, each computed on its own targets.",
            "It fits one GP to y and one to g(y) and keeps the model under which the observed y are more "
            "probable: the log model's marginal likelihood is corrected by the Jacobian Σᵢ log g'(yᵢ) (and both "
            "by their standardization), so the two are compared in the units of y.",
            "It keeps the model with the smaller cross-validation error on the last five trials.",
        ),
        topics=("output transform", "marginal likelihood"),
        hint="two likelihoods of different data (y and g(y)) can only be compared after a change of variables",
        explanation="p(z) and p(y) are densities of different variables; the change-of-variables rule gives "
        "log p(y) = log p(g(y)) + Σᵢ log g'(yᵢ) = log p(g(y)) − Σᵢ log(yᵢ − min y + ε), plus −n log sd for "
        "undoing each GP's standardization (warped GPs, Snelson, Rasmussen & Ghahramani 2003). Without the "
        "correction the comparison is meaningless. The log model is not always better: on smooth, "
        "moderate-range functions it turns the best point into an outlier. In the lesson the plain model won "
        "on Forrester, Branin and Hartmann-6 and the log model on Rosenbrock for every seed, which is why the "
        "choice is made per step, by evidence.",
        key="sha256:584e3bd44a87f192dda8f4cfd2666a5dea780865a476c1c6ca0be62700d98620",
    ),
    _q(
        Numeric,
        "q05.random_median",
        "M",
        "claim",
        prompt="On Branin, the points within 0.1 of the optimum cover about q = 0.2% of the box. Random search "
        "draws i.i.d. uniform points. What is the **median** number of random trials until the first one lands "
        "in that region?",
        topics=("random search", "trial arithmetic"),
        hint="the number of trials to the first hit is geometric: find n with 1 − (1 − q)^n = 1/2",
        explanation="Solve (1 − q)^n = ½: n = ln 2 / −ln(1 − q) = 0.693/0.002 ≈ 346, with a huge spread. BO reached the same "
        "target within a few dozen trials in the lesson: where the folklore \"20–50 vs 200+\" holds, a small "
        "target in a smooth function. On the SVM task, 8% of the space was within the target and random search "
        "needed a handful of trials (median ln 2 / −ln 0.92 ≈ 8).",
        key="obf:3HfKA94=",
        rel_tol=0.02,
        example="100",
    ),
    _q(
        MultipleChoice,
        "q05.struggles",
        "M",
        "struggles",
        prompt="In which of these settings would you expect GP-based BO to struggle, or to lose to simpler methods? "
        "Choose every one.",
        options=(
            "50 continuous hyperparameters and a budget of 60 trials.",
            "Three continuous hyperparameters on log scales, each trial an hour of GPU time.",
            "A space with many unordered categorical and conditional hyperparameters.",
            "An objective that takes 5 ms to evaluate, with a budget of 10 000 trials.",
            "A smooth 2-D objective whose good region is 0.2% of the box.",
        ),
        topics=("BO limits",),
        hint="for each, ask whether the GP can generalize, whether its cost matters next to the trial's, and how big the good region is",
        explanation="High dimension: with tens of trials most of a 50-D cube is far from every observation and the "
        "GP stays near its prior. Categorical and conditional spaces: snapping makes choices ordinal and one GP "
        "has no place for conditional parameters (TPE, SMAC). A 5 ms objective: the model's tens of "
        "milliseconds per step cost more than the trials; run more random trials. The other two are BO's home "
        "ground: few continuous dimensions, expensive trials, a small good region (Branin in the lesson).",
        key="sha256:69f9812393396582d207c65bb928a996ea6ce83ff63106a81a7c6e0308c7de0d",
    ),
    _q(
        Explain,
        "q05.explain_derive_ei",
        "M",
        "ei",
        prompt="An interviewer asks: *\"Derive expected improvement for minimization, and tell me what each term "
        "does.\"* Write the derivation and the reading you would give, in a few lines.",
        topics=("expected improvement", "exploration vs exploitation"),
        hint="define the improvement, substitute u = (f − μ)/σ, use φ'(u) = −uφ(u)",
        explanation="See the model answer and rubric.",
        model_answer="The improvement over the incumbent f⋆ is I = max(f⋆ − ξ − f, 0) with f ~ N(μ, σ²) from the "
        "GP. EI = ∫_{−∞}^{f⋆−ξ} (f⋆ − ξ − f) φ((f − μ)/σ)/σ df. Substituting u = (f − μ)/σ, the upper limit "
        "becomes z = (f⋆ − ξ − μ)/σ and EI = (f⋆ − ξ − μ)Φ(z) − σ∫_{−∞}^{z} uφ(u) du; since φ'(u) = −uφ(u), the "
        "integral is −φ(z), so EI = (f⋆ − ξ − μ)Φ(z) + σφ(z) (Jones et al. 1998). The first term is large when the "
        "mean is below the incumbent (exploitation, ∂EI/∂μ = −Φ(z)); the second when the uncertainty is large "
        "(exploration, ∂EI/∂σ = φ(z)). At σ = 0 it reduces to max(f⋆ − ξ − μ, 0); ξ asks for a minimum "
        "improvement and pushes towards exploration.",
        rubric=(
            "Defines the improvement max(f⋆ − ξ − f, 0) for minimization with f ~ N(μ, σ²).",
            "Standardizes (u or z) and evaluates the integral, using ∫ uφ(u) du = −φ(z).",
            "States EI = (f⋆ − ξ − μ)Φ(z) + σφ(z) with z = (f⋆ − ξ − μ)/σ.",
            "Reads the two terms as exploitation and exploration (the derivatives in μ and σ).",
            "Mentions the σ = 0 limit or what ξ does.",
        ),
    ),
    _q(
        Explain,
        "q05.explain_when_not_bo",
        "H",
        "struggles",
        prompt="An interviewer asks: *\"When would you not use Bayesian optimization for hyperparameter tuning, "
        "and what would you use instead?\"* Write the answer you would give in about a minute.",
        topics=("BO limits", "noisy objectives", "parallel BO"),
        hint="think about dimension, kinds of hyperparameter, cost per trial, noise, parallelism, and how common good configurations are",
        explanation="See the model answer and rubric.",
        model_answer="When trials are cheap: the GP's cubic fitting cost and the acquisition search take tens of "
        "milliseconds or more per step, so random search with more trials wins on wall clock. With many "
        "hyperparameters (beyond roughly 20) the GP stays near its prior; with many categorical or conditional "
        "ones snapping makes them ordinal: TPE or SMAC's random forests handle those. With massive parallelism, "
        "batches are chosen with less information and can collapse: asynchronous random search with ASHA or "
        "Hyperband uses the hardware better. With very noisy evaluations the incumbent is the luckiest "
        "measurement, so I'd need a noise-aware acquisition and re-evaluation. And when good configurations are "
        "common, as for the lesson's SVM, random search reaches the target as fast. BO shines for a handful of "
        "continuous hyperparameters, expensive trials and a small good region.",
        rubric=(
            "Cheap objectives: modelling overhead (O(n³) fits, acquisition search) versus more random trials.",
            "High dimension and categorical/conditional spaces, with an alternative (TPE, SMAC, random search).",
            "Massive parallelism (random search + ASHA/Hyperband) or noisy objectives (luckiest incumbent, noise-aware EI, re-evaluation).",
            "Good configurations common (broad basin): random search is as fast.",
            "Says where BO does pay off: few continuous dimensions, expensive trials, small good region.",
        ),
    ),
]
