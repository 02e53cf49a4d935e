"""Test functions with known optima: Branin, Hartmann-6, Rosenbrock, Ackley, Levy, Forrester, and a
function whose effective dimension you choose.

Every objective here is a callable config -> float to *minimize*, with a `.space`:

    f = branin()
    study = optimize(f, RandomSearch(f.space, seed=0), n_trials=40, progress=False)
    study.best_value - f.minimum          # simple regret

Test-function formulas and optima follow Surjanovic & Bingham, "Virtual Library of Simulation
Experiments: Test Functions and Datasets" (https://www.sfu.ca/~ssurjano/).
"""

from __future__ import annotations

import numpy as np

from ..space import Float, Space

__all__ = ["TestFunction", "branin", "hartmann6", "rosenbrock", "ackley", "levy", "low_effective_dimension", "forrester"]

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


# --- 1-D function for lessons 04-05 ---
# A one-dimensional test function, small enough to plot a GP and an acquisition over it.



def forrester() -> TestFunction:
    """Forrester et al. (2008), f(x) = (6x - 2)^2 sin(12x - 4) on [0, 1]: one global minimum
    f* = -6.020740 at x = 0.757249, a local minimum near x = 0.14 and a flat shoulder near x = 0.4
    (A. Forrester, A. Sobester & A. Keane, *Engineering Design via Surrogate Modelling*, Wiley 2008).
    The minimizer is the root of f'(x) in [0.74, 0.77] (scipy.optimize.brentq, xtol 1e-15)."""

    def f(x):
        return (6 * x[0] - 2) ** 2 * np.sin(12 * x[0] - 4)

    return TestFunction("forrester", f, [(0, 1)], -6.0207400557670825, [0.7572487578418559])
