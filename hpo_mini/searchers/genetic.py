"""Evolutionary search: a genetic algorithm that speaks ask/tell, and population-based training.

**Genetic algorithm** (Holland 1975; the operators as in Eiben & Smith, *Introduction to Evolutionary
Computing*, 2nd ed. 2015, ch. 4-5). A population of P points of the unit cube (`Space.to_unit`) evolves
one generation at a time:

    1. evaluate every member;
    2. selection: pick parents by tournament (k members drawn with replacement, the best one wins);
    3. crossover: mix two parents gene by gene ("uniform") or blend them ("blend", BLX-alpha);
    4. mutation: move each gene with probability `mutation_rate` (Gaussian step in the unit cube,
       reflected at the borders; a categorical gene jumps to another choice);
    plus elitism: the best `elitism` members survive unchanged into the next generation.

In the unit cube a log dimension is mutated on its log scale, and after every operator a point is
*snapped* (`Space.snap`): an integer or a choice owns a slice of [0, 1], and the child moves to the centre
of its slice, so every child decodes to a valid config. Elites are carried over with their known loss and
are not evaluated again (on a noisy objective a lucky elite therefore lives on: re-evaluate the winner).

**Ask/tell.** A generation is asked trial by trial, so the GA runs in `optimize` and under an executor.
A generation is a barrier: when all P members of the current generation have been asked but some are
still running (asks outrun tells), `ask()` returns None and the runner waits for a result; the next
generation is bred when the last member is told. With w workers, up to w - 1 of them idle at the end of
each generation (choose P a multiple of w). Children are bred from a generator seeded by (seed,
generation) and members are kept in slot order, so the order in which results arrive changes nothing:
same seed, same run, sequential or parallel. A failed trial (None / NaN) ranks below every success.

**PBT** (Jaderberg et al. 2017, "Population based training of neural networks", arXiv:1711.09846): see
`PBT` below; it trains a population of models in steps and moves weights *and* hyperparameters between
them, so its result is a hyperparameter schedule.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ..space import Categorical, as_space, check_count
from .base import GenerationSearcher

__all__ = ["tournament_probabilities", "tournament_select", "uniform_crossover", "blend_crossover", "mutate", "GeneticAlgorithm"]

CROSSOVERS = ("uniform", "blend")
STREAM_INITIAL, STREAM_BREED = 11, 12  # trial_rng streams: the first population, and breeding


# -- the four operators, as pure functions on unit points ------------------------------------------
def tournament_probabilities(n: int, k: int) -> np.ndarray:
    """P(the member of rank i wins a tournament), i = 1 (best) .. n, for k entrants drawn uniformly
    *with replacement* from n members with distinct losses:

        P(rank i) = ((n - i + 1)^k - (n - i)^k) / n^k

    (the winner has rank >= i iff all k entrants have rank >= i: probability ((n - i + 1) / n)^k).
    k = 1 is uniform (no selection pressure); a larger k favours the best more strongly.
    """
    n, k = check_count(n, "n (the population size)"), check_count(k, "k (the tournament size)")
    i = np.arange(1, n + 1, dtype=float)
    return ((n - i + 1) ** k - (n - i) ** k) / float(n) ** k


def tournament_select(losses, n_picks: int, k: int, rng) -> np.ndarray:
    """Indices of `n_picks` parents: each is the lowest loss among k members drawn with replacement.
    Ties go to the lower index; NaN losses (failed members) count as +inf."""
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty 1-D array, but got shape {losses.shape}")
    k, n_picks = check_count(k, "k (the tournament size)"), check_count(n_picks, "n_picks", low=0)
    rank = np.empty(losses.size, dtype=int)  # rank 0 = best; NaN last, ties by index
    rank[np.lexsort((np.arange(losses.size), np.nan_to_num(losses, nan=np.inf)))] = np.arange(losses.size)
    entrants = np.random.default_rng(rng).integers(0, losses.size, size=(n_picks, k))
    return entrants[np.arange(n_picks), np.argmin(rank[entrants], axis=1)]


def uniform_crossover(a, b, rng) -> np.ndarray:
    """Each gene of the child comes from parent a or parent b with probability 1/2 (Syswerda 1989)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.where(np.random.default_rng(rng).random(a.shape) < 0.5, a, b)


def blend_crossover(a, b, rng, alpha=0.5, space=None) -> np.ndarray:
    """BLX-alpha (Eshelman & Schaffer 1993): each numeric gene uniform in [lo - alpha w, hi + alpha w],
    where [lo, hi] spans the parents' genes and w = hi - lo, clipped to [0, 1]. Categorical genes (when
    `space` is given) have no "between": they are inherited by uniform crossover."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(rng)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    width = hi - lo
    child = np.clip(lo - alpha * width + rng.random(a.shape) * (1 + 2 * alpha) * width, 0.0, 1.0)
    swap = uniform_crossover(a, b, rng)
    for j, _ in _categorical_dimensions(space, a.shape[-1]):
        child[..., j] = swap[..., j]
    return child


def mutate(U, rng, rate, scale=0.1, space=None):
    """Mutate unit points U (n, d): each gene with probability `rate`, and at least one gene per point
    (a child identical to its parent would waste an evaluation). Returns (mutated U, mask of the genes
    that were mutated).

    Numeric genes: u + scale * N(0, 1), reflected back into [0, 1] (clipping would pile children up on
    the borders). Categorical genes (when `space` is given): a different choice, uniformly.
    The caller snaps the result (`Space.snap`) so integers and choices land on their slices.
    """
    U = np.atleast_2d(np.asarray(U, dtype=float)).copy()
    rng = np.random.default_rng(rng)
    n, d = U.shape
    mask = rng.random((n, d)) < rate
    mask[np.arange(n), rng.integers(0, d, size=n)] = True  # at least one gene per point
    stepped = _reflect(U + scale * rng.standard_normal((n, d)))
    out = np.where(mask, stepped, U)
    for j, dim in _categorical_dimensions(space, d):
        k = len(dim.choices)
        other = (dim.slice_index(U[:, j]) + rng.integers(1, max(k, 2), size=n)) % k  # never the same (k > 1)
        out[:, j] = np.where(mask[:, j], dim.slice_centre(other), U[:, j])
    return out, mask


def _reflect(u):
    """Fold real numbers into [0, 1] like a mirror: -0.1 -> 0.1, 1.2 -> 0.8."""
    u = np.mod(u, 2.0)
    return np.where(u > 1.0, 2.0 - u, u)


def _categorical_dimensions(space, d):
    """[(column j, its Categorical)] of the space (none when space is None)."""
    if space is None:
        return []
    space = as_space(space)
    if len(space) != d:
        raise ValueError(f"points have {d} coordinates but the space has {len(space)} ({space.names})")
    return [(j, space[name]) for j, name in enumerate(space.names) if isinstance(space[name], Categorical)]


# -- the genetic algorithm --------------------------------------------------------------------------
class GeneticAlgorithm(GenerationSearcher):
    """A generational GA over the unit cube of the space (see the module docstring).

    population:       P, members per generation (>= 2).
    selection:        "tournament" (the only one here; `tournament_size` k sets the selection pressure,
                      k = 1 is no pressure at all, see `tournament_probabilities`).
    crossover:        "blend" (BLX-alpha with `blend_alpha`, default) or "uniform"; applied to a pair of
                      parents with probability `crossover_rate`, else the child starts as parent a.
    mutation_rate:    probability per gene (default 1 / d, the classic rate; Baeck 1993); at least one
                      gene of every child is mutated. `mutation_scale`: the standard deviation of a
                      numeric gene's step, in the unit cube (0.1 = a tenth of the range).
    elitism:          the best `elitism` members carried into the next generation unevaluated (0 to P - 1).

    Learned state: `generation_`, the number of completed generations (the one being asked now), and
    `generations_`: after each completed generation it gains a record: generation, points (P, d), configs,
    losses (NaN for failed), parents (P, 2) indices into the previous generation (-1 for the first),
    elite (bool, carried over), crossed (bool) and mutated ((P, d) bool) masks, and bred: each member's
    point after crossover and before mutation (equal to its point for elites and the first generation).
    """

    def __init__(self, space, *, population=10, seed=None, selection="tournament", tournament_size=3,
                 crossover="blend", crossover_rate=0.9, blend_alpha=0.5, mutation_rate=None,
                 mutation_scale=0.1, elitism=1):
        super().__init__(space, seed=seed)
        self.population = check_count(population, "population")
        if self.population < 2:
            raise ValueError(f"population must be >= 2 to have parents to mix, but got {population!r}")
        if selection != "tournament":
            raise ValueError(f"selection must be 'tournament', but got {selection!r}")
        if crossover not in CROSSOVERS:
            raise ValueError(f"crossover must be one of {CROSSOVERS}, but got {crossover!r}")
        self.tournament_size = check_count(tournament_size, "tournament_size")
        d = len(self.space)
        self.mutation_rate = 1.0 / d if mutation_rate is None else mutation_rate
        for name, value, hi in (("crossover_rate", crossover_rate, 1), ("mutation_rate", self.mutation_rate, 1),
                                ("mutation_scale", mutation_scale, math.inf), ("blend_alpha", blend_alpha, math.inf)):
            if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= hi:
                raise ValueError(f"{name} must be a number in [0, {hi}], but got {value!r}")
        if isinstance(elitism, bool) or not isinstance(elitism, Integral) or not 0 <= elitism < self.population:
            raise ValueError(f"elitism must be an integer in [0, population - 1 = {self.population - 1}], "
                             f"but got {elitism!r}")
        self.selection, self.crossover, self.elitism = selection, crossover, int(elitism)
        self.crossover_rate, self.blend_alpha, self.mutation_scale = crossover_rate, blend_alpha, mutation_scale
        self.generation_ = 0
        self.generations_ = []
        first = self.space.snap(self.trial_rng(0, stream=STREAM_INITIAL).random((self.population, d)))
        P = self.population
        self._start_generation(first, np.full(P, np.nan), np.full((P, 2), -1), np.zeros(P, bool),
                               np.zeros(P, bool), np.zeros((P, d), bool), first.copy(), n_known=0)

    def __repr__(self):
        return (f"GeneticAlgorithm(population={self.population}, tournament_size={self.tournament_size}, "
                f"crossover={self.crossover!r}, mutation_rate={self.mutation_rate:g}, elitism={self.elitism}, "
                f"seed={self.seed!r})")

    def _start_generation(self, points, losses, parents, elite, crossed, mutated, bred, n_known):
        self._parents = parents
        self._elite, self._crossed, self._mutated, self._bred = elite, crossed, mutated, bred
        self._start_slots(points, losses, n_known)  # elites are known already

    # -- one generation -> the next ----------------------------------------------------------------
    def _generation_done(self):  # breed the next generation
        P, e = self.population, self.elitism
        self.generations_.append({
            "generation": self.generation_, "points": self._points.copy(), "losses": self._losses.copy(),
            "configs": self.space.from_unit(self._points), "parents": self._parents, "elite": self._elite,
            "crossed": self._crossed, "mutated": self._mutated, "bred": self._bred,
        })
        rng = self.trial_rng(self.generation_ + 1, stream=STREAM_BREED)
        losses = np.nan_to_num(self._losses, nan=np.inf)  # failed members rank last
        elite = np.lexsort((np.arange(P), losses))[:e]  # the best e, ties by slot
        n_children = P - e
        parents = tournament_select(losses, 2 * n_children, self.tournament_size, rng).reshape(n_children, 2)
        a, b = self._points[parents[:, 0]], self._points[parents[:, 1]]
        if self.crossover == "blend":
            mixed = blend_crossover(a, b, rng, self.blend_alpha, self.space)
        else:
            mixed = uniform_crossover(a, b, rng)
        crossed = rng.random(n_children) < self.crossover_rate
        bred = np.where(crossed[:, None], mixed, a)
        children, mutated = mutate(bred, rng, self.mutation_rate, self.mutation_scale, self.space)
        children = self.space.snap(children)
        self.generation_ += 1
        d = len(self.space)
        self._start_generation(
            np.vstack([self._points[elite], children]),
            np.concatenate([self._losses[elite], np.full(n_children, np.nan)]),
            np.vstack([np.column_stack([elite, elite]), parents]),
            np.arange(P) < e,
            np.concatenate([np.zeros(e, bool), crossed]),
            np.vstack([np.zeros((e, d), bool), mutated]),
            np.vstack([self._points[elite], bred]),
            n_known=e,
        )
