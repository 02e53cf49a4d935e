"""Numbers in a lesson's verdicts come from the run (issue 15: "every number in the prose is computed").

A lesson states what a run showed in markdown *verdicts*. A markdown paragraph is one if
  - its cell's metadata carries the tag "verdict" (the whole cell counts), or
  - it says so: the word "verdict", "held" or "did not hold" (any case; "held-out" does not count), or
  - it comes after a code cell inside a "Check the claim" section (from that heading to the next heading
    of the same or a higher level, which may sit inside a cell): there it reports what the code found.

Every number in a verdict must be accounted for by the notebook's own code, read without running it:
  - it appears in a code cell: a setting (`n_trials=60`), a literal in the print that builds the sentence
    ("HELD on all 5 seeds"), an assert's bound; comments do not count; or
  - it lies in an interval that an assert states: `assert 50 < ratio < 70` accounts for "about 60 times",
    `assert abs(share - 0.25) < 0.05` for "25%" (a percentage is also compared as a fraction). Only
    intervals no wider than their midpoint count, so `assert 0 <= p <= 1` accounts for nothing.
Numbers that need no computing are left out: years, citations (arXiv ids, §, eq./Table/Fig./Alg./p.,
journal volumes), lesson, section, claim and step numbers, list and heading numbers, inline code,
links, and digits that are part of a name (x_0, L2, 2^6's exponent).
"""
from __future__ import annotations

import ast
import io
import math
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted((REPO / "lessons").glob("*.ipynb"))

VERDICT_TAG = "verdict"
VERDICT_WORDS = re.compile(r"\bverdict\b|\bheld\b(?!-)|did not hold", re.IGNORECASE)
CHECK_HEADING = re.compile(r"^(#{1,6})\s.*check the claim", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)

# What is removed from markdown before numbers are read (order matters: code and links first).
NOT_PROSE = [
    re.compile(r"```.*?```", re.DOTALL),  # fenced code
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<[^>]+>"),  # html tags (<details>, <summary>)
    re.compile(r"https?://\S+|\b[\w.-]+\.(?:org|com|io|net)\b\S*"),  # addresses
    re.compile(r"arXiv:\s*[\d.v]+", re.IGNORECASE),
    re.compile(r"§\s*[\d.]+(?:\s*[–-]\s*[\d.]+)?"),
    re.compile(
        r"\b(?:eqs?|equations?|alg|algorithms?|tables?|figs?|figures?|ch|chapters?|sec|sections?|pp?|pages?|"
        r"appendix|lessons?|claims?|steps?|lines?|cells?|quiz|questions?|parts?|objectives?|drill)\.?\s*"
        r"\d[\d.]*[a-z]?(?:\s*(?:[–,-]|and|or|to)\s*\d[\d.]*[a-z]?)*",
        re.IGNORECASE,
    ),
    re.compile(r"\b[A-Z][A-Za-z&.]*\*?\s+\d+\s*:\s*\d+(?:\s*[–-]\s*\d+)?"),  # volume:pages, "JMLR 13:281–305"
    re.compile(r"\b(?:JMLR|JASA|TKDD|KDD|NeurIPS|ICML|ICLR|AISTATS|Learning|Statistics|Bioinformatics)\s+\d+"),
    re.compile(r"(?<![\d.,])(?:19|20)\d\d[a-z]?(?![\d.,]*\d)"),  # years: 1979, 2012, 2012a
    re.compile(r"^\s*(?:#{1,6}\s*)?\d+[.·)]\s", re.MULTILINE),  # list items and numbered headings
    re.compile(r"\[[EMH]\]\s*\d+\.?"),  # drill tags "[M] 3."
    re.compile(r"[_^]\{[^}]*\}|[_^][\w.]+"),  # sub- and superscripts: x_0, x_{i}, 2^6 keeps the 2
    re.compile(r"\b[A-Za-z]+\d[\w]*"),  # names with digits: L2, x0, log10, q04
    re.compile(r"\b[A-Z]\w*-\d+(?:/\d+)?"),  # named things: ResNet-50, Hartmann-6, Matérn-5/2
]
POWER_OF_TEN = re.compile(r"10\s*\^\s*\{?\s*([-−]?\d+)\s*\}?")
NUMBER = re.compile(r"(?<![\w.\\])(\d{1,3}(?:(?:,|\{,\}|\\,)\d{3})+|\d+(?:\.\d+)?|\.\d+)(\s*\\?%)?")


# -- reading the prose -------------------------------------------------------------------------------
def prose_numbers(markdown: str) -> list[tuple[str, float, bool]]:
    """(text as written, value, is a percentage) of every number in `markdown` that needs computing."""
    text = markdown
    for pattern in NOT_PROSE[:5]:
        text = pattern.sub(" ", text)
    found = []
    # Powers of ten first ("$10^{-13}$"), then the exponent is gone and the rest is read as usual.
    for match in POWER_OF_TEN.finditer(text):
        found.append((match.group(0), 10.0 ** int(match.group(1).replace("−", "-")), False))
    text = POWER_OF_TEN.sub(" ", text)
    for pattern in NOT_PROSE[5:]:
        text = pattern.sub(" ", text)
    for match in NUMBER.finditer(text):
        digits = re.sub(r"\{,\}|\\,|,", "", match.group(1))
        found.append((match.group(0).strip(), float(digits), bool(match.group(2))))
    return found


def verdict_paragraphs(nb) -> list[tuple[int, str]]:
    """(cell index, paragraph) of every markdown paragraph that reports what a run showed.

    A tagged cell counts whole; otherwise a paragraph counts if it has a verdict word, or if it sits in a
    "Check the claim" section below a code cell of that section. A heading inside a cell closes or opens
    a section there, so a cell can end one section's verdict and start the next topic.
    """
    chosen, check_level, code_seen = [], None, False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            code_seen = code_seen or check_level is not None
            continue
        if cell.cell_type != "markdown":
            continue
        tagged = VERDICT_TAG in cell.metadata.get("tags", [])
        starts = [m.start() for m in HEADING.finditer(cell.source)]
        bounds = [0, *[s for s in starts if s > 0], len(cell.source)]
        for a, b in zip(bounds, bounds[1:]):
            segment = cell.source[a:b]
            heading = HEADING.match(segment)
            if heading:
                level = len(heading.group(1))
                if check_level is not None and level <= check_level:
                    check_level, code_seen = None, False
                opened = CHECK_HEADING.match(segment)
                if opened:
                    check_level, code_seen = len(opened.group(1)), False
            reports = check_level is not None and code_seen
            for paragraph in (p.strip() for p in re.split(r"\n\s*\n", segment)):
                if paragraph and (tagged or reports or VERDICT_WORDS.search(paragraph)):
                    chosen.append((i, paragraph))
    return chosen


# -- reading the code --------------------------------------------------------------------------------
def _python(source: str) -> str:
    """Cell source without IPython magics and shell lines, which neither tokenize nor ast can read."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def code_numbers(source: str) -> set[float]:
    """Numbers a code cell writes down: numeric literals, and numbers inside its strings (not comments)."""
    values = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(_python(source)).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        tokens = []
    for token in tokens:
        if token.type == tokenize.NUMBER:
            try:
                values.add(abs(float(ast.literal_eval(token.string.replace("_", "")))))
            except (ValueError, SyntaxError, TypeError):
                pass
        elif token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            values.update(value for _, value, _ in prose_numbers(token.string))
    return values


def _constant(node):
    """The value of a constant arithmetic expression (`4 / 39`, `-1e6`, `1 / 1.5`), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        left, right = _constant(node.left), _constant(node.right)
        if left is None or right is None:
            return None
        try:
            return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right,
                    ast.Div: left / right if right else None, ast.Pow: left**right}.get(type(node.op))
        except OverflowError:
            return None
    return None


def _bounds(compare: ast.Compare):
    """(expression text, lower, upper) pairs that one comparison states."""
    items = [compare.left, *compare.comparators]
    out = []
    for (a, op, b) in zip(items, compare.ops, items[1:]):
        ca, cb = _constant(a), _constant(b)
        if isinstance(op, (ast.Lt, ast.LtE)):
            if ca is not None and cb is None:
                out.append((ast.unparse(b), ca, None))
            elif cb is not None and ca is None:
                out.append((ast.unparse(a), None, cb))
        elif isinstance(op, (ast.Gt, ast.GtE)):
            if ca is not None and cb is None:
                out.append((ast.unparse(b), None, ca))
            elif cb is not None and ca is None:
                out.append((ast.unparse(a), cb, None))
    return out


def _abs_interval(compare: ast.Compare):
    """`abs(E - c) < t` -> [c - t, c + t];  `abs(E / c - 1) < t` -> [c (1 - t), c (1 + t)]."""
    if len(compare.ops) != 1 or not isinstance(compare.ops[0], (ast.Lt, ast.LtE)):
        return None
    call, tol = compare.left, _constant(compare.comparators[0])
    if tol is None or not (isinstance(call, ast.Call) and ast.unparse(call.func) in ("abs", "np.abs", "numpy.abs")):
        return None
    inner = call.args[0] if len(call.args) == 1 else None
    if not (isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub)):
        return None
    centre = _constant(inner.right)
    if centre is None or _constant(inner.left) is not None:
        return None
    if centre == 1.0 and isinstance(inner.left, ast.BinOp) and isinstance(inner.left.op, ast.Div):
        scale = _constant(inner.left.right)  # abs(E / c - 1) < t; with a variable c it states no interval
        return None if scale is None else (scale * (1 - tol), scale * (1 + tol))
    return (centre - tol, centre + tol)


def asserted_intervals(source: str) -> list[tuple[float, float]]:
    """Two-sided intervals that the asserts of a code cell state about one expression."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return []
    intervals = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        lower, upper = {}, {}
        for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            interval = _abs_interval(compare)
            if interval:
                intervals.append(interval)
            for expr, lo, hi in _bounds(compare):
                if lo is not None:
                    lower[expr] = max(lo, lower.get(expr, -math.inf))
                if hi is not None:
                    upper[expr] = min(hi, upper.get(expr, math.inf))
        intervals += [(lower[e], upper[e]) for e in lower if e in upper]
    return [(lo, hi) for lo, hi in intervals if lo <= hi and hi - lo <= abs(lo + hi) / 2]


# -- the check ---------------------------------------------------------------------------------------
def _accounted(value: float, percent: bool, literals: set[float], intervals) -> bool:
    candidates = [value, value / 100] if percent else [value]
    for v in candidates:
        if any(math.isclose(v, c, rel_tol=1e-9, abs_tol=1e-12) for c in literals):
            return True
        if any(lo <= v <= hi for lo, hi in intervals):
            return True
    return False


def unaccounted_numbers(nb) -> list[str]:
    """One line per number in a verdict cell that no code cell of `nb` sets, prints or asserts."""
    codes = [c.source for c in nb.cells if c.cell_type == "code"]
    literals = set().union(*(code_numbers(s) for s in codes)) if codes else set()
    intervals = [iv for s in codes for iv in asserted_intervals(s)]
    problems = []
    for i, paragraph in verdict_paragraphs(nb):
        for written, value, percent in prose_numbers(paragraph):
            if not _accounted(abs(value), percent, literals, intervals):
                start = paragraph.find(written)
                context = paragraph[max(0, start - 50): start + len(written) + 30].replace("\n", " ")
                problems.append(f"cell {i}: {written!r} in \"...{context}...\"")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_verdict_numbers_are_computed(path):
    problems = unaccounted_numbers(nbformat.read(path, as_version=4))
    assert not problems, (
        f"{path.name}: numbers in verdicts that no code cell sets, prints or asserts. Build the sentence "
        "in the code cell that computes it (print(f'... {ratio:.0f} times ...')) and refer to 'the number "
        "printed above', or assert the value next to that code (assert 50 < ratio < 70, ratio):\n  "
        + "\n  ".join(problems)
    )


# -- the detector on notebooks with a known answer ---------------------------------------------------
def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, *tags in cells:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source, metadata={"tags": list(tags)} if tags else {}))
    return nb


COMPUTE = ("code", "ratio = shifted_median / random_median\nprint(f'{ratio:.0f} times lower')")


def test_a_typed_number_in_a_verdict_is_caught():
    nb = _notebook(("markdown", "## Check the claim: random beats grid"), COMPUTE,
                   ("markdown", "**Verdict:** the claim held: random search's median is about 60 times lower."))
    problems = unaccounted_numbers(nb)
    assert len(problems) == 1 and "'60'" in problems[0] and problems[0].startswith("cell 2"), problems


def test_an_assert_that_brackets_the_number_accounts_for_it():
    asserted = ("code", COMPUTE[1] + "\nassert 50 < ratio < 70, ratio")
    nb = _notebook(("markdown", "## Check the claim"), asserted, ("markdown", "It held: about 60 times lower."))
    assert unaccounted_numbers(nb) == []
    too_wide = ("code", COMPUTE[1] + "\nassert 0 < ratio < 1000, ratio")  # says nothing about 60
    assert len(unaccounted_numbers(_notebook(too_wide, ("markdown", "Verdict: about 60 times.")))) == 1
    tolerance = ("code", "assert abs(share - 0.25) < 0.05")
    assert unaccounted_numbers(_notebook(tolerance, ("markdown", "Verdict: a quarter, 26% here."))) == []
    relative = ("code", "assert abs(ratio / 60 - 1) < 0.2 and abs(counted / theory - 1) < 0.1")
    assert unaccounted_numbers(_notebook(relative, ("markdown", "Verdict: about 55 times."))) == []
    assert len(unaccounted_numbers(_notebook(relative, ("markdown", "Verdict: counted 1.05 of it.")))) == 1


def test_settings_and_printed_literals_account_for_numbers():
    nb = _notebook(("code", "study = optimize(f, RandomSearch(space, seed=s), n_trials=60)\n"
                            "print('HELD on all 5 seeds')  # about 95% -- a comment accounts for nothing"),
                   ("markdown", "Verdict: held on all 5 seeds with 60 trials; 95% of the time."))
    problems = unaccounted_numbers(nb)
    assert len(problems) == 1 and "'95%'" in problems[0], problems


def test_citations_years_and_names_are_not_numbers_to_compute():
    text = ("The claim held (Bergstra & Bengio 2012, JMLR 13:281–305; R&W eq. 4.3, §5.4.1, arXiv:1706.03200): "
            "see lesson 05, section 4 and `n_trials=17`; x_0, L2, Matérn-5/2, ResNet-50 (*JASA* 99:250–261) "
            "[read](../x/03_y.ipynb).")
    assert prose_numbers(text) == []
    assert [v for _, v, _ in prose_numbers("about 1{,}875 min, $10^{-13}$ and 20,000 draws, 95%")] == [
        1e-13, 1875.0, 20000.0, 95.0]


def test_which_paragraphs_are_verdicts():
    nb = _notebook(
        ("markdown", "## 2. Setup: 40 trials"),  # 0: before any check, no verdict words
        ("markdown", "### Check the claim: x"),  # 1: opens the section; no code yet above it
        ("markdown", "The check: 20 seeds."),  # 2: in the section but before its code: the setup
        ("code", "x = 1"),
        ("markdown", "Here it came out 0.3."),  # 4: after code inside the section
        ("markdown", "## 5. Next topic"),  # 5: closes the section
        ("markdown", "A held-out set of 300 rows."),  # 6: "held-out" is not "held"
        ("markdown", "It did not hold here."),  # 7: verdict words
        ("markdown", "Measured: 7 of 9.", "verdict"),  # 8: tagged
    )
    assert [i for i, _ in verdict_paragraphs(nb)] == [4, 7, 8]
    closing = _notebook(("markdown", "## Check the claim"), ("code", "x = 1"),
                        ("markdown", "It came out 0.3.\n\nMore on that.\n\n## Drill\n\nA 500-trial study."))
    assert [p for _, p in verdict_paragraphs(closing)] == ["It came out 0.3.", "More on that."]
