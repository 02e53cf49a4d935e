"""Subtly wrong implementations of quiz 06's code exercises (see README.md): each must be rejected."""

WRONG = {
    "q06.code_split": {
        "rounds down (int), so l(x) is empty for small n": (
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    order = np.argsort(np.asarray(losses, dtype=float), kind='stable')\n"
            "    k = min(int(gamma * len(order)), max_good)\n"
            "    return order[:k], order[k:]"
        ),
        "forgets the cap max_good": (
            "import math\n"
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    order = np.argsort(np.asarray(losses, dtype=float), kind='stable')\n"
            "    k = max(1, math.ceil(gamma * len(order)))\n"
            "    return order[:k], order[k:]"
        ),
        "ties broken by the later observation first": (
            "import math\n"
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    x = np.asarray(losses, dtype=float)\n"
            "    order = np.argsort(-x, kind='stable')[::-1]\n"
            "    k = max(1, min(math.ceil(gamma * len(x)), max_good))\n"
            "    return order[:k], order[k:]"
        ),
        "bad group left in trial order, not sorted by loss": (
            "import math\n"
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    order = np.argsort(np.asarray(losses, dtype=float), kind='stable')\n"
            "    k = max(1, min(math.ceil(gamma * len(order)), max_good))\n"
            "    return order[:k], np.sort(order[k:])"
        ),
        "maximizes: calls the highest losses good": (
            "import math\n"
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    x = np.asarray(losses, dtype=float)\n"
            "    order = np.argsort(-x, kind='stable')\n"
            "    k = max(1, min(math.ceil(gamma * len(x)), max_good))\n"
            "    return order[:k], order[k:]"
        ),
        "threshold at np.quantile: ties and interpolation change the count": (
            "import numpy as np\n"
            "def tpe_split(losses, gamma, max_good):\n"
            "    x = np.asarray(losses, dtype=float)\n"
            "    order = np.argsort(x, kind='stable')\n"
            "    k = min(int((x <= np.quantile(x, gamma)).sum()), max_good)\n"
            "    return order[:k], order[k:]"
        ),
    },
    "q06.code_parzen": {
        "log of the mean density: -inf far from the points": (
            "import numpy as np\n"
            "def parzen_log_density(x, points, bandwidth):\n"
            "    x = np.asarray(x, dtype=float)[:, None]\n"
            "    z = (x - np.asarray(points)) / bandwidth\n"
            "    pdf = np.exp(-0.5 * z**2) / (bandwidth * np.sqrt(2 * np.pi))\n"
            "    with np.errstate(divide='ignore'):\n"
            "        return np.log(pdf.mean(axis=1))"
        ),
        "forgets the 1/n: a sum of kernels, not a mixture": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "from scipy.stats import norm\n"
            "def parzen_log_density(x, points, bandwidth):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return logsumexp(norm.logpdf(x[:, None], points, bandwidth), axis=1)"
        ),
        "kernel not normalized (forgets the 1/h)": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "def parzen_log_density(x, points, bandwidth):\n"
            "    z = (np.asarray(x, dtype=float)[:, None] - np.asarray(points)) / bandwidth\n"
            "    return logsumexp(-0.5 * z**2, axis=1) - np.log(len(points) * np.sqrt(2 * np.pi))"
        ),
        "bandwidth used as the variance": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "from scipy.stats import norm\n"
            "def parzen_log_density(x, points, bandwidth):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return logsumexp(norm.logpdf(x[:, None], points, np.sqrt(bandwidth)), axis=1) - np.log(len(points))"
        ),
        "centres the caller's x in place": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "def parzen_log_density(x, points, bandwidth):\n"
            "    out = []\n"
            "    for i in range(len(x)):\n"
            "        z = (x[i] - np.asarray(points)) / bandwidth\n"
            "        out.append(logsumexp(-0.5 * z**2) - np.log(len(points) * bandwidth * np.sqrt(2 * np.pi)))\n"
            "        x[i] = 0.0\n"
            "    return np.array(out)"
        ),
    },
    "q06.code_pick": {
        "divides densities: 0/0 = nan far from the data, and argmax picks the nan": (
            "import numpy as np\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    def pdf(points):\n"
            "        z = (x - np.asarray(points)) / bandwidth\n"
            "        return np.exp(-0.5 * z**2).mean(axis=1) / (bandwidth * np.sqrt(2 * np.pi))\n"
            "    with np.errstate(divide='ignore', invalid='ignore'):\n"
            "        return float(candidates[int(np.argmax(pdf(good) / pdf(bad)))])"
        ),
        "maximizes l(x) alone": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    z = (x - np.asarray(good)) / bandwidth\n"
            "    return float(candidates[int(np.argmax(logsumexp(-0.5 * z**2, axis=1)))])"
        ),
        "maximizes the difference l(x) - g(x)": (
            "import numpy as np\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    def pdf(points):\n"
            "        z = (x - np.asarray(points)) / bandwidth\n"
            "        return np.exp(-0.5 * z**2).mean(axis=1) / (bandwidth * np.sqrt(2 * np.pi))\n"
            "    return float(candidates[int(np.argmax(pdf(good) - pdf(bad)))])"
        ),
        "logs of underflowed densities: log 0 - log 0 = nan far from the data": (
            "import numpy as np\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    def pdf(points):\n"
            "        z = (x - np.asarray(points)) / bandwidth\n"
            "        return np.exp(-0.5 * z**2).mean(axis=1) / (bandwidth * np.sqrt(2 * np.pi))\n"
            "    with np.errstate(divide='ignore', invalid='ignore'):\n"
            "        score = np.log(pdf(good)) - np.log(pdf(bad))\n"
            "    return float(candidates[int(np.argmax(score))])"
        ),
        "keeps the last of ties": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    def log_density(points):\n"
            "        z = (x - np.asarray(points)) / bandwidth\n"
            "        return logsumexp(-0.5 * z**2, axis=1) - np.log(len(points))\n"
            "    score = log_density(good) - log_density(bad)\n"
            "    i = len(score) - 1 - int(np.argmax(score[::-1]))\n"
            "    return float(candidates[i])"
        ),
        "returns the index, not the candidate": (
            "import numpy as np\n"
            "from scipy.special import logsumexp\n"
            "def pick_candidate(candidates, good, bad, bandwidth):\n"
            "    x = np.asarray(candidates, dtype=float)[:, None]\n"
            "    def log_density(points):\n"
            "        z = (x - np.asarray(points)) / bandwidth\n"
            "        return logsumexp(-0.5 * z**2, axis=1) - np.log(len(points))\n"
            "    return int(np.argmax(log_density(good) - log_density(bad)))"
        ),
    },
}
