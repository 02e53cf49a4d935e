"""Each lesson states its time, the README's lesson table states the same, and the lesson's core fits it.

The estimate is benchmarks/lesson_times.py's (prose at 120 words a minute, 4 s per line of code; optional
sections and collapsed answers counted apart): a stated core time may be at most 10% under it.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("lesson_times", REPO / "benchmarks" / "lesson_times.py")
lesson_times = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lesson_times)

ROW = re.compile(r"^\| *\d\d *\| *\[[^\]]*\]\((lessons/[^)]+\.ipynb)\) *\|.*\| *([^|]*min[^|]*) *\| *$", re.M)
README_ROWS = dict(ROW.findall((REPO / "README.md").read_text()))
LESSONS = sorted((REPO / "lessons").glob("*.ipynb"))


def numbers(text):
    return {int(n) for n in re.findall(r"\d+", text)}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_readme_states_the_lessons_own_time(path):
    cells = json.loads(path.read_text())["cells"]
    stated = lesson_times.stated_time(cells)
    row = README_ROWS.get(f"lessons/{path.name}")
    assert row is not None, f"README's lesson table has no row linking lessons/{path.name}"
    assert stated != "(not stated)", f"{path.name} states no **Time:** in its first cell"
    assert numbers(row) <= numbers(stated), f"README says {row!r}, {path.name} says {stated!r}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_core_fits_the_stated_time(path):
    cells = json.loads(path.read_text())["cells"]
    stated = lesson_times.stated_time(cells)
    first = re.search(r"(\d+)(?:\s*[–-]\s*(\d+))?", stated)
    assert first, f"{path.name}: no minutes in its time line {stated!r}"
    stated_core = int(first.group(2) or first.group(1))
    estimate = lesson_times.minutes(*lesson_times.split_core_optional(cells)["core"])
    assert estimate <= 1.1 * stated_core, (
        f"{path.name}: the core takes about {estimate:.0f} min to work through, it states {stated_core}; "
        "state a longer time or mark a section (optional)")


def test_the_time_check_catches_an_overlong_lesson():
    """Planted: lesson 00's text three times over does not fit its stated time."""
    cells = json.loads((REPO / "lessons" / "00_start_here.ipynb").read_text())["cells"]
    words, lines = lesson_times.split_core_optional(cells)["core"]
    assert lesson_times.minutes(3 * words, 3 * lines) > 1.1 * 30
