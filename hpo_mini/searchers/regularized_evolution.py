"""Regularized ("aging") evolution: Real, Aggarwal, Huang & Le, "Regularized Evolution for Image Classifier
Architecture Search", AAAI 2019, Algorithm 1.

    population <- P random configs, each evaluated (and added to history)
    repeat:
        sample <- S members of the population, drawn uniformly (with replacement, as in Algorithm 1)
        parent <- the best of the sample                            (tournament selection)
        child  <- mutate(parent): one dimension changed to a different value
        evaluate child; append it to the population and the history
        remove the OLDEST member of the population                 (aging: not the worst)

Aging is the "regularization": every member dies after P more births however good it was, so a config
survives only by passing its traits on; one lucky evaluation on a noisy objective cannot rule the
population for ever (Real et al., sec. 3 and 5). Removing the worst instead is the non-aging baseline.

Mutation in a space of named dimensions: choose one dimension uniformly among the active ones (all of
them, or `active(config)` for a conditional space such as `tasks/architectures.py`'s) and give it a value
different from the parent's: another choice of a categorical, another integer of an Int, a uniform new
value of a Float (log-uniform on a log dimension), all via the unit cube (`Space.to_unit` / `snap`).

Ask/tell, asynchronous like the paper's workers: trial ids 0 .. P-1 are random configs; every later ask
breeds a child from the population *told so far* (random again while nothing has been told), so it never
waits. A failed trial (None / NaN) joins the population with loss +inf: it is never chosen as a parent
while a success is in the sample, and ages out like any member. Trial i's draws come from `trial_rng(i)`,
so a study resumed from its journal (its trials told again in order) continues the same run.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..space import Categorical, check_count
from ..study import is_failure
from .base import Searcher

__all__ = ["mutate_one", "RegularizedEvolution"]

STREAM_RANDOM, STREAM_BREED = 31, 32  # trial_rng streams: the random first population, and children
MAX_REDRAWS = 100  # a Float's "different value" is redrawn while it decodes to the parent's (a tiny range)


def mutate_one(space, config, rng, active=None) -> tuple[dict, str]:
    """(child, the name of the mutated dimension): `config` with one dimension, chosen uniformly among
    `active` (a list of names; default all), set to a different value, uniformly (Real et al. 2019, sec. 3)."""
    names = list(space.names if active is None else active)
    if not names:
        raise ValueError(f"no dimension to mutate in {config!r}: active() returned no names")
    name = names[int(rng.integers(len(names)))]
    dim = space[name]
    child = dict(config)
    u_parent = space.to_unit(config)[0][space.names.index(name)]
    if isinstance(dim, Categorical):
        k = len(dim.choices)
        other = (dim.slice_index(np.array([u_parent]))[0] + rng.integers(1, max(k, 2))) % k  # never the same (k > 1)
        child[name] = dim.choices[int(other)]
        return child, name
    for _ in range(MAX_REDRAWS):  # Int and Float: a uniform value of the unit cube that decodes differently
        value = dim.python_value(dim.from_unit(dim.snap(np.array([rng.random()])))[0])
        if value != config[name]:
            child[name] = value
            break
    return child, name


class RegularizedEvolution(Searcher):
    """Regularized evolution (Real et al. 2019, Algorithm 1; see the module docstring).

    population: P, the members kept alive (the paper's P = 100 for NAS; 10-50 for small budgets).
    sample:     S, the tournament size (1 <= S <= P; S = 1 is no selection, S = P always picks the best).
    active:     optional function config -> names of the dimensions that matter (a conditional space);
                mutation changes only those, so no child is the same network under another name.
    aging:      True removes the oldest member (regularized evolution); False the worst (non-aging
                evolution, the paper's baseline).

    Learned state: `population_`, a deque of (trial id, config, loss) oldest first; `lineage_`, {trial id:
    (parent trial id or None, mutated dimension or None)}.
    """

    def __init__(self, space, *, population=20, sample=5, seed=None, active=None, aging=True):
        super().__init__(space, seed=seed)
        self.population = check_count(population, "population")
        self.sample = check_count(sample, "sample (the tournament size)")
        if self.sample > self.population:
            raise ValueError(f"sample must be <= population = {self.population}, but got {sample!r}")
        if active is not None and not callable(active):
            raise TypeError(f"active must be a function config -> list of dimension names, but got {active!r}")
        self.active, self.aging = active, bool(aging)
        self.population_ = deque()
        self.lineage_ = {}

    def __repr__(self):
        return (f"RegularizedEvolution(population={self.population}, sample={self.sample}, aging={self.aging}, "
                f"seed={self.seed!r})")

    def ask(self):
        trial_id = self._next_id
        if trial_id < self.population or not self.population_:
            config = self.space.sample(self.trial_rng(trial_id, stream=STREAM_RANDOM))[0]
            parent, name = None, None
        else:
            rng = self.trial_rng(trial_id, stream=STREAM_BREED)
            members = list(self.population_)
            entrants = rng.integers(0, len(members), size=self.sample)  # with replacement (Algorithm 1)
            parent_id, parent_config, _ = min((members[i] for i in entrants), key=lambda m: (m[2], m[0]))
            active = None if self.active is None else self.active(parent_config)
            config, name = mutate_one(self.space, parent_config, rng, active)
            parent = parent_id
        trial = self._new_trial(config)
        self.lineage_[trial.id] = (parent, name)
        return trial

    def tell(self, trial, value):
        super().tell(trial, value)
        loss = np.inf if is_failure(value) else float(value)
        self.population_.append((trial.id, dict(trial.config), loss))
        if len(self.population_) > self.population:
            if self.aging:
                self.population_.popleft()  # Algorithm 1: remove the oldest
            else:
                worst = max(range(len(self.population_)), key=lambda i: (self.population_[i][2], -i))
                del self.population_[worst]
