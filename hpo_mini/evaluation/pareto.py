"""Several objectives at once (error and model size, error and latency): Pareto fronts, the 2-D
hypervolume, and random scalarization so that any single-objective searcher can trace a front.

Every objective is *minimized* (return 1 - accuracy, not accuracy). Point a dominates point b when
a <= b in every objective and a < b in at least one; the Pareto front is the set of points no other
point dominates.

    ranks = non_dominated_sort(F)                   # 0 = the front, 1 = the front once 0 is removed, ...
    front = pareto_front(F)                         # indices of the non-dominated rows of F
    hypervolume_2d(F[front], reference=(1.0, 1e6))  # area dominated by the front, up to the reference

    study = optimize_multi_objective(objective, lambda seed: TPE(space, seed=seed),
                                     ranges={"error": (0, 1), "log10_size": (2, 6)}, n_trials=60, seed=0)
    pareto_trials(study)                            # the trials on the front; objectives in user_attrs

Scalarization: the augmented Chebyshev function of ParEGO (Knowles 2006, "ParEGO: a hybrid algorithm
with on-line landscape approximation for expensive multiobjective optimization problems", IEEE TEC
10(1):50-66),

    s_lambda(f) = max_i lambda_i * f~_i  +  rho * sum_i lambda_i * f~_i,        rho = 0.05,

with f~ each objective rescaled to [0, 1] by its range and lambda drawn from the simplex. For lambda
> 0 its minimizer is Pareto-optimal, and unlike a weighted sum it reaches points on concave parts of
the front. Paria, Kandasamy & Poczos (2019, "A flexible framework for multi-objective Bayesian
optimization using random scalarizations", UAI) draw a fresh lambda from a prior at every step; an
ask/tell searcher cannot re-score its history under a new lambda, so `optimize_multi_objective` draws
one lambda per run and splits the budget over `n_weights` runs, each a plain single-objective search.
"""

from __future__ import annotations

from dataclasses import replace
from numbers import Real

import numpy as np

from ..runner import accepts_trial, optimize
from ..study import Study

__all__ = [
    "OBJECTIVES",
    "WEIGHTS",
    "dominates",
    "non_dominated_sort",
    "pareto_front",
    "hypervolume_2d",
    "random_weights",
    "augmented_chebyshev",
    "ScalarizedObjective",
    "optimize_multi_objective",
    "objective_values",
    "pareto_trials",
]

OBJECTIVES = "objectives"  # trial.user_attrs key: {name: value} of every objective
WEIGHTS = "weights"  # trial.user_attrs key: {name: lambda_i} the trial was scalarized with
RHO = 0.05  # ParEGO's value (Knowles 2006): the augmentation that breaks ties towards Pareto-optimal points


def _points(points, name="points") -> np.ndarray:
    F = np.asarray(points, dtype=float)
    if F.ndim != 2 or F.shape[1] < 1:
        raise ValueError(f"{name} must be an (n, m) array of n points with m objectives, but got shape {F.shape}")
    if not np.all(np.isfinite(F)):
        row = np.argwhere(~np.isfinite(F))[0, 0]
        raise ValueError(f"{name} must be finite, but row {row} is {F[row].tolist()}; drop failed trials first")
    return F


def dominates(a, b) -> bool:
    """a dominates b (minimization): a <= b everywhere and a < b somewhere."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(a <= b) and np.any(a < b))


def _dominance_matrix(F) -> np.ndarray:
    """D[i, j] = row i dominates row j."""
    le = np.all(F[:, None, :] <= F[None, :, :], axis=2)
    lt = np.any(F[:, None, :] < F[None, :, :], axis=2)
    return le & lt


def non_dominated_sort(points) -> np.ndarray:
    """The front index (rank) of every point: 0 for the non-dominated ones, 1 for those non-dominated
    once rank 0 is removed, and so on.

    Fast non-dominated sort (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist multiobjective
    genetic algorithm: NSGA-II", IEEE TEC 6(2):182-197, Sec. III-A): count for each point how many
    points dominate it (n_p) and which it dominates (S_p); peel off the points with n_p = 0, decrement
    the counts of the points they dominate, repeat. O(m n^2) with the dominance matrix.
    """
    F = _points(points)
    dominated_by_me = _dominance_matrix(F)  # row p: the set S_p
    n_dominating = dominated_by_me.sum(axis=0)  # n_p
    ranks = np.full(len(F), -1)
    front, rank = np.flatnonzero(n_dominating == 0), 0
    while front.size:
        ranks[front] = rank
        n_dominating = n_dominating - dominated_by_me[front].sum(axis=0)
        n_dominating[ranks >= 0] = -1  # never pick an assigned point again
        front, rank = np.flatnonzero(n_dominating == 0), rank + 1
    return ranks


def pareto_front(points) -> np.ndarray:
    """Indices of the non-dominated points (duplicates of a front point are all kept)."""
    F = _points(points)
    return np.flatnonzero(~_dominance_matrix(F).any(axis=0))


def hypervolume_2d(points, reference) -> float:
    """The area dominated by `points` and bounded by `reference` (two objectives, minimization):
    the measure of the union of the boxes [f_1, r_1] x [f_2, r_2] (Zitzler & Thiele 1998).

    Points that do not dominate the reference strictly add nothing. Sort the front by f_1; it then
    descends in f_2 and the area is a staircase sum: sum_i (f1_{i+1} - f1_i) * (r_2 - f2_i) with
    f1_{n+1} = r_1.
    """
    F = _points(points)
    r = np.asarray(reference, dtype=float)
    if F.shape[1] != 2 or r.shape != (2,) or not np.all(np.isfinite(r)):
        raise ValueError(f"hypervolume_2d needs (n, 2) points and a finite reference (r1, r2), but got points "
                         f"of shape {F.shape} and reference {reference!r}")
    F = F[np.all(F < r, axis=1)]
    if len(F) == 0:
        return 0.0
    F = F[pareto_front(F)]
    F = F[np.lexsort((F[:, 1], F[:, 0]))]
    f1_next = np.append(F[1:, 0], r[0])
    return float(np.sum((f1_next - F[:, 0]) * (r[1] - F[:, 1])))


def random_weights(n_objectives, rng=None) -> np.ndarray:
    """lambda drawn uniformly from the simplex {lambda >= 0, sum lambda = 1}: Dirichlet(1, ..., 1)."""
    if not isinstance(n_objectives, int) or n_objectives < 2:
        raise ValueError(f"n_objectives must be an integer >= 2, but got {n_objectives!r}")
    return np.random.default_rng(rng).dirichlet(np.ones(n_objectives))


def augmented_chebyshev(values, weights, *, lo=None, hi=None, rho=RHO):
    """s_lambda(f) = max_i lambda_i f~_i + rho sum_i lambda_i f~_i with f~ = (f - lo) / (hi - lo)
    (Knowles 2006). `values` is one point (m,) or many (n, m); returns a float or an (n,) array.
    lo, hi: the range of each objective (default 0 and 1, values already normalized)."""
    F = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or F.shape[-1] != w.size or np.any(w < 0):
        raise ValueError(f"weights must be m non-negative numbers, one per objective; got {weights!r} for values "
                         f"of shape {F.shape}")
    lo = np.zeros(w.size) if lo is None else np.asarray(lo, dtype=float)
    hi = np.ones(w.size) if hi is None else np.asarray(hi, dtype=float)
    if np.any(hi <= lo):
        raise ValueError(f"every range needs lo < hi, but got lo={lo.tolist()}, hi={hi.tolist()}")
    scaled = w * (F - lo) / (hi - lo)
    s = scaled.max(axis=-1) + rho * scaled.sum(axis=-1)
    return float(s) if np.ndim(s) == 0 else s


class ScalarizedObjective:
    """Wrap an objective that returns several losses into one `optimize` can minimize.

    The wrapped objective returns a dict {name: loss} (or a sequence in the order of `ranges`). The
    wrapper keeps it in trial.user_attrs[OBJECTIVES] (and the weights in user_attrs[WEIGHTS]) and
    returns `augmented_chebyshev` of it, with each objective rescaled by ranges = {name: (lo, hi)}.
    A module-level class, so process pools can pickle it.
    """

    def __init__(self, objective, weights, ranges, rho=RHO):
        if not callable(objective):
            raise TypeError(f"objective must be callable, config -> {{name: loss}}, but got {objective!r}")
        if not isinstance(ranges, dict) or len(ranges) < 2:
            raise ValueError(f"ranges must be a dict {{name: (lo, hi)}} for 2 or more objectives, but got {ranges!r}")
        self.objective, self.ranges, self.rho = objective, dict(ranges), float(rho)
        self.names = list(self.ranges)
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.shape != (len(self.names),):
            raise ValueError(f"weights must hold one number per objective {self.names}, but got {weights!r}")
        self.lo = np.array([float(self.ranges[n][0]) for n in self.names])
        self.hi = np.array([float(self.ranges[n][1]) for n in self.names])
        self._pass_trial = accepts_trial(objective)

    def values(self, result) -> np.ndarray:
        """The objective's result as an array in the order of `ranges`."""
        if isinstance(result, dict):
            missing = [n for n in self.names if n not in result]
            if missing:
                raise ValueError(f"the objective returned {result!r}, which lacks {missing}; "
                                 f"return all of {self.names}")
            result = [result[n] for n in self.names]
        if isinstance(result, (str, bytes)) or not hasattr(result, "__len__") or len(result) != len(self.names):
            raise ValueError(f"the objective must return {{name: loss}} for {self.names} (or {len(self.names)} "
                             f"numbers in that order), but returned {result!r}")
        if not all(isinstance(v, Real) and not isinstance(v, bool) for v in result):
            raise ValueError(f"every objective value must be a number, but got {result!r}")
        return np.array(result, dtype=float)

    def __call__(self, config, *budget, trial=None):
        result = (self.objective(config, *budget, trial=trial) if self._pass_trial
                  else self.objective(config, *budget))
        f = self.values(result)
        if trial is not None:
            trial.user_attrs[OBJECTIVES] = dict(zip(self.names, f.tolist()))
            trial.user_attrs[WEIGHTS] = dict(zip(self.names, self.weights.tolist()))
        if not np.all(np.isfinite(f)):
            return float("nan")  # the runner records a failed trial
        return augmented_chebyshev(f, self.weights, lo=self.lo, hi=self.hi, rho=self.rho)


def optimize_multi_objective(objective, make_searcher, ranges, *, n_trials, n_weights=4, rho=RHO, seed=None,
                             executor=None, progress=False) -> Study:
    """Trace a Pareto front with any single-objective searcher: `n_weights` runs, each minimizing the
    augmented Chebyshev scalarization under its own random lambda (see the module docstring).

    objective:     config -> {name: loss} for every name in `ranges` (or a sequence in that order).
    make_searcher: seed -> a fresh searcher, e.g. `lambda seed: TPE(space, seed=seed)`.
    ranges:        {name: (lo, hi)}: a typical range of each loss, used to rescale it to [0, 1].
    n_trials:      the total budget, split as evenly as possible over the runs.
    Returns one Study (direction "minimize") holding every run's trials, renumbered 0, 1, ...; each
    trial's user_attrs hold OBJECTIVES, WEIGHTS and "run". Its values are scalarized under different
    lambdas, so compare trials with `objective_values` / `pareto_trials`, not `study.best_trial`.
    """
    if not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, but got {n_trials!r}")
    if not isinstance(n_weights, int) or not 1 <= n_weights <= n_trials:
        raise ValueError(f"n_weights must be an integer in [1, n_trials={n_trials}], but got {n_weights!r}")
    if not callable(make_searcher):
        raise TypeError(f"make_searcher must be a function seed -> searcher, but got {make_searcher!r}")
    if not isinstance(ranges, dict) or len(ranges) < 2:
        raise ValueError(f"ranges must be a dict {{name: (lo, hi)}} for 2 or more objectives, but got {ranges!r}")
    seeds = np.random.SeedSequence(seed).spawn(n_weights + 1)
    weight_rng = np.random.default_rng(seeds[0])
    budgets = np.diff(np.linspace(0, n_trials, n_weights + 1).round().astype(int))
    merged = Study("minimize")
    for run, budget in enumerate(budgets):
        scalarized = ScalarizedObjective(objective, random_weights(len(ranges), weight_rng), ranges, rho=rho)
        searcher_seed = int(seeds[run + 1].generate_state(1)[0])
        study = optimize(scalarized, make_searcher(searcher_seed), n_trials=int(budget), executor=executor,
                         progress=progress)
        for trial in study.trials:
            merged.add(replace(trial, id=len(merged.trials), user_attrs={**trial.user_attrs, "run": run}))
    return merged


def objective_values(study, names=None) -> tuple[list, np.ndarray]:
    """(trials, F): the completed trials that carry user_attrs[OBJECTIVES] and their (n, m) losses,
    columns in the order of `names` (default: the first such trial's)."""
    trials = [t for t in study.trials if t.state == "complete" and OBJECTIVES in t.user_attrs]
    if not trials:
        raise ValueError("no completed trial has user_attrs['objectives']; run the study with "
                         "optimize_multi_objective or ScalarizedObjective")
    names = list(trials[0].user_attrs[OBJECTIVES]) if names is None else list(names)
    F = np.array([[t.user_attrs[OBJECTIVES][n] for n in names] for t in trials], dtype=float)
    return trials, F


def pareto_trials(study, names=None) -> list:
    """The completed trials whose objectives no other completed trial dominates."""
    trials, F = objective_values(study, names)
    return [trials[i] for i in pareto_front(F)]
