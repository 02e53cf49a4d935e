"""`diagnose(study, space)`: the debugging symptoms of a search, each a `Finding` with the symptom, the
evidence and a one-line fix: failed trials, the best configs crowding an edge of a range, a linear range
that should be log, a study whose values barely change (too narrow ranges), seed noise larger than the
gaps between the top configs, and a validation-test gap.

    for finding in diagnose(study, space, test_values={study.best_trial.id: 0.91}):
        print(finding)                  # [boundary] lr: ... -> fix: ...
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ..space import Categorical, Int, as_space, config_key

__all__ = ["SEED_VALUES", "SYMPTOMS", "Finding", "diagnose"]

# The user_attrs key under which an objective keeps the values of one config under several seeds
# (e.g. trial.user_attrs["seed_values"] = [0.912, 0.905, 0.921] and returns their mean).
SEED_VALUES = "seed_values"
SYMPTOMS = ("failed_trials", "boundary", "should_be_log", "narrow_range", "seed_variance",
            "validation_test_gap")


# ---------------------------------------------------------------------------------------------------
# Diagnosis
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One symptom seen in a study: what (`symptom`, one of SYMPTOMS), where (`dimension`, or None
    for the whole study), the numbers that show it (`evidence`) and what to do (`fix`)."""

    symptom: str
    evidence: str
    fix: str
    dimension: str | None = None

    def __str__(self):
        where = f" {self.dimension}" if self.dimension else ""
        return f"[{self.symptom}]{where}: {self.evidence} -> fix: {self.fix}"


def _ranked(study) -> list:
    """Completed trials, best first in the study's direction."""
    return sorted(study.completed, key=lambda t: t.value, reverse=study.direction == "maximize")


def _widened(dim, side):
    """A suggested new bound past `side`: one decade further on a log scale, half the width on a
    linear one; a positive range stays positive, a count stays >= 1. None if there is no such bound."""
    if dim.log:
        value = dim.hi * 10 if side == "high" else dim.lo / 10
    else:
        half = (dim.hi - dim.lo) / 2
        value = dim.hi + half if side == "high" else dim.lo - half
        if side == "low" and dim.lo > 0 >= value:
            value = dim.lo / 10
    if isinstance(dim, Int):
        if side == "high":
            return math.ceil(value)
        value = max(math.floor(value), 1) if dim.lo >= 1 else math.floor(value)
        return None if value == dim.lo else value
    return float(f"{value:.3g}")


def _check_failures(study, space, max_failed) -> list:
    n = len(study.trials)
    failed = [t for t in study.trials if t.state == "failed"]
    if n == 0 or len(failed) / n <= max_failed:
        return []
    errors = Counter((t.error or "no message").splitlines()[0][:80] for t in failed)
    message, count = errors.most_common(1)[0]
    evidence = (f"{len(failed)} of {n} trials failed ({len(failed) / n:.0%}); "
                f"most common error: {message!r} ({count}x)")
    where = ""
    completed = [t for t in study.trials if t.state == "complete"]
    if completed:  # where do failures sit, compared with the trials that worked?
        U_failed, U_done = space.to_unit([t.config for t in failed]), space.to_unit([t.config for t in completed])
        shift = U_failed.mean(axis=0) - U_done.mean(axis=0)
        j = int(np.argmax(np.abs(shift)))
        if abs(shift[j]) >= 0.25 and not isinstance(space[space.names[j]], Categorical):
            where = f" at {'high' if shift[j] > 0 else 'low'} {space.names[j]}"
            evidence += f"; failures crowd the {'upper' if shift[j] > 0 else 'lower'} part of {space.names[j]}"
    fix = f"read study.trials[i].error, then fix the objective or shrink the range that fails{where}"
    return [Finding("failed_trials", evidence, fix)]


def _check_ranges(study, space, top, edge, crowd) -> list:
    """Boundary and should-be-log symptoms, one dimension at a time, on the top configs."""
    findings = []
    best = top[0]
    for name, dim in space.dimensions.items():
        if isinstance(dim, Categorical):
            continue
        values = np.array([t.config[name] for t in top], dtype=float)
        u = np.asarray(dim.to_unit(values), dtype=float)
        spans_decades = (not dim.log) and dim.lo > 0 and dim.hi / dim.lo >= 100
        if spans_decades and np.mean(u <= edge) >= crowd:
            findings.append(Finding(
                "should_be_log",
                f"the range [{dim.lo:g}, {dim.hi:g}] spans {math.log10(dim.hi / dim.lo):.1f} decades on a "
                f"linear scale and {np.sum(u <= edge)} of the {len(top)} best trials sit in its lowest "
                f"{edge:.0%} (best {name} = {best.config[name]:g})",
                f"sample it on a log scale: {type(dim).__name__}({dim.lo!r}, {dim.hi!r}, log=True)",
                name,
            ))
            # Judge the edges where the search should have looked: in log space.
            u = (np.log(values) - math.log(dim.lo)) / (math.log(dim.hi) - math.log(dim.lo))
        u_best = u[0]
        for side, near, at_end in (("low", u <= edge, values == dim.lo), ("high", u >= 1 - edge, values == dim.hi)):
            near = near | at_end
            if np.mean(near) >= crowd and near[0]:
                bound = dim.lo if side == "low" else dim.hi
                wider = _widened(dim, side)
                fix = (f"extend {name}'s range past {bound:g} (e.g. {'hi' if side == 'high' else 'lo'}={wider}) "
                       "and search again" if wider is not None else
                       f"{name} = {bound:g} is already the smallest count: fine if nothing smaller is "
                       "possible (e.g. min_samples_leaf), else lower lo")
                findings.append(Finding(
                    "boundary",
                    f"{int(near.sum())} of the {len(top)} best trials lie within {edge:.0%} of the {side} end "
                    f"{bound:g} of {name} (best {name} = {best.config[name]:g}, at {u_best:.0%} of the range)",
                    fix,
                    name,
                ))
    return findings


def _check_narrow(study, space, flat_tol) -> list:
    values = np.array([t.value for t in study.completed])
    q10, median, q90 = np.quantile(values, [0.1, 0.5, 0.9])
    scale = max(abs(median), np.finfo(float).tiny)
    if (q90 - q10) / scale >= flat_tol:
        return []
    narrow = sorted(
        ((dim.hi / dim.lo, name) for name, dim in space.dimensions.items()
         if not isinstance(dim, Categorical) and dim.lo > 0 and dim.hi / dim.lo < 10),
    )
    names = ", ".join(f"{name} (x{ratio:.3g})" for ratio, name in narrow) or "the numeric ranges"
    return [Finding(
        "narrow_range",
        f"the middle 80% of the {len(values)} completed values lie within {(q90 - q10) / scale:.2%} of the "
        f"median {median:.4g} (q10 = {q10:.4g}, q90 = {q90:.4g}): the ranges hardly change the outcome",
        f"widen {names} (scale-type hyperparameters: 2-4 decades on a log scale); "
        "if wide already, check the data and model",
    )]


def _seed_groups(study) -> dict:
    """Completed trials grouped by config: the values of each config over seeds and re-runs."""
    groups = defaultdict(list)
    for t in study.completed:
        key = config_key(t.config)
        seed_values = t.user_attrs.get(SEED_VALUES)
        repeats = [float(v) for v in seed_values] if seed_values is not None and len(seed_values) else [t.value]
        groups[key].append((t.config, repeats))
    return {key: (runs[0][0], [v for _, vs in runs for v in vs]) for key, runs in groups.items()}


def _check_seed_variance(study, top_k) -> list:
    repeated = [(config, np.array(vals)) for config, vals in _seed_groups(study).values() if len(vals) >= 2]
    if len(repeated) < 2:
        return []  # nothing to judge seed noise from (see SEED_VALUES)
    repeated.sort(key=lambda cv: cv[1].mean(), reverse=study.direction == "maximize")
    top = repeated[:top_k]
    means = np.array([vals.mean() for _, vals in top])
    noise = float(np.median([vals.std(ddof=1) for _, vals in top]))
    gap = float(means.max() - means.min())
    if noise <= gap:
        return []
    return [Finding(
        "seed_variance",
        f"among the {len(top)} best configs run over several seeds, the median seed std {noise:.4g} "
        f"exceeds the spread of their means {gap:.4g}: the winner may change with the seed",
        f"re-run the top {len(top)} configs over 5+ seeds, pick by mean (and stability), report mean +- std",
    )]


def _check_gap(study, test_values, max_gap, gap_scale) -> list:
    if not isinstance(test_values, dict):
        test_values = {study.best_trial.id: test_values}
    by_id = {t.id: t for t in study.completed}
    gaps = []
    for trial_id, test in test_values.items():
        if trial_id not in by_id:
            raise ValueError(f"test_values names trial {trial_id!r}, which is not a completed trial of the study; "
                             f"give {{trial.id: test value}} for completed trials (or one number for the best)")
        if not isinstance(test, (int, float)) or not math.isfinite(test):
            raise ValueError(f"test value for trial {trial_id!r} must be a finite number, but got {test!r}")
        val = by_id[trial_id].value
        worse = (test - val) if study.direction == "minimize" else (val - test)
        gaps.append((trial_id, val, test, worse if gap_scale == "absolute" else worse / max(abs(val), np.finfo(float).tiny)))
    mean_gap = float(np.mean([g for *_, g in gaps]))
    if mean_gap <= max_gap:
        return []
    shown = "; ".join(f"trial {i}: validation {v:.4g}, test {t:.4g}" for i, v, t, _ in gaps[:3])
    how_much = (f"by {mean_gap:.4g} (more than {max_gap:.4g}, in the metric's own units)" if gap_scale == "absolute"
                else f"by {mean_gap:.1%} of the validation value (more than {max_gap:.0%})")
    return [Finding(
        "validation_test_gap",
        f"test is worse than validation {how_much} on average over {len(gaps)} trial(s) ({shown}): "
        f"the search fitted the validation split",
        "select with nested or repeated cross-validation (or fewer trials), and keep the test set for the end",
    )]


def diagnose(study, space, *, test_values=None, top_fraction=0.1, min_top=5, edge=0.1, crowd=0.5,
             flat_tol=0.02, max_failed=0.2, max_gap=0.02, gap_scale="absolute", top_k_seeds=3) -> list:
    """Look for the debugging symptoms of a search; returns a list of `Finding` (empty when healthy).

    failed_trials:       more than `max_failed` of the trials failed (where they crowd, if they do).
    boundary:            at least `crowd` of the top configs, and the best, lie within `edge` of one end
                         of a numeric range (in its unit encoding, or at the end value itself). The top
                         configs are the best `top_fraction` of completed trials, at least `min_top`.
    should_be_log:       a linear range with lo > 0 spanning >= 2 decades, with at least `crowd` of
                         the top configs in its lowest `edge` (its edges are then judged in log space).
    narrow_range:        the middle 80% of values (q10 to q90) lie within `flat_tol` of the median.
    seed_variance:       among the `top_k_seeds` best configs that have several values (the
                         objective's trial.user_attrs[SEED_VALUES] list, or re-runs of the same
                         config), the median seed std exceeds the spread of their means.
    validation_test_gap: `test_values` ({trial id: test value}, or one number for the best trial) are
                         worse than the validation values by more than `max_gap` on average: in the
                         metric's units with gap_scale="absolute" (0.02 = 2 points of accuracy or error
                         rate), or as a fraction of the validation value with gap_scale="relative"
                         (for losses without a natural scale).
    The range checks need at least 2 * min_top completed trials; fewer are not judged.
    """
    space = as_space(space)
    if not 0 < top_fraction <= 1:
        raise ValueError(f"top_fraction must be in (0, 1], but got {top_fraction!r}")
    if not 0 < edge < 0.5:
        raise ValueError(f"edge must be in (0, 0.5), the share of a range counted as its end, but got {edge!r}")
    findings = _check_failures(study, space, max_failed)
    ranked = _ranked(study)
    if len(ranked) >= 2 * min_top:
        n_top = max(min_top, math.ceil(top_fraction * len(ranked)))
        findings += _check_ranges(study, space, ranked[:n_top], edge, crowd)
        findings += _check_narrow(study, space, flat_tol)
    findings += _check_seed_variance(study, top_k_seeds)
    if gap_scale not in ("absolute", "relative"):
        raise ValueError(f"gap_scale must be 'absolute' or 'relative', but got {gap_scale!r}")
    if test_values is not None and ranked:
        findings += _check_gap(study, test_values, max_gap, gap_scale)
    return findings
