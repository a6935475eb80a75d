"""Where a new local Dask cluster starts to pay: serial, processes (cold) and Dask (a
LocalCluster started for the run) on n replications, each in a fresh interpreter.

    .venv/bin/python -m benchmarks.dask_crossover                 # n = 5 10 20 40 80, 3 rounds
    .venv/bin/python -m benchmarks.dask_crossover --n 10 40 --rounds 2 --days 365

Each measurement is one fresh ``python -m benchmarks.dask_crossover --one BACKEND N``
process timing ``replicate`` (start-up of the pool or cluster included, imports not): what
a user pays for one command or the first call of a notebook session. The backends run in
turn, the order rotating each round; the median wall time over rounds is reported, with
each backend's time as a ratio to serial. The crossover is the smallest n at which Dask is
faster than serial (it is never faster than the processes backend on one machine: both
use the same cores, and Dask starts slower).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

BACKENDS = ("serial", "processes", "dask")


def one(backend: str, n: int, days: int, scenario: str) -> float:
    from dipsim.experiment.replications import replicate
    from dipsim.scenario import load_scenario

    sc = load_scenario(scenario)
    t = time.perf_counter()
    replicate(sc, n, days=days, backend=backend, progress=False)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.dask_crossover", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[5, 10, 20, 40, 80], help="replications (default 5 10 20 40 80)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--days", type=int, default=365, help="days of arrests per replication (default 365)")
    ap.add_argument("--scenario", default="urban_intensive")
    ap.add_argument("--one", nargs=2, metavar=("BACKEND", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--json", default=None, help="also write the timings to this file")
    args = ap.parse_args(argv)
    if args.one:
        print(one(args.one[0], int(args.one[1]), args.days, args.scenario))
        return 0
    times: dict[tuple[int, str], list[float]] = {}
    for r in range(args.rounds):
        for n in args.n:
            order = BACKENDS[r % 3:] + BACKENDS[:r % 3]
            for b in order:
                cmd = [sys.executable, "-m", "benchmarks.dask_crossover", "--one", b, str(n), "--days", str(args.days),
                       "--scenario", args.scenario]
                out = subprocess.run(cmd, capture_output=True, text=True, check=True)
                times.setdefault((n, b), []).append(float(out.stdout.strip().splitlines()[-1]))
    print(f"{args.scenario}, {args.days} days a replication; wall seconds, median of {args.rounds} rounds "
          "(start-up of the pool or cluster included); ratio to serial in brackets")
    print(f"{'n':>5} " + " ".join(f"{b:>18}" for b in BACKENDS))
    crossover = None
    for n in args.n:
        med = {b: statistics.median(times[(n, b)]) for b in BACKENDS}
        print(f"{n:5d} " + " ".join(f"{med[b]:8.2f} s ({med[b] / med['serial']:4.2f}x)" for b in BACKENDS))
        if crossover is None and med["dask"] < med["serial"]:
            crossover = n
    print(f"Dask (a new LocalCluster) first beats serial at n = {crossover}" if crossover else
          "Dask (a new LocalCluster) never beat serial at these sizes")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{n}:{b}": v for (n, b), v in times.items()}, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
