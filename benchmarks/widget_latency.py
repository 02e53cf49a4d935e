"""How long does an explorer take to answer a hand on its controls?

Builds every explorer exactly as its lesson builds it (the constructor call below is looked up in the
lesson's code cells, so a lesson that changes its call fails this script instead of being measured
wrongly), then moves each control across its range: 5 positions spread evenly over the slider or the
options (fewer for a control with fewer options; a position equal to the current value is no change
and is skipped), and clicks each button 5 times. After the sweep the control goes back to the
lesson's value (untimed), so every control is measured from the lesson's state.

For each control it prints the median and the maximum seconds per change (the time the kernel spends
in the widget's observer: compute, draw, encode the PNG), as wall-clock time and as the CPU time of
this process, and on how many changes the picture (the PNG the explorer shows) changed. On a shared
machine the wall clock counts the other processes' turns too; the CPU time does not (it counts every
thread of this process, so a multi-threaded BLAS call can make it larger than the wall clock);
`--clock cpu` judges the goal by CPU time. "full GC s" is the most CPU time one change of the control
spent in Python's full (generation-2) garbage collections, counted in its time: one lands in whichever
change crosses the collector's threshold, and it costs more the more objects the process holds (here
the explorers of every lesson at once), so it explains an outlier. A disabled control is marked: the
learner cannot move it in the browser, but a program can, and it should cost nothing. No browser and no
kernel: matplotlib's Agg backend in this process. Goal of issue 22: median <= 0.2 s and max <= 0.4 s on 2 cores.

    python benchmarks/widget_latency.py                  # every explorer
    python benchmarks/widget_latency.py acquisition gp   # only explorers whose name contains a word
    python benchmarks/widget_latency.py --clock cpu --markdown benchmarks/results/widget_latency.md
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import ipywidgets as widgets  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GOAL_MEDIAN_S, GOAL_MAX_S = 0.2, 0.4
N_POSITIONS = 5

# (explorer name, lesson, setup code run first, the lesson's own constructor call)
EXPLORERS = [
    ("optimism", "02_validation", "from hpo_mini.viz.validation import optimism_explorer",
     "optimism_explorer(n_trials=100, n_val=1000, true_spread=0.01)"),
    ("coverage", "03_grid_and_random",
     "from hpo_mini.viz.sampling import coverage_explorer\n"
     "from hpo_mini.tasks.test_functions import low_effective_dimension\n"
     "f = low_effective_dimension(d=2, n_important=1)\n"
     "good = (f.argmin[0] - 0.08, f.argmin[0] + 0.08)",
     'coverage_explorer(method="all", n=16, d=2, seed=0, highlight=good)'),
    ("gp", "04_gaussian_processes", "from hpo_mini.viz.gp import gp_explorer",
     'gp_explorer(n_train=6, kernel="matern52", lengthscale="auto", n_samples=3, seed=0)'),
    ("acquisition", "05_bayesian_optimization", "from hpo_mini.viz.bo import acquisition_explorer",
     'acquisition_explorer(step=0, acquisition="ei", xi=0.0, seed=1)'),
    ("tpe", "06_tpe", "from hpo_mini.viz.tpe import tpe_explorer", "tpe_explorer(n_obs=20, gamma=0.25, seed=3)"),
    ("sh_curves", "07_multi_fidelity", "from hpo_mini.viz.multi_fidelity import sh_curves_explorer",
     "sh_curves_explorer(seed=0, eta=3, min_budget=1)"),
    ("bracket_planner", "07_multi_fidelity", "from hpo_mini.viz.multi_fidelity import bracket_planner",
     "bracket_planner(max_budget=81, eta=3, min_budget=1)"),
    ("generation", "08_evolutionary", "from hpo_mini.viz.evolution import generation_explorer",
     "generation_explorer(generation=0, population=10, mutation_rate=0.5, elitism=1, seed=0)"),
    ("pbt", "08_evolutionary", "from hpo_mini.viz.evolution import pbt_explorer",
     'pbt_explorer(population=10, ready_every=25, explore="perturb", seed=0)'),
    ("range_test", "09_training_dynamics", "from hpo_mini.viz.training import range_test_explorer",
     'range_test_explorer(model="mlp", beta=0.98)'),
    ("schedule", "09_training_dynamics", "from hpo_mini.viz.training import schedule_explorer",
     'schedule_explorer(schedule="one_cycle", lr=0.3, epochs=10)'),
    ("clipping", "10_debugging_and_scaling",
     "from hpo_mini.viz.debugging import clipping_explorer\n"
     "first = 0  # the lesson's first seed that diverges at lr 0.3 (10 training runs to find): where the seed starts",
     "clipping_explorer(lr=0.3, clip_norm=1.0, seed=first)"),
    ("c_gamma", "11_classic_models",  # the setup is the lesson's: the SVM task and its surface on the grid
     "import numpy as np\n"
     "from hpo_mini.tasks.classic_models import svm_task\n"
     "from hpo_mini.viz.classic_models import c_gamma_explorer, c_gamma_surface\n"
     "svm = svm_task()\n"
     "C_grid, gamma_grid = np.geomspace(1e-2, 1e4, 7), np.geomspace(1e-5, 1.0, 6)\n"
     "surface = c_gamma_surface(svm, C_grid, gamma_grid)",
     'c_gamma_explorer(searcher="random", n_trials=12, seed=0, task=svm, C_grid=C_grid, gamma_grid=gamma_grid,\n'
     '                 surface=surface)'),
    ("cmaes", "12_beyond_one_study", "from hpo_mini.viz.beyond_one_study import cmaes_explorer", "cmaes_explorer(seed=0)"),
]


def lesson_code(stem: str) -> str:
    notebook = json.loads((REPO / "lessons" / f"{stem}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")


def build(lesson: str, setup: str, call: str):
    if call not in lesson_code(lesson):
        raise SystemExit(f"lessons/{lesson}.ipynb no longer builds its explorer with {call!r}; "
                         f"update EXPLORERS in {Path(__file__).name} to the lesson's call")
    namespace: dict = {}
    exec(setup, namespace)  # noqa: S102 - our own constants above
    return eval(call, namespace)  # noqa: S307


def positions(control) -> list:
    """Up to N_POSITIONS values spread evenly over a control's range or options."""
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in control.options]
        index = np.unique(np.round(np.linspace(0, len(values) - 1, N_POSITIONS)).astype(int))
        return [values[i] for i in index]
    lo, hi, step = control.min, control.max, control.step
    raw = np.linspace(lo, hi, N_POSITIONS)
    snapped = np.unique(np.clip(lo + np.round((raw - lo) / step) * step, lo, hi))
    return [int(v) for v in snapped] if isinstance(control.value, int) else [float(v) for v in snapped]


def buttons(widget) -> list:
    found = [widget] if isinstance(widget, widgets.Button) else []
    for child in getattr(widget, "children", ()):
        found += buttons(child)
    return found


def picture(explorer) -> bytes | None:
    return explorer.png


_FULL_GC = []  # CPU seconds of each full (generation-2) garbage collection, appended as they end


def _watch_full_gc(phase, info, _start=[0.0]):
    if info["generation"] == 2:
        if phase == "start":
            _start[0] = time.process_time()
        else:
            _FULL_GC.append(time.process_time() - _start[0])


def timed(explorer, action) -> tuple[float, float, bool, float]:
    """(wall seconds, CPU seconds, did the picture change, CPU seconds of full GCs during it) of one action."""
    before, n_gc = picture(explorer), len(_FULL_GC)
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, picture(explorer) != before, sum(_FULL_GC[n_gc:])


def sweep(explorer, control) -> list:
    """Move `control` over its positions: a timed() tuple per change."""
    start, results = control.value, []
    for value in positions(control):
        if value != control.value:
            results.append(timed(explorer, lambda: setattr(control, "value", value)))
    control.value = start
    return results


def click(explorer, button, slider) -> list:
    """Click `button` N_POSITIONS times from the start of `slider` (the control it moves)."""
    start = slider.value
    slider.value = slider.min
    results = [timed(explorer, button.click) for _ in range(N_POSITIONS)]
    slider.value = start
    return results


def measure(names=()) -> list[dict]:
    rows = []
    for name, lesson, setup, call in EXPLORERS:
        if names and not any(word in name for word in names):
            continue
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # display() outside IPython prints a repr
            explorer = build(lesson, setup, call)
            built = time.perf_counter() - t0
            jobs = [(c.description, c.disabled, lambda c=c: sweep(explorer, c)) for c in explorer.controls]
            for b in buttons(explorer):
                slider = next(c for c in explorer.controls if isinstance(c, widgets.IntSlider))
                jobs.append((f"button '{b.description}'", b.disabled, lambda b=b, s=slider: click(explorer, b, s)))
            for label, disabled, job in jobs:
                wall, cpu, changed, full_gc = zip(*job())  # every control has at least one other position
                rows.append({"explorer": name, "lesson": lesson, "built_s": built, "control": label,
                             "disabled": disabled, "n": len(wall), "changed": sum(changed),
                             "median_s": statistics.median(wall), "max_s": max(wall),
                             "median_cpu_s": statistics.median(cpu), "max_cpu_s": max(cpu),
                             "full_gc_s": max(full_gc)})
        print(f"measured {name} (built in {built:.2f} s)", file=sys.stderr)
    return rows


def table(rows, clock="wall") -> str:
    suffix = "_cpu_s" if clock == "cpu" else "_s"

    def over(r):
        return r["median" + suffix] > GOAL_MEDIAN_S or r["max" + suffix] > GOAL_MAX_S

    lines = ["| explorer (lesson) | control | changes | median s | max s | median CPU s | max CPU s "
             "| picture changed | full GC s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        label = r["control"] + (" (disabled)" if r["disabled"] else "")
        mark = " **over**" if over(r) else ""
        lines.append(f"| {r['explorer']} ({r['lesson'][:2]}) | {label} | {r['n']} | {r['median_s']:.3f} | "
                     f"{r['max_s']:.3f} | {r['median_cpu_s']:.3f} | {r['max_cpu_s']:.3f}{mark} | "
                     f"{r['changed']}/{r['n']} | {r['full_gc_s']:.3f} |")
    slow = [r for r in rows if over(r)]
    lines += ["", f"{len(rows) - len(slow)} of {len(rows)} controls meet the goal by {clock} time "
                  f"(median <= {GOAL_MEDIAN_S} s, max <= {GOAL_MAX_S} s; **over** marks the others)."]
    if rows:
        worst = max(rows, key=lambda r: r["median" + suffix])
        lines.append(f"Slowest median ({clock}): {worst['explorer']} / {worst['control']} "
                     f"{worst['median' + suffix]:.3f} s.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only explorers whose name contains one of these words")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="which time the goal is judged by")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    gc.callbacks.append(_watch_full_gc)
    rows = measure(args.names)
    header = (f"# Widget latency: seconds per control change, {os.cpu_count()} cores, load average "
              f"{load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end\n")
    text = header + "\n" + table(rows, args.clock)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
