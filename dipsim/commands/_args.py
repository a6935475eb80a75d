"""Argument types and options shared by commands, and the library's parameter names -> flags.

Bad values are one-line errors (exit status 2). Bounds that a scenario also has (``--days``,
``--seed``) are read from the scenario schema, so the command line and a scenario file
accept the same values.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import math
from typing import Any, Sequence

from ..errors import InputError, ParameterError
from ..scenario import DEFAULT_SCENARIO, Scenario, load_scenario

# The scenario loader refuses any number above 10^9 ("too large to be meaningful",
# dipsim/scenario/loader.py); a field's own "at most" (schema.py ``most``) is tighter.
LARGEST = 10**9

# A library function's parameter (ParameterError.param) -> the flag that sets it.
FLAGS = {
    "n": "-n", "seed": "--seed", "days": "--days", "warmup_days": "--warmup-days", "fmt": "--format",
    "params": "--param", "variants": "--variant", "policies": "--policy", "targets": "--target",
    "confidence": "--confidence", "baseline": "--baseline", "kpis": "--kpi", "precision": "--precision",
    "k_limit": "--k-limit", "max_n": "--max-n", "series": "--series", "backend": "--backend",
    "scheduler": "--scheduler", "workers": "--workers", "batch_size": "--batch-size",
    "years": "--years", "custody_workers": "--custody-workers", "starts": "--shift-starts",
    "lengths": "--shift-lengths", "weekend_starts": "--weekend-starts", "weekend_lengths": "--weekend-lengths",
    "max_patterns": "--max-patterns", "levels": "--levels", "spread": "--spread", "tests_per_year": "--tests-per-year",
    "non_intensive_scale": "--non-intensive-scale", "areas": "--areas",
}


def as_flags(exc: InputError) -> InputError:
    """The error as the command line shows it: a library parameter named by its flag."""
    if isinstance(exc, ParameterError) and exc.param in FLAGS:
        return InputError(FLAGS[exc.param], exc.key, exc.message)
    return exc


def whole(minimum: int = 0, maximum: int = LARGEST):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number from {minimum} to {maximum:,}, "
                                             f"got {text!r}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected a whole number from {minimum} to {maximum:,}, "
                                             f"got {_short(text)}")
        return value
    return parse


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 24 else f"a number of {len(text.lstrip('+-'))} digits"


def scenario_bound(name: str, minimum: int | None = None):
    """The argument type for a top-level scenario field (``days``, ``seed``): its range
    as the scenario schema has it (check kind and "at most"); ``minimum`` may raise the floor
    where a command needs more (an experiment needs at least one day)."""
    meta = {f.name: f.metadata for f in dataclasses.fields(Scenario)}[name]
    low = 1 if meta.get("check") == "positive" else 0
    high = int(meta.get("most") or LARGEST)
    return whole(max(low, minimum or 0), high)


def number(low: float | None = None, high: float | None = None, open_low: bool = False, open_high: bool = False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        bad = not math.isfinite(value)
        if low is not None:
            bad |= value <= low if open_low else value < low
        if high is not None:
            bad |= value >= high if open_high else value > high
        if bad:
            lo = "" if low is None else f"{'>' if open_low else '>='} {low:g}"
            hi = "" if high is None else f"{'<' if open_high else '<='} {high:g}"
            raise argparse.ArgumentTypeError(f"expected a number {' and '.join(x for x in (lo, hi) if x)}, got {text!r}")
        return value
    return parse


def add_scenario(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help=f"scenario file, or a shipped scenario's name (default: {DEFAULT_SCENARIO})")


def add_run_options(p: argparse.ArgumentParser, n_default: int | None, n_help: str) -> None:
    p.add_argument("-n", "--replications", dest="n", type=whole(1, 100_000), default=n_default, help=n_help)
    p.add_argument("--days", type=scenario_bound("days", minimum=1),
                   help="days of arrests per replication (default: the scenario's)")
    p.add_argument("--seed", type=scenario_bound("seed"),
                   help="seed (default: the scenario's); replication r uses Streams(seed, r)")
    p.add_argument("--warmup-days", type=whole(0), default=0, metavar="W",
                   help="compute KPIs on people arrested from day W on (default 0: the whole run)")
    p.add_argument("--first-session-within", type=number(0), action="append", metavar="DAYS",
                   help="add share_first_session_within_{DAYS}d (repeatable; 7, 10 and 14 are always there)")


def add_backend_options(p: argparse.ArgumentParser) -> None:
    from ..experiment.backends import BACKENDS, DEFAULT_BACKEND

    p.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                   help=f"where runs execute (default: {DEFAULT_BACKEND}, on all cores); results are identical")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (with --backend dask; default: a local cluster)")
    p.add_argument("--workers", type=whole(1, 4096), help="worker processes (default: all cores)")
    p.add_argument("--batch-size", type=whole(1), help="runs per task (default: about 4 tasks per worker)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is off anyway when stderr "
                                                              "is not a terminal)")


def add_output_options(p: argparse.ArgumentParser, resumable: bool = False, table: str = "per-replication") -> None:
    p.add_argument("--out", metavar="DIR", help="write results here: a new or empty directory, or one holding "
                   "dipsim's earlier results (then add --force" + (" or --resume" if resumable else "") + ")")
    p.add_argument("--force", action="store_true",
                   help="replace dipsim's earlier results in --out (only the files its manifest lists)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                   help=f"format of the {table} table (default parquet)")
    if resumable:
        p.add_argument("--resume", action="store_true", help="continue a run in --out: reuse the cells already done")


def add_variant_options(p: argparse.ArgumentParser, policies: bool = True) -> None:
    if policies:
        p.add_argument("--policy", action="append", metavar="NAME",
                       help="a condition-menu policy (decisions.menu_policy) as a variant (repeatable)")
    p.add_argument("--variant", action="append", metavar="NAME:{KEY: VALUE, ...}",
                   help="a named set of scenario overrides, YAML flow mapping of dotted keys (repeatable)")
    p.add_argument("--variants", action="append", metavar="FILE",
                   help="YAML file: variant name -> mapping of dotted keys to values (repeatable)")


def backend_kwargs(args) -> dict[str, Any]:
    if args.scheduler and args.backend != "dask":
        raise InputError("--scheduler", None, "needs --backend dask")
    return {"backend": args.backend, "scheduler": args.scheduler, "workers": args.workers,
            "batch_size": args.batch_size, "progress": False if args.no_progress else None}


def load(args) -> Scenario:
    return load_scenario(args.scenario)


def collector(args, kpis: Sequence[str] = ()):
    from ..experiment.kpis import FIRST_SESSION, KpiCollector

    days = list(args.first_session_within or ())
    days += [float(m.group(1)) for k in kpis if (m := FIRST_SESSION.match(k))]
    base = KpiCollector(warmup_days=args.warmup_days)
    return KpiCollector(tuple(base.first_session_within_days) + tuple(days), args.warmup_days)


def check_kpis(names: Sequence[str], scenario: Scenario, coll, option: str = "--kpi") -> None:
    """Refuse an unknown KPI name: suggest the closest names and say where the list is."""
    from ..experiment.kpis import known_kpis

    known = known_kpis(scenario, coll)
    for k in names:
        if k not in known:
            main = [n for n in known if not n.startswith("busy_") or n.endswith("_all_h")]
            hint = did_you_mean(k, known) or (f"; one of {', '.join(main)}, or busy_POOL_ACTIVITY_h "
                                              "(hours by activity, e.g. busy_custody_triage_h)")
            raise InputError(option, k, f"no such KPI{hint}")


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``; did you mean X or Y?`` (difflib's close matches), else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def output_options(args, command: str) -> dict[str, Any]:
    """What :class:`dipsim.io.OutputDir` needs from the output options."""
    if args.out is not None and not args.out.strip():
        raise InputError("--out", None, "is empty: give a directory (--out . for this one)")
    if getattr(args, "resume", False) and not args.out:
        raise InputError("--resume", None, "needs --out DIR (the run to continue)")
    if args.force and not args.out:
        raise InputError("--force", None, "needs --out DIR (the results to replace)")
    if args.force and getattr(args, "resume", False):
        raise InputError("--force", None, "and --resume together: choose one (replace, or continue)")
    return {"command": command, "force": args.force, "resume": getattr(args, "resume", False),
            "resumable": hasattr(args, "resume")}


def provenance_extra(args) -> dict:
    return {"scenario_file": str(args.scenario)}

# The research commands' parameters (sensitivity, compare's selection, capacity --robust).
FLAGS.update({"parameters": "--parameter", "method": "--method", "trajectories": "--trajectories",
              "sobol_n": "--sobol-n", "top": "--top", "replications": "-n", "adjust": "--adjust",
              "select": "--select", "indifference": "--indifference", "pcs": "--pcs", "thresholds": "--threshold",
              "robust_points": "--robust-points", "robust_parameters": "--robust-parameter"})
