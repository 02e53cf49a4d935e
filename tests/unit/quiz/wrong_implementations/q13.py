"""Subtly wrong implementations of quiz 13's code exercises (see README.md)."""

_HV_HEAD = (
    "def hypervolume_2d(points, reference):\n"
    "    r1, r2 = reference\n"
)

_HV_STAIRCASE = (
    "    area = 0.0\n"
    "    for i, (f1, f2) in enumerate(front):\n"
    "        f1_next = front[i + 1][0] if i + 1 < len(front) else r1\n"
    "        area += (f1_next - f1) * (r2 - f2)\n"
    "    return float(area)\n"
)

WRONG = {
    "q13.code_stopping_trial": {
        "off by one: stops one trial late (> patience)": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    best, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if not math.isnan(value) and (best is None or value < best - min_delta):\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since > patience:\n"
            "            return count\n"
            "    return None"
        ),
        "ties count as improvements (<=)": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    best, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if not math.isnan(value) and (best is None or value <= best - min_delta):\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
        "compares with the previous value, not the best": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    previous, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if not math.isnan(value) and (previous is None or value < previous - min_delta):\n"
            "            since = 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if not math.isnan(value):\n"
            "            previous = value\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
        "starts from values[0] even when that trial failed": (
            "def stopping_trial(values, patience, min_delta):\n"
            "    if not values:\n"
            "        return None\n"
            "    best, since = values[0], 0\n"
            "    for count, value in enumerate(values[1:], start=2):\n"
            "        if value < best - min_delta:\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
        "skips failed trials instead of counting them": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    best, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if math.isnan(value):\n"
            "            continue\n"
            "        if best is None or value < best - min_delta:\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
        "ignores min_delta": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    best, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if not math.isnan(value) and (best is None or value < best):\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
        "returns a 0-based index": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    best, since = None, 0\n"
            "    for index, value in enumerate(values):\n"
            "        if not math.isnan(value) and (best is None or value < best - min_delta):\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return index\n"
            "    return None"
        ),
        "writes inf over the failed trials in the caller's list": (
            "import math\n"
            "def stopping_trial(values, patience, min_delta):\n"
            "    for i, v in enumerate(values):\n"
            "        if math.isnan(v):\n"
            "            values[i] = math.inf  # a failed trial never improves\n"
            "    best, since = None, 0\n"
            "    for count, value in enumerate(values, start=1):\n"
            "        if value != math.inf and (best is None or value < best - min_delta):\n"
            "            best, since = value, 0\n"
            "        else:\n"
            "            since += 1\n"
            "        if since >= patience:\n"
            "            return count\n"
            "    return None"
        ),
    },
    "q13.code_non_dominated": {
        "strict dominance (a < b in every objective)": (
            "def non_dominated(points):\n"
            "    return [i for i, p in enumerate(points)\n"
            "            if not any(all(x < y for x, y in zip(q, p)) for q in points)]"
        ),
        "weak dominance only (a <= b everywhere): duplicates knock each other out": (
            "def non_dominated(points):\n"
            "    return [i for i, p in enumerate(points)\n"
            "            if not any(j != i and all(x <= y for x, y in zip(q, p)) for j, q in enumerate(points))]"
        ),
        "maximizes": (
            "def non_dominated(points):\n"
            "    def dom(a, b):\n"
            "        return all(x >= y for x, y in zip(a, b)) and any(x > y for x, y in zip(a, b))\n"
            "    return [i for i, p in enumerate(points) if not any(dom(q, p) for q in points)]"
        ),
        "2-D sweep sorted by the first objective only": (
            "def non_dominated(points):\n"
            "    order = sorted(range(len(points)), key=lambda i: points[i][0])\n"
            "    keep, best = [], float('inf')\n"
            "    for i in order:\n"
            "        if points[i][1] < best:\n"
            "            keep.append(i)\n"
            "            best = points[i][1]\n"
            "    return sorted(keep)"
        ),
        "sorts the caller's list in place": (
            "def non_dominated(points):\n"
            "    def dom(a, b):\n"
            "        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))\n"
            "    points.sort()\n"
            "    return [i for i, p in enumerate(points) if not any(dom(q, p) for q in points)]"
        ),
        "returns the points, not their indices": (
            "def non_dominated(points):\n"
            "    def dom(a, b):\n"
            "        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))\n"
            "    return [p for p in points if not any(dom(q, p) for q in points)]"
        ),
        "keeps only one copy of duplicate rows": (
            "def non_dominated(points):\n"
            "    def dom(a, b):\n"
            "        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))\n"
            "    out, seen = [], set()\n"
            "    for i, p in enumerate(points):\n"
            "        if tuple(p) not in seen and not any(dom(q, p) for q in points):\n"
            "            out.append(i)\n"
            "            seen.add(tuple(p))\n"
            "    return out"
        ),
    },
    "q13.code_hypervolume": {
        "assumes the points come sorted": _HV_HEAD + (
            "    front = []\n"
            "    for f1, f2 in points:\n"
            "        if f1 < r1 and f2 < r2 and (not front or f2 < front[-1][1]):\n"
            "            front.append((f1, f2))\n"
        ) + _HV_STAIRCASE,
        "keeps dominated points in the staircase": _HV_HEAD + (
            "    front = sorted((f1, f2) for f1, f2 in points if f1 < r1 and f2 < r2)\n"
        ) + _HV_STAIRCASE,
        "keeps points outside the reference box": _HV_HEAD + (
            "    front = []\n"
            "    for f1, f2 in sorted(map(tuple, points)):\n"
            "        if not front or f2 < front[-1][1]:\n"
            "            front.append((f1, f2))\n"
        ) + _HV_STAIRCASE,
        "height from the next point's f2 (off by one in the staircase)": _HV_HEAD + (
            "    front = []\n"
            "    for f1, f2 in sorted((a, b) for a, b in points if a < r1 and b < r2):\n"
            "        if not front or f2 < front[-1][1]:\n"
            "            front.append((f1, f2))\n"
            "    area = 0.0\n"
            "    for i, (f1, f2) in enumerate(front):\n"
            "        f1_next = front[i + 1][0] if i + 1 < len(front) else r1\n"
            "        f2_next = front[i + 1][1] if i + 1 < len(front) else f2\n"
            "        area += (f1_next - f1) * (r2 - f2_next)\n"
            "    return float(area)\n"
        ),
        "adds the boxes separately (overlaps counted twice)": _HV_HEAD + (
            "    return float(sum((r1 - a) * (r2 - b) for a, b in points if a < r1 and b < r2))\n"
        ),
        "sorts the caller's list in place": _HV_HEAD + (
            "    points.sort()\n"
            "    front = []\n"
            "    for f1, f2 in points:\n"
            "        if f1 < r1 and f2 < r2 and (not front or f2 < front[-1][1]):\n"
            "            front.append((f1, f2))\n"
        ) + _HV_STAIRCASE,
    },
}
