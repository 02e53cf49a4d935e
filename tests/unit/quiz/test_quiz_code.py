"""Code exercises reject subtly wrong implementations and time out infinite loops."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from hpo_mini.quiz.bank import all_questions
from hpo_mini.quiz.kinds import CodeExercise
from hpo_mini.quiz.sandbox import run_with_time_limit

CODE = {q.id: q for q in all_questions() if q.kind == "code"}

# The first lines of a correct time_series_split (quiz 02): block sizes and the ValueError cases.
_TS_CHECKS = (
    "import numpy as np\n"
    "def time_series_split(X, n_splits, gap=0):\n"
    "    n = len(X)\n"
    "    test_size = n // (n_splits + 1)\n"
    "    first = n - n_splits * test_size\n"
    "    if n < n_splits + 1 or first - gap <= 0:\n"
    "        raise ValueError('too few rows')\n"
)

# question id -> {what is wrong: source}. Each defines the exercise's function.
SUBTLY_WRONG = {
    "q03.code_p_at_least_one": {
        "off by one in the exponent": "def p_at_least_one(q, n):\n    return 1 - (1 - q) ** (n - 1)",
        "probability that all trials hit": "def p_at_least_one(q, n):\n    return 1 - q ** n",
        "probability that all miss": "def p_at_least_one(q, n):\n    return (1 - q) ** n",
        "linear approximation": "def p_at_least_one(q, n):\n    return min(1.0, n * q)",
    },
    "q03.code_trials_needed": {
        "floor + 1 is off by one at whole numbers": "import math\ndef trials_needed(q, p):\n    return math.floor(math.log(1 - p) / math.log(1 - q)) + 1",
        "round() returns too few": "import math\ndef trials_needed(q, p):\n    return round(math.log(1 - p) / math.log(1 - q))",
        "int() truncates": "import math\ndef trials_needed(q, p):\n    return int(math.log(1 - p) / math.log(1 - q))",
        "rule of thumb 3/q": "import math\ndef trials_needed(q, p):\n    return math.ceil(3 / q)",
        "swapped arguments": "import math\ndef trials_needed(q, p):\n    return math.ceil(math.log(1 - q) / math.log(1 - p))",
    },
    "q03.code_log_uniform": {
        "wrong log base (log10 then exp)": "import numpy as np\ndef log_uniform(lo, hi, u):\n    return np.exp(np.log10(lo) + u * (np.log10(hi) - np.log10(lo)))",
        "linear scale": "def log_uniform(lo, hi, u):\n    return lo + u * (hi - lo)",
        "mutates its input": (
            "import numpy as np\n"
            "def log_uniform(lo, hi, u):\n"
            "    if isinstance(u, np.ndarray):\n"
            "        u *= np.log(hi) - np.log(lo)\n"
            "        u += np.log(lo)\n"
            "        return np.exp(u)\n"
            "    return float(np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo))))"
        ),
        "geometric mean off (u and 1-u swapped)": "import numpy as np\ndef log_uniform(lo, hi, u):\n    return np.exp(np.log(hi) + u * (np.log(lo) - np.log(hi)))",
    },
    "q03.code_random_search": {
        "off by one: n - 1 trials": (
            "def random_search(objective, space, n, rng):\n"
            "    configs = space.sample(rng, n - 1)\n"
            "    values = [objective(c) for c in configs]\n"
            "    i = min(range(len(values)), key=values.__getitem__)\n"
            "    return configs[i], values[i]"
        ),
        "maximizes": (
            "def random_search(objective, space, n, rng):\n"
            "    configs = space.sample(rng, n)\n"
            "    values = [objective(c) for c in configs]\n"
            "    i = max(range(n), key=values.__getitem__)\n"
            "    return configs[i], values[i]"
        ),
        "keeps the last of ties (<=)": (
            "def random_search(objective, space, n, rng):\n"
            "    best = (None, float('inf'))\n"
            "    for c in space.sample(rng, n):\n"
            "        v = objective(c)\n"
            "        if v <= best[1]:\n"
            "            best = (c, v)\n"
            "    return best"
        ),
        "ignores the log scale (hand-made uniform draws)": (
            "def random_search(objective, space, n, rng):\n"
            "    best = (None, float('inf'))\n"
            "    for _ in range(n):\n"
            "        c = {}\n"
            "        for name, dim in space.dimensions.items():\n"
            "            if hasattr(dim, 'choices'):\n"
            "                c[name] = dim.choices[int(rng.integers(len(dim.choices)))]\n"
            "            elif type(dim).__name__ == 'Int':\n"
            "                c[name] = int(rng.integers(dim.lo, dim.hi + 1))\n"
            "            else:\n"
            "                c[name] = float(rng.uniform(dim.lo, dim.hi))\n"
            "        v = objective(c)\n"
            "        if v < best[1]:\n"
            "            best = (c, v)\n"
            "    return best"
        ),
        "ignores the generator it was given": (
            "import numpy as np\n"
            "def random_search(objective, space, n, rng):\n"
            "    configs = space.sample(np.random.default_rng(12345), n)\n"
            "    values = [objective(c) for c in configs]\n"
            "    i = min(range(n), key=values.__getitem__)\n"
            "    return configs[i], values[i]"
        ),
        "evaluates the winner twice": (
            "def random_search(objective, space, n, rng):\n"
            "    configs = space.sample(rng, n)\n"
            "    best = min(configs, key=objective)\n"
            "    return best, objective(best)"
        ),
        "returns a dict instead of a pair": (
            "def random_search(objective, space, n, rng):\n"
            "    configs = space.sample(rng, n)\n"
            "    values = [objective(c) for c in configs]\n"
            "    i = min(range(n), key=values.__getitem__)\n"
            "    return {'config': configs[i], 'value': values[i]}"
        ),
    },
    "q02.code_time_series_split": {
        "off by one: keeps one row of the gap (start - gap + 1)": _TS_CHECKS + (
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(start - gap + 1 if gap else start), np.arange(start, start + test_size)"
        ),
        "off by one: drops one row too many (start - gap - 1)": _TS_CHECKS + (
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(max(start - gap - 1, 0)), np.arange(start, start + test_size)"
        ),
        "ignores the gap": _TS_CHECKS + (
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(start), np.arange(start, start + test_size)"
        ),
        "leaks the future: trains on every row outside the test block and the gap": _TS_CHECKS + (
            "    for start in range(first, n, test_size):\n"
            "        test = np.arange(start, start + test_size)\n"
            "        train = np.setdiff1d(np.arange(n), np.arange(start - gap, start + test_size))\n"
            "        yield train, test"
        ),
        "sorts the caller's X in place": _TS_CHECKS + (
            "    X.sort(axis=0)  # 'make sure the rows are in time order'\n"
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(start - gap), np.arange(start, start + test_size)"
        ),
        "test blocks of n // n_splits rows": (
            "import numpy as np\n"
            "def time_series_split(X, n_splits, gap=0):\n"
            "    n = len(X)\n"
            "    test_size = n // n_splits\n"
            "    first = n - n_splits * test_size\n"
            "    if n < n_splits + 1 or first - gap <= 0:\n"
            "        raise ValueError('too few rows')\n"
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(start - gap), np.arange(start, start + test_size)"
        ),
        "no ValueError: yields an empty training set": (
            "import numpy as np\n"
            "def time_series_split(X, n_splits, gap=0):\n"
            "    n = len(X)\n"
            "    test_size = max(n // (n_splits + 1), 1)\n"
            "    for k in range(n_splits):\n"
            "        start = n - (n_splits - k) * test_size\n"
            "        yield np.arange(max(start - gap, 0)), np.arange(start, start + test_size)"
        ),
        "the gap taken from the test block": _TS_CHECKS + (
            "    for start in range(first, n, test_size):\n"
            "        yield np.arange(start), np.arange(start + gap, start + test_size)"
        ),
        "remainder rows left untested at the end": _TS_CHECKS + (
            "    for k in range(1, n_splits + 1):\n"
            "        start = k * test_size\n"
            "        yield np.arange(start - gap), np.arange(start, start + test_size)"
        ),
        "boolean masks instead of indices": _TS_CHECKS + (
            "    rows = np.arange(n)\n"
            "    for start in range(first, n, test_size):\n"
            "        yield rows < start - gap, (rows >= start) & (rows < start + test_size)"
        ),
    },
    "q02.code_t_interval": {
        "normal quantile (z) instead of t": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    half = stats.norm.ppf((1 + confidence) / 2) * s.std(ddof=1) / np.sqrt(len(s))\n"
            "    return s.mean(), s.mean() - half, s.mean() + half"
        ),
        "ddof=0 (population standard deviation)": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    half = stats.t.ppf((1 + confidence) / 2, len(s) - 1) * s.std() / np.sqrt(len(s))\n"
            "    return s.mean(), s.mean() - half, s.mean() + half"
        ),
        "n degrees of freedom instead of n - 1": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    half = stats.t.ppf((1 + confidence) / 2, len(s)) * s.std(ddof=1) / np.sqrt(len(s))\n"
            "    return s.mean(), s.mean() - half, s.mean() + half"
        ),
        "one-sided quantile (ppf(confidence))": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    half = stats.t.ppf(confidence, len(s) - 1) * s.std(ddof=1) / np.sqrt(len(s))\n"
            "    return s.mean(), s.mean() - half, s.mean() + half"
        ),
        "standard deviation, not standard error (no / sqrt(n))": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    half = stats.t.ppf((1 + confidence) / 2, len(s) - 1) * s.std(ddof=1)\n"
            "    return s.mean(), s.mean() - half, s.mean() + half"
        ),
        "centres the caller's array in place": (
            "import numpy as np\n"
            "from scipy import stats\n"
            "def t_interval(scores, confidence=0.95):\n"
            "    s = np.asarray(scores, dtype=float)\n"
            "    n, mean = len(s), s.mean()\n"
            "    s -= mean\n"
            "    sd = np.sqrt((s ** 2).sum() / (n - 1))\n"
            "    half = stats.t.ppf((1 + confidence) / 2, n - 1) * sd / np.sqrt(n)\n"
            "    return mean, mean - half, mean + half"
        ),
    },
    "q01.code_gd_losses": {
        "off by one: n_steps losses": (
            "def gd_losses(curvature, lr, w0, n_steps):\n"
            "    w, out = w0, []\n"
            "    for _ in range(n_steps):\n"
            "        out.append(0.5 * curvature * w**2)\n"
            "        w -= lr * curvature * w\n"
            "    return out"
        ),
        "gradient ascent (sign)": (
            "def gd_losses(curvature, lr, w0, n_steps):\n"
            "    w, out = w0, []\n"
            "    for _ in range(n_steps + 1):\n"
            "        out.append(0.5 * curvature * w**2)\n"
            "        w += lr * curvature * w\n"
            "    return out"
        ),
        "forgets the curvature in the gradient": (
            "def gd_losses(curvature, lr, w0, n_steps):\n"
            "    w, out = w0, []\n"
            "    for _ in range(n_steps + 1):\n"
            "        out.append(0.5 * curvature * w**2)\n"
            "        w -= lr * w\n"
            "    return out"
        ),
        "returns iterates, not losses": (
            "def gd_losses(curvature, lr, w0, n_steps):\n"
            "    w, out = w0, []\n"
            "    for _ in range(n_steps + 1):\n"
            "        out.append(w)\n"
            "        w -= lr * curvature * w\n"
            "    return out"
        ),
    },
    "q01.code_diverges": {
        "boundary included (>=)": "def diverges(lr, curvature):\n    return lr >= 2 / curvature",
        "threshold 1/curvature (overshoot is not divergence)": "def diverges(lr, curvature):\n    return lr > 1 / curvature",
        "ignores the curvature": "def diverges(lr, curvature):\n    return lr > 2",
    },
    "q01.code_pick_by_validation": {
        "chooses on training loss": "def pick_by_validation(results):\n    return min(results, key=lambda r: r['train_loss'])['config']",
        "sorts the caller's list in place": (
            "def pick_by_validation(results):\n"
            "    results.sort(key=lambda r: r['val_loss'])\n"
            "    return results[0]['config']"
        ),
        "keeps the last of ties": (
            "def pick_by_validation(results):\n"
            "    best = results[0]\n"
            "    for r in results:\n"
            "        if r['val_loss'] <= best['val_loss']:\n"
            "            best = r\n"
            "    return best['config']"
        ),
        "off by one: skips the last run": (
            "def pick_by_validation(results):\n"
            "    return min(results[:-1] or results, key=lambda r: r['val_loss'])['config']"
        ),
        "returns the whole record": "def pick_by_validation(results):\n    return min(results, key=lambda r: r['val_loss'])",
    },
}


def _more_wrong_implementations() -> dict:
    """Tables for later quizzes: tests/unit/quiz/wrong_implementations/qNN.py, each defining WRONG = {qid: {what: source}}."""
    out = {}
    for path in sorted((Path(__file__).parent / "wrong_implementations").glob("q*.py")):
        namespace = {}
        exec(compile(path.read_text(), str(path), "exec"), namespace)
        overlap = set(namespace["WRONG"]) & (set(out) | set(SUBTLY_WRONG))
        assert not overlap, f"{path.name} repeats {sorted(overlap)}"
        out.update(namespace["WRONG"])
    return out


SUBTLY_WRONG.update(_more_wrong_implementations())

CASES = [(qid, what, src) for qid, wrongs in SUBTLY_WRONG.items() for what, src in wrongs.items()]


def define(q: CodeExercise, source):
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return namespace[q.function_name]


def test_every_code_exercise_has_subtly_wrong_cases():
    assert set(SUBTLY_WRONG) == set(CODE)
    for qid, wrongs in SUBTLY_WRONG.items():
        assert len(wrongs) >= 3, qid


@pytest.mark.parametrize("qid,what,source", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_subtly_wrong_implementation_is_rejected(qid, what, source):
    q = CODE[qid]
    verdict = q.evaluate(define(q, source))
    assert verdict.status == "wrong", what
    assert verdict.detail  # says which input failed and how


def test_mutation_is_named_in_the_feedback():
    q = CODE["q01.code_pick_by_validation"]
    verdict = q.evaluate(define(q, SUBTLY_WRONG[q.id]["sorts the caller's list in place"]))
    assert "changed its argument `results`" in verdict.detail


def test_extra_objective_calls_are_named_in_the_feedback():
    q = CODE["q03.code_random_search"]
    verdict = q.evaluate(define(q, SUBTLY_WRONG[q.id]["evaluates the winner twice"]))
    assert "called the objective 2 times" in verdict.detail


@pytest.mark.parametrize("qid", sorted(CODE))
def test_infinite_loop_fails_within_the_time_limit(qid):
    q = CODE[qid]

    def looping(*args):
        while True:
            pass

    start = time.monotonic()
    verdict = q.evaluate(looping)
    elapsed = time.monotonic() - start
    assert verdict.status == "wrong"
    assert f"did not return within {q.time_limit:g} s on {q.function_name}(" in verdict.detail
    assert elapsed < q.time_limit + 1.5


def test_a_function_that_raises_gets_its_exception_named():
    q = CODE["q03.code_p_at_least_one"]
    verdict = q.evaluate(lambda q, n: 1 / 0)
    assert verdict.status == "wrong"
    assert "raised ZeroDivisionError" in verdict.detail


def test_a_function_that_exits_the_process_does_not_take_the_kernel_with_it():
    import os

    q = CODE["q03.code_p_at_least_one"]
    verdict = q.evaluate(lambda q, n: os._exit(3))
    assert verdict.status == "wrong"
    assert "stopped unexpectedly" in verdict.detail


def test_prints_in_the_learners_function_do_not_leak(capfd):
    q = CODE["q03.code_p_at_least_one"]

    def chatty(q, n):
        print("debugging", q, n)
        return 1 - (1 - q) ** n

    assert q.evaluate(chatty).status == "correct"
    assert "debugging" not in capfd.readouterr().out


def test_threaded_fallback_abandons_a_loop(monkeypatch):
    """Without fork (Windows) the check runs in a thread that is abandoned at the time limit."""
    from hpo_mini.quiz import sandbox

    monkeypatch.delattr(sandbox.os, "fork")
    stop = {"flag": False}

    def checker(fn, report):
        report("case 1")
        fn()
        return True, "", 1

    def looping():
        while not stop["flag"]:
            time.sleep(0.01)

    start = time.monotonic()
    outcome = run_with_time_limit(checker, looping, time_limit=0.3)
    stop["flag"] = True  # let the abandoned thread end so the test process stays clean
    assert outcome.timed_out and "on case 1" in outcome.message
    assert time.monotonic() - start < 1.5


# ---- the library's own function is not an answer; code graded from its text (the gradebook) -------------

LIBRARY_CALLS = {
    "imported by name": (
        "from hpo_mini.tasks.gradient_descent import quadratic_gd\n"
        "def gd_losses(curvature, lr, w0, n_steps):\n"
        "    return [float(v) for v in quadratic_gd(curvature, lr, w0=w0, n_steps=n_steps)]"
    ),
    "through the package": (
        "import hpo_mini\n"
        "def gd_losses(curvature, lr, w0, n_steps):\n"
        "    return [float(v) for v in hpo_mini.tasks.gradient_descent.quadratic_gd(curvature, lr, w0=w0, n_steps=n_steps)]"
    ),
    "as a default argument": (
        "from hpo_mini.tasks import gradient_descent as g\n"
        "def gd_losses(curvature, lr, w0, n_steps, f=g.quadratic_gd):\n"
        "    return [float(v) for v in f(curvature, lr, w0=w0, n_steps=n_steps)]"
    ),
}


@pytest.mark.parametrize("how", sorted(LIBRARY_CALLS))
def test_handing_in_the_librarys_reference_is_refused(how):
    q = CODE["q01.code_gd_losses"]
    verdict = q.evaluate(define(q, LIBRARY_CALLS[how]))
    assert verdict.status == "wrong"
    assert "calls hpo_mini.tasks.gradient_descent.quadratic_gd from the course library" in verdict.detail


def test_a_library_class_is_allowed_in_an_answer():
    """Only functions count: the mutation key tests isinstance(dim, hpo_mini.space.Categorical)."""
    from hpo_mini.quiz.checks import library_functions_used
    from hpo_mini.quiz.keys import read_answers

    q = CODE["q08.code_mutate"]
    fn = define(q, read_answers("08_evolutionary", Path(__file__).resolve().parents[3])[q.id])
    assert library_functions_used(fn) == [] and q.evaluate(fn).status == "correct"


SOURCES = {
    "the key's function": ("correct", None),
    "a SyntaxError": ("unanswered", "def p_at_least_one(q, n):\n    return 1 - (1 - q) **"),
    "the stub": ("unanswered", 'def p_at_least_one(q, n):\n    """P(at least one hit)."""\n    ...'),
    "another name": ("unanswered", "def p_at_least_1(q, n):\n    return 1 - (1 - q) ** n"),
    "a loop at the top of the cell": ("wrong", "while True:\n    pass"),
    "a wrong function": ("wrong", "def p_at_least_one(q, n):\n    return n * q"),
    "the library": ("wrong", "from hpo_mini.quiz.bank.q03_grid_and_random import p_at_least_one_reference as p_at_least_one"),
}


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_code_graded_from_its_text_outside_the_kernel(case):
    from hpo_mini.quiz.keys import read_answers

    q = CODE["q03.code_p_at_least_one"]
    expected, source = SOURCES[case]
    if source is None:
        source = read_answers("03_grid_and_random", Path(__file__).resolve().parents[3])[q.id]
    helper = "import math\n"  # an earlier cell of the notebook: its definitions are available
    verdict = q.evaluate_source([helper, source])
    assert verdict.status == expected, verdict
    if case == "a loop at the top of the cell":
        assert "did not return within" in verdict.detail
