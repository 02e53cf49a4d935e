"""Architecture search as hyperparameter optimization: a small conditional space of MLPs on digits.

An architecture is (depth, a width per hidden layer, one activation, skip connections or not):

    depth       1 .. max_depth hidden layers
    width_k     units of hidden layer k, one of WIDTHS; *active only when k <= depth*
    activation  "relu", "tanh" or "sigmoid", for every hidden layer
    skip        residual connections h_k <- h_k + h_{k-1} (on their first min(width) units); active when depth >= 2

The space is conditional: width_3 means nothing for a 2-layer network, and skip nothing for one layer.
The flat `Space` every searcher speaks holds every dimension; `active_dimensions(config)` names those
that matter and `canonical(config)` sets the others to a fixed value, so two configs that differ only in
inactive dimensions are the same network (and the same cached result). With the defaults there are
`len(all_architectures())` = 492 distinct networks: small enough to tabulate, as NAS benchmarks do
(NAS-Bench-101, Ying et al. 2019, trained all 423k cells of its space once so that searches cost a lookup).

The network (forward, with h_0 = X, the 64 pixels):
    a_k = h_{k-1} W_k + b_k,   h_k = act(a_k)  (+ h_{k-1}[:, :m] on the first m = min(width_{k-1}, width_k)
    units when skip and k >= 2),   z = h_depth W_out + b_out,   softmax cross-entropy on the 10 classes.
Training: He/Glorot-style init N(0, gain / fan_in) (gain 2 for relu, 1 otherwise), Adam (optimizers.py,
Kingma & Ba 2015) at a fixed rate for a few epochs of mini-batches on the 1000 training digits of
`mlp.load_data`; the objective is the validation error (1 - accuracy on the 400 validation digits).
One evaluation trains in about 0.05 s: the cost of a real NAS evaluation (GPU-days) scaled to a lesson.

    task = ArchitectureTask(seed=0)
    task({"depth": 2, "width_1": 64, "width_2": 32, "width_3": 8, "activation": "relu", "skip": True})
"""

from __future__ import annotations

import itertools
import zlib

import numpy as np

from ..space import Categorical, Int, Space, config_key
from .mlp import load_data
from .optimizers import apply_update, init_moments

__all__ = ["WIDTHS", "ACTIVATIONS", "architecture_space", "active_dimensions", "canonical", "all_architectures",
           "n_parameters", "init_network", "network_loss_and_grad", "ArchitectureTask"]

WIDTHS = (8, 16, 32, 64)
ACTIVATIONS = ("relu", "tanh", "sigmoid")
ADAM = {"optimizer": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}


def architecture_space(max_depth=3, widths=WIDTHS, activations=ACTIVATIONS) -> Space:
    """The flat space of the conditional architecture space: depth, width_1..width_{max_depth}, activation, skip."""
    dims = {"depth": Int(1, max_depth)}
    dims.update({f"width_{k}": Categorical(list(widths)) for k in range(1, max_depth + 1)})
    dims.update({"activation": Categorical(list(activations)), "skip": Categorical([False, True])})
    return Space(dims)


def active_dimensions(config) -> list[str]:
    """The names of the dimensions that shape the network of `config` (the others are inactive)."""
    depth = int(config["depth"])
    return ["depth"] + [f"width_{k}" for k in range(1, depth + 1)] + ["activation"] + (["skip"] if depth >= 2 else [])


def canonical(config, space=None) -> dict:
    """`config` with its inactive dimensions set to their first choice (skip=False for one layer): one config
    per distinct network."""
    space = architecture_space(max(int(k.split("_")[1]) for k in config if k.startswith("width_"))) \
        if space is None else space
    out = dict(config)
    active = set(active_dimensions(config))
    for name in space.names:
        if name not in active:
            out[name] = space[name].choices[0]
    return out


def all_architectures(space=None) -> list[dict]:
    """Every distinct network of the space, as canonical configs (492 with the defaults)."""
    space = architecture_space() if space is None else space
    max_depth, widths = space["depth"].hi, space["width_1"].choices
    out = []
    for depth in range(1, max_depth + 1):
        for ws in itertools.product(widths, repeat=depth):
            for act in space["activation"].choices:
                for skip in ([False, True] if depth >= 2 else [False]):
                    config = {"depth": depth, **{f"width_{k + 1}": w for k, w in enumerate(ws)},
                              "activation": act, "skip": skip}
                    out.append(canonical({**{n: space[n].choices[0] for n in space.names if n.startswith("width_")},
                                          **config}, space))
    return out


def _widths(config) -> list[int]:
    return [int(config[f"width_{k}"]) for k in range(1, int(config["depth"]) + 1)]


def n_parameters(config, n_features=64, n_classes=10) -> int:
    """Weights and biases of the network: sum over layers of (fan_in + 1) fan_out (skips add none)."""
    sizes = [n_features] + _widths(config) + [n_classes]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def init_network(config, rng, n_features=64, n_classes=10) -> dict:
    """{W1, b1, ..., W_depth, b_depth, W_out, b_out}: weights N(0, gain / fan_in), gain 2 into a ReLU (He et al.
    2015) and 1 otherwise (LeCun); biases 0."""
    sizes = [n_features] + _widths(config) + [n_classes]
    gain = 2.0 if config["activation"] == "relu" else 1.0
    params = {}
    for k in range(1, len(sizes)):
        name = str(k) if k < len(sizes) - 1 else "_out"
        g = gain if k < len(sizes) - 1 else 1.0
        params[f"W{name}"] = rng.normal(0.0, np.sqrt(g / sizes[k - 1]), (sizes[k - 1], sizes[k]))
        params[f"b{name}"] = np.zeros(sizes[k])
    return params


def _act(name, a):
    """(act(a), act'(a))."""
    if name == "relu":
        return np.maximum(a, 0.0), (a > 0).astype(float)
    if name == "tanh":
        h = np.tanh(a)
        return h, 1.0 - h * h
    h = 1.0 / (1.0 + np.exp(-np.clip(a, -60, 60)))  # sigmoid
    return h, h * (1.0 - h)


def network_loss_and_grad(params, config, X, y):
    r"""Mean softmax cross-entropy of the network on (X, y) and its gradient.

    Backward, from dL/dz = (softmax(z) - onehot(y)) / n:  dW_out = h_L^T dz,  dh_L = dz W_out^T; for k = L..1:
    g_k = dh_k * act'(a_k),  dW_k = h_{k-1}^T g_k,  db_k = sum_rows g_k,  dh_{k-1} = g_k W_k^T (+ dh_k[:, :m]
    on the skipped units when skip and k >= 2).
    """
    depth, skip = int(config["depth"]), bool(config["skip"]) and int(config["depth"]) >= 2
    hs, derivs = [X], []
    for k in range(1, depth + 1):
        h, d = _act(config["activation"], hs[-1] @ params[f"W{k}"] + params[f"b{k}"])
        if skip and k >= 2:
            m = min(h.shape[1], hs[-1].shape[1])
            h[:, :m] += hs[-1][:, :m]
        hs.append(h)
        derivs.append(d)
    z = hs[-1] @ params["W_out"] + params["b_out"]
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    loss = -float(log_p[rows, y].mean())
    dz = np.exp(log_p)
    dz[rows, y] -= 1.0
    dz /= len(y)
    grads = {"W_out": hs[-1].T @ dz, "b_out": dz.sum(axis=0)}
    dh = dz @ params["W_out"].T
    for k in range(depth, 0, -1):
        g = dh * derivs[k - 1]
        grads[f"W{k}"], grads[f"b{k}"] = hs[k - 1].T @ g, g.sum(axis=0)
        below = g @ params[f"W{k}"].T
        if skip and k >= 2:
            m = min(dh.shape[1], below.shape[1])
            below[:, :m] += dh[:, :m]
        dh = below
    return loss, {name: grads[name] for name in params}


def _accuracy(params, config, X, y) -> float:
    h = X
    for k in range(1, int(config["depth"]) + 1):
        a, _ = _act(config["activation"], h @ params[f"W{k}"] + params[f"b{k}"])
        if config["skip"] and int(config["depth"]) >= 2 and k >= 2:
            m = min(a.shape[1], h.shape[1])
            a[:, :m] += h[:, :m]
        h = a
    return float(np.mean(np.argmax(h @ params["W_out"] + params["b_out"], axis=1) == y))


class ArchitectureTask:
    """config -> validation error of the network after `epochs` of Adam; a task with `.space`.

    seed:       the run's seed: with the config (canonicalized) it fixes initialization and batch order,
                so an architecture has one result per seed (computed once, then cached).
    epochs, batch_size, lr: the fixed training recipe (only the architecture is searched).
    n_train:    training digits used (at most 1000).
    `evaluations_` counts the networks really trained; `table()` evaluates every architecture (the
    tabular benchmark of this space: a search over it then costs lookups).
    """

    name = "architectures"

    def __init__(self, seed=0, epochs=4, batch_size=100, lr=0.01, n_train=1000, max_depth=3):
        self.seed, self.epochs, self.batch_size, self.lr, self.n_train = seed, epochs, batch_size, lr, n_train
        self.space = architecture_space(max_depth)
        self.evaluations_ = 0
        self._cache = {}

    def __repr__(self):
        return (f"ArchitectureTask(seed={self.seed}, epochs={self.epochs}, batch_size={self.batch_size}, "
                f"lr={self.lr}, n_train={self.n_train})")

    def __call__(self, config) -> float:
        config = canonical(self.space.validate(config), self.space)
        key = config_key(config)
        if key not in self._cache:
            self._cache[key] = self._train(config)
            self.evaluations_ += 1
        return self._cache[key]

    def _train(self, config) -> float:
        data = load_data()
        X, y = data["train"][0][: self.n_train], data["train"][1][: self.n_train]
        rng = np.random.default_rng([int(self.seed), zlib.crc32(repr(config_key(config)).encode())])
        params = init_network(config, rng)
        moments, t = init_moments("adam", params), 0
        for _ in range(self.epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), self.batch_size):
                batch = order[start:start + self.batch_size]
                _, grads = network_loss_and_grad(params, config, X[batch], y[batch])
                t += 1
                apply_update(ADAM, params, grads, moments, self.lr, t)
        return 1.0 - _accuracy(params, config, *data["val"])

    def table(self) -> dict:
        """{config_key(canonical config): validation error} over `all_architectures()` (trains what is not cached)."""
        return {config_key(c): self(c) for c in all_architectures(self.space)}
