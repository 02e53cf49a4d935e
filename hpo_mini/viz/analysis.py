"""Figures for looking back at studies (lesson 13): importance bars, partial-dependence curves, and a
Pareto front with its hypervolume shaded. Plain functions: data in, a `matplotlib.figure.Figure` out.

    from ..evaluation.importance import hyperparameter_importance, partial_dependence
    from .analysis import plot_importance, plot_partial_dependence, plot_pareto_front
    plot_importance(hyperparameter_importance(study, space, seed=0))
    plot_partial_dependence([partial_dependence(study, space, name, seed=0) for name in space], study)
    plot_pareto_front(F, reference=(1.0, 1.0), names=("error", "size"))
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..evaluation.importance import Importance, PartialDependence
from ..evaluation.pareto import hypervolume_2d, non_dominated_sort

__all__ = ["plot_importance", "plot_partial_dependence", "hypervolume_polygon", "plot_pareto_front"]


def plot_importance(importance: Importance, title: str | None = None) -> Figure:
    """Horizontal bars: each hyperparameter's fANOVA share of variance (+- its std over trees), most
    important on top, and a grey bar for what no single hyperparameter explains (interactions)."""
    names = list(importance.shares)[::-1]
    shares = [importance.shares[n] for n in names]
    errors = [importance.std[n] for n in names]
    fig = Figure(figsize=(6, 0.5 + 0.4 * (len(names) + 1)), layout="constrained")
    ax = fig.subplots()
    ax.barh(["(interactions)"], [max(importance.interactions, 0.0)], color="0.75", gid="interactions")
    ax.barh(names, shares, xerr=errors, color="C0", capsize=3, gid="importance")
    for y, (share, error) in enumerate(zip(shares, errors), start=1):
        ax.text(share + error, y, f"  {share:.2f}", va="center", fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("share of the loss variance explained alone (fANOVA main effect)")
    ax.set_title(title or f"Hyperparameter importance from {importance.n_trials} trials", fontsize=10, loc="left")
    return fig


def plot_partial_dependence(curves, study=None, ncols: int = 3) -> Figure:
    """One panel per `PartialDependence`: the surrogate's mean (line, or points for a categorical) with
    a +-1 std band over trees; log x axis for log dimensions. With `study`, its completed trials are
    drawn as grey dots (value against that hyperparameter)."""
    if isinstance(curves, PartialDependence):
        curves = [curves]
    curves = list(curves)
    if not curves:
        raise ValueError("got no partial-dependence curves; pass partial_dependence(study, space, name) results")
    ncols = min(ncols, len(curves))
    nrows = -(-len(curves) // ncols)
    fig = Figure(figsize=(3.3 * ncols, 2.8 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, pd in zip(axes, curves):
        done = study.completed if study is not None else []
        if pd.categorical:
            x = np.arange(len(pd.values))
            if done:
                index = {repr(v): i for i, v in enumerate(pd.values)}
                ax.plot([index[repr(t.config[pd.name])] for t in done], [t.value for t in done], ".",
                        color="0.7", ms=4, zorder=1)
            ax.errorbar(x, pd.mean, yerr=pd.std, fmt="o", color="C0", capsize=4, gid="partial_dependence")
            ax.set_xticks(x, [str(v) for v in pd.values])
        else:
            x = np.asarray(pd.values, dtype=float)
            if done:
                ax.plot([t.config[pd.name] for t in done], [t.value for t in done], ".", color="0.7", ms=4, zorder=1)
            ax.fill_between(x, pd.mean - pd.std, pd.mean + pd.std, color="C0", alpha=0.2, lw=0)
            ax.plot(x, pd.mean, color="C0", gid="partial_dependence")
            if pd.log:
                ax.set_xscale("log")
        ax.set_xlabel(pd.name)
    axes[0].set_ylabel("value (others averaged out)")
    for ax in axes[len(curves):]:
        ax.set_visible(False)
    return fig


def hypervolume_polygon(points, reference) -> np.ndarray:
    """Vertices of the region the front of `points` dominates up to `reference` (two objectives,
    minimization): a staircase whose area is `hypervolume_2d(points, reference)`."""
    F = np.asarray(points, dtype=float)
    r = np.asarray(reference, dtype=float)
    F = F[np.all(F < r, axis=1)]
    if len(F) == 0:
        return np.empty((0, 2))
    F = F[non_dominated_sort(F) == 0]
    F = np.unique(F, axis=0)  # sorted by f1, then f2: on a front, f2 descends
    vertices = [(F[0, 0], r[1])]
    for i, (f1, f2) in enumerate(F):
        vertices.append((f1, f2))
        vertices.append((F[i + 1, 0] if i + 1 < len(F) else r[0], f2))
    vertices.append((r[0], r[1]))
    return np.array(vertices)


def plot_pareto_front(points, reference, names=("objective 1", "objective 2"), title: str | None = None) -> Figure:
    """All points (grey: dominated), the Pareto front (coloured, joined as a staircase), the reference
    point, and the hypervolume shaded, its value in the title. Both objectives are minimized."""
    F = np.asarray(points, dtype=float)
    if F.ndim != 2 or F.shape[1] != 2:
        raise ValueError(f"plot_pareto_front needs (n, 2) points, but got shape {F.shape}")
    r = np.asarray(reference, dtype=float)
    ranks = non_dominated_sort(F)
    hv = hypervolume_2d(F, r)
    fig = Figure(figsize=(5.2, 4), layout="constrained")
    ax = fig.subplots()
    polygon = hypervolume_polygon(F, r)
    if len(polygon):
        ax.fill(polygon[:, 0], polygon[:, 1], color="C0", alpha=0.15, lw=0, gid="hypervolume",
                label=f"hypervolume {hv:.4g}")
        ax.plot(polygon[1:-1, 0], polygon[1:-1, 1], color="C0", lw=1)
    ax.plot(F[ranks > 0, 0], F[ranks > 0, 1], ".", color="0.6", label="dominated")
    ax.plot(F[ranks == 0, 0], F[ranks == 0, 1], "o", color="C0", ms=5, label="Pareto front", gid="front")
    ax.plot(*r, "x", color="C3", ms=8, mew=2, label="reference point")
    ax.set_xlabel(f"{names[0]} (lower is better)")
    ax.set_ylabel(f"{names[1]} (lower is better)")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.set_title(title or f"{int((ranks == 0).sum())} of {len(F)} points on the front; hypervolume {hv:.4g}",
                 fontsize=10, loc="left")
    return fig
