"""Results of a run: the per-person table, KPIs and CJIT utilisation.

The one entry point :func:`run` is pure in its inputs (scenario, seed, replication),
so serial, process and Dask backends all call it and agree.

KPI names are stable (they are columns of replication tables); waits are in hours
(custody) or days (community), as their names say. What each KPI means: :mod:`dipsim.kpis`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import __version__
from .model import Model, RunOutput
from .model.calendar import Rota
from .model.cjit import ACTIVITIES, OTHER_ACTIVITIES, PATHWAY_ACTIVITIES
from .model.core import POOLS
from .kpis_from_records import PeopleArrays, people_kpis
from .random import Streams
from .scenario import Scenario, scenario_hash
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
        people_table: bool = True) -> RunResult:
    """Simulate ``days`` of arrests (default: the scenario's) and every pathway to its end.

    ``people_table=False``: the KPIs are computed straight from the record arrays and the
    people table is built only if ``result.people`` is read (the experiments' workers run so:
    the numbers are identical)."""
    seed = scenario.seed if seed is None else int(seed)
    days = scenario.days if days is None else int(days)
    out = Model(scenario, Streams(seed, replication), days).run()
    util = utilisation(out.busy, out.overtime, scenario, 0, days)
    prov = {"seed": seed, "replication": replication, "days": days, "dipsim_version": __version__,
            "scenario_name": scenario.name, "scenario_hash": scenario_hash(scenario), "end_h": out.end_h}
    if people_table:
        people = out.records.to_frame()
        return RunResult(people, compute_kpis(people, util, days, out), util, out.busy, out.overtime, prov)
    arrays = PeopleArrays.from_records(out.records)
    return RunResult(None, compute_kpis(arrays, util, days, out), util, out.busy, out.overtime, prov,
                     records=out.records, arrays=arrays)


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


def _mean(x: pd.Series) -> float:
    x = x.dropna()
    return float(x.mean()) if len(x) else float("nan")


def _share(num: int, den: int) -> float:
    return num / den if den else float("nan")


class Tally:
    """Counts in a people table: ``tally(column, value)`` for a categorical column (each column
    counted once, by one bincount of its codes, rather than a comparison and a sum per value)
    and ``tally.true(column)`` for a nullable boolean one (NA is not True)."""

    def __init__(self, p: pd.DataFrame):
        self.p = p
        self._counts: dict[str, dict] = {}

    def __call__(self, column: str, value) -> int:
        counts = self._counts.get(column)
        if counts is None:
            cat = self.p[column].array
            codes = np.asarray(cat.codes)
            n = np.bincount(codes[codes >= 0], minlength=len(cat.categories))
            counts = self._counts[column] = dict(zip(cat.categories, n.tolist()))
        return counts.get(value, 0)

    def true(self, column: str) -> int:
        return int(self.p[column].sum())


def compute_kpis(p: pd.DataFrame | PeopleArrays, util: pd.DataFrame, days: int,
                 output: RunOutput | None = None) -> dict[str, float]:
    """Counts at each Annex A box, disposals, condition mix, compliance, waits, utilisation.

    ``p``: the people table, or its columns as arrays (:class:`PeopleArrays`: the same numbers,
    without building the table; tests/test_kpis_from_records.py checks every KPI).
    Each KPI's label, unit, Annex A box and definition is in the registry, :mod:`dipsim.kpis`
    (docs/kpis.md); tests/test_kpis.py checks the two name the same KPIs."""
    groups_held = output.groups_held if output is not None else float("nan")
    k = people_kpis(p, days, groups_held) if isinstance(p, PeopleArrays) else _people_kpis(p, days, groups_held)
    return _capacity_kpis(k, util)


def _people_kpis(p: pd.DataFrame, days: int, groups_held: float) -> dict[str, float]:
    k: dict[str, float] = {}
    n = len(p)
    tally = Tally(p)
    k["arrests"] = n
    k["arrests_per_day"] = n / days if days else float("nan")
    # §2.1 and the drug indication, recorded apart (an adult outside the map may still be tested, §2.2)
    eligible, indicated = p["statutory_eligible"], p["drug_indication"]
    k["outside_map"] = int((eligible == False).sum())  # noqa: E712 (nullable: NA is neither)
    k["outside_map_with_drug_indication"] = int(((eligible == False) & (indicated == True)).sum())  # noqa: E712
    k["outside_map_no_drug_indication"] = int(((eligible == False) & (indicated == False)).sum())  # noqa: E712
    k["drug_indication"] = tally.true("drug_indication")
    k["no_drug_indication"] = int((indicated == False).sum())  # noqa: E712
    for state in p["terminal_state"].cat.categories:
        k[f"terminal_{state}"] = tally("terminal_state", state)
    tested = p["test_result"] != "not_tested"
    k["tests"] = int(tested.sum())
    k["tests_positive"] = tally("test_result", "positive")
    k["tests_refused"] = tally("test_result", "refused")
    for drug in p["positive_for"].cat.categories:
        if drug != "none":
            k[f"tests_positive_{drug}"] = tally("positive_for", drug)
    k["share_tests_positive"] = _share(k["tests_positive"], int((tested & (p["test_result"] != "refused")).sum()))
    k["required_assessments"] = tally("route", "required_assessment")
    for o in ("attended", "failed", "missed_no_worker"):
        k[f"ia_{o}"] = tally("ia_outcome", o)
    k["share_required_assessed"] = _share(k["ia_attended"], k["required_assessments"])
    k["share_ia_before_release"] = _share(k["ia_attended"] + k["ia_failed"], k["required_assessments"])
    k["voluntary_route"] = tally("route", "voluntary_assessment")
    k["voluntary_assessments"] = tally("va_outcome", "held")
    k["va_missed_no_worker"] = tally("va_outcome", "missed_no_worker")
    k["custody_assessments_missed_no_worker"] = k["ia_missed_no_worker"] + k["va_missed_no_worker"]
    k["follow_up_assessments_arranged"] = n - tally("fa_outcome", "none")
    for o in ("held", "not_attended", "cancelled"):
        k[f"follow_up_assessments_{o}"] = tally("fa_outcome", o)
    k["ra_non_compliance_reported"] = tally.true("ra_non_compliance_reported")
    k["consent_refused"] = tally("stop_reason", "consent_refused")
    k["unwilling_voluntary_assessment"] = tally("stop_reason", "unwilling_voluntary_assessment")
    k["referred_to_cps"] = int(p["referral_h"].notna().sum())
    k["cps_authorised"] = tally.true("cps_authorised")
    k["police_bail"] = tally.true("police_bail")
    for d in p["disposal"].cat.categories:
        k[f"disposal_{d}"] = tally("disposal", d)
    cautioned = p["caution_h"].notna()
    k["cautions"] = int(cautioned.sum())
    for c in p["condition"].cat.categories:
        if c != "none":
            k[f"condition_{c}"] = int(((p["condition"] == c) & cautioned).sum())
    k["declined"] = tally("terminal_state", "declined_prosecution")
    k["restriction_on_bail_may_apply"] = tally.true("restriction_on_bail")
    k["complied"] = k["terminal_complied_case_closed"]
    k["non_compliance"] = k["terminal_non_compliance_reported"]
    k["prosecuted_after_non_compliance"] = tally.true("prosecuted")
    k["not_delivered_in_time"] = k["terminal_not_delivered_in_time"]
    k["completion_rate"] = _share(k["complied"], k["complied"] + k["non_compliance"])
    k["prosecutions_considered"] = k["declined"] + k["non_compliance"]
    for e in p["non_compliance_event"].cat.categories:
        if e not in ("none", "attended"):
            k[f"non_compliance_{e}"] = tally("non_compliance_event", e)
    k["rearrangements"] = int(p["rearrangements"].sum())
    k["dirs_completed"] = tally.true("dir_completed")
    for where in ("initial_assessment", "voluntary_assessment", "condition_session"):  # (a follow-up assessment
        # follows an initial one attended, which completed the DIR: §5, none at the follow-up)
        k[f"dirs_completed_at_{where}"] = tally("dir_completed_at", where)
    k["dirs_not_duplicated"] = tally("dir_completed_at", "earlier_contact")
    # §2.2, §4.6.6 Step 1: out-of-area residents' work is their home CJIT's, counted apart from this area's pools
    k["home_cjit_conditions"] = tally("delivered_by", "home_cjit")
    held_fa = p["fa_outcome"].isin(["held", "not_attended"])
    k["home_cjit_follow_up_assessments"] = int((~p["resident_in_area"] & held_fa).sum())
    k["home_cjit_hours"] = float(p["home_cjit_worker_hours"].sum())
    k["onward_referrals"] = tally.true("onward_referral")
    k["group_education_sessions_attended"] = tally.true("session2_group")
    k["group_sessions_held"] = groups_held
    k["voluntary_continuations"] = tally.true("voluntary_continuation")
    k["mean_wait_arrest_to_ia_h"] = _mean(p["ia_start_h"] - p["arrest_h"])
    k["mean_wait_ia_queue_h"] = _mean(p["ia_start_h"] - p["ia_request_h"])
    first = (p["session1_h"] - p["caution_h"]) / HOURS_PER_DAY
    k["mean_wait_caution_to_first_session_d"] = _mean(first)
    k["p90_wait_caution_to_first_session_d"] = float(first.quantile(0.9)) if first.notna().any() else float("nan")
    k["mean_gap_session1_to_2_d"] = _mean((p["session2_h"] - p["session1_h"]) / HOURS_PER_DAY)
    k["mean_gap_session2_to_3_d"] = _mean((p["session3_h"] - p["session2_h"]) / HOURS_PER_DAY)
    k["mean_caution_to_report_d"] = _mean((p["report_h"] - p["caution_h"]) / HOURS_PER_DAY)
    return k


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
