"""What each replication keeps: the model's KPIs plus KPIs derived here from the people table.

:class:`KpiCollector` runs inside the worker, on the full :class:`~dipsim.results.RunResult`,
and returns one flat row of floats, so only that row travels back.

Derived KPIs (computed in this module, not by the model): ``share_first_session_within_{N}d``,
the share of people cautioned whose first DIP session began at most N days after the caution.
Every KPI's label, unit and definition is in the registry, :mod:`dipsim.kpis` (docs/kpis.md).

Warm-up: with ``warmup_days = w > 0`` every KPI is recomputed on the post-warm-up window
only: the people arrested at or after day w (``arrest_h >= 24 w``), with
:func:`dipsim.results.compute_kpis`, over ``days - w`` days. Busy hours are the pools'
booked hours for days w..days-1 (by the day each piece of work started); utilisation is
their share of the pool's duty hours in the window, less overtime, as
:func:`dipsim.results.utilisation` computes for the whole run; ``group_sessions_held`` is
not available for a window (NaN).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from ..kpis import DEFAULT_FIRST_SESSION_DAYS, FIRST_SESSION, first_session_name
from ..kpis_from_records import PeopleArrays
from ..kpis_from_records import first_session_shares as array_first_session_shares
from ..model.calendar import Rota
from ..results import ACTIVITIES, POOLS, compute_kpis, run, utilisation
from ..scenario import Scenario
from ..time import DAY_NAMES, HOURS_PER_DAY  # DAY_NAMES: exported here as before

__all__ = ["DAY_NAMES", "DEFAULT_FIRST_SESSION_DAYS", "FIRST_SESSION", "KpiCollector", "busy_names", "collector_for",
           "fill_busy", "first_session_name", "first_session_shares", "known_kpis", "kpi_frame",
           "staff_hours_per_week", "weekly_duty_hours"]


def busy_names() -> list[str]:
    """Every busy-hours KPI the model can report (absent in a run means 0 hours)."""
    return [f"busy_{p}_{a}_h" for p in POOLS for a in ACTIVITIES] + [f"busy_{p}_all_h" for p in POOLS]


@dataclass(frozen=True)
class KpiCollector:
    """Collect one row of KPIs per run: the model's, plus derived ones (see module doc)."""
    first_session_within_days: tuple[float, ...] = DEFAULT_FIRST_SESSION_DAYS
    warmup_days: int = 0

    def __post_init__(self) -> None:
        days = tuple(sorted({float(d) for d in self.first_session_within_days}))
        object.__setattr__(self, "first_session_within_days", days)
        object.__setattr__(self, "warmup_days", int(self.warmup_days))

    def spec(self) -> dict:
        """Plain description (provenance, cell hashes)."""
        return {"first_session_within_days": list(self.first_session_within_days),
                "warmup_days": self.warmup_days}

    def derived_names(self) -> list[str]:
        return [first_session_name(d) for d in self.first_session_within_days]

    def __call__(self, result, job) -> dict[str, float]:
        """The run's KPIs, computed from its record arrays (no people table is built: the
        numbers are those of the table, see :mod:`dipsim.kpis_from_records`)."""
        days = int(result.provenance["days"])
        w = self.warmup_days
        people = result.arrays
        if w <= 0:
            k = dict(result.kpis)
        else:
            if w >= days:
                raise ValueError(f"warm-up ({w} days) must be shorter than the run ({days} days)")
            people = people.subset(people["arrest_h"] >= w * HOURS_PER_DAY)
            k = compute_kpis(people, utilisation(result.daily_busy, result.daily_overtime, job.scenario, w, days), days - w, None)
        k.update(first_session_shares(people, self.first_session_within_days))
        return {name: float(v) for name, v in k.items()}


def first_session_shares(people: pd.DataFrame | PeopleArrays, within_days: Iterable[float]) -> dict[str, float]:
    """``share_first_session_within_{N}d`` for each N (see module doc), from the people table
    or its arrays."""
    if isinstance(people, PeopleArrays):
        return array_first_session_shares(people, within_days)
    cautioned = people["caution_h"].notna()
    n = int(cautioned.sum())
    wait_d = ((people["session1_h"] - people["caution_h"]) / HOURS_PER_DAY)[cautioned]
    out = {}
    for d in within_days:
        out[first_session_name(d)] = float((wait_d <= d).sum() / n) if n else float("nan")
    return out


def weekly_duty_hours(shifts) -> float:
    """Hours a week one worker on this rota is on duty."""
    return Rota.from_shifts(shifts).weekly_hours


def staff_hours_per_week(scenario: Scenario) -> float:
    """Rostered CJIT hours a week: custody and community workers times their rota's weekly
    hours (on-call cover is not counted; 'unlimited' is infinite)."""
    total = 0.0
    for pool in (scenario.cjit.custody, scenario.cjit.community):
        if pool.workers == "unlimited":
            return math.inf
        total += pool.workers * weekly_duty_hours(pool.shifts)
    return total


def known_kpis(scenario: Scenario, collector: KpiCollector | None = None) -> list[str]:
    """Every KPI name a replication table can hold for this scenario (a zero-day run's names,
    every busy-hours name and the collector's derived names)."""
    collector = collector or KpiCollector()
    names = list(run(scenario, days=0).kpis)
    for n in busy_names() + collector.derived_names():
        if n not in names:
            names.append(n)
    return names


def collector_for(kpis: Iterable[str], base: KpiCollector | None = None) -> KpiCollector:
    """``base`` extended with any ``share_first_session_within_{N}d`` named in ``kpis``."""
    base = base or KpiCollector()
    extra = [float(m.group(1)) for k in kpis if (m := FIRST_SESSION.match(k))]
    return KpiCollector(tuple(base.first_session_within_days) + tuple(extra), base.warmup_days)


def kpi_frame(rows: list[dict[str, float]], meta: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of KPIs (with their meta columns first) as one tidy table. A busy-hours KPI a run
    did not report is 0 hours; any other missing KPI is NaN."""
    df = pd.DataFrame([{**m, **r} for m, r in zip(meta, rows)])
    return fill_busy(df)


def fill_busy(df: pd.DataFrame) -> pd.DataFrame:
    busy = [c for c in df.columns if c.startswith("busy_") and c.endswith("_h")]
    if busy:
        df[busy] = df[busy].fillna(0.0)
    return df
