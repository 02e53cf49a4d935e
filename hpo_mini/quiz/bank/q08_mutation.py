"""Quiz 08's mutation exercise: its reference and its checker (q08_evolutionary.py holds the other
checks and the CHECKS table). A Gaussian mutation of sd SIGMA in the unit encoding of hpo_mini.space
for a number, another choice for a categorical; the checker tests the distribution of many mutations
(stat_checks.py) and tests/unit/quiz/test_quiz_q08_q09_references.py checks the reference by Monte Carlo.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy import stats

from ...space import Categorical, Float, Int, Space
from ..checks import same, show, unchanged
from ..stat_checks import ALPHA, binomial_pvalue


# ---- mutation inside a mixed space ---------------------------------------------------------------

SIGMA = 0.1  # the sd of a Gaussian mutation step, in the unit encoding

MUTATION_SPACE = Space(
    {
        "lr": Float(1e-5, 1e-1, log=True),
        "dropout": Float(0.0, 0.5),
        "layers": Int(1, 9),
        "act": Categorical(["relu", "tanh", "gelu", "silu"]),
    }
)
_CENTRE = {"lr": 1e-3, "dropout": 0.25, "layers": 5, "act": "tanh"}  # every numeric value at u = 0.5
_EDGE = {"lr": 0.1, "dropout": 0.0, "layers": 9, "act": "relu"}


def mutate_reference(config, space, rate, rng):
    """Each dimension independently with probability `rate`: a number moves by N(0, SIGMA^2) in its
    unit encoding (log space for log dimensions), clipped to [0, 1] and decoded (integers round);
    a categorical takes one of its *other* choices uniformly."""
    out = dict(config)
    for name, dim in space.dimensions.items():
        if rng.random() >= rate:
            continue
        if isinstance(dim, Categorical):
            others = [c for c in dim.choices if c != config[name]]
            out[name] = others[int(rng.integers(len(others)))]
        else:
            u = float(dim.to_unit(config[name])) + SIGMA * rng.standard_normal()
            out[name] = dim.python_value(dim.from_unit(min(max(u, 0.0), 1.0)))
    return out


def _int_probabilities(dim, centre, rate):
    """P(new value = v) for v = lo..hi when the Int dimension starts at `centre` (u = 0.5): rounding a
    Gaussian of sd SIGMA * (hi - lo + 1) in value units, the end slices taking the clipped tails."""
    width = SIGMA * (dim.hi - dim.lo + 1)
    values = np.arange(dim.lo, dim.hi + 1)
    upper = np.where(values == dim.hi, np.inf, (values + 0.5 - centre) / width)
    lower = np.where(values == dim.lo, -np.inf, (values - 0.5 - centre) / width)
    p = rate * (stats.norm.cdf(upper) - stats.norm.cdf(lower))
    p[values == centre] += 1 - rate
    return values, p


def _mutate_calls(fn, config, rate, seed, calls, text):
    """Call fn `calls` times; return (error message or None, outputs)."""
    rng, outputs = np.random.default_rng(seed), []
    for _ in range(calls):
        given = copy.deepcopy(config)
        try:
            out = fn(given, MUTATION_SPACE, rate, rng)
        except Exception as exc:
            return f"{text} raised {type(exc).__name__}: {exc}", None
        if not unchanged(config, given):
            return f"{text} changed its argument `config`: return a new dict, leave the caller's config as it was", None
        if not isinstance(out, dict):
            return f"{text} returned {show(out)}; return a new config dict", None
        try:
            MUTATION_SPACE.validate(out)
        except ValueError as exc:
            return f"{text} returned {show(out, 90)}, which is not inside the space: {exc}", None
        outputs.append(out)
    return None, outputs


def mutate_checker(fn, report):
    passed = 0
    text = f"mutate(config={_CENTRE}, space, rate=0.0, rng)"
    report(text)
    error, outputs = _mutate_calls(fn, _CENTRE, 0.0, 0, 20, text)
    if error:
        return False, error, passed
    changed = next((o for o in outputs if not same(o, _CENTRE)), None)
    if changed is not None:
        return False, f"{text} returned {show(changed, 90)}; with rate = 0 no dimension mutates", passed
    passed += 1

    text = f"mutate(config={_EDGE}, space, rate=1.0, rng)"
    report(f"{text}, called 300 times")
    error, outputs = _mutate_calls(fn, _EDGE, 1.0, 1, 300, text)
    if error:
        return False, error, passed
    passed += 1

    calls, rate = 2000, 0.5
    text = f"mutate(config={_CENTRE}, space, rate={rate}, rng)"
    report(f"{text}, called {calls} times")
    error, outputs = _mutate_calls(fn, _CENTRE, rate, 2, calls, text)
    if error:
        return False, error, passed
    moved = {}
    for name in ("lr", "dropout"):
        dim = MUTATION_SPACE[name]
        steps = np.array([float(dim.to_unit(o[name])) for o in outputs]) - float(dim.to_unit(_CENTRE[name]))
        moved[name] = np.abs(steps) > 1e-9
        if binomial_pvalue(int(moved[name].sum()), calls, rate) < ALPHA:
            return False, f"{text}: {name} changed in {moved[name].mean():.1%} of {calls} calls; each dimension mutates with probability rate = {rate}", passed
        scale = "log10 scale, " if dim.log else ""
        pvalue = stats.kstest(steps[moved[name]], "norm", args=(0.0, SIGMA)).pvalue
        if pvalue < ALPHA:
            s = steps[moved[name]]
            return (
                False,
                f"{text}: measured in the unit encoding ({scale}[lo, hi] -> [0, 1]), the {name} steps have mean "
                f"{s.mean():.3g} and sd {s.std():.3g}; they should be Gaussian with mean 0 and sd {SIGMA} "
                f"(Kolmogorov-Smirnov p = {pvalue:.1e})",
                passed,
            )
    both = int(np.sum(moved["lr"] & moved["dropout"]))
    if binomial_pvalue(both, calls, rate**2) < ALPHA:
        return (
            False,
            f"{text}: lr and dropout changed together in {both / calls:.1%} of the calls; dimensions mutate "
            f"independently, so that should be rate^2 = {rate**2:.0%}",
            passed,
        )
    values, p_int = _int_probabilities(MUTATION_SPACE["layers"], _CENTRE["layers"], rate)
    got = np.array([sum(o["layers"] == v for o in outputs) for v in values])
    for v, count, p in zip(values, got, p_int):
        if binomial_pvalue(int(count), calls, p) < ALPHA:
            return (
                False,
                f"{text}: layers came back as {v} in {count / calls:.1%} of the calls; moving u = 0.5 by "
                f"N(0, {SIGMA}^2), clipping and rounding (Int's from_unit) gives {p:.1%}",
                passed,
            )
    choices = MUTATION_SPACE["act"].choices
    for c in choices:
        p = 1 - rate if c == _CENTRE["act"] else rate / (len(choices) - 1)
        count = sum(o["act"] == c for o in outputs)
        if binomial_pvalue(count, calls, p) < ALPHA:
            return (
                False,
                f"{text}: act came back as {c!r} in {count / calls:.1%} of the calls, expected {p:.1%}: a mutated "
                f"categorical takes one of its other choices, each equally likely (no order among choices)",
                passed,
            )
    passed += 1

    report("mutate twice with np.random.default_rng(7): the same configs?")
    runs = []
    for _ in range(2):
        error, outputs = _mutate_calls(fn, _CENTRE, 0.7, 7, 20, "mutate(..., rng=np.random.default_rng(7))")
        if error:
            return False, error, passed
        runs.append(outputs)
    if not same(runs[0], runs[1]):
        return False, "two generators seeded alike (np.random.default_rng(7)) gave different configs: draw every random number from `rng`", passed
    return True, "", passed + 1


