"""Searchers: every one speaks ask/tell (see base.py) and takes (space, *, seed=None, ...)."""

from .base import Searcher
from .bayes import BayesianOptimization
from .evolution import PBT, GeneticAlgorithm
from .grid import GridSearch
from .multi_fidelity import ASHA, Hyperband, MedianPruner, SuccessiveHalving
from .random import RandomSearch
from .tpe import TPE

__all__ = ["Searcher", "GridSearch", "RandomSearch", "BayesianOptimization", "TPE", "SuccessiveHalving", "Hyperband",
           "ASHA", "MedianPruner", "GeneticAlgorithm", "PBT"]
