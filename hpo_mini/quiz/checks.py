"""Building blocks for code-exercise checkers.

A checker is `checker(fn, report) -> (ok, message, n_passed)`: it calls the learner's `fn` on many
inputs, calls `report(description)` before each so a timeout can name the input, and stops at the
first failure with a message that names the input, what came back and what the reference gives.

    checker = compare_with_reference("p_at_least_one", reference, cases=[{"q": 0.05, "n": 60}, ...])
"""

from __future__ import annotations

import copy
import inspect
import math
import types
from numbers import Number

import numpy as np

__all__ = ["same", "unchanged", "show", "call_text", "compare_with_reference", "library_functions_used",
           "library_use_message"]

LIBRARY = "hpo_mini"  # where the references live: an answer may not call its functions


def same(got, expected, rel=1e-9, abs_=1e-12) -> bool:
    """Equal up to float round-off, recursing into lists, tuples, dicts and arrays."""
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        try:
            g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
        except (TypeError, ValueError):
            return False
        return g.shape == e.shape and bool(np.allclose(g, e, rtol=rel, atol=abs_))
    if isinstance(expected, bool) or isinstance(expected, np.bool_):
        return isinstance(got, (bool, np.bool_)) and bool(got) == bool(expected)
    if isinstance(expected, Number):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (Number, np.number)):
            return False
        if math.isnan(expected):
            return math.isnan(got)
        return math.isclose(float(got), float(expected), rel_tol=rel, abs_tol=abs_)
    if isinstance(expected, dict):
        return isinstance(got, dict) and got.keys() == expected.keys() and all(same(got[k], expected[k], rel, abs_) for k in expected)
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(same(g, e, rel, abs_) for g, e in zip(got, expected))
        )
    return got == expected


def unchanged(before, after) -> bool:
    """Did a call leave its argument as it was? (Exact, not up to round-off.)"""
    if isinstance(before, np.ndarray):
        equal_nan = before.dtype.kind in "fc"  # a NaN that stayed NaN is unchanged
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and bool(np.array_equal(before, after, equal_nan=equal_nan)))
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(unchanged(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(unchanged(b, a) for b, a in zip(before, after))
    if isinstance(before, float) and isinstance(after, float) and before != before and after != after:
        return True  # NaN stayed NaN
    try:
        return bool(before == after)
    except Exception:
        return before is after


def show(value, limit=70) -> str:
    """A short repr for feedback: arrays rounded, long text cut."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, separator=", ", threshold=6)
        text = f"array({text})"
    elif isinstance(value, float):
        text = f"{value:.10g}"
    elif callable(value):
        text = getattr(value, "__name__", "a function")
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def call_text(name, case: dict) -> str:
    return f"{name}({', '.join(f'{k}={show(v)}' for k, v in case.items())})"


def compare_with_reference(name, reference, cases, *, rel=1e-9, abs_=1e-12, postprocess=None):
    """A checker that calls fn(*case.values()) on every case and compares with reference(**case).

    It also fails a function that modifies its inputs (every argument is compared with a copy
    taken before the call). `postprocess(result)` may normalize a result before comparing.
    """

    def checker(fn, report):
        for passed, case in enumerate(cases):
            text = call_text(name, case)
            report(text)
            expected = reference(**copy.deepcopy(case))
            args = copy.deepcopy(case)
            try:
                got = fn(*args.values())
            except Exception as exc:
                return False, f"{text} raised {type(exc).__name__}: {exc}", passed
            for key in case:
                if not unchanged(case[key], args[key]):
                    return False, f"{text} changed its argument `{key}`: work on a copy, leave the caller's data as it was", passed
            if postprocess is not None:
                got = postprocess(got)
            if not same(got, expected, rel, abs_):
                return False, f"{text} returned {show(got)}, the reference returns {show(expected)}", passed
        return True, "", len(cases)

    return checker


def _names_in(code) -> set:
    """Every global or attribute name a code object (and the functions nested in it) uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_in(const)
    return names


def _in_library(obj) -> bool:
    module = getattr(obj, "__module__", None) if not isinstance(obj, types.ModuleType) else obj.__name__
    return isinstance(module, str) and module.split(".")[0] == LIBRARY


def library_functions_used(fn) -> list[str]:
    """The course library's functions that `fn` is or reaches: by a global name, as an attribute of an
    imported hpo_mini module (followed through submodules), or as a default argument. Classes do not
    count (an answer may test isinstance(dim, Categorical)); methods of its arguments do not either."""
    if _in_library(fn):  # the answer is the library's function itself, under another name
        return [f"{fn.__module__}.{getattr(fn, '__name__', '?')}"]
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    names = _names_in(code)
    namespace = getattr(fn, "__globals__", {})
    candidates = [namespace[n] for n in names if n in namespace] + list(getattr(fn, "__defaults__", None) or ())
    found, seen = set(), set()
    while candidates:
        obj = candidates.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.ModuleType):
            if _in_library(obj):
                candidates += [getattr(obj, n) for n in names if hasattr(obj, n)]
        elif (inspect.isfunction(obj) or inspect.isbuiltin(obj)) and _in_library(obj):
            found.add(f"{obj.__module__}.{obj.__name__}")
    return sorted(found)


def library_use_message(fn) -> str:
    """"" when `fn` calls none of the library's functions, else what to tell the learner."""
    used = library_functions_used(fn)
    if not used:
        return ""
    return (f"your function calls {', '.join(used)} from the course library, where the reference lives: "
            "write the computation yourself")
