"""Every colour a course figure names is colour-blind safe: the Okabe-Ito palette of hpo_mini/viz/style.py.

style.apply() makes the palette matplotlib's colour cycle, but a colour a figure names itself ("tab:red")
bypasses the cycle. This test reads the source of every hpo_mini/viz module, and of quiz/review.py (which
draws the practice review), with `ast`, and collects the string literals used as colours:

- keyword arguments COLOUR_KEYWORDS (color=, c=, mfc=, ...) and cmap=: a literal, or each literal of a
  list, tuple or conditional expression (`color="C3" if best else "C1"`);
- the value of such a key in a dict literal (`arrowprops={"color": ...}`);
- the first argument of set_color / set_facecolor / set_edgecolor;
- the colour letter of a plot format string (`ax.plot(x, y, "r--")`);
- a colour map looked up by name (`colormaps["jet"]`, `get_cmap("jet")`);
- any other literal that is a named matplotlib hue ("tab:green", "orange", "xkcd:red"): a module constant
  (`GOOD = "tab:green"`) that a colour argument uses later.

Allowed colours: "C0".."C7" (the cycle), an OKABE_ITO hex, black, white, "none", greys (a name in GREYS or a
grey level such as "0.6"). Allowed colour maps: ALLOWED_CMAPS (perceptually uniform sequential ones, and
the diverging PuOr and BrBG, all readable without red-green distinction), each also reversed (_r).

Source: Okabe & Ito (2008), https://jfly.uni-koeln.de/color/; matplotlib's colormap guide
(https://matplotlib.org/stable/users/explain/colors/colormaps.html): viridis .. inferno and cividis are
perceptually uniform and legible to colour-blind readers; jet, rainbow and RdYlGn are not.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from matplotlib import colors as mcolors

from hpo_mini.viz.style import OKABE_ITO

PACKAGE = Path(__file__).resolve().parents[3] / "hpo_mini"
SOURCES = sorted((PACKAGE / "viz").glob("*.py")) + [PACKAGE / "quiz" / "review.py"]

COLOUR_KEYWORDS = {"color", "colors", "c", "facecolor", "facecolors", "edgecolor", "edgecolors", "ecolor",
                   "mfc", "mec", "markerfacecolor", "markeredgecolor"}
SETTERS = {"set_color", "set_facecolor", "set_edgecolor", "set_markerfacecolor", "set_markeredgecolor"}
PLOT_CALLS = {"plot", "semilogx", "semilogy", "loglog", "step"}  # (x, y, fmt): fmt may name a colour letter
PALETTE = {f"C{i}" for i in range(len(OKABE_ITO))} | {h.lower() for h in OKABE_ITO}
NEUTRALS = {"black", "white", "k", "w", "none"}
GREYS = {"gray", "grey", "tab:gray", "tab:grey", "lightgray", "lightgrey", "darkgray", "darkgrey", "silver"}
ALLOWED_CMAPS = {"viridis", "cividis", "magma", "plasma", "inferno", "Greys", "gray", "PuOr", "BrBG"}
ALLOWED_CMAPS |= {f"{name}_r" for name in ALLOWED_CMAPS}
# Named hues matplotlib knows ("tab:red", "orange", "xkcd:red"): a literal equal to one is a colour.
NAMED_HUES = {name.lower() for table in (mcolors.TABLEAU_COLORS, mcolors.CSS4_COLORS, mcolors.XKCD_COLORS)
              for name in table} - {n.lower() for n in NEUTRALS | GREYS}
FMT_COLOURS = set("bgrcmy")  # the format-string colour letters; k and w (black, white) are neutral
FMT_CHARS = set("-.:,ov^<>1234sp*hH+xXDd|_8") | FMT_COLOURS | set("kw")
FIX = ('use "C0".."C7" (blue, orange, green, vermillion, purple, sky blue, black, yellow), black/white or a '
       'grey; cmaps: viridis/cividis (sequential) or PuOr/BrBG (diverging)')


def is_allowed_colour(value: str) -> bool:
    text = value.strip()
    if text in PALETTE or text.lower() in PALETTE or text.lower() in NEUTRALS or text.lower() in GREYS:
        return True
    try:
        return 0.0 <= float(text) <= 1.0  # a grey level, "0.6"
    except ValueError:
        return False


def _literals(node):
    """The string literals an expression evaluates to, where it is plainly one: a constant, the elements
    of a list / tuple / set, both branches of `a if cond else b`, the operands of `a or b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literals(value)


def _name(node) -> str:
    """`name` for `name` or `something.name`, else ""."""
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _call_name(call: ast.Call) -> str:
    return _name(call.func)


def _is_colour_fmt(text: str) -> bool:
    return 0 < len(text) <= 4 and set(text) <= FMT_CHARS and bool(set(text) & FMT_COLOURS)


def scan(source: str, filename: str = "<source>") -> list[str]:
    """Every colour literal in `source` that is not colour-blind safe, as "file:line: 'literal' (where)"."""
    tree = ast.parse(source, filename)
    found = {}  # id of the Constant node -> message; a literal is reported once, by its most precise rule

    def report(node, where, ok):
        if not ok(node.value) and id(node) not in found:
            found[id(node)] = (node.lineno, f"{filename}:{node.lineno}: {node.value!r} ({where})")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            for keyword in node.keywords:
                if keyword.arg in COLOUR_KEYWORDS:
                    for literal in _literals(keyword.value):
                        report(literal, f"{keyword.arg}=", is_allowed_colour)
                elif keyword.arg == "cmap":
                    for literal in _literals(keyword.value):
                        report(literal, "cmap=", ALLOWED_CMAPS.__contains__)
            if name in SETTERS and node.args:
                for literal in _literals(node.args[0]):
                    report(literal, f"{name}()", is_allowed_colour)
            if name == "get_cmap" and node.args:
                for literal in _literals(node.args[0]):
                    report(literal, "get_cmap()", ALLOWED_CMAPS.__contains__)
            if name in PLOT_CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _is_colour_fmt(arg.value):
                        report(arg, f"{name}() format string", lambda fmt: not set(fmt) & FMT_COLOURS)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in COLOUR_KEYWORDS:
                    for literal in _literals(value):
                        report(literal, f"{key.value!r}: in a dict", is_allowed_colour)
        elif isinstance(node, ast.Subscript) and _name(node.value) == "colormaps":
            for literal in _literals(node.slice):
                report(literal, "colormaps[]", ALLOWED_CMAPS.__contains__)
    for node in ast.walk(tree):  # last: the named hues the rules above did not already place
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in NAMED_HUES:
            report(node, "a named hue", lambda _: False)
    return [message for _, message in sorted(found.values())]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_colour_a_figure_names_is_from_the_colour_blind_safe_palette(path):
    bad = scan(path.read_text(), str(path.relative_to(PACKAGE.parent)))
    assert not bad, f"{len(bad)} colour(s) outside the palette; {FIX}:\n" + "\n".join(bad)


def test_the_scanner_finds_the_viz_modules():
    names = {p.name for p in SOURCES}
    assert {"style.py", "explorer.py", "bo.py", "review.py"} <= names and len(names) >= 10, sorted(names)


PLANTED = '''
ax.plot(x, y, color="tab:red")                                   # 2
ax.scatter(x, y, c="green", edgecolors="k", cmap="jet")          # 3: c and cmap
ax.plot(x, y, "o", mec="magenta" if best else "k")               # 4
ax.annotate("", (0, 0), arrowprops={"arrowstyle": "->", "color": "red"})  # 5
ax.plot(x, y, "r--")                                             # 6
GOOD = "tab:green"                                               # 7
cmap = colormaps["RdYlGn"]                                       # 8
ax.bar(x, y, color=["C0", "#ff0000"])                            # 9
label.set_color("orange")                                        # 10
'''
ALLOWED = '''
ax.plot(x, y, "o-", color="C3", mfc="none", mec="k")
ax.scatter(x, y, c=values, cmap="viridis_r", edgecolors="0.35", facecolors="none")
ax.fill_between(x, lo, hi, color="#0072B2", alpha=0.2)
ax.axhline(0, color="tab:gray" if faint else "lightgray")
ax.contourf(a, b, z, cmap="PuOr", colors=None)
ax.plot(x, y, "k--")
ax.set_title("red: weak", color="black")
cmap = colormaps["cividis"]
'''


def test_the_scanner_flags_each_planted_bad_colour_with_its_line():
    bad = scan(PLANTED, "planted.py")
    assert [message.split(": ", 1)[0] for message in bad] == [f"planted.py:{line}" for line in
                                                             (2, 3, 3, 4, 5, 6, 7, 8, 9, 10)], bad
    assert "'jet' (cmap=)" in bad[2] and "'r--' (plot() format string)" in bad[5] and "'#ff0000'" in bad[8]


def test_the_scanner_accepts_the_palette_greys_and_safe_colour_maps():
    assert scan(ALLOWED) == []
