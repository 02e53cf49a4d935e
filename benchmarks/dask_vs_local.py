"""Wall time of the same study in one process vs on a Dask LocalCluster with 2 worker processes.

The study: random search, N trials of an objective that takes about SECONDS each, in two kinds:
  wait   time.sleep(SECONDS): a trial that waits (a remote training job, I/O); needs no free core
  cpu    a numpy loop calibrated to SECONDS of CPU on this machine: needs a free core per worker
Each is timed (median of REPEATS) in one process (no executor), on a ProcessPoolExecutor(2) for
reference, and on the Dask cluster (client.get_executor(); the cluster is started once, and its
start-up time is reported apart), with max_pending = the cluster's 2 threads on both executors
(Dask's executor keeps its size private, so optimize would otherwise assume this machine's cores).
Ideal speed-up with 2 workers: 2x; what is left over is the round trip per trial (ask, ship the
objective and the trial, tell) and, for cpu, other load on the machine. Prints a markdown table and writes benchmarks/results/dask_vs_local.md.

    python benchmarks/dask_vs_local.py              # N=20, SECONDS=0.2, REPEATS=3
    python benchmarks/dask_vs_local.py 10 0.2 1     # a quicker look
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from hpo_mini import Float, Int, optimize
from hpo_mini.searchers import RandomSearch

SPACE = {"x": Float(-1.0, 1.0), "y": Float(-1.0, 1.0), "n": Int(1, 5)}
RESULTS = Path(__file__).parent / "results" / "dask_vs_local.md"


def quadratic(config):
    return (config["x"] - 0.3) ** 2 + (config["y"] + 0.2) ** 2 + 0.01 * config["n"]


def waiting(config, seconds):
    time.sleep(seconds)
    return quadratic(config)


def _spin(n_loops):
    a = np.ones((64, 64))
    for _ in range(n_loops):
        a = np.tanh(a @ a * 1e-3)
    return float(a[0, 0])


def computing(config, n_loops):
    _spin(n_loops)
    return quadratic(config)


def calibrate(seconds):
    """How many loops of _spin take `seconds` of CPU time in this process."""
    loops = 50
    while True:
        start = time.process_time()
        _spin(loops)
        used = time.process_time() - start
        if used > 0.05:
            return max(1, round(loops * seconds / used))
        loops *= 4


class Objective:
    """A picklable objective: `kind` is 'wait' or 'cpu'."""

    def __init__(self, kind, seconds, n_loops):
        self.kind, self.seconds, self.n_loops = kind, seconds, n_loops

    def __call__(self, config):
        return waiting(config, self.seconds) if self.kind == "wait" else computing(config, self.n_loops)


def study_time(objective, n, executor=None, max_pending=None):
    start = time.perf_counter()
    study = optimize(objective, RandomSearch(SPACE, seed=0), n_trials=n, executor=executor, max_pending=max_pending,
                     progress=False)
    elapsed = time.perf_counter() - start
    assert sorted(t.id for t in study.trials) == list(range(n)) and all(t.state == "complete" for t in study.trials)
    return elapsed


def main(n=20, seconds=0.2, repeats=3):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from dask.distributed import Client, LocalCluster

    n_loops = calibrate(seconds)
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           host="127.0.0.1")
    client = Client(cluster)
    startup = time.perf_counter() - start
    workers = sum(client.nthreads().values())  # trials in flight: the workers' threads, on both executors
    rows = []
    try:
        with ProcessPoolExecutor(2) as pool:
            for kind in ("wait", "cpu"):
                objective = Objective(kind, seconds, n_loops)
                study_time(objective, 4, client.get_executor(), workers)  # warm up: workers import hpo_mini
                study_time(objective, 4, pool, workers)
                times = {"one": [], "pool": [], "dask": []}
                for _ in range(repeats):  # interleaved: a busy moment on a shared machine hits all alike
                    times["one"].append(study_time(objective, n))
                    times["pool"].append(study_time(objective, n, pool, workers))
                    times["dask"].append(study_time(objective, n, client.get_executor(), workers))
                med = {k: statistics.median(v) for k, v in times.items()}
                rows.append((kind, med))
    finally:
        client.close()
        cluster.close()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# One process vs a Dask LocalCluster (2 worker processes)",
        "",
        f"Written by `benchmarks/dask_vs_local.py` (see its docstring). Random search, {n} trials of "
        f"about {seconds} s each, median of {repeats} runs; machine: {os.cpu_count()} cores, load average "
        f"{load:.1f} at the end (the machine is shared, so cpu times vary). Dask cluster start-up "
        f"(not in the study times): {startup:.1f} s.",
        "",
        "| objective | one process (s) | ProcessPoolExecutor(2) (s) | Dask, 2 workers (s) | speed-up on Dask | ideal |",
        "|---|---|---|---|---|---|",
    ]
    for kind, med in rows:
        lines.append(f"| {kind} ({'sleeps' if kind == 'wait' else 'computes'} {seconds} s) | {med['one']:.2f} | "
                     f"{med['pool']:.2f} | {med['dask']:.2f} | {med['one'] / med['dask']:.2f}x | 2x |")
    lines += [
        "",
        "The ideal is n x seconds in one process and n x seconds / 2 on 2 workers. A trial that waits "
        "gets close to it; a trial that computes needs the 2 cores to itself, which a shared machine may "
        "not give. The per-trial round trip (ask, send, tell) is the difference from the ideal divided by "
        "the number of trials.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(n=int(args[0]) if len(args) > 0 else 20, seconds=float(args[1]) if len(args) > 1 else 0.2,
         repeats=int(args[2]) if len(args) > 2 else 3)
