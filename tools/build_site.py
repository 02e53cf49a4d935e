"""The offline course site: every lesson executed and rendered, the quizzes without answers, an index.

    python tools/build_site.py                    # or: make site      -> _site/index.html
    python tools/build_site.py --execute 00 03    # run only these; the others are pages without outputs

    _site/index.html                  the course map (README's lesson table) and the quizzes
    _site/lessons/NN_stem.html        each lesson executed (tools/execute.py: fresh kernels, 2 at a time)
    _site/quizzes/NN_stem_quiz.html   each quiz as stored: questions and blank answers, never solutions/
    _site/_static/                    MathJax 3 (tools/site_assets.py, from PyPI) and site.css

Pages are nbconvert's lab template (tools/templates/course_site) with no CDN script at all: MathJax
from _static/, no require.js or widget manager (a widget shows the picture it drew, its starting
settings and a note: tools/static_widgets.py), alt text on every figure (tools/alt_text_hook.py).
Links to notebooks become links to their pages; every page has previous / course map / next.
Serve the folder (`python -m http.server -d _site`) or open _site/index.html from disk.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute import execute, load_executed  # noqa: E402
from site_assets import copy_asset  # noqa: E402
from static_widgets import replace_widget_outputs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "templates"
# A relative link to a notebook, in an href: "x.ipynb" or "../quizzes/x.ipynb#part" (not "https://...").
NOTEBOOK_HREF = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:)([^"#]*?)\.ipynb(#[^"]*)?"')
README_ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\((lessons/[^)]+\.ipynb)\)")
NOT_EXECUTED = ("*This page was built without running the lesson (a quick build): it shows the text and the "
                "code, not the outputs. `make site` runs every lesson.*")
MATHJAX_KEEP = re.compile(r"^(tex-chtml\.js|input/tex/extensions/|output/chtml/fonts/woff-v2/|a11y/|ui/|sre/)")


def notebook_href(html: str) -> str:
    """Every relative link to a notebook, pointed at its page: a.ipynb#x -> a.html#x."""
    return NOTEBOOK_HREF.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', html)


def short_titles() -> dict[str, str]:
    """{"03_grid_and_random": "Grid and random search"} from README's lesson table."""
    titles = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        match = README_ROW.match(line)
        if match:
            titles[Path(match.group(3)).stem] = f"{match.group(1)} {match.group(2)}"
    return titles


def _readme_section(heading: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", text, flags=re.S | re.M)
    if not match:
        raise SystemExit(f"README.md has no '## {heading}' section; the index is built from it")
    return match.group(1)


def _page(title: str, body: str, root: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="{root}_static/site.css"></head>
<body class="course-index"><main>
{body}
</main></body></html>
"""


def index_html(lessons: list[Path], quizzes: list[Path]) -> str:
    """The course map: README's lesson table (links to the built pages only) and the quiz list."""
    built = {p.stem for p in lessons}
    table = _readme_section("The lessons")
    # A README row whose lesson was not built keeps its name but loses its link.
    table = re.sub(r"\[([^\]]+)\]\(lessons/([^)]+)\.ipynb\)",
                   lambda m: f"[{m.group(1)}](lessons/{m.group(2)}.html)" if m.group(2) in built else m.group(1), table)
    quiz_items = "\n".join(f"- [{q.stem.replace('_', ' ')}](quizzes/{q.stem}.html)" for q in quizzes)
    markdown = (f"# hpo-course: hyperparameter optimization, from scratch\n\n"
                f"The lessons executed, with their outputs and figures. To run them and turn the widgets' knobs, "
                f"clone the course and run `make lab` (README).\n\n## The lessons\n{table}\n"
                f"## Quizzes\n\nThe questions only: run them in JupyterLab to check your answers.\n\n{quiz_items}\n")
    return _page("hpo-course", markdown2html_mistune(markdown), root="")


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="course_site", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_anchor_links = False
    return exporter


def page_title(nb) -> str:
    """The notebook's first heading ("03 · Grid search, ..."), the page's <title>."""
    for cell in nb.cells:
        match = re.match(r"^#\s+(.+)$", cell.source.strip(), flags=re.M) if cell.cell_type == "markdown" else None
        if match:
            return match.group(1).strip()
    return "hpo-course"


def render(nb, course: dict, exporter: HTMLExporter) -> str:
    nb.metadata["title"] = page_title(nb)
    body, _ = exporter.from_notebook_node(nb, resources={"course": course})
    return notebook_href(body)


def _nav_entry(path: Path, titles: dict, from_folder: str) -> dict:
    prefix = "" if path.parent.name == from_folder else f"../{path.parent.name}/"
    return {"href": f"{prefix}{path.stem}.html", "title": titles.get(path.stem, path.stem.replace("_", " "))}


def build(out: Path, execute_only=None, log=print) -> dict:
    """Write the site to `out`. `execute_only`: lesson numbers to execute (default: all); the other
    lessons are rendered as stored, without outputs and with a banner saying so, so that every page
    and link of the full site is there (a quick build for the browser tests)."""
    start = time.monotonic()
    lessons = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
    to_execute = [p for p in lessons if execute_only is None or p.name[:2] in set(execute_only)]
    if execute_only is not None and len(to_execute) < len(set(execute_only)):
        raise SystemExit(f"--execute {' '.join(execute_only)}: lessons/ holds only "
                         f"{', '.join(p.name[:2] for p in lessons)}")
    quiz_of = {p.stem: REPO / "quizzes" / f"{p.stem}_quiz.ipynb" for p in lessons}
    quizzes = [q for q in quiz_of.values() if q.exists()]
    failed = []
    executed = execute(to_execute, log=log, failed=failed)
    seconds_executing = time.monotonic() - start

    if out.exists():
        shutil.rmtree(out)
    (out / "lessons").mkdir(parents=True)
    (out / "quizzes").mkdir()
    copy_asset("mathjax", out / "_static" / "mathjax", keep=lambda rel: bool(MATHJAX_KEEP.match(rel)))
    shutil.copy2(TEMPLATES / "site.css", out / "_static" / "site.css")

    titles = short_titles()
    exporter = _exporter()
    widgets = {"widgets": 0, "pictures": 0, "missing": 0}
    for i, lesson in enumerate(lessons):
        if lesson.resolve() in executed:
            nb = load_executed(lesson, executed[lesson.resolve()])
        else:
            nb = nbformat.read(lesson, as_version=4)
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(NOT_EXECUTED))
        for key, n in replace_widget_outputs(nb).items():
            widgets[key] += n
        quiz = quiz_of[lesson.stem]
        course = {"root": "../",
                  "prev": _nav_entry(lessons[i - 1], titles, "lessons") if i > 0 else None,
                  "next": _nav_entry(lessons[i + 1], titles, "lessons") if i + 1 < len(lessons) else None,
                  "quiz": {"href": f"../quizzes/{quiz.stem}.html", "title": "Quiz"} if quiz.exists() else None}
        (out / "lessons" / f"{lesson.stem}.html").write_text(render(nb, course, exporter), encoding="utf-8")
    for quiz in quizzes:
        lesson = REPO / "lessons" / f"{quiz.stem.removesuffix('_quiz')}.ipynb"
        nb = nbformat.read(quiz, as_version=4)
        course = {"root": "../", "prev": _nav_entry(lesson, titles, "quizzes"), "next": None, "quiz": None}
        (out / "quizzes" / f"{quiz.stem}.html").write_text(render(nb, course, exporter), encoding="utf-8")
    (out / "index.html").write_text(index_html(lessons, quizzes), encoding="utf-8")

    pages = sorted(out.rglob("*.html"))
    pages = [p for p in pages if "_static" not in p.parts]
    summary = {"pages": len(pages), "lessons": len(lessons), "executed": len(to_execute), "quizzes": len(quizzes),
               "seconds": round(time.monotonic() - start, 1), "seconds_executing": round(seconds_executing, 1),
               **widgets}
    log(f"site: {summary['pages']} pages ({len(lessons)} lessons of which {len(to_execute)} executed, "
        f"{len(quizzes)} quizzes, index) in {out}; "
        f"{widgets['widgets']} widgets shown as {widgets['pictures']} still pictures; "
        f"{summary['seconds']} s ({summary['seconds_executing']} s executing)")
    if widgets["missing"]:
        failed.append(f"{widgets['missing']} widget outputs had no stored state: they would show nothing")
    if failed:
        raise SystemExit("the site was written, but:\n" + "\n".join(failed))
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "_site"), help="the folder to write (default _site)")
    parser.add_argument("--execute", nargs="*", metavar="NN",
                        help="execute only these lessons, e.g. 00 03; the rest are rendered as stored (default: all)")
    args = parser.parse_args(argv)
    build(Path(args.out), execute_only=args.execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
