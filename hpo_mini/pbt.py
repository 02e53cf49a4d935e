"""Population-based training (Jaderberg et al. 2017, "Population based training of neural networks",
arXiv:1711.09846): train a population of models in steps; every `ready_every` steps the worst members
copy the weights *and* hyperparameters of the best (exploit) and perturb or resample them (explore).
Its result is a hyperparameter *schedule*, not one config.

PBT is not ask/tell: a member is not a trial that finishes, it is a model that keeps training, so PBT
drives a checkpointable task itself through the seam

    state = task.initial_state(rng)
    loss, state = task.step(config, state, n_steps, rng)

(`tasks/noisy_quadratic.py` and `tasks/training.py` speak it).

    result = PBT(space, population=8, seed=0).run(task, n_steps=400)
    result.schedule("lr"), result.lineage()
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from .space import Categorical, Int, as_space, check_count
from .study import is_failure

__all__ = ["truncation_exploit", "perturb", "resample", "PBTResult", "PBT"]


def _number_in(value, lo, hi) -> bool:
    """Is value a real number (not a bool) in [lo, hi]?"""
    return isinstance(value, Real) and not isinstance(value, bool) and lo <= value <= hi


# -- population-based training ----------------------------------------------------------------------
def truncation_exploit(losses, fraction, rng) -> np.ndarray:
    """Jaderberg et al. (2017, sec. 3.2, "truncation selection"): rank the members by loss; each member
    in the bottom `fraction` copies a member drawn uniformly from the top `fraction`. Returns donors:
    donors[m] is the member whose weights and hyperparameters m continues from (m itself if kept).
    NaN losses (diverged members) rank last."""
    losses = np.nan_to_num(np.asarray(losses, dtype=float), nan=np.inf)
    n = losses.size
    if not _number_in(fraction, 0, 0.5) or fraction == 0:
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
        self.population = check_count(population, "population")
        if self.population < 2:
            raise ValueError(f"population must be >= 2, but got {population!r}")
        self.ready_every = check_count(ready_every, "ready_every (training steps per round)")
        if exploit not in ("truncation", "none"):
            raise ValueError(f"exploit must be 'truncation' or 'none', but got {exploit!r}")
        if explore not in ("perturb", "resample"):
            raise ValueError(f"explore must be 'perturb' or 'resample', but got {explore!r}")
        if not _number_in(fraction, 0, 0.5) or fraction == 0:
            raise ValueError(f"fraction must be in (0, 0.5], but got {fraction!r}")
        if not perturb_factors or any(not _number_in(f, 0, math.inf) or f == 0 for f in perturb_factors):
            raise ValueError(f"perturb_factors must be positive numbers such as (0.8, 1.2), got {perturb_factors!r}")
        if not _number_in(resample_probability, 0, 1):
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
        n_steps = check_count(n_steps, "n_steps")
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
