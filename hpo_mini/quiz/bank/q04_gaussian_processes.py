"""Quiz 04: Gaussian processes: kernels, the posterior, the marginal likelihood, Cholesky, cost.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q04_gaussian_processes.py. Code exercises are checked against the library:
`hpo_mini.models.gp.rbf` for the kernel, and `GaussianProcess(..., optimize=False, normalize_y=False)`
(`predict` and `log_marginal_likelihood`) for the posterior and the marginal likelihood.
"""

from __future__ import annotations

import copy

import numpy as np

from ...models.gp import KERNELS, GaussianProcess, rbf
from ..checks import compare_with_reference, same, show, unchanged
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "04_gaussian_processes"
TITLE = "Quiz 04: Gaussian processes"
LESSON = "04"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "blr": "From a Bayesian linear model to a Gaussian process",
    "kernels": "Kernels and what their hyperparameters do",
    "posterior": "The posterior, next to the code",
    "lml": "The marginal likelihood: fitting the hyperparameters",
    "cholesky": "Cholesky and jitter",
    "normalize": "Output normalization",
    "cost": "The cost: $O(n^3)$",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def rbf_kernel_reference(X1, X2, lengthscales, variance):
    """The library's squared-exponential ARD kernel, R&W eqs. 4.9 and 5.2 (hpo_mini/models/gp.py)."""
    return rbf(X1, X2, lengthscales, variance)


# Data sets for the posterior and marginal-likelihood exercises:
# (label, kernel, length-scales, signal variance, noise variance, n train, n test, dimension, seed).
_GP_SETTINGS = [
    ("one observation, tested where it was taken", "rbf", [0.5], 1.0, 0.25, 1, 1, 1, None),
    ("six 1-D points, Matern-5/2, almost no noise", "matern52", [0.15], 1.0, 1e-4, 6, 5, 1, 0),
    ("ten 3-D points, RBF with ARD", "rbf", [0.3, 0.5, 1.0], 1.7, 0.1, 10, 4, 3, 1),
    ("five 2-D points, large noise", "matern52", [0.4, 0.2], 0.5, 1.0, 5, 7, 2, 2),
    ("a repeated configuration (two equal rows of X)", "matern52", [0.2], 1.0, 0.01, 4, 3, 1, 3),
    ("eight 2-D points, outputs far from 0", "rbf", [0.25, 0.6], 2.0, 0.05, 8, 6, 2, 4),
]


def _gp_case(setting):
    """The inputs the learner's function gets, and the library GP that gives the reference."""
    label, kernel, lengthscales, variance, noise, n, m, d, seed = setting
    if seed is None:
        X, X_test, y = np.array([[0.0]]), np.array([[0.0]]), np.array([2.0])
    else:
        rng = np.random.default_rng(seed)
        X, X_test = rng.random((n, d)), rng.random((m, d))
        if "repeated" in label:
            X[2] = X[1]
        y = rng.standard_normal(n) + (10.0 if "far from 0" in label else 0.0)
    ls = np.array(lengthscales)
    gp = GaussianProcess(kernel, lengthscale=ls, signal_variance=variance, noise=noise, optimize=False, normalize_y=False)
    gp.fit(X, y)
    k = KERNELS[kernel]
    inputs = {
        "K": k(X, X, ls, variance),
        "k_star": k(X, X_test, ls, variance),
        "k_star_star": np.diag(k(X_test, X_test, ls, variance)).copy(),
        "y": y,
        "noise": noise,
    }
    return label, inputs, gp, X_test


def _call(fn, args, text, passed):
    """Call fn on a deep copy of args; (result, None) or (None, failure triple)."""
    copies = copy.deepcopy(args)
    try:
        result = fn(*copies.values())
    except Exception as exc:
        return None, (False, f"{text} raised {type(exc).__name__}: {exc}", passed)
    for key in args:
        if not unchanged(args[key], copies[key]):
            return None, (False, f"{text} changed its argument `{key}`: work on a copy, leave the caller's data as it was", passed)
    return result, None


def _posterior_checker(fn, report):
    for passed, setting in enumerate(_GP_SETTINGS):
        label, inputs, gp, X_test = _gp_case(setting)
        text = f"gp_posterior(K, k_star, k_star_star, y, noise={inputs['noise']:g}) on {label}"
        report(text)
        mean_ref, std_ref = gp.predict(X_test, return_std=True)
        result, failure = _call(fn, inputs, text, passed)
        if failure:
            return failure
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return False, f"{text} returned {show(result)}; return a pair (mean, variance)", passed
        mean, var = (np.asarray(r, dtype=float) for r in result)
        m = len(X_test)
        if mean.shape != (m,) or var.shape != (m,):
            return False, f"{text} returned arrays of shapes {mean.shape} and {var.shape}; both should be ({m},), one value per test point", passed
        if not same(mean, mean_ref, rel=1e-7, abs_=1e-9):
            return False, f"{text}: mean {show(mean)}, the reference (GaussianProcess.predict) gives {show(mean_ref)}", passed
        if not same(var, std_ref**2, rel=1e-7, abs_=1e-9):
            return False, f"{text}: variance {show(var)}, the reference (GaussianProcess.predict, std squared) gives {show(std_ref**2)}", passed
    return True, "", len(_GP_SETTINGS)


def _lml_checker(fn, report):
    for passed, setting in enumerate(_GP_SETTINGS):
        label, inputs, gp, _ = _gp_case(setting)
        args = {"K": inputs["K"], "y": inputs["y"], "noise": inputs["noise"]}
        text = f"log_marginal_likelihood(K, y, noise={args['noise']:g}) on {label}"
        report(text)
        expected = gp.log_marginal_likelihood()
        result, failure = _call(fn, args, text, passed)
        if failure:
            return failure
        if np.ndim(result) != 0:
            return False, f"{text} returned {show(result)}; return one number", passed
        if not same(float(result), expected, rel=1e-8, abs_=1e-8):
            return False, f"{text} returned {show(float(result))}, the reference (GaussianProcess.log_marginal_likelihood) returns {show(expected)}", passed
    return True, "", len(_GP_SETTINGS)


def _rbf_cases():
    rng = np.random.default_rng(40)
    X = rng.random((4, 2))
    return [
        {"X1": np.array([[0.0]]), "X2": np.array([[0.5]]), "lengthscales": np.array([0.5]), "variance": 1.0},
        {"X1": rng.random((4, 1)), "X2": rng.random((3, 1)), "lengthscales": np.array([0.2]), "variance": 1.0},
        {"X1": rng.random((5, 3)), "X2": rng.random((2, 3)), "lengthscales": np.array([0.1, 0.5, 2.0]), "variance": 2.5},
        {"X1": X, "X2": X.copy(), "lengthscales": np.array([0.3, 0.7]), "variance": 0.4},
        {"X1": rng.random((1, 2)), "X2": rng.random((6, 2)), "lengthscales": np.array([1.5, 0.05]), "variance": 3.0},
        {"X1": np.array([[0.2, 0.8]]), "X2": np.array([[0.2, 0.8]]), "lengthscales": np.array([0.3, 0.3]), "variance": 1.7},
    ]


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q04.gp_definition",
        "E",
        "blr",
        prompt="What makes a random function f a Gaussian process?",
        options=(
            "Its values at every single input x are Gaussian, each independently of the others.",
            "Its values at any finite set of inputs are jointly Gaussian, with a covariance given by a kernel k(x, x').",
            "It is a weighted sum of Gaussian bump functions with fixed, known weights.",
            "The observation noise is Gaussian.",
        ),
        topics=("GP definition",),
        hint="the definition is about any finite collection of function values, and what ties them together",
        explanation="A GP is a distribution over functions whose values at any finite set of inputs are jointly "
        "Gaussian, fixed by a mean function and a covariance function, the kernel (R&W §2.2). The kernel is "
        "what lets one observation inform the prediction elsewhere: independent Gaussians at each x would "
        "share nothing. Bayesian linear regression with Gaussian weights is a GP, but its weights are random, "
        "not fixed; Gaussian noise alone says nothing about f.",
        key="sha256:754feeaf00c18d567d1eeb65008ee11700128adc44337cf445a24a790638b3ea",
    ),
    _q(
        SingleChoice,
        "q04.lengthscale",
        "E",
        "kernels",
        prompt="In a stationary kernel such as RBF or Matérn-5/2, what does the length-scale ℓ control?",
        options=(
            "The typical size of the function's swings, ±s.",
            "How much the observations scatter around the function.",
            "How far apart two inputs must be before their function values are nearly unrelated: short ℓ "
            "gives wiggly functions, long ℓ nearly straight ones.",
            "The number of training points the GP can use.",
        ),
        topics=("kernel", "length-scale"),
        hint="compare the prior draws at ℓ = 0.05 and ℓ = 1.0 in the lesson's figure",
        explanation="ℓ is the correlation distance: the kernel decays with (x − x')/ℓ, so points much closer "
        "than ℓ have nearly equal values and points much farther are nearly independent. A draw crosses its "
        "mean about 1/(2πℓ) times per unit length for RBF (R&W eq. 4.3). The size of the swings is the signal "
        "variance s²; the scatter of the observations is the noise variance σₙ².",
        key="sha256:10b949761f854ea697cbfa7ba6918e395a17256738664de13aca03d83ca0a675",
    ),
    _q(
        SingleChoice,
        "q04.noise_term",
        "E",
        "kernels",
        prompt="The GP models observations as y = f(x) + ε with ε ~ N(0, σₙ²). What does a larger noise variance "
        "σₙ² change in the posterior?",
        options=(
            "It adds σₙ² to the diagonal of the training kernel matrix: the mean no longer has to pass through "
            "the observations, and the band of f no longer pinches to zero at them.",
            "Nothing in the mean; it only widens the band everywhere by σₙ.",
            "It shortens the length-scale, so the mean becomes more wiggly.",
            "It adds σₙ² to every entry of the kernel matrix, shifting the mean up.",
        ),
        topics=("noise variance", "GP posterior"),
        hint="find where σₙ² enters K_y, and think about what the mean does at a training point when it is 0",
        explanation="K_y = K + σₙ²I: the noise sits on the diagonal only, because the noise of different "
        "observations is independent. With σₙ² → 0 the mean interpolates and the variance of f at a training "
        "point goes to 0; with larger σₙ² the GP attributes part of each value to noise, the mean smooths "
        "between points and the variance at a training point stays positive (R&W eqs. 2.25–2.26). It also "
        "regularizes the matrix (lesson section 5). The length-scale is a separate hyperparameter.",
        key="sha256:2e09ddb06400bedf0d9da90d91e065f26a1ae3726f88f51b83dd087d1e8fa8ab",
    ),
    _q(
        SingleChoice,
        "q04.matern",
        "M",
        "kernels",
        prompt="Why do most Bayesian optimization libraries default to a Matérn-5/2 kernel rather than RBF "
        "(the squared exponential)?",
        options=(
            "Matérn-5/2 is cheaper to evaluate, which is what dominates the cost of a GP.",
            "Matérn-5/2 has no length-scale, so there is nothing to fit.",
            "RBF cannot model functions of more than one input.",
            "RBF draws are infinitely differentiable, unrealistically smooth for loss surfaces; Matérn-5/2 "
            "draws are twice differentiable, which makes the GP less overconfident between observations (and "
            "its kernel matrices are far better conditioned).",
        ),
        topics=("kernel", "Matérn"),
        hint="compare how rough the prior samples of the two kernels look, and the condition numbers in the Cholesky section",
        explanation="Snoek, Larochelle & Adams (NeurIPS 2012) argued that the RBF prior is too smooth for "
        "practical optimization problems and proposed Matérn-5/2 (twice differentiable draws, R&W §4.2.1). An "
        "over-smooth prior extrapolates confidently between observations, so EI under-explores. Numerically, "
        "twenty points at ℓ = 0.2 give an RBF matrix singular to working precision and a Matérn-5/2 matrix with "
        "κ ≈ 10⁴. Both kernels have length-scales (ARD: one per dimension) and cost the same O(n³) to factor.",
        key="sha256:4c23ef815c1ce4ba9c721bb972b54328926a9b0f34653364ffb6f146ac04a5b2",
    ),
    _q(
        Numeric,
        "q04.upcrossings",
        "M",
        "kernels",
        prompt="Prior draws from an RBF GP with length-scale ℓ = 0.05 (signal variance 1) on [0, 1]. How many times, "
        "on average, does a draw cross level 0 upwards on [0, 1]?",
        topics=("length-scale", "kernel"),
        hint="Rice's formula (R&W eq. 4.3) with −k''(0)/k(0) for the RBF kernel",
        explanation="The expected number of upcrossings of 0 per unit length is (1/2π)·√(−k''(0)/k(0)) (R&W "
        "eq. 4.3). For RBF, k(r) = exp(−r²/(2ℓ²)) gives −k''(0)/k(0) = 1/ℓ², so 1/(2πℓ) = 1/(2π · 0.05) ≈ 3.18. "
        "Halving ℓ doubles the wiggles; the lesson counts them in 500 draws and finds the same number within a "
        "few percent.",
        key="obf:29ZzylKG",
        rel_tol=0.03,
        example="2.5",
    ),
    _q(
        MultipleChoice,
        "q04.short_lengthscale",
        "M",
        "kernels",
        prompt="You fix the length-scale of a GP at 0.01 and fit it, with a tiny noise variance, to six points of a "
        "smooth function on [0, 1]. What do you see? Choose every statement that applies.",
        options=(
            "The mean still passes (almost) through each observation.",
            "The band is narrow even in regions with no data.",
            "A small distance away from the observations, the mean falls back to the average of the data.",
            "Between the observations the band swells back to about the prior's width.",
            "The mean is a stiff curve that barely bends through the points.",
        ),
        topics=("length-scale", "over-fitting"),
        hint="with points 0.15 apart and ℓ = 0.01, how correlated is a test point with its nearest observation?",
        explanation="With ℓ far below the spacing of the data, each observation is correlated with nothing but "
        "itself: the mean interpolates the points (tiny noise) and, a few ℓ away, k⋆ ≈ 0, so the mean reverts "
        "to the prior mean (the data average, after normalization) and the variance to the prior's. Nothing "
        "learnt at one trial carries over to the next: over-fitting. A narrow band far from the data and a "
        "stiff curve are the symptoms of the opposite mistake, a length-scale that is too long.",
        key="sha256:52792aaed6c788dec6b5cbbd13251e4d11fb631f35c11dc79a7cc29632cdd473",
    ),
    _q(
        Numeric,
        "q04.std_at_training_point",
        "M",
        "posterior",
        prompt="A GP with signal variance s² = 1 and noise variance σₙ² = 0.25 (no output normalization) has seen "
        "one observation, at x = 0. What is the posterior **standard deviation of f** at x = 0 itself?",
        topics=("GP posterior", "noise variance"),
        hint="apply V[f⋆] = k(x⋆, x⋆) − k⋆ᵀ (K + σₙ² I)⁻¹ k⋆ with one training point, at the training point",
        explanation="With one point at x⋆ itself, k(x⋆, x⋆) = k⋆ = K = s² = 1, so V[f⋆] = 1 − 1 · 1/(1 + 0.25) "
        "= 0.2 and the standard deviation is √0.2 ≈ 0.447. The noise keeps the GP from being sure about f even "
        "where it has measured: one measurement with noise variance 0.25 only shrinks the variance from 1 to "
        "0.2. The predictive std of a new noisy *observation* there would be √(0.2 + 0.25) ≈ 0.67 "
        "(`include_noise=True`).",
        key="obf:QRi91zGv",
        rel_tol=0.01,
        example="0.5",
    ),
    _q(
        Numeric,
        "q04.mean_one_point",
        "M",
        "posterior",
        prompt="Same GP: RBF kernel with ℓ = 0.5 and s² = 1, noise variance 0.25, zero prior mean, no output "
        "normalization, one observation y = 2 at x = 0. What is the posterior mean at x⋆ = 0.5?",
        topics=("GP posterior",),
        hint="the mean is k⋆ᵀ (K + σₙ² I)⁻¹ y; with one point every term is a number",
        explanation="k⋆ = exp(−(0.5)²/(2 · 0.5²)) = e^(−1/2) ≈ 0.607, K + σₙ² = 1.25, so the mean is "
        "0.607 · 2 / 1.25 ≈ 0.970. Two effects shrink the prediction from 2 towards the prior mean 0: the "
        "correlation e^(−1/2) between x = 0 and x = 0.5, and the noise, which says part of the 2 may be "
        "noise. This is the \"weighted sum of observations, weighted by similarity\" reading of R&W eq. 2.25.",
        key="obf:VezB2ehx",
        rel_tol=0.01,
        example="1.5",
    ),
    _q(
        MultipleChoice,
        "q04.variance_facts",
        "H",
        "posterior",
        prompt="With the kernel's hyperparameters fixed and no output normalization, which statements about the "
        "GP's posterior variance V[f⋆] = k(x⋆, x⋆) − k⋆ᵀ K_y⁻¹ k⋆ are true? Choose every one.",
        options=(
            "It does not depend on the observed values y, only on where the observations were taken.",
            "It never exceeds the prior variance k(x⋆, x⋆).",
            "At a training point it is exactly 0 whenever σₙ² > 0.",
            "Adding an observation can increase it at some test points.",
            "It is largest far from every observation, where it approaches the prior variance.",
        ),
        topics=("GP posterior", "uncertainty"),
        hint="look at which quantities appear in the variance formula, and at the sign of the term subtracted",
        explanation="y appears in the mean only: V[f⋆] depends on X, x⋆ and the hyperparameters (with "
        "normalization, sd(y) also rescales it; otherwise y reaches the bands only through the fitted "
        "hyperparameters). The subtracted "
        "term is a quadratic form with a positive definite K_y⁻¹, so it is ≥ 0: the variance never exceeds the "
        "prior, and conditioning on more data never increases it. Far from the data k⋆ → 0 and the variance "
        "returns to the prior's. With noise, the variance at a training point stays positive (the previous "
        "question: 0.2).",
        key="sha256:e48cb74eb8a80f097caa6170190f4dd1b3d30bf4fe3371d4a973f1a1e219bd01",
    ),
    _q(
        CodeExercise,
        "q04.code_rbf_kernel",
        "M",
        "kernels",
        prompt="Write `rbf_kernel(X1, X2, lengthscales, variance)`: the squared-exponential kernel with one "
        "length-scale per dimension (ARD). `X1` is an (n1, d) array, `X2` an (n2, d) array, `lengthscales` an "
        "array of d positive numbers, `variance` the signal variance s². Return the (n1, n2) matrix "
        "k(x, x') = s² exp(−r²/2) with r² = Σ_d ((x_d − x'_d)/ℓ_d)². Do not modify the inputs.",
        topics=("kernel", "length-scale", "ARD"),
        hint="broadcast X1[:, None, :] − X2[None, :, :] to get every pair's differences, scale each dimension by its ℓ_d",
        explanation="D = (X1[:, None, :] − X2[None, :, :]) / lengthscales has shape (n1, n2, d); then "
        "variance * exp(−0.5 * (D**2).sum(−1)). This is `hpo_mini.models.gp.rbf` (R&W eqs. 4.9 and 5.2). The usual "
        "slips: forgetting the ½ (which silently shrinks every length-scale by √2), dividing the squared "
        "difference by ℓ instead of ℓ², one length-scale for every dimension (no ARD), squaring the variance, "
        "or `X1 /= lengthscales` in place, which rescales the caller's data.",
        function_name="rbf_kernel",
        stub='def rbf_kernel(X1, X2, lengthscales, variance):\n    """(n1, n2) matrix s^2 exp(-r^2 / 2), r^2 = sum_d ((x_d - x\'_d) / l_d)^2."""\n    ...',
        checker=compare_with_reference("rbf_kernel", rbf_kernel_reference, _rbf_cases()),
    ),
    _q(
        CodeExercise,
        "q04.code_posterior",
        "H",
        "posterior",
        prompt="Write `gp_posterior(K, k_star, k_star_star, y, noise)`: the posterior mean and variance of f at m "
        "test points, for a zero-mean GP (no output normalization). `K` is the (n, n) kernel matrix of the "
        "training inputs (without noise), `k_star` the (n, m) matrix k(X, X⋆), `k_star_star` the m prior "
        "variances k(x⋆, x⋆), `y` the n observations, `noise` the noise variance σₙ². Return the pair "
        "`(mean, variance)`, two arrays of length m; the variance is of f, not of a noisy observation. Do not "
        "modify the inputs.",
        topics=("GP posterior", "Cholesky"),
        hint="R&W eqs. 2.25–2.26 with K_y = K + σₙ²I; Algorithm 2.1 computes them with one Cholesky factor and triangular solves",
        explanation="L = cholesky(K + σₙ²I); α = L⁻ᵀ(L⁻¹y) (scipy's cho_solve); mean = k_starᵀ α; "
        "v = L⁻¹ k_star (solve_triangular); variance = k_star_star − Σ v² over the rows (R&W Algorithm 2.1, "
        "as in `GaussianProcess.predict`). `np.linalg.solve(K + noise * I, ...)` is also accepted. The noise "
        "goes into K_y for both the mean and the variance, but it is not added to the variance of f. "
        "`K += noise * np.eye(n)` changes the caller's matrix; with a repeated configuration, forgetting the "
        "noise makes K singular.",
        function_name="gp_posterior",
        stub='def gp_posterior(K, k_star, k_star_star, y, noise):\n    """(mean, variance) of f at the test points: R&W eqs. 2.25-2.26."""\n    ...',
        checker=_posterior_checker,
    ),
    _q(
        SingleChoice,
        "q04.lml_terms",
        "E",
        "lml",
        prompt="The log marginal likelihood is −½ yᵀK_y⁻¹y − ½ log|K_y| − (n/2) log 2π. Which term penalizes "
        "flexible models?",
        options=(
            "−½ yᵀK_y⁻¹y",
            "−½ log|K_y|",
            "−(n/2) log 2π",
            "None: the marginal likelihood always prefers the most flexible model, which is why it needs a prior.",
        ),
        topics=("marginal likelihood", "Occam's razor"),
        hint="one term depends on the data, one only on the model and the inputs, one on neither",
        explanation="−½ log|K_y| is the complexity penalty: a flexible model (short length-scale) has a larger "
        "determinant, it spreads its probability over many possible data sets and gives less to the observed "
        "one. −½ yᵀK_y⁻¹y is the data fit; −(n/2) log 2π is a constant. Their sum is the built-in Occam's razor "
        "of R&W §5.4.1, which is why maximizing it does not simply pick the wiggliest model.",
        key="sha256:2034fe9d1f9b8a0c200083f9fab85ca6b7853a78e12afa32dc9e498fb230c4f7",
    ),
    _q(
        SingleChoice,
        "q04.lml_two_optima",
        "H",
        "lml",
        prompt="You fit a GP's hyperparameters to ten points twice, from different starts. One fit gives ℓ = 0.05, "
        "σₙ = 0.01; the other ℓ = 0.6, σₙ = 0.3; their log marginal likelihoods differ by 0.4. What is the "
        "best reading?",
        options=(
            "A bug: the marginal likelihood of a GP has a single maximum.",
            "The first fit over-fits, so always prefer the longest length-scale.",
            "Two local optima of the marginal likelihood, two explanations of the same data (the wiggles are "
            "signal vs the wiggles are noise); use several restarts, keep the higher one, and treat the choice "
            "as uncertain until more data separate them.",
            "The noise variance cannot be fitted; fix it at 0 and refit.",
        ),
        topics=("marginal likelihood", "restarts"),
        hint="look at the marginal-likelihood surface over (ℓ, σₙ) in the lesson and at the two curves it draws",
        explanation="The classic pair of R&W Fig. 5.5: a short length-scale with little noise and a long one with "
        "a lot of noise. A log-likelihood difference of 0.4 is a likelihood ratio of about 1.5: the data barely "
        "prefer one. One L-BFGS-B start finds whichever optimum is nearer, which is why `GaussianProcess` "
        "restarts from random points and keeps the best (ten restarts found the better one for every seed in "
        "the lesson). Neither fit is a bug or automatically wrong; fixing the noise at 0 removes the second "
        "explanation by fiat and makes the matrix fragile.",
        key="sha256:8d8c653cc012d06d6c817ceca614ea4e7cfe8cf1d3db91926687ed7073925b68",
    ),
    _q(
        SingleChoice,
        "q04.ard",
        "M",
        "lml",
        prompt="You fit a Matérn-5/2 GP with one length-scale per hyperparameter (ARD) on the unit cube. The "
        "fitted length-scales are (0.12, 0.35, 18.0). What does the third one suggest?",
        options=(
            "The third hyperparameter barely changes the loss over its range: a candidate to fix or drop, "
            "with the caution that fits from few points can be unreliable.",
            "The third hyperparameter matters most: the objective changes fastest along it.",
            "The optimizer failed; length-scales above 1 are impossible on the unit cube.",
            "The third dimension holds most of the observation noise.",
        ),
        topics=("ARD", "length-scale"),
        hint="what does a length-scale much longer than the whole range say about how the function varies along that axis?",
        explanation="A length-scale of 18 on a range of 1 means the function is nearly constant along that axis: "
        "automatic relevance determination switches the dimension off. It is evidence, not proof: in the "
        "lesson, 40 points gave the irrelevant dimension the longest length-scale in most seeds, not all, and "
        "a fit can stall in a local optimum near the upper bound (20). Fast change means a *short* "
        "length-scale; noise is a separate, shared hyperparameter.",
        key="sha256:42cf7e2db135577803df8eb1ed6d55da7e0fc3dacea9df50be5adbe8be585baa",
    ),
    _q(
        CodeExercise,
        "q04.code_log_marginal_likelihood",
        "H",
        "lml",
        prompt="Write `log_marginal_likelihood(K, y, noise)`: log p(y | X) for a zero-mean GP whose training "
        "kernel matrix (without noise) is `K` (n, n), with observations `y` (n values) and noise variance "
        "`noise` (R&W eq. 2.30). Return one number. Do not modify the inputs.",
        topics=("marginal likelihood", "Cholesky"),
        hint="three terms: data fit, complexity, constant; with L = cholesky(K + σₙ²I), ½ log|K_y| = Σ log L_ii",
        explanation="L = cholesky(K + noise·I); α = K_y⁻¹y (cho_solve); return −½ yᵀα − Σᵢ log L_ii − (n/2) "
        "log 2π (R&W Algorithm 2.1, line 7). Using `np.linalg.slogdet` for log|K_y| is also accepted. Typical "
        "slips: the full log-determinant (2 Σ log L_ii) instead of half of it, a plus sign on the data-fit "
        "term, dropping the constant (harmless for fitting, wrong for comparing with another library), or "
        "forgetting the noise.",
        function_name="log_marginal_likelihood",
        stub='def log_marginal_likelihood(K, y, noise):\n    """log p(y | X) = -y^T K_y^-1 y / 2 - log|K_y| / 2 - n log(2 pi) / 2, K_y = K + noise I."""\n    ...',
        checker=_lml_checker,
    ),
    _q(
        SingleChoice,
        "q04.jitter",
        "E",
        "cholesky",
        prompt="Two finished trials have exactly the same configuration, and the GP is asked to factor K with no "
        "noise term. What happens, and what does `cholesky_with_jitter` do about it?",
        options=(
            "Nothing special: duplicates only make the factorization a little slower.",
            "The code drops one of the two trials before fitting.",
            "K has two identical rows, so it is singular and Cholesky fails; the code adds ε · mean(diag K) · I, "
            "growing ε tenfold from 10⁻¹⁰ until the factorization succeeds (up to 10⁻²), which amounts to "
            "assuming a tiny observation noise.",
            "The code falls back to an LU factorization, which works for singular matrices.",
        ),
        topics=("Cholesky", "jitter", "numerics"),
        hint="what do two identical rows do to a matrix's determinant, and what does a multiple of I add to its eigenvalues?",
        explanation="Identical inputs give identical rows and columns of K: it is singular, not positive definite, "
        "and `np.linalg.cholesky` raises LinAlgError (the lesson shows it). Adding εI lifts every eigenvalue by "
        "ε and restores definiteness; growing ε from 10⁻¹⁰ keeps the change as small as possible, and it is "
        "the same as assuming a little noise. Both results are kept; and another factorization would not help, "
        "since with a singular K the system K α = y has no unique solution.",
        key="sha256:fcb5596ee3174ffcf1c07f2d36cfa6db58da426148cbf47c01a7b0ed4591a5e1",
    ),
    _q(
        MultipleChoice,
        "q04.why_cholesky",
        "M",
        "cholesky",
        prompt="Why does GP code factor K_y = LLᵀ with Cholesky instead of computing K_y⁻¹? Choose every reason "
        "that is true.",
        options=(
            "Cholesky works for any square matrix, so no jitter or noise term is ever needed.",
            "The factorization costs about n³/3 flops, roughly half an LU, and is numerically more stable than forming the inverse.",
            "Once L is known, α = K_y⁻¹y and v = L⁻¹k⋆ cost only O(n²) each by triangular solves.",
            "log|K_y| = 2 Σᵢ log L_ii comes for free, and the marginal likelihood needs it.",
            "It brings the cost of a GP fit down from O(n³) to O(n²).",
        ),
        topics=("Cholesky", "numerics"),
        hint="list what the posterior and the marginal likelihood need, and what a triangular factor gives cheaply",
        explanation="Cholesky is the natural factorization of a symmetric positive definite matrix: n³/3 flops, "
        "stable, and after it every solve is two triangular O(n²) solves and the log-determinant is a sum of "
        "logs of the diagonal (R&W §2.2, appendix A.4). It does not change the O(n³) order of the fit, and it "
        "only works for positive definite matrices: that is exactly why duplicates or a very smooth kernel "
        "make it fail and the code adds jitter.",
        key="sha256:cb5f01b71a99f2aeea25b08b0ab4d2e708944e3932266f371ee31c696980e9e8",
    ),
    _q(
        SingleChoice,
        "q04.normalize",
        "M",
        "normalize",
        prompt="A zero-mean GP without output normalization is fitted to validation losses around 100 observed on "
        "[0, 0.5], and asked to predict at x = 1, far from the data. What does it predict, and why does "
        "`normalize_y=True` fix it?",
        options=(
            "About 100: the GP always extrapolates the nearest observation.",
            "NaN: the Cholesky factorization fails without normalization.",
            "About 0 with a narrow band: far from the data the posterior reverts to the prior mean 0, which an "
            "optimizer would read as a wonderful loss; standardizing y makes it revert to the data mean "
            "instead, with the data's spread.",
            "The same as with normalization: normalization only changes the units of the plot.",
        ),
        topics=("output normalization", "prior mean"),
        hint="what does the posterior mean become when k⋆ ≈ 0?",
        explanation="Far from the data k⋆ → 0, so the mean k⋆ᵀK_y⁻¹y → 0, the prior mean, and the variance → s², "
        "with s² bounded for standardized outputs: the lesson's GP predicts 0 ± 2 where the data say 100. "
        "`fit` standardizes ỹ = (y − ȳ)/sd(y), fits to ỹ and maps predictions back, so far-away predictions "
        "revert to the average observation. The factorization does not care about the offset.",
        key="sha256:22950551f9d82e8781430b19ba478b525a374cebed0b59ec7ba53a7be046e1c1",
    ),
    _q(
        Numeric,
        "q04.cost_scaling",
        "E",
        "cost",
        prompt="Factoring the kernel matrix for 500 trials takes 0.2 s. Assuming the O(n³) term dominates, about "
        "how many seconds does it take for 2000 trials?",
        topics=("computational cost",),
        hint="by what factor does n³ grow when n grows 4-fold?",
        explanation="(2000/500)³ = 64, so 0.2 s × 64 ≈ 12.8 s. Every doubling of the number of trials multiplies "
        "the time by 8 (the lesson measured 6–8 once n is large). Fitting the hyperparameters repeats the "
        "factorization for every L-BFGS-B iteration and restart, so the whole fit grows the same way.",
        key="obf:3nnphw==",
        rel_tol=0.05,
        example="5.0",
    ),
    _q(
        MultipleChoice,
        "q04.cost_remedies",
        "M",
        "cost",
        prompt="Your search will run thousands of cheap trials and the GP refit is becoming the bottleneck. Which "
        "of these reduce the modelling cost? Choose every one.",
        options=(
            "A sparse GP with m ≪ n inducing points, O(nm²) (Titsias 2009).",
            "Switching from Matérn-5/2 to the RBF kernel.",
            "A random forest surrogate, as in SMAC.",
            "Density estimators instead of a regression model, as in TPE.",
            "Local GPs in trust regions (TuRBO), each fitted to nearby points only.",
            "Adding more jitter to the kernel matrix.",
        ),
        topics=("computational cost", "scalable surrogates"),
        hint="which options change the size or kind of the model, and which only change an entry of the same n × n matrix?",
        explanation="Sparse GPs, random forests, TPE and local GPs all avoid factoring one n × n matrix of every "
        "trial (the lesson's list of ways out). The kernel's formula and the jitter change entries of the "
        "matrix, not its size: the fit stays O(n³). Often the simplest fix is also to refit the hyperparameters "
        "only every few trials.",
        key="sha256:568d6aba51b4f26a582c66b4dbac71e3c79030cf0777feaac65fe73fd6311f52",
    ),
    _q(
        Explain,
        "q04.explain_diagnose_fit",
        "M",
        "kernels",
        prompt="A colleague shows you a GP fitted to 8 trials: the mean goes through every point but falls back to "
        "the average of the data in between, and the ±2σ band balloons to its full prior width a short distance "
        "from each point. What is wrong, how could it have happened, and what would you do?",
        topics=("length-scale", "over-fitting", "marginal likelihood"),
        hint="name the hyperparameter, then the ways a fit can end up there",
        explanation="See the model answer and rubric.",
        model_answer="The length-scale is far too short relative to the spacing of the points: each observation "
        "is correlated with nothing but itself, so the GP interpolates and then forgets, and nothing carries "
        "over from one trial to the next. It can come from a fit stuck at the lower bound of ℓ (few points, a "
        "poor local optimum of the marginal likelihood, a single optimizer start), from inputs on the wrong "
        "scale (a learning rate on a linear axis, unscaled dimensions), or from a hand-set value. I would check "
        "the fitted ℓ against its bounds, model in the unit cube with log scales, refit with several restarts "
        "and compare the log marginal likelihoods, and, with very few points, use more initial points or "
        "bounds/priors on ℓ.",
        rubric=(
            "Names a too-short length-scale (over-fitting) as the cause of the interpolate-then-forget picture.",
            "Explains why: k⋆ ≈ 0 a few ℓ away, so the mean and variance revert to the prior.",
            "Gives at least one way it happens: lower bound of ℓ, local optimum / single start, few points, badly scaled inputs.",
            "Proposes fixes: restarts compared by marginal likelihood, unit-cube / log scaling, more points or priors/bounds.",
        ),
    ),
    _q(
        Explain,
        "q04.explain_marginal_likelihood",
        "H",
        "lml",
        prompt="An interviewer asks: *\"How are a GP's kernel hyperparameters fitted? Why doesn't that just pick the "
        "most flexible model, and how can it still mislead you?\"* Write the answer you would give in about a "
        "minute.",
        topics=("marginal likelihood", "Occam's razor", "restarts"),
        hint="name the objective, its two terms, and two failure modes",
        explanation="See the model answer and rubric.",
        model_answer="By maximizing the log marginal likelihood log p(y | X, θ), the probability of the observed "
        "data with f integrated out: −½ yᵀK_y⁻¹y − ½ log|K_y| − (n/2) log 2π (R&W eq. 2.30), with L-BFGS-B on "
        "log-parameters and its analytic gradient. The first term rewards fitting the data, the second "
        "penalizes complexity: a flexible model spreads its probability over many possible data sets and gives "
        "less to the one observed, a built-in Occam's razor. It can mislead: it has local optima (short ℓ with "
        "little noise vs long ℓ with a lot of noise), so use several restarts; with few points it is flat and "
        "the estimates are unreliable or hit the bounds, so use bounds or priors, or average over θ (MCMC, as "
        "Snoek et al. 2012 did); and it can only choose within the kernel family you gave it.",
        rubric=(
            "Names the log marginal likelihood (evidence) maximized over the hyperparameters, e.g. with L-BFGS-B in log space.",
            "Splits it into a data-fit term and a complexity penalty (log-determinant) and explains the Occam effect.",
            "Mentions local optima (signal vs noise explanations) and restarts.",
            "Mentions unreliability with few points: bounds, priors or marginalizing over θ.",
        ),
    ),
]
