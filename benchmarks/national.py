"""The national sweep's benchmark (issue 16): 150 areas x 5 staffing levels x 20 replications,
timed whole as a user runs it, and the CPU cost of one run by level.

    .venv/bin/python -m benchmarks.national                   # the whole benchmark (about 20 min on 2 cores)
    .venv/bin/python -m benchmarks.national --sample 30       # CPU per run: 30 areas x 5 levels x 1 run, serial
    .venv/bin/python -m benchmarks.national --ref 8980f4b --sample 16   # per run: the working tree against a ref

**Whole** runs ``dipsim national --areas 150 -n 20 --backend processes --out <new temporary
folder> --no-progress`` as a child process, as a user types it, and prints its wall time, the
CPU time the machine was busy meanwhile (``/proc/stat``: every process, so on a machine
running other work this is more than the command's own; the command's worker processes are
the forkserver's children, which ``getrusage`` of this process does not see) and the load
average before and after, so that a time taken on a busy machine says so. The command's results (15,000 runs)
are checked for their row count.

**Sample** times ``dipsim.results.run`` (the experiments' workers' call: KPIs from the record
arrays) on ``--sample`` areas spread over the 153 (``--areas`` picks them the same way),
every level, one replication each, serially, CPU time; with ``--ref`` the same runs of a git
ref's package alternate with the working tree's, area by area, and the median of each
pair's own ratio is printed. Multiply the CPU per run by 15,000 and divide by the cores for
an estimate of the whole.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def busy_jiffies() -> int:
    """The machine's busy CPU time so far (/proc/stat, clock ticks), all processes."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # less idle and iowait


def whole(areas: int, n: int, levels: str | None) -> int:
    exe = Path(sys.executable).with_name("dipsim")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "national"
        cmd = [str(exe), "national", "--areas", str(areas), "-n", str(n), "--backend", "processes",
               "--out", str(out), "--no-progress"]
        if levels:
            cmd += ["--levels", levels]
        tick = os.sysconf("SC_CLK_TCK")
        load0, j0 = os.getloadavg()[0], busy_jiffies()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        j1, load1 = busy_jiffies(), os.getloadavg()[0]
        if proc.returncode != 0:
            print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}")
            return 1
        busy = (j1 - j0) / tick
        import pandas as pd

        runs = len(pd.read_parquet(out / "results.parquet"))
    print(" ".join(cmd[1:]).replace(str(out), "<tmp>"))
    print(f"  {runs:,} runs in {wall / 60:.1f} min wall ({wall:.0f} s) on {os.cpu_count()} cores; the machine "
          f"was busy {busy:.0f} CPU s meanwhile ({busy / wall:.2f} cores on average, {busy / runs * 1000:.0f} ms a run)")
    print(f"  load average {load0:.2f} before, {load1:.2f} after")
    return 0


def sample(k: int, ref: str | None, rounds: int) -> int:
    sys.path.insert(0, str(ROOT))
    from dipsim import results as tree
    from dipsim.experiment.national import DEFAULT_LEVELS, area_scenario, national_areas, pick_areas

    old = None
    tmp = tempfile.TemporaryDirectory()
    if ref:
        from benchmarks.check_identical import load_ref

        old = load_ref(ref, Path(tmp.name))
    areas = pick_areas(national_areas(), k)
    cases = [(area, level, area_scenario(area, level)[0]) for level in DEFAULT_LEVELS for area in areas]
    by_level: dict[float, list[float]] = {lv: [] for lv in DEFAULT_LEVELS}
    ratios = []
    for r in range(rounds):
        for j, (area, level, sc) in enumerate(cases):
            order = [("tree", tree), ("ref", old)] if (r + j) % 2 == 0 else [("ref", old), ("tree", tree)]
            cpu = {}
            for name, mod in order:
                if mod is None:
                    continue
                t = time.process_time()
                mod.run(sc, seed=2008, replication=r, days=365, people_table=False)
                cpu[name] = time.process_time() - t
            by_level[level].append(cpu["tree"])
            if old is not None:
                ratios.append(cpu["tree"] / cpu["ref"])
    tmp.cleanup()
    every = [x for v in by_level.values() for x in v]
    mean = statistics.fmean(every)
    print(f"{k} areas x {len(DEFAULT_LEVELS)} levels x {rounds} replication(s), serial, CPU per run (mean): "
          + ", ".join(f"level {lv:g} {statistics.fmean(v) * 1000:.0f} ms" for lv, v in by_level.items())
          + f"; all {mean * 1000:.0f} ms")
    cores = os.cpu_count() or 1
    print(f"  15,000 runs at that cost: {mean * 15000:.0f} CPU s, about {mean * 15000 / cores / 60:.1f} min on "
          f"{cores} idle cores (a perfect split)")
    if ratios:
        q = statistics.quantiles(ratios, n=4)
        print(f"  working tree / {ref}: median pair ratio {statistics.median(ratios):.3f} "
              f"(quartiles {q[0]:.3f}-{q[2]:.3f}, {len(ratios)} pairs)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.national", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, metavar="AREAS", help="time AREAS areas x 5 levels serially instead")
    ap.add_argument("--ref", help="with --sample: a git ref to time beside the working tree, pair by pair")
    ap.add_argument("--rounds", type=int, default=1, help="with --sample: replications per area and level")
    ap.add_argument("--areas", type=int, default=150, help="areas (default 150)")
    ap.add_argument("-n", type=int, default=20, help="replications (default 20)")
    ap.add_argument("--levels", help="staffing levels (default the command's five)")
    args = ap.parse_args(argv)
    if args.sample:
        return sample(args.sample, args.ref, args.rounds)
    return whole(args.areas, args.n, args.levels)


if __name__ == "__main__":
    raise SystemExit(main())
