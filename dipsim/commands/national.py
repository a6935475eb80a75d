"""The national sweep: every DIP area of England and Wales (§2.2: 71 intensive areas, the three
Welsh sites among them, and 82 non-intensive DAT areas) x staffing levels x replications, and
the CJIT hours each area needs.

Volumes: the intensive areas share the 224,000 tests on arrest a year of 2007-08 (Hansard, 29
Sep 2008); the split across areas (--spread) and the size of the non-intensive areas
(--non-intensive-scale) are free parameters (no published per-area figures). A level L gives
an area round(L x its arrests factor x the base scenario's workers) custody and community
workers. An area needs the smallest level at which every --target is met in the mean (95%
one-sided bound); the national summary adds the areas' needs up. Details: docs/experiments.md
("dipsim national").

On a cluster: --backend dask --scheduler tcp://HOST:8786 (every worker needs dipsim
installed); tasks are sized for the cluster's threads. With --out DIR: results.parquet (one
row per area, level and replication), levels.csv, areas.csv, national.csv, provenance.json;
resumable (--resume) like sweep.
"""

from __future__ import annotations

import argparse
import time

from . import _args as x, _format as text
from ..experiment.capacity.targets import Target
from ..experiment.national import DEFAULT_LEVELS, DEFAULT_SPREAD, DEFAULT_TARGETS, TESTS_PER_YEAR, national_sweep
from ..io import output_dir

NAME = "national"
HELP = "every DIP area of England and Wales x staffing levels: CJIT hours needed, by area"


def levels(textvalue: str) -> list[float]:
    try:
        values = [float(v) for v in textvalue.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, e.g. 0.5,1,1.5, got {textvalue!r}") \
            from None
    if not values or any(not 0 < v <= 10 for v in values):
        raise argparse.ArgumentTypeError(f"expected multipliers above 0 and at most 10, got {textvalue!r}")
    return values


def add_arguments(p) -> None:
    p.add_argument("--levels", type=levels, default=list(DEFAULT_LEVELS), metavar="L1,L2,...",
                   help="staffing levels, multipliers of each area's staffing (default "
                        + ",".join(f"{v:g}" for v in DEFAULT_LEVELS) + ")")
    p.add_argument("-n", "--replications", dest="n", type=x.whole(2, 100_000), default=20,
                   help="replications per area and level (default 20)")
    p.add_argument("--days", type=x.scenario_bound("days", minimum=1), default=365,
                   help="days of arrests per replication (default 365)")
    p.add_argument("--seed", type=x.scenario_bound("seed"), default=2008, help="seed (default 2008)")
    p.add_argument("--target", action="append", metavar="KPI>=VALUE",
                   help="what an area's staffing must achieve, in the mean (repeatable; default "
                        + " and ".join(DEFAULT_TARGETS) + ")")
    p.add_argument("--areas", type=x.whole(1, 153), metavar="N",
                   help="only N of the 153 areas, spread evenly over them (to try the command quickly)")
    p.add_argument("--spread", type=x.number(0, 1.5), default=DEFAULT_SPREAD,
                   help=f"free parameter: how unequal the areas' sizes are, about their coefficient of variation "
                        f"(0 equal, default {DEFAULT_SPREAD:g}, at most 1.5)")
    p.add_argument("--tests-per-year", type=x.number(0, open_low=True), default=TESTS_PER_YEAR,
                   help=f"tests on arrest a year in all intensive areas (default {TESTS_PER_YEAR:,}: 2007-08, Hansard)")
    p.add_argument("--non-intensive-scale", type=x.number(0.25, 4), default=1.0,
                   help="free parameter: the average non-intensive area's arrests as a multiple of the "
                        "county_non_intensive scenario's (default 1, from 0.25 to 4)")
    x.add_backend_options(p)
    x.add_output_options(p, resumable=True)


def run(args: argparse.Namespace) -> int:
    targets = [Target.parse(t) for t in (args.target or DEFAULT_TARGETS)]
    kw = x.backend_kwargs(args)
    out = x.output_options(args, NAME)
    t0 = time.perf_counter()
    with output_dir(args.out, **out) as od:
        res = national_sweep(args.levels, args.n, days=args.days, seed=args.seed, spread=args.spread,
                             tests_per_year=args.tests_per_year, non_intensive_scale=args.non_intensive_scale,
                             areas=args.areas, targets=targets, out=od, fmt=args.format, **kw)
    wall = time.perf_counter() - t0
    n_areas, n_levels = len(res.areas), len(res.provenance["levels"])
    where = args.backend + (f" ({args.scheduler})" if args.scheduler else "")
    print(f"{n_areas} areas x {n_levels} staffing levels x {args.n} replications of {args.days} days: "
          f"{res.runs + res.identical_runs:,} runs on {where} in {wall / 60:.1f} min"
          + (f" ({res.reused_runs:,} reused from {args.out})" if res.reused_runs else ""))
    if res.identical_runs:
        print(f"({res.identical_runs:,} of them were the same runs as at another level - a small area's workers "
              f"round to the same numbers - so {res.runs:,} were simulated)")
    print("An area needs the smallest level at which, in the mean (95% one-sided bound), "
          + " and ".join(str(t) for t in targets) + ".\n")
    nat = res.national.copy()
    show = nat[["areas", "count", "met_at_some_level", "arrests_a_year", "tests_a_year", "custody_workers",
                "community_workers"]].copy()
    for col in ("arrests_a_year", "tests_a_year"):
        show[col] = show[col].map(lambda v: f"{v:,.0f}")
    show["CJIT hours a year needed"] = [f"{text.fmt_value(m)} ± {text.fmt_value(h)}" for m, h in
                                        zip(nat["cjit_hours_a_year"], nat["cjit_hours_a_year_half_width"])]
    show = show.rename(columns={"count": "count", "met_at_some_level": "met", "arrests_a_year": "arrests a year",
                                "tests_a_year": "tests a year", "custody_workers": "custody workers",
                                "community_workers": "community workers"})
    print(text.text_table(show))
    missed = res.areas[res.areas["level_needed"].isna()]
    if len(missed):
        print(f"\n{len(missed)} area(s) met the targets at no level up to {max(res.provenance['levels']):g} "
              "(their hours are not in the totals): " + ", ".join(missed["area"].head(8))
              + (" ..." if len(missed) > 8 else ""))
    top = res.areas.sort_values("cjit_hours_a_year", ascending=False).head(5)
    print("\nMost CJIT hours a year needed:")
    print(text.text_table(top[["area", "kind", "level_needed", "custody_workers", "community_workers"]].assign(
        hours=[f"{text.fmt_value(m)} ± {text.fmt_value(h)}" for m, h in
               zip(top["cjit_hours_a_year"], top["cjit_hours_a_year_half_width"])])))
    if args.out:
        print(f"\nResults written to {args.out}/ (areas.csv: every area's need; national.csv: the totals)")
    return 0
