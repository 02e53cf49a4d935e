"""Quiz 08: genetic algorithms (selection, crossover, mutation, elitism), their failure modes,
population-based training, where CMA-ES fits, and GA vs random search vs BO.

Answers are stored as salted hashes or sealed numbers (see ../sealing.py); the readable answer key
lives in solutions/keys/q08_evolutionary.py. The code exercises draw random numbers, so their
checkers test distributions, not single outputs, each against a closed form: tournament selection
with replacement picks rank i with probability ((N - i + 1)^k - (N - i)^k) / N^k; PBT's exploit and
explore (Jaderberg et al. 2017, section 3.1 and appendix: truncation selection of the bottom 20%
from the top 20%, each hyperparameter multiplied by 0.8 or 1.2); a Gaussian mutation of sd 0.1 in the
unit encoding of hpo_mini.space. Each test is a two-sided binomial or Kolmogorov-Smirnov test at
level 1e-6 with fixed seeds, so a correct function fails with negligible probability and a given
function always gets the same verdict. They do not use hpo_mini.searchers.evolution;
tests/unit/test_quiz_q08_q09_references.py checks the closed forms by exact enumeration and Monte Carlo.
"""

from __future__ import annotations

import copy
import math
from numbers import Integral

import numpy as np
from scipy import stats

from ...space import Categorical, Float, Int, Space
from ..checks import same, show, unchanged
from ..kinds import CodeExercise, Explain, MultipleChoice, Numeric, SingleChoice, question_maker

QUIZ_ID = "08_evolutionary"
TITLE = "Quiz 08: evolutionary search and population-based training"
LESSON = "08"

# The titles of the lesson's sections, in one place: hints and "topics to revisit" quote them.
SECTIONS = {
    "ga": "A genetic algorithm in four operators",
    "selection": "Selection pressure: tournaments and elitism",
    "variation": "Crossover and mutation on a mixed space",
    "failure": "Failure modes: premature convergence and too much mutation",
    "pbt": "Population-based training",
    "cmaes": "Where CMA-ES fits",
    "ga_vs_bo": "GA vs random search vs BO",
    "claim": "Check the claim",
}

ALPHA = 1e-6  # the level of every statistical test below: a correct function fails with negligible probability


_q = question_maker(LESSON, SECTIONS)  # _q(Kind, id, "E" | "M" | "H", section key, ...)


def _binomial_pvalue(count, n, p):
    """Two-sided p-value of `count` successes in `n` Bernoulli(p) trials (doubled smaller tail)."""
    if p <= 0:
        return 1.0 if count == 0 else 0.0
    if p >= 1:
        return 1.0 if count == n else 0.0
    return float(min(1.0, 2 * min(stats.binom.cdf(count, n, p), stats.binom.sf(count - 1, n, p))))


def _is_index(value) -> bool:
    return isinstance(value, (Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


# ---- tournament selection ------------------------------------------------------------------------


def tournament_probabilities(n, k):
    """P(the individual of rank i wins), i = 1 (best) .. n, for k contestants drawn uniformly with
    replacement: the winner has rank >= i iff all k contestants do, so
    P(rank i) = ((n - i + 1)^k - (n - i)^k) / n^k."""
    i = np.arange(1, n + 1, dtype=float)
    return ((n - i + 1) ** k - (n - i) ** k) / float(n) ** k


def tournament_select_reference(fitness, k, rng):
    """Draw k indices uniformly with replacement; return the one with the lowest fitness."""
    contestants = rng.integers(0, len(fitness), size=k)
    return int(contestants[np.argmin(np.asarray(fitness, dtype=float)[contestants])])


_TOURNAMENT_CASES = [  # fitness (lower is better), k, number of calls, seed
    ([0.3, 0.1, 0.5, 0.2, 0.4], 2, 4000, 0),
    (np.array([3.0, 1.0, 2.0]), 1, 3000, 1),
    (np.array([5.5, 2.0, 9.0, 1.0, 7.5, 3.0, 8.0, 4.0]), 3, 4000, 2),
    ([0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4, 0.5, 1.0], 5, 3000, 3),
]


def _tournament_checker(fn, report):
    passed = 0
    for fitness, k, calls, seed in _TOURNAMENT_CASES:
        n = len(fitness)
        text = f"tournament_select(fitness={show(fitness)}, k={k}, rng=np.random.default_rng({seed}))"
        report(f"{text}, called {calls} times")
        ranks = np.argsort(np.argsort(np.asarray(fitness, dtype=float))) + 1  # 1 = best
        expected = tournament_probabilities(n, k)[ranks - 1]
        given, rng, counts = copy.deepcopy(fitness), np.random.default_rng(seed), np.zeros(n, dtype=int)
        for call in range(calls):
            try:
                got = fn(given, k, rng)
            except Exception as exc:
                return False, f"{text} raised {type(exc).__name__}: {exc}", passed
            if not _is_index(got) or not 0 <= got < n:
                return False, f"{text} returned {show(got)}; return the index of the winner, an int in 0..{n - 1}", passed
            if call == 0 and not unchanged(fitness, given):
                return False, f"{text} changed its argument `fitness`: work on a copy, leave the caller's data as it was", passed
            counts[got] += 1
        pvalues = [_binomial_pvalue(counts[j], calls, expected[j]) for j in range(n)]
        worst = int(np.argmin(pvalues))
        if pvalues[worst] < ALPHA:
            r = int(ranks[worst])
            return (
                False,
                f"{text}: over {calls} calls, index {worst} (fitness {show(fitness[worst])}, rank {r} of {n}) won "
                f"{counts[worst] / calls:.1%} of the tournaments; with {k} contestants drawn uniformly with "
                f"replacement and the lowest fitness winning, it wins with probability "
                f"((N - {r} + 1)^k - (N - {r})^k) / N^k = {expected[worst]:.1%}",
                passed,
            )
        passed += 1
    report("tournament_select twice with np.random.default_rng(7): the same picks?")
    picks = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        try:
            picks.append([int(fn([0.5, 0.2, 0.9, 0.1, 0.7, 0.3], 2, rng)) for _ in range(30)])
        except Exception as exc:
            return False, f"tournament_select(..., rng=np.random.default_rng(7)) raised {type(exc).__name__}: {exc}", passed
    if picks[0] != picks[1]:
        return False, "two generators seeded alike (np.random.default_rng(7)) gave different picks: draw every random number from `rng`", passed
    return True, "", passed + 1


# ---- PBT: exploit (truncation selection) and explore (perturb) ------------------------------------


def pbt_exploit_explore_reference(losses, configs, rng):
    """Jaderberg et al. (2017): the bottom 20% (n // 5 members, at least 1) each copy the weights and
    hyperparameters of a member drawn uniformly from the top 20%, then multiply every hyperparameter,
    independently, by 0.8 or 1.2. Returns (new_configs, sources): sources[i] is whose weights member i
    continues from."""
    n = len(losses)
    m = max(1, n // 5)
    order = np.argsort(np.asarray(losses, dtype=float), kind="stable")
    top, bottom = [int(i) for i in order[:m]], [int(i) for i in order[n - m :]]
    new_configs, sources = [dict(c) for c in configs], list(range(n))
    for i in bottom:
        donor = top[int(rng.integers(m))]
        new_configs[i] = {name: value * (1.2 if rng.random() < 0.5 else 0.8) for name, value in configs[donor].items()}
        sources[i] = donor
    return new_configs, sources


def _pbt_case(n, names, seed):
    rng = np.random.default_rng(100 + seed)
    losses = [round(float(v), 4) for v in rng.permutation(np.linspace(0.2, 2.0, n))]
    configs = [{name: float(f"{10 ** rng.uniform(-4, -1):.3g}") for name in names} for _ in range(n)]
    return losses, configs


_PBT_CASES = [  # n, hyperparameter names, calls
    (5, ("lr",), 300),
    (8, ("lr", "weight_decay"), 300),
    (10, ("lr", "weight_decay"), 300),
    (23, ("lr", "weight_decay", "entropy_cost"), 200),
]


def _pbt_one_call(fn, losses, configs, rng, text, top, bottom):
    """Check one call; return (error message or None, the donors of the bottom members, the factors)."""
    n = len(losses)
    given_losses, given_configs = copy.deepcopy(losses), copy.deepcopy(configs)
    try:
        result = fn(given_losses, given_configs, rng)
    except Exception as exc:
        return f"{text} raised {type(exc).__name__}: {exc}", None, None
    if not unchanged(losses, given_losses) or not unchanged(configs, given_configs):
        return f"{text} changed its arguments: build new configs, leave the caller's `losses` and `configs` as they were", None, None
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return f"{text} returned {show(result)}; return a pair (new_configs, sources)", None, None
    new_configs, sources = result
    if not (isinstance(new_configs, (list, tuple)) and len(new_configs) == n and all(isinstance(c, dict) for c in new_configs)):
        return f"{text} returned new_configs = {show(new_configs)}; it must be a list of {n} dicts, one per member", None, None
    if not (isinstance(sources, (list, tuple, np.ndarray)) and len(sources) == n and all(_is_index(s) for s in sources)):
        return f"{text} returned sources = {show(sources)}; it must be a list of {n} member indices", None, None
    donors, factors = [], []
    for i in range(n):
        if i not in bottom:
            if int(sources[i]) != i or not same(new_configs[i], configs[i]):
                return (
                    f"{text}: member {i} (loss {losses[i]}) is not in the bottom {len(bottom)}, yet it came back with "
                    f"source {sources[i]} and config {show(new_configs[i])}; only the bottom 20% copy and perturb",
                    None,
                    None,
                )
            continue
        donor = int(sources[i])
        if donor == i:
            return (
                f"{text}: member {i} (loss {losses[i]}) is in the bottom {len(bottom)}, but sources[{i}] = {i}: it "
                f"must continue from the weights of the top member it copies, so sources[{i}] names that donor",
                None,
                None,
            )
        if donor not in top:
            rank = sorted(losses).index(losses[donor]) + 1 if 0 <= donor < n else None
            return (
                f"{text}: member {i} (loss {losses[i]}, in the bottom {len(bottom)}) now continues from member "
                f"{donor}" + (f" (rank {rank} of {n})" if rank else "") + f"; it must copy a member of the top "
                f"{len(top)} (lowest losses): {sorted(top)}",
                None,
                None,
            )
        if set(new_configs[i]) != set(configs[donor]):
            return f"{text}: member {i}'s new config has keys {sorted(new_configs[i])}, expected {sorted(configs[donor])}", None, None
        member_factors = []
        for name, value in configs[donor].items():
            ratio = new_configs[i][name] / value
            factor = next((f for f in (0.8, 1.2) if math.isclose(ratio, f, rel_tol=1e-9)), None)
            if factor is None:
                return (
                    f"{text}: member {i} copied member {donor} but its {name} is {show(new_configs[i][name])} = "
                    f"{ratio:.4g} x the donor's {value}; explore multiplies each copied hyperparameter by 0.8 or 1.2",
                    None,
                    None,
                )
            member_factors.append(factor)
        donors.append(donor)
        factors.append(member_factors)
    return None, donors, factors


def _pbt_checker(fn, report):
    passed = 0
    for case_index, (n, names, calls) in enumerate(_PBT_CASES):
        losses, configs = _pbt_case(n, names, case_index)
        m = max(1, n // 5)
        order = sorted(range(n), key=lambda i: losses[i])
        top, bottom = set(order[:m]), order[n - m :]
        text = f"pbt_exploit_explore(losses={show(losses, 50)}, configs=<{n} configs of {', '.join(names)}>, rng)"
        report(f"{text}, called {calls} times")
        rng = np.random.default_rng(case_index)
        donor_counts = {d: 0 for d in top}
        n_up, n_factors, n_same_factor, n_pairs, n_same_donor = 0, 0, 0, 0, 0
        for _ in range(calls):
            error, donors, factors = _pbt_one_call(fn, losses, configs, rng, text, top, bottom)
            if error:
                return False, error, passed
            for d in donors:
                donor_counts[d] += 1
            for fs in factors:
                n_up += sum(f == 1.2 for f in fs)
                n_factors += len(fs)
                if len(fs) >= 2:
                    n_same_factor += fs[0] == fs[1]
            if len(donors) >= 2:
                n_pairs += 1
                n_same_donor += donors[0] == donors[1]
        draws = calls * m
        for d, count in donor_counts.items():
            if _binomial_pvalue(count, draws, 1 / m) < ALPHA:
                return (
                    False,
                    f"{text}: over {calls} calls, top member {d} was the donor in {count / draws:.1%} of the copies; "
                    f"each bottom member should pick its donor uniformly among the top {m} ({1 / m:.1%} each)",
                    passed,
                )
        if _binomial_pvalue(n_up, n_factors, 0.5) < ALPHA:
            return False, f"{text}: {n_up / n_factors:.1%} of the perturbations were x1.2; x0.8 and x1.2 should be equally likely", passed
        if len(names) >= 2 and _binomial_pvalue(n_same_factor, draws, 0.5) < ALPHA:
            return (
                False,
                f"{text}: {names[0]} and {names[1]} got the same factor in {n_same_factor / draws:.1%} of the copies; "
                f"perturb each hyperparameter independently (50%)",
                passed,
            )
        if n_pairs and _binomial_pvalue(n_same_donor, n_pairs, 1 / m) < ALPHA:
            return (
                False,
                f"{text}: two bottom members copied the same donor in {n_same_donor / n_pairs:.1%} of the calls; "
                f"each draws its own donor (probability {1 / m:.1%} of a match)",
                passed,
            )
        passed += 1
    report("pbt_exploit_explore twice with np.random.default_rng(7): the same result?")
    losses, configs = _pbt_case(10, ("lr", "weight_decay"), 9)
    results = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        try:
            results.append([fn(copy.deepcopy(losses), copy.deepcopy(configs), rng) for _ in range(5)])
        except Exception as exc:
            return False, f"pbt_exploit_explore(..., rng=np.random.default_rng(7)) raised {type(exc).__name__}: {exc}", passed
    if not same(results[0], results[1]):
        return False, "two generators seeded alike (np.random.default_rng(7)) gave different results: draw every random number from `rng`", passed
    return True, "", passed + 1


# ---- mutation inside a mixed space ---------------------------------------------------------------

SIGMA = 0.1  # the sd of a Gaussian mutation step, in the unit encoding

MUTATION_SPACE = Space(
    {
        "lr": Float(1e-5, 1e-1, log=True),
        "dropout": Float(0.0, 0.5),
        "layers": Int(1, 9),
        "act": Categorical(["relu", "tanh", "gelu", "silu"]),
    }
)
_CENTRE = {"lr": 1e-3, "dropout": 0.25, "layers": 5, "act": "tanh"}  # every numeric value at u = 0.5
_EDGE = {"lr": 0.1, "dropout": 0.0, "layers": 9, "act": "relu"}


def mutate_reference(config, space, rate, rng):
    """Each dimension independently with probability `rate`: a number moves by N(0, SIGMA^2) in its
    unit encoding (log space for log dimensions), clipped to [0, 1] and decoded (integers round);
    a categorical takes one of its *other* choices uniformly."""
    out = dict(config)
    for name, dim in space.dimensions.items():
        if rng.random() >= rate:
            continue
        if isinstance(dim, Categorical):
            others = [c for c in dim.choices if c != config[name]]
            out[name] = others[int(rng.integers(len(others)))]
        else:
            u = float(dim.to_unit(config[name])) + SIGMA * rng.standard_normal()
            out[name] = dim.python_value(dim.from_unit(min(max(u, 0.0), 1.0)))
    return out


def _int_probabilities(dim, centre, rate):
    """P(new value = v) for v = lo..hi when the Int dimension starts at `centre` (u = 0.5): rounding a
    Gaussian of sd SIGMA * (hi - lo + 1) in value units, the end slices taking the clipped tails."""
    width = SIGMA * (dim.hi - dim.lo + 1)
    values = np.arange(dim.lo, dim.hi + 1)
    upper = np.where(values == dim.hi, np.inf, (values + 0.5 - centre) / width)
    lower = np.where(values == dim.lo, -np.inf, (values - 0.5 - centre) / width)
    p = rate * (stats.norm.cdf(upper) - stats.norm.cdf(lower))
    p[values == centre] += 1 - rate
    return values, p


def _mutate_calls(fn, config, rate, seed, calls, text):
    """Call fn `calls` times; return (error message or None, outputs)."""
    rng, outputs = np.random.default_rng(seed), []
    for _ in range(calls):
        given = copy.deepcopy(config)
        try:
            out = fn(given, MUTATION_SPACE, rate, rng)
        except Exception as exc:
            return f"{text} raised {type(exc).__name__}: {exc}", None
        if not unchanged(config, given):
            return f"{text} changed its argument `config`: return a new dict, leave the caller's config as it was", None
        if not isinstance(out, dict):
            return f"{text} returned {show(out)}; return a new config dict", None
        try:
            MUTATION_SPACE.validate(out)
        except ValueError as exc:
            return f"{text} returned {show(out, 90)}, which is not inside the space: {exc}", None
        outputs.append(out)
    return None, outputs


def _mutate_checker(fn, report):
    passed = 0
    text = f"mutate(config={_CENTRE}, space, rate=0.0, rng)"
    report(text)
    error, outputs = _mutate_calls(fn, _CENTRE, 0.0, 0, 20, text)
    if error:
        return False, error, passed
    changed = next((o for o in outputs if not same(o, _CENTRE)), None)
    if changed is not None:
        return False, f"{text} returned {show(changed, 90)}; with rate = 0 no dimension mutates", passed
    passed += 1

    text = f"mutate(config={_EDGE}, space, rate=1.0, rng)"
    report(f"{text}, called 300 times")
    error, outputs = _mutate_calls(fn, _EDGE, 1.0, 1, 300, text)
    if error:
        return False, error, passed
    passed += 1

    calls, rate = 2000, 0.5
    text = f"mutate(config={_CENTRE}, space, rate={rate}, rng)"
    report(f"{text}, called {calls} times")
    error, outputs = _mutate_calls(fn, _CENTRE, rate, 2, calls, text)
    if error:
        return False, error, passed
    moved = {}
    for name in ("lr", "dropout"):
        dim = MUTATION_SPACE[name]
        steps = np.array([float(dim.to_unit(o[name])) for o in outputs]) - float(dim.to_unit(_CENTRE[name]))
        moved[name] = np.abs(steps) > 1e-9
        if _binomial_pvalue(int(moved[name].sum()), calls, rate) < ALPHA:
            return False, f"{text}: {name} changed in {moved[name].mean():.1%} of {calls} calls; each dimension mutates with probability rate = {rate}", passed
        scale = "log10 scale, " if dim.log else ""
        pvalue = stats.kstest(steps[moved[name]], "norm", args=(0.0, SIGMA)).pvalue
        if pvalue < ALPHA:
            s = steps[moved[name]]
            return (
                False,
                f"{text}: measured in the unit encoding ({scale}[lo, hi] -> [0, 1]), the {name} steps have mean "
                f"{s.mean():.3g} and sd {s.std():.3g}; they should be Gaussian with mean 0 and sd {SIGMA} "
                f"(Kolmogorov-Smirnov p = {pvalue:.1e})",
                passed,
            )
    both = int(np.sum(moved["lr"] & moved["dropout"]))
    if _binomial_pvalue(both, calls, rate**2) < ALPHA:
        return (
            False,
            f"{text}: lr and dropout changed together in {both / calls:.1%} of the calls; dimensions mutate "
            f"independently, so that should be rate^2 = {rate**2:.0%}",
            passed,
        )
    values, p_int = _int_probabilities(MUTATION_SPACE["layers"], _CENTRE["layers"], rate)
    got = np.array([sum(o["layers"] == v for o in outputs) for v in values])
    for v, count, p in zip(values, got, p_int):
        if _binomial_pvalue(int(count), calls, p) < ALPHA:
            return (
                False,
                f"{text}: layers came back as {v} in {count / calls:.1%} of the calls; moving u = 0.5 by "
                f"N(0, {SIGMA}^2), clipping and rounding (Int's from_unit) gives {p:.1%}",
                passed,
            )
    choices = MUTATION_SPACE["act"].choices
    for c in choices:
        p = 1 - rate if c == _CENTRE["act"] else rate / (len(choices) - 1)
        count = sum(o["act"] == c for o in outputs)
        if _binomial_pvalue(count, calls, p) < ALPHA:
            return (
                False,
                f"{text}: act came back as {c!r} in {count / calls:.1%} of the calls, expected {p:.1%}: a mutated "
                f"categorical takes one of its other choices, each equally likely (no order among choices)",
                passed,
            )
    passed += 1

    report("mutate twice with np.random.default_rng(7): the same configs?")
    runs = []
    for _ in range(2):
        error, outputs = _mutate_calls(fn, _CENTRE, 0.7, 7, 20, "mutate(..., rng=np.random.default_rng(7))")
        if error:
            return False, error, passed
        runs.append(outputs)
    if not same(runs[0], runs[1]):
        return False, "two generators seeded alike (np.random.default_rng(7)) gave different configs: draw every random number from `rng`", passed
    return True, "", passed + 1


# ---- the questions -------------------------------------------------------------------------------

QUESTIONS = [
    _q(
        SingleChoice,
        "q08.ga_generation",
        "E",
        "ga",
        prompt="In what order does one generation of a genetic algorithm apply its operators?",
        options=(
            "Mutate the population, evaluate it, then select the survivors.",
            "Evaluate the population, select parents by fitness, recombine them (crossover), mutate the "
            "children, then form the next population (keeping elites if any).",
            "Select parents at random, evaluate only the children, keep the best half of the children.",
            "Crossover first, then evaluate, then select the parents of this generation.",
        ),
        topics=("genetic algorithm",),
        hint="selection needs fitness values, and the children are what the next evaluation scores",
        explanation="Selection is the only operator that looks at fitness, so evaluation must come first; "
        "crossover then mixes selected parents, mutation perturbs the children, and replacement (with elitism, "
        "the best few carried over unchanged) forms the next generation, which is evaluated in turn. Under "
        "ask/tell, 'evaluate' is the population's trials being told back one by one.",
        key="sha256:d3cd4b7c90c03e9061ecb7593262e58bce0e92f6fe348bee890065cab27bc504",
    ),
    _q(
        Numeric,
        "q08.tournament_best",
        "M",
        "selection",
        prompt="Tournament selection draws k = 3 individuals uniformly *with replacement* from a population "
        "of N = 10 and picks the fittest of them. What is the probability that the single best individual "
        "of the population wins a given tournament?",
        topics=("tournament selection", "selection pressure"),
        hint="the best wins exactly when it is drawn at least once: use the complement",
        explanation="The best individual wins iff it is among the contestants: 1 − (9/10)³ = 1 − 0.729 = 0.271. "
        "In general rank i (1 = best) wins with probability ((N − i + 1)^k − (N − i)^k) / N^k: the winner has "
        "rank ≥ i exactly when all k contestants do. With k = 1 every individual wins with probability 1/N "
        "(no selection pressure); as k grows, the best individual's share tends to 1.",
        key="obf:c5DPy+U=",
        abs_tol=0.002,
        example="0.5",
    ),
    _q(
        Numeric,
        "q08.tournament_copies",
        "H",
        "selection",
        prompt="A population of N = 20 picks its 20 parents by 20 independent binary tournaments (k = 2, drawn "
        "with replacement). How many times, on average, is the best individual picked as a parent?",
        topics=("tournament selection", "selection pressure", "takeover"),
        hint="multiply the number of tournaments by the probability that the best wins one of them",
        explanation="P(best wins a binary tournament) = 1 − (19/20)² = 39/400 = 0.0975, so the expected number "
        "of copies is 20 · 0.0975 = 1.95, close to 2 − 1/N. Binary tournament doubles the best individual's "
        "share each generation (before crossover and mutation dilute it), which is why a population can be "
        "taken over by one lineage within roughly log₂ N generations.",
        key="obf:yoqNGQ==",
        abs_tol=0.01,
        example="1.0",
    ),
    _q(
        MultipleChoice,
        "q08.selection_pressure",
        "M",
        "selection",
        prompt="Which changes *increase* the selection pressure of a genetic algorithm? Choose every one that applies.",
        options=(
            "A larger tournament size k.",
            "Truncation selection that breeds from the best 10% instead of the best 50%.",
            "A higher mutation rate.",
            "Fitness-proportional (roulette) selection after adding a large constant to every fitness value.",
            "Carrying more elites unchanged into the next generation.",
        ),
        topics=("selection pressure", "elitism"),
        hint="selection pressure is how strongly the fittest individuals are favoured as parents and survivors",
        explanation="A larger tournament, a narrower truncation and more elites all favour the best individuals "
        "more strongly. Mutation is a variation operator: it adds diversity and does not change who is "
        "selected. Adding a large constant to every fitness makes roulette selection almost uniform (all "
        "proportions close to 1/N), which *lowers* the pressure; rank-based schemes such as tournaments are "
        "immune to this because they only use the order of fitness values.",
        key="sha256:e91097dde2eb7f5eaa87f52a0f7a4ecb8c4f7e2530a6ebe6522684baac1bcac1",
    ),
    _q(
        SingleChoice,
        "q08.elitism",
        "E",
        "selection",
        prompt="What does elitism (copying the best e individuals unchanged into the next generation) guarantee?",
        options=(
            "That the algorithm finds the global optimum.",
            "That the best fitness in the population never gets worse from one generation to the next "
            "(for a deterministic objective).",
            "That the population stays diverse.",
            "That every generation improves on the previous one.",
        ),
        topics=("elitism",),
        hint="what exactly is carried over, and what happens to it?",
        explanation="The elites survive unchanged, so the best fitness is monotone non-increasing (for "
        "minimization) when the objective is deterministic; with a noisy objective an elite's lucky score can "
        "even persist. Elitism guarantees neither improvement nor the optimum, and it *reduces* diversity: "
        "too many elites is a route to premature convergence.",
        key="sha256:07e11be61d15495f717f00aa989747c20d3e34cedaa1a77deb497bcce421d2f8",
    ),
    _q(
        Numeric,
        "q08.blx_outside",
        "M",
        "variation",
        prompt="Blend crossover BLX-α (Eshelman & Schaffer 1993) draws a child coordinate uniformly from "
        "[min − α·d, max + α·d], where min and max are the parents' values and d = max − min. With α = 0.5 "
        "(and no clipping), what is the probability that the child lies *outside* the interval between its "
        "parents?",
        topics=("crossover", "exploration"),
        hint="compare the length of the part outside [min, max] with the length of the whole interval",
        explanation="The interval has length d(1 + 2α) = 2d, of which αd on each side, d in total, lies outside "
        "the parents: probability 2α / (1 + 2α) = 0.5. This is what lets blend crossover explore beyond the "
        "parents, unlike uniform crossover, which only recombines existing coordinate values. In the unit "
        "cube the child is then clipped to [0, 1] (and an integer or categorical coordinate decoded).",
        key="obf:VsCb",
        abs_tol=0.005,
        example="0.25",
    ),
    _q(
        MultipleChoice,
        "q08.mutation_mixed",
        "M",
        "variation",
        prompt="Your GA tunes a learning rate in [1e-5, 1e-1] (log scale), a number of layers in {1, …, 9} and "
        "an activation in {relu, tanh, gelu, silu}. Which mutations are sound? Choose every one that applies.",
        options=(
            "Learning rate: add Gaussian noise to its unit encoding (i.e. to log lr, rescaled), clip to [0, 1], decode.",
            "Learning rate: add N(0, 0.01) to the learning rate itself.",
            "Layers: add Gaussian noise in the unit encoding, clip, decode by rounding to an integer in range.",
            "Activation: add ±1 to its index in the list, so relu can become tanh but not gelu.",
            "Activation: replace it by one of the other choices, uniformly at random.",
        ),
        topics=("mutation", "mixed spaces", "log scale"),
        hint="a mutation should respect each dimension's scale and bounds, and invent no order a categorical does not have",
        explanation="A step in the unit encoding is a step in log lr, so it moves 1e-4 and 1e-2 by the same "
        "factor; N(0, 0.01) added to the learning rate itself is a huge jump at 1e-4 (often below 0, out of the "
        "space) and nothing at 0.1. Integers: perturb, clip and round, keeping the result inside the bounds. "
        "Categoricals have no order: ±1 on the index makes relu→tanh likely and relu→silu impossible for no "
        "reason; resampling another choice uniformly treats them alike.",
        key="sha256:1dae2bc5b800eebe7e5d17fb69e78874ed61257e81a1b8592e93707516e80eb0",
    ),
    _q(
        SingleChoice,
        "q08.premature",
        "M",
        "failure",
        prompt="After 5 generations every individual of your GA's population has nearly the same configuration, "
        "and the best score has not improved since generation 3, at a mediocre value. What is this, and what "
        "would you try first?",
        options=(
            "Too much mutation: lower the mutation rate.",
            "Premature convergence: lower the selection pressure (smaller tournaments, fewer elites), raise "
            "the mutation rate or step size, or enlarge the population.",
            "The objective is noisy: evaluate every individual 10 times.",
            "The GA has found the global optimum: stop.",
        ),
        topics=("premature convergence", "diversity"),
        hint="look at what the population's diversity did, not only at the best score",
        explanation="Diversity collapsed before the search found a good region: premature convergence. With "
        "no diversity, crossover recombines copies of one individual and only mutation can explore. The cures "
        "weaken the forces that remove diversity (selection pressure, elitism) or strengthen those that create "
        "it (mutation, a larger population, restarts or niching). Too much mutation shows the opposite "
        "picture: a population that stays scattered and a best-so-far curve like random search's.",
        key="sha256:e065f92661983eabeeb335618d297deed760117fcc89b73f85d02aab1678040e",
    ),
    _q(
        MultipleChoice,
        "q08.too_much_mutation",
        "H",
        "failure",
        prompt="A GA on a smooth 5-D problem tracks random search almost exactly: its population stays spread "
        "over the whole space and its best-so-far curve matches random search's at every budget. Which changes "
        "are likely to help? Choose every one that applies.",
        options=(
            "Lower the mutation rate or the mutation step size.",
            "Increase the tournament size.",
            "Keep one or two elites.",
            "Increase the mutation rate to explore more.",
            "Replace crossover by more mutation.",
        ),
        topics=("mutation", "selection pressure", "exploration vs exploitation"),
        hint="random search is a GA whose children forget their parents: what makes them forget?",
        explanation="If mutation is so strong that a child is essentially a fresh random point, selection "
        "cannot accumulate progress and the GA degenerates into random search. Smaller mutations keep children "
        "near good parents; larger tournaments breed more from the best points found, and elites keep those "
        "points in the population as parents (without them a generational GA can replace its best individuals "
        "by heavily mutated children every generation). More mutation, or "
        "swapping crossover for it, pushes further towards random search.",
        key="sha256:f99221b2319003b6d9a1cc1d3e577d1b1ed49b8b9e66787f6b1c0b915e083d3b",
    ),
    _q(
        SingleChoice,
        "q08.pbt_exploit",
        "M",
        "pbt",
        prompt="In population-based training with truncation selection (Jaderberg et al. 2017), what does a "
        "member in the bottom 20% do when it is ready?",
        options=(
            "It restarts training from scratch with a freshly sampled configuration.",
            "It copies the hyperparameters (but not the weights) of a top-20% member and keeps its own weights.",
            "It copies the weights *and* hyperparameters of a member drawn from the top 20% (exploit), then "
            "perturbs the hyperparameters, e.g. × 0.8 or × 1.2, or resamples them (explore), and goes on training.",
            "It averages its weights with those of the best member.",
        ),
        topics=("PBT", "exploit and explore"),
        hint="PBT keeps the progress already paid for: what has to be copied for training to continue from a good point?",
        explanation="Exploit replaces a poor member by a copy of a good one, weights included, so no training "
        "is thrown away: the copy continues from the donor's checkpoint. Explore then perturbs each "
        "hyperparameter by a factor of 0.8 or 1.2 (or resamples it from the prior with some probability). "
        "Copying only the hyperparameters would keep the poor weights; restarting would waste the compute "
        "already spent.",
        key="sha256:8f85d81165108ec92a8008b297561de05bc76dad6cf6a625fbb9b44a54edb777",
    ),
    _q(
        MultipleChoice,
        "q08.pbt_facts",
        "H",
        "pbt",
        prompt="Which statements about population-based training are true? Choose every one that applies.",
        options=(
            "What it finds is a hyperparameter *schedule* (e.g. a learning rate that changes during training), "
            "not one fixed configuration.",
            "It needs training that can be checkpointed and resumed, since members copy each other's weights.",
            "It is asynchronous: each member exploits and explores when it is ready, with no generation barrier.",
            "Its total cost is about that of training a single model.",
            "Retraining from scratch with the winning member's final hyperparameters reproduces its score.",
        ),
        topics=("PBT",),
        hint="think about what the winning member's history looks like, and what its compute bill is",
        explanation="The winner's hyperparameters changed every time it (or an ancestor) was copied and "
        "perturbed, so the result is a schedule along its lineage; its final hyperparameters alone, trained "
        "from scratch, need not reproduce the score (and even replaying the schedule is not guaranteed to, "
        "because of the copied weights and noise). Members copy weights, so checkpoints are required, and each "
        "member decides on its own when it is ready, so workers never wait for a generation. The cost is the "
        "population size times one training run, run in parallel: about as much compute as a random search "
        "with that many trials, in the wall-clock time of one.",
        key="sha256:a4267c9aa4551c4fd357d3926c1534292a4a19b871bab7d8a1795f869241f22c",
    ),
    _q(
        SingleChoice,
        "q08.cmaes",
        "M",
        "cmaes",
        prompt="Which description fits CMA-ES (Hansen & Ostermeier 2001; Hansen's tutorial, 2016)?",
        options=(
            "A GA on bit strings with one-point crossover.",
            "It samples a population from a multivariate Gaussian, moves the mean towards a weighted "
            "average of the best samples, and adapts the covariance matrix and the step size from the "
            "successful steps; it uses only the ranking of the values, so it suits continuous, "
            "ill-conditioned, non-separable problems.",
            "A Bayesian optimization method with a Gaussian-process surrogate and expected improvement.",
            "A gradient method that estimates the Hessian by finite differences.",
        ),
        topics=("CMA-ES", "evolution strategies"),
        hint="CMA stands for covariance matrix adaptation: what is the covariance of, and what is adapted from what?",
        explanation="CMA-ES is an evolution strategy: λ samples from N(m, σ²C), the mean moves to a weighted "
        "recombination of the best μ, C is updated from the selected steps (rank-one and rank-μ updates) and σ "
        "by cumulative step-size adaptation. Using ranks makes it invariant to monotone transformations of "
        "the objective; adapting C makes it invariant to rotations of the space, so it learns correlated, "
        "badly scaled valleys. It is for continuous dimensions and usually needs hundreds to thousands of "
        "evaluations (default λ = 4 + ⌊3 ln n⌋), more than BO on a budget of tens.",
        key="sha256:07f0d63c8207f7e2134443c17ca0d9c3fa321faa86cfb7344959681a0ef77c5f",
    ),
    _q(
        MultipleChoice,
        "q08.ga_vs_bo",
        "M",
        "ga_vs_bo",
        prompt="When is an evolutionary method a better choice than Bayesian optimization for tuning? Choose "
        "every one that applies.",
        options=(
            "You have hundreds of parallel workers and each evaluation is cheap, so thousands of evaluations are affordable.",
            "You can afford only 30 evaluations of a 4-D continuous space, each taking a day.",
            "The space is large and structured (e.g. neural architectures with many discrete and conditional choices).",
            "You want to adapt hyperparameters during training (a schedule), with checkpoints available.",
            "The objective is smooth and low-dimensional and you want the best result per evaluation.",
        ),
        topics=("GA vs BO", "PBT"),
        hint="weigh the cost of choosing each point against the cost of evaluating it, and ask which method parallelizes",
        explanation="BO spends computation on a surrogate to make every evaluation count: the right tool for "
        "few, expensive evaluations in a smooth, low-dimensional space. Evolution spends almost nothing per "
        "point, parallelizes trivially (a population is a batch) and handles discrete, conditional structure "
        "through its operators: regularized evolution matched or beat RL and random search in large "
        "architecture searches (Real et al. 2019). PBT goes further and adapts hyperparameters during "
        "training.",
        key="sha256:468d33aa8745121b6e2c6614f8f814e569fe77db753532f37d45b5ce686a6800",
    ),
    _q(
        MultipleChoice,
        "q08.fair_comparison",
        "M",
        "claim",
        prompt="You want to check the claim \"our GA beats random search and BO\" on a benchmark. Which of these "
        "belong in a fair comparison? Choose every one that applies.",
        options=(
            "The same number of objective evaluations for every method (and a note on whether BO's own "
            "modelling time is counted).",
            "Several seeds per method (at least 5), reporting the median and the spread of the best value found.",
            "Tune the GA's mutation rate and population size on the very runs you report, and leave the other "
            "methods at their defaults.",
            "The same search space and encoding (ranges, log scales, integer and categorical dimensions) for every method.",
            "One seed per method, since the objective is deterministic.",
        ),
        topics=("GA vs BO", "benchmarking"),
        hint="list every source of randomness and every knob, and ask whether each method got the same share",
        explanation="Equal evaluations make the budget the same; the same space makes the problem the same; "
        "several seeds matter because the *searchers* are random even when the objective is not, and a "
        "single run can land either side of a median. Tuning one method's knobs on the runs you report, "
        "while the others keep defaults, hands it an extra search the others did not get. With few "
        "evaluations BO usually wins per evaluation; a GA's advantage, if any, shows at large budgets and in "
        "wall-clock time with many workers.",
        key="sha256:5cfd80a9801f0d0c08db19ed7a416b34930cca0de822ab1808e1e3037160142d",
    ),
    _q(
        CodeExercise,
        "q08.code_tournament_select",
        "M",
        "selection",
        prompt="Write `tournament_select(fitness, k, rng)`: tournament selection for a population whose "
        "fitness values (lower is better, all different) are given as a list or 1-D numpy array. Draw k "
        "contestants uniformly *with replacement* from the indices 0 … N−1, using the numpy Generator `rng` "
        "for every random number, and return the index (an int) of the contestant with the lowest fitness.\n\n"
        "The checker calls your function thousands of times and compares how often each index wins with the "
        "closed form: rank i (1 = best) wins with probability ((N − i + 1)^k − (N − i)^k) / N^k.",
        topics=("tournament selection",),
        hint="draw k indices, look up their fitness values, and return the index (not the fitness, not the position in the tournament)",
        explanation="contestants = rng.integers(0, N, size=k); return int(contestants[np.argmin(fitness[contestants])]). "
        "Drawing *without* replacement (rng.choice(N, k, replace=False)) is a valid variant but a different "
        "distribution: the worst individual can then never win once k ≥ 2. Other slips: argmax (maximizing), "
        "returning argmin's position inside the tournament instead of the population index, rng.integers(0, "
        "N − 1) (the last individual never enters), or a fresh generator instead of `rng` (not reproducible).",
        function_name="tournament_select",
        stub='import numpy as np\n\n\ndef tournament_select(fitness, k, rng):\n    """Index of the winner of a size-k tournament (drawn with replacement; lower fitness wins)."""\n    ...',
        checker=_tournament_checker,
        time_limit=4.0,
    ),
    _q(
        CodeExercise,
        "q08.code_pbt_exploit_explore",
        "H",
        "pbt",
        prompt="Write `pbt_exploit_explore(losses, configs, rng)`: one exploit-and-explore step of PBT with "
        "truncation selection and perturbation. Member i has validation loss `losses[i]` (lower is better, all "
        "different) and hyperparameters `configs[i]`, a dict of name → positive float. With n members and "
        "m = max(1, n // 5):\n\n"
        "- the *top* are the m members with the lowest losses, the *bottom* the m with the highest;\n"
        "- each bottom member draws a donor uniformly from the top (independently of the other bottom "
        "members), copies the donor's hyperparameters and multiplies each one, independently, by 0.8 or 1.2 "
        "(each with probability ½);\n"
        "- every other member keeps its hyperparameters.\n\n"
        "Return `(new_configs, sources)`: `new_configs` a new list of n dicts, `sources[i]` the index of the "
        "member whose weights member i continues from (its donor if it was in the bottom, else i itself). "
        "Use `rng` for every random number and do not modify the arguments.",
        topics=("PBT", "exploit and explore"),
        hint="sort the indices by loss once; the bottom copies from the top; record the donor in `sources` so the weights follow the hyperparameters",
        explanation="order = np.argsort(losses); top, bottom = order[:m], order[-m:]; for i in bottom: "
        "d = top[rng.integers(m)], new[i] = {k: v * rng.choice([0.8, 1.2]) for k, v in configs[d].items()}, "
        "sources[i] = d. The sources are what make it PBT rather than a GA: the bottom member continues from "
        "the donor's weights, so no training is lost. Slips the checker catches: copying from the worst "
        "(treating loss as a score to maximize), one factor shared by all hyperparameters, one donor shared by "
        "all bottom members, always the single best donor (less diversity than the paper's uniform draw), "
        "round(0.2 n) instead of n // 5, and modifying the caller's dicts.",
        function_name="pbt_exploit_explore",
        stub='import numpy as np\n\n\ndef pbt_exploit_explore(losses, configs, rng):\n    """Bottom 20% copy a random top-20% member and perturb by x0.8 / x1.2; return (new_configs, sources)."""\n    ...',
        checker=_pbt_checker,
        time_limit=4.0,
    ),
    _q(
        CodeExercise,
        "q08.code_mutate",
        "H",
        "variation",
        prompt="Write `mutate(config, space, rate, rng)` for a mixed hpo_mini `Space` (Float, Float with "
        "log=True, Int, Categorical). For each dimension `dim = space[name]`, independently, with probability "
        "`rate` (draw with `rng`):\n\n"
        "- a Float or Int value moves in its unit encoding: `u = dim.to_unit(value) + 0.1 * rng.standard_normal()`, "
        "clipped to [0, 1], decoded with `dim.python_value(dim.from_unit(u))` (log scale and integer rounding "
        "come with the encoding);\n"
        "- a Categorical takes one of its *other* choices (`dim.choices`), each equally likely.\n\n"
        "Other dimensions keep their value. Return a new dict inside the space; do not modify `config`. The "
        "checker tests the distribution of many mutations (step sizes, rates, independence, bounds).",
        topics=("mutation", "mixed spaces", "log scale"),
        hint="loop over space.dimensions.items(); one coin per dimension; isinstance(dim, Categorical) tells the two cases apart",
        explanation="Working in the unit encoding handles every numeric kind at once: a Gaussian step there is "
        "a step in log space for a log dimension, from_unit rounds an Int, and clipping keeps the child inside "
        "the bounds. A categorical must change to a *different* choice (otherwise a mutation does nothing a "
        "quarter of the time here) and must not treat the list order as a distance. Slips the checker catches: "
        "a linear step on a log dimension, one coin for the whole config (all dimensions mutate together), "
        "int() instead of rounding, values outside the bounds, and changing the caller's dict.",
        function_name="mutate",
        stub='from hpo_mini.space import Categorical\n\n\ndef mutate(config, space, rate, rng):\n    """Each dimension with probability rate: N(0, 0.1^2) in the unit encoding, or another choice."""\n    ...',
        checker=_mutate_checker,
        time_limit=4.0,
    ),
    _q(
        Explain,
        "q08.explain_pbt",
        "M",
        "pbt",
        prompt="An interviewer asks: *\"What is population-based training, and when would you use it instead "
        "of random search or BO?\"* Answer in about a minute.",
        topics=("PBT", "GA vs BO"),
        hint="describe exploit and explore with their numbers, what the result is, what it needs and costs",
        explanation="See the model answer and rubric.",
        model_answer="PBT (Jaderberg et al. 2017) trains a population of models in parallel, each with its own "
        "hyperparameters. Every so many steps a member that is ready compares itself with the others: if it is "
        "in the bottom 20% it copies the weights and hyperparameters of a random member of the top 20% "
        "(exploit) and perturbs the hyperparameters by ×0.8 or ×1.2, or resamples them (explore), then keeps "
        "training. This runs asynchronously, so no worker waits for a generation. Because hyperparameters "
        "change along the way, the result is a schedule (e.g. a learning rate that decays when it should), "
        "found in the wall-clock time of one training run at the compute of a population. It needs "
        "checkpointable training and a fair comparison point (same number of steps). I would use it for long "
        "trainings with many parallel workers and hyperparameters that should change over time (RL, GANs, "
        "learning-rate and augmentation schedules); for few expensive trials of a fixed configuration, BO; "
        "as a cheap baseline, random search.",
        rubric=(
            "Exploit: the bottom 20% copy weights and hyperparameters of a top-20% member (truncation selection).",
            "Explore: perturb ×0.8 / ×1.2 or resample; asynchronous, member by member.",
            "The result is a schedule, not a single configuration.",
            "Needs checkpoints and parallel workers; costs a population of training runs in one run's wall-clock time.",
            "When to use it vs BO / random search (long trainings, many workers, time-varying hyperparameters).",
        ),
    ),
    _q(
        Explain,
        "q08.explain_premature_convergence",
        "H",
        "failure",
        prompt="An interviewer shows you a GA run whose population collapsed onto one configuration by "
        "generation 4, with a mediocre best score. *\"What happened, how would you confirm it, and what would "
        "you change?\"* Answer in about a minute.",
        topics=("premature convergence", "selection pressure", "mutation"),
        hint="name the failure, give a measurement that shows it, and name the knobs on both sides of the balance",
        explanation="See the model answer and rubric.",
        model_answer="That is premature convergence: selection removed diversity faster than variation created "
        "it, so the population lost the genetic material to find better regions, and crossover now recombines "
        "near-copies. I would confirm it by plotting diversity per generation (mean pairwise distance in the "
        "unit cube, or per-dimension spread) next to the best and median fitness: diversity near zero and a "
        "flat best curve. Fixes: lower the selection pressure (tournament size 2 instead of 5, fewer elites), "
        "raise the mutation rate or step size, enlarge the population, or restart with fresh random "
        "individuals when diversity drops. The opposite failure, too much mutation, keeps the population "
        "scattered and makes the GA no better than random search, so I would tune the balance, e.g. compare a "
        "few settings over several seeds against random search at equal evaluations.",
        rubric=(
            "Names premature convergence: loss of diversity under strong selection.",
            "Confirms it with a measurement: diversity per generation (pairwise distance / spread) next to fitness.",
            "Proposes fixes on the selection side: smaller tournaments, fewer elites.",
            "Proposes fixes on the variation side: more mutation, larger population, restarts.",
            "Mentions the opposite failure (too much mutation ≈ random search) and checking over seeds.",
        ),
    ),
]
