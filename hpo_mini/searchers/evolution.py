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

import copy
import math
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

from ..space import Categorical, Int, as_space
from .base import Searcher, is_failure

__all__ = [
    "GeneticAlgorithm",
    "tournament_probabilities",
    "tournament_select",
    "uniform_crossover",
    "blend_crossover",
    "mutate",
    "PBT",
    "PBTResult",
    "truncation_exploit",
    "perturb",
    "resample",
]

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
    n, k = _positive_int(n, "n (the population size)"), _positive_int(k, "k (the tournament size)")
    i = np.arange(1, n + 1, dtype=float)
    return ((n - i + 1) ** k - (n - i) ** k) / float(n) ** k


def tournament_select(losses, n_picks: int, k: int, rng) -> np.ndarray:
    """Indices of `n_picks` parents: each is the lowest loss among k members drawn with replacement.
    Ties go to the lower index; NaN losses (failed members) count as +inf."""
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty 1-D array, but got shape {losses.shape}")
    k, n_picks = _positive_int(k, "k (the tournament size)"), int(n_picks)
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
    for j in _categorical_columns(space, a.shape[-1]):
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
    for j in _categorical_columns(space, d):
        k = len(space[space.names[j]].choices)
        index = np.clip(np.floor(U[:, j] * k), 0, k - 1).astype(int)
        other = (index + rng.integers(1, max(k, 2), size=n)) % k  # never the same choice (when k > 1)
        out[:, j] = np.where(mask[:, j], (other + 0.5) / k, U[:, j])
    return out, mask


def _reflect(u):
    """Fold real numbers into [0, 1] like a mirror: -0.1 -> 0.1, 1.2 -> 0.8."""
    u = np.mod(u, 2.0)
    return np.where(u > 1.0, 2.0 - u, u)


def _categorical_columns(space, d):
    if space is None:
        return []
    space = as_space(space)
    if len(space) != d:
        raise ValueError(f"points have {d} coordinates but the space has {len(space)} ({space.names})")
    return [j for j, name in enumerate(space.names) if isinstance(space[name], Categorical)]


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, but got {value!r}")
    return int(value)


# -- the genetic algorithm --------------------------------------------------------------------------
class GeneticAlgorithm(Searcher):
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

    After each completed generation, `generations_` gains a record: generation, points (P, d), configs,
    losses (NaN for failed), parents (P, 2) indices into the previous generation (-1 for the first),
    elite (bool, carried over), crossed (bool) and mutated ((P, d) bool) masks, and bred: each member's
    point after crossover and before mutation (equal to its point for elites and the first generation).
    """

    def __init__(self, space, *, population=10, seed=None, selection="tournament", tournament_size=3,
                 crossover="blend", crossover_rate=0.9, blend_alpha=0.5, mutation_rate=None,
                 mutation_scale=0.1, elitism=1):
        super().__init__(space, seed=seed)
        self.population = _positive_int(population, "population")
        if self.population < 2:
            raise ValueError(f"population must be >= 2 to have parents to mix, but got {population!r}")
        if selection != "tournament":
            raise ValueError(f"selection must be 'tournament', but got {selection!r}")
        if crossover not in CROSSOVERS:
            raise ValueError(f"crossover must be one of {CROSSOVERS}, but got {crossover!r}")
        self.tournament_size = _positive_int(tournament_size, "tournament_size")
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
        self.generation = 0
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
        self._points, self._losses, self._parents = points, losses, parents
        self._elite, self._crossed, self._mutated, self._bred = elite, crossed, mutated, bred
        self._told = np.arange(self.population) < n_known  # elites are known already
        self._next_slot = n_known
        self._slot_of = {}  # trial id -> slot, for asked trials not yet told

    # -- the protocol ------------------------------------------------------------------------------
    def ask(self):
        if self._next_slot >= self.population:
            return None  # the whole generation is out: wait for its results (the runner waits)
        slot = self._next_slot
        self._next_slot += 1
        trial = self._new_trial(self.space.from_unit(self._points[slot])[0])
        self._slot_of[trial.id] = slot
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        slot = self._slot_of.pop(trial.id, None)
        if slot is None:  # a trial we did not ask (a resumed journal): it fills the next open slot
            if self._next_slot >= self.population:
                return
            slot = self._next_slot
            self._next_slot += 1
            if self.space.from_unit(self._points[slot])[0] != trial.config:  # else keep the exact point
                self._points[slot] = self.space.to_unit(trial.config)[0]
        self._losses[slot] = np.nan if is_failure(value) else float(value)
        self._told[slot] = True
        if self._told.all():
            self._breed()

    # -- one generation -> the next ----------------------------------------------------------------
    def _breed(self):
        P, e = self.population, self.elitism
        self.generations_.append({
            "generation": self.generation, "points": self._points.copy(), "losses": self._losses.copy(),
            "configs": self.space.from_unit(self._points), "parents": self._parents, "elite": self._elite,
            "crossed": self._crossed, "mutated": self._mutated, "bred": self._bred,
        })
        rng = self.trial_rng(self.generation + 1, stream=STREAM_BREED)
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
        self.generation += 1
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


# -- population-based training ----------------------------------------------------------------------
def truncation_exploit(losses, fraction, rng) -> np.ndarray:
    """Jaderberg et al. (2017, sec. 3.2, "truncation selection"): rank the members by loss; each member
    in the bottom `fraction` copies a member drawn uniformly from the top `fraction`. Returns donors:
    donors[m] is the member whose weights and hyperparameters m continues from (m itself if kept).
    NaN losses (diverged members) rank last."""
    losses = np.nan_to_num(np.asarray(losses, dtype=float), nan=np.inf)
    n = losses.size
    if not 0 < fraction <= 0.5:
        raise ValueError(f"fraction must be in (0, 0.5] (bottom and top must not overlap), but got {fraction!r}")
    n_cut = max(1, int(fraction * n))  # as Ray Tune: int(quantile_fraction * population)
    order = np.lexsort((np.arange(n), losses))
    donors = np.arange(n)
    donors[order[n - n_cut:]] = np.random.default_rng(rng).choice(order[:n_cut], size=n_cut)
    return donors


def perturb(config, space, rng, factors=(0.8, 1.2), resample_probability=0.25) -> dict:
    """Jaderberg et al. (2017, sec. 3.2, "perturb"): multiply each numeric hyperparameter by a factor
    drawn from `factors`, clipped to its range (integers rounded); a categorical one is redrawn
    uniformly with probability `resample_probability`."""
    space, rng = as_space(space), np.random.default_rng(rng)
    out = {}
    for name, dim in space.dimensions.items():
        value = config[name]
        if isinstance(dim, Categorical):
            if rng.random() < resample_probability:
                value = dim.choices[rng.integers(len(dim.choices))]
        else:
            value = float(np.clip(value * factors[rng.integers(len(factors))], dim.lo, dim.hi))
            if isinstance(dim, Int):
                value = int(np.clip(round(value), dim.lo, dim.hi))
        out[name] = value
    return space.validate(out)


def resample(config, space, rng, probability=0.25) -> dict:
    """Jaderberg et al. (2017, sec. 3.2, "resample"): each hyperparameter is redrawn from its prior
    (uniform in the unit cube: log-uniform on a log scale) with probability `probability`."""
    space, rng = as_space(space), np.random.default_rng(rng)
    fresh = space.sample(rng)[0]
    return space.validate({name: fresh[name] if rng.random() < probability else config[name] for name in space})


@dataclass
class PBTResult:
    """What a PBT run did. Rounds r = 0 .. R-1 of `ready_every` steps each.

    losses[r, m]:  member m's loss at the end of round r (NaN: diverged);
    configs[r][m]: the hyperparameters member m trained with during round r;
    donors[r, m]:  the member whose weights and hyperparameters m continued from after round r
                   (m itself when it was not replaced; the last row is always m);
    steps[r]:      training steps per member done by the end of round r.
    """

    losses: np.ndarray
    configs: list
    donors: np.ndarray
    steps: np.ndarray
    space: object = field(repr=False)

    @property
    def best_member(self) -> int:
        return int(np.nanargmin(self.losses[-1]))

    @property
    def best_loss(self) -> float:
        return float(np.nanmin(self.losses[-1]))

    @property
    def total_steps(self) -> int:
        """The compute spent: training steps summed over the population."""
        return int(self.steps[-1] * self.losses.shape[1])

    def lineage(self, member=None) -> np.ndarray:
        """lineage[r]: the member whose training in round r the final `member` (default: the best) descends
        from. Walk back through the donors: in round r + 1 member m continued from donors[r, m]."""
        m = self.best_member if member is None else int(member)
        path = np.empty(len(self.losses), dtype=int)
        for r in range(len(self.losses) - 1, -1, -1):
            path[r] = m
            if r > 0:
                m = self.donors[r - 1, m]
        return path

    def schedule(self, name, member=None) -> np.ndarray:
        """The value of hyperparameter `name` in each round along the lineage of `member` (default: the
        best): the hyperparameter schedule PBT found."""
        if name not in self.space.names:
            raise ValueError(f"unknown hyperparameter {name!r}; the space has {self.space.names}")
        return np.array([self.configs[r][m][name] for r, m in enumerate(self.lineage(member))])


class PBT:
    """Population-based training (Jaderberg et al. 2017, arXiv:1711.09846), synchronous version.

    P members train side by side. Every `ready_every` steps (a round), members are ranked by their
    current loss; with exploit="truncation" each member of the bottom `fraction` copies the weights
    *and* hyperparameters of a member of the top `fraction` (exploit), then changes the copied
    hyperparameters (explore): "perturb" multiplies each by 0.8 or 1.2 (`perturb_factors`), "resample"
    redraws each from the prior with probability `resample_probability`. exploit="none" never copies:
    P independent runs with fixed random hyperparameters, which is random search with the same compute
    and the same initial draws (the fair baseline).

    The seam with the task: PBT needs models it can pause, copy and resume, which a one-shot objective
    config -> loss cannot offer. A *checkpointable task* has

        task.initial_state(rng) -> state                           # fresh weights
        task.step(config, state, n_steps, rng) -> (loss, state)    # train n_steps more, then validate

    where `step` must not modify `state` in place (PBT deep-copies a state when a member is replaced).
    A non-finite loss (a diverged member) ranks last and is replaced at the next exploit.

    Why `PBT(...).run(task, n_steps)` and not ask/tell: a member is not a trial. It lives for the whole
    run, its next hyperparameters depend on the *other* members' losses at the same step, and exploit
    moves weights between members, which the ask/tell protocol (configs in, losses out) never sees. One
    can force PBT into ask/tell (a trial = one member for one round, the weights saved to disk under the
    member's id; Ray Tune does this with checkpoints), but the loop below shows the idea without that
    plumbing. It is synchronous (all members finish a round, then exploit); the paper's version is
    asynchronous, each member exploiting as soon as it is ready.
    """

    def __init__(self, space, *, population=10, ready_every=10, exploit="truncation", explore="perturb",
                 fraction=0.25, perturb_factors=(0.8, 1.2), resample_probability=0.25, seed=None):
        self.space = as_space(space)
        self.population = _positive_int(population, "population")
        if self.population < 2:
            raise ValueError(f"population must be >= 2, but got {population!r}")
        self.ready_every = _positive_int(ready_every, "ready_every (training steps per round)")
        if exploit not in ("truncation", "none"):
            raise ValueError(f"exploit must be 'truncation' or 'none', but got {exploit!r}")
        if explore not in ("perturb", "resample"):
            raise ValueError(f"explore must be 'perturb' or 'resample', but got {explore!r}")
        if not 0 < fraction <= 0.5:
            raise ValueError(f"fraction must be in (0, 0.5], but got {fraction!r}")
        if not perturb_factors or any(not isinstance(f, Real) or f <= 0 for f in perturb_factors):
            raise ValueError(f"perturb_factors must be positive numbers such as (0.8, 1.2), got {perturb_factors!r}")
        if not 0 <= resample_probability <= 1:
            raise ValueError(f"resample_probability must be in [0, 1], but got {resample_probability!r}")
        self.exploit, self.explore, self.fraction = exploit, explore, fraction
        self.perturb_factors, self.resample_probability = tuple(perturb_factors), resample_probability
        self.seed = seed
        self._entropy = np.random.SeedSequence(seed).entropy

    def __repr__(self):
        return (f"PBT(population={self.population}, ready_every={self.ready_every}, exploit={self.exploit!r}, "
                f"explore={self.explore!r}, seed={self.seed!r})")

    def _rng(self, *key):
        return np.random.default_rng([self._entropy, *key])

    def _explore(self, config, rng):
        if self.explore == "perturb":
            return perturb(config, self.space, rng, self.perturb_factors, self.resample_probability)
        return resample(config, self.space, rng, self.resample_probability)

    def run(self, task, n_steps) -> PBTResult:
        """Train the population for `n_steps` steps per member; returns a PBTResult."""
        for method in ("initial_state", "step"):
            if not callable(getattr(task, method, None)):
                raise TypeError(f"{task!r} has no {method}() method: PBT needs a checkpointable task "
                                "with initial_state(rng) and step(config, state, n_steps, rng) -> (loss, state)")
        n_steps = _positive_int(n_steps, "n_steps")
        P = self.population
        configs = self.space.sample(self._rng(0, 0), P)  # the same draws for exploit="none"
        states = [task.initial_state(self._rng(1, m)) for m in range(P)]
        n_rounds = math.ceil(n_steps / self.ready_every)
        all_losses, all_configs = np.full((n_rounds, P), np.nan), []
        donors, steps = np.tile(np.arange(P), (n_rounds, 1)), np.zeros(n_rounds, dtype=int)
        for r in range(n_rounds):
            k = min(self.ready_every, n_steps - r * self.ready_every)
            for m in range(P):
                loss, states[m] = task.step(configs[m], states[m], k, self._rng(2, r, m))
                all_losses[r, m] = np.nan if is_failure(loss) else float(loss)
            all_configs.append([dict(c) for c in configs])
            steps[r] = (steps[r - 1] if r else 0) + k
            if self.exploit == "none" or r == n_rounds - 1:
                continue
            rng = self._rng(3, r)
            donors[r] = truncation_exploit(all_losses[r], self.fraction, rng)
            for m in np.nonzero(donors[r] != np.arange(P))[0]:
                states[m] = copy.deepcopy(states[donors[r, m]])  # exploit: the donor's weights...
                configs[m] = self._explore(configs[donors[r, m]], rng)  # ...and its hyperparameters, explored
        return PBTResult(all_losses, all_configs, donors, steps, self.space)
