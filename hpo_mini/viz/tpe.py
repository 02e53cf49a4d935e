"""Figures and a widget for lesson 06 (TPE): the split at gamma, the Parzen estimators l(x) and g(x),
and the ratio l(x) / g(x) whose best candidate is the next trial.

Plain functions: `tpe_data` (observations of a 1-D objective, split and modelled by the library's own
TPE in `hpo_mini/searchers/tpe.py`) and `plot_tpe` (a three-panel Figure from that data); the widget
`tpe_explorer()` is a thin `Explorer` (viz/explorer.py) over them.

    from hpo_mini.viz.tpe import tpe_data, plot_tpe, tpe_explorer
    data = tpe_data(n_obs=20, gamma=0.25, seed=0)
    plot_tpe(data)
    explorer = tpe_explorer(); explorer.gamma.value = 0.5   # redraws; explorer.data / .png hold the result
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..models.parzen import ParzenEstimator, parzen_estimator
from ..runner import optimize
from ..searchers.tpe import TPE, default_gamma, split_observations
from ..space import Categorical, Int
from ..study import Trial
from ..tasks.test_functions import forrester
from .explorer import Explorer, empty_axes

__all__ = ["HISTORIES", "tpe_data", "plot_tpe", "plot_parzen", "TPEExplorer", "tpe_explorer"]

HISTORIES = ("random", "tpe")  # where the observations come from: uniform draws, or a TPE run's trials
PRIOR_WEIGHT_CHOICES = (0.1, 0.5, 1.0, 2.0, 5.0)
GOOD, BAD = "C2", "tab:gray"  # good (y below the split) and bad observations; l and g in the same colours


def _check_objective_1d(objective_1d):
    space = getattr(objective_1d, "space", None)
    if space is None or not callable(objective_1d):
        raise TypeError(f"objective_1d must be a callable with a .space (e.g. forrester()), but got {objective_1d!r}")
    dim = space[space.names[0]]
    if len(space) != 1 or isinstance(dim, (Int, Categorical)):
        raise ValueError(f"objective_1d must have a one-dimensional Float space, but its space is {space!r}")
    return space


def _observations(objective_1d, n_obs, seed, history):
    """n_obs configs and their losses: uniform draws from `seed`, or the first n_obs trials of a TPE
    run with the library's defaults (gamma = default_gamma), so the points cluster where TPE searched."""
    space = objective_1d.space
    if history == "random":
        configs = space.sample(np.random.default_rng(seed), n_obs)
        return configs, np.array([objective_1d(c) for c in configs], dtype=float)
    study = optimize(objective_1d, TPE(space, seed=seed), n_trials=n_obs, progress=False)
    return [t.config for t in study.trials], np.array([t.value for t in study.trials], dtype=float)


def tpe_data(objective_1d=None, n_obs=20, gamma=0.25, seed=0, history="random", prior_weight=1.0,
             n_candidates=24, n_grid=401) -> dict:
    """One TPE proposal on a 1-D objective (default forrester()), with everything needed to draw it.

    The observations (`history`: "random" uniform draws or "tpe", a default TPE run's first trials) are
    told to `TPE(space, seed=seed, gamma=gamma, n_startup=1, prior_weight=prior_weight)`, which
    splits them (`split_observations`), fits l and g (`TPE.estimators`, i.e. `parzen_estimator`) and
    proposes its next trial (`TPE.ask`). gamma: a fraction in (0, 1] or "default" (`default_gamma`,
    Optuna's min(ceil(0.1 n), 25)).

    Returns a dict: x_obs, y_obs (the observations), good, bad (index arrays of the split), y_star
    (the threshold: midway between the worst good and the best bad loss), grid (unit points; for this
    1-D space also the x values when the range is [0, 1]), x_grid, truth (the objective on the grid),
    l, g (densities per unit of the [0, 1] encoding), log_ratio = log l - log g, candidates (the
    n_candidates unit points drawn from l, with the same random stream TPE.ask uses) and their
    candidate_log_ratio, best_candidate (their argmax), next_x (the unit point TPE.ask proposed: the
    same point unless it repeats a known one), grid_argmax (the argmax of the ratio on the grid), and
    the settings (n_obs, gamma, n_good, history, prior_weight, name).
    """
    objective_1d = forrester() if objective_1d is None else objective_1d
    space = _check_objective_1d(objective_1d)
    if history not in HISTORIES:
        raise ValueError(f"history must be one of {HISTORIES}, but got {history!r}")
    if isinstance(n_obs, bool) or not isinstance(n_obs, (int, np.integer)) or n_obs < 2:
        raise ValueError(f"n_obs must be an integer >= 2 (TPE needs observations to split), but got {n_obs!r}")
    rule = default_gamma if gamma == "default" else gamma
    configs, y = _observations(objective_1d, int(n_obs), seed, history)
    x_unit = space.to_unit(configs)[:, 0]

    searcher = TPE(space, seed=seed, gamma=rule, n_startup=1, n_candidates=n_candidates, prior_weight=prior_weight)
    for i, (config, value) in enumerate(zip(configs, y)):
        searcher.tell(Trial(id=i, config=config), value)
    good, bad = split_observations(y, rule)  # the same split TPE.estimators makes
    l, g = searcher.estimators()

    # The candidates TPE.ask draws: the proposal stream of the next trial id (TPE._propose).
    rng = searcher.trial_rng(len(y), stream=1)
    candidates = l.sample(rng, searcher.n_candidates)[:, 0]
    candidate_log_ratio = l.log_pdf(candidates) - g.log_pdf(candidates)
    next_x = space.to_unit(searcher.ask().config)[0, 0]

    grid = np.linspace(0.0, 1.0, n_grid)
    x_grid = np.array([c[space.names[0]] for c in space.from_unit(grid[:, None])])
    log_l, log_g = l.log_pdf(grid), g.log_pdf(grid)
    y_star = 0.5 * (y[good].max() + y[bad].min()) if len(bad) else y.max()
    return {"x_obs": x_unit, "y_obs": y, "good": good, "bad": bad, "y_star": float(y_star),
            "grid": grid, "x_grid": x_grid, "truth": np.array([objective_1d({space.names[0]: x}) for x in x_grid]),
            "l": np.exp(log_l), "g": np.exp(log_g), "log_ratio": log_l - log_g,
            "candidates": candidates, "candidate_log_ratio": candidate_log_ratio,
            "best_candidate": float(candidates[np.argmax(candidate_log_ratio)]), "next_x": float(next_x),
            "grid_argmax": float(grid[np.argmax(log_l - log_g)]), "n_obs": int(n_obs), "gamma": gamma,
            "n_good": len(good), "history": history, "prior_weight": float(prior_weight),
            "name": getattr(objective_1d, "name", "objective")}


def plot_tpe(data: dict, fig=None) -> Figure:
    """Three panels from a `tpe_data` dict, on the unit x axis.

    Top: the objective, the observations coloured good / bad, the threshold y*. Middle: the Parzen
    estimators l(x) (good) and g(x) (bad). Bottom: log l(x)/g(x), the candidates drawn from l at their
    ratio, the best one (the next trial, a star and a line through all panels) and the argmax on the grid.
    fig: a figure this function drew before, to draw on again (`empty_axes`); default a new one.
    """
    if fig is None:
        fig = Figure(figsize=(7.5, 6.6), layout="constrained")
        top, middle, bottom = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2, 2]})
    else:
        top, middle, bottom = empty_axes(fig)
    grid, x, y = data["grid"], data["x_obs"], data["y_obs"]
    good, bad = data["good"], data["bad"]
    gamma = "default" if data["gamma"] == "default" else f"{data['gamma']:g}"

    top.plot(grid, data["truth"], color="0.6", lw=1, ls="--", label=data["name"])
    top.plot(x[bad], y[bad], "o", color=BAD, ms=6, label=f"bad: {len(bad)}")
    top.plot(x[good], y[good], "o", color=GOOD, ms=7, mec="k", label=f"good: {len(good)}")
    top.axhline(data["y_star"], color=GOOD, lw=1, ls=":", label=f"y* = {data['y_star']:.3g}")
    top.set(ylabel="loss y", title=f"{data['n_obs']} observations ({data['history']}), gamma = {gamma}: "
                                   f"the best {len(good)} are good")
    top.legend(fontsize=7, loc="best", ncols=2)

    middle.plot(grid, data["l"], color=GOOD, lw=1.8, label="l(x) = p(x | good)")
    middle.plot(grid, data["g"], color=BAD, lw=1.8, label="g(x) = p(x | bad)")
    middle.plot(x[good], np.zeros(len(good)), "|", color=GOOD, ms=12, mew=2)
    middle.plot(x[bad], np.zeros(len(bad)), "|", color=BAD, ms=8, mew=1.5)
    middle.set(ylabel="density", ylim=(0, None),
               title=f"Parzen estimators (prior weight {data['prior_weight']:g})")
    middle.legend(fontsize=8, loc="best")

    bottom.plot(grid, data["log_ratio"], color="C4", lw=1.8, label="log l(x) / g(x)")
    bottom.axhline(0, color="0.7", lw=0.8)
    bottom.plot(data["candidates"], data["candidate_log_ratio"], "o", color="C4", ms=4, alpha=0.6,
                label=f"{len(data['candidates'])} candidates drawn from l")
    best = int(np.argmax(data["candidate_log_ratio"]))
    bottom.plot(data["candidates"][best], data["candidate_log_ratio"][best], "*", ms=15, color="C3", mec="k",
                label=f"next x = {data['next_x']:.3f}")
    bottom.plot(data["grid_argmax"], data["log_ratio"].max(), "v", ms=8, color="C1", mec="k",
                label=f"argmax on the grid {data['grid_argmax']:.3f}")
    for ax in (top, middle, bottom):
        ax.axvline(data["next_x"], color="C3", lw=1, ls="--")
    bottom.set(xlabel="x (unit scale)", ylabel="log ratio",
               title="the next trial: the candidate with the largest l / g")
    bottom.legend(fontsize=7, loc="best")
    return fig


def plot_parzen(points, prior_weights=(0.0, 1.0, 5.0), n_grid=401) -> Figure:
    """A 1-D Parzen estimator of unit points, drawn once per prior weight: its weighted kernels
    (thin lines; the prior dashed) and their sum, the density (thick), from `parzen_estimator`."""
    points = np.asarray(points, dtype=float)
    grid = np.linspace(0.0, 1.0, n_grid)
    fig = Figure(figsize=(3.0 * len(prior_weights), 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(prior_weights), sharey=True))
    for ax, weight in zip(axes, prior_weights):
        estimator = parzen_estimator(points, prior_weight=weight)
        for i, (w, mu, sigma) in enumerate(zip(estimator.weights, estimator.mus[:, 0], estimator.sigmas[:, 0])):
            one = ParzenEstimator(None, np.ones(1), np.array([[mu]]), np.array([[sigma]]), {})  # kernel i alone
            is_prior = i == len(points)
            ax.plot(grid, w * one.pdf(grid), lw=0.8, color="0.5" if is_prior else GOOD, ls="--" if is_prior else "-")
        ax.plot(grid, estimator.pdf(grid), color="k", lw=2)
        ax.plot(points, np.zeros(len(points)), "|", color=GOOD, ms=12, mew=2)
        ax.set(title=f"prior weight {weight:g}", xlabel="x (unit scale)", ylim=(0, None))
    axes[0].set_ylabel("density")
    return fig


class TPEExplorer(Explorer):
    """One TPE proposal on a 1-D objective (default forrester()). Controls: gamma (fraction of good
    observations), n observations, where they come from (random draws or a TPE run), the prior's
    weight, seed. After each draw: `data` (a tpe_data dict), `figure`, `png`, `n_draws`."""

    def __init__(self, objective_1d=None, n_obs=20, gamma=0.25, seed=0, history="random", prior_weight=1.0):
        style = {"description_width": "initial"}
        self.objective = forrester() if objective_1d is None else objective_1d
        _check_objective_1d(self.objective)
        self.gamma = widgets.FloatSlider(value=gamma, min=0.05, max=1.0, step=0.05, description="gamma",
                                         style=style)
        self.n_obs = widgets.IntSlider(value=n_obs, min=3, max=60, description="observations n", style=style)
        self.history = widgets.ToggleButtons(options=(("random draws", "random"), ("a TPE run", "tpe")),
                                             value=history, description="observations")
        self.prior_weight = widgets.SelectionSlider(options=PRIOR_WEIGHT_CHOICES, value=prior_weight,
                                                    description="prior weight", style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.gamma, self.n_obs, self.history, self.prior_weight, self.seed)
        self._setup([widgets.HBox([self.gamma, self.n_obs]), widgets.HBox([self.history]),
                     widgets.HBox([self.prior_weight, self.seed])], controls)

    def key(self):
        return self.n_obs.value, self.gamma.value, self.seed.value, self.history.value, self.prior_weight.value

    def compute(self, key):
        return tpe_data(self.objective, *key)

    def draw(self, data):
        return plot_tpe(data)

    def update_frame(self, figure, data):
        plot_tpe(data, fig=figure)  # the same three axes, drawn on again
        return True


def tpe_explorer(objective_1d=None, n_obs=20, gamma=0.25, seed=0, history="random", prior_weight=1.0) -> TPEExplorer:
    """A widget to see how gamma, the number of observations and the prior shape l(x), g(x) and the
    next TPE trial."""
    return TPEExplorer(objective_1d, n_obs, gamma, seed, history, prior_weight)
