"""Learning-rate schedules as plain functions of the step, and the learning-rate range test.

Every schedule takes the step t (an int, or a numpy array of steps: the result is then an array) and
knobs, and returns the learning rate eta_t. Steps count from 0, one per minibatch update:

    from .schedules import cosine_with_warmup, one_cycle
    cosine_with_warmup(0, lr=0.1, total_steps=1000, warmup_steps=100)         # 0.0
    one_cycle(np.arange(1000), max_lr=0.1, total_steps=1000)                  # the whole curve

`make_schedule(name, **knobs)` turns a name and its knobs into a function step -> lr, which is what
`hpo_mini.tasks.training` takes. The range test (Smith 2017, section 3.3; fastai's `lr_find`) lives at the end:
`range_test_lrs` (the exponential sweep), `smooth_losses` (the debiased moving average), `suggest_lr`
(the rule) and `lr_range_test`, which runs a sweep through any training function.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from numbers import Integral, Real

import numpy as np

__all__ = [
    "constant",
    "step_decay",
    "exponential",
    "cosine_with_warmup",
    "cyclical_triangular",
    "one_cycle",
    "sgdr",
    "SCHEDULES",
    "make_schedule",
    "range_test_lrs",
    "smooth_losses",
    "suggest_lr",
    "RangeTest",
    "lr_range_test",
]


# ---------------------------------------------------------------------------------------------------
# Checks shared by the schedules
# ---------------------------------------------------------------------------------------------------

def _steps(step):
    """The step(s) as a float array, checked: integers >= 0."""
    t = np.asarray(step)
    if t.dtype == bool or not np.issubdtype(t.dtype, np.number):
        raise TypeError(f"step must be an int or an array of ints >= 0, but got {step!r}")
    if np.any(t < 0) or np.any(t != np.floor(t)):
        raise ValueError(f"step must be an integer >= 0 (steps count from 0), but got {step!r}")
    return t.astype(float)


def _out(step, values):
    """A float for a scalar step, an array for an array of steps."""
    return float(values) if np.ndim(step) == 0 else values


def _positive(name, value, allow_zero=False):
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        rule = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {rule}, but got {value!r}")
    return float(value)


def _count(name, value, minimum=1):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, but got {value!r}")
    return int(value)


# ---------------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------------

def constant(step, lr):
    """eta_t = lr at every step."""
    t = _steps(step)
    return _out(step, np.full_like(t, _positive("lr", lr)))


def step_decay(step, lr, step_size, gamma=0.1):
    """Step decay: eta_t = lr * gamma ** floor(t / step_size).

    Divide the rate by 10 every `step_size` steps (gamma = 0.1), as in the ResNet recipe of He et al.
    (2016), which divided by 10 at fixed epochs; PyTorch's `StepLR`.
    """
    t = _steps(step)
    lr, step_size = _positive("lr", lr), _count("step_size", step_size)
    gamma = _positive("gamma", gamma)
    if gamma > 1:
        raise ValueError(f"gamma must be in (0, 1] for a decay, but got {gamma!r}")
    return _out(step, lr * gamma ** np.floor(t / step_size))


def exponential(step, lr, gamma):
    """Exponential decay: eta_t = lr * gamma ** t, a factor gamma < 1 per step (PyTorch's `ExponentialLR`,
    applied per step). gamma = 0.5 ** (1 / h) halves the rate every h steps."""
    t = _steps(step)
    lr, gamma = _positive("lr", lr), _positive("gamma", gamma)
    if gamma > 1:
        raise ValueError(f"gamma must be in (0, 1] for a decay, but got {gamma!r}")
    return _out(step, lr * gamma**t)


def cosine_with_warmup(step, lr, total_steps, warmup_steps=0, lr_min=0.0):
    r"""Linear warmup from 0 to lr over `warmup_steps`, then half a cosine from lr down to lr_min.

        eta_t = lr * t / W                                             for t < W
        eta_t = lr_min + (lr - lr_min) * (1 + cos(pi * (t - W) / (T - W))) / 2    for W <= t <= T
        eta_t = lr_min                                                 for t > T

    with W = warmup_steps, T = total_steps. Cosine annealing is SGDR without restarts (Loshchilov &
    Hutter 2017, eq. 5); the warmup is the gradual warmup of Goyal et al. (2017, section 2.2). This is
    the convention of Hugging Face's `get_cosine_schedule_with_warmup` (eta_0 = 0, eta_W = lr).
    """
    t = _steps(step)
    lr, lr_min = _positive("lr", lr), _positive("lr_min", lr_min, allow_zero=True)
    total_steps = _count("total_steps", total_steps)
    warmup_steps = _count("warmup_steps", warmup_steps, minimum=0)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be < total_steps = {total_steps}, but got {warmup_steps}")
    if lr_min > lr:
        raise ValueError(f"lr_min must be <= lr = {lr}, but got {lr_min}")
    progress = np.clip((t - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = lr_min + (lr - lr_min) * 0.5 * (1.0 + np.cos(np.pi * progress))
    warm = lr * t / warmup_steps if warmup_steps else cosine
    return _out(step, np.where(t < warmup_steps, warm, cosine))


def cyclical_triangular(step, base_lr, max_lr, step_size):
    r"""Smith's (2017) triangular cyclical learning rate: up from base_lr to max_lr in `step_size` steps,
    back down in `step_size` more, and again; the period is 2 * step_size.

        cycle = floor(1 + t / (2 s)),  x = |t / s - 2 cycle + 1|,
        eta_t = base_lr + (max_lr - base_lr) * max(0, 1 - x)

    (L. N. Smith, "Cyclical learning rates for training neural networks", WACV 2017, section 3.1; he
    suggests s = 2 to 10 epochs' worth of steps and the bounds from a range test.)
    """
    t = _steps(step)
    base_lr, max_lr = _positive("base_lr", base_lr), _positive("max_lr", max_lr)
    step_size = _count("step_size", step_size)
    if base_lr > max_lr:
        raise ValueError(f"base_lr must be <= max_lr = {max_lr}, but got {base_lr}")
    cycle = np.floor(1 + t / (2 * step_size))
    x = np.abs(t / step_size - 2 * cycle + 1)
    return _out(step, base_lr + (max_lr - base_lr) * np.maximum(0.0, 1.0 - x))


def one_cycle(step, max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    r"""The one-cycle policy (Smith & Topin 2019, "Super-convergence"; Smith 2018, arXiv:1803.09820).

    One rise from max_lr / div_factor to max_lr over the first pct_start of the run, then one fall to
    (max_lr / div_factor) / final_div_factor at the last step, both along half cosines:

        a = pct_start * T - 1  (the peak),  b = T - 1  (the last step)
        eta_t = cos_anneal(lr_0, max_lr, t / a)                  for t <= a
        eta_t = cos_anneal(max_lr, lr_0 / final_div_factor, (t - a) / (b - a))   for t > a
        cos_anneal(start, end, p) = end + (start - end) * (1 + cos(pi p)) / 2

    with lr_0 = max_lr / div_factor; steps past the end stay at the final value. These are PyTorch's
    `OneCycleLR` defaults and formula (anneal_strategy="cos", three_phase=False). Smith's paper uses
    linear ramps, a low final rate and cycles momentum in the opposite direction; we keep momentum fixed.
    """
    t = _steps(step)
    max_lr = _positive("max_lr", max_lr)
    total_steps = _count("total_steps", total_steps, minimum=2)
    pct_start = _positive("pct_start", pct_start)
    div_factor = _positive("div_factor", div_factor)
    final_div_factor = _positive("final_div_factor", final_div_factor)
    if not pct_start < 1:
        raise ValueError(f"pct_start must be in (0, 1), but got {pct_start!r}")
    if div_factor < 1 or final_div_factor < 1:
        raise ValueError(f"div_factor and final_div_factor must be >= 1, but got {div_factor!r}, "
                         f"{final_div_factor!r}")
    peak, end = pct_start * total_steps - 1, total_steps - 1
    if not 0 < peak < end:
        raise ValueError(f"pct_start * total_steps - 1 = {peak:g} must lie in (0, {end}); "
                         "raise total_steps or move pct_start away from 0 and 1")
    lr_0 = max_lr / div_factor
    lr_end = lr_0 / final_div_factor

    def cos_anneal(start, stop, p):
        return stop + (start - stop) * 0.5 * (1.0 + np.cos(np.pi * p))

    rise = cos_anneal(lr_0, max_lr, np.clip(t / peak, 0, 1))
    fall = cos_anneal(max_lr, lr_end, np.clip((t - peak) / (end - peak), 0, 1))
    return _out(step, np.where(t <= peak, rise, fall))


def sgdr(step, lr, first_period, period_mult=2.0, lr_min=0.0):
    r"""Cosine annealing with warm restarts (SGDR; Loshchilov & Hutter 2017, eq. 5): a cosine from lr down
    to lr_min over a period, then a jump back to lr; each period is period_mult times the one before.

        eta_t = lr_min + (lr - lr_min) (1 + cos(pi T_cur / T_i)) / 2,   T_i = first_period * period_mult^i

    with i the index of the period holding step t and T_cur the steps since it began, which is at
    first_period (period_mult^i - 1) / (period_mult - 1) (at i * first_period when period_mult = 1).
    """
    t = _steps(step)
    lr, lr_min = _positive("lr", lr), _positive("lr_min", lr_min, allow_zero=True)
    first_period, mult = _count("first_period", first_period), _positive("period_mult", period_mult)
    if mult < 1 or lr_min > lr:
        raise ValueError(f"period_mult must be >= 1 and lr_min <= lr = {lr}, but got {period_mult!r}, {lr_min!r}")
    if mult == 1:
        i = np.floor(t / first_period)
        start = i * first_period
    else:
        i = np.floor(np.log1p(t * (mult - 1) / first_period) / np.log(mult))
        start = first_period * (mult**i - 1) / (mult - 1)
        i = np.where(t < start, i - 1, i)  # rounding at a boundary: step back or forward one period
        i = np.where(t >= first_period * (mult ** (i + 1) - 1) / (mult - 1), i + 1, i)
        start = first_period * (mult**i - 1) / (mult - 1)
    progress = (t - start) / (first_period * mult**i)
    return _out(step, lr_min + (lr - lr_min) * 0.5 * (1.0 + np.cos(np.pi * progress)))


SCHEDULES = {
    "constant": constant,
    "step": step_decay,
    "exponential": exponential,
    "cosine": cosine_with_warmup,
    "cyclical": cyclical_triangular,
    "one_cycle": one_cycle,
    "sgdr": sgdr,
}


def make_schedule(name, **knobs):
    """A function step -> lr: the schedule `name` (a key of SCHEDULES) with its knobs bound.

    make_schedule("cosine", lr=0.1, total_steps=600, warmup_steps=30)(0) == 0.0. The knobs are checked
    now, by evaluating the schedule at step 0, so a bad knob fails here and not mid-training.
    """
    if name not in SCHEDULES:
        raise ValueError(f"schedule must be one of {sorted(SCHEDULES)}, but got {name!r}")
    schedule = partial(SCHEDULES[name], **knobs)
    try:
        schedule(0)
    except TypeError as exc:
        raise TypeError(f"make_schedule({name!r}, ...): {exc}") from exc
    return schedule


# ---------------------------------------------------------------------------------------------------
# The learning-rate range test
# ---------------------------------------------------------------------------------------------------

def range_test_lrs(lr_min=1e-5, lr_max=10.0, n_steps=100):
    """The exponential sweep: eta_t = lr_min * (lr_max / lr_min) ** (t / (n - 1)), t = 0..n-1.

    Equal steps in log(eta), so every decade gets the same number of steps (fastai's `lr_find`; Smith
    2017 swept linearly, later work and fastai exponentially).
    """
    lr_min, lr_max = _positive("lr_min", lr_min), _positive("lr_max", lr_max)
    n_steps = _count("n_steps", n_steps, minimum=2)
    if lr_min >= lr_max:
        raise ValueError(f"lr_min must be < lr_max = {lr_max}, but got {lr_min}")
    return lr_min * (lr_max / lr_min) ** (np.arange(n_steps) / (n_steps - 1))


def smooth_losses(losses, beta=0.98):
    """The debiased exponential moving average of minibatch losses (fastai's `lr_find`):

        m_t = beta * m_{t-1} + (1 - beta) * loss_t,  m_{-1} = 0,   smoothed_t = m_t / (1 - beta ** (t + 1))

    The division removes the bias toward 0 of the first steps (as in Adam, Kingma & Ba 2015, section 3).
    Non-finite losses make the rest of the curve non-finite.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1:
        raise ValueError(f"losses must be a 1-D sequence, but got shape {losses.shape}")
    if not (isinstance(beta, Real) and 0 <= beta < 1):
        raise ValueError(f"beta must be in [0, 1), but got {beta!r}")
    smoothed, m = np.empty_like(losses), 0.0
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 = nan once a loss has blown up
        for t, loss in enumerate(losses):
            m = beta * m + (1 - beta) * loss
            smoothed[t] = m / (1 - beta ** (t + 1))
    return smoothed


RULES = ("min/10", "steepest")


def suggest_lr(lrs, smoothed, rule="min/10"):
    """The learning rate a range test suggests, from the sweep `lrs` and its smoothed losses.

    "min/10": the rate at the lowest smoothed loss, divided by 10: fastai's `lr_find` reports it as
        `lr_min` (fastai 2.0-2.3 `SuggestedLRs(lr_min, lr_steep)`; in fastai v1 the plot's "min loss / 10").
        At the minimum the loss has stopped improving and is about to blow up, so a decade below is a
        fast rate that still trains steadily; Smith (2017, section 3.3) likewise takes the bound where
        the loss stops falling and stays below it.
    "steepest": the rate where the smoothed loss falls fastest per unit of log(lr) (fastai's `lr_steep`);
        noisier, since it differentiates a noisy curve.
    Only the finite part of the curve counts.
    """
    lrs, smoothed = np.asarray(lrs, dtype=float), np.asarray(smoothed, dtype=float)
    if lrs.shape != smoothed.shape or lrs.ndim != 1:
        raise ValueError(f"lrs and smoothed must be 1-D of one length, but got {lrs.shape} and {smoothed.shape}")
    finite = np.isfinite(smoothed)
    if finite.sum() < 3:
        raise ValueError("fewer than 3 finite losses: start the sweep at a smaller lr_min")
    lrs, smoothed = lrs[finite], smoothed[finite]
    if rule == "min/10":
        return float(lrs[np.argmin(smoothed)] / 10)
    if rule == "steepest":
        slope = np.gradient(smoothed, np.log(lrs))
        return float(lrs[np.argmin(slope)])
    raise ValueError(f"rule must be one of {RULES}, but got {rule!r}")


@dataclass
class RangeTest:
    """What a range test saw: the swept rates, the raw and smoothed losses of the steps it ran (it stops
    early once the loss blows up), the suggested rate and the rule that chose it."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float
    rule: str

    @property
    def min_loss_lr(self) -> float:
        """The rate at the lowest smoothed loss."""
        return float(self.lrs[np.nanargmin(self.smoothed)])


DIVERGE_FACTOR = 4.0  # fastai's lr_find stops once the smoothed loss exceeds 4x its best


def lr_range_test(train, lr_min=1e-5, lr_max=10.0, n_steps=100, beta=0.98, rule="min/10",
                  diverge_factor=DIVERGE_FACTOR) -> RangeTest:
    """Run the LR range test: train from a fresh start with the rate rising exponentially from lr_min to
    lr_max over n_steps minibatches, record the loss of every step, smooth it, suggest a rate.

    train: a callable (schedule, n_steps) -> per-step losses, where schedule is a function step -> lr;
        `hpo_mini.tasks.training.range_test` supplies one for the course's model. The curve is cut where the
        smoothed loss first exceeds diverge_factor times its minimum so far, or turns non-finite.
    """
    lrs = range_test_lrs(lr_min, lr_max, n_steps)
    diverge_factor = _positive("diverge_factor", diverge_factor)
    sweep = lrs.copy()
    losses = np.asarray(train(lambda t: float(sweep[min(int(t), n_steps - 1)]), n_steps), dtype=float)
    losses = losses[:n_steps]
    smoothed = smooth_losses(losses, beta)
    best = np.minimum.accumulate(np.where(np.isfinite(smoothed), smoothed, np.inf))
    blown = ~np.isfinite(smoothed) | (smoothed > diverge_factor * best)
    stop = int(np.argmax(blown)) if blown.any() else len(losses)
    lrs, losses, smoothed = lrs[:stop], losses[:stop], smoothed[:stop]
    return RangeTest(lrs, losses, smoothed, suggest_lr(lrs, smoothed, rule), rule)
