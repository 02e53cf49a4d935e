"""Random search: independent uniform draws, or a low-discrepancy Sobol / Latin-hypercube design.

Bergstra & Bengio (2012), "Random search for hyper-parameter optimization", JMLR 13:281-305:
when only a few dimensions matter, n random trials try n distinct values of each of them, where a
grid of the same size tries only n**(1/d).
"""

from __future__ import annotations

import math

from scipy.stats import qmc as scipy_qmc

from ..space import check_count
from .base import Searcher

__all__ = ["RandomSearch", "QMC_DESIGNS", "hit_probability", "trials_needed"]

QMC_DESIGNS = ("sobol", "lhs")


class RandomSearch(Searcher):
    """Propose configs from the unit cube, mapped through the space (log-uniform where log=True).

    qmc=None:     i.i.d. uniform points (plain random search).
    qmc="sobol":  a scrambled Sobol sequence (scipy.stats.qmc.Sobol); balanced for n a power of 2.
    qmc="lhs":    Latin hypercube designs of `n_points` points each (scipy.stats.qmc.LatinHypercube):
                  every dimension's range cut in n_points slices, one point per slice.

    Trial i's point depends only on (seed, i), so runs are reproducible under any executor and a
    resumed study continues the same sequence.
    """

    def __init__(self, space, *, qmc=None, n_points=32, seed=None):
        super().__init__(space, seed=seed)
        if qmc is not None and qmc not in QMC_DESIGNS:
            raise ValueError(f"qmc must be None (i.i.d. uniform) or one of {QMC_DESIGNS}, but got {qmc!r}")
        self.qmc = qmc
        self.n_points = check_count(n_points, "n_points (the size of one Latin-hypercube design)")
        self._designs = {}  # LHS block number -> (n_points, d) array
        self._sobol = None

    def unit_point(self, i: int):
        """The i-th point in [0, 1]^d."""
        i, d = int(i), len(self.space)  # int(): Sobol's fast_forward refuses numpy integers
        if self.qmc is None:
            return self.trial_rng(i).random(d)
        if self.qmc == "sobol":
            if self._sobol is None:
                self._sobol = scipy_qmc.Sobol(d, scramble=True, seed=self.trial_rng(0, stream=1))
            if self._sobol.num_generated != i:  # jump to point i (a resumed run, or out-of-order asks)
                self._sobol.reset()
                if i > 0:
                    self._sobol.fast_forward(i)
            return self._sobol.random(1)[0]
        block, row = divmod(i, self.n_points)
        if block not in self._designs:
            engine = scipy_qmc.LatinHypercube(d, seed=self.trial_rng(block, stream=2))
            self._designs = {block: engine.random(self.n_points)}  # keep only the current block
        return self._designs[block][row]

    def ask(self):
        return self._new_trial(self.space.from_unit(self.unit_point(self._next_id))[0])


def hit_probability(n, q):
    """P(at least one of n independent random trials lands in the top q fraction) = 1 - (1 - q)^n.

    The top q fraction is a quantile of the *sampling distribution*: the statement holds for any
    objective, and says nothing about how close that quantile is to the optimum.
    """
    if not 0 < q < 1:
        raise ValueError(f"q (the top fraction) must be in (0, 1), but got {q!r}")
    if n < 0:
        raise ValueError(f"n (the number of trials) must be >= 0, but got {n!r}")
    return 1.0 - (1.0 - q) ** n


def trials_needed(q, p):
    """The fewest random trials with P(at least one in the top q fraction) >= p:
    n = ceil(ln(1 - p) / ln(1 - q)); q = 5%, p = 95% gives 59."""
    if not (0 < q < 1 and 0 < p < 1):
        raise ValueError(f"q and p must both be in (0, 1), but got q={q!r}, p={p!r}")
    n = math.log(1 - p) / math.log(1 - q)
    return math.ceil(n - 1e-12)  # 1e-12: an exact integer ratio must not round up by float noise
