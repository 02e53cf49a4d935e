"""Plain matplotlib figures for the lessons: each function takes data and returns a Figure.

No global state: figures are built with `matplotlib.figure.Figure` (not pyplot), so nothing is
shown or kept alive behind your back. In a notebook, put the returned figure last in a cell to
see it; elsewhere, `fig.savefig("coverage.png")`.

    from hpo_mini.viz import coverage_points, plot_coverage
    points = {m: coverage_points(m, n=9, d=2, seed=0) for m in ("grid", "random")}
    plot_coverage(points)
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .searchers import GridSearch, RandomSearch
from .space import Float, Space

__all__ = [
    "METHODS",
    "coverage_points",
    "largest_grid_side",
    "n_distinct",
    "plot_coverage",
    "plot_best_so_far",
    "plot_grid_explosion",
    "plot_log_scale",
    "plot_hit_probability",
]

METHODS = ("grid", "random", "sobol", "lhs")
_SAMPLER = {"random": "uniform", "sobol": "sobol", "lhs": "lhs"}  # method -> RandomSearch sampler
_COLORS = {"grid": "tab:blue", "random": "tab:orange", "sobol": "tab:green", "lhs": "tab:purple"}
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
            "sobol"  RandomSearch(sampler="sobol"), a scrambled Sobol sequence (m = n).
            "lhs"    RandomSearch(sampler="lhs", n_points=n), one Latin hypercube of n points (m = n).
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
        searcher = RandomSearch(space, sampler=_SAMPLER[method], n_points=n, seed=seed)
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
    """
    if not points_by_method:
        raise ValueError("points_by_method is empty; give e.g. {'grid': coverage_points('grid', 9)}")
    methods = list(points_by_method)
    fig = Figure(figsize=(3.2 * len(methods), 4.6), layout="constrained")
    axes = fig.subplots(2, len(methods), squeeze=False, gridspec_kw={"height_ratios": [3, 1]})
    for col, method in enumerate(methods):
        X = np.atleast_2d(np.asarray(points_by_method[method], dtype=float))
        if X.shape[1] < 2 or not 0 <= important < X.shape[1]:
            raise ValueError(
                f"{method}: need points with >= 2 coordinates and important < d, got shape {X.shape}"
            )
        color = _COLORS.get(method, "tab:gray")
        n_pairs = len({(round(a, 9), round(b, 9)) for a, b in X[:, :2]})
        top, bottom = axes[0, col], axes[1, col]
        top.scatter(X[:, 0], X[:, 1], s=22, color=color, alpha=0.8, edgecolor="none")
        top.set(xlim=(-0.03, 1.03), ylim=(-0.03, 1.03), xlabel="x0", ylabel="x1", aspect="equal")
        top.set_title(f"{method}: {len(X)} trials, {n_pairs} distinct (x0, x1)", fontsize=10)
        x = X[:, important]
        if highlight is not None:
            bottom.axvspan(*highlight, color="gold", alpha=0.35, lw=0)
        bottom.vlines(x, 0, 1, color=color, lw=1.2, alpha=0.8)
        bottom.set(xlim=(-0.03, 1.03), ylim=(0, 1), yticks=[], xlabel=f"x{important}")
        bottom.set_title(f"{method}: {n_distinct(x)} distinct x{important} values of {len(X)} trials", fontsize=9)
    return fig


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
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
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



# --- lessons 04-05: Gaussian processes and Bayesian optimization ---
# Figures of a GP posterior, kernels, the marginal likelihood and one step of Bayesian optimization,
# and `bo_steps_data` / `bo_step_data`, which run BayesianOptimization on a 1-D objective and return
# what the BO figure needs. The GP and the acquisitions come from gp.py and acquisition.py.

from .acquisition import expected_improvement, probability_of_improvement, upper_confidence_bound  # noqa: E402
from .gp import KERNELS, GaussianProcess  # noqa: E402
from .searchers.bayes import BayesianOptimization  # noqa: E402
from .space import Categorical  # noqa: E402

__all__ += [
    "plot_gp_posterior",
    "plot_gp_fits",
    "kernel_prior_samples",
    "plot_kernel_comparison",
    "lml_surface",
    "plot_lml_surface",
    "bo_steps_data",
    "bo_step_data",
    "plot_bo_step",
]

_ACQUISITION_LABELS = {"ei": "expected improvement", "pi": "probability of improvement",
                       "ucb": "lower confidence bound, negated"}


def _draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, samples=None, truth=None):
    """One GP posterior on `ax`: truth (dashed), mean, mean +- 2 sigma, samples, training points."""
    x_grid, mu, sigma = (np.asarray(a, dtype=float).ravel() for a in (x_grid, mu, sigma))
    if truth is not None:
        ax.plot(x_grid, truth, "--", color="0.45", lw=1.2, label="objective")
    ax.fill_between(x_grid, mu - 2 * sigma, mu + 2 * sigma, color="tab:blue", alpha=0.18, lw=0,
                    label=r"mean $\pm 2\sigma$")
    if samples is not None:
        for i, s in enumerate(np.atleast_2d(samples)):
            ax.plot(x_grid, s, color="tab:purple", lw=0.8, alpha=0.7, label="posterior samples" if i == 0 else None)
    ax.plot(x_grid, mu, color="tab:blue", lw=1.8, label="posterior mean")
    ax.plot(np.ravel(x_train), np.ravel(y_train), "o", color="k", ms=5, zorder=5, label="observations")


def plot_gp_posterior(x_train, y_train, x_grid, mu, sigma, samples=None, truth=None, title=None) -> Figure:
    """A 1-D GP posterior: observations, the mean and a band of +-2 posterior standard deviations
    (about 95% pointwise for a Gaussian), optional posterior samples (n_samples, len(x_grid)) and
    the true function on the grid."""
    fig = Figure(figsize=(7, 3.4), layout="constrained")
    ax = fig.subplots()
    _draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, samples, truth)
    ax.set(xlabel="x", ylabel="f(x)", title=title or f"GP posterior from {len(np.ravel(y_train))} observations")
    ax.legend(fontsize=8, loc="best")
    return fig


def plot_gp_fits(x_train, y_train, x_grid, fits: dict, truth=None) -> Figure:
    """Several posteriors of the same data side by side: fits = {title: (mu, sigma)}, one panel each
    (e.g. one per length-scale: too short wiggles between the points, too long misses them)."""
    if not fits:
        raise ValueError("fits is empty; give {title: (mu, sigma)} for at least one posterior")
    fig = Figure(figsize=(3.6 * len(fits), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(fits), sharey=True, squeeze=False)[0])
    for ax, (title, (mu, sigma)) in zip(axes, fits.items()):
        _draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, truth=truth)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
    axes[0].set_ylabel("f(x)")
    axes[0].legend(fontsize=7, loc="best")
    return fig


def kernel_prior_samples(x, kernels=("rbf", "matern52"), lengthscales=(0.05, 0.2, 1.0), n_samples=3,
                         seed=0) -> dict:
    """{kernel: {lengthscale: (n_samples, len(x)) draws of f from the GP prior}} with signal variance 1,
    drawn by GaussianProcess.sample on an unfitted GP (which samples its prior)."""
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    rng = np.random.default_rng(seed)
    return {kernel: {ls: GaussianProcess(kernel, lengthscale=ls, optimize=False).sample(x, n_samples, rng=rng)
                     for ls in lengthscales}
            for kernel in kernels}


def plot_kernel_comparison(x, samples: dict) -> Figure:
    """Rows: kernels; first column the kernel k(r) against the distance r for each length-scale,
    then one column of prior samples per length-scale. `samples` as from kernel_prior_samples."""
    kernels = list(samples)
    lengthscales = list(samples[kernels[0]])
    x = np.asarray(x, dtype=float).ravel()
    fig = Figure(figsize=(3.0 * (len(lengthscales) + 1), 2.4 * len(kernels)), layout="constrained")
    axes = fig.subplots(len(kernels), len(lengthscales) + 1, squeeze=False, sharex="col")
    r = np.linspace(0, 1, 201)
    for row, kernel in enumerate(kernels):
        ax = axes[row, 0]
        for ls in lengthscales:
            ax.plot(r, KERNELS[kernel](r[:, None], np.zeros((1, 1)), np.array([ls]))[:, 0], label=f"l = {ls:g}")
        ax.set(ylabel=f"{kernel}\nk(r)", ylim=(-0.05, 1.05))
        if row == 0:
            ax.set_title("kernel vs distance r", fontsize=10)
            ax.legend(fontsize=7)
        for col, ls in enumerate(lengthscales, start=1):
            ax = axes[row, col]
            ax.plot(x, np.atleast_2d(samples[kernel][ls]).T, lw=1)
            ax.set(ylim=(-3.2, 3.2))
            ax.set_title(f"{kernel}, l = {ls:g}: prior samples", fontsize=9)
    axes[-1, 0].set_xlabel("r = |x - x'|")
    for col in range(1, len(lengthscales) + 1):
        axes[-1, col].set_xlabel("x")
    return fig


def lml_surface(X, y, lengthscales, noise_stds, kernel="rbf", signal_variance=1.0, normalize_y=True) -> np.ndarray:
    """log p(y | X, l, sigma_n) on a grid: (len(noise_stds), len(lengthscales)), signal variance fixed.

    Computed by GaussianProcess.log_marginal_likelihood (R&W eq. 2.30) at theta = log [l, s^2, sigma_n^2]
    on the GP's (standardized, when normalize_y) outputs."""
    gp = GaussianProcess(kernel, optimize=False, normalize_y=normalize_y).fit(X, y)
    return np.array([[gp.log_marginal_likelihood(np.log([ls, signal_variance, sn**2])) for ls in lengthscales]
                     for sn in noise_stds])


def plot_lml_surface(lengthscales, noise_stds, lml, optima=None, levels=None) -> Figure:
    """Contours of the log marginal likelihood over (length-scale, noise std), both on log axes, as in
    Rasmussen & Williams (2006), Fig. 5.5. optima: optional [(lengthscale, noise_std, label), ...] to mark."""
    lml = np.asarray(lml, dtype=float)
    fig = Figure(figsize=(5.6, 4.2), layout="constrained")
    ax = fig.subplots()
    top = np.nanmax(lml)
    if levels is None:  # dense near the top, where the optima are; far below it, nothing to see
        levels = top - np.array([20, 12, 8, 5, 3, 2, 1.2, 0.7, 0.4, 0.2, 0.0])
    filled = ax.contourf(lengthscales, noise_stds, np.maximum(lml, levels[0]), levels=levels, cmap="viridis",
                         extend="min")
    ax.contour(lengthscales, noise_stds, lml, levels=levels, colors="k", linewidths=0.4)
    fig.colorbar(filled, ax=ax, label="log p(y | X, l, $\\sigma_n$)")
    for i, (ls, sn, label) in enumerate(optima or []):
        ax.plot(ls, sn, "*" if i == 0 else "P", ms=13, color="tab:red" if i == 0 else "tab:orange",
                mec="k", label=label)
    ax.set(xscale="log", yscale="log", xlabel="length-scale l", ylabel=r"noise standard deviation $\sigma_n$",
           title="log marginal likelihood")
    if optima:
        ax.legend(fontsize=8, loc="lower left")
    return fig


def _acquisition_curve(name, mu, sigma, best, xi, kappa):
    """The acquisition in its natural units (the searcher maximizes log EI / log PI: same argmax)."""
    if name == "ei":
        return expected_improvement(mu, sigma, best, xi)
    if name == "pi":
        return probability_of_improvement(mu, sigma, best, xi)
    return upper_confidence_bound(mu, sigma, kappa=kappa)


def bo_steps_data(objective_1d=None, n_steps=5, acquisition="ei", xi=0.01, kappa=2.0, kernel="matern52",
                  lengthscale=None, seed=0, n_initial=3, n_grid=401, truth=True) -> list:
    """Run BayesianOptimization on a 1-D objective and return its state before each proposal.

    objective_1d: an objective with a one-dimensional numeric `.space` (default: `forrester()`).
    The run: `n_initial` Sobol points, then `n_steps` proposals, each evaluated. Entry k of the returned
    list (k = 0..n_steps) is a dict describing the moment after n_initial + k observations:
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
    from .objectives import forrester

    objective = forrester() if objective_1d is None else objective_1d
    space = objective.space
    if len(space) != 1 or isinstance(space[space.names[0]], Categorical):
        raise ValueError(f"bo_steps_data needs an objective with one numeric dimension, but its space is {space!r}")
    if acquisition not in _ACQUISITION_LABELS:
        raise ValueError(f"acquisition must be one of {sorted(_ACQUISITION_LABELS)}, but got {acquisition!r}")
    if n_initial < 2 or n_steps < 0:
        raise ValueError(f"need n_initial >= 2 and n_steps >= 0, but got n_initial={n_initial!r}, n_steps={n_steps!r}")
    name, dim = space.names[0], space[space.names[0]]
    bo = BayesianOptimization(space, seed=seed, n_initial=n_initial, kernel=kernel, acquisition=acquisition,
                              xi=xi, kappa=kappa, y_transform="none")
    if lengthscale is not None:  # a GP whose hyperparameters stay where we put them
        bo._gps["none"] = bo.gp = GaussianProcess(kernel, lengthscale=lengthscale, optimize=False)
    u_grid = np.linspace(0.0, 1.0, n_grid)
    grid = dim.from_unit(u_grid)
    truth_values = np.array([objective({name: v}) for v in grid]) if truth else None
    for _ in range(n_initial):
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
            "step": step, "n_initial": n_initial, "acquisition": acquisition, "xi": xi, "kappa": kappa,
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
                 lengthscale=None, seed=0, n_initial=3, n_grid=401, truth=True) -> dict:
    """The state of BayesianOptimization on a 1-D objective after n_initial + n_steps observations:
    the last entry of `bo_steps_data` with the same arguments (see there for the keys)."""
    return bo_steps_data(objective_1d, n_steps, acquisition, xi, kappa, kernel, lengthscale, seed, n_initial,
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


__all__ += ["plot_trials_to_target"]


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
