"""The Dask backend: a client to an existing cluster, or the session's LocalCluster.

``scheduler="tcp://host:8786"`` (or a ``distributed.Client``) uses a running cluster, and a
run's batches are sized for its workers' threads (:func:`cluster_threads`), not this
machine's cores. Without one, a ``LocalCluster`` of one single-threaded worker process per
core is started on first use and kept for the session (:func:`local_cluster`; closed by
:func:`shutdown_clusters` and at exit). Its start-up (1-2 s) pays only above about
``LOCAL_DASK_CROSSOVER_RUNS`` runs (:func:`local_dask_note`). Tasks are submitted with
``retries=``; the scheduler reschedules the tasks of a lost worker on its own.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import signal
import sys
import threading
import uuid
from typing import Any

from ..errors import ParameterError
from .backends import _NO_DASK, Terminated, _mp_context, _signals_held, cpu_count, run_batch


def dask_client(scheduler: Any = None, workers: int | None = None):
    """A ``distributed.Client``: to ``scheduler`` (an address), or to a new LocalCluster of
    ``workers`` single-threaded processes. Returns (client, owned_cluster_or_None)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ParameterError("backend", _NO_DASK) from None

    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError("scheduler", f"cannot connect to {scheduler}: {exc}") from None
    import dask

    # The workers' statistical profiler samples every thread every 10 ms; replications gain
    # nothing from it (benchmarks/RESULTS.md: speed-up 1.76x with it, 1.82x without).
    # Workers forked from dipsim's forkserver (see _mp_context) rather than spawned: Ctrl-C
    # ignored from their first instruction, and the model already imported.
    method = "forkserver" if _mp_context().get_start_method() == "forkserver" else "spawn"
    cluster = None
    held: list[int] = []
    try:
        with dask.config.set({"distributed.worker.profile.enabled": False,
                              "distributed.worker.multiprocessing-method": method}), _signals_held(held):
            cluster = LocalCluster(n_workers=workers or cpu_count(), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR, preload=[__name__])
        if held:
            raise Terminated() if signal.SIGTERM in held else KeyboardInterrupt()
        return Client(cluster), cluster
    except BaseException:  # Ctrl-C while the cluster started: close it, then stop
        if cluster is not None:
            cluster.close()
        raise


LOCAL_DASK_CROSSOVER_RUNS = 20
"""Below about this many runs (year-long, of a shipped scenario's size) a LocalCluster's cold
start costs more than it saves against the serial backend on 2 cores, and the processes
backend beats it at any size on one machine (benchmarks/RESULTS.md, "Dask crossover")."""


def local_dask_note(n_runs: int) -> str | None:
    """One line for a run that starts a LocalCluster for fewer runs than it pays back."""
    if n_runs >= LOCAL_DASK_CROSSOVER_RUNS:
        return None
    return (f"dipsim: note: {n_runs} runs on a new local Dask cluster: starting it (1-2 s) costs more than "
            f"it saves below about {LOCAL_DASK_CROSSOVER_RUNS} year-long runs; --backend processes (or serial) "
            "is faster on one machine. Dask pays on a cluster: --scheduler tcp://HOST:8786")


_LOCAL_CLUSTERS: dict[int, tuple[Any, Any]] = {}
"""LocalClusters started here, by worker count, kept for later experiments in this session (a
notebook pays the start-up, about 1-2 s, once); closed by :func:`shutdown_clusters` and at exit."""


def local_cluster(workers: int | None = None):
    """The session's LocalCluster of ``workers`` (default: all cores) single-threaded processes:
    the one kept from an earlier call if it is still running, else a new one. (client, cluster)."""
    n = workers or cpu_count()
    kept = _LOCAL_CLUSTERS.get(n)
    if kept is not None:
        client, cluster = kept
        if client.status == "running" and cluster.status.name == "running":
            return client, cluster
        _close_local(n)
    if not _LOCAL_CLUSTERS:
        atexit.register(shutdown_clusters)  # after distributed's own exit hooks were registered: runs first
    client, cluster = dask_client(None, n)
    _LOCAL_CLUSTERS[n] = (client, cluster)
    return client, cluster


def _close_local(n: int) -> None:
    client, cluster = _LOCAL_CLUSTERS.pop(n)
    with contextlib.suppress(Exception):
        client.close()
    with contextlib.suppress(Exception):
        cluster.close()


def shutdown_clusters() -> None:
    """Close the LocalClusters kept for the session (also done at exit)."""
    for n in list(_LOCAL_CLUSTERS):
        _close_local(n)


def dask_client_for(scheduler: Any, workers: int | None):
    """(client, the kept local cluster or None, close the client after the run?) for a run."""
    if scheduler is None:
        client, cluster = local_cluster(workers)
        return client, cluster, False
    client, _ = dask_client(scheduler, workers)
    return client, None, isinstance(scheduler, str)


def cluster_threads(client, scheduler: Any = None, wait: float = 10.0) -> int:
    """Threads the cluster's workers have between them (the tasks it runs at once): what a
    run's batches are sized for. Waits up to ``wait`` seconds for a first worker to join."""
    try:
        client.wait_for_workers(1, timeout=wait)
    except (TimeoutError, OSError):
        where = scheduler if isinstance(scheduler, str) else "the Dask cluster"
        raise ParameterError("scheduler", f"{where} has no workers (none joined within {wait:g} s): "
                                          "start some with 'dask worker ADDRESS'") from None
    return max(1, sum(client.nthreads().values()))


def dask_setup(worker) -> None:
    """Run in each worker of a LocalCluster this module starts (its ``preload``): ignore Ctrl-C,
    which the terminal sends to every process of the job; the parent acts on it and closes
    the cluster (a worker that acted on it too would print a traceback). Belt and braces: a
    worker forked from the forkserver ignores it already; one spawned (a restarted worker,
    or no forkserver) does from here on."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed.worker").addFilter(_HeartbeatAtShutdown())


class _HeartbeatAtShutdown(logging.Filter):
    """Drop a worker's "Failed to communicate with scheduler during heartbeat" (and its traceback)
    in a LocalCluster dipsim started: it is logged when the cluster is closed (Ctrl-C, SIGTERM, the
    end of the session) and the scheduler goes before the worker's last heartbeat; it would break
    dipsim's one line on stderr. A scheduler lost mid-run still fails the run in the parent."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "during heartbeat" not in record.getMessage()


def run_dask(batches, collect, client, cluster, take, bar, retries) -> None:
    from distributed import as_completed as dask_as_completed

    token = uuid.uuid4().hex[:12]
    futures = [client.submit(run_batch, b, collect, retries=retries, pure=False,
                             key=f"dipsim-batch-{token}-{k}") for k, b in enumerate(batches)]
    try:
        for fut in dask_as_completed(futures):
            take(fut.result(), bar)
    except BaseException:
        client.cancel(futures)
        if cluster is not None and isinstance(sys.exc_info()[1], KeyboardInterrupt):
            shutdown_clusters()  # stopped mid-run (Ctrl-C, SIGTERM): the local cluster's workers stop too
        raise
