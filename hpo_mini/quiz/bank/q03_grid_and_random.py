"""Quiz 03: grid search, random search, log scales, Sobol / Latin hypercube, trial arithmetic.

Code exercises are checked against the library: `Space.sample`, `Float(..., log=True).from_unit`, and
the closed form 1 - (1 - q)^n.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q03_grid_and_random.toml beside this file, and the answer key is solutions/keys/q03_grid_and_random.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import math

import numpy as np

from ...space import Categorical, Float, Int, Space
from ..checks import compare_with_reference, same, show
from ..fresh import generator


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


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q03.code_p_at_least_one": compare_with_reference(
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
    "q03.code_trials_needed": compare_with_reference(
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
    "q03.code_log_uniform": compare_with_reference(
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
    "q03.code_random_search": _random_search_checker,
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _grid_size_params(rng):
    return {"values": int(rng.integers(2, 9)), "dims": int(rng.integers(2, 8))}


def grid_size_reference(p):
    """The number of grid points: the product of the library's per-axis grids (Float.grid) over the dimensions."""
    return math.prod(len(Float(0.0, 1.0).grid(p["values"])) for _ in range(p["dims"]))


GENERATORS = {
    "q03.grid_size": generator(_grid_size_params, grid_size_reference),
}
