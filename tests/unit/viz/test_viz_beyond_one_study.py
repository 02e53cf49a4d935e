"""Lesson 12 figures and widget without a browser: the CMA-ES run data and ellipse (checked against Monte
Carlo samples of the distribution), the generation stepper (its button advances a generation, its controls
rerun CMA-ES), and the drift and winner's-curse figures."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini.evaluation.drift_and_ab import winners_curse
from hpo_mini.tasks.test_functions import branin
from hpo_mini.viz.beyond_one_study import (cmaes_explorer, cmaes_run_data, ellipse_points, plot_cmaes_generation,
                                           plot_drift, plot_winners_curse)


@pytest.fixture(scope="module")
def run():
    return cmaes_run_data(branin(), n_generations=8, seed=0)


def test_run_data_records_every_generation_and_the_best_never_gets_worse(run):
    assert len(run["generations"]) == 8 and run["background"].shape == (60, 60)
    assert np.all(np.diff(run["best"]) <= 0) and run["best"][-1] >= run["minimum"] - 1e-9
    assert run["best"][-1] < run["best"][0]
    assert run["sigma"][0] == 0.2 and np.all(run["condition"] >= 1 - 1e-9)
    for g in run["generations"]:
        assert g["points"].shape == (6, 2) and np.all((g["points"] >= 0) & (g["points"] <= 1))
    with pytest.raises(ValueError, match="2-D"):
        cmaes_run_data(objective=type("F", (), {"space": {"a": 1, "b": 2, "c": 3}})(), n_generations=1)


def test_ellipse_holds_the_share_of_samples_the_normal_distribution_puts_inside():
    mean, sigma, C = np.array([0.4, 0.6]), 0.1, np.array([[2.0, 0.8], [0.8, 0.5]])
    e = ellipse_points(mean, sigma, C, radius=2.0, n=400)
    inv = np.linalg.inv(sigma**2 * C)
    radii = np.sqrt(np.einsum("ij,jk,ik->i", e - mean, inv, e - mean))
    assert np.allclose(radii, 2.0)  # every point of the contour is at Mahalanobis distance 2
    rng = np.random.default_rng(0)
    samples = rng.multivariate_normal(mean, sigma**2 * C, size=20000)
    inside = np.sqrt(np.einsum("ij,jk,ik->i", samples - mean, inv, samples - mean)) < 2.0
    assert abs(inside.mean() - (1 - np.exp(-2.0))) < 0.01  # chi-square with 2 degrees of freedom


def test_plot_checks_the_generation(run):
    assert isinstance(plot_cmaes_generation(run, 7), Figure)
    with pytest.raises(ValueError, match="generation must be in"):
        plot_cmaes_generation(run, 8)


def test_stepper_button_advances_one_generation_and_stops_at_the_last():
    explorer = cmaes_explorer(branin(), n_generations=3, generation=1, seed=1)
    assert explorer.generation.value == 1 and explorer.n_draws == 1
    png = explorer.png
    explorer.next_button.click()
    assert explorer.generation.value == 2 and explorer.n_draws == 2 and explorer.png != png
    explorer.next_button.click()  # at the last generation it stays (and does not redraw)
    assert explorer.generation.value == 2 and explorer.n_draws == 2


def test_stepper_controls_rerun_cmaes():
    explorer = cmaes_explorer(branin(), n_generations=3, seed=1)
    first = explorer.data
    explorer.sigma0.value = 0.05
    assert explorer.data is not first and explorer.data["sigma"][0] == 0.05
    explorer.population.value = 10
    assert explorer.data["generations"][0]["points"].shape == (10, 2)
    explorer.active.value = False
    assert explorer.data["settings"]["active"] is False


def test_a_new_run_updates_the_frame_in_place_as_a_new_frame_would_draw_it():
    import io

    from matplotlib.image import imread

    from hpo_mini.viz.explorer import _canvas
    explorer = cmaes_explorer(branin(), n_generations=4, seed=1)
    explorer.generation.value = 2
    background = explorer.data["background"]
    for control, value in (("seed", 2), ("sigma0", 0.5), ("active", False)):
        before = explorer.figure
        getattr(explorer, control).value = value
        assert explorer.figure is before and explorer.data["background"] is background  # contours kept
        fresh = plot_cmaes_generation(explorer.data, 2)
        fresh.set_dpi(explorer.dpi)
        canvas = _canvas(fresh)
        canvas.draw()
        shown = imread(io.BytesIO(explorer.png))
        assert np.mean(np.abs(shown - np.asarray(canvas.buffer_rgba()) / 255.0).max(axis=2) > 0.02) < 0.002
    assert "seed 2" in explorer.figure.get_suptitle() and "classic" in explorer.figure.get_suptitle()


def test_drift_and_winners_curse_figures():
    fig = plot_drift([1, 2, 3], {"stale": [0.9, 0.8, 0.7]}, [[0.5, 0.4], [0.01, 0.3], [1e-9, 0.2]])
    ax, ax2 = fig.axes
    assert len(ax.lines) == 1 and len(ax2.lines) == 3  # two features and the Bonferroni line
    assert np.isclose(ax2.lines[-1].get_ydata()[0], 0.05 / 2)
    fig = plot_winners_curse(winners_curse(np.zeros(5), 0.01, n_repeats=200, seed=0))
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) > 0
