"""optimize() on a real Dask cluster: a LocalCluster with 2 worker processes, started by the test.

Every trial is recorded exactly once; BO's constant liar keeps parallel asks distinct; ASHA's rungs
fill as they do in one process. Objectives are module-level functions: Dask ships them to the
worker processes by reference (pickle), so the workers import this module."""

import os
from collections import Counter

import numpy as np
import pytest

distributed = pytest.importorskip("distributed", reason="the Dask tests need the `dask` extra: pip install -e '.[dask]'")
import dask  # noqa: E402

from hpo_mini import optimize  # noqa: E402
from hpo_mini.parallel import default_max_pending  # noqa: E402
from hpo_mini.searchers import BayesianOptimization, RandomSearch  # noqa: E402
from hpo_mini.searchers.asha import ASHA  # noqa: E402
from hpo_mini.space import config_key  # noqa: E402
from shared_problem import SPACE, budget_quadratic, quadratic  # noqa: E402


def quadratic_with_pid(config, trial):
    trial.user_attrs["pid"] = os.getpid()
    return quadratic(config)


@pytest.fixture(scope="module")
def client():
    """2 worker processes with 1 thread each, on localhost only, no dashboard; closed after the module.
    allowed-failures=1: a task whose worker dies is retried once on another worker, then fails with
    KilledWorker (Dask's default is 3 retries; fewer keeps the worker-death test short)."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                           host="127.0.0.1", worker_dashboard_address=None)
    client = distributed.Client(cluster, timeout="30s")
    try:
        yield client
    finally:
        client.close(timeout=20)
        cluster.close(timeout=20)


def test_random_search_on_dask_records_every_trial_once_and_matches_one_process(client):
    threads = sum(client.nthreads().values())  # the cluster's size, which Dask's executor keeps private
    assert threads == 2
    study = optimize(quadratic_with_pid, RandomSearch(SPACE, seed=3), n_trials=24, executor=client.get_executor(),
                     max_pending=threads, progress=False)
    ids = [t.id for t in study.trials]
    assert sorted(ids) == list(range(24))  # each once, none missing
    assert all(t.state == "complete" for t in study.trials)
    pids = {t.user_attrs["pid"] for t in study.trials}
    assert os.getpid() not in pids and pids <= set(client.run(os.getpid).values())  # ran in the workers
    local = optimize(quadratic, RandomSearch(SPACE, seed=3), n_trials=24, progress=False)
    assert {t.id: (config_key(t.config), t.value) for t in study.trials} == {
        t.id: (config_key(t.config), t.value) for t in local.trials
    }


class WatchedBO(BayesianOptimization):
    """Records, at each model-based ask, the unit points of the trials still running and the proposal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asks_with_pending = []  # (pending unit points, proposed unit point)

    def ask(self):
        pending = [np.array(x) for x in self._pending.values()]
        trial = super().ask()
        if trial.id >= self.n_startup and pending:
            self.asks_with_pending.append((pending, self.space.to_unit(trial.config)[0]))
        return trial


def test_bayesian_optimization_on_dask_keeps_parallel_asks_distinct(client):
    bo = WatchedBO(SPACE, seed=0, n_startup=6, n_candidates=300, n_local=2, gp_restarts=0)
    study = optimize(quadratic, bo, n_trials=16, executor=client.get_executor(), progress=False)
    assert sorted(t.id for t in study.trials) == list(range(16))
    assert bo.asks_with_pending  # model-based asks were made while another trial ran: the liar was used
    for pending, proposal in bo.asks_with_pending:  # the lie pushed each proposal off the running points
        assert min(np.linalg.norm(proposal - x) for x in pending) > 1e-2  # without the lie: 2e-4 seen
    points = np.array([bo.space.to_unit(t.config)[0] for t in study.trials])
    distances = np.linalg.norm(points[:, None] - points[None], axis=-1)[np.triu_indices(len(points), 1)]
    assert distances.min() > 1e-6  # pairwise distinct configs
    assert len({config_key(t.config) for t in study.trials}) == 16


def test_asha_on_dask_records_every_trial_once_and_promotes_by_the_rule(client):
    asha = ASHA(SPACE, min_budget=1, max_budget=9, eta=3, seed=0)
    study = optimize(budget_quadratic, asha, n_trials=30, executor=client.get_executor(), progress=False)
    ids = [t.id for t in study.trials]
    assert sorted(ids) == list(range(30)) and all(t.state == "complete" for t in study.trials)
    by_id = {t.id: t for t in study.trials}
    assert asha.promotions_ and max(t.budget for t in study.trials) == 9  # promotions reached the top rung
    for k, from_id, new_id in asha.promotions_:  # a promotion reruns its source's config one rung up
        assert by_id[new_id].config == by_id[from_id].config
        assert (by_id[from_id].budget, by_id[new_id].budget) == (asha.budgets[k], asha.budgets[k + 1])
    assert max(Counter((t.budget, config_key(t.config)) for t in study.trials).values()) == 1  # once per rung


def dies_on_trial_3(config, trial):
    if trial.id == 3:
        os._exit(1)  # the worker process vanishes; the nanny starts a new one
    return quadratic(config)


def test_a_worker_that_dies_on_dask_fails_its_trial_and_the_study_goes_on(client):
    # Dask reruns the task on another worker (allowed-failures=1 here), that one dies too, and the
    # future raises KilledWorker: the runner records the trial as failed and goes on. Runs last: the
    # nannies restart the two workers.
    study = optimize(dies_on_trial_3, RandomSearch(SPACE, seed=3), n_trials=10, executor=client.get_executor(),
                     progress=False)
    assert sorted(t.id for t in study.trials) == list(range(10))
    doomed = next(t for t in study.trials if t.id == 3)
    assert doomed.state == "failed" and "KilledWorker" in doomed.error
    assert all(t.state == "complete" and t.value == quadratic(t.config) for t in study.trials if t.id != 3)


def test_max_pending_defaults_to_this_machines_cores_without_reading_the_executors_private_client():
    class FakeClient:  # what client.get_executor() holds as ._client, on a 2-machine cluster
        def nthreads(self):
            return {"tcp://10.0.0.1:40000": 8, "tcp://10.0.0.2:40000": 16}

    class FakeDaskExecutor:
        _client = FakeClient()

    assert default_max_pending(FakeDaskExecutor()) == os.cpu_count()  # documented: pass max_pending for Dask
