"""An append-only JSON-lines journal: one line per finished trial, flushed to disk at once.

Line 1 is a header saying what the study belongs to (direction, searcher, space); every other line is
`Trial.to_record()` (`journal_lines.py` has the format and the rule for a damaged line). A process
killed mid-write leaves at most one torn last line, which `load_study` skips with a warning (and
`Journal.open_for_append` cuts off), so no finished trial is ever lost.

One writer at a time: `open_for_append` takes an exclusive lock on the file (`fcntl.flock`, held until
`close()` or the process ends, SIGKILL included) and a second writer gets `JournalInUse` at once,
instead of both appending the same trial ids. Readers (`load_study`) take no lock. Worker processes
forked while a journal is open do not hold its lock. Without fcntl (Windows) no lock is taken and a
warning says so; on a network file system the lock is as good as its flock (NFSv4: yes).

    journal = Journal(path); journal.open_for_append("minimize"); journal.append(trial); journal.close()
    study = load_study(path)      # the trials so far, as a Study; optimize(..., journal=path) resumes it
"""

from __future__ import annotations

import json
import os
import warnings
import weakref
from pathlib import Path

from .journal_lines import JournalError, check_resume, header_record, json_line, read_journal
from .study import Study, Trial

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["Journal", "JournalInUse", "JournalError", "load_study", "open_study", "json_line"]


class JournalInUse(RuntimeError):
    """Another process (or another Journal in this one) is writing this journal."""


def load_study(path) -> Study:
    """Read a journal into a Study; `optimize(..., journal=path)` continues it. A damaged line raises
    `JournalError` (a ValueError) naming it; a torn last line is skipped with a warning."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no journal at {str(path)!r}; run optimize(..., journal=path) first")
    header, entries = read_journal(path, path.read_bytes())
    if header is None:
        raise ValueError(f"{path} holds no journal header yet (empty, or its run was killed while starting it)")
    study = Study(direction=header["direction"])
    for _, trial in entries:
        study.add(trial)
    return study


def open_study(path, direction: str, searcher) -> tuple[Study, Journal]:
    """Lock the journal at `path`, check that it belongs to this study (`journal_lines.check_resume`:
    same direction, same space) and open it for appending: (the trials it holds, as a Study; the
    journal). `optimize(..., journal=path)` calls this."""
    journal = Journal(path)
    journal.acquire()
    try:
        header, entries = read_journal(journal.path, journal.path.read_bytes())
        space, name = getattr(searcher, "space", None), type(searcher).__name__
        if header is not None:
            check_resume(journal.path, header, entries, direction, space, name)
        journal.open_for_append(direction, space=space, searcher=name)
    except BaseException:
        journal.close()
        raise
    study = Study(direction)
    for _, trial in entries:
        study.add(trial)
    return study, journal


_OPEN = weakref.WeakSet()  # journals open in this process: a forked child lets go of their files


def _let_go_in_child() -> None:
    """In a forked child (a process pool's worker): close our copy of every open journal's file. The
    lock belongs to the open file, shared with the parent, so the parent keeps it; without this a
    worker would hold the lock after the parent died, and a resumed run could not take it."""
    for journal in list(_OPEN):
        if journal._fd is not None:
            os.close(journal._fd)
            journal._fd = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_let_go_in_child)


class Journal:
    """The writing end: `open_for_append(direction, space, searcher)` locks the file and starts a journal
    or continues one, `append(trial)` writes one line (flushed and fsynced), `close()` lets go of it."""

    def __init__(self, path):
        self.path = Path(path)
        self._fd = None

    def __repr__(self):
        return f"Journal({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def acquire(self) -> None:
        """Open the file (creating it) and take its exclusive lock, or raise JournalInUse."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if fcntl is None:  # pragma: no cover - Windows
            warnings.warn(f"no file locks on this system: make sure only one process writes {self.path}",
                          stacklevel=3)
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise JournalInUse(
                    f"{self.path} is being written by another run (it holds the journal's lock): one journal "
                    "has one writer, so that no trial id is written twice. Wait for that run to finish, or "
                    "give this run its own journal (optimize(..., journal='other.jsonl'))") from None
        self._fd = fd
        _OPEN.add(self)

    def open_for_append(self, direction: str, space=None, searcher: str | None = None) -> None:
        """Lock the journal, cut off a torn last line, and write the header if the journal is new."""
        self.acquire()
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            try:  # a whole record that only lost its newline was loaded: keep it
                json.loads(data[cut:].decode("utf-8"))
                os.write(self._fd, b"\n")
            except (ValueError, RecursionError):  # a torn last line: cut it so the next record starts clean
                os.ftruncate(self._fd, cut)
                data = data[:cut]
        if not data.strip():
            os.ftruncate(self._fd, 0)
            self._write(header_record(direction, space, searcher))

    def append(self, trial: Trial) -> None:
        if self._fd is None:
            raise RuntimeError("the journal is not open; call open_for_append(direction) first (optimize does)")
        self._write(trial.to_record())

    def _write(self, record: dict) -> None:
        # The whole line, then fsync: a kill leaves whole lines and at most one torn one.
        data = json_line(record).encode("utf-8")
        while data:
            data = data[os.write(self._fd, data):]
        os.fsync(self._fd)

    def close(self) -> None:
        """Let go of the file and its lock."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            _OPEN.discard(self)
