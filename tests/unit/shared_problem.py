"""The small problem the runner-level unit tests share: a 3-D mixed space (two floats, an integer) and a
quadratic on it whose minimum is 0.01 at x = 0.3, y = -0.2, n = 1 (budget_quadratic adds 1/budget, so a
larger budget is always closer to the truth). A plain module, not a fixture file, because fault_study.py
imports it in a subprocess and modules use SPACE at import time (parametrize); conftest.py exposes it as
fixtures too.
"""

from hpo_mini import Float, Int

SPACE = {"x": Float(-1.0, 1.0), "y": Float(-1.0, 1.0), "n": Int(1, 5)}


def quadratic(config):
    return (config["x"] - 0.3) ** 2 + (config["y"] + 0.2) ** 2 + 0.01 * config["n"]


def budget_quadratic(config, budget):
    return quadratic(config) + 1.0 / budget
