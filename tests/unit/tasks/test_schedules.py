"""Schedules against values computed by hand, their periods and bounds, and the range-test pieces."""

import math

import numpy as np
import pytest

from hpo_mini.tasks.schedules import (SCHEDULES, constant, cosine_with_warmup, cyclical_triangular, exponential,
                                lr_range_test, make_schedule, one_cycle, range_test_lrs, smooth_losses,
                                step_decay, suggest_lr)


def test_constant_and_step_decay_by_hand():
    assert constant(0, lr=0.3) == 0.3 and constant(999, lr=0.3) == 0.3
    values = step_decay(np.array([0, 9, 10, 19, 20, 25]), lr=1.0, step_size=10, gamma=0.1)
    np.testing.assert_allclose(values, [1.0, 1.0, 0.1, 0.1, 0.01, 0.01])


def test_exponential_by_hand():
    assert exponential(0, lr=0.5, gamma=0.9) == 0.5
    assert exponential(2, lr=0.5, gamma=0.9) == pytest.approx(0.405)  # 0.5 * 0.81
    halving = 0.5 ** (1 / 10)
    assert exponential(10, lr=0.2, gamma=halving) == pytest.approx(0.1)


def test_cosine_with_warmup_at_key_steps():
    f = make_schedule("cosine", lr=0.1, total_steps=100, warmup_steps=10)
    assert f(0) == 0.0  # start: warmup begins at 0
    assert f(5) == pytest.approx(0.05)  # halfway through warmup
    assert f(10) == pytest.approx(0.1)  # end of warmup: the peak
    assert f(55) == pytest.approx(0.05)  # middle of the cosine: (1 + cos(pi/2)) / 2 = 1/2
    assert f(10 + 90 / 3) == pytest.approx(0.1 * (1 + 0.5) / 2)  # cos(pi/3) = 1/2 -> 0.075
    assert f(100) == pytest.approx(0.0, abs=1e-15)  # end
    assert f(150) == pytest.approx(0.0, abs=1e-15)  # after the end it stays at lr_min
    g = make_schedule("cosine", lr=0.1, total_steps=100, warmup_steps=0, lr_min=0.01)
    assert g(0) == pytest.approx(0.1)  # no warmup: starts at the peak
    assert g(50) == pytest.approx(0.055)  # 0.01 + 0.09 / 2
    assert g(100) == pytest.approx(0.01)


def test_cosine_warmup_is_linear_and_cosine_decreasing():
    t = np.arange(0, 101)
    lr = cosine_with_warmup(t, lr=1.0, total_steps=100, warmup_steps=20)
    np.testing.assert_allclose(lr[:21], t[:21] / 20)
    assert np.all(np.diff(lr[20:]) <= 1e-15)


def test_cyclical_triangular_by_hand_period_and_bounds():
    f = make_schedule("cyclical", base_lr=0.1, max_lr=1.0, step_size=10)
    for t, expected in [(0, 0.1), (5, 0.55), (10, 1.0), (15, 0.55), (20, 0.1), (30, 1.0), (35, 0.55)]:
        assert f(t) == pytest.approx(expected), t
    t = np.arange(0, 200)
    lr = cyclical_triangular(t, base_lr=0.1, max_lr=1.0, step_size=10)
    np.testing.assert_allclose(lr[20:], lr[:-20])  # period 2 * step_size
    assert lr.min() == pytest.approx(0.1) and lr.max() == pytest.approx(1.0)
    assert np.all(np.abs(np.diff(lr)) == pytest.approx(0.09))  # a triangle: constant slope (1 - 0.1) / 10


def test_one_cycle_at_key_steps():
    # T = 50, pct_start = 0.2: the peak at 0.2 * 50 - 1 = 9, the last step 49 (PyTorch's OneCycleLR).
    f = make_schedule("one_cycle", max_lr=1.0, total_steps=50, pct_start=0.2)
    lr_0 = 1.0 / 25
    lr_end = lr_0 / 1e4
    assert f(0) == pytest.approx(lr_0)  # start: max_lr / div_factor
    assert f(3) == pytest.approx(lr_0 + (1 - lr_0) * 0.25)  # p = 1/3: (1 - cos(pi/3)) / 2 = 1/4 of the rise
    assert f(9) == pytest.approx(1.0)  # peak
    assert f(29) == pytest.approx(lr_end + (1 - lr_end) / 2)  # middle of the fall, p = 20/40
    assert f(49) == pytest.approx(lr_end)  # end
    assert f(80) == pytest.approx(lr_end)  # after the end


def test_one_cycle_bounds_and_shape():
    t = np.arange(0, 1000)
    lr = one_cycle(t, max_lr=0.4, total_steps=1000, pct_start=0.3, div_factor=10, final_div_factor=100)
    peak = int(np.argmax(lr))
    assert peak == 299  # 0.3 * 1000 - 1
    assert lr.max() == pytest.approx(0.4)
    assert lr[0] == pytest.approx(0.04) and lr[-1] == pytest.approx(0.0004)
    assert lr.min() == pytest.approx(0.0004)
    assert np.all(np.diff(lr[: peak + 1]) > 0) and np.all(np.diff(lr[peak:]) < 0)  # exactly one cycle


@pytest.mark.parametrize("name, knobs", [
    ("constant", dict(lr=0.1)),
    ("step", dict(lr=0.1, step_size=7, gamma=0.5)),
    ("exponential", dict(lr=0.1, gamma=0.97)),
    ("cosine", dict(lr=0.1, total_steps=300, warmup_steps=30, lr_min=0.0)),
    ("cyclical", dict(base_lr=0.001, max_lr=0.1, step_size=25)),
    ("one_cycle", dict(max_lr=0.1, total_steps=300)),
])
def test_every_schedule_nonnegative_finite_and_vectorized(name, knobs):
    t = np.arange(0, 900)
    lr = SCHEDULES[name](t, **knobs)
    assert lr.shape == t.shape and np.all(np.isfinite(lr)) and np.all(lr >= 0)
    f = make_schedule(name, **knobs)
    assert [f(int(s)) for s in (0, 17, 299, 899)] == pytest.approx(lr[[0, 17, 299, 899]].tolist())
    assert isinstance(f(3), float)


@pytest.mark.parametrize("call, fragment", [
    (lambda: constant(0, lr=-0.1), "lr must be"),
    (lambda: constant(-1, lr=0.1), "step must be an integer >= 0"),
    (lambda: constant(1.5, lr=0.1), "step must be an integer >= 0"),
    (lambda: step_decay(0, lr=0.1, step_size=0), "step_size must be an integer >= 1"),
    (lambda: step_decay(0, lr=0.1, step_size=5, gamma=2.0), "gamma must be in (0, 1]"),
    (lambda: exponential(0, lr=0.1, gamma=1.1), "gamma must be in (0, 1]"),
    (lambda: cosine_with_warmup(0, lr=0.1, total_steps=10, warmup_steps=10), "warmup_steps must be < total_steps"),
    (lambda: cosine_with_warmup(0, lr=0.1, total_steps=10, lr_min=0.2), "lr_min must be <= lr"),
    (lambda: cyclical_triangular(0, base_lr=1.0, max_lr=0.1, step_size=5), "base_lr must be <= max_lr"),
    (lambda: one_cycle(0, max_lr=0.1, total_steps=100, pct_start=1.2), "pct_start must be in (0, 1)"),
    (lambda: one_cycle(0, max_lr=0.1, total_steps=100, div_factor=0.5), "div_factor"),
    (lambda: one_cycle(0, max_lr=0.1, total_steps=2), "pct_start * total_steps - 1"),
    (lambda: make_schedule("cosin", lr=0.1), "schedule must be one of"),
    (lambda: range_test_lrs(1.0, 0.1), "lr_min must be < lr_max"),
])
def test_bad_knobs_raise_naming_the_knob(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)


def test_make_schedule_missing_knob_is_a_type_error():
    with pytest.raises(TypeError, match="cosine"):
        make_schedule("cosine", lr=0.1)  # total_steps missing


def test_range_test_sweep_is_geometric():
    lrs = range_test_lrs(1e-4, 1.0, 41)
    assert lrs[0] == pytest.approx(1e-4) and lrs[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 10 ** 0.1)  # 4 decades in 40 equal log steps


def test_smooth_losses_debiased_ema_against_the_recursion():
    rng = np.random.default_rng(0)
    losses = rng.random(50)
    beta = 0.9
    expected, m = [], 0.0
    for t, x in enumerate(losses):  # the textbook recursion, written out independently
        m = beta * m + (1 - beta) * x
        expected.append(m / (1 - beta ** (t + 1)))
    np.testing.assert_allclose(smooth_losses(losses, beta), expected)
    np.testing.assert_allclose(smooth_losses(np.full(20, 3.0), 0.98), 3.0)  # debiasing: no pull toward 0
    assert smooth_losses(losses, 0.0) == pytest.approx(losses)


def test_suggest_lr_rules_on_a_known_curve():
    lrs = np.logspace(-5, 1, 61)  # 10 points per decade
    x = np.log10(lrs)
    loss = np.where(x < -1, 2.0 - np.tanh(x + 3), 2.0 - np.tanh(2) + 5 * (x + 1) ** 2)
    assert suggest_lr(lrs, loss, "min/10") == pytest.approx(1e-2)  # minimum at 1e-1
    assert suggest_lr(lrs, loss, "steepest") == pytest.approx(1e-3)  # tanh falls fastest at x = -3
    with pytest.raises(ValueError, match="rule must be one of"):
        suggest_lr(lrs, loss, "valley")
    with pytest.raises(ValueError, match="fewer than 3 finite"):
        suggest_lr(lrs[:3], np.array([1.0, np.nan, np.inf]))


def test_lr_range_test_cuts_the_curve_where_it_blows_up():
    # A fake "training": loss = (log10 lr + 2)^2 + 1, exploding to inf above lr = 1.
    def train(schedule, n):
        lrs = np.array([schedule(t) for t in range(n)])
        with np.errstate(over="ignore"):
            return np.where(lrs > 1, np.inf, (np.log10(lrs) + 2) ** 2 + 1)

    result = lr_range_test(train, lr_min=1e-5, lr_max=100.0, n_steps=71, beta=0.0)
    assert result.lrs[-1] < 100 and len(result.lrs) < 71  # stopped before the end
    after_min = result.smoothed[np.argmin(result.smoothed):]
    assert np.all(after_min <= 4 * result.smoothed.min())  # cut before 4x the best (fastai's stop rule)
    assert np.all(np.isfinite(result.losses))

    # a loss that jumps to inf before reaching 4x its best: cut at the first non-finite loss
    def jumpy(schedule, n):
        return np.array([1.0 if schedule(t) < 1.1e-2 else np.inf for t in range(n)])

    cut = lr_range_test(jumpy, lr_min=1e-5, lr_max=1.0, n_steps=51, beta=0.5)
    assert len(cut.lrs) == 31  # 1e-5 .. 1e-2, 10 steps a decade, then inf
    assert cut.lrs[-1] == pytest.approx(1e-2)
    assert result.min_loss_lr == pytest.approx(1e-2)
    assert result.suggestion == pytest.approx(1e-3)
    assert math.isfinite(result.suggestion)


def test_sgdr_restarts_at_the_peak_and_lengthens_its_periods():
    from hpo_mini.tasks.schedules import sgdr

    # periods of 10, 20, 40 steps: restarts at steps 10 and 30
    t = np.array([0, 5, 9, 10, 20, 29, 30, 50, 69, 70])
    values = sgdr(t, lr=1.0, first_period=10, period_mult=2.0, lr_min=0.0)
    by_hand = [0.5 * (1 + math.cos(math.pi * p)) for p in (0, 0.5, 0.9, 0, 0.5, 19 / 20, 0, 0.5, 39 / 40, 0)]
    np.testing.assert_allclose(values, by_hand, atol=1e-12)
    same = sgdr(np.arange(40), lr=0.2, first_period=8, period_mult=1.0, lr_min=0.02)
    np.testing.assert_allclose(same[:8], same[8:16])  # period_mult 1: identical cycles
    assert same[0] == pytest.approx(0.2) and same.min() >= 0.02
    assert make_schedule("sgdr", lr=0.1, first_period=4)(4) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="period_mult"):
        sgdr(0, lr=0.1, first_period=4, period_mult=0.5)


def test_sgdr_boundaries_are_exact_for_long_runs():
    from hpo_mini.tasks.schedules import sgdr

    # with first_period 3 and mult 3 the restarts are at 3, 12, 39, 120, 363, 1092: each one exactly at the peak
    starts = np.array([0, 3, 12, 39, 120, 363, 1092])
    np.testing.assert_allclose(sgdr(starts, lr=1.0, first_period=3, period_mult=3.0), 1.0, atol=1e-12)
    np.testing.assert_array_less(sgdr(starts[1:] - 1, lr=1.0, first_period=3, period_mult=3.0), 0.5)
