"""The scenario schema: every parameter with its default, unit and source.

Sources refer to ``shared/calibration-sources.md`` and the guidance; a parameter
no public figure supports says "free parameter". ``docs/scenario-schema.md`` is
generated from this module (``dipsim schema``).
"""

from __future__ import annotations

from dataclasses import field, fields
from types import MappingProxyType
from typing import Any

from pydantic import ConfigDict, model_validator
from pydantic.dataclasses import dataclass

from ..rules.menu import MENU_POLICIES, THREE_SESSION, TWO_SESSION
from ..rules.offences import OFFENCE_GROUPS, OFFENCE_NAMES
from ..time import DAY_NAMES
from ..validation import fail, kind, mapping_keys
from .distributions import Dist
from .types import spec_of, Bool, Days, Distribution, ListOf, Mapping, Names, Numbers, OneOf, Real, Text, Whole, Workers

FREE = "free parameter"
DAYS = DAY_NAMES
PROFILE_KEYS = ("non_user", "profile_1", "profile_2", "profile_3", "profile_4")
POSITIVE_FOR = ("cocaine_only", "opiates_only", "both")
OUTCOME_KEYS = ("attended", "missed_with_notice", "missed_without_notice", "left_early",
                "intoxicated", "unacceptable_behaviour")
COUNTRIES = ("england", "wales")
GROUP_CONDITIONS = (TWO_SESSION, THREE_SESSION)
"""The conditions whose second session may form part of a group session (§4.6.2, §4.6.3; with or without
the Follow-Up Condition, §4.6.4)."""
ARRANGEMENTS = ("callout", "next_shift", "none")
MAX_CONTACTS = 1000


def p(default: Any, unit: str, source: str, doc: str) -> Any:
    """A scenario parameter: its default and how to document it. How it is checked is its type
    (:mod:`dipsim.scenario.types`): ``Real("prob")``, ``Whole(most=1000)``, ``Distribution``..."""
    meta = {"unit": unit, "source": source, "doc": doc, "description": doc}
    if isinstance(default, (dict, list, Dist)) or hasattr(default, "__dataclass_fields__"):
        return field(default_factory=lambda d=default: _copy(d), metadata=meta)
    return field(default=default, metadata=meta)


def section(cls: type) -> type:
    """A part of a scenario: a frozen (pydantic) dataclass, so reading its attributes costs what a plain
    one does. Each field's metadata also records how its type checks it (``check``, ``length``, ``most``)."""
    cls = dataclass(frozen=True, config=ConfigDict(extra="forbid"))(cls)
    for f in fields(cls):
        spec = spec_of(cls.__pydantic_fields__[f.name].rebuild_annotation())
        f.metadata = MappingProxyType({**f.metadata, **spec.as_dict()})
    return cls


class _Section:
    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        names = tuple(cls.__dataclass_fields__)
        return mapping_keys(data, names, f"must be a mapping, got {kind(data)}",
                            f"unknown key; allowed here: {', '.join(names)}")


def _copy(d: Any) -> Any:
    if isinstance(d, dict):
        return dict(d)
    if isinstance(d, list):
        return tuple(d)
    return d


def dist(kind: str, **params: float) -> Dist:
    return Dist(kind, params)


@section
class Area(_Section):
    country: OneOf(COUNTRIES) = p("england", "england | wales", "guidance §2.2",
                     "Restriction on Bail applies in England only (§2.2).")
    intensive: Bool = p(True, "bool", "guidance §2.2",
                        "DIP intensive area: testing on arrest and Required Assessment (§2.2).")


@section
class Arrivals(_Section):
    arrests_per_day: Mapping(OFFENCE_NAMES, Real("nonneg", most=10000)) = p(
        {"shoplifting": 2.5, "theft": 1.2, "burglary": 0.8, "robbery": 0.3, "vehicle_crime": 0.6,
         "fraud": 0.4, "begging": 0.1, "possession_class_a": 0.8, "possession_other": 1.0,
         "supply_class_a": 0.2, "violence": 2.0, "public_order": 1.5, "criminal_damage": 1.0},
        "arrests per day, by offence",
        "total trigger-offence arrests (6.9/day) sized to Hansard 29 Sep 2008: about 224,000 tests "
        "a year over 98 intensive BCUs (about 6.3 tests a day each); the offence split is a free parameter",
        "Mean arrests a day of adults and under-18s for each offence (non-stationary Poisson).")
    day_of_week: Numbers(7, "weights") = p([0.95, 1.0, 1.0, 1.05, 1.15, 1.0, 0.85], "relative rate, mon..sun", FREE,
                           "Day-of-week multipliers (normalised to mean 1).")
    hour_of_day: Numbers(24, "weights") = p([0.3, 0.25, 0.2, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.1, 1.3,
                            1.4, 1.5, 1.6, 1.7, 1.7, 1.6, 1.5, 1.4, 1.2, 1.0, 0.7, 0.5],
                           "relative rate, hours 0..23", FREE,
                           "Hour-of-day weights (normalised to sum to 1 over the day).")


@section
class People(_Section):
    under_18_share: Real("prob") = p(0.08, "probability", FREE, "Share of arrests aged under 18 (§2.1: adults only).")
    admits_offence: Real("prob") = p(0.7, "probability", FREE, "Admits the offence in a cautioned interview (§2.1).")
    sufficient_evidence: Real("prob") = p(0.9, "probability", FREE, "Sufficient evidence to charge (§2.1).")
    with_record: Real("prob") = p(0.7, "probability",
                           "Skodbo et al. 2007 (Home Office RR2): about 70% of positives had a previous record",
                           "Share with any previous conviction.")
    mean_previous_convictions: Real("positive", most=1000) = p(6.0, "convictions", FREE,
                                         "Mean previous convictions of those with a record (geometric, >= 1).")
    recent_similar_offending: Real("prob") = p(0.25, "probability", FREE,
                                        "Recent offending of a similar nature (§4.1: prosecution preferred).")
    drug_use_profile: Mapping(OFFENCE_GROUPS, Numbers(5, "shares"), "all") = p(
        {"possession": (0.30, 0.35, 0.20, 0.10, 0.05),
         "low_level_acquisitive": (0.45, 0.05, 0.10, 0.10, 0.30),
         "non_acquisitive": (0.70, 0.15, 0.07, 0.05, 0.03),
         "serious": (0.45, 0.05, 0.08, 0.12, 0.30)},
        "shares of non_user, profile_1..profile_4 (sum 1)",
        "free parameter, set so that about 37% of tests are positive (Hansard 22 Jan 2008, 2006-07)",
        "Annex B drug-use profile (1 recreational .. 4 funding use by crime) or non-user, by §4.1 offence group.")
    known_drug_misuser: Numbers(5, "prob") = p([0.02, 0.15, 0.4, 0.5, 0.85], "probability for non_user, profile_1..4", FREE,
                                  "Known to police or CJIT as a drug misuser (Annex A).")
    accepts_responsibility: Real("prob") = p(0.85, "probability", FREE, "Accepts full responsibility (§4.1).")
    resident_in_area: Real("prob") = p(0.9, "probability", FREE, "Lives in this DAT area (§4.6.6 Step 1).")
    home_cjit_can_deliver: Real("prob") = p(0.6, "probability", FREE,
                                     "For out-of-area residents: home CJIT can deliver and report (§4.6.6).")


@section
class Testing(_Section):
    inspector_authorised_share: Real("prob") = p(
        0.007, "probability", "Hansard 29 Sep 2008: 1,232 of about 224,000 tests were inspector-authorised",
        "Share of adult non-trigger arrests given an inspector-authorised test (§2.2).")
    refusal_share: Real("prob") = p(0.005, "probability", "Home Office pilot evaluation 2001-02: under 0.5% refuse",
                             "Share of those tested who refuse.")
    positive_given_profile: Numbers(5, "prob") = p(
        [0.03, 0.19, 0.49, 0.63, 0.83], "probability for non_user, profile_1..4",
        "free parameter, calibrated to 37% of tests positive (Hansard 22 Jan 2008, 2006-07)",
        "Tests positive for opiates and/or cocaine, by profile (§2.2).")
    positive_for: Mapping(POSITIVE_FOR, Real("prob"), "shares") = p({"cocaine_only": 0.52, "opiates_only": 0.15, "both": 0.33}, "shares (sum 1)",
                           "Hansard 23 Oct 2003: one site, n=48 (low confidence)",
                           "Which specified Class A drugs a positive test shows (§2.2).")
    hours_after_arrest: Distribution = p(dist("fixed", value=1.0), "hours", FREE, "Arrest to test result.")


@section
class Assessment(_Section):
    custody_hours: Distribution = p(dist("lognormal", mean=9.0, sd=5.0), "hours",
                            "Transform Justice (reported 2020): about 9 hours pre-charge custody on average",
                            "Time from arrest to release from custody; an initial assessment must happen before it.")
    attends_and_remains: Real("prob") = p(0.85, "probability",
                                   "calibrated so that 82% of those required are assessed (Skodbo et al. 2007, Tough Choices, 2006-07); "
                                   "the rest miss for lack of a worker before release",
                                   "Attends and remains at the initial required assessment (Annex A).")
    willing_voluntary: Real("prob") = p(0.67, "probability",
                                 "Skodbo et al. 2007: 67% assessed when voluntary",
                                 "Willing to see a CJIT worker for a voluntary assessment (§4.6.6 Step 1).")
    initial_minutes: Distribution = p(dist("triangular", low=30, mode=45, high=90), "minutes", FREE,
                              "CJIT worker time for an initial (required or voluntary) assessment in custody.")
    follow_up_needed: Numbers(5, "prob") = p([0.1, 0.1, 0.4, 0.6, 0.9], "probability for non_user, profile_1..4", FREE,
                                "The initial assessment arranges a follow-up assessment (§2.2).")
    follow_up_days: Distribution = p(dist("uniform", low=4, high=8), "days", "guidance §2.2: 4-8 days later",
                             "Initial to follow-up required assessment.")
    follow_up_attends: Real("prob") = p(0.7, "probability", FREE, "Attends the follow-up required assessment.")
    police_know_profile: Real("prob") = p(0.5, "probability", FREE + " (plausible 0-1; about 70% of those testing "
                                   "positive have a record)",
                                   "With no assessment, the police know the person's Annex B drug-use profile "
                                   "(Annex A note 2).")
    follow_up_minutes: Distribution = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                                "CJIT worker time for a follow-up assessment in the community.")


@section
class Decisions(_Section):
    consent_to_share: Real("prob") = p(0.9, "probability", FREE,
                                "Gives written consent to share assessment information (Annex A note 1).")
    max_previous_convictions: Whole("nonneg", most=1000) = p(5, "convictions", FREE,
                                      "Largest record the police read as 'limited' (§4.1).")
    cps_decision_hours: Distribution = p(dist("lognormal", mean=6.0, sd=6.0), "hours", FREE,
                                 "Police referral to CPS decision (§4.6.6 Step 2). Past release: police bail (§3.1).")
    police_bail_return_days: Distribution = p(dist("lognormal", mean=17.0, sd=12.0), "days",
                                      FREE + " (median about 14 days; plausible 3-42: 'days to weeks')",
                                      "On police bail (§3.1): release to the bail return, when the CPS decision "
                                      "and the caution happen.")
    cps_authorises_if_recommended: Real("prob") = p(0.9, "probability", FREE, "CPS authorises a case the police recommend; otherwise it refuses on the merits (§4.5).")
    refer_on_merits: Real("prob") = p(0.05, "probability", FREE + " (plausible 0-0.3)",
                               "Police still refer a case whose record weighs against, on its own merits (§4.1); "
                               "a case they do not recommend gets the alternative disposal (§4.6.6 Step 2).")
    exceptional_reason: Real("prob") = p(0.15, "probability", "Annex B group 4 'a minority'; otherwise free parameter "
                                  "(plausible 0.05-0.35)",
                                  "Police see an exceptional reason to offer a DIP CC to an Annex B group 4 offender "
                                  "with a record and a relatively minor offence (Annex B).")
    cps_accepts_exceptional_reason: Real("prob") = p(0.8, "probability", FREE + " (plausible 0.5-1)",
                                              "The CPS sees the exceptional reason the police see (§4.5, Annex B).")
    accepts_caution: Real("prob") = p(0.85, "probability", FREE, "Accepts the offer (§4.6.6 Step 3).")
    menu_policy: OneOf(tuple(MENU_POLICIES)) = p("annex_b", "policy name", "guidance Annex B, §4.6.3",
                         "Named menu policy: annex_b, three_sessions_for_all, no_follow_up, one_session_for_all.")
    accepts_onward_referral: Real("prob") = p(0.7, "probability", FREE,
                                       "Agrees to an indicated onward referral after the review (Annex C session 3).")


@section
class GroupSlot(_Section):
    day: OneOf(DAYS) = p("wed", "mon..sun", FREE, "Day of the weekly group education session.")
    hour: Real("hour") = p(14.0, "hour of day", FREE, "Start hour.")


@section
class Group(_Section):
    enabled: Bool = p(True, "bool", "guidance §4.6.2, §4.6.3, Annex C session 2",
                      "Run session 2 as a group when enough people wait.")
    conditions: Names(GROUP_CONDITIONS, "conditions") = p(
        [THREE_SESSION], "list of two_session | three_session",
        "guidance §4.6.2 and §4.6.3 allow both; the default keeps dipsim's earlier model (education only)",
        "Conditions whose second session may be a group session (the Two Session Condition's review / "
        "referral, the Three Session Condition's education), with or without the Follow-Up Condition. "
        "Groups mix both kinds of session in the same weekly slots.")
    min_size: Whole("positive", most=1000) = p(3, "people", FREE, "Fewest people for a group session.")
    max_size: Whole("positive", most=1000) = p(8, "people", FREE, "Most people in one group session.")
    facilitators: Whole("positive", most=100) = p(2, "workers", FREE, "CJIT workers running a group session.")
    minutes: Distribution = p(dist("fixed", value=120), "minutes", FREE, "Length of a group session.")
    schedule: ListOf(GroupSlot, "day, hour") = p([GroupSlot("wed", 14.0)], "list of {day, hour}", FREE, "Weekly group session slots.")
    max_wait_days: Real("nonneg", most=3650) = p(14.0, "days", FREE,
                             "Waiting longer than this for a group: seen 1:1 instead.")

    def __post_init__(self) -> None:
        if self.min_size > self.max_size:
            fail(f"must be <= max_size ({self.max_size}), got {self.min_size}", key="min_size")


@section
class Sessions(_Section):
    lead_days: Real("nonneg", most=3650) = p(2.0, "days", FREE, "Caution to the earliest first appointment (§4.6.6 Step 3).")
    interval_days: Real("nonneg", most=3650) = p(7.0, "days", FREE, "Booking gap between one session and the next.")
    review_min_gap_days: Real("nonneg", most=3650) = p(3.0, "days", "guidance Annex C session 3: at least three days",
                                   "Least gap between session 2 and the review.")
    single_session_minutes: Distribution = p(dist("triangular", low=60, mode=75, high=120), "minutes", FREE,
                                     "One Session Condition (§4.6.1).")
    assessment_education_minutes: Distribution = p(dist("triangular", low=60, mode=90, high=120), "minutes", FREE,
                                           "Two Session Condition, session 1 (§4.6.2).")
    triage_minutes: Distribution = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                             "Session 1 triage, 1:1 (Annex C session 1).")
    education_minutes: Distribution = p(dist("triangular", low=45, mode=60, high=90), "minutes", FREE,
                                "Session 2 education when held 1:1 (Annex C session 2).")
    review_minutes: Distribution = p(dist("triangular", low=30, mode=45, high=60), "minutes", FREE,
                             "Review, 1:1 (Annex C session 3; two-session review §4.6.2).")
    comply_by_days: Real("positive", most=3650) = p(
        42.0, "days", "free parameter (plausible 28-112): the guidance names no period; the CPS describes "
        "conditions completed 'within the timescales determined by the prosecutor'",
        "The caution names a date by which to comply (§4.6.6 Step 3): this many days after the caution, plus "
        "follow_up.cps_max_days with a Follow-Up Condition. Not completed by then: non-compliance if his own "
        "re-arranged appointments made him late, else reported as not delivered in time by the CJIT (Step 5).")
    onward_referral_indicated: Numbers(4, "prob") = p(
        [0.1, 1.0, 1.0, 1.0], "probability for profile_1..4",
        "free parameter (plausible 0-0.3, 0.5-1, 0.5-1, 0.8-1); Annex B: group 1 'some onward referral may be "
        "appropriate', groups 2-4 'probable', 'some', 'highly likely'",
        "The worker's review finds further intervention needed (Annex C session 3, Annex B), by assessed profile.")
    group: Group = p(Group(), "mapping", "guidance §4.6.2, §4.6.3, Annex C session 2", "Group sessions.")


@section
class FollowUp(_Section):
    cps_max_days: Real("nonneg", most=3650) = p(60.0, "days", "guidance §4.6.4 example: 'up to 2 months'",
                            "Maximum follow-up period set by the CPS.")
    assessed_need_days: Distribution = p(dist("uniform", low=14, high=90), "days", FREE,
                                 "The worker's assessment of the follow-up needed (§4.6.4).")
    contact_interval_days: Real("positive", most=3650) = p(7.0, "days", FREE, "Days between follow-up contacts.")
    contact_minutes: Distribution = p(dist("triangular", low=30, mode=45, high=60), "minutes", FREE,
                              "Worker time per follow-up contact.")
    voluntary_continuation: Real("prob") = p(0.3, "probability", FREE,
                                      "Stays engaged voluntarily after the period (§4.6.4).")
    voluntary_days: Distribution = p(dist("uniform", low=30, high=90), "days", "guidance §4.6.4 example: 'another 3 months'",
                             "Length of voluntary engagement.")

    def __post_init__(self) -> None:
        if self.cps_max_days / self.contact_interval_days > MAX_CONTACTS:
            fail(f"gives more than {MAX_CONTACTS} contacts in the CPS maximum of {self.cps_max_days:g} days: "
                 f"must be at least {self.cps_max_days / MAX_CONTACTS:g}, got {self.contact_interval_days:g}",
                 key="contact_interval_days")


@section
class Compliance(_Section):
    session_outcomes: Mapping(OUTCOME_KEYS, Real("prob"), "shares") = p(
        {"attended": 0.82, "missed_with_notice": 0.06, "missed_without_notice": 0.08, "left_early": 0.02,
         "intoxicated": 0.015, "unacceptable_behaviour": 0.005},
        "probabilities (sum 1)", FREE, "What happens at each appointment (§6).")
    max_rearrangements: Whole("nonneg", most=10) = p(1, "appointments per session", FREE,
                                "Re-arrangements after a missed appointment with notice (§6).")
    worker_warns_intoxicated: Real("prob") = p(
        0.5, "probability", "free parameter (plausible 0-1); Annex C session 1 'may constitute a breach', "
        "§6 'following reasonable warnings'",
        "At an appointment he attends intoxicated, the worker warns and re-arranges (counted against "
        "max_rearrangements) rather than reporting non-compliance: the worker's judgement (§6). One draw per person.")
    worker_warns_behaviour: Real("prob") = p(
        0.2, "probability", "free parameter (plausible 0-0.5): threats and violence are usually reported (§6)",
        "The same for unacceptable behaviour (§6), from the same per-person draw.")
    prosecuted_after_non_compliance: Real("prob") = p(
        0.7, "probability", "free parameter (plausible 0.3-1): §2.1 'may be prosecuted'; the CPS's published "
        "outcomes after non-compliance (2008-10) were not found",
        "Share of those reported for non-compliance whom the police and CPS go on to prosecute for the "
        "original offence (§2.1, §4.6.6 Step 6).")
    no_show_minutes: Distribution = p(dist("fixed", value=20), "minutes", FREE, "Worker time lost to a missed appointment.")
    report_delay_days: Distribution = p(dist("uniform", low=1, high=5), "days", FREE,
                                "Last session to the CJIT's written report to police (§4.6.6 Step 5).")


@section
class Shift(_Section):
    days: Days(DAYS) = p(["mon", "tue", "wed", "thu", "fri"], "mon..sun", FREE, "Days the shift runs.")
    start: Real("hour") = p(9.0, "hour of day", FREE, "Shift start.")
    end: Real("hour") = p(17.0, "hour of day", FREE, "Shift end (after start).")

    def __post_init__(self) -> None:
        if self.end <= self.start:
            fail(f"must be after start ({self.start:g}), got {self.end:g}", key="end")


@section
class Pool(_Section):
    workers: Workers(most=1000) = p(2, "workers or 'unlimited'", FREE,
                     "CJIT workers on this rota ('unlimited': no waiting at all).")
    shifts: ListOf(Shift, "days, start, end") = p([Shift()], "list of {days, start, end}", FREE, "When these workers are on duty.")

    def __post_init__(self) -> None:
        if self.workers != "unlimited" and self.workers > 0 and not self.shifts:
            fail("workers need at least one shift", key="shifts")


@section
class OutOfHours(_Section):
    arrangement: OneOf(ARRANGEMENTS) = p("callout", "callout | next_shift | none", "guidance §4.6.6 Step 1",
                         "Out of cover hours: a worker attends later (callout), the next shift sees the "
                         "person if still in custody (next_shift), or no assessment (none).")
    callout_workers: Whole("nonneg", most=1000) = p(1, "workers", FREE, "Workers on call at once.")
    callout_hours: Distribution = p(dist("triangular", low=1, mode=2, high=4), "hours", FREE, "Time for the on-call worker to arrive.")


WORKLOAD = ("other DIP caseload, admin and travel: free parameters, set so that the default urban area's community "
            "workers are about 80% busy with all their work (see docs/scenario-schema.md, 'The CJIT's whole workload')")


@section
class Caseload(_Section):
    contact_interval_days: Real("positive", most=3650) = p(
        14.0, "days", FREE + " (plausible 7-28)", "Days between care-planned contacts with someone on the CJIT caseload.")
    weeks: Distribution = p(dist("uniform", low=8, high=16), "weeks", FREE + " (plausible 4-26)",
                            "How long an onward referral stays on the CJIT caseload with care-planned contacts.")
    contact_minutes: Distribution = p(dist("triangular", low=30, mode=45, high=60), "minutes",
                                      FREE + " (plausible 30-90)", "Worker time for one care-planned contact.")
    attends: Real("prob") = p(0.7, "probability", FREE + " (plausible 0.5-0.9)",
                              "Share of care-planned contacts attended; a missed one costs compliance.no_show_minutes.")

    def __post_init__(self) -> None:
        if self.contact_interval_days < 1:
            fail(f"must be at least 1 day, got {self.contact_interval_days:g}", key="contact_interval_days")


@section
class Stream(_Section):
    per_week: Real("nonneg", most=10000) = p(0.0, "jobs a week", FREE, "Pieces of work arriving a week.")
    minutes: Distribution = p(dist("triangular", low=30, mode=45, high=60), "minutes", FREE,
                              "Worker time for one piece of work.")


def _stream(per_week: float, low: float, mode: float, high: float) -> Stream:
    return Stream(per_week, dist("triangular", low=low, mode=mode, high=high))


STREAM_DEFAULTS = {
    "prison_leavers": _stream(12.0, 45, 60, 90),
    "court_ordered": _stream(10.0, 45, 60, 90),
    "self_referrals": _stream(30.0, 30, 45, 60),
    "custody_other": _stream(20.0, 20, 40, 60),
}
"""The default of each stream of other work."""


@section
class OtherWork(_Section):
    prison_leavers: Stream = p(STREAM_DEFAULTS["prison_leavers"], "mapping", WORKLOAD + "; plausible 0-30 a week",
                               "Community: contacts with prison leavers on the DIP caseload (throughcare and "
                               "aftercare).")
    court_ordered: Stream = p(STREAM_DEFAULTS["court_ordered"], "mapping", WORKLOAD + "; plausible 0-30 a week",
                              "Community: court-ordered and Restriction on Bail work (assessments, reports, "
                              "appointments).")
    self_referrals: Stream = p(STREAM_DEFAULTS["self_referrals"], "mapping", WORKLOAD + "; plausible 0-60 a week",
                               "Community: contacts with the rest of the DIP caseload (self-referrals and other "
                               "referrals).")
    custody_other: Stream = p(STREAM_DEFAULTS["custody_other"], "mapping", WORKLOAD + "; plausible 0-40 a week",
                              "Custody: other custody and court-cell work (arrest referrals outside this pathway, "
                              "liaison).")


WORKLOAD_NOTE = """## The CJIT's whole workload (`cjit.*`)

The custody and community rotas carry the CJIT's whole workload, not only this pathway's:

- **this pathway's work**: the initial and follow-up Required Assessments, voluntary assessments,
  the DIP Condition's sessions and follow-up contacts (§2.2, §4.6, Annex C), the **DIRs** it
  completes (`cjit.dir_minutes`, §5) and the **caseload of onward referrals** (Annex C session 3:
  the worker "agrees a care plan with the individual and takes on to CJIT caseload if
  appropriate"): a contact every `cjit.caseload.contact_interval_days` for `cjit.caseload.weeks`,
  attended with probability `cjit.caseload.attends`;
- **the team's other work**: the rest of the DIP caseload as streams of jobs arriving in duty
  hours (`cjit.other_work`: prison leavers, court-ordered work and self-referrals on the community
  rota, other custody and court-cell work on the custody rota), plus admin and travel as a share of
  each rota's duty hours (`cjit.admin_share`, `cjit.travel_share`).

No public figure gives a CJIT's caseload or time use (`shared/calibration-sources.md`), so every
one of these is a free parameter with the plausible range its source column gives. The defaults
were set so that the default urban area's four community workers are about **80% busy** with all
their work (a fully loaded caseworker team with room for peaks; in 2006-10 a CJIT worker's
caseload was a full-time job, not the 12% this pathway alone fills) and its custody workers about
**40%** busy (custody cover is sized by the hours it must cover, not by its workload: the worker
must be there when an arrest comes). Set them to your team's figures: a stream adds its rate times
its mean minutes a week, a share that share of the rota's duty hours.

Utilisation is reported both ways (docs/kpis.md): `utilisation_custody` and
`utilisation_community` are **all work**; `utilisation_custody_pathway` and
`utilisation_community_pathway` are **this pathway's work only**. Staff are reported in workers
and in **FTE**: `fte_custody`, `fte_community` = workers x the rota's hours a week / 37.5 (a
custody worker on 8-20 weekdays and 10-18 at weekends covers 76 hours a week: 2.03 FTE). FTE is
cover; staff in post must also cover leave and sickness, which the model does not.

Switch the other work off (`cjit.other_work.<stream>.per_week: 0`, both shares 0) to see this
pathway alone, as dipsim did before it modelled the whole workload.
"""
"""The schema reference's note on the whole workload (docs/scenario-schema.md)."""


OTHER_WORK_POOL = {"prison_leavers": "community", "court_ordered": "community", "self_referrals": "community",
                   "custody_other": "custody"}
"""The rota each stream of other work falls on."""


@section
class PoolShares(_Section):
    custody: Real("prob") = p(0.0, "share of duty hours", FREE, "Custody rota.")
    community: Real("prob") = p(0.0, "share of duty hours", FREE, "Community rota.")


def _plain_default(d: Any) -> Any:
    if isinstance(d, Dist):
        return d.to_dict()
    if hasattr(d, "__dataclass_fields__"):
        return {f.name: _plain_default(getattr(d, f.name)) for f in fields(d)}
    if isinstance(d, tuple):
        return [_plain_default(x) for x in d]
    return d


def _fill(default: Any, given: Any) -> Any:
    """``given`` with what it leaves out taken from ``default`` (mappings merged; a distribution, a list or
    anything else as given)."""
    if isinstance(given, dict) and isinstance(default, dict) and "dist" not in given and "dist" not in default:
        return {**default, **{k: _fill(default.get(k), v) for k, v in given.items()}}
    return given


@section
class Cjit(_Section):
    """A partial mapping keeps the rest of *this* part's defaults: ``custody: {workers: 3}`` keeps the
    custody rota's shifts, ``other_work: {court_ordered: {per_week: 5}}`` that stream's minutes."""

    @model_validator(mode="before")
    @classmethod
    def _partial(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        defaults = _plain_default(Cjit())
        return {k: _fill(defaults.get(k), v) if isinstance(v, dict) else v for k, v in data.items()}

    custody: Pool = p(Pool(2, (Shift(("mon", "tue", "wed", "thu", "fri"), 8.0, 20.0),
                               Shift(("sat", "sun"), 10.0, 18.0))),
                      "mapping", FREE, "Workers covering the custody suite.")
    community: Pool = p(Pool(4, (Shift(("mon", "tue", "wed", "thu", "fri"), 9.0, 17.0),)),
                        "mapping", FREE, "Workers delivering appointments, sessions and follow-up.")
    out_of_hours: OutOfHours = p(OutOfHours(), "mapping", "guidance §4.6.6 Step 1", "Local out-of-hours arrangement.")
    dir_minutes: Distribution = p(dist("triangular", low=20, mode=30, high=45), "minutes",
                                  FREE + " (plausible 15-60)", "Worker time to complete one DIR (§5).")
    caseload: Caseload = p(Caseload(), "mapping", "guidance Annex C session 3",
                           "Onward referrals join the CJIT caseload: care-planned contacts on the community rota.")
    other_work: OtherWork = p(OtherWork(), "mapping", WORKLOAD,
                              "The team's other DIP work, as streams of jobs arriving in duty hours.")
    admin_share: PoolShares = p(PoolShares(0.20, 0.25), "share of duty hours", WORKLOAD + "; plausible 0.1-0.4",
                                "Recording, DIR and NDTMS returns, supervision, meetings and training, as a share "
                                "of each rota's duty hours.")
    travel_share: PoolShares = p(PoolShares(0.05, 0.10), "share of duty hours", WORKLOAD + "; plausible 0-0.2",
                                 "Travel (between custody suites, courts, home visits, treatment services), as a "
                                 "share of each rota's duty hours.")

    def __post_init__(self) -> None:
        for pool in ("custody", "community"):
            if getattr(self.admin_share, pool) + getattr(self.travel_share, pool) > 1:
                fail(f"admin_share plus travel_share must be at most 1 for the {pool} rota, got "
                     f"{getattr(self.admin_share, pool) + getattr(self.travel_share, pool):g}",
                     key=f"travel_share.{pool}")


@section
class Scenario(_Section):
    name: Text = p("unnamed area", "text", "", "Area name shown in reports and plots.")
    description: Text = p("", "text", "", "What this scenario represents.")
    seed: Whole("nonneg") = p(2008, "integer", "", "Scenario seed: streams are spawned from it and the replication.")
    days: Whole("nonneg", most=36500) = p(365, "days", "", "Days of arrests simulated (people then run to the end of their pathway).")
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
