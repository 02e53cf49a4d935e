"""Quiz 05: subtly wrong implementations that the code-exercise checkers must reject."""

_EI_HEAD = (
    "import numpy as np\n"
    "from scipy.stats import norm\n"
    "def expected_improvement(mu, sigma, best, xi):\n"
    "    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)\n"
    "    known = sigma == 0\n"
)

_PI_HEAD = (
    "import numpy as np\n"
    "from scipy.stats import norm\n"
    "def probability_of_improvement(mu, sigma, best, xi):\n"
    "    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)\n"
    "    known = sigma == 0\n"
)

_LOG_EI_HEAD = (
    "import numpy as np\n"
    "from scipy.special import erfcx, ndtr\n"
    "def log_expected_improvement(mu, sigma, best, xi):\n"
    "    z = (best - xi - mu) / sigma\n"
    "    log_phi = -0.5 * z**2 - 0.5 * np.log(2 * np.pi)\n"
)

WRONG = {
    "q05.code_expected_improvement": {
        "maximization: mu - best": _EI_HEAD + (
            "    improvement = mu - best - xi\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), improvement * norm.cdf(z) + sigma * norm.pdf(z))"
        ),
        "forgets xi": _EI_HEAD + (
            "    improvement = best - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), improvement * norm.cdf(z) + sigma * norm.pdf(z))"
        ),
        "divides by the variance sigma^2": _EI_HEAD + (
            "    improvement = best - xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma**2)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), improvement * norm.cdf(z) + sigma * norm.pdf(z))"
        ),
        "sigma = 0 not handled: sigma * (z Phi + phi) is 0 * inf": (
            "import numpy as np\n"
            "from scipy.stats import norm\n"
            "def expected_improvement(mu, sigma, best, xi):\n"
            "    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)\n"
            "    with np.errstate(divide='ignore', invalid='ignore'):\n"
            "        z = (best - xi - mu) / sigma\n"
            "        return sigma * (z * norm.cdf(z) + norm.pdf(z))"
        ),
        "minus the uncertainty term": _EI_HEAD + (
            "    improvement = best - xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), improvement * norm.cdf(z) - sigma * norm.pdf(z))"
        ),
        "only the exploitation term": _EI_HEAD + (
            "    improvement = best - xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), np.maximum(improvement, 0.0) * norm.cdf(z))"
        ),
        "subtracts in place from the caller's mu": (
            "import numpy as np\n"
            "from scipy.stats import norm\n"
            "def expected_improvement(mu, sigma, best, xi):\n"
            "    if isinstance(mu, np.ndarray):\n"
            "        mu -= best - xi\n"
            "        improvement = -mu\n"
            "    else:\n"
            "        improvement = best - xi - mu\n"
            "    sigma = np.asarray(sigma, dtype=float)\n"
            "    known = sigma == 0\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, np.maximum(improvement, 0.0), improvement * norm.cdf(z) + sigma * norm.pdf(z))"
        ),
    },
    "q05.code_probability_of_improvement": {
        "maximization: the probability of getting worse": _PI_HEAD + (
            "    improvement = mu - best + xi\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, (improvement > 0).astype(float), norm.cdf(z))"
        ),
        "best + xi instead of best - xi": _PI_HEAD + (
            "    improvement = best + xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, (improvement > 0).astype(float), norm.cdf(z))"
        ),
        "forgets xi": _PI_HEAD + (
            "    improvement = best - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, (improvement > 0).astype(float), norm.cdf(z))"
        ),
        "divides by the variance sigma^2": _PI_HEAD + (
            "    improvement = best - xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma**2)\n"
            "    return np.where(known, (improvement > 0).astype(float), norm.cdf(z))"
        ),
        "sigma = 0 not handled (float division)": (
            "import math\n"
            "import numpy as np\n"
            "def probability_of_improvement(mu, sigma, best, xi):\n"
            "    if np.ndim(mu) == 0:\n"
            "        return 0.5 * (1 + math.erf((best - xi - mu) / sigma / math.sqrt(2)))\n"
            "    from scipy.stats import norm\n"
            "    return norm.cdf((best - xi - mu) / sigma)"
        ),
        "returns the density instead of the probability": _PI_HEAD + (
            "    improvement = best - xi - mu\n"
            "    z = improvement / np.where(known, 1.0, sigma)\n"
            "    return np.where(known, (improvement > 0).astype(float), norm.pdf(z))"
        ),
    },
    "q05.code_log_expected_improvement": {
        "np.log of EI: -inf where EI underflows": (
            "import numpy as np\n"
            "from scipy.stats import norm\n"
            "def log_expected_improvement(mu, sigma, best, xi):\n"
            "    z = (best - xi - mu) / sigma\n"
            "    with np.errstate(divide='ignore'):\n"
            "        return np.log(sigma * (z * norm.cdf(z) + norm.pdf(z)))"
        ),
        "forgets log sigma": _LOG_EI_HEAD + (
            "    out = np.empty_like(z)\n"
            "    d = z > -1\n"
            "    out[d] = np.log(z[d] * ndtr(z[d]) + np.exp(log_phi[d]))\n"
            "    t = z[~d]\n"
            "    out[~d] = log_phi[~d] + np.log1p(t * np.sqrt(np.pi / 2) * erfcx(-t / np.sqrt(2)))\n"
            "    return out"
        ),
        "asymptotic form everywhere: log phi(z) - 2 log|z|": _LOG_EI_HEAD + (
            "    return log_phi - 2 * np.log(np.abs(z)) + np.log(sigma)"
        ),
        "drops the log1p correction: log phi(z) + log sigma": _LOG_EI_HEAD + (
            "    out = np.empty_like(z)\n"
            "    d = z > -1\n"
            "    out[d] = np.log(z[d] * ndtr(z[d]) + np.exp(log_phi[d]))\n"
            "    out[~d] = log_phi[~d]\n"
            "    return out + np.log(sigma)"
        ),
        "forgets xi": (
            "import numpy as np\n"
            "from scipy.special import erfcx, ndtr\n"
            "def log_expected_improvement(mu, sigma, best, xi):\n"
            "    z = (best - mu) / sigma\n"
            "    log_phi = -0.5 * z**2 - 0.5 * np.log(2 * np.pi)\n"
            "    out = np.empty_like(z)\n"
            "    d = z > -1\n"
            "    out[d] = np.log(z[d] * ndtr(z[d]) + np.exp(log_phi[d]))\n"
            "    t = z[~d]\n"
            "    out[~d] = log_phi[~d] + np.log1p(t * np.sqrt(np.pi / 2) * erfcx(-t / np.sqrt(2)))\n"
            "    return out + np.log(sigma)"
        ),
        "Mills ratio with the wrong argument: erfcx(-z) instead of erfcx(-z / sqrt 2)": _LOG_EI_HEAD + (
            "    out = np.empty_like(z)\n"
            "    d = z > -1\n"
            "    out[d] = np.log(z[d] * ndtr(z[d]) + np.exp(log_phi[d]))\n"
            "    t = z[~d]\n"
            "    with np.errstate(invalid='ignore'):\n"
            "        out[~d] = log_phi[~d] + np.log1p(t * np.sqrt(np.pi / 2) * erfcx(-t))\n"
            "    return out + np.log(sigma)"
        ),
    },
}
