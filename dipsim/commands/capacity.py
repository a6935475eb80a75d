"""Find the smallest staffing shown to meet every target with 95% confidence, and say why.

--param KEY=VALUES: the staffing levels to try (e.g. cjit.custody.workers=1:6; several
params make a grid); --variant / --variants: alternatives such as rotas. --target
"KPI>=VALUE" or "KPI<=VALUE" (repeatable), e.g. share_ia_before_release>=0.95,
share_first_session_within_10d>=0.90, utilisation_custody<=0.85. By default a target is
met when at least --years (0.8) of simulated years meet it, shown by a one-sided
Clopper-Pearson bound; with --mean, when the one-sided bound of the mean over years is on
its right side. Levels are tested from the largest down, stopping at the first failure.
The answer is the passing level with the fewest rostered CJIT hours a week.

--rota-search: instead of head counts, search custody shift patterns (--custody-workers,
--shift-starts and --shift-lengths for Monday to Friday, --weekend-starts and
--weekend-lengths for Saturday and Sunday, a weekend length of 0 meaning no weekend cover;
without them the weekend shift is the weekday one) for the pattern meeting every target with
the fewest rostered hours a week; each of the M patterns is tested at (1 - confidence) / M.

Prints the answer, what decided it, utilisation at the answer, targets staffing does not
move (with a quick screen of the parameters that do), then every level's evidence.
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
from ..errors import ParameterError
from ..experiment.capacity import DEFAULT_YEARS, Target, capacity, rota_search
from ..experiment.capacity.rota import MAX_PATTERNS
from ..experiment.overrides import collect_variants, parse_params, parse_values
from . import _robust
from ._format import capacity_text
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text, output_dir

NAME = "capacity"
HELP = ("smallest staffing (or custody rota, --rota-search) shown to meet the targets: by default in at least 80% "
        "of simulated years (--years), or on the mean (--mean)")


def add_arguments(p) -> None:
    x.add_scenario(p)
    p.add_argument("--param", action="append", metavar="KEY=VALUES",
                   help="staffing levels to try: a:b, a:b:step or v1,v2,... (repeatable)")
    x.add_variant_options(p, policies=False)
    p.add_argument("--target", action="append", metavar="KPI>=VALUE",
                   help="a target, KPI>=VALUE or KPI<=VALUE (repeatable)")
    p.add_argument("--confidence", type=x.number(0.5, 1, open_high=True), default=0.95,
                   help="one-sided confidence level (default 0.95)")
    meaning = p.add_mutually_exclusive_group()
    meaning.add_argument("--years", type=x.number(0, 1, open_low=True, open_high=True), default=DEFAULT_YEARS,
                         metavar="SHARE", help="a target is met when at least this share of simulated years meet "
                                               f"it (default {DEFAULT_YEARS:g})")
    meaning.add_argument("--mean", action="store_true",
                         help="a target is met when the mean over simulated years meets it (instead of --years)")
    p.add_argument("--no-screen", action="store_true",
                   help="skip the quick screen of scenario parameters for targets staffing does not move")
    r = p.add_argument_group("rota search (custody shift patterns; hours as numbers, 6:12 = 6,7,...,12, "
                             "6:12:2 in steps of 2, or a list 7,8.5,10)")
    r.add_argument("--rota-search", action="store_true",
                   help="search custody shift patterns instead of --param levels")
    r.add_argument("--custody-workers", metavar="VALUES", help="custody workers on every shift (default: the "
                                                                 "scenario's), e.g. 1:4")
    r.add_argument("--shift-starts", metavar="HOURS", help="Monday-Friday shift start hours, e.g. 6:12:2")
    r.add_argument("--shift-lengths", metavar="HOURS", help="Monday-Friday shift lengths in hours, e.g. 8:12:2")
    r.add_argument("--weekend-starts", metavar="HOURS", help="Saturday-Sunday start hours (default: as weekdays)")
    r.add_argument("--weekend-lengths", metavar="HOURS", help="Saturday-Sunday lengths in hours, 0 = no weekend "
                                                               "cover (default: as weekdays)")
    r.add_argument("--max-patterns", type=x.whole(2, 100_000), default=MAX_PATTERNS,
                   help=f"refuse a search of more patterns than this (default {MAX_PATTERNS})")
    x.add_run_options(p, 20, "replications per level (default 20)")
    _robust.add_arguments(p)
    x.add_backend_options(p)
    x.add_output_options(p, resumable=True)


ROTA_FLAGS = ("custody_workers", "shift_starts", "shift_lengths", "weekend_starts", "weekend_lengths")


def _values(flag: str, text: str | None) -> list | None:
    if text is None:
        return None
    try:
        return parse_values(flag, text)
    except ParameterError as exc:
        raise InputError(flag, None, exc.message) from None


def run(args: argparse.Namespace) -> int:
    given = [f"--{a.replace('_', '-')}" for a in ROTA_FLAGS if getattr(args, a) is not None]
    _robust.check(args)
    if args.rota_search:
        return run_rota(args)
    if given:
        raise InputError(given[0], None, "belongs to the rota search: add --rota-search")
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
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **out) as od:  # claimed (and locked) before the runs
        res = capacity(scenario, params, targets, args.n, variants=variants or None, confidence=args.confidence,
                       meaning="mean" if args.mean else "years", years=args.years, screen=not args.no_screen,
                       collector=coll, seed=args.seed, days=args.days, out=od, fmt=args.format,
                       extra_provenance=x.provenance_extra(args), **kw)
        if od is not None:  # written before the report is printed: a closed pipe cannot lose them
            with od.staging() as tmp:
                atomic_table(res.levels, tmp / "levels.csv")
                atomic_table(res.evidence, tmp / "evidence.csv")
                atomic_write_text(tmp / "answer.json", json.dumps(
                    {"answer": res.answer, "targets": [str(t) for t in targets], "confidence": args.confidence,
                     "meaning": res.meaning, **({"years": res.years} if res.meaning == "years" else {}),
                     "explanation": res.explanation()},
                    indent=2, sort_keys=True, default=str) + "\n")
                write_provenance(tmp / "provenance.json", {**res.sweep.provenance, "kind": "capacity",
                                                           "answer": res.answer})
        if args.robust:
            return _robust.report(args, res, od, scenario, params, targets, variants, coll, kw)
    print(capacity_text(res))
    if od is not None:
        print(f"\nResults written to {args.out}/")
    return 0 if res.answer is not None else 1


def run_rota(args: argparse.Namespace) -> int:
    if args.param or args.variant or args.variants:
        raise InputError("--rota-search", None, "searches custody shift patterns: give --param/--variant or "
                                                "--rota-search, not both")
    for flag in ("--shift-starts", "--shift-lengths"):
        if getattr(args, flag[2:].replace("-", "_")) is None:
            raise InputError(flag, None, "the rota search needs it, e.g. --shift-starts 6:12:2 --shift-lengths 8:12:2")
    scenario = x.load(args)
    values = {a: _values(f"--{a.replace('_', '-')}", getattr(args, a)) for a in ROTA_FLAGS}
    targets = [Target.parse(t) for t in (args.target or ())]
    if not targets:
        raise InputError("--target", None, "give at least one target, e.g. --target 'share_ia_before_release>=0.9'")
    out = x.output_options(args, NAME)
    coll = x.collector(args, [t.kpi for t in targets])
    kw = x.backend_kwargs(args)
    with output_dir(args.out, **out) as od:
        res = rota_search(scenario, targets, args.n, custody_workers=values["custody_workers"],
                          starts=values["shift_starts"], lengths=values["shift_lengths"],
                          weekend_starts=values["weekend_starts"], weekend_lengths=values["weekend_lengths"],
                          confidence=args.confidence, meaning="mean" if args.mean else "years", years=args.years,
                          max_patterns=args.max_patterns, collector=coll, seed=args.seed, days=args.days, out=od,
                          fmt=args.format, extra_provenance=x.provenance_extra(args), **kw)
        if od is not None:
            with od.staging() as tmp:
                atomic_table(res.patterns.drop(columns=["weekday", "weekend"]), tmp / "patterns.csv")
                atomic_table(res.capacity.evidence, tmp / "evidence.csv")
                atomic_write_text(tmp / "answer.json", json.dumps(
                    {"answer": str(res.answer) if res.answer else None,
                     "answer_shifts": res.answer.shifts() if res.answer else None,
                     "answer_workers": res.answer.workers if res.answer else None,
                     "runner_up": str(res.runner_up) if res.runner_up else None,
                     "targets": [str(t) for t in targets], "confidence": args.confidence, "meaning": res.meaning,
                     **({"years": res.years} if res.meaning == "years" else {}),
                     "explanation": res.explanation()}, indent=2, sort_keys=True, default=str) + "\n")
                write_provenance(tmp / "provenance.json", {**res.capacity.sweep.provenance, "kind": "rota_search",
                                                           "answer": str(res.answer) if res.answer else None})
    print(capacity_text(res))
    if od is not None:
        print(f"\nResults written to {args.out}/")
    return 0 if res.answer is not None else 1
