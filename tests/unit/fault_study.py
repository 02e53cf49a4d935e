"""The study that test_faults.py runs in a subprocess and kills with SIGKILL, then resumes.

    python tests/unit/fault_study.py JOURNAL N_TRIALS SEARCHER EXECUTOR SEED
        SEARCHER: random | bo        EXECUTOR: none | threads (a ThreadPoolExecutor with 2 threads)

Each trial sleeps 20 ms, so a kill at a random moment lands inside an objective, between trials, or
(rarely) inside a journal write. Not a test module: pytest collects only test_*.py.
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor

from hpo_mini import Float, Int, optimize
from hpo_mini.searchers import BayesianOptimization, RandomSearch

SPACE = {"x": Float(-1.0, 1.0), "y": Float(-1.0, 1.0), "n": Int(1, 5)}
SLEEP = 0.02


def quadratic(config):
    return (config["x"] - 0.3) ** 2 + (config["y"] + 0.2) ** 2 + 0.01 * config["n"]


def slow_quadratic(config):
    time.sleep(SLEEP)
    return quadratic(config)


def make_searcher(kind, seed):
    if kind == "random":
        return RandomSearch(SPACE, seed=seed)
    if kind == "bo":
        return BayesianOptimization(SPACE, seed=seed, n_startup=6, n_candidates=300, n_local=1, gp_restarts=0)
    raise ValueError(f"searcher must be 'random' or 'bo', but got {kind!r}")


def run(journal, n_trials, searcher, executor, seed, objective=slow_quadratic):
    if executor == "none":
        return optimize(objective, make_searcher(searcher, seed), n_trials=n_trials, journal=journal, progress=False)
    if executor == "threads":
        with ThreadPoolExecutor(2) as pool:
            return optimize(objective, make_searcher(searcher, seed), n_trials=n_trials, journal=journal,
                            executor=pool, progress=False)
    raise ValueError(f"executor must be 'none' or 'threads', but got {executor!r}")


if __name__ == "__main__":
    path, n, searcher_kind, executor_kind, seed = sys.argv[1:]
    run(path, int(n), searcher_kind, executor_kind, int(seed))
