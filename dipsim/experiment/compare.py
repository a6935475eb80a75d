"""Policy comparison under common random numbers: paired differences against a baseline.

Each variant (a condition-menu policy, or any named set of overrides) runs replications
0..n-1 with ``Streams(seed, r)``; replication r of every variant sees the same arrests,
people and draws for every activity they share. For every KPI and every variant after the
first (the baseline), the paired difference d_r = variant_r - baseline_r gives a 95%
t-interval and a paired t-test p-value. The unpaired (Welch) half-width on the same runs is
given alongside, to show what CRN buys.

**Many KPIs at once.** With some 90 KPIs, about 1 in 20 true-zero differences would look real
at 95% by chance. The p-values of the whole table (every variant x KPI: the *family*) are
therefore adjusted, by Holm (the default: family-wise error rate) or Benjamini-Hochberg (false
discovery rate), and ``significant`` means the adjusted p-value is at most 0.05. The interval
columns stay the per-comparison 95% intervals.

**Differences that matter.** A real difference of 6 minutes in a custody wait is still 6
minutes. Each KPI has a threshold, in its own unit (:func:`default_threshold`, or the
user's): ``matters`` is true when the difference is significant *and* at least that large,
and ``in_units`` gives the difference in words ("+6 minutes", "-2.1 percentage points").

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
from .stats import ADJUSTMENTS, adjust_p, kpi_columns, paired_interval, paired_p_value, summarise, welch_interval
from .sweep import SweepResult, sweep

DIFF_COLUMNS = ["variant", "baseline", "kpi", "label", "unit", "n", "baseline_mean", "variant_mean", "difference", "sd",
                "half_width", "lower", "upper", "p_value", "p_adjusted", "adjustment", "significant", "threshold",
                "matters", "in_units", "verdict", "unpaired_half_width"]
ALPHA = 0.05

RELATIVE_THRESHOLD = 0.05
FIXED_THRESHOLDS = {"share": 0.02, "hours": 0.5, "days": 1.0}
THRESHOLD_RULE = ("2 percentage points for a share, 30 minutes for a custody wait (hours), 1 day for a community "
                  "wait (days), 5% of the baseline's mean for counts and hours worked")


def default_threshold(kpi: str, baseline_mean: float) -> float:
    """The smallest difference that matters, in the KPI's own unit (see :data:`THRESHOLD_RULE`)."""
    u = registry.unit(kpi)
    if u in FIXED_THRESHOLDS:
        return FIXED_THRESHOLDS[u]
    if not np.isfinite(baseline_mean):
        return float("nan")
    return RELATIVE_THRESHOLD * abs(baseline_mean)


def _scale(unit: str, v: float) -> tuple[float, str]:
    """(factor, words) to show a difference of size ``v`` in ``unit``: shares as percentage points,
    hours under 1 as minutes, days under 1 as hours."""
    if unit == "share":
        return 100.0, "percentage points"
    if unit == "hours":
        return (60.0, "minutes") if v < 1 else (1.0, "hours")
    if unit == "days":
        return (24.0, "hours") if v < 1 else (1.0, "days")
    words = {"people": "people", "per day": "a day", "tests": "tests", "worker hours": "worker hours",
             "appointments": "appointments", "groups": "group sessions"}
    return 1.0, words.get(unit, unit)


def _num(x: float) -> str:
    v = abs(x)
    text = f"{v:,.0f}" if v >= 100 else (f"{v:.1f}" if v >= 1 or v == 0 else f"{v:.2g}")
    return ("+" if x > 0 else "-" if x < 0 else "") + text


def in_units(value: float, unit: str) -> str:
    """A difference in words and in its unit: ``+6 minutes``, ``-2.1 percentage points``, ``+12 people``."""
    if value is None or not np.isfinite(value):
        return "-"
    f, words = _scale(unit, abs(float(value)))
    return f"{_num(float(value) * f)} {words}".rstrip()


def interval_in_units(lower: float, upper: float, unit: str) -> str:
    """A confidence interval in one unit: ``+19 to +28 percentage points``."""
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return "-"
    f, words = _scale(unit, max(abs(lower), abs(upper)))
    return f"{_num(lower * f)} to {_num(upper * f)} {words}".rstrip()


@dataclass
class CompareResult:
    replications: pd.DataFrame   # variant, seed, replication, KPIs
    differences: pd.DataFrame    # one row per (variant, KPI): paired difference vs the baseline and its CI
    summary: pd.DataFrame        # one row per (variant, KPI): mean and CI
    provenance: dict
    baseline: str

    def significant(self) -> pd.DataFrame:
        """The differences significant after the multiplicity adjustment."""
        return self.differences[self.differences["significant"]]

    def matters(self) -> pd.DataFrame:
        """The differences that are significant and at least their threshold."""
        return self.differences[self.differences["matters"]]


def paired_differences(df: pd.DataFrame, by: str = "variant", baseline: Any = None,
                       kpis: Sequence[str] | None = None, level: float = 0.95, adjust: str = "holm",
                       thresholds: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Paired differences of every KPI between each group of ``by`` and ``baseline`` (default:
    the first group), matched on ``replication``. The rows returned are the family whose
    p-values ``adjust`` (holm, bh, none) adjusts; ``thresholds`` (KPI -> smallest difference
    that matters, in its unit) override :func:`default_threshold`."""
    if adjust not in ADJUSTMENTS:
        raise ParameterError("adjust", f"must be one of {', '.join(ADJUSTMENTS)}, got {adjust!r}")
    thresholds = dict(thresholds or {})
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
            base_mean = _nanmean(a)
            rows.append({"variant": g, "baseline": baseline, "kpi": k, "label": registry.label(k),
                         "unit": registry.unit(k), "n": ci.n,
                         "baseline_mean": base_mean, "variant_mean": _nanmean(b), "difference": ci.mean,
                         "sd": ci.sd, "half_width": ci.half_width, "lower": ci.lower, "upper": ci.upper,
                         "p_value": paired_p_value(a, b), "adjustment": adjust,
                         "threshold": float(thresholds[k]) if k in thresholds else default_threshold(k, base_mean),
                         "in_units": in_units(ci.mean, registry.unit(k)), "unpaired_half_width": un.half_width})
    out = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    if out.empty:
        return out
    out["p_adjusted"] = adjust_p(out["p_value"].to_numpy(float), adjust)
    out["significant"] = (out["p_adjusted"] <= ALPHA).fillna(False).astype(bool)
    big = out["difference"].abs() >= out["threshold"].fillna(np.inf)
    out["matters"] = (out["significant"] & big).astype(bool)
    out["verdict"] = np.where(out["matters"], "differs by at least the threshold",
                              np.where(out["significant"], "differs, but by less than the threshold",
                                       "no clear difference"))
    return out


def family_sentence(d: pd.DataFrame, level: float = 0.95) -> str:
    """What the ``significant`` column controls, in words."""
    m = int(d["p_value"].notna().sum())
    method = d["adjustment"].iloc[0] if len(d) else "holm"
    what = {"holm": f"the chance that any of the {m} differences called real is not is at most {1 - level:.0%}",
            "bh": f"on average at most {1 - level:.0%} of the differences called real are not",
            "none": f"each of the {m} differences is tested on its own at {1 - level:.0%}: about 1 in 20 "
                    "true-zero differences will look real by chance"}[method]
    return (f"Multiplicity: {ADJUSTMENTS[method].split(' (')[0]} adjustment over the family of {m} paired "
            f"differences (variants x KPIs): {what}.")


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
            baseline: str | None = None, collector: KpiCollector | None = None, adjust: str = "holm",
            thresholds: Mapping[str, float] | None = None, **sweep_kw) -> CompareResult:
    """Run every variant (``{"name": {dotted key: value}}``, or a list of menu-policy names)
    with CRN and compare each with the baseline (default: the first).

    ``sweep_kw``: seed, days, backend, scheduler, workers, batch_size, progress.
    """
    if not isinstance(variants, Mapping):
        variants = policy_variants(list(variants))
    if len(variants) < 2:
        raise ParameterError("variants", "compare needs at least two policies or variants")
    if adjust not in ADJUSTMENTS:
        raise ParameterError("adjust", f"must be one of {', '.join(ADJUSTMENTS)}, got {adjust!r}")
    if baseline is not None and baseline not in variants:
        raise ParameterError("baseline", f"must be one of {', '.join(variants)}, got {baseline!r}")
    names = list(variants)
    if baseline is not None:
        names = [baseline] + [v for v in names if v != baseline]
    ordered = {k: variants[k] for k in names}
    res: SweepResult = sweep(scenario, None, n, variants=ordered, collector=collector, **sweep_kw)
    table = res.results
    diffs = paired_differences(table, "variant", names[0], adjust=adjust, thresholds=thresholds)
    summary = with_labels(summarise(table, by=["variant"], kpis=kpi_columns(table, exclude=["variant"])))
    prov = {**res.provenance, "kind": "compare", "baseline": names[0],
            "method": "paired differences over replications under common random numbers; 95% t-interval; "
                      f"significant = paired t-test p-value adjusted by {adjust} over all variants x KPIs <= 0.05; "
                      "matters = significant and |difference| >= threshold",
            "adjustment": adjust, "thresholds": dict(thresholds or {}), "threshold_rule": THRESHOLD_RULE}
    return CompareResult(table, diffs, summary, prov, names[0])
