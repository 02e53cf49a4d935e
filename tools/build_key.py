"""The printable answer key: one HTML page per quiz (and a PDF of it, when Chromium is there).

    python tools/build_key.py                  # or: make key      -> _key/NN_stem_key.html (+ .pdf)
    python tools/build_key.py --only 03 --no-pdf

The text is hpo_mini.quiz.handout.answer_key_markdown (the key `make handout` prints: each question,
its key from solutions/keys/, the explanation, or the model answer and the rubric), one quiz at a time.
For a choice question it lists the options first (the bank's, in order) when that text does not already.
Math renders with the local MathJax 3 (tools/site_assets.py). The PDF is Chromium's print of the page
(Playwright with /usr/bin/chromium, as the browser tests use); without them the HTML is written alone.
For the instructor only: keep _key/ out of anything handed to students.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

from nbconvert.filters.markdown_mistune import markdown2html_mistune

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import MATHJAX_KEEP, TEMPLATES  # noqa: E402
from site_assets import copy_asset  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
QUESTION_HEADING = re.compile(r"^### (\d+)\. `([^`]+)`", re.M)
PRINT_CSS = """
body { font-family: system-ui, sans-serif; max-width: 900px; margin: 1em auto; padding: 0 1em; line-height: 1.4; }
h3 { margin-top: 1.4em; border-top: 1px solid #bbb; padding-top: 0.6em; break-after: avoid; }
pre { background: #f4f4f4; padding: 0.5em; white-space: pre-wrap; }
ol.options { list-style: lower-alpha; }
.anchor-link { display: none; }
@media print { body { margin: 0; max-width: none; } h3 { break-inside: avoid; } }
"""


def with_options(markdown: str, bank) -> str:
    """The key's markdown with each choice question's options listed before its key line."""
    questions = {q.id: q for q in bank.questions}
    blocks = QUESTION_HEADING.split(markdown)
    out = [blocks[0]]
    for number, qid, body in zip(blocks[1::3], blocks[2::3], blocks[3::3]):
        q = questions.get(qid)
        options = list(getattr(q, "options", None) or [])
        if options and "Options:" not in body and "\nKey: " in body:
            listing = "Options:\n\n" + "\n".join(f"- **{letter}**. {text}" for letter, text in zip(q.letters, options))
            body = body.replace("\nKey: ", f"\n{listing}\n\nKey: ", 1)
        out.append(f"### {number}. `{qid}`{body}")
    return "".join(out)


def key_html(markdown: str, title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>window.MathJax = {{tex: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true}}}};</script>
<script defer src="_static/mathjax/tex-chtml.js"></script>
<style>{PRINT_CSS}</style></head>
<body><main>
{markdown2html_mistune(markdown)}
</main></body></html>
"""


def print_pdfs(pages: list[Path], log=print, browser=None) -> list[Path]:
    """Each page printed to PDF by headless Chromium, after MathJax has typeset it. `browser`: a Playwright
    Chromium already running (the browser tests'); by default one is started and stopped here."""
    if browser is not None:
        return _print_with(browser, pages)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        log("no PDF: playwright is not installed (the test install has it: pip install -e '.[dev]'); "
            "the HTML pages print from any browser")
        return []
    if not CHROMIUM.exists():
        log(f"no PDF: {CHROMIUM} is missing (apt-get install -y chromium); the HTML pages print from any browser")
        return []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            return _print_with(browser, pages)
        finally:
            browser.close()


def _print_with(browser, pages: list[Path]) -> list[Path]:
    written = []
    page = browser.new_page()
    try:
        for html_path in pages:
            page.goto(html_path.resolve().as_uri())
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
            page.evaluate("() => MathJax.startup.promise")
            pdf = html_path.with_suffix(".pdf")
            page.pdf(path=str(pdf), format="A4", print_background=True,
                     margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
            written.append(pdf)
    finally:
        page.close()
    return written


def build(out: Path, only=None, pdf=True, log=print, browser=None) -> dict:
    os.environ.setdefault("HPO_MINI_PRACTICE_LOG", "off")
    from hpo_mini.quiz.bank import all_quizzes, get_bank
    from hpo_mini.quiz.handout import answer_key_markdown

    start = time.monotonic()
    quiz_ids = [get_bank(q).quiz_id for q in only] if only else list(all_quizzes())
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_asset("mathjax", out / "_static" / "mathjax", keep=lambda rel: bool(MATHJAX_KEEP.match(rel)))
    pages = []
    for quiz_id in quiz_ids:
        bank = get_bank(quiz_id)
        markdown = with_options(answer_key_markdown([quiz_id], root=str(REPO)), bank)
        page = out / f"{quiz_id}_key.html"
        page.write_text(key_html(markdown, f"Answer key: {bank.title}"), encoding="utf-8")
        pages.append(page)
    items = "\n".join(f'<li><a href="{p.name}">{get_bank(q).title}</a>' +
                      (f' (<a href="{p.with_suffix(".pdf").name}">PDF</a>)' if pdf else "") + "</li>"
                      for q, p in zip(quiz_ids, pages))
    (out / "index.html").write_text(f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Answer keys</title><link rel="stylesheet" href="{'_static/site.css'}"></head>
<body class="course-index"><main><h1>Answer keys (instructor only)</h1><ul>{items}</ul></main></body></html>
""", encoding="utf-8")
    shutil.copy2(TEMPLATES / "site.css", out / "_static" / "site.css")
    pdfs = print_pdfs(pages, log=log, browser=browser) if pdf else []
    seconds = round(time.monotonic() - start, 1)
    log(f"key: {len(pages)} HTML pages, {len(pdfs)} PDFs in {out}; {seconds} s")
    return {"pages": len(pages), "pdfs": len(pdfs), "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "_key"), help="the folder to write (default _key)")
    parser.add_argument("--only", nargs="*", help="quiz numbers, e.g. 03 05 (default: all)")
    parser.add_argument("--no-pdf", action="store_true", help="HTML only")
    args = parser.parse_args(argv)
    build(Path(args.out), only=args.only, pdf=not args.no_pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
