"""Subtly wrong implementations of quiz 09's code exercises (see README.md): each must be rejected."""

_COSINE = "import math\ndef cosine_with_warmup(t, base_lr, min_lr, warmup_steps, total_steps):\n"
_EMA = (
    "import numpy as np\n"
    "def suggest_lr(lrs, losses):\n"
    "    beta, avg, smoothed = 0.98, 0.0, []\n"
    "    for i, loss in enumerate(losses):\n"
    "        avg = beta * avg + (1 - beta) * loss\n"
)

WRONG = {
    "q09.code_cosine_with_warmup": {
        "off by one at the warmup boundary: (t + 1) / warmup_steps": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return base_lr * (t + 1) / warmup_steps\n"
            "    p = (t - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * p))"
        ),
        "cosine without the 0.5": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return base_lr * t / warmup_steps\n"
            "    p = (t - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * p))"
        ),
        "cosine measured from t = 0, not from the end of warmup": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return base_lr * t / warmup_steps\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * t / total_steps))"
        ),
        "forgets min_lr": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return base_lr * t / warmup_steps\n"
            "    p = (t - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return 0.5 * base_lr * (1 + math.cos(math.pi * p))"
        ),
        "a full cosine period (cos(2 pi p)): back up to base_lr at the end": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return base_lr * t / warmup_steps\n"
            "    p = (t - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(2 * math.pi * p))"
        ),
        "warmup starts from min_lr instead of 0": _COSINE + (
            "    if t < warmup_steps:\n"
            "        return min_lr + (base_lr - min_lr) * t / warmup_steps\n"
            "    p = (t - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * p))"
        ),
    },
    "q09.code_triangular_lr": {
        "step_size taken as the whole period": (
            "def triangular_lr(t, base_lr, max_lr, step_size):\n"
            "    phase = (t % step_size) / (step_size / 2)\n"
            "    return base_lr + (max_lr - base_lr) * (1 - abs(phase - 1))"
        ),
        "sawtooth: rises for a period, then drops at once": (
            "def triangular_lr(t, base_lr, max_lr, step_size):\n"
            "    return base_lr + (max_lr - base_lr) * ((t % (2 * step_size)) / (2 * step_size))"
        ),
        "no floor in the cycle count": (
            "def triangular_lr(t, base_lr, max_lr, step_size):\n"
            "    cycle = 1 + t / (2 * step_size)\n"
            "    x = abs(t / step_size - 2 * cycle + 1)\n"
            "    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)"
        ),
        "starts at max_lr (phase shifted by half a period)": (
            "def triangular_lr(t, base_lr, max_lr, step_size):\n"
            "    phase = (t % (2 * step_size)) / step_size\n"
            "    return base_lr + (max_lr - base_lr) * abs(phase - 1)"
        ),
        "only the first cycle, then stays at base_lr": (
            "def triangular_lr(t, base_lr, max_lr, step_size):\n"
            "    x = abs(t / step_size - 1)\n"
            "    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)"
        ),
    },
    "q09.code_suggest_lr": {
        "no bias correction: the first smoothed value is tiny": _EMA + (
            "        if not np.isfinite(avg) or (smoothed and avg > 4 * min(smoothed)):\n"
            "            break\n"
            "        smoothed.append(avg)\n"
            "    return float(lrs[int(np.argmin(smoothed))]) / 10"
        ),
        "forgets to divide by 10": _EMA + (
            "        value = avg / (1 - beta ** (i + 1))\n"
            "        if not np.isfinite(value) or (smoothed and value > 4 * min(smoothed)):\n"
            "            break\n"
            "        smoothed.append(value)\n"
            "    return float(lrs[int(np.argmin(smoothed))])"
        ),
        "minimum of the raw losses (no smoothing)": (
            "import numpy as np\n"
            "def suggest_lr(lrs, losses):\n"
            "    kept = []\n"
            "    for loss in losses:\n"
            "        if not np.isfinite(loss) or (kept and loss > 4 * min(kept)):\n"
            "            break\n"
            "        kept.append(loss)\n"
            "    return float(lrs[int(np.argmin(kept))]) / 10"
        ),
        "no stop rule: np.argmin over a curve that holds nan": (
            "import numpy as np\n"
            "def suggest_lr(lrs, losses):\n"
            "    beta, avg, smoothed = 0.98, 0.0, []\n"
            "    for i, loss in enumerate(losses):\n"
            "        avg = beta * avg + (1 - beta) * loss\n"
            "        smoothed.append(avg / (1 - beta ** (i + 1)))\n"
            "    return float(lrs[int(np.argmin(smoothed))]) / 10"
        ),
        "stops only on non-finite values (ignores the 4x rule)": _EMA + (
            "        value = avg / (1 - beta ** (i + 1))\n"
            "        if not np.isfinite(value):\n"
            "            break\n"
            "        smoothed.append(value)\n"
            "    return float(lrs[int(np.argmin(smoothed))]) / 10"
        ),
        "steepest descent of the smoothed curve instead of its minimum": _EMA + (
            "        value = avg / (1 - beta ** (i + 1))\n"
            "        if not np.isfinite(value) or (smoothed and value > 4 * min(smoothed)):\n"
            "            break\n"
            "        smoothed.append(value)\n"
            "    slope = np.gradient(np.asarray(smoothed), np.log(np.asarray(lrs[: len(smoothed)], dtype=float)))\n"
            "    return float(lrs[int(np.argmin(slope))])"
        ),
    },
}
