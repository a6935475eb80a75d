"""The one pathway: a person's way through Annex A, top to bottom, written once.

:func:`pathway` is a generator. The simulation and the case explainer both drive it;
only the *world* it runs in differs, and the world answers what the pathway asks:

* the clock (``w.env``): ``now`` and ``timeout(hours)`` - SimPy's environment in the
  simulation, a paper clock in a case (every wait ends at once);
* a CJIT worker's time (``w.custody_worker_time``, ``w.appointment``), the drug test's
  result (``w.drug_test``) and the follow-up contacts (``w.follow_up_contacts``):
  sub-generators that yield SimPy events in the simulation and return at once in a case;
* the person (``w.people``, columns indexed by ``i``): facts (age, offence, record...),
  pre-drawn answers to the pathway's questions (consents? accepts the caution?) and
  durations; the simulation draws them up front, a case file states them;
* the record it writes (``w.records``, :class:`dipsim.pathway_record.PersonRecord`), the
  area's parameters (``w.settings``, :class:`PathwaySettings`), and processes that run
  beside the pathway (``w.follow_up_assessment``, ``w.voluntary_engagement``).

Every decision is a rule of :mod:`dipsim.rules`. When the world is explaining
(``w.explaining``) each decision is also recorded as a cited step (``w.step``, ``w.note``)
with the actions it calls for (``w.act``); the simulation's world does not explain, and
a test of one local flag is all that costs it. SimPy events are yielded straight through
to SimPy: no layer between the pathway and the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generator, Protocol

from . import rules
from .pathway_record import (CONDITION_CODES, DISPOSALS, EVENT_CODES, FA_OUTCOMES, IA_OUTCOMES, ROUTES, STOP_REASONS,
                             TERMINAL_STATES, VA_OUTCOMES, PersonRecord, codes)
from .rules.compliance import REVIEW_SESSIONS
from .rules.eligibility import ADULT_AGE
from .rules.offences import OFFENCE_NAMES
from .scenario.schema import OUTCOME_KEYS
from .time import HOURS_PER_DAY as H

__all__ = ["PathwaySettings", "World", "pathway", "POLICE_STEPS"]

TERMINAL, DISPOSAL, ROUTE = codes(TERMINAL_STATES), codes(DISPOSALS), codes(ROUTES)
IA, VA, FA, STOP = codes(IA_OUTCOMES), codes(VA_OUTCOMES), codes(FA_OUTCOMES), codes(STOP_REASONS)
CONDITION, EVENT = codes(CONDITION_CODES), codes(EVENT_CODES)
ATTENDED = OUTCOME_KEYS.index("attended")
ARRANGED = FA["arranged"]
POLICE_STEPS = ("consent_to_share", "attitude", "residence", "offence_suitability", "record_suitability",
                "police_recommendation")
"""The names of the police's consideration steps, in :func:`dipsim.rules.police_consideration`'s order."""


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


class World(Protocol):
    """What the pathway asks of the world it runs in (see the module docstring). The
    simulation's is :class:`dipsim.model.world.SimulatedArea`; a case's is
    :class:`dipsim.pathway_case.CaseWorld`."""

    explaining: bool                  # keep every decision as a cited step?
    env: Any                          # the clock: .now (hours) and .timeout(hours)
    people: Any                       # per-person columns: facts, answers, durations (index by i)
    records: PersonRecord             # the record the pathway writes
    settings: PathwaySettings
    never: Any                        # an event that never happens (the run ends first)

    def drug_test(self, i: int) -> Generator: ...                  # returns the result
    def custody_worker_time(self, i: int, hours: float, activity: str,
                            priority: int) -> Generator: ...       # returns the start, or None if none came
    def appointment(self, i: int, kind: str, event: str) -> Generator: ...   # returns the start, or None
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
    if explain:
        w.step("statutory_preconditions", statutory)
    if age < ADULT_AGE:
        return finish(w, i, "not_eligible")

    # §2.2: testing on arrest; the person stays in custody until released.
    test = rules.test_on_arrest(s.intensive, age, offence, p.inspector_authorises[i])
    if test.value:
        test_result = yield from w.drug_test(i)
    else:
        test_result = p.result_without_test[i]  # "not_tested" (a case file gives its result whatever the rule)
    if explain:
        w.note("drug_test", test.rule, f"drug test: {test_result.replace('_', ' ')} ({test.detail})")
    r.release_h[i] = t0 + max(p.custody_h[i], env.now - t0)

    # Annex A: a required assessment, a voluntary assessment (§4.6.6 Step 1) or EXIT.
    route = rules.assessment_route(s.intensive, test_result, p.known_misuser[i])
    if explain:
        w.step("assessment_route", route)
    r.route[i] = ROUTE[route.value]
    ia = None
    if route.value == "required_assessment":
        ia = yield from initial_required_assessment(w, i)
    if not statutory.value:
        return not_cautioned(w, i, "not_eligible")
    if route.value == "exit":
        return not_cautioned(w, i, "exit_no_drug_indication")

    consents = p.consents_to_share[i]
    if route.value == "voluntary_assessment":
        willing = p.willing_voluntary[i]
        consents = consents and willing
        if willing:
            yield from voluntary_assessment(w, i)
        else:
            r.va_outcome[i] = VA["unwilling"]
    r.consent[i] = consents

    # Annex A note 1, §4.1, §4.6.6 Steps 1-2: the police's consideration.
    considered = rules.police_consideration(
        consents_to_share=bool(consents), test_result=test_result, offence_name=offence,
        previous_convictions=int(p.previous_convictions[i]), recent_similar_offending=bool(p.recent_similar[i]),
        max_previous_convictions=s.max_previous_convictions,
        accepts_responsibility=bool(p.accepts_responsibility[i]), resident_in_area=bool(p.resident[i]),
        home_cjit_can_deliver=bool(p.home_cjit_can_deliver[i]))
    if explain:
        for name, decision in zip(POLICE_STEPS, considered.steps):
            w.step(name, decision)
    if not considered.referred:
        r.stop_reason[i] = STOP[_stop_reason(considered.steps[-1])]
        return not_cautioned(w, i, "alternative_disposal")

    # §4.5, §4.6.6 Step 2: the CPS decides.
    cps = yield from cps_decision(w, i, considered.recommendation)
    if not cps.value:
        r.stop_reason[i] = STOP["cps_not_authorised"]
        return not_cautioned(w, i, "alternative_disposal")

    # §4.6, Annex B: the condition, from the menu (or as the CPS sets it, §4.5).
    profile = int(r.assessed_profile[i])
    chosen = rules.choose_condition(s.menu_policy, profile if profile > 0 else None, ia == "failed",
                                    int(p.previous_convictions[i]))
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
        rob = rules.restriction_on_bail(s.country, p.resides_in_england[i], test_result)
        r.restriction_on_bail[i] = rob.value
        if explain:
            w.act("prosecution_considered")
            w.step("restriction_on_bail", rob)
            if rob.value:
                w.act("restriction_on_bail_may_apply")
        return not_cautioned(w, i, "declined_prosecution")

    # The caution is administered; the sessions (and any follow-up) follow.
    administer_caution(w, i)
    # §4.6.1-4.6.3, §6, §5, Annex C: the sessions; then §4.6.4: any Follow-Up Condition.
    complied = yield from deliver_sessions(w, i, condition)
    if rules.has_follow_up(condition):
        if complied:
            complied = yield from follow_up_condition(w, i)
    elif explain:
        w.no_follow_up(condition)
    if complied is None:  # the CJIT could not deliver in this run
        return
    # §4.6.6 Steps 5-6: the CJIT reports; the police close the case or respond.
    yield env.timeout(p.report_h[i])
    report = rules.cjit_report(complied)
    r.report_h[i] = env.now
    closure = rules.police_closure(report.value == "complied")
    if explain:
        w.step("cjit_report", report)
        w.step("police_closure", closure)
        if closure.value == "prosecution_considered":
            w.act("prosecution_considered")
    finish(w, i, "complied_case_closed" if closure.value == "case_closed" else "non_compliance_prosecution",
           "dip_conditional_caution")


def _stop_reason(step: rules.Decision) -> str:
    if step.rule == "Annex A note 1":
        return "consent_refused"
    if step.rule == "§4.1":
        return "denies_responsibility"
    return "out_of_area"


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


def cps_decision(w: World, i: int, recommendation: rules.Decision):
    """§4.6.6 Step 2: the police refer; the CPS decides after a delay. A decision after release
    from custody means police bail (§3.1)."""
    env, p, r = w.env, w.people, w.records
    r.referral_h[i] = env.now
    r.police_recommended[i] = bool(recommendation.value)
    delay = p.cps_h[i]
    r.police_bail[i] = env.now + delay > r.release_h[i]
    yield env.timeout(delay)
    r.cps_h[i] = env.now
    if recommendation.value:
        authorises = p.cps_authorises_if_recommended[i]
    else:
        authorises = p.cps_authorises_if_not_recommended[i]
    decision = rules.cps_decision(recommendation, authorises)
    r.cps_authorised[i] = decision.value
    if w.explaining:
        w.step("cps_decision", decision)
    return decision


def administer_caution(w: World, i: int) -> None:
    """§4.6.6 Step 3, Annex A note 3: the caution is administered; an arranged follow-up
    assessment is cancelled, unless the person is on police bail (§3.1)."""
    r = w.records
    r.caution_h[i] = w.env.now
    if r.fa_outcome[i] == ARRANGED:
        kept = rules.follow_up_assessment(True, True, bool(r.police_bail[i] == 1))
        if kept.value == "cancel":
            r.fa_outcome[i] = FA["cancelled"]
        if w.explaining:
            w.step("follow_up_assessment", kept)
            w.act("cancel_follow_up_assessment" if kept.value == "cancel" else "required_assessment_continues")


def deliver_sessions(w: World, i: int, condition: str):
    """§4.6.1-4.6.3, §5, §6, Annex C: the condition's sessions in order. Returns True if he
    attended them all, False on non-compliance, None if the CJIT could not deliver in this run."""
    env, p, r, s = w.env, w.people, w.records, w.settings
    explain = w.explaining
    plan = rules.sessions(condition)
    max_r = s.max_rearrangements
    events = p.session_events[i].tolist()
    session_h = (r.session1_h, r.session2_h, r.session3_h)
    slot = 0
    t_next = env.now + s.lead_days * H
    for k, kind in enumerate(plan):
        if explain and k == 2:
            w.review_gap()  # Annex C session 3: a recommended gap after session 2
        rearranged = 0
        while True:
            if env.now < t_next:
                yield env.timeout(t_next - env.now)
            listed = slot < len(events)
            code = events[slot] if listed else ATTENDED
            event = OUTCOME_KEYS[code]
            slot += 1
            r.log_session_event(i, code)
            start = yield from w.appointment(i, kind, event)
            if start is None:
                yield w.never
                return None
            if k < 3:
                session_h[k][i] = start
            outcome = rules.session_event(event, rearranged, max_r)
            if explain:
                w.session_step(k + 1, len(plan), kind, event, outcome, listed)
            if outcome.value == "attended":
                break
            if outcome.value == "rearrange":  # §6: re-arranged in writing, with a warning
                rearranged += 1
                r.rearrangements[i] += 1
                if explain:
                    w.act("reschedule_session")
                t_next = env.now + s.interval_days * H
                continue
            r.non_compliance_event[i] = EVENT[event]
            if explain:
                w.unused_events(events[slot:], "after the non-compliance")
            return False
        r.sessions_attended[i] += 1
        dir_ = rules.dir_required(kind)  # §5: a DIR after a triage assessment
        if dir_.value:
            r.dir_completed[i] = True
            w.complete_dir(i, "community")  # the worker's time (dipsim.model.workload)
            if explain:
                w.step("dir", dir_)
                w.act("complete_dir")
        gap = s.interval_days
        if kind == "education":
            gap = max(gap, s.review_min_gap_days)
        t_next = env.now + gap * H
        if kind in REVIEW_SESSIONS:  # Annex C session 3, Annex B: onward referral
            referral = rules.onward_referral(p.profile[i] or None, True, p.accepts_onward_referral[i])
            r.onward_referral[i] = referral.value
            if referral.value:
                w.onward_referral(i)  # joins the CJIT caseload (dipsim.model.workload)
            if explain:
                w.step("onward_referral", referral)
                if referral.value:
                    w.act("refer_onward")
    if explain:
        w.unused_events(events[slot:], "after the last session of the plan")
    return True


def follow_up_condition(w: World, i: int):
    """§4.6.4: contacts for the period the worker assesses, within the CPS maximum; then perhaps
    voluntary engagement, which has no bearing on compliance."""
    p, r, s = w.people, w.records, w.settings
    period = None
    if s.follow_up_max_days is not None:  # always in a simulation; a case file may not say
        period = rules.follow_up_period(s.follow_up_max_days, p.follow_up_need_days[i])
        if w.explaining:
            w.step("follow_up_period", period)
    complied = yield from w.follow_up_contacts(i, period)
    if complied is None:  # the CJIT could not deliver in this run
        return None
    outcome = rules.follow_up_outcome(complied)
    if w.explaining:
        w.step("follow_up", outcome)
    if complied and p.continues_voluntarily[i]:
        r.voluntary_continuation[i] = True
        w.voluntary_engagement(i)
    return outcome.value
