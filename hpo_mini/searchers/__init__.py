"""Searchers: every one speaks ask/tell (see base.py) and takes (space, *, seed=None, ...)."""

from .asha import ASHA
from .base import Searcher
from .bayes import BayesianOptimization
from .genetic import GeneticAlgorithm
from .grid import GridSearch
from .hyperband import Hyperband
from .pruners import MedianPruner
from .random import RandomSearch
from .successive_halving import SuccessiveHalving
from .tpe import TPE

__all__ = ["Searcher", "GridSearch", "RandomSearch", "BayesianOptimization", "TPE", "SuccessiveHalving", "Hyperband",
           "ASHA", "MedianPruner", "GeneticAlgorithm"]
