"""Regularized evolution (Real et al. 2019, Algorithm 1): aging removes the oldest (the non-aging baseline the
worst), the parent is the best of S members drawn with replacement (pick frequencies against the GA's
closed-form tournament probabilities), a child differs from its parent in exactly one active dimension,
uniformly, failures, reproducibility and resume, and it beats random search where selection pays."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import RandomSearch, RegularizedEvolution
from hpo_mini.searchers.genetic import tournament_probabilities
from hpo_mini.searchers.regularized_evolution import mutate_one
from hpo_mini.tasks.architectures import active_dimensions, architecture_space

MIXED = Space({"x": Float(1e-3, 1.0, log=True), "k": Int(1, 5), "c": Categorical(["a", "b", "c", "d"])})
BITS = Space({f"g{i}": Categorical(["A", "C", "G", "T"]) for i in range(8)})
TARGET = "GATTACAG"


def mismatches(config):
    """Wrong letters against TARGET: each dimension counts on its own, so keeping good parents pays."""
    return float(sum(config[f"g{i}"] != TARGET[i] for i in range(8)))


def mixed_loss(config):
    return (np.log10(config["x"]) + 1) ** 2 + (config["k"] - 3) ** 2 + {"a": 1, "b": 0, "c": 2, "d": 3}[config["c"]]


def test_aging_removes_the_oldest_even_when_it_is_the_best():
    re = RegularizedEvolution(MIXED, population=4, sample=2, seed=0)
    trials = [re.ask() for _ in range(6)]
    for i, t in enumerate(trials):
        re.tell(t, 0.0 if i == 0 else float(i))  # trial 0 is the best
    assert [m[0] for m in re.population_] == [2, 3, 4, 5]  # the best (0) aged out after 4 more births


def test_without_aging_the_worst_is_removed():
    re = RegularizedEvolution(MIXED, population=4, sample=2, seed=0, aging=False)
    trials = [re.ask() for _ in range(6)]
    for t, loss in zip(trials, [0.0, 9.0, 2.0, 3.0, 1.0, 8.0]):
        re.tell(t, loss)
    assert sorted(m[0] for m in re.population_) == [0, 2, 3, 4]


@pytest.mark.parametrize("sample", [1, 2, 4])
def test_parent_ranks_follow_the_closed_form_tournament_with_replacement(sample):
    P = 6
    re = RegularizedEvolution(MIXED, population=P, sample=sample, seed=1)
    first = [re.ask() for _ in range(P)]
    for rank, t in zip([3, 0, 5, 1, 4, 2], first):  # loss = rank: trial 1 is rank 0 (best)
        re.tell(t, float(rank))
    rank_of = {t.id: rank for rank, t in zip([3, 0, 5, 1, 4, 2], first)}
    n = 6000
    for _ in range(n):  # asks without tells: each child is bred from the same population
        re.ask()
    counts = np.bincount([rank_of[re.lineage_[i][0]] for i in range(P, P + n)], minlength=P)
    expected = tournament_probabilities(P, sample) * n
    keep = expected > 0
    assert stats.chisquare(counts[keep], expected[keep]).pvalue > 1e-3


def test_mutate_one_changes_exactly_one_dimension_to_another_value_uniformly():
    rng = np.random.default_rng(0)
    parent = {"x": 0.1, "k": 3, "c": "b"}
    names, new_c = [], []
    for _ in range(3000):
        child, name = mutate_one(MIXED, parent, rng)
        changed = [k for k in parent if child[k] != parent[k]]
        assert changed == [name]
        MIXED.validate(child)
        names.append(name)
        if name == "c":
            new_c.append(child["c"])
    assert stats.chisquare([names.count(k) for k in ("x", "k", "c")]).pvalue > 1e-3  # the dimension: uniform
    assert stats.chisquare([new_c.count(c) for c in ("a", "c", "d")]).pvalue > 1e-3  # the new choice: uniform
    assert "b" not in new_c


def test_only_active_dimensions_are_mutated_in_the_architecture_space():
    space, rng = architecture_space(), np.random.default_rng(0)
    parent = {"depth": 1, "width_1": 32, "width_2": 8, "width_3": 8, "activation": "relu", "skip": False}
    for _ in range(200):
        child, name = mutate_one(space, parent, rng, active_dimensions(parent))
        assert name in ("depth", "width_1", "activation")


def test_the_first_population_is_random_then_children_come_from_told_members():
    re = RegularizedEvolution(MIXED, population=5, sample=3, seed=0)
    study = optimize(mixed_loss, re, n_trials=30, progress=False)
    assert all(re.lineage_[i][0] is None for i in range(5))
    for i in range(5, 30):
        parent, name = re.lineage_[i]
        assert parent < i and name in MIXED.names
        child, mother = study.trials[i].config, study.trials[parent].config
        assert [k for k in child if child[k] != mother[k]] == [name]
    assert len(re.population_) == 5


def test_failed_members_are_not_parents_while_a_success_is_sampled():
    def flaky(config):
        if config["c"] == "d":
            raise RuntimeError("diverged")
        return mixed_loss(config)

    re = RegularizedEvolution(MIXED, population=8, sample=8, seed=2)  # S = P: the best member is always the parent
    study = optimize(flaky, re, n_trials=60, progress=False)
    failed = {t.id for t in study.trials if t.state == "failed"}
    assert failed and len(study.trials) == 60
    assert not any(re.lineage_[i][0] in failed for i in range(8, 60))


def test_same_seed_same_run_parallel_and_resumed_runs_match(tmp_path):
    def run(seed, n=40):
        re = RegularizedEvolution(MIXED, population=6, sample=3, seed=seed)
        return [t.config for t in optimize(mixed_loss, re, n_trials=n, progress=False).trials]

    assert run(3) == run(3) and run(3) != run(4)
    path = tmp_path / "re.jsonl"
    optimize(mixed_loss, RegularizedEvolution(MIXED, population=6, sample=3, seed=3), n_trials=13, journal=path,
             progress=False)
    resumed = optimize(mixed_loss, RegularizedEvolution(MIXED, population=6, sample=3, seed=3), n_trials=40,
                       journal=path, progress=False)
    assert [t.config for t in resumed.trials] == run(3)
    with ThreadPoolExecutor(2) as pool:  # asynchronous: every ask is answered, whatever is pending
        parallel = optimize(mixed_loss, RegularizedEvolution(MIXED, population=6, sample=3, seed=3), n_trials=40,
                            executor=pool, progress=False)
    assert len(parallel.trials) == 40


def test_beats_random_search_where_selection_pays():
    evo = [optimize(mismatches, RegularizedEvolution(BITS, population=10, sample=4, seed=s), n_trials=120,
                    progress=False).best_value for s in range(8)]
    rand = [optimize(mismatches, RandomSearch(BITS, seed=s), n_trials=120, progress=False).best_value
            for s in range(8)]
    assert np.median(evo) + 2 <= np.median(rand), (evo, rand)


@pytest.mark.parametrize("kwargs,match", [({"population": 0}, "population"), ({"sample": 0}, "sample"),
                                          ({"population": 3, "sample": 4}, "sample must be <= population"),
                                          ({"sample": 2.5}, "sample")])
def test_bad_settings_raise_and_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RegularizedEvolution(MIXED, **kwargs)
    with pytest.raises(TypeError, match="active"):
        RegularizedEvolution(MIXED, active="depth")
