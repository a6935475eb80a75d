"""A/B timing of the working tree against a git ref (default HEAD), interleaved.

    .venv/bin/python -m benchmarks.compare [--ref HEAD] [--pairs 9]

For checking that one performance change is one: both versions run the same scenario
and seeds in alternating order; medians of CPU time (process_time: robust to other load) of the simulation (Model + run, the cohort
draw included) and of the whole ``run()`` (people table and KPIs too).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

from .check_identical import load_ref


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default="HEAD")
    ap.add_argument("--pairs", type=int, default=9)
    ap.add_argument("--scenario", default="urban_intensive")
    args = ap.parse_args(argv)
    import dipsim.results as new_results
    from dipsim.model.core import Model as NewModel
    from dipsim.random import Streams
    from dipsim.scenario import load_scenario

    sc = load_scenario(args.scenario)
    with tempfile.TemporaryDirectory() as tmp:
        old_results = load_ref(args.ref, Path(tmp))
        import dipsim_ref.model.core as old_core

        versions = {"ref": (old_core.Model, old_results.run), "new": (NewModel, new_results.run)}
        times: dict[str, list[float]] = {f"{v}_{w}": [] for v in versions for w in ("sim", "run")}
        for k in range(args.pairs):
            order = ("ref", "new") if k % 2 == 0 else ("new", "ref")
            for v in order:
                model_cls, run = versions[v]
                gc.collect()
                t = time.process_time()
                model_cls(sc, Streams(sc.seed, k), sc.days).run()
                times[f"{v}_sim"].append(time.process_time() - t)
                gc.collect()
                t = time.process_time()
                run(sc, seed=sc.seed, replication=k)
                times[f"{v}_run"].append(time.process_time() - t)
        for w in ("sim", "run"):
            a, b = statistics.median(times[f"ref_{w}"]), statistics.median(times[f"new_{w}"])
            a0, b0 = min(times[f"ref_{w}"]), min(times[f"new_{w}"])
            print(f"{w}: median {args.ref} {a * 1e3:7.1f} ms, working tree {b * 1e3:7.1f} ms, new/ref {b / a:.3f}"
                  f"   | min {a0 * 1e3:7.1f} ms, {b0 * 1e3:7.1f} ms, new/ref {b0 / a0:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
