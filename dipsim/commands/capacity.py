"""Find the smallest staffing that meets every target with 95% confidence.

--param KEY=VALUES: the staffing levels to try (e.g. cjit.custody.workers=1:6; several
params make a grid); --variant / --variants: alternatives such as rotas. --target
"KPI>=VALUE" or "KPI<=VALUE" (repeatable), e.g. share_ia_before_release>=0.95,
share_first_session_within_10d>=0.90, utilisation_custody<=0.85. A target is met when the
one-sided 95% confidence bound of the KPI's mean over replications is on its right side.
The answer is the level with the fewest rostered CJIT hours a week meeting every target.

Prints the answer and its evidence (every level: mean, 95% CI and bound per target).
Exit status 1 if no level tried meets every target. With --out DIR (resumable like
sweep, and like it refusing a directory holding anything but dipsim's results): results,
summary.csv, cells.csv, levels.csv, evidence.csv, answer.json, scenario.yaml,
provenance.json, dipsim-manifest.json.
"""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from . import _args as x
from ..experiment.capacity import Target, capacity
from ..experiment.overrides import collect_variants, parse_params
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text, output_dir

NAME = "capacity"
HELP = "smallest staffing meeting targets with 95% confidence"


def add_arguments(p) -> None:
    x.add_scenario(p)
    p.add_argument("--param", action="append", metavar="KEY=VALUES",
                   help="staffing levels to try: a:b, a:b:step or v1,v2,... (repeatable)")
    x.add_variant_options(p, policies=False)
    p.add_argument("--target", action="append", metavar="KPI>=VALUE",
                   help="a target, KPI>=VALUE or KPI<=VALUE (repeatable)")
    p.add_argument("--confidence", type=x.number(0.5, 1, open_high=True), default=0.95,
                   help="one-sided confidence level (default 0.95)")
    x.add_run_options(p, 20, "replications per level (default 20)")
    x.add_backend_options(p)
    x.add_output_options(p, resumable=True)


def run(args: argparse.Namespace) -> int:
    scenario = x.load(args)
    params = parse_params(args.param)
    variants = collect_variants(None, args.variant, args.variants)
    targets = [Target.parse(t) for t in (args.target or ())]
    if not targets:
        raise InputError("--target", None, "give at least one target, e.g. --target 'share_ia_before_release>=0.95'")
    if not params and not variants:
        raise InputError("--param", None, "give the staffing levels to try, e.g. --param cjit.custody.workers=1:6")
    out = x.output_options(args, NAME)
    coll = x.collector(args, [t.kpi for t in targets])
    x.check_kpis([t.kpi for t in targets], scenario, coll, "--target")
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **out) as od:
        res = capacity(scenario, params, targets, args.n, variants=variants or None, confidence=args.confidence,
                       collector=coll, seed=args.seed, days=args.days, out=od, fmt=args.format,
                       extra_provenance=x.provenance_extra(args), **kw)
        print(res.report())
        if od is not None:
            with od.staging() as tmp:
                atomic_table(res.levels, tmp / "levels.csv")
                atomic_table(res.evidence, tmp / "evidence.csv")
                atomic_write_text(tmp / "answer.json", json.dumps(
                    {"answer": res.answer, "targets": [str(t) for t in targets], "confidence": args.confidence},
                    indent=2, sort_keys=True, default=str) + "\n")
                write_provenance(tmp / "provenance.json", {**res.sweep.provenance, "kind": "capacity",
                                                           "answer": res.answer})
            print(f"\nResults written to {args.out}/")
    return 0 if res.answer is not None else 1
