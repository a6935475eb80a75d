"""Sweep scenario parameters over a grid: every replication of every cell, one tidy table.

--param KEY=VALUES (repeatable): KEY is any dotted scenario key, or arrivals.scale (multiplies
every arrivals.arrests_per_day); VALUES is a:b (whole numbers a..b), a:b:step, or v1,v2,...
Cells may also be crossed with named variants (--policy, --variant, --variants FILE).
Replication r of every cell uses Streams(seed, r) (common random numbers).

With --out DIR: each finished cell is saved at once as DIR/cells/<id>.parquet; --resume
reruns only what is missing (refused if DIR holds a different sweep); --force replaces
dipsim's earlier results there (only the files its dipsim-manifest.json lists). At the end: results.parquet (or .csv; cell columns, seed,
replication, KPIs), summary.csv (mean and 95% CI per cell and KPI), cells.csv,
scenario.yaml and provenance.json (written last).
"""

from __future__ import annotations

import argparse

from ..errors import InputError
from . import _args as x, _format as text
from ..experiment.overrides import collect_variants, parse_params
from ..experiment.sweep import sweep
from ..io import output_dir

NAME = "sweep"
HELP = "run replications over a grid of scenario parameters (resumable)"


def add_arguments(p) -> None:
    x.add_scenario(p)
    p.add_argument("--param", action="append", metavar="KEY=VALUES",
                   help="a parameter and its values: a:b, a:b:step or v1,v2,... (repeatable)")
    x.add_variant_options(p)
    x.add_run_options(p, 10, "replications per cell (default 10)")
    p.add_argument("--kpi", action="append", metavar="NAME", help="KPIs to print (default: a few key ones)")
    x.add_backend_options(p)
    x.add_output_options(p, resumable=True)


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    params = parse_params(args.param)
    variants = collect_variants(args.policy, args.variant, args.variants)
    if not params and not variants:
        raise InputError("--param", None, "give at least one --param KEY=VALUES (or a variant)")
    out = x.output_options(args, NAME)
    kpis = list(dict.fromkeys(args.kpi or ()))
    coll = x.collector(args, kpis)
    x.check_kpis(kpis, scenario, coll)
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **out) as od:
        res = sweep(scenario, params, args.n, variants=variants or None, seed=args.seed, days=args.days,
                    collector=coll, out=od, fmt=args.format, extra_provenance=x.provenance_extra(args), **kw)
    cells = len(res.cells)
    print(f"{scenario.name}: {cells} cells x {args.n} replications of {res.provenance['days']} days, "
          f"seed {res.provenance['seed']}" + (f" ({res.reused_runs} runs reused from {args.out})"
                                              if res.reused_runs else ""))
    print(text.summary_text(res.summary, kpis or list(text.DEFAULT_SHOW[:3]) + ["utilisation_custody",
                                                                         "utilisation_community"],
                         by=res.label_columns))
    if args.out:
        print(f"\nResults written to {args.out}/")
    return 0
