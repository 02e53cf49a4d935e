"""Search spaces: what a hyperparameter may be, and the [0, 1]^d encoding every searcher shares.

A space is a dict of named dimensions:

    Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 12), "kernel": Categorical(["rbf", "poly"])})

Each dimension maps a unit number u in [0, 1] to a value (`from_unit`) and back (`to_unit`).
Uniform sampling in the unit cube is then uniform sampling in the space (log-uniform where
`log=True`), and model-based searchers (BO, TPE, GA) work in the cube without caring what a
dimension means. Integers own equal-width slices of [0, 1]; categoricals too, one slice a choice.
"""

from __future__ import annotations

import itertools
import math
from numbers import Integral, Real

import numpy as np

__all__ = ["Float", "Int", "Categorical", "Space", "as_space", "config_key", "check_count"]


def _is_number(x) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def check_count(value, name: str, low: int = 1) -> int:
    """`value` as an int if it is an integer >= low, else ValueError naming the setting.

    The one rule for every count in the library (grid points per dimension, trials, population, rungs):
    a count of the wrong kind (2.5, "3", True) and a count out of range are the same mistake, a bad
    value, and raise the same ValueError. (TypeError is kept for an object without the protocol it is
    passed for, such as a base searcher without ask/tell.)
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, but got {value!r}")
    return int(value)


class Float:
    """A real number in [lo, hi]; `log=True` samples log-uniformly (lo must be > 0)."""

    kind = "float"  # what a model needs to know about a dimension without importing this module

    def __init__(self, lo, hi, log=False):
        if not (_is_number(lo) and _is_number(hi)) or not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"{type(self).__name__}(lo={lo!r}, hi={hi!r}): lo and hi must be finite numbers")
        if lo >= hi:
            raise ValueError(f"{type(self).__name__}(lo={lo!r}, hi={hi!r}): lo must be < hi")
        if log and lo <= 0:
            raise ValueError(
                f"{type(self).__name__}(lo={lo!r}, hi={hi!r}, log=True): a log scale needs lo > 0; "
                f"use log=False or a positive lower bound such as {hi / 1000:g}"
            )
        self.lo, self.hi, self.log = lo, hi, bool(log)

    def __repr__(self):
        return f"{type(self).__name__}({self.lo!r}, {self.hi!r}{', log=True' if self.log else ''})"

    def __eq__(self, other):
        return type(self) is type(other) and vars(self) == vars(other)

    # The span of the unit encoding; Int widens it by half a step so each integer gets an equal slice.
    def _bounds(self):
        return float(self.lo), float(self.hi)

    def from_unit(self, u):
        """Unit numbers -> values. u = 0 gives lo, u = 1 gives hi (log-linearly when log=True)."""
        a, b = self._bounds()
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.log:  # exp(log x) may round past the ends (0.1 -> 0.10000000000000006): clip back
            return np.clip(np.exp(np.log(a) + u * (np.log(b) - np.log(a))), a, b)
        return np.clip(a + u * (b - a), a, b)

    def to_unit(self, values):
        """Values -> unit numbers in [0, 1]; the inverse of `from_unit`."""
        a, b = self._bounds()
        v = np.asarray(values, dtype=float)
        if self.log:
            return (np.log(v) - np.log(a)) / (np.log(b) - np.log(a))
        return (v - a) / (b - a)

    def snap(self, u):
        """Unit numbers -> the unit numbers of the values they decode to (identity for a Float)."""
        return np.clip(np.asarray(u, dtype=float), 0.0, 1.0)

    def grid(self, n):
        """n evenly spaced values (geometrically spaced when log=True), ends included."""
        n = check_count(n, "n (grid points per dimension)")
        if n == 1:
            return [self.from_unit(0.5).item()]
        space = np.geomspace if self.log else np.linspace
        return [float(v) for v in space(self.lo, self.hi, n)]

    def python_value(self, v):
        return float(v)

    def contains(self, v) -> bool:
        return _is_number(v) and self.lo <= v <= self.hi

    def describe(self) -> str:
        return f"a number in [{self.lo}, {self.hi}]{' (log scale)' if self.log else ''}"


class Int(Float):
    """An integer in [lo, hi] (both included); `log=True` spaces integers log-uniformly."""

    kind = "int"

    def __init__(self, lo, hi, log=False):
        if not (isinstance(lo, Integral) and isinstance(hi, Integral)) or isinstance(lo, bool):
            raise ValueError(f"Int(lo={lo!r}, hi={hi!r}): lo and hi must be integers; use Float for real numbers")
        super().__init__(int(lo), int(hi), log)

    def _bounds(self):
        # Widen by half a step so every integer owns an equal slice of [0, 1] (of log space, if log).
        return self.lo - 0.5, self.hi + 0.5

    def from_unit(self, u):
        return np.clip(np.round(super().from_unit(u)), self.lo, self.hi).astype(int)

    def snap(self, u):
        return self.to_unit(self.from_unit(u))

    def grid(self, n):
        n = check_count(n, "n (grid points per dimension)")
        space = np.geomspace if self.log else np.linspace
        values = space(self.lo, self.hi, min(n, self.hi - self.lo + 1)) if n > 1 else [self.from_unit(0.5)]
        return sorted({int(round(v)) for v in values})

    def python_value(self, v):
        return int(v)

    def contains(self, v) -> bool:
        return isinstance(v, Integral) and not isinstance(v, bool) and self.lo <= v <= self.hi

    def describe(self) -> str:
        return f"an integer in [{self.lo}, {self.hi}]{' (log scale)' if self.log else ''}"


class Categorical:
    """One of a finite list of choices (strings, numbers, None, ...); no order is assumed.

    In the unit encoding, choice i of k owns the slice [i/k, (i+1)/k) of [0, 1]: `slice_index` and
    `slice_centre` are the one home of that rule (searchers and models call them).
    """

    kind = "categorical"

    def __init__(self, choices):
        choices = list(choices) if not isinstance(choices, (str, bytes)) else None
        if not choices:
            raise ValueError("Categorical(choices) needs a non-empty list of choices, e.g. ['adam', 'sgd']")
        if len({repr(c) for c in choices}) != len(choices):
            raise ValueError(f"Categorical({choices!r}): the choices must be distinct")
        self.choices = choices
        self.log = False

    def __repr__(self):
        return f"Categorical({self.choices!r})"

    def __eq__(self, other):
        return type(self) is type(other) and self.choices == other.choices

    def slice_index(self, u):
        """The index of the choice whose slice holds unit number u: floor(u k), clipped to [0, k - 1]
        (u = 1 belongs to the last choice)."""
        k = len(self.choices)
        return np.clip(np.floor(np.asarray(u, dtype=float) * k), 0, k - 1).astype(int)

    def slice_centre(self, index):
        """The unit number of choice `index`: the centre of its slice, (index + 0.5) / k."""
        return (np.asarray(index, dtype=float) + 0.5) / len(self.choices)

    def from_unit(self, u):
        """Choice i owns the slice [i/k, (i+1)/k) of [0, 1]."""
        return np.array(self.choices, dtype=object)[self.slice_index(u)]

    def to_unit(self, values):
        """The centre of the choice's slice."""
        index = np.array([self.index(v) for v in np.atleast_1d(np.asarray(values, dtype=object))])
        out = self.slice_centre(index)
        return out if np.ndim(values) else out[0]

    def snap(self, u):
        return self.slice_centre(self.slice_index(u))

    def index(self, value) -> int:
        for i, c in enumerate(self.choices):
            if c == value and type(c) is type(value):
                return i
        for i, c in enumerate(self.choices):  # 1 and 1.0, np.str_ and str
            if c == value:
                return i
        raise ValueError(f"{value!r} is not one of the choices {self.choices!r}")

    def grid(self, n=None):
        return list(self.choices)

    def python_value(self, v):
        return self.choices[self.index(v)]

    def contains(self, v) -> bool:
        try:
            self.index(v)
            return True
        except ValueError:
            return False

    def describe(self) -> str:
        return f"one of {self.choices!r}"


Dimension = Float | Int | Categorical


class Space:
    """An ordered, named set of dimensions. A plain dict is accepted anywhere a Space is."""

    def __init__(self, dimensions):
        if isinstance(dimensions, Space):
            dimensions = dimensions.dimensions
        if not isinstance(dimensions, dict) or not dimensions:
            raise ValueError(
                f"a search space is a non-empty dict of name -> Float/Int/Categorical, but got {dimensions!r}"
            )
        for name, dim in dimensions.items():
            if not isinstance(name, str):
                raise ValueError(f"dimension names must be strings, but got {name!r}")
            if not isinstance(dim, (Float, Categorical)):
                raise ValueError(
                    f"dimension {name!r} is {dim!r}; use Float(lo, hi), Int(lo, hi) or Categorical([...])"
                )
        self.dimensions = dict(dimensions)

    def __repr__(self):
        inner = ", ".join(f"{k!r}: {v!r}" for k, v in self.dimensions.items())
        return f"Space({{{inner}}})"

    def __eq__(self, other):
        return isinstance(other, Space) and self.dimensions == other.dimensions

    def __len__(self):
        return len(self.dimensions)

    def __iter__(self):
        return iter(self.dimensions)

    def __getitem__(self, name):
        return self.dimensions[name]

    @property
    def names(self):
        return list(self.dimensions)

    def from_unit(self, U) -> list[dict]:
        """Rows of an (n, d) array in [0, 1]^d -> n configs (plain Python values)."""
        U = np.atleast_2d(np.asarray(U, dtype=float))
        if U.shape[1] != len(self):
            raise ValueError(f"expected points with {len(self)} coordinates ({self.names}), got shape {U.shape}")
        columns = [dim.from_unit(U[:, j]) for j, dim in enumerate(self.dimensions.values())]
        return [
            {name: dim.python_value(col[i]) for (name, dim), col in zip(self.dimensions.items(), columns)}
            for i in range(U.shape[0])
        ]

    def to_unit(self, configs) -> np.ndarray:
        """n configs (or one) -> an (n, d) array in [0, 1]^d."""
        if isinstance(configs, dict):
            configs = [configs]
        configs = [self.validate(c) for c in configs]
        if not configs:
            return np.empty((0, len(self)))
        return np.column_stack(
            [dim.to_unit([c[name] for c in configs]) for name, dim in self.dimensions.items()]
        ).astype(float)

    def snap(self, U) -> np.ndarray:
        """Move unit points to the unit points of the configs they decode to: integers and choices
        own slices of [0, 1], and a point is moved to its slice's representative. Vectorized
        `to_unit(from_unit(U))`, used by model-based searchers to score the points that would run."""
        U = np.atleast_2d(np.asarray(U, dtype=float))
        return np.column_stack([dim.snap(U[:, j]) for j, dim in enumerate(self.dimensions.values())])

    def sample(self, rng, n=1) -> list[dict]:
        """n independent configs, uniform in the unit cube (log-uniform on log dimensions)."""
        rng = np.random.default_rng(rng)
        return self.from_unit(rng.random((n, len(self))))

    def grid(self, n_per_dim=5) -> list[dict]:
        """Every combination of per-dimension grids (all choices of a categorical).

        `n_per_dim` is one number for all numeric dimensions or a dict name -> number.
        """
        if isinstance(n_per_dim, dict):
            unknown = set(n_per_dim) - set(self.dimensions)
            if unknown:
                raise ValueError(f"grid sizes given for unknown dimensions {sorted(unknown)}; known: {self.names}")
        axes = []
        for name, dim in self.dimensions.items():
            n = n_per_dim.get(name, 5) if isinstance(n_per_dim, dict) else n_per_dim
            axes.append(dim.grid(n))
        return [dict(zip(self.names, combo)) for combo in itertools.product(*axes)]

    def validate(self, config) -> dict:
        """Return `config` with plain Python values, or raise ValueError naming the key and its range."""
        if not isinstance(config, dict):
            raise ValueError(f"a config is a dict of name -> value, but got {config!r}")
        missing = [k for k in self.dimensions if k not in config]
        extra = [k for k in config if k not in self.dimensions]
        if missing:
            raise ValueError(f"config {config!r} is missing {missing}; the space has {self.names}")
        if extra:
            raise ValueError(f"config {config!r} has unknown keys {extra}; the space has {self.names}")
        out = {}
        for name, dim in self.dimensions.items():
            value = config[name]
            if isinstance(value, np.generic):
                value = value.item()
            if not dim.contains(value):
                raise ValueError(f"config[{name!r}] = {value!r} is out of range: it must be {dim.describe()}")
            out[name] = dim.python_value(value)
        return out


def as_space(space) -> Space:
    """Accept a Space or a plain dict of dimensions."""
    return space if isinstance(space, Space) else Space(space)


def config_key(config: dict) -> tuple:
    """A hashable key for a config, the same whatever order its keys were given in: the one test of
    "is this the same configuration?" for checkpoints, caches and duplicate detection."""
    return tuple(sorted((name, tuple(v) if isinstance(v, list) else v) for name, v in config.items()))
