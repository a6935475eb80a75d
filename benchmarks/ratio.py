"""The ratio, side by side: the working tree's simulation, a git ref's and the yardstick's, on the
same drawn cohorts, in rotating order, CPU time (robust to other load, unlike wall time).
dipsim runs the scenario with only the work the yardstick models (``yardstick.stage_graph_only``:
no other DIP caseload, admin, travel, DIR time or caseload contacts); ``--whole-workload``
times it as shipped.

    .venv/bin/python -m benchmarks.ratio                    # working tree vs main vs yardstick, 15 rounds
    .venv/bin/python -m benchmarks.ratio --ref 04a5558 --rounds 21 --scenario county_non_intensive

Each round draws one replication's cohort and times, in an order that rotates from round to
round, ``Model(...).run()`` of the working tree, the same of the ref (imported from ``git
archive`` as ``dipsim_ref``), and the yardstick's construction + run on the cohort as plain
lists (prepared outside the timing). Reported: the median over rounds of each round's own
ratios (tree/yardstick, ref/yardstick, tree/ref) and the median CPU microseconds per arrest.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import tempfile
import time
from pathlib import Path

from dipsim.model.cohort import draw_cohort
from dipsim.random import Streams
from dipsim.scenario import load_scenario

from . import yardstick
from .check_identical import load_ref


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ratio", description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default="main", help="git ref to time beside the working tree (default main)")
    ap.add_argument("--rounds", type=int, default=15, help="rounds (default 15)")
    ap.add_argument("--scenario", default="urban_intensive")
    ap.add_argument("--days", type=int, default=None, help="days of arrests (default: the scenario's)")
    ap.add_argument("--whole-workload", action="store_true",
                    help="time dipsim with the team's other work as shipped (default: the yardstick's stage graph "
                         "only, yardstick.stage_graph_only)")
    args = ap.parse_args(argv)
    import dipsim.model.core as tree_core

    with tempfile.TemporaryDirectory() as tmp:
        load_ref(args.ref, Path(tmp))
        ref_core = importlib.import_module("dipsim_ref.model.core")
        sc = load_scenario(args.scenario)
        if not args.whole_workload:
            sc = yardstick.stage_graph_only(sc)
        days = sc.days if args.days is None else args.days
        cpu: dict[str, list[float]] = {"tree": [], "ref": [], "yardstick": []}
        arrests = []
        for k in range(args.rounds):
            cohort = draw_cohort(sc, Streams(sc.seed, k), days)
            people = yardstick.People(cohort)
            arrests.append(cohort.n)

            def dipsim_run(core):
                real = core.draw_cohort
                core.draw_cohort = lambda *a: cohort
                try:
                    kw = {"direct": True} if core is tree_core else {}  # the direct driver, off by default
                    m = core.Model(sc, Streams(sc.seed, k), days, **kw)
                    gc.collect()
                    t = time.process_time()
                    m.run()
                    return time.process_time() - t
                finally:
                    core.draw_cohort = real

            def yard_run():
                gc.collect()
                t = time.process_time()
                yardstick.Yardstick(sc, people, days).run()
                return time.process_time() - t

            order = [("tree", lambda: dipsim_run(tree_core)), ("ref", lambda: dipsim_run(ref_core)),
                     ("yardstick", yard_run)]
            order = order[k % 3:] + order[:k % 3]
            for name, fn in order:
                cpu[name].append(fn())
    med = statistics.median
    n = med(arrests)
    what = "with the team's whole workload" if args.whole_workload else "the yardstick's stage graph only"
    print(f"{args.scenario} ({what}), {days} days, about {n:.0f} arrests; CPU time, median of {args.rounds} "
          "rotating rounds")
    for name in cpu:
        print(f"  {name:10s} {med(cpu[name]) / n * 1e6:6.1f} µs per arrest  ({med(cpu[name]) * 1e3:.1f} ms a run)")
    ratio = {f"{a}/{b}": med(x / y for x, y in zip(cpu[a], cpu[b]))
             for a, b in (("tree", "yardstick"), ("ref", "yardstick"), ("tree", "ref"))}
    print("  ratios (median of each round's own): " + ", ".join(f"{k.replace('tree', 'working tree').replace('ref', args.ref)} "
                                                          f"{v:.2f}x" for k, v in ratio.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
