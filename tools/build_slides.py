"""Each lesson as a reveal.js slide deck, offline.

    python tools/build_slides.py                 # or: make slides      -> _slides/NN_stem.slides.html
    python tools/build_slides.py --only 03

The decks are `jupyter nbconvert --to slides` of the executed lessons (tools/execute.py; shared with
`make site`, so a second build only renders), cut by the slide metadata tools/slide_metadata.py writes.
reveal.js 5.2.0 and MathJax 3 come from PyPI wheels (tools/site_assets.py) and sit beside the decks:
SlidesExporter.reveal_url_prefix = "reveal.js" points the template at _slides/reveal.js/. The template
(tools/templates/course_slides) loads no script from a CDN. Open a deck and press → / Space; S opens
the speaker notes. _slides/index.html lists the decks.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import MATHJAX_KEEP, TEMPLATES, _page, page_title, short_titles  # noqa: E402
from execute import execute, load_executed  # noqa: E402
from site_assets import copy_asset  # noqa: E402
from static_widgets import replace_widget_outputs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REVEAL_KEEP = ("dist/", "plugin/notes/")
THEME = "white"


# A link to a lesson from a lesson: "04_x.ipynb", "../lessons/04_x.ipynb", with an optional #anchor.
LESSON_HREF = re.compile(r'href="(?:\.\./lessons/)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def deck_links(html: str) -> str:
    """A link to another lesson opens its deck; other links (a quiz) are left as they are."""
    return LESSON_HREF.sub(lambda m: f'href="{m.group(1)}.slides.html{m.group(2) or ""}"', html)


def exporter() -> SlidesExporter:
    return SlidesExporter(template_name="course_slides", extra_template_basedirs=[str(TEMPLATES)],
                          extra_template_paths=[str(TEMPLATES / "course_site")],
                          reveal_url_prefix="reveal.js", reveal_theme=THEME)


def build(out: Path, only=None, log=print) -> dict:
    start = time.monotonic()
    lessons = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
    if only:
        lessons = [p for p in lessons if p.name[:2] in set(only)]
        if not lessons:
            raise SystemExit(f"--only {' '.join(only)}: no lesson has that number")
    failed = []
    executed = execute(lessons, log=log, failed=failed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_asset("reveal.js", out / "reveal.js", keep=lambda rel: rel.startswith(REVEAL_KEEP) and not rel.endswith(".map"))
    copy_asset("mathjax", out / "_static" / "mathjax", keep=lambda rel: bool(MATHJAX_KEEP.match(rel)))
    shutil.copy2(TEMPLATES / "site.css", out / "_static" / "site.css")
    slides = exporter()
    titles = short_titles()
    decks = []
    for lesson in lessons:
        nb = load_executed(lesson, executed[lesson.resolve()])
        replace_widget_outputs(nb)
        nb.metadata["title"] = page_title(nb)
        body, _ = slides.from_notebook_node(nb, resources={"course": {"root": ""}})
        deck = out / f"{lesson.stem}.slides.html"
        deck.write_text(deck_links(body), encoding="utf-8")
        n_slides = body.count("<section")
        decks.append((lesson, deck, n_slides))
    items = "\n".join(f'<li><a href="{d.name}">{titles.get(l.stem, l.stem)}</a> ({n} slides and sub-slides)</li>'
                      for l, d, n in decks)
    (out / "index.html").write_text(_page("hpo-course slides", f"<h1>Slides</h1>\n<ul>\n{items}\n</ul>", root=""),
                                    encoding="utf-8")
    seconds = round(time.monotonic() - start, 1)
    log(f"slides: {len(decks)} decks, {sum(n for *_, n in decks)} sections in {out}; {seconds} s")
    if failed:
        raise SystemExit("the decks were written, but cells raised in:\n" + "\n".join(failed))
    return {"decks": len(decks), "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "_slides"), help="the folder to write (default _slides)")
    parser.add_argument("--only", nargs="*", help="lesson numbers, e.g. 03 (default: all)")
    args = parser.parse_args(argv)
    build(Path(args.out), only=args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
