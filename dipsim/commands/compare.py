"""Compare policies or scenario variants under common random numbers.

--policy NAME (repeatable): a condition-menu policy (annex_b, three_sessions_for_all,
no_follow_up, one_session_for_all); --variant 'NAME:{KEY: VALUE, ...}' or --variants FILE
for any other set of overrides. The first (or --baseline) is the baseline; every other
variant gets, for every KPI, the paired difference over replications with its 95% CI and
`significant` (the CI excludes 0), plus the unpaired half-width for contrast.

With --out DIR (all or nothing): replications.parquet (or .csv; variant, seed, replication,
KPIs), differences.csv, summary.csv, scenario.yaml, provenance.json, dipsim-manifest.json.
DIR must be new or empty, or hold dipsim's earlier results (replaced with --force).
"""

from __future__ import annotations

import argparse

from . import _args as x, _format as text
from ..experiment.compare import compare
from ..experiment.overrides import collect_variants
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text, output_dir
from ..scenario import to_yaml

NAME = "compare"
HELP = "compare policies or variants: paired differences with 95% CIs (common random numbers)"


def add_arguments(p) -> None:
    x.add_scenario(p)
    x.add_variant_options(p)
    p.add_argument("--baseline", metavar="NAME", help="the variant to compare against (default: the first)")
    x.add_run_options(p, 30, "replications per variant (default 30)")
    p.add_argument("--kpi", action="append", metavar="NAME",
                   help="KPIs to print (default: every KPI whose difference is significant)")
    x.add_backend_options(p)
    x.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    variants = collect_variants(args.policy, args.variant, args.variants)
    kpis = list(dict.fromkeys(args.kpi or ()))
    coll = x.collector(args, kpis)
    x.check_kpis(kpis, scenario, coll)
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **x.output_options(args, NAME)) as od:  # claimed before the runs
        res = compare(scenario, variants, args.n, baseline=args.baseline, collector=coll, seed=args.seed,
                      days=args.days, **kw)
        _report(args, scenario, variants, kpis, res, od)
    return 0


def _report(args, scenario, variants, kpis, res, od) -> None:
    prov = {**res.provenance, **x.provenance_extra(args)}
    if od is not None:  # written before anything is printed: a closed pipe cannot lose them
        with od.staging() as tmp:
            atomic_table(res.replications, tmp / f"replications.{args.format}")
            atomic_table(res.differences, tmp / "differences.csv")
            atomic_table(res.summary, tmp / "summary.csv")
            atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
            write_provenance(tmp / "provenance.json", prov)
    d = res.differences
    shown = d[d["kpi"].isin(kpis)] if kpis else d[d["significant"]]
    print(f"{scenario.name}: {len(variants)} variants x {args.n} replications of {prov['days']} days, "
          f"seed {prov['seed']}; baseline {res.baseline}")
    if shown.empty:
        print("No KPI differs significantly from the baseline (95% paired CI includes 0)." if not kpis else "")
    else:
        view = shown[["variant", "kpi", "baseline_mean", "variant_mean", "difference", "lower", "upper",
                      "significant"]].copy()
        for c in ("baseline_mean", "variant_mean", "difference", "lower", "upper"):
            view[c] = view[c].map(text.fmt_value)
        print(text.text_table(view))
    if od is not None:
        print(f"\nResults written to {args.out}/")
