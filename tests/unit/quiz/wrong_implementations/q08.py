"""Subtly wrong implementations of quiz 08's code exercises (see README.md): each must be rejected.

The checkers are statistical (binomial and Kolmogorov-Smirnov tests at level 1e-6 with fixed seeds), so
every verdict below is deterministic."""

_PBT_HEAD = (
    "import numpy as np\n"
    "def pbt_exploit_explore(losses, configs, rng):\n"
    "    n = len(losses)\n"
    "    m = max(1, n // 5)\n"
    "    order = np.argsort(losses)\n"
    "    top, bottom = order[:m], order[n - m:]\n"
    "    new = [dict(c) for c in configs]\n"
    "    sources = list(range(n))\n"
)

_MUTATE_HEAD = (
    "from hpo_mini.space import Categorical\n"
    "def mutate(config, space, rate, rng):\n"
    "    child = dict(config)\n"
    "    for name, dim in space.dimensions.items():\n"
)
_MUTATE_NUMBER = (
    "            u = float(dim.to_unit(config[name])) + 0.1 * rng.standard_normal()\n"
    "            child[name] = dim.python_value(dim.from_unit(min(max(u, 0.0), 1.0)))\n"
)
_MUTATE_CATEGORY = (
    "        if isinstance(dim, Categorical):\n"
    "            others = [c for c in dim.choices if c != config[name]]\n"
    "            child[name] = others[rng.integers(len(others))]\n"
)

WRONG = {
    "q08.code_tournament_select": {
        "draws without replacement (the worst can never win)": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.choice(len(f), size=min(k, len(f)), replace=False)\n"
            "    return int(c[np.argmin(f[c])])"
        ),
        "maximizes (argmax)": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.integers(0, len(f), size=k)\n"
            "    return int(c[np.argmax(f[c])])"
        ),
        "returns the position inside the tournament, not the population index": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.integers(0, len(f), size=k)\n"
            "    return int(np.argmin(f[c]))"
        ),
        "off by one: the last individual never enters (integers(0, N - 1))": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.integers(0, len(f) - 1, size=k)\n"
            "    return int(c[np.argmin(f[c])])"
        ),
        "k - 1 contestants": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.integers(0, len(f), size=max(k - 1, 1))\n"
            "    return int(c[np.argmin(f[c])])"
        ),
        "ignores the generator it was given": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = np.random.default_rng().integers(0, len(f), size=k)\n"
            "    return int(c[np.argmin(f[c])])"
        ),
        "returns the winner's fitness instead of its index": (
            "import numpy as np\n"
            "def tournament_select(fitness, k, rng):\n"
            "    f = np.asarray(fitness)\n"
            "    c = rng.integers(0, len(f), size=k)\n"
            "    return f[c].min()"
        ),
    },
    "q08.code_pbt_exploit_explore": {
        "treats the loss as a score: the best members copy the worst": (
            "import numpy as np\n"
            "def pbt_exploit_explore(losses, configs, rng):\n"
            "    n = len(losses)\n"
            "    m = max(1, n // 5)\n"
            "    order = np.argsort(losses)[::-1]\n"
            "    top, bottom = order[:m], order[n - m:]\n"
            "    new = [dict(c) for c in configs]\n"
            "    sources = list(range(n))\n"
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "copies the hyperparameters but not the weights (sources[i] stays i)": _PBT_HEAD + (
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}\n"
            "    return new, sources"
        ),
        "one factor for all hyperparameters of a member": _PBT_HEAD + (
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        f = rng.choice([0.8, 1.2])\n"
            "        new[i] = {k: v * f for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "one donor for all bottom members": _PBT_HEAD + (
            "    d = int(top[rng.integers(m)])\n"
            "    for i in bottom:\n"
            "        new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "always copies the single best member": _PBT_HEAD + (
            "    for i in bottom:\n"
            "        d = int(top[0])\n"
            "        new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "round(0.2 * n) members instead of n // 5": (
            "import numpy as np\n"
            "def pbt_exploit_explore(losses, configs, rng):\n"
            "    n = len(losses)\n"
            "    m = max(1, round(0.2 * n))\n"
            "    order = np.argsort(losses)\n"
            "    top, bottom = order[:m], order[n - m:]\n"
            "    new = [dict(c) for c in configs]\n"
            "    sources = list(range(n))\n"
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "factor drawn uniformly from [0.8, 1.2]": _PBT_HEAD + (
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        new[i] = {k: v * rng.uniform(0.8, 1.2) for k, v in configs[d].items()}\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
        "perturbs the donor's dict in place (changes the caller's configs)": _PBT_HEAD + (
            "    for i in bottom:\n"
            "        d = int(top[rng.integers(m)])\n"
            "        for k in configs[d]:\n"
            "            configs[d][k] *= rng.choice([0.8, 1.2])\n"
            "        new[i] = dict(configs[d])\n"
            "        sources[i] = d\n"
            "    return new, sources"
        ),
    },
    "q08.code_mutate": {
        "linear step on the log-scale dimension": (
            "import numpy as np\n"
            "from hpo_mini.space import Categorical\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = dict(config)\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if rng.random() >= rate:\n"
            "            continue\n"
        ) + _MUTATE_CATEGORY + (
            "        elif getattr(dim, 'log', False):\n"
            "            v = config[name] + 0.1 * (dim.hi - dim.lo) * rng.standard_normal()\n"
            "            child[name] = float(np.clip(v, dim.lo, dim.hi))\n"
            "        else:\n"
        ) + _MUTATE_NUMBER + "    return child",
        "a categorical may resample its own choice": _MUTATE_HEAD + (
            "        if rng.random() >= rate:\n"
            "            continue\n"
            "        if isinstance(dim, Categorical):\n"
            "            child[name] = dim.choices[rng.integers(len(dim.choices))]\n"
            "        else:\n"
        ) + _MUTATE_NUMBER + "    return child",
        "one coin for the whole config (all dimensions mutate together)": (
            "from hpo_mini.space import Categorical\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = dict(config)\n"
            "    if rng.random() >= rate:\n"
            "        return child\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if True:\n"
        ) + _MUTATE_CATEGORY.replace("        if isinstance", "            if isinstance").replace("            others", "                others").replace("            child[name] = others", "                child[name] = others") + (
            "            else:\n"
            "                u = float(dim.to_unit(config[name])) + 0.1 * rng.standard_normal()\n"
            "                child[name] = dim.python_value(dim.from_unit(min(max(u, 0.0), 1.0)))\n"
            "    return child"
        ),
        "no clipping: decodes by hand and leaves the bounds": (
            "import math\n"
            "from hpo_mini.space import Categorical, Int\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = dict(config)\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if rng.random() >= rate:\n"
            "            continue\n"
        ) + _MUTATE_CATEGORY + (
            "        elif dim.log:\n"
            "            child[name] = config[name] * math.exp(0.1 * (math.log(dim.hi) - math.log(dim.lo)) * rng.standard_normal())\n"
            "        elif isinstance(dim, Int):\n"
            "            child[name] = int(round(config[name] + 0.1 * (dim.hi - dim.lo + 1) * rng.standard_normal()))\n"
            "        else:\n"
            "            child[name] = config[name] + 0.1 * (dim.hi - dim.lo) * rng.standard_normal()\n"
            "    return child"
        ),
        "integers truncated with int() instead of rounded": (
            "from hpo_mini.space import Categorical, Int\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = dict(config)\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if rng.random() >= rate:\n"
            "            continue\n"
        ) + _MUTATE_CATEGORY + (
            "        elif isinstance(dim, Int):\n"
            "            u = min(max(float(dim.to_unit(config[name])) + 0.1 * rng.standard_normal(), 0.0), 1.0)\n"
            "            child[name] = max(dim.lo, min(dim.hi, int(dim.lo - 0.5 + u * (dim.hi - dim.lo + 1))))\n"
            "        else:\n"
        ) + _MUTATE_NUMBER + "    return child",
        "a categorical moves to a neighbouring index (invents an order)": _MUTATE_HEAD + (
            "        if rng.random() >= rate:\n"
            "            continue\n"
            "        if isinstance(dim, Categorical):\n"
            "            i = dim.choices.index(config[name]) + (1 if rng.random() < 0.5 else -1)\n"
            "            child[name] = dim.choices[i % len(dim.choices)]\n"
            "        else:\n"
        ) + _MUTATE_NUMBER + "    return child",
        "changes the caller's config in place": (
            "from hpo_mini.space import Categorical\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = config\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if rng.random() >= rate:\n"
            "            continue\n"
        ) + _MUTATE_CATEGORY + "        else:\n" + _MUTATE_NUMBER + "    return child",
        "step of sd 0.1 in value units, not in the unit encoding": (
            "import numpy as np\n"
            "from hpo_mini.space import Categorical\n"
            "def mutate(config, space, rate, rng):\n"
            "    child = dict(config)\n"
            "    for name, dim in space.dimensions.items():\n"
            "        if rng.random() >= rate:\n"
            "            continue\n"
        ) + _MUTATE_CATEGORY + (
            "        else:\n"
            "            v = float(np.clip(config[name] + 0.1 * rng.standard_normal(), dim.lo, dim.hi))\n"
            "            child[name] = dim.python_value(round(v) if type(dim).__name__ == 'Int' else v)\n"
            "    return child"
        ),
    },
}
