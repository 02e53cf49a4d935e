"""How long does a lesson take to work through? An estimate from its text, beside the time it states.

The model, an assumption stated rather than measured: a learner reads course prose with math at about
WPM words per minute (well below the ~240 of ordinary prose) and spends SECONDS_PER_CODE_LINE on each line
of code (reading it, running the cell, looking at the output). Sections whose heading says "optional"
and collapsed <details> blocks (model answers, follow-ups) are counted apart: the stated time covers the
core; the optional part is stated separately where a lesson has one. The README's lesson table must
state what the lesson's own "Time" line states (tests/notebooks/test_lesson_times.py checks that).

    python benchmarks/lesson_times.py            # prints the table
"""

from __future__ import annotations

import json
import re
from pathlib import Path

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
WPM = 120
SECONDS_PER_CODE_LINE = 4
WORD = re.compile(r"[A-Za-z0-9]+")


def split_core_optional(cells):
    """Words and code lines of the core path and of the optional parts ((optional) sections, <details>)."""
    counts = {"core": [0, 0], "optional": [0, 0]}
    optional_section = False
    for cell in cells:
        text = "".join(cell["source"])
        heading = re.match(r"#{1,2} ", text)
        if heading:
            optional_section = "optional" in text.splitlines()[0].lower()
        if cell["cell_type"] == "code":
            counts["optional" if optional_section else "core"][1] += len([l for l in text.splitlines() if l.strip()])
            continue
        details = "".join(re.findall(r"<details>.*?</details>", text, flags=re.S))
        core_text = text.replace(details, "") if details else text
        if optional_section:
            counts["optional"][0] += len(WORD.findall(text))
        else:
            counts["core"][0] += len(WORD.findall(core_text))
            counts["optional"][0] += len(WORD.findall(details))
    return counts


def minutes(words, code_lines):
    return words / WPM + code_lines * SECONDS_PER_CODE_LINE / 60


def stated_time(cells):
    """The lesson's own "Time" line (first cell), as written."""
    first = "".join(cells[0]["source"])
    match = re.search(r"\*\*Time[.:]?\*\*[.:]?\s*([^.]*)", first)
    return match.group(1).strip() if match else "(not stated)"


def main():
    print(f"Estimate: {WPM} words per minute of prose, {SECONDS_PER_CODE_LINE} s per line of code.\n")
    print("| lesson | core words | core code lines | core estimate (min) | optional estimate (min) | stated |")
    print("|---|---|---|---|---|---|")
    for path in sorted(LESSONS.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        counts = split_core_optional(cells)
        core, optional = minutes(*counts["core"]), minutes(*counts["optional"])
        print(f"| {path.stem} | {counts['core'][0]} | {counts['core'][1]} | {core:.0f} | {optional:.0f} | "
              f"{stated_time(cells)} |")


if __name__ == "__main__":
    main()
