"""Command-line pieces shared by ``dipsim replicate | sweep | capacity | compare``."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..errors import InputError
from ..scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from ..commands._args import whole
from .backends import BACKENDS, DEFAULT_BACKEND
from .kpis import FIRST_SESSION, KpiCollector, known_kpis

DEFAULT_SHOW = ("arrests", "share_required_assessed", "share_ia_before_release", "cautions", "completion_rate",
                "mean_wait_ia_queue_h", "mean_wait_caution_to_first_session_d", "share_first_session_within_10d",
                "utilisation_custody", "utilisation_community")


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
    p.add_argument("-n", "--replications", dest="n", type=whole(1), default=n_default, help=n_help)
    p.add_argument("--days", type=whole(1), help="days of arrests per replication (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="seed (default: the scenario's); replication r uses Streams(seed, r)")
    p.add_argument("--warmup-days", type=whole(0), default=0, metavar="W",
                   help="compute KPIs on people arrested from day W on (default 0: the whole run)")
    p.add_argument("--first-session-within", type=number(0), action="append", metavar="DAYS",
                   help="add share_first_session_within_{DAYS}d (repeatable; 7, 10 and 14 are always there)")


def add_backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                   help=f"where runs execute (default: {DEFAULT_BACKEND}, on all cores); results are identical")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (with --backend dask; default: a local cluster)")
    p.add_argument("--workers", type=whole(1), help="worker processes (default: all cores)")
    p.add_argument("--batch-size", type=whole(1), help="runs per task (default: about 4 tasks per worker)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is off anyway when stderr "
                                                              "is not a terminal)")


def add_output_options(p: argparse.ArgumentParser, resumable: bool = False) -> None:
    p.add_argument("--out", metavar="DIR", help="write results here" + (
        " (each finished cell at once; final tables at the end)" if resumable else " (atomically: all or nothing)"))
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                   help="format of the per-replication table (default parquet)")
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


def collector(args, kpis: Sequence[str] = ()) -> KpiCollector:
    days = list(args.first_session_within or ())
    days += [float(m.group(1)) for k in kpis if (m := FIRST_SESSION.match(k))]
    base = KpiCollector(warmup_days=args.warmup_days)
    return KpiCollector(tuple(base.first_session_within_days) + tuple(days), args.warmup_days)


def check_kpis(names: Sequence[str], scenario: Scenario, coll: KpiCollector, option: str = "--kpi") -> None:
    known = set(known_kpis(scenario, coll))
    for k in names:
        if k not in known:
            close = [x for x in sorted(known) if k.split("_")[0] in x][:5]
            hint = f"; e.g. {', '.join(close)}" if close else ""
            raise InputError(option, k, f"no such KPI{hint}")


def check_out(args) -> None:
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise InputError(args.out, None, "exists and is not a directory: choose another --out")


def provenance_extra(args) -> dict:
    return {"scenario_file": str(args.scenario)}


def fmt_value(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if x != 0 and abs(x) < 0.001:
        return f"{x:.2g}"
    return f"{x:.3f}"


def summary_text(summary: pd.DataFrame, kpis: Sequence[str], by: Sequence[str] = ()) -> str:
    """Mean ± 95% half-width for the chosen KPIs, one line per (group, KPI), groups in run order."""
    s = summary[summary["kpi"].isin(kpis)].copy()
    if s.empty:
        return ""
    s["_k"] = s["kpi"].map({k: i for i, k in enumerate(kpis)})
    s["_g"] = pd.factorize(pd.Series(list(zip(*(s[b] for b in by))) if by else [0] * len(s), index=s.index))[0]
    s = s.sort_values(["_g", "_k"], kind="stable")
    table = pd.DataFrame({**{b: s[b].astype(str) for b in by}, "KPI": s["kpi"],
                          "mean ± 95% half-width": [f"{fmt_value(m)} ± {fmt_value(h)}"
                                                    for m, h in zip(s["mean"], s["half_width"])],
                          "n": s["n"].astype(int)})
    return text_table(table)


def text_table(df: pd.DataFrame) -> str:
    """A plain left-aligned text table (numbers as given)."""
    cols = [str(c) for c in df.columns]
    body = [[str(v) for v in row] for row in df.itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)
