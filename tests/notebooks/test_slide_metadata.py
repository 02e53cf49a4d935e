"""Every lesson presents as a slideshow: each cell carries the slide type tools/slide_metadata.py derives
from the sources (section titles are slides, long derivations sub-slides, "Check the claim" one slide),
so a new or edited lesson fails here until `python tools/slide_metadata.py` has been run on it."""
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import slide_metadata  # noqa: E402

LESSONS = sorted((REPO / "lessons").glob("*.ipynb"))
TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def _cell(kind, source):
    return {"cell_type": kind, "source": source, "metadata": {}}


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_cell_of_the_lesson_has_its_slide_type(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    stored = [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]
    expected = slide_metadata.slide_types(nb["cells"])
    wrong = [f"cell {i}: {s!r}, expected {e!r}" for i, (s, e) in enumerate(zip(stored, expected)) if s != e]
    assert not wrong, (f"{path.name}: slide metadata missing or stale in {len(wrong)} cells (run "
                       f"`.venv/bin/python tools/slide_metadata.py`): " + "; ".join(wrong[:5]))
    assert set(stored) <= TYPES
    assert nb["metadata"].get("rise") == slide_metadata.RISE


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_sections_are_slides_and_check_the_claim_is_one_slide(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    types = slide_metadata.slide_types(nb["cells"])
    assert types[0] == "slide"
    in_claim = False
    for i, (cell, slide_type) in enumerate(zip(nb["cells"], types)):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            assert slide_type == "slide", f"{path.name} cell {i}: a section title is {slide_type!r}"
            in_claim = source.lower().startswith("## check the claim")
        elif in_claim:
            assert slide_type == "-", f"{path.name} cell {i}: 'Check the claim' is split at a {slide_type!r}"


def test_the_rules_on_a_small_notebook():
    derivation = "Start from $$a = b$$ and then $$b = c$$, so a = c."
    cells = [_cell("markdown", "# Title"), _cell("code", "import numpy as np\n%matplotlib inline"),
             _cell("markdown", "## 1. Section"), _cell("code", "x = 1"), _cell("markdown", "So x is one."),
             _cell("markdown", derivation), _cell("markdown", "### A detail"), _cell("code", "y = " + "1 + " * 500),
             _cell("markdown", "## Check the claim"), _cell("code", "z = " + "2 + " * 500), _cell("markdown", "Held.")]
    assert slide_metadata.slide_types(cells) == [
        "slide", "skip", "slide", "-", "fragment", "subslide", "subslide", "subslide", "slide", "-", "-"]


def test_applying_twice_changes_nothing():
    nb = {"cells": [_cell("markdown", "# T"), _cell("code", "x = 1")], "metadata": {}}
    assert slide_metadata.apply(nb) is True
    once = slide_metadata.dumps(nb)
    assert slide_metadata.apply(nb) is False
    assert slide_metadata.dumps(nb) == once
