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
@contextlib.contextmanager
def given_cohort(cohort):
    """Let dipsim's Model use an already drawn cohort (so only the simulation is timed)."""
    real = core.draw_cohort
    core.draw_cohort = lambda scenario, streams, days: cohort
    try:
        yield
    finally:
        core.draw_cohort = real


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


def time_dipsim_sim(sc: Scenario, cohort, seed: int, rep: int, days: int) -> tuple[Clock, int, int]:
    with given_cohort(cohort):
        with Clock() as c:
            m = core.Model(sc, Streams(seed, rep), days)
            m.run()
    sched, proc = events_of(m.env)
    return c, sched, proc


def time_yardstick_sim(sc: Scenario, cohort, days: int) -> tuple[Clock, int, int]:
    with Clock() as c:
        y = yardstick.Yardstick(sc, cohort, days)
        y.run()
    sched, proc = events_of(y.env)
    return c, sched, proc


def time_dipsim_e2e(sc: Scenario, seed: int, rep: int, days: int) -> Clock:
    with Clock() as c:
        dipsim_run(sc, seed=seed, replication=rep, days=days)
    return c


def time_yardstick_e2e(sc: Scenario, seed: int, rep: int, days: int) -> Clock:
    with Clock() as c:
        yardstick.run(sc, draw_cohort(sc, Streams(seed, rep), days), days)
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
def parallel(sc: Scenario, days: int, reps: int, workers: int | None) -> dict:
    try:
        from dipsim.experiment.backends import cpu_count, dask_client
        from dipsim.experiment.replications import replicate
    except ImportError as exc:  # pragma: no cover - the experiments package is not there
        return {"skipped": f"dipsim.experiment not available ({exc})"}
    cores = workers or cpu_count()
    out: dict = {"replications": reps, "workers": cores}

    def timed(**kw) -> tuple[float, object]:
        gc.collect()
        t = time.perf_counter()
        r = replicate(sc, reps, days=days, progress=False, **kw)
        return time.perf_counter() - t, r

    out["serial_s"], serial = timed(backend="serial")
    rep_s = out["serial_s"] / reps
    out["replication_s"] = rep_s
    out["processes_s"], procs = timed(backend="processes", workers=cores)
    t = time.perf_counter()
    client, cluster = dask_client(None, cores)
    client.run(lambda: __import__("dipsim.results"))  # workers import dipsim once, as a long-lived cluster has
    out["dask_cluster_start_s"] = time.perf_counter() - t
    try:
        out["dask_s"], dasked = timed(backend="dask", scheduler=client, workers=cores)
    finally:
        client.close()
        cluster.close()
    for name in ("processes", "dask"):
        wall = out[f"{name}_s"]
        out[f"{name}_speedup"] = out["serial_s"] / wall
        out[f"{name}_efficiency"] = out[f"{name}_speedup"] / cores
        # Everything beyond a perfect split of the serial work, per replication, in worker-seconds.
        over = (wall * cores - out["serial_s"]) / reps
        out[f"{name}_overhead_per_rep_s"] = over
        out[f"{name}_overhead_pct_of_rep"] = 100 * over / rep_s
    same = all(serial.replications.drop(columns=[]).equals(x.replications) for x in (procs, dasked))
    out["identical_kpis_across_backends"] = bool(same)
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
        f"cost per arrest, median of {len(res['timing']['pairs'])} interleaved pairs "
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
            lines += [
                "",
                f"parallel, {p['replications']} replications on {p['workers']} workers "
                f"(one replication {p['replication_s'] * 1e3:.0f} ms serial):",
                f"  serial     {p['serial_s']:7.2f} s",
                f"  processes  {p['processes_s']:7.2f} s  speed-up {p['processes_speedup']:.2f}x "
                f"({p['processes_efficiency']:.0%} of {p['workers']} cores; overhead "
                f"{p['processes_overhead_pct_of_rep']:.1f}% of a replication, pool start-up included)",
                f"  dask       {p['dask_s']:7.2f} s  speed-up {p['dask_speedup']:.2f}x "
                f"({p['dask_efficiency']:.0%}; overhead {p['dask_overhead_pct_of_rep']:.1f}% of a replication; "
                f"LocalCluster start {p['dask_cluster_start_s']:.1f} s not included)",
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
    ap.add_argument("--large-factor", type=float, default=2.5,
                    help="arrest-rate multiplier of the 'large area' memory run (default 2.5: ~11,000 a year)")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    args = ap.parse_args(argv)
    if args.pairs < 1:
        ap.error("--pairs must be >= 1")
    sc = load_scenario(args.scenario)
    days = sc.days if args.days is None else args.days
    res: dict = {"scenario": sc.name, "days": days, "machine": machine()}
    res["timing"] = timing(sc, days, args.pairs)
    if not args.no_memory:
        res["memory"] = memory(sc, days, args.large_factor)
    if args.reps > 0:
        res["parallel"] = parallel(sc, days, args.reps, args.workers)
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, default=str))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
