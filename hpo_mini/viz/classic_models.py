"""Figures and a widget for lesson 11 (tuning the classic models).

Plain functions take data and return a `matplotlib.figure.Figure`:

    plot_rate_vs_trees({"lr 0.1": (rounds, losses), ...})   # validation loss against the number of trees
    plot_svm_margins(svm_margin_data(C_values=(0.01, 1, 100)))   # a soft margin as C grows
    plot_c_gamma(C_grid, gamma_grid, errors, trials=configs)  # the validation surface with trials on it
    plot_regularization_path(alphas, coefs, mean, se, best, one_se)
    plot_cluster_choice(ks, inertia, silhouette, gap, s, true_k=4)

The widget is a thin `Explorer` (viz/explorer.py) over `plot_c_gamma`: `c_gamma_explorer()` runs a
searcher of hpo_mini (grid, random, BO, TPE) on the SVM task and shows its trials on the C-gamma surface.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .. import optimize
from ..searchers import BayesianOptimization, GridSearch, RandomSearch, TPE
from ..tasks.classic_models import svm_task
from .explorer import Explorer

__all__ = ["plot_rate_vs_trees", "svm_margin_data", "plot_svm_margins", "c_gamma_surface", "c_gamma_frame",
           "draw_c_gamma_trials", "plot_c_gamma", "plot_regularization_path", "plot_cluster_choice",
           "SEARCHERS", "search_trials", "CGammaExplorer", "c_gamma_explorer"]

_COLORS = ("C0", "C1", "C2", "C3", "C4", "C5")  # the Okabe-Ito cycle (viz/style.py)


def plot_rate_vs_trees(curves, ylabel="validation log-loss", title=None) -> Figure:
    """curves {label: (rounds, values)}: one line per learning rate against the number of trees (log x),
    the best round of each marked with a star (where early stopping with long patience would keep it)."""
    if not curves:
        raise ValueError("curves is empty; pass {label: (rounds, values)}")
    fig = Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.subplots()
    for (label, (rounds, values)), color in zip(curves.items(), _COLORS * 3):
        values = np.asarray(values, dtype=float)
        best = int(np.argmin(values))
        ax.plot(rounds, values, color=color, label=f"{label}: best {values[best]:.3f} at {rounds[best]} trees")
        ax.plot(rounds[best], values[best], "*", ms=13, color=color, mec="k")
    ax.set(xscale="log", xlabel="number of trees (boosting rounds)", ylabel=ylabel,
           title=title or "learning rate x number of trees")
    ax.legend(fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------------
# SVMs: the soft margin, and the C-gamma surface
# ---------------------------------------------------------------------------------------------------

def svm_margin_data(C_values=(0.01, 1.0, 100.0), seed=0, n=80) -> dict:
    """A linear SVC on two overlapping 2-D Gaussian blobs for each C: the weights, the margin width
    2 / ||w||, the number of support vectors, and the training error. {"X", "y", "fits": {C: {...}}}."""
    from sklearn.datasets import make_blobs
    from sklearn.svm import SVC

    X, y = make_blobs(n, centers=[(-1.2, -1.0), (1.2, 1.0)], cluster_std=1.0, random_state=seed)
    fits = {}
    for C in C_values:
        model = SVC(kernel="linear", C=C).fit(X, y)
        w, b = model.coef_[0], float(model.intercept_[0])
        fits[C] = {"w": w, "b": b, "margin": 2.0 / float(np.linalg.norm(w)), "support": model.support_,
                   "n_support": int(len(model.support_)), "train_error": float(np.mean(model.predict(X) != y))}
    return {"X": X, "y": y, "fits": fits}


def plot_svm_margins(data) -> Figure:
    """One panel per C: the boundary w.x + b = 0, the margins w.x + b = +-1, support vectors circled."""
    X, y, fits = data["X"], data["y"], data["fits"]
    fig = Figure(figsize=(3.6 * len(fits), 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(fits), sharey=True))
    xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 50)
    for ax, (C, fit) in zip(axes, fits.items()):
        w, b = fit["w"], fit["b"]
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "C1", "C0"), s=14)
        ax.scatter(X[fit["support"], 0], X[fit["support"], 1], s=60, facecolors="none", edgecolors="k", lw=0.8)
        for level, style in ((0, "-"), (-1, "--"), (1, "--")):
            ax.plot(xs, (level - b - w[0] * xs) / w[1], "k" + style, lw=1)
        ax.set(xlim=(xs[0], xs[-1]), ylim=(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5), xlabel="x1",
               title=f"C = {C:g}: margin {fit['margin']:.2f}, {fit['n_support']} SVs")
    axes[0].set_ylabel("x2")
    return fig


def c_gamma_surface(task, C_grid, gamma_grid) -> np.ndarray:
    """errors[i, j] = task({"C": C_grid[i], "gamma": gamma_grid[j]}): the validation surface on a grid."""
    return np.array([[task({"C": float(C), "gamma": float(g)}) for g in gamma_grid] for C in C_grid])


def c_gamma_frame(C_grid, gamma_grid, errors, title=None) -> Figure:
    """The still part: the surface as a heat map (log axes; colour = validation error, log scale)."""
    errors = np.asarray(errors, dtype=float)
    if errors.shape != (len(C_grid), len(gamma_grid)):
        raise ValueError(f"errors must be (len(C_grid), len(gamma_grid)) = ({len(C_grid)}, {len(gamma_grid)}), "
                         f"but got {errors.shape}")
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    mesh = ax.pcolormesh(gamma_grid, C_grid, np.maximum(errors, 1e-3), shading="nearest", cmap="viridis_r",
                         norm=LogNorm(vmin=max(errors.min(), 1e-3), vmax=errors.max()))
    fig.colorbar(mesh, ax=ax, label="3-fold validation error")
    i, j = np.unravel_index(np.argmin(errors), errors.shape)
    ax.plot(gamma_grid[j], C_grid[i], "w*", ms=14, mec="k", label=f"grid best {errors[i, j]:.3f}")
    ax.set(xscale="log", yscale="log", xlabel="gamma (RBF kernel: 1 / length-scale^2)", ylabel="C",
           title=title or "RBF SVM: validation error over C and gamma")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def draw_c_gamma_trials(fig, trials, label="trials") -> list:
    """The moving part: trials (dicts with C, gamma and value) as points shaded light to dark in the order
    they were tried; the best one circled."""
    ax = fig.axes[0]
    if not trials:
        return []
    C = [t["C"] for t in trials]
    g = [t["gamma"] for t in trials]
    best = int(np.argmin([t["value"] for t in trials]))
    artists = [ax.scatter(g, C, c=np.arange(len(trials)), cmap="Greys", s=28, edgecolors="k", lw=0.5, zorder=3),
               ax.scatter([g[best]], [C[best]], s=160, facecolors="none", edgecolors="C3", lw=2, zorder=4)]
    artists.append(ax.set_title(f"{label}: {len(trials)} trials, best error {trials[best]['value']:.3f}"))
    return artists


def plot_c_gamma(C_grid, gamma_grid, errors, trials=None, label="trials", title=None) -> Figure:
    """The C-gamma heat map with a search's trials on it (c_gamma_frame + draw_c_gamma_trials)."""
    fig = c_gamma_frame(C_grid, gamma_grid, errors, title=title)
    if trials:
        draw_c_gamma_trials(fig, trials, label)
    return fig


# ---------------------------------------------------------------------------------------------------
# Linear models and clustering
# ---------------------------------------------------------------------------------------------------

def plot_regularization_path(alphas, coefs, mean, se, best, one_se, title=None) -> Figure:
    """Left: each coefficient against alpha (log). Right: CV error +- 1 SE against alpha, with the
    minimum (index `best`) and the one-standard-error choice (index `one_se`) marked."""
    alphas, coefs = np.asarray(alphas, dtype=float), np.asarray(coefs, dtype=float)
    mean, se = np.asarray(mean, dtype=float), np.asarray(se, dtype=float)
    if coefs.shape[0] != len(alphas) or len(mean) != len(alphas) or len(se) != len(alphas):
        raise ValueError(f"coefs (n_alphas, n_features), mean and se need len(alphas) = {len(alphas)} rows")
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_path, ax_cv = fig.subplots(1, 2, sharex=True)
    ax_path.plot(alphas, coefs, lw=1)
    ax_path.set(xscale="log", xlabel="alpha (penalty)", ylabel="coefficient", title="regularization path")
    ax_cv.errorbar(alphas, mean, yerr=se, fmt="o-", ms=3, lw=1, capsize=2, color="C0")
    ax_cv.axhline(mean[best] + se[best], color="0.5", ls=":", lw=1, label="best + 1 SE")
    for i, text, color in ((best, "minimum", "C2"), (one_se, "one-SE rule", "C3")):
        ax_cv.axvline(alphas[i], color=color, ls="--", lw=1, label=f"{text}: alpha = {alphas[i]:.3g}")
    ax_cv.set(xscale="log", xlabel="alpha (penalty)", ylabel="CV error", title="choosing alpha")
    ax_cv.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_cluster_choice(ks, inertia, silhouette, gap, s, true_k=None, chosen=None) -> Figure:
    """Three panels against k: the k-means inertia (elbow), the silhouette (k >= 2) and the gap statistic
    with its +-s_k bars. `chosen` {method: k} marks each method's pick; `true_k` a dotted line."""
    ks = np.asarray(ks)
    fig = Figure(figsize=(11, 3.3), layout="constrained")
    axes = fig.subplots(1, 3)
    sil_k = ks[ks >= 2]
    axes[0].plot(ks, inertia, "o-", ms=4)
    axes[1].plot(sil_k, np.asarray(silhouette)[-len(sil_k):], "o-", ms=4, color="C1")
    axes[2].errorbar(ks, gap, yerr=s, fmt="o-", ms=4, capsize=2, color="C2")
    names = ("elbow", "silhouette", "gap")
    for ax, name, ylabel in zip(axes, names, ("within-cluster sum of squares", "mean silhouette", "Gap(k)")):
        if true_k is not None:
            ax.axvline(true_k, color="0.5", ls=":", label=f"true k = {true_k}")
        if chosen and name in chosen:
            ax.axvline(chosen[name], color="C3", ls="--", lw=1, label=f"{name} picks {chosen[name]}")
        ax.set(xlabel="number of clusters k", ylabel=ylabel, title=name)
        ax.legend(fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------------
# The widget: a searcher's trials on the C-gamma surface
# ---------------------------------------------------------------------------------------------------

SEARCHERS = {"grid": lambda space, seed: GridSearch(space, n_per_dim=6, shuffle=True, seed=seed),
             "random": lambda space, seed: RandomSearch(space, seed=seed),
             "BO (GP + EI)": lambda space, seed: BayesianOptimization(space, seed=seed),
             "TPE": lambda space, seed: TPE(space, seed=seed)}
MAX_TRIALS = 36  # the grid is 6 x 6 (shuffled, so fewer trials show a spread-out part of it)


def search_trials(task, searcher, n_trials, seed=0) -> list[dict]:
    """Run `searcher` (a key of SEARCHERS) on `task` for n_trials: [{"C", "gamma", "value"}, ...]."""
    if searcher not in SEARCHERS:
        raise ValueError(f"searcher must be one of {list(SEARCHERS)}, but got {searcher!r}")
    study = optimize(task, SEARCHERS[searcher](task.space, seed), n_trials=int(n_trials), progress=False)
    return [{**t.config, "value": t.value} for t in study.trials]


class CGammaExplorer(Explorer):
    """A searcher's trials on the SVM's C-gamma validation surface. Controls: the searcher, the number of
    trials, the seed. The surface (the frame) is computed once; each (searcher, seed) run is kept with its
    searcher: fewer trials show its first ones (the searchers are sequential, so the first n trials of a
    longer run are the run of n), more trials continue it (the same searcher asked for more: the trials of
    `search_trials` with the larger n). The task's value of each config is remembered, so runs that meet
    (the grid at any seed, TPE's random start and random search) evaluate a config once: `task` must be
    deterministic, as the fixed-fold SVM task is. `surface` (optional): the errors on C_grid x gamma_grid,
    if already computed (`c_gamma_surface`). After each draw: `data` (the trials shown), `figure`, `png`,
    `n_draws`."""

    def __init__(self, searcher="BO (GP + EI)", n_trials=15, seed=0, task=None, C_grid=None, gamma_grid=None,
                 surface=None):
        style = {"description_width": "initial"}
        self.task = task if task is not None else svm_task()
        self.C_grid = np.geomspace(1e-2, 1e4, 7) if C_grid is None else np.asarray(C_grid)
        self.gamma_grid = np.geomspace(1e-5, 1.0, 6) if gamma_grid is None else np.asarray(gamma_grid)
        self.searcher = widgets.Dropdown(options=list(SEARCHERS), value=searcher, description="searcher", style=style)
        self.n_trials = widgets.IntSlider(value=n_trials, min=3, max=MAX_TRIALS, description="trials", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=4, description="seed", style=style)
        self._surface = surface  # errors on the grid, if the caller computed them already
        self._runs = {}  # (searcher name, seed) -> (the searcher, its trials so far)
        self._values = {}  # (C, gamma) -> the task's value
        self._setup([widgets.HBox([self.searcher, self.n_trials, self.seed])],
                    (self.searcher, self.n_trials, self.seed))

    def key(self):
        return self.searcher.value, self.n_trials.value, self.seed.value

    def compute(self, key):
        searcher, n, seed = key
        if self._surface is None:
            self.busy("computing the surface ...")
            self._surface = c_gamma_surface(self.task, self.C_grid, self.gamma_grid)
        if (searcher, seed) not in self._runs:
            self._runs[searcher, seed] = (SEARCHERS[searcher](self.task.space, seed), [])
        run, trials = self._runs[searcher, seed]
        if len(trials) < n:
            self.busy(f"running {searcher} ..." if not trials else f"running {searcher} on to {n} trials ...")
            study = optimize(self._value, run, n_trials=n - len(trials), progress=False)
            trials += [{**t.config, "value": t.value} for t in study.trials]
        return {"trials": trials[:n], "label": f"{searcher}, seed {seed}"}

    def _value(self, config):
        key = (config["C"], config["gamma"])
        if key not in self._values:
            self._values[key] = self.task(config)
        return self._values[key]

    def frame_key(self, key):
        return "surface"

    def draw_frame(self, data):
        return c_gamma_frame(self.C_grid, self.gamma_grid, self._surface)

    def draw_moving(self, figure, data):
        return draw_c_gamma_trials(figure, data["trials"], data["label"])

    def caption(self, data):
        best = min(data["trials"], key=lambda t: t["value"])
        return (f"{data['label']}: best after {len(data['trials'])} trials: error {best['value']:.4f} at "
                f"C = {best['C']:.3g}, gamma = {best['gamma']:.3g}")


def c_gamma_explorer(searcher="BO (GP + EI)", n_trials=15, seed=0, task=None, C_grid=None, gamma_grid=None,
                     surface=None) -> CGammaExplorer:
    """A widget: a searcher, a number of trials and a seed -> its trials on the SVM's C-gamma surface."""
    return CGammaExplorer(searcher, n_trials, seed, task=task, C_grid=C_grid, gamma_grid=gamma_grid, surface=surface)
