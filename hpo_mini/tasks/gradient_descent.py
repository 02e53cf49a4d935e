"""Gradient descent on problems whose answer is known: the learning rate that converges, and the one
that diverges (lesson 01).
"""

from __future__ import annotations

import numpy as np

__all__ = ["quadratic_gd", "least_squares_gd"]

# --- added for lesson 01 ---
# Gradient descent on the two problems where the learning-rate limit has a closed form. Lesson 01
# plots their loss curves and checks the limit lr < 2 / L on a real data set.



def _check_lr_steps(lr, n_steps):
    if not (isinstance(lr, (int, float, np.floating)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, but got {lr!r}")
    if not (isinstance(n_steps, (int, np.integer)) and n_steps >= 0):
        raise ValueError(f"n_steps must be an integer >= 0, but got {n_steps!r}")


def quadratic_gd(curvatures, lr, w0=1.0, n_steps=50) -> np.ndarray:
    r"""Losses of gradient descent on the quadratic f(w) = 1/2 sum_i lambda_i w_i^2.

    Any quadratic 1/2 w^T H w, written in the eigenbasis of H, has this form with lambda_i the
    eigenvalues (curvatures). The gradient is lambda_i w_i, so one step

        w_{t+1,i} = w_{t,i} - lr * lambda_i * w_{t,i} = (1 - lr * lambda_i) w_{t,i}

    acts on each coordinate alone: w_{t,i} = (1 - lr lambda_i)^t w_{0,i} and
    f(w_t) = 1/2 sum_i lambda_i (1 - lr lambda_i)^{2t} w_{0,i}^2. It converges from every start iff
    |1 - lr lambda_i| < 1 for all i, that is 0 < lr < 2 / max_i lambda_i; lr = 1 / lambda_i lands on
    the minimum of coordinate i in one step.

    curvatures: lambda_i > 0 (a number or a sequence); w0: the start (a number for all coordinates, or
    a sequence). Returns the n_steps + 1 losses f(w_0), ..., f(w_{n_steps}), computed by iterating the
    update (+inf from the step where a loss overflows).
    """
    lam = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if lam.ndim != 1 or not np.all(np.isfinite(lam)) or not np.all(lam > 0):
        raise ValueError(f"curvatures must be positive finite numbers, but got {curvatures!r}")
    _check_lr_steps(lr, n_steps)
    w = np.broadcast_to(np.asarray(w0, dtype=float), lam.shape).copy()
    losses = np.full(n_steps + 1, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps + 1):
            loss = 0.5 * np.sum(lam * w**2)
            if not np.isfinite(loss):
                break
            losses[t] = loss
            w = w - lr * lam * w  # w_{t+1} = w_t - lr * grad f(w_t)
    return losses


def least_squares_gd(X, y, lr, n_steps=100, w0=None) -> np.ndarray:
    r"""Losses of full-batch gradient descent on least squares, f(w) = 1/(2n) ||X w - y||^2.

    grad f(w) = X^T (X w - y) / n, so w_{t+1} = w_t - lr X^T (X w_t - y) / n. The Hessian is
    H = X^T X / n and f is L-smooth with L = lambda_max(H); in the eigenbasis of H this is
    `quadratic_gd` around the least-squares solution, so the iterates converge from every start iff
    0 < lr < 2 / L (for lr > 2 / L the loss grows like (lr L - 1)^{2t}).

    X: (n, d) features, y: (n,) targets, w0: the start (zeros by default). Returns the n_steps + 1
    losses f(w_0), ..., f(w_{n_steps}); from the step where the loss overflows, the run stops and the
    remaining entries are +inf.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), but got shapes {X.shape} and {y.shape}")
    _check_lr_steps(lr, n_steps)
    n = X.shape[0]
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    losses = np.full(n_steps + 1, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps + 1):
            residual = X @ w - y
            loss = 0.5 * np.mean(residual**2)
            if not np.isfinite(loss):
                break
            losses[t] = loss
            w = w - lr * (X.T @ residual) / n  # w_{t+1} = w_t - lr * grad f(w_t)
    return losses
