"""The offline course site (tools/build_site.py, `make site`) as a reader meets it in Chromium.

The site is built into a temporary folder and served on 127.0.0.1. The crawl starts at index.html and
follows every internal link (fragments included: the target page must hold the anchor), until every page
of the site has been opened. On each page: the HTTP status, JavaScript errors, MathJax's typesetting
(elements rendered, none in error, no "Math Processing Error"), every <img> loaded (naturalWidth > 0)
with real alt text, and every request the page made: none may leave 127.0.0.1.

Which lessons are executed: SITE_EXECUTE (lesson numbers, default "03 04": a widget, figures and heavy
math; "all" for every lesson). The others are rendered without outputs, so every page and link is still
there. Executed copies are cached in build/executed/ (tools/execute.py), so after `make site` this
build only renders. A summary of what was seen goes to test-artifacts/site_summary.json, with
screenshots of the index and of lesson 03.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import threading
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest

from conftest import ARTIFACTS, REPO

sys.path.insert(0, str(REPO / "tools"))
import build_site  # noqa: E402

pytestmark = pytest.mark.browser
DEFAULT_EXECUTE = ("03", "04")
MATHJAX_TIMEOUT_MS = 60_000
PAGE_PROBE_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    const imgs = [...document.images];
    return {
        title: document.title,
        mathjax: !!(window.MathJax && MathJax.startup),
        math: document.querySelectorAll('mjx-container').length,
        math_errors: document.querySelectorAll('mjx-merror').length,
        processing_error: document.body.innerText.includes('Math Processing Error'),
        tex_left: (document.body.innerText.match(/\\$\\$|\\\\begin\\{/g) || []).length,
        images: imgs.length,
        broken_images: imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src.slice(0, 80)),
        no_alt: imgs.filter((i) => !i.alt || i.alt.startsWith('No description')).map((i) => i.src.slice(0, 80)),
        ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
        links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
        nav: [...document.querySelectorAll('nav.course-nav-top a')].map((a) => a.textContent.trim()),
        widgets: document.querySelectorAll('.static-widget img').length,
    };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def serve():
    """serve(folder) -> base URL of an HTTP server on 127.0.0.1 for that folder (stopped after the module)."""
    servers = []

    def start(folder: Path) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def site_execute_list():
    value = os.environ.get("SITE_EXECUTE", " ".join(DEFAULT_EXECUTE)).split()
    return None if value == ["all"] else value


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    summary = build_site.build(out, execute_only=site_execute_list(), log=lambda *a: None)
    return out, summary


def crawl(browser, base: str) -> dict:
    """Open index.html, follow every internal link; return what every page showed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, js_errors = [], []
    context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:", "about:")) else outside.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: js_errors.append(f"{page.url}: {e}"))
    seen, links_followed, anchors, broken = {}, 0, [], []
    queue = deque([urljoin(base, "index.html")])
    try:
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            response = page.goto(url)
            if response is None or response.status != 200:
                broken.append(f"{url}: HTTP {response.status if response else 'no response'}")
                seen[url] = None
                continue
            page.wait_for_function("() => document.readyState === 'complete'")
            seen[url] = probe = page.evaluate(PAGE_PROBE_JS)
            for link in probe["links"]:
                if not link.startswith(base):
                    continue
                links_followed += 1
                target, fragment = urldefrag(link)
                if fragment:
                    anchors.append((url, target, fragment))
                if target not in seen:
                    queue.append(target)
        for source, target, fragment in anchors:
            if seen.get(target) is not None and fragment not in seen[target]["ids"]:
                broken.append(f"{source}: #{fragment} is not an id on {target}")
        for name, path in (("site_index", "index.html"), ("site_lesson03", "lessons/03_grid_and_random.html")):
            page.goto(urljoin(base, path))
            page.evaluate(PAGE_PROBE_JS)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    finally:
        context.close()
    return {"pages": seen, "links_followed": links_followed, "anchors": len(anchors), "broken": broken,
            "outside": outside, "js_errors": js_errors}


@pytest.fixture(scope="module")
def crawled(browser, site, serve):
    out, summary = site
    result = crawl(browser, serve(out))
    pages = {url: p for url, p in result["pages"].items() if p is not None}
    report = {"build": summary, "pages_opened": len(result["pages"]), "links_followed": result["links_followed"],
              "anchors_checked": result["anchors"], "math_elements": sum(p["math"] for p in pages.values()),
              "images": sum(p["images"] for p in pages.values()),
              "widget_pictures": sum(p["widgets"] for p in pages.values()),
              "per_page": {url.rsplit("/", 2)[-1]: {k: p[k] for k in ("title", "math", "images", "nav")}
                           for url, p in pages.items()}}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site_summary.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return out, result, pages


def test_every_page_is_reached_from_the_index_and_every_link_opens(crawled):
    out, result, _ = crawled
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "_static" not in p.parts)
    opened = sorted(url.split("/", 3)[3] for url in result["pages"])
    assert result["broken"] == []
    assert opened == files, f"pages not reached from index.html: {sorted(set(files) - set(opened))}"
    assert result["links_followed"] > len(files), "fewer internal links than pages: the navigation is missing"


def test_no_request_leaves_the_machine_and_no_script_fails(crawled):
    _, result, _ = crawled
    assert result["outside"] == [], f"requests to other hosts: {sorted(set(result['outside']))[:10]}"
    assert result["js_errors"] == []


def test_math_is_typeset_on_every_page_that_has_it(crawled):
    out, _, pages = crawled
    problems = []
    for url, p in pages.items():
        if p["math_errors"] or p["processing_error"] or p["tex_left"]:
            problems.append(f"{url}: {p['math_errors']} MathJax errors, 'Math Processing Error' shown: "
                            f"{p['processing_error']}, {p['tex_left']} untypeset $$ or \\begin left")
        if "/lessons/" in url and (not p["mathjax"] or p["math"] == 0):
            problems.append(f"{url}: no typeset math (MathJax loaded: {p['mathjax']})")
    assert problems == []
    assert sum(p["math"] for p in pages.values()) > 100


def test_images_load_and_carry_alt_text(crawled):
    _, _, pages = crawled
    broken = {url: p["broken_images"] for url, p in pages.items() if p["broken_images"]}
    no_alt = {url: p["no_alt"] for url, p in pages.items() if p["no_alt"]}
    assert broken == {} and no_alt == {}
    executed = [p for url, p in pages.items() if url.endswith("03_grid_and_random.html")]
    if "03" in (site_execute_list() or ["03"]):
        assert executed and executed[0]["images"] >= 3, "lesson 03 was executed but shows fewer than 3 figures"
        assert executed[0]["widgets"] >= 1, "lesson 03's coverage explorer is not shown as a still picture"


def test_lesson_pages_link_previous_index_and_next(crawled):
    _, _, pages = crawled
    lesson_pages = sorted(url for url in pages if "/lessons/" in url)
    assert lesson_pages, "no lesson page was reached"
    for i, url in enumerate(lesson_pages):
        nav = pages[url]["nav"]
        assert "Course map" in nav, f"{url}: navigation {nav}"
        assert (i == 0) == (not nav[0].startswith("←")), f"{url}: previous link {nav}"
        assert (i == len(lesson_pages) - 1) == (not nav[-1].endswith("→")), f"{url}: next link {nav}"


def test_no_notebook_link_is_left_in_the_pages(site):
    out, _ = site
    left = {p.name: build_site.NOTEBOOK_HREF.findall(p.read_text(encoding="utf-8"))
            for p in out.rglob("*.html") if "_static" not in p.parts}
    assert {name: hrefs for name, hrefs in left.items() if hrefs} == {}


def test_the_link_rewriter_keeps_anchors_and_leaves_other_links():
    html = '<a href="../quizzes/q.ipynb#part">q</a> <a href="https://x.org/a.ipynb">w</a> <a href="#top">t</a>'
    assert build_site.notebook_href(html) == ('<a href="../quizzes/q.html#part">q</a> '
                                              '<a href="https://x.org/a.ipynb">w</a> <a href="#top">t</a>')
