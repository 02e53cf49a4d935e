"""The answer key of quiz 08: the one source of its keys. From it `python -m hpo_mini.quiz.build 08`
seals the keys into hpo_mini/quiz/bank/sealed/q08_evolutionary.json and writes the answered
solutions/08_evolutionary_quiz.ipynb; the handout prints it as the instructor's answer key. Explain questions
are marked against their rubric (in the bank's TOML), so they have no entry here. Not imported by the package."""

ANSWERS = {
    "q08.ga_generation": "b",
    "q08.tournament_best": 0.271,
    "q08.tournament_copies": 1.95,
    "q08.selection_pressure": {"a", "b", "e"},
    "q08.elitism": "b",
    "q08.blx_outside": 0.5,
    "q08.mutation_mixed": {"a", "c", "e"},
    "q08.premature": "b",
    "q08.too_much_mutation": {"a", "b", "c"},
    "q08.pbt_exploit": "c",
    "q08.pbt_facts": {"a", "b", "c"},
    "q08.cmaes": "b",
    "q08.ga_vs_bo": {"a", "c", "d"},
    "q08.fair_comparison": {"a", "b", "d"},
    "q08.code_tournament_select": '''\
import numpy as np


def tournament_select(fitness, k, rng):
    """Index of the winner of a size-k tournament (drawn with replacement; lower fitness wins)."""
    fitness = np.asarray(fitness, dtype=float)
    contestants = rng.integers(0, len(fitness), size=k)
    return int(contestants[np.argmin(fitness[contestants])])
''',
    "q08.code_pbt_exploit_explore": '''\
import numpy as np


def pbt_exploit_explore(losses, configs, rng):
    """Bottom 20% copy a random top-20% member and perturb by x0.8 / x1.2; return (new_configs, sources)."""
    n = len(losses)
    m = max(1, n // 5)
    order = np.argsort(losses)
    top, bottom = order[:m], order[n - m:]
    new_configs = [dict(c) for c in configs]
    sources = list(range(n))
    for i in bottom:
        donor = int(top[rng.integers(m)])
        new_configs[i] = {name: value * rng.choice([0.8, 1.2]) for name, value in configs[donor].items()}
        sources[i] = donor
    return new_configs, sources
''',
    "q08.code_mutate": '''\
from hpo_mini.space import Categorical


def mutate(config, space, rate, rng):
    """Each dimension with probability rate: N(0, 0.1^2) in the unit encoding, or another choice."""
    child = dict(config)
    for name, dim in space.dimensions.items():
        if rng.random() >= rate:
            continue
        if isinstance(dim, Categorical):
            others = [c for c in dim.choices if c != config[name]]
            child[name] = others[rng.integers(len(others))]
        else:
            u = float(dim.to_unit(config[name])) + 0.1 * rng.standard_normal()
            child[name] = dim.python_value(dim.from_unit(min(max(u, 0.0), 1.0)))
    return child
''',
}
