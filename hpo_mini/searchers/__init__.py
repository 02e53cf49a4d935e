"""Searchers: every one speaks ask/tell (see base.py) and takes (space, *, seed=None, ...)."""

from .asha import ASHA
from .base import Searcher
from .bayes import BayesianOptimization
from .bohb import BOHB
from .cmaes import CMAES
from .genetic import GeneticAlgorithm
from .grid import GridSearch
from .hyperband import Hyperband
from .pruners import MedianPruner
from .random import RandomSearch
from .regularized_evolution import RegularizedEvolution
from .successive_halving import SuccessiveHalving
from .tpe import TPE
from .warm_start import InitialDesign, PriorObservations

__all__ = ["Searcher", "GridSearch", "RandomSearch", "BayesianOptimization", "TPE", "SuccessiveHalving", "Hyperband",
           "ASHA", "MedianPruner", "GeneticAlgorithm", "CMAES", "RegularizedEvolution", "BOHB",
           "PriorObservations", "InitialDesign"]
