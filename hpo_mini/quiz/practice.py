"""The practice log: one JSON line per checked answer, so weak topics can come back later, and the
record of a quiz's attempts, so they survive a kernel restart.

    {"time": "2026-01-05T10:31:02Z", "quiz": "03_grid_and_random", "question": "q03.sobol",
     "topics": ["quasi-random sampling"], "status": "wrong", "correct": false, "source": "quiz",
     "answer": "3f9c0a1b2c3d4e5f"}

`source` is what wrote it ("quiz", "mock", "drill"); `answer` is a fingerprint of the answer (never
the answer itself), so re-running the same answer is not logged twice. An explain answer is logged
with status "awaiting marking" and `correct` null (evidence of nothing yet), then once more with
status "marked", its rubric marks and `score` (the fraction covered) when it is marked. A line
{"quiz": ..., "source": "quiz", "event": "start over"} starts a quiz's attempts afresh.
`read_log` returns the lines that are evidence about topics (correct true or false); `read_records`
returns every line.

Where: $HPO_MINI_PRACTICE_LOG if set ("off" turns logging off), else
$XDG_DATA_HOME/hpo_mini/practice.jsonl, else ~/.local/share/hpo_mini/practice.jsonl
(%LOCALAPPDATA%\\hpo_mini\\practice.jsonl on Windows). A log that cannot be written never stops a
quiz: the check still prints its feedback and a one-time warning says why nothing was logged.
"""

from __future__ import annotations

import json
import os
import warnings
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["log_path", "record", "record_event", "read_records", "read_log", "topic_stats", "weak_topics",
           "PASS_FRACTION"]

ENV_VAR = "HPO_MINI_PRACTICE_LOG"
PASS_FRACTION = 0.75  # a rubric-marked answer counts as correct when it covered three quarters of the rubric
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_warned = False


def log_path() -> Path | None:
    """Where the log lives, or None when logging is off."""
    override = os.environ.get(ENV_VAR)
    if override is not None:
        return None if override.strip().lower() in ("", "off", "0", "none") else Path(override).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "hpo_mini" / "practice.jsonl"


def record(quiz_id, question, status, now=None, extra=None, path=None) -> None:
    """Append one line for a checked answer (placeholders and wrong types are not logged).
    `extra` adds fields to the line (a marked answer adds its rubric marks and score); `path` writes
    to that file instead of log_path()."""
    line = {
        "quiz": quiz_id,
        "question": question.id,
        "topics": list(question.topics),
        "status": status,
        "correct": None if status == "awaiting marking" else status == "correct",
    }
    line.update(extra or {})
    _append(line, now, path)


def record_event(quiz_id, event, source="quiz", now=None, path=None) -> None:
    """Append a line that is not an answer, e.g. {"event": "start over"}."""
    _append({"quiz": quiz_id, "source": source, "event": event}, now, path)


def _append(line, now, path) -> None:
    global _warned
    path = Path(path) if path is not None else log_path()
    if path is None:
        return
    now = now or datetime.now(timezone.utc)
    line = {"time": now.strftime(TIME_FORMAT), **line}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
    except OSError as exc:
        if not _warned:
            warnings.warn(f"practice log not written ({exc}); set {ENV_VAR} to a writable file or to 'off'", stacklevel=3)
            _warned = True


def read_records(path=None) -> list[dict]:
    """Every line of the log, in order; lines that are not valid JSON (a crash mid-write) are skipped."""
    path = Path(path) if path is not None else log_path()
    if path is None or not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def is_evidence(rec) -> bool:
    """Does the line say something about its topics: a right or wrong answer (not one awaiting marking)?"""
    return isinstance(rec, dict) and "topics" in rec and isinstance(rec.get("correct"), bool)


def read_log(path=None) -> list[dict]:
    """The answers that are evidence about topics (see is_evidence), in order."""
    return [rec for rec in read_records(path) if is_evidence(rec)]


def topic_stats(records) -> dict:
    """topic -> (n_correct, n_attempts), over the records that are evidence (see is_evidence)."""
    stats = defaultdict(lambda: [0, 0])
    for rec in records:
        if not is_evidence(rec):
            continue
        for topic in rec["topics"]:
            stats[topic][0] += bool(rec["correct"])
            stats[topic][1] += 1
    return {t: tuple(v) for t, v in stats.items()}


def weakness(stats, topic) -> float:
    """The smoothed error rate (wrong + 1) / (attempts + 2): 0.5 for a topic never practised."""
    right, total = stats.get(topic, (0, 0))
    return (total - right + 1) / (total + 2)


def weak_topics(records, k=5, min_attempts=1) -> list[tuple[str, float]]:
    """The k topics with the highest smoothed error rate among those with at least min_attempts answers."""
    stats = topic_stats(records)
    ranked = sorted((t for t in stats if stats[t][1] >= min_attempts), key=lambda t: (-weakness(stats, t), t))
    return [(t, weakness(stats, t)) for t in ranked[:k]]
