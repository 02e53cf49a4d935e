"""Bayesian optimization vs its peers on functions with known optima, measured side by side.

Simple regret after N evaluations (best value found - known minimum, log10), median and IQR over seeds,
for hpo_mini's BO (EI), TPE and random search, and scikit-optimize's gp_minimize, Optuna's TPESampler
and bayesian-optimization (bayes_opt), each at its defaults. Then the seconds each model-based method spends
per iteration at 31-40 observations in 6-D (its model fit and its proposal, `ask_seconds`), measured in the
same run (ratios matter: the machine is shared and noisy).

Each function's row ends with a verdict for hpo_mini's BO against the best peer (the peer with the lowest
median): the seeds are paired (seed s of every method is its own run from the same seed), so a two-sided
Wilcoxon signed-rank test on the 20 paired differences says "ahead" or "behind" at p < 0.05, else "tied".
Runs are spread over `--jobs` processes, each limited to one BLAS thread (so are the timings, measured
afterwards one method at a time): two workers on two cores, and no method's threads fight another's.

    python benchmarks/bo_vs_peers.py                     # 20 seeds, writes benchmarks/results/bo_vs_peers.md
    python benchmarks/bo_vs_peers.py --seeds 3 --functions branin levy4 --jobs 1
    python benchmarks/bo_vs_peers.py --functions hgb_classification --out benchmarks/results/bo_vs_peers_classic.md

A real task (`hgb_classification`: gradient boosting over 5 mixed hyperparameters, lesson 11) has no known
minimum: its row reports the value found (3-fold log-loss on fixed folds) instead of log10 regret, and
every peer calls the same task object, so all score configs on the same folds. The peers see its mixed
space natively (skopt's Real/Integer/Categorical, Optuna's suggest_*), except bayes_opt, which has no log
scale: it searches the unit cube and the space decodes each point (`Space.from_unit`), as hpo_mini does.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
import warnings
from pathlib import Path

import numpy as np

from scipy.stats import wilcoxon
from threadpoolctl import threadpool_limits

from hpo_mini import optimize
from hpo_mini.space import Categorical
from hpo_mini.tasks.classic_models import boosting_task
from hpo_mini.tasks.test_functions import TestFunction, ackley, branin, hartmann6, levy, rosenbrock
from hpo_mini.searchers import BayesianOptimization, RandomSearch

FUNCTIONS = {f.name: f for f in (branin(), hartmann6(), rosenbrock(4), ackley(5), levy(4))}
TASKS = {"hgb_classification": boosting_task}  # real tasks, built only when selected
REGRET_FLOOR = 1e-12  # log10 of a regret of exactly 0 would be -inf
HPO_MINI_BO = "hpo_mini BO (EI)"
PEERS = ("skopt gp_minimize", "Optuna TPE", "bayes_opt")
ALPHA = 0.05  # the paired test's level
PREPOSITION = {"ahead": "of ", "behind": "", "tied": "with "}


def run_hpo_mini(searcher_class):
    def run(f, seed, n):
        study = optimize(f, searcher_class(f.space, seed=seed), n_trials=n, progress=False)
        return study.best_value

    return run


def run_skopt(f, seed, n):
    from skopt import gp_minimize

    if not isinstance(f, TestFunction):
        return _run_skopt_mixed(f, seed, n)
    result = gp_minimize(lambda x: f.fn(np.array(x)), [tuple(b) for b in f.bounds], n_calls=n, random_state=seed)
    return float(result.fun)


def run_optuna(f, seed, n):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    if not isinstance(f, TestFunction):
        study.optimize(lambda t: f({name: _suggest(t, name, dim) for name, dim in f.space.dimensions.items()}),
                       n_trials=n)
        return float(study.best_value)
    study.optimize(lambda t: f.fn(np.array([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in
                                            enumerate(f.bounds)])), n_trials=n)
    return float(study.best_value)


def run_bayes_opt(f, seed, n):
    from bayes_opt import BayesianOptimization as BayesOpt

    if not isinstance(f, TestFunction):  # no log scale in bayes_opt: search the unit cube, decode each point
        d = len(f.space)
        optimizer = BayesOpt(f=lambda **kw: -f(f.space.from_unit([[kw[f"u{i}"] for i in range(d)]])[0]),
                             pbounds={f"u{i}": (0.0, 1.0) for i in range(d)}, random_state=seed, verbose=0)
        optimizer.maximize(init_points=min(10, n), n_iter=max(n - 10, 0))
        return float(-optimizer.max["target"])
    bounds = {f"x{i}": b for i, b in enumerate(f.bounds)}
    optimizer = BayesOpt(f=lambda **kw: -f(kw), pbounds=bounds, random_state=seed, verbose=0)
    optimizer.maximize(init_points=min(10, n), n_iter=max(n - 10, 0))
    return float(-optimizer.max["target"])


# -- mixed spaces (log floats, integers, categoricals) in the peers' own terms ------------------------
def _run_skopt_mixed(f, seed, n):
    from skopt import gp_minimize
    from skopt.space import Categorical as SkCategorical, Integer, Real

    dims = []
    for name, dim in f.space.dimensions.items():
        prior = "log-uniform" if dim.log else "uniform"
        if isinstance(dim, Categorical):
            dims.append(SkCategorical(dim.choices, name=name))
        elif dim.kind == "int":
            dims.append(Integer(dim.lo, dim.hi, prior=prior, name=name))
        else:
            dims.append(Real(dim.lo, dim.hi, prior=prior, name=name))
    result = gp_minimize(lambda x: f(dict(zip(f.space.names, x))), dims, n_calls=n, random_state=seed)
    return float(result.fun)


def _suggest(trial, name, dim):
    if isinstance(dim, Categorical):
        return trial.suggest_categorical(name, dim.choices)
    if dim.kind == "int":
        return trial.suggest_int(name, dim.lo, dim.hi, log=dim.log)
    return trial.suggest_float(name, dim.lo, dim.hi, log=dim.log)


METHODS = {
    HPO_MINI_BO: run_hpo_mini(BayesianOptimization),
    "hpo_mini random": run_hpo_mini(RandomSearch),
    "skopt gp_minimize": run_skopt,
    "Optuna TPE": run_optuna,
    "bayes_opt": run_bayes_opt,
}
try:  # TPE lands with the BO issue; the table gains its column when it exists
    from hpo_mini.searchers import TPE

    METHODS["hpo_mini TPE"] = run_hpo_mini(TPE)
except ImportError:
    pass


# -- seconds per iteration at 31-40 observations ---------------------------------------------------
def ask_seconds(method, f, n_start=30, n_timed=10, repeats=3):
    """Seconds per iteration while a run grows from n_start to n_start + n_timed observations (median over
    `repeats` seeds of the mean over the timed steps): every method is told the same n_start random points,
    then proposes and is told n_timed more; the time is what the method spends per step (its model fit and
    its proposal; scikit-optimize fits in tell, so its tell is timed too), never the objective. Returns
    (wall seconds, CPU seconds of this process): on a busy machine the CPU time is the fairer one."""
    times = []
    for seed in range(repeats):
        rng = np.random.default_rng(seed)
        X = [rng.uniform([b[0] for b in f.bounds], [b[1] for b in f.bounds]) for _ in range(n_start)]
        times.append(_iteration_seconds(method, f, X, [f.fn(x) for x in X], n_timed, seed))
    return tuple(float(t) for t in np.median(times, axis=0))  # (wall, CPU)


def _iteration_seconds(method, f, X, y, n_timed, seed):
    from hpo_mini.study import Trial

    clock = np.zeros(2)  # wall seconds, CPU seconds of this process
    if method.startswith("hpo_mini"):
        cls = {HPO_MINI_BO: BayesianOptimization, "hpo_mini TPE": globals().get("TPE")}[method]
        searcher = cls(f.space, seed=seed)
        for i, (x, v) in enumerate(zip(X, y)):
            searcher.tell(Trial(id=i, config={f"x{j}": float(c) for j, c in enumerate(x)}), v)
        for _ in range(n_timed):
            start = _now()
            trial = searcher.ask()
            clock += _now() - start
            searcher.tell(trial, f(trial.config))
    elif method == "skopt gp_minimize":
        from skopt import Optimizer

        opt = Optimizer([tuple(b) for b in f.bounds], random_state=seed)  # gp_minimize's model and acquisition
        opt.tell([list(x) for x in X], y)
        for _ in range(n_timed):
            start = _now()
            x = opt.ask()
            clock += _now() - start
            value = f.fn(np.array(x))
            start = _now()
            opt.tell(x, value)  # skopt fits its GP and picks the next point here
            clock += _now() - start
    elif method == "Optuna TPE":
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        dists = {f"x{i}": optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(f.bounds)}
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        for x, v in zip(X, y):
            study.add_trial(optuna.trial.create_trial(params={f"x{i}": float(c) for i, c in enumerate(x)},
                                                      distributions=dists, value=v))
        for _ in range(n_timed):
            start = _now()
            trial = study.ask(dists)
            clock += _now() - start
            value = f.fn(np.array([trial.params[f"x{i}"] for i in range(len(f.bounds))]))
            start = _now()
            study.tell(trial, value)
            clock += _now() - start
    elif method == "bayes_opt":
        from bayes_opt import BayesianOptimization as BayesOpt

        opt = BayesOpt(f=None, pbounds={f"x{i}": b for i, b in enumerate(f.bounds)}, random_state=seed, verbose=0)
        for x, v in zip(X, y):
            opt.register(params={f"x{i}": float(c) for i, c in enumerate(x)}, target=-v)
        for _ in range(n_timed):
            start = _now()
            params = opt.suggest()
            clock += _now() - start
            value = f.fn(np.array([params[f"x{i}"] for i in range(len(f.bounds))]))
            start = _now()
            opt.register(params=params, target=-value)
            clock += _now() - start
    else:
        raise ValueError(method)
    return clock / n_timed


def _now():
    return np.array([time.perf_counter(), time.process_time()])


def _random_gap(name, scores, methods):
    """One line under a real task's row: random search's median minus the best other method's median,
    and in how many seeds that method beat random (seeds are paired: seed s of each method is its own run)."""
    others = [m for m in methods if m != "hpo_mini random"]
    best = min(others, key=lambda m: np.median(scores[m]))
    gap = np.median(scores["hpo_mini random"]) - np.median(scores[best])
    wins = sum(b < r for b, r in zip(scores[best], scores["hpo_mini random"]))
    apart = np.percentile(scores["hpo_mini random"], 25) > np.percentile(scores[best], 75)
    return (f"{name}: random minus the best method ({best}): median gap {gap:.4f}; {best} lower than "
            f"random in {wins} of {len(scores[best])} seeds; their IQRs {'do not overlap' if apart else 'overlap'}.")


def _problem(name):
    return FUNCTIONS[name] if name in FUNCTIONS else _TASK_CACHE.setdefault(name, TASKS[name]())


_TASK_CACHE = {}


def one_blas_thread():
    threadpool_limits(limits=1)


def _one_run(method, name, seed, n):
    """(value found, seconds) for one method, function and seed; runs in a worker process."""
    warnings.filterwarnings("ignore")
    start = time.perf_counter()
    value = METHODS[method](_problem(name), seed, n)
    return value, time.perf_counter() - start


def verdict(ours, theirs):
    """'ahead', 'behind' or 'tied' (two-sided Wilcoxon signed-rank test on paired scores, lower is better),
    with its p-value."""
    differences = np.asarray(ours) - np.asarray(theirs)
    if np.all(differences == 0):
        return "tied", 1.0
    p = float(wilcoxon(ours, theirs).pvalue)
    if p >= ALPHA:
        return "tied", p
    return ("ahead" if np.median(differences) < 0 else "behind"), p


def timing_table(methods):
    """Markdown lines: seconds per iteration of each method at 31-40 observations of Hartmann-6, wall and CPU."""
    with threadpool_limits(limits=1):
        ask = {m: ask_seconds(m, FUNCTIONS["hartmann6"]) for m in methods}
    return ["", "Seconds per iteration at 31-40 observations in 6-D (Hartmann-6): mean over the 10 steps, median of "
            f"3 seeds, one method at a time, one BLAS thread; load average {os.getloadavg()[0]:.1f}:", "",
            "| clock | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|",
            "| wall | " + " | ".join(f"{ask[m][0]:.3f}" for m in methods) + " |",
            "| CPU | " + " | ".join(f"{ask[m][1]:.3f}" for m in methods) + " |"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=40, help="evaluations per run")
    parser.add_argument("--functions", nargs="*", default=list(FUNCTIONS))
    parser.add_argument("--methods", nargs="*", default=list(METHODS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="processes for the runs")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "bo_vs_peers.md"))
    parser.add_argument("--timing-only", action="store_true",
                        help="only the seconds per iteration, printed (no regret runs, nothing written)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.timing_only:
        print("\n".join(timing_table([m for m in args.methods if m != "hpo_mini random"])))
        return
    for name in args.functions:
        if name not in FUNCTIONS and name not in TASKS:
            parser.error(f"unknown function {name!r}; choose from {list(FUNCTIONS) + list(TASKS)}")
    peers = [m for m in PEERS if m in args.methods]
    judge = HPO_MINI_BO in args.methods and peers

    title = f"# Simple regret after {args.n} evaluations: median log10 [IQR] over {args.seeds} seeds (lower is better)"
    if args.functions and all(name in TASKS for name in args.functions):
        title = f"# Value found after {args.n} evaluations: median [IQR] over {args.seeds} seeds (lower is better)"
    verdict_header = " | BO vs best peer (paired Wilcoxon, p)" if judge else ""
    lines = [title, "", f"Load average at the start: {os.getloadavg()[0]:.1f}; {args.jobs} worker processes.", "",
             "| function | " + " | ".join(args.methods) + verdict_header + " |",
             "|---" * (len(args.methods) + 1 + bool(judge)) + "|"]
    print("\n".join(lines), flush=True)
    jobs = [(m, name, seed) for name in args.functions for m in args.methods for seed in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=one_blas_thread) as pool:
        futures = {job: pool.submit(_one_run, *job, args.n) for job in jobs}
        results = {job: future.result() for job, future in futures.items()}
    seconds = {m: [results[(m, name, seed)][1] for name in args.functions for seed in range(args.seeds)]
               for m in args.methods}
    gaps = []  # one line per real task: is random search clearly behind the best model-based method?
    for name in args.functions:
        f = _problem(name)
        real = name in TASKS  # no known minimum: report the value found, not log10 regret
        scores = {}
        for method in args.methods:
            found = [results[(method, name, seed)][0] for seed in range(args.seeds)]
            scores[method] = found if real else [np.log10(max(f.regret(v), REGRET_FLOOR)) for v in found]
        medians = {m: np.median(scores[m]) for m in args.methods}
        cells = []
        for method in args.methods:
            q1, med, q3 = np.percentile(scores[method], [25, 50, 75])
            cell = f"{med:.4f} [{q1:.4f}, {q3:.4f}]" if real else f"{med:.2f} [{q1:.2f}, {q3:.2f}]"
            cells.append(f"**{cell}**" if method == min(medians, key=medians.get) else cell)
        if judge:
            best_peer = min(peers, key=medians.get)
            word, p = verdict(scores[HPO_MINI_BO], scores[best_peer])
            cells.append(f"{word} {PREPOSITION[word]}{best_peer} (p = {p:.3f})")
        label = f"{name} (3-fold log-loss found, not log10 regret)" if real else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
        if real and "hpo_mini random" in scores:
            gaps.append(_random_gap(name, scores, args.methods))
            print(gaps[-1], flush=True)
    if gaps:
        lines += [""] + gaps

    lines += ["", "Seconds per run (mean over functions and seeds, each run in one worker process):", "",
              "| " + " | ".join(args.methods) + " |", "|---" * len(args.methods) + "|",
              "| " + " | ".join(f"{np.mean(seconds[m]):.2f}" for m in args.methods) + " |"]
    lines += timing_table([m for m in args.methods if m != "hpo_mini random"])
    text = "\n".join(lines) + "\n"
    print("\n".join(lines[-10:]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    raw = {f"{m} | {name} | {seed}": value for (m, name, seed), (value, _) in results.items()}
    Path(args.out).with_suffix(".json").write_text(json.dumps(raw, indent=0) + "\n")  # every run's value found
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
