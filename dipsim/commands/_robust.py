"""``dipsim capacity --robust``: the staffing that meets the targets across the plausible ranges
of the parameters that move them (dipsim.experiment.capacity.robust), beside the typical case."""

from __future__ import annotations

import json

from . import _args as x
from ._format import capacity_text, sentences_text, text_table
from ..errors import InputError
from ..experiment.capacity.robust import DEFAULT_POINTS, DEFAULT_TOP, robust_capacity
from ..experiment.sweep import atomic_table, write_provenance
from ..io import atomic_write_text


def add_arguments(p) -> None:
    g = p.add_argument_group("robust staffing (--robust: the answer across the free parameters' plausible ranges)")
    g.add_argument("--robust", action="store_true",
                   help="also find the staffing needed across the plausible ranges (a Latin hypercube of the "
                        "parameters that move the targets most) and at their worst plausible corner")
    g.add_argument("--robust-points", type=x.whole(2, 1000), default=DEFAULT_POINTS,
                   help=f"Latin hypercube points (default {DEFAULT_POINTS}); each costs one capacity search")
    g.add_argument("--robust-parameter", action="append", metavar="KEY",
                   help="a parameter to vary (repeatable; default: the most influential of every uncertain "
                        "parameter with a range, by a Morris screen)")
    g.add_argument("--robust-top", type=x.whole(1, 50), default=DEFAULT_TOP,
                   help=f"how many of the most influential parameters to vary (default {DEFAULT_TOP})")


def check(args) -> None:
    if not args.robust:
        for flag in ("robust_parameter",):
            if getattr(args, flag):
                raise InputError("--robust-parameter", None, "belongs to the robust search: add --robust")
    elif args.rota_search:
        raise InputError("--robust", None, "works with --param levels, not with --rota-search")


def report(args, res, od, scenario, params, targets, variants, coll, kw) -> int:
    """Run the robust search after the typical answer ``res``; print and write it."""
    rob = robust_capacity(scenario, params, targets, args.n, parameters=args.robust_parameter,
                          points=args.robust_points, top=args.robust_top, variants=variants or None,
                          seed=args.seed, days=args.days, collector=coll, typical=res,
                          confidence=args.confidence, meaning="mean" if args.mean else "years", years=args.years,
                          **kw)
    if od is not None:
        with od.staging() as tmp:
            atomic_table(rob.points, tmp / "robust.csv")
            if rob.screen is not None:
                atomic_table(rob.screen, tmp / "robust_screen.csv")
            atomic_write_text(tmp / "robust.json", json.dumps(
                {"typical": res.answer, "robust": rob.robust_answer, "corner": rob.corner.answer,
                 "parameters": rob.parameters, "harder_end": rob.harder_end, "explanation": rob.explanation()},
                indent=2, sort_keys=True, default=str) + "\n")
            write_provenance(tmp / "provenance.json", {**res.sweep.provenance, "kind": "capacity",
                                                       "answer": res.answer, "robust": {
                                                           "points": args.robust_points, "top": args.robust_top,
                                                           "parameters": rob.parameters,
                                                           "design": "Latin hypercube (SALib) + worst corner"}})
    print(capacity_text(res))
    print("\nRobust staffing across the plausible ranges")
    print(sentences_text(rob.explanation()))
    view = rob.points.drop(columns=["answer"]).copy()
    for c in rob.parameters:
        view[c] = view[c].map(lambda v: "-" if v != v else f"{v:.3g}")
    print(text_table(view.fillna("-")))
    if od is not None:
        print(f"\nResults written to {args.out}/")
    return 0 if rob.robust_answer is not None else 1
