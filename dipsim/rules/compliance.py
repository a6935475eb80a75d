"""Sessions, compliance, the DIR, onward referral, the report and closure
(§4.6.4-4.6.6, §5, §6, Annex C)."""

from __future__ import annotations

from .base import Decision, memo

SESSION_EVENTS = ("attended", "missed_with_notice", "missed_without_notice", "left_early",
                  "intoxicated", "unacceptable_behaviour")
NON_COMPLIANT_EVENTS = ("missed_without_notice", "left_early", "intoxicated", "unacceptable_behaviour")

_NON_COMPLIANCE_DETAIL = {
    "missed_without_notice": "failed to attend without prior notification of any difficulty",
    "left_early": "left before the worker could deliver the session's constituent parts",
    "intoxicated": "attended intoxicated by drugs or alcohol (Annex C session 1)",
    "unacceptable_behaviour": "behaviour placing workers or others at risk of harm or distress",
}

TRIAGE_SESSIONS = ("single_session", "assessment_education", "triage")
REVIEW_SESSIONS = ("single_session", "review")


@memo
def session_event(event: str, rearrangements_so_far: int, max_rearrangements: int) -> Decision:
    """§6: attended → complies; a missed appointment with prior contact may be re-arranged at
    the worker's discretion (confirmed in writing, with a warning), a bounded number of times;
    any other failure is non-compliance."""
    if event == "attended":
        return Decision("attended", "§6", "attended and participated appropriately")
    if event == "missed_with_notice":
        if rearrangements_so_far < max_rearrangements:
            return Decision("rearrange", "§6",
                            "missed with prior contact: the worker re-arranges the appointment, confirmed "
                            "in writing with a warning of the consequences")
        return Decision("non_compliance", "§6",
                        f"missed again after {rearrangements_so_far} re-arranged appointment(s) and a written warning")
    if event in NON_COMPLIANT_EVENTS:
        return Decision("non_compliance", "§6", _NON_COMPLIANCE_DETAIL[event])
    raise ValueError(f"unknown session event {event!r}; allowed: {', '.join(SESSION_EVENTS)}")


@memo
def dir_required(session_kind: str) -> Decision:
    """§5: a DIR is completed on every individual who has a triage assessment."""
    if session_kind in TRIAGE_SESSIONS:
        return Decision(True, "§5", "triage assessment held: the worker completes a DIR (4.5: prompted by a Conditional Caution)")
    return Decision(False, "§5", "no triage in this session")


def review_gap_ok(days_since_education: float, min_gap_days: float) -> Decision:
    """Annex C session 3: a minimum gap of three days between session 2 and session 3."""
    ok = days_since_education >= min_gap_days
    return Decision(ok, "Annex C session 3",
                    f"{days_since_education:.1f} days since session 2 (minimum {min_gap_days:g})")


def follow_up_period(cps_max_days: float, assessed_need_days: float) -> Decision:
    """§4.6.4: the CPS sets the maximum period; the actual period follows the worker's assessment."""
    days = min(cps_max_days, max(0.0, assessed_need_days))
    return Decision(days, "§4.6.4",
                    f"follow-up for {days:.0f} days: the worker's assessment, within the CPS maximum of {cps_max_days:.0f} days")


@memo
def follow_up_outcome(complied: bool) -> Decision:
    """§4.6.4, §6: participation in the agreed follow-up for the specified period."""
    if complied:
        return Decision(True, "§4.6.4", "participated in the agreed follow-up for the period set")
    return Decision(False, "§6", "did not participate in the agreed follow-up")


@memo
def onward_referral(profile: int | None, review_held: bool, accepts: bool | None) -> Decision:
    """Annex C session 3, Annex B: after the review the worker agrees a care plan, takes the
    offender onto the CJIT caseload and/or refers onward, with the offender's agreement.

    Annex B: profile 1 least likely to need referral; profiles 2-3 some; profile 4 highly likely.
    ``accepts`` ``None`` means the offender agrees where referral is indicated.
    """
    if not review_held:
        return Decision(False, "Annex C session 3", "no review held")
    if profile is None or profile == 1:
        return Decision(False, "Annex B profile 1" if profile == 1 else "Annex C session 3",
                        "no further intervention indicated")
    if accepts is False:
        return Decision(False, "Annex C session 3", "further intervention indicated but the offender does not agree")
    where = "onto the CJIT caseload with a care plan" if profile == 4 else "to further intervention"
    return Decision(True, f"Annex B profile {profile}", f"review indicates further need: referred {where}")


@memo
def cjit_report(complied: bool) -> Decision:
    """§4.6.6 Step 5: the CJIT confirms to the police in writing whether he attended and
    participated in all sessions within the agreed time."""
    if complied:
        return Decision("complied", "§4.6.6 Step 5", "the CJIT informs police/CPS in writing of compliance")
    return Decision("non_compliance_reported", "§4.6.6 Step 5", "the CJIT informs police/CPS in writing of non-compliance")


@memo
def police_closure(complied: bool) -> Decision:
    """§4.6.6 Step 6, §2.1: close the case, or initiate a response to non-compliance
    (prosecution for the original offence may follow)."""
    if complied:
        return Decision("case_closed", "§4.6.6 Step 6", "the police inform the offender he has complied and close the case")
    return Decision("prosecution_considered", "§4.6.6 Step 6",
                    "the police initiate a response to failure to comply: prosecution for the original offence")
