"""A genetic algorithm vs random search vs Bayesian optimization at equal numbers of evaluations.

For each test function of hpo_mini.tasks.test_functions: simple regret after N evaluations (best value found - known
minimum), log10, median and IQR over seeds; for the real task (a random forest on breast cancer, five
hyperparameters: two log-scale integers, an integer, a float and a categorical): the 3-fold CV error of the
best configuration found. GA and BO at their defaults (GA: population 10, tournament of 3, blend crossover,
mutation 1/d, one elite). CMA-ES (the `cma` package) joins only if it is already installed; it is never a
dependency of hpo_mini. hpo_mini's own CMAES is compared with the GA, BO and `cma` in benchmarks/beyond_one_study.py.

    python benchmarks/evolution.py                      # 10 seeds, writes benchmarks/results/evolution.md
    python benchmarks/evolution.py --seeds 3 --functions branin --n 40 --out /tmp/evo.md
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from hpo_mini import optimize
from hpo_mini.tasks.test_functions import ackley, branin, hartmann6, levy, rosenbrock
from hpo_mini.tasks.sklearn_tasks import sklearn_task
from hpo_mini.searchers import BayesianOptimization, RandomSearch
from hpo_mini.searchers.genetic import GeneticAlgorithm

FUNCTIONS = {f.name: f for f in (branin(), hartmann6(), rosenbrock(4), ackley(5), levy(4))}
REAL_TASK = "forest_breast_cancer"
REGRET_FLOOR = 1e-12  # log10 of a regret of exactly 0 would be -inf


def run_searcher(searcher_class):
    def run(f, seed, n):
        return optimize(f, searcher_class(f.space, seed=seed), n_trials=n, progress=False).best_value

    return run


def run_cma(f, seed, n):
    """CMA-ES (Hansen's `cma` package) in the unit cube, sigma0 = 0.3, at most n evaluations."""
    import cma

    space = f.space
    es = cma.CMAEvolutionStrategy(np.full(len(space), 0.5), 0.3,
                                  {"bounds": [0, 1], "seed": seed + 1, "verbose": -9, "maxfevals": n})
    best, used = np.inf, 0
    while not es.stop() and used < n:
        X = es.ask()[: n - used]
        values = [f(space.from_unit(np.clip(x, 0, 1))[0]) for x in X]
        used += len(X)
        best = min(best, min(values))
        if len(X) == es.popsize:
            es.tell(X, values)
        else:
            break
    return best


METHODS = {
    "GA": run_searcher(GeneticAlgorithm),
    "random": run_searcher(RandomSearch),
    "BO (GP, EI)": run_searcher(BayesianOptimization),
}
try:  # only if already installed
    import cma  # noqa: F401

    METHODS["CMA-ES (cma)"] = run_cma
except ImportError:
    pass


def summary(values):
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return med, q1, q3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n", type=int, default=60, help="evaluations per run")
    parser.add_argument("--functions", nargs="*", default=[*FUNCTIONS, REAL_TASK])
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "evolution.md"))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    methods = list(METHODS)

    head = [f"# GA vs random search vs BO: {args.n} evaluations each, median [IQR] over {args.seeds} seeds",
            "", "Test functions: log10 simple regret (lower is better). Real task: 3-fold CV error of the best "
            "configuration found (lower is better).", ""]
    if "CMA-ES (cma)" not in METHODS:
        head += ["(CMA-ES left out: the `cma` package is not installed here.)", ""]
    head += ["| task | " + " | ".join(methods) + " | GA beats random (seeds) | GA beats BO (seeds) |",
             "|---" * (len(methods) + 3) + "|"]
    lines, seconds = list(head), {m: 0.0 for m in methods}
    print("\n".join(lines), flush=True)
    for name in args.functions:
        f = sklearn_task(REAL_TASK) if name == REAL_TASK else FUNCTIONS[name]
        scores = {}
        for method in methods:
            values = []
            for seed in range(args.seeds):
                start = time.perf_counter()
                best = METHODS[method](f, seed, args.n)
                seconds[method] += time.perf_counter() - start
                values.append(best if name == REAL_TASK else np.log10(max(f.regret(best), REGRET_FLOOR)))
            scores[method] = np.array(values)
        cells = []
        for method in methods:
            med, q1, q3 = summary(scores[method])
            cells.append(f"{med:.4f} [{q1:.4f}, {q3:.4f}]" if name == REAL_TASK else f"{med:.2f} [{q1:.2f}, {q3:.2f}]")
        wins_random = int(np.sum(scores["GA"] < scores["random"]))
        wins_bo = int(np.sum(scores["GA"] < scores["BO (GP, EI)"]))
        label = f"{name} (CV error)" if name == REAL_TASK else f"{name} ({len(f.space)}-D)"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {wins_random}/{args.seeds} | {wins_bo}/{args.seeds} |")
        print(lines[-1], flush=True)
    n_runs = args.seeds * len(args.functions)
    lines += ["", "Seconds per run (objective included), this machine, shared and noisy: "
              + ", ".join(f"{m} {seconds[m] / n_runs:.1f}" for m in methods), ""]
    print(lines[-2])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
