"""The capacity answer: the smallest staffing that meets every target with 95% confidence.

A target is ``KPI OP VALUE`` (``share_ia_before_release>=0.95``, ``utilisation_custody<=0.85``,
``share_first_session_within_10d>=0.9``). "Met with 95% confidence" means the one-sided 95%
confidence bound of the KPI's mean over replications lies on the right side of the target:
the lower bound (mean - t(0.95, n-1) s / sqrt n) for ``>=``/``>``, the upper bound for
``<=``/``<``. A level with too few finite values to form a bound (n < 2) does not meet it.

Levels are the cells of a sweep (staffing parameters, optionally crossed with named
variants such as rota alternatives), all under common random numbers. "Smallest" means
the fewest rostered CJIT hours a week (custody + community workers x their rota's weekly
hours; see :func:`~dipsim.experiment.kpis.staff_hours_per_week`), then the sum of the swept
values, then grid order.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..scenario import Scenario
from .kpis import KpiCollector, collector_for, staff_hours_per_week
from .stats import one_sided_bound, t_interval
from .sweep import SweepResult, sweep

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<=|>|<)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Target:
    kpi: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> "Target":
        """``"share_ia_before_release>=0.95"`` (also ``<=``, ``>``, ``<``)."""
        m = TARGET.match(text)
        if not m:
            raise ParameterError("targets", f"expected KPI>=VALUE or KPI<=VALUE (e.g. utilisation_custody<=0.85), "
                                               f"got {text!r}")
        try:
            value = float(m.group(3))
        except ValueError:
            raise ParameterError("targets", f"the target value must be a number, got {m.group(3)!r}", m.group(1)) from None
        if not math.isfinite(value):
            raise ParameterError("targets", f"the target value must be finite, got {m.group(3)!r}", m.group(1))
        return cls(m.group(1), m.group(2), value)

    @property
    def side(self) -> str:
        return "lower" if self.op in (">=", ">") else "upper"

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    def met(self, bound: float) -> bool:
        return bool(np.isfinite(bound) and OPS[self.op](bound, self.value))


@dataclass
class CapacityResult:
    answer: dict | None          # the chosen level's columns (+ staff_hours_per_week), None if no level meets every target
    levels: pd.DataFrame         # one row per level: its columns, staff_hours_per_week, meets_all, and per target mean/bound/met
    evidence: pd.DataFrame       # one row per (level, target): n, mean, 95% CI, one-sided bound, met
    targets: list[Target]
    sweep: SweepResult
    confidence: float = 0.95
    label_columns: list[str] = field(default_factory=list)

    def report(self) -> str:
        return format_capacity(self)


def evaluate(results: pd.DataFrame, label_cols: Sequence[str], targets: Sequence[Target],
             confidence: float = 0.95, order: Sequence[float] | None = None) -> pd.DataFrame:
    """Evidence: for each level (group of ``label_cols``) and target, the mean, 95% CI and bound."""
    rows = []
    groups = results.groupby(list(label_cols), sort=False, dropna=False) if label_cols else [((), results)]
    for li, (key, g) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        for t in targets:
            x = g[t.kpi].to_numpy(float)
            ci = t_interval(x)
            bound = one_sided_bound(x, t.side, confidence)
            rows.append({**dict(zip(label_cols, key)), "level": li, "target": str(t), "kpi": t.kpi, "op": t.op,
                         "threshold": t.value, "n": ci.n, "mean": ci.mean, "lower": ci.lower, "upper": ci.upper,
                         "bound": bound, "bound_side": t.side, "met": t.met(bound)})
    return pd.DataFrame(rows)


def capacity(scenario: Scenario, params: Mapping[str, Sequence[Any]], targets: Sequence[Target | str],
             n: int = 20, *, variants: Mapping[str, Mapping[str, Any]] | None = None, confidence: float = 0.95,
             collector: KpiCollector | None = None, **sweep_kw) -> CapacityResult:
    """Sweep the staffing levels and pick the smallest meeting every target (module doc).

    ``sweep_kw``: seed, days, out, resume, fmt, backend, scheduler, workers, batch_size, progress.
    """
    targets = [t if isinstance(t, Target) else Target.parse(t) for t in targets]
    if not targets:
        raise ParameterError("targets", "give at least one target, e.g. share_ia_before_release>=0.95")
    if not params and not variants:
        raise ParameterError("params", "give the staffing levels to try, e.g. cjit.custody.workers=1:6")
    if not 0.5 <= confidence < 1:
        raise ParameterError("confidence", f"must be in [0.5, 1), got {confidence}")
    collector = collector_for([t.kpi for t in targets], collector)
    prov = {"targets": [str(t) for t in targets], "confidence": confidence,
            "rule": "a target is met when the one-sided confidence bound of the mean over replications "
                    "is on its right side; the answer is the level with the fewest rostered CJIT hours a week "
                    "meeting every target"}
    extra = {**(sweep_kw.pop("extra_provenance", None) or {}), "capacity": prov}
    res = sweep(scenario, params, n, variants=variants, collector=collector, extra_provenance=extra, **sweep_kw)
    missing = [t.kpi for t in targets if t.kpi not in res.results.columns]
    if missing:
        raise ParameterError("targets", "no such KPI (see the columns of a replicate or sweep table)", missing[0])
    labels = res.label_columns
    ev = evaluate(res.results, labels, targets, confidence)
    hours = [staff_hours_per_week(s) for s in res.scenarios]
    swept_sum = []
    for _, row in res.cells.iterrows():
        total = 0.0
        for k in (params or {}):
            v = row[k]
            total += float(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else math.inf
        swept_sum.append(total)
    lv = res.cells[labels].copy() if labels else pd.DataFrame(index=[0])
    lv.insert(0, "level", range(len(lv)))
    lv["staff_hours_per_week"] = hours
    for t in targets:
        e = ev[ev["target"] == str(t)].set_index("level")
        lv[f"{t.kpi} mean"] = e["mean"].reindex(lv["level"]).to_numpy()
        lv[f"{t.kpi} bound"] = e["bound"].reindex(lv["level"]).to_numpy()
        lv[f"{t.kpi} met"] = e["met"].reindex(lv["level"]).to_numpy()
    lv["meets_all"] = ev.groupby("level")["met"].all().reindex(lv["level"]).to_numpy()
    lv["_order"] = list(zip(hours, swept_sum, range(len(lv))))
    ok = lv[lv["meets_all"]]
    answer = None
    if len(ok):
        best = ok.sort_values("_order", kind="stable").iloc[0]
        answer = {c: _plain(best[c]) for c in ["level", *labels, "staff_hours_per_week"]}
    lv = lv.drop(columns="_order")
    ev.insert(list(ev.columns).index("level") + 1, "staff_hours_per_week", [hours[i] for i in ev["level"]])
    return CapacityResult(answer, lv, ev, targets, res, confidence, labels)


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def format_capacity(result: CapacityResult) -> str:
    """The answer and its evidence, as text for the terminal."""
    pct = f"{100 * result.confidence:g}%"
    lines = []
    labels = result.label_columns
    if result.answer is None:
        lines.append(f"No level tried meets every target with {pct} confidence.")
    else:
        what = ", ".join(f"{k} = {result.answer[k]}" for k in labels)
        lines.append(f"Answer: {what} ({result.answer['staff_hours_per_week']:g} rostered CJIT hours a week) "
                     f"is the smallest level meeting every target with {pct} confidence.")
    n = int(result.evidence["n"].max()) if len(result.evidence) else 0
    lines.append(f"Targets: {'; '.join(str(t) for t in result.targets)}. {n} replications a level, "
                 f"common random numbers; bound = one-sided {pct} confidence bound of the mean.")
    lines.append("")
    header = [*labels, "hours/wk"]
    for t in result.targets:
        header.append(f"{t.kpi} mean [95% CI] bound")
    header.append("all met")
    table = []
    for _, row in result.levels.iterrows():
        cells = [str(row[c]) for c in labels] + [f"{row['staff_hours_per_week']:g}"]
        for t in result.targets:
            e = result.evidence[(result.evidence["level"] == row["level"]) & (result.evidence["target"] == str(t))].iloc[0]
            mark = "ok" if e["met"] else "no"
            cells.append(f"{_fmt(e['mean'])} [{_fmt(e['lower'])}, {_fmt(e['upper'])}] {_fmt(e['bound'])} {mark}")
        cells.append("yes" if row["meets_all"] else "no")
        table.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return "\n".join(lines)


def _fmt(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    return f"{x:.3f}" if abs(x) < 100 else f"{x:.1f}"
