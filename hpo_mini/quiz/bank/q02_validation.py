"""Quiz 02: train / validation / test, splitters, leakage, validation overfitting, intervals, seed
variance, multiple comparisons and nested cross-validation.

Code exercises are checked against scikit-learn's `TimeSeriesSplit(n_splits, gap=gap)` and against
`hpo_mini.evaluation.validation.t_interval`.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q02_validation.toml beside this file, and the answer key is solutions/keys/q02_validation.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import numpy as np

from ..checks import compare_with_reference, show, unchanged
from ..fresh import generator


# The references import scikit-learn or scipy.stats inside the checking process; on a cold start that
# takes about a second on a 2-core laptop, which the default 2 s limit would not leave room for.
CHECK_TIME_LIMIT = 5.0


# ---- references for the code exercises ---------------------------------------------------------


def time_series_split_reference(X, n_splits, gap):
    """scikit-learn's folds as a list of (train, test) index arrays; raises ValueError where it does."""
    from sklearn.model_selection import TimeSeriesSplit

    return list(TimeSeriesSplit(n_splits, gap=gap).split(X))


def t_interval_reference(scores, confidence):
    """The library's Student-t interval (validation.t_interval): (mean, lo, hi)."""
    from ...evaluation.validation import t_interval

    return t_interval(scores, confidence)


def _as_tuple(x):
    """An array or a sequence of numpy scalars -> a tuple of Python numbers (also for readable feedback)."""
    if isinstance(x, np.ndarray):
        return tuple(x.tolist())
    if isinstance(x, (tuple, list)):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in x)
    return x


def _time_series_cases():
    """(n, n_splits, gap, n_features): hand-picked edge cases, then random ones; n_features 0 is a 1-D X."""
    cases = [
        (20, 3, 0, 2),  # n divisible by n_splits + 1
        (20, 3, 2, 2),
        (60, 4, 3, 1),  # the lesson's figure
        (61, 4, 3, 0),  # one remainder row: it belongs to the first training set
        (63, 4, 0, 3),  # three remainder rows
        (7, 3, 0, 0),  # test blocks of one row
        (4, 3, 0, 2),  # n = n_splits + 1: the first training set is a single row
        (12, 5, 1, 2),  # a single training row left by the gap
        (9, 2, 2, 0),
        (100, 5, 10, 2),
        (365, 12, 7, 4),
        (1000, 10, 24, 2),
        (5, 5, 0, 2),  # more folds than rows: ValueError
        (4, 3, 1, 0),  # the gap eats the only training row: ValueError
        (30, 2, 10, 2),  # the gap eats the whole first training block: ValueError
        (9, 2, 6, 1),  # the gap is longer than the first training block: ValueError
    ]
    rng = np.random.default_rng(2)
    while len(cases) < 40:
        n = int(rng.integers(3, 300))
        n_splits = int(rng.integers(2, min(n, 12)))
        gap = int(rng.integers(0, max(1, n // (n_splits + 1) + 2)))
        cases.append((n, n_splits, gap, int(rng.integers(0, 4))))
    return cases


_TS_CASES = _time_series_cases()


def _rows(index) -> str:
    index = np.asarray(index)
    if index.size == 0:
        return "no rows"
    if index.ndim == 1 and np.array_equal(index, np.arange(index[0], index[0] + index.size)):
        return f"row {index[0]}" if index.size == 1 else f"rows {index[0]}–{index[-1]}"
    return show(index)


def _why_no_folds(n, n_splits, gap) -> str:
    if n_splits + 1 > n:
        return f"n_splits + 1 = {n_splits + 1} folds need at least that many rows, but X has {n}"
    test_size = n // (n_splits + 1)
    return (
        f"with test_size = {n} // {n_splits + 1} = {test_size}, the first training set would have "
        f"{n} - {gap} - {n_splits} * {test_size} = {n - gap - n_splits * test_size} rows"
    )


def _index_array(value, what, text, fold):
    """(array, None) for an integer index array, else (None, message)."""
    try:
        array = np.asarray(value)
    except Exception:
        array = None
    if array is None or array.ndim != 1 or array.dtype.kind not in "iu":
        kind = "a boolean mask" if array is not None and array.dtype.kind == "b" else show(value)
        return None, f"{text}: fold {fold} gave {what} = {kind}; give integer row indices (e.g. np.arange(a, b))"
    return array, None


def _time_series_checker(fn, report):
    for passed, (n, n_splits, gap, n_features) in enumerate(_TS_CASES):
        text = f"time_series_split(X with {n} rows, n_splits={n_splits}, gap={gap})"
        report(text)
        rng = np.random.default_rng(passed)
        X = rng.normal(size=(n, n_features)) if n_features else rng.normal(size=n)
        try:
            expected = time_series_split_reference(X.copy(), n_splits, gap)
        except ValueError:
            expected = None
        given = X.copy()
        try:
            result = fn(given, n_splits, gap)
            folds = list(result) if hasattr(result, "__iter__") else result
        except ValueError as exc:
            if not unchanged(X, given):
                return False, f"{text} changed its argument `X`: leave the caller's data as it was", passed
            if expected is None:
                continue  # a ValueError is what the reference raises here
            return False, f"{text} raised ValueError: {exc}; the reference yields {len(expected)} folds", passed
        except Exception as exc:
            return False, f"{text} raised {type(exc).__name__}: {exc}", passed
        if not unchanged(X, given):
            return False, f"{text} changed its argument `X`: leave the caller's data as it was", passed
        if not isinstance(folds, list):
            return False, f"{text} returned {show(result)}; yield (or return a list of) (train_idx, test_idx) pairs", passed
        if expected is None:
            return False, f"{text} gave {len(folds)} folds; it should raise ValueError: {_why_no_folds(n, n_splits, gap)}", passed
        if len(folds) != len(expected):
            return False, f"{text} gave {len(folds)} folds, the reference gives {len(expected)}", passed
        for fold, (pair, (train_ref, test_ref)) in enumerate(zip(folds, expected), start=1):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                return False, f"{text}: fold {fold} is {show(pair)}; each fold is a pair (train_idx, test_idx)", passed
            train, message = _index_array(pair[0], "train_idx", text, fold)
            if message is None:
                test, message = _index_array(pair[1], "test_idx", text, fold)
            if message is not None:
                return False, message, passed
            if not np.array_equal(test, test_ref):
                return False, f"{text}: fold {fold} tests on {_rows(test)}, the reference on {_rows(test_ref)}", passed
            start = int(test_ref[0])
            future = train[train >= start]
            if future.size:
                return (
                    False,
                    f"{text}: fold {fold} trains on row {int(future[0])}, at or after its test block (from row "
                    f"{start}): that is training on the future",
                    passed,
                )
            if not np.array_equal(train, train_ref):
                return (
                    False,
                    f"{text}: fold {fold} trains on {_rows(train)}, the reference on {_rows(train_ref)} "
                    f"(test block from row {start}, gap of {gap} rows)",
                    passed,
                )
    return True, "", len(_TS_CASES)


def _t_interval_cases():
    rng = np.random.default_rng(0)
    return [
        {"scores": np.array([0.82, 0.85, 0.79, 0.88, 0.84]), "confidence": 0.95},
        {"scores": [0.82, 0.85, 0.79, 0.88, 0.84], "confidence": 0.95},  # a list, as in trial.user_attrs
        {"scores": np.array([0.90, 0.80]), "confidence": 0.95},  # two scores: one degree of freedom
        {"scores": np.array([0.71, 0.74, 0.69]), "confidence": 0.90},
        {"scores": rng.normal(0.85, 0.02, size=10), "confidence": 0.99},
        {"scores": np.array([-3.2, -2.9, -3.5, -3.1, -2.7, -3.0]), "confidence": 0.95},  # negated errors
        {"scores": [1, 2, 3, 4], "confidence": 0.5},
        {"scores": rng.normal(0.7, 0.05, size=30), "confidence": 0.95},
        {"scores": rng.normal(0.6, 0.1, size=1000), "confidence": 0.95},  # t and z differ by 0.1% here
        {"scores": rng.uniform(0.5, 1.0, size=7), "confidence": 0.8},
    ]


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q02.code_t_interval": compare_with_reference("t_interval", t_interval_reference, _t_interval_cases(), postprocess=_as_tuple),
    "q02.code_time_series_split": _time_series_checker,
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _fwer_params(rng):
    return {"m": int(rng.integers(5, 41)), "alpha": float(rng.choice([0.01, 0.05, 0.1]))}


def fwer_reference(p):
    """P(at least one of m independent level-alpha tests rejects a true null) = 1 - (1 - alpha)^m."""
    return 1.0 - (1.0 - p["alpha"]) ** p["m"]


GENERATORS = {
    "q02.fwer": generator(_fwer_params, fwer_reference),
}
