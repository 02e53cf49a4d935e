"""Figures and the explorer for Bayesian optimization (lesson 05): the posterior and the acquisition
function step by step, and trials-to-target curves.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np  # noqa: E402
from matplotlib.figure import Figure

from ..models.acquisition import expected_improvement, probability_of_improvement, upper_confidence_bound
from ..models.gp import GaussianProcess
from ..searchers.bayes import BayesianOptimization
from ..space import Categorical
from ..tasks.test_functions import forrester
from .explorer import _Explorer
from .gp import LENGTHSCALE_CHOICES, _draw_posterior

__all__ = ["bo_steps_data", "bo_step_data", "plot_bo_step", "plot_trials_to_target", "AcquisitionExplorer", "acquisition_explorer"]

# --- lessons 04-05: Gaussian processes and Bayesian optimization ---
# Figures of a GP posterior, kernels, the marginal likelihood and one step of Bayesian optimization,
# and `bo_steps_data` / `bo_step_data`, which run BayesianOptimization on a 1-D objective and return
# what the BO figure needs. The GP and the acquisitions come from gp.py and acquisition.py.



_ACQUISITION_LABELS = {"ei": "expected improvement", "pi": "probability of improvement",
                       "ucb": "lower confidence bound, negated"}


def _acquisition_curve(name, mu, sigma, best, xi, kappa):
    """The acquisition in its natural units (the searcher maximizes log EI / log PI: same argmax)."""
    if name == "ei":
        return expected_improvement(mu, sigma, best, xi)
    if name == "pi":
        return probability_of_improvement(mu, sigma, best, xi)
    return upper_confidence_bound(mu, sigma, kappa=kappa)


def bo_steps_data(objective_1d=None, n_steps=5, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                  lengthscale=None, seed=0, n_startup=3, n_grid=401, truth=True) -> list:
    """Run BayesianOptimization on a 1-D objective and return its state before each proposal.

    objective_1d: an objective with a one-dimensional numeric `.space` (default: `forrester()`).
    The run: `n_startup` Sobol points, then `n_steps` proposals, each evaluated. Entry k of the returned
    list (k = 0..n_steps) is a dict describing the moment after n_startup + k observations:
      x_obs, y_obs    the observations so far (x in the objective's units)
      grid            n_grid points across the range; truth the objective on it (None if truth=False)
      mu, sigma       the GP posterior mean and std on the grid (the GP the searcher just fitted)
      acq             the acquisition on the grid: EI, PI or -(mu - kappa sigma) for "ucb"
      next_x, next_acq  the point BayesianOptimization proposes next and its acquisition value
      best            the incumbent (lowest y so far); lengthscale, signal_variance, noise of the GP
    lengthscale=None fits the GP's hyperparameters by marginal likelihood at every step (what the
    searcher does); a number fixes the length-scale (in the unit interval, signal variance 1, noise
    1e-4 on standardized y) to show a GP that is too wiggly (small) or too stiff (large).
    The searcher models y itself (y_transform="none"), so the figure shows what it optimizes.
    The next point maximizes the acquisition over the whole interval (random candidates refined by
    L-BFGS-B), so next_acq >= max(acq) on the grid, up to a point the searcher refuses as a repeat.
    """
    from ..tasks.test_functions import forrester

    objective = forrester() if objective_1d is None else objective_1d
    space = objective.space
    if len(space) != 1 or isinstance(space[space.names[0]], Categorical):
        raise ValueError(f"bo_steps_data needs an objective with one numeric dimension, but its space is {space!r}")
    if acquisition not in _ACQUISITION_LABELS:
        raise ValueError(f"acquisition must be one of {sorted(_ACQUISITION_LABELS)}, but got {acquisition!r}")
    if n_startup < 2 or n_steps < 0:
        raise ValueError(f"need n_startup >= 2 and n_steps >= 0, but got n_startup={n_startup!r}, n_steps={n_steps!r}")
    name, dim = space.names[0], space[space.names[0]]
    bo = BayesianOptimization(space, seed=seed, n_startup=n_startup, kernel=kernel, acquisition=acquisition,
                              xi=xi, kappa=kappa, y_transform="none")
    if lengthscale is not None:  # a GP whose hyperparameters stay where we put them
        bo._gps["none"] = bo.gp = GaussianProcess(kernel, lengthscale=lengthscale, optimize=False)
    u_grid = np.linspace(0.0, 1.0, n_grid)
    grid = dim.from_unit(u_grid)
    truth_values = np.array([objective({name: v}) for v in grid]) if truth else None
    for _ in range(n_startup):
        trial = bo.ask()
        bo.tell(trial, objective(trial.config))
    states = []
    for step in range(n_steps + 1):
        trial = bo.ask()  # fits the GP to everything so far and maximizes the acquisition
        x_obs = np.array([t.config[name] for t, _ in bo.history], dtype=float)
        y_obs = np.array([v for _, v in bo.history], dtype=float)
        best = float(np.min(y_obs))
        gp = bo.gp
        mu, sigma = gp.predict(space.snap(u_grid[:, None]), return_std=True)
        next_x = float(trial.config[name])
        next_mu, next_sigma = gp.predict(space.to_unit(trial.config), return_std=True)
        states.append({
            "step": step, "n_startup": n_startup, "acquisition": acquisition, "xi": xi, "kappa": kappa,
            "kernel": kernel, "lengthscale_fixed": lengthscale is not None,
            "lengthscale": float(gp.lengthscales_[0]), "signal_variance": gp.signal_variance_,
            "noise": gp.noise_, "x_obs": x_obs, "y_obs": y_obs, "best": best,
            "grid": grid, "truth": truth_values, "mu": mu, "sigma": sigma,
            "acq": _acquisition_curve(acquisition, mu, sigma, best, xi, kappa),
            "next_x": next_x,
            "next_acq": float(_acquisition_curve(acquisition, next_mu, next_sigma, best, xi, kappa)[0]),
            "minimum": getattr(objective, "minimum", None), "name": getattr(objective, "name", name),
        })
        if step < n_steps:
            bo.tell(trial, objective(trial.config))
    return states


def bo_step_data(objective_1d=None, n_steps=5, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                 lengthscale=None, seed=0, n_startup=3, n_grid=401, truth=True) -> dict:
    """The state of BayesianOptimization on a 1-D objective after n_startup + n_steps observations:
    the last entry of `bo_steps_data` with the same arguments (see there for the keys)."""
    return bo_steps_data(objective_1d, n_steps, acquisition, xi, kappa, kernel, lengthscale, seed, n_startup,
                         n_grid, truth)[-1]


def plot_bo_step(data: dict) -> Figure:
    """One step of Bayesian optimization from a `bo_step_data` dict.

    Top: the objective (dashed), the GP mean +- 2 sigma and the observations (the newest ringed).
    Bottom: the acquisition, its maximum (the next point to evaluate) marked by a star and a line
    through both panels."""
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    _draw_posterior(top, data["x_obs"], data["y_obs"], data["grid"], data["mu"], data["sigma"],
                    truth=data["truth"])
    if data["step"] > 0:
        top.plot(data["x_obs"][-1], data["y_obs"][-1], "o", ms=11, mfc="none", mec="tab:red", zorder=6,
                 label="newest")
    top.axhline(data["best"], color="tab:green", lw=0.8, ls=":", label=f"best so far {data['best']:.3g}")
    for ax in (top, bottom):
        ax.axvline(data["next_x"], color="tab:red", lw=1, ls="--")
    knob = f"kappa = {data['kappa']:g}" if data["acquisition"] == "ucb" else f"xi = {data['xi']:g}"
    ls = f"l = {data['lengthscale']:.3g}" + (" (fixed)" if data["lengthscale_fixed"] else " (fitted)")
    top.set(ylabel="f(x)", title=f"{data['name']}: step {data['step']}, {len(data['y_obs'])} observations, "
                                 f"{data['kernel']}, {ls}")
    top.legend(fontsize=7, loc="best", ncols=2)
    acq = np.asarray(data["acq"])
    bottom.plot(data["grid"], acq, color="tab:orange", lw=1.8)
    bottom.fill_between(data["grid"], np.min(acq), acq, color="tab:orange", alpha=0.15, lw=0)
    bottom.plot(data["next_x"], data["next_acq"], "*", ms=14, color="tab:red", mec="k",
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


class AcquisitionExplorer(_Explorer):
    """Bayesian optimization on a 1-D objective (default forrester()), one step at a time.

    Controls: step (BO iteration after the initial design), acquisition (EI / PI / UCB), xi (EI, PI),
    kappa (UCB), kernel, length-scale ("auto" = fitted by marginal likelihood every step, or fixed),
    seed (the initial design). Every setting but the step reruns BO from the same initial design;
    runs are cached, so stepping is instant. After each draw: `data` (a bo_step_data dict), `figure`,
    `png`, `n_draws`.
    """

    def __init__(self, objective_1d=None, step=0, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                 lengthscale="auto", seed=1, n_startup=3, max_steps=15):
        style = {"description_width": "initial"}
        self.objective = forrester() if objective_1d is None else objective_1d
        self.n_startup, self.max_steps, self._runs = n_startup, max_steps, {}
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
                                            self.kappa.value, self.kernel.value, ls, self.seed.value, self.n_startup)
        return self._runs[key]

    def _redraw(self, change=None):
        self.xi.disabled = self.acquisition.value == "ucb"
        self.kappa.disabled = self.acquisition.value != "ucb"
        self.data = self.run()[self.step.value]
        self.figure = plot_bo_step(self.data)
        self._show()


def acquisition_explorer(objective_1d=None, step=0, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                         lengthscale="auto", seed=1, n_startup=3, max_steps=15) -> AcquisitionExplorer:
    """A widget to step through Bayesian optimization on a 1-D function and turn its knobs."""
    return AcquisitionExplorer(objective_1d, step, acquisition, xi, kappa, kernel, lengthscale, seed, n_startup,
                               max_steps)
