"""Callbacks: the CSV/JSONL loggers against the study they log, the no-improvement stopper against the
best-so-far curve, and the MLflow logger against a local file store (and a recording fake client)."""

import csv
import json
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from hpo_mini import Study, Trial, optimize
from hpo_mini.callbacks import CSVLogger, JSONLLogger, MLflowLogger, NoImprovementStopper
from hpo_mini.searchers import RandomSearch
from shared_problem import SPACE, quadratic


def failing(config):
    if config["n"] == 3:
        raise ZeroDivisionError("n must not be 3")
    return quadratic(config)


def reporting(config, trial):
    for step in (1, 2, 3):
        trial.report(quadratic(config) * (4 - step), step)
    return quadratic(config)


# ---------------------------------------------------------------- loggers


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def as_float(cell):
    return None if cell == "" else float(cell)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_csv_logger_writes_one_row_per_trial_matching_the_study(tmp_path, direction):
    path = tmp_path / "logs" / "trials.csv"
    study = optimize(failing, RandomSearch(SPACE, seed=0), n_trials=15, direction=direction,
                     callbacks=[CSVLogger(path)], progress=False)
    rows = read_csv(path)
    assert list(rows[0]) == ["id", "state", "value", "budget", "duration", "error", "best_value",
                             "param_x", "param_y", "param_n"]
    assert [int(r["id"]) for r in rows] == [t.id for t in study.trials]
    assert [r["state"] for r in rows] == [t.state for t in study.trials]
    assert any(r["state"] == "failed" for r in rows) and any(r["state"] == "complete" for r in rows)
    assert [as_float(r["value"]) for r in rows] == [t.value for t in study.trials]  # repr round-trips floats
    np.testing.assert_array_equal([as_float(r["best_value"]) or np.nan for r in rows], study.best_values())
    assert [(float(r["param_x"]), float(r["param_y"]), int(r["param_n"])) for r in rows] == [
        (t.config["x"], t.config["y"], t.config["n"]) for t in study.trials]
    assert all(r["error"] == "ZeroDivisionError: n must not be 3" for r in rows if r["state"] == "failed")


def test_loggers_continue_a_resumed_study_without_a_second_header(tmp_path):
    journal, log_csv, log_jsonl = tmp_path / "study.jsonl", tmp_path / "t.csv", tmp_path / "t.jsonl"
    for n in (6, 10):
        study = optimize(quadratic, RandomSearch(SPACE, seed=1), n_trials=n, journal=journal, progress=False,
                         callbacks=[CSVLogger(log_csv), JSONLLogger(log_jsonl)])
    assert [int(r["id"]) for r in read_csv(log_csv)] == list(range(10))  # one header, rows 0..9 once each
    assert log_csv.read_text().count("id,state") == 1
    rows = [json.loads(line) for line in log_jsonl.read_text().splitlines()]
    assert [r["id"] for r in rows] == list(range(10))
    assert rows[-1]["best_value"] == study.best_value == min(r["value"] for r in rows)


def test_jsonl_logger_rows_are_the_trial_rows_and_allow_conditional_configs(tmp_path):
    path = tmp_path / "t.jsonl"
    study = Study()
    trials = [Trial(id=0, config={"kernel": "rbf", "gamma": 0.1}, value=0.3, state="complete", duration=0.5),
              Trial(id=1, config={"kernel": "linear"}, state="failed", error="ValueError: no", duration=0.1)]
    logger = JSONLLogger(path)
    for t in trials:
        study.add(t)
        logger(study, t)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows[0] == {"id": 0, "state": "complete", "value": 0.3, "budget": None, "duration": 0.5, "error": None,
                       "best_value": 0.3, "param_kernel": "rbf", "param_gamma": 0.1}
    assert rows[1]["param_kernel"] == "linear" and "param_gamma" not in rows[1]
    assert rows[1]["value"] is None and rows[1]["best_value"] == 0.3 and rows[1]["error"] == "ValueError: no"


def test_a_logger_reused_on_a_second_study_logs_that_studys_incumbent(tmp_path):
    logger = JSONLLogger(tmp_path / "t.jsonl")
    lo = optimize(quadratic, RandomSearch(SPACE, seed=0), n_trials=8, callbacks=[logger], progress=False)
    hi = optimize(quadratic, RandomSearch(SPACE, seed=1), n_trials=5, direction="maximize", callbacks=[logger],
                  progress=False)
    rows = [json.loads(line) for line in logger.path.read_text().splitlines()]
    assert [r["best_value"] for r in rows] == list(lo.best_values()) + list(hi.best_values())


def test_csv_logger_refuses_a_column_it_has_no_header_for_and_accepts_declared_columns(tmp_path):
    study = Study()
    a = Trial(id=0, config={"kernel": "linear"}, value=0.5, state="complete")
    b = Trial(id=1, config={"kernel": "rbf", "gamma": 0.1}, value=0.4, state="complete")
    logger = CSVLogger(tmp_path / "t.csv")
    study.add(a)
    logger(study, a)
    study.add(b)
    with pytest.raises(ValueError, match=r"trial 1 has columns \['param_gamma'\].*JSONLLogger"):
        logger(study, b)
    columns = list(b.to_row("param_", best_value=None))
    declared = CSVLogger(tmp_path / "u.csv", columns=columns)
    declared(study, a)
    declared(study, b)
    rows = read_csv(tmp_path / "u.csv")
    assert [r["param_gamma"] for r in rows] == ["", "0.1"]  # missing key: an empty cell


# ---------------------------------------------------------------- the no-improvement stopper


def expected_stop(best_values, patience):
    """From the best-so-far curve alone: the number of trials after which `patience` trials in a row did
    not lower (or raise) the best value. NaN entries (nothing completed yet) never improve."""
    last_improvement = None
    for i, b in enumerate(best_values):
        if not np.isnan(b) and (i == 0 or np.isnan(best_values[i - 1]) or b != best_values[i - 1]):
            last_improvement = i
        since = i + 1 if last_improvement is None else i - last_improvement
        if since >= patience:
            return i + 1
    return None


@pytest.mark.parametrize("direction, patience, seed", [("minimize", 5, 0), ("minimize", 12, 1), ("maximize", 8, 2)])
def test_stopper_stops_exactly_when_patience_trials_in_a_row_did_not_improve(direction, patience, seed):
    stopper = NoImprovementStopper(patience)
    study = optimize(failing, RandomSearch(SPACE, seed=seed), n_trials=2000, direction=direction,
                     callbacks=[stopper], progress=False)
    stop = expected_stop(study.best_values(), patience)
    assert stop is not None and len(study.trials) == stop == stopper.stopped_after_ < 2000
    assert stopper.since_improvement_ == patience


def test_stopper_min_delta_ignores_small_improvements():
    values = [1.0, 0.95, 0.5, 0.49, 0.48, 0.47, 0.1]
    stops = {}
    for min_delta in (0.0, 0.1):
        study, stopper = Study(), NoImprovementStopper(patience=3, min_delta=min_delta)
        for i, v in enumerate(values):
            study.add(Trial(id=i, config={}, value=v, state="complete"))
            stopper(study, study.trials[-1])
            if study.stop_requested:
                stops[min_delta] = i + 1
                break
    assert stops == {0.1: 6}  # 0.95 and 0.49..0.47 are within 0.1 of the best; without min_delta all improve


def test_stopper_under_a_thread_pool_stops_after_the_running_trials():
    with ThreadPoolExecutor(2) as pool:
        stopper = NoImprovementStopper(4)
        study = optimize(quadratic, RandomSearch(SPACE, seed=3), n_trials=2000, executor=pool,
                         callbacks=[stopper], progress=False)
    assert stopper.stopped_after_ is not None
    assert stopper.stopped_after_ <= len(study.trials) <= stopper.stopped_after_ + 1  # one was still running


def test_stopper_reads_the_replayed_trials_of_a_resumed_study(tmp_path):
    path = tmp_path / "study.jsonl"
    first = optimize(quadratic, RandomSearch(SPACE, seed=4), n_trials=40, journal=path, progress=False)
    stale = len(first.trials) - 1 - int(np.argmin([t.value for t in first.trials]))  # trials since the best
    assert stale >= 2
    stopper = NoImprovementStopper(patience=stale + 1)
    study = optimize(quadratic, RandomSearch(SPACE, seed=4), n_trials=100, journal=path, callbacks=[stopper],
                     progress=False)
    assert study.trials[40].value >= first.best_value  # (seed 4) the first new trial does not improve:
    assert len(study.trials) == 41 == stopper.stopped_after_  # it is the (stale + 1)-th in a row: stop at once


@pytest.mark.parametrize("kwargs, message", [({"patience": 0}, "patience must be an int >= 1"),
                                             ({"patience": 2.5}, "patience must be an int >= 1"),
                                             ({"patience": 3, "min_delta": -0.1}, "min_delta must be a number >= 0")])
def test_stopper_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NoImprovementStopper(**kwargs)


# ---------------------------------------------------------------- MLflow


def test_mlflow_logger_logs_params_metrics_and_status_to_a_local_file_store(tmp_path):
    mlflow = pytest.importorskip("mlflow", reason="mlflow is not installed (optional extra: pip install -e '.[mlflow]')")
    uri = (tmp_path / "mlruns").as_uri()
    curves = MLflowLogger(tracking_uri=uri, experiment_name="quadratic")
    with_curves = optimize(reporting, RandomSearch(SPACE, seed=0), n_trials=5, callbacks=[curves], progress=False)
    logger = MLflowLogger(tracking_uri=uri, experiment_name="quadratic")  # the same experiment, found by name
    study = optimize(failing, RandomSearch(SPACE, seed=5), n_trials=6, callbacks=[logger], progress=False)
    assert logger.experiment_id == curves.experiment_id

    client = mlflow.tracking.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("quadratic")
    runs = {r.info.run_id: r for r in client.search_runs([experiment.experiment_id], max_results=100)}
    assert len(runs) == 11
    assert any(t.state == "failed" for t in study.trials)
    for t in study.trials:
        run = runs[logger.run_ids_[t.id]]
        assert run.data.params == {"x": str(t.config["x"]), "y": str(t.config["y"]), "n": str(t.config["n"])}
        assert run.data.tags["hpo_mini.state"] == t.state
        assert run.info.status == {"complete": "FINISHED", "failed": "FAILED"}[t.state]
        if t.state == "complete":
            assert run.data.metrics["value"] == pytest.approx(t.value)
        else:
            assert "value" not in run.data.metrics and run.data.tags["hpo_mini.error"] == t.error
    t = with_curves.trials[0]
    history = client.get_metric_history(curves.run_ids_[t.id], "intermediate")
    assert sorted((m.step, m.value) for m in history) == [(s, pytest.approx(v)) for s, v in sorted(t.intermediate.items())]


class FakeMlflowClient:
    """Records what MLflowLogger sends, with MlflowClient's method names and signatures."""

    def __init__(self):
        self.experiments, self.runs = {}, {}

    def get_experiment_by_name(self, name):
        return self.experiments.get(name)

    def create_experiment(self, name):
        self.experiments[name] = types.SimpleNamespace(experiment_id=str(len(self.experiments)))
        return self.experiments[name].experiment_id

    def create_run(self, experiment_id, tags=None, run_name=None):
        run_id = f"run{len(self.runs)}"
        self.runs[run_id] = {"experiment": experiment_id, "name": run_name, "tags": dict(tags or {}),
                             "metrics": [], "params": {}, "status": None}
        return types.SimpleNamespace(info=types.SimpleNamespace(run_id=run_id))

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        self.runs[run_id]["metrics"] += [(m.key, m.value, m.step) for m in metrics]
        self.runs[run_id]["params"].update({p.key: p.value for p in params})

    def set_terminated(self, run_id, status=None):
        self.runs[run_id]["status"] = status


@pytest.fixture
def fake_mlflow_entities(monkeypatch):
    """mlflow.entities.Metric and Param stand-ins (namedtuples with mlflow's field order) when mlflow is
    not installed, so the logger's own logic is tested here either way."""
    try:
        import mlflow.entities  # noqa: F401
    except ImportError:
        from collections import namedtuple

        entities = types.ModuleType("mlflow.entities")
        entities.Metric = namedtuple("Metric", "key value timestamp step")
        entities.Param = namedtuple("Param", "key value")
        package = types.ModuleType("mlflow")
        package.entities = entities
        monkeypatch.setitem(sys.modules, "mlflow", package)
        monkeypatch.setitem(sys.modules, "mlflow.entities", entities)


def test_mlflow_logger_sends_one_run_per_trial_with_params_metrics_and_status(fake_mlflow_entities):
    client = FakeMlflowClient()
    logger = MLflowLogger(experiment_name="exp", client=client)
    second = MLflowLogger(experiment_name="exp", client=client)
    assert second.experiment_id == logger.experiment_id  # found by name, not created twice
    study = optimize(reporting, RandomSearch(SPACE, seed=0), n_trials=4, callbacks=[logger], progress=False)
    failed = optimize(failing, RandomSearch(SPACE, seed=5), n_trials=6, callbacks=[second], progress=False)
    assert len(client.runs) == 10 and len(client.experiments) == 1
    t = study.trials[2]
    run = client.runs[logger.run_ids_[t.id]]
    assert run["name"] == f"trial-{t.id}" and run["status"] == "FINISHED"
    assert run["params"] == {"x": str(t.config["x"]), "y": str(t.config["y"]), "n": str(t.config["n"])}
    assert [(k, s) for k, _, s in run["metrics"]] == [("intermediate", 1), ("intermediate", 2), ("intermediate", 3),
                                                     ("value", 0), ("duration", 0)]
    assert [v for k, v, _ in run["metrics"] if k == "intermediate"] == [t.intermediate[s] for s in (1, 2, 3)]
    assert [v for k, v, _ in run["metrics"] if k == "value"] == [t.value]
    bad = next(t for t in failed.trials if t.state == "failed")
    run = client.runs[second.run_ids_[bad.id]]
    assert run["status"] == "FAILED" and run["tags"]["hpo_mini.error"] == bad.error
    assert "value" not in [k for k, _, _ in run["metrics"]]


def test_mlflow_logger_without_mlflow_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # makes `import mlflow...` raise ImportError
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[mlflow\]'"):
        MLflowLogger(tracking_uri="file:///nowhere")
