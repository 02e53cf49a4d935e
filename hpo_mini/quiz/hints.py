"""Hints for a wrong answer that a rule can tell apart from a wrong idea.

A learner who typed 0.05 for 0.0472, 47.2 for 0.472 or 41 for 40 is not confused about the
concept, and should not get the same hint as one who is. Each rule below looks only at the answer
and the key, and returns a short text, or "" when no rule applies (the question's own hint is shown
then). For whole-number keys stored as hashes, the rules test candidate answers against the hash.

    numeric_hint(0.05, 0.0472, tol=0.0005, precision="3 significant digits")
    -> "close — check your rounding (this question asks for 3 significant digits; round only at the end)"
"""

from __future__ import annotations

import math

__all__ = ["FACTORS", "CLOSE_WITHIN", "numeric_hint", "integer_hint", "letters_hint"]

# Units slips: a percentage for a fraction (100), ms for s or k for units (1000), a decimal shift (10).
FACTORS = (100, 1000, 10)
# "Close" means within this many tolerances of the key: a rounding slip, not a wrong formula.
CLOSE_WITHIN = 10


def _factor_text(factor, answer_is_bigger) -> str:
    direction = "too large" if answer_is_bigger else "too small"
    units = " (a percentage where a fraction is asked, or the reverse?)" if factor == 100 else ""
    return f"off by a factor of {factor} ({direction}) — units?{units}"


def numeric_hint(answer: float, key: float, tol: float, precision: str = "") -> str:
    """The rule that explains a wrong number, if one does: a factor of 10, 100 or 1000, a flipped
    sign, or a near miss (within CLOSE_WITHIN tolerances, e.g. rounded too early)."""
    if not (math.isfinite(answer) and math.isfinite(key)):
        return ""
    for factor in FACTORS if key != 0 else ():
        if abs(answer / factor - key) <= tol:
            return _factor_text(factor, answer_is_bigger=True)
        if abs(answer * factor - key) <= tol:
            return _factor_text(factor, answer_is_bigger=False)
    if key != 0 and abs(-answer - key) <= tol:
        return "right size, wrong sign"
    if abs(answer - key) <= CLOSE_WITHIN * tol:
        asked = f"this question asks for {precision}; " if precision else ""
        return f"close — check your rounding ({asked}round only at the end)"
    return ""


def integer_hint(answer: int, matches) -> str:
    """`matches(n)` says whether n is the key (the key is a hash, so candidates are tested)."""
    if matches(answer + 1) or matches(answer - 1):
        return "off by one — check whether the end points count (inclusive or exclusive?)"
    for factor in FACTORS:
        if answer % factor == 0 and matches(answer // factor):
            return _factor_text(factor, answer_is_bigger=True)
        if matches(answer * factor):
            return _factor_text(factor, answer_is_bigger=False)
    if answer != 0 and matches(-answer):
        return "right size, wrong sign"
    return ""


def letters_hint(chosen: set, letters: str, matches) -> str:
    """Multiple choice: one letter missing or one too many. `matches(set)` tests a candidate set.
    It says how far the answer is, never which letter."""
    for letter in letters:
        candidate = chosen ^ {letter}
        if candidate and matches(candidate):
            return "close — exactly one letter is missing or one is extra"
    return ""
