"""Training the from-scratch models of `mlp.py` by minibatch SGD with momentum (or Adam): schedules,
divergence detection, early stopping, the LR range test, and a checkpointable step seam.

    from .training import train
    result = train({"model": "mlp", "lr": 0.1, "schedule": "one_cycle", "epochs": 10}, seed=0)
    result.losses            # loss of every minibatch step
    result.val_accuracy      # validation accuracy after every epoch
    result.diverged          # True if the loss went non-finite or above DIVERGED_LOSS

The step seam, for searchers that train a little, look, and train on (multi-fidelity, PBT):

    state = init_state(config, seed)                 # weights, velocity, rng, epoch, history
    score, state = step(config, state, n_epochs)     # n_epochs more epochs; score = validation error

and the learning-curve objective f(config, budget) with budget = epochs: `TrainingObjective`.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from ..space import Categorical, Float, Space, config_key
from ..study import TrialPruned
from .mlp import DEFAULTS, DIVERGED_LOSS, SPLIT, apply_update, init_params, load_data, loss_and_grad, predict
from .schedules import make_schedule

__all__ = ["steps_per_epoch", "schedule_from_config", "init_state", "step", "TrainResult", "MONITORS", "train", "range_test", "TrainingObjective"]

def _evaluate(params, X, y):
    """(mean cross-entropy, accuracy) on a data set."""
    loss, _ = loss_and_grad(params, X, y)
    return loss, float(np.mean(predict(params, X) == y))


# ---------------------------------------------------------------------------------------------------
# Config and schedule
# ---------------------------------------------------------------------------------------------------

def _full_config(config) -> dict:
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown config keys {sorted(unknown)}; the knobs are {sorted(DEFAULTS)}")
    full = {**DEFAULTS, **config}
    for name in ("lr", "batch_size", "epochs"):
        if not (isinstance(full[name], (int, float, np.number)) and full[name] > 0 and np.isfinite(full[name])):
            raise ValueError(f"config[{name!r}] must be a number > 0, but got {full[name]!r}")
    if int(full["batch_size"]) != full["batch_size"] or int(full["epochs"]) != full["epochs"]:
        raise ValueError(f"batch_size and epochs must be integers, but got {full['batch_size']!r}, "
                         f"{full['epochs']!r}")
    if not 0 <= full["momentum"] < 1:
        raise ValueError(f"config['momentum'] must be in [0, 1), but got {full['momentum']!r}")
    if full["optimizer"] not in ("sgd", "adam", "adamw"):
        raise ValueError(f"config['optimizer'] must be 'sgd', 'adam' or 'adamw', but got {full['optimizer']!r}")
    for name in ("batch_size", "epochs", "hidden"):
        full[name] = int(full[name])
    return full


def steps_per_epoch(batch_size) -> int:
    """ceil(1000 / batch_size): the last minibatch of an epoch may be smaller."""
    return math.ceil(SPLIT[0] / int(batch_size))


def schedule_from_config(config):
    """The function step -> lr that a config asks for; lengths in epochs become lengths in steps
    (epochs * steps_per_epoch(batch_size)). A callable config["schedule"] is returned as it is."""
    c = _full_config(config)
    if callable(c["schedule"]):
        return c["schedule"]
    k = steps_per_epoch(c["batch_size"])
    total = c["epochs"] * k
    name, lr = c["schedule"], c["lr"]
    if name == "constant":
        return make_schedule("constant", lr=lr)
    if name == "step":
        return make_schedule("step", lr=lr, step_size=max(1, round(c["decay_epochs"] * k)), gamma=c["gamma"])
    if name == "exponential":
        return make_schedule("exponential", lr=lr, gamma=c["decay_rate"] ** (1 / k))
    if name == "cosine":
        return make_schedule("cosine", lr=lr, total_steps=total, warmup_steps=round(c["warmup_epochs"] * k),
                             lr_min=c["lr_min"])
    if name == "cyclical":
        base = lr / 10 if c["base_lr"] is None else c["base_lr"]
        return make_schedule("cyclical", base_lr=base, max_lr=lr, step_size=max(1, round(c["cycle_epochs"] * k)))
    if name == "one_cycle":
        return make_schedule("one_cycle", max_lr=lr, total_steps=total, pct_start=c["pct_start"],
                             div_factor=c["div_factor"], final_div_factor=c["final_div_factor"])
    return make_schedule(name)  # raises: names the valid schedules


# ---------------------------------------------------------------------------------------------------
# The step seam
# ---------------------------------------------------------------------------------------------------

def init_state(config, seed=0) -> dict:
    """A fresh training state: initial weights, zero optimizer moments, a Generator from `seed`, no history.

    Keys: params, moments (velocity for sgd; m and v for adam), rng, epoch, step, losses and lrs (per
    step), train_loss, val_loss and val_accuracy (per epoch), diverged, diverged_step.
    """
    c = _full_config(config)
    rng = np.random.default_rng(seed)
    params = init_params(c["model"], hidden=c["hidden"], rng=rng)
    zeros = {name: np.zeros_like(value) for name, value in params.items()}
    moments = {"velocity": zeros} if c["optimizer"] == "sgd" else {"m": zeros, "v": copy.deepcopy(zeros)}
    return {"params": params, "moments": moments, "rng": rng, "epoch": 0, "step": 0, "losses": [], "lrs": [],
            "train_loss": [], "val_loss": [], "val_accuracy": [], "diverged": False, "diverged_step": None}


def _run(c, state, data, schedule, n_epochs=None, max_steps=None):
    """Train in place for n_epochs epochs (or until max_steps steps in all): shuffle, minibatches, updates;
    after each full epoch, the validation loss and accuracy."""
    X, y = data["train"]
    X_val, y_val = data["val"]
    b = c["batch_size"]
    wd_in_grad = c["weight_decay"] if c["optimizer"] != "adamw" else 0.0
    for _ in range(n_epochs if n_epochs is not None else 10**9):
        if state["diverged"]:
            return
        order = state["rng"].permutation(len(y))
        epoch_losses = []
        for start in range(0, len(y), b):
            if max_steps is not None and state["step"] >= max_steps:
                return
            rows = order[start:start + b]
            lr = float(schedule(state["step"]))
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss, grads = loss_and_grad(state["params"], X[rows], y[rows], wd_in_grad)
                state["losses"].append(loss)
                state["lrs"].append(lr)
                if not (np.isfinite(loss) and loss < DIVERGED_LOSS):
                    state["diverged"], state["diverged_step"] = True, state["step"]
                    return
                apply_update(c, state["params"], grads, state["moments"], lr, state["step"] + 1)
            state["step"] += 1
            epoch_losses.append(loss)
        state["epoch"] += 1
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            val_loss, val_acc = _evaluate(state["params"], X_val, y_val)
        state["train_loss"].append(float(np.mean(epoch_losses)))
        state["val_loss"].append(val_loss)
        state["val_accuracy"].append(val_acc)


def step(config, state, n_epochs=1):
    """Train `n_epochs` more epochs from `state`; return (score, new_state).

    score: the validation error (1 - accuracy) of the weights after the last epoch, or 1.0 once the run
    has diverged (a diverged state stays diverged; stepping it does nothing). The state passed in is
    not changed (it is deep-copied), so it works as a checkpoint. The schedule is read from `config` at
    the state's global step, so a config may change between calls (PBT), and resuming is exact:
    step(c, step(c, s, 2)[1], 3) gives the same state as step(c, s, 5).
    """
    if not (isinstance(n_epochs, (int, np.integer)) and n_epochs >= 0):
        raise ValueError(f"n_epochs must be an integer >= 0, but got {n_epochs!r}")
    c = _full_config(config)
    needs = {"velocity"} if c["optimizer"] == "sgd" else {"m", "v"}
    if set(state["moments"]) != needs:
        raise ValueError(f"the state holds the moments {sorted(state['moments'])} but optimizer "
                         f"{c['optimizer']!r} needs {sorted(needs)}; start a new state with init_state(config)")
    state = copy.deepcopy(state)
    _run(c, state, load_data(), schedule_from_config(c), n_epochs=int(n_epochs))
    return _score(state), state


def _score(state) -> float:
    if state["diverged"]:
        return 1.0
    if not state["val_accuracy"]:
        X_val, y_val = load_data()["val"]
        return 1.0 - _evaluate(state["params"], X_val, y_val)[1]
    return 1.0 - state["val_accuracy"][-1]


# ---------------------------------------------------------------------------------------------------
# A whole run, with early stopping
# ---------------------------------------------------------------------------------------------------

@dataclass
class TrainResult:
    """One training run. Per step: `losses`, `lrs`. Per epoch: `train_loss`, `val_loss`, `val_accuracy`.
    `diverged` (and `diverged_step`); `best_epoch` (best monitored value, 1-based); `stopped_epoch`
    (epochs actually run); `params`: the final weights, or the best epoch's when restored."""

    config: dict
    losses: np.ndarray
    lrs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    diverged: bool
    diverged_step: int | None
    best_epoch: int | None
    stopped_epoch: int
    stopped_early: bool
    restored_best: bool
    params: dict = field(repr=False)

    def accuracy(self, split="val") -> float:
        """Accuracy of `params` on "train", "val" or "test" (0.1 if the run diverged before any epoch)."""
        X, y = load_data()[split]
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.mean(predict(self.params, X) == y))


MONITORS = {"val_loss": -1.0, "val_accuracy": 1.0}  # the sign that makes "higher is better"


def train(config, seed=0, patience=None, restore_best=False, monitor="val_loss", epochs=None) -> TrainResult:
    """Train from scratch for config["epochs"] epochs (or `epochs`), stopping early on divergence.

    monitor: "val_loss" (lower is better; Keras's default) or "val_accuracy" (higher is better). The best
        epoch is the first one with the best monitored value.
    patience: stop once the monitored value has not improved for `patience` epochs in a row (early
        stopping; Prechelt 1998, "Early stopping - but when?"). None trains all epochs.
    restore_best: return the weights of the best epoch (Keras's EarlyStopping(restore_best_weights=True)),
        not those of the last epoch.
    The schedule's horizon stays config["epochs"] when `epochs` cuts a run short.
    """
    c = _full_config(config)
    n_epochs = c["epochs"] if epochs is None else int(epochs)
    if patience is not None and not (isinstance(patience, (int, np.integer)) and patience >= 1):
        raise ValueError(f"patience must be an integer >= 1 or None, but got {patience!r}")
    if monitor not in MONITORS:
        raise ValueError(f"monitor must be one of {sorted(MONITORS)}, but got {monitor!r}")
    state, data, schedule = init_state(c, seed), load_data(), schedule_from_config(c)
    best, best_epoch, best_params, stopped_early = -math.inf, None, None, False
    for _ in range(n_epochs):
        _run(c, state, data, schedule, n_epochs=1)
        if state["diverged"]:
            break
        value = MONITORS[monitor] * state[monitor][-1]
        if value > best:  # strictly better: a tie does not reset the patience
            best, best_epoch, best_params = value, state["epoch"], copy.deepcopy(state["params"])
        if patience is not None and state["epoch"] - best_epoch >= patience:
            stopped_early = True
            break
    restored = bool(restore_best and best_params is not None)
    params = best_params if restored else state["params"]
    return TrainResult(c, np.array(state["losses"]), np.array(state["lrs"]), np.array(state["train_loss"]),
                       np.array(state["val_loss"]), np.array(state["val_accuracy"]), state["diverged"],
                       state["diverged_step"], best_epoch, state["epoch"], stopped_early, restored, params)


def range_test(config=None, seed=0, lr_min=1e-4, lr_max=10.0, n_steps=100, rule="min/10", beta=0.98):
    """The LR range test (schedules.lr_range_test) on this model: from a fresh start, n_steps minibatches
    with the rate rising exponentially from lr_min to lr_max; other knobs from `config`."""
    from .schedules import lr_range_test

    c = _full_config({**(config or {}), "schedule": "constant"})

    def run(schedule, n):
        state = init_state(c, seed)
        _run(c, state, load_data(), schedule, max_steps=n)
        losses = np.full(n, np.nan)
        losses[: len(state["losses"])] = state["losses"]
        return losses

    return lr_range_test(run, lr_min, lr_max, n_steps, beta=beta, rule=rule)


# ---------------------------------------------------------------------------------------------------
# The learning-curve objective for searchers
# ---------------------------------------------------------------------------------------------------

class TrainingObjective:
    """f(config, budget) -> validation error after `budget` epochs, for searchers that minimize.

    Every run has the same horizon, max_epochs, so the schedule does not depend on the budget and the
    value at budget b is the b-th point of one learning curve. Checkpoints are cached per config: asking
    for 9 epochs after 3 trains 6 more (exact, see `step`). With `trial=` (the runner passes it), each
    epoch's error is reported with trial.report(error, epoch) and trial.should_prune() is honoured.
    A diverged run scores 1.0. `base` holds knobs fixed for every call; `space` is what to search.
    It is also a checkpointable task for PBT: `initial_state(rng)` and `step(config, state, n_steps, rng)`,
    with n_steps counted in epochs.
    """

    def __init__(self, seed=0, max_epochs=20, base=None, space=None, cache=True):
        self.seed, self.max_epochs, self.cache = seed, int(max_epochs), cache
        self.base = {**(base or {}), "epochs": self.max_epochs}
        _full_config(self.base)
        self.space = space if space is not None else Space({
            "lr": Float(1e-3, 3.0, log=True),
            "momentum": Float(0.0, 0.99),
            "weight_decay": Float(1e-6, 1e-2, log=True),
            "batch_size": Categorical([16, 32, 64, 128]),
        })
        self._checkpoints = {}

    def __repr__(self):
        return f"<TrainingObjective digits, seed {self.seed}, up to {self.max_epochs} epochs>"

    def __call__(self, config, budget=None, trial=None) -> float:
        epochs = self.max_epochs if budget is None else int(round(budget))
        if not 1 <= epochs <= self.max_epochs:
            raise ValueError(f"budget must be a number of epochs in [1, {self.max_epochs}], but got {budget!r}")
        c = {**self.base, **config}
        key = config_key(c)
        state = self._checkpoints.get(key)
        if state is None or state["epoch"] > epochs:
            state = init_state(c, self.seed)
        if trial is not None:
            for e, acc in enumerate(state["val_accuracy"], start=1):
                trial.report(1.0 - acc, e)
        while state["epoch"] < epochs and not state["diverged"]:
            score, state = step(c, state, 1)
            if trial is not None:
                trial.report(score, state["epoch"])
                if trial.should_prune():
                    self._keep(key, state)
                    raise TrialPruned()
        self._keep(key, state)
        return _score(state)

    # PBT's checkpointable-task interface (hpo_mini/pbt.py): the same model, paused and resumed.
    def initial_state(self, rng=None) -> dict:
        """A fresh state for the base config (weights drawn from `rng`, a Generator or a seed; default self.seed)."""
        return init_state(self.base, self.seed if rng is None else rng)

    def step(self, config, state, n_steps, rng=None):
        """(validation error, new state) after n_steps more epochs with {**base, **config}; `rng` is unused
        (the state carries its own Generator, so a copied state replays the donor's data order)."""
        return step({**self.base, **config}, state, int(n_steps))

    def _keep(self, key, state):
        if self.cache:
            self._checkpoints[key] = state
