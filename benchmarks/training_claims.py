"""Lesson 09's two "check the claim" studies at full size, on the course's MLP (hpo_mini/tasks/training.py).

Claim 1 (Smith & Topin 2019, "Super-convergence"): "1-cycle reaches within 1-2% of the full-schedule
accuracy in about a fifth of the epochs". For every schedule and epoch budget E, the peak rate is picked
from a grid by mean validation accuracy over the seeds; the table reports the TEST accuracy of that
choice (mean and standard deviation over seeds). The full schedule is the better of cosine and step
decay at 30 epochs; the claim is checked at 6 epochs = 30 / 5. Controls: cosine and a constant rate at
the same short budgets, to see whether the short run needs 1-cycle at all.

Claim 2 (Goyal et al. 2017, "Accurate, large minibatch SGD"): "the linear scaling rule holds up to a
batch size". Multiply the batch size by k, multiply the rate by k, keep the number of epochs: accuracy
should stay put, up to some batch size. From a base batch B0 with its best rate, every batch size B
trains at lr0 * B / B0 (cosine, with and without a 2-epoch linear warmup), at the unscaled lr0, and at
the best rate of a grid (the oracle). The rule "holds" at B while the scaled rate stays within 1 point
of the base batch's accuracy.

    python benchmarks/training_claims.py            # 10 seeds; writes benchmarks/results/training_claims.md
    python benchmarks/training_claims.py --quick    # 3 seeds, a smoke test (does not write the file)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from hpo_mini.tasks.training import train

MODEL = {"model": "mlp", "hidden": 64, "momentum": 0.9}
FULL_EPOCHS, BUDGETS = 30, (3, 6, 10, 30)
LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
SCHEDULES = {
    "one_cycle": {"schedule": "one_cycle"},
    "cosine": {"schedule": "cosine"},
    "step": {"schedule": "step", "decay_epochs": None, "gamma": 0.1},  # decay every E/3 epochs
    "constant": {"schedule": "constant"},
}
B0, LR0 = 10, 0.03
BATCHES = (10, 20, 50, 100, 200, 500, 1000)
SCALING_EPOCHS, WARMUP_EPOCHS = 20, 2
SCALING_GRID = tuple(10.0 ** np.arange(-2, 1.01, 0.5))  # 0.01 ... 10, half a decade apart


def run(config, seeds):
    """(validation accuracies, test accuracies) over seeds; a diverged run counts as accuracy 0."""
    val, test = [], []
    for seed in seeds:
        result = train({**MODEL, **config}, seed=seed)
        val.append(0.0 if result.diverged else result.val_accuracy[-1])
        test.append(0.0 if result.diverged else result.accuracy("test"))
    return np.array(val), np.array(test)


def tuned(config, seeds, grid):
    """The rate of `grid` with the best mean validation accuracy, and its (val, test) accuracies."""
    runs = {lr: run({**config, "lr": lr}, seeds) for lr in grid}
    best = max(grid, key=lambda lr: runs[lr][0].mean())
    return best, runs[best]


def schedule_config(name, epochs):
    config = {**SCHEDULES[name], "epochs": epochs}
    if name == "step":
        config["decay_epochs"] = epochs / 3
    return config


def one_cycle_claim(seeds, budgets=BUDGETS, grid=LR_GRID, out=print):
    """The table of claim 1; returns {(schedule, E): (lr, mean test acc, sd)}."""
    table = {}
    out(f"Claim 1: test accuracy (mean +- sd over {len(seeds)} seeds) at the peak rate picked on validation "
        f"from {list(grid)}")
    out("")
    out("| schedule | " + " | ".join(f"E = {e}" for e in budgets) + " |")
    out("|---|" + "---|" * len(budgets))
    for name in SCHEDULES:
        cells = []
        for epochs in budgets:
            lr, (_, test) = tuned(schedule_config(name, epochs), seeds, grid)
            table[name, epochs] = (lr, test.mean(), test.std())
            cells.append(f"{test.mean():.4f} +- {test.std():.4f} (lr {lr:g})")
        out(f"| {name} | " + " | ".join(cells) + " |")
    reference = max(table["cosine", FULL_EPOCHS][1], table["step", FULL_EPOCHS][1])
    short = FULL_EPOCHS // 5
    out("")
    out(f"full schedule (best of cosine and step at {FULL_EPOCHS} epochs): {reference:.4f}")
    for name in SCHEDULES:
        gap = table[name, short][1] - reference
        within = [e for e in budgets if table[name, e][1] >= reference - 0.01]
        out(f"{name:>9} at {short} epochs: {table[name, short][1]:.4f}, gap {100 * gap:+.2f} points; "
            f"first budget within 1 point: {within[0] if within else 'none'} epochs")
    return table, reference


def scaling_claim(seeds, batches=BATCHES, grid=SCALING_GRID, out=print):
    """The table of claim 2; returns {B: {arm: mean val acc}}."""
    rows = {}
    base = {"schedule": "cosine", "epochs": SCALING_EPOCHS}
    out(f"Claim 2: validation accuracy (mean +- sd over {len(seeds)} seeds) after {SCALING_EPOCHS} epochs, "
        f"cosine schedule; base batch {B0} at lr {LR0}")
    out("")
    out("| batch B | steps | scaled lr | scaled | scaled + warmup | unscaled lr0 | best of grid (lr) |")
    out("|---|---|---|---|---|---|---|")
    for batch in batches:
        lr = LR0 * batch / B0
        scaled, _ = run({**base, "batch_size": batch, "lr": lr}, seeds)
        warm, _ = run({**base, "batch_size": batch, "lr": lr, "warmup_epochs": WARMUP_EPOCHS}, seeds)
        fixed, _ = run({**base, "batch_size": batch, "lr": LR0}, seeds)
        best_lr, (oracle, _) = tuned({**base, "batch_size": batch}, seeds, grid)
        rows[batch] = {"scaled": scaled.mean(), "warmup": warm.mean(), "fixed": fixed.mean(),
                       "oracle": oracle.mean(), "oracle_lr": best_lr}
        steps = SCALING_EPOCHS * -(-1000 // batch)
        cell = lambda a: f"{a.mean():.4f} +- {a.std():.4f}"  # noqa: E731
        out(f"| {batch} | {steps} | {lr:g} | {cell(scaled)} | {cell(warm)} | {cell(fixed)} | "
            f"{cell(oracle)} ({best_lr:.3g}) |")
    base_acc = rows[B0]["scaled"]
    holds = [b for b in batches if rows[b]["scaled"] >= base_acc - 0.01]
    broken = [b for b in batches if rows[b]["scaled"] < base_acc - 0.01]
    out("")
    out(f"base accuracy {base_acc:.4f}; scaled lr within 1 point at B = {holds}; not at B = {broken}")
    return rows


def main(argv):
    quick = "--quick" in argv
    seeds = range(3 if quick else 10)
    lines = []

    def out(line=""):
        print(line, flush=True)
        lines.append(line)

    start = time.perf_counter()
    out("# Lesson 09: check the claims at full size")
    out("")
    out(f"`python benchmarks/training_claims.py`; MLP (64 hidden ReLU units) on scikit-learn's digits, "
        f"SGD momentum 0.9, batch 32 unless stated; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}.")
    out("")
    out("## Claim 1: one-cycle in a fifth of the epochs")
    out("")
    one_cycle_claim(seeds, out=out)
    out("")
    out("## Claim 2: the linear scaling rule")
    out("")
    scaling_claim(seeds, out=out)
    out("")
    out(f"total time {time.perf_counter() - start:.0f} s")
    if not quick:
        path = Path(__file__).parent / "results" / "training_claims.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
