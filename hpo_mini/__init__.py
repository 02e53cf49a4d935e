"""hpo_mini: hyperparameter optimization from scratch, small enough to read in an afternoon.

    from . import Space, Float, Int, Categorical, optimize
    from .searchers import RandomSearch

    space = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 8)})
    study = optimize(objective, RandomSearch(space, seed=0), n_trials=40, progress=False)
    study.best_config, study.best_value
"""

from .runner import evaluate, optimize
from .space import Categorical, Float, Int, Space
from .study import Study, Trial, TrialPruned

__all__ = ["Space", "Float", "Int", "Categorical", "optimize", "evaluate", "Study", "Trial", "TrialPruned"]
__version__ = "0.1.0"
