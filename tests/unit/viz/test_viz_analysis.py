"""hpo_mini/viz/analysis.py: each figure draws the numbers it is given (bar widths, curve data, the shaded
hypervolume's area) and refuses input it cannot draw."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini import Categorical, Float, Space
from hpo_mini.evaluation.importance import fit_surrogate, hyperparameter_importance, partial_dependence
from hpo_mini.evaluation.pareto import hypervolume_2d
from hpo_mini.runner import optimize
from hpo_mini.searchers import RandomSearch
from hpo_mini.viz.analysis import hypervolume_polygon, plot_importance, plot_partial_dependence, plot_pareto_front
from hpo_mini.viz.explorer import figure_png

SPACE = Space({"lr": Float(1e-4, 1e-1, log=True), "x": Float(0.0, 1.0), "kernel": Categorical(["rbf", "poly"])})


def objective(c):
    return (math.log10(c["lr"]) + 2.5) ** 2 + 0.5 * c["x"] + (0.3 if c["kernel"] == "poly" else 0.0)


@pytest.fixture(scope="module")
def study():
    return optimize(objective, RandomSearch(SPACE, seed=0), n_trials=60, progress=False)


def by_gid(ax, gid):
    return [artist for artist in ax.get_children() if artist.get_gid() == gid]


def shoelace(vertices):
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def test_importance_bars_have_the_shares_as_widths(study):
    importance = hyperparameter_importance(study, SPACE, seed=0)
    fig = plot_importance(importance)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    widths = {label.get_text(): None for label in ax.get_yticklabels()}
    bars = [b for b in ax.patches if b.get_gid() == "importance"]
    names = list(importance.shares)[::-1]
    assert [b.get_width() for b in bars] == pytest.approx([importance.shares[n] for n in names])
    assert list(widths) == ["(interactions)"] + names
    assert figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_partial_dependence_panels_draw_the_curves(study):
    forest = fit_surrogate(study, SPACE, seed=0)
    curves = [partial_dependence(study, SPACE, name, forest=forest, grid_size=25) for name in SPACE.names]
    fig = plot_partial_dependence(curves, study)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    line = by_gid(axes[0], "partial_dependence")[0]
    assert np.allclose(line.get_xdata(), curves[0].values) and np.allclose(line.get_ydata(), curves[0].mean)
    assert axes[0].get_xscale() == "log" and axes[1].get_xscale() == "linear"
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["rbf", "poly"]
    with pytest.raises(ValueError, match="no partial-dependence"):
        plot_partial_dependence([])


def test_the_shaded_area_is_the_hypervolume():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        F = rng.random((int(rng.integers(1, 25)), 2)) * 1.1
        polygon = hypervolume_polygon(F, (1.0, 1.0))
        expected = hypervolume_2d(F, (1.0, 1.0))
        assert (shoelace(polygon) if len(polygon) else 0.0) == pytest.approx(expected, abs=1e-12)
    fig = plot_pareto_front(F, (1.0, 1.0), names=("error", "size"))
    shaded = by_gid(fig.axes[0], "hypervolume")[0]
    assert shoelace(shaded.get_xy()) == pytest.approx(hypervolume_2d(F, (1.0, 1.0)))
    assert f"{hypervolume_2d(F, (1.0, 1.0)):.4g}" in fig.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="shape"):
        plot_pareto_front(np.ones((3, 3)), (2, 2))
