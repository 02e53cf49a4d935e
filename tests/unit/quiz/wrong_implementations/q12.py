"""Subtly wrong implementations of quiz 12's code exercises (see README.md)."""

_WEIGHTS_TAIL = (
    "    weights = [w / sum(raw) for w in raw]\n"
    "    return weights, 1 / sum(w * w for w in weights)\n"
)

_STEP_HEAD = (
    "import math\n"
    "def step_size_update(sigma, p_sigma, c_sigma, d_sigma):\n"
    "    n = len(p_sigma)\n"
)

_AB_HEAD = (
    "import math\n"
    "from statistics import NormalDist\n"
    "def users_per_arm(p1, p2, alpha, power):\n"
    "    pbar = (p1 + p2) / 2\n"
)

WRONG = {
    "q12.code_model_budget": {
        "drops the failed trials (NaN) before counting": (
            "import math\n"
            "def model_budget(observations, d):\n"
            "    ok = [b for b, losses in observations.items()\n"
            "          if len([x for x in losses if not math.isnan(x)]) >= d + 3]\n"
            "    return max(ok) if ok else None"
        ),
        "strict inequality: > d + 3": (
            "def model_budget(observations, d):\n"
            "    ok = [b for b, losses in observations.items() if len(losses) > d + 3]\n"
            "    return max(ok) if ok else None"
        ),
        "threshold N_min = d + 1 without the + 2": (
            "def model_budget(observations, d):\n"
            "    ok = [b for b, losses in observations.items() if len(losses) >= d + 1]\n"
            "    return max(ok) if ok else None"
        ),
        "the first qualifying budget in the dict's order, not the largest": (
            "def model_budget(observations, d):\n"
            "    for b, losses in observations.items():\n"
            "        if len(losses) >= d + 3:\n"
            "            return b\n"
            "    return None"
        ),
        "the budget with the most observations": (
            "def model_budget(observations, d):\n"
            "    ok = [b for b, losses in observations.items() if len(losses) >= d + 3]\n"
            "    return max(ok, key=lambda b: len(observations[b])) if ok else None"
        ),
    },
    "q12.code_cma_weights": {
        "ln(lambda / 2) instead of ln((lambda + 1) / 2)": (
            "import math\n"
            "def recombination_weights(lam):\n"
            "    mu = lam // 2\n"
            "    raw = [math.log(lam / 2) - math.log(i) for i in range(1, mu + 1)]\n" + _WEIGHTS_TAIL
        ),
        "i counted from 0, as ln(i + 1) of the next rank": (
            "import math\n"
            "def recombination_weights(lam):\n"
            "    mu = lam // 2\n"
            "    raw = [math.log((lam + 1) / 2) - math.log(i + 2) for i in range(mu)]\n" + _WEIGHTS_TAIL
        ),
        "mu = ceil(lambda / 2)": (
            "import math\n"
            "def recombination_weights(lam):\n"
            "    mu = (lam + 1) // 2\n"
            "    raw = [math.log((lam + 1) / 2) - math.log(i) for i in range(1, mu + 1)]\n" + _WEIGHTS_TAIL
        ),
        "mu_eff from the raw weights as sum(w'^2) / sum(w')^2 (the reciprocal)": (
            "import math\n"
            "def recombination_weights(lam):\n"
            "    mu = lam // 2\n"
            "    raw = [math.log((lam + 1) / 2) - math.log(i) for i in range(1, mu + 1)]\n"
            "    weights = [w / sum(raw) for w in raw]\n"
            "    return weights, sum(w * w for w in raw) / sum(raw) ** 2"
        ),
        "mu_eff from the unnormalized weights, 1 / sum(w'^2)": (
            "import math\n"
            "def recombination_weights(lam):\n"
            "    mu = lam // 2\n"
            "    raw = [math.log((lam + 1) / 2) - math.log(i) for i in range(1, mu + 1)]\n"
            "    weights = [w / sum(raw) for w in raw]\n"
            "    return weights, 1 / sum(w * w for w in raw)"
        ),
    },
    "q12.code_step_size": {
        "sqrt(n) instead of E||N(0, I)||": (
            _STEP_HEAD +
            "    norm = math.sqrt(sum(p * p for p in p_sigma))\n"
            "    return sigma * math.exp(c_sigma / d_sigma * (norm / math.sqrt(n) - 1))"
        ),
        "the squared norm": (
            _STEP_HEAD +
            "    chi = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))\n"
            "    norm2 = sum(p * p for p in p_sigma)\n"
            "    return sigma * math.exp(c_sigma / d_sigma * (norm2 / chi - 1))"
        ),
        "d_sigma / c_sigma upside down": (
            _STEP_HEAD +
            "    chi = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))\n"
            "    norm = math.sqrt(sum(p * p for p in p_sigma))\n"
            "    return sigma * math.exp(d_sigma / c_sigma * (norm / chi - 1))"
        ),
        "missing the - 1: sigma grows at every generation": (
            _STEP_HEAD +
            "    chi = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))\n"
            "    norm = math.sqrt(sum(p * p for p in p_sigma))\n"
            "    return sigma * math.exp(c_sigma / d_sigma * (norm / chi))"
        ),
        "the 1/(21 n^2) term with the wrong sign": (
            _STEP_HEAD +
            "    chi = math.sqrt(n) * (1 - 1 / (4 * n) - 1 / (21 * n ** 2))\n"
            "    norm = math.sqrt(sum(p * p for p in p_sigma))\n"
            "    return sigma * math.exp(c_sigma / d_sigma * (norm / chi - 1))"
        ),
    },
    "q12.code_aging_step": {
        "removes before appending (a population under its size shrinks)": (
            "def next_population(population, child, size, aging):\n"
            "    members = list(population)\n"
            "    if len(members) >= size and members:\n"
            "        if aging:\n"
            "            members.pop(0)\n"
            "        else:\n"
            "            worst = max(l for _, l in members)\n"
            "            members.pop([l for _, l in members].index(worst))\n"
            "    return members + [child]"
        ),
        "always removes one, even below the size": (
            "def next_population(population, child, size, aging):\n"
            "    members = list(population) + [child]\n"
            "    if aging:\n"
            "        members.pop(0)\n"
            "    else:\n"
            "        worst = max(l for _, l in members)\n"
            "        members.pop([l for _, l in members].index(worst))\n"
            "    return members"
        ),
        "non-aging removes the newest of equal worst": (
            "def next_population(population, child, size, aging):\n"
            "    members = list(population) + [child]\n"
            "    if len(members) > size:\n"
            "        if aging:\n"
            "            members.pop(0)\n"
            "        else:\n"
            "            losses = [l for _, l in members]\n"
            "            worst = max(losses)\n"
            "            members.pop(len(losses) - 1 - losses[::-1].index(worst))\n"
            "    return members"
        ),
        "aging removes the newest member (a stack, not a queue)": (
            "def next_population(population, child, size, aging):\n"
            "    members = list(population) + [child]\n"
            "    if len(members) > size:\n"
            "        if aging:\n"
            "            members.pop(-2)\n"
            "        else:\n"
            "            worst = max(l for _, l in members)\n"
            "            members.pop([l for _, l in members].index(worst))\n"
            "    return members"
        ),
        "sorts by loss, losing the age order": (
            "def next_population(population, child, size, aging):\n"
            "    members = sorted(list(population) + [child], key=lambda m: m[1])\n"
            "    if len(members) > size:\n"
            "        members.pop(-1)\n"
            "    return members"
        ),
    },
    "q12.code_ab_sample_size": {
        "one-sided quantile 1 - alpha": (
            _AB_HEAD +
            "    z_a, z_b = NormalDist().inv_cdf(1 - alpha), NormalDist().inv_cdf(power)\n"
            "    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))\n"
            "    return math.ceil(root ** 2 / (p1 - p2) ** 2)"
        ),
        "unpooled variance in both terms": (
            _AB_HEAD +
            "    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)\n"
            "    s = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))\n"
            "    return math.ceil(((z_a + z_b) * s) ** 2 / (p1 - p2) ** 2)"
        ),
        "rounds to the nearest user instead of up": (
            _AB_HEAD +
            "    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)\n"
            "    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))\n"
            "    return round(root ** 2 / (p1 - p2) ** 2)"
        ),
        "pooled variance in both terms": (
            _AB_HEAD +
            "    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)\n"
            "    s = math.sqrt(2 * pbar * (1 - pbar))\n"
            "    return math.ceil(((z_a + z_b) * s) ** 2 / (p1 - p2) ** 2)"
        ),
        "z_b at 1 - power (beta) instead of power": (
            _AB_HEAD +
            "    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(1 - power)\n"
            "    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))\n"
            "    return math.ceil(root ** 2 / (p1 - p2) ** 2)"
        ),
    },
}
