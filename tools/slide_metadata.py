"""Slide metadata for every lesson, so it presents as a slideshow (JupyterLab with jupyterlab-rise, or
`make slides`: reveal.js decks from nbconvert). Idempotent: it derives each cell's type from the cells'
sources alone, so running it again changes nothing, and a new lesson gets it from one run.

    python tools/slide_metadata.py            # writes lessons/*.ipynb (metadata only) and says what changed
    python tools/slide_metadata.py --check    # exits 1, naming the lessons whose metadata is stale

The rules, in order (cell.metadata.slideshow.slide_type):
    "slide"     the title cell, and every markdown cell that opens with a `#` or `##` heading
    "-"         every other cell of the "Check the claim" section: the claim, its runs and its verdict
                stay on one slide (the deck scrolls)
    "subslide"  a `###` heading; a long derivation (a markdown cell with two or more display equations,
                or one and at least DERIVATION_CHARS characters); any cell that would push the current
                slide past SLIDE_CHARS characters of source
    "skip"      a code cell of imports and magics only (it runs, it is not shown)
    "fragment"  a markdown cell right after a code cell: the reading of the output, shown on the next key
    "-"         everything else: it joins the slide above
The notebook gets metadata.rise = {"scroll": true} so a long slide scrolls in JupyterLab too.
tests/notebooks/test_slide_metadata.py checks every lesson carries exactly this.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SLIDE_CHARS = 1500  # about what fits on a 960 x 700 slide at the deck's font size
DERIVATION_CHARS = 600
CHECK_THE_CLAIM = re.compile(r"^##\s+Check the claim", re.I)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$|\\begin\{(align|equation|gather)\*?\}", re.S)
SETUP_LINE = re.compile(r"^\s*($|#|%|import\s|from\s+\S+\s+import\s|\(|\)|[\w, ]+\)?,?\s*$)")
RISE = {"scroll": True}


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _heading_level(text: str) -> int:
    match = re.match(r"^(#{1,6})\s", text.lstrip("\n"))
    return len(match.group(1)) if match else 0


def _is_setup(text: str) -> bool:
    """Imports and magics only (a multi-line `from x import (a, b)` counts)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(SETUP_LINE.match(line) for line in lines) and any(
        re.match(r"^\s*(import|from)\s", line) for line in lines)


def slide_types(cells) -> list[str]:
    """The slide type of each cell (a list of nbformat cells or plain dicts), by the rules above."""
    types, in_claim, size, previous = [], False, 0, None
    for i, cell in enumerate(cells):
        text = _source(cell)
        kind = cell["cell_type"]
        level = _heading_level(text) if kind == "markdown" else 0
        if i == 0 or level in (1, 2):
            slide_type = "slide"
            in_claim = bool(CHECK_THE_CLAIM.match(text.lstrip("\n")))
        elif in_claim:
            slide_type = "-"
        elif level == 3:
            slide_type = "subslide"
        elif kind == "markdown" and (len(DISPLAY_MATH.findall(text)) >= 2 or
                                     (DISPLAY_MATH.search(text) and len(text) >= DERIVATION_CHARS)):
            slide_type = "subslide"
        elif kind == "code" and _is_setup(text):
            slide_type = "skip"
        elif size + len(text) > SLIDE_CHARS:
            slide_type = "subslide"
        elif kind == "markdown" and previous == "code":
            slide_type = "fragment"
        else:
            slide_type = "-"
        if slide_type in ("slide", "subslide"):
            size = len(text)
        elif slide_type != "skip":
            size += len(text)
        types.append(slide_type)
        previous = kind if slide_type != "skip" else previous
    return types


def apply(nb: dict) -> bool:
    """Set every cell's slide type and the notebook's rise settings in `nb` (a JSON dict); True if changed."""
    changed = False
    for cell, slide_type in zip(nb["cells"], slide_types(nb["cells"])):
        slideshow = cell.setdefault("metadata", {}).setdefault("slideshow", {})
        if slideshow.get("slide_type") != slide_type:
            slideshow["slide_type"] = slide_type
            changed = True
    if nb.setdefault("metadata", {}).get("rise") != RISE:
        nb["metadata"]["rise"] = dict(RISE)
        changed = True
    return changed


def dumps(nb: dict) -> str:
    """How the course stores a notebook (the same bytes as the other tools that write lessons)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: lessons/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a lesson is stale")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((REPO / "lessons").glob("*.ipynb"))
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        if apply(nb) or dumps(nb) != text:
            stale.append(path)
            if not args.check:
                path.write_text(dumps(nb), encoding="utf-8")
        types = [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]]
        print(f"{path.name}: {types.count('slide')} slides, {types.count('subslide')} sub-slides, "
              f"{types.count('fragment')} fragments, {types.count('skip')} skipped, {len(types)} cells"
              + ("  (stale)" if args.check and path in stale else ""))
    if args.check and stale:
        print(f"{len(stale)} notebooks need `python tools/slide_metadata.py`")
        return 1
    print(f"{len(stale)} of {len(paths)} notebooks {'would change' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
