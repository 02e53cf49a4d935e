"""ipywidgets layers over `viz`: controls that redraw a figure made by a plain function.

Each widget is thin: the figure comes from a plain function (`coverage_figure`) that tests and
notebooks can call without a browser, and the widget only wires controls to it.

    from .sampling import coverage_explorer
    explorer = coverage_explorer()
    explorer                      # last expression of a notebook cell: shows the controls and figure
    explorer.n.value = 25         # the figure redraws; explorer.points / explorer.png hold the result
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from IPython.display import Image, clear_output, display

__all__ = ["figure_png"]

def figure_png(fig, dpi: int = 80) -> bytes:
    """A Figure as PNG bytes (what the Output area shows as an <img>)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class _Explorer(widgets.VBox):
    """Controls above an Output that shows a PNG; subclasses say how to compute and draw."""

    def _setup(self, rows, controls):
        self.out = widgets.Output()
        self.data, self.figure, self.png, self.n_draws = None, None, None, 0
        self._controls = tuple(controls)
        super().__init__(children=[*rows, self.out])
        for control in self._controls:
            control.observe(self._redraw, names="value")
        self._redraw()

    @property
    def controls(self) -> tuple:
        return self._controls

    def _show(self):
        self.png = figure_png(self.figure)
        self.n_draws += 1
        with self.out:
            clear_output(wait=True)
            display(Image(data=self.png, format="png"))
