"""Callbacks for `optimize(..., callbacks=[...])`: each is called as callback(study, trial) after every
finished trial, in the main process, in the order trials finish.

- `CSVLogger(path)`, `JSONLLogger(path)`: one row per finished trial, appended and flushed at once, so a
  log read while the study runs (or after a crash) is up to date. Rows are flat, like scikit-learn's
  `cv_results_`: id, state, value, best_value (the incumbent after this trial), budget, duration, error,
  then one `param_<name>` column per hyperparameter.
- `NoImprovementStopper(patience)`: calls `study.stop()` once `patience` trials in a row have not improved
  the best value (by more than `min_delta`): the patience rule of early stopping (Prechelt 1998,
  "Early stopping - but when?"; Keras' EarlyStopping callback) applied to trials instead of epochs.
- `MLflowLogger(tracking_uri, experiment_name)`: one MLflow run per trial, with the config as params, the
  value, duration and every reported intermediate value (with its step) as metrics, and the state as the
  run status. Needs the optional `mlflow` package.

A resumed study (optimize(..., journal=path)) replays its old trials without calling callbacks, so the
logs go on from where they stopped; `NoImprovementStopper` reads the replayed trials on its first call.
"""

from __future__ import annotations

import csv
import json
import math
import time
from numbers import Integral, Real
from pathlib import Path

from .journal import _json_ready

__all__ = ["trial_row", "CSVLogger", "JSONLLogger", "NoImprovementStopper", "MLflowLogger"]

BASE_COLUMNS = ("id", "state", "value", "best_value", "budget", "duration", "error")


def trial_row(study, trial) -> dict:
    """The flat row the loggers write: BASE_COLUMNS, then `param_<name>` for each config entry."""
    best = study.best_value if study.completed else None
    row = {"id": trial.id, "state": trial.state, "value": trial.value, "best_value": best,
           "budget": trial.budget, "duration": trial.duration, "error": trial.error}
    row.update({f"param_{name}": value for name, value in trial.config.items()})
    return row


class JSONLLogger:
    """Append one JSON object per finished trial to `path` (read it back with
    `pandas.read_json(path, lines=True)`). Conditional spaces are fine: each row has its own keys."""

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self):
        return f"JSONLLogger({str(self.path)!r})"

    def __call__(self, study, trial) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(_json_ready(trial_row(study, trial)), allow_nan=False) + "\n")


class CSVLogger:
    """Append one CSV row per finished trial to `path`, with a header line first.

    The columns are fixed by the first row written (or by an existing file's header, when a resumed
    study appends to it), or given as `columns`. A config key outside them raises a ValueError: for
    conditional spaces list every column up front, or use JSONLLogger. A missing key is an empty cell.
    """

    def __init__(self, path, columns=None):
        self.path = Path(path)
        self.columns = None if columns is None else list(columns)

    def __repr__(self):
        return f"CSVLogger({str(self.path)!r})"

    def __call__(self, study, trial) -> None:
        row = trial_row(study, trial)
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
    finish and are recorded. `stopped_after` is the number of trials seen when it stopped (else None).
    """

    def __init__(self, patience, min_delta=0.0):
        if isinstance(patience, bool) or not isinstance(patience, Integral) or patience < 1:
            raise ValueError(f"patience must be an int >= 1 (trials without improvement), but got {patience!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, Real) or not min_delta >= 0:
            raise ValueError(f"min_delta must be a number >= 0, but got {min_delta!r}")
        self.patience, self.min_delta = int(patience), float(min_delta)
        self.best = None  # the value of the last improving trial
        self.since_improvement = 0
        self.stopped_after = None
        self._seen = 0  # how many of study.trials were looked at (a resumed study replays old ones)

    def __repr__(self):
        return f"NoImprovementStopper(patience={self.patience}, min_delta={self.min_delta})"

    def _improves(self, study, value) -> bool:
        if self.best is None:
            return True
        if study.direction == "minimize":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def __call__(self, study, trial) -> None:
        for t in study.trials[self._seen:]:
            if t.state == "complete" and t.value is not None and self._improves(study, t.value):
                self.best, self.since_improvement = t.value, 0
            else:
                self.since_improvement += 1
        self._seen = len(study.trials)
        if self.since_improvement >= self.patience and self.stopped_after is None:
            self.stopped_after = len(study.trials)
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
        self.run_ids = {}  # trial id -> MLflow run id

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
        self.run_ids[trial.id] = run_id
