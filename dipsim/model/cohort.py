"""Everyone arrested in one run, drawn up front as columns (vectorised).

Arrivals per offence are a non-stationary Poisson process: a constant rate in
each hour, scaled by the day-of-week and hour-of-day profiles. Every random
quantity a person may need later (attendance, consent, durations, the CPS's
decision) is drawn here too, one uniform per person per activity from that
activity's own stream, so that a change of policy or capacity leaves every
other draw as it was (common random numbers). Appointment outcomes, of which a
person may need none or hundreds depending on the policy, come from his own
block of their stream (:class:`dipsim.random.Blocks`), drawn when he reaches
his first appointment: no lever shifts them, for him or anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from ..random import Blocks, Streams
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
    resides_in_england: np.ndarray  # where he lives, for Restriction on Bail (§2.2); not the area's country
    u: dict[str, np.ndarray]     # per-person uniforms, one stream each
    draws: dict[str, np.ndarray]  # per-person durations (hours) drawn from scenario distributions
    session_events: Appointments  # [i]: person i's appointment outcomes, indices into OUTCOME_KEYS
    contact_events: Appointments  # [i]: the same for his follow-up contacts


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
    pathway's questions). The appointment outcomes are :class:`Appointments` (a person's
    row is drawn when he reaches it).
    """

    PER_PERSON = ("arrest_h", "offence", "age", "admits", "evidence", "previous_convictions", "recent_similar",
                  "profile", "known_misuser", "accepts_responsibility", "resident", "home_cjit_can_deliver",
                  "resides_in_england")

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
            "police_know_profile", "worker_warns", "prosecuted", "onward_referral_indicated", "dir_earlier")


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
    """Most appointments one person can have for his sessions: three, each re-arranged at most
    ``max_rearrangements`` times."""
    return 3 * (scenario.compliance.max_rearrangements + 1)


def contact_slots(scenario: Scenario) -> int:
    """Most follow-up contact appointments one person can have."""
    fu = scenario.follow_up
    contacts = int(np.ceil(fu.cps_max_days / fu.contact_interval_days)) + 1
    return contacts * (scenario.compliance.max_rearrangements + 1)


class Appointments:
    """Each person's appointment outcomes in order (indices into OUTCOME_KEYS): ``table[i]`` is
    person ``i``'s ``width`` outcomes, an int array, drawn from block ``i`` of the stream on
    demand (most people never reach an appointment). The ``k``-th outcome of a person is the
    same whatever the width, so a policy that allows more or fewer appointments (``width``)
    changes nobody's outcomes, only how many of them are read. ``shape`` is ``(n, width)``.

    The last row drawn is kept, and the same array given again for the same person (do not change it): the
    simulation reads a person's row twice as he reaches his sessions (his outcomes, then the worker's
    choices at them), and a draw costs a jump in the stream."""

    def __init__(self, blocks: Blocks, cum_p: np.ndarray, n: int, width: int):
        if width >= blocks.size:  # pragma: no cover - the schema's bounds keep it far below
            raise ValueError(f"{width} appointments do not fit a block of {blocks.size} draws")
        self.blocks, self.cum_p, self.n, self.width = blocks, cum_p, n, width
        self.shape = (n, width)
        self._last: tuple[int | None, np.ndarray | None] = (None, None)  # (person, his row)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> np.ndarray:
        last, row = self._last
        if i == last:
            return row
        if not 0 <= i < self.n:
            raise IndexError(f"person {i} of {self.n}")
        row = self.cum_p.searchsorted(self.blocks.uniforms(i, self.width), side="right")
        self._last = (i, row)
        return row


DURATIONS = {
    "test_h": ("testing.hours_after_arrest", 1.0),
    "custody_h": ("assessment.custody_hours", 1.0),
    "ia_h": ("assessment.initial_minutes", 1 / 60),
    "fa_delay_h": ("assessment.follow_up_days", HOURS_PER_DAY),
    "fa_h": ("assessment.follow_up_minutes", 1 / 60),
    "cps_h": ("decisions.cps_decision_hours", 1.0),
    "bail_return_h": ("decisions.police_bail_return_days", HOURS_PER_DAY),
    "single_session_h": ("sessions.single_session_minutes", 1 / 60),
    "assessment_education_h": ("sessions.assessment_education_minutes", 1 / 60),
    "triage_h": ("sessions.triage_minutes", 1 / 60),
    "education_h": ("sessions.education_minutes", 1 / 60),
    "review_h": ("sessions.review_minutes", 1 / 60),
    "no_show_h": ("compliance.no_show_minutes", 1 / 60),
    "report_h": ("compliance.report_delay_days", HOURS_PER_DAY),
    "need_h": ("follow_up.assessed_need_days", HOURS_PER_DAY),
    "contact_h": ("follow_up.contact_minutes", 1 / 60),
    "voluntary_h": ("follow_up.voluntary_days", HOURS_PER_DAY),
    "callout_h": ("cjit.out_of_hours.callout_hours", 1.0),
}
"""Each per-person duration (hours): the scenario distribution it is drawn from and the scale
to hours. Each has its own stream, ``durations.<name>``."""


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
    sc = scenario
    resident = u("resident") < ppl.resident_in_area
    # §2.2: a resident of the area lives in its country; of the rest, some live in the other country
    other_country = ~resident & (u("other_country") < ppl.out_of_area_other_country)
    resides_in_england = other_country if sc.area.country != "england" else ~other_country
    draws = {key: attrgetter(dotted)(sc).sample(streams.get(f"durations.{key}"), n) * scale
             for key, (dotted, scale) in DURATIONS.items()}
    outcome_p = np.array([sc.compliance.session_outcomes[k] for k in OUTCOME_KEYS])
    ocum = np.cumsum(outcome_p)[:-1]
    ses = Appointments(streams.blocks("compliance.sessions"), ocum, n, session_slots(sc))
    con = Appointments(streams.blocks("compliance.contacts"), ocum, n, contact_slots(sc))
    return Cohort(
        n=n, arrest_h=arrest_h, offence=offence, age=age.astype(np.int16),
        admits=u("admits") < ppl.admits_offence, evidence=u("evidence") < ppl.sufficient_evidence,
        previous_convictions=prev.astype(np.int16), recent_similar=u("recent_similar") < ppl.recent_similar_offending,
        profile=profile, known_misuser=known,
        accepts_responsibility=u("accepts_responsibility") < ppl.accepts_responsibility,
        resident=resident, resides_in_england=resides_in_england,
        home_cjit_can_deliver=u("home_cjit") < ppl.home_cjit_can_deliver,
        u={name: streams.get(f"decisions.{name}").random(n) for name in UNIFORMS},
        draws=draws, session_events=ses, contact_events=con,
    )
