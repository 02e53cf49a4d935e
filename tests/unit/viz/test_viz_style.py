"""The colour-blind-safe palette (hpo_mini/viz/style.py) is the default cycle of every course figure."""
import importlib
import subprocess
import sys

import matplotlib
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from hpo_mini.viz.style import OKABE_ITO, apply


def test_importing_a_viz_module_sets_the_okabe_ito_cycle():
    # A fresh interpreter: matplotlib's own default until hpo_mini.viz is imported, the palette after it.
    code = ("import matplotlib; from matplotlib.colors import to_hex; "
            "first = lambda: to_hex(matplotlib.rcParams['axes.prop_cycle'].by_key()['color'][0]); "
            "before = first(); import hpo_mini.viz.sampling; print(before, first())")
    before, after = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert before != OKABE_ITO[0].lower()
    assert after == OKABE_ITO[0].lower()


def test_a_figures_lines_take_the_palette_in_order():
    apply()
    ax = Figure().subplots()
    colours = [to_hex(ax.plot([0, 1], [i, i])[0].get_color()).upper() for i in range(len(OKABE_ITO))]
    assert colours == [c.upper() for c in OKABE_ITO]


def test_the_palette_is_eight_distinct_colours_and_apply_is_idempotent():
    assert len({c.lower() for c in OKABE_ITO}) == 8
    apply()
    first = matplotlib.rcParams["axes.prop_cycle"]
    importlib.reload(importlib.import_module("hpo_mini.viz.style")).apply()
    assert matplotlib.rcParams["axes.prop_cycle"] == first
