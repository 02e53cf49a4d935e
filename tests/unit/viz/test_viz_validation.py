"""hpo_mini/viz/validation.py without a browser: split matrices and their figure, the optimism figure, and the
optimism explorer redrawing when a control moves."""

import html
import io
import warnings

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.image import imread
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

from hpo_mini.evaluation.validation import expected_max_normal
from hpo_mini.viz.validation import (
    OPTIMISM_N_GRID,
    TEST,
    TRAIN,
    UNUSED,
    _ROLE_COLORS,
    optimism_data,
    optimism_explorer,
    optimism_figure,
    optimism_summary,
    plot_cv_splits,
    plot_optimism,
    split_matrix,
    validation_noise,
)

N = 40
X = np.zeros((N, 2))
Y = np.repeat([0, 1, 2], [20, 12, 8])
GROUPS = np.repeat(np.arange(8), 5)


# ---- split_matrix ------------------------------------------------------------------------------

def test_kfold_tests_every_sample_exactly_once():
    roles = split_matrix(KFold(4).split(X), N)
    assert roles.shape == (4, N)
    assert np.all((roles == TEST).sum(axis=0) == 1)
    assert np.all((roles == TRAIN).sum(axis=0) == 3)
    assert not np.any(roles == UNUSED)


def test_time_series_split_with_a_gap_leaves_gap_samples_out_and_never_trains_on_the_future():
    gap = 3
    roles = split_matrix(TimeSeriesSplit(4, gap=gap).split(X), N)
    for row in roles:
        train, test = np.flatnonzero(row == TRAIN), np.flatnonzero(row == TEST)
        assert train.max() < test.min()
        assert test.min() - train.max() - 1 == gap  # exactly `gap` unused samples in between
        assert np.all(row[test.max() + 1:] == UNUSED)  # nothing after the test block is used


def test_group_kfold_keeps_each_group_on_one_side():
    roles = split_matrix(GroupKFold(4).split(X, Y, GROUPS), N)
    for row in roles:
        for g in np.unique(GROUPS):
            assert len(set(row[GROUPS == g])) == 1


def test_a_sample_in_train_and_test_is_reported_as_a_leak():
    with pytest.raises(ValueError, match=r"fold 1: samples \[2\] are in both train and test"):
        split_matrix([([0, 1], [2, 3]), ([0, 2], [2, 3])], 4)
    with pytest.raises(ValueError, match="must lie in"):
        split_matrix([([0, 9], [2])], 4)
    with pytest.raises(ValueError, match="no splits"):
        split_matrix([], 4)


# ---- plot_cv_splits ----------------------------------------------------------------------------

def test_the_figure_shows_the_split_matrix_and_the_class_and_group_rows():
    splitter = StratifiedKFold(4)
    fig = plot_cv_splits(splitter, X, Y, GROUPS)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["fold 1", "fold 2", "fold 3", "fold 4", "class", "group"]
    image = np.asarray(ax.images[0].get_array())
    assert image.shape == (6, N, 3)
    roles = split_matrix(splitter.split(X, Y), N)
    for role in (TRAIN, TEST):
        expected = np.tile(to_rgb(_ROLE_COLORS[role]), ((roles == role).sum(), 1))
        np.testing.assert_allclose(image[:4][roles == role], expected)
    # the class row changes colour exactly where the class changes
    assert np.count_nonzero(np.any(np.diff(image[4], axis=0) != 0, axis=1)) == 2
    assert "StratifiedKFold" in ax.get_title(loc="left")


def test_a_dict_gives_one_panel_per_splitter_and_lists_of_splits_work():
    splits = list(KFold(3).split(X))
    fig = plot_cv_splits({"k-fold": KFold(5), "given": splits, "time": TimeSeriesSplit(3, gap=2)}, X)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["k-fold", "given", "time"]
    assert [len(ax.get_yticklabels()) for ax in fig.axes] == [5, 3, 3]


def test_a_generator_of_splits_is_drawn_and_titled_by_its_length():
    fig = plot_cv_splits(KFold(4).split(X), X)
    assert fig.axes[0].get_title(loc="left") == "4 given splits"


def test_groups_under_splitters_that_ignore_them_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_cv_splits({"kfold": KFold(4), "group": GroupKFold(4)}, X, Y, GROUPS)


def test_labels_of_the_wrong_length_are_rejected():
    with pytest.raises(ValueError, match="class has 3 entries but X has 40 samples"):
        plot_cv_splits(KFold(3), X, y=[0, 1, 0])


# ---- optimism ----------------------------------------------------------------------------------

def test_validation_noise_is_the_binomial_standard_deviation():
    assert validation_noise(1000) == pytest.approx(np.sqrt(0.8 * 0.2 / 1000))
    assert validation_noise(100, 0.5) == pytest.approx(0.05)


def test_optimism_data_covers_the_grid_and_the_chosen_n():
    curve = optimism_data(n_trials=7, n_val=1000, true_spread=0.01, seed=0)
    assert 7 in curve.n_configs.tolist()
    assert set(OPTIMISM_N_GRID) <= set(curve.n_configs.tolist())
    with pytest.raises(ValueError, match="positive integer"):
        optimism_data(n_trials=0)


def test_optimism_grows_with_trials_and_shrinks_with_validation_size():
    small, large = optimism_data(100, 100, 0.01, 0), optimism_data(100, 10000, 0.01, 0)
    at_100 = lambda c: c.optimism[list(c.n_configs).index(100)]  # noqa: E731
    assert at_100(small) > 3 * at_100(large)
    assert at_100(small) > small.optimism[list(small.n_configs).index(10)]


def test_plot_optimism_draws_the_threshold_and_the_order_statistic_reference():
    curve = optimism_data(100, 500, 0.0, 1)
    noise = validation_noise(500)
    fig = plot_optimism(curve, noise=noise, highlight=100)
    left, right = fig.axes
    assert left.get_xscale() == "log" and right.get_xscale() == "log"
    lines = {line.get_label(): line for line in left.get_lines()}
    reference = next(line for label, line in lines.items() if label.startswith("identical configs"))
    expected = [100 * noise * expected_max_normal(int(n)) for n in curve.n_configs]
    np.testing.assert_allclose(reference.get_ydata(), expected)
    threshold = next(line for label, line in lines.items() if "gap rule" in label)
    assert np.allclose(threshold.get_ydata(), 100 * curve.gap_threshold)
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), curve.p_gap_over)
    # with identical configs and a binomial score, the simulated optimism sits on the reference
    np.testing.assert_allclose(100 * curve.optimism, expected, atol=0.35)


def test_optimism_figure_is_a_figure_that_depends_on_its_arguments():
    a, b = optimism_figure(100, 1000, 0.01, 0), optimism_figure(100, 200, 0.01, 0)
    assert isinstance(a, Figure)
    ya, yb = a.axes[0].get_lines()[0].get_ydata(), b.axes[0].get_lines()[0].get_ydata()
    assert not np.allclose(ya, yb)


def test_summary_quotes_the_curve():
    curve = optimism_data(30, 1000, 0.01, 0)
    i = list(curve.n_configs).index(30)
    text = optimism_summary(curve, 30, 1000)
    assert f"expected optimism {100 * curve.optimism[i]:.2f}" in text
    assert f"= {curve.p_gap_over[i]:.2f}" in text and "best of 30 on 1000" in text


# ---- the widget --------------------------------------------------------------------------------

def test_explorer_redraws_when_each_control_moves():
    explorer = optimism_explorer(n_trials=10, n_val=1000, true_spread=0.01)
    assert explorer.controls == (explorer.n_trials, explorer.n_val, explorer.true_spread)
    assert explorer.n_draws == 1 and explorer.png.startswith(b"\x89PNG")
    seen = [explorer.summary]
    for control, value in ((explorer.n_trials, 500), (explorer.n_val, 100), (explorer.true_spread, 0.04)):
        before = (explorer.n_draws, explorer.curve, explorer.png)
        control.value = value
        assert explorer.n_draws == before[0] + 1 and explorer.png != before[2]
        # n trials only moves the mark on a curve simulated over the whole grid; the others simulate anew
        assert (explorer.curve is before[1]) == (control is explorer.n_trials)
        seen.append(explorer.summary)
    assert len(set(seen)) == 4
    # the widget shows what the plain functions compute
    reference = optimism_data(500, 100, 0.04, 0)
    np.testing.assert_array_equal(explorer.curve.optimism, reference.optimism)
    assert explorer.summary == optimism_summary(reference, 500, 100)


def test_explorer_shows_a_setting_seen_before_without_simulating_again():
    explorer = optimism_explorer(n_trials=10, n_val=1000, true_spread=0.01)
    first_curve, first_png = explorer.curve, explorer.png
    explorer.n_val.value = 200
    explorer.n_val.value = 1000
    assert explorer.curve is first_curve and explorer.png == first_png and explorer.n_draws == 3
    assert explorer.text.value == f"<pre>{html.escape(explorer.summary)}</pre>"  # the summary line above the picture
    assert not explorer.n_trials.continuous_update  # a drag redraws once, when released


def test_explorer_more_trials_means_more_optimism():
    explorer = optimism_explorer(n_trials=1, n_val=500)
    first = float(explorer.summary.split("expected optimism ")[1].split(" ")[0])
    explorer.n_trials.value = 1000
    last = float(explorer.summary.split("expected optimism ")[1].split(" ")[0])
    assert first < 0.5 < 3.0 < last


# ---- nested searches and in-place updates (issue 22) --------------------------------------------

def test_nested_searches_estimate_what_independent_searches_estimate():
    from hpo_mini.evaluation.validation import validation_overfitting
    from hpo_mini.viz.validation import nested_validation_overfitting
    grid = [1, 10, 100, 1000]
    for n_val, spread in ((100, 0.01), (2000, 0.03)):
        nested = nested_validation_overfitting(grid, n_val=n_val, true_spread=spread, n_repeats=1000, seed=1)
        independent = validation_overfitting(grid, n_val=n_val, true_spread=spread, n_repeats=1000, seed=2)
        se = np.hypot(nested.optimism_se, independent.optimism_se)
        assert np.all(np.abs(nested.optimism - independent.optimism) < 4 * se)
        assert np.all(np.abs(nested.p_gap_over - independent.p_gap_over) < 0.06)
        # the regret of choosing the best of n: same order of magnitude, zero for n = 1
        assert nested.regret[0] == 0 and np.allclose(nested.regret[1:], independent.regret[1:], rtol=0.25, atol=1e-3)


def test_nested_searches_with_identical_configs_sit_on_the_order_statistic_reference():
    from hpo_mini.viz.validation import nested_validation_overfitting
    grid = [2, 5, 20, 100, 1000]
    curve = nested_validation_overfitting(grid, n_val=2000, true_spread=0.0, n_repeats=1000, seed=0)
    reference = np.array([validation_noise(2000) * expected_max_normal(n) for n in grid])
    # within 4 standard errors, plus the binomial's lattice (1 / n_val) and skew
    assert np.all(np.abs(curve.optimism - reference) < 4 * curve.optimism_se + 1 / 2000)
    with pytest.raises(ValueError, match="n_configs must be >= 1"):
        nested_validation_overfitting([0, 3])


def test_a_new_validation_size_updates_the_frame_in_place_as_a_new_frame_would_draw_it():
    from hpo_mini.viz.validation import _frame
    explorer = optimism_explorer(n_trials=100, n_val=1000, true_spread=0.01)
    in_place = []
    for n_val, spread in ((50, 0.01), (10000, 0.05), (200, 0.0), (100, 0.02), (5000, 0.01)):
        previous = explorer.figure
        explorer.n_val.value, explorer.true_spread.value = n_val, spread
        figure = explorer.figure
        in_place.append(figure is previous)  # the same artists, new data (a new figure if a label grew)
        fresh = _frame(explorer.curve, n_val, spread)
        for shown, new in zip(figure.axes, fresh.axes):
            assert shown.get_title() == new.get_title()
            np.testing.assert_allclose(shown.get_ylim(), new.get_ylim())
            np.testing.assert_allclose(shown.get_xlim(), new.get_xlim())
            for a, b in zip(shown.get_lines(), new.get_lines()):  # the mark comes after the frame's lines
                np.testing.assert_allclose(a.get_xydata(), b.get_xydata())
            for a, b in zip(shown.collections, new.collections):
                np.testing.assert_allclose(a.get_paths()[0].vertices, b.get_paths()[0].vertices)
        shown = imread(io.BytesIO(explorer.png))
        figure.canvas.draw()  # the picture shown is the updated figure, drawn whole
        full = np.asarray(figure.canvas.buffer_rgba()) / 255.0
        assert np.mean(np.abs(shown - full).max(axis=2) > 0.02) < 0.002
    assert sum(in_place) >= 3, in_place
    np.testing.assert_array_equal(explorer.curve.optimism, optimism_data(100, 5000, 0.01, 0).optimism)


def test_the_kept_normals_of_a_seed_give_the_numbers_of_a_fresh_generator():
    from hpo_mini.viz.validation import nested_validation_overfitting
    grid = [1, 10, 100]
    for spread, n_val in ((0.01, 200), (0.03, 5000), (0.01, 200)):  # the last: the kept normals again
        kept = nested_validation_overfitting(grid, n_val=n_val, true_spread=spread, n_repeats=300, seed=4)
        fresh = nested_validation_overfitting(grid, n_val=n_val, true_spread=spread, n_repeats=300,
                                              seed=np.random.default_rng(4))  # a Generator: drawn anew
        for field in ("optimism", "optimism_se", "regret", "p_gap_over"):
            assert np.array_equal(getattr(kept, field), getattr(fresh, field)), field
