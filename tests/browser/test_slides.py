"""A lesson's reveal.js deck (tools/build_slides.py, `make slides`) presented in Chromium: it starts,
the Right arrow steps through it (each press changes the slide or shows the next fragment), the Down
arrow enters a sub-slide, math is typeset, and nothing is fetched from another host.

The deck is lesson SLIDES_LESSON (default 03), built into a temporary folder from the executed copy
that tools/execute.py caches (the same one `make site` uses)."""
from __future__ import annotations

import os
import sys

import pytest

from conftest import ARTIFACTS, REPO

sys.path.insert(0, str(REPO / "tools"))
import build_slides  # noqa: E402
from test_site import serve  # noqa: E402,F401  (the fixture: a folder served on 127.0.0.1)

pytestmark = pytest.mark.browser
MAX_STEPS = 200  # key presses: a hang detector, more than any lesson's slides and fragments
INDICES_JS = "() => { const i = Reveal.getIndices(); return [i.h, i.v, i.f === undefined ? -1 : i.f]; }"


@pytest.fixture(scope="module")
def deck(tmp_path_factory, serve):
    lesson = os.environ.get("SLIDES_LESSON", "03")
    out = tmp_path_factory.mktemp("slides") / "_slides"
    build_slides.build(out, only=[lesson], log=lambda *a: None)
    decks = sorted(out.glob(f"{lesson}_*.slides.html"))
    assert len(decks) == 1, f"expected one deck for lesson {lesson} in {out}, found {decks}"
    return serve(out) + decks[0].name


def test_the_deck_steps_forward_with_the_right_arrow(browser, deck):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, js_errors = [], []
    origin = deck.split("/", 3)[:3]
    base = "/".join(origin) + "/"
    context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    try:
        page.goto(deck)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        total = page.evaluate("() => Reveal.getTotalSlides()")
        horizontal = page.evaluate("() => Reveal.getHorizontalSlides().length")
        assert horizontal >= 5, f"only {horizontal} slides: is the slide metadata missing (tools/slide_metadata.py)?"
        page.locator(".reveal").click()  # keyboard focus on the deck
        seen = [tuple(page.evaluate(INDICES_JS))]
        while seen[-1][0] < horizontal - 1 and len(seen) <= MAX_STEPS:
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(100)
            seen.append(tuple(page.evaluate(INDICES_JS)))
            assert seen[-1] != seen[-2], f"ArrowRight #{len(seen) - 1} left the deck at {seen[-1]} (seen: {seen})"
        assert sorted({h for h, _, _ in seen}) == list(range(horizontal)), f"slides skipped by ArrowRight: {seen}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "slides_after_right_arrows.png"))

        # A slide with sub-slides: Down enters them.
        with_sub = page.evaluate("""() => Reveal.getHorizontalSlides().findIndex(
            (s) => s.querySelectorAll(':scope > section').length > 1)""")
        assert with_sub >= 0, "no slide has sub-slides"
        page.evaluate(f"() => Reveal.slide({with_sub}, 0)")
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(150)
        assert page.evaluate(INDICES_JS)[:2] == [with_sub, 1]

        math = page.evaluate("() => document.querySelectorAll('mjx-container').length")
        errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
        assert math > 20 and errors == 0, f"{math} typeset formulas, {errors} in error"
        assert total >= horizontal
    finally:
        context.close()
    assert outside == [], f"requests to other hosts: {sorted(set(outside))[:10]}"
    assert js_errors == []


def test_lesson_links_in_a_deck_open_decks():
    html = '<a href="04_gaussian_processes.ipynb#x">a</a> <a href="../lessons/05_b.ipynb">b</a> <a href="../quizzes/03_q.ipynb">q</a>'
    assert build_slides.deck_links(html) == ('<a href="04_gaussian_processes.slides.html#x">a</a> '
                                             '<a href="05_b.slides.html">b</a> <a href="../quizzes/03_q.ipynb">q</a>')
