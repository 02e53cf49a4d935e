"""hpo_mini: hyperparameter optimization from scratch, small enough to read in an afternoon.

    from hpo_mini import Space, Float, Int, Categorical, optimize
    from hpo_mini.searchers import RandomSearch

    space = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 8)})
    study = optimize(objective, RandomSearch(space, seed=0), n_trials=40, progress=False)
    study.best_config, study.best_value
    study = load_study("study.jsonl")      # a study run with optimize(..., journal="study.jsonl")
"""

from .journal import load_study
from .runner import evaluate, optimize
from .space import Categorical, Float, Int, Space
from .study import Study, Trial, TrialPruned

__all__ = ["Space", "Float", "Int", "Categorical", "optimize", "evaluate", "load_study", "Study", "Trial",
           "TrialPruned"]
__version__ = "0.1.0"
