"""Quiz 03: grid search, random search, log scales, Sobol / Latin hypercube, trial arithmetic.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q03_grid_and_random.py. Code exercises are checked against the library:
`Space.sample`, `Float(..., log=True).from_unit`, and the closed form 1 - (1 - q)^n.
"""

from __future__ import annotations

import math

import numpy as np

from ...space import Categorical, Float, Int, Space
from ..checks import compare_with_reference, same, show
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "03_grid_and_random"
TITLE = "Quiz 03: grid and random search"
LESSON = "03"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "grid": "Grid search and its explosion",
    "random": "Random search and the low-effective-dimension argument",
    "log": "Log scales for learning rates and regularization",
    "qmc": "Sobol sequences and Latin hypercubes",
    "arithmetic": "How many random trials?",
    "claim": "Check the claim",
}

_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


# ---- references for the code exercises ---------------------------------------------------------


def p_at_least_one_reference(q, n):
    """P(at least one of n independent uniform trials lands in a region of volume fraction q)."""
    return 1.0 - (1.0 - q) ** n


def trials_needed_reference(q, p):
    """The smallest n with 1 - (1 - q)^n >= p, by counting (no logarithm round-off)."""
    n = 0
    while p_at_least_one_reference(q, n) < p:
        n += 1
    return n


def log_uniform_reference(lo, hi, u):
    """The library's log scale: Float(lo, hi, log=True).from_unit(u) (space.py)."""
    out = Float(lo, hi, log=True).from_unit(u)
    return float(out) if np.ndim(u) == 0 else out


def random_search_reference(objective, space, n, rng):
    configs = space.sample(rng, n)  # the library's sampler: log-uniform where log=True
    values = [objective(c) for c in configs]
    best = int(np.argmin(values))  # the first of equal values
    return configs[best], values[best]


def _as_float_or_array(x):
    if isinstance(x, (list, tuple)):
        return np.asarray(x, dtype=float)
    return x


_TUNING_SPACE = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 8), "act": Categorical(["relu", "tanh"])})


def _bowl(config):
    """A smooth bowl with its minimum at lr = 10^-2.5, depth 5, relu."""
    return (math.log10(config["lr"]) + 2.5) ** 2 + 0.1 * (config["depth"] - 5) ** 2 + (0.0 if config["act"] == "relu" else 0.3)


def _flat(config):
    """Every config ties: the first one evaluated must win."""
    return 1.0


def _random_search_checker(fn, report):
    cases = [(_bowl, 1, 0), (_bowl, 5, 1), (_bowl, 40, 2), (_bowl, 40, 3), (_flat, 10, 4), (_bowl, 100, 5)]
    for passed, (objective, n, seed) in enumerate(cases):
        text = f"random_search({objective.__name__}, space, n={n}, rng=np.random.default_rng({seed}))"
        report(text)
        expected_config, expected_value = random_search_reference(objective, _TUNING_SPACE, n, np.random.default_rng(seed))
        calls = []

        def counted(config, objective=objective):
            calls.append(dict(config))
            return objective(config)

        try:
            result = fn(counted, _TUNING_SPACE, n, np.random.default_rng(seed))
        except Exception as exc:
            return False, f"{text} raised {type(exc).__name__}: {exc}", passed
        if not (isinstance(result, tuple) and len(result) == 2):
            return False, f"{text} returned {show(result)}; return a pair (best_config, best_value)", passed
        config, value = result
        if len(calls) != n:
            return False, f"{text} called the objective {len(calls)} times; each of the n configs is evaluated exactly once", passed
        if not same(value, expected_value) or not same(config, expected_config):
            return (
                False,
                f"{text} returned ({show(config, 60)}, {show(value)}), the reference returns "
                f"({show(expected_config, 60)}, {show(expected_value)})",
                passed,
            )
    return True, "", len(cases)


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        Numeric,
        "q03.grid_size",
        "E",
        "grid",
        prompt="A grid search tries 5 values for each of 6 hyperparameters. How many configurations does it train?",
        topics=("grid search", "curse of dimensionality"),
        hint="count the combinations, one factor per hyperparameter",
        explanation="A full grid is the Cartesian product of the per-dimension values: 5^6 = 15 625 training "
        "runs. Each extra hyperparameter multiplies the cost by 5, which is why grids stop being usable "
        "beyond 3 or 4 dimensions.",
        key="sha256:0c0d72fe858a23aebe86102c03ef9b5e73fce4bdb55cccc7b7b7aaab131ec1e2",
        example="100",
    ),
    _q(
        Numeric,
        "q03.grid_projection",
        "M",
        "random",
        prompt="You have 64 trials for 3 hyperparameters and spend them on a 4 × 4 × 4 grid. Only the first "
        "hyperparameter affects the validation loss. How many *distinct* values of it does the grid try?",
        topics=("grid search", "low effective dimension"),
        hint="project the grid's points onto the one axis that matters",
        explanation="Projected onto one axis, the 64 grid points collapse onto the 4 values of that axis: 60 of "
        "the 64 runs repeat a value of the only hyperparameter that matters. 64 random points project to 64 "
        "distinct values (with probability 1). This is the argument of Bergstra & Bengio (2012).",
        key="sha256:8bb6191bb44fb55f363f7ce0752a54dd32fbd42acb4e001d659f2a71d3f7693a",
        example="10",
    ),
    _q(
        SingleChoice,
        "q03.random_vs_grid",
        "M",
        "random",
        prompt="Why does random search often beat grid search with the same number of trials (Bergstra & Bengio, 2012)?",
        options=(
            "Random points are, on average, closer to the optimum in every dimension than grid points.",
            "When only a few hyperparameters matter, n random trials try n distinct values of each of them, "
            "while a grid of n points in d dimensions tries only n^(1/d).",
            "Random search uses the results of earlier trials to choose the next one.",
            "Grid search cannot run its trials in parallel.",
        ),
        topics=("random search", "low effective dimension"),
        hint="think about what a grid looks like when you look along the one axis that matters",
        explanation="Most objectives have a low effective dimension: a few hyperparameters explain most of the "
        "variation. A grid spends its budget on combinations of the unimportant ones and tries only n^(1/d) "
        "values of each important one; random search gives every trial a fresh value in every dimension. "
        "Random search is not adaptive (that is Bayesian optimization) and grids parallelize perfectly well.",
        key="sha256:f3114955a508ecba4971dc8f53dc8a04fe0b20fb61616321779a9149ab7369dc",
    ),
    _q(
        Numeric,
        "q03.p_top5_60",
        "E",
        "arithmetic",
        prompt="Each random trial lands in the best 5% of the search space (by volume) with probability 0.05, "
        "independently. What is the probability that at least one of 60 trials lands there? Give a "
        "probability between 0 and 1.",
        topics=("trial arithmetic",),
        hint="compute the probability that every trial misses, then take the complement",
        explanation="P(all 60 miss) = 0.95^60 ≈ 0.046, so P(at least one hit) = 1 − 0.95^60 ≈ 0.954: the "
        "folklore \"60 random trials find the top 5% with 95% probability\". It holds for the top 5% of the "
        "*volume under the sampling distribution*, not for any 5% of achievable scores.",
        key="obf:PoPgW9qq",
        abs_tol=0.002,
        example="0.5",
    ),
    _q(
        Numeric,
        "q03.trials_for_99",
        "M",
        "arithmetic",
        prompt="How many independent random trials do you need so that, with probability at least 0.99, at "
        "least one of them lands in the best 5% of the search space? Give the smallest whole number.",
        topics=("trial arithmetic", "search budget"),
        hint="solve 1 − (1 − q)^n ≥ p for n with a logarithm, then round in the safe direction",
        explanation="n ≥ ln(1 − p) / ln(1 − q) = ln(0.01) / ln(0.95) ≈ 89.8, so n = 90. Going from 95% to 99% "
        "confidence costs 50% more trials (59 → 90); halving q to the top 2.5% roughly doubles n.",
        key="sha256:26522d9d67c501277e5fe4482a5ccfc27388e34d753d0a18134d99bc30c9c4e1",
        example="100",
    ),
    _q(
        MultipleChoice,
        "q03.when_grid",
        "M",
        "grid",
        prompt="When is a grid search a reasonable choice? Choose every case that applies.",
        options=(
            "One or two hyperparameters, each with a handful of meaningful values (e.g. a kernel type and C on 5 values).",
            "You need an exhaustive, exactly reproducible sweep to show every combination in a table or heat map.",
            "Ten continuous hyperparameters and a budget of 100 trials.",
            "You do not yet know which of your hyperparameters matter.",
        ),
        topics=("grid search",),
        hint="ask how the number of points grows with the dimension, and what a grid wastes when some dimensions do not matter",
        explanation="Grids are fine when the space is tiny (≤ 2–3 dimensions, few values each) and when you want "
        "every combination for a report. With 10 continuous dimensions, 100 points give fewer than 2 values "
        "per dimension; and when you do not know which hyperparameters matter, a grid is exactly the design "
        "that wastes trials on the ones that do not.",
        key="sha256:c845fce4a135ed34aa8097023769982b1345b744f88ef6e4aa3a0f440f407707",
    ),
    _q(
        MultipleChoice,
        "q03.which_log",
        "E",
        "log",
        prompt="Which of these would you usually search on a log scale? Choose every one that applies.",
        options=(
            "The learning rate, between 1e-5 and 1e-1.",
            "The L2 penalty (weight decay), between 1e-6 and 1e-2.",
            "An SVM's C, between 1e-3 and 1e3.",
            "A dropout rate, between 0.0 and 0.5.",
            "The activation function, one of relu, tanh, gelu.",
        ),
        topics=("log scale",),
        hint="a log scale suits a positive range spanning several orders of magnitude, where ratios matter more than differences",
        explanation="Learning rate, weight decay and C span several decades and their effect depends on ratios "
        "(going from 1e-4 to 1e-3 matters as much as from 1e-3 to 1e-2), so they are searched log-uniformly. "
        "A dropout rate lives on [0, 0.5] and includes 0, so a linear scale fits; a categorical has no scale.",
        key="sha256:07795e3402ffb830d42e24df98a964f2ec0810378829c9e4c4c9a589a4423cf4",
    ),
    _q(
        Numeric,
        "q03.linear_fraction",
        "M",
        "log",
        prompt="You sample a learning rate *uniformly on the linear scale* between 1e-5 and 1e-1. What fraction "
        "of the samples fall in the top decade, [1e-2, 1e-1]? Give a number between 0 and 1.",
        topics=("log scale",),
        hint="compare the length of the interval [1e-2, 1e-1] with the length of the whole range",
        explanation="(0.1 − 0.01) / (0.1 − 0.00001) ≈ 0.900: nine samples in ten land in the top decade, and the "
        "three decades below it share the last tenth. Log-uniform sampling gives each of the four decades a "
        "quarter of the samples.",
        key="obf:/GpkN+kK",
        abs_tol=0.005,
        example="0.5",
    ),
    _q(
        SingleChoice,
        "q03.sobol",
        "M",
        "qmc",
        prompt="What does a scrambled Sobol sequence give you over the same number of i.i.d. uniform random points?",
        options=(
            "Lower discrepancy: the points cover the space more evenly, with fewer clumps and holes, most "
            "cleanly when n is a power of 2.",
            "A guarantee that the best point is within a known distance of the optimum of any objective.",
            "It uses earlier objective values to place the next point.",
            "Independent points, so the usual 1 − (1 − q)^n arithmetic holds exactly.",
        ),
        topics=("quasi-random sampling",),
        hint="look at how the points of each design spread over the unit square in the lesson's figure",
        explanation="Sobol points are deterministic up to the scrambling and fill the cube evenly (low "
        "discrepancy); their balance properties hold exactly at n = 2^k, which is why scipy warns otherwise. "
        "They are not adaptive, they guarantee nothing about an arbitrary objective, and they are not "
        "independent: the 1 − (1 − q)^n arithmetic is for i.i.d. points (an even design usually does at "
        "least as well).",
        key="sha256:e1ebdfdafa6910ac366f2a9223cc5f5dd7962fb974193addfcfed5b7ab533430",
    ),
    _q(
        SingleChoice,
        "q03.lhs",
        "H",
        "qmc",
        prompt="A Latin hypercube design of n points in d dimensions guarantees which property?",
        options=(
            "Cut each dimension's range into n equal slices: every slice of every dimension holds exactly one point.",
            "No two points are closer than 1/n.",
            "The points lie on a regular grid with n^(1/d) values per dimension.",
            "Every pair of dimensions is covered as evenly as a 2-D Sobol sequence.",
        ),
        topics=("quasi-random sampling", "low effective dimension"),
        hint="the guarantee is about one dimension at a time: what does each 1-D projection look like?",
        explanation="A Latin hypercube stratifies every 1-D projection: each of the n slices of each dimension "
        "holds exactly one point, so whichever single hyperparameter matters gets n evenly spread values. It "
        "says nothing about pairs of dimensions (points may still clump along a diagonal) or about minimum "
        "distances, and it is not a grid.",
        key="sha256:557ece6986e4dd2964091e0a738ec2b7471c397b8a3608de61822062a841cb86",
    ),
    _q(
        CodeExercise,
        "q03.code_p_at_least_one",
        "E",
        "arithmetic",
        prompt="Write `p_at_least_one(q, n)`: the probability that at least one of `n` independent uniform "
        "random trials lands in a region holding a fraction `q` of the search space (0 ≤ q ≤ 1, n ≥ 0 an integer).",
        topics=("trial arithmetic",),
        hint="every trial misses with probability 1 − q, independently",
        explanation="P(at least one hit) = 1 − P(every trial misses) = 1 − (1 − q)^n. With n = 0 there is no "
        "trial and the probability is 0; q = 1 gives 1 for any n ≥ 1. The linear guess n·q is only a "
        "first-order approximation: it exceeds 1 once n > 1/q.",
        function_name="p_at_least_one",
        stub='def p_at_least_one(q, n):\n    """Probability that at least one of n uniform random trials lands in the top-q fraction."""\n    ...',
        checker=compare_with_reference(
            "p_at_least_one",
            p_at_least_one_reference,
            [
                {"q": 0.05, "n": 60},
                {"q": 0.05, "n": 1},
                {"q": 0.5, "n": 3},
                {"q": 0.05, "n": 0},
                {"q": 0.01, "n": 100},
                {"q": 1.0, "n": 5},
                {"q": 0.0, "n": 10},
                {"q": 0.2, "n": 7},
                {"q": 0.001, "n": 1000},
                {"q": 0.3, "n": 2},
            ],
        ),
    ),
    _q(
        CodeExercise,
        "q03.code_trials_needed",
        "M",
        "arithmetic",
        prompt="Write `trials_needed(q, p)`: the smallest number of independent uniform random trials n such "
        "that at least one lands in the top-`q` fraction of the space with probability at least `p` "
        "(0 < q < 1, 0 < p < 1). Return an integer.",
        topics=("trial arithmetic", "search budget"),
        hint="solve 1 − (1 − q)^n ≥ p for n; check what your rounding does when the solution is exactly a whole number",
        explanation="n = ⌈ln(1 − p) / ln(1 − q)⌉. Rounding down and adding 1 is off by one when the ratio is a "
        "whole number (q = 0.5, p = 0.75 needs exactly 2 trials), and round() can return too few. Examples: "
        "(0.05, 0.95) → 59; (0.05, 0.99) → 90; (0.01, 0.95) → 299.",
        function_name="trials_needed",
        stub='def trials_needed(q, p):\n    """Smallest n with P(at least one of n trials in the top-q fraction) >= p."""\n    ...',
        checker=compare_with_reference(
            "trials_needed",
            trials_needed_reference,
            [
                {"q": 0.05, "p": 0.95},
                {"q": 0.05, "p": 0.99},
                {"q": 0.5, "p": 0.75},
                {"q": 0.01, "p": 0.95},
                {"q": 0.5, "p": 0.5},
                {"q": 0.75, "p": 0.9375},
                {"q": 0.1, "p": 0.5},
                {"q": 0.02, "p": 0.9},
                {"q": 0.9, "p": 0.5},
            ],
        ),
    ),
    _q(
        CodeExercise,
        "q03.code_log_uniform",
        "M",
        "log",
        prompt="Write `log_uniform(lo, hi, u)`: map unit numbers `u` in [0, 1] (a float or a numpy array) to "
        "values log-uniformly spread between `lo` and `hi` (0 < lo < hi): u = 0 gives lo, u = 1 gives hi, "
        "u = 0.5 the geometric mean. Do not modify `u`.",
        topics=("log scale",),
        hint="interpolate linearly between log(lo) and log(hi), then undo the log with the matching base",
        explanation="value = exp(log lo + u · (log hi − log lo)) = lo · (hi / lo)^u. Any base works if the log "
        "and its inverse match (10** with log10, exp with ln); mixing them is wrong. This is what "
        "Float(lo, hi, log=True).from_unit does in hpo_mini/space.py. Writing `u *= ...` on an array "
        "changes the caller's data.",
        function_name="log_uniform",
        stub='def log_uniform(lo, hi, u):\n    """Map u in [0, 1] (float or array) log-uniformly onto [lo, hi]."""\n    ...',
        checker=compare_with_reference(
            "log_uniform",
            log_uniform_reference,
            [
                {"lo": 1e-4, "hi": 1e-1, "u": 0.0},
                {"lo": 1e-4, "hi": 1e-1, "u": 1.0},
                {"lo": 1e-4, "hi": 1e-1, "u": 0.5},
                {"lo": 0.5, "hi": 8.0, "u": 0.75},
                {"lo": 2.0, "hi": 3.0, "u": 0.3},
                {"lo": 1e-5, "hi": 1.0, "u": np.array([0.0, 0.25, 0.5, 0.75, 1.0])},
                {"lo": 1.0, "hi": 1000.0, "u": np.linspace(0.0, 1.0, 7)},
            ],
            postprocess=_as_float_or_array,
        ),
    ),
    _q(
        CodeExercise,
        "q03.code_random_search",
        "H",
        "random",
        prompt="Write `random_search(objective, space, n, rng)`: draw `n` configurations from the hpo_mini "
        "`Space` with `space.sample(rng, ...)`, evaluate each exactly once with `objective(config)` (lower is "
        "better), and return the pair `(best_config, best_value)`; on ties keep the first. `rng` is a "
        "`numpy.random.Generator`.",
        topics=("random search", "log scale"),
        hint="sample with the space and the generator you were given (it knows the log scales), keep a running best, and compare strictly",
        explanation="configs = space.sample(rng, n); values = [objective(c) for c in configs]; i = argmin; "
        "return configs[i], values[i]. Using the given generator makes the search reproducible; space.sample "
        "honours log=True, which hand-written uniform draws forget; `<=` instead of `<` keeps the *last* of "
        "equal values; re-evaluating the winner costs an extra training run. RandomSearch in "
        "hpo_mini/searchers/random.py is the same idea behind ask/tell.",
        function_name="random_search",
        stub='def random_search(objective, space, n, rng):\n    """Evaluate n configs drawn with space.sample(rng, ...); return (best_config, best_value)."""\n    ...',
        checker=_random_search_checker,
    ),
    _q(
        Explain,
        "q03.explain_random_vs_grid",
        "M",
        "random",
        prompt="An interviewer asks: *\"You have 6 hyperparameters and budget for 60 training runs. Grid or "
        "random search, and why?\"* Write the answer you would give in about a minute.",
        topics=("random search", "grid search", "low effective dimension"),
        hint="name the effective-dimension argument and give the numbers for this budget",
        explanation="See the model answer and rubric.",
        model_answer="Random search. A grid over 6 dimensions with 60 points cannot even give 2 values to "
        "every dimension (2^6 = 64), and if only one or two hyperparameters matter (the usual case: the "
        "learning rate first) the grid tries almost no distinct values of them. 60 random trials try 60 "
        "distinct values of each hyperparameter and, independently, land in the best 5% of the space with "
        "probability 1 − 0.95^60 ≈ 95% (Bergstra & Bengio, 2012). I would sample learning rate and "
        "regularization log-uniformly, fix the seed, and consider a Sobol design for more even coverage; "
        "if each run is expensive, Bayesian optimization or early stopping comes next.",
        rubric=(
            "Chooses random search and says grids explode: values^dimensions (2^6 = 64 > 60).",
            "Gives the low-effective-dimension argument: n distinct values per important dimension vs n^(1/d).",
            "Quotes the arithmetic 1 − (1 − q)^n (≈ 95% for the top 5% with 60 trials) with its assumptions.",
            "Mentions log scales for learning rate / regularization.",
            "Names a next step for a larger budget or costly runs (Sobol, BO, early stopping).",
        ),
    ),
    _q(
        Explain,
        "q03.explain_60_trials_caveats",
        "H",
        "claim",
        prompt="\"60 random trials find the top 5% with 95% probability.\" When is this claim misleading? "
        "Give at least two precise caveats.",
        topics=("trial arithmetic", "search budget"),
        hint="ask what '5%' is a fraction of, and what the arithmetic assumes about trials and measurements",
        explanation="See the model answer and rubric.",
        model_answer="The 5% is of the search-space *volume under the sampling distribution*, not of the "
        "achievable scores: if the good region is a thin ridge holding 0.1% of the volume, 60 trials hit it "
        "with probability 1 − 0.999^60 ≈ 6%. The volume depends on my choices: a linear scale for a learning "
        "rate shrinks the good region, a too-wide range dilutes it. The formula assumes independent trials; "
        "and a hit only helps if I can recognise it: with noisy validation scores the best-looking trial may "
        "not be the best one, and after many trials the best validation score is optimistic. Finally, being "
        "in the top 5% of the space may still be far from the optimum in loss.",
        rubric=(
            "The 5% is a fraction of the sampled volume, not of performance; a narrow good region needs many more trials.",
            "The ranges and scales (log vs linear) chosen decide that volume.",
            "The arithmetic assumes independent draws.",
            "Noisy evaluation / validation overfitting: the winning trial may not be recognisable or may be optimistic.",
        ),
    ),
]
