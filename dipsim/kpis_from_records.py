"""The people's KPIs straight from a run's record arrays, without building the people table.

Experiment workers (replications, sweeps, capacity, the national sweep) keep one row of
KPIs per run and throw the run away; building the typed people table only to count in it
cost about a tenth of a replication. :func:`people_kpis` computes the people's KPIs from numpy
columns (:class:`PeopleArrays`): the simulation's own record arrays in experiment workers, or a
people table's columns read back (:meth:`PeopleArrays.from_frame`) for
:func:`dipsim.results.compute_kpis` - one computation of each KPI, whichever the source
(tests/test_kpis_from_records.py checks the two sources give every KPI to the last bit on the
three shipped scenarios, several seeds and a warm-up window).

Each mean is the sum of the values that are set divided by their count and each quantile
linear interpolation over the values that are set, as pandas computes them.
"""

from __future__ import annotations

import numpy as np

from .pathway_record import CATEGORIES, COUNTS, FLAGS, TIMES
from .time import HOURS_PER_DAY

NOT_SET = -1


class PeopleArrays:
    """The people-table columns the KPIs read, as numpy arrays: times (NaN: not reached),
    category codes (with their category names), flags (1 True, 0 False, -1 not set) and counts.

    ``from_records`` reads the simulation's record without copying; ``subset`` keeps the
    rows of a boolean mask (the warm-up window)."""

    def __init__(self, columns: dict[str, np.ndarray], categories: dict[str, tuple[str, ...]]):
        self.columns = columns
        self.categories = categories
        self.n = len(columns["arrest_h"])

    @classmethod
    def from_records(cls, records) -> "PeopleArrays":
        cols = {"arrest_h": np.asarray(records.cohort.arrest_h, float)}
        for name in TIMES + tuple(CATEGORIES) + FLAGS + COUNTS:
            cols[name] = getattr(records, name)
        cols["resident_in_area"] = np.asarray(records.cohort.resident, bool)
        cols["home_cjit_worker_hours"] = np.asarray(records.home_cjit_worker_hours, float)
        return cls(cols, dict(CATEGORIES))

    @classmethod
    def from_frame(cls, people) -> "PeopleArrays":
        """The same columns read back from a people table (categories as the table has them)."""
        cols = {"arrest_h": people["arrest_h"].to_numpy(float)}
        cats = {}
        for name in TIMES:
            cols[name] = people[name].to_numpy(float)
        for name in CATEGORIES:
            arr = people[name].array
            cols[name] = np.asarray(arr.codes)
            cats[name] = tuple(arr.categories)
        for name in FLAGS:
            arr = people[name].array
            cols[name] = np.where(np.asarray(arr.isna()), NOT_SET, np.asarray(arr.fillna(False), bool)).astype(np.int8)
        for name in COUNTS:
            cols[name] = people[name].to_numpy()
        cols["resident_in_area"] = people["resident_in_area"].to_numpy(bool)
        cols["home_cjit_worker_hours"] = people["home_cjit_worker_hours"].to_numpy(float)
        return cls(cols, cats)

    def subset(self, mask: np.ndarray) -> "PeopleArrays":
        return PeopleArrays({k: v[mask] for k, v in self.columns.items()}, self.categories)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def code(self, column: str, value: str) -> int:
        return self.categories[column].index(value)


def _mean(x: np.ndarray) -> float:
    x = x[~np.isnan(x)]
    return float(x.sum() / len(x)) if len(x) else float("nan")


def _share(num: int, den: int) -> float:
    return num / den if den else float("nan")


class _Tally:
    """Counts of each category of a column (one bincount per column) and of True flags."""

    def __init__(self, p: PeopleArrays):
        self.p = p
        self._counts: dict[str, list[int]] = {}

    def __call__(self, column: str, value: str) -> int:
        counts = self._counts.get(column)
        if counts is None:
            cats = self.p.categories[column]
            counts = self._counts[column] = np.bincount(self.p[column], minlength=len(cats)).tolist()
        return counts[self.p.code(column, value)]

    def true(self, column: str) -> int:
        return int(np.count_nonzero(self.p[column] == 1))


def people_kpis(p: PeopleArrays, days: int, groups_held: float) -> dict[str, float]:
    """Every KPI of :func:`dipsim.results.compute_kpis` that reads the people (all but the
    busy hours and utilisation), in its order; ``groups_held``: the run's group sessions
    (NaN for a window)."""
    k: dict[str, float] = {}
    n = p.n
    tally = _Tally(p)
    cats = p.categories
    k["arrests"] = n
    k["arrests_per_day"] = n / days if days else float("nan")
    # §2.1 and the drug indication, recorded apart (flags: 1 True, 0 False, -1 not set)
    eligible, indicated = p["statutory_eligible"], p["drug_indication"]
    k["outside_map"] = int(np.count_nonzero(eligible == 0))
    k["outside_map_with_drug_indication"] = int(np.count_nonzero((eligible == 0) & (indicated == 1)))
    k["outside_map_no_drug_indication"] = int(np.count_nonzero((eligible == 0) & (indicated == 0)))
    k["drug_indication"] = tally.true("drug_indication")
    k["no_drug_indication"] = int(np.count_nonzero(indicated == 0))
    for state in cats["terminal_state"]:
        k[f"terminal_{state}"] = tally("terminal_state", state)
    test = p["test_result"]
    tested = test != p.code("test_result", "not_tested")
    k["tests"] = int(np.count_nonzero(tested))
    k["tests_positive"] = tally("test_result", "positive")
    k["tests_refused"] = tally("test_result", "refused")
    for drug in cats["positive_for"]:
        if drug != "none":
            k[f"tests_positive_{drug}"] = tally("positive_for", drug)
    k["share_tests_positive"] = _share(k["tests_positive"],
                                       int(np.count_nonzero(tested & (test != p.code("test_result", "refused")))))
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
    k["referred_to_cps"] = int(np.count_nonzero(~np.isnan(p["referral_h"])))
    k["cps_authorised"] = tally.true("cps_authorised")
    k["police_bail"] = tally.true("police_bail")
    for d in cats["disposal"]:
        k[f"disposal_{d}"] = tally("disposal", d)
    cautioned = ~np.isnan(p["caution_h"])
    k["cautions"] = int(np.count_nonzero(cautioned))
    condition = p["condition"]
    for code, c in enumerate(cats["condition"]):
        if c != "none":
            k[f"condition_{c}"] = int(np.count_nonzero((condition == code) & cautioned))
    k["declined"] = tally("terminal_state", "declined_prosecution")
    k["restriction_on_bail_may_apply"] = tally.true("restriction_on_bail")
    k["complied"] = k["terminal_complied_case_closed"]
    k["non_compliance"] = k["terminal_non_compliance_reported"]
    k["prosecuted_after_non_compliance"] = tally.true("prosecuted")
    k["not_delivered_in_time"] = k["terminal_not_delivered_in_time"]
    k["completion_rate"] = _share(k["complied"], k["complied"] + k["non_compliance"])
    k["prosecutions_considered"] = k["declined"] + k["non_compliance"]
    for e in cats["non_compliance_event"]:
        if e not in ("none", "attended"):
            k[f"non_compliance_{e}"] = tally("non_compliance_event", e)
    k["rearrangements"] = int(p["rearrangements"].sum(dtype=np.int64))
    k["dirs_completed"] = tally.true("dir_completed")
    for where in ("initial_assessment", "voluntary_assessment", "condition_session"):
        k[f"dirs_completed_at_{where}"] = tally("dir_completed_at", where)
    k["dirs_not_duplicated"] = tally("dir_completed_at", "earlier_contact")
    k["home_cjit_conditions"] = tally("delivered_by", "home_cjit")
    fa = p["fa_outcome"]
    held_fa = (fa == p.code("fa_outcome", "held")) | (fa == p.code("fa_outcome", "not_attended"))
    k["home_cjit_follow_up_assessments"] = int(np.count_nonzero(~p["resident_in_area"] & held_fa))
    k["home_cjit_hours"] = float(p["home_cjit_worker_hours"].sum())
    k["onward_referrals"] = tally.true("onward_referral")
    k["group_education_sessions_attended"] = tally.true("session2_group")
    k["group_sessions_held"] = groups_held
    k["voluntary_continuations"] = tally.true("voluntary_continuation")
    k["mean_wait_arrest_to_ia_h"] = _mean(p["ia_start_h"] - p["arrest_h"])
    k["mean_wait_ia_queue_h"] = _mean(p["ia_start_h"] - p["ia_request_h"])
    first = (p["session1_h"] - p["caution_h"]) / HOURS_PER_DAY
    k["mean_wait_caution_to_first_session_d"] = _mean(first)
    set_ = first[~np.isnan(first)]
    k["p90_wait_caution_to_first_session_d"] = \
        float(np.percentile(set_, np.asarray([0.9]) * 100, method="linear")[0]) if len(set_) else float("nan")
    k["mean_gap_session1_to_2_d"] = _mean((p["session2_h"] - p["session1_h"]) / HOURS_PER_DAY)
    k["mean_gap_session2_to_3_d"] = _mean((p["session3_h"] - p["session2_h"]) / HOURS_PER_DAY)
    k["mean_caution_to_report_d"] = _mean((p["report_h"] - p["caution_h"]) / HOURS_PER_DAY)
    return k


def first_session_shares(p: PeopleArrays, within_days) -> dict[str, float]:
    """``share_first_session_within_{N}d`` from the arrays (as dipsim.experiment.kpis computes
    it from the people table)."""
    from .kpis import first_session_name

    cautioned = ~np.isnan(p["caution_h"])
    n = int(np.count_nonzero(cautioned))
    wait_d = ((p["session1_h"] - p["caution_h"]) / HOURS_PER_DAY)[cautioned]
    return {first_session_name(d): float(np.count_nonzero(wait_d <= d) / n) if n else float("nan")
            for d in within_days}
