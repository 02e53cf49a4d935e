"""The course's colours: the Okabe-Ito palette, safe for the common colour-vision deficiencies.

    OKABE_ITO          the eight colours (hex), in the order the figures cycle through them
    apply()            makes them matplotlib's default colour cycle (rcParams["axes.prop_cycle"])

Source: M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and presentations that
are friendly to colorblind people" (2008), https://jfly.uni-koeln.de/color/ - the set distinguishable
under protanopia, deuteranopia and tritanopia. Yellow comes last: it is faint on white.

`import hpo_mini.viz` (so any `hpo_mini.viz.<topic>` import) calls apply() once: every figure the
course draws, and the plots a lesson makes with pyplot after that import, take their default colours
from this cycle ("C0", "C1", ... name them). A colour a figure names itself bypasses the cycle, so the
course's figures name only these: "C0".."C7" (or an OKABE_ITO hex), black, white, greys ("0.6",
"tab:gray") and, for colour maps, perceptually uniform sequential ones (viridis, cividis, magma,
plasma, inferno, Greys) or the colour-blind-safe diverging PuOr and BrBG.
tests/unit/viz/test_palette.py reads every viz module's source and names any other literal.
"""
from __future__ import annotations

import matplotlib
from cycler import cycler

__all__ = ["OKABE_ITO", "apply"]

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)


def apply() -> None:
    """Set the Okabe-Ito colours as matplotlib's default colour cycle (idempotent)."""
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=list(OKABE_ITO))
