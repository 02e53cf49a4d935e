"""Quiz 04: subtly wrong implementations that the code-exercise checkers must reject."""

_POSTERIOR_HEAD = (
    "import numpy as np\n"
    "def gp_posterior(K, k_star, k_star_star, y, noise):\n"
)

_LML_HEAD = (
    "import numpy as np\n"
    "def log_marginal_likelihood(K, y, noise):\n"
    "    n = len(y)\n"
)

WRONG = {
    "q04.code_rbf_kernel": {
        "forgets the 1/2 in the exponent": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    D = (X1[:, None, :] - X2[None, :, :]) / lengthscales\n"
            "    return variance * np.exp(-np.sum(D**2, axis=-1))"
        ),
        "divides the squared difference by l, not l^2": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    D2 = (X1[:, None, :] - X2[None, :, :]) ** 2 / lengthscales\n"
            "    return variance * np.exp(-0.5 * np.sum(D2, axis=-1))"
        ),
        "squares the signal variance": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    D = (X1[:, None, :] - X2[None, :, :]) / lengthscales\n"
            "    return variance**2 * np.exp(-0.5 * np.sum(D**2, axis=-1))"
        ),
        "one length-scale for every dimension (no ARD)": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    D = (X1[:, None, :] - X2[None, :, :]) / lengthscales[0]\n"
            "    return variance * np.exp(-0.5 * np.sum(D**2, axis=-1))"
        ),
        "distance instead of squared distance": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    D = (X1[:, None, :] - X2[None, :, :]) / lengthscales\n"
            "    return variance * np.exp(-0.5 * np.sqrt(np.sum(D**2, axis=-1)))"
        ),
        "scales the caller's inputs in place": (
            "import numpy as np\n"
            "def rbf_kernel(X1, X2, lengthscales, variance):\n"
            "    X1 /= lengthscales\n"
            "    X2 /= lengthscales\n"
            "    D = X1[:, None, :] - X2[None, :, :]\n"
            "    return variance * np.exp(-0.5 * np.sum(D**2, axis=-1))"
        ),
    },
    "q04.code_posterior": {
        "forgets the noise in K_y": _POSTERIOR_HEAD + (
            "    mean = k_star.T @ np.linalg.solve(K, y)\n"
            "    var = k_star_star - np.sum(k_star * np.linalg.solve(K, k_star), axis=0)\n"
            "    return mean, var"
        ),
        "noise in the mean but not in the variance": _POSTERIOR_HEAD + (
            "    Ky = K + noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(Ky, y)\n"
            "    var = k_star_star - np.sum(k_star * (np.linalg.pinv(K) @ k_star), axis=0)\n"
            "    return mean, var"
        ),
        "variance of a noisy observation, not of f": _POSTERIOR_HEAD + (
            "    Ky = K + noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(Ky, y)\n"
            "    var = k_star_star - np.sum(k_star * np.linalg.solve(Ky, k_star), axis=0) + noise\n"
            "    return mean, var"
        ),
        "returns the standard deviation": _POSTERIOR_HEAD + (
            "    Ky = K + noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(Ky, y)\n"
            "    var = k_star_star - np.sum(k_star * np.linalg.solve(Ky, k_star), axis=0)\n"
            "    return mean, np.sqrt(np.maximum(var, 0))"
        ),
        "adds the explained variance instead of subtracting it": _POSTERIOR_HEAD + (
            "    Ky = K + noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(Ky, y)\n"
            "    var = k_star_star + np.sum(k_star * np.linalg.solve(Ky, k_star), axis=0)\n"
            "    return mean, var"
        ),
        "adds the noise to the caller's K in place": _POSTERIOR_HEAD + (
            "    K += noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(K, y)\n"
            "    var = k_star_star - np.sum(k_star * np.linalg.solve(K, k_star), axis=0)\n"
            "    return mean, var"
        ),
        "centres y (a data-mean prior the reference does not have)": _POSTERIOR_HEAD + (
            "    Ky = K + noise * np.eye(len(K))\n"
            "    mean = k_star.T @ np.linalg.solve(Ky, y - y.mean()) + y.mean()\n"
            "    var = k_star_star - np.sum(k_star * np.linalg.solve(Ky, k_star), axis=0)\n"
            "    return mean, var"
        ),
    },
    "q04.code_log_marginal_likelihood": {
        "the full log-determinant instead of half": _LML_HEAD + (
            "    L = np.linalg.cholesky(K + noise * np.eye(n))\n"
            "    alpha = np.linalg.solve(K + noise * np.eye(n), y)\n"
            "    return -0.5 * y @ alpha - 2 * np.sum(np.log(np.diag(L))) - 0.5 * n * np.log(2 * np.pi)"
        ),
        "a plus sign on the data-fit term": _LML_HEAD + (
            "    L = np.linalg.cholesky(K + noise * np.eye(n))\n"
            "    alpha = np.linalg.solve(K + noise * np.eye(n), y)\n"
            "    return 0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * n * np.log(2 * np.pi)"
        ),
        "drops the constant -n/2 log 2 pi": _LML_HEAD + (
            "    L = np.linalg.cholesky(K + noise * np.eye(n))\n"
            "    alpha = np.linalg.solve(K + noise * np.eye(n), y)\n"
            "    return -0.5 * y @ alpha - np.sum(np.log(np.diag(L)))"
        ),
        "forgets the noise": _LML_HEAD + (
            "    sign, logdet = np.linalg.slogdet(K)\n"
            "    return -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet - 0.5 * n * np.log(2 * np.pi)"
        ),
        "log of the trace instead of the log-determinant": _LML_HEAD + (
            "    Ky = K + noise * np.eye(n)\n"
            "    return -0.5 * y @ np.linalg.solve(Ky, y) - 0.5 * np.log(np.trace(Ky)) - 0.5 * n * np.log(2 * np.pi)"
        ),
    },
}
