"""Gaussian-process regression from scratch: kernels, the posterior, the marginal likelihood.

Equations cite Rasmussen & Williams, *Gaussian Processes for Machine Learning* (MIT Press, 2006),
"R&W". Hyperparameters live in log space, theta = log [l_1, ..., l_d, sigma_f^2, sigma_n^2]:
per-dimension length-scales (ARD, R&W eq. 5.2), the signal variance and the noise variance.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.linalg import cho_solve, solve_triangular
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

__all__ = ["rbf", "matern52", "KERNELS", "kernel_gradient", "GaussianProcess", "cholesky_with_jitter"]

SQRT5 = np.sqrt(5.0)
# Bounds for the hyperparameters on inputs in [0, 1]^d and standardized outputs.
LENGTHSCALE_BOUNDS = (1e-2, 20.0)
SIGNAL_VARIANCE_BOUNDS = (5e-2, 20.0)
NOISE_VARIANCE_BOUNDS = (1e-6, 1.0)
# Cholesky jitter: start from nothing, then grow from this fraction of the mean diagonal, x10 a step.
JITTER_START, JITTER_MAX = 1e-10, 1e-2
LML_MAXITER = 100  # L-BFGS-B iterations per start; the optimum moves little between BO steps


def _scaled_differences(X1, X2, lengthscales):
    """(n1, n2, d) array of (x_d - x'_d) / l_d."""
    return (X1[:, None, :] - X2[None, :, :]) / lengthscales


def rbf(X1, X2, lengthscales, variance=1.0, return_parts=False):
    """Squared exponential, R&W eq. 4.9 with ARD (eq. 5.2): k = s^2 exp(-r^2 / 2), r^2 = sum_d ((x_d-x'_d)/l_d)^2."""
    D = _scaled_differences(np.atleast_2d(X1), np.atleast_2d(X2), lengthscales)
    K = variance * np.exp(-0.5 * np.sum(D**2, axis=-1))
    if not return_parts:
        return K
    # dK / d log l_d = K * ((x_d - x'_d) / l_d)^2
    return K, K[..., None] * D**2


def matern52(X1, X2, lengthscales, variance=1.0, return_parts=False):
    """Matern nu = 5/2, R&W eq. 4.17: k = s^2 (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)."""
    D = _scaled_differences(np.atleast_2d(X1), np.atleast_2d(X2), lengthscales)
    r = np.sqrt(np.sum(D**2, axis=-1))
    e = np.exp(-SQRT5 * r)
    K = variance * (1 + SQRT5 * r + 5.0 / 3.0 * r**2) * e
    if not return_parts:
        return K
    # dk/dr = -(5/3) s^2 r (1 + sqrt5 r) e, dr/dlog l_d = -D_d^2 / r  =>  dK/dlog l_d = (5/3) s^2 (1 + sqrt5 r) e D_d^2
    return K, (5.0 / 3.0 * variance * (1 + SQRT5 * r) * e)[..., None] * D**2


KERNELS = {"rbf": rbf, "matern52": matern52}


def kernel_gradient(name, x, X2, lengthscales, variance=1.0):
    """(n2, d) array of dk(x, x'_i)/dx for one point x: the chain rule through r (differentiate the
    kernel formulas above). RBF: -k (x - x') / l^2.  Matern-5/2: -(5/3) s^2 (1 + sqrt5 r) e^(-sqrt5 r)
    (x - x') / l^2, which stays finite at r = 0."""
    diff = np.asarray(x, dtype=float)[None, :] - np.atleast_2d(X2)
    D = diff / lengthscales
    r = np.sqrt(np.sum(D**2, axis=-1))
    if name == "rbf":
        factor = variance * np.exp(-0.5 * r**2)
    elif name == "matern52":
        factor = 5.0 / 3.0 * variance * (1 + SQRT5 * r) * np.exp(-SQRT5 * r)
    else:
        raise ValueError(f"kernel must be one of {sorted(KERNELS)}, but got {name!r}")
    return -factor[:, None] * diff / lengthscales**2


def cholesky_with_jitter(K):
    """Lower Cholesky factor of K, adding jitter * mean(diag K) * I (growing x10) until it succeeds.

    Returns (L, jitter used). Rounding makes near-duplicate inputs give a K that is numerically
    not positive definite; a tiny jitter is the standard fix (R&W section 3.4.3, p. 47, and appendix A.4).
    """
    if not np.all(np.isfinite(K)):  # numpy's Cholesky returns NaNs here instead of failing
        raise np.linalg.LinAlgError("the kernel matrix has NaN or infinite entries; check X, y and the hyperparameters")
    scale = np.mean(np.diag(K))
    jitter = 0.0
    while True:
        try:
            return np.linalg.cholesky(K + jitter * scale * np.eye(len(K))), jitter
        except np.linalg.LinAlgError:
            jitter = JITTER_START if jitter == 0.0 else jitter * 10
            if jitter > JITTER_MAX:
                raise np.linalg.LinAlgError(
                    f"the kernel matrix is not positive definite even with jitter {JITTER_MAX:g} x mean diag; "
                    "are there NaNs or huge values in X or y?"
                ) from None


class GaussianProcess:
    """GP regression with a zero-mean prior on standardized outputs.

    kernel:        "matern52" (default, as in most BO libraries) or "rbf".
    lengthscale, signal_variance, noise: initial (or, with optimize=False, fixed) hyperparameters.
    optimize:      fit the hyperparameters by maximizing the log marginal likelihood (R&W section 5.4.1)
                   with L-BFGS-B from the previous optimum and `n_restarts` random starts.
    normalize_y:   fit on (y - mean) / std and report predictions in the original units.
    """

    def __init__(self, kernel="matern52", *, lengthscale=0.5, signal_variance=1.0, noise=1e-4, optimize=True,
                 n_restarts=3, normalize_y=True, seed=None):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)}, but got {kernel!r}")
        for name, value in (("lengthscale", lengthscale), ("signal_variance", signal_variance), ("noise", noise)):
            v = np.asarray(value)
            if v.dtype.kind not in "iuf" or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
                raise ValueError(f"{name} must be a finite number > 0 (or, for lengthscale, one per dimension), "
                                 f"but got {value!r}")
        if isinstance(n_restarts, bool) or not isinstance(n_restarts, Integral) or n_restarts < 0:
            raise ValueError(f"n_restarts must be an integer >= 0, but got {n_restarts!r}")
        self.kernel = kernel
        self.lengthscale = lengthscale
        self.signal_variance = signal_variance
        self.noise = noise
        self.optimize = optimize
        self.n_restarts = n_restarts
        self.normalize_y = normalize_y
        self.rng = np.random.default_rng(seed)
        self.theta_ = None

    # -- hyperparameters -------------------------------------------------------------------------
    def _initial_theta(self, d):
        lengthscales = np.broadcast_to(np.asarray(self.lengthscale, dtype=float), (d,))
        return np.log(np.concatenate([lengthscales, [self.signal_variance, self.noise]]))

    def _bounds(self, d):
        return np.log([LENGTHSCALE_BOUNDS] * d + [SIGNAL_VARIANCE_BOUNDS, NOISE_VARIANCE_BOUNDS])

    @property
    def lengthscales_(self):
        return np.exp(self.theta_[:-2])

    @property
    def signal_variance_(self):
        return float(np.exp(self.theta_[-2]))

    @property
    def noise_(self):
        return float(np.exp(self.theta_[-1]))

    # -- fitting ---------------------------------------------------------------------------------
    def fit(self, X, y, optimize=None, n_restarts=None):
        """Condition on (X, y); fit the hyperparameters first if `optimize` (default: self.optimize).
        With optimize=False and a previous fit, the previous hyperparameters are kept (frozen);
        n_restarts overrides self.n_restarts for this fit (0: only the warm start from the last optimum)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        y = np.asarray(y, dtype=float).ravel()
        if len(X) != len(y) or len(y) == 0:
            raise ValueError(f"X has {len(X)} rows and y {len(y)} values; need the same number, at least 1")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise ValueError("X and y must be finite; drop failed trials (NaN) before fitting")
        self.X_ = X
        self.y_mean_ = y.mean() if self.normalize_y else 0.0
        self.y_std_ = (y.std() if self.normalize_y and y.std() > 0 else 1.0)
        self.y_ = (y - self.y_mean_) / self.y_std_
        d = X.shape[1]
        # Matrices this small are slower with a multi-threaded BLAS (50x on a busy 2-core machine).
        optimize = self.optimize if optimize is None else optimize
        n_restarts = self.n_restarts if n_restarts is None else n_restarts
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_standardized(d, optimize, n_restarts)
        return self

    def _fit_standardized(self, d, optimize, n_restarts):
        start = self.theta_ if self.theta_ is not None and len(self.theta_) == d + 2 else self._initial_theta(d)
        self.theta_ = self._fit_theta(start, n_restarts) if optimize and len(self.y_) > 1 else start
        self._factorize()

    def _fit_theta(self, start, n_restarts):
        bounds = self._bounds(len(start) - 2)
        starts = [np.clip(start, bounds[:, 0], bounds[:, 1])]
        starts += [self.rng.uniform(bounds[:, 0], bounds[:, 1]) for _ in range(n_restarts)]
        best_theta, best_value = starts[0], np.inf
        for theta0 in starts:
            try:
                result = minimize(lambda t: [-v for v in self.log_marginal_likelihood(t, eval_gradient=True)],
                                  theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                                  options={"maxiter": LML_MAXITER})
            except np.linalg.LinAlgError:
                continue
            if result.fun < best_value:
                best_theta, best_value = result.x, result.fun
        return best_theta

    def _kernel_matrix(self, theta, X1, X2, return_parts=False):
        return KERNELS[self.kernel](X1, X2, np.exp(theta[:-2]), np.exp(theta[-2]), return_parts=return_parts)

    def log_marginal_likelihood(self, theta=None, eval_gradient=False):
        """log p(y | X, theta) = -y^T alpha / 2 - sum_i log L_ii - n/2 log 2 pi   (R&W eq. 2.30, Alg. 2.1)

        on the standardized y; with eval_gradient, also its gradient in theta (R&W eq. 5.9):
        d/dtheta_j = tr((alpha alpha^T - K_y^-1) dK_y/dtheta_j) / 2.
        """
        theta = self.theta_ if theta is None else np.asarray(theta, dtype=float)
        X, y, n = self.X_, self.y_, len(self.y_)
        K, dK_dlog_l = self._kernel_matrix(theta, X, X, return_parts=True)
        noise = np.exp(theta[-1])
        L, _ = cholesky_with_jitter(K + noise * np.eye(n))
        alpha = cho_solve((L, True), y)  # R&W Alg. 2.1 line 3: alpha = L^T \ (L \ y)
        lml = -0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * n * np.log(2 * np.pi)
        if not eval_gradient:
            return float(lml)
        inner = np.outer(alpha, alpha) - cho_solve((L, True), np.eye(n))
        # tr(A B) for symmetric B is sum(A * B); the length-scale derivatives stack along the last axis.
        grad_lengthscales = 0.5 * np.einsum("ij,ijk->k", inner, dK_dlog_l)
        grad_signal = 0.5 * np.sum(inner * K)  # dK/dlog s^2 = K
        grad_noise = 0.5 * noise * np.trace(inner)  # dK/dlog sn^2 = sn^2 I
        return float(lml), np.concatenate([grad_lengthscales, [grad_signal, grad_noise]])

    def _factorize(self):
        K = self._kernel_matrix(self.theta_, self.X_, self.X_) + self.noise_ * np.eye(len(self.y_))
        self.L_, self.jitter_ = cholesky_with_jitter(K)
        self.alpha_ = cho_solve((self.L_, True), self.y_)

    # -- prediction ------------------------------------------------------------------------------
    def predict(self, X, return_std=False, include_noise=False):
        """Posterior mean and standard deviation of f at X (R&W eqs. 2.25-2.26, Alg. 2.1 lines 4-6):
        mean = k_*^T alpha,  var = k(x_*, x_*) - v^T v  with v = L \\ k_*.
        `include_noise=True` gives the predictive std of a noisy observation y instead of f.
        Unfitted, the GP predicts from its prior."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if not hasattr(self, "X_"):
            theta = self._initial_theta(X.shape[1])
            mean = np.zeros(len(X))
            var = np.full(len(X), np.exp(theta[-2]) + (np.exp(theta[-1]) if include_noise else 0.0))
            return (mean, np.sqrt(var)) if return_std else mean
        K_star = self._kernel_matrix(self.theta_, X, self.X_)
        mean = K_star @ self.alpha_ * self.y_std_ + self.y_mean_
        if not return_std:
            return mean
        v = solve_triangular(self.L_, K_star.T, lower=True)
        var = self.signal_variance_ - np.sum(v**2, axis=0) + (self.noise_ if include_noise else 0.0)
        return mean, np.sqrt(np.maximum(var, 0.0)) * self.y_std_

    def predict_gradient(self, x):
        """mean, std and their gradients in x at one point x of a fitted GP, for a gradient-based
        acquisition search: d mean/dx = (dk_*/dx)^T alpha; d var/dx = -2 (dk_*/dx)^T K_y^-1 k_* (stationary
        kernels: k(x, x) does not move), d std/dx = (d var/dx) / (2 std)."""
        x = np.asarray(x, dtype=float).ravel()
        lengthscales, variance = np.exp(self.theta_[:-2]), np.exp(self.theta_[-2])
        k_star = self._kernel_matrix(self.theta_, x[None, :], self.X_)[0]
        dk = kernel_gradient(self.kernel, x, self.X_, lengthscales, variance)
        v = solve_triangular(self.L_, k_star, lower=True)
        std = np.sqrt(max(variance - v @ v, 0.0))
        d_var = -2 * dk.T @ solve_triangular(self.L_.T, v, lower=False)
        mean = k_star @ self.alpha_ * self.y_std_ + self.y_mean_
        d_mean = dk.T @ self.alpha_ * self.y_std_
        d_std = d_var / (2 * max(std, 1e-12)) * self.y_std_
        return mean, std * self.y_std_, d_mean, d_std

    def sample(self, X, n_samples=1, rng=None):
        """Draws of f at X from the posterior (the prior if unfitted): (n_samples, len(X))."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        rng = np.random.default_rng(rng)
        if hasattr(self, "X_"):
            K_star = self._kernel_matrix(self.theta_, X, self.X_)
            v = solve_triangular(self.L_, K_star.T, lower=True)
            cov = self._kernel_matrix(self.theta_, X, X) - v.T @ v  # R&W eq. 2.26
            mean = self.predict(X)
            cov = cov * self.y_std_**2
        else:
            theta = self._initial_theta(X.shape[1])
            cov, mean = self._kernel_matrix(theta, X, X), np.zeros(len(X))
        L, _ = cholesky_with_jitter(cov + 1e-12 * np.eye(len(X)))
        return mean + (L @ rng.standard_normal((len(X), n_samples))).T
