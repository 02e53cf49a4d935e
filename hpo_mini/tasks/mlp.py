"""Two small models trained from scratch on scikit-learn's digits, in numpy: softmax regression and a
one-hidden-layer ReLU network (MLP), each with its gradient written beside the forward pass, and the
parameter updates of SGD with momentum, Adam and AdamW. `training.py` trains them.

    X, y = load_data()["train"]
    params = init_params("mlp", rng=0)                # {"W1", "b1", "W2", "b2"}; "softmax": {"W", "b"}
    loss, grads = loss_and_grad(params, X[:32], y[:32])
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["DEFAULTS", "DIVERGED_LOSS", "load_data", "init_params", "predict", "loss_and_grad", "apply_update"]

# Every knob, with its default. Knobs of the schedules are in epochs where a length is meant.
DEFAULTS = {
    "model": "mlp",            # "softmax" (multinomial logistic regression) or "mlp" (one hidden ReLU layer)
    "hidden": 64,              # MLP hidden units
    "optimizer": "sgd",        # "sgd" (with momentum), "adam" (L2 in the gradient) or "adamw" (decoupled)
    "lr": 0.05,                # the peak learning rate (max_lr of the cyclical and one-cycle schedules)
    "momentum": 0.9,           # SGD momentum mu
    "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,   # Adam (Kingma & Ba 2015, Algorithm 1 defaults)
    "weight_decay": 0.0,       # lambda: L2 penalty lambda/2 ||W||^2 (sgd, adam), decoupled (adamw)
    "batch_size": 32,
    "epochs": 20,              # the horizon of the schedule, and train()'s number of epochs
    "schedule": "constant",    # a name in schedules.SCHEDULES, or any function step -> lr
    "warmup_epochs": 0.0,      # cosine: linear warmup length
    "lr_min": 0.0,             # cosine: final rate
    "decay_epochs": 7.0,       # step: divide by 1/gamma every decay_epochs
    "gamma": 0.1,              # step: factor per decay
    "decay_rate": 0.8,         # exponential: factor per epoch
    "base_lr": None,           # cyclical: lower bound (default lr / 10)
    "cycle_epochs": 4.0,       # cyclical: half-period (Smith's step_size) in epochs
    "pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4,   # one_cycle (PyTorch's defaults)
}

# Cross-entropy starts near ln 10 = 2.3. A minibatch loss above 1e3 means logits 1000 apart on a wrong
# class: SGD does not come back from there in practice, and exp() overflows a few steps later.
DIVERGED_LOSS = 1e3
SPLIT = (1000, 400)  # digits: 1000 training, 400 validation, the other 397 test images


@lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=SPLIT[0], stratify=y, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=SPLIT[1], stratify=y_rest,
                                                    random_state=0)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8  # standardized with training statistics
    data = {}
    for name, (Xs, ys) in {"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}.items():
        Xs = (Xs - mean) / std
        Xs.flags.writeable = False
        ys = ys.astype(int)
        ys.flags.writeable = False
        data[name] = (Xs, ys)
    return data


def load_data() -> dict:
    """{"train": (X, y), "val": (X, y), "test": (X, y)}: the 1797 8x8 digits of scikit-learn (64 pixel
    features, standardized by the training split's mean and std; 10 classes), split 1000 / 400 / 397,
    stratified, the same split every time (the seed of a run changes initialization and shuffling only)."""
    return _digits()


# ---------------------------------------------------------------------------------------------------
# The models: forward pass, loss and gradient
# ---------------------------------------------------------------------------------------------------

def init_params(model, n_features=64, n_classes=10, hidden=64, rng=None) -> dict:
    """Weights N(0, 2 / fan_in) into the ReLU (He et al. 2015), N(0, 1 / fan_in) into the softmax
    (LeCun), biases 0."""
    rng = np.random.default_rng(rng)
    if model == "softmax":
        return {"W": rng.normal(0, np.sqrt(1 / n_features), (n_features, n_classes)), "b": np.zeros(n_classes)}
    if model == "mlp":
        return {"W1": rng.normal(0, np.sqrt(2 / n_features), (n_features, hidden)), "b1": np.zeros(hidden),
                "W2": rng.normal(0, np.sqrt(1 / hidden), (hidden, n_classes)), "b2": np.zeros(n_classes)}
    raise ValueError(f"model must be 'softmax' or 'mlp', but got {model!r}")


def _logits(params, X):
    if "W" in params:
        return X @ params["W"] + params["b"], None
    hidden = np.maximum(0.0, X @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"], hidden


def predict(params, X) -> np.ndarray:
    """The predicted class of every row of X."""
    return np.argmax(_logits(params, X)[0], axis=1)


def loss_and_grad(params, X, y, weight_decay=0.0):
    r"""Mean cross-entropy of a minibatch plus lambda/2 times the squared weights, and its gradient.

        p = softmax(z),  L = -1/n sum_i log p_{i, y_i} + lambda/2 sum ||W||^2   (biases not penalized)
        dL/dz = (p - onehot(y)) / n;  softmax: dL/dW = X^T dz;  MLP: h = relu(X W1 + b1), z = h W2 + b2,
        dL/dW2 = h^T dz, dL/dh = dz W2^T, dL/da = dL/dh * [a > 0], dL/dW1 = X^T dL/da.

    log p uses the log-sum-exp shift (z - max z), so large logits give large losses, not overflow.
    """
    z, hidden = _logits(params, X)
    n = X.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dz = np.exp(log_p)
    dz[np.arange(n), y] -= 1.0
    dz /= n
    if hidden is None:
        grads = {"W": X.T @ dz, "b": dz.sum(axis=0)}
    else:
        da = (dz @ params["W2"].T) * (hidden > 0)
        grads = {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": hidden.T @ dz, "b2": dz.sum(axis=0)}
    if weight_decay:
        for name in grads:
            if name.startswith("W"):
                loss += 0.5 * weight_decay * np.sum(params[name] ** 2)
                grads[name] += weight_decay * params[name]
    return float(loss), grads


def apply_update(c, params, grads, moments, lr, t):
    """One optimizer step, in place. t = 1, 2, ... counts the updates (Adam's bias correction)."""
    if c["optimizer"] == "sgd":  # PyTorch's SGD: v <- mu v + g,  w <- w - lr v
        for name, g in grads.items():
            v = moments["velocity"][name]
            v *= c["momentum"]
            v += g
            params[name] -= lr * v
        return
    b1, b2, eps = c["beta1"], c["beta2"], c["eps"]
    for name, g in grads.items():  # Kingma & Ba (2015), Algorithm 1
        m, v = moments["m"][name], moments["v"][name]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        if c["optimizer"] == "adamw" and name.startswith("W"):  # Loshchilov & Hutter (2019), Algorithm 2
            params[name] -= lr * c["weight_decay"] * params[name]
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
