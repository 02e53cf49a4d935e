"""hpo_mini/viz/sampling.py and the Explorer base (viz/explorer.py) without a browser: the points, the
figures, and widgets that redraw when a control moves, and only then."""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

from hpo_mini import optimize
from hpo_mini.tasks.test_functions import branin
from hpo_mini.searchers import RandomSearch
from hpo_mini.viz.sampling import METHODS, coverage_points, largest_grid_side, n_distinct, plot_best_so_far, plot_coverage, plot_grid_explosion, plot_hit_probability, plot_log_scale
from hpo_mini.viz.evolution import generation_explorer
from hpo_mini.viz.explorer import Explorer, figure_png
from hpo_mini.viz.sampling import coverage_data, coverage_explorer, coverage_figure
from hpo_mini.viz.validation import optimism_explorer


# ---- coverage_points ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n, d", [(9, 2), (16, 3), (30, 5)])
def test_coverage_points_shape_and_range(method, n, d):
    X = coverage_points(method, n, d, seed=1)
    expected_rows = largest_grid_side(n, d) ** d if method == "grid" else n
    assert X.shape == (expected_rows, d)
    assert X.min() >= 0.0 and X.max() <= 1.0


@pytest.mark.parametrize("n, d, k", [(9, 2, 3), (10, 2, 3), (8, 3, 2), (26, 3, 2), (27, 3, 3), (64, 3, 4),
                                     (124, 3, 4), (125, 3, 5), (1, 4, 1), (15, 4, 1), (16, 4, 2)])
def test_largest_grid_side_is_floor_of_the_dth_root(n, d, k):
    # 64 ** (1/3) is 3.9999999999999996 in floating point: the side must still be 4.
    assert largest_grid_side(n, d) == k
    assert k**d <= n < (k + 1) ** d


def test_grid_of_9_in_2d_tries_3_distinct_x0_values_and_random_tries_9():
    grid = coverage_points("grid", 9, 2)
    assert n_distinct(grid[:, 0]) == 3 and n_distinct(grid[:, 1]) == 3
    assert sorted(set(np.round(grid[:, 0], 12))) == [0.0, 0.5, 1.0]
    for method in ("random", "sobol", "lhs"):
        assert n_distinct(coverage_points(method, 9, 2, seed=0)[:, 0]) == 9


def test_grid_in_3d_projects_27_points_onto_9_distinct_pairs():
    grid = coverage_points("grid", 27, 3)
    assert len({tuple(row) for row in np.round(grid[:, :2], 9)}) == 9


def test_lhs_puts_one_point_in_each_of_n_slices_of_every_axis():
    n = 12
    X = coverage_points("lhs", n, 3, seed=4)
    for j in range(3):
        assert sorted(np.floor(X[:, j] * n).astype(int)) == list(range(n))


def test_sobol_with_a_power_of_two_is_stratified_on_every_axis():
    n = 16
    X = coverage_points("sobol", n, 4, seed=2)
    for j in range(4):
        assert sorted(np.floor(X[:, j] * n).astype(int)) == list(range(n))


def test_random_points_are_not_stratified_in_general():
    # The contrast to the two tests above: i.i.d. points leave some of the 16 slices empty.
    X = coverage_points("random", 16, 4, seed=2)
    assert any(len(set(np.floor(X[:, j] * 16).astype(int))) < 16 for j in range(4))


def test_seed_reproduces_random_designs_and_grid_ignores_it():
    for method in ("random", "sobol", "lhs"):
        assert np.array_equal(coverage_points(method, 10, 3, seed=5), coverage_points(method, 10, 3, seed=5))
        assert not np.array_equal(coverage_points(method, 10, 3, seed=5), coverage_points(method, 10, 3, seed=6))
    assert np.array_equal(coverage_points("grid", 10, 3, seed=5), coverage_points("grid", 10, 3, seed=6))


@pytest.mark.parametrize("args, message", [(("hexagonal", 9, 2), "method must be one of"),
                                           (("random", 0, 2), "positive integer"),
                                           (("random", 2.5, 2), "positive integer")])
def test_coverage_points_rejects_bad_input_with_a_clear_message(args, message):
    with pytest.raises(ValueError, match=message):
        coverage_points(*args)


def test_n_distinct():
    assert n_distinct([]) == 0
    assert n_distinct([0.5, 0.5 + 1e-12, 0.25, 1.0]) == 3


# ---- figures -----------------------------------------------------------------------------------

def test_plot_coverage_has_two_axes_per_method_and_counts_in_titles():
    points = {m: coverage_points(m, 9, 2, seed=0) for m in ("grid", "random")}
    fig = plot_coverage(points, highlight=(0.3, 0.45))
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert "grid: 3 distinct x0 values of 9 trials" in titles
    assert "random: 9 distinct x0 values of 9 trials" in titles


def test_plot_coverage_important_axis_and_errors():
    fig = plot_coverage({"grid": coverage_points("grid", 27, 3)}, important=2)
    assert "3 distinct x2 values of 27 trials" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="empty"):
        plot_coverage({})
    with pytest.raises(ValueError, match="important"):
        plot_coverage({"grid": coverage_points("grid", 9, 2)}, important=2)


def test_plot_best_so_far_draws_each_study_and_a_band_for_lists():
    f = branin()
    one = optimize(f, RandomSearch(f.space, seed=0), n_trials=15, progress=False)
    many = [optimize(f, RandomSearch(f.space, seed=s), n_trials=15, progress=False) for s in range(4)]
    fig = plot_best_so_far({"one seed": one, "four seeds": many}, log=True)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 1  # one band, for the list
    np.testing.assert_allclose(ax.lines[0].get_ydata(), one.best_values())
    median = np.median([s.best_values() for s in many], axis=0)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), median)


def test_plot_grid_explosion_bar_heights_are_k_to_the_d():
    fig = plot_grid_explosion(values_per_dim=(3, 10), d_max=4)
    heights = sorted(p.get_height() for p in fig.axes[0].patches)
    assert heights == sorted([3.0**d for d in range(1, 5)] + [10.0**d for d in range(1, 5)])


def test_plot_log_scale_one_row_per_sample_and_counts_add_up():
    rng = np.random.default_rng(0)
    samples = {"uniform": rng.uniform(1e-5, 1e-1, 500), "log-uniform": 10 ** rng.uniform(-5, -1, 500)}
    fig = plot_log_scale(samples, 1e-5, 1e-1)
    assert len(fig.axes) == 2
    assert sum(p.get_height() for p in fig.axes[0].patches) == 500


def test_plot_hit_probability_curves_and_simulated_points():
    fig = plot_hit_probability(n_max=100, qs=(0.05,), simulated={0.05: {10: 0.4, 60: 0.95}})
    line, dots = fig.axes[0].lines[:2]
    assert line.get_ydata()[59] == pytest.approx(1 - 0.95**60)  # n = 60 -> 0.954
    assert list(dots.get_xdata()) == [10, 60]


# ---- the widget, without a browser -------------------------------------------------------------

def test_coverage_figure_is_a_plain_function():
    assert len(coverage_figure("all", 16, 2, 0).axes) == 2 * len(METHODS)
    assert len(coverage_figure("random", 16, 2, 0).axes) == 2
    assert set(coverage_data("all", 8, 3, 0)) == set(METHODS)


@pytest.mark.parametrize("control, new_value", [("method", "random"), ("n", 25), ("d", 3), ("seed", 7)])
def test_moving_each_control_redraws_the_figure(control, new_value):
    explorer = coverage_explorer(method="all", n=16, d=2, seed=0)
    before_data, before_png, draws = explorer.data, explorer.png, explorer.n_draws
    getattr(explorer, control).value = new_value
    assert explorer.n_draws == draws + 1
    assert explorer.png != before_png
    changed = set(before_data) != set(explorer.data) or any(
        before_data[m].shape != explorer.data[m].shape or not np.array_equal(before_data[m], explorer.data[m])
        for m in explorer.data
    )
    assert changed
    # The explorer draws exactly what the plain function computes for the controls' values.
    expected = coverage_data(explorer.method.value, explorer.n.value, explorer.d.value, explorer.seed.value)
    for m in expected:
        np.testing.assert_array_equal(explorer.data[m], expected[m])


def test_explorer_exposes_its_controls_and_disables_seed_for_the_grid():
    explorer = coverage_explorer(method="grid", n=16)
    assert [c.description for c in explorer.controls] == ["method", "n trials", "dimension d", "seed"]
    assert explorer.seed.disabled
    assert explorer.data["grid"].shape == (16, 2)
    explorer.method.value = "sobol"
    assert not explorer.seed.disabled
    assert explorer.image in explorer.children and explorer.image.value == explorer.png


def test_a_disabled_control_redraws_nothing_and_a_setting_seen_before_comes_back_at_once():
    explorer = coverage_explorer(method="grid", n=16)
    png, draws = explorer.png, explorer.n_draws
    explorer.seed.value = 9  # disabled for the grid: the picture cannot change
    assert explorer.n_draws == draws and explorer.png is png
    explorer.method.value = "random"  # a new picture; the seed now matters
    assert explorer.n_draws == draws + 1 and explorer.png != png
    explorer.method.value = "grid"  # back: the same picture, from the cache
    assert explorer.n_draws == draws + 2 and explorer.png is png


# ---- the Explorer base -------------------------------------------------------------------------

class _LabelExplorer(Explorer):
    """A line whose y label the slider sets: a long label needs a wider left margin."""

    def __init__(self):
        self.label = widgets.SelectionSlider(options=("y", "a much longer label for the y axis", "y2"), value="y")
        self._setup([self.label], [self.label])

    def key(self):
        return (self.label.value,)

    def compute(self, key):
        return key[0]

    def draw(self, data):
        fig = Figure(figsize=(4, 3), layout="constrained")
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_ylabel(data)
        return fig


def test_explorer_reuses_the_layout_until_a_text_grows():
    explorer = _LabelExplorer()
    assert explorer.png.startswith(b"\x89PNG") and not explorer.label.continuous_update
    short = explorer.figure.axes[0].get_position().x0
    explorer.label.value = "a much longer label for the y axis"  # grew: the layout is solved again
    long = explorer.figure.axes[0].get_position().x0
    assert long > short
    explorer.label.value = "y2"  # shorter than the layout's texts: the layout is reused
    assert explorer.figure.axes[0].get_position().x0 == pytest.approx(long)


def test_figure_png_draws_a_figure_at_the_given_dpi():
    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([0, 1])
    png = figure_png(fig, dpi=50)
    assert png.startswith(b"\x89PNG") and imread(io.BytesIO(png)).shape == (50, 100, 4)


@pytest.mark.parametrize("make, control, value", [
    (lambda: coverage_explorer(method="all", n=16), "n", 40),
    (lambda: coverage_explorer(method="random", n=16), "seed", 3),
    (lambda: generation_explorer(population=6, n_generations=4, seed=1), "generation", 2),
    (lambda: optimism_explorer(n_trials=10), "n_trials", 300),
])
def test_a_moving_part_drawn_on_the_frame_is_the_picture_a_full_draw_gives(make, control, value):
    explorer = make()
    frame = explorer.figure
    getattr(explorer, control).value = value
    assert explorer.figure is frame  # the still part was not drawn again...
    shown = imread(io.BytesIO(explorer.png))
    explorer.figure.canvas.draw()  # ...and drawing the whole figure now gives the same picture
    full = np.asarray(explorer.figure.canvas.buffer_rgba()) / 255.0
    assert shown.shape == full.shape
    # only where a moving artist crosses a still one of higher zorder (a spine) may a pixel differ
    assert np.mean(np.abs(shown - full).max(axis=2) > 0.02) < 0.002


class _SlopeExplorer(Explorer):
    """A line y = a x drawn whole; update_frame sets its data in place unless `refuse` is set."""

    def __init__(self):
        self.slope = widgets.SelectionSlider(options=(1, 2, 3, 1000000), value=1)
        self.refuse, self.updates = False, 0
        self._setup([self.slope], [self.slope])

    def key(self):
        return (self.slope.value,)

    def compute(self, key):
        return key[0]

    def draw(self, data):
        fig = Figure(figsize=(4, 3), layout="constrained")
        ax = fig.subplots()
        ax.plot([0, 1], [0, data])
        ax.set_title(f"slope {data}")
        return fig

    def update_frame(self, figure, data):
        if self.refuse:
            return False
        ax = figure.axes[0]
        ax.lines[0].set_ydata([0, data])
        ax.set_title(f"slope {data}")
        ax.relim()
        ax.autoscale_view()
        self.updates += 1
        return True


def test_update_frame_changes_the_figure_in_place_and_shows_what_a_new_figure_shows():
    explorer = _SlopeExplorer()
    figure = explorer.figure
    explorer.slope.value = 2
    assert explorer.figure is figure and explorer.updates == 1 and explorer.n_draws == 2
    shown = imread(io.BytesIO(explorer.png))
    fresh = imread(io.BytesIO(figure_png(explorer.draw(2))))
    assert shown.shape == fresh.shape
    assert figure.axes[0].get_ylim() == explorer.draw(2).axes[0].get_ylim()
    assert figure.axes[0].get_title() == "slope 2"
    explorer.slope.value = 1  # seen before: from the cache, no update
    assert explorer.updates == 1 and explorer.n_draws == 3
    explorer.refuse = True  # update_frame cannot: a new figure
    explorer.slope.value = 3
    assert explorer.figure is not figure and explorer.figure.axes[0].get_title() == "slope 3"


def test_update_frame_solves_the_layout_again_on_the_same_figure_when_a_tick_label_grows():
    explorer = _SlopeExplorer()
    explorer.slope.value = 2
    figure = explorer.figure
    (layouts,) = explorer._layouts.values()
    assert len(layouts) == 1
    explorer.slope.value = 1000000  # the offset text 1e6 appears: the layout is solved again, on this figure
    assert explorer.updates == 2 and explorer.figure is figure
    assert [len(solved) for solved in explorer._layouts.values()] == [2]
    assert figure.axes[0].get_title() == "slope 1000000"
    fresh = explorer.draw(1000000)
    figure_png(fresh)  # drawn, and so laid out, for the new text
    assert figure.axes[0].get_position().bounds == pytest.approx(fresh.axes[0].get_position().bounds)


def test_every_explorer_canvas_shares_one_mathtext_parser():
    from hpo_mini.viz.explorer import _MATHTEXT, _canvas
    figures = [Figure(figsize=(2, 1)) for _ in range(2)]
    for fig in figures:
        fig.subplots().set_xscale("log")
    canvases = [_canvas(fig) for fig in figures]
    assert all(c.get_renderer().mathtext_parser is _MATHTEXT for c in canvases)
    canvases[0].draw()
    before = type(_MATHTEXT)._parse_cached.cache_info()
    canvases[1].draw()  # the same 10^k labels: parsed once, for the first figure
    after = type(_MATHTEXT)._parse_cached.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


# ---- in-place updates of the explorers' figures (issue 22) ------------------------------------------

def _shown_and_fresh(explorer):
    """(the picture on screen, a new figure of the same data drawn whole at the same axes positions)."""
    from hpo_mini.viz.explorer import _canvas
    fresh = explorer.draw(explorer.data)
    fresh.set_dpi(explorer.dpi)
    fresh.set_layout_engine("none")
    for ax, shown in zip(fresh.axes, explorer.figure.axes):
        ax.set_position(shown.get_position())
    if fresh.get_suptitle():  # where the layout put it
        fresh._suptitle.set_y(explorer.figure._suptitle.get_position()[1])
    canvas = _canvas(fresh)
    canvas.draw()
    return imread(io.BytesIO(explorer.png)), np.asarray(canvas.buffer_rgba()) / 255.0


def _make(name):
    from hpo_mini.viz.bo import acquisition_explorer
    from hpo_mini.viz.debugging import clipping_explorer
    from hpo_mini.viz.evolution import pbt_explorer
    from hpo_mini.viz.multi_fidelity import bracket_planner
    from hpo_mini.viz.tpe import tpe_explorer
    from hpo_mini.viz.training import schedule_explorer
    return {"acquisition": lambda: acquisition_explorer(step=2, acquisition="ei", xi=0.0, seed=1, max_steps=3),
            "bracket": lambda: bracket_planner(max_budget=81, eta=3, min_budget=1),
            "pbt": lambda: pbt_explorer(population=6, ready_every=50, seed=0),
            "tpe": lambda: tpe_explorer(n_obs=20, gamma=0.25, seed=3),
            "schedule": lambda: schedule_explorer(schedule="one_cycle", lr=0.3, epochs=3),
            "clipping": lambda: clipping_explorer(lr=0.3, clip_norm=1.0, seed=0, epochs=2)}[name]()


@pytest.mark.parametrize("name, control, values", [
    ("acquisition", "kernel", ("rbf", "matern52")),
    ("acquisition", "acquisition", ("pi", "ucb")),
    ("acquisition", "seed", (2, 3)),
    ("bracket", "max_budget", (27, 9)),
    ("pbt", "seed", (1, 2)),
    ("tpe", "history", ("tpe", "random")),
    ("tpe", "seed", (5, 6)),
    ("schedule", "seed", (1, 2)),
    ("clipping", "seed", (1, 2)),
])
def test_an_explorer_drawing_on_its_figure_again_shows_what_a_new_figure_shows(name, control, values):
    explorer = _make(name)
    in_place = []
    for value in values:
        before = explorer.figure
        getattr(explorer, control).value = value
        in_place.append(explorer.figure is before)
        if in_place[-1]:  # (a new figure, after a text grew, has a new layout: nothing to compare with)
            shown, fresh = _shown_and_fresh(explorer)
            assert shown.shape == fresh.shape
            assert np.mean(np.abs(shown - fresh).max(axis=2) > 0.02) < 0.002
    assert any(in_place), in_place  # at least one change drew on the same figure


def test_a_new_ga_run_updates_the_frame_in_place_as_a_new_frame_would_draw_it():
    from hpo_mini.viz.evolution import plot_generation
    explorer = generation_explorer(population=10, n_generations=5, seed=0)
    explorer.generation.value = 3
    for control, value in (("seed", 1), ("population", 20), ("population", 4)):
        before = explorer.figure
        getattr(explorer, control).value = value
        assert explorer.figure is before  # the contours kept, the run's lines and colour bar updated
        fresh = plot_generation(explorer.data, 3)
        fresh.set_dpi(explorer.dpi)
        from hpo_mini.viz.explorer import _canvas
        canvas = _canvas(fresh)
        canvas.draw()
        full = np.asarray(canvas.buffer_rgba()) / 255.0
        shown = imread(io.BytesIO(explorer.png))
        assert np.mean(np.abs(shown - full).max(axis=2) > 0.02) < 0.002
        assert explorer.figure.axes[2]._colorbar.mappable.norm.vmax == value - 1 if control == "population" else True


def test_the_coverage_frame_is_laid_out_for_the_longest_titles_once():
    explorer = coverage_explorer(method="all", n=16)
    frame = explorer.figure
    for n in (256, 100, 4):  # the longest titles fit from the start: the frame is never drawn again
        explorer.n.value = n
        assert explorer.figure is frame
    title = frame.axes[0].title
    assert title.get_window_extent().width <= frame.axes[0].get_window_extent().width + 1
    explorer.method.value = "random"  # a new set of methods: a new frame, laid out once
    assert explorer.figure is not frame and "random" in explorer.figure.axes[0].get_title()
