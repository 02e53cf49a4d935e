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


# --- lessons 04-05: Gaussian processes and Bayesian optimization ---
# Two explorers: a GP fitted to points of a 1-D function (lesson 04) and Bayesian optimization
# stepped on it (lesson 05). Their figures come from plain functions in viz.py.

import numpy as np  # noqa: E402

from .gp import GaussianProcess  # noqa: E402
from .objectives import forrester  # noqa: E402
from .viz import bo_steps_data, plot_bo_step, plot_gp_posterior  # noqa: E402

__all__ += ["gp_data", "GPExplorer", "gp_explorer", "AcquisitionExplorer", "acquisition_explorer"]

LENGTHSCALE_CHOICES = ("auto", 0.01, 0.03, 0.1, 0.3, 1.0)  # "auto": fitted by marginal likelihood
XI_CHOICES = (0.0, 0.001, 0.01, 0.1, 0.3, 1.0, 3.0)


def gp_data(n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=0, seed=0,
            n_grid=301) -> dict:
    """A GP fitted to n_train points of forrester() drawn uniformly (seeded), predicted on a grid.

    lengthscale="auto" fits (length-scale, signal variance, noise) by marginal likelihood; a number
    fixes the length-scale (signal variance 1 and `noise` on standardized y). Returns a dict with
    x_train, y_train, grid, truth, mu, sigma, samples ((n_samples, n_grid) posterior draws, or None),
    and the GP's lengthscale, signal_variance, noise and log marginal likelihood `lml`.
    """
    f = forrester()
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.random(n_train))
    y_train = np.array([f({"x0": x}) for x in x_train])
    fixed = lengthscale != "auto"
    gp = GaussianProcess(kernel, lengthscale=lengthscale if fixed else 0.3, noise=noise, optimize=not fixed,
                         seed=seed).fit(x_train[:, None], y_train)
    grid = np.linspace(0, 1, n_grid)
    mu, sigma = gp.predict(grid[:, None], return_std=True)
    samples = gp.sample(grid[:, None], n_samples, rng=seed) if n_samples else None
    return {"x_train": x_train, "y_train": y_train, "grid": grid, "truth": np.array([f({"x0": x}) for x in grid]),
            "mu": mu, "sigma": sigma, "samples": samples, "kernel": kernel, "lengthscale_fixed": fixed,
            "lengthscale": float(gp.lengthscales_[0]), "signal_variance": gp.signal_variance_,
            "noise": gp.noise_, "lml": gp.log_marginal_likelihood()}


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


class GPExplorer(_Explorer):
    """A GP on points of forrester(): number of points, kernel, length-scale (auto = fitted), noise,
    posterior samples. After each draw: `data` (from gp_data), `figure`, `png`, `n_draws`."""

    def __init__(self, n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=3, seed=0):
        style = {"description_width": "initial"}
        self.n_train = widgets.IntSlider(value=n_train, min=2, max=20, description="points n", style=style)
        self.kernel = widgets.ToggleButtons(options=("matern52", "rbf"), value=kernel, description="kernel")
        self.lengthscale = widgets.SelectionSlider(options=LENGTHSCALE_CHOICES, value=lengthscale,
                                                   description="length-scale", style=style)
        self.noise = widgets.SelectionSlider(options=(1e-6, 1e-4, 1e-2, 1e-1, 1.0), value=noise,
                                             description="noise var (fixed l)", style=style)
        self.n_samples = widgets.IntSlider(value=n_samples, min=0, max=5, description="samples", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.n_train, self.kernel, self.lengthscale, self.noise, self.n_samples, self.seed)
        self._setup([widgets.HBox([self.kernel, self.lengthscale]),
                     widgets.HBox([self.n_train, self.noise]), widgets.HBox([self.n_samples, self.seed])], controls)

    def _redraw(self, change=None):
        self.noise.disabled = self.lengthscale.value == "auto"  # fitted along with the length-scale
        d = self.data = gp_data(self.n_train.value, self.kernel.value, self.lengthscale.value, self.noise.value,
                                self.n_samples.value, self.seed.value)
        how = "fixed" if d["lengthscale_fixed"] else "fitted"
        title = (f"{d['kernel']}, l = {d['lengthscale']:.3g} ({how}), noise var {d['noise']:.2g}, "
                 f"log ML {d['lml']:.1f}")
        self.figure = plot_gp_posterior(d["x_train"], d["y_train"], d["grid"], d["mu"], d["sigma"],
                                        samples=d["samples"], truth=d["truth"], title=title)
        self._show()


def gp_explorer(n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=3, seed=0) -> GPExplorer:
    """A widget to see what the number of points, the kernel, the length-scale and the noise do to a GP."""
    return GPExplorer(n_train, kernel, lengthscale, noise, n_samples, seed)


class AcquisitionExplorer(_Explorer):
    """Bayesian optimization on a 1-D objective (default forrester()), one step at a time.

    Controls: step (BO iteration after the initial design), acquisition (EI / PI / UCB), xi (EI, PI),
    kappa (UCB), kernel, length-scale ("auto" = fitted by marginal likelihood every step, or fixed),
    seed (the initial design). Every setting but the step reruns BO from the same initial design;
    runs are cached, so stepping is instant. After each draw: `data` (a bo_step_data dict), `figure`,
    `png`, `n_draws`.
    """

    def __init__(self, objective_1d=None, step=0, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                 lengthscale="auto", seed=1, n_initial=3, max_steps=15):
        style = {"description_width": "initial"}
        self.objective = forrester() if objective_1d is None else objective_1d
        self.n_initial, self.max_steps, self._runs = n_initial, max_steps, {}
        self.step = widgets.IntSlider(value=step, min=0, max=max_steps, description="BO step", style=style)
        self.acquisition = widgets.ToggleButtons(options=(("EI", "ei"), ("PI", "pi"), ("UCB", "ucb")),
                                                 value=acquisition, description="acquisition")
        self.xi = widgets.SelectionSlider(options=XI_CHOICES, value=xi, description="xi (EI, PI)", style=style)
        self.kappa = widgets.FloatSlider(value=kappa, min=0.0, max=5.0, step=0.25, description="kappa (UCB)",
                                         style=style)
        self.kernel = widgets.ToggleButtons(options=("matern52", "rbf"), value=kernel, description="kernel")
        self.lengthscale = widgets.SelectionSlider(options=LENGTHSCALE_CHOICES, value=lengthscale,
                                                   description="length-scale", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.step, self.acquisition, self.xi, self.kappa, self.kernel, self.lengthscale, self.seed)
        self._setup([widgets.HBox([self.step, self.seed]), widgets.HBox([self.acquisition]),
                     widgets.HBox([self.xi, self.kappa]), widgets.HBox([self.kernel, self.lengthscale])], controls)

    def run(self) -> list:
        """The cached list of bo_steps_data states (steps 0..max_steps) for the current settings."""
        ls = None if self.lengthscale.value == "auto" else self.lengthscale.value
        key = (self.acquisition.value, self.xi.value, self.kappa.value, self.kernel.value, ls, self.seed.value)
        if key not in self._runs:
            self._runs[key] = bo_steps_data(self.objective, self.max_steps, self.acquisition.value, self.xi.value,
                                            self.kappa.value, self.kernel.value, ls, self.seed.value, self.n_initial)
        return self._runs[key]

    def _redraw(self, change=None):
        self.xi.disabled = self.acquisition.value == "ucb"
        self.kappa.disabled = self.acquisition.value != "ucb"
        self.data = self.run()[self.step.value]
        self.figure = plot_bo_step(self.data)
        self._show()


def acquisition_explorer(objective_1d=None, step=0, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                         lengthscale="auto", seed=1, n_initial=3, max_steps=15) -> AcquisitionExplorer:
    """A widget to step through Bayesian optimization on a 1-D function and turn its knobs."""
    return AcquisitionExplorer(objective_1d, step, acquisition, xi, kappa, kernel, lengthscale, seed, n_initial,
                               max_steps)
