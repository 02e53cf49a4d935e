"""Figures and the widget of lesson 12 (beyond one study): drift over time, the winner's curse of an
offline search, and the CMA-ES explorer (the sampling ellipse generation by generation).

Figures are plain functions (data in, `matplotlib.figure.Figure` out); the explorer is a thin
`Explorer` (viz/explorer.py) over `cmaes_run_data` and `plot_cmaes_generation`:

    from hpo_mini.viz.beyond_one_study import cmaes_explorer
    explorer = cmaes_explorer()
    explorer.advance()            # the "next generation" button: the ellipse moves one generation on
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..runner import optimize
from ..searchers.cmaes import CMAES
from ..tasks.test_functions import rosenbrock
from .explorer import Explorer

__all__ = ["plot_drift", "plot_winners_curse", "cmaes_run_data", "ellipse_points", "cmaes_frame", "update_cmaes_frame",
           "draw_cmaes_generation", "plot_cmaes_generation", "CMAESExplorer", "cmaes_explorer"]


# -- section 5: a model's life ---------------------------------------------------------------------
def plot_drift(periods, scores, p_values, alpha=0.05, names=None) -> Figure:
    """Left: the accuracy of the model tuned on period 0, period by period (and any other `scores`
    series, a dict name -> list). Right: each feature's KS p-value against period 0 (log scale, values
    below 1e-6 drawn at 1e-6) with the Bonferroni line alpha / n_features below which a feature counts
    as drifted."""
    p_values = np.asarray(p_values, dtype=float)
    n_features = p_values.shape[1]
    names = names or [f"feature {k}" for k in range(n_features)]
    fig = Figure(figsize=(10.5, 3.8), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    for label, series in scores.items():
        ax.plot(periods, series, "o-", label=label)
    ax.set(xlabel="period (time)", ylabel="accuracy", title="accuracy on each later period", xticks=list(periods))
    ax.legend(fontsize=8)
    floor = 1e-6
    for k in range(n_features):
        ax2.semilogy(periods, np.maximum(p_values[:, k], floor), "o-", label=names[k])
    ax2.axhline(alpha / n_features, color="k", ls="--", lw=1, label=f"alpha / {n_features} (Bonferroni)")
    ax2.set(xlabel="period (time)", ylabel=f"KS p-value vs period 0 (floored at {floor:g})",
            title="drift test, per feature", ylim=(floor / 2, 2), xticks=list(periods))
    ax2.legend(fontsize=7, loc="lower left")
    return fig


def plot_winners_curse(result, bins=40) -> Figure:
    """Histograms of the shipped candidate's offline (measured) gain and its online (true) gain, over
    the repeats of `evaluation.drift_and_ab.winners_curse`, with their means."""
    fig = Figure(figsize=(7, 3.4), layout="constrained")
    ax = fig.subplots()
    offline, online = np.asarray(result["offline"]), np.asarray(result["online"])
    edges = np.histogram_bin_edges(np.concatenate([offline, online]), bins=bins)
    ax.hist(offline, bins=edges, alpha=0.6, label=f"offline (measured): mean {offline.mean():.4f}")
    ax.hist(online, bins=edges, alpha=0.6, label=f"online (true): mean {online.mean():.4f}")
    ax.axvline(0, color="k", lw=0.8)
    ax.set(xlabel="gain over the current model", ylabel="repeats",
           title="the winner of an offline search, measured offline and delivered online")
    ax.legend(fontsize=8)
    return fig


# -- section 2: CMA-ES generation by generation ----------------------------------------------------
N_GRID = 60  # background resolution of the 2-D objective (60 x 60 evaluations, cheap test functions)


def cmaes_run_data(objective=None, population=None, sigma0=0.2, seed=0, n_generations=30, active=True,
                   background=None) -> dict:
    """Run CMA-ES (searchers/cmaes.py) for `n_generations` generations on a 2-D objective (default
    rosenbrock(d=2), whose curved valley the covariance must learn) and return {"generations": the
    searcher's per-generation records (mean, sigma, C, points, losses), "grid_u", "background" (N_GRID x
    N_GRID objective values on the unit square), "best" (best-so-far loss per generation), "sigma" (step
    size per generation), "condition" (sqrt of C's condition number, the ellipse's axis ratio),
    "minimum", "argmin_u", "names", "settings"}. background: that grid of this objective, if computed before."""
    f = rosenbrock(d=2) if objective is None else objective
    if len(f.space) != 2:
        raise ValueError(f"the CMA-ES explorer draws a 2-D objective, but got {len(f.space)} dimensions")
    es = CMAES(f.space, population=population, sigma0=sigma0, seed=seed, active=active)
    optimize(f, es, n_trials=es.params_["lambda"] * n_generations, progress=False)
    gens = es.generations_
    grid_u = np.linspace(0, 1, N_GRID)
    if background is None:
        U = np.column_stack([np.tile(grid_u, N_GRID), np.repeat(grid_u, N_GRID)])
        background = np.array([f(c) for c in f.space.from_unit(U)]).reshape(N_GRID, N_GRID)
    losses = [np.nan_to_num(g["losses"], nan=np.inf) for g in gens]
    argmin = getattr(f, "argmin", None)
    return {"generations": gens, "grid_u": grid_u, "background": background,
            "best": np.minimum.accumulate([np.min(v) for v in losses]),
            "sigma": np.array([g["sigma"] for g in gens]),
            "condition": np.array([np.sqrt(np.linalg.cond(g["C"])) for g in gens]),
            "minimum": getattr(f, "minimum", None), "names": f.space.names,
            "argmin_u": None if argmin is None else f.space.to_unit(dict(zip(f.space.names, map(float, argmin))))[0],
            "settings": {"population": es.params_["lambda"], "sigma0": sigma0, "seed": seed, "active": active,
                         "name": getattr(f, "name", "objective")}}


def ellipse_points(mean, sigma, C, radius=2.0, n=100) -> np.ndarray:
    """(n, 2) points of the contour {x : (x - m)^T (sigma^2 C)^-1 (x - m) = radius^2}: the ellipse that
    holds about 86% of N(m, sigma^2 C)'s samples for radius 2 (1 - exp(-radius^2 / 2) in 2-D)."""
    eigenvalues, B = np.linalg.eigh(np.asarray(C, dtype=float))
    t = np.linspace(0, 2 * np.pi, n)
    circle = np.column_stack([np.cos(t), np.sin(t)])
    return np.asarray(mean) + radius * sigma * (circle * np.sqrt(np.maximum(eigenvalues, 0))) @ B.T


def cmaes_frame(run: dict) -> Figure:
    """The still part: the objective's contours on the unit square (log scale) and the progress panel
    (best-so-far regret, step size sigma and axis ratio per generation)."""
    fig = Figure(figsize=(10.5, 4.4))
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.05, 1]})
    background = run["background"]
    shift = 0.0 if run["minimum"] is None else run["minimum"]
    levels = np.unique(np.quantile(np.log10(np.maximum(background - shift, 1e-9)), np.linspace(0, 1, 16)))
    ax.contourf(run["grid_u"], run["grid_u"], np.log10(np.maximum(background - shift, 1e-9)), levels=levels,
                cmap="Greys_r", alpha=0.5)
    if run["argmin_u"] is not None:
        ax.plot(*run["argmin_u"], "*", color="C7", ms=14, mec="k", zorder=5, label="optimum")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel=f"{run['names'][0]} (unit scale)", ylabel=f"{run['names'][1]} (unit scale)")
    x = np.arange(len(run["generations"]))
    ax2.semilogy(x, _progress(run)[0], "o-", color="C0", label="best-so-far regret")
    ax2.semilogy(x, run["sigma"], "s--", color="C2", ms=4, label="step size sigma")
    ax2.semilogy(x, run["condition"], "^:", color="C3", ms=4, label="axis ratio of the ellipse")
    ax2.set(xlabel="generation", title="progress, step size and shape")
    fig.suptitle(_cmaes_title(run), fontsize=10)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.86, wspace=0.25)
    return fig


def _progress(run) -> list:
    """The progress panel's three series: best-so-far regret (floored at 1e-9), sigma, axis ratio."""
    shift = 0.0 if run["minimum"] is None else run["minimum"]
    return [np.maximum(run["best"] - shift, 1e-9), run["sigma"], run["condition"]]


def _cmaes_title(run) -> str:
    s = run["settings"]
    return (f"CMA-ES on {s['name']}: lambda = {s['population']}, sigma0 = {s['sigma0']}, "
            f"{'active' if s['active'] else 'classic'} update, seed {s['seed']}")


def update_cmaes_frame(fig, run: dict) -> bool:
    """Make a `cmaes_frame` figure (generation drawn off it), drawn for another run of the same objective and
    number of generations, show `run` as cmaes_frame(run) would: the progress lines' data, their axes'
    limits and the suptitle set in place; the contours kept. False, changing nothing, if it cannot."""
    ax2 = fig.axes[1]
    series = _progress(run)
    if len(ax2.lines) != 3 or any(len(line.get_xdata()) != len(y) for line, y in zip(ax2.lines, series)):
        return False
    for line, y in zip(ax2.lines, series):
        line.set_ydata(y)
    ax2.relim()
    ax2.autoscale_view()
    fig.suptitle(_cmaes_title(run), fontsize=10)
    return True


def draw_cmaes_generation(fig, run: dict, g: int) -> list:
    """Generation g on a `cmaes_frame`: its sampling ellipse (radius 1 and 2), its points coloured best
    (the mu selected, filled) to worst (hollow), the mean, and the next generation's mean and ellipse
    (dashed) when there is one. Returns the artists drawn."""
    gens = run["generations"]
    if not 0 <= g < len(gens):
        raise ValueError(f"generation must be in [0, {len(gens) - 1}], but got {g!r}")
    ax, ax2 = fig.axes[:2]
    gen = gens[g]
    artists = []
    for radius, style in ((1.0, "-"), (2.0, "-")):
        e = ellipse_points(gen["mean"], gen["sigma"], gen["C"], radius)
        artists += ax.plot(e[:, 0], e[:, 1], style, color="C0", lw=1.6 if radius == 2 else 0.8)
    losses = np.nan_to_num(gen["losses"], nan=np.inf)
    order = np.argsort(losses, kind="stable")
    mu = len(losses) // 2
    pts = gen["points"]
    artists.append(ax.scatter(pts[order[:mu], 0], pts[order[:mu], 1], s=40, color="C1", edgecolors="k",
                              zorder=4, label=f"best {mu} (selected)"))
    artists.append(ax.scatter(pts[order[mu:], 0], pts[order[mu:], 1], s=40, facecolors="none", edgecolors="0.3",
                              zorder=4, label="the rest"))
    artists += ax.plot(*gen["mean"], "o", color="C0", ms=8, mec="k", zorder=5, label="mean m")
    if g + 1 < len(gens):
        nxt = gens[g + 1]
        e = ellipse_points(nxt["mean"], nxt["sigma"], nxt["C"], 2.0)
        artists += ax.plot(e[:, 0], e[:, 1], "--", color="C4", lw=1.2, label="next generation")
        artists.append(ax.annotate("", xy=nxt["mean"], xytext=gen["mean"],
                                   arrowprops={"arrowstyle": "->", "color": "C4", "lw": 1.5}))
    artists.append(ax.set_title(f"generation {g}: sigma = {gen['sigma']:.3g}, ellipse = 1 and 2 sigma"))
    artists.append(ax.legend(loc="upper left", fontsize=7, framealpha=0.8))
    artists.append(ax2.axvline(g, color="0.5", lw=0.8))
    artists.append(ax2.legend(fontsize=7, loc="lower left"))
    return artists


def plot_cmaes_generation(run: dict, g: int) -> Figure:
    """Generation g of a CMA-ES run: `cmaes_frame` with `draw_cmaes_generation` on it."""
    fig = cmaes_frame(run)
    draw_cmaes_generation(fig, run, g)
    return fig


SIGMA0S = (0.05, 0.1, 0.2, 0.3, 0.5)
POPULATIONS = (4, 6, 10, 20)


class CMAESExplorer(Explorer):
    """Step CMA-ES through its generations on a 2-D objective (default rosenbrock(d=2)).

    Controls: generation (slider) and a "next generation" button that moves it by one; population
    (lambda), initial step size sigma0, active or classic update and seed rerun CMA-ES (runs are cached).
    After each draw: `data` (the cmaes_run_data dict), `figure`, `png`, `n_draws`.
    """

    def __init__(self, objective=None, generation=0, population=6, sigma0=0.2, active=True, seed=0,
                 n_generations=30):
        style = {"description_width": "initial"}
        self.objective, self.n_generations, self._runs, self._background = objective, n_generations, {}, None
        self.generation = widgets.IntSlider(value=generation, min=0, max=n_generations - 1, description="generation",
                                            style=style)
        self.next_button = widgets.Button(description="next generation ▶", tooltip="advance one generation")
        self.next_button.on_click(self.advance)
        self.population = widgets.SelectionSlider(options=POPULATIONS, value=population, description="lambda",
                                                  style=style)
        self.sigma0 = widgets.SelectionSlider(options=SIGMA0S, value=sigma0, description="sigma0", style=style)
        self.active = widgets.ToggleButtons(options=(("active", True), ("classic", False)), value=active,
                                            description="update")
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.generation, self.population, self.sigma0, self.active, self.seed)
        self._setup([widgets.HBox([self.generation, self.next_button]), widgets.HBox([self.population, self.sigma0]),
                     widgets.HBox([self.active, self.seed])], controls)

    def advance(self, button=None):
        """One generation on (the button's action); at the last generation it stays."""
        self.generation.value = min(self.generation.value + 1, self.generation.max)

    def key(self):
        return self.generation.value, self.population.value, self.sigma0.value, self.active.value, self.seed.value

    def compute(self, key):
        run = key[1:]
        if run not in self._runs:
            population, sigma0, active, seed = run
            self.busy("running CMA-ES ...")
            self._runs[run] = cmaes_run_data(self.objective, population, sigma0, seed, self.n_generations, active,
                                             background=self._background)
            self._background = self._runs[run]["background"]  # the objective's grid: the same for every run
        return self._runs[run]

    def frame_key(self, key):
        return key[1:]  # the run: stepping through its generations only moves the ellipse and points

    def draw_frame(self, data):
        return cmaes_frame(data)

    def draw_moving(self, figure, data):
        return draw_cmaes_generation(figure, data, self.generation.value)

    def update_frame(self, figure, data):
        return update_cmaes_frame(figure, data)  # a new run of the same objective: the contours stay

    def caption(self, data):
        g = self.generation.value
        gen = data["generations"][g]
        return (f"generation {g}: best loss so far {data['best'][g]:.4g}, sigma {gen['sigma']:.3g}, "
                f"axis ratio {data['condition'][g]:.2f}")


def cmaes_explorer(objective=None, generation=0, population=6, sigma0=0.2, active=True, seed=0,
                   n_generations=30) -> CMAESExplorer:
    """A widget to step CMA-ES through its generations: the sampling ellipse, the selected points and the
    next generation's mean and ellipse, with a "next generation" button."""
    return CMAESExplorer(objective, generation, population, sigma0, active, seed, n_generations)
