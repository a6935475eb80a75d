"""Policy comparison under common random numbers: paired differences against a baseline.

Each variant (a condition-menu policy, or any named set of overrides) runs replications
0..n-1 with ``Streams(seed, r)``; replication r of every variant sees the same arrests,
people and draws for every activity they share. For every KPI and every variant after the
first (the baseline), the paired difference d_r = variant_r - baseline_r gives a 95%
t-interval; ``significant`` is true when that interval excludes 0. The unpaired (Welch)
half-width on the same runs is given alongside, to show what CRN buys.

Both tables (``differences`` and ``summary``) carry each KPI's plain ``label`` and ``unit``
from the registry (:mod:`dipsim.kpis`) beside its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import kpis as registry
from ..errors import ParameterError
from ..scenario import Scenario
from .kpis import KpiCollector
from .overrides import policy_variants
from .stats import kpi_columns, paired_interval, summarise, welch_interval
from .sweep import SweepResult, sweep

DIFF_COLUMNS = ["variant", "baseline", "kpi", "label", "unit", "n", "baseline_mean", "variant_mean", "difference", "sd",
                "half_width", "lower", "upper", "significant", "unpaired_half_width"]


@dataclass
class CompareResult:
    replications: pd.DataFrame   # variant, seed, replication, KPIs
    differences: pd.DataFrame    # one row per (variant, KPI): paired difference vs the baseline and its CI
    summary: pd.DataFrame        # one row per (variant, KPI): mean and CI
    provenance: dict
    baseline: str

    def significant(self) -> pd.DataFrame:
        return self.differences[self.differences["significant"]]


def paired_differences(df: pd.DataFrame, by: str = "variant", baseline: Any = None,
                       kpis: Sequence[str] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Paired differences of every KPI between each group of ``by`` and ``baseline`` (default:
    the first group), matched on ``replication``."""
    groups = list(dict.fromkeys(df[by].tolist()))
    if not groups:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    baseline = groups[0] if baseline is None else baseline
    if baseline not in groups:
        raise ParameterError("baseline", f"must be one of {', '.join(map(str, groups))}, got {baseline!r}")
    kpis = list(kpis) if kpis is not None else kpi_columns(df, exclude=[by])
    base = df[df[by] == baseline].set_index("replication").sort_index()
    rows = []
    for g in groups:
        if g == baseline:
            continue
        other = df[df[by] == g].set_index("replication").sort_index()
        reps = base.index.intersection(other.index)
        for k in kpis:
            a = base.loc[reps, k].to_numpy(float)
            b = other.loc[reps, k].to_numpy(float)
            ci = paired_interval(a, b, level)
            un = welch_interval(a, b, level)
            sig = bool(np.isfinite(ci.lower) and (ci.lower > 0 or ci.upper < 0))
            rows.append({"variant": g, "baseline": baseline, "kpi": k, "label": registry.label(k),
                         "unit": registry.unit(k), "n": ci.n,
                         "baseline_mean": _nanmean(a), "variant_mean": _nanmean(b), "difference": ci.mean,
                         "sd": ci.sd, "half_width": ci.half_width, "lower": ci.lower, "upper": ci.upper,
                         "significant": sig, "unpaired_half_width": un.half_width})
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def with_labels(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each KPI's ``label`` and ``unit`` (from the registry) just after its ``kpi`` column."""
    out = df.drop(columns=[c for c in ("label", "unit") if c in df.columns])
    at = list(out.columns).index("kpi") + 1
    out.insert(at, "unit", [registry.unit(k) for k in out["kpi"]])
    out.insert(at, "label", [registry.label(k) for k in out["kpi"]])
    return out


def _nanmean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else float("nan")


def compare(scenario: Scenario, variants: Mapping[str, Mapping[str, Any]] | Sequence[str], n: int = 30, *,
            baseline: str | None = None, collector: KpiCollector | None = None,
            **sweep_kw) -> CompareResult:
    """Run every variant (``{"name": {dotted key: value}}``, or a list of menu-policy names)
    with CRN and compare each with the baseline (default: the first).

    ``sweep_kw``: seed, days, backend, scheduler, workers, batch_size, progress.
    """
    if not isinstance(variants, Mapping):
        variants = policy_variants(list(variants))
    if len(variants) < 2:
        raise ParameterError("variants", "compare needs at least two policies or variants")
    if baseline is not None and baseline not in variants:
        raise ParameterError("baseline", f"must be one of {', '.join(variants)}, got {baseline!r}")
    names = list(variants)
    if baseline is not None:
        names = [baseline] + [v for v in names if v != baseline]
    ordered = {k: variants[k] for k in names}
    res: SweepResult = sweep(scenario, None, n, variants=ordered, collector=collector, **sweep_kw)
    table = res.results
    diffs = paired_differences(table, "variant", names[0])
    summary = with_labels(summarise(table, by=["variant"], kpis=kpi_columns(table, exclude=["variant"])))
    prov = {**res.provenance, "kind": "compare", "baseline": names[0],
            "method": "paired differences over replications under common random numbers; 95% t-interval; "
                      "significant = interval excludes 0"}
    return CompareResult(table, diffs, summary, prov, names[0])
