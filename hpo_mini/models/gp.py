"""Gaussian-process regression from scratch: kernels, the posterior, the marginal likelihood.

Equations cite Rasmussen & Williams, *Gaussian Processes for Machine Learning* (MIT Press, 2006),
"R&W". Hyperparameters live in log space, theta = log [l_1, ..., l_d, sigma_f^2, sigma_n^2]:
per-dimension length-scales (ARD, R&W eq. 5.2), the signal variance and the noise variance.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.linalg import cho_solve, lapack, solve_triangular
from scipy.optimize import minimize
from threadpoolctl import ThreadpoolController

__all__ = ["rbf", "matern52", "KERNELS", "kernel_gradient", "GaussianProcess", "cholesky_with_jitter", "one_blas_thread"]

SQRT5 = np.sqrt(5.0)
# Bounds for the hyperparameters on inputs in [0, 1]^d and standardized outputs.
LENGTHSCALE_BOUNDS = (1e-2, 20.0)
SIGNAL_VARIANCE_BOUNDS = (5e-2, 20.0)
NOISE_VARIANCE_BOUNDS = (1e-6, 1.0)
# Cholesky jitter: start from nothing, then grow from this fraction of the mean diagonal, x10 a step.
JITTER_START, JITTER_MAX = 1e-10, 1e-2
_BLAS = ThreadpoolController()  # made once: each threadpoolctl.threadpool_limits() rescans the libraries (~2 ms)
GAMMA_PRIOR = (3.0, 6.0)  # shape k and rate b of the "gamma" length-scale prior
SIGNAL_VARIANCE_GAMMA = (2.0, 0.15)  # and of the "gamma" signal-variance prior (both BoTorch's)
LML_MAXITER = 100  # L-BFGS-B iterations per start; the optimum moves little between BO steps


def _squared_differences(X1, X2):
    """(n1, n2, d) array of (x_d - x'_d)^2."""
    return (np.atleast_2d(X1)[:, None, :] - np.atleast_2d(X2)[None, :, :]) ** 2


def kernel_of_r2(name, r2, variance=1.0):
    """(k, g) for a stationary kernel at squared scaled distances r2 = sum_d ((x_d - x'_d) / l_d)^2, where
    g = -2 dk/d(r^2) is what every derivative needs: dk/dlog l_d = g ((x_d - x'_d) / l_d)^2 and
    dk/dx_d = -g (x_d - x'_d) / l_d^2.
    RBF (R&W eq. 4.9, ARD eq. 5.2):  k = s^2 exp(-r^2 / 2),                       g = k.
    Matern 5/2 (R&W eq. 4.17):      k = s^2 (1 + sqrt5 r + 5 r^2 / 3) e^(-sqrt5 r), g = (5/3) s^2 (1 + sqrt5 r) e^(-sqrt5 r)."""
    if name == "rbf":
        k = variance * np.exp(-0.5 * r2)
        return k, k
    if name == "matern52":
        r = np.sqrt(r2)
        e = variance * np.exp(-SQRT5 * r)
        return (1 + SQRT5 * r + 5.0 / 3.0 * r2) * e, 5.0 / 3.0 * (1 + SQRT5 * r) * e
    raise ValueError(f"kernel must be one of {sorted(KERNELS)}, but got {name!r}")


def _kernel(name, X1, X2, lengthscales, variance, return_parts):
    S = _squared_differences(X1, X2) / np.asarray(lengthscales, dtype=float) ** 2
    K, g = kernel_of_r2(name, np.sum(S, axis=-1), variance)
    return (K, g[..., None] * S) if return_parts else K  # parts: dK/dlog l_d, stacked on the last axis


def rbf(X1, X2, lengthscales, variance=1.0, return_parts=False):
    """Squared exponential, R&W eq. 4.9 with ARD (eq. 5.2): k = s^2 exp(-r^2 / 2), r^2 = sum_d ((x_d-x'_d)/l_d)^2."""
    return _kernel("rbf", X1, X2, lengthscales, variance, return_parts)


def matern52(X1, X2, lengthscales, variance=1.0, return_parts=False):
    """Matern nu = 5/2, R&W eq. 4.17: k = s^2 (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)."""
    return _kernel("matern52", X1, X2, lengthscales, variance, return_parts)


KERNELS = {"rbf": rbf, "matern52": matern52}


def kernel_gradient(name, x, X2, lengthscales, variance=1.0):
    """dk(x, x'_i)/dx = -g (x - x') / l^2 (g from kernel_of_r2, finite at r = 0): an (n2, d) array for
    one point x, (k, n2, d) for k points."""
    x = np.asarray(x, dtype=float)
    diff = np.atleast_2d(x)[:, None, :] - np.atleast_2d(X2)[None, :, :]
    _, g = kernel_of_r2(name, np.sum((diff / lengthscales) ** 2, axis=-1), variance)
    gradient = -g[..., None] * diff / lengthscales**2
    return gradient[0] if x.ndim == 1 else gradient


def one_blas_thread():
    """A context in which BLAS uses one thread: matrices this small are slower with more (50x on a busy
    2-core machine)."""
    return _BLAS.limit(limits=1, user_api="blas")


def cholesky_with_jitter(K):
    """Lower Cholesky factor of K, adding jitter * mean(diag K) * I (growing x10) until it succeeds.

    Returns (L, jitter used). Rounding makes near-duplicate inputs give a K that is numerically
    not positive definite; a tiny jitter is the standard fix (R&W section 3.4.3, p. 47, and appendix A.4).
    """
    if not np.isfinite(K).all():  # LAPACK's Cholesky may return NaNs here instead of failing
        raise np.linalg.LinAlgError("the kernel matrix has NaN or infinite entries; check X, y and the hyperparameters")
    L, info = lapack.dpotrf(K, lower=1, clean=1)  # LAPACK directly: numpy's wrapper costs 4x more at n = 40
    if info == 0:
        return L, 0.0
    scale, jitter = np.mean(np.diag(K)), JITTER_START
    while True:
        try:
            return np.linalg.cholesky(K + jitter * scale * np.eye(len(K))), jitter
        except np.linalg.LinAlgError:
            jitter *= 10
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
    lengthscale_prior: None (maximize the marginal likelihood), (loc, scale) for log l_d ~ N(loc, scale^2),
                   or "dim_scaled": loc = sqrt 2 + log(d) / 2, scale = sqrt 3, the prior whose median length-
                   scale grows as sqrt d (Hvarfner, Hellsten & Nardi, "Vanilla Bayesian optimization performs
                   great in high dimensions", ICML 2024), or "gamma": l_d ~ Gamma(3, rate 6) (mean 0.5 of the
                   unit cube; BoTorch's get_matern_kernel_with_gamma_prior in botorch/models/utils/
                   gpytorch_modules.py at commit 0534aa9): it keeps a few dozen points from driving length-scales
                   to their bounds. With a prior the fit maximizes log p(y | theta) + log p(theta) (MAP), starting
                   from the prior's median (gamma: its mode in log l, l = 3 / 6).
    signal_variance_prior: None or "gamma": the signal variance s^2 ~ Gamma(2, rate 0.15) (BoTorch's, beside the
                   length-scales' Gamma), which keeps the fit from explaining every value as noise.
    """

    def __init__(self, kernel="matern52", *, lengthscale=0.5, signal_variance=1.0, noise=1e-4, optimize=True,
                 n_restarts=3, normalize_y=True, lengthscale_prior=None, signal_variance_prior=None, seed=None):
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)}, but got {kernel!r}")
        for name, value in (("lengthscale", lengthscale), ("signal_variance", signal_variance), ("noise", noise)):
            v = np.asarray(value)
            if v.dtype.kind not in "iuf" or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
                raise ValueError(f"{name} must be a finite number > 0 (or, for lengthscale, one per dimension), "
                                 f"but got {value!r}")
        if isinstance(n_restarts, bool) or not isinstance(n_restarts, Integral) or n_restarts < 0:
            raise ValueError(f"n_restarts must be an integer >= 0, but got {n_restarts!r}")
        if not (lengthscale_prior is None or lengthscale_prior in ("dim_scaled", "gamma") or (
                np.ndim(lengthscale_prior) == 1 and len(lengthscale_prior) == 2 and lengthscale_prior[1] > 0)):
            raise ValueError(f"lengthscale_prior must be None, 'dim_scaled', 'gamma' or (loc, scale > 0), "
                             f"but got {lengthscale_prior!r}")
        if signal_variance_prior not in (None, "gamma"):
            raise ValueError(f"signal_variance_prior must be None or 'gamma', but got {signal_variance_prior!r}")
        self.lengthscale_prior, self.signal_variance_prior = lengthscale_prior, signal_variance_prior
        self.kernel = kernel
        self.lengthscale = lengthscale
        self.signal_variance = signal_variance
        self.noise = noise
        self.optimize = optimize
        self.n_restarts = n_restarts
        self.normalize_y = normalize_y
        self.rng = np.random.default_rng(seed)
        self.theta_ = self.X_ = self.L_ = self._squared_differences_of = None

    # -- hyperparameters -------------------------------------------------------------------------
    def _initial_theta(self, d):
        lengthscales = np.broadcast_to(np.asarray(self.lengthscale, dtype=float), (d,))
        theta = np.log(np.concatenate([lengthscales, [self.signal_variance, self.noise]]))
        if self.lengthscale_prior is not None and self.optimize:
            gamma = self.lengthscale_prior == "gamma"  # the fit starts from the prior's median (gamma: mode in log l)
            theta[:d] = np.log(GAMMA_PRIOR[0] / GAMMA_PRIOR[1]) if gamma else self._prior(d)[0]
        return theta

    def _prior(self, d):
        """(loc, scale) of the normal prior on each log length-scale."""
        if self.lengthscale_prior == "dim_scaled":
            return np.sqrt(2) + 0.5 * np.log(d), np.sqrt(3)
        return tuple(float(v) for v in self.lengthscale_prior)

    def _draw_log_lengthscales(self, d):
        """log l_d drawn from the prior, for a random restart of the fit."""
        if self.lengthscale_prior == "gamma":
            return np.log(self.rng.gamma(GAMMA_PRIOR[0], 1 / GAMMA_PRIOR[1], d))
        loc, scale = self._prior(d)
        return self.rng.normal(loc, scale, d)

    def log_prior(self, theta, eval_gradient=False):
        """log p(theta) up to a constant, and its gradient: for each log length-scale
        -(log l_d - loc)^2 / (2 scale^2) under a log-normal prior, k log l_d - b l_d under Gamma(k, rate b) on l_d
        (its density l^(k-1) e^(-b l) times the Jacobian l of l = e^theta), nothing without a prior; the same
        Gamma term for the signal variance under signal_variance_prior="gamma"."""
        theta = np.asarray(theta, dtype=float)
        gradient, value = np.zeros_like(theta), 0.0
        if self.lengthscale_prior == "gamma":
            (k, b), lengthscales = GAMMA_PRIOR, np.exp(theta[:-2])
            gradient[:-2] = k - b * lengthscales
            value = float(np.sum(k * theta[:-2] - b * lengthscales))
        elif self.lengthscale_prior is not None:
            loc, scale = self._prior(len(theta) - 2)
            z = (theta[:-2] - loc) / scale
            gradient[:-2] = -z / scale
            value = float(-0.5 * np.sum(z**2))
        if self.signal_variance_prior == "gamma":
            (k, b), variance = SIGNAL_VARIANCE_GAMMA, np.exp(theta[-2])
            gradient[-2] = k - b * variance
            value += float(k * theta[-2] - b * variance)
        return (value, gradient) if eval_gradient else value

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
        previous = (self.X_, self.L_, self.theta_) if getattr(self, "jitter_", None) == 0.0 else None
        self.X_ = X
        self.y_mean_ = y.mean() if self.normalize_y else 0.0
        self.y_std_ = (y.std() if self.normalize_y and y.std() > 0 else 1.0)
        self.y_ = (y - self.y_mean_) / self.y_std_
        d = X.shape[1]
        optimize = self.optimize if optimize is None else optimize
        n_restarts = self.n_restarts if n_restarts is None else n_restarts
        with one_blas_thread():
            self._fit_standardized(d, optimize, n_restarts, previous)
        return self

    def _fit_standardized(self, d, optimize, n_restarts, previous=None):
        start = self.theta_ if self.theta_ is not None and len(self.theta_) == d + 2 else self._initial_theta(d)
        self.theta_ = self._fit_theta(start, n_restarts) if optimize and len(self.y_) > 1 else start
        old_X, old_L, old_theta = previous if previous is not None else (None, None, None)
        if (old_L is not None and np.array_equal(old_theta, self.theta_) and len(old_X) <= len(self.X_)
                and np.array_equal(old_X, self.X_[: len(old_X)])):  # theta frozen, rows appended (or none)
            self.L_ = old_L if len(old_X) == len(self.X_) else self._extended_factor(old_L, len(old_X))
            if self.L_ is not None:
                self.jitter_, self.alpha_ = 0.0, cho_solve((self.L_, True), self.y_)
                return
        self._factorize()

    def _extended_factor(self, L, n_old):
        """Cholesky factor of K_y for all of X_ from L, the factor of its first n_old rows, theta unchanged:
        K_y = [[A, B], [B^T, C]] = [[L, 0], [W^T, M]] [[L^T, W], [0, M^T]] with W = L^-1 B and M the factor
        of C - W^T W (the block form of the rank-one update for each appended row; Golub & Van Loan,
        Matrix Computations, 4th ed., section 4.2.9). None if that Schur complement needs jitter."""
        X_old, X_new = self.X_[:n_old], self.X_[n_old:]
        W = solve_triangular(L, self._kernel_matrix(self.theta_, X_old, X_new), lower=True)
        C = self._kernel_matrix(self.theta_, X_new, X_new) + self.noise_ * np.eye(len(X_new))
        try:
            M = np.linalg.cholesky(C - W.T @ W)
        except np.linalg.LinAlgError:
            return None
        return np.block([[L, np.zeros((n_old, len(X_new)))], [W.T, M]])

    def _fit_theta(self, start, n_restarts):
        bounds = self._bounds(len(start) - 2)
        starts = [np.clip(start, bounds[:, 0], bounds[:, 1])]
        for _ in range(n_restarts):  # random starts: uniform in the bounds, length-scales from their prior if any
            theta0 = self.rng.uniform(bounds[:, 0], bounds[:, 1])
            if self.lengthscale_prior is not None:
                theta0[:-2] = np.clip(self._draw_log_lengthscales(len(start) - 2), bounds[:-2, 0], bounds[:-2, 1])
            starts.append(theta0)
        best_theta, best_value = starts[0], np.inf
        for theta0 in starts:
            try:
                result = minimize(self._negative_log_posterior, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                                  options={"maxiter": LML_MAXITER})
            except np.linalg.LinAlgError:
                continue
            if result.fun < best_value:
                best_theta, best_value = result.x, result.fun
        return best_theta

    def _negative_log_posterior(self, theta):
        """-(log p(y | theta) + log p(theta)) and its gradient, what the fit minimizes."""
        lml, lml_gradient = self.log_marginal_likelihood(theta, eval_gradient=True)
        prior, prior_gradient = self.log_prior(theta, eval_gradient=True)
        return -(lml + prior), -(lml_gradient + prior_gradient)

    def _kernel_matrix(self, theta, X1, X2, return_parts=False):
        return KERNELS[self.kernel](X1, X2, np.exp(theta[:-2]), np.exp(theta[-2]), return_parts=return_parts)

    def log_marginal_likelihood(self, theta=None, eval_gradient=False):
        """log p(y | X, theta) = -y^T alpha / 2 - sum_i log L_ii - n/2 log 2 pi   (R&W eq. 2.30, Alg. 2.1)

        on the standardized y; with eval_gradient, also its gradient in theta (R&W eq. 5.9):
        d/dtheta_j = tr((alpha alpha^T - K_y^-1) dK_y/dtheta_j) / 2.
        """
        theta = self.theta_ if theta is None else np.asarray(theta, dtype=float)
        y, n = self.y_, len(self.y_)
        if self._squared_differences_of is not self.X_:  # X is fixed while theta moves: its (n n, d) once
            self._S, self._squared_differences_of = _squared_differences(self.X_, self.X_).reshape(n * n, -1), self.X_
        inverse_l2 = np.exp(-2 * theta[:-2])
        K, g = kernel_of_r2(self.kernel, (self._S @ inverse_l2).reshape(n, n), np.exp(theta[-2]))
        noise = np.exp(theta[-1])
        K_y = K.copy()
        K_y.flat[:: n + 1] += noise
        L, _ = cholesky_with_jitter(K_y)
        alpha = lapack.dpotrs(L, y, lower=1)[0]  # R&W Alg. 2.1 line 3: alpha = L^T \ (L \ y)
        lml = -0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * n * np.log(2 * np.pi)
        if not eval_gradient:
            return float(lml)
        L_inverse = lapack.dtrtri(L, lower=1)[0]  # K_y^-1 = L^-T L^-1: a triangular inverse, ~10x cheaper than
        inner = np.outer(alpha, alpha) - L_inverse.T @ L_inverse  # solving L L^T X = I for n = 40
        # tr(A B) for symmetric B is sum(A * B); dK/dlog l_d = g (x_d - x'_d)^2 / l_d^2 (kernel_of_r2).
        grad_lengthscales = 0.5 * ((inner * g).ravel() @ self._S) * inverse_l2
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
        if self.X_ is None:
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
        """mean, std and their gradients in x of a fitted GP, for a gradient-based acquisition search:
        d mean/dx = (dk_*/dx)^T alpha; d var/dx = -2 (dk_*/dx)^T K_y^-1 k_* (stationary kernels: k(x, x)
        does not move), d std/dx = (d var/dx) / (2 std). x is one point (scalars and (d,) gradients) or
        k points (arrays of k and (k, d))."""
        x = np.asarray(x, dtype=float)
        X = np.atleast_2d(x)
        lengthscales, variance = np.exp(self.theta_[:-2]), np.exp(self.theta_[-2])
        k_star = self._kernel_matrix(self.theta_, X, self.X_)  # (k, n)
        dk = kernel_gradient(self.kernel, X, self.X_, lengthscales, variance)  # (k, n, d)
        v = solve_triangular(self.L_, k_star.T, lower=True, check_finite=False)  # (n, k)
        std = np.sqrt(np.maximum(variance - np.sum(v**2, axis=0), 0.0))
        d_var = -2 * np.einsum("knd,nk->kd", dk, solve_triangular(self.L_.T, v, lower=False, check_finite=False))
        mean = k_star @ self.alpha_ * self.y_std_ + self.y_mean_
        d_mean = np.einsum("knd,n->kd", dk, self.alpha_) * self.y_std_
        d_std = d_var / (2 * np.maximum(std, 1e-12))[:, None] * self.y_std_
        if x.ndim == 1:
            return mean[0], std[0] * self.y_std_, d_mean[0], d_std[0]
        return mean, std * self.y_std_, d_mean, d_std

    def sample(self, X, n_samples=1, rng=None):
        """Draws of f at X from the posterior (the prior if unfitted): (n_samples, len(X))."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        rng = np.random.default_rng(rng)
        if self.X_ is not None:
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
