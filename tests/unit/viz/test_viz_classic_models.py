"""Lesson 11's figures return Figures built from their data, and the C-gamma explorer follows its controls."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini.space import Float, Space
from hpo_mini.viz.classic_models import (CGammaExplorer, c_gamma_surface, plot_c_gamma, plot_cluster_choice,
                                         plot_rate_vs_trees, plot_regularization_path, plot_svm_margins,
                                         search_trials, svm_margin_data)


class Bowl:
    """A cheap stand-in for the SVM task: a bowl in (log C, log gamma) with its minimum at C = 10, gamma = 1e-2."""

    space = Space({"C": Float(1e-2, 1e4, log=True), "gamma": Float(1e-5, 1.0, log=True)})

    def __call__(self, config):
        return 0.02 + 0.01 * ((np.log10(config["C"]) - 1) ** 2 + (np.log10(config["gamma"]) + 2) ** 2)


def test_rate_vs_trees_marks_each_best_round():
    rounds = np.arange(1, 51)
    fig = plot_rate_vs_trees({"lr 0.1": (rounds, (rounds - 20.0) ** 2), "lr 0.05": (rounds, (rounds - 40.0) ** 2)})
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "at 20 trees" in labels[0] and "at 40 trees" in labels[1]
    with pytest.raises(ValueError, match="curves is empty"):
        plot_rate_vs_trees({})


def test_svm_margin_shrinks_and_support_vectors_fall_as_C_grows():
    data = svm_margin_data(C_values=(0.01, 1.0, 100.0))
    margins = [f["margin"] for f in data["fits"].values()]
    n_sv = [f["n_support"] for f in data["fits"].values()]
    assert margins[0] > margins[1] > margins[2]
    assert n_sv[0] > n_sv[2]
    fig = plot_svm_margins(data)
    assert len(fig.axes) == 3 and "margin" in fig.axes[0].get_title()


def test_c_gamma_surface_and_trials():
    task = Bowl()
    C, g = np.geomspace(1e-2, 1e4, 7), np.geomspace(1e-5, 1, 6)
    errors = c_gamma_surface(task, C, g)
    assert errors.shape == (7, 6) and np.isclose(errors.min(), task({"C": 10.0, "gamma": 1e-2}))
    trials = search_trials(task, "random", 5, seed=0)
    assert len(trials) == 5 and {"C", "gamma", "value"} <= set(trials[0])
    fig = plot_c_gamma(C, g, errors, trials=trials, label="random")
    assert "5 trials" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="errors must be"):
        plot_c_gamma(C, g, errors[:3])
    with pytest.raises(ValueError, match="searcher must be one of"):
        search_trials(task, "annealing", 5)


def test_regularization_path_and_cluster_choice_figures():
    alphas = np.geomspace(1e-3, 1e2, 6)
    fig = plot_regularization_path(alphas, np.ones((6, 3)), np.linspace(1, 2, 6), np.full(6, 0.1), 0, 2)
    assert "one-SE rule" in " ".join(t.get_text() for t in fig.axes[1].get_legend().get_texts())
    ks = np.arange(1, 7)
    fig = plot_cluster_choice(ks, 1 / ks, np.linspace(0.3, 0.5, 5), np.linspace(0, 1, 6), np.full(6, 0.05),
                              true_k=4, chosen={"gap": 4})
    assert len(fig.axes) == 3 and "gap picks 4" in fig.axes[2].get_legend().get_texts()[1].get_text()


def test_explorer_responds_to_its_controls():
    explorer = CGammaExplorer(searcher="random", n_trials=5, seed=0, task=Bowl())
    first = explorer.data["trials"]
    assert len(first) == 5 and explorer.n_draws == 1
    explorer.n_trials.value = 12
    assert len(explorer.data["trials"]) == 12 and explorer.data["trials"][:5] == first  # same run, more of it
    runs = dict(explorer._runs)
    explorer.n_trials.value = 7  # fewer trials: the first 7 of the cached run, no new search
    assert explorer.data["trials"] == runs["random", 0][1][:7] and explorer._runs == runs
    explorer.seed.value = 1
    assert explorer.data["trials"][0] != first[0]
    png = explorer.png
    explorer.searcher.value = "grid"
    assert explorer.png != png and explorer.n_draws == 5
    values = {(round(t["C"], 6), round(t["gamma"], 9)) for t in explorer.data["trials"]}
    assert len(values) == 7  # 7 distinct points of the 6 x 6 grid
    draws = explorer.n_draws
    explorer.seed.value = 1  # unchanged value: nothing to redraw
    assert explorer.n_draws == draws
    assert "best after 7 trials" in explorer.text.value


def test_more_trials_continue_the_run_as_a_longer_run_would_and_each_config_is_evaluated_once():
    class Counting(Bowl):
        calls = 0

        def __call__(self, config):
            Counting.calls += 1
            return super().__call__(config)

    task = Counting()
    for searcher in ("BO (GP + EI)", "TPE", "grid"):
        explorer = CGammaExplorer(searcher=searcher, n_trials=5, seed=2, task=task, surface=np.ones((7, 6)))
        explorer.n_trials.value = 9  # continued: 4 more asks of the same searcher
        assert explorer.data["trials"] == search_trials(Bowl(), searcher, 9, seed=2)
    explorer = CGammaExplorer(searcher="grid", n_trials=36, seed=0, task=task, surface=np.ones((7, 6)))
    before = Counting.calls
    explorer.seed.value = 1  # the same 36 grid points in another order: no new evaluation
    assert Counting.calls == before and len(explorer.data["trials"]) == 36
    explorer.searcher.value = "random"
    assert Counting.calls == before + 36
