"""Every relative link in a lesson or quiz opens its target: the file exists where the link points, seen
from the notebook's folder (the way JupyterLab resolves it once `make lab` serves the whole course)."""
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*(REPO / "lessons").glob("*.ipynb"), *(REPO / "quizzes").glob("*.ipynb")])
LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")


def relative_links(text: str) -> list[str]:
    links = [a or b for a, b in LINK.findall(text)]
    return [link for link in links if not re.match(r"^[a-z]+:|^#|^/", link)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_relative_links_open_their_target(path):
    nb = nbformat.read(path, as_version=4)
    broken = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for link in relative_links(cell.source):
            target = (path.parent / link.split("#")[0]).resolve()
            if not target.exists():
                broken.append(f"cell {i}: {link}")
    assert broken == []


def test_the_link_finder_sees_markdown_and_html_links():
    text = "[quiz](../quizzes/x.ipynb), [web](https://a.b), [here](#top), <a href=\"../README.md\">r</a>"
    assert relative_links(text) == ["../quizzes/x.ipynb", "../README.md"]
