"""Quiz 08: genetic algorithms (selection, crossover, mutation, elitism), their failure modes,
population-based training, where CMA-ES fits, and GA vs random search vs BO.

The code exercises draw random numbers, so their checkers test distributions, not single outputs, each
against a closed form: tournament selection with replacement picks rank i with probability ((N - i +
1)^k - (N - i)^k) / N^k; PBT's exploit and explore (Jaderberg et al. 2017, section 3.1 and appendix:
truncation selection of the bottom 20% from the top 20%, each hyperparameter multiplied by 0.8 or 1.2);
a Gaussian mutation of sd 0.1 in the unit encoding of hpo_mini.space. Each test is a two-sided binomial
or Kolmogorov-Smirnov test at level 1e-6 with fixed seeds, so a correct function fails with negligible
probability and a given function always gets the same verdict. They do not use
hpo_mini.searchers.evolution; tests/unit/quiz/test_quiz_q08_q09_references.py checks the closed forms by
exact enumeration and Monte Carlo.

The code checks of this quiz: its questions (prompts, options, explanations, rubrics) are data in
q08_evolutionary.toml beside this file, and the answer key is solutions/keys/q08_evolutionary.py.
CHECKS maps each code exercise to its checker; the references below are what they compare with.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from ..checks import same, show, unchanged
from ..stat_checks import ALPHA, binomial_pvalue, is_index
from .q08_mutation import mutate_checker
from ..fresh import generator


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
            if not is_index(got) or not 0 <= got < n:
                return False, f"{text} returned {show(got)}; return the index of the winner, an int in 0..{n - 1}", passed
            if call == 0 and not unchanged(fitness, given):
                return False, f"{text} changed its argument `fitness`: work on a copy, leave the caller's data as it was", passed
            counts[got] += 1
        pvalues = [binomial_pvalue(counts[j], calls, expected[j]) for j in range(n)]
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
    if not (isinstance(sources, (list, tuple, np.ndarray)) and len(sources) == n and all(is_index(s) for s in sources)):
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
            if binomial_pvalue(count, draws, 1 / m) < ALPHA:
                return (
                    False,
                    f"{text}: over {calls} calls, top member {d} was the donor in {count / draws:.1%} of the copies; "
                    f"each bottom member should pick its donor uniformly among the top {m} ({1 / m:.1%} each)",
                    passed,
                )
        if binomial_pvalue(n_up, n_factors, 0.5) < ALPHA:
            return False, f"{text}: {n_up / n_factors:.1%} of the perturbations were x1.2; x0.8 and x1.2 should be equally likely", passed
        if len(names) >= 2 and binomial_pvalue(n_same_factor, draws, 0.5) < ALPHA:
            return (
                False,
                f"{text}: {names[0]} and {names[1]} got the same factor in {n_same_factor / draws:.1%} of the copies; "
                f"perturb each hyperparameter independently (50%)",
                passed,
            )
        if n_pairs and binomial_pvalue(n_same_donor, n_pairs, 1 / m) < ALPHA:
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


# ---- the checks, one per code exercise (the exercise's text is in the .toml file) ----------------

CHECKS = {
    "q08.code_tournament_select": _tournament_checker,
    "q08.code_pbt_exploit_explore": _pbt_checker,
    "q08.code_mutate": mutate_checker,
}


# ---- fresh numbers (fresh.py): params drawn afresh for the mock interview, the answer computed ----


def _tournament_best_params(rng):
    return {"k": int(rng.integers(2, 6)), "N": int(rng.integers(5, 31))}


def tournament_best_reference(p):
    """P(the best of N wins a k-tournament drawn with replacement) = 1 - (1 - 1/N)^k."""
    return 1.0 - (1.0 - 1.0 / p["N"]) ** p["k"]


GENERATORS = {
    "q08.tournament_best": generator(_tournament_best_params, tournament_best_reference),
}
