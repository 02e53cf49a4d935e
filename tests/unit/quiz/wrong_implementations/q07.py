"""Subtly wrong implementations of quiz 07's code exercises (see README.md): each must be rejected."""

WRONG = {
    "q07.code_sh_schedule": {
        "rung count from a floating log (log(243, 3) = 4.999...)": (
            "import math\n"
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    if min_budget > max_budget:\n"
            "        return []\n"
            "    s = min(int(math.log(n, eta)), int(math.log(max_budget / min_budget, eta)))\n"
            "    return [(n // eta**i, min_budget * eta**i) for i in range(s + 1)]"
        ),
        "ceil instead of floor (scikit-learn's convention, not the paper's)": (
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while min_budget * eta**i <= max_budget and -(-n // eta**i) >= 1:\n"
            "        rungs.append((-(-n // eta**i), min_budget * eta**i))\n"
            "        if -(-n // eta**i) == 1:\n"
            "            break\n"
            "        i += 1\n"
            "    return rungs"
        ),
        "budget eta^(i+1): skips the first rung's budget": (
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while min_budget * eta**(i + 1) <= max_budget and n // eta**i >= 1:\n"
            "        rungs.append((n // eta**i, min_budget * eta**(i + 1)))\n"
            "        i += 1\n"
            "    return rungs"
        ),
        "floor of a float (49 * 7**-2 = 0.999...)": (
            "import math\n"
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while min_budget * eta**i <= max_budget and math.floor(n * eta**-i) >= 1:\n"
            "        rungs.append((math.floor(n * eta**-i), min_budget * eta**i))\n"
            "        i += 1\n"
            "    return rungs"
        ),
        "ignores the number of configurations: rungs with 0 configs": (
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while min_budget * eta**i <= max_budget:\n"
            "        rungs.append((n // eta**i, min_budget * eta**i))\n"
            "        i += 1\n"
            "    return rungs"
        ),
        "ignores the maximum budget": (
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while n // eta**i >= 1:\n"
            "        rungs.append((n // eta**i, min_budget * eta**i))\n"
            "        i += 1\n"
            "    return rungs"
        ),
        "strict < max_budget: loses the full-budget rung": (
            "def sh_schedule(n, min_budget, max_budget, eta):\n"
            "    rungs, i = [], 0\n"
            "    while min_budget * eta**i < max_budget and n // eta**i >= 1:\n"
            "        rungs.append((n // eta**i, min_budget * eta**i))\n"
            "        i += 1\n"
            "    return rungs"
        ),
    },
    "q07.code_hyperband": {
        "s_max from a floating log (log(243, 3) = 4.999...)": (
            "import math\n"
            "def hyperband_brackets(R, eta):\n"
            "    s_max = int(math.log(R, eta))\n"
            "    out = []\n"
            "    for s in range(s_max, -1, -1):\n"
            "        n = math.ceil((s_max + 1) / (s + 1) * eta**s)\n"
            "        out.append([(n // eta**i, R / eta**(s - i)) for i in range(s + 1)])\n"
            "    return out"
        ),
        "floor instead of ceil for n (33, not 34, in bracket s = 3)": (
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max, -1, -1):\n"
            "        n = (s_max + 1) * eta**s // (s + 1)\n"
            "        out.append([(n // eta**i, R / eta**(s - i)) for i in range(s + 1)])\n"
            "    return out"
        ),
        "B = s_max R instead of (s_max + 1) R": (
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max, -1, -1):\n"
            "        n = max(1, -(-s_max * eta**s // (s + 1)))\n"
            "        out.append([(n // eta**i, R / eta**(s - i)) for i in range(s + 1)])\n"
            "    return out"
        ),
        "floor of a float for n_i (49 * 7**-2 = 0.999...)": (
            "import math\n"
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max, -1, -1):\n"
            "        n = -(-(s_max + 1) * eta**s // (s + 1))\n"
            "        r = R * eta**-s\n"
            "        out.append([(math.floor(n * eta**-i), r * eta**i) for i in range(s + 1)])\n"
            "    return out"
        ),
        "budgets eta^(i+1): every rung one step too high": (
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max, -1, -1):\n"
            "        n = -(-(s_max + 1) * eta**s // (s + 1))\n"
            "        out.append([(n // eta**i, R / eta**(s - i - 1)) for i in range(s + 1)])\n"
            "    return out"
        ),
        "off by one: range(s_max, 0, -1) drops the s = 0 bracket": (
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max, 0, -1):\n"
            "        n = -(-(s_max + 1) * eta**s // (s + 1))\n"
            "        out.append([(n // eta**i, R / eta**(s - i)) for i in range(s + 1)])\n"
            "    return out"
        ),
        "brackets in the reverse order (s = 0 first)": (
            "def hyperband_brackets(R, eta):\n"
            "    s_max = 0\n"
            "    while eta ** (s_max + 1) <= R:\n"
            "        s_max += 1\n"
            "    out = []\n"
            "    for s in range(s_max + 1):\n"
            "        n = -(-(s_max + 1) * eta**s // (s + 1))\n"
            "        out.append([(n // eta**i, R / eta**(s - i)) for i in range(s + 1)])\n"
            "    return out"
        ),
    },
    "q07.code_asha": {
        "rounds m / eta up: promotes from a rung with fewer than eta results": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = sorted(losses, key=losses.get)\n"
            "    return [c for c in ranked[: -(-len(losses) // eta)] if c not in promoted]"
        ),
        "removes the promoted before cutting the top 1/eta": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = [c for c in sorted(losses, key=losses.get) if c not in promoted]\n"
            "    return ranked[: len(losses) // eta]"
        ),
        "forgets the configs already promoted": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = sorted(losses, key=losses.get)\n"
            "    return ranked[: len(losses) // eta]"
        ),
        "Optuna-style: promotes the best when fewer than eta results": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = sorted(losses, key=losses.get)\n"
            "    k = max(len(losses) // eta, 1 if losses else 0)\n"
            "    return [c for c in ranked[:k] if c not in promoted]"
        ),
        "ties broken by config name, not completion order": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = sorted(losses, key=lambda c: (losses[c], str(c)))\n"
            "    return [c for c in ranked[: len(losses) // eta] if c not in promoted]"
        ),
        "a quantile threshold (np.quantile interpolates)": (
            "import numpy as np\n"
            "def asha_promotable(losses, promoted, eta):\n"
            "    if not losses:\n"
            "        return []\n"
            "    cut = np.quantile(list(losses.values()), 1 / eta)\n"
            "    ranked = sorted(losses, key=losses.get)\n"
            "    return [c for c in ranked if losses[c] <= cut and c not in promoted]"
        ),
        "marks its picks as promoted in the caller's set": (
            "def asha_promotable(losses, promoted, eta):\n"
            "    ranked = sorted(losses, key=losses.get)\n"
            "    out = [c for c in ranked[: len(losses) // eta] if c not in promoted]\n"
            "    promoted.update(out)\n"
            "    return out"
        ),
    },
}
