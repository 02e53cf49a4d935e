"""Beyond one study (lesson 12): BOHB, CMA-ES, warm-starting and architecture search, measured.

Four sections, each over `--seeds` seeds (10 by default), reported as median [interquartile range]:

1. BOHB vs Hyperband vs TPE on lesson 07's learning-curve tasks (`synthetic_curves`, 81 epochs, 3 passes of
   Hyperband's brackets; `sgd_digits_curves`, a real SGDClassifier on digits, 9 epochs (27 would take about
   10 minutes here), 2 passes). TPE runs at the full budget with the compute Hyperband spends (compute / max
   budget trials). Target: Hyperband's best full-budget accuracy in that seed; reported: the compute (epochs,
   promoted configs resuming from their checkpoint) until a full-budget trial reached it (inf: never).
2. CMA-ES vs the GA vs BO vs random search on test functions: simple regret (best - known minimum), log10,
   after 40 and after 300 evaluations. BO (GP + EI) only at 40 evaluations (a GP fit per trial: 40 take about
   10 s here, 300 would take minutes per run). The `cma` package (Hansen's CMA-ES, bounds [0, 1], same x0 and
   sigma0 as ours) joins when installed; otherwise its row says why it is missing.
3. Warm-starting on a family of related tasks: the final error of `synthetic_curves` (noise-free, 81 epochs)
   for a new seed, with 5 earlier tasks of the same family (other seeds: the optimum moves) searched by TPE
   for 30 trials each. Cold TPE vs TPE told the 150 prior trials (`PriorObservations`) vs the 5 earlier best
   configs tried first (`InitialDesign`) vs random search; then the same on an unrelated task (the new task
   mirrored: its optimum where the family's worst corner is). Reported: trials until the error is within
   0.001 of the optimum (0.05; 100 trials at most), and the best error after 10 trials.
4. Regularized evolution vs random search (and non-aging evolution) on the architecture task
   (`ArchitectureTask(seed=0)`, its 492 networks tabulated once, as NAS benchmarks do; the seeds are the
   searchers'): regret = best validation error found - the best of the 492, after 25, 50 and 100 evaluations.

    python benchmarks/beyond_one_study.py                      # writes benchmarks/results/beyond_one_study.md
    python benchmarks/beyond_one_study.py --seeds 3 --sections cmaes architectures --out /tmp/b.md
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from hpo_mini import optimize
from hpo_mini.searchers import (BOHB, CMAES, TPE, BayesianOptimization, GeneticAlgorithm, Hyperband, InitialDesign,
                                PriorObservations, RandomSearch, RegularizedEvolution)
from hpo_mini.searchers.warm_start import best_configs
from hpo_mini.tasks.architectures import ArchitectureTask, active_dimensions
from hpo_mini.tasks.learning_curves import compute_spent, sgd_digits_curves, synthetic_curves
from hpo_mini.tasks.test_functions import TestFunction, ackley, hartmann6, rosenbrock

try:  # an optional peer, in the `compare` extra; never a dependency of hpo_mini
    import cma
    CMA_MISSING = None
except ImportError as exc:
    cma, CMA_MISSING = None, f"the `cma` package is not installed ({exc}); `pip install cma` to add it"


def fmt(values, digits=3):
    """median [q1, q3] of finite and infinite values alike (inf: never reached)."""
    v = np.asarray(values, dtype=float)
    q1, med, q3 = np.percentile(v, [25, 50, 75]) if np.all(np.isfinite(v)) else _inf_percentiles(v)
    return f"{med:.{digits}g} [{q1:.{digits}g}, {q3:.{digits}g}]"


def _inf_percentiles(v):
    s = np.sort(v)  # inf sorts last; nearest-rank percentiles so an inf can be a quartile
    return [s[min(len(s) - 1, int(math.ceil(p * len(s))) - 1)] for p in (0.25, 0.5, 0.75)]


# -- 1. BOHB ------------------------------------------------------------------------------------------------
LC_TASKS = {  # name -> (make(seed), max budget, passes over Hyperband's brackets)
    "synthetic": (lambda seed: synthetic_curves(seed=seed, max_budget=81), 81, 3),
    "sgd_digits": (lambda seed: sgd_digits_curves(seed=seed, max_budget=9), 9, 2),
}


def bohb_section(seeds, tasks):
    lines = ["## 1. BOHB vs Hyperband vs TPE: compute to reach Hyperband's final result", ""]
    for name in tasks:
        make, R, passes = LC_TASKS[name]
        runs = {"Hyperband": [], "BOHB": [], "TPE (full budget)": []}
        for seed in seeds:
            task = make(seed)
            trials = {
                "Hyperband": optimize(task, Hyperband(task.space, min_budget=1, max_budget=R, n_iterations=passes,
                                                      seed=seed), progress=False).trials,
                "BOHB": optimize(task, BOHB(task.space, min_budget=1, max_budget=R, n_iterations=passes, seed=seed),
                                 progress=False).trials,
            }
            n_tpe = int(compute_spent(trials["Hyperband"]) // R)
            full = optimize(lambda c: task(c, R), TPE(task.space, seed=seed), n_trials=n_tpe, progress=False).trials
            for t in full:
                t.budget = R  # it ran at the full budget
            trials["TPE (full budget)"] = full
            finals = {m: [1 - t.value for t in ts if t.state == "complete" and t.budget == R] for m, ts in trials.items()}
            target = max(finals["Hyperband"])  # "does it reach Hyperband's result, and with less compute?"
            for method, ts in trials.items():
                to_target = math.inf
                for i, t in enumerate(ts):
                    if t.state == "complete" and t.budget == R and 1 - t.value >= target:
                        to_target = compute_spent(ts[: i + 1])
                        break
                runs[method].append({"best": max(finals[method]), "compute": compute_spent(ts), "to": to_target,
                                     "trials": len(ts)})
        lines += [f"### {name}: {len(seeds)} seeds, max budget {R} epochs, eta 3, {passes} pass(es) of the brackets",
                  "", "| method | compute to the target (epochs) | reached | best final accuracy | compute spent | trials |",
                  "|---|---|---|---|---|---|"]
        for method, rs in runs.items():
            to = [r["to"] for r in rs]
            lines.append(f"| {method} | {fmt(to, 4)} | {np.isfinite(to).sum()}/{len(to)} | "
                         f"{fmt([r['best'] for r in rs], 4)} | {fmt([r['compute'] for r in rs], 4)} | "
                         f"{fmt([r['trials'] for r in rs], 3)} |")
        lines.append("")
        print("\n".join(lines[-len(runs) - 5:]), flush=True)
    return lines


# -- 2. CMA-ES ----------------------------------------------------------------------------------------------
ELLIPSOID_SCALES = 10.0 ** (3 * np.arange(10) / 9)  # condition number 1e6 in 10-D


def ellipsoid10():
    centre = np.linspace(-1.5, 2.5, 10)
    return TestFunction("ellipsoid10", lambda x: float(np.sum(ELLIPSOID_SCALES * (x - centre) ** 2)),
                        [(-5, 5)] * 10, 0.0, centre)


FUNCTIONS = [hartmann6(), rosenbrock(4), ackley(5), ellipsoid10()]
BO_FUNCTIONS = ("hartmann6", "rosenbrock4")
CHECKPOINTS = (40, 300)
REGRET_FLOOR = 1e-12


def best_curve(values):
    return np.minimum.accumulate(np.asarray(values, dtype=float))


def run_cma(f, seed, n):
    """Hansen's `cma` in the unit cube, x0 = centre, sigma0 = 0.2 (as CMAES's defaults), n evaluations."""
    es = cma.CMAEvolutionStrategy(np.full(f.dim, 0.5), 0.2, {"bounds": [0, 1], "seed": seed + 1, "verbose": -9})
    values = []
    while len(values) < n:
        X = es.ask()
        fx = [f(f.space.from_unit(np.clip(x, 0, 1))[0]) for x in X]
        es.tell(X, fx)
        values += fx
    return values[:n]


def cmaes_section(seeds):
    methods = {
        "CMA-ES (hpo_mini)": lambda f, s, n: [t.value for t in optimize(f, CMAES(f.space, seed=s), n_trials=n,
                                                                       progress=False).trials],
        "GA": lambda f, s, n: [t.value for t in optimize(f, GeneticAlgorithm(f.space, seed=s), n_trials=n,
                                                        progress=False).trials],
        "random": lambda f, s, n: [t.value for t in optimize(f, RandomSearch(f.space, seed=s), n_trials=n,
                                                            progress=False).trials],
    }
    if cma is not None:
        methods[f"CMA-ES (cma {cma.__version__})"] = run_cma
    lines = ["## 2. CMA-ES vs GA vs BO vs random: log10 simple regret", "",
             f"{len(seeds)} seeds; BO (GP + EI) only at {CHECKPOINTS[0]} evaluations and on {', '.join(BO_FUNCTIONS)}."
             + ("" if CMA_MISSING is None else f" CMA-ES (cma) skipped: {CMA_MISSING}."), "",
             "| function | method | " + " | ".join(f"after {n}" for n in CHECKPOINTS) + " |",
             "|---|---|" + "---|" * len(CHECKPOINTS)]
    for f in FUNCTIONS:
        first = len(lines)
        rows = {m: [best_curve(run(f, s, CHECKPOINTS[-1])) for s in seeds] for m, run in methods.items()}
        for method, curves in rows.items():
            cells = [fmt([np.log10(max(c[n - 1] - f.minimum, REGRET_FLOOR)) for c in curves], 3) for n in CHECKPOINTS]
            lines.append(f"| {f.name} ({f.dim}-D) | {method} | " + " | ".join(cells) + " |")
        if f.name in BO_FUNCTIONS:
            curves = [best_curve([t.value for t in optimize(f, BayesianOptimization(f.space, seed=s),
                                                            n_trials=CHECKPOINTS[0], progress=False).trials])
                      for s in seeds]
            cell = fmt([np.log10(max(c[-1] - f.minimum, REGRET_FLOOR)) for c in curves], 3)
            lines.append(f"| {f.name} ({f.dim}-D) | BO (GP, EI) | {cell} | — |")
        print("\n".join(lines[first:]), flush=True)
    lines.append("")
    return lines


# -- 3. warm starting ---------------------------------------------------------------------------------------
TARGET = 0.05 + 0.001  # the family's optimum error is 0.05 (SyntheticCurves: e_inf = 0.05 at (u*, v*)); 0.3% of
N_WARM = 100            # the square is within 0.001 of it (2 du^2 + 0.5 dv^2 <= 0.001), so random search needs ~300


class FinalError:
    """config -> the noise-free error of a synthetic_curves task after its max budget; mirrored: of the
    config reflected through the centre of the unit square (its optimum moves to (1 - u*, 1 - v*))."""

    def __init__(self, seed, mirrored=False):
        self.curves = synthetic_curves(seed=seed, noise=0.0)
        self.space, self.mirrored = self.curves.space, mirrored

    def __call__(self, config):
        if self.mirrored:
            config = self.space.from_unit(1.0 - self.space.to_unit(config)[0])[0]
        return float(self.curves.true_curve(config, self.curves.max_budget)[-1])


def trials_to(values, target):
    hit = np.nonzero(best_curve(values) <= target)[0]
    return int(hit[0]) + 1 if len(hit) else math.inf


def warm_section(seeds):
    lines = ["## 3. Warm-starting TPE from 5 earlier tasks of a family", "",
             f"{len(seeds)} seeds; target: error <= {TARGET:.3f} (the optimum is 0.05); {N_WARM} trials per run "
             "(inf: not reached).", "",
             "| new task | method | trials to the target | reached | best error after 10 trials |", "|---|---|---|---|---|"]
    results = {}
    for seed in seeds:
        earlier = []
        for i in range(5):
            old = FinalError(1000 + 10 * seed + i)
            earlier.append(optimize(old, TPE(old.space, seed=seed * 10 + i), n_trials=30, progress=False))
        for kind in ("related", "unrelated"):
            task = FinalError(seed, mirrored=(kind == "unrelated"))
            runs = {"TPE (cold)": TPE(task.space, seed=seed),
                    "TPE + 150 prior trials": PriorObservations(TPE(task.space, seed=seed), earlier),
                    "TPE + 5 best earlier configs first": InitialDesign(TPE(task.space, seed=seed),
                                                                       best_configs(earlier)),
                    "random": RandomSearch(task.space, seed=seed)}
            for method, searcher in runs.items():
                values = [t.value for t in optimize(task, searcher, n_trials=N_WARM, progress=False).trials]
                results.setdefault((kind, method), []).append((trials_to(values, TARGET), min(values[:10])))
    for (kind, method), rs in results.items():
        to = [r[0] for r in rs]
        lines.append(f"| {kind} | {method} | {fmt(to, 3)} | {np.isfinite(to).sum()}/{len(to)} | "
                     f"{fmt([r[1] for r in rs], 3)} |")
    lines.append("")
    print("\n".join(lines), flush=True)
    return lines


# -- 4. architectures ---------------------------------------------------------------------------------------
ARCH_CHECKPOINTS = (25, 50, 100)


def architecture_section(seeds, task_seed=0):
    task = ArchitectureTask(seed=task_seed)
    table = task.table()  # every network trained once: the searches below are lookups (a tabular benchmark)
    best, median = min(table.values()), float(np.median(list(table.values())))
    lines = ["## 4. Regularized evolution vs random search on the architecture task", "",
             f"{len(seeds)} searcher seeds on one tabulated task (`ArchitectureTask(seed={task_seed})`, all 492 "
             f"networks trained once: best validation error {best:.4f}, median {median:.4f}); regret = best "
             "validation error found - the best of the 492.", "",
             "| method | " + " | ".join(f"regret after {n}" for n in ARCH_CHECKPOINTS) + " | found the best network |",
             "|---|" + "---|" * (len(ARCH_CHECKPOINTS) + 1)]
    rows = {}
    for seed in seeds:
        runs = {"regularized evolution (P=20, S=5)": RegularizedEvolution(task.space, population=20, sample=5,
                                                                          seed=seed, active=active_dimensions),
                "non-aging evolution (P=20, S=5)": RegularizedEvolution(task.space, population=20, sample=5,
                                                                        seed=seed, active=active_dimensions,
                                                                        aging=False),
                "random": RandomSearch(task.space, seed=seed)}
        for method, searcher in runs.items():
            curve = best_curve([t.value for t in optimize(task, searcher, n_trials=ARCH_CHECKPOINTS[-1],
                                                          progress=False).trials])
            rows.setdefault(method, []).append([curve[n - 1] - best for n in ARCH_CHECKPOINTS])
    for method, rs in rows.items():
        found = sum(r[-1] == 0 for r in rs)
        lines.append(f"| {method} | " + " | ".join(fmt([r[i] for r in rs], 3) for i in range(len(ARCH_CHECKPOINTS)))
                     + f" | {found}/{len(rs)} |")
    lines.append("")
    print("\n".join(lines), flush=True)
    return lines


SECTIONS = {"bohb": bohb_section, "cmaes": cmaes_section, "warm_start": warm_section,
            "architectures": architecture_section}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=list(SECTIONS))
    parser.add_argument("--lc-tasks", nargs="+", default=list(LC_TASKS), choices=list(LC_TASKS),
                        help="learning-curve tasks of the BOHB section (sgd_digits takes most of the run time)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "beyond_one_study.md"))
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    start, lines, times = time.perf_counter(), [], []
    for name in args.sections:
        t0 = time.perf_counter()
        lines += bohb_section(seeds, args.lc_tasks) if name == "bohb" else SECTIONS[name](seeds)
        times.append(f"{name} {time.perf_counter() - t0:.0f} s")
    seconds = time.perf_counter() - start
    text = "\n".join(["# Beyond one study: BOHB, CMA-ES, warm-starting, architecture search", "",
                      "Written by `benchmarks/beyond_one_study.py` (see its docstring for the setup). Every cell is "
                      "median [interquartile range] over the seeds.", "", *lines,
                      f"Run time: {seconds:.0f} s ({', '.join(times)}).", ""])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(f"wrote {args.out} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
