"""Where replications run: ``serial``, ``processes`` (all cores, the default) or ``dask``.

Every backend runs the same pure function, :func:`dipsim.results.run`, on the same
(scenario, seed, replication) jobs, so the answers are identical whichever runs them;
only wall time differs. Jobs travel in batches (several (cell, replication) runs per
task) and each task returns only what its collector keeps (a KPI row, a daily
series), never people tables.

Dask (:mod:`dipsim.experiment.dask_cluster`): ``scheduler="tcp://host:8786"`` (or a
``distributed.Client``) uses a running cluster, batches sized for its threads; without one a
``LocalCluster`` of one single-threaded worker process per core is started and kept for the
session. Tasks are submitted with ``retries=`` so that a task whose
worker died or raised is run again elsewhere; the scheduler also reschedules the tasks
of a lost worker on its own.

Stopping (docs/reliability.md, "Stopping a run"): the worker processes this module starts
ignore Ctrl-C (the terminal sends it to every process of the job; only the parent acts on
it, stops its workers and lets the CLI print its one "interrupted" line). SIGTERM during a
run is turned into the same interruption. A pool worker exits the moment its parent process
ends, however it ends (``kill -9`` included: it watches the parent through a pidfd, or polls
where there is none); the forkserver and the resource tracker then exit on their own, as
Dask's workers do when their nanny (the parent, for a LocalCluster) is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import math
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from ..errors import ParameterError
from ..results import run, run_levels
from ..scenario import Scenario

BACKENDS = ("serial", "processes", "dask")
DEFAULT_BACKEND = "processes"
TASKS_PER_WORKER = 4
"""Aim for about this many batches per worker: enough to balance load, few enough to keep
per-task overhead (pickling a scenario, a round trip) small."""


@dataclass(frozen=True)
class Job:
    """One run: ``scenario`` with ``Streams(seed, replication)`` for ``days`` (None: the scenario's)."""
    scenario: Scenario
    seed: int
    replication: int
    days: int | None = None
    cell: int = 0
    group: int | None = None
    """Cells whose scenarios differ only in their numbers of workers (an area at several staffing levels)
    have one group: their runs of a replication are made together, sharing the cohort and the walks that
    need no worker (:func:`dipsim.results.run_levels`). None: the job's cell alone."""


Collector = Callable[[Any, Job], Any]
"""``collect(result, job)``: what to keep of one :class:`~dipsim.results.RunResult`
(it runs in the worker; must be picklable, e.g. a module-level class instance)."""


def run_job(job: Job, collect: Collector) -> Any:
    # No people table unless the collector reads ``result.people``: the KPIs come from the
    # record arrays (dipsim.kpis_from_records), the same numbers.
    result = run(job.scenario, seed=job.seed, replication=job.replication, days=job.days, people_table=False)
    return collect(result, job)


def run_batch(batch: Sequence[tuple[int, Job]], collect: Collector) -> list[tuple[int, Any]]:
    """Run a batch of (index, job) in this process; return (index, collected) pairs. The consecutive
    jobs of one group's replication (:attr:`Job.group`) are made by :func:`dipsim.results.run_levels`
    (the same results, sharing what their staffing does not change)."""
    out: list[tuple[int, Any]] = []
    k = 0
    while k < len(batch):
        i, job = batch[k]
        together = 1
        if job.group is not None:
            while k + together < len(batch) and _same_draws(batch[k + together][1], job):
                together += 1
        if together == 1:
            out.append((i, run_job(job, collect)))
        else:
            jobs = [j for _, j in batch[k:k + together]]
            results = run_levels([j.scenario for j in jobs], jobs[0].seed, jobs[0].replication, jobs[0].days,
                                 people_table=False)
            out += [(ix, collect(result, j)) for (ix, j), result in zip(batch[k:k + together], results)]
        k += together
    return out


def _same_draws(a: Job, b: Job) -> bool:
    """One group's runs of one replication: made together."""
    return a.group == b.group and (a.seed, a.replication, a.days) == (b.seed, b.replication, b.days)


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_backend(backend: str, scheduler: Any = None) -> str:
    if backend not in BACKENDS:
        raise ParameterError("backend", f"must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if scheduler is not None and backend != "dask":
        raise ParameterError("scheduler", "only works with the dask backend")
    if backend == "dask" and importlib.util.find_spec("distributed") is None:
        raise ParameterError("backend", _NO_DASK)
    return backend


_NO_DASK = "dask needs the Dask extra, not installed here: pip install 'dipsim[dask]' (or use --backend processes)"


def make_batches(jobs: Sequence[Job], batch_size: int) -> list[list[tuple[int, Job]]]:
    """Consecutive jobs of the same cell, ``batch_size`` at a time (a batch never spans cells,
    so a cell is finished, and can be saved, as soon as its own batches are); or of the same group
    of cells (:attr:`Job.group`), never splitting the group's runs of one replication (they share
    their draws in one process), so a batch may run over ``batch_size`` by those few."""
    batches: list[list[tuple[int, Job]]] = []
    current: list[tuple[int, Job]] = []
    for i, job in enumerate(jobs):
        if current:
            last = current[-1][1]
            if _unit(last) != _unit(job) or (len(current) >= batch_size and not
                                              (job.group is not None and _same_draws(last, job))):
                batches.append(current)
                current = []
        current.append((i, job))
    if current:
        batches.append(current)
    return batches


def _unit(job: Job) -> tuple[str, int]:
    return ("cell", job.cell) if job.group is None else ("group", job.group)


def default_batch_size(n_jobs: int, workers: int) -> int:
    return max(1, math.ceil(n_jobs / (workers * TASKS_PER_WORKER)))


def progress_bar(total: int, desc: str, progress: bool | None):
    """A tqdm bar on stderr; ``progress=None``: only when stderr is a terminal."""
    from tqdm.auto import tqdm

    enabled = _stderr_is_terminal() if progress is None else bool(progress)
    return tqdm(total=total, desc=desc, unit="run", disable=not enabled, file=sys.stderr, dynamic_ncols=True)


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def execute(jobs: Sequence[Job], collect: Collector, backend: str = DEFAULT_BACKEND, *,
            scheduler: Any = None, workers: int | None = None, batch_size: int | None = None,
            progress: bool | None = None, desc: str = "runs",
            on_result: Callable[[int, Any], None] | None = None, retries: int = 3,
            plan: dict | None = None, on_batch: Callable[[], None] | None = None) -> list[Any]:
    """Run every job, return the collected values in job order (whatever order they finished in).

    ``on_result(index, value)`` is called in this process as each result arrives (used to
    save a sweep cell the moment its last replication is in); ``on_batch()`` after each batch's
    results (used to save the replications a cell has so far). Batches are sized for
    ``workers``, by default this machine's cores, or with Dask the cluster's threads (a
    cluster reached through ``scheduler``: its workers' threads, however many this machine
    has). ``plan``, a dict, is filled in with the workers, batch size and tasks used.
    """
    check_backend(backend, scheduler)
    jobs = list(jobs)
    out: list[Any] = [None] * len(jobs)
    if not jobs:
        return out
    if workers is not None and workers < 1:
        raise ParameterError("workers", f"must be a whole number >= 1, got {workers}")
    if backend == "dask":
        from . import dask_cluster as dc
        if scheduler is None and (workers or cpu_count()) not in dc._LOCAL_CLUSTERS:
            note = dc.local_dask_note(len(jobs))
            if note:
                logging.getLogger("dipsim").warning(note)

    def take(pairs: Iterable[tuple[int, Any]], bar) -> None:
        k = 0
        for i, value in pairs:
            out[i] = value
            if on_result is not None:
                on_result(i, value)
            k += 1
        bar.update(k)
        if on_batch is not None:
            on_batch()

    with _terminate_interrupts(backend != "serial"):
        client = cluster = None
        owned = False
        if backend == "dask":
            client, cluster, owned = dc.dask_client_for(scheduler, workers)
        try:
            n_workers = workers or (dc.cluster_threads(client, scheduler) if backend == "dask" else cpu_count())
            size = batch_size or default_batch_size(len(jobs), n_workers)
            batches = make_batches(jobs, size)
            if plan is not None:
                plan.update(workers=n_workers, batch_size=size, tasks=len(batches))
            with progress_bar(len(jobs), desc, progress) as bar:
                if backend == "serial":
                    for batch in batches:
                        take(run_batch(batch, collect), bar)
                elif backend == "processes":
                    _run_processes(batches, collect, n_workers, take, bar)
                else:
                    dc.run_dask(batches, collect, client, cluster, take, bar, retries)
        finally:
            if owned:
                client.close()
    return out


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a run: handled as Ctrl-C is (workers stopped, nothing half-written)."""


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def _signals_held(held: list[int]):
    """Hold Ctrl-C (and SIGTERM while :func:`_terminate_interrupts` maps it) until the block
    ends, noting them in ``held``: a cluster interrupted half-started cannot be closed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signums = [signal.SIGINT] + ([signal.SIGTERM] if signal.getsignal(signal.SIGTERM) is _raise_terminated else [])
    old = {n: signal.signal(n, lambda signum, frame: held.append(signum)) for n in signums}
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(n, handler)


@contextlib.contextmanager
def _terminate_interrupts(active: bool = True):
    """While a parallel run is under way, SIGTERM raises :class:`Terminated` in the main thread
    (unless someone else already handles SIGTERM, or this is not the main thread)."""
    if not active or threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_start(parent_pid: int) -> None:
    """A pool worker's initializer: ignore Ctrl-C (the parent acts on it), and exit as soon as
    the parent process ends, however it ends (a kill -9 runs no clean-up in the parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pidfd = os.pidfd_open(parent_pid)   # readable once the parent has ended (Linux >= 5.3)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        pidfd = None

    def watch() -> None:
        if pidfd is not None:
            select.select([pidfd], [], [])
        else:  # pragma: no cover - no pidfd (not Linux, or an old kernel)
            while _alive(parent_pid):
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="dipsim-parent-watch", daemon=True).start()


def _mp_context():
    # forkserver: safe with threads in the parent (tqdm's monitor, Jupyter, Dask), and with the
    # model preloaded in the server each worker starts in a fraction of a second. The preload
    # (dipsim.experiment._forkserver) also makes every forked worker ignore Ctrl-C. The server is
    # started here, so that Dask (which sets its own preload) forks from this one too.
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dipsim.experiment._forkserver"])
        with _ctrl_c_ignored():  # the new server inherits "ignored" until its preload says so again
            forkserver.ensure_running()
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not POSIX


@contextlib.contextmanager
def _ctrl_c_ignored():
    """Ignore Ctrl-C in this process for the moment a helper process is started (fork and exec,
    milliseconds): a new Python interpreter hit by Ctrl-C while it starts up prints a fatal
    error, one started with Ctrl-C ignored keeps ignoring it. A Ctrl-C in that moment is lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


_POOLS: dict[int, ProcessPoolExecutor] = {}


def process_pool(n_workers: int) -> ProcessPoolExecutor:
    """A pool of ``n_workers`` processes, kept for later experiments in this session (started
    once: a notebook running many experiments pays the start-up once)."""
    pool = _POOLS.get(n_workers)
    if pool is None or getattr(pool, "_broken", False) or getattr(pool, "_shutdown_thread", False):
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_mp_context(), initializer=_worker_start,
                                   initargs=(os.getpid(),))
        _POOLS[n_workers] = pool
    return pool


def shutdown_pools() -> None:
    """Stop the kept process pools (also done at exit)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pools)


def _run_processes(batches, collect, n_workers, take, bar) -> None:
    pool = process_pool(n_workers)
    futures = [pool.submit(run_batch, b, collect) for b in batches]
    try:
        for fut in as_completed(futures):
            take(fut.result(), bar)
    except BaseException:
        for f in futures:
            f.cancel()
        if isinstance(sys.exc_info()[1], (KeyboardInterrupt, BrokenProcessPool)):
            _POOLS.pop(n_workers, None)
            _stop(pool)
        raise


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers are terminated mid-run (their results are not wanted)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(5)
