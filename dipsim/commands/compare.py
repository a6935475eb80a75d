"""Compare policies or scenario variants under common random numbers; choose the best.

--policy NAME (repeatable): a condition-menu policy (annex_b, three_sessions_for_all,
no_follow_up, one_session_for_all); --variant 'NAME:{KEY: VALUE, ...}' or --variants FILE
for any other set of overrides. The first (or --baseline) is the baseline; every other
variant gets, for every KPI, the paired difference over replications with its 95% CI, in the
KPI's unit ("+6 minutes", "-2.1 percentage points"), and a paired t-test p-value.

Many KPIs at once: the p-values of the whole table are adjusted (--adjust holm, the default:
the chance of calling any difference real when it is not is at most 5%; bh, Benjamini-
Hochberg: on average at most 5% of the differences called real are not; none). A difference
*matters* when it is significant and at least its threshold: by default 2 percentage points
for a share, 30 minutes for a custody wait, 1 day for a community wait, 5% of the baseline
for counts and hours; --threshold KPI=VALUE sets one (in the KPI's unit).

Choosing the best (--select KPI:higher or KPI:lower, --indifference DELTA): the Kim-Nelson
fully sequential procedure, with the -n replications as its first stage, then more for the
policies still in contention (up to --max-n). If the best is better than every other by at
least DELTA, it is chosen with probability at least --pcs (default 0.95).

With --out DIR (all or nothing): replications.parquet (or .csv; variant, seed, replication,
KPIs), differences.csv, summary.csv, selection.csv (with --select), scenario.yaml,
provenance.json, dipsim-manifest.json. DIR must be new or empty, or hold dipsim's earlier
results (replaced with --force).
"""

from __future__ import annotations

import argparse
import math

from . import _args as x, _format as text
from ..errors import InputError
from ..experiment.compare import THRESHOLD_RULE, compare, family_sentence, interval_in_units
from ..experiment.overrides import collect_variants
from ..experiment.stats import ADJUSTMENTS
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text, output_dir
from ..scenario import to_yaml

NAME = "compare"
HELP = "compare policies or variants: paired differences in units, adjusted for many KPIs; choose the best"


def add_arguments(p) -> None:
    x.add_scenario(p)
    x.add_variant_options(p)
    p.add_argument("--baseline", metavar="NAME", help="the variant to compare against (default: the first)")
    x.add_run_options(p, 30, "replications per variant (default 30; with --select, the first stage)")
    p.add_argument("--kpi", action="append", metavar="NAME",
                   help="KPIs to print (default: every KPI whose difference is significant after adjustment)")
    p.add_argument("--adjust", choices=tuple(ADJUSTMENTS), default="holm",
                   help="multiplicity adjustment over all variants x KPIs: holm (family-wise error, default), "
                        "bh (Benjamini-Hochberg false discovery rate) or none")
    p.add_argument("--threshold", action="append", metavar="KPI=VALUE",
                   help="the smallest difference that matters for a KPI, in its unit (repeatable; default: "
                        + THRESHOLD_RULE.replace("%", "%%") + ")")
    s = p.add_argument_group("choosing the best policy (Kim-Nelson ranking and selection)")
    s.add_argument("--select", metavar="KPI:higher|lower", help="choose the best variant on this KPI, e.g. "
                                                               "completion_rate:higher")
    s.add_argument("--indifference", type=x.number(0, open_low=True), metavar="DELTA",
                   help="the smallest difference worth detecting, in the KPI's unit (needed with --select)")
    s.add_argument("--pcs", type=x.number(0.5, 1, open_high=True), default=0.95,
                   help="probability of correct selection (default 0.95)")
    s.add_argument("--max-n", type=x.whole(2, 100_000), default=500,
                   help="most replications of any variant for the selection (default 500)")
    x.add_backend_options(p)
    x.add_output_options(p)


def _thresholds(items) -> dict[str, float]:
    out = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        try:
            v = float(value)
        except ValueError:
            v = float("nan")
        if not sep or not key.strip() or not math.isfinite(v) or v < 0:
            raise InputError("--threshold", None, f"expected KPI=VALUE with a number >= 0, e.g. "
                                                  f"mean_wait_ia_queue_h=0.5, got {item!r}")
        out[key.strip()] = v
    return out


def _select(spec: str | None, delta) -> tuple[str, bool] | None:
    if spec is None:
        if delta is not None:
            raise InputError("--indifference", None, "belongs to the selection: add --select KPI:higher|lower")
        return None
    kpi, sep, way = spec.rpartition(":")
    if not sep or way not in ("higher", "lower") or not kpi:
        raise InputError("--select", None, f"expected KPI:higher or KPI:lower (which way is better), got {spec!r}")
    if delta is None:
        raise InputError("--indifference", None, "the selection needs it: the smallest difference worth detecting, "
                                                 "in the KPI's unit (e.g. 0.02 for 2 percentage points)")
    return kpi, way == "higher"


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    variants = collect_variants(args.policy, args.variant, args.variants)
    kpis = list(dict.fromkeys(args.kpi or ()))
    thresholds = _thresholds(args.threshold)
    sel = _select(args.select, args.indifference)
    coll = x.collector(args, kpis + list(thresholds) + ([sel[0]] if sel else []))
    x.check_kpis(kpis, scenario, coll)
    x.check_kpis(list(thresholds), scenario, coll, "--threshold")
    if sel:
        x.check_kpis([sel[0]], scenario, coll, "--select")
        if args.n < 2:
            raise InputError("-n", None, "the selection's first stage needs at least 2 replications")
        if args.max_n < args.n:
            raise InputError("--max-n", None, f"must be at least -n ({args.n}), got {args.max_n}")
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **x.output_options(args, NAME)) as od:  # claimed before the runs
        res = compare(scenario, variants, args.n, baseline=args.baseline, collector=coll, seed=args.seed,
                      days=args.days, adjust=args.adjust, thresholds=thresholds, **kw)
        selection = None
        if sel:
            from ..experiment.ranking import select_best

            selection = select_best(scenario, variants, sel[0], higher_is_better=sel[1], delta=args.indifference,
                                    pcs=args.pcs, n0=args.n, max_n=args.max_n, seed=args.seed, days=args.days,
                                    collector=coll, first_stage=res.replications, **kw)
        _report(args, scenario, variants, kpis, res, od, selection)
    return 0


def _report(args, scenario, variants, kpis, res, od, selection) -> None:
    prov = {**res.provenance, **x.provenance_extra(args)}
    if selection is not None:
        prov["selection"] = {"kpi": selection.kpi, "higher_is_better": selection.higher_is_better,
                             "indifference": selection.delta, "pcs": selection.pcs, "first_stage": selection.n0,
                             "max_n": args.max_n, "best": selection.best, "procedure": "Kim and Nelson (2001)",
                             "stopped_by_budget": selection.stopped_by_budget}
    if od is not None:  # written before anything is printed: a closed pipe cannot lose them
        with od.staging() as tmp:
            atomic_table(res.replications, tmp / f"replications.{args.format}")
            atomic_table(res.differences, tmp / "differences.csv")
            atomic_table(res.summary, tmp / "summary.csv")
            if selection is not None:
                atomic_table(selection.table, tmp / "selection.csv")
            atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
            write_provenance(tmp / "provenance.json", prov)
    d = res.differences
    shown = d[d["kpi"].isin(kpis)] if kpis else d[d["significant"]]
    print(f"{scenario.name}: {len(variants)} variants x {args.n} replications of {prov['days']} days, "
          f"seed {prov['seed']}; baseline {res.baseline}")
    print(family_sentence(d))
    print(f"A difference matters when it is significant and at least its threshold ({THRESHOLD_RULE}"
          f"{'; set here: ' + ', '.join(f'{k} {v:g}' for k, v in res.provenance['thresholds'].items()) if res.provenance['thresholds'] else ''}).")
    if shown.empty:
        if not kpis:
            print("No KPI differs significantly from the baseline after the adjustment.")
    else:
        view = shown[["variant", "kpi", "baseline_mean", "variant_mean", "in_units"]].copy()
        for c in ("baseline_mean", "variant_mean"):
            view[c] = view[c].map(text.fmt_value)
        view["95% CI"] = [interval_in_units(lo, hi, u) for lo, hi, u in zip(shown["lower"], shown["upper"],
                                                                            shown["unit"])]
        view[f"p ({res.provenance['adjustment']})"] = shown["p_adjusted"].map(text.fmt_value)
        view["verdict"] = shown["verdict"]
        view = view.rename(columns={"in_units": "difference"})
        print(text.text_table(view))
        n_matter = int(shown["matters"].sum())
        print(f"{n_matter} of these {len(shown)} differences are at least their threshold.")
    if selection is not None:
        print()
        print(text.sentences_text(selection.explanation()))
    if od is not None:
        print(f"\nResults written to {args.out}/")
