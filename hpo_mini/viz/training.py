"""Figures and widgets for lesson 09 (training dynamics): schedules, training curves, the LR range test.

Figures are plain functions that take data and return a `matplotlib.figure.Figure`:

    from hpo_mini.tasks.training import train, range_test
    from hpo_mini.viz.training import plot_runs, plot_range_test, plot_schedules
    plot_runs({"lr 0.05": train({"lr": 0.05}), "lr 0.5": train({"lr": 0.5})})
    plot_range_test(range_test({"model": "mlp"}))

The widgets are thin `Explorer`s (viz/explorer.py) over them: `schedule_explorer()` (pick a schedule
and its knobs: the LR curve and the training and validation curves it produces, next to a constant
rate) and `range_test_explorer()`.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..space import config_key
from ..tasks.schedules import RangeTest, smooth_losses, suggest_lr
from ..tasks.training import TrainResult, range_test, steps_per_epoch, train
from .explorer import Explorer, empty_axes

__all__ = [
    "plot_schedules",
    "plot_runs",
    "plot_range_test",
    "schedule_config",
    "schedule_runs",
    "schedule_figure",
    "ScheduleExplorer",
    "schedule_explorer",
    "range_test_figure",
    "RangeTestExplorer",
    "range_test_explorer",
]

_COLORS = tuple(f"C{i}" for i in range(8))  # the Okabe-Ito cycle (viz/style.py), yellow last


# ---------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------

def plot_schedules(curves: dict, steps_per_epoch: int | None = None, log=False, title=None) -> Figure:
    """Learning-rate curves {label: array of eta_t, t = 0, 1, ...} on one axis; with steps_per_epoch,
    the x axis is in epochs."""
    if not curves:
        raise ValueError("curves is empty; pass {label: array of learning rates}")
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    for (label, lrs), color in zip(curves.items(), _COLORS * 4):
        lrs = np.asarray(lrs, dtype=float)
        x = np.arange(len(lrs)) / (steps_per_epoch or 1)
        ax.plot(x, lrs, color=color, label=label)
    ax.set(xlabel="epoch" if steps_per_epoch else "step t", ylabel="learning rate",
           yscale="log" if log else "linear", title=title or "learning-rate schedules")
    ax.legend(fontsize=8)
    return fig


def plot_runs(runs: dict, beta: float = 0.9, title: str | None = None, fig=None) -> Figure:
    """Training runs {label: TrainResult} side by side: the learning rate per step, the training loss
    per step (raw, faint, and smoothed by `smooth_losses(beta)`; log scale), the validation accuracy per
    epoch. A diverged run ends with an x where it blew up. fig: a figure this function drew before, to
    draw on again (`empty_axes`); default a new one."""
    if not runs:
        raise ValueError("runs is empty; pass {label: TrainResult}")
    if fig is None:
        fig = Figure(figsize=(11, 3.4), layout="constrained")
        ax_lr, ax_loss, ax_acc = fig.subplots(1, 3)
    else:
        ax_lr, ax_loss, ax_acc = empty_axes(fig)
    low, high = np.inf, 0.0  # the loss panel's range: the smoothed curves, not single lucky minibatches
    for (label, run), color in zip(runs.items(), _COLORS * 4):
        if not isinstance(run, TrainResult):
            raise TypeError(f"runs[{label!r}] must be a TrainResult (from training.train), "
                            f"but got {type(run).__name__}")
        k = steps_per_epoch(run.config["batch_size"])
        x = np.arange(len(run.losses)) / k
        ax_lr.plot(x, run.lrs, color=color, label=label)
        losses = np.where(np.isfinite(run.losses), run.losses, np.nan)
        ax_loss.plot(x, losses, color=color, alpha=0.2, lw=0.7)
        smoothed = smooth_losses(np.nan_to_num(losses, nan=np.nanmax(losses)), beta)
        ax_loss.plot(x, smoothed, color=color, label=label)
        low, high = min(low, smoothed.min()), max(high, smoothed.max())
        if run.diverged:
            ax_loss.plot(x[-1], min(np.nanmax(losses), 1e3), "x", color=color, ms=10, mew=2)
        epochs = np.arange(1, len(run.val_accuracy) + 1)
        ax_acc.plot(epochs, run.val_accuracy, "o-", ms=3, color=color,
                    label=f"{label}" + (" (diverged)" if run.diverged else f": {run.val_accuracy[-1]:.3f}"))
        if run.best_epoch is not None and run.stopped_early:
            ax_acc.axvline(run.best_epoch, color=color, ls=":", lw=1)
    ax_lr.set(xlabel="epoch", ylabel="learning rate", title="schedule")
    ax_loss.set(xlabel="epoch", ylabel="minibatch loss", yscale="log", title="training loss",
                ylim=(max(low / 3, 1e-4), min(high * 3, 3e3)))
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="validation accuracy", ylim=(0.5, 1.0))
    ax_acc.legend(fontsize=8, loc="lower right")
    if title:
        fig.suptitle(title)
    return fig


def plot_range_test(result: RangeTest, band=None, title: str | None = None) -> Figure:
    """The LR range test: raw and smoothed loss against the learning rate (log x), the rate at the
    minimum of the smoothed loss, the suggestion, and (optional) band = (lo, hi), the rates where
    training was measured to work, shaded."""
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.subplots()
    if band is not None:
        ax.axvspan(band[0], band[1], color="C2", alpha=0.12,
                   label=f"training works: {band[0]:.2g} to {band[1]:.2g}")
    ax.plot(result.lrs, result.losses, color="0.6", lw=0.8, label="minibatch loss")
    ax.plot(result.lrs, result.smoothed, color="C0", lw=2, label="smoothed (debiased EMA)")
    ax.axvline(result.min_loss_lr, color="C3", ls=":", label=f"min of smoothed loss: {result.min_loss_lr:.3g}")
    ax.axvline(result.suggestion, color="C2", ls="--", lw=2,
               label=f"suggestion ({result.rule}): {result.suggestion:.3g}")
    top = np.nanmax(result.smoothed[: max(3, len(result.smoothed) // 10)])
    ax.set(xscale="log", xlabel="learning rate (rising exponentially, one step each)", ylabel="training loss",
           ylim=(0, 1.3 * top), title=title or "learning-rate range test")
    ax.legend(fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------------
# Schedule explorer
# ---------------------------------------------------------------------------------------------------

LR_CHOICES = (0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
BATCH_CHOICES = (8, 16, 32, 64, 128, 256, 500)
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine", "cyclical", "one_cycle")


def schedule_config(schedule="cosine", lr=0.1, epochs=10, batch_size=32, warmup_epochs=1.0, decay_epochs=3.0,
                    decay_rate=0.7, cycle_epochs=2.0, pct_start=0.3, model="mlp") -> dict:
    """The training config for a schedule and its knobs, keeping only the knobs that schedule reads."""
    config = {"model": model, "schedule": schedule, "lr": lr, "epochs": int(epochs), "batch_size": int(batch_size)}
    own = {"cosine": {"warmup_epochs": warmup_epochs}, "step": {"decay_epochs": decay_epochs},
           "exponential": {"decay_rate": decay_rate}, "cyclical": {"cycle_epochs": cycle_epochs},
           "one_cycle": {"pct_start": pct_start}}
    return {**config, **own.get(schedule, {})}


def schedule_runs(config: dict, seed=0, compare=True, train_one=train) -> dict:
    """{label: TrainResult}: the run with `config`, and (compare=True, schedule not constant) the same
    config at a constant rate. train_one(config, seed=...) trains one config (the explorer passes a cached
    `train`)."""
    runs = {config["schedule"]: train_one(config, seed=seed)}
    if compare and config["schedule"] != "constant":
        constant = schedule_config("constant", config["lr"], config["epochs"], config["batch_size"],
                                   model=config["model"])
        runs["constant"] = train_one(constant, seed=seed)
    return runs


def _runs_title(runs):
    parts = []
    for label, run in runs.items():
        what = "diverged" if run.diverged else f"val acc {run.val_accuracy[-1]:.3f}, test {run.accuracy('test'):.3f}"
        parts.append(f"{label}: {what}")
    return " | ".join(parts)


def schedule_figure(seed=0, compare=True, **knobs) -> Figure:
    """The schedule explorer's figure as a plain function: plot_runs(schedule_runs(schedule_config(**knobs)))."""
    runs = schedule_runs(schedule_config(**knobs), seed, compare)
    return plot_runs(runs, title=_runs_title(runs))


class ScheduleExplorer(Explorer):
    """Pick a schedule and its knobs; see the learning rate, the training loss and the validation accuracy
    it produces (and a constant rate's, for comparison). Controls: peak lr, epochs, batch size, seed, and
    each schedule's own knob (the others are greyed out, and moving one redraws nothing). After each draw:
    `config`, `data` (the runs), `figure`, `png`, `n_draws`. Each training run is cached on its own, so
    the constant-rate run is trained once for all schedules and going back to a setting is instant."""

    def __init__(self, schedule="cosine", lr=0.1, epochs=10, batch_size=32, warmup_epochs=1.0, decay_epochs=3.0,
                 decay_rate=0.7, cycle_epochs=2.0, pct_start=0.3, model="mlp", seed=0, compare=True):
        style = {"description_width": "initial"}
        self.lr = widgets.SelectionSlider(options=LR_CHOICES, value=lr, description="peak lr", style=style)
        self.schedule = widgets.ToggleButtons(options=SCHEDULE_NAMES, value=schedule, description="schedule")
        self.epochs = widgets.IntSlider(value=epochs, min=2, max=30, description="epochs", style=style)
        self.batch_size = widgets.SelectionSlider(options=BATCH_CHOICES, value=batch_size, description="batch size",
                                                  style=style)
        self.warmup_epochs = widgets.FloatSlider(value=warmup_epochs, min=0, max=5, step=0.5,
                                                 description="cosine: warmup epochs", style=style)
        self.decay_epochs = widgets.FloatSlider(value=decay_epochs, min=1, max=10, step=1,
                                                description="step: decay every (epochs)", style=style)
        self.decay_rate = widgets.FloatSlider(value=decay_rate, min=0.3, max=0.95, step=0.05,
                                              description="exponential: factor per epoch", style=style)
        self.cycle_epochs = widgets.FloatSlider(value=cycle_epochs, min=0.5, max=5, step=0.5,
                                                description="cyclical: half-period (epochs)", style=style)
        self.pct_start = widgets.FloatSlider(value=pct_start, min=0.1, max=0.9, step=0.05,
                                             description="one-cycle: pct_start", style=style)
        self.model = widgets.ToggleButtons(options=("mlp", "softmax"), value=model, description="model")
        self.seed = widgets.IntSlider(value=seed, min=0, max=9, description="seed", style=style)
        self.compare = compare
        self._trained = {}  # (config_key, seed) -> TrainResult: each run trained once, shared by settings
        self._knobs = {"cosine": self.warmup_epochs, "step": self.decay_epochs, "exponential": self.decay_rate,
                       "cyclical": self.cycle_epochs, "one_cycle": self.pct_start}
        controls = (self.lr, self.schedule, self.epochs, self.batch_size, self.warmup_epochs, self.decay_epochs,
                    self.decay_rate, self.cycle_epochs, self.pct_start, self.model, self.seed)
        self._setup([widgets.HBox([self.lr, self.epochs, self.batch_size]), widgets.HBox([self.schedule]),
                     widgets.HBox([self.warmup_epochs, self.decay_epochs, self.decay_rate]),
                     widgets.HBox([self.cycle_epochs, self.pct_start]), widgets.HBox([self.model, self.seed])],
                    controls)

    def sync_controls(self):
        for name, knob in self._knobs.items():
            knob.disabled = self.schedule.value != name

    @property
    def config(self) -> dict:
        """The training config of the current setting (schedule_config: only the active schedule's knob)."""
        return schedule_config(self.schedule.value, self.lr.value, self.epochs.value, self.batch_size.value,
                               self.warmup_epochs.value, self.decay_epochs.value, self.decay_rate.value,
                               self.cycle_epochs.value, self.pct_start.value, self.model.value)

    def key(self):
        return config_key(self.config), self.seed.value  # a greyed-out knob is not in the config

    def _train(self, config, seed):
        key = (config_key(config), seed)
        if key not in self._trained:
            self.busy(f"training {config['schedule']} ...")
            self._trained[key] = train(config, seed=seed)
        return self._trained[key]

    def compute(self, key):
        config, seed = dict(key[0]), key[1]
        return schedule_runs(config, seed, self.compare, train_one=self._train)

    def draw(self, data):
        return plot_runs(data, title=_runs_title(data))

    def update_frame(self, figure, data):
        plot_runs(data, title=_runs_title(data), fig=figure)  # the same three axes, drawn on again
        return True


def schedule_explorer(schedule="cosine", lr=0.1, epochs=10, batch_size=32, seed=0, **knobs) -> ScheduleExplorer:
    """A widget: a schedule and its knobs -> the LR curve and the training and validation curves it gives."""
    return ScheduleExplorer(schedule=schedule, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed, **knobs)


# ---------------------------------------------------------------------------------------------------
# Range-test explorer
# ---------------------------------------------------------------------------------------------------

BETA_CHOICES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99)


def range_test_figure(model="mlp", batch_size=32, n_steps=100, beta=0.98, rule="min/10", seed=0, band=None) -> Figure:
    """The range-test view's figure as a plain function: plot_range_test(range_test(...))."""
    result = range_test({"model": model, "batch_size": batch_size}, seed=seed, n_steps=n_steps, beta=beta, rule=rule)
    return plot_range_test(result, band=band)


class RangeTestExplorer(Explorer):
    """The LR range test on the course's model: smoothing beta, number of steps of the sweep, batch size,
    model, suggestion rule, seed. After each draw: `data` (the RangeTest), `figure`, `png`, `n_draws`.
    Sweeps are cached; the rule only re-reads the smoothed curve (`suggest_lr`), with no new sweep."""

    def __init__(self, model="mlp", batch_size=32, n_steps=100, beta=0.98, rule="min/10", seed=0):
        style = {"description_width": "initial"}
        self.beta = widgets.SelectionSlider(options=BETA_CHOICES, value=beta, description="smoothing beta",
                                            style=style)
        self.n_steps = widgets.IntSlider(value=n_steps, min=30, max=300, step=10, description="sweep steps",
                                         style=style)
        self.batch_size = widgets.SelectionSlider(options=BATCH_CHOICES, value=batch_size, description="batch size",
                                                  style=style)
        self.model = widgets.ToggleButtons(options=("mlp", "softmax"), value=model, description="model")
        self.rule = widgets.ToggleButtons(options=("min/10", "steepest"), value=rule, description="rule")
        self.seed = widgets.IntSlider(value=seed, min=0, max=9, description="seed", style=style)
        self._sweeps = {}  # (model, batch size, steps, seed, beta) -> RangeTest
        controls = (self.beta, self.n_steps, self.batch_size, self.model, self.rule, self.seed)
        self._setup([widgets.HBox([self.beta, self.n_steps, self.batch_size]),
                     widgets.HBox([self.model, self.rule, self.seed])], controls)

    def key(self):
        return (self.model.value, self.batch_size.value, self.n_steps.value, self.seed.value, self.beta.value,
                self.rule.value)

    def compute(self, key):
        model, batch_size, n_steps, seed, beta, rule = key
        sweep = key[:5]  # the rule only reads the smoothed curve: no new sweep for it
        if sweep not in self._sweeps:
            self.busy("running the range test ...")
            self._sweeps[sweep] = range_test({"model": model, "batch_size": batch_size}, seed=seed, n_steps=n_steps,
                                             beta=beta, rule=rule)
        result = self._sweeps[sweep]
        return result if result.rule == rule else replace(result, rule=rule,
                                                          suggestion=suggest_lr(result.lrs, result.smoothed, rule))

    def draw(self, data):
        return plot_range_test(data, title=f"range test: {self.model.value}, batch {self.batch_size.value}")


def range_test_explorer(model="mlp", batch_size=32, n_steps=100, beta=0.98, rule="min/10", seed=0) -> RangeTestExplorer:
    """A widget: the LR range test and its suggestion, with the smoothing and the sweep to turn."""
    return RangeTestExplorer(model, batch_size, n_steps, beta, rule, seed)
