"""Properties of the quiz's answer parsers (kinds.py) and of answers as data (answers.py), on inputs
hypothesis generates, for every question of the bank: each test is named for the guarantee it checks.

- `parse` and `evaluate` never raise, whatever the answer: they return a verdict (an "invalid" answer
  is never counted as an attempt);
- a numeric answer given to the precision the question states (or more) is correct, one outside the
  tolerance is wrong, a string, NaN, an infinity or a number no float can hold is invalid;
- a choice answer is read whatever its case, spacing, separators (commas, spaces, tabs, newlines) or
  container (str, set, list, tuple); the key's letters are correct, any other set of options wrong,
  anything that is not a set of option letters invalid;
- `encode` never raises (the gradebook's extraction cell runs it on whatever a student bound), and
  what it describes comes back through JSON as itself.

Example counts are in EXAMPLES; `deadline=None` (a slow machine is not a failure); no example database.

Found by these tests (and fixed in kinds.py / answers.py): an int too large for a float (10**400) crashed
a numeric question with OverflowError; an empty letter ("a,,b", "a\\tb", ["a", ""]) and a run of letters
inside a list ({"ab"}) were taken for options ("" and "ab" are substrings of "abcd") and graded "wrong"
instead of "invalid"; `encode` raised on an int of more than 4300 digits and on a value whose repr
raises, which made the gradebook's extraction cell fail and lose every answer of the notebook.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hpo_mini.quiz.answers import MISSING, Unreadable, decode, encode
from hpo_mini.quiz.bank import all_quizzes, get_bank
from hpo_mini.quiz.keys import key_path, read_answers
from hpo_mini.quiz.sealing import unseal

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = {"any": 400, "numeric": 300, "choice": 300, "encode": 300}  # over all the bank's questions
VERDICTS = {"correct", "wrong", "invalid", "unanswered"}


def examples(kind):
    return settings(max_examples=EXAMPLES[kind], deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _keyed(kinds):
    out = []
    for quiz in all_quizzes():
        if not key_path(quiz, ROOT).exists():
            continue  # a quiz still being written
        answers = read_answers(quiz, ROOT)
        out += [(q, answers.get(q.id)) for q in get_bank(quiz).questions if q.kind in kinds]
    return out


NUMERIC = [(q, key) for q, key in _keyed({"numeric"}) if not q.exact]
EXACT = [(q, key) for q, key in _keyed({"numeric"}) if q.exact]
CHOICE = _keyed({"single choice", "multiple choice"})
ALL = [q for q, _ in _keyed({"numeric", "single choice", "multiple choice", "explain"})]


class Hostile:
    """A value whose every dunder a gradebook might call raises."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __getattr__(self, name):
        raise RuntimeError(f"no {name}")

    def __eq__(self, other):
        raise RuntimeError("no ==")

    __hash__ = None


learner_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 300, max_value=10 ** 5000),
    st.floats(allow_nan=True, allow_infinity=True), st.text(), st.binary(), st.complex_numbers(),
    st.fractions(), st.decimals(allow_nan=True), st.just(Ellipsis),
    st.lists(st.text(max_size=3), max_size=5), st.sets(st.text(max_size=3), max_size=5),
    st.tuples(st.text(max_size=2), st.integers()), st.dictionaries(st.text(max_size=2), st.integers(), max_size=3),
    st.builds(np.float64, st.floats()), st.builds(np.int64, st.integers(-2 ** 63, 2 ** 63 - 1)),
    st.just(np.array([1.0, 2.0])), st.just(np.bool_(True)), st.just(print), st.just(float))
# The gradebook never parses a student's object itself: `encode` describes it in the kernel, `decode` gives
# the description back. So only encode must survive an object built to break it.
anything = st.one_of(learner_values, st.builds(Hostile))


@examples("any")
@given(q=st.sampled_from(ALL), answer=learner_values)
def test_parse_and_evaluate_never_raise_and_return_a_verdict(q, answer):
    value, verdict = q.parse(answer)
    if verdict is not None:
        assert value is None and verdict.status in {"invalid", "unanswered"} and isinstance(verdict.detail, str)
        return
    outcome = q.evaluate(answer)
    assert outcome.status in VERDICTS | {"written"}
    assert isinstance(q.show(value), str)


def _rounded(key: float, digits: int | None, decimals: int | None) -> float:
    return float(f"{key:.{digits}g}") if digits is not None else round(key, decimals)


@examples("numeric")
@given(pair=st.sampled_from(NUMERIC), extra=st.integers(0, 12),
       container=st.sampled_from([float, np.float64, Fraction, np.float32]))
def test_a_number_given_to_the_stated_precision_or_more_is_correct(pair, extra, container):
    q, key = pair
    assert float(unseal(q.id, q.key)) == pytest.approx(float(key))  # the sealed key is the key file's
    given_ = _rounded(float(key), q.digits + extra if q.digits else None, q.decimals + extra if q.decimals is not None else None)
    if container is np.float32:
        assume(abs(float(np.float32(given_)) - given_) <= 1e-7 * abs(given_))  # float32 may not hold it closely
    answer = container(given_) if container is not Fraction else Fraction(given_)
    verdict = q.evaluate(answer)
    assert verdict.status == "correct", (q.id, key, answer, q.precision_text(), q.tolerance_text(), verdict)


@examples("numeric")
@given(pair=st.sampled_from(NUMERIC), factor=st.floats(1.01, 1e6), sign=st.sampled_from([-1, 1]))
def test_a_number_outside_the_tolerance_is_wrong(pair, factor, sign):
    q, key = pair[0], float(pair[1])
    tol = q.tolerance(key)
    answer = key + sign * factor * tol
    assume(math.isfinite(answer) and abs(answer - key) > tol)
    verdict = q.evaluate(answer)
    assert verdict.status == "wrong" and isinstance(verdict.hint, str), (q.id, key, answer, verdict)


@examples("numeric")
@given(pair=st.sampled_from(EXACT), offset=st.integers(-10 ** 6, 10 ** 6), as_float=st.booleans())
def test_a_whole_number_is_correct_only_when_it_is_the_key(pair, offset, as_float):
    q, key = pair
    answer = int(key) + offset
    verdict = q.evaluate(float(answer) if as_float and abs(answer) < 2 ** 53 else answer)
    assert verdict.status == ("correct" if offset == 0 else "wrong"), (q.id, answer, verdict)


@examples("numeric")
@given(q=st.sampled_from([q for q, _ in NUMERIC + EXACT]), answer=st.one_of(
    st.text().filter(lambda t: t.strip() not in ("", "...")),  # those two are the placeholder: "unanswered"
    st.floats(allow_nan=True).filter(lambda x: not math.isfinite(x)),
    st.integers(min_value=2 ** 1024).map(lambda n: n * (-1) ** (n % 2)),
    st.decimals(), st.complex_numbers(), st.booleans()))
def test_strings_nan_infinities_and_numbers_no_float_holds_are_invalid(q, answer):
    value, verdict = q.parse(answer)
    assert value is None and verdict.status == "invalid", (answer, verdict)
    if isinstance(answer, str):
        assert "(remove the quotes)" in verdict.detail


def _spell(letters, style, upper, pad):
    """The same letters, as a learner may type them."""
    cased = [x.upper() if u else x for x, u in zip(letters, upper)]
    if style == "set":
        return set(cased)
    if style == "list":
        return [pad + x + pad for x in cased]
    if style == "tuple":
        return tuple(cased)
    return {"comma": ",", "comma space": ", ", "space": " ", "tab": "\t", "newline": "\n", "none": ""}[style].join(cased) \
        if len(cased) > 1 or style == "none" else pad + cased[0] + pad


STYLES = ["set", "list", "tuple", "comma", "comma space", "space", "tab", "newline", "none"]


@examples("choice")
@given(pair=st.sampled_from(CHOICE), data=st.data())
def test_the_keys_letters_are_correct_however_they_are_typed(pair, data):
    q, key = pair
    letters = sorted(key) if not isinstance(key, str) else sorted(key.replace(",", ""))
    letters = data.draw(st.permutations(letters))
    upper = data.draw(st.lists(st.booleans(), min_size=len(letters), max_size=len(letters)))
    pad = data.draw(st.sampled_from(["", " ", "\t", "\n ", " \u00a0"]))
    style = data.draw(st.sampled_from(STYLES if q.kind == "multiple choice" else ["comma"]))
    answer = _spell(letters, style, upper, pad)
    assert q.evaluate(answer).status == "correct", (q.id, answer)


@examples("choice")
@given(pair=st.sampled_from(CHOICE), data=st.data())
def test_any_other_set_of_options_is_wrong(pair, data):
    q, key = pair
    right = set(key) - {","} if isinstance(key, str) else set(key)
    size = 1 if q.kind == "single choice" else data.draw(st.integers(1, len(q.letters)))
    chosen = set(data.draw(st.lists(st.sampled_from(q.letters), min_size=size, max_size=size, unique=True)))
    assume(chosen != right)
    answer = chosen.pop() if q.kind == "single choice" else chosen
    assert q.evaluate(answer).status == "wrong", (q.id, answer)


@examples("choice")
@given(pair=st.sampled_from(CHOICE), answer=st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=6),
    st.lists(st.text(max_size=3), min_size=1, max_size=4), st.sets(st.text(max_size=3), max_size=4)))
def test_what_is_not_a_set_of_option_letters_is_invalid(pair, answer):
    q = pair[0]
    assume(not (isinstance(answer, str) and answer.strip() in ("", "...")))  # the placeholder: "unanswered"
    tokens = answer if not isinstance(answer, str) else answer.replace(",", " ").split() or [answer]
    if isinstance(answer, str) and q.kind == "multiple choice" and not any(c == "," or c.isspace() for c in answer):
        tokens = list(answer)  # "ac": one letter per character
    elif isinstance(answer, str) and q.kind == "single choice":
        tokens = [answer.strip()]
    ok = [t.strip().lower() for t in tokens]
    assume(not (ok and all(len(t) == 1 and t in q.letters for t in ok)))
    value, verdict = q.parse(answer)
    assert value is None and verdict.status == "invalid", (q.id, answer, value)


@examples("encode")
@given(value=anything)
def test_encode_never_raises_and_its_json_comes_back(value):
    data = encode(value)
    back = decode(json.loads(json.dumps(data)))
    if isinstance(value, (bool, str)) or (isinstance(value, int) and not isinstance(value, bool)):
        assert back == value and type(back) is type(value)
    elif isinstance(value, float) and not isinstance(value, np.floating):
        assert back == value or (math.isnan(back) and math.isnan(value))
    elif isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(x, str) for x in value):
        assert back == value
    elif value is Ellipsis:
        assert back is Ellipsis
    elif isinstance(value, (Hostile, Decimal, complex, bytes, dict)):
        assert isinstance(back, Unreadable)
    assert back is not MISSING


def test_every_numeric_question_accepts_its_key_rounded_to_the_stated_precision():
    """Not a sample: each question of the bank, at exactly the precision its prompt asks for."""
    assert len(NUMERIC) >= 10 and len(EXACT) >= 5 and len(CHOICE) >= 20  # the bank is there
    for q, key in NUMERIC:
        answer = _rounded(float(key), q.digits, q.decimals)
        assert q.evaluate(answer).status == "correct", (q.id, key, answer, q.precision_text(), q.tolerance_text())
