"""Figures and the explorer for Bayesian optimization (lesson 05): the GP posterior and the acquisition
step by step (`bo_steps`, `bo_steps_data`, `plot_bo_step`), trials-to-target curves, and
`acquisition_explorer`, a thin `Explorer` over them.

`bo_steps` drives `BayesianOptimization` through its public ask / tell only and reads its fitted GP
(`gp_`); a fixed length-scale is a `gp_kwargs` setting of the searcher. The acquisition curve is
`acquisition_score` from models/acquisition.py, the one the searcher maximizes (in log form for EI, PI).

    from hpo_mini.viz.bo import bo_steps_data, plot_bo_step
    run = bo_steps_data(n_steps=6, acquisition="ei", seed=1)
    plot_bo_step(run[3])
"""

from __future__ import annotations

from itertools import islice

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..models.acquisition import ACQUISITIONS, acquisition_score
from ..searchers.bayes import BayesianOptimization
from ..space import Categorical
from ..tasks.test_functions import forrester
from .explorer import Explorer, empty_axes
from .gp import LENGTHSCALE_CHOICES, draw_posterior

__all__ = ["bo_steps", "bo_steps_data", "bo_step_data", "plot_bo_step", "plot_trials_to_target", "XI_CHOICES",
           "AcquisitionExplorer", "acquisition_explorer"]

_ACQUISITION_LABELS = {"ei": "expected improvement", "pi": "probability of improvement",
                       "ucb": "lower confidence bound, negated"}


def bo_steps(objective_1d=None, acquisition="ei", xi=0.0, kappa=2.0, kernel="matern52", lengthscale=None,
             seed=0, n_startup=3, n_grid=401, truth=True):
    """Run BayesianOptimization on a 1-D objective and yield its state before each proposal.

    objective_1d: an objective with a one-dimensional numeric `.space` (default: `forrester()`).
    The run: `n_startup` Sobol points, then one proposal per step, each evaluated before the next.
    An iterator without end: item k (k = 0, 1, ...) is a dict describing the moment after
    n_startup + k observations:
      x_obs, y_obs    the observations so far (x in the objective's units)
      grid            n_grid points across the range; truth the objective on it (None if truth=False)
      mu, sigma       the GP posterior mean and std on the grid (the GP the searcher just fitted, `bo.gp_`)
      acq             the acquisition on the grid: EI, PI or -(mu - kappa sigma) for "ucb"
      next_x, next_acq  the point BayesianOptimization proposes next and its acquisition value
      best            the incumbent (lowest y so far); lengthscale, signal_variance, noise of the GP
      xi, kappa       the knob in use (the other one is None: kappa does nothing under EI and PI); xi is in
                      standard deviations of y, so the acquisition uses bo.xi_ = xi * std(y observed)
    lengthscale=None fits the GP's hyperparameters by marginal likelihood at every step (what the
    searcher does); a number fixes the length-scale (in the unit interval, signal variance 1, noise
    1e-4 on standardized y: `gp_kwargs` of the searcher) to show a GP that is too wiggly (small) or too
    stiff (large). The searcher models y itself (y_transform="none"), so the figure shows what it optimizes.
    The next point maximizes the acquisition over the whole interval (random candidates refined by
    L-BFGS-B), so next_acq >= max(acq) on the grid, up to a point the searcher refuses as a repeat.
    This is the textbook loop: kernel hyperparameters by maximum likelihood and no trust region, where the
    searcher's defaults add hyperpriors and a trust region (lesson 05, section 12).
    """
    objective = forrester() if objective_1d is None else objective_1d
    space = objective.space
    if len(space) != 1 or isinstance(space[space.names[0]], Categorical):
        raise ValueError(f"bo_steps needs an objective with one numeric dimension, but its space is {space!r}")
    if acquisition not in ACQUISITIONS:
        raise ValueError(f"acquisition must be one of {ACQUISITIONS}, but got {acquisition!r}")
    if n_startup < 2:
        raise ValueError(f"need n_startup >= 2 (a GP needs two points to fit), but got n_startup={n_startup!r}")
    gp_kwargs = {"lengthscale_prior": None, "signal_variance_prior": None}  # the textbook fit: maximum likelihood
    if lengthscale is not None:
        gp_kwargs.update(optimize=False, lengthscale=lengthscale)
    bo = BayesianOptimization(space, seed=seed, n_startup=n_startup, kernel=kernel, acquisition=acquisition,
                              xi=xi, kappa=kappa, y_transform="none", gp_kwargs=gp_kwargs, trust_region=False)
    return _steps(objective, bo, acquisition, xi, kappa, kernel, lengthscale, n_startup, n_grid, truth)


def _steps(objective, bo, acquisition, xi, kappa, kernel, lengthscale, n_startup, n_grid, truth):
    space = objective.space
    name, dim = space.names[0], space[space.names[0]]
    u_grid = np.linspace(0.0, 1.0, n_grid)
    grid = dim.from_unit(u_grid)
    truth_values = np.array([objective({name: v}) for v in grid]) if truth else None
    knobs = {"xi": None, "kappa": kappa} if acquisition == "ucb" else {"xi": xi, "kappa": None}
    x_obs, y_obs = [], []
    for _ in range(n_startup):
        trial = bo.ask()
        value = objective(trial.config)
        bo.tell(trial, value)
        x_obs.append(trial.config[name])
        y_obs.append(value)
    step = 0
    while True:
        trial = bo.ask()  # fits the GP to everything so far and maximizes the acquisition
        best = float(np.min(y_obs))
        gp = bo.gp_
        mu, sigma = gp.predict(space.snap(u_grid[:, None]), return_std=True)
        next_x = float(trial.config[name])
        next_mu, next_sigma = gp.predict(space.to_unit(trial.config), return_std=True)
        yield {
            "step": step, "n_startup": n_startup, "acquisition": acquisition, **knobs,
            "kernel": kernel, "lengthscale_fixed": lengthscale is not None,
            "lengthscale": float(gp.lengthscales_[0]), "signal_variance": gp.signal_variance_,
            "noise": gp.noise_, "x_obs": np.array(x_obs, dtype=float), "y_obs": np.array(y_obs, dtype=float),
            "best": best, "grid": grid, "truth": truth_values, "mu": mu, "sigma": sigma,
            "acq": acquisition_score(acquisition, mu, sigma, best, xi=bo.xi_, kappa=kappa),
            "next_x": next_x,
            "next_acq": float(acquisition_score(acquisition, next_mu, next_sigma, best, xi=bo.xi_, kappa=kappa)[0]),
            "minimum": getattr(objective, "minimum", None), "name": getattr(objective, "name", name),
        }
        value = objective(trial.config)
        bo.tell(trial, value)
        x_obs.append(next_x)
        y_obs.append(value)
        step += 1


def bo_steps_data(objective_1d=None, n_steps=5, acquisition="ei", xi=0.0, kappa=2.0, kernel="matern52",
                  lengthscale=None, seed=0, n_startup=3, n_grid=401, truth=True) -> list:
    """The first n_steps + 1 states of `bo_steps` (steps 0..n_steps) as a list; see there for the keys."""
    if n_steps < 0:
        raise ValueError(f"need n_steps >= 0, but got n_steps={n_steps!r}")
    steps = bo_steps(objective_1d, acquisition, xi, kappa, kernel, lengthscale, seed, n_startup, n_grid, truth)
    return list(islice(steps, n_steps + 1))


def bo_step_data(objective_1d=None, n_steps=5, acquisition="ei", xi=0.0, kappa=2.0, kernel="matern52",
                 lengthscale=None, seed=0, n_startup=3, n_grid=401, truth=True) -> dict:
    """The state of BayesianOptimization on a 1-D objective after n_startup + n_steps observations:
    the last entry of `bo_steps_data` with the same arguments (see `bo_steps` for the keys)."""
    return bo_steps_data(objective_1d, n_steps, acquisition, xi, kappa, kernel, lengthscale, seed, n_startup,
                         n_grid, truth)[-1]


def plot_bo_step(data: dict, fig=None) -> Figure:
    """One step of Bayesian optimization from a `bo_step_data` dict.

    Top: the objective (dashed), the GP mean +- 2 sigma and the observations (the newest ringed).
    Bottom: the acquisition, its maximum (the next point to evaluate) marked by a star and a line
    through both panels. fig: a figure this function drew before, to draw on again (`empty_axes`);
    default a new one."""
    if fig is None:
        fig = Figure(figsize=(7.5, 5.0), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    else:
        top, bottom = empty_axes(fig)
    draw_posterior(top, data["x_obs"], data["y_obs"], data["grid"], data["mu"], data["sigma"],
                    truth=data["truth"])
    if data["step"] > 0:
        top.plot(data["x_obs"][-1], data["y_obs"][-1], "o", ms=11, mfc="none", mec="C3", zorder=6,
                 label="newest")
    top.axhline(data["best"], color="C2", lw=0.8, ls=":", label=f"best so far {data['best']:.3g}")
    for ax in (top, bottom):
        ax.axvline(data["next_x"], color="C3", lw=1, ls="--")
    knob = f"kappa = {data['kappa']:g}" if data["acquisition"] == "ucb" else f"xi = {data['xi']:g}"
    ls = f"l = {data['lengthscale']:.3g}" + (" (fixed)" if data["lengthscale_fixed"] else " (fitted)")
    top.set(ylabel="f(x)", title=f"{data['name']}: step {data['step']}, {len(data['y_obs'])} observations, "
                                 f"{data['kernel']}, {ls}")
    top.legend(fontsize=7, loc="best", ncols=2)
    acq = np.asarray(data["acq"])
    bottom.plot(data["grid"], acq, color="C1", lw=1.8)
    bottom.fill_between(data["grid"], np.min(acq), acq, color="C1", alpha=0.15, lw=0)
    bottom.plot(data["next_x"], data["next_acq"], "*", ms=14, color="C3", mec="k",
                label=f"next x = {data['next_x']:.3f}")
    bottom.set(xlabel="x", ylabel=data["acquisition"].upper(),
               title=f"{_ACQUISITION_LABELS[data['acquisition']]} ({knob}): its argmax is the next trial")
    bottom.legend(fontsize=8, loc="best")
    return fig




def plot_trials_to_target(results: dict, caps: dict | None = None) -> Figure:
    """How many trials each run needed to reach a target, one row per (task, method), log x-axis.

    results: {task: {method: [trials or None per seed]}}, None meaning "not reached within the cap";
    caps: optional {task: {method: cap}}, where the misses are drawn (as open triangles). The vertical
    tick on each row is the median, counting misses as infinite (no tick if most runs missed)."""
    rows = [(task, method, runs) for task, by_method in results.items() for method, runs in by_method.items()]
    fig = Figure(figsize=(7, 0.45 * len(rows) + 1.3), layout="constrained")
    ax = fig.subplots()
    colors = {}
    for y, (task, method, runs) in enumerate(rows):
        color = colors.setdefault(method, f"C{len(colors)}")
        hits = np.array([r for r in runs if r is not None], dtype=float)
        misses = len(runs) - len(hits)
        ax.plot(hits, np.full(len(hits), y), "o", color=color, alpha=0.7, ms=6)
        if misses:
            cap = (caps or {}).get(task, {}).get(method, np.max(hits, initial=1) * 1.5)
            ax.plot([cap] * misses, np.full(misses, y), ">", mfc="none", color=color, ms=8)
        median = np.median([np.inf if r is None else r for r in runs])
        if np.isfinite(median):
            ax.plot([median, median], [y - 0.3, y + 0.3], color="k", lw=2)
    ax.set_yticks(range(len(rows)), [f"{task}: {method}" for task, method, _ in rows], fontsize=8)
    ax.set(xscale="log", xlabel="trials needed to reach the target (log scale)", ylim=(-0.6, len(rows) - 0.4))
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("trials to target, one dot per seed (| median, > not reached)", fontsize=10)
    return fig


XI_CHOICES = (0.0, 0.001, 0.01, 0.1, 0.3, 1.0, 3.0)


class AcquisitionExplorer(Explorer):
    """Bayesian optimization on a 1-D objective (default forrester()), one step at a time.

    Controls: step (BO iteration after the initial design), acquisition (EI / PI / UCB), xi (EI, PI),
    kappa (UCB), kernel, length-scale ("auto" = fitted by marginal likelihood every step, or fixed),
    seed (the initial design). Every setting but the step is a different BO run from the same initial
    design. Runs are kept: the one you start with is computed to max_steps when the explorer is built,
    so stepping through it is instant; another setting is computed as far as the step you look at and
    extended when you step on. xi under UCB and kappa under EI or PI change nothing and redraw nothing.
    After each draw: `data` (a bo_steps state), `figure`, `png`, `n_draws`.
    """

    def __init__(self, objective_1d=None, step=0, acquisition="ei", xi=0.0, kappa=2.0, kernel="matern52",
                 lengthscale="auto", seed=1, n_startup=3, max_steps=15):
        style = {"description_width": "initial"}
        self.objective = forrester() if objective_1d is None else objective_1d
        self.n_startup, self.max_steps = n_startup, max_steps
        self._runs = {}  # run settings -> (the bo_steps iterator, the states it has given so far)
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
        self.states(self.key()[1:], max_steps)

    def sync_controls(self):
        self.xi.disabled = self.acquisition.value == "ucb"
        self.kappa.disabled = self.acquisition.value != "ucb"

    def key(self):
        ucb = self.acquisition.value == "ucb"
        lengthscale = None if self.lengthscale.value == "auto" else self.lengthscale.value
        return (self.step.value, self.acquisition.value, None if ucb else self.xi.value,
                self.kappa.value if ucb else None, self.kernel.value, lengthscale, self.seed.value)

    def states(self, run, step) -> list:
        """States 0..step (at least) of the BO run with settings `run` = key()[1:], computed as needed."""
        if run not in self._runs:
            acquisition, xi, kappa, kernel, lengthscale, seed = run
            self._runs[run] = (bo_steps(self.objective, acquisition, self.xi.value if xi is None else xi,
                                        self.kappa.value if kappa is None else kappa, kernel, lengthscale, seed,
                                        self.n_startup), [])
        steps, states = self._runs[run]
        if len(states) <= step:
            self.busy(f"running Bayesian optimization to step {step} ...")
            states.extend(islice(steps, step + 1 - len(states)))
        return states

    def compute(self, key):
        return self.states(key[1:], key[0])[key[0]]

    def draw(self, data):
        return plot_bo_step(data)

    def update_frame(self, figure, data):
        plot_bo_step(data, fig=figure)  # the same two axes, drawn on again: no new figure, axes or ticks
        return True


def acquisition_explorer(objective_1d=None, step=0, acquisition="ei", xi=0.0, kappa=2.0, kernel="matern52",
                         lengthscale="auto", seed=1, n_startup=3, max_steps=15) -> AcquisitionExplorer:
    """A widget to step through Bayesian optimization on a 1-D function and turn its knobs."""
    return AcquisitionExplorer(objective_1d, step, acquisition, xi, kappa, kernel, lengthscale, seed, n_startup,
                               max_steps)
