"""Learning-curve objectives for multi-fidelity search: the budget is a number of epochs.

Calling one with (config, budget) trains to `budget` epochs and returns the validation *error* there
(to minimize); with `trial=` it also reports the error after every epoch (`trial.report(error, epoch)`)
and stops with `TrialPruned` when the trial's pruner says so.

    task = sgd_digits_curves(seed=0)                 # a real model: SGDClassifier on digits
    task({"alpha": 1e-4, "eta0": 0.01}, budget=3)    # error after 3 epochs
    task({"alpha": 1e-4, "eta0": 0.01}, budget=9)    # resumes from the 3-epoch checkpoint: 6 more epochs

    curves = synthetic_curves(seed=0)                # parametric curves with noise, in microseconds

Resuming. Each objective keeps, per configuration, the model trained furthest so far and the curve up
to there. A higher budget continues from that checkpoint; a lower one reads the stored curve. That is
exact here because the training of epoch e does not depend on the final budget: SGD with a constant
learning rate, the data shuffled by (seed, epoch). It is NOT possible, and a promoted trial must
restart, when the schedule depends on the total budget (cosine or linear decay to the last epoch),
when the estimator can only `fit` from scratch (SVC, KNeighbors; scikit-learn's
learning_rate="adaptive" also lives inside one `fit`), or when the checkpoint was not kept.
Boosting resumes with `warm_start=True` (more rounds), MLPClassifier and SGD with `partial_fit`.
"""

from __future__ import annotations

import threading

import numpy as np

from ..space import Float, Space, config_key
from ..study import TrialPruned

__all__ = [
    "LearningCurveObjective",
    "SGDDigitsCurves",
    "sgd_digits_curves",
    "SyntheticCurves",
    "synthetic_curves",
    "patience_stop",
    "compute_spent",
]


class LearningCurveObjective:
    """Base: (config, budget[, trial]) -> validation error after `budget` epochs, with checkpoints.

    Subclasses implement `_train(config, state, start, stop) -> (state, errors)`: continue training
    from `state` (None = untrained) at epoch `start` to epoch `stop`, and return the new state and the
    errors after epochs start+1 .. stop. `epochs_trained_` counts the epochs really trained (what a
    cluster would pay): asking for 3 epochs and then 9 trains 9, not 12.
    """

    name = "curves"

    def __init__(self, space: Space, max_budget: int, min_budget: int = 1):
        if not (isinstance(max_budget, (int, np.integer)) and max_budget >= 1):
            raise ValueError(f"max_budget (epochs) must be an int >= 1, but got {max_budget!r}")
        if not (isinstance(min_budget, (int, np.integer)) and 1 <= min_budget <= max_budget):
            raise ValueError(f"min_budget must be an int in [1, max_budget={max_budget}], but got {min_budget!r}")
        self.space, self.max_budget, self.min_budget = space, int(max_budget), int(min_budget)
        self._states, self._curves, self._locks = {}, {}, {}
        self.epochs_trained_ = 0

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}: up to {self.max_budget} epochs, {len(self.space)} hyperparameters>"

    def steps(self, budget) -> int:
        """The budget as a whole number of epochs (None = max_budget); budgets are rounded."""
        if budget is None:
            return self.max_budget
        n = int(round(float(budget)))
        if not 1 <= n <= self.max_budget:
            raise ValueError(f"budget must be between 1 and max_budget={self.max_budget} epochs, but got {budget!r}")
        return n

    def curve(self, config, budget=None) -> np.ndarray:
        """Validation errors after epochs 1 .. budget, training (or resuming) only as far as needed."""
        n, key = self.steps(budget), config_key(config)
        with self._locks.setdefault(key, threading.Lock()):
            done = self._curves.get(key, [])
            if len(done) < n:
                state, errors = self._train(dict(config), self._states.get(key), len(done), n)
                self._states[key] = state
                self._curves[key] = done = done + [float(e) for e in errors]
                self.epochs_trained_ += len(errors)
            return np.array(done[:n])

    def __call__(self, config, budget=None, trial=None) -> float:
        n = self.steps(budget)
        if trial is None or trial.pruner is None:  # nothing can stop it: train to n in one go
            values = self.curve(config, n)
            if trial is not None:
                for step, value in enumerate(values, start=1):
                    trial.report(value, step)
            return float(values[-1])
        for step in range(1, n + 1):  # one epoch at a time, so a pruned trial trains no further
            value = float(self.curve(config, step)[-1])
            trial.report(value, step)
            if trial.should_prune():
                raise TrialPruned(f"pruned at epoch {step}")
        return value

    def _train(self, config, state, start, stop):
        raise NotImplementedError


class SGDDigitsCurves(LearningCurveObjective):
    """A linear classifier (scikit-learn SGDClassifier, log loss, constant learning rate) on the
    digits data set (1797 8x8 images, 10 classes), trained one epoch per `partial_fit` call.

    Half the data (stratified, by `seed`) trains, half validates; features standardized on the
    training half. Epoch e visits the training set in an order drawn from (seed, e), so training to
    9 epochs in one go or to 3 and then on to 9 gives the same model. Hyperparameters: `alpha`
    (L2 penalty) and `eta0` (the constant learning rate).
    """

    name = "sgd_digits"

    def __init__(self, seed=0, max_budget=27):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        space = Space({"alpha": Float(1e-6, 1e-1, log=True), "eta0": Float(1e-4, 1.0, log=True)})
        super().__init__(space, max_budget)
        X, y = load_digits(return_X_y=True)
        X_train, X_val, self.y_train, self.y_val = train_test_split(X, y, test_size=0.5, random_state=seed,
                                                                    stratify=y)
        scaler = StandardScaler().fit(X_train)
        self.X_train, self.X_val = scaler.transform(X_train), scaler.transform(X_val)
        self.classes = np.unique(y)
        self.seed = seed

    def _train(self, config, model, start, stop):
        from sklearn.linear_model import SGDClassifier

        if model is None:
            model = SGDClassifier(loss="log_loss", alpha=config["alpha"], learning_rate="constant",
                                  eta0=config["eta0"], shuffle=False, random_state=self.seed)
        errors = []
        for epoch in range(start, stop):
            order = np.random.default_rng([self.seed, epoch]).permutation(len(self.y_train))
            with np.errstate(all="ignore"):
                model.partial_fit(self.X_train[order], self.y_train[order], classes=self.classes)
                if np.all(np.isfinite(model.coef_)):
                    errors.append(np.mean(model.predict(self.X_val) != self.y_val))
                else:  # diverged: no better than guessing
                    errors.append(1.0 - 1.0 / len(self.classes))
        return model, errors


def sgd_digits_curves(seed=0, max_budget=27) -> SGDDigitsCurves:
    """The real learning-curve task: SGDClassifier on digits, budget = epochs (1 .. max_budget)."""
    return SGDDigitsCurves(seed=seed, max_budget=max_budget)


class SyntheticCurves(LearningCurveObjective):
    """Parametric learning curves with noise, a seeded family, for demos that run in microseconds.

    With u = (log10 lr + 3) / 3 and v = the unit position of `reg` (both in [0, 1]):

        error(b) = e_inf + (e_0 - e_inf) * (1 + b / tau) ** -2 + noise,
        e_inf    = 0.05 + 2 (u - u*)^2 + 0.5 (v - v*)^2,      tau = 0.3 * 20 ** (1 - u) epochs,

    e_0 = 0.9 (chance on 10 classes). A small learning rate learns slowly (large tau): since the best
    final error sits at a smallish lr (u* drawn in [0.2, 0.45] by `seed`, v* in [0.2, 0.8]), the best
    configurations are *late bloomers*: behind after one epoch, ahead after many. The ranking after
    one epoch is a rough guide (Spearman ~0.6 with the final one); after 9 epochs a good one (~0.99).
    The power-law shape follows the learning-curve families of Domhan, Springenberg & Hutter (2015,
    IJCAI). The noise is Gaussian with sd `noise`, the same for a (config, epoch) whenever it is
    asked (seeded by both).
    """

    name = "synthetic"

    def __init__(self, seed=0, max_budget=81, noise=0.005):
        if not (np.isfinite(noise) and noise >= 0):
            raise ValueError(f"noise (an sd) must be a finite number >= 0, but got {noise!r}")
        space = Space({"lr": Float(1e-3, 1.0, log=True), "reg": Float(1e-5, 1e-1, log=True)})
        super().__init__(space, max_budget)
        rng = np.random.default_rng(seed)
        self.u_star, self.v_star = rng.uniform(0.2, 0.45), rng.uniform(0.2, 0.8)
        self.seed, self.noise = seed, float(noise)

    def params(self, config) -> tuple:
        """(e_inf, tau, e_0) of the configuration's curve."""
        u, v = self.space.to_unit(config)[0]
        e_inf = 0.05 + 2.0 * (u - self.u_star) ** 2 + 0.5 * (v - self.v_star) ** 2
        return e_inf, 0.3 * 20.0 ** (1.0 - u), 0.9

    def true_curve(self, config, budget=None) -> np.ndarray:
        """The noise-free errors after epochs 1 .. budget."""
        e_inf, tau, e_0 = self.params(config)
        b = np.arange(1, self.steps(budget) + 1)
        return e_inf + (e_0 - e_inf) * (1.0 + b / tau) ** -2.0

    def _train(self, config, state, start, stop):
        bits = [int(np.float64(v).view(np.uint64)) for v in self.space.to_unit(config)[0]]
        noise = np.random.default_rng([self.seed, *bits]).normal(0.0, self.noise, stop)
        return None, (self.true_curve(config, stop) + noise)[start:stop]


def synthetic_curves(seed=0, max_budget=81, noise=0.005) -> SyntheticCurves:
    """The synthetic family: late bloomers included (see SyntheticCurves), budget = epochs."""
    return SyntheticCurves(seed=seed, max_budget=max_budget, noise=noise)


def patience_stop(values, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    """Early stopping with patience on a curve of losses (epoch 1 first): (stop_epoch, best_epoch).

    An epoch improves when its loss < best - min_delta; training stops at the first epoch that ends
    `patience` epochs in a row without improvement (the rule of Keras' EarlyStopping and of
    Prechelt, "Early stopping - but when?", 1998). If that never happens, stop_epoch = len(values).
    Restoring the weights of best_epoch is a separate choice.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D curve, but got shape {values.shape}")
    if not (isinstance(patience, (int, np.integer)) and patience >= 1):
        raise ValueError(f"patience must be an int >= 1 (epochs without improvement), but got {patience!r}")
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(values, start=1):
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(values), best_epoch


def compute_spent(trials, resume: bool = True, no_budget: float = 1.0) -> float:
    """Budget units (epochs) a list of trials cost, in order: a trial trains to its budget (a pruned
    one to its last reported step). With resume=True, a configuration seen before only pays for the
    epochs beyond the furthest it was trained (a checkpoint); with resume=False every trial pays in full.
    A trial without a budget (a full-budget searcher's) costs `no_budget`: pass the task's max_budget."""
    furthest, total = {}, 0.0
    for trial in trials:
        if trial.state == "pruned" and trial.intermediate:
            steps = float(max(trial.intermediate))
        else:
            steps = float(no_budget) if trial.budget is None else float(trial.budget)
        key = config_key(trial.config)
        done = furthest.get(key, 0.0) if resume else 0.0
        total += max(0.0, steps - done)
        furthest[key] = max(furthest.get(key, 0.0), steps)
    return total
