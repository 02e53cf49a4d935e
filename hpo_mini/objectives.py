"""Objectives to optimize: test functions with known optima, and real scikit-learn tuning tasks.

Every objective here is a callable config -> float to *minimize*, with a `.space`:

    f = branin()
    study = optimize(f, RandomSearch(f.space, seed=0), n_trials=40, progress=False)
    study.best_value - f.minimum          # simple regret

Test-function formulas and optima follow Surjanovic & Bingham, "Virtual Library of Simulation
Experiments: Test Functions and Datasets" (https://www.sfu.ca/~ssurjano/).
"""

from __future__ import annotations

import numpy as np

from .space import Categorical, Float, Int, Space

__all__ = [
    "TestFunction",
    "branin",
    "hartmann6",
    "rosenbrock",
    "ackley",
    "levy",
    "low_effective_dimension",
    "SklearnTask",
    "sklearn_task",
    "SKLEARN_TASKS",
]


class TestFunction:
    """f(x) on a box, called with a config {"x0": ..., "x1": ...}; knows its minimum and argmin."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, name, fn, bounds, minimum, argmin):
        self.name = name
        self.fn = fn  # takes a 1-D numpy array x
        self.bounds = [tuple(map(float, b)) for b in bounds]
        self.space = Space({f"x{i}": Float(lo, hi) for i, (lo, hi) in enumerate(self.bounds)})
        self.minimum = float(minimum)
        self.argmin = np.asarray(argmin, dtype=float)  # one minimizer (some functions have several)

    def __repr__(self):
        return f"<TestFunction {self.name}: {len(self.bounds)}-D, minimum {self.minimum:g}>"

    @property
    def dim(self) -> int:
        return len(self.bounds)

    def __call__(self, config) -> float:
        x = np.array([config[f"x{i}"] for i in range(self.dim)], dtype=float)
        return float(self.fn(x))

    def regret(self, value) -> float:
        """Simple regret: how far a found value is above the known minimum."""
        return float(value) - self.minimum


def branin() -> TestFunction:
    """Branin-Hoo on [-5, 10] x [0, 15]: three global minima, f* = 0.397887."""

    def f(x):
        a, b, c = 1.0, 5.1 / (4 * np.pi**2), 5 / np.pi
        r, s, t = 6.0, 10.0, 1 / (8 * np.pi)
        return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * np.cos(x[0]) + s

    return TestFunction("branin", f, [(-5, 10), (0, 15)], 0.397887357729738, [np.pi, 2.275])


_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def hartmann6() -> TestFunction:
    """Hartmann-6 on [0, 1]^6: six local minima, f* = -3.32237."""

    def f(x):
        return -np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)))

    argmin = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]
    return TestFunction("hartmann6", f, [(0, 1)] * 6, -3.32236801141551, argmin)


def rosenbrock(d=4) -> TestFunction:
    """Rosenbrock on [-5, 10]^d: a long curved valley, f* = 0 at (1, ..., 1)."""

    def f(x):
        return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

    return TestFunction(f"rosenbrock{d}", f, [(-5, 10)] * d, 0.0, np.ones(d))


def ackley(d=5) -> TestFunction:
    """Ackley on [-32.768, 32.768]^d: a nearly flat outer region full of local minima, f* = 0 at 0."""

    def f(x):
        a, b, c = 20.0, 0.2, 2 * np.pi
        return (
            -a * np.exp(-b * np.sqrt(np.mean(x**2))) - np.exp(np.mean(np.cos(c * x))) + a + np.e
        )

    return TestFunction(f"ackley{d}", f, [(-32.768, 32.768)] * d, 0.0, np.zeros(d))


def levy(d=4) -> TestFunction:
    """Levy on [-10, 10]^d: many local minima, f* = 0 at (1, ..., 1)."""

    def f(x):
        w = 1 + (x - 1) / 4
        head = np.sin(np.pi * w[0]) ** 2
        middle = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2))
        tail = (w[-1] - 1) ** 2 * (1 + np.sin(2 * np.pi * w[-1]) ** 2)
        return head + middle + tail

    return TestFunction(f"levy{d}", f, [(-10, 10)] * d, 0.0, np.ones(d))


# Where the important dimensions have their minimum: deliberately not on a regular grid's points.
_LOW_DIM_CENTRES = np.array([0.37, 0.71, 0.19, 0.83, 0.56])


def low_effective_dimension(d=5, n_important=1, weight=0.02) -> TestFunction:
    """A function of d inputs on [0, 1]^d of which only `n_important` matter much.

    f(x) = sum_{j < k} (1 - exp(-((x_j - c_j) / 0.08)^2)) + weight * sum_{j >= k} (x_j - 0.5)^2,
    minimum 0 at x_j = c_j (j < k) and 0.5 elsewhere. The narrow dips sit between the points of a
    regular grid: the setting of Bergstra & Bengio (2012, Fig. 1) where random search beats grid search.
    """
    if not 1 <= n_important <= min(d, len(_LOW_DIM_CENTRES)):
        raise ValueError(f"n_important must be in [1, {min(d, len(_LOW_DIM_CENTRES))}], but got {n_important!r}")
    centres = _LOW_DIM_CENTRES[:n_important]

    def f(x):
        dips = np.sum(1 - np.exp(-(((x[:n_important] - centres) / 0.08) ** 2)))
        return dips + weight * np.sum((x[n_important:] - 0.5) ** 2)

    argmin = np.concatenate([centres, np.full(d - n_important, 0.5)])
    return TestFunction(f"low_effective_dimension{d}", f, [(0, 1)] * d, 0.0, argmin)


class SklearnTask:
    """Tune a scikit-learn estimator on a data set that ships with scikit-learn (no download).

    Calling it with a config returns the validation *error* (1 - mean k-fold accuracy), to minimize.
    """

    def __init__(self, name, make_estimator, space, load_data, cv=3, seed=0, n_samples=None):
        from sklearn.utils import shuffle

        self.name = name
        self.make_estimator = make_estimator  # config -> unfitted estimator
        self.space = space
        X, y = load_data(return_X_y=True)
        if n_samples is not None:
            X, y = shuffle(X, y, random_state=seed, n_samples=n_samples)
        self.X, self.y, self.cv, self.seed = X, y, cv, seed

    def __repr__(self):
        return f"<SklearnTask {self.name}: {self.X.shape[0]} samples, {len(self.space)} hyperparameters>"

    def __call__(self, config) -> float:
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.seed)
        scores = cross_val_score(self.make_estimator(config), self.X, self.y, cv=folds)
        return float(1.0 - scores.mean())


def _svm_digits(seed):
    from sklearn.datasets import load_digits
    from sklearn.svm import SVC

    space = Space({"C": Float(1e-2, 1e3, log=True), "gamma": Float(1e-5, 1e0, log=True)})
    return SklearnTask("svm_digits", lambda c: SVC(C=c["C"], gamma=c["gamma"]), space, load_digits,
                       seed=seed, n_samples=600)


def _forest_breast_cancer(seed):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    space = Space(
        {
            "n_estimators": Int(5, 100, log=True),
            "max_depth": Int(1, 12),
            "max_features": Float(0.05, 1.0),
            "min_samples_leaf": Int(1, 30, log=True),
            "criterion": Categorical(["gini", "entropy"]),
        }
    )

    def make(c):
        return RandomForestClassifier(random_state=seed, n_jobs=1, **c)

    return SklearnTask("forest_breast_cancer", make, space, load_breast_cancer, seed=seed)


def _logreg_wine(seed):
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    space = Space({"C": Float(1e-4, 1e2, log=True)})
    make = lambda c: make_pipeline(StandardScaler(), LogisticRegression(C=c["C"], max_iter=500))  # noqa: E731
    return SklearnTask("logreg_wine", make, space, load_wine, seed=seed)


SKLEARN_TASKS = {"svm_digits": _svm_digits, "forest_breast_cancer": _forest_breast_cancer, "logreg_wine": _logreg_wine}


def sklearn_task(name="svm_digits", seed=0) -> SklearnTask:
    """A real tuning task by name: one of SKLEARN_TASKS ('svm_digits', 'forest_breast_cancer', 'logreg_wine')."""
    if name not in SKLEARN_TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(SKLEARN_TASKS)}")
    return SKLEARN_TASKS[name](seed)


# --- added for lesson 01 ---
# Gradient descent on the two problems where the learning-rate limit has a closed form. Lesson 01
# plots their loss curves and checks the limit lr < 2 / L on a real data set.

__all__ += ["quadratic_gd", "least_squares_gd"]


def _check_lr_steps(lr, n_steps):
    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, but got {lr!r}")
    if not (isinstance(n_steps, (int, np.integer)) and n_steps >= 0):
        raise ValueError(f"n_steps must be an integer >= 0, but got {n_steps!r}")


def quadratic_gd(curvatures, lr, w0=1.0, n_steps=50) -> np.ndarray:
    r"""Losses of gradient descent on the quadratic f(w) = 1/2 sum_i lambda_i w_i^2.

    Any quadratic 1/2 w^T H w, written in the eigenbasis of H, has this form with lambda_i the
    eigenvalues (curvatures). The gradient is lambda_i w_i, so one step

        w_{t+1,i} = w_{t,i} - lr * lambda_i * w_{t,i} = (1 - lr * lambda_i) w_{t,i}

    acts on each coordinate alone: w_{t,i} = (1 - lr lambda_i)^t w_{0,i} and
    f(w_t) = 1/2 sum_i lambda_i (1 - lr lambda_i)^{2t} w_{0,i}^2. It converges from every start iff
    |1 - lr lambda_i| < 1 for all i, that is 0 < lr < 2 / max_i lambda_i; lr = 1 / lambda_i lands on
    the minimum of coordinate i in one step.

    curvatures: lambda_i > 0 (a number or a sequence); w0: the start (a number for all coordinates, or
    a sequence). Returns the n_steps + 1 losses f(w_0), ..., f(w_{n_steps}), computed by iterating the
    update (+inf from the step where a loss overflows).
    """
    lam = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if lam.ndim != 1 or not np.all(np.isfinite(lam)) or not np.all(lam > 0):
        raise ValueError(f"curvatures must be positive finite numbers, but got {curvatures!r}")
    _check_lr_steps(lr, n_steps)
    w = np.broadcast_to(np.asarray(w0, dtype=float), lam.shape).copy()
    losses = np.full(n_steps + 1, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps + 1):
            loss = 0.5 * np.sum(lam * w**2)
            if not np.isfinite(loss):
                break
            losses[t] = loss
            w = w - lr * lam * w  # w_{t+1} = w_t - lr * grad f(w_t)
    return losses


def least_squares_gd(X, y, lr, n_steps=100, w0=None) -> np.ndarray:
    r"""Losses of full-batch gradient descent on least squares, f(w) = 1/(2n) ||X w - y||^2.

    grad f(w) = X^T (X w - y) / n, so w_{t+1} = w_t - lr X^T (X w_t - y) / n. The Hessian is
    H = X^T X / n and f is L-smooth with L = lambda_max(H); in the eigenbasis of H this is
    `quadratic_gd` around the least-squares solution, so the iterates converge from every start iff
    0 < lr < 2 / L (for lr > 2 / L the loss grows like (lr L - 1)^{2t}).

    X: (n, d) features, y: (n,) targets, w0: the start (zeros by default). Returns the n_steps + 1
    losses f(w_0), ..., f(w_{n_steps}); from the step where the loss overflows, the run stops and the
    remaining entries are +inf.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), but got shapes {X.shape} and {y.shape}")
    _check_lr_steps(lr, n_steps)
    n = X.shape[0]
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    losses = np.full(n_steps + 1, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps + 1):
            residual = X @ w - y
            loss = 0.5 * np.mean(residual**2)
            if not np.isfinite(loss):
                break
            losses[t] = loss
            w = w - lr * (X.T @ residual) / n  # w_{t+1} = w_t - lr * grad f(w_t)
    return losses


# --- 1-D function for lessons 04-05 ---
# A one-dimensional test function, small enough to plot a GP and an acquisition over it.

__all__ += ["forrester"]


def forrester() -> TestFunction:
    """Forrester et al. (2008), f(x) = (6x - 2)^2 sin(12x - 4) on [0, 1]: one global minimum
    f* = -6.020740 at x = 0.757249, a local minimum near x = 0.14 and a flat shoulder near x = 0.4
    (A. Forrester, A. Sobester & A. Keane, *Engineering Design via Surrogate Modelling*, Wiley 2008).
    The minimizer is the root of f'(x) in [0.74, 0.77] (scipy.optimize.brentq, xtol 1e-15)."""

    def f(x):
        return (6 * x[0] - 2) ** 2 * np.sin(12 * x[0] - 4)

    return TestFunction("forrester", f, [(0, 1)], -6.0207400557670825, [0.7572487578418559])


# --- checkpointable task for population-based training (lesson 08) ---
# SGD on a noisy quadratic: a large learning rate is best early (fast progress along the flat
# directions), a small one late (a lower noise floor). PBT trains on it in steps and copies its state.

__all__ += ["NoisyQuadratic", "noisy_quadratic"]


class NoisyQuadratic:
    r"""SGD on the noisy quadratic model (Schaul, Zhang & LeCun 2013; Zhang et al. 2019, NeurIPS,
    "Which algorithmic choices matter at which batch sizes?"): a checkpointable training task.

    Loss L(w) = 1/2 sum_i h_i w_i^2 with curvatures h_i log-spaced in [h_min, h_max]. SGD sees the
    gradient plus noise whose variance follows the curvature, g_i = h_i w_i + sigma sqrt(h_i) xi_i with
    xi ~ N(0, 1), and steps w <- w - lr g. Per coordinate the second moment m_i = E[w_i^2] obeys

        m_i <- (1 - lr h_i)^2 m_i + lr^2 sigma^2 h_i,      floor m_i* = lr sigma^2 / (2 - lr h_i),

    so a large lr shrinks the flat directions (small h_i) quickly but leaves a high noise floor
    (E[L] ~ lr sigma^2 sum_i h_i / 4), and a small lr has a low floor but is slow: the best constant lr
    for a fixed number of steps is a compromise, and a decaying schedule beats it. `expected_loss` gives
    E[L] exactly for any schedule (the recursion above), a reference independent of the simulation.

    The PBT seam: `initial_state(rng)` returns w_0 (all ones), `step(config, w, n_steps, rng)` runs
    n_steps of SGD with config["lr"] and returns (L(w), w) without changing its input. The loss is L
    itself, as if measured on infinitely many validation samples. Stable for lr < 2 / h_max.
    """

    def __init__(self, d=20, h_min=0.01, h_max=1.0, sigma=0.1, n_steps=1000, lr_range=(1e-3, 1.0)):
        if not (isinstance(d, (int, np.integer)) and d >= 1):
            raise ValueError(f"d (the number of coordinates) must be an integer >= 1, but got {d!r}")
        if not 0 < h_min <= h_max:
            raise ValueError(f"need 0 < h_min <= h_max, but got h_min={h_min!r}, h_max={h_max!r}")
        if not sigma >= 0:
            raise ValueError(f"sigma (the gradient noise) must be >= 0, but got {sigma!r}")
        self.h = np.geomspace(h_min, h_max, d)
        self.sigma, self.n_steps = float(sigma), int(n_steps)
        self.space = Space({"lr": Float(*lr_range, log=True)})

    def __repr__(self):
        return (f"<NoisyQuadratic: d={len(self.h)}, curvatures {self.h[0]:g}..{self.h[-1]:g}, "
                f"sigma={self.sigma:g}, {self.n_steps} steps>")

    def loss(self, w) -> float:
        return float(0.5 * np.sum(self.h * np.asarray(w) ** 2))

    def initial_state(self, rng=None) -> np.ndarray:
        return np.ones_like(self.h)

    def step(self, config, state, n_steps, rng):
        """n_steps of SGD from weights `state` with learning rate config["lr"]: (loss, new weights)."""
        lr, w = float(config["lr"]), np.array(state, dtype=float)
        noise = np.random.default_rng(rng).standard_normal((int(n_steps), len(self.h)))
        scale = self.sigma * np.sqrt(self.h)
        with np.errstate(over="ignore", invalid="ignore"):
            for xi in noise:
                w -= lr * (self.h * w + scale * xi)
        return self.loss(w), w

    def expected_loss(self, lrs) -> np.ndarray:
        """E[L(w_t)] for t = 0..len(lrs) under the schedule lrs (one learning rate per step), exactly."""
        m = np.ones_like(self.h)  # E[w_0^2]
        out = [0.5 * np.sum(self.h * m)]
        with np.errstate(over="ignore", invalid="ignore"):
            for lr in np.asarray(lrs, dtype=float):
                m = (1 - lr * self.h) ** 2 * m + lr**2 * self.sigma**2 * self.h
                out.append(0.5 * np.sum(self.h * m))
        return np.array(out)

    def __call__(self, config) -> float:
        """A one-shot objective too: the expected final loss after n_steps at the constant config["lr"].
        With a = (1 - lr h_i)^2 the recursion sums to m_i = a^T m_0 + lr^2 sigma^2 h_i (1 - a^T) / (1 - a)."""
        lr, T = float(config["lr"]), self.n_steps
        a = (1 - lr * self.h) ** 2
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            geometric = np.where(a == 1, T, (1 - a**T) / (1 - a))  # sum_{t<T} a^t
            m = a**T + lr**2 * self.sigma**2 * self.h * geometric
        loss = float(0.5 * np.sum(self.h * m))
        return loss if np.isfinite(loss) else float("inf")


def noisy_quadratic(**kwargs) -> NoisyQuadratic:
    """The default noisy quadratic: 20 coordinates, curvatures 0.01..1, gradient noise 0.1, 1000 steps."""
    return NoisyQuadratic(**kwargs)


from .learning_curves import SGDDigitsCurves, SyntheticCurves, sgd_digits_curves, synthetic_curves  # noqa: E402,F401
