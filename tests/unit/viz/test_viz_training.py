"""hpo_mini/viz/training.py without a browser: the figures take data and return Figures; moving a control of an
explorer changes its data and its PNG."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini.tasks.schedules import one_cycle, range_test_lrs, smooth_losses, suggest_lr
from hpo_mini.tasks.training import train
from hpo_mini.viz.training import (plot_range_test, plot_runs, plot_schedules, range_test_explorer, schedule_config,
                                   schedule_explorer, schedule_runs)


def test_plot_schedules_draws_each_curve():
    t = np.arange(300)
    fig = plot_schedules({"one-cycle": one_cycle(t, max_lr=0.1, total_steps=300), "constant": np.full(300, 0.05)},
                         steps_per_epoch=30)
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_ydata(), one_cycle(t, max_lr=0.1, total_steps=300))
    assert lines[0].get_xdata()[-1] == pytest.approx(299 / 30)  # in epochs
    with pytest.raises(ValueError, match="curves is empty"):
        plot_schedules({})


def test_plot_runs_shows_lr_loss_and_accuracy_and_marks_divergence():
    good = train({"lr": 0.05, "epochs": 3}, seed=0)
    bad = train({"lr": 50.0, "epochs": 3}, seed=0)
    fig = plot_runs({"good": good, "bad": bad})
    ax_lr, ax_loss, ax_acc = fig.axes
    np.testing.assert_allclose(ax_lr.get_lines()[0].get_ydata(), good.lrs)
    np.testing.assert_allclose(ax_acc.get_lines()[0].get_ydata(), good.val_accuracy)
    assert any(line.get_marker() == "x" for line in ax_loss.get_lines())  # the divergence mark
    labels = [t.get_text() for t in ax_acc.get_legend().get_texts()]
    assert "bad (diverged)" in labels
    with pytest.raises(TypeError, match="TrainResult"):
        plot_runs({"x": [1, 2, 3]})


def test_plot_range_test_marks_the_suggestion_and_the_band():
    from hpo_mini.tasks.training import range_test

    result = range_test({"model": "mlp"}, seed=0)
    fig = plot_range_test(result, band=(0.01, 0.1))
    ax = fig.axes[0]
    vertical = [line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
    assert result.suggestion in vertical and result.min_loss_lr in vertical
    assert result.suggestion == pytest.approx(result.min_loss_lr / 10)
    assert len(ax.patches) == 1  # the band
    assert set(result.lrs).issubset(set(range_test_lrs(1e-4, 10.0, 100)))


def test_schedule_config_keeps_only_the_knobs_of_the_schedule():
    assert schedule_config("cosine", warmup_epochs=2)["warmup_epochs"] == 2
    assert "warmup_epochs" not in schedule_config("one_cycle")
    assert schedule_config("one_cycle", pct_start=0.4)["pct_start"] == 0.4
    runs = schedule_runs(schedule_config("one_cycle", epochs=2), seed=0)
    assert set(runs) == {"one_cycle", "constant"}
    np.testing.assert_allclose(runs["constant"].lrs, 0.1)


def test_schedule_explorer_redraws_when_a_knob_moves():
    explorer = schedule_explorer(schedule="cosine", lr=0.1, epochs=3, warmup_epochs=1.0, compare=False)
    assert explorer.n_draws == 1 and explorer.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.lr.__class__.__name__ == "SelectionSlider"  # the first slider changes the figure
    first_png, first_lrs = explorer.png, explorer.data["cosine"].lrs.copy()
    explorer.lr.value = 0.2
    assert explorer.n_draws == 2 and explorer.png != first_png
    np.testing.assert_allclose(explorer.data["cosine"].lrs, 2 * first_lrs)
    assert explorer.decay_epochs.disabled and not explorer.warmup_epochs.disabled
    explorer.warmup_epochs.value = 2.0
    assert explorer.config["warmup_epochs"] == 2.0
    k = 32  # steps per epoch at batch 32
    assert int(np.argmax(explorer.data["cosine"].lrs)) == 2 * k
    explorer.schedule.value = "one_cycle"
    assert explorer.warmup_epochs.disabled and not explorer.pct_start.disabled
    assert explorer.data["one_cycle"].lrs[0] == pytest.approx(0.2 / 25)
    explorer.lr.value = 0.1  # back to a setting seen before: from the cache, still a new draw
    assert explorer.n_draws == 5
    explorer.decay_rate.value = 0.5  # greyed out under one_cycle: nothing to redraw
    assert explorer.n_draws == 5 and "decay_rate" not in explorer.config


def test_schedule_explorer_trains_the_constant_rate_once_for_every_schedule():
    explorer = schedule_explorer(schedule="cosine", lr=0.1, epochs=2)
    constant = explorer.data["constant"]
    explorer.schedule.value = "step"
    assert explorer.data["constant"] is constant and set(explorer.data) == {"step", "constant"}


def test_range_test_explorer_redraws_when_the_smoothing_moves():
    explorer = range_test_explorer(beta=0.98)
    before, smoothed = explorer.png, explorer.data.smoothed.copy()
    np.testing.assert_allclose(smoothed, smooth_losses(explorer.data.losses, 0.98))
    explorer.beta.value = 0.5
    assert explorer.png != before
    np.testing.assert_allclose(explorer.data.smoothed, smooth_losses(explorer.data.losses, 0.5))
    assert explorer.data.smoothed[20] != pytest.approx(smoothed[20])
    sweep = explorer.data
    explorer.rule.value = "steepest"  # the same sweep, another reading of it
    assert explorer.data.rule == "steepest" and explorer.data.losses is sweep.losses
    assert explorer.data.suggestion == suggest_lr(sweep.lrs, sweep.smoothed, "steepest") != sweep.suggestion
