"""dipsim against a plain-SimPy yardstick: cost per arrest, events/s, memory, parallel speed-up.

    .venv/bin/python -m benchmarks.run                 # the full benchmark (about 2 minutes)
    .venv/bin/python -m benchmarks.run --pairs 1 --days 5 --reps 0 --no-memory   # smoke test

See benchmarks/README.md for what is timed and how. Nothing here changes the model:
event counts are read off SimPy's event-id counter after a run, memory is measured in
separate (untimed) runs because tracemalloc slows Python down.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import simpy

import dipsim
import dipsim.model.core as core
from dipsim.model.cohort import draw_cohort
from dipsim.random import Streams
from dipsim.results import run as dipsim_run
from dipsim.scenario import Scenario, load_scenario, replace

from . import yardstick


# -- the machine -------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)), "cpu": cpu,
            "python": platform.python_version(), "simpy": simpy.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "dipsim": dipsim.__version__, "platform": platform.platform(),
            "loadavg_at_start": os.getloadavg()}


# -- one timed replication of each -------------------------------------------------------------
DIPSIM = {"core": core, "run": dipsim_run, "label": "working tree"}
"""The dipsim the timing section measures: this tree's, or a git ref's with ``--ref``."""


@contextlib.contextmanager
def given_cohort(cohort, model_core=None):
    """Let dipsim's Model use an already drawn cohort (so only the simulation is timed)."""
    model_core = model_core or DIPSIM["core"]
    real = model_core.draw_cohort
    model_core.draw_cohort = lambda scenario, streams, days: cohort
    try:
        yield
    finally:
        model_core.draw_cohort = real


def events_of(env: simpy.Environment) -> tuple[int, int]:
    """(scheduled, processed) events of a finished environment, from SimPy's event-id counter."""
    scheduled = next(env._eid)  # noqa: SLF001 - the counter SimPy numbers every scheduled event with
    return scheduled, scheduled - len(env._queue)  # noqa: SLF001


class Clock:
    """Wall time and this process's CPU time of a block (CPU time is the steadier of the two
    on a shared machine; the model is single-threaded, so the two agree on an idle one)."""

    def __enter__(self):
        gc.collect()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def pause(self) -> None:
        """Stop the clock for an untimed step (``resume`` starts it again)."""
        self._paused = time.perf_counter(), time.process_time()

    def resume(self) -> None:
        w, c = self._paused
        self.wall += time.perf_counter() - w
        self.cpu += time.process_time() - c


def time_dipsim_sim(sc: Scenario, cohort, seed: int, rep: int, days: int) -> tuple[Clock, int, int]:
    with given_cohort(cohort):
        with Clock() as c:
            m = DIPSIM["core"].Model(sc, Streams(seed, rep), days)
            m.run()
    sched, proc = events_of(m.env)
    return c, sched, proc


def time_yardstick_sim(sc: Scenario, cohort, days: int) -> tuple[Clock, int, int]:
    people = yardstick.People(cohort)  # its plain lists, prepared outside the timed region
    with Clock() as c:
        y = yardstick.Yardstick(sc, people, days)
        y.run()
    sched, proc = events_of(y.env)
    return c, sched, proc


def time_dipsim_e2e(sc: Scenario, seed: int, rep: int, days: int) -> Clock:
    with Clock() as c:
        DIPSIM["run"](sc, seed=seed, replication=rep, days=days)
    return c


def time_yardstick_e2e(sc: Scenario, seed: int, rep: int, days: int) -> Clock:
    """The yardstick's draw + simulation; the conversion of the drawn cohort to its lists is
    left out (a minimal model would draw into lists; dipsim's own draw is reused for fairness)."""
    with Clock() as c:
        cohort = draw_cohort(sc, Streams(seed, rep), days)
        c.pause()
        people = yardstick.People(cohort)
        c.resume()
        yardstick.Yardstick(sc, people, days).run()
    return c


def timing(sc: Scenario, days: int, pairs: int) -> dict:
    """``pairs`` interleaved pairs (the order alternates); each pair on a fresh replication,
    both models on the same drawn cohort. Medians over pairs."""
    seed = sc.seed
    rows = []
    for k in range(pairs):
        cohort = draw_cohort(sc, Streams(seed, k), days)
        n = cohort.n
        order = ("dipsim", "yardstick") if k % 2 == 0 else ("yardstick", "dipsim")
        row = {"pair": k, "arrests": n}
        for who in order:
            if who == "dipsim":
                sim, row["dipsim_events"], row["dipsim_processed"] = time_dipsim_sim(sc, cohort, seed, k, days)
                e2e = time_dipsim_e2e(sc, seed, k, days)
            else:
                sim, row["yard_events"], row["yard_processed"] = time_yardstick_sim(sc, cohort, days)
                e2e = time_yardstick_e2e(sc, seed, k, days)
            p = "dipsim" if who == "dipsim" else "yard"
            row[f"{p}_sim_s"], row[f"{p}_sim_cpu_s"] = sim.wall, sim.cpu
            row[f"{p}_e2e_s"], row[f"{p}_e2e_cpu_s"] = e2e.wall, e2e.cpu
        rows.append(row)
    df = pd.DataFrame(rows)
    n = df["arrests"].clip(lower=1)
    for who in ("dipsim", "yard"):
        for what in ("sim", "e2e"):
            df[f"{who}_{what}_us"] = df[f"{who}_{what}_s"] / n * 1e6
            df[f"{who}_{what}_cpu_us"] = df[f"{who}_{what}_cpu_s"] / n * 1e6
        df[f"{who}_events_per_s"] = df[f"{who}_processed"] / df[f"{who}_sim_s"]
        df[f"{who}_events_per_cpu_s"] = df[f"{who}_processed"] / df[f"{who}_sim_cpu_s"]
    for what in ("sim", "e2e"):
        df[f"ratio_{what}"] = df[f"dipsim_{what}_s"] / df[f"yard_{what}_s"]
        df[f"ratio_{what}_cpu"] = df[f"dipsim_{what}_cpu_s"] / df[f"yard_{what}_cpu_s"]
    med = {c: float(df[c].median()) for c in df.columns if c != "pair"}
    return {"pairs": rows, "median": med}


# -- memory ------------------------------------------------------------------------------------
def peak_memory(fn) -> tuple[int, int, object]:
    """(peak bytes during fn, bytes still held by what fn returned, the result)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out = fn()
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base, held - base, out


def memory(sc: Scenario, days: int, large_factor: float) -> dict:
    seed = sc.seed
    res: dict = {}
    peak, held, r = peak_memory(lambda: dipsim_run(sc, seed=seed, replication=0, days=days))
    n = len(r.people)
    res["dipsim"] = {"arrests": n, "peak_bytes": peak, "retained_bytes": held,
                     "people_table_bytes": int(r.people.memory_usage(deep=True).sum())}
    del r
    peak, held, y = peak_memory(lambda: yardstick.run(sc, draw_cohort(sc, Streams(seed, 0), days), days))
    res["yardstick"] = {"arrests": y.n, "peak_bytes": peak}
    del y
    # A large area: every arrest rate scaled up, a year.
    rates = {k: v * large_factor for k, v in sc.arrivals.arrests_per_day.items()}
    big = replace(sc, {"arrivals.arrests_per_day": rates})
    t = time.perf_counter()
    peak, held, r = peak_memory(lambda: dipsim_run(big, seed=seed, replication=0, days=days))
    traced_s = time.perf_counter() - t
    p = r.people
    table = int(p.memory_usage(deep=True).sum())
    obj_cols = [c for c in p.columns if p[c].dtype == object]
    res["large"] = {"factor": large_factor, "arrests": len(p), "columns": p.shape[1], "peak_bytes": peak,
                    "retained_bytes": held, "people_table_bytes": table,
                    "bytes_per_person": table / max(1, len(p)), "object_columns": obj_cols,
                    "dtypes": p.dtypes.astype(str).value_counts().to_dict(), "traced_run_s": traced_s}
    return res


# -- parallel ----------------------------------------------------------------------------------
def _concurrent_worker(sc: Scenario, days: int, first: int, k: int, barrier, results) -> None:
    """Run ``k`` replications once every worker is ready; report seconds per replication."""
    from dipsim.experiment.backends import Job, run_job
    from dipsim.experiment.kpis import KpiCollector

    collect = KpiCollector()
    run_job(Job(sc, sc.seed, first + k, days), collect)  # warm up: first-call costs off the clock
    barrier.wait()
    t = time.perf_counter()
    for r in range(first, first + k):
        run_job(Job(sc, sc.seed, r, days), collect)
    results.put((time.perf_counter() - t) / k)


def hardware_ceiling(sc: Scenario, days: int, workers: int, k: int) -> float:
    """Seconds per replication when ``workers`` bare processes (fresh interpreters, warmed up, no
    experiments package in between) each run ``k`` replications at the same time: what the
    machine allows (shared caches, memory bandwidth, other tenants), before any framework."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # not fork: copy-on-write faults of a big parent slow the children
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_concurrent_worker, args=(sc, days, 1000 + w * (k + 1), k, barrier, results))
             for w in range(workers)]
    for p in procs:
        p.start()
    per_rep = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    return statistics.mean(per_rep)


def _serial_worker(sc: Scenario, days: int, reps: int, results) -> None:
    from dipsim.experiment.replications import replicate

    replicate(sc, 2, days=days, progress=False, backend="serial")  # first-call costs (imports) off the clock
    gc.collect()
    t = time.perf_counter()
    table = replicate(sc, reps, days=days, progress=False, backend="serial").replications
    results.put((time.perf_counter() - t, table))


def serial_in_fresh_process(sc: Scenario, days: int, reps: int):
    """The serial backend's wall time (and KPI table) in a new interpreter: the benchmark's own
    process has grown (tracemalloc runs, a cluster's imports) and runs a replication slower
    than the fresh processes the parallel backends use, which would flatter their speed-up."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(target=_serial_worker, args=(sc, days, reps, results))
    proc.start()
    wall, table = results.get(timeout=3600)
    proc.join()
    return wall, table


def _noop() -> None:
    return None


class ForeignLoad:
    """CPU seconds other processes used while a block ran (from /proc): on a shared machine a
    parallel timing means little without it. Counts everything busy on the machine, less
    this process and its children (workers started by the experiments package included)."""

    def __enter__(self):
        self.t0, self.own0 = time.perf_counter(), self._own()
        self.busy0 = self._busy()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.t0
        self.seconds = max(0.0, (self._busy() - self.busy0) - (self._own() - self.own0))
        self.cores = self.seconds / wall if wall > 0 else 0.0

    @staticmethod
    def _busy() -> float:
        with contextlib.suppress(OSError):
            f = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
            v = [int(x) for x in f]
            idle = v[3] + (v[4] if len(v) > 4 else 0)
            return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        return 0.0

    @staticmethod
    def _own() -> float:
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil comes with distributed
            return 0.0
        me = psutil.Process()
        total = sum(me.cpu_times()[:4])  # user, system, children_user, children_system (reaped)
        for c in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(c.cpu_times()[:2])
        return total


def parallel(sc: Scenario, days: int, reps: int, workers: int | None, rounds: int = 3) -> dict:
    """``rounds`` interleaved rounds of: serial; the machine's ceiling (bare processes side by
    side); the processes backend cold (pool start-up included) and warm (the pool the package
    keeps for the session); Dask on a LocalCluster started beforehand, as the package starts it
    and with the workers' statistical profiler off. All but the ceiling go through the
    experiments package's ``replicate``. Each figure is the fastest round (other load only ever
    adds time); the other processes' CPU use during each measurement is kept alongside."""
    try:
        import dask

        from dipsim.experiment.backends import cpu_count, default_batch_size, shutdown_pools
        from dipsim.experiment.dask_cluster import dask_client
        from dipsim.experiment.replications import replicate
    except ImportError as exc:  # pragma: no cover - the experiments package is not there
        return {"skipped": f"dipsim.experiment not available ({exc})"}
    cores = workers or cpu_count()
    out: dict = {"replications": reps, "workers": cores, "batch_size": default_batch_size(reps, cores),
                 "rounds": rounds}
    times: dict[str, list[float]] = {}
    foreign: dict[str, list[float]] = {}
    tables = {}

    def record(name: str, fn) -> None:
        gc.collect()
        with ForeignLoad() as load:
            t = time.perf_counter()
            value = fn()
            dt = time.perf_counter() - t
        times.setdefault(name, []).append(dt)
        foreign.setdefault(name, []).append(load.cores)
        if value is not None and hasattr(value, "replications"):
            tables.setdefault(name, value.replications)

    def rep(**kw):
        return replicate(sc, reps, days=days, progress=False, **kw)

    k = max(2, reps // (2 * cores))
    for _ in range(rounds):
        with ForeignLoad() as load:
            wall, table = serial_in_fresh_process(sc, days, reps)
        times.setdefault("serial", []).append(wall)
        foreign.setdefault("serial", []).append(load.cores)
        tables.setdefault("serial", table)
        with ForeignLoad() as load:
            per_rep = hardware_ceiling(sc, days, cores, k)
        times.setdefault("ceiling", []).append(reps * per_rep / cores)
        foreign.setdefault("ceiling", []).append(load.cores)
        shutdown_pools()  # the first processes run starts its pool, as a fresh session does
        record("processes_cold", lambda: rep(backend="processes", workers=cores))
        record("processes", lambda: rep(backend="processes", workers=cores))
        for name, config in (("dask", {}), ("dask_noprof", {"distributed.worker.profile.enabled": False})):
            with dask.config.set(config):  # a LocalCluster's workers take the config of the process starting it
                t = time.perf_counter()
                client, cluster = dask_client(None, cores)
                client.run(lambda: __import__("dipsim.results"))  # workers import dipsim once, as a long-lived one has
                times.setdefault(f"{name}_cluster_start", []).append(time.perf_counter() - t)
                try:
                    record(name, lambda c=client: rep(backend="dask", scheduler=c, workers=cores))
                    trips = []
                    for _ in range(20):
                        t = time.perf_counter()
                        client.submit(_noop, pure=False).result()
                        trips.append(time.perf_counter() - t)
                    times.setdefault(f"{name}_round_trip", []).append(statistics.median(trips))
                finally:
                    client.close()
                    cluster.close()
    shutdown_pools()
    out["times_s"] = times
    out["foreign_cores"] = foreign
    best = out["best_s"] = {name: min(v) for name, v in times.items()}
    out["replication_s"] = best["serial"] / reps

    def paired(f) -> float:
        """Median over rounds of f(round): each round's figures were measured minutes apart."""
        return statistics.median(f(r) for r in range(rounds))

    serial = times["serial"]
    for name in ("ceiling", "processes_cold", "processes", "dask", "dask_noprof"):
        t = times[name]
        out[f"{name}_speedup"] = paired(lambda r: serial[r] / t[r])
        out[f"{name}_efficiency"] = out[f"{name}_speedup"] / cores
        out[f"{name}_of_ceiling"] = paired(lambda r: times["ceiling"][r] / t[r])
        # Worker-seconds per replication beyond a perfect split of the serial work, as a share of
        # one replication: (wall x workers - serial) / serial.
        out[f"{name}_overhead_pct_of_rep"] = paired(lambda r: 100 * (t[r] * cores / serial[r] - 1))
    for name in ("dask", "dask_noprof"):
        t = times[name]
        out[f"{name}_vs_processes_pct_of_rep"] = paired(
            lambda r: 100 * (t[r] - times["processes"][r]) * cores / serial[r])
        out[f"{name}_round_trip_pct_of_rep"] = 100 * best[f"{name}_round_trip"] / out["batch_size"] / out["replication_s"]
    base = tables["serial"]
    out["identical_kpis_across_backends"] = bool(all(base.equals(t) for t in tables.values()))
    return out


# -- report ------------------------------------------------------------------------------------
def mb(b: float) -> str:
    return f"{b / 2**20:.1f} MiB"


def report(res: dict) -> str:
    m = res["machine"]
    lines = [f"dipsim benchmark - {res['scenario']} for {res['days']} days",
             f"machine: {m['nproc']} cores ({m['usable_cores']} usable), {m['cpu']}; Python {m['python']}, "
             f"SimPy {m['simpy']}, numpy {m['numpy']}, pandas {m['pandas']}; load at start "
             + ", ".join(f"{x:.2f}" for x in m["loadavg_at_start"])]
    tm = res["timing"]["median"]
    lines += [
        "",
        f"cost per arrest ({res['dipsim_timed']}), median of {len(res['timing']['pairs'])} interleaved pairs "
        f"({tm['arrests']:.0f} arrests per replication):",
        "                                        dipsim    yardstick    ratio   (CPU time: dipsim, yardstick, ratio)",
        f"  simulation only (same drawn cohort) {tm['dipsim_sim_us']:8.1f} µs {tm['yard_sim_us']:8.1f} µs "
        f"{tm['ratio_sim']:7.2f}x   ({tm['dipsim_sim_cpu_us']:.1f} µs, {tm['yard_sim_cpu_us']:.1f} µs, "
        f"{tm['ratio_sim_cpu']:.2f}x)",
        f"  end to end (draw + sim [+ table])   {tm['dipsim_e2e_us']:8.1f} µs {tm['yard_e2e_us']:8.1f} µs "
        f"{tm['ratio_e2e']:7.2f}x   ({tm['dipsim_e2e_cpu_us']:.1f} µs, {tm['yard_e2e_cpu_us']:.1f} µs, "
        f"{tm['ratio_e2e_cpu']:.2f}x)",
        f"  events processed per replication    {tm['dipsim_processed']:10.0f} {tm['yard_processed']:11.0f}",
        f"  events per second (simulation)      {tm['dipsim_events_per_s']:10.0f} {tm['yard_events_per_s']:11.0f}"
        f"            ({tm['dipsim_events_per_cpu_s']:.0f}, {tm['yard_events_per_cpu_s']:.0f} per CPU second)",
    ]
    if "memory" in res:
        mem = res["memory"]
        d, y, big = mem["dipsim"], mem["yardstick"], mem["large"]
        lines += [
            "",
            "memory (tracemalloc, one replication):",
            f"  peak, dipsim run() incl. people table  {mb(d['peak_bytes'])} "
            f"({d['peak_bytes'] / max(1, d['arrests']):.0f} B/arrest); yardstick {mb(y['peak_bytes'])}",
            f"  people table {mb(d['people_table_bytes'])} = "
            f"{d['people_table_bytes'] / max(1, d['arrests']):.0f} B/person; whole RunResult kept "
            f"{mb(d['retained_bytes'])}",
            f"  large area (x{big['factor']:g} arrests, {big['arrests']} people, {big['columns']} columns): "
            f"peak {mb(big['peak_bytes'])}, people table {mb(big['people_table_bytes'])} "
            f"({big['bytes_per_person']:.0f} B/person), RunResult kept {mb(big['retained_bytes'])}",
            f"    -> 100 replications' people tables: {mb(100 * big['people_table_bytes'])}; "
            f"object (Python-object) columns: {big['object_columns'] or 'none'}",
        ]
    if "parallel" in res:
        p = res["parallel"]
        if "skipped" in p:
            lines += ["", f"parallel: skipped - {p['skipped']}"]
        else:
            best, fl = p["best_s"], p["foreign_cores"]

            def row(label: str, name: str, note: str = "") -> str:
                return (f"  {label:18s} {best[name]:6.2f} s  speed-up {p[f'{name}_speedup']:.2f}x "
                        f"({p[f'{name}_efficiency']:.0%} of {p['workers']} cores, {p[f'{name}_of_ceiling']:.0%} of the "
                        f"machine's ceiling){note}; other load up to {max(fl[name]):.2f} cores")

            lines += [
                "",
                f"parallel, {p['replications']} replications on {p['workers']} workers, {p['batch_size']} per task, "
                f"{p['rounds']} rounds (one replication {p['replication_s'] * 1e3:.0f} ms serial); time: the fastest "
                "round; ratios: median over rounds of each round's own ratio:",
                f"  {'serial':18s} {best['serial']:6.2f} s  (in a fresh process); other load up to "
                f"{max(fl['serial']):.2f} cores",
                row("machine ceiling", "ceiling", " - bare processes side by side"),
                row("processes, cold", "processes_cold", " - pool start-up included"),
                row("processes, warm", "processes"),
                row("dask LocalCluster", "dask"),
                row("dask, no profiler", "dask_noprof"),
                f"  beyond a perfect split, per replication: processes {p['processes_overhead_pct_of_rep']:.1f}%, "
                f"dask {p['dask_overhead_pct_of_rep']:.1f}%, dask without the workers' profiler "
                f"{p['dask_noprof_overhead_pct_of_rep']:.1f}% (the machine itself: {p['ceiling_overhead_pct_of_rep']:.1f}%)",
                f"  Dask's own overhead: {p['dask_vs_processes_pct_of_rep']:.1f}% of a replication more than warm "
                f"processes ({p['dask_noprof_vs_processes_pct_of_rep']:.1f}% with the workers' profiler off); "
                f"a task's round trip {best['dask_round_trip'] * 1e3:.1f} ms = "
                f"{p['dask_round_trip_pct_of_rep']:.2f}% of a replication at {p['batch_size']} a task; "
                f"LocalCluster start {best['dask_cluster_start']:.1f} s, not included",
                f"  KPI tables identical across backends: {p['identical_kpis_across_backends']}",
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="urban_intensive", help="scenario name or path (default urban_intensive)")
    ap.add_argument("--days", type=int, default=None, help="days of arrests (default: the scenario's, 365)")
    ap.add_argument("--pairs", type=int, default=7, help="interleaved dipsim/yardstick pairs (default 7)")
    ap.add_argument("--reps", type=int, default=100, help="replications for the parallel runs (0: skip)")
    ap.add_argument("--workers", type=int, default=None, help="parallel workers (default: all cores)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the parallel measurements (default 3)")
    ap.add_argument("--large-factor", type=float, default=2.5,
                    help="arrest-rate multiplier of the 'large area' memory run (default 2.5: ~11,000 a year)")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--whole-workload", action="store_true",
                    help="time dipsim against the yardstick with the team's other work as shipped (default: "
                         "the yardstick's stage graph only, yardstick.stage_graph_only)")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    ap.add_argument("--ref", default=None,
                    help="time a git ref's dipsim (e.g. the commit before a change) against the yardstick "
                         "instead of the working tree's; memory and parallel figures stay the working tree's")
    args = ap.parse_args(argv)
    if args.pairs < 1:
        ap.error("--pairs must be >= 1")
    sc = load_scenario(args.scenario)
    days = sc.days if args.days is None else args.days
    res: dict = {"scenario": sc.name, "days": days, "machine": machine()}
    with contextlib.ExitStack() as stack:
        if args.ref:
            import importlib
            import tempfile

            from .check_identical import load_ref

            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            DIPSIM["run"] = load_ref(args.ref, Path(tmp)).run
            DIPSIM["core"] = importlib.import_module("dipsim_ref.model.core")
            DIPSIM["label"] = f"git {args.ref}"
        res["dipsim_timed"] = DIPSIM["label"] + ("" if args.whole_workload else
                                                 ", the yardstick's stage graph only (no other CJIT work)")
        res["timing"] = timing(sc if args.whole_workload else yardstick.stage_graph_only(sc), days, args.pairs)
    if not args.no_memory:
        res["memory"] = memory(sc, days, args.large_factor)
    if args.reps > 0:
        res["parallel"] = parallel(sc, days, args.reps, args.workers, args.rounds)
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, default=str))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
