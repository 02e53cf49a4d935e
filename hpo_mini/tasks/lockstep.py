"""Many runs of the course's network trained at once, in lockstep: one per (learning rate, seed), stacked
along a leading axis so each step is a few batched matrix products instead of a Python loop over runs.
It is how lesson 10 affords its sweeps (the best rate per width, steps to a target per batch size, the
rate a stale gradient tolerates) in seconds.

Run (i, j) is the run that `training.train({**config, "lr": lrs[i]}, seed=seeds[j])` makes: the same
initial weights, the same data order, the same updates (tests/unit/tasks/test_debugging_models.py checks it to
1e-12 in float64). Divergence freezes a run, as in `train`.

    sweep = train_many({"hidden": 128}, lrs=[0.01, 0.1, 1.0], seeds=range(5), n_steps=300)
    sweep.val_loss.shape           # (3, 5, number of evaluations)
    sweep.best_lr()                # the rate with the lowest mean final validation loss

delay=tau simulates asynchronous data-parallel SGD with staleness tau: the update at step t uses the
gradient computed at the weights of step t - tau, w_{t+1} = w_t - eta g(w_{t - tau}) (the fixed-delay
model of Lian et al. 2015, "Asynchronous parallel stochastic gradient for nonconvex optimization").
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass

import numpy as np

from .mlp import DIVERGED_LOSS, evaluate, load_data
from .optimizers import DECOUPLED_DECAY, apply_update
from .step_tools import accumulated_loss_and_grad, clip_by_global_norm, ema_update, global_norm
from .training import full_config, init_state, layer_rates, schedule_from_config, steps_per_epoch

__all__ = ["SweepResult", "train_many"]


@dataclass
class SweepResult:
    """A grid of runs. Arrays are indexed [lr, seed, ...]: `losses` and `grad_norms` per step (NaN after a
    run diverged), `val_loss` and `val_accuracy` at the steps `eval_steps` (the weights after that many
    updates; EMA weights if the config keeps an EMA), `diverged`, `diverged_step` (-1: never)."""

    config: dict
    lrs: np.ndarray
    seeds: np.ndarray
    eval_steps: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    diverged: np.ndarray
    diverged_step: np.ndarray

    def final(self, what="val_loss") -> np.ndarray:
        """[lr, seed]: the last evaluation of `what`, +inf for the loss (0 for accuracy) of a diverged run."""
        values = getattr(self, what)[..., -1].copy()
        values[self.diverged | ~np.isfinite(values)] = np.inf if what == "val_loss" else 0.0
        return values

    def best_lr(self, what="val_loss") -> float:
        """The rate whose mean over seeds of final(what) is best (lowest loss, highest accuracy)."""
        mean = self.final(what).mean(axis=1)
        return float(self.lrs[np.argmin(mean) if what == "val_loss" else np.argmax(mean)])

    def steps_to(self, target, what="val_accuracy") -> np.ndarray:
        """[lr, seed]: the first evaluated step where `what` reached `target` (accuracy >= target, loss <=
        target); inf if never."""
        curve = getattr(self, what)
        hit = curve >= target if what == "val_accuracy" else curve <= target
        first = np.where(hit.any(axis=-1), np.argmax(hit, axis=-1), -1)
        return np.where(first >= 0, self.eval_steps[np.maximum(first, 0)], np.inf)


def _stack(trees, dtype):
    """One dict of arrays with a leading axis from K dicts; a 1-D bias becomes (K, 1, units)."""
    return {name: np.stack([t[name] if t[name].ndim > 1 else t[name][None, :] for t in trees]).astype(dtype)
            for name in trees[0]}


def train_many(config, lrs, seeds=(0,), n_steps=None, eval_every=None, delay=0, data=None,
               dtype=np.float64, stop_accuracy=None) -> SweepResult:
    """Train len(lrs) * len(seeds) copies of the network in lockstep (see the module docstring).

    n_steps: updates per run (default: config["epochs"] epochs). eval_every: evaluate on data["val"] every
    this many steps (default: once per epoch) and after the last step. delay: the gradient's staleness
    tau in steps (0: ordinary SGD). dtype: np.float32 halves the time of a wide sweep (not bit-equal to
    `train` then). stop_accuracy: stop at the first evaluation where, at some rate, most seeds (enough
    for a finite median) have reached this validation accuracy: the fastest rate's median steps_to is
    then exact and the slower rates read inf, which is all a "steps to target" comparison needs.
    Dropout is not supported here (its masks would need one Generator per run).
    """
    c = full_config(config)
    if c["dropout"]:
        raise ValueError(f"train_many does not support dropout (got {c['dropout']!r}); use training.train")
    if not (isinstance(delay, (int, np.integer)) and delay >= 0):
        raise ValueError(f"delay must be an integer >= 0 (steps of staleness), but got {delay!r}")
    lrs, seeds = np.asarray(lrs, dtype=float), np.asarray(list(seeds))
    if lrs.ndim != 1 or len(lrs) == 0 or np.any(~(lrs > 0)) or len(seeds) == 0:
        raise ValueError(f"lrs must be a non-empty list of rates > 0 and seeds non-empty, but got {lrs!r}, {seeds!r}")
    data = load_data() if data is None else data
    (X, y), (X_val, y_val) = data["train"], data["val"]
    X, X_val = X.astype(dtype), X_val.astype(dtype)
    n_lr, n_seed, n, b = len(lrs), len(seeds), len(y), c["batch_size"]
    K = n_lr * n_seed  # run k = i * n_seed + j is (lrs[i], seeds[j])
    per_epoch = steps_per_epoch(b, n)
    n_steps = c["epochs"] * per_epoch if n_steps is None else int(n_steps)
    eval_every = per_epoch if eval_every is None else int(eval_every)
    states = [init_state(c, int(s)) for s in seeds]
    rngs = [s["rng"] for s in states]  # one data order per seed, shared by its runs at every rate
    params = _stack([states[j]["params"] for _ in range(n_lr) for j in range(n_seed)], dtype)
    moments = {m: {k: np.zeros_like(v) for k, v in params.items()} for m in states[0]["moments"]}
    ema = copy.deepcopy(params) if c["ema_decay"] is not None else None
    schedules = [schedule_from_config({**c, "lr": float(lr)}, n) for lr in lrs]
    scale = layer_rates(c, states[0]["params"])
    wd_in_grad = c["weight_decay"] if c["optimizer"] not in DECOUPLED_DECAY else 0.0
    alive = np.ones(K, dtype=bool)
    diverged_step = np.full(K, -1)
    losses, norms = np.full((K, n_steps), np.nan), np.full((K, n_steps), np.nan)
    eval_steps, val_loss, val_acc = [], [], []
    history = deque(maxlen=delay + 1)
    reached = np.zeros(K, dtype=bool)
    order, t = None, 0

    def grid(a):
        return np.asarray(a).reshape(n_lr, n_seed, *np.shape(a)[1:])

    def record_eval(step):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, acc = evaluate(ema if ema is not None else params, X_val, y_val)
        eval_steps.append(step)
        val_loss.append(np.where(alive, loss, np.nan))
        val_acc.append(np.where(alive, acc, np.nan))

    while t < n_steps:
        start = (t % per_epoch) * b
        if start == 0:
            order = np.stack([rng.permutation(n) for rng in rngs])  # (n_seed, n): a new epoch
        rows = order[:, start:start + b]
        Xb = np.broadcast_to(X[rows], (n_lr, *rows.shape, X.shape[1])).reshape(K, rows.shape[1], X.shape[1])
        yb = np.broadcast_to(y[rows], (n_lr, *rows.shape)).reshape(K, rows.shape[1])
        if delay:
            history.append({name: value.copy() for name, value in params.items()})
        at = history[0] if delay else params  # the weights the gradient is computed at (stale by up to tau)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, grads = accumulated_loss_and_grad(at, Xb, yb, c["accum_steps"], wd_in_grad)
            norm = global_norm(grads).reshape(K)
            bad = alive & ~(np.isfinite(loss) & (loss < DIVERGED_LOSS))
            if bad.any():  # freeze those runs: zero weights, rate 0, NaN from here on
                diverged_step[bad], alive[bad] = t, False
                for tree in (params, grads, *moments.values(), *([ema] if ema is not None else []), *history):
                    for a in tree.values():
                        a[bad] = 0.0
            losses[:, t], norms[:, t] = np.where(alive, loss, np.nan), np.where(alive, norm, np.nan)
            if c["clip_norm"] is not None:
                grads, _ = clip_by_global_norm(grads, c["clip_norm"])
            lr = np.repeat([float(f(t)) for f in schedules], n_seed) * alive
            apply_update(c, params, grads, moments, lr.reshape(K, 1, 1).astype(dtype), t + 1, scale)
            if ema is not None:
                ema_update(ema, params, c["ema_decay"])
        t += 1
        if t % eval_every == 0 or t == n_steps:
            record_eval(t)
            if stop_accuracy is not None:
                reached = (np.nan_to_num(val_acc[-1]) >= stop_accuracy) | reached
                if np.any(grid(reached).sum(axis=1) >= n_seed // 2 + 1):
                    break

    return SweepResult(c, lrs, seeds, np.array(eval_steps), grid(losses[:, :t]), grid(norms[:, :t]),
                       grid(np.array(val_loss).T), grid(np.array(val_acc).T), grid(~alive), grid(diverged_step))
