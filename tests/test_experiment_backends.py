"""Backends: serial, processes and a Dask LocalCluster give identical results; a lost Dask
worker does not lose the run."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pytest

from dipsim.errors import InputError
from dipsim.experiment import KpiCollector, Job, execute, replicate, sweep
from dipsim.experiment.backends import make_batches

DAYS = 20


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    import logging

    cl = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR)
    client = distributed.Client(cl)
    yield client
    client.close()
    cl.close()


def test_serial_processes_and_dask_agree(default_scenario, cluster):
    kw = {"days": DAYS, "progress": False}
    serial = replicate(default_scenario, 6, backend="serial", **kw)
    procs = replicate(default_scenario, 6, backend="processes", workers=2, batch_size=2, **kw)
    dask = replicate(default_scenario, 6, backend="dask", scheduler=cluster, batch_size=4, **kw)
    pd.testing.assert_frame_equal(serial.replications, procs.replications)
    pd.testing.assert_frame_equal(serial.replications, dask.replications)
    pd.testing.assert_frame_equal(serial.summary, dask.summary)
    assert serial.provenance == procs.provenance == dask.provenance
    params = {"cjit.community.workers": [2, 4]}
    s1 = sweep(default_scenario, params, 3, backend="serial", **kw)
    s2 = sweep(default_scenario, params, 3, backend="dask", scheduler=cluster, **kw)
    s3 = sweep(default_scenario, params, 3, backend="processes", workers=2, **kw)
    pd.testing.assert_frame_equal(s1.results, s2.results)
    pd.testing.assert_frame_equal(s1.results, s3.results)


def test_batches_stay_inside_a_cell(default_scenario):
    jobs = [Job(default_scenario, 1, r, 1, cell) for cell in (0, 1) for r in range(5)]
    batches = make_batches(jobs, 3)
    assert [len(b) for b in batches] == [3, 2, 3, 2]
    assert all(len({j.cell for _, j in b}) == 1 for b in batches)
    assert sorted(i for b in batches for i, _ in b) == list(range(10))


def test_bad_backend_arguments(default_scenario):
    with pytest.raises(InputError, match="backend"):
        replicate(default_scenario, 2, days=2, backend="threads")
    with pytest.raises(InputError, match="^scheduler: "):
        replicate(default_scenario, 2, days=2, backend="serial", scheduler="tcp://localhost:1")


class KillWorkerOnce:
    """A collector that kills its worker process the first time it runs anywhere (marker file),
    then behaves like KpiCollector."""

    def __init__(self, marker: str):
        self.marker = marker
        self.inner = KpiCollector()

    def __call__(self, result, job):
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return self.inner(result, job)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)  # the worker dies mid-task, as if its machine went away


def test_a_lost_dask_worker_does_not_lose_the_sweep(default_scenario, cluster, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        marker = tmp_path / "killed"
        jobs = [Job(default_scenario, default_scenario.seed, r, DAYS) for r in range(6)]
        got = execute(jobs, KillWorkerOnce(str(marker)), "dask", scheduler=cluster, batch_size=2, progress=False)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert marker.exists()  # a worker really died
    want = execute(jobs, KpiCollector(), "serial", progress=False)
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))


def test_progress_bar_only_on_a_terminal_or_when_asked(default_scenario, capsys):
    from dipsim.experiment.backends import progress_bar

    assert progress_bar(3, "x", None).disable          # stderr is captured here: not a terminal
    assert progress_bar(3, "x", False).disable
    jobs = [Job(default_scenario, 1, r, 2) for r in range(2)]
    execute(jobs, KpiCollector(), "serial", progress=True, desc="runs")
    assert "2/2" in capsys.readouterr().err
    execute(jobs, KpiCollector(), "serial", progress=None)
    assert capsys.readouterr().err == ""


def test_a_local_dask_worker_drops_only_the_heartbeat_error_of_a_closing_cluster():
    """The worker's heartbeat failure logged while dipsim's LocalCluster closes (Ctrl-C) is dropped, so that
    stderr keeps its one line; any other worker message still shows."""
    import logging

    from dipsim.experiment.dask_cluster import _HeartbeatAtShutdown

    def record(msg):
        return logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, msg, None, None)

    f = _HeartbeatAtShutdown()
    assert not f.filter(record("Failed to communicate with scheduler during heartbeat."))
    assert f.filter(record("Compute Failed"))
    assert f.filter(record("Worker stream died during communication"))
