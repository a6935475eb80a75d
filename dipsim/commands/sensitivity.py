"""Global sensitivity of KPIs to the free parameters, across their plausible ranges.

Morris screening first (cheap: every parameter), then Sobol indices for the few that matter
(--method both, the default; or --method morris / sobol alone). Parameters: --parameter KEY
(repeatable; default every uncertain parameter with a range, docs/scenario-schema.md, not the
planner's decisions such as workers and rotas). Every parameter point runs the same -n
replications (common random numbers); a point's value is their mean.

Prints, in words, which parameters move each KPI most and how much of its variation they
explain, then the indices. With --out DIR (all or nothing): morris.csv, sobol.csv (mu*, sigma;
S1, ST with 95% intervals), design.csv (every point's factors), runs.parquet (or .csv: stage,
point, replication, KPIs), sensitivity.png (a bar chart per KPI), explanation.txt,
scenario.yaml, provenance.json, dipsim-manifest.json.
"""

from __future__ import annotations

import argparse

from . import _args as x, _format as text
from ..experiment.sensitivity import DEFAULT_KPIS, METHODS, plot, sensitivity
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text, output_dir
from ..scenario import to_yaml

NAME = "sensitivity"
HELP = "which free parameters move the KPIs: Morris screening, then Sobol indices (SALib)"


def add_arguments(p) -> None:
    x.add_scenario(p)
    p.add_argument("--kpi", action="append", metavar="NAME",
                   help=f"a KPI to explain (repeatable; default {', '.join(DEFAULT_KPIS)})")
    p.add_argument("--parameter", action="append", metavar="KEY",
                   help="a parameter to vary across its plausible range (repeatable; default every uncertain one)")
    p.add_argument("--method", choices=METHODS, default="both",
                   help="morris (screening), sobol (variance shares) or both: Morris, then Sobol on the --top "
                        "parameters (default both)")
    p.add_argument("--trajectories", type=x.whole(2, 10_000), default=10,
                   help="Morris trajectories (default 10; each costs one point more than there are parameters)")
    p.add_argument("--sobol-n", type=x.whole(4, 1 << 20), default=64,
                   help="Sobol base points, a power of 2 (default 64; costs N x (parameters + 2) points)")
    p.add_argument("--top", type=x.whole(2, 100), default=4,
                   help="with --method both: Sobol indices for this many parameters (default 4)")
    x.add_run_options(p, 3, "replications at every parameter point (default 3; the same for every point)")
    x.add_backend_options(p)
    x.add_output_options(p, table="per-run")


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    kpis = list(dict.fromkeys(args.kpi or DEFAULT_KPIS))
    coll = x.collector(args, kpis)
    x.check_kpis(kpis, scenario, coll)
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **x.output_options(args, NAME)) as od:
        res = sensitivity(scenario, kpis, args.parameter, method=args.method, trajectories=args.trajectories,
                          sobol_n=args.sobol_n, top=args.top, replications=args.n, seed=args.seed, days=args.days,
                          collector=coll, **kw)
        words = text.sentences_text(res.explanation())
        if od is not None:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            with od.staging() as tmp:
                if res.morris is not None:
                    atomic_table(res.morris, tmp / "morris.csv")
                if res.sobol is not None:
                    atomic_table(res.sobol, tmp / "sobol.csv")
                atomic_table(res.design, tmp / "design.csv")
                atomic_table(res.runs, tmp / f"runs.{args.format}")
                fig = plot(res)
                fig.savefig(tmp / "sensitivity.png", dpi=110)
                plt.close(fig)
                atomic_write_text(tmp / "explanation.txt", words + "\n")
                atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
                write_provenance(tmp / "provenance.json", {**res.provenance, **x.provenance_extra(args)})
    print(f"{scenario.name}: {len(res.parameters)} parameters, {res.runs['point'].groupby(res.runs['stage']).nunique().sum()} "
          f"parameter points x {args.n} replications of {res.provenance['days']} days, seed {res.provenance['seed']}")
    print(words)
    for name, df, cols in (("Morris screening", res.morris, ["parameter", "mu_star", "mu_star_conf", "sigma", "share"]),
                           ("Sobol indices", res.sobol, ["parameter", "S1", "S1_conf", "ST", "ST_conf"])):
        if df is None or df.empty:
            continue
        for k in kpis:
            d = df[df["kpi"] == k].sort_values("rank").head(8)
            if d.empty:
                continue
            view = d[cols].copy()
            for c in cols[1:]:
                view[c] = view[c].map(text.fmt_value)
            print(f"\n{name}: {k}")
            print(text.text_table(view))
    if od is not None:
        print(f"\nResults written to {args.out}/")
    return 0
