"""How much does `optimize` cost per trial on top of asking the searcher and calling the objective?

For N trivial trials (objective = x**2 on a 3-D space) it times:
  bare loop            trial = searcher.ask(); objective(trial.config)      (the work any loop must do)
  bare space.sample    space.sample(rng, 1)[0]; objective(config)           (for reference)
  optimize             optimize(..., progress=False), sequential
  optimize + journal   the same, every trial appended to a JSON-lines journal (flush + fsync each)
  optimize + threads   the same on a ThreadPoolExecutor(2), max_pending=2
  optimize + logger    sequential, with a JSONLLogger callback (a row with the incumbent per trial)
and reports the per-trial overhead (runner - bare loop) / N in ms, the median of REPEATS runs,
then the sequential overhead, alone and with the logger, at 5N trials (it should not grow with N).
Goal: <= 1 ms per trial for the sequential runner without a journal.

    python benchmarks/runner_overhead.py            # N=1000, 5 repeats
    python benchmarks/runner_overhead.py 300 3      # a quicker look
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from hpo_mini import Float, Space, optimize
from hpo_mini.callbacks import JSONLLogger
from hpo_mini.searchers import RandomSearch

GOAL_MS = 1.0
SPACE = Space({"x": Float(-5.0, 5.0), "y": Float(-5.0, 5.0), "z": Float(-5.0, 5.0)})


def objective(c):
    return c["x"] ** 2


def bare_ask(n):
    searcher = RandomSearch(SPACE, seed=0)
    for _ in range(n):
        objective(searcher.ask().config)


def bare_sample(n):
    rng = np.random.default_rng(0)
    for _ in range(n):
        objective(SPACE.sample(rng, 1)[0])


def runner(n):
    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=n, progress=False)
    assert len(study.trials) == n


def runner_journal(n, folder):
    path = Path(folder) / f"study_{time.perf_counter_ns()}.jsonl"
    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=n, progress=False, journal=path)
    assert len(study.trials) == n and len(path.read_text().splitlines()) == n + 1


def runner_threads(n, pool):
    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=n, progress=False, executor=pool,
                     max_pending=2)
    assert len(study.trials) == n


def runner_logger(n, folder):
    logger = JSONLLogger(Path(folder) / f"log_{time.perf_counter_ns()}.jsonl")
    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=n, progress=False, callbacks=[logger])
    assert len(study.trials) == n


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(n=1000, repeats=5):
    times = {name: [] for name in ("bare", "sample", "runner", "journal", "threads", "logger")}
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(2) as pool:
        runner(20)  # warm up imports (tqdm, scipy.stats.qmc) outside the timings
        for _ in range(repeats):
            # interleave the variants so a slow moment on a shared machine hits them all alike
            times["bare"].append(timed(bare_ask, n))
            times["sample"].append(timed(bare_sample, n))
            times["runner"].append(timed(runner, n))
            times["journal"].append(timed(runner_journal, n, folder))
            times["threads"].append(timed(runner_threads, n, pool))
            times["logger"].append(timed(runner_logger, n, folder))
    median = {name: statistics.median(ts) for name, ts in times.items()}
    bare = median["bare"]

    rows = [
        ("bare loop: searcher.ask() + objective", "bare", False),
        ("bare loop: space.sample() + objective", "sample", False),
        ("optimize, sequential", "runner", True),
        ("optimize, sequential, journal", "journal", True),
        ("optimize, ThreadPoolExecutor(2)", "threads", True),
        ("optimize, sequential, JSONLLogger", "logger", True),
    ]
    print(f"Runner overhead: {n} trivial trials (objective = x**2, 3-D space), median of {repeats} runs\n")
    print("| variant | total (s) | per trial (ms) | overhead vs bare ask loop (ms/trial) |")
    print("|---|---:|---:|---:|")
    for label, key, is_runner in rows:
        overhead = f"{(median[key] - bare) / n * 1e3:.3f}" if is_runner else "-"
        print(f"| {label} | {median[key]:.3f} | {median[key] / n * 1e3:.3f} | {overhead} |")
    overhead_ms = (median["runner"] - bare) / n * 1e3
    verdict = "met" if overhead_ms <= GOAL_MS else "NOT met"
    print(f"\nGoal: <= {GOAL_MS:g} ms per trial for the sequential runner without a journal: "
          f"{overhead_ms:.3f} ms, {verdict}.")
    # Work that rescans all trials after each one (O(n^2) in total) shows up as a per-trial cost that grows with n.
    big = 5 * n
    with tempfile.TemporaryDirectory() as folder:
        grown = [(timed(runner, big) - timed(bare_ask, big)) / big * 1e3 for _ in range(3)]
        logged = [(timed(runner_logger, big, folder) - timed(bare_ask, big)) / big * 1e3 for _ in range(3)]
    print(f"Scaling: at {big} trials the sequential overhead is {statistics.median(grown):.3f} ms per trial, "
          f"{statistics.median(logged):.3f} with the JSONLLogger (a constant cost per trial means no O(n^2) work).")
    return overhead_ms


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
