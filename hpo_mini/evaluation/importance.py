"""Looking back at a finished study: which hyperparameters mattered, how the loss moves with one of
them, and which symptoms say the search itself needs fixing.

    importance = hyperparameter_importance(study, space, seed=0)   # fANOVA on a random forest
    importance.shares                   # {"lr": 0.81, "depth": 0.07, ...}, most important first
    pd = partial_dependence(study, space, "lr", seed=0)             # pd.values, pd.mean, pd.std
    for finding in diagnose(study, space, test_values={study.best_trial.id: 0.91}):
        print(finding)                  # [boundary] lr: ... -> fix: ...

Importance is the functional ANOVA (fANOVA) of Hutter, Hoos & Leyton-Brown (2014), "An efficient
approach for assessing hyperparameter importance", ICML, PMLR 32(1):754-762. A random forest is fitted
to (config, value) in the unit-cube encoding of the space (log dimensions in log space, integers and
choices on their slices; `space.to_unit`). Each tree is a piecewise-constant function on boxes, so its
marginal over all dimensions but j,

    a_j(u_j) = integral of f(u) du_{-j} = sum over leaves l containing u_j of  v_l * prod_{k != j} |B_l^k|,

is exact (|B_l^k| is the measure of leaf l's side along k: Hutter et al.'s linear-time marginal), and

    importance_j = Var_{u_j}[a_j(u_j)] / Var_u[f(u)]            (functional ANOVA, main effect of j)

is the share of the tree's variance that dimension j explains alone; shares are averaged over trees.
The shares sum to at most 1; the rest is interactions (and the forest's own roughness).

Why fANOVA and not permutation importance on the same forest (Breiman 2001): permutation importance
averages over the trials the searcher happened to run. A model-based searcher crowds its trials near
the optimum, where the loss is flat, so a hyperparameter that decides between "works" and "diverges"
can look unimportant. fANOVA integrates over the whole space with the measure the searchers sample
from (uniform in the unit cube, log-uniform on log dimensions, each choice equally likely), its main
effects have closed forms to test against, and Optuna's `FanovaImportanceEvaluator` computes the same
shares (`get_param_importances(..., normalize=False)`; by default Optuna rescales them to sum to 1).

The partial dependence of the value on one hyperparameter is the same marginal a_j, averaged over
trees: the surrogate's value with every other hyperparameter integrated out over its range.

`diagnose` flags the debugging symptoms of a search (each `Finding` has the symptom, the evidence and
a one-line fix): failed trials, the best configs crowding an edge of a range, a linear range that
should be log, a study whose values barely change (too narrow ranges), seed noise larger than the gaps
between the top configs, and a validation-test gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..space import Categorical, Int, as_space

__all__ = ["unit_data", "fit_surrogate", "fanova_main_effects", "Importance", "hyperparameter_importance", "PartialDependence", "partial_dependence"]

MIN_TRIALS_FOR_SURROGATE = 5  # fewer completed trials than this give a forest with nothing to say


# ---------------------------------------------------------------------------------------------------
# Data and surrogate
# ---------------------------------------------------------------------------------------------------

def unit_data(study, space) -> tuple[np.ndarray, np.ndarray]:
    """The completed trials as (X, y): X (n, d) in the unit cube (`space.to_unit`), y their values."""
    space = as_space(space)
    done = study.completed
    if not done:
        raise ValueError("the study has no completed trials; there is nothing to analyse yet")
    X = space.to_unit([t.config for t in done])
    return X, np.array([t.value for t in done], dtype=float)


def fit_surrogate(study, space, *, n_trees=64, seed=None):
    """A random forest (scikit-learn's RandomForestRegressor) fitted to the study in the unit cube.

    Fully grown trees on bootstrap samples, all features considered at every split (scikit-learn's
    defaults; `max_features=0.5` was tried and over-credits weak dimensions).
    """
    from sklearn.ensemble import RandomForestRegressor

    if not isinstance(n_trees, int) or n_trees < 1:
        raise ValueError(f"n_trees must be a positive integer, but got {n_trees!r}")
    X, y = unit_data(study, space)
    if len(y) < MIN_TRIALS_FOR_SURROGATE:
        raise ValueError(f"the study has {len(y)} completed trials; the surrogate needs at least "
                         f"{MIN_TRIALS_FOR_SURROGATE} (run more trials first)")
    random_state = int(np.random.default_rng(seed).integers(2**31 - 1))
    forest = RandomForestRegressor(n_estimators=n_trees, random_state=random_state)
    return forest.fit(X, y)


# ---------------------------------------------------------------------------------------------------
# Functional ANOVA of one tree (Hutter et al. 2014)
# ---------------------------------------------------------------------------------------------------

def _interval_measure(dim, a, b) -> np.ndarray:
    """The measure of the unit interval (a, b] along one dimension, under the sampling distribution.

    Floats and integers: its length inside [0, 1] (uniform in the unit cube). Categoricals: the share
    of choices whose centre (i + 0.5) / k lies in it, so every choice weighs 1 / k whatever the tree's
    thresholds (a tree sends x <= threshold left, hence the half-open interval).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if isinstance(dim, Categorical):
        k = len(dim.choices)
        count = (np.clip(np.floor(b * k - 0.5), -1, k - 1) - np.clip(np.floor(a * k - 0.5), -1, k - 1))
        return count / k
    return np.clip(np.minimum(b, 1.0) - np.maximum(a, 0.0), 0.0, None)


class _TreeANOVA:
    """One fitted regression tree as leaf boxes (lo, hi], leaf values v and per-dimension measures W."""

    def __init__(self, tree, dims):
        t = tree.tree_
        d = len(dims)
        lo = np.full((t.node_count, d), -np.inf)
        hi = np.full((t.node_count, d), np.inf)
        leaves, stack = [], [0]
        while stack:  # walk from the root, narrowing the box at every split
            node = stack.pop()
            left, right = t.children_left[node], t.children_right[node]
            if left == -1:
                leaves.append(node)
                continue
            j, threshold = t.feature[node], t.threshold[node]
            lo[left], hi[left], lo[right], hi[right] = lo[node], hi[node], lo[node], hi[node]
            hi[left, j] = min(hi[node, j], threshold)
            lo[right, j] = max(lo[node, j], threshold)
            stack += [left, right]
        self.dims = dims
        self.lo, self.hi = lo[leaves], hi[leaves]
        self.v = t.value[leaves, 0, 0].astype(float)
        self.W = np.column_stack([_interval_measure(dim, self.lo[:, j], self.hi[:, j])
                                  for j, dim in enumerate(dims)])
        volume = self.W.prod(axis=1)  # the leaves partition the cube: these sum to 1
        self.mean = float(volume @ self.v)
        self.variance = float(volume @ (self.v - self.mean) ** 2)

    def marginal(self, j, u) -> np.ndarray:
        """a_j(u): the tree with every dimension but j integrated out, at unit coordinates u."""
        u = np.asarray(u, dtype=float)[:, None]
        inside = (self.lo[:, j] < u) & (u <= self.hi[:, j])
        others = np.prod(np.delete(self.W, j, axis=1), axis=1)
        return inside.astype(float) @ (self.v * others)

    def cells(self, j) -> tuple[np.ndarray, np.ndarray]:
        """Points and weights on which a_j is constant: between the tree's thresholds on j
        (or one point per choice for a categorical)."""
        dim = self.dims[j]
        if isinstance(dim, Categorical):
            k = len(dim.choices)
            return dim.slice_centre(np.arange(k)), np.full(k, 1.0 / k)
        cuts = np.concatenate([self.lo[:, j], self.hi[:, j]])
        cuts = np.unique(cuts[(cuts > 0.0) & (cuts < 1.0)])
        edges = np.concatenate([[0.0], cuts, [1.0]])
        return (edges[:-1] + edges[1:]) / 2, np.diff(edges)

    def main_effect_variance(self, j) -> float:
        """V_j = Var_{u_j}[a_j(u_j)]: the variance of dimension j's main effect."""
        points, weights = self.cells(j)
        a = self.marginal(j, points)
        return float(weights @ (a - self.mean) ** 2)


def fanova_main_effects(forest, space) -> np.ndarray:
    """(n_trees, d) array: for each tree of a fitted forest, the share of its variance that each
    dimension explains alone, V_j / V. NaN for a constant tree (V = 0)."""
    dims = list(as_space(space).dimensions.values())
    shares = np.full((len(forest.estimators_), len(dims)), np.nan)
    for i, tree in enumerate(forest.estimators_):
        anova = _TreeANOVA(tree, dims)
        if anova.variance > 0:
            shares[i] = [anova.main_effect_variance(j) / anova.variance for j in range(len(dims))]
    return shares


@dataclass
class Importance:
    """fANOVA importances: each dimension's mean share of variance over the trees, most important first.

    shares:       name -> mean over trees of V_j / V
    std:          name -> its standard deviation over trees
    interactions: 1 - sum of shares, the variance no single dimension explains
    n_trials:     completed trials the forest was fitted to
    """

    shares: dict
    std: dict
    interactions: float
    n_trials: int

    @property
    def order(self) -> list:
        return list(self.shares)

    def __str__(self):
        rows = [f"{name:>16s}  {share:6.3f} +- {self.std[name]:.3f}" for name, share in self.shares.items()]
        rows.append(f"{'(interactions)':>16s}  {self.interactions:6.3f}")
        return "\n".join(rows)


def hyperparameter_importance(study, space, *, n_trees=64, seed=None) -> Importance:
    """fANOVA importance of each hyperparameter (Hutter, Hoos & Leyton-Brown 2014) from a finished study.

    Fits `fit_surrogate(study, space)` and averages `fanova_main_effects` over its trees.
    """
    space = as_space(space)
    forest = fit_surrogate(study, space, n_trees=n_trees, seed=seed)
    per_tree = fanova_main_effects(forest, space)
    if np.all(np.isnan(per_tree[:, 0])):
        raise ValueError("every completed trial has the same value: there is no variance to attribute")
    mean, std = np.nanmean(per_tree, axis=0), np.nanstd(per_tree, axis=0)
    order = np.argsort(-mean, kind="stable")
    names = space.names
    return Importance(
        shares={names[j]: float(mean[j]) for j in order},
        std={names[j]: float(std[j]) for j in order},
        interactions=float(1.0 - mean.sum()),
        n_trials=len(study.completed),
    )


# ---------------------------------------------------------------------------------------------------
# Partial dependence
# ---------------------------------------------------------------------------------------------------

@dataclass
class PartialDependence:
    """The surrogate's value as a function of one hyperparameter, the others integrated out.

    values: the hyperparameter's values (decoded); unit: their unit coordinates; mean / std: the
    marginal a_j averaged over trees and its spread over trees; categorical: True for a Categorical.
    """

    name: str
    values: list
    unit: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    categorical: bool
    log: bool


def partial_dependence(study, space, name, *, grid_size=50, n_trees=64, seed=None, forest=None):
    """The partial dependence of the study's value on hyperparameter `name` (a `PartialDependence`).

    a_name(u) = integral of f(u) over every other dimension (uniform in the unit cube), computed
    exactly on each tree of the forest (Hutter et al. 2014) and averaged over trees. A
    Float is evaluated at `grid_size` points evenly spread in its unit encoding (geometrically spread
    values on a log scale), an Int at up to `grid_size` integers, a Categorical at each choice.
    Pass `forest` (from `fit_surrogate`) to reuse one fit for several hyperparameters.

    A weak effect beside a strong one comes out flattened: the trees spend their splits on the strong
    dimension. (f = (log10 lr + 2.5)^2 + 0.5 x, 120 trials: the curve for x rises by 0.27-0.31, not 0.5.)
    """
    space = as_space(space)
    if name not in space.dimensions:
        raise ValueError(f"{name!r} is not a hyperparameter of the space; it has {space.names}")
    if not isinstance(grid_size, int) or grid_size < 2:
        raise ValueError(f"grid_size must be an integer >= 2, but got {grid_size!r}")
    if forest is None:
        forest = fit_surrogate(study, space, n_trees=n_trees, seed=seed)
    dims = list(space.dimensions.values())
    j, dim = space.names.index(name), space[name]
    if isinstance(dim, Categorical):
        values = list(dim.choices)
    elif isinstance(dim, Int):
        values = sorted({int(v) for v in dim.from_unit(np.linspace(0, 1, grid_size))})
    else:
        values = [float(v) for v in dim.from_unit(np.linspace(0, 1, grid_size))]
    unit = np.asarray(dim.to_unit(values), dtype=float)
    curves = np.array([_TreeANOVA(tree, dims).marginal(j, unit) for tree in forest.estimators_])
    return PartialDependence(name=name, values=values, unit=unit, mean=curves.mean(axis=0),
                             std=curves.std(axis=0), categorical=isinstance(dim, Categorical), log=dim.log)
