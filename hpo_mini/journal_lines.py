"""What a journal line may be, and the rule for a line that is neither.

A journal (`journal.py`) is JSON lines. Line 1 is the header, what the study belongs to:

    {"journal": "hpo_mini", "version": 2, "direction": "minimize", "searcher": "TPE",
     "space": {"lr": {"kind": "float", "lo": 0.0001, "hi": 0.1, "log": true}, "k": {"kind": "categorical", ...}}}

and every other line is one finished trial, `Trial.to_record()`. Reading a journal follows one rule:

- a blank line is ignored;
- the last line, if it has no newline and is not valid JSON, is a write cut short by a kill: it is
  skipped with a warning (and `Journal.open_for_append` cuts it off);
- any other line that is not a header or a trial record (bytes that are not UTF-8, text that is not
  JSON, `[1, 2, 3]`, a record with "state": "weird", a trial id written twice) is refused with a
  `JournalError` naming the file, the line and what is wrong with it. Never skipped: a skipped trial
  would be run again, or lost, without anyone noticing.

Version 1 journals (a header without searcher and space) still load; their space cannot be checked.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import fields
from numbers import Real

import numpy as np

from .space import Categorical, Float, Int, Space
from .study import DIRECTIONS, STATES, Trial

__all__ = ["FORMAT_VERSION", "JournalError", "json_ready", "json_line", "writable", "header_record",
           "space_record", "read_journal", "check_resume"]

FORMAT_VERSION = 2
FINISHED = tuple(s for s in STATES if s != "pending")
TRIAL_FIELDS = tuple(f.name for f in fields(Trial) if f.name != "pruner")
SHOWN = 60  # characters of a bad line quoted in an error


class JournalError(ValueError):
    """A journal line that is neither a header nor a trial record: `path`, `line` (1-based) and why."""

    def __init__(self, path, line: int, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line} {reason}; the journal is damaged there (lines before it are intact): "
                         f"repair or delete line {line} to load it. A damaged line is refused, never skipped, "
                         "so that no trial is silently lost or run twice")


def json_ready(value):
    """Plain JSON values: numpy scalars and arrays become numbers and lists (e.g. fold scores kept in
    user_attrs), NaN and infinities become null (a failed fold's score)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) to the journal; keep plain numbers, "
                    "strings, lists and dicts in trial.user_attrs")


def json_line(record: dict) -> str:
    """One record as one line of JSON (with its newline), the format of the journal and of JSONLLogger."""
    return json.dumps(json_ready(record), allow_nan=False) + "\n"


def writable(trial: Trial) -> Trial:
    """The trial, if its record can be a journal line; else the trial recorded as failed, its error naming
    the user_attrs that JSON cannot hold (they are dropped: a fitted model, a lock, an open file)."""
    try:
        json_line(trial.to_record())
        return trial
    except TypeError as exc:
        bad = []
        for key, value in trial.user_attrs.items():
            try:
                json_ready(value)
            except TypeError:
                bad.append(key)
        if not bad:
            raise  # the config itself cannot be written: the searcher proposed objects (a space checks this)
        value = "" if trial.value is None else f"the objective returned {trial.value}, but "
        trial.user_attrs = {k: v for k, v in trial.user_attrs.items() if k not in bad}
        trial.state, trial.value = "failed", None
        trial.error = (f"{value}user_attrs {bad} cannot be written to the journal ({exc}); keep what can be "
                       "saved there (numbers, strings, lists, dicts), or run without a journal")
        return trial


# ---------------------------------------------------------------- the header


def space_record(space: Space) -> dict:
    """The space as JSON: {name: {"kind": "float" | "int", "lo", "hi", "log"} or {"kind": "categorical",
    "choices"}}. Refuses a choice that would not come back from JSON as itself (NaN, an object, a
    tuple that JSON makes a list of when a list of the same items is a choice too)."""
    out = {}
    for name, dim in space.dimensions.items():
        if not isinstance(dim, Categorical):
            out[name] = {"kind": dim.kind, "lo": dim.lo, "hi": dim.hi, "log": dim.log}
            continue
        for i, choice in enumerate(dim.choices):
            try:
                back = json.loads(json_line(choice))
                same = dim.index(back) == i
            except (TypeError, ValueError):
                back, same = "nothing it can write", False
            if not same:
                raise ValueError(f"choice {choice!r} of {name!r} cannot go to a journal and come back as itself "
                                 f"(JSON gives {back!r}); name it with a string, e.g. {str(choice)!r}, and map the "
                                 "string to the object in the objective, or run without a journal")
        out[name] = {"kind": "categorical", "choices": json_ready(dim.choices)}
    return json.loads(json_line(out))  # as it reads back: tuples are lists


def space_from_record(record) -> Space | None:
    """The Space a header's space record describes (None if it does not describe one)."""
    try:
        return Space({name: Categorical(d["choices"]) if d["kind"] == "categorical"
                      else {"float": Float, "int": Int}[d["kind"]](d["lo"], d["hi"], log=d["log"])
                      for name, d in record.items()})
    except Exception:  # a hand-edited header: the raw record is shown instead
        return None


def header_record(direction: str, space: Space | None = None, searcher: str | None = None) -> dict:
    """Line 1 of a journal: what the study belongs to."""
    return {"journal": "hpo_mini", "version": FORMAT_VERSION, "direction": direction, "searcher": searcher,
            "space": None if space is None else space_record(space)}


def _header_problem(record) -> str | None:
    """Why `record` is not a journal header, or None if it is one."""
    if not isinstance(record, dict) or record.get("journal") != "hpo_mini":
        return f"is {_shown(record)}, not an hpo_mini journal header; is this file a journal?"
    version = record.get("version")
    if version not in (1, FORMAT_VERSION):
        return (f"is a journal header of format version {version!r}; this hpo_mini reads versions 1 and "
                f"{FORMAT_VERSION} (a newer hpo_mini wrote it?)")
    if record.get("direction") not in DIRECTIONS:
        return f"is a journal header with direction {record.get('direction')!r}; it must be one of {DIRECTIONS}"
    return None


# ---------------------------------------------------------------- trial lines


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "..."


def _finite(x) -> bool:
    if isinstance(x, bool) or not isinstance(x, Real):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer too large for a float
        return False


def _record_problem(record) -> str | None:
    """Why `record` is not a finished trial's record, or None if it is one."""
    if not isinstance(record, dict):
        return f"holds {_shown(record)}, not a trial record (a JSON object)"
    if "journal" in record:
        return "is a second journal header: two journals were joined into one file"
    unknown = sorted(set(record) - set(TRIAL_FIELDS))
    missing = [k for k in ("id", "config", "state") if k not in record]
    if unknown or missing:
        return f"is not a trial record: unknown fields {unknown}, missing fields {missing}"
    checks = [
        ("id", isinstance(record["id"], int) and not isinstance(record["id"], bool) and record["id"] >= 0,
         "an integer >= 0"),
        ("state", record["state"] in FINISHED, f"one of {FINISHED}"),
        ("config", isinstance(record["config"], dict), "a JSON object of name -> value"),
        ("value", record.get("value") is None or _finite(record.get("value")), "a finite number or null"),
        ("budget", record.get("budget") is None or _finite(record.get("budget")), "a finite number or null"),
        ("duration", record.get("duration") is None or _finite(record.get("duration")), "a number or null"),
        ("error", record.get("error") is None or isinstance(record.get("error"), str), "a string or null"),
    ] + [(name, isinstance(record.get(name, {}), dict), "a JSON object")
         for name in ("intermediate", "user_attrs", "system_attrs")]
    for name, ok, rule in checks:
        if not ok:
            return f"has {name} = {_shown(record.get(name))}; a trial's {name} must be {rule}"
    if record["state"] == "complete" and record.get("value") is None:
        return "holds a complete trial without a value; a complete trial has a finite number as its value"
    for step, value in record.get("intermediate", {}).items():
        if not re.fullmatch(r"-?[0-9]{1,18}", step) or not (value is None or _finite(value)):
            return f"has intermediate[{_shown(step)}] = {_shown(value)}; steps are integers, values numbers"
    return None


def _trial(record: dict) -> Trial:
    record = dict(record)
    record["intermediate"] = {int(k): v for k, v in record.get("intermediate", {}).items()}
    return Trial(**record)


def _parse(raw: bytes):
    """The JSON value of one line, or the reason it has none."""
    try:
        return json.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, f"is not UTF-8 text ({_shown(raw)})"
    except (ValueError, RecursionError):  # JSONDecodeError, or nesting too deep to parse
        return None, f"is not valid JSON ({_shown(raw)})"


def read_journal(path, data: bytes) -> tuple[dict | None, list[tuple[int, Trial]]]:
    """(header, [(line number, trial)]) of a journal's bytes, by the rule of this module's docstring.
    The header is None when the file holds nothing yet (empty, or a header cut short by a kill)."""
    lines = data.split(b"\n")
    header, entries, first_line = None, [], {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        record, problem = _parse(raw)
        if problem is not None and number == len(lines):  # no newline after it: a write cut short
            warnings.warn(f"{path}:{number}: skipping a torn last line (the process stopped while writing it)",
                          stacklevel=3)
            continue
        if problem is None:
            problem = _header_problem(record) if header is None else _record_problem(record)
        if problem is None and header is not None and record["id"] in first_line:
            problem = (f"repeats trial id {record['id']} of line {first_line[record['id']]}: two processes wrote "
                       "this journal at once (hpo_mini now locks it), or it was edited")
        if problem is not None:
            raise JournalError(path, number, problem)
        if header is None:
            header = record
        else:
            first_line[record["id"]] = number
            entries.append((number, _trial(record)))
    return header, entries


# ---------------------------------------------------------------- resuming


def check_resume(path, header: dict, entries, direction: str, space: Space | None, searcher: str | None):
    """Refuse to continue a journal written for another study: another direction, another space (the
    message shows both), or trials whose configs are not in this searcher's space. A journal started by
    another searcher is continued, with a warning (its trials are told to this one). Configs come back
    with the space's own values (a tuple choice that JSON made a list is a tuple again)."""
    if header["direction"] != direction:
        raise ValueError(f"{path} holds a study that was run with direction={header['direction']!r}, "
                         f"but optimize was called with direction={direction!r}")
    if space is None:
        return
    written = header.get("space")
    if written is not None and written != space_record(space):
        shown = space_from_record(written) or written
        raise ValueError(f"{path} was written for the space\n    {shown!r}\nbut this searcher searches\n    "
                         f"{space!r}\nresume it with the same space, or give this study a new journal")
    if written is None and entries:
        warnings.warn(f"{path} was written by an earlier hpo_mini that did not record its space: its trials' "
                      "configs are checked against this searcher's space one by one", stacklevel=4)
    if header.get("searcher") not in (None, searcher):
        warnings.warn(f"{path} was started by {header['searcher']}, and is continued by {searcher}, which is told "
                      f"its {len(entries)} trials", stacklevel=4)
    for number, trial in entries:
        try:
            trial.config = space.validate(trial.config)
        except ValueError as exc:
            raise JournalError(path, number, f"holds trial {trial.id}, whose config is not in this searcher's "
                                             f"space: {exc}") from None
