"""The five kinds of question: how an answer is read, graded and shown.

    SingleChoice    answer_x = "b"                one letter
    MultipleChoice  answer_x = {"a", "c"}         a set (or list, or "a,c") of letters
    Numeric         answer_x = 0.95               a number: exact (a whole number) or within a tolerance
    CodeExercise    def f(...): ...               a function, checked against a reference on many inputs
    Explain         answer_x = "free text"        marked against a rubric (by the learner or the instructor)

Each question binds an answer name of its own (`answer_<id tail>`, or the exercise's function name),
so one question's check never reads another's answer. Grading is two steps: `parse(answer)` turns
what the learner wrote into a canonical value or a verdict "unanswered" (the `...` placeholder) or
"invalid" (a wrong type: never counted as an attempt); `grade(value)` compares it with the key.
A question without a key (the exam handout has none) grades every answer "recorded". An explain
answer is "written" and earns points only when its rubric is marked (`points_for(marks)`).
The messages are deterministic: the same answer always gives the same text.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from numbers import Integral, Real
from string import ascii_lowercase

from . import hints
from .checks import library_use_message
from .question import FollowUp, Question, Verdict, code_signature, describe
from .sandbox import DEFAULT_TIME_LIMIT, run_source_with_time_limit, run_with_time_limit
from .sealing import canonical_letters, hash_answer, unseal

__all__ = ["SingleChoice", "MultipleChoice", "Numeric", "CodeExercise", "Explain", "KINDS"]


def _describe(answer) -> str:
    """question.describe, for any value: an int of more than 4300 digits has no repr, nor has an object
    whose __repr__ raises."""
    try:
        return describe(answer)
    except Exception:
        return f"a {type(answer).__name__}"


def _digits(number) -> int:
    """About how many decimal digits an int (or a fraction's numerator) has, without printing it."""
    n = abs(getattr(number, "numerator", 0))
    return int(n.bit_length() * math.log10(2)) + 1 if isinstance(n, int) else 0


@dataclass
class _Choice(Question):
    options: tuple = ()

    def __post_init__(self):
        super().__post_init__()
        if not 2 <= len(self.options) <= 8:
            raise ValueError(f"{self.id}: a choice question needs 2 to 8 options, but has {len(self.options)}")
        if self.key is not None and not self.key.startswith("sha256:"):
            raise ValueError(f"{self.id}: a choice key must be a salted hash 'sha256:...', but got {self.key[:12]!r}")
        self.options = tuple(self.options)

    @property
    def letters(self):
        return ascii_lowercase[: len(self.options)]

    def body_markdown(self) -> str:
        return "\n".join([self.prompt, ""] + [f"- **{letter}**. {text}" for letter, text in zip(self.letters, self.options)])

    def _letter_error(self, bad):
        return None, Verdict("invalid", f"{bad!r} is not an option: choose from {', '.join(self.letters)}")

    def _is_letter(self, text) -> bool:
        return len(text) == 1 and text in self.letters  # not `in` alone: "" and "ab" are substrings of "abcd"

    def _matches(self, letters) -> bool:
        return hash_answer(self.id, canonical_letters(letters)) == self.key


@dataclass
class SingleChoice(_Choice):
    kind = "single choice"

    def _parse(self, answer):
        example = f'{self.answer_name} = "{self.letters[0]}"'
        if not isinstance(answer, str):
            return None, Verdict("invalid", f"this question takes one letter, e.g. {example}, but you gave {_describe(answer)}")
        letter = answer.strip().lower()
        if len(letter) != 1:
            return None, Verdict("invalid", f"this question takes one letter, e.g. {example}, but you gave {answer!r}")
        if letter not in self.letters:
            return self._letter_error(letter)
        return letter, None

    def _grade(self, value):
        return Verdict("correct" if self._matches(value) else "wrong")

    def answer_template(self):
        return f'{self.answer_name} = ...  # one letter, e.g. "a"'


@dataclass
class MultipleChoice(_Choice):
    kind = "multiple choice"

    def _parse(self, answer):
        if isinstance(answer, str):  # "a,c", "a c", "a\tc", "ac": separated by commas or any white space, or not at all
            separated = any(c == "," or c.isspace() for c in answer)
            letters = [x.lower() for x in (answer.replace(",", " ").split() if separated else answer)]
        elif isinstance(answer, (set, frozenset, list, tuple)) and all(isinstance(x, str) for x in answer):
            letters = [x.strip().lower() for x in answer]
        else:
            return None, Verdict("invalid", f'this question takes a set of letters, e.g. {self.answer_name} = {{"a", "c"}}, '
                                            f"but you gave {_describe(answer)}")
        if not letters:
            return None, Verdict("invalid", f'choose at least one letter, e.g. {self.answer_name} = {{"a", "c"}}')
        for letter in letters:
            if not self._is_letter(letter):
                return self._letter_error(letter)
        return canonical_letters(letters), None

    def _grade(self, value):
        chosen = set(value.split(","))
        if self._matches(chosen):
            return Verdict("correct")
        return Verdict("wrong", hint=hints.letters_hint(chosen, self.letters, self._matches))

    def show(self, value):
        return "{" + ", ".join(f'"{x}"' for x in value.split(",")) + "}"

    def answer_template(self):
        return f'{self.answer_name} = ...  # a set of letters, e.g. {{"a", "c"}}'


@dataclass
class Numeric(Question):
    """A number: `exact` -> a whole number (key: a salted hash); otherwise accepted within
    max(abs_tol, rel_tol * |key|) (key: sealed), and the question states the precision it asks for:
    `digits` significant digits or `decimals` decimal places. With `params`, the prompt and the
    explanation are format strings filled with them (fresh.py); `generator` draws fresh ones."""

    exact: bool = False
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    digits: int | None = None
    decimals: int | None = None
    example: str = "0.5"
    params: dict | None = None
    generator: object = None
    fresh: bool = False  # True for an instance drawn by fresh.fresh_instance

    kind = "numeric"

    def __post_init__(self):
        super().__post_init__()
        self.template, self.explanation_template = self.prompt, self.explanation
        if self.params is not None:
            from .fresh import render

            bad = {k: v for k, v in self.params.items() if isinstance(v, bool) or not isinstance(v, (int, float, str))}
            if not self.params or bad:
                raise ValueError(f"{self.id}: params is a table of numbers (or short texts) the prompt is filled "
                                 f"with, but got {self.params!r}")
            self.params = dict(self.params)
            self.prompt = render(self.template, self.params, self.id)
            self.explanation = render(self.explanation_template, self.params, self.id)
        if self.exact:
            if self.rel_tol or self.abs_tol or self.digits or self.decimals:
                raise ValueError(f"{self.id}: an exact (whole-number) question takes no tolerance or precision")
        else:
            if self.rel_tol <= 0 and self.abs_tol <= 0:
                raise ValueError(f"{self.id}: a numeric answer needs rel_tol or abs_tol > 0 (or exact = true)")
            if (self.digits is None) == (self.decimals is None):
                raise ValueError(f"{self.id}: state the precision asked for: digits (significant) or decimals, one of them")
        if self.key is not None and not self.key.startswith("sha256:" if self.exact else "obf:"):
            raise ValueError(f"{self.id}: the key must be 'sha256:...' for an exact question, 'obf:...' otherwise")

    def tolerance(self, key: float) -> float:
        return max(self.abs_tol, self.rel_tol * abs(key))

    def precision_text(self) -> str:
        if self.exact:
            return "a whole number"
        if self.digits is not None:
            return f"{self.digits} significant digit{'s' if self.digits != 1 else ''}"
        return f"{self.decimals} decimal place{'s' if self.decimals != 1 else ''}"

    def tolerance_text(self) -> str:
        rel = f"{self.rel_tol * 100:g}%"
        if self.rel_tol and self.abs_tol:
            return f"±max({self.abs_tol:g}, {rel})"
        return f"±{rel}" if self.rel_tol else f"±{self.abs_tol:g}"

    def kind_text(self):
        if self.exact:
            return "numeric: a whole number"
        return f"numeric: give {self.precision_text()} (accepted within {self.tolerance_text()} of the exact value)"

    def _parse(self, answer):
        if hasattr(answer, "item") and getattr(answer, "shape", None) == ():
            answer = answer.item()  # numpy scalars
        if isinstance(answer, bool) or not isinstance(answer, Real):
            extra = " (remove the quotes)" if isinstance(answer, str) else ""
            return None, Verdict("invalid", f"this question takes a number, e.g. {self.answer_name} = {self.example}, "
                                            f"but you gave {_describe(answer)}{extra}")
        try:
            finite = math.isfinite(answer)
        except OverflowError:  # an int (or a fraction) too large for a float: 10**400
            return None, Verdict("invalid", f"this question takes a number a float can hold (below 1.8e308 in size), "
                                            f"but you gave a {type(answer).__name__} of {_digits(answer)} digits")
        if not finite:
            return None, Verdict("invalid", f"this question takes a finite number, but you gave {answer!r}")
        if self.exact:
            if not (isinstance(answer, Integral) or float(answer).is_integer()):
                return None, Verdict("invalid", f"this question takes a whole number, but you gave {answer!r}")
            return int(answer), None
        return float(answer), None

    def _grade(self, value):
        if self.exact:
            matches = lambda n: hash_answer(self.id, str(int(n))) == self.key  # noqa: E731
            if matches(value):
                return Verdict("correct")
            return Verdict("wrong", hint=hints.integer_hint(value, matches))
        key = float(unseal(self.id, self.key))
        tol = self.tolerance(key)
        if abs(value - key) <= tol:
            return Verdict("correct")
        return Verdict("wrong", hint=hints.numeric_hint(value, key, tol, self.precision_text()))

    def canonical(self, value):
        return repr(value)

    def show(self, value):
        return f"{value:g}" if isinstance(value, float) else str(value)

    def answer_template(self):
        return f"{self.answer_name} = ...  # {self.precision_text()}, e.g. {self.example}"


@dataclass
class CodeExercise(Question):
    """Write a function. `checker(fn, report) -> (ok, message, n_passed)` compares it with the
    reference on many inputs (see checks.py); it runs in a child process with `time_limit` seconds.
    A function that calls one of the course library's functions (where the references live) is not
    accepted: the exercise is to write it."""

    function_name: str = ""
    stub: str = ""  # the `def ...: ...` the notebook shows
    time_limit: float = DEFAULT_TIME_LIMIT
    checker: object = None

    kind = "code"

    def __post_init__(self):
        super().__post_init__()
        if not self.function_name or f"def {self.function_name}(" not in self.stub:
            raise ValueError(f"{self.id}: a code exercise needs function_name and a stub that defines it")

    @property
    def answer_name(self):
        return self.function_name

    @property
    def keyed(self):
        return self.checker is not None

    def _parse(self, answer):
        if not callable(answer):
            return None, Verdict("invalid", f"this question takes your function: define `def {self.function_name}(...)` "
                                            f"and run its cell, but `{self.function_name}` is {_describe(answer)}")
        return answer, None

    def _grade(self, fn):
        refused = library_use_message(fn)
        if refused:
            return Verdict("wrong", refused)
        outcome = run_with_time_limit(self.checker, fn, self.time_limit)
        return Verdict("correct", f"passed {outcome.passed} checks") if outcome.ok else Verdict("wrong", outcome.message)

    def evaluate_source(self, sources, cwd=None) -> Verdict:
        """Grade code given as text (the gradebook, outside the learner's kernel): the sources run in
        a child process, in the folder `cwd`, then the function they define is checked there, all
        within the time limit."""
        if self.checker is None:
            return Verdict("recorded")
        outcome = run_source_with_time_limit(self.checker, sources, self.function_name, self.time_limit,
                                             parse=lambda fn: self.parse(fn)[1], screen=library_use_message, cwd=cwd)
        if outcome.status in ("unanswered", "invalid"):
            return Verdict(outcome.status, outcome.message)
        return Verdict("correct", f"passed {outcome.passed} checks") if outcome.ok else Verdict("wrong", outcome.message)

    def canonical(self, fn):
        try:
            return inspect.getsource(fn)  # a notebook cell's text is kept by IPython
        except (OSError, TypeError):
            return repr(code_signature(fn.__code__)) + repr(getattr(fn, "__defaults__", None))

    def show(self, fn):
        return f"your function {getattr(fn, '__name__', self.function_name)}"

    def answer_template(self):
        return self.stub


@dataclass
class Explain(Question):
    """Free text, marked against a rubric: 1 mark per item covered; the points follow the marks
    (points * covered / items). `model_answer` is shown once the answer is written. `follow_ups`
    (question.FollowUp) are the interviewer's next questions on rubric items the answer missed."""

    model_answer: str = ""
    rubric: tuple = ()
    min_words: int = 5
    max_attempts: int = 1
    follow_ups: tuple = ()

    kind = "explain"

    def __post_init__(self):
        super().__post_init__()
        if self.rubric and not 3 <= len(self.rubric) <= 5:
            raise ValueError(f"{self.id}: a rubric has 3 to 5 items, but got {len(self.rubric)}")
        self.rubric = tuple(self.rubric)
        self.follow_ups = tuple(FollowUp.from_data(f, self.id, len(self.rubric)) for f in self.follow_ups)

    def follow_up_for(self, marks):
        """The follow-up on the first rubric item the marks leave unticked that has one, or None."""
        marks = self.check_marks(marks)
        by_item = {}
        for f in self.follow_ups:
            by_item.setdefault(f.rubric_item, f)
        return next((by_item[i] for i, m in enumerate(marks, 1) if not m and i in by_item), None)

    @property
    def keyed(self):
        return True  # marked by a person, never by a key

    def _parse(self, answer):
        if not isinstance(answer, str):
            return None, Verdict("invalid", f'this question takes your answer as text, e.g. {self.answer_name} = """...""", '
                                            f"but you gave {_describe(answer)}")
        if len(answer.split()) < self.min_words:
            return None, Verdict("invalid", f"write at least {self.min_words} words: an interviewer wants a sentence or two")
        return answer.strip(), None

    def _grade(self, text):
        return Verdict("written")

    def canonical(self, text):
        return " ".join(text.split())

    def show(self, text):
        words = text.split()
        return f"{len(words)} words: " + " ".join(words[:12]) + (" ..." if len(words) > 12 else "")

    def check_marks(self, marks) -> tuple:
        """Validate marks (one 0/1 per rubric item) and return them as a tuple of ints."""
        n = len(self.rubric)
        if isinstance(marks, (str, bytes)) or not hasattr(marks, "__len__"):
            raise TypeError(f"marks must be a list of {n} zeros and ones, one per rubric item, but got {marks!r}")
        if len(marks) != n:
            raise ValueError(f"the rubric of {self.id} has {n} items, so give {n} marks, but got {len(marks)}: {list(marks)!r}")
        bad = [m for m in marks if not (isinstance(m, (bool, int)) and int(m) in (0, 1))]
        if bad:
            raise ValueError(f"each mark must be 0 or 1 (or False/True), but got {bad[0]!r}")
        return tuple(int(m) for m in marks)

    def points_for(self, marks) -> float:
        """points * (items covered) / (items), to two decimals."""
        marks = self.check_marks(marks)
        return round(self.points * sum(marks) / len(marks), 2)

    def kind_text(self):
        return "explain: marked against a rubric"

    def answer_template(self):
        return f'{self.answer_name} = """\n...\n"""'


KINDS = {cls.kind: cls for cls in (SingleChoice, MultipleChoice, Numeric, CodeExercise, Explain)}
