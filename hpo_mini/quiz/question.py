"""What every question has: the Verdict a check returns, the Question base class (its answer name,
parse then grade, fingerprint, how it reads in a notebook), and the placeholder test. The five kinds
are in kinds.py.
"""

from __future__ import annotations

import dis
import hashlib
import re
from dataclasses import dataclass

__all__ = ["Verdict", "Question", "FollowUp", "DIFFICULTIES", "POINTS", "FOLLOW_UP_MARKS", "is_placeholder", "describe",
           "code_signature"]

DIFFICULTIES = {"E": "easy", "M": "medium", "H": "hard"}
POINTS = {"E": 1, "M": 2, "H": 3}  # a question's points follow its difficulty unless the bank says otherwise


@dataclass
class Verdict:
    status: str  # correct | wrong | unanswered | invalid | recorded (no key) | written (explain)
    detail: str = ""  # wrong code: which input failed; invalid: what was expected
    hint: str = ""  # a rule-based hint for this very answer ("close — check your rounding")


# How a follow-up answer is self-marked against its model answer, and the credit each mark earns.
FOLLOW_UP_MARKS = {"correct": 1.0, "partly": 0.5, "missed": 0.0}


@dataclass(frozen=True)
class FollowUp:
    """The interviewer's next question where an explain answer was thin: it digs into rubric item
    `rubric_item` (1-based) and is marked against its `model_answer` (correct / partly / missed).
    In a bank file it is a [[questions.follow_ups]] table under its explain question."""

    rubric_item: int
    prompt: str
    model_answer: str

    FIELDS = ("rubric_item", "prompt", "model_answer")

    @classmethod
    def from_data(cls, entry, question_id: str, n_items: int) -> "FollowUp":
        """A FollowUp from a dict (a bank table) or a FollowUp, checked against a rubric of n_items items."""
        if isinstance(entry, FollowUp):
            entry = {name: getattr(entry, name) for name in cls.FIELDS}
        if not isinstance(entry, dict):
            raise TypeError(f"{question_id}: a follow-up is a table with {list(cls.FIELDS)}, but got {entry!r}")
        unknown, missing = sorted(set(entry) - set(cls.FIELDS)), sorted(set(cls.FIELDS) - set(entry))
        if unknown or missing:
            raise ValueError(f"{question_id}: a follow-up has exactly the fields {list(cls.FIELDS)}"
                             + (f"; unknown: {unknown}" if unknown else "") + (f"; missing: {missing}" if missing else ""))
        item = entry["rubric_item"]
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= n_items:
            raise ValueError(f"{question_id}: a follow-up's rubric_item is a 1-based index into its rubric of "
                             f"{n_items} items (1 to {n_items}), but got {item!r}")
        for name in ("prompt", "model_answer"):
            if not isinstance(entry[name], str) or not entry[name].strip():
                raise ValueError(f"{question_id}: the follow-up on rubric item {item} needs a non-empty {name}, "
                                 f"but got {entry[name]!r}")
        return cls(item, entry["prompt"], entry["model_answer"])

    def to_data(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


_IGNORED_OPS = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG"}


def _returns_none_only(code) -> bool:
    """Is the function body `...`, `pass` or a docstring: nothing but `return None`?"""
    ops = [i for i in dis.get_instructions(code) if i.opname not in _IGNORED_OPS]
    if len(ops) == 1:  # Python 3.12+: RETURN_CONST None
        return ops[0].opname == "RETURN_CONST" and ops[0].argval is None
    return len(ops) == 2 and ops[0].opname == "LOAD_CONST" and ops[0].argval is None and ops[1].opname == "RETURN_VALUE"


def is_placeholder(answer) -> bool:
    """`...`, an empty string, or a function whose body is only `...` (or a docstring, or `pass`)."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, str) and answer.strip() in ("", "..."):
        return True
    code = getattr(answer, "__code__", None)
    return code is not None and _returns_none_only(code)


def describe(answer) -> str:
    """A short, deterministic description of what the learner gave."""
    if callable(answer):
        return f"a function ({getattr(answer, '__name__', type(answer).__name__)})"
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(answer))  # no memory addresses
    name = getattr(answer, "type_name", type(answer).__name__)  # answers.Unreadable names the original type
    return f"a {name} ({text[:37] + '...' if len(text) > 40 else text})"


def code_signature(code) -> tuple:
    """What a code object does, without the addresses and file names its repr carries."""
    consts = tuple(code_signature(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts)
    return code.co_code, consts, code.co_names, code.co_varnames


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Question:
    """What every question has. `lesson` is the two-digit lesson number, `section` the title of the
    section that teaches it; `hint` points there and never at the answer. `key` is the sealed key
    (sealing.py), None where the install has no keys."""

    id: str
    prompt: str
    points: int
    difficulty: str
    topics: tuple
    lesson: str
    section: str
    hint: str = ""
    explanation: str = ""
    max_attempts: int = 3
    key: str | None = None

    kind = "question"

    def __post_init__(self):
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"{self.id}: difficulty must be one of {sorted(DIFFICULTIES)}, but got {self.difficulty!r}")
        if not self.topics:
            raise ValueError(f"{self.id}: tag the question with at least one topic")
        self.topics = tuple(self.topics)

    # -- answering ------------------------------------------------------------------------------------
    @property
    def answer_name(self) -> str:
        """The name the answer cell binds: answer_<the id after the dot>."""
        return "answer_" + self.id.split(".", 1)[-1]

    @property
    def keyed(self) -> bool:
        return self.key is not None

    def parse(self, answer):
        """(canonical value, None), or (None, a verdict "unanswered" or "invalid")."""
        if is_placeholder(answer):
            return None, Verdict("unanswered")
        return self._parse(answer)

    def grade(self, value) -> Verdict:
        return self._grade(value) if self.keyed else Verdict("recorded")

    def evaluate(self, answer) -> Verdict:
        value, verdict = self.parse(answer)
        return verdict if verdict is not None else self.grade(value)

    def fingerprint(self, value) -> str:
        """Equal for answers that grade the same way: a re-run of the same answer is not a new attempt."""
        return _digest(self.canonical(value))

    def canonical(self, value) -> str:
        return str(value)

    def show(self, value) -> str:
        """The answer as the learner will recognize it, in one line."""
        return str(value)

    def _parse(self, answer):
        raise NotImplementedError

    def _grade(self, value) -> Verdict:
        raise NotImplementedError

    # -- how the question reads in a notebook (markdown) and in a terminal or mock interview (text) --------
    def kind_text(self) -> str:
        return self.kind

    def header(self) -> str:
        return f"{self.kind_text()} · {self.points} point{'s' if self.points != 1 else ''} · [{self.difficulty}]"

    def body_markdown(self) -> str:
        return self.prompt

    def answer_template(self) -> str:
        return f"{self.answer_name} = ..."

    def check_call(self, quiz_var="quiz") -> str:
        return f'{quiz_var}.check("{self.id}")'


