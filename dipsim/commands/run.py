"""Run one scenario once and print a readable summary; optionally write the results.

With --out DIR: people.parquet (or .csv), kpis.csv, utilisation.csv, the resolved
scenario.yaml, provenance.json and dipsim-manifest.json, all or nothing. DIR must be new or
empty, or hold dipsim's earlier results (replaced with --force; nothing else is touched).
"""

from __future__ import annotations

import pandas as pd

from ..io import atomic_write_text, output_dir, write_json, write_table
from ..results import run as run_model
from ..scenario import load_scenario, to_yaml
from ..summary import format_summary
from . import _args

NAME = "run"
HELP = "run a scenario once and print a summary"


def add_arguments(p) -> None:
    _args.add_scenario(p)
    p.add_argument("--days", type=_args.scenario_bound("days"), help="days of arrests (default: the scenario's)")
    p.add_argument("--seed", type=_args.scenario_bound("seed"), help="seed (default: the scenario's)")
    p.add_argument("--replication", type=_args.whole(0), default=0, help="replication number (default 0)")
    _args.add_output_options(p, table="people")
    p.add_argument("--quiet", action="store_true", help="no summary")


def run(args) -> int:
    scenario = load_scenario(args.scenario)
    out = _args.output_options(args, NAME)
    with output_dir(args.out, **out) as od:  # claimed (and locked) before the run, not after it
        result = run_model(scenario, seed=args.seed, replication=args.replication, days=args.days)
        if od is not None:
            with od.staging() as tmp:
                write_table(result.people, tmp / "people", args.format)
                pd.DataFrame({"kpi": list(result.kpis), "value": list(result.kpis.values())}).to_csv(
                    tmp / "kpis.csv", index=False)
                result.utilisation.to_csv(tmp / "utilisation.csv", index=False)
                atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
                write_json(tmp / "provenance.json",
                           {**result.provenance, "scenario_file": str(args.scenario), "people_format": args.format})
    if not args.quiet:
        print(format_summary(result))
        if args.out:
            print(f"\nResults written to {args.out}/")
    return 0
