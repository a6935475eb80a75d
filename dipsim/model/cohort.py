"""Everyone arrested in one run, drawn up front as columns (vectorised).

Arrivals per offence are a non-stationary Poisson process: a constant rate in
each hour, scaled by the day-of-week and hour-of-day profiles. Every random
quantity a person may need later (attendance, consent, durations, the CPS's
decision) is drawn here too, one uniform per person per activity from that
activity's own stream, so that a change of policy or capacity leaves every
other draw as it was (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..random import Streams
from ..rules.offences import OFFENCE_GROUPS, OFFENCES
from ..scenario.schema import OUTCOME_KEYS, Scenario
from ..time import DAYS_PER_WEEK, HOURS_PER_DAY

OFFENCE_CODES = tuple(OFFENCES)
NON_USER = 0


@dataclass
class Cohort:
    n: int
    arrest_h: np.ndarray
    offence: np.ndarray          # index into OFFENCE_CODES
    age: np.ndarray
    admits: np.ndarray
    evidence: np.ndarray
    previous_convictions: np.ndarray
    recent_similar: np.ndarray
    profile: np.ndarray          # 0 non-user, 1..4 Annex B group
    known_misuser: np.ndarray
    accepts_responsibility: np.ndarray
    resident: np.ndarray
    home_cjit_can_deliver: np.ndarray
    u: dict[str, np.ndarray]     # per-person uniforms, one stream each
    draws: dict[str, np.ndarray]  # per-person durations (hours) drawn from scenario distributions
    session_events: np.ndarray   # (n, slots) outcome index into OUTCOME_KEYS
    contact_events: np.ndarray   # (n, slots) outcome index for follow-up contacts


class Columns:
    """A cohort's per-person columns as memoryviews, for the simulation's per-event reads.

    Built once per run by the model, without copying. Indexing a memoryview is two to
    three times faster than indexing a numpy array, and it yields Python numbers
    (float, int, bool), so simulated times stay Python floats (numpy-scalar arithmetic
    is about three times slower than float arithmetic; the values are the same IEEE
    doubles either way). Python lists would index faster still, but converting every
    column of every run (most are read for a few people) costs more than it saves.
    Same names as :class:`Cohort`; each duration draw is also an attribute of its own
    (``custody_h``...), as is each of ``answers`` (the person's answer to each of the
    pathway's questions). The 2-D event tables stay numpy (a person's row is read when
    he reaches it).
    """

    PER_PERSON = ("arrest_h", "offence", "age", "admits", "evidence", "previous_convictions", "recent_similar",
                  "profile", "known_misuser", "accepts_responsibility", "resident", "home_cjit_can_deliver")

    def __init__(self, c: Cohort, answers: dict[str, np.ndarray] | None = None):
        self.n = c.n
        for name in self.PER_PERSON:
            setattr(self, name, _view(getattr(c, name)))
        self.u = {k: _view(v) for k, v in c.u.items()}
        self.draws = {k: _view(v) for k, v in c.draws.items()}
        for name, view in self.draws.items():
            setattr(self, name, view)
        for name, column in (answers or {}).items():
            setattr(self, name, _view(column))
        self.session_events = c.session_events
        self.contact_events = c.contact_events


def _view(a: np.ndarray) -> memoryview:
    return memoryview(np.ascontiguousarray(a))


UNIFORMS = ("inspector", "refusal", "positive", "positive_for", "attends_ia", "willing_voluntary", "follow_up_needed",
            "follow_up_attends", "consent", "cps", "accepts_caution", "onward_referral",
            "voluntary_continuation", "refer_on_merits", "exceptional_reason", "cps_exceptional_reason",
            "police_know_profile", "worker_warns", "prosecuted", "onward_referral_indicated")


def arrival_times(scenario: Scenario, streams: Streams, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Arrest times (hours) and offence codes, sorted by time."""
    arr = scenario.arrivals
    dow = np.asarray(arr.day_of_week, float)
    dow = dow / dow.mean()
    hod = np.asarray(arr.hour_of_day, float)
    hod = hod / hod.sum()
    per_day = int(HOURS_PER_DAY)
    hours = np.arange(days * per_day)
    shape = dow[(hours // per_day) % DAYS_PER_WEEK] * hod[hours % per_day]
    times, codes = [], []
    for code, name in enumerate(OFFENCE_CODES):
        rate = arr.arrests_per_day.get(name, 0.0)
        gen = streams.get(f"arrivals.{name}")
        counts = gen.poisson(rate * shape) if rate > 0 else np.zeros(len(hours), int)
        total = int(counts.sum())
        if total:
            t = np.repeat(hours, counts) + gen.random(total)
            times.append(t)
            codes.append(np.full(total, code, dtype=np.int8))
    if not times:
        return np.zeros(0), np.zeros(0, np.int8)
    t = np.concatenate(times)
    c = np.concatenate(codes)
    order = np.argsort(t, kind="stable")
    return t[order], c[order]


def session_slots(scenario: Scenario) -> int:
    return 3 * (scenario.compliance.max_rearrangements + 1)


def contact_slots(scenario: Scenario) -> int:
    fu = scenario.follow_up
    contacts = int(np.ceil(fu.cps_max_days / fu.contact_interval_days)) + 1
    return contacts * (scenario.compliance.max_rearrangements + 1)


def draw_cohort(scenario: Scenario, streams: Streams, days: int) -> Cohort:
    arrest_h, offence = arrival_times(scenario, streams, days)
    n = len(arrest_h)
    ppl = scenario.people

    def u(name: str) -> np.ndarray:
        return streams.get(f"people.{name}").random(n)

    age = np.where(u("under_18") < ppl.under_18_share,
                   streams.get("people.age").integers(10, 18, n), streams.get("people.age_adult").integers(18, 65, n))
    has_record = u("record") < ppl.with_record
    # A record holds at least one conviction: a mean below 1 means exactly one each (p <= 1).
    extra = streams.get("people.convictions").geometric(min(1.0, 1.0 / ppl.mean_previous_convictions), n)
    prev = np.minimum(np.where(has_record, extra, 0), np.iinfo(np.int16).max)  # stored as int16: never wraps
    group_of = np.array([OFFENCE_GROUPS.index(OFFENCES[o].group) for o in OFFENCE_CODES])[offence] if n else np.zeros(0, int)
    shares = np.array([ppl.drug_use_profile.get(g, (1, 0, 0, 0, 0)) for g in OFFENCE_GROUPS], float)
    cum = np.cumsum(shares, axis=1)[group_of] if n else np.zeros((0, 5))
    up = u("profile")
    profile = (up[:, None] >= cum[:, :-1]).sum(axis=1).astype(np.int8) if n else np.zeros(0, np.int8)
    known = u("known_misuser") < np.asarray(ppl.known_drug_misuser)[profile]
    draws = {}
    sc = scenario
    dur = {
        "test_h": (sc.testing.hours_after_arrest, 1.0),
        "custody_h": (sc.assessment.custody_hours, 1.0),
        "ia_h": (sc.assessment.initial_minutes, 1 / 60),
        "fa_delay_h": (sc.assessment.follow_up_days, HOURS_PER_DAY),
        "fa_h": (sc.assessment.follow_up_minutes, 1 / 60),
        "cps_h": (sc.decisions.cps_decision_hours, 1.0),
        "bail_return_h": (sc.decisions.police_bail_return_days, HOURS_PER_DAY),
        "single_session_h": (sc.sessions.single_session_minutes, 1 / 60),
        "assessment_education_h": (sc.sessions.assessment_education_minutes, 1 / 60),
        "triage_h": (sc.sessions.triage_minutes, 1 / 60),
        "education_h": (sc.sessions.education_minutes, 1 / 60),
        "review_h": (sc.sessions.review_minutes, 1 / 60),
        "no_show_h": (sc.compliance.no_show_minutes, 1 / 60),
        "report_h": (sc.compliance.report_delay_days, HOURS_PER_DAY),
        "need_h": (sc.follow_up.assessed_need_days, HOURS_PER_DAY),
        "contact_h": (sc.follow_up.contact_minutes, 1 / 60),
        "voluntary_h": (sc.follow_up.voluntary_days, HOURS_PER_DAY),
        "callout_h": (sc.cjit.out_of_hours.callout_hours, 1.0),
    }
    for key, (d, scale) in dur.items():
        draws[key] = d.sample(streams.get(f"durations.{key}"), n) * scale
    outcome_p = np.array([sc.compliance.session_outcomes[k] for k in OUTCOME_KEYS])
    ocum = np.cumsum(outcome_p)[:-1]
    s_slots, c_slots = session_slots(sc), contact_slots(sc)
    ses = np.searchsorted(ocum, streams.get("compliance.sessions").random((n, s_slots)), side="right").astype(np.int8)
    con = np.searchsorted(ocum, streams.get("compliance.contacts").random((n, c_slots)), side="right").astype(np.int8)
    return Cohort(
        n=n, arrest_h=arrest_h, offence=offence, age=age.astype(np.int16),
        admits=u("admits") < ppl.admits_offence, evidence=u("evidence") < ppl.sufficient_evidence,
        previous_convictions=prev.astype(np.int16), recent_similar=u("recent_similar") < ppl.recent_similar_offending,
        profile=profile, known_misuser=known,
        accepts_responsibility=u("accepts_responsibility") < ppl.accepts_responsibility,
        resident=u("resident") < ppl.resident_in_area,
        home_cjit_can_deliver=u("home_cjit") < ppl.home_cjit_can_deliver,
        u={name: streams.get(f"decisions.{name}").random(n) for name in UNIFORMS},
        draws=draws, session_events=ses, contact_events=con,
    )
