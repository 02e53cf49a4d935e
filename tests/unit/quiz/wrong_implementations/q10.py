"""Subtly wrong implementations of quiz 10's code exercises (see README.md): each must be rejected."""

_NORM = "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))\n"
_CLIP = "import numpy as np\ndef clip_by_global_norm(grads, max_norm):\n"
_TRUST = "import numpy as np\ndef trust_ratio(w, u):\n"
_MUP = "def mup_lr(eta, role, width, base_width, optimizer):\n    m = width / base_width\n"

WRONG = {
    "q10.code_clip_by_global_norm": {
        "each layer clipped to its own norm (changes the direction)": _CLIP + (
            "    return {k: g * (max_norm / max(np.linalg.norm(g), max_norm)) for k, g in grads.items()}"
        ),
        "np.clip of the entries (clips values, not the norm)": _CLIP + (
            "    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}"
        ),
        "always rescales to max_norm (scales small gradients up)": _CLIP + _NORM + (
            "    return {k: g * (max_norm / max(norm, 1e-300)) for k, g in grads.items()}"
        ),
        "scales in place: modifies the caller's arrays": _CLIP + _NORM + (
            "    scale = max_norm / max(norm, max_norm)\n"
            "    for g in grads.values():\n"
            "        g *= scale\n"
            "    return grads"
        ),
    },
    "q10.code_ema_update": {
        "the weights swapped: (1 - d) * ema + d * params": (
            "def ema_update(ema, params, decay):\n"
            "    return {k: (1 - decay) * ema[k] + decay * params[k] for k in ema}"
        ),
        "forgets to shrink the old average": (
            "def ema_update(ema, params, decay):\n"
            "    return {k: ema[k] + (1 - decay) * params[k] for k in ema}"
        ),
        "an Adam-style bias correction that was not asked for": (
            "def ema_update(ema, params, decay):\n"
            "    return {k: (decay * ema[k] + (1 - decay) * params[k]) / (1 - decay) for k in ema}"
        ),
    },
    "q10.code_accumulate": {
        "plain mean of the micro-gradients (wrong for unequal sizes)": (
            "def accumulate(micro_grads, sizes):\n"
            "    return {k: sum(g[k] for g in micro_grads) / len(micro_grads) for k in micro_grads[0]}"
        ),
        "the sum (loss not divided by the number of micro-batches)": (
            "def accumulate(micro_grads, sizes):\n"
            "    return {k: sum(g[k] for g in micro_grads) for k in micro_grads[0]}"
        ),
        "weights by size but forgets to divide by the total": (
            "def accumulate(micro_grads, sizes):\n"
            "    return {k: sum(g[k] * s for g, s in zip(micro_grads, sizes)) for k in micro_grads[0]}"
        ),
    },
    "q10.code_trust_ratio": {
        "inverted: ||u|| / ||w||": _TRUST + (
            "    wn, un = np.linalg.norm(w), np.linalg.norm(u)\n"
            "    return float(un / wn) if wn > 0 and un > 0 else 1.0"
        ),
        "no guard for zero norms (a zero-initialized bias)": _TRUST + (
            "    with np.errstate(divide='ignore', invalid='ignore'):\n"
            "        return float(np.linalg.norm(w) / np.linalg.norm(u))"
        ),
        "max-abs instead of the L2 norm": _TRUST + (
            "    wn, un = np.max(np.abs(w)), np.max(np.abs(u))\n"
            "    return float(wn / un) if wn > 0 and un > 0 else 1.0"
        ),
    },
    "q10.code_mup_lr": {
        "the output layer multiplied by m under Adam": _MUP + (
            "    p = {'sgd': {'input': 1, 'hidden': 0, 'output': -1, 'bias': 1},\n"
            "         'adam': {'input': 0, 'hidden': -1, 'output': 1, 'bias': 0}}\n"
            "    return eta * m ** p[optimizer][role]"
        ),
        "square-root scaling": _MUP + (
            "    p = {'sgd': {'input': 1, 'hidden': 0, 'output': -1, 'bias': 1},\n"
            "         'adam': {'input': 0, 'hidden': -1, 'output': -1, 'bias': 0}}\n"
            "    return eta * m ** (0.5 * p[optimizer][role])"
        ),
        "the SGD column used for Adam": _MUP + (
            "    p = {'input': 1, 'hidden': 0, 'output': -1, 'bias': 1}\n"
            "    return eta * m ** p[role]"
        ),
        "hidden biases treated like the output bias (rate unchanged) under SGD": _MUP + (
            "    p = {'sgd': {'input': 1, 'hidden': 0, 'output': -1, 'bias': 0},\n"
            "         'adam': {'input': 0, 'hidden': -1, 'output': -1, 'bias': 0}}\n"
            "    return eta * m ** p[optimizer][role]"
        ),
    },
}
