"""The scenario schema: every parameter with its default, unit and source.

Sources refer to ``shared/calibration-sources.md`` and the guidance; a parameter
no public figure supports says "free parameter". ``docs/scenario-schema.md`` is
generated from this module (``dipsim schema``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..time import DAY_NAMES
from .distributions import Dist

FREE = "free parameter"
DAYS = DAY_NAMES
PROFILE_KEYS = ("non_user", "profile_1", "profile_2", "profile_3", "profile_4")
POSITIVE_FOR = ("cocaine_only", "opiates_only", "both")
OUTCOME_KEYS = ("attended", "missed_with_notice", "missed_without_notice", "left_early",
                "intoxicated", "unacceptable_behaviour")


def p(default: Any, unit: str, source: str, doc: str, check: str = "", length: int = 0, most: float = 0) -> Any:
    """A scenario parameter: its default and how to document and validate it.

    ``check``: ``prob`` (0-1), ``nonneg``, ``positive``, ``hour`` (0-24), ``weights``
    (non-negative, positive sum), ``shares`` (probabilities summing to 1). ``most``: the
    largest value that still describes a real area (0: no bound beyond the general 10^9),
    so that a typing slip cannot exhaust memory or run for ever.
    """
    meta = {"unit": unit, "source": source, "doc": doc, "check": check, "length": length, "most": most}
    if isinstance(default, (dict, list, Dist)) or hasattr(default, "__dataclass_fields__"):
        return field(default_factory=lambda d=default: _copy(d), metadata=meta)
    return field(default=default, metadata=meta)


def _copy(d: Any) -> Any:
    if isinstance(d, dict):
        return dict(d)
    if isinstance(d, list):
        return tuple(d)
    return d


def dist(kind: str, **params: float) -> Dist:
    return Dist(kind, params)


@dataclass(frozen=True)
class Area:
    country: str = p("england", "england | wales", "guidance §2.2",
                     "Restriction on Bail applies in England only (§2.2).")
    intensive: bool = p(True, "bool", "guidance §2.2",
                        "DIP intensive area: testing on arrest and Required Assessment (§2.2).")


@dataclass(frozen=True)
class Arrivals:
    arrests_per_day: dict = p(
        {"shoplifting": 2.5, "theft": 1.2, "burglary": 0.8, "robbery": 0.3, "vehicle_crime": 0.6,
         "fraud": 0.4, "begging": 0.1, "possession_class_a": 0.8, "possession_other": 1.0,
         "supply_class_a": 0.2, "violence": 2.0, "public_order": 1.5, "criminal_damage": 1.0},
        "arrests per day, by offence",
        "total trigger-offence arrests (6.9/day) sized to Hansard 29 Sep 2008: about 224,000 tests "
        "a year over 98 intensive BCUs (about 6.3 tests a day each); the offence split is a free parameter",
        "Mean arrests a day of adults and under-18s for each offence (non-stationary Poisson).", "nonneg", most=10000)
    day_of_week: tuple = p([0.95, 1.0, 1.0, 1.05, 1.15, 1.0, 0.85], "relative rate, mon..sun", FREE,
                           "Day-of-week multipliers (normalised to mean 1).", "weights", 7)
    hour_of_day: tuple = p([0.3, 0.25, 0.2, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.1, 1.3,
                            1.4, 1.5, 1.6, 1.7, 1.7, 1.6, 1.5, 1.4, 1.2, 1.0, 0.7, 0.5],
                           "relative rate, hours 0..23", FREE,
                           "Hour-of-day weights (normalised to sum to 1 over the day).", "weights", 24)


@dataclass(frozen=True)
class People:
    under_18_share: float = p(0.08, "probability", FREE, "Share of arrests aged under 18 (§2.1: adults only).", "prob")
    admits_offence: float = p(0.7, "probability", FREE, "Admits the offence in a cautioned interview (§2.1).", "prob")
    sufficient_evidence: float = p(0.9, "probability", FREE, "Sufficient evidence to charge (§2.1).", "prob")
    with_record: float = p(0.7, "probability",
                           "Skodbo et al. 2007 (Home Office RR2): about 70% of positives had a previous record",
                           "Share with any previous conviction.", "prob")
    mean_previous_convictions: float = p(6.0, "convictions", FREE,
                                         "Mean previous convictions of those with a record (geometric, >= 1).",
                                         "positive", most=1000)
    recent_similar_offending: float = p(0.25, "probability", FREE,
                                        "Recent offending of a similar nature (§4.1: prosecution preferred).", "prob")
    drug_use_profile: dict = p(
        {"possession": (0.30, 0.35, 0.20, 0.10, 0.05),
         "low_level_acquisitive": (0.45, 0.05, 0.10, 0.10, 0.30),
         "non_acquisitive": (0.70, 0.15, 0.07, 0.05, 0.03),
         "serious": (0.45, 0.05, 0.08, 0.12, 0.30)},
        "shares of non_user, profile_1..profile_4 (sum 1)",
        "free parameter, set so that about 37% of tests are positive (Hansard 22 Jan 2008, 2006-07)",
        "Annex B drug-use profile (1 recreational .. 4 funding use by crime) or non-user, by §4.1 offence group.",
        "shares", 5)
    known_drug_misuser: tuple = p([0.02, 0.15, 0.4, 0.5, 0.85], "probability for non_user, profile_1..4", FREE,
                                  "Known to police or CJIT as a drug misuser (Annex A).", "prob", 5)
    accepts_responsibility: float = p(0.85, "probability", FREE, "Accepts full responsibility (§4.1).", "prob")
    resident_in_area: float = p(0.9, "probability", FREE, "Lives in this DAT area (§4.6.6 Step 1).", "prob")
    home_cjit_can_deliver: float = p(0.6, "probability", FREE,
                                     "For out-of-area residents: home CJIT can deliver and report (§4.6.6).", "prob")


@dataclass(frozen=True)
class Testing:
    inspector_authorised_share: float = p(
        0.007, "probability", "Hansard 29 Sep 2008: 1,232 of about 224,000 tests were inspector-authorised",
        "Share of adult non-trigger arrests given an inspector-authorised test (§2.2).", "prob")
    refusal_share: float = p(0.005, "probability", "Home Office pilot evaluation 2001-02: under 0.5% refuse",
                             "Share of those tested who refuse.", "prob")
    positive_given_profile: tuple = p(
        [0.03, 0.19, 0.49, 0.63, 0.83], "probability for non_user, profile_1..4",
        "free parameter, calibrated to 37% of tests positive (Hansard 22 Jan 2008, 2006-07)",
        "Tests positive for opiates and/or cocaine, by profile (§2.2).", "prob", 5)
    positive_for: dict = p({"cocaine_only": 0.52, "opiates_only": 0.15, "both": 0.33}, "shares (sum 1)",
                           "Hansard 23 Oct 2003: one site, n=48 (low confidence)",
                           "Which specified Class A drugs a positive test shows (§2.2).", "shares")
    hours_after_arrest: Dist = p(dist("fixed", value=1.0), "hours", FREE, "Arrest to test result.")


@dataclass(frozen=True)
class Assessment:
    custody_hours: Dist = p(dist("lognormal", mean=9.0, sd=5.0), "hours",
                            "Transform Justice (reported 2020): about 9 hours pre-charge custody on average",
                            "Time from arrest to release from custody; an initial assessment must happen before it.")
    attends_and_remains: float = p(0.85, "probability",
                                   "calibrated so that 82% of those required are assessed (Skodbo et al. 2007, Tough Choices, 2006-07); "
                                   "the rest miss for lack of a worker before release",
                                   "Attends and remains at the initial required assessment (Annex A).", "prob")
    willing_voluntary: float = p(0.67, "probability",
                                 "Skodbo et al. 2007: 67% assessed when voluntary",
                                 "Willing to see a CJIT worker for a voluntary assessment (§4.6.6 Step 1).", "prob")
    initial_minutes: Dist = p(dist("triangular", low=30, mode=45, high=90), "minutes", FREE,
                              "CJIT worker time for an initial (required or voluntary) assessment in custody.")
    follow_up_needed: tuple = p([0.1, 0.1, 0.4, 0.6, 0.9], "probability for non_user, profile_1..4", FREE,
                                "The initial assessment arranges a follow-up assessment (§2.2).", "prob", 5)
    follow_up_days: Dist = p(dist("uniform", low=4, high=8), "days", "guidance §2.2: 4-8 days later",
                             "Initial to follow-up required assessment.")
    follow_up_attends: float = p(0.7, "probability", FREE, "Attends the follow-up required assessment.", "prob")
    follow_up_minutes: Dist = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                                "CJIT worker time for a follow-up assessment in the community.")


@dataclass(frozen=True)
class Decisions:
    consent_to_share: float = p(0.9, "probability", FREE,
                                "Gives written consent to share assessment information (Annex A note 1).", "prob")
    max_previous_convictions: int = p(5, "convictions", FREE,
                                      "Largest record the police read as 'limited' (§4.1).", "nonneg", most=1000)
    cps_decision_hours: Dist = p(dist("lognormal", mean=6.0, sd=6.0), "hours", FREE,
                                 "Police referral to CPS decision (§4.6.6 Step 2). Past release: police bail (§3.1).")
    cps_authorises_if_recommended: float = p(0.9, "probability", FREE, "CPS authorises when police recommend (§4.5).", "prob")
    cps_authorises_if_not_recommended: float = p(0.05, "probability", FREE,
                                                 "CPS authorises against the recommendation, on the merits (§4.1).", "prob")
    accepts_caution: float = p(0.85, "probability", FREE, "Accepts the offer (§4.6.6 Step 3).", "prob")
    menu_policy: str = p("annex_b", "policy name", "guidance Annex B, §4.6.3",
                         "Named menu policy: annex_b, three_sessions_for_all, no_follow_up, one_session_for_all.")
    accepts_onward_referral: float = p(0.7, "probability", FREE,
                                       "Agrees to an indicated onward referral after the review (Annex C session 3).", "prob")


@dataclass(frozen=True)
class GroupSlot:
    day: str = p("wed", "mon..sun", FREE, "Day of the weekly group education session.")
    hour: float = p(14.0, "hour of day", FREE, "Start hour.", "hour")


@dataclass(frozen=True)
class Group:
    enabled: bool = p(True, "bool", "guidance §4.6.3, Annex C session 2",
                      "Run session 2 as a group when enough people wait.")
    min_size: int = p(3, "people", FREE, "Fewest people for a group session.", "positive", most=1000)
    max_size: int = p(8, "people", FREE, "Most people in one group session.", "positive", most=1000)
    facilitators: int = p(2, "workers", FREE, "CJIT workers running a group session.", "positive", most=100)
    minutes: Dist = p(dist("fixed", value=120), "minutes", FREE, "Length of a group session.")
    schedule: tuple = p([GroupSlot("wed", 14.0)], "list of {day, hour}", FREE, "Weekly group session slots.")
    max_wait_days: float = p(14.0, "days", FREE,
                             "Waiting longer than this for a group: seen 1:1 instead.", "nonneg", most=3650)


@dataclass(frozen=True)
class Sessions:
    lead_days: float = p(2.0, "days", FREE, "Caution to the earliest first appointment (§4.6.6 Step 3).",
                         "nonneg", most=3650)
    interval_days: float = p(7.0, "days", FREE, "Booking gap between one session and the next.", "nonneg", most=3650)
    review_min_gap_days: float = p(3.0, "days", "guidance Annex C session 3: at least three days",
                                   "Least gap between session 2 and the review.", "nonneg", most=3650)
    single_session_minutes: Dist = p(dist("triangular", low=60, mode=75, high=120), "minutes", FREE,
                                     "One Session Condition (§4.6.1).")
    assessment_education_minutes: Dist = p(dist("triangular", low=60, mode=90, high=120), "minutes", FREE,
                                           "Two Session Condition, session 1 (§4.6.2).")
    triage_minutes: Dist = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                             "Session 1 triage, 1:1 (Annex C session 1).")
    education_minutes: Dist = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                                "Session 2 education when held 1:1 (Annex C session 2).")
    review_minutes: Dist = p(dist("triangular", low=30, mode=45, high=60), "minutes", FREE,
                             "Review, 1:1 (Annex C session 3; two-session review §4.6.2).")
    group: Group = p(Group(), "mapping", "guidance Annex C session 2", "Group education.")


@dataclass(frozen=True)
class FollowUp:
    cps_max_days: float = p(60.0, "days", "guidance §4.6.4 example: 'up to 2 months'",
                            "Maximum follow-up period set by the CPS.", "nonneg", most=3650)
    assessed_need_days: Dist = p(dist("uniform", low=14, high=90), "days", FREE,
                                 "The worker's assessment of the follow-up needed (§4.6.4).")
    contact_interval_days: float = p(7.0, "days", FREE, "Days between follow-up contacts.", "positive", most=3650)
    contact_minutes: Dist = p(dist("triangular", low=30, mode=45, high=60), "minutes", FREE,
                              "Worker time per follow-up contact.")
    voluntary_continuation: float = p(0.3, "probability", FREE,
                                      "Stays engaged voluntarily after the period (§4.6.4).", "prob")
    voluntary_days: Dist = p(dist("uniform", low=30, high=90), "days", "guidance §4.6.4 example: 'another 3 months'",
                             "Length of voluntary engagement.")


@dataclass(frozen=True)
class Compliance:
    session_outcomes: dict = p(
        {"attended": 0.82, "missed_with_notice": 0.06, "missed_without_notice": 0.08, "left_early": 0.02,
         "intoxicated": 0.015, "unacceptable_behaviour": 0.005},
        "probabilities (sum 1)", FREE, "What happens at each appointment (§6).", "shares")
    max_rearrangements: int = p(1, "appointments per session", FREE,
                                "Re-arrangements after a missed appointment with notice (§6).", "nonneg", most=10)
    no_show_minutes: Dist = p(dist("fixed", value=20), "minutes", FREE, "Worker time lost to a missed appointment.")
    report_delay_days: Dist = p(dist("uniform", low=1, high=5), "days", FREE,
                                "Last session to the CJIT's written report to police (§4.6.6 Step 5).")


@dataclass(frozen=True)
class Shift:
    days: tuple = p(["mon", "tue", "wed", "thu", "fri"], "mon..sun", FREE, "Days the shift runs.")
    start: float = p(9.0, "hour of day", FREE, "Shift start.", "hour")
    end: float = p(17.0, "hour of day", FREE, "Shift end (after start).", "hour")


@dataclass(frozen=True)
class Pool:
    workers: Any = p(2, "workers or 'unlimited'", FREE,
                     "CJIT workers on this rota ('unlimited': no waiting at all).", most=1000)
    shifts: tuple = p([Shift()], "list of {days, start, end}", FREE, "When these workers are on duty.")


@dataclass(frozen=True)
class OutOfHours:
    arrangement: str = p("callout", "callout | next_shift | none", "guidance §4.6.6 Step 1",
                         "Out of cover hours: a worker attends later (callout), the next shift sees the "
                         "person if still in custody (next_shift), or no assessment (none).")
    callout_workers: int = p(1, "workers", FREE, "Workers on call at once.", "nonneg", most=1000)
    callout_hours: Dist = p(dist("triangular", low=1, mode=2, high=4), "hours", FREE, "Time for the on-call worker to arrive.")


@dataclass(frozen=True)
class Cjit:
    custody: Pool = p(Pool(2, (Shift(("mon", "tue", "wed", "thu", "fri"), 8.0, 20.0),
                               Shift(("sat", "sun"), 10.0, 18.0))),
                      "mapping", FREE, "Workers covering the custody suite.")
    community: Pool = p(Pool(4, (Shift(("mon", "tue", "wed", "thu", "fri"), 9.0, 17.0),)),
                        "mapping", FREE, "Workers delivering appointments, sessions and follow-up.")
    out_of_hours: OutOfHours = p(OutOfHours(), "mapping", "guidance §4.6.6 Step 1", "Local out-of-hours arrangement.")


@dataclass(frozen=True)
class Scenario:
    name: str = p("unnamed area", "text", "", "Area name shown in reports and plots.")
    description: str = p("", "text", "", "What this scenario represents.")
    seed: int = p(2008, "integer", "", "Scenario seed: streams are spawned from it and the replication.", "nonneg")
    days: int = p(365, "days", "", "Days of arrests simulated (people then run to the end of their pathway).",
                  "nonneg", most=36500)
    area: Area = p(Area(), "mapping", "", "Area type.")
    arrivals: Arrivals = p(Arrivals(), "mapping", "", "Arrests.")
    people: People = p(People(), "mapping", "", "Who is arrested.")
    testing: Testing = p(Testing(), "mapping", "", "Testing on arrest (§2.2).")
    assessment: Assessment = p(Assessment(), "mapping", "", "Required and voluntary assessment.")
    decisions: Decisions = p(Decisions(), "mapping", "", "Consent, police, CPS, offer.")
    sessions: Sessions = p(Sessions(), "mapping", "", "DIP Condition sessions.")
    follow_up: FollowUp = p(FollowUp(), "mapping", "", "Follow-Up Condition (§4.6.4).")
    compliance: Compliance = p(Compliance(), "mapping", "", "Compliance (§6) and reporting.")
    cjit: Cjit = p(Cjit(), "mapping", "", "CJIT workers and rotas.")
