"""The printable answer key (tools/build_key.py, `make key`): each question with its options, key,
explanation or rubric, as HTML and as a PDF printed by Chromium; and none of it on the student pages
of the site (the quizzes there are the questions only)."""
from __future__ import annotations

import os
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import build_key  # noqa: E402
import build_site  # noqa: E402

pytestmark = pytest.mark.browser
QUIZ = "03"


@pytest.fixture(scope="module")
def key(tmp_path_factory, browser):
    os.environ.setdefault("HPO_MINI_PRACTICE_LOG", "off")
    from hpo_mini.quiz.bank import get_bank

    out = tmp_path_factory.mktemp("key") / "_key"
    summary = build_key.build(out, only=[QUIZ], log=lambda *a: None, browser=browser)
    bank = get_bank(QUIZ)
    return out, summary, bank


def test_the_key_page_has_every_question_its_options_key_and_explanation(key):
    out, summary, bank = key
    page = (out / f"{bank.quiz_id}_key.html").read_text(encoding="utf-8")
    assert summary["pages"] == 1
    missing = []
    for q in bank.questions:
        if q.id not in page:
            missing.append(f"{q.id}: not on the page")
        for option in getattr(q, "options", None) or []:
            if build_key.markdown2html_mistune(option).strip()[3:-4][:40] not in page:
                missing.append(f"{q.id}: option {option[:40]!r} missing")
        if q.kind == "explain":
            if not all(build_key.markdown2html_mistune(item).strip()[3:-4][:30] in page for item in q.rubric):
                missing.append(f"{q.id}: a rubric item is missing")
    assert missing == []
    n_keyed = sum(q.kind != "explain" for q in bank.questions)
    assert page.count("Key:") == n_keyed and page.count("Why:") == n_keyed


def test_the_pdf_is_printed(key):
    out, summary, bank = key
    pdf = out / f"{bank.quiz_id}_key.pdf"
    assert summary["pdfs"] == 1 and pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 20_000, "a PDF this small holds no questions"


def test_the_site_quiz_page_shows_no_key(key, tmp_path):
    _, _, bank = key
    quiz = REPO / "quizzes" / f"{bank.quiz_id}_quiz.ipynb"
    import nbformat

    html = build_site.render(nbformat.read(quiz, as_version=4), {"root": "../", "prev": None, "next": None, "quiz": None},
                             build_site._exporter())
    leaked = [q.id for q in bank.questions if q.explanation and q.explanation[:60] in html]
    assert leaked == [], f"explanations (shown only after an answer) are on the student page: {leaked}"


def test_options_are_inserted_before_the_key_line_once():
    class Q:
        id, options, letters = "q.x", ["red", "blue"], ["a", "b"]

    class Bank:
        questions = [Q]

    markdown = "# K\n\n### 1. `q.x` · single choice\n\nWhich?\n\nKey: **a**. red\n\nWhy: because.\n"
    once = build_key.with_options(markdown, Bank)
    assert "Options:\n\n- **a**. red\n- **b**. blue\n\nKey: **a**" in once
    assert build_key.with_options(once, Bank) == once
