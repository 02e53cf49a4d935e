"""Direction flows from the study: every searcher, scheduler and pruner run by `optimize(...,
direction="maximize")` on a function whose maximum is known finds a best trial that is the largest
value and is near that maximum, and no pruner or scheduler stops the best configurations.

Searchers are told losses (-value when maximizing); what reads raw values, the median pruner's
comparison of reported intermediate values, learns the direction from `set_direction`, which
`optimize` calls before the first ask.

PBT is not here: it is not an ask/tell searcher that `optimize` runs. `PBT(...).run(task, n_steps)`
drives a checkpointable task itself, and the task's `step` returns a loss (lower is better) by
contract, so a maximized quantity is returned negated by the task; there is no direction to pass.

Tolerances are per method, at the fixed seed and budget of each case, with room to spare; measured
over seeds 0-5 (gap to the maximum, when this test was written): grid 12 x 12: 0.24; random, Sobol, LHS
with 64 trials: at most 1.8 (Branin spans about 308); BO, 30 trials: 0.0003-0.75 (seed 0: 0.0013);
TPE, 60 trials: at most 0.35; GA, 80 trials: at most 0.16; CMA-ES, 120 trials: 0.0001-0.057; regularized
evolution, 120 trials: 0.08-1.36 (it resamples a float uniformly: made for discrete spaces). Told raw values
instead of losses (`Flipped` below), GA's gap was 0.57-14.5 and BO's 1.7-6 on the same seeds.
"""

import math

import numpy as np
import pytest

from hpo_mini import Float, Space, TrialPruned, optimize
from hpo_mini.searchers import (ASHA, BOHB, CMAES, TPE, BayesianOptimization, GeneticAlgorithm, GridSearch, Hyperband,
                                InitialDesign, MedianPruner, PriorObservations, RandomSearch, RegularizedEvolution,
                                SuccessiveHalving)
from hpo_mini.tasks.test_functions import branin

BRANIN = branin()
BRANIN_MAX = -BRANIN.minimum  # the maximum of -branin: -0.397887 at three points
# an earlier task for the warm starts: 30 random configs with their losses, best first
BRANIN_PRIOR = sorted(((c, BRANIN(c)) for c in BRANIN.space.sample(0, 30)), key=lambda o: o[1])


def negated_branin(config):
    return -BRANIN(config)


def check_best_is_the_largest(study):
    values = [t.value for t in study.trials if t.state == "complete"]
    assert values, "no trial completed"
    assert study.best_value == max(values) and study.best_trial.value == max(values)


SEARCHERS = {  # name: (searcher, n_trials, tolerance on the gap to the maximum)
    "grid": (lambda: GridSearch(BRANIN.space, n_per_dim=12), None, 0.5),
    "random": (lambda: RandomSearch(BRANIN.space, seed=0), 64, 3.0),
    "sobol": (lambda: RandomSearch(BRANIN.space, qmc="sobol", seed=0), 64, 3.0),
    "lhs": (lambda: RandomSearch(BRANIN.space, qmc="lhs", n_points=16, seed=0), 64, 3.0),
    "bo": (lambda: BayesianOptimization(BRANIN.space, seed=0), 30, 0.25),
    "tpe": (lambda: TPE(BRANIN.space, seed=0), 60, 0.6),
    "ga": (lambda: GeneticAlgorithm(BRANIN.space, population=10, seed=0), 80, 0.4),
    "cmaes": (lambda: CMAES(BRANIN.space, seed=0), 120, 0.25),
    # warm starts: priors are losses (branin's values), the study maximizes -branin
    "tpe+prior": (lambda: PriorObservations(TPE(BRANIN.space, seed=0), [BRANIN_PRIOR]), 40, 0.6),
    "tpe+design": (lambda: InitialDesign(TPE(BRANIN.space, seed=0), [c for c, _ in BRANIN_PRIOR[:3]]), 60, 0.6),
    "regularized_evolution": (lambda: RegularizedEvolution(BRANIN.space, population=10, sample=3, seed=0), 120, 2.5),
}


@pytest.mark.parametrize("name", list(SEARCHERS))
def test_every_searcher_maximizes_the_negated_branin(name):
    make, n_trials, tolerance = SEARCHERS[name]
    searcher = make()
    study = optimize(negated_branin, searcher, n_trials=n_trials, direction="maximize", progress=False)
    assert searcher.direction == "maximize"  # optimize told it
    check_best_is_the_largest(study)
    gap = BRANIN_MAX - study.best_value
    assert 0 <= gap < tolerance, f"{name}: best {study.best_value:.4f}, maximum {BRANIN_MAX:.4f}"


class Flipped:
    """A searcher told the raw value instead of the loss: it maximizes the wrong way round."""

    def __init__(self, inner):
        self.inner, self.space = inner, inner.space

    def ask(self):
        return self.inner.ask()

    def tell(self, trial, value):
        self.inner.tell(trial, None if value is None else -value)


@pytest.mark.parametrize("name", ["bo", "ga", "cmaes"])
def test_the_tolerances_catch_a_searcher_that_minimizes_instead(name):
    make, n_trials, tolerance = SEARCHERS[name]
    study = optimize(negated_branin, Flipped(make()), n_trials=n_trials, direction="maximize", progress=False)
    assert BRANIN_MAX - study.best_value > tolerance


# --- multi-fidelity schedulers: a concave function of the config, rougher at a small budget ---------

SQUARE = Space({"x": Float(0.0, 1.0), "y": Float(0.0, 1.0)})
MAX_BUDGET = 27


def quality(config):
    """The value at an infinite budget: concave, largest (1) at x = 0.3, y = 0.6."""
    return 1.0 - (config["x"] - 0.3) ** 2 - (config["y"] - 0.6) ** 2


def concave_with_budget(config, budget):
    """quality - 0.5 / budget: every budget ranks configs alike; the maximum, 1 - 0.5 / 27, needs the
    full budget."""
    return quality(config) - 0.5 / budget


SCHEDULERS = {  # name: (scheduler, n_trials)
    "successive_halving": (lambda: SuccessiveHalving(SQUARE, min_budget=1, max_budget=MAX_BUDGET, seed=0), None),
    "hyperband": (lambda: Hyperband(SQUARE, min_budget=1, max_budget=MAX_BUDGET, seed=0), None),
    "asha": (lambda: ASHA(SQUARE, min_budget=1, max_budget=MAX_BUDGET, seed=0), 150),
    "successive_halving+tpe": (lambda: SuccessiveHalving(SQUARE, min_budget=1, max_budget=MAX_BUDGET,
                                                         base_searcher=TPE(SQUARE, seed=0, n_startup=5)), None),
    "bohb": (lambda: BOHB(SQUARE, min_budget=1, max_budget=MAX_BUDGET, n_iterations=2, seed=0), None),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_every_scheduler_maximizes_and_promotes_the_best_config_to_the_full_budget(name):
    make, n_trials = SCHEDULERS[name]
    scheduler = make()
    study = optimize(concave_with_budget, scheduler, n_trials=n_trials, direction="maximize", progress=False)
    assert scheduler.direction == scheduler.base_searcher.direction == "maximize"
    check_best_is_the_largest(study)
    assert study.best_trial.budget == MAX_BUDGET
    assert 1 - 0.5 / MAX_BUDGET - study.best_value < 0.05
    # the config that is best at every budget was never stopped: it ran at the full budget
    best_config = max((t.config for t in study.trials), key=quality)
    assert any(t.config == best_config and t.budget == MAX_BUDGET and t.state == "complete" for t in study.trials)


# --- the median pruner: raw reported values, larger is better ----------------------------------------

N_STEPS = 20


def rising_curve(config, budget, trial):
    """Reports quality * (1 - exp(-step / 3)) at steps 1..budget (like an accuracy that climbs): every
    step ranks configs alike, so a pruner that stops one of the best has the direction wrong."""
    for step in range(1, budget + 1):
        trial.report(quality(config) * (1 - 0.5 * math.exp(-step / 3)), step)
        if trial.should_prune():
            raise TrialPruned()
    return trial.intermediate[budget]


def run_median_pruner(pruner):
    return optimize(rising_curve, pruner, n_trials=40, direction="maximize", progress=False)


def best_configs_completed(study, k=3):
    """Did the k configs of the largest quality all run to the end?"""
    top = sorted(study.trials, key=lambda t: quality(t.config), reverse=True)[:k]
    return all(t.state == "complete" and max(t.intermediate) == N_STEPS for t in top)


def test_median_pruner_maximizes_and_never_stops_the_best_configs():
    pruner = MedianPruner(SQUARE, max_budget=N_STEPS, n_startup=5, n_warmup_steps=2, seed=0)
    study = run_median_pruner(pruner)
    assert pruner.direction == "maximize"
    check_best_is_the_largest(study)
    assert sum(t.state == "pruned" for t in study.trials) >= 10  # the pruner did prune
    assert best_configs_completed(study)
    best_quality = max(quality(t.config) for t in study.trials)
    assert study.best_value == pytest.approx(best_quality * (1 - 0.5 * math.exp(-N_STEPS / 3)))
    assert 1 - study.best_value < 0.05


def test_a_median_pruner_that_ignores_the_direction_stops_the_best_configs():
    class Deaf(MedianPruner):  # compares as if smaller were better, whatever optimize says
        def set_direction(self, direction):
            pass

    study = run_median_pruner(Deaf(SQUARE, max_budget=N_STEPS, n_startup=5, n_warmup_steps=2, seed=0))
    assert not best_configs_completed(study)
    assert 1 - study.best_value > 0.05 or np.isnan(study.best_value)
