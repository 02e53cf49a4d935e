"""An append-only JSON-lines journal: one line per finished trial, flushed to disk at once.

The first line is a header {"journal": "hpo_mini", "version": 1, "direction": ...}; every other line
is `Trial.to_record()`. A process killed mid-write leaves at most one torn last line, which
`load_study` skips with a warning (and `Journal.open_for_append` cuts off), so no finished trial is
ever lost.

    journal = Journal(path); journal.open_for_append("minimize"); journal.append(trial); journal.close()
    study = load_study(path)      # the trials so far, as a Study; optimize(..., journal=path) resumes it
"""

from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path

import numpy as np

from .study import Study, Trial

__all__ = ["Journal", "load_study", "json_line"]

FORMAT_VERSION = 1


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


def load_study(path) -> Study:
    """Read a journal into a Study; `optimize(..., journal=path)` continues it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no journal at {str(path)!r}; run optimize(..., journal=path) first")
    lines = path.read_bytes().split(b"\n")
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number == len(lines):  # the unterminated last line: a write cut short
                warnings.warn(f"{path}: skipping a torn last line (the process stopped while writing it)",
                              stacklevel=2)
                continue
            raise ValueError(f"{path}:{number} is not valid JSON; the journal is damaged there")
    if not records or records[0].get("journal") != "hpo_mini":
        raise ValueError(f"{path} does not start with an hpo_mini journal header")
    study = Study(direction=records[0]["direction"])
    for record in records[1:]:
        study.add(Trial.from_record(record))
    return study


class Journal:
    """The writing end: `open_for_append(direction)` starts a journal or continues one, `append(trial)`
    writes one line (flushed and fsynced), `close()`."""

    def __init__(self, path):
        self.path = Path(path)
        self._file = None

    def __repr__(self):
        return f"Journal({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def open_for_append(self, direction: str) -> None:
        """Start a new journal (writing the header) or continue an existing one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.exists():
            data = self.path.read_bytes()
            if not data.endswith(b"\n"):
                cut = data.rfind(b"\n") + 1
                try:  # a whole record that only lost its newline was loaded: keep it
                    json.loads(data[cut:])
                    with open(self.path, "ab") as f:
                        f.write(b"\n")
                except json.JSONDecodeError:  # a torn last line: cut it so the next record starts clean
                    with open(self.path, "r+b") as f:
                        f.truncate(cut)
        self._file = open(self.path, "a", encoding="utf-8")
        if self._file.tell() == 0:
            self._write({"journal": "hpo_mini", "version": FORMAT_VERSION, "direction": direction})

    def append(self, trial: Trial) -> None:
        if self._file is None:
            raise RuntimeError("the journal is not open; call open_for_append(direction) first (optimize does)")
        self._write(trial.to_record())

    def _write(self, record: dict) -> None:
        # One write call per line, then flush and fsync: a kill leaves whole lines and at most one torn one.
        self._file.write(json_line(record))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
