"""Figures and a widget for lesson 10 (debugging a training run and tuning at scale).

Plain functions take data and return a `matplotlib.figure.Figure`:

    plot_panels([{"title": "loss", "yscale": "log", "lines": {"adam": (steps, losses)}}])   # any line panels
    plot_clipping(clipping_runs(lr=0.3, clip_norm=1.0))        # a spiking run with and without clipping
    plot_lr_by_width({"sp": {32: (lrs, losses), ...}, "mup": {...}})   # the best rate per width
    plot_critical_batch(batch_sizes, steps, fit)               # steps to a target against the batch size

The widget is a thin `Explorer` (viz/explorer.py) over `plot_clipping`: `clipping_explorer()` turns the
learning rate, the clipping threshold and the seed of a run that spikes.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..tasks.training import TrainResult, steps_per_epoch, train
from .explorer import Explorer, empty_axes

__all__ = ["plot_panels", "clipping_runs", "clipping_summary", "plot_clipping", "ClippingExplorer",
           "clipping_explorer", "plot_lr_by_width", "plot_critical_batch"]

_COLORS = tuple(f"C{i}" for i in range(8))  # the Okabe-Ito cycle (viz/style.py), yellow last


def plot_panels(panels, title=None, width=None, height=3.2) -> Figure:
    """Side-by-side line panels. Each panel is a dict: "lines" {label: (x, y)} (required), and optional
    "title", "xlabel", "ylabel", "xscale", "yscale", "hlines" {label: y}, "marker" (for every line)."""
    if not panels:
        raise ValueError("panels is empty; pass a list of {'lines': {label: (x, y)}, ...}")
    fig = Figure(figsize=(width or 3.8 * len(panels), height), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, panel in zip(axes, panels):
        if "lines" not in panel:
            raise ValueError(f"every panel needs 'lines' {{label: (x, y)}}, but got keys {sorted(panel)}")
        for (label, (x, y)), color in zip(panel["lines"].items(), _COLORS * 4):
            ax.plot(x, y, color=color, label=label, marker=panel.get("marker"), ms=3)
        for (label, y), color in zip(panel.get("hlines", {}).items(), ("0.3", "0.6", "tab:gray")):
            ax.axhline(y, color=color, ls="--", lw=1, label=label)
        ax.set(title=panel.get("title", ""), xlabel=panel.get("xlabel", ""), ylabel=panel.get("ylabel", ""),
               xscale=panel.get("xscale", "linear"), yscale=panel.get("yscale", "linear"))
        if panel["lines"] or panel.get("hlines"):
            ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------------------------------------
# Gradient clipping on a run that spikes
# ---------------------------------------------------------------------------------------------------

LR_CHOICES = (0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
CLIP_CHOICES = ("off", 0.25, 0.5, 1.0, 2.0, 5.0, 20.0)


def clipping_runs(lr=0.3, clip_norm=1.0, seed=0, epochs=6, train_one=train) -> dict:
    """{"no clipping": TrainResult, "clip at c": TrainResult}: the MLP at rate `lr` without and with clipping
    by global norm (clip_norm None or "off": only the first). train_one(config, seed=...) trains a config."""
    config = {"model": "mlp", "lr": lr, "epochs": int(epochs)}
    runs = {"no clipping": train_one(config, seed=seed)}
    if clip_norm not in (None, "off"):
        runs[f"clip at {clip_norm:g}"] = train_one({**config, "clip_norm": float(clip_norm)}, seed=seed)
    return runs


def clipping_summary(runs) -> str:
    """One line per run: diverged or final validation accuracy, and the share of steps clipped."""
    lines = []
    for label, run in runs.items():
        c = run.config["clip_norm"]
        clipped = f"{np.mean(run.grad_norms > c):.0%} of steps clipped" if c is not None else "no clipping"
        what = (f"diverged at step {run.diverged_step}" if run.diverged
                else f"val accuracy {run.val_accuracy[-1]:.3f}")
        lines.append(f"{label:>12}: {what}; {clipped}; median gradient norm {np.median(run.grad_norms):.2f}")
    return "\n".join(lines)


def plot_clipping(runs, title=None, fig=None) -> Figure:
    """Runs {label: TrainResult}: the minibatch loss per step (log), the gradient's global norm per step (log)
    with each run's clipping threshold, and the validation accuracy per epoch. A diverged run ends in an x.
    fig: a figure this function drew before, to draw on again (`empty_axes`); default a new one."""
    if not runs:
        raise ValueError("runs is empty; pass {label: TrainResult}")
    if fig is None:
        fig = Figure(figsize=(11, 3.4), layout="constrained")
        ax_loss, ax_norm, ax_acc = fig.subplots(1, 3)
    else:
        ax_loss, ax_norm, ax_acc = empty_axes(fig)
    for (label, run), color in zip(runs.items(), _COLORS * 4):
        if not isinstance(run, TrainResult):
            raise TypeError(f"runs[{label!r}] must be a TrainResult, but got {type(run).__name__}")
        x = np.arange(len(run.losses)) / steps_per_epoch(run.config["batch_size"])
        losses = np.where(np.isfinite(run.losses), run.losses, np.nan)
        ax_loss.plot(x, np.minimum(losses, 1e3), color=color, lw=0.8, label=label)
        ax_norm.plot(x, np.where(np.isfinite(run.grad_norms), run.grad_norms, np.nan), color=color, lw=0.8, label=label)
        if run.diverged:
            ax_loss.plot(x[-1], min(np.nanmax(losses), 1e3), "x", color=color, ms=10, mew=2)
        if run.config["clip_norm"] is not None:
            threshold = run.config["clip_norm"]
            ax_norm.axhline(threshold, color=color, ls="--", lw=1, label=f"threshold {threshold:g}")
        ax_acc.plot(np.arange(1, len(run.val_accuracy) + 1), run.val_accuracy, "o-", ms=3, color=color,
                    label=label + (" (diverged)" if run.diverged else ""))
    ax_loss.set(xlabel="epoch", ylabel="minibatch loss", yscale="log", title="training loss")
    ax_norm.set(xlabel="epoch", ylabel="||g|| before clipping", yscale="log", title="gradient global norm")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="validation accuracy", ylim=(0, 1))
    for ax in (ax_loss, ax_norm, ax_acc):
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


class ClippingExplorer(Explorer):
    """The MLP at a learning rate that may spike, without and with clipping by global norm. Controls: the
    learning rate, the threshold ("off": the unclipped run alone), the seed. After each draw: `data` (the
    runs), `figure`, `png`, `n_draws`; the caption is `clipping_summary`. Each run is trained once and
    cached, so the unclipped run is shared by every threshold."""

    def __init__(self, lr=0.3, clip_norm=1.0, seed=0, epochs=6):
        style = {"description_width": "initial"}
        self.lr = widgets.SelectionSlider(options=LR_CHOICES, value=lr, description="learning rate", style=style)
        self.clip = widgets.SelectionSlider(options=CLIP_CHOICES, value=clip_norm, description="clip at global norm",
                                            style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=9, description="seed", style=style)
        self.epochs = int(epochs)
        self._trained = {}
        self._setup([widgets.HBox([self.lr, self.clip, self.seed])], (self.lr, self.clip, self.seed))

    def key(self):
        return self.lr.value, self.clip.value, self.seed.value

    def _train(self, config, seed):
        key = (config["lr"], config.get("clip_norm"), seed)
        if key not in self._trained:
            self.busy("training ...")
            self._trained[key] = train(config, seed=seed)
        return self._trained[key]

    def compute(self, key):
        lr, clip, seed = key
        return clipping_runs(lr, clip, seed, self.epochs, train_one=self._train)

    def draw(self, data, fig=None):
        return plot_clipping(data, title=f"SGD with momentum 0.9 at lr {self.lr.value:g}, seed {self.seed.value}",
                             fig=fig)

    def update_frame(self, figure, data):
        self.draw(data, fig=figure)  # the same three axes, drawn on again
        return True

    def caption(self, data):
        return clipping_summary(data)


def clipping_explorer(lr=0.3, clip_norm=1.0, seed=0, epochs=6) -> ClippingExplorer:
    """A widget: learning rate and clipping threshold -> the loss, the gradient norm and the accuracy."""
    return ClippingExplorer(lr, clip_norm, seed, epochs)


# ---------------------------------------------------------------------------------------------------
# Sweeps: the best rate per width, the critical batch size
# ---------------------------------------------------------------------------------------------------

def plot_lr_by_width(curves, ylabel="validation loss", title=None) -> Figure:
    """curves {parameterization: {width: (lrs, mean loss per lr)}}: one panel per parameterization, one line per
    width, its best rate marked with a star."""
    if not curves:
        raise ValueError("curves is empty; pass {parameterization: {width: (lrs, losses)}}")
    fig = Figure(figsize=(5 * len(curves), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(curves), sharey=True))
    top = max(np.nanmax(np.where(np.isfinite(l), l, np.nan)) for by_w in curves.values() for _, l in by_w.values())
    for ax, (name, by_width) in zip(axes, curves.items()):
        for (width, (lrs, losses)), color in zip(sorted(by_width.items()), _COLORS * 4):
            losses = np.asarray(losses, dtype=float)
            shown = np.where(np.isfinite(losses), losses, np.nan)
            ax.plot(lrs, shown, "o-", ms=3, color=color, label=f"width {width}")
            best = int(np.nanargmin(shown))
            ax.plot(lrs[best], shown[best], "*", ms=14, color=color, mec="k")
        ax.set(xscale="log", yscale="log", xlabel="learning rate", ylabel=ylabel, title=name,
               ylim=(None, min(top, 10.0) * 1.2))
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def plot_critical_batch(batch_sizes, steps, fit=None, title=None) -> Figure:
    """Steps to a target against the batch size (log-log), with the fitted hyperbola S_min + E_min / B
    (fit: a batch_size.CriticalBatch), perfect scaling from the smallest batch, and the knee B_crit."""
    B, S = np.asarray(batch_sizes, dtype=float), np.asarray(steps, dtype=float)
    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.plot(B, S, "o", ms=7, color="C0", label="measured (best rate per batch size)")
    grid = np.geomspace(B.min(), B.max(), 100)
    ax.plot(grid, S[0] * B[0] / grid, ":", color="0.5", label="perfect scaling: steps x batch constant")
    if fit is not None:
        ax.plot(grid, fit.steps(grid), color="C1", label=f"fit: {fit.S_min:.0f} + {fit.E_min:.0f} / B")
        ax.axvline(fit.B_crit, color="C3", ls="--", label=f"B_crit = E_min / S_min = {fit.B_crit:.0f}")
        ax.axhline(fit.S_min, color="C1", ls=":", lw=1)
    ax.set(xscale="log", yscale="log", xlabel="batch size B", ylabel="steps to the target", ylim=(S.min() / 2, None),
           title=title or "steps to a target against the batch size")
    ax.legend(fontsize=8)
    return fig
