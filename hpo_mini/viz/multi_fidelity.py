"""Figures and widgets for lesson 07 (multi-fidelity): the Hyperband bracket planner, successive
halving on learning curves (who is killed at which rung, and the late bloomer it loses), and the
simulated cluster's timeline.

Figures are plain functions (data in, `matplotlib.figure.Figure` out); the two explorers are thin
`Explorer`s (viz/explorer.py) over them:

    from hpo_mini.viz.multi_fidelity import bracket_planner, sh_curves_explorer
    planner = bracket_planner(max_budget=81, eta=3, min_budget=1)
    planner.eta.value = 2            # the table (planner.table) and the figure (planner.png) redraw
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..searchers.hyperband import bracket_cost, hyperband_brackets
from ..searchers.successive_halving import sh_rungs
from ..tasks.learning_curves import synthetic_curves
from .explorer import Explorer, empty_axes
from .style import OKABE_ITO

__all__ = [
    "bracket_rows",
    "format_brackets",
    "plot_brackets",
    "sh_curves_data",
    "plot_sh_curves",
    "plot_cluster",
    "BracketPlanner",
    "bracket_planner",
    "SHCurvesExplorer",
    "sh_curves_explorer",
]

# --- the bracket planner ---------------------------------------------------------------------------


def bracket_rows(min_budget, max_budget, eta) -> list[dict]:
    """One row per Hyperband bracket: s, its rungs [(n_i, r_i)], configs tried, and the budget it spends
    (sum n_i r_i; `budget_resumed` when promoted configs continue from a checkpoint)."""
    plans = hyperband_brackets(min_budget, max_budget, eta)
    s_max = len(plans) - 1
    return [{"s": s_max - j, "rungs": plan, "configs": plan[0][0], "budget": bracket_cost(plan),
             "budget_resumed": bracket_cost(plan, resume=True)} for j, plan in enumerate(plans)]


def format_brackets(min_budget, max_budget, eta) -> str:
    """The Hyperband table as text, laid out like Li et al. (2018), Table 1: a column per bracket s,
    a row per rung i holding n_i x r_i, then each bracket's total budget."""
    rows = bracket_rows(min_budget, max_budget, eta)
    width = 12
    lines = [f"Hyperband, R = {max_budget}, eta = {eta}, minimum budget = {min_budget}",
             "rung i | " + "".join(f"{'s = ' + str(r['s']):>{width}}" for r in rows)]
    for i in range(len(rows)):
        cells = [f"{r['rungs'][i][0]} x {r['rungs'][i][1]}" if i < len(r["rungs"]) else "" for r in rows]
        lines.append(f"{i:>6} | " + "".join(f"{c:>{width}}" for c in cells))
    lines.append("budget | " + "".join(f"{r['budget']:>{width}}" for r in rows))
    lines.append("resumed| " + "".join(f"{r['budget_resumed']:>{width}}" for r in rows))
    return "\n".join(lines)


def plot_brackets(min_budget, max_budget, eta, fig=None) -> Figure:
    """Left: configurations surviving each rung (one line per bracket, budget on a log axis).
    Right: the total budget each bracket spends, without and with checkpoints. fig: a figure this
    function drew before, to draw on again (`empty_axes`); default a new one."""
    rows = bracket_rows(min_budget, max_budget, eta)
    if fig is None:
        fig = Figure(figsize=(9.5, 3.6), layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    else:
        left, right = empty_axes(fig)
    colors = [f"C{j % len(OKABE_ITO)}" for j in range(len(rows))]  # the palette, in order
    for row, color in zip(rows, colors):
        n, r = zip(*row["rungs"])
        left.plot(r, n, "o-", color=color, label=f"s = {row['s']}")
        for ni, ri in row["rungs"]:
            left.annotate(str(ni), (ri, ni), textcoords="offset points", xytext=(4, 3), fontsize=7, color=color)
    left.set(xscale="log", yscale="log", xlabel="budget per configuration (rung)", ylabel="configurations alive",
             title=f"survivors per rung (R = {max_budget}, eta = {eta})")
    left.legend(fontsize=7, title="bracket", title_fontsize=7)
    x = np.arange(len(rows))
    right.bar(x - 0.2, [r["budget"] for r in rows], 0.4, color="tab:gray", label="from scratch")
    right.bar(x + 0.2, [r["budget_resumed"] for r in rows], 0.4, color="C0", label="with checkpoints")
    right.set_xticks(x, [f"s={r['s']}" for r in rows])
    right.set(ylabel="total budget", title="budget per bracket")
    right.legend(fontsize=7)
    return fig


class BracketPlanner(Explorer):
    """Sliders for R (max budget), eta and the minimum budget over the Hyperband table and its picture.

    After each draw: `data` (bracket_rows), `table` (format_brackets text), `figure`, `png`, `n_draws`. A minimum budget above R is clipped to R (one bracket, every
    config at full budget), so moving it further above R redraws nothing.
    """

    def __init__(self, max_budget=81, eta=3, min_budget=1):
        style = {"description_width": "initial"}
        self.max_budget = widgets.SelectionSlider(options=(9, 16, 27, 64, 81, 100, 243), value=max_budget,
                                                  description="max budget R", style=style)
        self.eta = widgets.IntSlider(value=eta, min=2, max=5, description="eta", style=style)
        self.min_budget = widgets.SelectionSlider(options=(1, 2, 3, 5, 9, 27), value=min_budget,
                                                  description="min budget", style=style)
        controls = (self.max_budget, self.eta, self.min_budget)
        self._setup([widgets.HBox(list(controls))], controls)

    def key(self):
        return min(self.min_budget.value, self.max_budget.value), self.max_budget.value, self.eta.value

    def compute(self, key):
        return bracket_rows(*key)

    def draw(self, data):
        return plot_brackets(*self.key())

    def update_frame(self, figure, data):
        plot_brackets(*self.key(), fig=figure)  # the same two axes, drawn on again
        return True

    def caption(self, data):
        return format_brackets(*self.key())

    @property
    def table(self) -> str:
        """The Hyperband table shown above the picture (format_brackets)."""
        return format_brackets(*self.key())


def bracket_planner(max_budget=81, eta=3, min_budget=1) -> BracketPlanner:
    """A widget: choose R, eta and the minimum budget, see Hyperband's brackets and what they cost."""
    return BracketPlanner(max_budget, eta, min_budget)


# --- successive halving on learning curves ---------------------------------------------------------


def sh_curves_data(seed=0, eta=3, min_budget=1, max_budget=81, noise=0.005) -> dict:
    """Successive halving run offline on eta^s_max curves of `synthetic_curves(seed)`.

    Returns curves ((n, max_budget) errors), rungs (sh_rungs), killed_at (budget at which each config
    stopped; NaN for the last rung's), winner (SH's pick: best at the last rung), best_final (best
    error at max_budget over all n, had all trained fully), lost (True if SH killed best_final),
    best_final_killed_at, and compute (SH with checkpoints) vs compute_full (n x max_budget).
    """
    f = synthetic_curves(seed=seed, max_budget=max_budget, noise=noise)
    s_max = len(hyperband_brackets(min_budget, max_budget, eta)) - 1
    n = int(eta**s_max)
    configs = f.space.sample(np.random.default_rng([seed, 7]), n)
    curves = np.array([f.curve(c, max_budget) for c in configs])
    rungs = sh_rungs(n, min_budget, max_budget, eta)
    alive, killed_at = np.arange(n), np.full(n, np.nan)
    for (_, r), (n_next, _) in zip(rungs, rungs[1:]):
        order = alive[np.argsort(curves[alive, int(r) - 1], kind="stable")]
        killed_at[order[n_next:]] = r
        alive = order[:n_next]
    last = int(rungs[-1][1])
    winner = int(alive[np.argmin(curves[alive, last - 1])])
    best_final = int(np.argmin(curves[:, -1]))
    return {"configs": configs, "curves": curves, "rungs": rungs, "killed_at": killed_at, "winner": winner,
            "best_final": best_final, "lost": bool(not np.isnan(killed_at[best_final])),
            "best_final_killed_at": killed_at[best_final], "compute": bracket_cost(rungs, resume=True),
            "compute_full": n * max_budget, "eta": eta, "seed": seed}


def plot_sh_curves(data) -> Figure:
    """Every curve, solid up to the rung where SH stopped it (an x marks the kill, colour = rung) and
    dotted beyond (what SH never saw); SH's pick in green, the best final configuration in red
    (dashed where SH killed it: a late bloomer lost)."""
    from matplotlib import colormaps

    curves, killed, rungs = data["curves"], data["killed_at"], data["rungs"]
    epochs = np.arange(1, curves.shape[1] + 1)
    fig = Figure(figsize=(8, 4.4), layout="constrained")
    ax = fig.subplots()
    budgets = [r for _, r in rungs]
    cmap = colormaps["cividis"]  # dark blue (first rung) to yellow: apart from SH's green and the best's red
    colors = {r: cmap(0.9 * i / max(1, len(budgets) - 1)) for i, r in enumerate(budgets)}
    # one collection per rung, not three lines per curve: a figure of 243 artists draws several times slower
    seen, kills, unseen = {r: [] for r in budgets}, {r: [] for r in budgets}, []
    for i, curve in enumerate(curves):
        if np.isnan(killed[i]):
            continue
        stop = int(killed[i])
        unseen.append(np.column_stack([epochs[stop - 1:], curve[stop - 1:]]))
        seen[killed[i]].append(np.column_stack([epochs[:stop], curve[:stop]]))
        kills[killed[i]].append((stop, curve[stop - 1]))
    ax.add_collection(LineCollection(unseen, colors="0.75", linewidths=0.5, linestyles=":", alpha=0.7))
    for r in budgets:
        if seen[r]:
            ax.add_collection(LineCollection(seen[r], colors=[colors[r]], linewidths=0.9, alpha=0.8))
            ax.plot(*zip(*kills[r]), "x", color=colors[r], ms=4)
    for r in budgets[:-1]:
        n_killed = int(np.sum(killed == r))
        ax.plot([], [], "x-", color=colors[r], lw=0.9, ms=4, label=f"killed at {r:g} epochs ({n_killed})")
    w, b = data["winner"], data["best_final"]
    ax.plot(epochs, curves[w], color="C2", lw=2.2, label=f"SH's pick: final error {curves[w, -1]:.3f}")
    if b != w:
        how = f"killed at {data['best_final_killed_at']:g} epochs" if data["lost"] else "not picked"
        ax.plot(epochs, curves[b], color="C3", lw=2.0, ls="--" if data["lost"] else "-",
                label=f"best final: {curves[b, -1]:.3f} ({how})")
    for r in budgets:
        ax.axvline(r, color="0.8", lw=0.6, zorder=0)
    ax.set(xscale="log", xlabel="epochs (budget)", ylabel="validation error", ylim=(0, min(0.9, curves.max())),
           title=f"successive halving on {len(curves)} curves, eta = {data['eta']}, rungs at {budgets}\n"
                 f"{data['compute']:g} epochs vs {data['compute_full']:g} for all at full budget; dotted: never seen")
    ax.legend(fontsize=7, loc="upper right")
    return fig


class SHCurvesExplorer(Explorer):
    """Sliders (seed, eta, minimum budget) over `plot_sh_curves(sh_curves_data(...))`.
    After each draw: `data`, `figure`, `png`, `n_draws`."""

    def __init__(self, seed=0, eta=3, min_budget=1, max_budget=81):
        style = {"description_width": "initial"}
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        self.eta = widgets.IntSlider(value=eta, min=2, max=4, description="eta", style=style)
        self.min_budget = widgets.SelectionSlider(options=(1, 3, 9), value=min_budget, description="min budget",
                                                  style=style)
        self.max_budget = max_budget
        controls = (self.seed, self.eta, self.min_budget)
        self._setup([widgets.HBox(list(controls))], controls)

    def key(self):
        return self.seed.value, self.eta.value, self.min_budget.value

    def compute(self, key):
        return sh_curves_data(*key, self.max_budget)

    def draw(self, data):
        return plot_sh_curves(data)


def sh_curves_explorer(seed=0, eta=3, min_budget=1, max_budget=81) -> SHCurvesExplorer:
    """A widget: which learning curves successive halving kills at each rung, and what it loses."""
    return SHCurvesExplorer(seed, eta, min_budget, max_budget)


# --- the simulated cluster -------------------------------------------------------------------------


def plot_cluster(runs_by_name: dict) -> Figure:
    """One timeline per simulated run (hpo_mini.tasks.simulated_cluster.ClusterRun): a row per worker, a bar
    per job coloured by its budget; white gaps are idle workers."""
    fig = Figure(figsize=(9, 1.2 + 1.3 * len(runs_by_name)), layout="constrained")
    axes = fig.subplots(len(runs_by_name), 1, sharex=True, squeeze=False)[:, 0]
    budgets = sorted({j.budget for run in runs_by_name.values() for j in run.jobs if j.budget is not None})
    color = {b: f"C{i % len(OKABE_ITO)}" for i, b in enumerate(budgets)}
    for ax, (name, run) in zip(axes, runs_by_name.items()):
        for job in run.jobs:
            ax.barh(job.worker, job.end - job.start, left=job.start, height=0.8, color=color.get(job.budget, "C0"),
                    edgecolor="white", lw=0.5)
        ax.set(yticks=range(run.n_workers), ylabel="worker",
               title=f"{name}: {len(run.jobs)} jobs, utilization {100 * run.utilization:.0f}%, "
                     f"makespan {run.makespan:.0f}")
        ax.invert_yaxis()
    axes[-1].set_xlabel("simulated time")
    handles = [Patch(color=color[b], label=f"budget {b:g}") for b in budgets]
    if handles:
        fig.legend(handles=handles, fontsize=7, loc="outside right upper")
    return fig
