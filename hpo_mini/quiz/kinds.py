"""The five kinds of question, each turning a learner's answer into a `Verdict`.

    SingleChoice    answer = "b"                 one letter
    MultipleChoice  answer = {"a", "c"}          a set (or list, or "a,c") of letters
    Numeric         answer = 0.95                a number, checked with a tolerance (or exactly)
    CodeExercise    def f(...): ...              a function, checked against a reference on many inputs
    Explain         answer = "free text"         self-assessed against a model answer and a rubric

A verdict's status is one of "correct", "wrong", "unanswered" (the `...` placeholder), "invalid" (a
wrong type: not counted as an attempt) or "done" (an explain answer was written). The messages are
deterministic: the same answer always gives the same text.
"""

from __future__ import annotations

import dis
import math
import re
from dataclasses import dataclass
from numbers import Integral, Real
from string import ascii_lowercase

from .sandbox import DEFAULT_TIME_LIMIT, run_with_time_limit
from .sealing import canonical_letters, hash_answer, unseal

__all__ = [
    "Verdict",
    "Question",
    "SingleChoice",
    "MultipleChoice",
    "Numeric",
    "CodeExercise",
    "Explain",
    "DIFFICULTIES",
    "is_placeholder",
]

DIFFICULTIES = {"E": "easy", "M": "medium", "H": "hard"}


@dataclass
class Verdict:
    status: str  # correct | wrong | unanswered | invalid | done
    detail: str = ""  # for wrong code: which input failed; for invalid: what was expected


_IGNORED_OPS = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG"}


def _returns_none_only(code) -> bool:
    """Is the function body `...`, `pass` or a docstring: nothing but `return None`?"""
    ops = [i for i in dis.get_instructions(code) if i.opname not in _IGNORED_OPS]
    if len(ops) == 1:  # Python 3.12+: RETURN_CONST None
        return ops[0].opname == "RETURN_CONST" and ops[0].argval is None
    return (
        len(ops) == 2
        and ops[0].opname == "LOAD_CONST"
        and ops[0].argval is None
        and ops[1].opname == "RETURN_VALUE"
    )


def is_placeholder(answer) -> bool:
    """`...`, an empty string, or a function whose body is only `...` (or a docstring, or `pass`)."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, str) and answer.strip() in ("", "..."):
        return True
    code = getattr(answer, "__code__", None)
    return code is not None and _returns_none_only(code)


def _describe(answer) -> str:
    if callable(answer):
        return f"a function ({getattr(answer, '__name__', type(answer).__name__)})"
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(answer))  # no memory addresses: feedback stays deterministic
    if len(text) > 40:
        text = text[:37] + "..."
    return f"a {type(answer).__name__} ({text})"


@dataclass
class Question:
    """What every question has. `lesson` is the two-digit lesson number, `section` the title of the
    section that teaches it; `hint` points there and never at the answer."""

    id: str
    prompt: str
    points: int
    difficulty: str
    topics: tuple
    lesson: str
    section: str
    hint: str
    explanation: str
    max_attempts: int = 3

    kind = "question"
    answer_name = "answer"

    def __post_init__(self):
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"{self.id}: difficulty must be one of {sorted(DIFFICULTIES)}, but got {self.difficulty!r}")
        if not self.topics:
            raise ValueError(f"{self.id}: tag the question with at least one topic")
        self.topics = tuple(self.topics)

    def evaluate(self, answer) -> Verdict:
        if is_placeholder(answer):
            return Verdict("unanswered")
        return self._evaluate(answer)

    def _evaluate(self, answer) -> Verdict:
        raise NotImplementedError

    # How the question reads in a notebook (markdown) and in a terminal or mock interview (text).
    def header(self) -> str:
        return f"{self.kind}, {self.points} point{'s' if self.points != 1 else ''}, [{self.difficulty}]"

    def body_markdown(self) -> str:
        return self.prompt

    def answer_template(self) -> str:
        return "answer = ..."

    def check_call(self, quiz_var="quiz") -> str:
        return f'{quiz_var}.check("{self.id}", {self.answer_name})'


@dataclass
class _Choice(Question):
    options: tuple = ()
    key: str = ""  # 'sha256:...' of the canonical letters

    def __post_init__(self):
        super().__post_init__()
        if not 2 <= len(self.options) <= 8:
            raise ValueError(f"{self.id}: a choice question needs 2 to 8 options")
        if not self.key.startswith("sha256:"):
            raise ValueError(f"{self.id}: the key must be a salted hash, made with `python -m hpo_mini.quiz.sealing hash`")
        self.options = tuple(self.options)

    @property
    def letters(self):
        return ascii_lowercase[: len(self.options)]

    def body_markdown(self) -> str:
        lines = [self.prompt, ""]
        lines += [f"- **{letter}**. {text}" for letter, text in zip(self.letters, self.options)]
        return "\n".join(lines)

    def _letter_error(self, bad) -> Verdict:
        return Verdict("invalid", f"{bad!r} is not an option: choose from {', '.join(self.letters)}")


@dataclass
class SingleChoice(_Choice):
    kind = "single choice"

    def _evaluate(self, answer):
        if not isinstance(answer, str):
            return Verdict(
                "invalid",
                f'this question takes one letter, e.g. answer = "{self.letters[0]}", but you gave {_describe(answer)}',
            )
        letter = answer.strip().lower()
        if len(letter) != 1:
            return Verdict("invalid", f'this question takes one letter, e.g. answer = "{self.letters[0]}", but you gave {answer!r}')
        if letter not in self.letters:
            return self._letter_error(letter)
        return Verdict("correct" if hash_answer(self.id, letter) == self.key else "wrong")

    def answer_template(self):
        return 'answer = ...  # one letter, e.g. "a"'


@dataclass
class MultipleChoice(_Choice):
    kind = "multiple choice"

    def _evaluate(self, answer):
        if isinstance(answer, str):
            letters = canonical_letters(answer).split(",") if answer.strip() else []
        elif isinstance(answer, (set, frozenset, list, tuple)) and all(isinstance(x, str) for x in answer):
            letters = [x.strip().lower() for x in answer]
        else:
            return Verdict(
                "invalid",
                f'this question takes a set of letters, e.g. answer = {{"a", "c"}}, but you gave {_describe(answer)}',
            )
        if not letters:
            return Verdict("invalid", 'choose at least one letter, e.g. answer = {"a", "c"}')
        for letter in letters:
            if letter not in self.letters:
                return self._letter_error(letter)
        return Verdict("correct" if hash_answer(self.id, canonical_letters(letters)) == self.key else "wrong")

    def answer_template(self):
        return 'answer = ...  # a set of letters, e.g. {"a", "c"}'


@dataclass
class Numeric(Question):
    """A number. key 'sha256:...' -> an exact integer; key 'obf:...' -> a float within
    max(abs_tol, rel_tol * |reference|)."""

    key: str = ""
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    example: str = "0.5"

    kind = "numeric"

    def __post_init__(self):
        super().__post_init__()
        if self.key.startswith("obf:"):
            if self.rel_tol <= 0 and self.abs_tol <= 0:
                raise ValueError(f"{self.id}: a sealed numeric answer needs rel_tol or abs_tol > 0")
        elif not self.key.startswith("sha256:"):
            raise ValueError(f"{self.id}: the key must be 'sha256:...' (exact integer) or 'obf:...' (with a tolerance)")

    @property
    def exact(self) -> bool:
        return self.key.startswith("sha256:")

    def _evaluate(self, answer):
        if hasattr(answer, "item") and getattr(answer, "shape", None) == ():
            answer = answer.item()  # numpy scalars
        if isinstance(answer, bool) or not isinstance(answer, Real):
            extra = " (remove the quotes)" if isinstance(answer, str) else ""
            return Verdict("invalid", f"this question takes a number, e.g. answer = {self.example}, but you gave {_describe(answer)}{extra}")
        if not math.isfinite(answer):
            return Verdict("invalid", f"this question takes a finite number, but you gave {answer!r}")
        if self.exact:
            if isinstance(answer, Integral) or float(answer).is_integer():
                ok = hash_answer(self.id, str(int(answer))) == self.key
            else:
                return Verdict("invalid", f"this question takes a whole number, but you gave {answer!r}")
        else:
            reference = unseal(self.id, self.key)
            ok = abs(float(answer) - reference) <= max(self.abs_tol, self.rel_tol * abs(reference))
        return Verdict("correct" if ok else "wrong")

    def header(self):
        if self.exact:
            return super().header().replace("numeric", "numeric, a whole number")
        if self.rel_tol:
            return super().header().replace("numeric", f"numeric, within {self.rel_tol:.0%}")
        return super().header().replace("numeric", f"numeric, within ±{self.abs_tol:g}")

    def answer_template(self):
        return f"answer = ...  # a number, e.g. {self.example}"


@dataclass
class CodeExercise(Question):
    """Write a function. `checker(fn, report) -> (ok, message, n_passed)` compares it with the
    reference on many inputs (see checks.py); it runs in a child process with `time_limit` seconds."""

    function_name: str = ""
    stub: str = ""  # the `def ...: ...` the notebook shows
    checker: object = None
    time_limit: float = DEFAULT_TIME_LIMIT

    kind = "code"

    def __post_init__(self):
        super().__post_init__()
        if not self.function_name or f"def {self.function_name}(" not in self.stub or self.checker is None:
            raise ValueError(f"{self.id}: a code exercise needs function_name, a stub that defines it, and a checker")

    @property
    def answer_name(self):
        return self.function_name

    def _evaluate(self, answer):
        if not callable(answer):
            return Verdict(
                "invalid",
                f"this question takes your function: define `def {self.function_name}(...)` and pass "
                f"{self.function_name} (no quotes, no parentheses), but you gave {_describe(answer)}",
            )
        outcome = run_with_time_limit(self.checker, answer, self.time_limit)
        if outcome.ok:
            return Verdict("correct", f"passed {outcome.passed} checks")
        return Verdict("wrong", outcome.message)

    def answer_template(self):
        return self.stub


@dataclass
class Explain(Question):
    """Free text, self-assessed: counted as done when it has at least `min_words` words."""

    model_answer: str = ""
    rubric: tuple = ()
    min_words: int = 5
    max_attempts: int = 1

    kind = "explain"

    def __post_init__(self):
        super().__post_init__()
        if not 3 <= len(self.rubric) <= 5 or not self.model_answer:
            raise ValueError(f"{self.id}: an explain question needs a model answer and a rubric of 3-5 points")
        self.rubric = tuple(self.rubric)

    def _evaluate(self, answer):
        if not isinstance(answer, str):
            return Verdict("invalid", f'this question takes your answer as text, e.g. answer = """...""", but you gave {_describe(answer)}')
        if len(answer.split()) < self.min_words:
            return Verdict("invalid", f"write at least {self.min_words} words: an interviewer wants a sentence or two")
        return Verdict("done")

    def header(self):
        return super().header().replace("explain", "explain, self-assessed")

    def answer_template(self):
        return 'answer = """\n...\n"""'


POINTS = {"E": 1, "M": 2, "H": 3}  # easy, medium, hard


def question_maker(lesson: str, sections: dict):
    """The bank modules' shorthand: _q(Kind, id, difficulty, section key, **fields) makes a question of
    `lesson` worth POINTS[difficulty], in the section titled sections[section key]."""
    def make(cls, id, difficulty, section, **kw):
        return cls(id=id, points=POINTS[difficulty], difficulty=difficulty, lesson=lesson, section=sections[section], **kw)

    return make
