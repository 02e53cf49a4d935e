"""The gradient-descent helpers lesson 01 uses: closed forms, the 2/L limit, least-squares optimum."""

import numpy as np
import pytest

from hpo_mini.tasks.gradient_descent import least_squares_gd, quadratic_gd


@pytest.mark.parametrize("lr", [0.05, 0.5, 1.0, 1.5, 1.99, 2.0, 2.3])
def test_quadratic_gd_matches_closed_form(lr):
    lam, w0 = np.array([0.5, 1.0, 3.0]), np.array([1.0, -2.0, 0.5])
    t = np.arange(31)
    closed = 0.5 * np.sum(lam * (1 - lr * lam) ** (2 * t[:, None]) * w0**2, axis=1)
    np.testing.assert_allclose(quadratic_gd(lam, lr, w0=w0, n_steps=30), closed, rtol=1e-10)


def test_quadratic_gd_limit_is_two_over_largest_curvature():
    lam = [0.2, 1.0, 4.0]  # limit 2 / 4 = 0.5
    for lr in [0.01, 0.25, 0.45, 0.499]:
        losses = quadratic_gd(lam, lr, n_steps=3000)
        assert losses[-1] < 1e-6 * losses[0], lr
    for lr in [0.501, 0.6, 2.0]:
        losses = quadratic_gd(lam, lr, n_steps=3000)
        assert losses[-1] > losses[0], lr
    # at exactly 2 / lambda the coordinate flips sign forever: the loss neither grows nor shrinks
    np.testing.assert_allclose(quadratic_gd(4.0, 0.5, n_steps=10), 2.0)


def test_quadratic_gd_one_step_at_lr_one_over_lambda_and_inf_after_overflow():
    assert quadratic_gd(5.0, 0.2, n_steps=3).tolist() == [2.5, 0.0, 0.0, 0.0]
    losses = quadratic_gd(1.0, 10.0, n_steps=400)  # |1 - 10| ** 800 overflows
    first_inf = int(np.argmax(np.isinf(losses)))
    assert 0 < first_inf < 400 and np.all(np.isinf(losses[first_inf:])) and np.all(np.isfinite(losses[:first_inf]))


def _regression(seed=0, n=200, d=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.array([1.0, 2.0, 0.5, 1.5, 3.0])
    y = X @ rng.normal(size=d) + 0.3 * rng.normal(size=n)
    return X, y


def test_least_squares_gd_reaches_the_lstsq_optimum_below_the_limit():
    X, y = _regression()
    L = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    best = 0.5 * np.mean((X @ w_star - y) ** 2)
    losses = least_squares_gd(X, y, lr=0.9 * 2 / L, n_steps=3000)
    assert losses[0] == pytest.approx(0.5 * np.mean(y**2))
    assert losses[-1] == pytest.approx(best, rel=1e-8)
    assert np.all(losses >= best - 1e-12)


def test_least_squares_gd_diverges_just_above_the_limit():
    X, y = _regression(seed=1)
    L = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    slow = least_squares_gd(X, y, lr=1.02 * 2 / L, n_steps=2000)
    assert slow[-1] > 1e6 * slow[0]
    fast = least_squares_gd(X, y, lr=50 / L, n_steps=2000)
    assert np.isinf(fast[-1]) and np.isfinite(fast[0])


def test_least_squares_gd_start_and_errors():
    X, y = _regression(seed=2)
    w0 = np.linalg.lstsq(X, y, rcond=None)[0]
    losses = least_squares_gd(X, y, lr=0.01, n_steps=5, w0=w0)
    np.testing.assert_allclose(losses, losses[0], rtol=1e-10)  # the optimum is a fixed point
    with pytest.raises(ValueError, match="lr must be"):
        least_squares_gd(X, y, lr=0.0)
    with pytest.raises(ValueError, match="shapes"):
        least_squares_gd(X, y[:-1], lr=0.1)
    with pytest.raises(ValueError, match="n_steps"):
        quadratic_gd(1.0, 0.1, n_steps=-1)
    with pytest.raises(ValueError, match="curvatures"):
        quadratic_gd([1.0, -1.0], 0.1)
