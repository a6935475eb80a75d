"""One person's pathway, step by step as the Annex A process map draws it.

Every decision is taken by a rule in :mod:`dipsim.rules`; this module only
supplies time (custody, queues, appointments) and the person's pre-drawn
chances. Codes written to :class:`~dipsim.model.records.Records` are the
records' category indices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import rules
from ..rules.menu import SESSION_PLANS
from ..rules.offences import OFFENCE_NAMES
from ..scenario.schema import OUTCOME_KEYS
from .records import (CONDITION_CODES, DISPOSALS, EVENT_CODES, FA_OUTCOMES, IA_OUTCOMES, ROUTES, STOP_REASONS,
                      TERMINAL_STATES, TEST_RESULTS, VA_OUTCOMES)

if TYPE_CHECKING:  # pragma: no cover
    from .core import Model

H = 24.0
T = {name: k for k, name in enumerate(TERMINAL_STATES)}
D = {name: k for k, name in enumerate(DISPOSALS)}
ATTENDED = OUTCOME_KEYS.index("attended")
# Category codes by name, looked up once here rather than by tuple.index per person.
ROUTE = {name: k for k, name in enumerate(ROUTES)}
TEST = {name: k for k, name in enumerate(TEST_RESULTS)}
IA = {name: k for k, name in enumerate(IA_OUTCOMES)}
VA = {name: k for k, name in enumerate(VA_OUTCOMES)}
FA = {name: k for k, name in enumerate(FA_OUTCOMES)}
STOP = {name: k for k, name in enumerate(STOP_REASONS)}
CONDITION = {name: k for k, name in enumerate(CONDITION_CODES)}
EVENT = {name: k for k, name in enumerate(EVENT_CODES)}
HOURS_KEY = {kind: f"{kind}_h" for plan in SESSION_PLANS.values() for kind in plan}
"""The duration draw of each kind of session."""


def arrest(m: "Model", i: int):
    """From arrest to the end of the pathway (Annex A, top to bottom)."""
    env, c, r, sc = m.env, m.people, m.records, m.scenario
    t0 = env.now
    offence = OFFENCE_NAMES[c.offence[i]]
    age = c.age[i]  # the Columns lists hold Python ints and bools already
    statutory = rules.statutory_preconditions(age, c.admits[i], c.evidence[i])
    if age < 18:
        return finish(m, i, "not_eligible", "not_eligible")

    if tested_on_arrest(m, i, offence, age):
        test_result = yield from test_result_on_arrest(m, i)
    else:
        test_result = "not_tested"
    r.release_h[i] = t0 + max(c.draws["custody_h"][i], env.now - t0)
    route = rules.assessment_route(sc.area.intensive, test_result, c.known_misuser[i]).value
    r.route[i] = ROUTE[route]

    ia = None
    if route == "required_assessment":
        ia = yield from initial_required_assessment(m, i)
    if not statutory.value:
        return finish(m, i, "not_eligible", "not_eligible")
    if route == "exit":
        return finish(m, i, "exit_no_drug_indication", "exit_no_drug_indication")

    consents = c.u["consent"][i] < sc.decisions.consent_to_share
    if route == "voluntary_assessment":
        willing = c.u["willing_voluntary"][i] < sc.assessment.willing_voluntary
        consents = consents and willing
        if willing:
            yield from voluntary_assessment(m, i)
        else:
            r.va_outcome[i] = VA["unwilling"]
    r.consent[i] = consents

    considered = rules.police_consideration(
        consents_to_share=bool(consents), test_result=test_result, offence_name=offence,
        previous_convictions=int(c.previous_convictions[i]), recent_similar_offending=bool(c.recent_similar[i]),
        max_previous_convictions=sc.decisions.max_previous_convictions,
        accepts_responsibility=bool(c.accepts_responsibility[i]), resident_in_area=bool(c.resident[i]),
        home_cjit_can_deliver=bool(c.home_cjit_can_deliver[i]))
    if not considered.referred:
        r.stop_reason[i] = STOP[_stop_reason(considered.steps[-1])]
        return finish(m, i, "alternative_disposal", "alternative_disposal")

    decision = yield from cps_decision(m, i, considered.recommendation)
    if not decision.value:
        r.stop_reason[i] = STOP["cps_not_authorised"]
        return finish(m, i, "alternative_disposal", "alternative_disposal")

    profile = int(r.assessed_profile[i])
    condition = rules.choose_condition(sc.decisions.menu_policy, profile if profile > 0 else None,
                                       ia == "failed", int(c.previous_convictions[i])).value
    r.condition[i] = CONDITION[condition]

    accepts = c.u["accepts_caution"][i] < sc.decisions.accepts_caution
    r.accepted[i] = accepts
    if not rules.offer_response(bool(accepts)).value:
        rob = rules.restriction_on_bail(sc.area.country, sc.area.country == "england", test_result)
        r.restriction_on_bail[i] = rob.value
        return finish(m, i, "declined_prosecution", "declined_prosecution")

    administer_caution(m, i)
    complied = yield from deliver_condition(m, i, condition)
    if complied is None:
        return
    yield env.timeout(c.draws["report_h"][i])
    report = rules.cjit_report(complied)
    r.report_h[i] = env.now
    closure = rules.police_closure(report.value == "complied")
    finish(m, i, "complied_case_closed" if closure.value == "case_closed" else "non_compliance_prosecution",
           "dip_conditional_caution")


def _stop_reason(step: rules.Decision) -> str:
    if step.rule == "Annex A note 1":
        return "consent_refused"
    if step.rule == "§4.1":
        return "denies_responsibility"
    return "out_of_area"


def finish(m: "Model", i: int, terminal: str, disposal: str) -> None:
    r = m.records
    r.terminal_state[i] = T[terminal]
    r.disposal[i] = D[disposal]
    r.end_h[i] = m.env.now


def tested_on_arrest(m: "Model", i: int, offence: str, age: int) -> bool:
    """§2.2: trigger offences are tested in intensive areas; others if an Inspector authorises."""
    authorised = m.people.u["inspector"][i] < m.scenario.testing.inspector_authorised_share
    return rules.test_on_arrest(m.scenario.area.intensive, age, offence, authorised).value


def test_result_on_arrest(m: "Model", i: int):
    """The test's result, some time after arrest: refused, positive (for which drugs) or negative."""
    c, r, sc = m.people, m.records, m.scenario
    yield m.env.timeout(c.draws["test_h"][i])
    r.test_h[i] = m.env.now
    if c.u["refusal"][i] < sc.testing.refusal_share:
        result = "refused"
    elif c.u["positive"][i] < sc.testing.positive_given_profile[c.profile[i]]:
        result = "positive"
        r.positive_for[i] = m.positive_for_code(c.u["positive_for"][i])
    else:
        result = "negative"
    r.test_result[i] = TEST[result]
    return result


def custody_worker_time(m: "Model", i: int, hours: float, activity: str, priority: int):
    """A CJIT worker's time in custody before release; out of cover hours the local
    arrangement applies (§4.6.6 Step 1). Returns the start time, or None if none came."""
    env, r, ooh = m.env, m.records, m.scenario.cjit.out_of_hours
    deadline = r.release_h.item(i)
    if m.custody.on_duty(env.now) or ooh.arrangement == "next_shift":
        start = yield m.custody.request(hours, activity, priority, deadline)
        return start
    if ooh.arrangement == "callout":
        travel = m.people.draws["callout_h"][i]
        start = yield m.callout.request(travel + hours, "callout_assessment", priority, deadline - travel)
        return None if start is None else start + travel
    return None


def initial_required_assessment(m: "Model", i: int):
    """§2.2, Annex A: a CJIT worker assesses the person in custody; he attends and remains, or fails."""
    c, r, sc = m.people, m.records, m.scenario
    r.ia_request_h[i] = m.env.now
    attends = c.u["attends_ia"][i] < sc.assessment.attends_and_remains
    hours = c.draws["ia_h"][i] if attends else c.draws["no_show_h"][i]
    start = yield from custody_worker_time(m, i, hours, "initial_assessment", 0)
    if start is None:
        outcome = rules.initial_assessment(None)
        r.ia_outcome[i] = IA["missed_no_worker"]
        return outcome.value
    r.ia_start_h[i] = start
    outcome = rules.initial_assessment(attends)
    r.ia_outcome[i] = IA[outcome.value]
    if outcome.value == "failed":
        r.ra_non_compliance_reported[i] = True
        return "failed"
    r.assessed_profile[i] = c.profile[i]
    if c.u["follow_up_needed"][i] < sc.assessment.follow_up_needed[c.profile[i]]:
        r.fa_outcome[i] = FA["arranged"]
        r.fa_due_h[i] = start + c.draws["fa_delay_h"][i]
        m.spawn(follow_up_required_assessment(m, i))
    return "attended"


def follow_up_required_assessment(m: "Model", i: int):
    """§2.2: 4-8 days later in the DAT of residence, unless cancelled (Annex A note 3)."""
    env, c, r = m.env, m.people, m.records
    yield env.timeout(max(0.0, r.fa_due_h.item(i) - env.now))
    if r.fa_outcome[i] == FA["cancelled"]:
        return
    attends = c.u["follow_up_attends"][i] < m.scenario.assessment.follow_up_attends
    hours = c.draws["fa_h"][i] if attends else c.draws["no_show_h"][i]
    start = yield m.community.request(hours, "follow_up_assessment" if attends else "missed_appointment", 1)
    if start is None:
        return
    r.fa_start_h[i] = start
    r.fa_outcome[i] = FA["held" if attends else "not_attended"]


def voluntary_assessment(m: "Model", i: int):
    """§4.6.6 Step 1: a voluntary assessment with a CJIT worker; if none can be held before
    release the police draw on their knowledge (Annex A note 2)."""
    c, r = m.people, m.records
    start = yield from custody_worker_time(m, i, c.draws["ia_h"][i], "voluntary_assessment", 1)
    if start is None:
        r.va_outcome[i] = VA["missed_no_worker"]
        return
    r.va_start_h[i] = start
    r.va_outcome[i] = VA["held"]
    r.assessed_profile[i] = c.profile[i]


def cps_decision(m: "Model", i: int, recommendation: rules.Decision):
    """§4.6.6 Step 2: the police refer; the CPS decides after a delay. A decision after release
    from custody means police bail (§3.1)."""
    env, c, r, sc = m.env, m.people, m.records, m.scenario
    r.referral_h[i] = env.now
    r.police_recommended[i] = bool(recommendation.value)
    delay = c.draws["cps_h"][i]
    r.police_bail[i] = env.now + delay > r.release_h[i]
    yield env.timeout(delay)
    r.cps_h[i] = env.now
    p = sc.decisions.cps_authorises_if_recommended if recommendation.value else sc.decisions.cps_authorises_if_not_recommended
    decision = rules.cps_decision(recommendation, bool(c.u["cps"][i] < p))
    r.cps_authorised[i] = decision.value
    return decision


def administer_caution(m: "Model", i: int) -> None:
    """§4.6.6 Step 3 and Annex A note 3: deliver the caution; cancel a pending follow-up assessment."""
    r = m.records
    r.caution_h[i] = m.env.now
    pending = r.fa_outcome[i] == FA["arranged"]
    if pending and rules.follow_up_assessment(True, True, bool(r.police_bail[i] == 1)).value == "cancel":
        r.fa_outcome[i] = FA["cancelled"]


def deliver_condition(m: "Model", i: int, condition: str):
    """§4.6.1-4.6.4, Annex C: the sessions in order, then any follow-up. Returns True if he
    complied, False on non-compliance, None if the CJIT could not deliver in this run."""
    env, c, r, sc = m.env, m.people, m.records, m.scenario
    plan = rules.sessions(condition)
    max_r = sc.compliance.max_rearrangements
    events = c.session_events[i].tolist()
    session_h = (r.session1_h, r.session2_h, r.session3_h)
    slot = 0
    t_next = env.now + sc.sessions.lead_days * H
    for k, kind in enumerate(plan):
        rearranged = 0
        while True:
            if env.now < t_next:
                yield env.timeout(t_next - env.now)
            code = events[slot] if slot < len(events) else ATTENDED
            event = OUTCOME_KEYS[code]
            slot += 1
            r.log_session_event(i, code)
            start = yield from appointment(m, i, kind, event)
            if start is None:
                yield m.never
                return None
            if k < 3:
                session_h[k][i] = start
            outcome = rules.session_event(event, rearranged, max_r).value
            if outcome == "attended":
                break
            if outcome == "rearrange":
                rearranged += 1
                r.rearrangements[i] += 1
                t_next = env.now + sc.sessions.interval_days * H
                continue
            r.non_compliance_event[i] = EVENT[event]
            return False
        r.sessions_attended[i] += 1
        if rules.dir_required(kind).value:
            r.dir_completed[i] = True
        gap = sc.sessions.interval_days
        if kind == "education":
            gap = max(gap, sc.sessions.review_min_gap_days)
        t_next = env.now + gap * H
        if kind in ("review", "single_session"):
            accepts = c.u["onward_referral"][i] < sc.decisions.accepts_onward_referral
            profile = int(c.profile[i])
            r.onward_referral[i] = rules.onward_referral(profile or None, True, bool(accepts)).value
    if not rules.has_follow_up(condition):
        return True
    complied = yield from follow_up_condition(m, i)
    return complied


def appointment(m: "Model", i: int, kind: str, event: str):
    """One appointment: 1:1 with a community CJIT worker, or group education (Annex C session 2)."""
    c = m.people
    attended = event == "attended"
    if kind == "education" and m.scenario.sessions.group.enabled:
        ticket = m.groups.join(i)
        mode, start = yield ticket
        if mode == "group":
            m.records.session2_group[i] = True
            return start
    hours = c.draws[HOURS_KEY[kind]][i] if attended else c.draws["no_show_h"][i]
    start = yield m.community.request(hours, kind if attended else "missed_appointment", 1)
    return start


def follow_up_condition(m: "Model", i: int):
    """§4.6.4: contacts for the period the worker assesses, within the CPS maximum; then perhaps
    voluntary engagement (§4.6.4), which has no bearing on compliance."""
    env, c, r, sc = m.env, m.people, m.records, m.scenario
    fu = sc.follow_up
    period = rules.follow_up_period(fu.cps_max_days, c.draws["need_h"][i] / H).value
    end = env.now + period * H
    events = c.contact_events[i].tolist()
    slot, rearranged = 0, 0
    t_next = env.now + fu.contact_interval_days * H
    while t_next <= end:
        yield env.timeout(t_next - env.now)
        event = OUTCOME_KEYS[events[slot]] if slot < len(events) else "attended"
        slot += 1
        attended = event == "attended"
        hours = c.draws["contact_h"][i] if attended else c.draws["no_show_h"][i]
        start = yield m.community.request(hours, "follow_up_contact" if attended else "missed_appointment", 2)
        if start is None:
            yield m.never
            return None
        outcome = rules.session_event(event, rearranged, sc.compliance.max_rearrangements).value
        if outcome == "non_compliance":
            r.non_compliance_event[i] = EVENT[event]
            r.follow_up_end_h[i] = env.now
            return rules.follow_up_outcome(False).value
        if outcome == "attended":
            r.follow_up_contacts[i] += 1
            rearranged = 0
        else:
            rearranged += 1
            r.rearrangements[i] += 1
        t_next = env.now + fu.contact_interval_days * H
    if env.now < end:
        yield env.timeout(end - env.now)
    r.follow_up_end_h[i] = env.now
    if c.u["voluntary_continuation"][i] < fu.voluntary_continuation:
        r.voluntary_continuation[i] = True
        m.spawn(voluntary_engagement(m, i))
    return rules.follow_up_outcome(True).value


def voluntary_engagement(m: "Model", i: int):
    """§4.6.4: continued voluntary engagement with the CJIT after the required period."""
    env, c, fu = m.env, m.people, m.scenario.follow_up
    end = env.now + c.draws["voluntary_h"][i]
    step = fu.contact_interval_days * H
    while env.now + step <= end:
        yield env.timeout(step)
        start = yield m.community.request(c.draws["contact_h"][i], "voluntary_contact", 3)
        if start is None:
            return
