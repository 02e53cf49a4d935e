"""Building blocks for checking functions that draw random numbers: test a distribution, not one output.

A checker calls the learner's function many times with fixed seeds and compares the counts with the
closed-form probabilities by a two-sided binomial test at level ALPHA, so a correct function fails with
negligible probability and a given function always gets the same verdict (quiz 08 uses them).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy import stats

__all__ = ["ALPHA", "binomial_pvalue", "is_index"]

ALPHA = 1e-6  # the level of every test: a correct function fails with negligible probability


def binomial_pvalue(count, n, p) -> float:
    """Two-sided p-value of `count` successes in `n` Bernoulli(p) trials (doubled smaller tail)."""
    if p <= 0:
        return 1.0 if count == 0 else 0.0
    if p >= 1:
        return 1.0 if count == n else 0.0
    return float(min(1.0, 2 * min(stats.binom.cdf(count, n, p), stats.binom.sf(count - 1, n, p))))


def is_index(value) -> bool:
    """An integer (Python or numpy), not a bool: what a function returning a position must return."""
    return isinstance(value, (Integral, np.integer)) and not isinstance(value, (bool, np.bool_))
