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

MAX_EXACT_INT = 2**53  # the integers a float holds exactly: Int bounds beyond it could not be sampled exactly
MAX_GRID_POINTS = 10**6  # a grid is listed in memory: a million configs is about a gigabyte of dicts


def _is_number(x) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def _is_finite(x) -> bool:  # a number a float holds: finite, and not an integer too large for it (10**400)
    try:
        return _is_number(x) and math.isfinite(x)
    except OverflowError:
        return False


def _is_nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _equal(a, b) -> bool:
    """a == b as one bool, a tuple equal to a list with the same items (what JSON makes of a tuple); False
    when == cannot say (numpy arrays compare item by item)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


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


def check_grid_size(size: int, what: str) -> int:
    """`size` if a grid that big can be listed (<= MAX_GRID_POINTS), else a ValueError naming size and fixes."""
    if size > MAX_GRID_POINTS:
        raise ValueError(f"{what} would list {size:,} points, more than MAX_GRID_POINTS = {MAX_GRID_POINTS:,} fit "
                         "in memory: use fewer points per dimension (n_per_dim=2, or a dict giving the unimportant "
                         "dimensions 1), fewer dimensions, or RandomSearch, which needs no list")
    return size


class Float:
    """A real number in [lo, hi]; `log=True` samples log-uniformly (lo must be > 0)."""

    kind = "float"  # what a model needs to know about a dimension without importing this module

    def __init__(self, lo, hi, log=False):
        if not (_is_finite(lo) and _is_finite(hi)):
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

    def _ends(self):
        """(lo, hi, s, log): the encoding's ends, in log space when log=True, divided by s = 2 when b - a
        overflows a float (Float(-1e308, 1e308) spans 2e308 > 1.8e308). Linear when log a == log b in floating
        point (bounds one float apart: the log encoding would divide 0 by 0, and the two scales agree)."""
        a, b = self._bounds()
        if self.log and np.log(a) < np.log(b):
            return np.log(a), np.log(b), 1.0, True
        s = 1.0 if math.isfinite(b - a) else 2.0
        return a / s, b / s, s, False

    def from_unit(self, u):
        """Unit numbers -> values: u = 0 gives lo, u = 1 gives hi, linearly (log-linearly when log=True) between."""
        a, b = self._bounds()
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        lo, hi, s, log = self._ends()
        v = np.exp(lo + u * (hi - lo)) if log else (lo + u * (hi - lo)) * s
        # exp(log x) may round past the ends (0.1 -> 0.10000000000000006): the ends exact, the rest clipped
        return np.clip(np.where(u == 0, a, np.where(u == 1, b, v)), a, b)

    def to_unit(self, values):
        """Values -> unit numbers in [0, 1]; the inverse of `from_unit`."""
        lo, hi, s, log = self._ends()
        v = np.asarray(values, dtype=float)
        return ((np.log(v) if log else v / s) - lo) / (hi - lo)

    def snap(self, u):
        """Unit numbers -> the unit numbers of the values they decode to (identity for a Float)."""
        return np.clip(np.asarray(u, dtype=float), 0.0, 1.0)

    def grid(self, n):
        """n evenly spaced values (geometrically spaced when log=True), ends included."""
        n = check_count(n, "n (grid points per dimension)")
        if n == 1:
            return [self.from_unit(0.5).item()]
        check_grid_size(n, f"{self!r}.grid(n)")
        if not self.log and not math.isfinite(self.hi - self.lo):  # linspace's step would overflow
            return [float(v) for v in self.from_unit(np.linspace(0.0, 1.0, n))]
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
        if max(abs(lo), abs(hi)) > MAX_EXACT_INT:
            raise ValueError(f"Int(lo={lo!r}, hi={hi!r}): the bounds must lie within +-2**53 = +-{MAX_EXACT_INT}, "
                             "the integers a float holds exactly (sampling goes through floats); use "
                             "Float(lo, hi, log=True) for a wider range and round it yourself")
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
        check_grid_size(min(n, self.hi - self.lo + 1), f"{self!r}.grid(n)")
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
        # The choice objects themselves: np.array([(64, 32), (128, 64)]) would be a 2-D array of ints.
        return np.frompyfunc(self.choices.__getitem__, 1, 1)(self.slice_index(u))

    def to_unit(self, values):
        """The centre of the choice's slice. `values` is a list (or array) of values, or one value."""
        many = isinstance(values, (list, np.ndarray))
        index = np.array([self.index(v) for v in (values if many else [values])], dtype=int)
        out = self.slice_centre(index)
        return out if many else out[0]

    def snap(self, u):
        return self.slice_centre(self.slice_index(u))

    def index(self, value) -> int:
        """The position of `value` among the choices: the same object, else an equal value of the same type,
        else an equal value (1 and 1.0, np.str_ and str, the list [64, 32] a journal gives back for the
        tuple (64, 32)); NaN matches a NaN choice."""
        for i, c in enumerate(self.choices):
            if c is value or (_is_nan(c) and _is_nan(value)):
                return i
        for same_type in (True, False):
            for i, c in enumerate(self.choices):
                if (not same_type or type(c) is type(value)) and _equal(c, value):
                    return i
        raise ValueError(f"{value!r} is not one of the choices {self.choices!r}")

    def grid(self, n=None):
        return list(self.choices)

    def python_value(self, v):
        return self.choices[self.index(v)]

    def contains(self, v) -> bool:
        try:
            return self.index(v) >= 0
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
        items = list(self.dimensions.items())
        return [{name: dim.python_value(col[i]) for (name, dim), col in zip(items, columns)} for i in range(len(U))]

    def to_unit(self, configs) -> np.ndarray:
        """n configs (or one) -> an (n, d) array in [0, 1]^d."""
        if isinstance(configs, dict):
            configs = [configs]
        configs = [self.validate(c) for c in configs]
        if not configs:
            return np.empty((0, len(self)))
        columns = [dim.to_unit([c[name] for c in configs]) for name, dim in self.dimensions.items()]
        return np.column_stack(columns).astype(float)

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
        sizes = [len(axis) for axis in axes]
        check_grid_size(math.prod(sizes), f"the grid over {len(axes)} dimensions (axis sizes {sizes})")
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
    return tuple(sorted((name, _frozen(v)) for name, v in config.items()))


def _frozen(value):
    """A hashable stand-in for a choice: lists and tuples as tuples (a journal gives a tuple back as a list),
    dicts as sorted item tuples, NaN as one marker (NaN != NaN)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _frozen(v)) for k, v in value.items())))
    return ("nan",) if _is_nan(value) else value
