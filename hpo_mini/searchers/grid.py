"""Grid search: every combination of a few values per dimension, in a fixed order."""

from __future__ import annotations

import math

from ..space import check_grid_size
from ..study import Trial
from .base import Searcher

__all__ = ["GridSearch"]


class GridSearch(Searcher):
    """Evaluate `space.grid(n_per_dim)` in order (or shuffled, with `shuffle=True`), then stop.

    Numeric dimensions get `n_per_dim` points (geometrically spaced when `log=True`), categoricals all
    their choices, so the grid has prod_j n_j points: 5 values for each of 6 dimensions is 15 625.
    `grid` may be given instead as a list of configs or a dict name -> list of values, like
    scikit-learn's `param_grid`.
    """

    finite = True  # every grid point once, then is_finished()

    def __init__(self, space, *, n_per_dim=5, grid=None, shuffle=False, seed=None):
        super().__init__(space, seed=seed)
        if grid is None:
            points = self.space.grid(n_per_dim)
        elif isinstance(grid, dict):
            from itertools import product

            unknown = set(grid) - set(self.space.names)
            if unknown or set(grid) != set(self.space.names):
                raise ValueError(
                    f"grid keys {sorted(grid)} must be exactly the space's dimensions {self.space.names}"
                )
            names = self.space.names
            check_grid_size(math.prod(len(grid[n]) for n in names), f"the grid {grid!r}")
            points = [dict(zip(names, combo)) for combo in product(*(grid[n] for n in names))]
        else:
            points = list(grid)
        self.points = [self.space.validate(p) for p in points]
        if not self.points:
            raise ValueError("the grid is empty; give at least one value for every dimension")
        if shuffle:
            self.points = [self.points[i] for i in self.rng.permutation(len(self.points))]
        self._done = set()  # grid indices already asked or told; trial id = grid index
        self._cursor = 0  # every index below it is done

    def __len__(self):
        return len(self.points)

    def ask(self):
        while self._cursor < len(self.points) and self._cursor in self._done:
            self._cursor += 1
        if self._cursor >= len(self.points):
            return None
        self._done.add(self._cursor)
        return Trial(id=self._cursor, config=dict(self.points[self._cursor]))

    def tell(self, trial, value):
        super().tell(trial, value)
        self._done.add(trial.id)

    def is_finished(self) -> bool:
        return len(self._done) >= len(self.points)
