"""In what units should EI's xi be? Simple regret of hpo_mini's BO with xi in the units the GP models (y or
log y, as before) against xi in standard deviations of the modelled values (the library's rule now), at
several values, on functions with known optima. Side by side in one run, same seeds.

    python benchmarks/xi_units.py                 # 10 seeds, 40 evaluations, writes benchmarks/results/xi_units.md
    python benchmarks/xi_units.py --seeds 3 --functions branin
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bo_ablation import FUNCTIONS, REGRET_FLOOR, XiInModelUnits  # the earlier rule for xi, as a subclass
from hpo_mini import optimize
from hpo_mini.searchers import BayesianOptimization

FUNCTIONS = {name: f for name, f in FUNCTIONS.items() if name != "ackley5"}  # the four of the first run


VARIANTS = {
    "xi 0.01, model units (before)": (XiInModelUnits, 0.01),
    "xi 0, standardized": (BayesianOptimization, 0.0),
    "xi 0.001, standardized": (BayesianOptimization, 0.001),
    "xi 0.01, standardized": (BayesianOptimization, 0.01),
}


def regret(f, cls, xi, seed, n):
    study = optimize(f, cls(f.space, seed=seed, xi=xi), n_trials=n, progress=False)
    return max(study.best_value - f.minimum, REGRET_FLOOR)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n", type=int, default=40, help="evaluations per run")
    parser.add_argument("--functions", nargs="*", default=list(FUNCTIONS))
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "xi_units.md"))
    args = parser.parse_args()
    lines = [f"# Simple regret after {args.n} evaluations: median log10 [IQR] over {args.seeds} seeds (lower is better)",
             "", "| function | " + " | ".join(VARIANTS) + " |", "|---" * (len(VARIANTS) + 1) + "|"]
    for name in args.functions:
        f = FUNCTIONS[name]
        cells = []
        for cls, xi in VARIANTS.values():
            logs = np.log10([regret(f, cls, xi, seed, args.n) for seed in range(args.seeds)])
            q1, med, q3 = np.percentile(logs, [25, 50, 75])
            cells.append(f"{med:.2f} [{q1:.2f}, {q3:.2f}]")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
