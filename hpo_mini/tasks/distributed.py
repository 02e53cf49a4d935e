r"""Data-parallel training as arithmetic: what a step costs on N workers, and how often to checkpoint.

Synchronous data parallelism: each of N workers computes the gradient of its share of the batch, the
gradients are averaged (an all-reduce), and every worker applies the same update. A ring all-reduce
sends and receives 2 (N - 1) / N times the gradient's bytes per worker, whatever N (a reduce-scatter,
then an all-gather; Patarasuk & Yuan 2009), plus 2 (N - 1) message latencies. The scaling efficiency is
the fraction of a step spent computing:

    t_step = t_compute + (1 - overlap) t_comm,     efficiency = t_compute / t_step

(overlap: the share of communication hidden behind the backward pass). With a fixed global batch,
t_compute shrinks as 1/N while t_comm does not, so efficiency falls as N grows.

Checkpoints against failures (Young 1974, "A first order approximation to the optimum checkpoint
interval"): writing a checkpoint takes delta, failures arrive every M on average, a restart costs R.
Checkpointing every tau wastes about delta / tau of the time on writing and (tau / 2 + R) / M on
re-doing lost work and restarting; the waste is smallest at tau* = sqrt(2 delta M). "Goodput" is the
useful fraction 1 - waste.

Asynchronous SGD (workers update a parameter server without waiting) trades this synchronization for
stale gradients: `lockstep.train_many(..., delay=tau)` simulates it.
"""

from __future__ import annotations

import math

__all__ = ["ring_allreduce_seconds", "step_seconds", "scaling_efficiency", "young_interval", "goodput"]


def ring_allreduce_seconds(n_params, n_workers, bandwidth, bytes_per_param=4, latency=0.0) -> float:
    """Seconds to all-reduce a gradient of n_params values over n_workers in a ring, each link carrying
    `bandwidth` bytes per second: 2 (N - 1) / N * bytes / bandwidth + 2 (N - 1) * latency (0 for N = 1)."""
    if n_workers < 1 or bandwidth <= 0:
        raise ValueError(f"n_workers must be >= 1 and bandwidth > 0, but got {n_workers!r}, {bandwidth!r}")
    N = int(n_workers)
    return 2 * (N - 1) / N * n_params * bytes_per_param / bandwidth + 2 * (N - 1) * latency


def step_seconds(compute_one_worker, n_workers, comm, overlap=0.0) -> float:
    """One synchronous step with the global batch split over n_workers: compute_one_worker / N for the
    gradients, plus the part of the communication `comm` not hidden behind them."""
    if not 0 <= overlap <= 1:
        raise ValueError(f"overlap must be in [0, 1], but got {overlap!r}")
    return compute_one_worker / n_workers + (1 - overlap) * comm


def scaling_efficiency(compute_one_worker, n_workers, comm, overlap=0.0) -> float:
    """Speed-up over one worker divided by N: (compute_one_worker / N) / step_seconds(...)."""
    return (compute_one_worker / n_workers) / step_seconds(compute_one_worker, n_workers, comm, overlap)


def young_interval(checkpoint_seconds, mtbf_seconds) -> float:
    """Young's (1974) optimal checkpoint interval tau* = sqrt(2 delta M)."""
    if checkpoint_seconds <= 0 or mtbf_seconds <= 0:
        raise ValueError(f"checkpoint_seconds and mtbf_seconds must be > 0, but got {checkpoint_seconds!r}, "
                         f"{mtbf_seconds!r}")
    return math.sqrt(2 * checkpoint_seconds * mtbf_seconds)


def goodput(interval_seconds, checkpoint_seconds, mtbf_seconds, restart_seconds=0.0) -> float:
    """The first-order useful fraction of time: 1 - delta / tau - (tau / 2 + R) / M."""
    if interval_seconds <= 0:
        raise ValueError(f"interval_seconds must be > 0, but got {interval_seconds!r}")
    return 1 - checkpoint_seconds / interval_seconds - (interval_seconds / 2 + restart_seconds) / mtbf_seconds
