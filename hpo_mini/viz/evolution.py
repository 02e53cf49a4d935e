"""Figures and widgets for lesson 08 (evolutionary search): a generation stepper for the genetic algorithm
and a view of population-based training.

Plain functions take data and return a `matplotlib.figure.Figure`; the explorers are thin `Explorer`s
(viz/explorer.py) over them.

    from hpo_mini.viz.evolution import ga_run_data, plot_generation, generation_explorer
    run = ga_run_data(population=10, mutation_rate=0.5, elitism=1, seed=0)
    plot_generation(run, 3)              # generation 3 on a 2-D slice, coloured by loss
    generation_explorer()                # the same, with knobs and a "next generation" button
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ..pbt import PBT
from ..runner import optimize
from ..searchers.genetic import GeneticAlgorithm
from ..tasks.noisy_quadratic import noisy_quadratic
from ..tasks.test_functions import branin
from .explorer import N_CACHED_PICTURES, Explorer, empty_axes

__all__ = ["ga_run_data", "diversity", "plot_generation", "generation_frame", "draw_generation", "GenerationExplorer",
           "generation_explorer",
           "pbt_data", "plot_pbt", "PBTExplorer", "pbt_explorer"]

N_GRID = 80  # background contour resolution per axis


def ga_run_data(objective=None, population=10, mutation_rate=0.5, elitism=1, n_generations=15, seed=0,
                tournament_size=3, mutation_scale=0.1, crossover="blend", dims=(0, 1)) -> dict:
    """Run a GA for `n_generations` full generations on `objective` (default branin()) and return
    {"generations": the GA's generation records, "grid_u": the 1-D unit grid of the background,
    "background": (N_GRID, N_GRID) objective values on the slice through dims (other coordinates at the
    objective's argmin, when it has one, else 0.5), "best": best-so-far loss per generation,
    "median": median loss per generation, "diversity": per generation (see `diversity`), "dims", "names",
    "minimum", "settings"}."""
    f = branin() if objective is None else objective
    ga = GeneticAlgorithm(f.space, population=population, mutation_rate=mutation_rate, elitism=elitism,
                          tournament_size=tournament_size, mutation_scale=mutation_scale, crossover=crossover,
                          seed=seed)
    n_trials = population + (population - elitism) * (n_generations - 1)
    optimize(f, ga, n_trials=n_trials, progress=False)
    gens = ga.generations_
    names = f.space.names
    base = (f.space.to_unit({n: float(v) for n, v in zip(names, f.argmin)})[0] if hasattr(f, "argmin")
            else np.full(len(names), 0.5))
    grid_u = np.linspace(0, 1, N_GRID)
    i, j = dims
    U = np.tile(base, (N_GRID * N_GRID, 1))
    U[:, i] = np.tile(grid_u, N_GRID)
    U[:, j] = np.repeat(grid_u, N_GRID)
    background = np.array([f(c) for c in f.space.from_unit(U)]).reshape(N_GRID, N_GRID)
    losses = [np.nan_to_num(g["losses"], nan=np.inf) for g in gens]
    return {"generations": gens, "grid_u": grid_u, "background": background,
            "best": np.minimum.accumulate([np.min(v) for v in losses]), "median": np.array([np.median(v) for v in losses]),
            "diversity": np.array([diversity(g["points"]) for g in gens]), "dims": dims, "names": names,
            "minimum": getattr(f, "minimum", None),
            "settings": {"population": population, "mutation_rate": mutation_rate, "elitism": elitism, "seed": seed,
                         "tournament_size": tournament_size}}


def diversity(points) -> float:
    """Mean distance of a population's unit points to their centroid: near 0 means it has converged
    (or collapsed prematurely)."""
    points = np.asarray(points, dtype=float)
    return float(np.mean(np.linalg.norm(points - points.mean(axis=0), axis=1)))


def plot_generation(run: dict, g: int) -> Figure:
    """Left: generation g on the 2-D slice (unit cube), coloured by loss rank; elites as stars; a grey line
    from each child to its two parents (crossover, in generation g - 1, hollow grey circles) and an arrow
    from the crossover point to the child (mutation). Right: best-so-far and median loss per generation,
    and the population's diversity. Drawn as the run's frame (`generation_frame`) and generation g on it
    (`draw_generation`)."""
    fig = generation_frame(run)
    draw_generation(fig, run, g)
    return fig


def generation_frame(run: dict) -> Figure:
    """What plot_generation draws for every generation of a run: the objective's contours, the colour bar
    of loss ranks, and the progress panel (best, median, diversity per generation)."""
    gens = run["generations"]
    i, j = run["dims"]
    fig = Figure(figsize=(10.5, 4.4))
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    background = run["background"]
    levels = np.quantile(background, np.linspace(0, 1, 15))
    ax.contourf(run["grid_u"], run["grid_u"], background, levels=np.unique(levels), cmap="Greys", alpha=0.45)
    ranks = ScalarMappable(Normalize(0, len(gens[0]["losses"]) - 1), cmap="viridis_r")
    fig.colorbar(ranks, ax=ax, label="loss rank in generation (0 = best)", fraction=0.046, pad=0.03)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel=f"{run['names'][i]} (unit scale)",
           ylabel=f"{run['names'][j]} (unit scale)")

    x = np.arange(len(gens))
    shift = 0.0 if run["minimum"] is None else run["minimum"]
    floor = 1e-6
    ax2.semilogy(x, np.maximum(run["best"] - shift, floor), "o-", color="C0", label="best so far")
    ax2.semilogy(x, np.maximum(run["median"] - shift, floor), "s--", color="C2", ms=4,
                 label="population median")
    ax2.set(xlabel="generation", ylabel="regret (loss - minimum)" if run["minimum"] is not None else "loss",
            title="progress and diversity")
    twin = ax2.twinx()
    twin.plot(x, run["diversity"], ":", color="C3", label="diversity")
    twin.set_ylabel("diversity (mean distance to centroid)", color="C3")
    twin.set_ylim(0, max(0.5, 1.1 * run["diversity"].max()))
    fig.suptitle(_ga_title(run), fontsize=10)
    fig.subplots_adjust(left=0.06, right=0.93, bottom=0.12, top=0.86, wspace=0.38)  # tight_layout: 10x slower
    fig.ga_background = background  # what update_generation_frame checks before reusing the contours
    return fig


def _ga_title(run) -> str:
    s = run["settings"]
    return (f"GA on a 2-D slice: population {s['population']}, mutation rate {s['mutation_rate']}, "
            f"elitism {s['elitism']}, tournament {s['tournament_size']}, seed {s['seed']}")


def update_generation_frame(fig, run: dict) -> bool:
    """Make a `generation_frame` figure (its moving part removed) show another run of the same objective
    and slice: the progress lines, the diversity axis, the colour bar's rank range and the title, set in
    place; the contours are kept. False, changing nothing, if the figure's slice or objective differ."""
    ax, ax2, cax, twin = fig.axes
    i, j = run["dims"]
    if (getattr(fig, "ga_background", None) is None or not np.array_equal(fig.ga_background, run["background"])
            or ax.get_xlabel() != f"{run['names'][i]} (unit scale)" or ax.get_ylabel() != f"{run['names'][j]} (unit scale)"
            or len(ax2.lines) != 2 or len(twin.lines) != 1 or getattr(cax, "_colorbar", None) is None):
        return False
    x = np.arange(len(run["generations"]))
    shift = 0.0 if run["minimum"] is None else run["minimum"]
    ax2.lines[0].set_data(x, np.maximum(run["best"] - shift, 1e-6))
    ax2.lines[1].set_data(x, np.maximum(run["median"] - shift, 1e-6))
    ax2.relim()
    ax2.autoscale_view()
    twin.lines[0].set_data(x, run["diversity"])
    twin.set_ylim(0, max(0.5, 1.1 * run["diversity"].max()))
    colorbar = cax._colorbar
    n_ranks = len(run["generations"][0]["losses"])
    if colorbar.mappable.norm.vmax != n_ranks - 1:
        colorbar.mappable.set_norm(Normalize(0, n_ranks - 1))
        colorbar.update_normal(colorbar.mappable)
    fig.suptitle(_ga_title(run), fontsize=10)
    return True


def draw_generation(fig, run: dict, g: int) -> list:
    """Generation g on a `generation_frame` of the run: its points, parents, mutations, the title, the
    legends and the line marking g on the progress panel. Returns the artists drawn."""
    gens = run["generations"]
    if not 0 <= g < len(gens):
        raise ValueError(f"generation must be in [0, {len(gens) - 1}], but got {g!r}")
    ax, ax2, _, twin = fig.axes  # the slice, the progress panel, the colour bar, the diversity axis
    i, j = run["dims"]
    gen = gens[g]
    artists = []
    if g > 0:
        prev = gens[g - 1]["points"]
        artists.append(ax.scatter(prev[:, i], prev[:, j], s=40, facecolors="none", edgecolors="0.35", lw=0.8,
                                  label=f"generation {g - 1}"))
        for m in np.nonzero(~gen["elite"])[0]:
            for p in set(gen["parents"][m]):
                artists += ax.plot([prev[p, i], gen["bred"][m, i]], [prev[p, j], gen["bred"][m, j]], color="0.45",
                                   lw=0.6, alpha=0.7)
            if gen["mutated"][m].any():
                artists.append(ax.annotate("", xy=(gen["points"][m, i], gen["points"][m, j]),
                                           xytext=(gen["bred"][m, i], gen["bred"][m, j]),
                                           arrowprops={"arrowstyle": "->", "color": "C3", "lw": 0.9}))
    losses = np.nan_to_num(gen["losses"], nan=np.inf)
    rank = np.argsort(np.argsort(losses))
    pts = gen["points"]
    artists.append(ax.scatter(pts[~gen["elite"], i], pts[~gen["elite"], j], c=rank[~gen["elite"]], cmap="viridis_r",
                              vmin=0, vmax=len(rank) - 1, s=55, edgecolors="k", lw=0.6, zorder=3, label="children"))
    if gen["elite"].any():
        artists.append(ax.scatter(pts[gen["elite"], i], pts[gen["elite"], j], c=rank[gen["elite"]], cmap="viridis_r",
                                  vmin=0, vmax=len(rank) - 1, marker="*", s=260, edgecolors="k", lw=0.8, zorder=4,
                                  label="elite (kept)"))
    artists.append(ax.set_title(f"generation {g}: grey lines = crossover, red = mutation"))
    artists.append(ax.legend(loc="upper right", fontsize=7, framealpha=0.8))
    artists.append(ax2.axvline(g, color="0.5", lw=0.8))
    lines, more = ax2.get_legend_handles_labels(), twin.get_legend_handles_labels()
    artists.append(ax2.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="lower left"))  # over the line
    return artists


MUTATION_RATES = (0.0, 0.1, 0.25, 0.5, 1.0)
MUTATION_SCALES = (0.01, 0.03, 0.1, 0.3, 1.0)


class GenerationExplorer(Explorer):
    """Step a GA through its generations on a 2-D objective (default branin()).

    Controls: generation (slider) and a "next generation" button that moves it by one; mutation rate,
    mutation scale, population, elitism, tournament size and seed rerun the GA (runs are cached).
    After each draw: `data` (the ga_run_data dict), `figure`, `png`, `n_draws`.
    """

    def __init__(self, objective=None, generation=0, population=10, mutation_rate=0.5, mutation_scale=0.1,
                 elitism=1, tournament_size=3, seed=0, n_generations=15):
        style = {"description_width": "initial"}
        self.objective, self.n_generations, self._runs = objective, n_generations, {}
        self.generation = widgets.IntSlider(value=generation, min=0, max=n_generations - 1, description="generation",
                                            style=style)
        self.next_button = widgets.Button(description="next generation ▶", tooltip="advance one generation")
        self.next_button.on_click(self.advance)
        self.mutation_rate = widgets.SelectionSlider(options=MUTATION_RATES, value=mutation_rate,
                                                     description="mutation rate", style=style)
        self.mutation_scale = widgets.SelectionSlider(options=MUTATION_SCALES, value=mutation_scale,
                                                      description="mutation scale", style=style)
        self.population = widgets.IntSlider(value=population, min=4, max=40, step=2, description="population",
                                            style=style)
        self.elitism = widgets.IntSlider(value=elitism, min=0, max=3, description="elitism", style=style)
        self.tournament_size = widgets.IntSlider(value=tournament_size, min=1, max=8, description="tournament k",
                                                 style=style)
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.generation, self.mutation_rate, self.mutation_scale, self.population, self.elitism,
                    self.tournament_size, self.seed)
        self._setup([widgets.HBox([self.generation, self.next_button]),
                     widgets.HBox([self.mutation_rate, self.mutation_scale]),
                     widgets.HBox([self.population, self.elitism]), widgets.HBox([self.tournament_size, self.seed])],
                    controls)

    def advance(self, button=None):
        """One generation on (the button's action); at the last generation it stays."""
        self.generation.value = min(self.generation.value + 1, self.generation.max)

    def key(self):
        return (self.generation.value, self.population.value, self.mutation_rate.value, self.mutation_scale.value,
                self.elitism.value, self.tournament_size.value, self.seed.value)

    def compute(self, key):
        run = key[1:]
        if run not in self._runs:
            population, mutation_rate, mutation_scale, elitism, tournament_size, seed = run
            self._runs[run] = ga_run_data(self.objective, population, mutation_rate, elitism, self.n_generations,
                                          seed, tournament_size, mutation_scale)
        return self._runs[run]

    def frame_key(self, key):
        return key[1:]  # the run: stepping through its generations only moves the points

    def draw_frame(self, data):
        return generation_frame(data)

    def draw_moving(self, figure, data):
        return draw_generation(figure, data, self.generation.value)

    def update_frame(self, figure, data):
        return update_generation_frame(figure, data)


def generation_explorer(objective=None, generation=0, population=10, mutation_rate=0.5, mutation_scale=0.1,
                        elitism=1, tournament_size=3, seed=0, n_generations=15) -> GenerationExplorer:
    """A widget to step a genetic algorithm through its generations and turn its knobs."""
    return GenerationExplorer(objective, generation, population, mutation_rate, mutation_scale, elitism,
                              tournament_size, seed, n_generations)


# -- population-based training ----------------------------------------------------------------------
def pbt_data(task=None, population=10, ready_every=25, n_steps=None, explore="perturb", seed=0, fixed=None):
    """Run PBT on a checkpointable task (default noisy_quadratic()) and the no-exploit baseline
    (the same initial draws, lr fixed): returns {"pbt": PBTResult, "fixed": PBTResult, "task": task}.
    fixed: the baseline of these settings, if run already (it never explores: the same for both explore
    values), to reuse instead of running it again."""
    task = noisy_quadratic() if task is None else task
    n_steps = getattr(task, "n_steps", 1000) if n_steps is None else n_steps
    kwargs = {"population": population, "ready_every": ready_every, "explore": explore, "seed": seed}
    if fixed is None:
        fixed = PBT(task.space, exploit="none", **kwargs).run(task, n_steps)
    elif fixed.losses.shape != (-(-n_steps // ready_every), population):
        raise ValueError(f"fixed has {fixed.losses.shape} (rounds, members), but these settings give "
                         f"{(-(-n_steps // ready_every), population)}: pass the baseline of the same settings")
    return {"pbt": PBT(task.space, **kwargs).run(task, n_steps), "fixed": fixed, "task": task}


def plot_pbt(result, name=None, fixed=None, fig=None) -> Figure:
    """Left: each member's hyperparameter `name` (default: the first) per round, thin; the winner's
    lineage (the schedule PBT found) thick. Right: each member's loss, the lineage thick, and the best
    member of `fixed` (a no-exploit PBTResult: fixed hyperparameters, same compute) dashed.
    fig: a figure this function drew before for the same space, to draw on again (`empty_axes`)."""
    name = result.space.names[0] if name is None else name
    steps = result.steps
    n_rounds, P = result.losses.shape
    values = np.array([[result.configs[r][m][name] for m in range(P)] for r in range(n_rounds)], dtype=float)
    path = result.lineage()
    if fig is None:
        fig = Figure(figsize=(10.5, 4.2))
        ax, ax2 = fig.subplots(1, 2)
    else:
        ax, ax2 = empty_axes(fig)
    starts = np.concatenate([[0], steps[:-1]])
    for m in range(P):
        ax.step(starts, values[:, m], where="post", color="0.6", lw=0.8, alpha=0.8)
        ax2.plot(steps, result.losses[:, m], color="0.6", lw=0.8, alpha=0.8)
    lineage_values = values[np.arange(n_rounds), path]
    ax.step(starts, lineage_values, where="post", color="C3", lw=2.4, label="winner's lineage (schedule)")
    ax2.plot(steps, result.losses[np.arange(n_rounds), path], color="C3", lw=2.4, label="winner's lineage")
    jumps = np.nonzero(path[1:] != path[:-1])[0] + 1  # rounds where the lineage moved to another member
    ax.plot(starts[jumps], lineage_values[jumps], "o", color="C3", ms=5, label="copied from a better member")
    if result.space[name].log:
        ax.set_yscale("log")
    ax.set(xlabel="training step", ylabel=name)
    # y=1: the titles sit on the axes (nothing is drawn above them), not placed again at every draw (1/5 of it)
    ax.set_title(f"{name} of each member (grey) and the winner's lineage", y=1.0)
    ax.legend(fontsize=7)
    if fixed is not None:
        best = fixed.best_member
        ax2.plot(fixed.steps, fixed.losses[:, best], "--", color="C0", lw=1.8,
                 label=f"best fixed {name} = {fixed.configs[0][best][name]:.3g} (same compute)")
    ax2.set_yscale("log")
    ax2.set(xlabel="training step", ylabel="loss")
    ax2.set_title(f"loss: PBT winner {result.best_loss:.3g}"
                  + ("" if fixed is None else f", best fixed {fixed.best_loss:.3g}"), y=1.0)
    ax2.legend(fontsize=7)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.9, wspace=0.25)
    return fig


class PBTExplorer(Explorer):
    """PBT on the noisy quadratic (or another checkpointable task): population, rounds length
    (ready_every), explore strategy and seed. After each draw: `data` (pbt_data), `figure`, `png`."""

    def __init__(self, task=None, population=10, ready_every=25, explore="perturb", seed=0):
        style = {"description_width": "initial"}
        self.task, self._baselines = task, {}  # (population, ready_every, seed) -> the no-exploit run
        self.population = widgets.IntSlider(value=population, min=4, max=20, step=2, description="population",
                                            style=style)
        self.ready_every = widgets.SelectionSlider(options=(5, 10, 25, 50, 100, 250), value=ready_every,
                                                   description="ready every (steps)", style=style)
        self.explore = widgets.ToggleButtons(options=("perturb", "resample"), value=explore, description="explore")
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style)
        controls = (self.population, self.ready_every, self.explore, self.seed)
        self._setup([widgets.HBox([self.population, self.ready_every]), widgets.HBox([self.explore, self.seed])],
                    controls)

    def key(self):
        return self.population.value, self.ready_every.value, self.explore.value, self.seed.value

    def compute(self, key):
        population, ready_every, explore, seed = key
        self.busy("running PBT ...")
        baseline = (population, ready_every, seed)  # what the no-exploit run depends on (not explore)
        data = pbt_data(self.task, population, ready_every, explore=explore, seed=seed,
                        fixed=self._baselines.pop(baseline, None))
        self._baselines[baseline] = data["fixed"]  # the most recent last
        if len(self._baselines) > N_CACHED_PICTURES:
            self._baselines.pop(next(iter(self._baselines)))
        return data

    def draw(self, data):
        return plot_pbt(data["pbt"], fixed=data["fixed"])

    def update_frame(self, figure, data):
        plot_pbt(data["pbt"], fixed=data["fixed"], fig=figure)  # the same two axes, drawn on again
        return True


def pbt_explorer(task=None, population=10, ready_every=25, explore="perturb", seed=0) -> PBTExplorer:
    """A widget to watch PBT find a learning-rate schedule, and compare it with the best fixed rate."""
    return PBTExplorer(task, population, ready_every, explore, seed)
