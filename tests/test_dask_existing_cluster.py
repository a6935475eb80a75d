"""Dask on an existing cluster: a `dask scheduler` and `dask worker` processes started here, as
an operator starts them, reached through their tcp:// address. Batches are sized for the
cluster's threads (3 here), not this machine's cores; results equal the serial backend's;
the national sweep runs on it from the command line. Also: a LocalCluster is kept for the
session and reused."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dipsim.experiment import KpiCollector, Job, execute
from dipsim.experiment import backends, dask_cluster

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask")
    sfile = d / "scheduler.json"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--dashboard-address", ":0", "--scheduler-file", str(sfile)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=d)]
    try:
        deadline = time.monotonic() + 90
        while not sfile.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "3", "--nthreads", "1",
                                       "--no-dashboard", "--local-directory", str(d)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=d))
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(3, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_batches_are_sized_for_the_clusters_threads(default_scenario, scheduler):
    jobs = [Job(default_scenario, 7, r, 10) for r in range(24)]
    plan: dict = {}
    got = execute(jobs, KpiCollector(), "dask", scheduler=scheduler, progress=False, plan=plan)
    assert backends.cpu_count() != 3
    assert plan == {"workers": 3, "batch_size": 2, "tasks": 12}  # 24 runs / (3 threads x 4 tasks each)
    local: dict = {}
    want = execute(jobs, KpiCollector(), "serial", progress=False, plan=local)
    assert local["workers"] == backends.cpu_count()
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))


def test_national_sweep_on_the_cluster_from_the_command_line(scheduler, tmp_path):
    common = [sys.executable, "-m", "dipsim", "national", "--areas", "3", "-n", "2", "--days", "15",
              "--levels", "0.5,1", "--no-progress", "--format", "csv"]
    dask = subprocess.run(common + ["--backend", "dask", "--scheduler", scheduler, "--out", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=600)
    assert dask.returncode == 0, dask.stderr
    assert f"3 areas x 2 staffing levels x 2 replications of 15 days: 12 runs on dask ({scheduler})" in dask.stdout
    assert "England and Wales" in dask.stdout
    serial = subprocess.run(common + ["--backend", "serial", "--out", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=600)
    assert serial.returncode == 0, serial.stderr
    for name in ("results.csv", "levels.csv", "areas.csv", "national.csv", "provenance.json"):
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "s" / name).read_bytes(), name
    areas = pd.read_csv(tmp_path / "d" / "areas.csv")
    assert len(areas) == 3 and set(areas["kind"]) == {"intensive (England)", "non-intensive (England)"}


def test_a_local_cluster_is_kept_for_the_session(default_scenario):
    dask_cluster.shutdown_clusters()
    try:
        jobs = [Job(default_scenario, 1, r, 3) for r in range(4)]
        execute(jobs, KpiCollector(), "dask", workers=2, progress=False)
        client, cluster = dask_cluster._LOCAL_CLUSTERS[2]
        again = execute(jobs, KpiCollector(), "dask", workers=2, progress=False)
        assert dask_cluster._LOCAL_CLUSTERS[2] == (client, cluster)  # the same cluster, not a new one
        pd.testing.assert_frame_equal(pd.DataFrame(again),
                                      pd.DataFrame(execute(jobs, KpiCollector(), "serial", progress=False)))
    finally:
        dask_cluster.shutdown_clusters()
    assert not dask_cluster._LOCAL_CLUSTERS and cluster.status.name == "closed"


def test_a_small_run_on_a_new_local_cluster_says_processes_is_faster(caplog):
    assert "processes" in dask_cluster.local_dask_note(5)
    assert dask_cluster.local_dask_note(dask_cluster.LOCAL_DASK_CROSSOVER_RUNS) is None


def test_a_cluster_with_no_workers_is_one_clear_error(tmp_path):
    from distributed import LocalCluster

    from dipsim.errors import InputError

    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cl:
        with pytest.raises(InputError, match="has no workers"):
            execute([Job(None, 1, 0, 1)], KpiCollector(), "dask", scheduler=cl.scheduler_address, progress=False)
