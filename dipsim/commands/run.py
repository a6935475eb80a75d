"""Run one scenario once and print a readable summary; optionally write the results.

With --out DIR: people.parquet (or .csv), kpis.csv, utilisation.csv, the resolved
scenario.yaml and provenance.json, written atomically (all or nothing).
"""

from __future__ import annotations

import pandas as pd

from ..io import atomic_dir, atomic_write_text, write_json, write_table
from ..results import run as run_model
from ..scenario import DEFAULT_SCENARIO, load_scenario, to_yaml
from ..summary import format_summary
from ._args import whole

NAME = "run"
HELP = "run a scenario once and print a summary"


def add_arguments(p) -> None:
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help=f"scenario file, or a shipped scenario's name (default: {DEFAULT_SCENARIO})")
    p.add_argument("--days", type=whole(0), help="days of arrests (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="seed (default: the scenario's)")
    p.add_argument("--replication", type=whole(0), default=0, help="replication number (default 0)")
    p.add_argument("--out", help="directory for results (written atomically)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="people table format")
    p.add_argument("--quiet", action="store_true", help="no summary")


def run(args) -> int:
    scenario = load_scenario(args.scenario)
    result = run_model(scenario, seed=args.seed, replication=args.replication, days=args.days)
    if args.out:
        with atomic_dir(args.out) as tmp:
            write_table(result.people, tmp / "people", args.format)
            pd.DataFrame({"kpi": list(result.kpis), "value": list(result.kpis.values())}).to_csv(
                tmp / "kpis.csv", index=False)
            result.utilisation.to_csv(tmp / "utilisation.csv", index=False)
            atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
            write_json(tmp / "provenance.json",
                       {**result.provenance, "scenario_file": str(args.scenario),
                        "people_format": args.format})
    if not args.quiet:
        print(format_summary(result))
        if args.out:
            print(f"\nResults written to {args.out}/")
    return 0
