"""Plausible ranges of the free parameters: a low and a high setting for each, with the reasoning.

Every scenario key whose source says "free parameter" (no public figure fixes it) has an entry
in :data:`RANGES`, and so do a few sourced parameters whose published figure is an average over
areas (``arrivals.scale``, ``assessment.custody_hours``). The sensitivity analysis
(``dipsim sensitivity``) and robust staffing (``dipsim capacity --robust``) vary parameters
across these ranges; ``docs/scenario-schema.md`` shows them.

A range is a *low* and a *high* setting, each a valid value of the key:

* a **number** (a probability, days, a count): the parameter takes any value from low to high
  (whole numbers are rounded); the factor is the value itself;
* a **structured value** (a list of probabilities, a mapping of shares, a distribution): the
  factor is a position from 0 (the low setting) through 0.5 (the scenario's own value) to 1
  (the high setting), moving each number in a straight line between them. A straight line
  between two valid settings stays valid: shares still sum to 1, a triangular mode stays
  between its low and high;
* a **multiplier** (``relative``): low and high multiply every number of the scenario's own value;
* a **setting that is not a number** (a rota, the group session slots): the factor picks the
  low setting, the scenario's own, or the high one (thirds of 0..1).

``role``: ``"uncertain"`` (the default) for what an area does not know; ``"decision"`` for what
a planner chooses (workers, rotas, group practice): ``capacity`` sweeps those; ``sensitivity``
leaves them at the scenario's values unless named.

>>> r = RANGES["decisions.accepts_caution"]
>>> (r.low, r.high)
(0.6, 0.95)
>>> value_at("decisions.accepts_caution", 0.7, {"decisions": {"accepts_caution": 0.85}})
0.7
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

FREE_MARK = "free parameter"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
ALL_DAYS = WEEKDAYS + ["sat", "sun"]


@dataclass(frozen=True)
class Range:
    low: Any
    high: Any
    reason: str
    role: str = "uncertain"          # or "decision"
    relative: bool = False           # low and high multiply every number of the scenario's own value
    covered_by: str = ""             # left out of the default set: this other key varies the same thing

    @property
    def is_number(self) -> bool:
        return _is_num(self.low) and _is_num(self.high)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ------------------------------------------------------------------------------- helpers
def _scaled(values, f: float, cap: float | None = None):
    out = [v * f for v in values]
    return [min(cap, round(v, 4)) if cap is not None else round(v, 4) for v in out]


def _dist(kind: str, f: float, **params: float) -> dict:
    return {"dist": kind, **{k: round(v * f, 4) for k, v in params.items()}}


def _flatter(values, f: float) -> list[float]:
    """Each weight moved ``f`` of the way towards the mean (f < 0: away from it, floored at 0)."""
    m = sum(values) / len(values)
    return [round(max(0.0, v + f * (m - v)), 4) for v in values]


def _non_users(profile: Mapping[str, list], f: float) -> dict:
    """Each offence group's share of non-users times ``f``, the drug-use profiles rescaled to keep the sum 1."""
    out = {}
    for group, shares in profile.items():
        nu = min(0.95, shares[0] * f)
        rest = (1 - nu) / (1 - shares[0])
        out[group] = [round(nu, 4)] + [round(s * rest, 4) for s in shares[1:]]
        out[group][-1] = round(1 - sum(out[group][:-1]), 4)
    return out


def _attended(a: float) -> dict:
    d = {"attended": 0.82, "missed_with_notice": 0.06, "missed_without_notice": 0.08, "left_early": 0.02,
         "intoxicated": 0.015, "unacceptable_behaviour": 0.005}
    f = (1 - a) / (1 - d["attended"])
    out = {k: (a if k == "attended" else round(v * f, 5)) for k, v in d.items()}
    out["unacceptable_behaviour"] = round(1 - sum(v for k, v in out.items() if k != "unacceptable_behaviour"), 5)
    return out


_HOURS = [0.3, 0.25, 0.2, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.1, 1.3, 1.4, 1.5, 1.6, 1.7, 1.7, 1.6, 1.5, 1.4, 1.2,
          1.0, 0.7, 0.5]
_PROFILE = {"possession": [0.30, 0.35, 0.20, 0.10, 0.05], "low_level_acquisitive": [0.45, 0.05, 0.10, 0.10, 0.30],
            "non_acquisitive": [0.70, 0.15, 0.07, 0.05, 0.03], "serious": [0.45, 0.05, 0.08, 0.12, 0.30]}
_SESSION = "1:1 session lengths: the guidance names no length; +-25-50% covers a short check-in to a long first meeting"


def _tri(low, mode, high):
    return {"dist": "triangular", "low": low, "mode": mode, "high": high}


RANGES: dict[str, Range] = {
    # ---------------------------------------------------------------- arrests
    "arrivals.scale": Range(0.7, 1.3, "the 6.9 arrests a day are the average over 98 intensive BCUs (Hansard "
                            "29 Sep 2008); one BCU plausibly has 0.7-1.3 times the average"),
    "arrivals.arrests_per_day": Range(0.7, 1.3, "every offence's rate 0.7-1.3 times the scenario's: the total is "
                                      "an average over BCUs, the split is free", relative=True,
                                      covered_by="arrivals.scale"),
    "arrivals.day_of_week": Range([1.0] * 7, [0.9, 1.0, 1.0, 1.1, 1.3, 1.0, 0.7],
                                  "from no weekly pattern to a stronger Friday peak and quiet Sunday"),
    "arrivals.hour_of_day": Range(_flatter(_HOURS, 0.5), _flatter(_HOURS, -0.5),
                                  "half-way to a flat day, to a half again sharper afternoon peak"),
    # ---------------------------------------------------------------- people
    "people.under_18_share": Range(0.04, 0.15, "under-18s are a minority of trigger-offence arrests; 4-15% "
                                   "spans areas with few and many young arrestees"),
    "people.admits_offence": Range(0.5, 0.85, "admission in interview varies with legal advice; half to most"),
    "people.sufficient_evidence": Range(0.8, 0.97, "arrests for trigger offences mostly have the evidence; "
                                        "80-97%"),
    "people.mean_previous_convictions": Range(3.0, 10.0, "problem drug users' records are long; a mean of "
                                              "3-10 covers occasional to prolific offenders"),
    "people.recent_similar_offending": Range(0.1, 0.4, "10-40% with recent similar offending (§4.1)"),
    "people.drug_use_profile": Range(
        _non_users(_PROFILE, 1.15), _non_users(_PROFILE, 0.85),
        "calibrated to 37% of tests positive: non-users' share 15% higher to 15% lower keeps the positive "
        "share within a few points of it"),
    "people.known_drug_misuser": Range(_scaled([0.02, 0.15, 0.4, 0.5, 0.85], 0.7),
                                       _scaled([0.02, 0.15, 0.4, 0.5, 0.85], 1.2, 1.0),
                                       "0.7-1.2 times the default by profile (police and CJIT records vary)"),
    "people.accepts_responsibility": Range(0.7, 0.95, "most who admit accept responsibility; 70-95%"),
    "people.resident_in_area": Range(0.75, 0.97, "BCUs near borders and city centres arrest more outsiders"),
    "people.home_cjit_can_deliver": Range(0.3, 0.9, "depends on the home area's CJIT: 30-90%"),
    # ---------------------------------------------------------------- testing
    "testing.positive_given_profile": Range(_scaled([0.03, 0.19, 0.49, 0.63, 0.83], 0.9),
                                            _scaled([0.03, 0.19, 0.49, 0.63, 0.83], 1.1, 1.0),
                                            "calibrated to 37% positive: +-10% keeps it within about 4 points"),
    "testing.hours_after_arrest": Range({"dist": "fixed", "value": 0.5}, {"dist": "fixed", "value": 3.0},
                                        "the test is taken soon after arrival in custody: half an hour to 3 hours"),
    # ---------------------------------------------------------------- assessment
    "assessment.custody_hours": Range(
        {"dist": "lognormal", "mean": 6.0, "sd": 3.5}, {"dist": "lognormal", "mean": 13.0, "sd": 7.0},
        "the 9-hour mean (Transform Justice) is national; suites differ: a mean of 6-13 hours"),
    "assessment.initial_minutes": Range(_tri(20, 30, 60), _tri(45, 60, 120),
                                        "an initial assessment takes 30-60 minutes typically (mode)"),
    "assessment.follow_up_needed": Range(_scaled([0.1, 0.1, 0.4, 0.6, 0.9], 0.6),
                                         _scaled([0.1, 0.1, 0.4, 0.6, 0.9], 1.2, 1.0),
                                         "0.6-1.2 times the default by profile: local assessment practice"),
    "assessment.follow_up_attends": Range(0.5, 0.85, "attendance at a community follow-up: half to most"),
    "assessment.police_know_profile": Range(0.2, 0.8, "the schema's note says 0-1 is conceivable; 0.2-0.8 "
                                            "is plausible given about 70% of positives have a record"),
    "assessment.follow_up_minutes": Range(_tri(30, 45, 60), _tri(60, 75, 120), "a follow-up assessment, "
                                          "45-75 minutes typically"),
    # ---------------------------------------------------------------- decisions
    "decisions.consent_to_share": Range(0.75, 0.97, "written consent is usually given (Annex A note 1)"),
    "decisions.max_previous_convictions": Range(2, 10, "what the police read as a 'limited' record (§4.1): "
                                                "2 to 10 convictions"),
    "decisions.cps_decision_hours": Range({"dist": "lognormal", "mean": 3.0, "sd": 3.0},
                                          {"dist": "lognormal", "mean": 12.0, "sd": 12.0},
                                          "CPS Direct answers within hours; a mean of 3-12 hours"),
    "decisions.police_bail_return_days": Range({"dist": "lognormal", "mean": 8.0, "sd": 6.0},
                                               {"dist": "lognormal", "mean": 30.0, "sd": 20.0},
                                               "'days to weeks': a mean of 8-30 days (the schema's 3-42)"),
    "decisions.cps_authorises_if_recommended": Range(0.75, 0.98, "the CPS mostly authorises what the police "
                                                     "recommend (§4.5)"),
    "decisions.refer_on_merits": Range(0.0, 0.3, "the schema's plausible 0-0.3"),
    "decisions.exceptional_reason": Range(0.05, 0.35, "Annex B 'a minority': the schema's plausible 0.05-0.35"),
    "decisions.cps_accepts_exceptional_reason": Range(0.5, 1.0, "the schema's plausible 0.5-1"),
    "decisions.accepts_caution": Range(0.6, 0.95, "most accept a caution rather than face prosecution; 60-95%"),
    "decisions.accepts_onward_referral": Range(0.5, 0.9, "agreement to onward treatment: half to most"),
    # ---------------------------------------------------------------- sessions
    "sessions.lead_days": Range(1.0, 5.0, "next working day to a working week (§4.6.6 Step 3)"),
    "sessions.interval_days": Range(4.0, 14.0, "a weekly rhythm, from twice a week to fortnightly"),
    "sessions.single_session_minutes": Range(_tri(45, 60, 90), _tri(75, 90, 150), _SESSION),
    "sessions.assessment_education_minutes": Range(_tri(45, 60, 90), _tri(75, 110, 150), _SESSION),
    "sessions.triage_minutes": Range(_tri(30, 45, 60), _tri(60, 75, 120), _SESSION),
    "sessions.education_minutes": Range(_tri(30, 45, 60), _tri(60, 75, 120), _SESSION),
    "sessions.review_minutes": Range(_tri(20, 30, 45), _tri(40, 60, 90), _SESSION),
    "sessions.comply_by_days": Range(28.0, 112.0, "the schema's plausible 28-112: the guidance names no period"),
    "sessions.onward_referral_indicated": Range([0.0, 0.5, 0.5, 0.8], [0.3, 1.0, 1.0, 1.0],
                                                "the schema's plausible ranges by profile (Annex B wording)"),
    "sessions.group.min_size": Range(2, 5, "a group of 2 to 5 at least", "decision"),
    "sessions.group.max_size": Range(6, 12, "6 to 12 at most in one room", "decision"),
    "sessions.group.facilitators": Range(1, 3, "one to three workers run a group", "decision"),
    "sessions.group.minutes": Range({"dist": "fixed", "value": 90.0}, {"dist": "fixed", "value": 180.0},
                                    "a group session of 90 minutes to 3 hours"),
    "sessions.group.schedule": Range([{"day": "wed", "hour": 14.0}],
                                     [{"day": "mon", "hour": 14.0}, {"day": "thu", "hour": 14.0}],
                                     "one weekly slot (the default) or two", "decision"),
    "sessions.group.max_wait_days": Range(7.0, 21.0, "one to three weeks' wait before 1:1 instead", "decision"),
    # ---------------------------------------------------------------- follow-up
    "follow_up.assessed_need_days": Range({"dist": "uniform", "low": 14.0, "high": 60.0},
                                          {"dist": "uniform", "low": 30.0, "high": 120.0},
                                          "the worker's view of need: 2 weeks to 4 months"),
    "follow_up.contact_interval_days": Range(3.5, 14.0, "twice a week to fortnightly contact"),
    "follow_up.contact_minutes": Range(_tri(20, 30, 45), _tri(45, 60, 90), "a contact of 30-60 minutes"),
    "follow_up.voluntary_continuation": Range(0.1, 0.5, "10-50% stay engaged voluntarily (§4.6.4)"),
    # ---------------------------------------------------------------- compliance
    "compliance.session_outcomes": Range(_attended(0.70), _attended(0.90),
                                         "70-90% of appointments attended, the other outcomes in proportion"),
    "compliance.max_rearrangements": Range(0, 3, "none to three re-arrangements (§6 'reasonable')"),
    "compliance.worker_warns_intoxicated": Range(0.2, 0.8, "the worker's judgement (§6): the schema's 0-1 "
                                                 "narrowed to 0.2-0.8"),
    "compliance.worker_warns_behaviour": Range(0.0, 0.5, "the schema's plausible 0-0.5"),
    "compliance.prosecuted_after_non_compliance": Range(0.4, 0.95, "the schema's plausible 0.3-1, narrowed to "
                                                        "0.4-0.95 ('may be prosecuted', §2.1)"),
    "compliance.no_show_minutes": Range({"dist": "fixed", "value": 10.0}, {"dist": "fixed", "value": 45.0},
                                        "time lost to a no-show: a phone call to a wasted hour"),
    "compliance.report_delay_days": Range({"dist": "uniform", "low": 0.5, "high": 3.0},
                                          {"dist": "uniform", "low": 2.0, "high": 10.0},
                                          "the CJIT's report to police: next day to two weeks"),
    # ---------------------------------------------------------------- CJIT (the planner's decisions)
    "cjit.custody.workers": Range(1, 4, "custody-suite workers a BCU's CJIT rosters at once", "decision"),
    "cjit.custody.shifts": Range([{"days": WEEKDAYS, "start": 9.0, "end": 17.0}],
                                 [{"days": ALL_DAYS, "start": 7.0, "end": 22.0}],
                                 "office hours on weekdays only, to 7:00-22:00 every day", "decision"),
    "cjit.community.workers": Range(2, 8, "community workers for sessions and follow-up", "decision"),
    "cjit.community.shifts": Range([{"days": WEEKDAYS, "start": 10.0, "end": 16.0}],
                                   [{"days": WEEKDAYS, "start": 8.0, "end": 18.0},
                                    {"days": ["sat"], "start": 9.0, "end": 13.0}],
                                   "short weekday hours, to long weekdays and Saturday mornings", "decision"),
    "cjit.out_of_hours.callout_workers": Range(0, 2, "none to two on call", "decision"),
    "cjit.out_of_hours.callout_hours": Range(_tri(0.5, 1, 2), _tri(1.5, 3, 6), "the on-call worker arrives "
                                             "in 1-3 hours typically (distance, traffic)"),
    # ---------------------------------------------------------------- the CJIT's whole workload (free: the
    # plausible ranges the schema's source column gives; no public figure of a CJIT's caseload or time use)
    "cjit.dir_minutes": Range(_tri(15, 20, 30), _tri(30, 45, 60), "completing a DIR (§5): 15-60 minutes"),
    "cjit.caseload.contact_interval_days": Range(7.0, 28.0, "weekly to four-weekly care-planned contact"),
    "cjit.caseload.weeks": Range({"dist": "uniform", "low": 4.0, "high": 8.0},
                                 {"dist": "uniform", "low": 16.0, "high": 26.0},
                                 "an onward referral on the CJIT caseload for 1-6 months"),
    "cjit.caseload.contact_minutes": Range(_tri(20, 30, 45), _tri(45, 75, 90), "a care-planned contact of 30-90 "
                                           "minutes"),
    "cjit.caseload.attends": Range(0.5, 0.9, "half to nine in ten care-planned contacts attended"),
    **{f"cjit.other_work.{name}.per_week": Range(0.0, high, f"{why}: none (another team does it) to {high:g} a week")
       for name, high, why in (("prison_leavers", 30.0, "prison leavers' throughcare and aftercare contacts"),
                               ("court_ordered", 30.0, "court-ordered and Restriction on Bail work"),
                               ("self_referrals", 60.0, "the rest of the DIP caseload"),
                               ("custody_other", 40.0, "other custody and court-cell work"))},
    **{f"cjit.other_work.{name}.minutes": Range(0.5, 1.5, "a piece of other work half to one and a half times "
                                                "the default length", relative=True)
       for name in ("prison_leavers", "court_ordered", "self_referrals", "custody_other")},
    "cjit.admin_share.custody": Range(0.1, 0.4, "recording, returns, supervision and training: 10-40% of duty"),
    "cjit.admin_share.community": Range(0.1, 0.4, "recording, returns, supervision and training: 10-40% of duty"),
    "cjit.travel_share.custody": Range(0.0, 0.2, "travel between suites and courts: none to a fifth of duty"),
    "cjit.travel_share.community": Range(0.0, 0.2, "travel to home visits and services: none to a fifth of duty"),
}
"""Dotted scenario key (or pseudo-key) -> its plausible range."""


# ------------------------------------------------------------------------------- reading a range
def free_keys() -> list[str]:
    """Every leaf key of the scenario schema whose source says it is a free parameter."""
    from .distributions import Dist
    from .schema import Scenario

    out: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        for f in dataclasses.fields(node):
            v = getattr(node, f.name)
            if dataclasses.is_dataclass(v) and not isinstance(v, Dist):
                walk(v, f"{prefix}{f.name}.")
            elif FREE_MARK in str(f.metadata.get("source", "")).lower():
                out.append(f"{prefix}{f.name}")

    walk(Scenario(), "")
    return out


def default_keys() -> list[str]:
    """The parameters varied when none are named: every uncertain one not covered by another."""
    return [k for k, r in RANGES.items() if r.role == "uncertain" and not r.covered_by]


def get(raw: Mapping, key: str) -> Any:
    """The value of a dotted key in a scenario as plain data (``to_dict``); 1.0 for ``arrivals.scale``."""
    if key == "arrivals.scale":
        return 1.0
    node: Any = raw
    for part in key.split("."):
        node = node[part]
    return node


def _numeric_like(a: Any, b: Any) -> bool:
    """``a`` and ``b`` have the same shape, numbers where numbers are and equal words elsewhere."""
    if _is_num(a) and _is_num(b):
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_numeric_like(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_numeric_like(x, y) for x, y in zip(a, b))
    return a == b


def kind(key: str, default: Any) -> str:
    """``number``, ``path`` (structured, moved in straight lines) or ``choice`` (three settings)."""
    r = RANGES[key]
    if r.relative:
        return "relative"
    if r.is_number:
        return "number"
    if _numeric_like(r.low, default) and _numeric_like(default, r.high):
        return "path"
    return "choice"


def _lerp(a: Any, b: Any, t: float) -> Any:
    if _is_num(a):
        return a + t * (b - a)
    if isinstance(a, Mapping):
        return {k: _lerp(a[k], b[k], t) for k in a}
    if isinstance(a, (list, tuple)):
        return [_lerp(x, y, t) for x, y in zip(a, b)]
    return a


def _times(a: Any, f: float) -> Any:
    if _is_num(a):
        return round(a * f, 6)
    if isinstance(a, Mapping):
        return {k: _times(v, f) for k, v in a.items()}
    if isinstance(a, (list, tuple)):
        return [_times(v, f) for v in a]
    return a


def bounds(key: str) -> tuple[float, float]:
    """The factor's bounds: the numbers themselves, else (0, 1)."""
    r = RANGES[key]
    return (float(r.low), float(r.high)) if r.is_number else (0.0, 1.0)


def value_at(key: str, x: float, raw: Mapping) -> Any:
    """The value of ``key`` at factor ``x`` (see the module doc), for a scenario given as plain data."""
    r = RANGES[key]
    default = get(raw, key)
    if r.relative:
        return _times(default, float(x))
    if r.is_number:
        v = float(x)
        return int(round(v)) if isinstance(r.low, int) and isinstance(r.high, int) else round(v, 6)
    t = min(1.0, max(0.0, float(x)))
    if kind(key, default) == "path":
        return _lerp(r.low, default, 2 * t) if t <= 0.5 else _lerp(default, r.high, 2 * t - 1)
    return r.low if t < 1 / 3 else (default if t < 2 / 3 else r.high)


def contains(key: str, default: Any) -> bool:
    """The default lies within the range: between low and high, number by number."""
    r = RANGES[key]

    def within(lo: Any, d: Any, hi: Any) -> bool:
        if _is_num(d):
            return min(lo, hi) - 1e-9 <= d <= max(lo, hi) + 1e-9
        if isinstance(d, Mapping):
            return all(within(lo[k], d[k], hi[k]) for k in d)
        if isinstance(d, (list, tuple)):
            return all(within(x, y, z) for x, y, z in zip(lo, d, hi))
        return True

    if r.relative:
        return within(r.low, 1.0, r.high)
    if r.is_number:
        return _is_num(default) and within(r.low, default, r.high)
    if kind(key, default) == "path":
        return within(r.low, default, r.high)
    return True  # a choice of three settings always includes the scenario's own


def describe(key: str) -> str:
    """The range in words for the schema reference: ``0.6 to 0.95: reason``."""
    r = RANGES.get(key)
    if r is None:
        return ""
    def short(v: Any) -> str:
        if _is_num(v):
            return f"{v:g}"
        if isinstance(v, Mapping) and "dist" in v:
            return "{" + ", ".join(f"{k}: {x:g}" if _is_num(x) else f"{k}: {x}" for k, x in v.items()) + "}"
        text = str(v).replace("'", "")
        return text if len(text) <= 100 else text[:97] + "..."
    role = " (a planner's decision)" if r.role == "decision" else ""
    if r.relative:
        return f"{r.low:g} to {r.high:g} times the scenario's values{role}: {r.reason}"
    return f"{short(r.low)} to {short(r.high)}{role}: {r.reason}"


def problem(keys: list[str]) -> dict:
    """A SALib problem over ``keys``: names and bounds."""
    return {"num_vars": len(keys), "names": list(keys), "bounds": [list(bounds(k)) for k in keys]}

