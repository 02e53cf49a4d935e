"""Training the from-scratch models of `mlp.py` by minibatch SGD with momentum (or Adam, ...): schedules,
divergence detection, early stopping, the LR range test, and a checkpointable step seam. A step can
also accumulate micro-batches, clip the gradient's global norm and keep an EMA of the weights
(`step_tools.py`), apply dropout, and scale each layer's rate by width (muP, `scaling.py`).

    from .training import train
    result = train({"model": "mlp", "lr": 0.1, "schedule": "one_cycle", "epochs": 10}, seed=0)
    result.losses            # loss of every minibatch step
    result.val_accuracy      # validation accuracy after every epoch
    result.diverged          # True if the loss went non-finite or above DIVERGED_LOSS
    result.grad_norms        # the gradient's global norm at every step (before clipping)

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
from .mlp import DEFAULTS, DIVERGED_LOSS, SPLIT, evaluate, init_params, load_data, predict
from .optimizers import DECOUPLED_DECAY, OPTIMIZERS, apply_update, init_moments
from .scaling import PARAMETERIZATIONS, lr_multipliers
from .schedules import make_schedule
from .step_tools import accumulated_loss_and_grad, clip_by_global_norm, ema_update, global_norm

__all__ = ["full_config", "steps_per_epoch", "schedule_from_config", "init_state", "step", "TrainResult", "MONITORS",
           "train", "range_test", "TrainingObjective"]


# ---------------------------------------------------------------------------------------------------
# Config and schedule
# ---------------------------------------------------------------------------------------------------

def full_config(config) -> dict:
    """DEFAULTS updated with `config`, every knob checked (an unknown knob or a bad value raises)."""
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown config keys {sorted(unknown)}; the knobs are {sorted(DEFAULTS)}")
    full = {**DEFAULTS, **config}
    for name in ("lr", "batch_size", "epochs"):
        if not (isinstance(full[name], (int, float, np.number)) and full[name] > 0 and np.isfinite(full[name])):
            raise ValueError(f"config[{name!r}] must be a number > 0, but got {full[name]!r}")
    if not 0 <= full["momentum"] < 1:
        raise ValueError(f"config['momentum'] must be in [0, 1), but got {full['momentum']!r}")
    if full["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"config['optimizer'] must be one of {OPTIMIZERS}, but got {full['optimizer']!r}")
    if full["parameterization"] not in PARAMETERIZATIONS:
        raise ValueError(f"config['parameterization'] must be one of {PARAMETERIZATIONS}, "
                         f"but got {full['parameterization']!r}")
    if not 0 <= full["dropout"] < 1:
        raise ValueError(f"config['dropout'] must be in [0, 1), but got {full['dropout']!r}")
    for name in ("clip_norm", "ema_decay"):
        value, limit = full[name], (np.inf if name == "clip_norm" else 1.0)
        if value is not None and not 0 < value < limit:
            raise ValueError(f"config[{name!r}] must be None or in (0, {limit}), but got {value!r}")
    for name in ("batch_size", "epochs", "hidden", "depth", "accum_steps", "base_width"):
        if int(full[name]) != full[name] or full[name] < 1:
            raise ValueError(f"config[{name!r}] must be an integer >= 1, but got {full[name]!r}")
        full[name] = int(full[name])
    if full["accum_steps"] > full["batch_size"]:
        raise ValueError(f"config['accum_steps'] must be <= batch_size = {full['batch_size']} (micro-batches of "
                         f">= 1 row), but got {full['accum_steps']}")
    return full


def steps_per_epoch(batch_size, n_train=SPLIT[0]) -> int:
    """ceil(n_train / batch_size) (n_train: 1000 digits): the last minibatch of an epoch may be smaller."""
    return math.ceil(int(n_train) / int(batch_size))


def schedule_from_config(config, n_train=SPLIT[0]):
    """The function step -> lr that a config asks for; lengths in epochs become lengths in steps
    (epochs * steps_per_epoch(batch_size, n_train)). A callable config["schedule"] is returned as it is."""
    c = full_config(config)
    if callable(c["schedule"]):
        return c["schedule"]
    k = steps_per_epoch(c["batch_size"], n_train)
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
    if name == "sgdr":
        return make_schedule("sgdr", lr=lr, first_period=max(1, round(c["cycle_epochs"] * k)),
                             period_mult=c["cycle_mult"], lr_min=c["lr_min"])
    return make_schedule(name)  # raises: names the valid schedules


# ---------------------------------------------------------------------------------------------------
# The step seam
# ---------------------------------------------------------------------------------------------------

def init_state(config, seed=0) -> dict:
    """A fresh training state: initial weights, zero optimizer moments, a Generator from `seed`, no history.

    Keys: params, moments (optimizers.init_moments), ema (a copy of the weights, or None), rng, epoch,
    step, losses, lrs and grad_norms (per step), train_loss, val_loss and val_accuracy (per epoch; with an
    EMA also ema_val_loss and ema_val_accuracy), diverged, diverged_step.
    """
    c = full_config(config)
    rng = np.random.default_rng(seed)
    params = init_params(c["model"], hidden=c["hidden"], rng=rng, depth=c["depth"], init_scale=c["init_scale"],
                         parameterization=c["parameterization"], base_width=c["base_width"])
    ema = copy.deepcopy(params) if c["ema_decay"] is not None else None
    return {"params": params, "moments": init_moments(c["optimizer"], params), "ema": ema, "rng": rng, "epoch": 0,
            "step": 0, "losses": [], "lrs": [], "grad_norms": [], "train_loss": [], "val_loss": [],
            "val_accuracy": [], "ema_val_loss": [], "ema_val_accuracy": [], "diverged": False,
            "diverged_step": None}


def layer_rates(c, params) -> dict:
    """{param name: factor on the learning rate}: all 1 under SP, muP's per-layer factors otherwise."""
    return lr_multipliers(params, c["optimizer"], c["parameterization"], c["hidden"], c["base_width"])


def _run(c, state, data, schedule, n_epochs=None, max_steps=None):
    """Train in place for n_epochs epochs (or until max_steps steps in all): shuffle, minibatches, updates;
    after each full epoch, the validation loss and accuracy."""
    X, y = data["train"]
    X_val, y_val = data["val"]
    b = c["batch_size"]
    wd_in_grad = c["weight_decay"] if c["optimizer"] not in DECOUPLED_DECAY else 0.0
    scale = layer_rates(c, state["params"])
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
                loss, grads = accumulated_loss_and_grad(state["params"], X[rows], y[rows], c["accum_steps"],
                                                        wd_in_grad, c["dropout"], state["rng"])
                state["losses"].append(loss)
                state["lrs"].append(lr)
                state["grad_norms"].append(global_norm(grads))
                if not (np.isfinite(loss) and loss < DIVERGED_LOSS):
                    state["diverged"], state["diverged_step"] = True, state["step"]
                    return
                if c["clip_norm"] is not None:
                    grads, _ = clip_by_global_norm(grads, c["clip_norm"])
                apply_update(c, state["params"], grads, state["moments"], lr, state["step"] + 1, scale)
                if state["ema"] is not None:
                    ema_update(state["ema"], state["params"], c["ema_decay"])
            state["step"] += 1
            epoch_losses.append(loss)
        state["epoch"] += 1
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            val_loss, val_acc = evaluate(state["params"], X_val, y_val)
            if state["ema"] is not None:
                for key, value in zip(("ema_val_loss", "ema_val_accuracy"), evaluate(state["ema"], X_val, y_val)):
                    state[key].append(value)
        state["train_loss"].append(float(np.mean(epoch_losses)))
        state["val_loss"].append(val_loss)
        state["val_accuracy"].append(val_acc)


def step(config, state, n_epochs=1, data=None):
    """Train `n_epochs` more epochs from `state`; return (score, new_state).

    score: the validation error (1 - accuracy) of the weights after the last epoch, or 1.0 once the run
    has diverged (a diverged state stays diverged; stepping it does nothing). The state passed in is
    not changed (it is deep-copied), so it works as a checkpoint. The schedule is read from `config` at
    the state's global step, so a config may change between calls (PBT), and resuming is exact:
    step(c, step(c, s, 2)[1], 3) gives the same state as step(c, s, 5). data: {"train": (X, y),
    "val": (X, y)} to train on other data than the digits split (load_data()).
    """
    if not (isinstance(n_epochs, (int, np.integer)) and n_epochs >= 0):
        raise ValueError(f"n_epochs must be an integer >= 0, but got {n_epochs!r}")
    c = full_config(config)
    needs = set(init_moments(c["optimizer"], {}))
    if set(state["moments"]) != needs:
        raise ValueError(f"the state holds the moments {sorted(state['moments'])} but optimizer "
                         f"{c['optimizer']!r} needs {sorted(needs)}; start a new state with init_state(config)")
    state = copy.deepcopy(state)
    data = load_data() if data is None else data
    _run(c, state, data, schedule_from_config(c, len(data["train"][1])), n_epochs=int(n_epochs))
    return _score(state, data), state


def _score(state, data=None) -> float:
    if state["diverged"]:
        return 1.0
    if not state["val_accuracy"]:
        X_val, y_val = (load_data() if data is None else data)["val"]
        return 1.0 - evaluate(state["params"], X_val, y_val)[1]
    return 1.0 - state["val_accuracy"][-1]


# ---------------------------------------------------------------------------------------------------
# A whole run, with early stopping
# ---------------------------------------------------------------------------------------------------

@dataclass
class TrainResult:
    """One training run. Per step: `losses`, `lrs`. Per epoch: `train_loss`, `val_loss`, `val_accuracy`.
    `diverged` (and `diverged_step`); `best_epoch` (best monitored value, 1-based); `stopped_epoch`
    (epochs actually run); `params`: the final weights, or the best epoch's when restored. `grad_norms`
    per step; with an EMA, `ema_params` and per epoch `ema_val_loss`, `ema_val_accuracy`; `data`: the
    data trained on when it was not the digits split."""

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
    grad_norms: np.ndarray = field(default=None, repr=False)
    ema_params: dict | None = field(default=None, repr=False)
    ema_val_loss: np.ndarray = field(default=None, repr=False)
    ema_val_accuracy: np.ndarray = field(default=None, repr=False)
    data: dict | None = field(default=None, repr=False)

    def accuracy(self, split="val", ema=False) -> float:
        """Accuracy of `params` (ema=True: of `ema_params`) on "train", "val" or "test" (0.1 if the run
        diverged before any epoch)."""
        X, y = (load_data() if self.data is None else self.data)[split]
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.mean(predict(self.ema_params if ema else self.params, X) == y))


MONITORS = {"val_loss": -1.0, "val_accuracy": 1.0}  # the sign that makes "higher is better"


def train(config, seed=0, patience=None, restore_best=False, monitor="val_loss", epochs=None,
          data=None) -> TrainResult:
    """Train from scratch for config["epochs"] epochs (or `epochs`), stopping early on divergence.

    monitor: "val_loss" (lower is better; Keras's default) or "val_accuracy" (higher is better). The best
        epoch is the first one with the best monitored value.
    patience: stop once the monitored value has not improved for `patience` epochs in a row (early
        stopping; Prechelt 1998, "Early stopping - but when?"). None trains all epochs.
    restore_best: return the weights of the best epoch (Keras's EarlyStopping(restore_best_weights=True)),
        not those of the last epoch.
    The schedule's horizon stays config["epochs"] when `epochs` cuts a run short.
    data: {"train": (X, y), "val": (X, y), ...} to train on other data (shuffled labels, raw pixels, a
        subset) instead of load_data(); an epoch is then a pass over data["train"].
    """
    c = full_config(config)
    n_epochs = c["epochs"] if epochs is None else int(epochs)
    if patience is not None and not (isinstance(patience, (int, np.integer)) and patience >= 1):
        raise ValueError(f"patience must be an integer >= 1 or None, but got {patience!r}")
    if monitor not in MONITORS:
        raise ValueError(f"monitor must be one of {sorted(MONITORS)}, but got {monitor!r}")
    own = data
    data = load_data() if data is None else data
    state, schedule = init_state(c, seed), schedule_from_config(c, len(data["train"][1]))
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
                       state["diverged_step"], best_epoch, state["epoch"], stopped_early, restored, params,
                       np.array(state["grad_norms"]), state["ema"], np.array(state["ema_val_loss"]),
                       np.array(state["ema_val_accuracy"]), own)


def range_test(config=None, seed=0, lr_min=1e-4, lr_max=10.0, n_steps=100, rule="min/10", beta=0.98):
    """The LR range test (schedules.lr_range_test) on this model: from a fresh start, n_steps minibatches
    with the rate rising exponentially from lr_min to lr_max; other knobs from `config`."""
    from .schedules import lr_range_test

    c = full_config({**(config or {}), "schedule": "constant"})

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
        full_config(self.base)
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
