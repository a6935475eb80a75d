"""Run n replications of a scenario: a per-replication KPI table and mean / 95% CI per KPI.

Replication r uses Streams(seed, r). With --precision P --kpi K ...: replications are added
by Hoad, Robinson & Davies' (2010) method until each named KPI's 95% half-width is within
P of its mean (up to --max-n). With --warmup auto: a pilot of the same replications finds
the MSER-5 warm-up of a daily series (--series), and KPIs are computed after it.

With --out DIR (all or nothing): replications.parquet (or .csv), summary.csv,
scenario.yaml, provenance.json, dipsim-manifest.json; plus precision.csv (with --precision)
and warmup.csv (with --warmup auto). DIR must be new or empty, or hold dipsim's earlier
results (replaced with --force; nothing else is touched).
"""

from __future__ import annotations

import argparse
import sys
import warnings

import pandas as pd

from ..errors import InputError
from . import _args as x, _format as text
from ..experiment.kpis import KpiCollector
from ..experiment.precision import replications_needed
from ..experiment.replications import ReplicationResult, replicate, write_replications
from ..experiment.stats import summarise
from ..experiment.warmup import SERIES, WarmupWarning, warmup
from ..io import output_dir

NAME = "replicate"
HELP = "run n replications and summarise every KPI with a 95% confidence interval"


def add_arguments(p) -> None:
    x.add_scenario(p)
    x.add_run_options(p, None, "replications (default 10; with --precision: not allowed, see --max-n)")
    p.add_argument("--precision", type=x.number(0, 1, open_low=True, open_high=True), metavar="P",
                   help="target relative 95%% half-width, e.g. 0.05 (Hoad et al. 2010)")
    p.add_argument("--kpi", action="append", metavar="NAME",
                   help="KPI to reach the precision on (repeatable); without --precision: KPIs to print")
    p.add_argument("--max-n", type=x.whole(3), default=200, help="most replications with --precision (default 200)")
    p.add_argument("--k-limit", type=x.whole(0), default=5, help="Hoad et al.'s look-ahead kLimit (default 5)")
    p.add_argument("--warmup", choices=("auto",), help="find the warm-up by MSER-5 (overrides --warmup-days)")
    p.add_argument("--series", choices=SERIES, default="community_busy",
                   help="daily series for --warmup auto (default community_busy)")
    x.add_backend_options(p)
    x.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    kw = x.backend_kwargs(args)
    kpis = list(dict.fromkeys(args.kpi or ()))
    if args.precision is not None and args.n is not None:
        raise InputError("-n", None, "with --precision the number of replications is found; use --max-n to cap it")
    if args.precision is not None and not kpis:
        raise InputError("--kpi", None, "--precision needs at least one --kpi to reach it on")
    coll = x.collector(args, kpis)
    x.check_kpis(kpis, scenario, coll)
    with output_dir(args.out, **x.output_options(args, NAME)) as od:  # claimed before the runs
        return _replicate(args, scenario, kw, kpis, coll, od)


def _replicate(args, scenario, kw: dict, kpis: list, coll, od) -> int:
    days = args.days if args.days is not None else scenario.days
    extra_tables: dict[str, pd.DataFrame] = {}
    extra_prov: dict = x.provenance_extra(args)
    if args.warmup == "auto":
        n_pilot = args.n or 10
        with warnings.catch_warnings():  # said below in one line, in the command's terms
            warnings.simplefilter("ignore", WarmupWarning)
            w = warmup(scenario, n_pilot, args.series, days=days, seed=args.seed, **_no_batch(kw))
        coll = KpiCollector(coll.first_session_within_days, w.warmup_days)
        extra_tables["warmup"] = pd.DataFrame({"day": w.mean.index, "mean": w.mean.to_numpy()})
        extra_prov["warmup"] = {"method": "MSER-5 on the mean daily series over the pilot replications",
                                "series": args.series, "pilot_replications": n_pilot, "warmup_days": w.warmup_days}
        if w.warmup_days >= days:
            raise InputError("--warmup", None, f"the warm-up found ({w.warmup_days} days) leaves no run")
        print(f"Warm-up (MSER-5 on daily {args.series}, {n_pilot} replications): {w.warmup_days} days")
        if w.at_limit:
            print(f"dipsim: warning: {w.too_short()}", file=sys.stderr)
    if args.precision is not None:
        pr = replications_needed(scenario, kpis, args.precision, k_limit=args.k_limit, max_n=args.max_n,
                                 seed=args.seed, days=days, collector=coll, **_no_batch(kw))
        table = pr.replications
        result = ReplicationResult(table, summarise(table), {**pr.provenance, "kind": "replicate"})
        extra_tables["precision"] = pr.table
        print(_precision_text(pr))
    else:
        result = replicate(scenario, args.n or 10, seed=args.seed, days=days, collector=coll, **kw)
    if od is not None:  # written before the summary is printed: a closed pipe cannot lose them
        write_replications(result, od, scenario, args.format, extra_tables, extra_prov)
    show = kpis or list(text.DEFAULT_SHOW)
    print(f"{scenario.name}: {len(result.replications)} replications of {days} days, seed "
          f"{result.provenance['seed']}" + (f", KPIs after a {coll.warmup_days}-day warm-up" if coll.warmup_days else ""))
    print(text.summary_text(result.summary, show))
    if od is not None:
        print(f"\nResults written to {args.out}/")
    return 0


def _no_batch(kw: dict) -> dict:
    return {k: v for k, v in kw.items() if k != "batch_size"}


def _precision_text(pr) -> str:
    lines = [f"Replications needed (Hoad, Robinson & Davies 2010, relative 95% half-width <= "
             f"{pr.provenance['precision']:g}, kLimit {pr.provenance['k_limit']}): "
             + (f"{pr.n_recommended}" if pr.met else f"not reached within {pr.n_run}")]
    for _, r in pr.table.iterrows():
        got = "met" if r["met"] else "NOT met"
        lines.append(f"  {r['kpi']}: {got} at n = {int(r['n'])}, relative half-width {r['relative_precision']:.4f}")
    return "\n".join(lines)
