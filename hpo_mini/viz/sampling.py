"""Figures and the coverage explorer for lesson 03 (grid and random search): what grid, random, Sobol and
Latin-hypercube designs try, the any-time curve, the size of a full grid, log scales, hit probabilities.

Figures are plain functions that take data and return a `matplotlib.figure.Figure` (not pyplot), so
nothing is shown or kept alive behind your back; put the returned figure last in a notebook cell to
see it, or `fig.savefig("coverage.png")`. The explorer is a thin `Explorer` (viz/explorer.py) over them.

    from hpo_mini.viz.sampling import coverage_points, plot_coverage, coverage_explorer
    points = {m: coverage_points(m, n=9, d=2, seed=0) for m in ("grid", "random")}
    plot_coverage(points)
    coverage_explorer(n=16)       # the same with knobs
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..searchers import GridSearch, RandomSearch
from ..space import Float, Space
from .explorer import Explorer

__all__ = ["METHODS", "largest_grid_side", "coverage_points", "n_distinct", "plot_coverage", "coverage_frame", "draw_coverage_points", "plot_best_so_far", "plot_grid_explosion", "plot_log_scale", "plot_hit_probability", "coverage_data", "coverage_figure", "CoverageExplorer", "coverage_explorer"]

METHODS = ("grid", "random", "sobol", "lhs")
_QMC = {"random": None, "sobol": "sobol", "lhs": "lhs"}  # method -> RandomSearch(qmc=...)
_COLORS = {"grid": "C0", "random": "C1", "sobol": "C2", "lhs": "C4"}
# Two unit-cube coordinates closer than this count as one value (grid points computed two ways).
_SAME_VALUE = 1e-9


def largest_grid_side(n: int, d: int) -> int:
    """The largest k with k**d <= n: the side of the biggest full grid that fits in n trials.

    Exact integer arithmetic: n ** (1 / d) in floating point gives 3.9999999999999996 for 64 ** (1/3).
    """
    if n < 1 or d < 1:
        raise ValueError(f"need n >= 1 trials and d >= 1 dimensions, but got n={n!r}, d={d!r}")
    k = max(1, int(round(n ** (1.0 / d))))
    while k**d > n:
        k -= 1
    while (k + 1) ** d <= n:
        k += 1
    return k


def coverage_points(method: str, n: int, d: int = 2, seed: int = 0) -> np.ndarray:
    """The points a search method tries in [0, 1]^d, as an (m, d) array.

    method: "grid"   GridSearch with k = floor(n ** (1/d)) values per dimension (ends included), i.e.
                     the largest full grid with at most n points: m = k**d <= n (9 points for n = 10,
                     d = 2). The grid is deterministic: `seed` is ignored.
            "random" RandomSearch, i.i.d. uniform points (m = n).
            "sobol"  RandomSearch(qmc="sobol"), a scrambled Sobol sequence (m = n).
            "lhs"    RandomSearch(qmc="lhs", n_points=n), one Latin hypercube of n points (m = n).
    The space is d dimensions Float(0, 1) named x0, x1, ..., so unit coordinates are the values.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, but got {method!r}")
    if int(n) != n or n < 1:
        raise ValueError(f"n (the number of trials) must be a positive integer, but got {n!r}")
    n, d = int(n), int(d)
    space = Space({f"x{j}": Float(0.0, 1.0) for j in range(d)})
    if method == "grid":
        searcher = GridSearch(space, n_per_dim=largest_grid_side(n, d))
        m = len(searcher)
    else:
        searcher = RandomSearch(space, qmc=_QMC[method], n_points=n, seed=seed)
        m = n
    return space.to_unit([searcher.ask().config for _ in range(m)])


def n_distinct(values) -> int:
    """How many different numbers are in `values` (closer than 1e-9 counts as the same)."""
    v = np.sort(np.asarray(values, dtype=float).ravel())
    return int(v.size and 1 + np.count_nonzero(np.diff(v) > _SAME_VALUE))


def plot_coverage(points_by_method: dict, important: int = 0, highlight=None) -> Figure:
    """One column per method: the (x0, x1) projection on top, the `important` axis alone below.

    The bottom row is the point of Bergstra & Bengio (2012, Fig. 1): if only x_important matters,
    the number of *distinct* values tried along it is what counts, and the title says it.
    highlight: an optional (lo, hi) interval of the important axis to shade (e.g. where f is good).
    Drawn as its frame (`coverage_frame`) and the points on it (`draw_coverage_points`).
    """
    if not points_by_method:
        raise ValueError("points_by_method is empty; give e.g. {'grid': coverage_points('grid', 9)}")
    fig = coverage_frame(list(points_by_method), important, highlight)
    draw_coverage_points(fig, points_by_method, important)
    return fig


def coverage_frame(methods, important: int = 0, highlight=None) -> Figure:
    """The empty axes of plot_coverage: two per method, fixed limits, labels and the highlight band."""
    fig = Figure(figsize=(3.2 * len(methods), 4.6), layout="constrained")
    axes = fig.subplots(2, len(methods), squeeze=False, gridspec_kw={"height_ratios": [3, 1]})
    for top, bottom in axes.T:
        top.set(xlim=(-0.03, 1.03), ylim=(-0.03, 1.03), xlabel="x0", ylabel="x1", aspect="equal")
        if highlight is not None:
            bottom.axvspan(*highlight, color="C7", alpha=0.35, lw=0)  # the palette's yellow
        bottom.set(xlim=(-0.03, 1.03), ylim=(0, 1), yticks=[], xlabel=f"x{important}")
    return fig


def draw_coverage_points(fig, points_by_method: dict, important: int = 0) -> list:
    """The points of each method on a `coverage_frame` and the titles that count them; returns the artists."""
    axes = np.array(fig.axes).reshape(2, -1)
    artists = []
    for col, (method, points) in enumerate(points_by_method.items()):
        X = np.atleast_2d(np.asarray(points, dtype=float))
        if X.shape[1] < 2 or not 0 <= important < X.shape[1]:
            raise ValueError(
                f"{method}: need points with >= 2 coordinates and important < d, got shape {X.shape}"
            )
        color = _COLORS.get(method, "tab:gray")
        n_pairs = len({(round(a, 9), round(b, 9)) for a, b in X[:, :2]})
        top, bottom = axes[0, col], axes[1, col]
        x = X[:, important]
        artists += [top.scatter(X[:, 0], X[:, 1], s=22, color=color, alpha=0.8, edgecolor="none"),
                    bottom.vlines(x, 0, 1, color=color, lw=1.2, alpha=0.8),
                    top.set_title(f"{method}: {len(X)} trials, {n_pairs} distinct (x0, x1)", fontsize=10),
                    bottom.set_title(f"{method}: {n_distinct(x)} distinct x{important} values of {len(X)} trials",
                                     fontsize=9)]
    return artists


def _curves(studies) -> np.ndarray:
    """Best-so-far curves of one Study or a list of Studies, as rows padded with their last value."""
    studies = studies if isinstance(studies, (list, tuple)) else [studies]
    curves = [s.best_values() for s in studies]
    width = max(len(c) for c in curves)
    return np.array([np.pad(c, (0, width - len(c)), mode="edge") for c in curves])


def plot_best_so_far(studies_by_name: dict, log: bool = False, title: str = "any-time performance") -> Figure:
    """Any-time curves: the best value so far (Study.best_values()) against the trial number.

    Each entry is one Study (one line) or a list of Studies of the same method over seeds, drawn as
    their median with the 25-75% band. log=True puts the value axis on a log scale (regrets).
    """
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    for name, studies in studies_by_name.items():
        curves = _curves(studies)
        trials = np.arange(1, curves.shape[1] + 1)
        if len(curves) == 1:
            ax.step(trials, curves[0], where="post", label=name)
        else:
            lo, mid, hi = np.nanpercentile(curves, [25, 50, 75], axis=0)
            (line,) = ax.step(trials, mid, where="post", label=f"{name} (median of {len(curves)})")
            ax.fill_between(trials, lo, hi, step="post", alpha=0.2, color=line.get_color(), lw=0)
    ax.set(xlabel="trial", ylabel="best value so far", title=title)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=9)
    return fig


def plot_grid_explosion(values_per_dim=(3, 5, 10), d_max: int = 8, minutes_per_trial: float = 1.0) -> Figure:
    """Bars of the grid size k**d for d = 1..d_max, log scale, with 'one day' and 'one year' of
    compute at `minutes_per_trial` drawn as lines."""
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.subplots()
    dims = np.arange(1, d_max + 1)
    width = 0.8 / len(values_per_dim)
    for i, k in enumerate(values_per_dim):
        ax.bar(dims + (i - (len(values_per_dim) - 1) / 2) * width, float(k) ** dims, width, label=f"k = {k}")
    for minutes, label in ((24 * 60, "1 day"), (365 * 24 * 60, "1 year")):
        trials = minutes / minutes_per_trial
        ax.axhline(trials, color="k", ls="--", lw=0.8)
        ax.annotate(f"{label} at {minutes_per_trial:g} min/trial", (0.6, trials * 1.3), fontsize=8)
    ax.set(yscale="log", xlabel="number of hyperparameters d", ylabel="grid size $k^d$", xticks=dims,
           ylim=(1, float(max(values_per_dim)) ** d_max * 30), title="a full grid has $k^d$ points")
    ax.legend(fontsize=9, loc="upper left", ncols=len(values_per_dim))
    return fig


def plot_log_scale(samples_by_name: dict, lo: float, hi: float, n_bins: int = 24) -> Figure:
    """Histograms of positive samples on a log x-axis (log-spaced bins from lo to hi), one row each:
    a uniform draw piles up in the top decade, a log-uniform draw is flat."""
    fig = Figure(figsize=(6.5, 1.5 + 1.4 * len(samples_by_name)), layout="constrained")
    axes = fig.subplots(len(samples_by_name), 1, sharex=True, squeeze=False)[:, 0]
    bins = np.geomspace(lo, hi, n_bins + 1)
    for ax, (name, values) in zip(axes, samples_by_name.items()):
        values = np.asarray(values, dtype=float)
        ax.hist(values, bins=bins, color="C0", alpha=0.8)
        ax.set(xscale="log", ylabel="count")
        ax.set_title(name, fontsize=10)
    axes[-1].set_xlabel("value (log scale)")
    return fig


def plot_hit_probability(n_max: int = 150, qs=(0.01, 0.05, 0.10), simulated=None) -> Figure:
    """P(at least one of n i.i.d. trials lands in the top q fraction) = 1 - (1 - q)^n, one curve per q.

    simulated: optional {q: {n: estimated probability}} drawn as dots on the matching curve.
    """
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    n = np.arange(1, n_max + 1)
    for q in qs:
        (line,) = ax.plot(n, 1 - (1 - q) ** n, label=f"top {q:.0%}: $1-(1-{q:g})^n$")
        if simulated and q in simulated:
            ns, ps = zip(*sorted(simulated[q].items()))
            ax.plot(ns, ps, "o", color=line.get_color(), ms=6, mfc="white", label=f"top {q:.0%}: simulated")
    ax.axhline(0.95, color="k", ls=":", lw=0.8)
    ax.set(xlabel="number of random trials n", ylabel="P(hit the top q)", ylim=(0, 1.02),
           title="how many random trials?")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def coverage_data(method: str = "all", n: int = 16, d: int = 2, seed: int = 0) -> dict:
    """{method: (m, d) points} for one method, or for all four when method == "all"."""
    methods = METHODS if method == "all" else (method,)
    return {m: coverage_points(m, n, d, seed) for m in methods}


def coverage_figure(method: str = "all", n: int = 16, d: int = 2, seed: int = 0, highlight=None):
    """The coverage explorer's figure as a plain function: plot_coverage(coverage_data(...))."""
    return plot_coverage(coverage_data(method, n, d, seed), important=0, highlight=highlight)


class CoverageExplorer(Explorer):
    """Controls (method, n, d, seed) above the coverage figure; every change redraws it.

    After each draw: `data` is the {method: array} drawn (coverage_data), `figure` the Figure, `png` its
    bytes, `n_draws` counts the pictures shown. The grid ignores the seed, so the seed slider is
    disabled for it (and moving it redraws nothing).
    """

    def __init__(self, method="all", n=16, d=2, seed=0, highlight=None):
        style = {"description_width": "initial"}
        self.method = widgets.ToggleButtons(options=("all",) + METHODS, value=method, description="method")
        self.n = widgets.IntSlider(value=n, min=4, max=256, description="n trials", style=style)
        self.d = widgets.IntSlider(value=d, min=2, max=6, description="dimension d", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        self.highlight = highlight
        self._frame_layouts = {}  # methods -> axes positions solved for the longest titles
        controls = (self.method, self.n, self.d, self.seed)
        self._setup([widgets.HBox([self.method]), widgets.HBox(controls[1:])], controls)

    def sync_controls(self):
        self.seed.disabled = self.method.value == "grid"

    def key(self):
        seed = None if self.method.value == "grid" else self.seed.value
        return self.method.value, self.n.value, self.d.value, seed

    def compute(self, key):
        method, n, d, seed = key
        return coverage_data(method, n, d, 0 if seed is None else seed)

    def frame_key(self, key):
        return key[0]  # the method: one column, or four; n, d and seed only move the points

    def draw_frame(self, data):
        """coverage_frame, laid out once per set of methods for the longest titles the n slider can give
        (every count at n.max), so a title that grows with n never makes the layout be solved again."""
        figure = coverage_frame(list(data), important=0, highlight=self.highlight)
        methods = tuple(data)
        if methods not in self._frame_layouts:
            line = np.linspace(0, 1, self.n.max)  # n.max distinct points, distinct along x0: the longest counts
            artists = draw_coverage_points(figure, {m: np.column_stack([line, line]) for m in methods}, important=0)
            for artist in artists:
                if not hasattr(artist, "set_text"):
                    artist.remove()  # the points; the titles stay for the layout
            figure.set_dpi(self.dpi)
            figure.get_layout_engine().execute(figure)
            self._frame_layouts[methods] = [ax.get_position() for ax in figure.axes]
            for ax in figure.axes:
                ax.set_title("")
        figure.set_layout_engine("none")
        for ax, box in zip(figure.axes, self._frame_layouts[methods]):
            ax.set_position(box)
        return figure

    def draw_moving(self, figure, data):
        return draw_coverage_points(figure, data, important=0)


def coverage_explorer(method="all", n=16, d=2, seed=0, highlight=None) -> CoverageExplorer:
    """A widget to see what grid, random, Sobol and LHS designs try, in 2-D and along x0 alone."""
    return CoverageExplorer(method=method, n=n, d=d, seed=seed, highlight=highlight)
