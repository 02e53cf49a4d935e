"""The study that test_faults.py and test_resume_multi_fidelity.py run in a subprocess and kill with
SIGKILL, then resume; and the helpers that launch, watch and kill it.

    python tests/unit/fault_study.py JOURNAL N_TRIALS SEARCHER EXECUTOR SEED
        N_TRIALS: a number, or none (until the searcher is finished)
        SEARCHER: random | bo | sh | hyperband | asha        EXECUTOR: none | threads (2 threads)

Each trial of random search and BO sleeps 20 ms; a multi-fidelity trial sleeps 5 ms per unit of budget
and first appends {"config", "budget"} to the file named by $HPO_FAULT_CALLS (if set): the budget the
objective was *started* with, kills included. So a kill at a random moment lands inside an objective,
between trials, or (rarely) inside a journal write. Not a test module: pytest collects only test_*.py.
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hpo_mini import optimize
from hpo_mini.searchers import ASHA, BayesianOptimization, Hyperband, RandomSearch, SuccessiveHalving
from shared_problem import SPACE, budget_quadratic, quadratic

SLEEP = 0.02
SLEEP_PER_BUDGET = 0.005
MULTI_FIDELITY = ("sh", "hyperband", "asha")


def slow_quadratic(config):
    time.sleep(SLEEP)
    return quadratic(config)


def slow_budget_quadratic(config, budget):
    calls = os.environ.get("HPO_FAULT_CALLS")
    if calls:
        with open(calls, "a") as log:  # one short append: whole lines, even from two threads
            log.write(json.dumps({"config": config, "budget": budget}) + "\n")
    time.sleep(SLEEP_PER_BUDGET * budget)
    return budget_quadratic(config, budget)


def make_searcher(kind, seed):
    if kind == "random":
        return RandomSearch(SPACE, seed=seed)
    if kind == "bo":
        return BayesianOptimization(SPACE, seed=seed, n_startup=6, n_candidates=300, n_local=1, gp_restarts=0)
    if kind == "sh":  # rungs 27 x 1, 9 x 3, 3 x 9, 1 x 27: 40 trials, budget 108
        return SuccessiveHalving(SPACE, min_budget=1, max_budget=27, eta=3, seed=seed)
    if kind == "hyperband":  # brackets 9x1 3x3 1x9 | 5x3 1x9 | 3x9: 22 trials, budget 78
        return Hyperband(SPACE, min_budget=1, max_budget=9, eta=3, seed=seed)
    if kind == "asha":
        return ASHA(SPACE, min_budget=1, max_budget=27, eta=3, seed=seed)
    raise ValueError(f"searcher must be one of random, bo, {', '.join(MULTI_FIDELITY)}, but got {kind!r}")


def run(journal, n_trials, searcher, executor, seed, objective=None):
    if objective is None:
        objective = slow_budget_quadratic if searcher in MULTI_FIDELITY else slow_quadratic
    if executor == "none":
        return optimize(objective, make_searcher(searcher, seed), n_trials=n_trials, journal=journal, progress=False)
    if executor == "threads":
        with ThreadPoolExecutor(2) as pool:
            return optimize(objective, make_searcher(searcher, seed), n_trials=n_trials, journal=journal,
                            executor=pool, progress=False)
    raise ValueError(f"executor must be 'none' or 'threads', but got {executor!r}")


def journal_records(path):
    """The trial records of a journal; a line torn by a kill is skipped (as load_study does)."""
    records = []
    if not path.exists():
        return records
    for line in path.read_bytes().split(b"\n")[1:]:
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
    return records


def launch(path, n, searcher, executor, seed, env=None):
    """Start this script on a journal; n=None runs until the searcher is finished."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    return subprocess.Popen([sys.executable, str(Path(__file__)), str(path), "none" if n is None else str(n),
                             searcher, executor, str(seed)], stderr=subprocess.PIPE, env=env)


if __name__ == "__main__":
    path, n, searcher_kind, executor_kind, seed = sys.argv[1:]
    run(path, None if n == "none" else int(n), searcher_kind, executor_kind, int(seed))
