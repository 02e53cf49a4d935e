"""Lesson 07's figures and widgets without a browser: the bracket planner table, SH on curves, the cluster."""

import numpy as np
from matplotlib.figure import Figure

from hpo_mini import Float, Space
from hpo_mini.searchers.asha import ASHA
from hpo_mini.searchers.successive_halving import SuccessiveHalving
from hpo_mini.tasks.simulated_cluster import simulate
from hpo_mini.viz.multi_fidelity import (
    bracket_planner,
    bracket_rows,
    format_brackets,
    plot_brackets,
    plot_cluster,
    plot_sh_curves,
    sh_curves_data,
    sh_curves_explorer,
)


def test_bracket_rows_and_table_follow_li_et_al():
    rows = bracket_rows(1, 81, 3)
    assert [r["s"] for r in rows] == [4, 3, 2, 1, 0]
    assert [r["budget"] for r in rows] == [405, 363, 351, 378, 405]
    assert [r["configs"] for r in rows] == [81, 34, 15, 8, 5]
    table = format_brackets(1, 81, 3)
    assert "81 x 1" in table and "34 x 3" in table and "5 x 81" in table and "405" in table
    assert isinstance(plot_brackets(1, 81, 3), Figure)


def test_moving_the_eta_slider_changes_the_table_and_the_picture():
    planner = bracket_planner(max_budget=81, eta=3, min_budget=1)
    table, png, draws = planner.table, planner.png, planner.n_draws
    planner.eta.value = 2
    assert planner.n_draws == draws + 1 and planner.table != table and planner.png != png
    assert [r["s"] for r in planner.data] == [6, 5, 4, 3, 2, 1, 0]  # floor(log2 81) = 6
    assert planner.data[0]["rungs"][0] == (64, 81 / 64)  # n = ceil(7 * 2^6 / 7), r = R * 2^-6
    planner.min_budget.value = 27
    assert [r["s"] for r in planner.data] == [1, 0]  # 27 * 2 <= 81 < 27 * 4
    planner.max_budget.value = 9  # min budget above R: clipped, one bracket at full budget
    assert planner.data == bracket_rows(9, 9, 2)
    assert any("slider" in type(c).__name__.lower() for c in planner.controls)


def test_sh_on_curves_kills_by_the_rung_rule_and_can_lose_the_late_bloomer():
    data = sh_curves_data(seed=0, eta=3)
    curves, killed = data["curves"], data["killed_at"]
    assert curves.shape == (81, 81)
    # rung 0 at budget 1 keeps 27: the 54 killed there are exactly the 54 worst after one epoch
    worst_at_1 = set(np.argsort(curves[:, 0], kind="stable")[27:])
    assert set(np.flatnonzero(killed == 1)) == worst_at_1
    assert [int(np.sum(killed == r)) for r in (1, 3, 9, 27)] == [54, 18, 6, 2] and np.isnan(killed).sum() == 1
    assert data["compute"] == 297 and data["compute_full"] == 81 * 81
    # over a few seeds, the synthetic family's late bloomers make SH lose the best final configuration
    lost = [sh_curves_data(seed=s)["lost"] for s in range(5)]
    assert any(lost)
    assert isinstance(plot_sh_curves(data), Figure)


def test_curve_explorer_redraws_when_a_slider_moves():
    explorer = sh_curves_explorer(seed=0)
    png, curves = explorer.png, explorer.data["curves"]
    explorer.seed.value = 1
    assert explorer.png != png and not np.array_equal(explorer.data["curves"], curves)
    explorer.eta.value = 2
    assert explorer.data["curves"].shape[0] == 64


def test_cluster_timeline_figure():
    space = Space({"x": Float(0, 1)})

    def loss(config, budget):
        return (config["x"] - 0.3) ** 2 + 0.1 / budget

    def speed(trial):
        return trial.budget * (1 + 3 * trial.config["x"])

    sh = simulate(SuccessiveHalving(space, min_budget=1, max_budget=9, seed=0), loss, 3, duration=speed)
    asha = simulate(ASHA(space, min_budget=1, max_budget=9, seed=0), loss, 3, duration=speed, max_time=sh.makespan)
    fig = plot_cluster({"SH": sh, "ASHA": asha})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "utilization" in fig.axes[0].get_title()
