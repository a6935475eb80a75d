"""The one pathway: a person's way through Annex A, top to bottom, written once.

:func:`pathway` is a generator. The simulation and the case explainer both drive it;
only the *world* it runs in differs, and the world answers what the pathway asks:

* the clock (``w.env``): ``now`` and ``timeout(hours)`` - SimPy's environment in the
  simulation, a paper clock in a case (every wait ends at once);
* a CJIT worker's time (``w.custody_worker_time``, ``w.appointment``), the drug test's
  result (``w.drug_test``) and the follow-up contacts (``w.follow_up_contacts``):
  sub-generators that yield SimPy events in the simulation and return at once in a case;
  whether the condition was complete by the comply-by date (``w.late``): from the clock in the
  simulation, as the case states it in a case;
* the person (``w.people``, columns indexed by ``i``): facts (age, offence, record...),
  pre-drawn answers to the pathway's questions (consents? accepts the caution?) and
  durations; the simulation draws them up front, a case file states them;
* the record it writes (``w.records``, :class:`dipsim.pathway_record.PersonRecord`; the simulation
  writes the same columns through memoryviews, :class:`dipsim.pathway_record.RecordViews`), the
  area's parameters (``w.settings``, :class:`PathwaySettings`), and processes that run
  beside the pathway (``w.follow_up_assessment``, ``w.voluntary_engagement``).

Every decision is a rule of :mod:`dipsim.rules`. When the world is explaining
(``w.explaining``) each decision is also recorded as a cited step (``w.step``, ``w.note``)
with the actions it calls for (``w.act``); the simulation's world does not explain, and
a test of one local flag is all that costs it. SimPy events are yielded straight through
to SimPy: no layer between the pathway and the event loop.

From the caution on, the pathway continues in :mod:`dipsim.pathway_delivery` (the sessions, the
Follow-Up Condition, the comply-by date, the report and what follows), in the same world.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generator, Protocol

from . import rules
from .pathway_delivery import deliver_condition, restriction_on_bail, triage_dir
from .pathway_record import (CONDITION_CODES, DISPOSALS, FA_OUTCOMES, IA_OUTCOMES, ROUTES, STOP_REASONS,
                             TERMINAL_STATES, TEST_RESULTS, VA_OUTCOMES, PersonRecord, codes)
from .rules.eligibility import ADULT_AGE
from .rules.offences import OFFENCE_NAMES, OFFENCES

__all__ = ["PathwaySettings", "World", "pathway"]

TERMINAL, DISPOSAL, ROUTE = codes(TERMINAL_STATES), codes(DISPOSALS), codes(ROUTES)
IA, VA, FA, STOP = codes(IA_OUTCOMES), codes(VA_OUTCOMES), codes(FA_OUTCOMES), codes(STOP_REASONS)
CONDITION, TEST = codes(CONDITION_CODES), codes(TEST_RESULTS)
ARRANGED = FA["arranged"]


@dataclass(frozen=True, slots=True)
class PathwaySettings:
    """The area's parameters and policies the pathway reads (a scenario's, or a case's)."""

    intensive: bool                   # a DIP intensive area (§2.2)
    country: str                      # england | wales (Restriction on Bail, §2.2)
    menu_policy: str                  # how the condition is chosen (§4.6, Annex B)
    max_previous_convictions: int     # the area's reading of "a limited criminal record" (§4.1)
    max_rearrangements: int           # re-arranged appointments allowed per session (§6)
    lead_days: float                  # caution to the earliest first appointment (§4.6.6 Step 3)
    interval_days: float              # booking gap between one session and the next
    review_min_gap_days: float        # Annex C session 3: at least this long after session 2
    follow_up_max_days: float | None  # the maximum the CPS sets on the Follow-Up Condition (§4.6.4)
    comply_by_days: float | None = None  # caution to the comply-by date it names (§4.6.6 Step 3); None: not stated
    group_conditions: tuple[str, ...] | None = None  # whose session 2 may be a group (§4.6.2, §4.6.3); None: not stated


class World(Protocol):
    """What the pathway asks of the world it runs in (see the module docstring). The
    simulation's is :class:`dipsim.model.world.SimulatedArea`; a case's is
    :class:`dipsim.pathway_case.CaseWorld`."""

    explaining: bool                  # keep every decision as a cited step?
    env: Any                          # the clock: .now (hours) and .timeout(hours)
    people: Any                       # per-person columns: facts, answers, durations (index by i)
    records: PersonRecord             # the record the pathway writes (or its RecordViews)
    settings: PathwaySettings
    never: Any                        # an event that never happens (the run ends first)

    def drug_test(self, i: int) -> Generator: ...                  # returns the result
    def custody_worker_time(self, i: int, hours: float, activity: str,
                            priority: int) -> Generator: ...       # returns the start, or None if none came
    def appointment(self, i: int, kind: str, event: str, group: bool) -> Generator: ...  # the start, or None
    def late(self, i: int, deadline_h: float | None, own_delay_h: float) -> str | None: ...  # in_time|offender|cjit
    def follow_up_contacts(self, i: int, period: rules.Decision | None) -> Generator: ...  # True/False/None
    def follow_up_assessment(self, i: int) -> None: ...            # hold the arranged one when it falls due
    def voluntary_engagement(self, i: int) -> None: ...            # §4.6.4, beside the pathway
    def complete_dir(self, i: int, pool: str) -> None: ...         # §5: a DIR takes worker time on pool
    def onward_referral(self, i: int) -> None: ...                 # Annex C session 3: joins the CJIT caseload
    # Explaining only:
    def step(self, step: str, decision: rules.Decision, detail: str | None = None) -> None: ...
    def note(self, step: str, rule: str, detail: str) -> None: ...
    def act(self, action: str) -> None: ...
    def condition_step(self, chosen: rules.Decision, condition: str) -> None: ...
    def review_gap(self) -> None: ...
    def session_step(self, n: int, total: int, kind: str, event: str, decision: rules.Decision,
                     listed: bool) -> None: ...
    def unused_events(self, rest: list[int], where: str) -> None: ...
    def no_follow_up(self, condition: str) -> None: ...


def pathway(w: World, i: int):
    """Person ``i`` from arrest to the end of the pathway, in the order of the Annex A process map."""
    p, r, s, env = w.people, w.records, w.settings, w.env
    explain = w.explaining
    t0 = env.now
    age = p.age[i]
    offence = OFFENCE_NAMES[p.offence[i]]

    # §2.1: the statutory preconditions. Annex A is for adults: under 18 stops here.
    statutory = rules.statutory_preconditions(age, p.admits[i], p.evidence[i])
    r.statutory_eligible[i] = statutory.value  # recorded apart from any drug indication (an honest funnel)
    if explain:
        w.step("statutory_preconditions", statutory)
    if age < ADULT_AGE:
        return finish(w, i, "not_eligible")

    # §2.2: testing on arrest; the person stays in custody until released.
    test = rules.test_on_arrest(s.intensive, age, offence, p.inspector_authorises[i])
    if test.value:
        test_result = yield from w.drug_test(i)
    else:
        test_result = p.result_without_test[i]  # "not_tested" (a case file may not state a result: casefile.py)
    r.test_result[i] = TEST[test_result]
    if explain:
        w.note("drug_test", test.rule, f"drug test: {test_result.replace('_', ' ')} ({test.detail})")
    # released after his custody time, or the test's wait if longer: max(), as a conditional (the same
    # value; a builtin's call costs more, for nearly everyone)
    waited_h, custody_h = env.now - t0, p.custody_h[i]
    r.release_h[i] = t0 + (waited_h if waited_h > custody_h else custody_h)

    # Annex A: a required assessment, a voluntary assessment (§4.6.6 Step 1) or EXIT.
    route = rules.assessment_route(s.intensive, test_result, p.known_misuser[i])
    if explain:
        w.step("assessment_route", route)
    r.route[i] = ROUTE[route.value]
    r.drug_indication[i] = route.value != "exit"  # a positive test or known misuse, whatever §2.1 says
    ia = None
    if route.value == "required_assessment":
        ia = yield from initial_required_assessment(w, i)
    if not statutory.value:
        return not_cautioned(w, i, "not_eligible")
    if route.value == "exit":
        return not_cautioned(w, i, "exit_no_drug_indication")

    consents = p.consents_to_share[i]
    willing = None  # §4.6.6 Step 1: asked only on the voluntary route
    if route.value == "voluntary_assessment":
        willing = bool(p.willing_voluntary[i])
        if willing:
            yield from voluntary_assessment(w, i)
        else:  # its own outcome, not refused consent: no assessment, nothing to share
            r.va_outcome[i] = VA["unwilling"]
    if willing is not False:
        r.consent[i] = consents

    # Annex A note 1, §4.1, §4.6.6 Steps 1-2, Annex B: the police's consideration, with the profile
    # assessed or, with no assessment, as far as the police know it (Annex A note 2).
    profile, source = known_profile(w, i)
    if profile is not None:
        r.known_profile[i] = profile
    considered = rules.police_consideration(
        willing_to_see_worker=willing,
        drug_use_profile=profile, profile_source=source, exceptional_reason=bool(p.exceptional_reason[i]),
        consents_to_share=bool(consents), test_result=test_result, offence_name=offence,
        previous_convictions=int(p.previous_convictions[i]), recent_similar_offending=bool(p.recent_similar[i]),
        max_previous_convictions=s.max_previous_convictions,
        accepts_responsibility=bool(p.accepts_responsibility[i]), resident_in_area=bool(p.resident[i]),
        home_cjit_can_deliver=bool(p.home_cjit_can_deliver[i]), refers_on_merits=bool(p.refers_on_merits[i]))
    if explain:
        for name, decision in zip(considered.names, considered.steps):
            w.step(name, decision)
    if not considered.referred:  # §4.6.6 Step 2: only a case the police recommend goes to the CPS
        r.stop_reason[i] = STOP[considered.stop_reason]
        return not_cautioned(w, i, "alternative_disposal")

    # §4.5, §4.6.6 Step 2: the CPS decides.
    cps_view = None
    if profile is not None:  # §4.5: the CPS's own view of the profile, and of an exceptional reason
        cps_view = rules.cps_drug_use_suitability(profile, int(p.previous_convictions[i]), OFFENCES[offence].group,
                                                  bool(p.exceptional_reason[i] and p.cps_accepts_exceptional_reason[i]),
                                                  source)
    cps = yield from cps_decision(w, i, considered.recommendation, cps_view)
    if not cps.value:  # an alternative disposal, which may be a charge: Restriction on Bail (§2.2)
        r.stop_reason[i] = STOP["cps_not_authorised"]
        restriction_on_bail(w, i)
        return not_cautioned(w, i, "alternative_disposal")

    # §4.6, Annex B: the condition, from the menu (or as the CPS sets it, §4.5), by the profile the
    # police considered (assessed, or their knowledge of him: Annex A note 2). §4.6.3: a failed Required
    # Assessment, the initial one or the follow-up (held while he was on police bail), counts alike.
    failed_ra = ia == "failed" or r.fa_outcome[i] == FA["not_attended"]
    chosen = rules.choose_condition(s.menu_policy, profile, failed_ra, int(p.previous_convictions[i]))
    condition = p.cps_condition[i] or chosen.value
    if explain:
        w.condition_step(chosen, condition)
    r.condition[i] = CONDITION[condition]

    # §4.6.6 Step 3: the offer. Declined: prosecution may follow; Restriction on Bail (§2.2).
    accepts = p.accepts_caution[i]
    r.accepted[i] = accepts
    offer = rules.offer_response(bool(accepts))
    if explain:
        w.step("offer", offer)
    if not offer.value:
        if explain:
            w.act("prosecution_considered")
        restriction_on_bail(w, i)
        return not_cautioned(w, i, "declined_prosecution")

    # The caution is administered; the sessions, any follow-up, the report and what follows.
    administer_caution(w, i)
    terminal = yield from deliver_condition(w, i, condition)
    if terminal is not None:  # None: the CJIT could not deliver in this run
        finish(w, i, terminal, "dip_conditional_caution")


def finish(w: World, i: int, terminal: str, disposal: str | None = None) -> None:
    """The end of the pathway: the terminal state, the disposal and the time."""
    r = w.records
    r.terminal_state[i] = TERMINAL[terminal]
    r.disposal[i] = DISPOSAL[disposal or terminal]
    r.end_h[i] = w.env.now


def not_cautioned(w: World, i: int, disposal: str) -> None:
    """An end without a DIP Conditional Caution (the disposal is also the terminal state): an
    arranged follow-up assessment goes ahead as normal (§3.1)."""
    r = w.records
    if w.explaining and r.fa_outcome[i] == ARRANGED:
        kept = rules.follow_up_assessment(True, False, bool(r.police_bail[i] == 1))
        w.step("follow_up_assessment", kept)
        if kept.value == "continue":
            w.act("required_assessment_continues")
            w.follow_up_assessment(i)  # a case: held after the decision, as the case states it
    r.terminal_state[i] = TERMINAL[disposal]  # as finish() does, without a second call per person
    r.disposal[i] = DISPOSAL[disposal]
    r.end_h[i] = w.env.now


def initial_required_assessment(w: World, i: int):
    """§2.2, Annex A: a CJIT worker assesses the person in custody before release; he attends
    and remains, or fails; with no worker before release none takes place (Annex A note 2)."""
    p, r = w.people, w.records
    r.ia_request_h[i] = w.env.now
    attends = p.attends_initial_assessment[i]
    hours = p.ia_h[i] if attends else p.no_show_h[i]
    start = yield from w.custody_worker_time(i, hours, "initial_assessment", 0)
    outcome = rules.initial_assessment(None if start is None else attends)
    if w.explaining:
        w.step("initial_assessment", outcome)
    if start is None:
        r.ia_outcome[i] = IA["missed_no_worker"]
        return outcome.value
    r.ia_start_h[i] = start
    r.ia_outcome[i] = IA[outcome.value]
    if outcome.value == "failed":
        r.ra_non_compliance_reported[i] = True
        if w.explaining:
            w.act("report_ra_non_compliance")
        return "failed"
    r.assessed_profile[i] = p.profile[i]
    triage_dir(w, i, "initial_assessment")  # §5: the custody assessment is a triage assessment
    if p.needs_follow_up_assessment[i]:  # §2.2: 4-8 days later, in the DAT of residence
        r.fa_outcome[i] = ARRANGED
        r.fa_due_h[i] = start + p.fa_delay_h[i]
        w.follow_up_assessment(i)
    return "attended"


def voluntary_assessment(w: World, i: int):
    """§4.6.6 Step 1: a voluntary assessment with a CJIT worker; if none can be held before
    release the police draw on their knowledge (Annex A note 2)."""
    p, r = w.people, w.records
    start = yield from w.custody_worker_time(i, p.ia_h[i], "voluntary_assessment", 1)
    if start is None:
        r.va_outcome[i] = VA["missed_no_worker"]
        return
    r.va_start_h[i] = start
    r.va_outcome[i] = VA["held"]
    r.assessed_profile[i] = p.profile[i]
    triage_dir(w, i, "voluntary_assessment")  # §5


def known_profile(w: World, i: int) -> tuple[int | None, str]:
    """The Annex B group the police consider and where it comes from: the assessment, or with none
    the police's knowledge of the individual (Annex A note 2); ``None`` when neither places him."""
    p, r = w.people, w.records
    assessed = r.ia_outcome[i] == IA["attended"] or r.va_outcome[i] == VA["held"]
    profile = int(r.assessed_profile[i])
    if profile < 0 and p.police_know_profile[i]:
        profile = int(p.profile[i])
    return (profile if profile > 0 else None), ("assessment" if assessed else "police_knowledge")


def cps_decision(w: World, i: int, recommendation: rules.Decision, drug_use: rules.Decision | None = None):
    """§4.6.6 Step 2: the police refer; the CPS decides after a delay. A decision after release
    from custody means police bail (§3.1): released with a date to return, when the CPS decision
    and the caution happen."""
    env, p, r = w.env, w.people, w.records
    r.referral_h[i] = env.now
    r.police_recommended[i] = bool(recommendation.value)
    delay = p.cps_h[i]
    r.police_bail[i] = env.now + delay > r.release_h[i]
    if r.police_bail[i] == 1:
        delay = max(delay, r.release_h[i] + p.bail_return_h[i] - env.now)
    if w.explaining and r.police_bail[i] == 1 and r.fa_outcome[i] == ARRANGED:  # §3.1: held if it falls due
        w.step("follow_up_assessment", rules.follow_up_assessment(True, False, True))
        w.act("required_assessment_continues")
        w.follow_up_assessment(i)  # a case: held while on bail, as the case states it (§4.6.3 if failed)
    yield env.timeout(delay)
    r.cps_h[i] = env.now
    decision = rules.cps_decision(recommendation, p.cps_authorises_if_recommended[i], drug_use)
    r.cps_authorised[i] = decision.value
    if w.explaining:
        w.step("cps_decision", decision)
    return decision


def administer_caution(w: World, i: int) -> None:
    """§4.6.6 Step 3, Annex A note 3: the caution is administered; an arranged follow-up
    assessment still pending is cancelled, police bail or not (note 3 makes no exception)."""
    r = w.records
    r.caution_h[i] = w.env.now
    if r.fa_outcome[i] == ARRANGED:
        kept = rules.follow_up_assessment(True, True, bool(r.police_bail[i] == 1))
        if kept.value == "cancel":
            r.fa_outcome[i] = FA["cancelled"]
        if w.explaining:
            w.step("follow_up_assessment", kept)
            w.act("cancel_follow_up_assessment" if kept.value == "cancel" else "required_assessment_continues")
