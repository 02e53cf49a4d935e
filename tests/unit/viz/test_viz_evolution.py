"""Lesson 08 figures and widgets without a browser: the GA run data, the generation stepper (its button
advances a generation, its sliders rerun the GA) and the PBT view."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini.tasks.noisy_quadratic import noisy_quadratic
from hpo_mini.viz.evolution import (
    diversity,
    ga_run_data,
    generation_explorer,
    pbt_data,
    pbt_explorer,
    plot_generation,
    plot_pbt,
)


@pytest.fixture(scope="module")
def run():
    return ga_run_data(population=8, mutation_rate=0.5, elitism=1, n_generations=6, seed=0)


def test_ga_run_data_records_every_generation_and_the_best_never_gets_worse(run):
    assert len(run["generations"]) == 6 and run["background"].shape == (80, 80)
    assert np.all(np.diff(run["best"]) <= 0)
    assert run["best"][-1] >= run["minimum"] - 1e-9  # never below branin's known minimum
    assert np.isclose(run["background"].min(), run["minimum"], atol=0.05)  # the slice passes the argmin
    for g in run["generations"][1:]:
        assert g["points"].shape == (8, 2) and g["elite"].sum() == 1
        assert np.all(g["parents"] >= 0) and np.all(g["parents"] < 8)


def test_diversity_is_zero_for_a_collapsed_population_and_known_for_a_square():
    assert diversity(np.full((5, 2), 0.3)) == 0.0
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    assert np.isclose(diversity(corners), np.sqrt(0.5))


def test_plot_generation_returns_a_figure_and_checks_the_generation(run):
    assert isinstance(plot_generation(run, 0), Figure)
    with pytest.raises(ValueError, match="generation must be in"):
        plot_generation(run, 6)


def test_generation_stepper_button_advances_one_generation_and_stops_at_the_last():
    explorer = generation_explorer(population=6, n_generations=3, generation=1, seed=1)
    assert explorer.generation.value == 1 and explorer.n_draws == 1
    png = explorer.png
    explorer.next_button.click()  # what a click in the browser does
    assert explorer.generation.value == 2 and explorer.n_draws == 2 and explorer.png != png
    explorer.next_button.click()  # at the last generation it stays (and does not redraw)
    assert explorer.generation.value == 2 and explorer.n_draws == 2


def test_generation_stepper_sliders_rerun_the_ga():
    explorer = generation_explorer(population=6, n_generations=3, seed=1)
    first_run, png = explorer.data, explorer.png
    explorer.mutation_rate.value = 1.0
    assert explorer.data is not first_run and explorer.data["settings"]["mutation_rate"] == 1.0
    assert explorer.png != png
    explorer.population.value = 10
    assert explorer.data["generations"][0]["points"].shape == (10, 2)


def test_pbt_view_shows_the_schedule_and_redraws():
    data = pbt_data(noisy_quadratic(n_steps=300), population=6, ready_every=25, seed=0)
    assert isinstance(plot_pbt(data["pbt"], fixed=data["fixed"]), Figure)
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        data["pbt"].schedule("momentum")
    explorer = pbt_explorer(noisy_quadratic(n_steps=300), population=6, ready_every=25, seed=0)
    png = explorer.png
    explorer.seed.value = 1
    assert explorer.png != png and explorer.n_draws == 2
    assert explorer.data["pbt"].total_steps == explorer.data["fixed"].total_steps == 6 * 300


def test_the_pbt_explorer_runs_the_fixed_baseline_again_only_when_its_settings_change():
    # the no-exploit baseline never explores: toggling explore reuses it, and it is the run a new one gives
    task = noisy_quadratic(n_steps=200)
    explorer = pbt_explorer(task, population=6, ready_every=25, seed=0)
    fixed = explorer.data["fixed"]
    explorer.explore.value = "resample"
    assert explorer.data["fixed"] is fixed
    fresh = pbt_data(task, population=6, ready_every=25, explore="resample", seed=0)
    np.testing.assert_array_equal(explorer.data["fixed"].losses, fresh["fixed"].losses)
    np.testing.assert_array_equal(explorer.data["pbt"].losses, fresh["pbt"].losses)  # PBT itself ran again
    assert not np.array_equal(explorer.data["pbt"].losses, pbt_data(task, 6, 25, seed=0)["pbt"].losses)
    explorer.seed.value = 1  # another baseline
    assert explorer.data["fixed"] is not fixed
    np.testing.assert_array_equal(explorer.data["fixed"].losses,
                                  pbt_data(task, 6, 25, explore="resample", seed=1)["fixed"].losses)
    with pytest.raises(ValueError, match="baseline of the same settings"):
        pbt_data(task, population=8, ready_every=25, seed=1, fixed=explorer.data["fixed"])
