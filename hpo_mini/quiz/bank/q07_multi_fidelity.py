"""Quiz 07: multi-fidelity optimization: early stopping, successive halving, Hyperband, ASHA, median pruning.

The code exercises are checked against the references below, written in integer arithmetic (no floating
logarithms): the successive-halving schedule and the Hyperband brackets of Li et al. (2018, JMLR,
Algorithm 1), and ASHA's promotion rule (Li et al. 2020, MLSys, Algorithm 2). Importing this module
checks `hyperband_brackets_reference(81, 3)` against the published table (Li et al. 2018, Table 1).

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q07_multi_fidelity.toml beside this file, and the answer key is solutions/keys/q07_multi_fidelity.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import copy

from ..checks import call_text, compare_with_reference, same, show
from ..fresh import generator


# ---- references for the code exercises ---------------------------------------------------------


def _largest_power(base, eta):
    """The largest integer s >= 0 with eta**s <= base (base >= 1), by counting: no floating log."""
    s = 0
    while eta ** (s + 1) <= base:
        s += 1
    return s


def sh_schedule_reference(n, min_budget, max_budget, eta):
    """Successive halving (Li et al. 2018, inner loop of Algorithm 1): rung i keeps n_i = floor(n / eta^i)
    configurations at budget r_i = min_budget * eta^i, for i = 0, 1, ... while r_i <= max_budget and n_i >= 1."""
    rungs, i = [], 0
    while min_budget * eta**i <= max_budget and n // eta**i >= 1:
        rungs.append((n // eta**i, min_budget * eta**i))
        i += 1
    return rungs


def hyperband_brackets_reference(R, eta):
    """Hyperband's brackets (Li et al. 2018, Algorithm 1), most aggressive first: for s = s_max, ..., 0,
    n = ceil((s_max + 1) eta^s / (s + 1)) configurations start at r = R eta^-s, and rung i = 0..s keeps
    n_i = floor(n eta^-i) of them at budget r_i = r eta^i. s_max = floor(log_eta R), by counting."""
    s_max = _largest_power(R, eta)
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # exact integer ceil
        brackets.append([(n // eta**i, R / eta ** (s - i)) for i in range(s + 1)])
    return brackets


# Li et al. (2018), Table 1: R = 81, eta = 3; each bracket's rungs as (n_i, r_i).
LI_2018_TABLE_1 = [
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]
if hyperband_brackets_reference(81, 3) != LI_2018_TABLE_1:  # a unit-level check at import, cheap
    raise AssertionError("hyperband_brackets_reference(81, 3) does not reproduce Table 1 of Li et al. (2018)")


def asha_promotable_reference(losses, promoted, eta):
    """ASHA (Li et al. 2020, Algorithm 2, get_job): at a rung with m completed results, the candidates
    for promotion are the top floor(m / eta) by loss, minus those already promoted; best first, ties
    broken by completion order (the order of `losses`)."""
    ranked = sorted(losses, key=lambda config: losses[config])  # sorted() is stable: completion order
    top = ranked[: len(losses) // eta]
    return [config for config in top if config not in promoted]


def _as_rungs(result):
    """Rungs as a list of (n_i, r_i) pairs, so tuples, lists and numpy numbers compare alike."""
    try:
        return [tuple(rung) for rung in result]
    except TypeError:
        return result


def _as_brackets(result):
    try:
        return [[tuple(rung) for rung in bracket] for bracket in result]
    except TypeError:
        return result


def _as_list(result):
    try:
        return list(result)
    except TypeError:
        return result


def _first_difference(got, expected, path=""):
    """Where two nested lists first differ, in words: the schedules are too long to show whole."""
    if isinstance(got, list) and isinstance(expected, list):
        for i, (g, e) in enumerate(zip(got, expected)):
            if not same(g, e):
                if isinstance(g, list) and isinstance(e, list):
                    return _first_difference(g, e, f"{path}[{i}]")
                return f"item {path}[{i}] is {show(g, 60)}, the reference's is {show(e, 60)}"
        if len(got) != len(expected):
            side, extra = ("yours", got) if len(got) > len(expected) else ("the reference", expected)
            where = path or "the result"
            return (f"{where} has {len(got)} items, the reference's has {len(expected)}: {side} has "
                    f"{show(extra[min(len(got), len(expected))], 60)} at {path}[{min(len(got), len(expected))}]")
    return f"returned {show(got, 60)}, the reference returns {show(expected, 60)}"


def _list_checker(name, reference, cases, postprocess):
    """compare_with_reference, with a message that points at the first rung or bracket that differs."""
    base = compare_with_reference(name, reference, cases, postprocess=postprocess)

    def checker(fn, report):
        ok, message, passed = base(fn, report)
        if ok or " returned " not in message:
            return ok, message, passed
        case = cases[passed]
        got = postprocess(fn(*copy.deepcopy(case).values()))  # it returned once on this case
        return False, f"{call_text(name, case)}: {_first_difference(got, reference(**copy.deepcopy(case)))}", passed

    return checker


_SH_CASES = [
    {"n": 81, "min_budget": 1, "max_budget": 81, "eta": 3},
    {"n": 27, "min_budget": 1, "max_budget": 81, "eta": 3},  # stops when one config is left
    {"n": 81, "min_budget": 1, "max_budget": 27, "eta": 3},  # stops at the maximum budget
    {"n": 10, "min_budget": 1, "max_budget": 81, "eta": 3},  # 10, 3, 1: floor
    {"n": 243, "min_budget": 1, "max_budget": 243, "eta": 3},  # log(243, 3) = 4.999...
    {"n": 34, "min_budget": 3, "max_budget": 81, "eta": 3},  # Hyperband's s = 3 bracket
    {"n": 64, "min_budget": 2, "max_budget": 100, "eta": 2},
    {"n": 49, "min_budget": 1, "max_budget": 49, "eta": 7},  # 49 * 7**-2 = 0.999...
    {"n": 100, "min_budget": 5, "max_budget": 4, "eta": 3},  # min > max: no rung at all
    {"n": 1000, "min_budget": 1, "max_budget": 1000, "eta": 10},  # log(1000, 10) = 2.999...
    {"n": 2, "min_budget": 1, "max_budget": 81, "eta": 3},  # floor(2 / 3) = 0: a single rung
    {"n": 20, "min_budget": 10, "max_budget": 200, "eta": 4},
]

_HB_CASES = [
    {"R": 81, "eta": 3},  # Table 1 of Li et al. (2018)
    {"R": 27, "eta": 3},
    {"R": 243, "eta": 3},  # log(243, 3) = 4.999...
    {"R": 100, "eta": 3},  # not a power of eta: r = 100 / 81
    {"R": 16, "eta": 2},
    {"R": 49, "eta": 7},  # floor(49 * 7**-2) = 0 in floating point
    {"R": 1000, "eta": 10},  # log(1000, 10) = 2.999...
    {"R": 1, "eta": 3},  # one bracket, one rung
    {"R": 729, "eta": 3},
    {"R": 50, "eta": 4},
]

_ASHA_CASES = [
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40, "d": 0.22, "e": 0.35, "f": 0.50, "g": 0.28}, "promoted": {"b"}, "eta": 3},
    {"losses": {"a": 0.30, "b": 0.25}, "promoted": set(), "eta": 3},  # floor(2 / 3) = 0: nobody yet
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40}, "promoted": set(), "eta": 3},
    {"losses": {"a": 0.30, "b": 0.25, "c": 0.40}, "promoted": {"b"}, "eta": 3},  # the top one is taken
    {"losses": {"x": 0.5, "y": 0.1, "z": 0.1, "w": 0.9, "v": 0.3, "u": 0.2}, "promoted": set(), "eta": 3},  # tie: y first
    {"losses": {"z": 0.1, "y": 0.1, "x": 0.7, "w": 0.6, "v": 0.5, "u": 0.4}, "promoted": set(), "eta": 3},  # tie: z completed first
    {"losses": {i: (7 * i) % 11 / 10 for i in range(11)}, "promoted": {0, 8}, "eta": 2},
    {"losses": {i: (5 * i) % 13 / 10 for i in range(13)}, "promoted": set(), "eta": 4},
    {"losses": {"a": 0.2, "b": 0.3, "c": 0.1, "d": 0.4}, "promoted": {"c", "a"}, "eta": 2},  # all promoted
    {"losses": {}, "promoted": set(), "eta": 3},
]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q07.code_sh_schedule": _list_checker("sh_schedule", sh_schedule_reference, _SH_CASES, _as_rungs),
    "q07.code_hyperband": _list_checker("hyperband_brackets", hyperband_brackets_reference, _HB_CASES, _as_brackets),
    "q07.code_asha": compare_with_reference("asha_promotable", asha_promotable_reference, _ASHA_CASES, postprocess=_as_list),
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _sh_survivors_params(rng):
    eta, rung = int(rng.choice([2, 3, 4])), int(rng.integers(1, 4))
    return {"n": int(rng.integers(eta**rung, 101)), "eta": eta, "budget": eta**rung}


def sh_survivors_reference(p):
    """Walk the rungs: keep floor(n / eta) and multiply the budget by eta until it reaches `budget`."""
    n, budget = p["n"], 1
    while budget < p["budget"]:
        n, budget = n // p["eta"], budget * p["eta"]
    return n


GENERATORS = {
    "q07.sh_survivors": generator(_sh_survivors_params, sh_survivors_reference),
}
