"""Lessons 04-05 helpers without a browser: forrester(), the BO step data and figures, the GP and
acquisition explorers."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from hpo_mini.models.gp import GaussianProcess
from hpo_mini.tasks.test_functions import branin, forrester
from hpo_mini.viz.bo import bo_step_data, bo_steps_data, plot_bo_step
from hpo_mini.viz.gp import kernel_prior_samples, lml_surface, plot_gp_fits, plot_gp_posterior, plot_kernel_comparison, plot_lml_surface
from hpo_mini.viz.bo import acquisition_explorer
from hpo_mini.viz.gp import gp_data, gp_explorer

# ---- forrester -----------------------------------------------------------------------------------


def test_forrester_minimum_is_the_global_minimum_on_a_fine_grid():
    f = forrester()
    assert f.dim == 1 and f.bounds == [(0.0, 1.0)]
    assert f({"x0": float(f.argmin[0])}) == pytest.approx(f.minimum, abs=1e-12)
    assert f.minimum == pytest.approx(-6.02074, abs=1e-5) and f.argmin[0] == pytest.approx(0.75725, abs=1e-5)
    x = np.linspace(0, 1, 200_001)
    values = np.array([f({"x0": v}) for v in x])
    assert values.min() >= f.minimum - 1e-12  # nothing on the grid beats the stated minimum
    assert abs(x[np.argmin(values)] - f.argmin[0]) < 1e-5


def test_forrester_has_a_local_minimum_near_0_14():
    f = forrester()
    x = np.linspace(0.05, 0.3, 2501)
    values = np.array([f({"x0": v}) for v in x])
    i = int(np.argmin(values))
    assert 0.12 < x[i] < 0.16 and -1.0 < values[i] < -0.9  # local, well above the global -6.02
    assert values[0] > values[i] and values[-1] > values[i]  # an interior minimum of this window


# ---- bo_step_data ------------------------------------------------------------------------------


@pytest.mark.parametrize("n_steps, n_startup", [(0, 3), (4, 3), (6, 5)])
def test_bo_step_data_shapes(n_steps, n_startup):
    d = bo_step_data(n_steps=n_steps, n_startup=n_startup, n_grid=201, seed=0)
    assert d["step"] == n_steps
    assert d["x_obs"].shape == d["y_obs"].shape == (n_startup + n_steps,)
    for key in ("grid", "truth", "mu", "sigma", "acq"):
        assert np.shape(d[key]) == (201,), key
    assert np.all(d["sigma"] >= 0) and np.all(np.isfinite(d["mu"]))
    assert d["best"] == pytest.approx(d["y_obs"].min())
    f = forrester()
    assert np.allclose(d["y_obs"], [f({"x0": x}) for x in d["x_obs"]])  # observations are real evaluations
    assert 0.0 <= d["next_x"] <= 1.0


@pytest.mark.parametrize("acquisition", ["ei", "pi", "ucb"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_next_point_maximizes_the_plotted_acquisition(acquisition, seed):
    for d in bo_steps_data(n_steps=6, acquisition=acquisition, seed=seed, n_grid=801, truth=False):
        acq, grid = np.asarray(d["acq"]), np.asarray(d["grid"])
        # the searcher optimizes continuously, so it does at least as well as the best grid point...
        assert d["next_acq"] >= acq.max() - 1e-9 * max(1.0, abs(acq.max())), (d["step"], d["next_acq"], acq.max())
        # ...and it sits on a high peak of the plotted curve (two peaks may tie, so not necessarily the grid's
        # argmax): the curve next to it, within two grid steps, reaches the top half of its range
        near = acq[np.abs(grid - d["next_x"]) <= 2 * (grid[1] - grid[0]) + 1e-12]
        assert near.max() >= acq.min() + 0.5 * (acq.max() - acq.min()), (d["step"], d["next_x"])


def test_acquisition_values_have_their_ranges():
    ei = bo_step_data(n_steps=3, acquisition="ei", truth=False)
    pi = bo_step_data(n_steps=3, acquisition="pi", truth=False)
    assert np.all(ei["acq"] >= 0) and ei["acq"].max() > 0
    assert np.all((pi["acq"] >= 0) & (pi["acq"] <= 1))
    ucb = bo_step_data(n_steps=3, acquisition="ucb", kappa=1.5, truth=False)
    assert np.allclose(ucb["acq"], -(ucb["mu"] - 1.5 * ucb["sigma"]))


def test_steps_of_one_run_equal_separate_runs_and_are_reproducible():
    steps = bo_steps_data(n_steps=5, seed=3, truth=False)
    assert [d["step"] for d in steps] == list(range(6))
    for k in (0, 2, 5):
        alone = bo_step_data(n_steps=k, seed=3, truth=False)
        assert np.array_equal(alone["x_obs"], steps[k]["x_obs"])
        assert alone["next_x"] == steps[k]["next_x"]
        assert np.allclose(alone["mu"], steps[k]["mu"])
    # each step adds the previous step's proposal as an observation
    for before, after in zip(steps, steps[1:]):
        assert after["x_obs"][-1] == pytest.approx(before["next_x"])
    other = bo_step_data(n_steps=0, seed=4, truth=False)
    assert not np.array_equal(other["x_obs"], steps[0]["x_obs"])


def test_fixed_lengthscale_is_used_and_auto_is_fitted():
    fixed = bo_step_data(n_steps=4, lengthscale=0.05, truth=False)
    assert fixed["lengthscale_fixed"] and fixed["lengthscale"] == pytest.approx(0.05)
    fitted = bo_step_data(n_steps=4, truth=False)
    assert not fitted["lengthscale_fixed"] and fitted["lengthscale"] != pytest.approx(0.5)
    # a very short length-scale: the posterior returns to the prior (wide) between the points
    stiff = bo_step_data(n_steps=4, lengthscale=1.0, truth=False)
    assert np.median(fixed["sigma"]) > 3 * np.median(stiff["sigma"])


def test_larger_xi_explores_where_the_posterior_is_less_certain():
    # step 0 has the same data and GP for every xi: only the acquisition changes
    greedy, curious = (bo_step_data(n_steps=0, xi=xi, seed=1, truth=False) for xi in (0.0, 3.0))
    assert np.array_equal(greedy["x_obs"], curious["x_obs"]) and np.allclose(greedy["mu"], curious["mu"])
    sigma_at = lambda d: np.interp(d["next_x"], d["grid"], d["sigma"])  # noqa: E731
    mu_at = lambda d: np.interp(d["next_x"], d["grid"], d["mu"])  # noqa: E731
    assert sigma_at(curious) > sigma_at(greedy)
    assert mu_at(curious) > mu_at(greedy)


def test_bo_step_data_rejects_bad_input():
    with pytest.raises(ValueError, match="one numeric dimension"):
        bo_step_data(branin(), n_steps=1)
    with pytest.raises(ValueError, match="acquisition"):
        bo_step_data(n_steps=1, acquisition="thompson")
    with pytest.raises(ValueError, match="n_startup"):
        bo_step_data(n_steps=1, n_startup=1)


def test_plot_bo_step_marks_the_next_point():
    d = bo_step_data(n_steps=2)
    fig = plot_bo_step(d)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    bottom = fig.axes[1]
    stars = [line for line in bottom.get_lines() if line.get_marker() == "*"]
    assert len(stars) == 1
    assert stars[0].get_xdata()[0] == pytest.approx(d["next_x"])
    assert stars[0].get_ydata()[0] == pytest.approx(d["next_acq"])


# ---- GP figures ----------------------------------------------------------------------------------


def test_gp_figures_return_figures():
    d = gp_data(n_train=5, n_samples=2)
    assert d["samples"].shape == (2, len(d["grid"]))
    assert isinstance(plot_gp_posterior(d["x_train"], d["y_train"], d["grid"], d["mu"], d["sigma"],
                                        samples=d["samples"], truth=d["truth"]), Figure)
    fig = plot_gp_fits(d["x_train"], d["y_train"], d["grid"], {"a": (d["mu"], d["sigma"]), "b": (d["mu"], d["sigma"])})
    assert len(fig.axes) == 2
    with pytest.raises(ValueError):
        plot_gp_fits(d["x_train"], d["y_train"], d["grid"], {})


def test_kernel_prior_samples_have_unit_variance_and_shorter_lengthscales_wiggle_more():
    x = np.linspace(0, 1, 200)
    samples = kernel_prior_samples(x, kernels=("rbf", "matern52"), lengthscales=(0.05, 0.5), n_samples=400, seed=0)
    for kernel in ("rbf", "matern52"):
        for ls in (0.05, 0.5):
            s = samples[kernel][ls]
            assert s.shape == (400, 200)
            assert np.var(s) == pytest.approx(1.0, abs=0.25)  # prior variance = signal variance = 1
        crossings = {ls: np.mean(np.sum(np.diff(np.sign(samples[kernel][ls]), axis=1) != 0, axis=1))
                     for ls in (0.05, 0.5)}
        assert crossings[0.05] > 5 * crossings[0.5]
    small = kernel_prior_samples(x, lengthscales=(0.05, 0.5), n_samples=2)
    assert len(plot_kernel_comparison(x, small).axes) == 2 * 3


def test_lml_surface_matches_the_gp_and_plots():
    rng = np.random.default_rng(0)
    X = rng.random((8, 1))
    y = np.sin(6 * X[:, 0])
    lengthscales, noise_stds = np.geomspace(0.05, 2, 7), np.geomspace(0.01, 1, 5)
    surface = lml_surface(X, y, lengthscales, noise_stds)
    assert surface.shape == (5, 7) and np.all(np.isfinite(surface))
    gp = GaussianProcess("rbf", optimize=False).fit(X, y)
    assert surface[2, 3] == pytest.approx(gp.log_marginal_likelihood(np.log([lengthscales[3], 1.0, noise_stds[2] ** 2])))
    fig = plot_lml_surface(lengthscales, noise_stds, surface, optima=[(0.3, 0.05, "an optimum")])
    assert isinstance(fig, Figure)


# ---- widgets -------------------------------------------------------------------------------------


def test_acquisition_explorer_controls_change_the_data_and_figure():
    w = acquisition_explorer(max_steps=6)
    assert w.n_draws == 1 and w.data["step"] == 0 and w.png[:4] == b"\x89PNG"
    pngs = [w.png]

    w.step.value = 4
    assert w.data["step"] == 4 and len(w.data["y_obs"]) == w.n_startup + 4
    pngs.append(w.png)

    w.acquisition.value = "ucb"
    assert w.data["acquisition"] == "ucb" and w.xi.disabled and not w.kappa.disabled
    ucb_next = w.data["next_x"]
    w.kappa.value = 5.0
    assert w.data["kappa"] == 5.0
    assert np.allclose(w.data["acq"], -(w.data["mu"] - 5.0 * w.data["sigma"]))
    assert w.data["next_x"] != ucb_next
    pngs.append(w.png)

    w.lengthscale.value = 0.03
    assert w.data["lengthscale_fixed"] and w.data["lengthscale"] == pytest.approx(0.03)
    w.kernel.value = "rbf"
    assert w.data["kernel"] == "rbf"
    pngs.append(w.png)
    assert len(set(pngs)) == len(pngs)  # every change redrew a different picture
    assert w.n_draws == 6

    # the widget is a thin layer: its data are bo_step_data's with the same settings
    same = bo_step_data(n_steps=4, acquisition="ucb", kappa=5.0, kernel="rbf", lengthscale=0.03, seed=w.seed.value,
                        n_startup=w.n_startup)
    assert np.array_equal(same["x_obs"], w.data["x_obs"]) and same["next_x"] == w.data["next_x"]


def test_acquisition_explorer_ignores_the_knob_that_does_nothing_and_runs_only_as_far_as_shown():
    w = acquisition_explorer(step=0, max_steps=6)
    draws, png = w.n_draws, w.png
    w.kappa.value = 4.0  # kappa does nothing under EI: no new run, no new picture
    assert w.n_draws == draws and w.png is png and w.data["kappa"] is None and w.data["xi"] == 0.0
    w.seed.value = 2  # a new run, computed as far as the step shown...
    assert w.data["step"] == 0 and w.n_draws == draws + 1
    w.step.value = 3  # ...and extended when stepping on: the same states as one run of 3 steps
    same = bo_step_data(n_steps=3, seed=2, n_startup=w.n_startup)
    assert np.array_equal(same["x_obs"], w.data["x_obs"]) and same["next_x"] == w.data["next_x"]


def test_acquisition_explorer_xi_changes_the_acquisition():
    w = acquisition_explorer(step=2, max_steps=3)
    assert not w.xi.disabled and w.kappa.disabled
    before = w.data["acq"].copy()
    w.xi.value = 1.0
    assert w.data["xi"] == 1.0 and not np.allclose(before, w.data["acq"])


def test_gp_explorer_controls_change_the_fit():
    w = gp_explorer(n_train=6, n_samples=2)
    assert w.noise.disabled and not w.data["lengthscale_fixed"]
    fitted = w.data["lengthscale"]
    w.lengthscale.value = 1.0
    assert w.data["lengthscale"] == pytest.approx(1.0) and not w.noise.disabled and fitted != pytest.approx(1.0)
    w.noise.value = 1.0
    assert w.data["noise"] == pytest.approx(1.0)
    w.n_train.value = 12
    assert len(w.data["x_train"]) == 12 and w.data["samples"].shape[0] == 2
    assert w.n_draws == 4
    mu = w.data["mu"]
    w.n_samples.value = 4  # new samples of the same fit: no refit
    assert w.data["mu"] is mu and w.data["samples"].shape[0] == 4 and w.n_draws == 5
    w.lengthscale.value = "auto"
    w.noise.value = 1e-2  # disabled under auto (the noise is fitted): nothing to redraw
    assert w.noise.disabled and w.n_draws == 6
