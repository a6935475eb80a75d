"""The delivery half of the one pathway: from the caution to the end (§4.6.1-4.6.6, §2.1, §5, §6, Annex C).

:func:`deliver_condition` is called by :func:`dipsim.pathway.pathway` once the caution is
administered, in the same world (see that module's docstring): the condition's sessions, any
Follow-Up Condition, the comply-by date named in the caution, the CJIT's report, the police's
closure and, after non-compliance, whether the police go on to prosecute. It returns the
terminal state; the caller records it.
"""

from __future__ import annotations

import numpy as np

from . import rules
from .pathway_record import DELIVERED_BY, DIR_AT, EVENT_CODES, TEST_RESULTS, codes
from .rules.compliance import REVIEW_SESSIONS, TRIAGE_SESSIONS
from .scenario.schema import OUTCOME_KEYS
from .time import HOURS_PER_DAY as H

__all__ = ["deliver_condition", "deliver_sessions", "follow_up_condition", "restriction_on_bail", "triage_dir",
           "warned_appointments"]

EVENT, WHERE, BY = codes(EVENT_CODES), codes(DIR_AT), codes(DELIVERED_BY)
ATTENDED = OUTCOME_KEYS.index("attended")
INTOXICATED, BEHAVIOUR = OUTCOME_KEYS.index("intoxicated"), OUTCOME_KEYS.index("unacceptable_behaviour")


def warned_appointments(events: np.ndarray, warns_intoxicated, warns_behaviour) -> np.ndarray:
    """The worker's choice at each appointment: True where he attends intoxicated or behaves unacceptably
    and the worker warns and re-arranges rather than reporting. The guidance leaves that to the worker's
    judgement and local protocol (§6, Annex C session 1). ``events``: one person's appointments, with his
    worker's two choices (bools), or rows of people's, with a choice per row (arrays)."""
    if events.ndim == 1:  # one person (the simulation, as he reaches his sessions): two comparisons at most
        warned = events == INTOXICATED if warns_intoxicated else np.zeros(events.shape, bool)
        if warns_behaviour:
            warned |= events == BEHAVIOUR
        return warned
    return ((events == INTOXICATED) & np.asarray(warns_intoxicated, bool)[:, None]) | \
        ((events == BEHAVIOUR) & np.asarray(warns_behaviour, bool)[:, None])


def deliver_condition(w, i: int, condition: str):
    """Sessions, follow-up, the comply-by date, the report and what follows. Returns the terminal
    state, or None if the CJIT could not deliver in this run."""
    env, p, r = w.env, w.people, w.records
    explain = w.explaining
    # §4.6.6 Step 1: this area's CJIT, or an out-of-area resident's home CJIT, delivers and reports.
    by = rules.delivering_cjit(bool(p.resident[i]), "condition")
    r.delivered_by[i] = BY[by.value]
    if explain and by.value == "home_cjit":  # (this area's own CJIT goes without saying)
        w.step("delivering_cjit", by)
    # §4.6.1-4.6.3, §6, §5, Annex C: the sessions; then §4.6.4: any Follow-Up Condition.
    complied, own_delay_h = yield from deliver_sessions(w, i, condition)
    if rules.has_follow_up(condition):
        if complied:
            complied = yield from follow_up_condition(w, i)
    elif explain:
        w.no_follow_up(condition)
    if complied is None:  # the CJIT could not deliver in this run
        return None
    # §4.6.6 Steps 3 and 5: the date by which to comply, named in the caution.
    if complied:
        by = comply_by(w, i, condition, own_delay_h)
        if by is not None:
            r.completed_in_time[i] = by.value == "complied"
            if by.value == "not_delivered_in_time":  # reported separately: not his non-compliance
                yield env.timeout(p.report_h[i])
                r.report_h[i] = env.now
                return "not_delivered_in_time"
            if by.value == "non_compliance":
                complied = False
                r.non_compliance_event[i] = EVENT["not_completed_in_time"]
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
    if closure.value == "case_closed":
        return "complied_case_closed"
    # §2.1: he "may be prosecuted": the police's (and CPS's) decision, when it is known.
    prosecute = p.police_prosecute[i]
    if prosecute is not None:
        prosecution = rules.prosecution_after_non_compliance(bool(prosecute))
        r.prosecuted[i] = prosecution.value == "prosecuted"
        if explain:
            w.step("prosecution", prosecution)
    if prosecute is not False:  # a charge may follow: Restriction on Bail (§2.2)
        restriction_on_bail(w, i)
    return "non_compliance_reported"


def triage_dir(w, i: int, kind: str) -> bool:
    """§5: "A DIR should be completed on every individual who has a triage assessment": after the initial,
    voluntary or follow-up assessment, or a condition's triage session, unless one is already completed, in
    this episode or (``people.dir_already_completed``) from an earlier contact. Returns whether a DIR was
    completed now (the caller books the worker's time for it)."""
    p, r = w.people, w.records
    earlier = bool(p.dir_already_completed[i])
    # (kind, already_completed), by position: a keyword costs the rule's cache a dict and a longer key per call
    dir_ = rules.dir_required(kind, earlier or r.dir_completed[i] == 1)
    if dir_.value:
        r.dir_completed[i] = True
        r.dir_completed_at[i] = WHERE[kind if kind in DIR_AT else "condition_session"]
        # the worker's time (dipsim.model.workload): a custody assessment's DIR on the custody rota, the rest
        # (follow-up assessment, a condition's triage session) on the community rota
        w.complete_dir(i, "custody" if kind in ("initial_assessment", "voluntary_assessment") else "community")
    elif earlier:
        r.dir_completed_at[i] = WHERE["earlier_contact"]
    if w.explaining:
        w.step("dir", dir_)
        if dir_.value:
            w.act("complete_dir")
    return dir_.value


def restriction_on_bail(w, i: int) -> None:
    """§2.2: Restriction on Bail, on a route that can lead to a charge (he declined the caution, the CPS
    refused it, or he did not comply and may be prosecuted), decided from where he lives
    (``people.resides_in_england``), not from the area's country alone."""
    p, r = w.people, w.records
    rob = rules.restriction_on_bail(w.settings.country, bool(p.resides_in_england[i]), TEST_RESULTS[r.test_result[i]])
    r.restriction_on_bail[i] = rob.value
    if w.explaining:
        w.step("restriction_on_bail", rob)
        if rob.value:
            w.act("restriction_on_bail_may_apply")


def comply_by(w, i: int, condition: str, own_delay_h: float) -> rules.Decision | None:
    """§4.6.6 Steps 3 and 5: was the condition completed by the date the caution named
    (``sessions.comply_by_days`` after the caution, plus the CPS's follow-up maximum with a
    Follow-Up Condition)? Late through his own re-arranged appointments: non-compliance; late
    otherwise: the CJIT could not deliver in time. None if the case does not say."""
    s, r = w.settings, w.records
    days = s.comply_by_days
    if days is not None and rules.has_follow_up(condition) and s.follow_up_max_days is not None:
        days += s.follow_up_max_days
    deadline_h = None if days is None else r.caution_h[i] + days * H
    when = w.late(i, deadline_h, own_delay_h)  # in_time | offender | cjit | None: not stated
    if when is None:
        return None
    cause = None if when == "in_time" else when
    by = rules.comply_by_outcome(cause is None, cause)
    if w.explaining:
        named = "the caution names a date by which to comply" + ("" if days is None else f", {days:g} days after it")
        w.step("comply_by", by, f"{named} (§4.6.6 Step 3): {by.detail}")
    return by


def deliver_sessions(w, i: int, condition: str):
    """§4.6.1-4.6.3, §5, §6, Annex C: the condition's sessions in order. Returns (True if he
    attended them all, False on non-compliance, None if the CJIT could not deliver in this run;
    the hours his re-arranged appointments added)."""
    env, p, r, s = w.env, w.people, w.records, w.settings
    explain = w.explaining
    plan = rules.sessions(condition)
    max_r = s.max_rearrangements
    events = p.session_events[i].tolist()
    warned = p.session_warned[i].tolist()  # §6: the worker's choice, per appointment
    session_h = (r.session1_h, r.session2_h, r.session3_h)
    slot = 0
    own_delay_h = 0.0
    t_next = env.now + s.lead_days * H
    for k, kind in enumerate(plan):
        if explain and k == 2:
            w.review_gap()  # Annex C session 3: a recommended gap after session 2
        group = False
        if k == 1 and s.group_conditions is not None:  # §4.6.2, §4.6.3: session 2 may be a group
            grp = rules.group_session(condition, 2, condition.removesuffix("_follow_up") in s.group_conditions)
            group = grp.value
            if explain:
                w.step("group_session", grp)
        rearranged = 0
        while True:
            if env.now < t_next:
                yield env.timeout(t_next - env.now)
            listed = slot < len(events)
            code = events[slot] if listed else ATTENDED
            event = OUTCOME_KEYS[code]
            slot += 1
            r.log_session_event(i, code)
            start = yield from w.appointment(i, kind, event, group)
            if start is None:
                yield w.never
                return None, own_delay_h
            outcome = rules.session_event(event, rearranged, max_r, listed and warned[slot - 1])
            if k < 3 and outcome.value == "attended":  # the time the session was held (not a missed one)
                session_h[k][i] = start
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
                own_delay_h += s.interval_days * H
                continue
            r.non_compliance_event[i] = EVENT[event]
            if explain:
                w.unused_events(events[slot:], "after the non-compliance")
            return False, own_delay_h
        r.sessions_attended[i] += 1
        if kind in TRIAGE_SESSIONS:  # §5: a DIR after a triage assessment, not a second one
            triage_dir(w, i, kind)
        gap = s.interval_days
        if kind == "education":
            gap = max(gap, s.review_min_gap_days)
        t_next = env.now + gap * H
        if kind in REVIEW_SESSIONS:  # Annex C session 3, Annex B: onward referral
            referral = rules.onward_referral(p.profile[i] or None, True, p.accepts_onward_referral[i],
                                             p.onward_referral_indicated[i])
            r.onward_referral[i] = referral.value
            if referral.value:
                w.onward_referral(i)  # joins the CJIT caseload (dipsim.model.workload)
            if explain:
                w.step("onward_referral", referral)
                if referral.value:
                    w.act("refer_onward")
    if explain:
        w.unused_events(events[slot:], "after the last session of the plan")
    return True, own_delay_h


def follow_up_condition(w, i: int):
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
