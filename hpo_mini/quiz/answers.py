"""Answer cells: one name per question, what a failed cell means, and answers as data.

Each question's answer cell binds a name of its own (`answer_grid_size = ...`, or the function an
exercise asks for), and its check cell (`quiz.check("q03.grid_size")`) reads that name from the
kernel. So a skipped answer cell leaves its name unbound: "not answered", never another question's
answer. A failed one is caught by an IPython `post_run_cell` hook that `load_quiz` installs: when an
answer cell raises (a SyntaxError, a NameError, ...), its name is removed and the check says why, so a
stale value from an earlier run is not graded either.

For the gradebook, `extraction_source(names)` is the cell it appends to a submission: it prints every
answer as JSON (`encode`), under the mime type ANSWERS_MIME, and the gradebook grades them itself,
outside the student's kernel (`decode` gives the values back).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

__all__ = ["ANSWERS_MIME", "MISSING", "cell_id", "answer_cell_id", "check_cell_id", "watch", "read_answer",
           "encode", "decode", "Unreadable", "extraction_source"]

ANSWERS_MIME = "application/vnd.hpo-mini.answers+json"


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()  # the answer name is not bound in the kernel


def cell_id(text: str) -> str:
    """A notebook cell id from a label: letters, digits, - and _ only (nbformat's rule), at most 64."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:64]


def answer_cell_id(question_id: str) -> str:
    return cell_id(f"{question_id}-answer")


def check_cell_id(question_id: str) -> str:
    return cell_id(f"{question_id}-check")


# -- in the learner's kernel ----------------------------------------------------------------------------

_watcher = None  # the callback registered with IPython, so a second load_quiz replaces it


def _binds(source: str, name: str) -> bool:
    return re.search(rf"^\s*(def\s+{re.escape(name)}\b|{re.escape(name)}\s*(:[^=]*)?=(?!=))", source, re.M) is not None


def questions_of_cell(questions, source: str, cid=None) -> list:
    """The questions whose answer cell this is: by the cell's id, else by the names it binds."""
    by_id = [q for q in questions if cid and answer_cell_id(q.id) == cid]
    return by_id or [q for q in questions if _binds(source or "", q.answer_name)]


def _after_cell(session, shell, result) -> None:
    info = getattr(result, "info", None)
    source = getattr(info, "raw_cell", "") or ""
    cid = getattr(info, "cell_id", None)
    for q in questions_of_cell(session.questions.values(), source, cid):
        if result.success:
            session.failed.pop(q.id, None)
        else:
            error = result.error_before_exec or result.error_in_exec
            session.failed[q.id] = f"{type(error).__name__}: {error}"[:160]
            shell.user_ns.pop(q.answer_name, None)  # a failed answer cell answers nothing


def watch(session) -> bool:
    """Install the post_run_cell hook for `session` in the running IPython kernel (False outside one)."""
    global _watcher
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        return False
    shell = get_ipython()
    if shell is None:
        return False
    if _watcher is not None:
        try:
            shell.events.unregister("post_run_cell", _watcher)
        except ValueError:
            pass

    def callback(result):
        _after_cell(session, shell, result)

    shell.events.register("post_run_cell", callback)
    _watcher = callback
    return True


def read_answer(question):
    """The value bound to the question's answer name in the running kernel, or MISSING.
    Raises RuntimeError outside IPython, where the answer must be passed to check()."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:  # pragma: no cover
        shell = None
    if shell is None:
        raise RuntimeError(f"outside a notebook, pass the answer: quiz.check({question.id!r}, answer)")
    return shell.user_ns.get(question.answer_name, MISSING)


# -- answers as data, for the gradebook -----------------------------------------------------------------


@dataclass(frozen=True)
class Unreadable:
    """A value the gradebook cannot rebuild (an array, an object): graded as the wrong type."""

    type_name: str
    text: str

    def __repr__(self):
        return self.text


def encode(value) -> dict:
    """A JSON-able description of an answer value. Never raises: the gradebook's extraction cell calls it
    on whatever a student bound, and one failure there would lose every answer of the notebook."""
    try:
        return _encode(value)
    except Exception:  # a __repr__ or __getattr__ that raises, a number without a decimal form...
        try:
            name = type(value).__name__
        except Exception:
            name = "object"
        return {"type": "other", "name": str(name), "repr": f"(a {name} that cannot be shown)"}


# str(int) refuses more than 4300 digits (sys.get_int_max_str_digits); hex has no such limit.
_DECIMAL_DIGITS = 4000


def _encode(value) -> dict:
    if value is MISSING:
        return {"type": "missing"}
    if value is Ellipsis:
        return {"type": "placeholder"}
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # numpy scalars (numpy.bool_ becomes a bool here)
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        value = int(value)  # an int subclass is graded as the int it is
        if value.bit_length() > _DECIMAL_DIGITS * 3:
            return {"type": "int", "hex": hex(value)}
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        value = float(value)
        return {"type": "float", "value": value if math.isfinite(value) else repr(value)}
    if isinstance(value, str):
        return {"type": "str", "value": str(value)}
    if isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(x, str) for x in value):
        items = [str(x) for x in value]
        return {"type": type(value).__name__ if type(value) in (set, frozenset, list, tuple) else "list",
                "value": sorted(items) if isinstance(value, (set, frozenset)) else items}
    if callable(value):
        return {"type": "function", "name": str(getattr(value, "__name__", ""))}
    return {"type": "other", "name": type(value).__name__, "repr": repr(value)[:80]}


def decode(data):
    """The value `encode` described (functions come back as None: code is graded from its cell's text).
    Anything else (the extraction cell's output is written in the student's kernel, so it may be
    forged) comes back Unreadable, never an exception."""
    try:
        return _decode(data)
    except Exception:
        return Unreadable("object", "(an answer the gradebook cannot read)")


def _decode(data):
    kind = data.get("type")
    if kind == "missing":
        return MISSING
    if kind == "placeholder":
        return Ellipsis
    if kind == "bool" and isinstance(data["value"], bool):
        return data["value"]
    if kind == "str" and isinstance(data["value"], str):
        return data["value"]
    if kind == "int":
        return int(data["hex"], 16) if "hex" in data else int(data["value"])
    if kind == "float":
        value = data["value"]
        return float(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else Unreadable("float", "?")
    if kind in ("set", "frozenset", "list", "tuple") and all(isinstance(x, str) for x in data["value"]):
        return {"set": set, "frozenset": frozenset, "list": list, "tuple": tuple}[kind](data["value"])
    if kind == "function":
        return None
    return Unreadable(str(data.get("name", "object")), str(data.get("repr", "?")))


def extraction_source(names: dict) -> str:
    """The cell the gradebook appends: question id -> answer name, printed as encoded JSON."""
    return (
        "# added by the gradebook: the answers as data (graded outside this kernel)\n"
        "from IPython.display import display as _gb_display\n"
        "from hpo_mini.quiz.answers import ANSWERS_MIME as _gb_mime, MISSING as _gb_missing, encode as _gb_encode\n"
        f"_gb_names = {json.dumps(names, indent=1)}\n"
        "_gb_display({_gb_mime: {qid: _gb_encode(globals().get(name, _gb_missing)) for qid, name in _gb_names.items()}},"
        " raw=True)"
    )
