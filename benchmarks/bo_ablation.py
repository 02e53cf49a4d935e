"""What makes hpo_mini's BO strong: each ingredient switched off (or an alternative switched on) in turn,
on the same seeds, in one run.

Simple regret after N evaluations (median log10 [IQR] over seeds) on functions with known optima, each variant
against the default by a paired two-sided Wilcoxon signed-rank test over the seeds (better / worse at
p < 0.05, else tied), and the mean seconds per ask over asks 31-40 of the 6-D runs (Hartmann-6):
  default                        EI with xi = 0 in standard deviations; BoTorch's Gamma priors on each length-scale
                                 (3, rate 6) and on the signal variance (2, rate 0.15); TuRBO's trust region;
                                 output model (y or log y) chosen by evidence at every step; the kernel fit
                                 warm-started from its last optimum; 2000 raw candidates in the trust region, a
                                 quarter of them near the 5 best points; analytic acquisition gradient, all local
                                 searches in one L-BFGS-B run
  no length-scale prior          gp_kwargs={"lengthscale_prior": None}
  no signal-variance prior       gp_kwargs={"signal_variance_prior": None}
  no priors (maximum likelihood) both None
  sqrt(d) length-scale prior     gp_kwargs={"lengthscale_prior": "dim_scaled"} (Hvarfner et al. 2024) instead
  no trust region                trust_region=False
  + 2 restarts of the kernel fit gp_restarts=2: two random starts besides the warm start, for the model in use
  + 2 restarts, both output models  the same for the model not in use too
  compare output models every 5 results   compare_every=5
  no candidates near the best    around_best=0: all raw candidates uniform in the search box
  y only (no log model)          y_transform="none"
  xi 0.01 in model units         the earlier rule for xi
  finite-difference gradient     the acquisition's gradient by forward differences (d + 1 GP predictions)
  + GP-Hedge portfolio           acquisition="hedge"

results/bo_ablation.md holds the run of the current defaults.

    python benchmarks/bo_ablation.py                  # 20 seeds, 40 evaluations -> results/bo_ablation.md
    python benchmarks/bo_ablation.py --seeds 3 --functions branin hartmann6 --jobs 1
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from bo_vs_peers import one_blas_thread, verdict

from hpo_mini.searchers import BayesianOptimization
from hpo_mini.tasks.test_functions import ackley, branin, hartmann6, levy, rosenbrock

FUNCTIONS = {f.name: f for f in (branin(), hartmann6(), rosenbrock(4), ackley(5), levy(4))}
REGRET_FLOOR = 1e-12


class FiniteDifferences(BayesianOptimization):
    def _negative_acquisition_and_gradient(self, x, best, step=1e-7):
        values, gradients = [], []
        for u in np.reshape(x, (-1, len(self.space))):  # the points of one batched local search
            h = np.where(u + step <= 1.0, step, -step)
            scores = self.acquisition_values(np.vstack([u, u + np.diag(h)]), best)
            values.append(scores[0])
            gradients.append((scores[1:] - scores[0]) / h)
        return -float(np.sum(values)), -np.concatenate(gradients)


class XiInModelUnits(BayesianOptimization):
    def fit_model(self):
        best = super().fit_model()
        self.xi_ = self.xi
        return best


def variant(**kwargs):
    return lambda space, seed: BayesianOptimization(space, seed=seed, **kwargs)


class RestartBoth(BayesianOptimization):
    RESTART_CHALLENGER = True


VARIANTS = {
    "default": variant(),
    "no length-scale prior": variant(gp_kwargs={"lengthscale_prior": None}),
    "no signal-variance prior": variant(gp_kwargs={"signal_variance_prior": None}),
    "no priors (maximum likelihood)": variant(gp_kwargs={"lengthscale_prior": None, "signal_variance_prior": None}),
    "sqrt(d) length-scale prior": variant(gp_kwargs={"lengthscale_prior": "dim_scaled"}),
    "no trust region": variant(trust_region=False),
    "+ 2 restarts of the kernel fit": variant(gp_restarts=2),
    "+ 2 restarts, both output models": lambda space, seed: RestartBoth(space, seed=seed, gp_restarts=2),
    "compare output models every 5 results": variant(compare_every=5),
    "no candidates near the best": variant(around_best=0.0),
    "y only (no log model)": variant(y_transform="none"),
    "xi 0.01 in model units": lambda space, seed: XiInModelUnits(space, seed=seed, xi=0.01),
    "finite-difference gradient": lambda space, seed: FiniteDifferences(space, seed=seed),
    "+ GP-Hedge portfolio": variant(acquisition="hedge"),
}


def run(fname, name, seed, n):
    """(regret, seconds per ask over asks 31-40 or fewer) of one variant on one function and seed."""
    f = FUNCTIONS[fname]
    searcher, times = VARIANTS[name](f.space, seed), []
    best = np.inf
    for i in range(n):
        start = time.perf_counter()
        trial = searcher.ask()
        if i >= n - 10:
            times.append(time.perf_counter() - start)
        value = f(trial.config)
        searcher.tell(trial, value)
        best = min(best, value)
    return max(best - f.minimum, REGRET_FLOOR), float(np.mean(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=40, help="evaluations per run")
    parser.add_argument("--functions", nargs="*", default=list(FUNCTIONS))
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="processes for the runs")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "bo_ablation.md"))
    args = parser.parse_args()
    names = args.variants
    jobs = [(fname, name, seed) for fname in args.functions for name in names for seed in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=one_blas_thread) as pool:
        futures = {job: pool.submit(run, *job, args.n) for job in jobs}
        results = {job: future.result() for job, future in futures.items()}
    lines = [f"# BO ablation: simple regret after {args.n} evaluations, median log10 [IQR] over {args.seeds} seeds",
             "", f"Load average at the end: {os.getloadavg()[0]:.1f}; {args.jobs} worker processes, one BLAS thread "
             "each. Under each variant: better / worse than the default by a paired Wilcoxon test (p < 0.05), "
             "else tied.", "", "| function | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for fname in args.functions:
        logs = {name: np.log10([results[(fname, name, seed)][0] for seed in range(args.seeds)]) for name in names}
        cells = []
        for name in names:
            q1, med, q3 = np.percentile(logs[name], [25, 50, 75])
            cell = f"{med:.2f} [{q1:.2f}, {q3:.2f}]"
            if name != "default" and "default" in logs:
                word, p = verdict(logs[name], logs["default"])
                cell += " " + {"ahead": "better", "behind": "worse", "tied": "tied"}[word] + f" (p = {p:.2f})"
            cells.append(cell)
        lines.append(f"| {fname} | " + " | ".join(cells) + " |")
    if "hartmann6" in args.functions:
        caption = ("Seconds per ask, mean over asks 31-40 of each Hartmann-6 run, median over seeds (same run, two "
                   "runs at a time; the machine is shared, compare ratios):")
        ask = {name: np.median([results[("hartmann6", name, seed)][1] for seed in range(args.seeds)]) for name in names}
        lines += ["", caption, "", "| " + " | ".join(names) + " |", "|---" * len(names) + "|",
                  "| " + " | ".join(f"{ask[name]:.3f}" for name in names) + " |"]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
