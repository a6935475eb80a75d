"""Results of a run: the per-person table, KPIs and CJIT utilisation.

The one entry point :func:`run` is pure in its inputs (scenario, seed, replication),
so serial, process and Dask backends all call it and agree.

KPI names are stable (they are columns of replication tables); waits are in hours
(custody) or days (community), as their names say. What each KPI means: :mod:`dipsim.kpis`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import __version__
from .model import Model, RunOutput
from .model.calendar import Rota
from .model.cjit import ACTIVITIES, OTHER_ACTIVITIES, PATHWAY_ACTIVITIES
from .model.core import POOLS
from .model.shared import SharedRun
from .kpis_from_records import PeopleArrays, people_kpis
from .random import Streams
from .scenario import Scenario, scenario_hash, staffing_free_hash
from .time import HOURS_PER_DAY


class RunResult:
    """One run: the people table, the KPIs, CJIT utilisation, the daily busy and overtime hours
    by pool, and provenance. ``people`` is built when first read if the run was made with
    ``people_table=False`` (experiment workers: their KPIs come from the record arrays)."""

    def __init__(self, people: pd.DataFrame | None, kpis: dict[str, float], utilisation: pd.DataFrame,
                 daily_busy: dict[str, np.ndarray], daily_overtime: dict[str, np.ndarray], provenance: dict,
                 records=None, arrays: PeopleArrays | None = None):
        self._people = people
        self.kpis = kpis
        self.utilisation = utilisation
        self.daily_busy = daily_busy
        self.daily_overtime = daily_overtime
        self.provenance = provenance
        self._records = records
        self._arrays = arrays

    @property
    def people(self) -> pd.DataFrame:
        if self._people is None:
            self._people = self._records.to_frame()
        return self._people

    @property
    def arrays(self) -> PeopleArrays:
        """The people-table columns the KPIs read, as numpy arrays (:mod:`dipsim.kpis_from_records`)."""
        if self._arrays is None:
            self._arrays = PeopleArrays.from_frame(self.people)
        return self._arrays

    def __repr__(self) -> str:
        n = len(self._people) if self._people is not None else self._records.n
        return f"RunResult({n} people, {len(self.kpis)} KPIs, provenance={self.provenance!r})"

    def kpi_series(self) -> pd.Series:
        return pd.Series(self.kpis, name="value")


def run(scenario: Scenario, seed: int | None = None, replication: int = 0, days: int | None = None, *,
        people_table: bool = True, shared: SharedRun | None = None) -> RunResult:
    """Simulate ``days`` of arrests (default: the scenario's) and every pathway to its end.

    ``people_table=False``: the KPIs are computed straight from the record arrays and the
    people table is built only if ``result.people`` is read (the experiments' workers run so:
    the numbers are identical). ``shared``: see :func:`run_levels`."""
    seed = scenario.seed if seed is None else int(seed)
    days = scenario.days if days is None else int(days)
    out = Model(scenario, Streams(seed, replication), days, shared=shared).run()
    util = utilisation(out.busy, out.overtime, scenario, 0, days)
    prov = {"seed": seed, "replication": replication, "days": days, "dipsim_version": __version__,
            "scenario_name": scenario.name, "scenario_hash": scenario_hash(scenario), "end_h": out.end_h}
    if people_table:
        people = out.records.to_frame()
        return RunResult(people, compute_kpis(people, util, days, out), util, out.busy, out.overtime, prov)
    arrays = PeopleArrays.from_records(out.records)
    return RunResult(None, compute_kpis(arrays, util, days, out), util, out.busy, out.overtime, prov,
                     records=out.records, arrays=arrays)


def run_levels(scenarios: Sequence[Scenario], seed: int | None = None, replication: int = 0,
               days: int | None = None, *, people_table: bool = True) -> list[RunResult]:
    """``[run(sc, seed, replication, days) for sc in scenarios]``, the same results to the last bit, made
    faster where scenarios differ only in their numbers of workers (an area at several staffing
    levels): those runs share the cohort, the walks that need no worker and the other work's arrivals
    (:mod:`dipsim.model.shared`). Scenarios that differ in anything else run as they would alone."""
    keys: dict[int, str] = {}
    shared: dict[tuple[str, int, int], SharedRun] = {}
    out = []
    for sc in scenarios:
        s = sc.seed if seed is None else int(seed)
        d = sc.days if days is None else int(days)
        key = keys.get(id(sc))
        if key is None:
            key = keys[id(sc)] = staffing_free_hash(sc)
        group = shared.get((key, s, d))
        if group is None:
            group = shared[(key, s, d)] = SharedRun(sc, s, replication, d, key)
        else:
            group.knows(sc, key)
        out.append(run(sc, s, replication, d, people_table=people_table, shared=group))
    return out


FTE_HOURS = 37.5
"""Hours a week of one full-time worker: a rota's FTE is its rostered hours a week / 37.5."""


def rota_fte(cfg) -> tuple[float, float]:
    """A rota's (workers, full-time equivalents): workers x the rota's hours a week / 37.5
    (NaN for 'unlimited'). A custody worker on duty 8-20 every weekday and 10-18 at weekends
    is 76 hours a week: 2.03 FTE."""
    if cfg.workers == "unlimited":
        return float("nan"), float("nan")
    return float(cfg.workers), cfg.workers * Rota.from_shifts(cfg.shifts).weekly_hours / FTE_HOURS


def utilisation(daily_busy: dict[str, np.ndarray], daily_overtime: dict[str, np.ndarray], scenario: Scenario,
                d0: int, d1: int) -> pd.DataFrame:
    """Busy hours by pool and activity for days d0..d1-1 (work booked by the day it started) and
    utilisation: busy hours within duty / duty hours, in [0, 1]; NaN for an unlimited or on-call pool.

    ``work`` says whose work a row is: ``this pathway`` (the DIP Conditional Caution and Required
    Assessment work, its DIRs and its onward referrals' caseload), ``other CJIT work`` (the rest of
    the DIP caseload, admin, travel) or ``all work`` (the pool's total). ``workers`` and ``fte``
    (rostered hours a week / 37.5) describe the pool."""
    rows = []
    pools = {"custody": scenario.cjit.custody, "community": scenario.cjit.community}
    for name in POOLS:
        busy = np.asarray(daily_busy[name], float)[:, d0:d1].sum(axis=1)
        cfg = pools.get(name)
        duty = float("nan")
        workers, fte = rota_fte(cfg) if cfg is not None else (float("nan"), float("nan"))
        if cfg is not None and cfg.workers != "unlimited":
            duty = cfg.workers * Rota.from_shifts(cfg.shifts).duty_hours(d0 * HOURS_PER_DAY, d1 * HOURS_PER_DAY)
        total = float(busy.sum())
        on_duty_busy = max(0.0, total - float(np.asarray(daily_overtime[name])[d0:d1].sum()))
        util = min(1.0, on_duty_busy / duty) if duty > 0 else np.nan
        for act, hours in zip(ACTIVITIES, busy):
            if hours > 0:  # the activity's share of the pool's utilisation (overtime pro rata): sums to "all"
                rows.append({"pool": name, "activity": act, "work": WORK[act], "busy_h": float(hours),
                             "utilisation": util * hours / total, "workers": workers, "fte": fte})
        rows.append({"pool": name, "activity": "all", "work": "all work", "busy_h": total, "utilisation": util,
                     "workers": workers, "fte": fte})
    return pd.DataFrame(rows, columns=["pool", "activity", "work", "busy_h", "utilisation", "workers", "fte"])


WORK = {**{a: "this pathway" for a in PATHWAY_ACTIVITIES}, **{a: "other CJIT work" for a in OTHER_ACTIVITIES}}
"""Whose work each activity is (the ``work`` column of :func:`utilisation`)."""


def compute_kpis(p: pd.DataFrame | PeopleArrays, util: pd.DataFrame, days: int,
                 output: RunOutput | None = None) -> dict[str, float]:
    """Counts at each Annex A box, disposals, condition mix, compliance, waits, utilisation.

    ``p``: the people table, or its columns as arrays (:class:`PeopleArrays`: the same numbers,
    without building the table; tests/test_kpis_from_records.py checks every KPI).
    Each KPI's label, unit, Annex A box and definition is in the registry, :mod:`dipsim.kpis`
    (docs/kpis.md); tests/test_kpis.py checks the two name the same KPIs."""
    groups_held = output.groups_held if output is not None else float("nan")
    if not isinstance(p, PeopleArrays):  # one computation of the people's KPIs: from the table's columns
        p = PeopleArrays.from_frame(p)
    k = people_kpis(p, days, groups_held)
    return _capacity_kpis(k, util)


def _capacity_kpis(k: dict[str, float], util: pd.DataFrame) -> dict[str, float]:
    """Busy hours by pool and activity, utilisation and CJIT hours, after the people's KPIs.
    (Read as plain lists, not row by row from the table: the same numbers, sums by numpy as
    pandas sums them, in a tenth of the time.)"""
    pools, acts, works = util["pool"].tolist(), util["activity"].tolist(), util["work"].tolist()
    busy, utils, ftes = util["busy_h"].tolist(), util["utilisation"].tolist(), util["fte"].tolist()
    for j, (pool, act) in enumerate(zip(pools, acts)):
        k[f"busy_{pool}_{act}_h"] = float(busy[j])
        if act == "all":
            k[f"utilisation_{pool}"] = float(utils[j])
            if pool != "callout":
                mine = np.asarray([b for p, w, b in zip(pools, works, busy) if p == pool and w == "this pathway"],
                                  float).sum()
                others = np.asarray([b for p, w, b in zip(pools, works, busy) if p == pool and w == "other CJIT work"],
                                    float).sum()
                # with no other work, exactly the pool's utilisation; else its share, overtime pro rata
                k[f"utilisation_{pool}_pathway"] = float(utils[j]) if others == 0 else \
                    float(utils[j] * mine / busy[j])
                k[f"fte_{pool}"] = float(ftes[j])
    k["cjit_hours"] = float(np.asarray([b for a, b in zip(acts, busy) if a == "all"], float).sum())
    return k
