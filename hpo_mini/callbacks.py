"""Callbacks for `optimize(..., callbacks=[...])`: each is called as callback(study, trial) after every
finished trial, in the main process, in the order trials finish.

- `CSVLogger(path)`, `JSONLLogger(path)`: one row per finished trial, appended and flushed at once, so a
  log read while the study runs (or after a crash) is up to date. Rows are flat, like scikit-learn's
  `cv_results_`: id, state, value, budget, duration, error, best_value (the incumbent after this trial),
  then one `param_<name>` column per hyperparameter (`Trial.to_row`).
- `NoImprovementStopper(patience)`: calls `study.stop()` once `patience` trials in a row have not improved
  the best value (by more than `min_delta`): the patience rule of early stopping (Prechelt 1998,
  "Early stopping - but when?"; Keras' EarlyStopping callback) applied to trials instead of epochs.
- `MLflowLogger(tracking_uri, experiment_name)`: one MLflow run per trial, with the config as params, the
  value, duration and every reported intermediate value (with its step) as metrics, and the state as the
  run status. Needs the optional `mlflow` package.
- `ProgressBar(study, n_trials)`: the tqdm bar `optimize(..., progress=True)` shows, with the incumbent.

A resumed study (optimize(..., journal=path)) replays its old trials without calling callbacks, so the
logs go on from where they stopped; the loggers and `NoImprovementStopper` read the replayed trials on
their first call.
"""

from __future__ import annotations

import csv
import math
import time
from numbers import Integral, Real
from pathlib import Path

from .journal import json_line

__all__ = ["CSVLogger", "JSONLLogger", "NoImprovementStopper", "MLflowLogger", "ProgressBar"]


class _Incumbent:
    """The best value so far in a study, kept up to date at O(1) per new trial (`study.best_value`
    rescans every trial, O(n^2) over a run): `update(study)` reads only the trials added since."""

    def __init__(self):
        self.best, self._study, self._seen = None, None, 0

    def update(self, study):
        if study is not self._study:  # a callback reused on another study starts over
            self.best, self._study, self._seen = None, study, 0
        for t in study.trials[self._seen:]:
            if t.state == "complete" and (self.best is None or study.is_better(t.value, self.best)):
                self.best = t.value
        self._seen = len(study.trials)
        return self.best


class ProgressBar:
    """A tqdm bar: finished trials out of `n_trials` (a resumed study starts at its count), and the
    best value so far as its postfix."""

    def __init__(self, study, n_trials=None, disable=False):
        from tqdm.auto import tqdm

        self._incumbent = _Incumbent()
        best = self._incumbent.update(study)
        self.bar = tqdm(total=n_trials, initial=len(study.trials), disable=disable, desc="trials", unit="trial",
                        postfix=None if best is None else {"best": f"{best:.5g}"})

    def __call__(self, study, trial) -> None:
        before = self._incumbent.best
        best = self._incumbent.update(study)
        self.bar.update(1)
        if best is not None and best != before:
            self.bar.set_postfix(best=f"{best:.5g}", refresh=False)

    def close(self) -> None:
        self.bar.close()


class JSONLLogger:
    """Append one JSON object per finished trial to `path` (read it back with
    `pandas.read_json(path, lines=True)`). Conditional spaces are fine: each row has its own keys."""

    def __init__(self, path):
        self.path = Path(path)
        self._incumbent = _Incumbent()

    def __repr__(self):
        return f"JSONLLogger({str(self.path)!r})"

    def __call__(self, study, trial) -> None:
        row = trial.to_row("param_", best_value=self._incumbent.update(study))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json_line(row))


class CSVLogger:
    """Append one CSV row per finished trial to `path`, with a header line first.

    The columns are fixed by the first row written (or by an existing file's header, when a resumed
    study appends to it), or given as `columns`. A config key outside them raises a ValueError: for
    conditional spaces list every column up front, or use JSONLLogger. A missing key is an empty cell.
    """

    def __init__(self, path, columns=None):
        self.path = Path(path)
        self.columns = None if columns is None else list(columns)
        self._incumbent = _Incumbent()

    def __repr__(self):
        return f"CSVLogger({str(self.path)!r})"

    def __call__(self, study, trial) -> None:
        row = trial.to_row("param_", best_value=self._incumbent.update(study))
        new_file = not (self.path.exists() and self.path.stat().st_size > 0)
        if self.columns is None:
            if new_file:
                self.columns = list(row)
            else:
                with open(self.path, newline="", encoding="utf-8") as f:
                    self.columns = next(csv.reader(f))
        extra = [key for key in row if key not in self.columns]
        if extra:
            raise ValueError(
                f"trial {trial.id} has columns {extra} that {self.path} has no column for (its columns: "
                f"{self.columns}); pass CSVLogger(path, columns=[...every column...]) or use JSONLLogger"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns, restval="")
            if new_file:
                writer.writeheader()
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


class NoImprovementStopper:
    """Stop the study when `patience` finished trials in a row brought no improvement.

    A trial improves when it completes with a value better than the best so far by more than
    `min_delta` (value < best - min_delta when minimizing, > best + min_delta when maximizing); the
    first completed trial always improves. Failed and pruned trials count as "no improvement". After
    `study.stop()` the runner starts no new trial; under an executor the trials already running still
    finish and are recorded. After a run, `stopped_after_` is the number of trials seen when it stopped
    (else None), `best_` the value of the last improving trial, `since_improvement_` the trials since.
    """

    def __init__(self, patience, min_delta=0.0):
        if isinstance(patience, bool) or not isinstance(patience, Integral) or patience < 1:
            raise ValueError(f"patience must be an int >= 1 (trials without improvement), but got {patience!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, Real) or not min_delta >= 0:
            raise ValueError(f"min_delta must be a number >= 0, but got {min_delta!r}")
        self.patience, self.min_delta = int(patience), float(min_delta)
        self.best_ = None  # the value of the last improving trial
        self.since_improvement_ = 0
        self.stopped_after_ = None
        self._seen = 0  # how many of study.trials were looked at (a resumed study replays old ones)

    def __repr__(self):
        return f"NoImprovementStopper(patience={self.patience}, min_delta={self.min_delta})"

    def _improves(self, study, value) -> bool:
        if self.best_ is None:
            return True
        if study.direction == "minimize":
            return value < self.best_ - self.min_delta
        return value > self.best_ + self.min_delta

    def __call__(self, study, trial) -> None:
        for t in study.trials[self._seen:]:
            if t.state == "complete" and t.value is not None and self._improves(study, t.value):
                self.best_, self.since_improvement_ = t.value, 0
            else:
                self.since_improvement_ += 1
        self._seen = len(study.trials)
        if self.since_improvement_ >= self.patience and self.stopped_after_ is None:
            self.stopped_after_ = len(study.trials)
            study.stop()


MLFLOW_STATUS = {"complete": "FINISHED", "failed": "FAILED", "pruned": "KILLED"}


class MLflowLogger:
    """Log each finished trial as one MLflow run in `experiment_name` (created if missing).

    params:  the config (MLflow stores them as strings) and the budget, when there is one;
    metrics: "value" (a finished trial's value), "duration" (seconds) and "intermediate" at each
             reported step (trial.report(value, step)), so MLflow draws the learning curves;
    tags:    hpo_mini.trial_id, hpo_mini.state, hpo_mini.error (for failed trials);
    status:  FINISHED for complete trials, FAILED for failed ones, KILLED for pruned ones.
    tracking_uri: e.g. "file:///tmp/mlruns" (a local file store), "http://mlflow:5000", or None for
    MLflow's default (the MLFLOW_TRACKING_URI environment variable, else ./mlruns). `client` replaces
    MlflowClient(tracking_uri) (any object with the same methods).
    Needs mlflow: pip install -e '.[mlflow]'.
    """

    def __init__(self, tracking_uri=None, experiment_name="hpo_mini", client=None):
        if client is None:
            try:
                from mlflow.tracking import MlflowClient
            except ImportError as exc:
                raise ImportError(
                    "MLflowLogger needs mlflow: pip install -e '.[mlflow]' (or pip install mlflow)"
                ) from exc
            client = MlflowClient(tracking_uri=tracking_uri)
        self.client = client
        self.experiment_name = experiment_name
        experiment = client.get_experiment_by_name(experiment_name)
        self.experiment_id = (experiment.experiment_id if experiment is not None
                              else client.create_experiment(experiment_name))
        self.run_ids_ = {}  # trial id -> MLflow run id, filled as trials finish

    def __repr__(self):
        return f"MLflowLogger(experiment_name={self.experiment_name!r})"

    def __call__(self, study, trial) -> None:
        from mlflow.entities import Metric, Param

        now = int(time.time() * 1000)  # MLflow timestamps are in milliseconds
        tags = {"hpo_mini.trial_id": str(trial.id), "hpo_mini.state": trial.state}
        if trial.error:
            tags["hpo_mini.error"] = trial.error[:5000]
        run = self.client.create_run(self.experiment_id, tags=tags, run_name=f"trial-{trial.id}")
        run_id = run.info.run_id
        params = dict(trial.config) if trial.budget is None else {**trial.config, "budget": trial.budget}
        metrics = [Metric("intermediate", float(v), now, int(step)) for step, v in sorted(trial.intermediate.items())
                   if math.isfinite(v)]
        if trial.value is not None and math.isfinite(trial.value):
            metrics.append(Metric("value", float(trial.value), now, 0))
        if trial.duration is not None:
            metrics.append(Metric("duration", float(trial.duration), now, 0))
        self.client.log_batch(run_id, metrics=metrics, params=[Param(str(k), str(v)) for k, v in params.items()],
                              tags=[])
        self.client.set_terminated(run_id, status=MLFLOW_STATUS.get(trial.state, "FINISHED"))
        self.run_ids_[trial.id] = run_id
