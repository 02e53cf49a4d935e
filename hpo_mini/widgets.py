"""ipywidgets layers over `viz`: controls that redraw a figure made by a plain function.

Each widget is thin: the figure comes from a plain function (`coverage_figure`) that tests and
notebooks can call without a browser, and the widget only wires controls to it.

    from hpo_mini.widgets import coverage_explorer
    explorer = coverage_explorer()
    explorer                      # last expression of a notebook cell: shows the controls and figure
    explorer.n.value = 25         # the figure redraws; explorer.points / explorer.png hold the result
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from IPython.display import Image, clear_output, display

from .viz import METHODS, coverage_points, plot_coverage

__all__ = ["coverage_data", "coverage_figure", "CoverageExplorer", "coverage_explorer", "figure_png"]


def coverage_data(method: str = "all", n: int = 16, d: int = 2, seed: int = 0) -> dict:
    """{method: (m, d) points} for one method, or for all four when method == "all"."""
    methods = METHODS if method == "all" else (method,)
    return {m: coverage_points(m, n, d, seed) for m in methods}


def coverage_figure(method: str = "all", n: int = 16, d: int = 2, seed: int = 0, highlight=None):
    """The coverage explorer's figure as a plain function: plot_coverage(coverage_data(...))."""
    return plot_coverage(coverage_data(method, n, d, seed), important=0, highlight=highlight)


def figure_png(fig, dpi: int = 80) -> bytes:
    """A Figure as PNG bytes (what the Output area shows as an <img>)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class CoverageExplorer(widgets.VBox):
    """Controls (method, n, d, seed) above the coverage figure; every change redraws it.

    After each draw: `points` is the {method: array} drawn, `figure` the Figure, `png` its bytes,
    `n_draws` counts the draws. The grid ignores the seed, so the seed slider is disabled for it.
    """

    def __init__(self, method="all", n=16, d=2, seed=0, highlight=None):
        style = {"description_width": "initial"}
        self.method = widgets.ToggleButtons(options=("all",) + METHODS, value=method, description="method")
        self.n = widgets.IntSlider(value=n, min=4, max=256, description="n trials", style=style)
        self.d = widgets.IntSlider(value=d, min=2, max=6, description="dimension d", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        self.out = widgets.Output()
        self.highlight = highlight
        self.points, self.figure, self.png, self.n_draws = None, None, None, 0
        controls = (self.method, self.n, self.d, self.seed)
        super().__init__(children=[widgets.HBox([self.method]), widgets.HBox(controls[1:]), self.out])
        for control in controls:
            control.observe(self._redraw, names="value")
        self._redraw()

    @property
    def controls(self) -> tuple:
        return (self.method, self.n, self.d, self.seed)

    def _redraw(self, change=None):
        self.seed.disabled = self.method.value == "grid"
        self.points = coverage_data(self.method.value, self.n.value, self.d.value, self.seed.value)
        self.figure = plot_coverage(self.points, important=0, highlight=self.highlight)
        self.png = figure_png(self.figure)
        self.n_draws += 1
        with self.out:
            clear_output(wait=True)
            display(Image(data=self.png, format="png"))


def coverage_explorer(method="all", n=16, d=2, seed=0, highlight=None) -> CoverageExplorer:
    """A widget to see what grid, random, Sobol and LHS designs try, in 2-D and along x0 alone."""
    return CoverageExplorer(method=method, n=n, d=d, seed=seed, highlight=highlight)
