"""Small models trained from scratch on scikit-learn's digits, in numpy: softmax regression and a ReLU
network (MLP) of any depth and width, with inverted dropout, each gradient written beside its forward
formula. The update rules are in `optimizers.py`, the training loop in `training.py`.

    X, y = load_data()["train"]
    params = init_params("mlp", rng=0)                # {"W1", "b1", "W2", "b2"}; "softmax": {"W", "b"}
    loss, grads = loss_and_grad(params, X[:32], y[:32])

Stacks: every function here also takes K models at once, stacked along a leading axis (W1 of shape
(K, 64, hidden), each bias (K, 1, units)), with X of shape (K, n, 64), or (n, 64) shared by all, and y of
shape (K, n) or (n,); a loss is then an array of K losses. `lockstep.py` trains sweeps that way.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .scaling import output_init_factor

__all__ = ["DEFAULTS", "DIVERGED_LOSS", "load_data", "init_params", "n_weight_layers", "forward", "backward",
           "predict", "evaluate", "loss_and_grad"]

# Every knob, with its default. Knobs of the schedules are in epochs where a length is meant.
DEFAULTS = {
    "model": "mlp",            # "softmax" (multinomial logistic regression) or "mlp" (ReLU hidden layers)
    "hidden": 64,              # MLP width: units per hidden layer
    "depth": 1,                # MLP hidden layers
    "init_scale": 1.0,         # multiplies every initial weight (1: He init into a ReLU, LeCun into the softmax)
    "parameterization": "sp",  # "sp" (standard) or "mup" (per-layer init and rates by width, scaling.py)
    "base_width": 64,          # mup: the width at which mup and sp coincide
    "dropout": 0.0,            # p: each hidden unit is zeroed with probability p in training (inverted dropout)
    "optimizer": "sgd",        # a name in optimizers.OPTIMIZERS: sgd (with momentum), adam, adamw, adagrad,
                               # rmsprop, lars, lamb
    "lr": 0.05,                # the peak learning rate (max_lr of the cyclical and one-cycle schedules)
    "momentum": 0.9,           # SGD and LARS momentum mu
    "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,   # Adam (Kingma & Ba 2015, Algorithm 1 defaults)
    "rho": 0.9,                # RMSProp's decay of the squared-gradient average (Tieleman & Hinton 2012)
    "weight_decay": 0.0,       # lambda: L2 penalty lambda/2 ||W||^2 (sgd, adam, adagrad, rmsprop), decoupled
                               # (adamw, lars, lamb)
    "clip_norm": None,         # clip the gradient to this global L2 norm before the update (None: no clipping)
    "accum_steps": 1,          # gradient accumulation: each batch as this many micro-batches, one update
    "ema_decay": None,         # keep an exponential moving average of the weights with this decay (None: off)
    "batch_size": 32,          # the examples behind one update (with accumulation: all micro-batches together)
    "epochs": 20,              # the horizon of the schedule, and train()'s number of epochs
    "schedule": "constant",    # a name in schedules.SCHEDULES, or any function step -> lr
    "warmup_epochs": 0.0,      # cosine: linear warmup length
    "lr_min": 0.0,             # cosine: final rate
    "decay_epochs": 7.0,       # step: divide by 1/gamma every decay_epochs
    "gamma": 0.1,              # step: factor per decay
    "decay_rate": 0.8,         # exponential: factor per epoch
    "base_lr": None,           # cyclical: lower bound (default lr / 10)
    "cycle_epochs": 4.0,       # cyclical: half-period (Smith's step_size) in epochs; sgdr: the first period
    "cycle_mult": 2.0,         # sgdr: each period this many times longer than the one before
    "pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4,   # one_cycle (PyTorch's defaults)
}

# Cross-entropy starts near ln 10 = 2.3. A minibatch loss above 1e3 means logits 1000 apart on a wrong
# class: SGD does not come back from there in practice, and exp() overflows a few steps later.
DIVERGED_LOSS = 1e3
SPLIT = (1000, 400)  # digits: 1000 training, 400 validation, the other 397 test images


@lru_cache(maxsize=2)
def _digits(standardize=True):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=SPLIT[0], stratify=y, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=SPLIT[1], stratify=y_rest,
                                                    random_state=0)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8  # standardized with training statistics
    if not standardize:
        mean, std = 0.0, 1.0
    data = {}
    for name, (Xs, ys) in {"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}.items():
        Xs = (Xs - mean) / std
        Xs.flags.writeable = False
        ys = ys.astype(int)
        ys.flags.writeable = False
        data[name] = (Xs, ys)
    return data


def load_data(standardize=True) -> dict:
    """{"train": (X, y), "val": (X, y), "test": (X, y)}: the 1797 8x8 digits of scikit-learn (64 pixel
    features, standardized by the training split's mean and std; 10 classes), split 1000 / 400 / 397,
    stratified, the same split every time (the seed of a run changes initialization and shuffling only).
    standardize=False: the raw pixel intensities 0..16 of the same split."""
    return _digits(bool(standardize))


# ---------------------------------------------------------------------------------------------------
# The models: initialization, forward pass, loss and gradient
# ---------------------------------------------------------------------------------------------------

def init_params(model, n_features=64, n_classes=10, hidden=64, rng=None, depth=1, init_scale=1.0,
                parameterization="sp", base_width=64) -> dict:
    """Weights N(0, 2 / fan_in) into a ReLU (He et al. 2015), N(0, 1 / fan_in) into the softmax (LeCun),
    all times init_scale; biases 0. The MLP's weights are W1 .. W{depth+1}, drawn in that order.
    parameterization="mup" divides the output layer's variance by width / base_width (scaling.py)."""
    rng = np.random.default_rng(rng)
    if model == "softmax":
        if parameterization != "sp":
            raise ValueError(f"softmax regression has no width to scale: parameterization must be 'sp', "
                             f"but got {parameterization!r}")
        return {"W": rng.normal(0, init_scale * np.sqrt(1 / n_features), (n_features, n_classes)),
                "b": np.zeros(n_classes)}
    if model != "mlp":
        raise ValueError(f"model must be 'softmax' or 'mlp', but got {model!r}")
    if not (isinstance(depth, (int, np.integer)) and depth >= 1):
        raise ValueError(f"depth must be an integer >= 1 (hidden layers), but got {depth!r}")
    sizes = [n_features] + [hidden] * depth + [n_classes]
    params = {}
    for i in range(1, depth + 2):
        fan_in, fan_out = sizes[i - 1], sizes[i]
        if i <= depth:  # into a ReLU
            std = init_scale * np.sqrt(2 / fan_in)
        else:  # into the softmax
            std = init_scale * np.sqrt(1 / fan_in * output_init_factor(parameterization, hidden, base_width))
        params[f"W{i}"] = rng.normal(0, std, (fan_in, fan_out))
        params[f"b{i}"] = np.zeros(fan_out)
    return params


def n_weight_layers(params) -> int:
    """How many weight matrices: 1 for softmax regression, depth + 1 for the MLP."""
    return 1 if "W" in params else sum(name.startswith("W") for name in params)


def _T(a):
    return np.swapaxes(a, -1, -2)


def forward(params, X, dropout=0.0, rng=None):
    """(logits z, hidden activations [h_1, ..., h_depth], dropout masks). MLP: h_i = relu(h_{i-1} W_i + b_i)
    with h_0 = X, then z = h_depth W_{depth+1} + b_{depth+1}. Inverted dropout (Srivastava et al. 2014):
    in training, h_i <- h_i * mask / (1 - p) with mask ~ Bernoulli(1 - p), so E[h_i] is unchanged and
    the network is used as it is at test time (dropout=0)."""
    if "W" in params:
        return X @ params["W"] + params["b"], [], []
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), but got {dropout!r}")
    if dropout and rng is None:
        raise ValueError("dropout > 0 draws masks: pass rng (a numpy Generator)")
    L = n_weight_layers(params)
    h, hs, masks = X, [], []
    for i in range(1, L):
        a = h @ params[f"W{i}"]
        a += params[f"b{i}"]  # in place: no second large temporary (a stack's activations are big)
        h = np.maximum(0.0, a, out=a)
        if dropout:
            mask = (rng.random(h.shape) >= dropout) / (1.0 - dropout)
            h = h * mask
            masks.append(mask)
        hs.append(h)
    z = h @ params[f"W{L}"]
    z += params[f"b{L}"]
    return z, hs, masks


def predict(params, X) -> np.ndarray:
    """The predicted class of every row of X."""
    return np.argmax(forward(params, X)[0], axis=-1)


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)  # log-sum-exp shift: large logits give large losses, no overflow
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _rows(y):
    """Index arrays that pick entry y of every row: log_p[_rows(y)] has the shape of y."""
    return (*np.ix_(*[np.arange(s) for s in y.shape]), y)


def evaluate(params, X, y):
    """(mean cross-entropy, accuracy) of the network as used at test time (no dropout): floats, or arrays
    of K values for a stack."""
    z = forward(params, X)[0]
    y = np.broadcast_to(y, z.shape[:-1])
    loss = -_log_softmax(z)[_rows(y)].mean(axis=-1)
    accuracy = np.mean(np.argmax(z, axis=-1) == y, axis=-1)
    return (float(loss), float(accuracy)) if np.ndim(loss) == 0 else (loss, accuracy)


def backward(params, X, hs, masks, dz) -> dict:
    r"""The gradient of the weights from dL/dz (a forward pass's hs and masks): for each layer from the top,
    with h_0 = X and delta = dL/dz,

        dL/dW_i = h_{i-1}^T delta,  dL/db_i = sum_rows delta,  then delta <- (delta W_i^T) * [h_{i-1} > 0] * mask

    (the mask is dropout's, 1 without dropout)."""
    if "W" in params:
        return {"W": _T(X) @ dz, "b": dz.sum(axis=-2).reshape(params["b"].shape)}
    grads, delta = {}, dz
    L = n_weight_layers(params)
    for i in range(L, 0, -1):
        below = hs[i - 2] if i >= 2 else X
        grads[f"W{i}"] = _T(below) @ delta
        grads[f"b{i}"] = delta.sum(axis=-2).reshape(params[f"b{i}"].shape)
        if i >= 2:
            delta = (delta @ _T(params[f"W{i}"])) * (hs[i - 2] > 0)
            if masks:
                delta = delta * masks[i - 2]
    return {name: grads[name] for name in params}  # W1, b1, W2, b2, ...


def loss_and_grad(params, X, y, weight_decay=0.0, dropout=0.0, rng=None):
    r"""Mean cross-entropy of a minibatch plus lambda/2 times the squared weights, and its gradient.

        p = softmax(z),  L = -1/n sum_i log p_{i, y_i} + lambda/2 sum ||W||^2   (biases not penalized)
        dL/dz = (p - onehot(y)) / n,  then `backward` through the layers, and + lambda W for each weight.

    With dropout > 0 the masks are drawn from `rng`: the same rng state gives the same masks, so the
    gradient can be checked by finite differences.
    """
    z, hs, masks = forward(params, X, dropout, rng)
    n = X.shape[-2]
    y = np.broadcast_to(y, z.shape[:-1])
    log_p = _log_softmax(z)
    picked = _rows(y)
    loss = -log_p[picked].mean(axis=-1)
    dz = np.exp(log_p)
    dz[picked] -= 1.0
    dz /= n
    grads = backward(params, X, hs, masks, dz)
    stacked = np.ndim(loss) > 0
    if weight_decay:
        for name in grads:
            if name.startswith("W"):
                w = params[name]
                loss = loss + 0.5 * weight_decay * (np.sum(w**2, axis=(-2, -1)) if stacked else np.sum(w**2))
                grads[name] += weight_decay * w
    return (loss if stacked else float(loss)), grads
