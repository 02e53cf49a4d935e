"""Figures and the explorer for Gaussian processes (lesson 04): posteriors, kernel prior samples, the
marginal-likelihood surface, and `gp_explorer` (a thin `Explorer` over `gp_data` and `plot_gp_posterior`).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..models.gp import KERNELS, GaussianProcess
from ..tasks.test_functions import forrester
from .explorer import Explorer

__all__ = ["draw_posterior", "plot_gp_posterior", "plot_gp_fits", "kernel_prior_samples", "plot_kernel_comparison",
           "lml_surface", "plot_lml_surface", "gp_data", "GPExplorer", "gp_explorer"]

def draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, samples=None, truth=None):
    """One GP posterior on `ax`: truth (dashed), mean, mean +- 2 sigma, samples, training points."""
    x_grid, mu, sigma = (np.asarray(a, dtype=float).ravel() for a in (x_grid, mu, sigma))
    if truth is not None:
        ax.plot(x_grid, truth, "--", color="0.45", lw=1.2, label="objective")
    ax.fill_between(x_grid, mu - 2 * sigma, mu + 2 * sigma, color="C0", alpha=0.18, lw=0,
                    label=r"mean $\pm 2\sigma$")
    if samples is not None:
        for i, s in enumerate(np.atleast_2d(samples)):
            ax.plot(x_grid, s, color="C4", lw=0.8, alpha=0.7, label="posterior samples" if i == 0 else None)
    ax.plot(x_grid, mu, color="C0", lw=1.8, label="posterior mean")
    ax.plot(np.ravel(x_train), np.ravel(y_train), "o", color="k", ms=5, zorder=5, label="observations")


def plot_gp_posterior(x_train, y_train, x_grid, mu, sigma, samples=None, truth=None, title=None) -> Figure:
    """A 1-D GP posterior: observations, the mean and a band of +-2 posterior standard deviations
    (about 95% pointwise for a Gaussian), optional posterior samples (n_samples, len(x_grid)) and
    the true function on the grid."""
    fig = Figure(figsize=(7, 3.4), layout="constrained")
    ax = fig.subplots()
    draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, samples, truth)
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
        draw_posterior(ax, x_train, y_train, x_grid, mu, sigma, truth=truth)
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
        ax.plot(ls, sn, "*" if i == 0 else "P", ms=13, color="C3" if i == 0 else "C1",
                mec="k", label=label)
    ax.set(xscale="log", yscale="log", xlabel="length-scale l", ylabel=r"noise standard deviation $\sigma_n$",
           title="log marginal likelihood")
    if optima:
        ax.legend(fontsize=8, loc="lower left")
    return fig


LENGTHSCALE_CHOICES = ("auto", 0.01, 0.03, 0.1, 0.3, 1.0)  # "auto": fitted by marginal likelihood


def _gp_posterior(n_train, kernel, lengthscale, noise, seed, n_grid):
    """(the fitted GP, gp_data's dict without the samples): the part that costs a fit."""
    f = forrester()
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.random(n_train))
    y_train = np.array([f({"x0": x}) for x in x_train])
    fixed = lengthscale != "auto"
    gp = (GaussianProcess(kernel, lengthscale=lengthscale, noise=noise, optimize=False) if fixed
          else GaussianProcess(kernel, lengthscale=0.3, optimize=True, seed=seed)).fit(x_train[:, None], y_train)
    grid = np.linspace(0, 1, n_grid)
    mu, sigma = gp.predict(grid[:, None], return_std=True)
    return gp, {"x_train": x_train, "y_train": y_train, "grid": grid, "truth": np.array([f({"x0": x}) for x in grid]),
                "mu": mu, "sigma": sigma, "kernel": kernel, "lengthscale_fixed": fixed,
                "lengthscale": float(gp.lengthscales_[0]), "signal_variance": gp.signal_variance_,
                "noise": gp.noise_, "lml": gp.log_marginal_likelihood()}


def gp_data(n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=0, seed=0,
            n_grid=301) -> dict:
    """A GP fitted to n_train points of forrester() drawn uniformly (seeded), predicted on a grid.

    lengthscale="auto" fits (length-scale, signal variance, noise) by marginal likelihood, starting
    from the GP's defaults (`noise` is not used); a number fixes the length-scale (signal variance 1
    and `noise` on standardized y). Returns a dict with x_train, y_train, grid, truth, mu, sigma,
    samples ((n_samples, n_grid) posterior draws, or None), and the GP's lengthscale,
    signal_variance, noise and log marginal likelihood `lml`.
    """
    gp, data = _gp_posterior(n_train, kernel, lengthscale, noise, seed, n_grid)
    samples = gp.sample(data["grid"][:, None], n_samples, rng=seed) if n_samples else None
    return {**data, "samples": samples}


class GPExplorer(Explorer):
    """A GP on points of forrester(): number of points, kernel, length-scale (auto = fitted), noise,
    posterior samples. After each draw: `data` (from gp_data), `figure`, `png`, `n_draws`. Fits are
    cached, so the number of samples only draws new samples."""

    def __init__(self, n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=3, seed=0,
                 n_grid=301):
        style = {"description_width": "initial"}
        self.n_grid, self._fits = n_grid, {}
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

    def sync_controls(self):
        self.noise.disabled = self.lengthscale.value == "auto"  # fitted along with the length-scale

    def key(self):
        noise = None if self.lengthscale.value == "auto" else self.noise.value
        return (self.n_train.value, self.kernel.value, self.lengthscale.value, noise, self.n_samples.value,
                self.seed.value)

    def compute(self, key):
        n_train, kernel, lengthscale, noise, n_samples, seed = key
        fit = (n_train, kernel, lengthscale, noise, seed)
        if fit not in self._fits:
            self.busy("fitting the GP ...")
            self._fits[fit] = _gp_posterior(n_train, kernel, lengthscale, noise, seed, self.n_grid)
        gp, data = self._fits[fit]
        samples = gp.sample(data["grid"][:, None], n_samples, rng=seed) if n_samples else None
        return {**data, "samples": samples}

    def draw(self, d):
        how = "fixed" if d["lengthscale_fixed"] else "fitted"
        title = (f"{d['kernel']}, l = {d['lengthscale']:.3g} ({how}), noise var {d['noise']:.2g}, "
                 f"log ML {d['lml']:.1f}")
        return plot_gp_posterior(d["x_train"], d["y_train"], d["grid"], d["mu"], d["sigma"], samples=d["samples"],
                                 truth=d["truth"], title=title)


def gp_explorer(n_train=6, kernel="matern52", lengthscale="auto", noise=1e-4, n_samples=3, seed=0) -> GPExplorer:
    """A widget to see what the number of points, the kernel, the length-scale and the noise do to a GP."""
    return GPExplorer(n_train, kernel, lengthscale, noise, n_samples, seed)
