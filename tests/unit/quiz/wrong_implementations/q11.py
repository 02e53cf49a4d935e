"""Subtly wrong implementations of quiz 11's code exercises (see README.md): each must be rejected."""

_BR = "def best_round(val_losses, patience):\n"
_SE = "def one_se_choice(mean_errors, std_errors, simplicity):\n"

WRONG = {
    "q11.code_best_round": {
        "returns the stop round as the best round": _BR + (
            "    best, since = 0, 0\n"
            "    for i in range(1, len(val_losses)):\n"
            "        if val_losses[i] < val_losses[best]:\n"
            "            best, since = i, 0\n"
            "        else:\n"
            "            since += 1\n"
            "            if since >= patience:\n"
            "                return i + 1, i + 1\n"
            "    return len(val_losses), len(val_losses)"
        ),
        "the global minimum of all the losses (sees past the stop)": _BR + (
            "    best = min(range(len(val_losses)), key=lambda i: val_losses[i])\n"
            "    since, stop, low = 0, len(val_losses), val_losses[0]\n"
            "    for i in range(1, len(val_losses)):\n"
            "        if val_losses[i] < low:\n"
            "            low, since = val_losses[i], 0\n"
            "        else:\n"
            "            since += 1\n"
            "            if since >= patience:\n"
            "                stop = i + 1\n"
            "                break\n"
            "    return best + 1, stop"
        ),
        "ties count as improvements (<=): the last of equal bests, and a plateau never stops": _BR + (
            "    best, since = 0, 0\n"
            "    for i in range(1, len(val_losses)):\n"
            "        if val_losses[i] <= val_losses[best]:\n"
            "            best, since = i, 0\n"
            "        else:\n"
            "            since += 1\n"
            "            if since >= patience:\n"
            "                return best + 1, i + 1\n"
            "    return best + 1, len(val_losses)"
        ),
        "0-based rounds": _BR + (
            "    best, since = 0, 0\n"
            "    for i in range(1, len(val_losses)):\n"
            "        if val_losses[i] < val_losses[best]:\n"
            "            best, since = i, 0\n"
            "        else:\n"
            "            since += 1\n"
            "            if since >= patience:\n"
            "                return best, i\n"
            "    return best, len(val_losses) - 1"
        ),
        "compares with the previous round instead of the best so far": _BR + (
            "    best, since = 0, 0\n"
            "    for i in range(1, len(val_losses)):\n"
            "        if val_losses[i] < val_losses[best]:\n"
            "            best = i\n"
            "        if val_losses[i] < val_losses[i - 1]:\n"
            "            since = 0\n"
            "        else:\n"
            "            since += 1\n"
            "            if since >= patience:\n"
            "                return best + 1, i + 1\n"
            "    return best + 1, len(val_losses)"
        ),
    },
    "q11.code_one_se": {
        "each candidate's own standard error instead of the best's": _SE + (
            "    best = min(range(len(mean_errors)), key=lambda i: mean_errors[i])\n"
            "    ok = [i for i in range(len(mean_errors)) if mean_errors[i] - std_errors[i] <= mean_errors[best]]\n"
            "    return min(ok, key=lambda i: (-simplicity[i], mean_errors[i], i))"
        ),
        "a strict inequality: the threshold itself is excluded": _SE + (
            "    best = min(range(len(mean_errors)), key=lambda i: mean_errors[i])\n"
            "    t = mean_errors[best] + std_errors[best]\n"
            "    ok = [i for i in range(len(mean_errors)) if mean_errors[i] < t or i == best]\n"
            "    return min(ok, key=lambda i: (-simplicity[i], mean_errors[i], i))"
        ),
        "the least simple eligible candidate": _SE + (
            "    best = min(range(len(mean_errors)), key=lambda i: mean_errors[i])\n"
            "    t = mean_errors[best] + std_errors[best]\n"
            "    ok = [i for i in range(len(mean_errors)) if mean_errors[i] <= t]\n"
            "    return min(ok, key=lambda i: (simplicity[i], mean_errors[i], i))"
        ),
        "the plain argmin (no rule at all)": _SE + (
            "    return min(range(len(mean_errors)), key=lambda i: mean_errors[i])"
        ),
        "ties in simplicity broken by the index instead of the mean": _SE + (
            "    best = min(range(len(mean_errors)), key=lambda i: mean_errors[i])\n"
            "    t = mean_errors[best] + std_errors[best]\n"
            "    ok = [i for i in range(len(mean_errors)) if mean_errors[i] <= t]\n"
            "    return min(ok, key=lambda i: (-simplicity[i], i))"
        ),
    },
}
