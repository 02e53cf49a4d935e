"""Figures and a widget for lesson 02 (validation): which samples each fold uses, and how optimistic
the best of n configurations looks on a noisy validation set.

Figures are plain functions that take data and return a `matplotlib.figure.Figure` (no pyplot state);
the widget `optimism_explorer()` is a thin `Explorer` (viz/explorer.py) over `optimism_data` and
`plot_optimism`, the two halves of the plain function `optimism_figure`.

    from sklearn.model_selection import TimeSeriesSplit
    from hpo_mini.viz.validation import plot_cv_splits, optimism_figure
    plot_cv_splits(TimeSeriesSplit(4, gap=3), X)
    optimism_figure(n_trials=100, n_val=1000, true_spread=0.01, seed=0)
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import ipywidgets as widgets
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..evaluation.validation import OptimismCurve, expected_max_normal
from .explorer import Explorer

__all__ = [
    "UNUSED",
    "TRAIN",
    "TEST",
    "split_matrix",
    "plot_cv_splits",
    "plot_optimism",
    "optimism_frame",
    "mark_optimism",
    "update_optimism_frame",
    "OPTIMISM_N_GRID",
    "validation_noise",
    "optimism_data",
    "nested_validation_overfitting",
    "optimism_figure",
    "optimism_summary",
    "OptimismExplorer",
    "optimism_explorer",
]

# ---------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------

UNUSED, TRAIN, TEST = 0, 1, 2  # the role of a sample in one fold
_ROLE_COLORS = {UNUSED: "0.88", TRAIN: "C0", TEST: "C1"}
_ROLE_NAMES = {UNUSED: "not used (gap / held out)", TRAIN: "train", TEST: "test"}
# tab20 without its blues and oranges (those mean train and test): 16 colours for classes and groups.
_CATEGORY_COLORS = tuple(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in (
    (44, 160, 44), (148, 103, 189), (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207),
    (214, 39, 40), (127, 127, 127), (152, 223, 138), (197, 176, 213), (196, 156, 148), (247, 182, 210),
    (219, 219, 141), (158, 218, 229), (255, 152, 150), (199, 199, 199)))


def split_matrix(splits, n_samples: int) -> np.ndarray:
    """(n_folds, n_samples) array of roles: TRAIN (1), TEST (2) or UNUSED (0) for each sample in each fold.

    A sample in both the training and the test part of one fold is a leak, and raises.
    """
    splits = list(splits)
    if not splits:
        raise ValueError("got no splits; pass a splitter such as KFold(5) or a list of (train, test) pairs")
    roles = np.full((len(splits), n_samples), UNUSED, dtype=int)
    for i, (train, test) in enumerate(splits):
        train, test = np.asarray(train, dtype=int), np.asarray(test, dtype=int)
        for name, index in (("train", train), ("test", test)):
            if index.size and (index.min() < 0 or index.max() >= n_samples):
                raise ValueError(f"fold {i}: {name} indices must lie in [0, {n_samples}), "
                                 f"but range over [{index.min()}, {index.max()}]")
        both = np.intersect1d(train, test)
        if both.size:
            raise ValueError(f"fold {i}: samples {both[:10].tolist()} are in both train and test (a leak)")
        roles[i, train], roles[i, test] = TRAIN, TEST
    return roles


def _as_splits(splitter_or_splits, X, y, groups):
    if not hasattr(splitter_or_splits, "split"):
        return list(splitter_or_splits)
    with warnings.catch_warnings():
        # One groups array is drawn under every panel; splitters without groups say they ignore it.
        warnings.filterwarnings("ignore", message="The groups parameter is ignored", category=UserWarning)
        return list(splitter_or_splits.split(X, y, groups))


def _title(splitter_or_splits, n_folds):
    return repr(splitter_or_splits) if hasattr(splitter_or_splits, "split") else f"{n_folds} given splits"


def _category_rgb(values) -> np.ndarray:
    """One colour per distinct value, cycling through a qualitative palette."""
    _, codes = np.unique(np.asarray(values), return_inverse=True)
    palette = np.array([to_rgb(c) for c in _CATEGORY_COLORS])
    return palette[codes % len(palette)]


def plot_cv_splits(splitter_or_splits, X, y=None, groups=None) -> Figure:
    """Which samples each fold trains on, tests on, or leaves out, one row per fold.

    splitter_or_splits: a scikit-learn splitter (anything with `.split(X, y, groups)`), a list of
        (train, test) index pairs, or a dict {title: either} for several panels stacked in one figure.
    Below the folds, a row coloured by class (when y is given) and one by group (when groups are given)
    show what stratified and grouped splitters keep together. Samples are drawn in index order, so
    for time series the x axis is time. After scikit-learn's example "Visualizing cross-validation
    behavior in scikit-learn"; drawn here from `split_matrix`.
    """
    n_samples = len(X)
    panels = splitter_or_splits if isinstance(splitter_or_splits, dict) else {None: splitter_or_splits}
    if not panels:
        raise ValueError("got an empty dict of splitters")
    extra = [("class", y), ("group", groups)]
    extra = [(name, values) for name, values in extra if values is not None]
    for name, values in extra:
        if len(values) != n_samples:
            raise ValueError(f"{name} has {len(values)} entries but X has {n_samples} samples")
    matrices = {title: split_matrix(_as_splits(s, X, y, groups), n_samples) for title, s in panels.items()}
    heights = [m.shape[0] + len(extra) for m in matrices.values()]
    fig = Figure(figsize=(8, 0.9 + 0.32 * sum(heights) + 0.45 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, sharex=True, gridspec_kw={"height_ratios": heights})[:, 0]
    role_rgb = {role: np.array(to_rgb(color)) for role, color in _ROLE_COLORS.items()}
    for ax, (title, roles) in zip(axes, matrices.items()):
        image = np.zeros((roles.shape[0] + len(extra), n_samples, 3))
        for role, rgb in role_rgb.items():
            image[: roles.shape[0]][roles == role] = rgb
        for j, (_, values) in enumerate(extra):
            image[roles.shape[0] + j] = _category_rgb(values)
        ax.imshow(image, aspect="auto", interpolation="nearest", extent=(-0.5, n_samples - 0.5, len(image) - 0.5, -0.5))
        if extra:  # a white line between the folds and the class / group rows
            ax.axhline(roles.shape[0] - 0.5, color="white", lw=3)
        labels = [f"fold {i + 1}" for i in range(roles.shape[0])] + [name for name, _ in extra]
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.set_title(title if title is not None else _title(splitter_or_splits, len(roles)), fontsize=10,
                     loc="left")
    axes[-1].set_xlabel("sample index")
    handles = [Patch(color=_ROLE_COLORS[r], label=_ROLE_NAMES[r]) for r in (TRAIN, TEST, UNUSED)]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig


@lru_cache(maxsize=None)
def _expected_max_normal(n: int) -> float:
    """expected_max_normal(n), remembered: one numerical integral per n, and the figure draws 13 or more."""
    return expected_max_normal(n)


def plot_optimism(curve: OptimismCurve, noise: float | None = None, highlight: int | None = None,
                  title: str | None = None) -> Figure:
    """The winner's optimism against the number of configurations tried (log x), and P(gap > threshold).

    Left: E[validation score of the chosen config - its true score], with a +-2 standard-error band;
    the regret of the choice (best true score - chosen true score); the `gap_threshold` line (the
    "2% rule"); and, when `noise` (the validation score's standard deviation) is given, the reference
    for identical configurations, noise * E[max of n N(0, 1)] (`expected_max_normal`).
    Right: the share of simulated searches whose winner's validation score beats its true score by
    more than the threshold. highlight: an n to mark on both panels. Drawn as `optimism_frame` and
    `mark_optimism` on it.
    """
    fig = optimism_frame(curve, noise, title)
    mark_optimism(fig, highlight)
    return fig


def optimism_frame(curve: OptimismCurve, noise: float | None = None, title: str | None = None) -> Figure:
    """plot_optimism without the mark of n and the legend (what does not move with n)."""
    n = np.asarray(curve.n_configs)
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    lo, hi = curve.optimism - 2 * curve.optimism_se, curve.optimism + 2 * curve.optimism_se
    left.fill_between(n, 100 * lo, 100 * hi, color="C3", alpha=0.2, lw=0)
    left.plot(n, 100 * curve.optimism, "o-", color="C3", ms=3, label="optimism of the winner")
    left.plot(n, 100 * curve.regret, "s-", color="0.5", ms=3, label="regret of the choice")
    if noise is not None:
        reference = [noise * _expected_max_normal(int(k)) for k in n]
        left.plot(n, 100 * np.asarray(reference), ":", color="k",
                  label=r"identical configs: $\sigma_{val}\,E[\max_{i \leq n} Z_i]$")
    left.axhline(100 * curve.gap_threshold, color="C0", ls="--", lw=1,
                 label=f"{100 * curve.gap_threshold:g}% gap rule")
    left.set(xscale="log", xlabel="configurations tried, n", ylabel="percentage points",
             title=title or "best of n on a noisy validation set")
    right.plot(n, curve.p_gap_over, "o-", color="C0", ms=3)
    right.set(xscale="log", ylim=(-0.03, 1.03), xlabel="configurations tried, n",
              ylabel=f"P(validation - true > {100 * curve.gap_threshold:g}%)",
              title="how often the gap rule fires")
    return fig


def update_optimism_frame(fig, curve: OptimismCurve, noise: float | None = None, title: str | None = None) -> bool:
    """Make an `optimism_frame` figure (with the same n_configs and threshold, mark and legend removed)
    show `curve` instead: the same artists with new data, limits and title, as optimism_frame(curve, noise,
    title) would draw them. False, changing nothing, if the figure is not such a frame."""
    left, right = fig.axes[:2]
    n = np.asarray(curve.n_configs)
    n_lines = 4 if noise is not None else 3
    if (len(left.lines) != n_lines or len(right.lines) != 1 or len(left.collections) != 1
            or not np.array_equal(left.lines[0].get_xdata(), n)
            or left.lines[-1].get_ydata()[0] != 100 * curve.gap_threshold):
        return False
    lo, hi = curve.optimism - 2 * curve.optimism_se, curve.optimism + 2 * curve.optimism_se
    left.collections[0].remove()
    left.fill_between(n, 100 * lo, 100 * hi, color="C3", alpha=0.2, lw=0)  # drawn below the lines (zorder)
    left.lines[0].set_ydata(100 * curve.optimism)
    left.lines[1].set_ydata(100 * curve.regret)
    if noise is not None:
        left.lines[2].set_ydata(100 * np.asarray([noise * _expected_max_normal(int(k)) for k in n]))
    right.lines[0].set_ydata(curve.p_gap_over)
    left.set_title(title or "best of n on a noisy validation set")
    left.relim()
    left.autoscale_view()
    return True


def mark_optimism(fig, highlight: int | None) -> list:
    """The line marking n = highlight on both panels of a `plot_optimism` figure (none for None), and the
    legend, placed after it so that it avoids the line. Returns the artists drawn."""
    left, right = fig.axes[:2]
    lines = [] if highlight is None else [ax.axvline(highlight, color="k", lw=0.8, alpha=0.5) for ax in (left, right)]
    return [*lines, left.legend(fontsize=8)]


# ---------------------------------------------------------------------------------------------------
# Widget: optimism explorer (a thin layer over optimism_figure)
# ---------------------------------------------------------------------------------------------------

OPTIMISM_N_GRID = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000)
OPTIMISM_N_VAL = (50, 100, 200, 500, 1000, 2000, 5000, 10000)
OPTIMISM_TRUE_MEAN = 0.80  # accuracy around which the simulated configurations sit
OPTIMISM_REPEATS = 1000  # simulated searches per point: Monte Carlo error ~ 3% of the optimism


def validation_noise(n_val: int, accuracy: float = OPTIMISM_TRUE_MEAN) -> float:
    """Standard deviation of an accuracy measured on n_val examples: sqrt(p (1 - p) / n_val)."""
    return float(np.sqrt(accuracy * (1 - accuracy) / n_val))


def optimism_data(n_trials: int = 100, n_val: int = 1000, true_spread: float = 0.01, seed: int = 0) -> OptimismCurve:
    """The simulation of `validation_overfitting` on OPTIMISM_N_GRID up to max(1000, n_trials), with n_trials
    included, drawn as nested searches (`nested_validation_overfitting`): half the binomial draws."""
    if int(n_trials) != n_trials or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, but got {n_trials!r}")
    grid = sorted(set(OPTIMISM_N_GRID) | {int(n_trials)})
    return nested_validation_overfitting(grid, n_val=int(n_val), true_mean=OPTIMISM_TRUE_MEAN,
                                         true_spread=true_spread, n_repeats=OPTIMISM_REPEATS, seed=seed)


def nested_validation_overfitting(n_configs, *, n_val=1000, true_mean=0.80, true_spread=0.01, n_repeats=1000,
                                  gap_threshold=0.02, seed=0) -> OptimismCurve:
    """`validation_overfitting`'s experiment with the searches of each repeat nested: the best of n is taken
    among the first n of max(n_configs) configurations, not among n new ones.

    Each point of the curve is the same estimator as in `validation_overfitting` (n_repeats independent
    searches of n configurations with p_i ~ N(true_mean, true_spread^2) clipped to [0, 1] and validation
    accuracy Binomial(n_val, p_i) / n_val), with the same Monte Carlo standard error, optimism_se =
    sd(gap) / sqrt(n_repeats) (about 3% of the optimism for n_repeats = 1000); only the points of one curve
    share their draws ("common random numbers"), so the curve is smoother than with independent draws.
    It draws n_repeats * max(n_configs) binomials instead of n_repeats * sum(n_configs): 1.0 million instead
    of 2.2 million on OPTIMISM_N_GRID, which keeps the explorer's sliders under 0.2 s; for an integer seed
    the configurations' standard normals are drawn once (`_standard_normals`: the same numbers). Tested against
    `validation_overfitting` (within 4 combined standard errors) and, for identical configurations, against
    the order-statistic reference sigma_val * E[max of n N(0, 1)] (`expected_max_normal`).
    """
    n_configs = np.atleast_1d(np.asarray(n_configs, dtype=int))
    if n_configs.min() < 1:
        raise ValueError(f"n_configs must be >= 1, got {n_configs.tolist()}")
    if isinstance(seed, (int, np.integer)):  # the normals of this seed and shape, drawn once
        z, state = _standard_normals(int(seed), int(n_repeats), int(n_configs.max()))
        rng = np.random.default_rng()
        rng.bit_generator.state = state
    else:
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n_repeats, int(n_configs.max())))
    true = np.clip(true_mean + true_spread * z, 0.0, 1.0)  # = rng.normal(true_mean, true_spread, z.shape)
    val = rng.binomial(n_val, true) / n_val
    pick, rows = np.arange(n_repeats), []
    for n in n_configs:
        chosen = np.argmax(val[:, :n], axis=1)
        gap = val[pick, chosen] - true[pick, chosen]
        regret = true[:, :n].max(axis=1) - true[pick, chosen]
        rows.append((gap.mean(), gap.std(ddof=1) / np.sqrt(n_repeats), regret.mean(), (gap > gap_threshold).mean()))
    optimism, se, regret, p_gap = (np.array(col) for col in zip(*rows))
    return OptimismCurve(n_configs, optimism, se, regret, p_gap, gap_threshold)


@lru_cache(maxsize=2)
def _standard_normals(seed: int, n_repeats: int, n_max: int):
    """(Z, the generator's state after it): default_rng(seed).normal(m, s, size) is m + s * Z bit for bit
    (numpy draws a standard normal and scales it), so a new (n_val, spread) draws only the binomials."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_repeats, n_max))
    z.flags.writeable = False
    return z, rng.bit_generator.state


def optimism_summary(curve: OptimismCurve, n_trials: int, n_val: int) -> str:
    """One line: the expected optimism of the best of n_trials and how often the gap rule fires."""
    i = int(np.flatnonzero(np.asarray(curve.n_configs) == n_trials)[0])
    return (f"best of {n_trials} on {n_val} validation examples (noise sd {100 * validation_noise(n_val):.2f}%): "
            f"expected optimism {100 * curve.optimism[i]:.2f} +- {100 * curve.optimism_se[i]:.2f} points, "
            f"regret {100 * curve.regret[i]:.2f} points, "
            f"P(gap > {100 * curve.gap_threshold:g}%) = {curve.p_gap_over[i]:.2f}")


def optimism_figure(n_trials: int = 100, n_val: int = 1000, true_spread: float = 0.01, seed: int = 0) -> Figure:
    """The explorer's figure as a plain function: plot_optimism(optimism_data(...)) with n_trials marked."""
    fig = _frame(optimism_data(n_trials, n_val, true_spread, seed), n_val, true_spread)
    mark_optimism(fig, n_trials)
    return fig


def _frame(curve, n_val, true_spread) -> Figure:
    """optimism_frame with the explorer's noise reference and title."""
    return optimism_frame(curve, noise=validation_noise(n_val), title=_optimism_title({"n_val": n_val, "true_spread": true_spread}))


def _optimism_title(data) -> str:
    return f"n_val = {data['n_val']}, true spread = {100 * data['true_spread']:g}%"


class OptimismExplorer(Explorer):
    """Sliders (n trials, validation size, true spread) over the optimism figure and its summary line.

    After each draw: `curve` is the OptimismCurve, `figure` the Figure, `png` its bytes, `summary` the
    line above the picture, `n_draws` counts the pictures shown; `data` holds all of them. n_trials
    must be one of OPTIMISM_N_GRID and n_val one of OPTIMISM_N_VAL (the sliders' stops);
    `optimism_figure` takes any values. The curve is simulated on the whole of OPTIMISM_N_GRID, so
    moving n trials only moves the mark: the simulation runs again for a new (n_val, true spread).
    """

    def __init__(self, n_trials=100, n_val=1000, true_spread=0.01, seed=0):
        style = {"description_width": "initial"}
        self.n_trials = widgets.SelectionSlider(options=OPTIMISM_N_GRID, value=n_trials, description="n trials",
                                                style=style)
        self.n_val = widgets.SelectionSlider(options=OPTIMISM_N_VAL, value=n_val, description="validation size",
                                             style=style)
        self.true_spread = widgets.FloatSlider(value=true_spread, min=0.0, max=0.05, step=0.005, readout_format=".3f",
                                               description="true spread", style=style)
        self.seed = seed
        self._curves = {}  # (n_val, true_spread) -> OptimismCurve on OPTIMISM_N_GRID
        controls = (self.n_trials, self.n_val, self.true_spread)
        self._setup([widgets.HBox(list(controls))], controls)

    def key(self):
        return self.n_trials.value, self.n_val.value, self.true_spread.value

    def compute(self, key):
        n_trials, n_val, spread = key
        if (n_val, spread) not in self._curves:
            self.busy(f"simulating {OPTIMISM_REPEATS} searches per n ...")
            self._curves[n_val, spread] = optimism_data(n_trials, n_val, spread, self.seed)  # n_trials is on the grid
        curve = self._curves[n_val, spread]
        return {"curve": curve, "summary": optimism_summary(curve, n_trials, n_val), "n_trials": n_trials,
                "n_val": n_val, "true_spread": spread}

    def frame_key(self, key):
        return key[1:]  # (n_val, true spread): moving n trials only moves the mark

    def draw_frame(self, data):
        return _frame(data["curve"], data["n_val"], data["true_spread"])

    def draw_moving(self, figure, data):
        return mark_optimism(figure, data["n_trials"])

    def update_frame(self, figure, data):
        return update_optimism_frame(figure, data["curve"], validation_noise(data["n_val"]), _optimism_title(data))

    def caption(self, data):
        return data["summary"]

    @property
    def curve(self) -> OptimismCurve:
        return self.data["curve"]

    @property
    def summary(self) -> str:
        return self.data["summary"]


def optimism_explorer(n_trials=100, n_val=1000, true_spread=0.01, seed=0) -> OptimismExplorer:
    """A widget: how optimistic is the best validation score of n configurations, for a validation size?"""
    return OptimismExplorer(n_trials=n_trials, n_val=n_val, true_spread=true_spread, seed=seed)
