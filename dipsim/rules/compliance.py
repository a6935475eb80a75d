"""Sessions, compliance, the DIR, onward referral, the comply-by date, the report, closure and what
follows non-compliance (§2.1, §4.6.4-4.6.6, §5, §6, Annex B, Annex C)."""

from __future__ import annotations

from .base import Decision, memo

SESSION_EVENTS = ("attended", "missed_with_notice", "missed_without_notice", "left_early",
                  "intoxicated", "unacceptable_behaviour")
NON_COMPLIANT_EVENTS = ("missed_without_notice", "left_early", "intoxicated", "unacceptable_behaviour")

_NON_COMPLIANCE_DETAIL = {
    "missed_without_notice": "failed to attend without prior notification of any difficulty",
    "left_early": "left before the worker could deliver the session's constituent parts",
}

WORKER_JUDGEMENT_EVENTS = ("intoxicated", "unacceptable_behaviour")
"""Events the guidance leaves to the worker's judgement and local protocol: warn and re-arrange, or report (§6)."""

_JUDGEMENT = {
    "intoxicated": ("Annex C session 1",
                    "attended intoxicated by drugs or alcohol, which 'may constitute a breach' (Annex C session 1)"),
    "unacceptable_behaviour": ("§6", "behaviour placing workers or others at risk of harm or distress"),
}

TRIAGE_SESSIONS = ("single_session", "assessment_education", "triage")
REVIEW_SESSIONS = ("single_session", "review")
CUSTODY_ASSESSMENTS = ("initial_assessment", "voluntary_assessment", "follow_up_assessment")
"""Required (initial, follow-up) and voluntary assessments: triage assessments outside the condition (§5)."""
SESSION_KINDS = ("single_session", "assessment_education", "triage", "education", "review")


def _rearranged(so_far: int, bound: int) -> str:
    if bound == 0:
        return "this area allows no re-arranged appointment"
    plural = "" if so_far == 1 else "s"
    return f"after {so_far} re-arranged appointment{plural} (this area allows {bound})"


@memo
def session_event(event: str, rearrangements_so_far: int, max_rearrangements: int,
                  worker_warns: bool = False) -> Decision:
    """§6, Annex C: attended → complies. A missed appointment with prior contact may be re-arranged at
    the worker's discretion (confirmed in writing, with a warning), a bounded number of times. Attending
    intoxicated or behaving unacceptably "may constitute a breach": the worker either warns and
    re-arranges ("following reasonable warnings", bounded like re-arrangements), if ``worker_warns``, or
    reports non-compliance; the guidance leaves that to the worker's judgement and local protocol.
    Failing to attend without notice, or leaving early, is non-compliance."""
    if event == "attended":
        return Decision("attended", "§6", "attended and participated appropriately")
    if event == "missed_with_notice":
        if rearrangements_so_far < max_rearrangements:
            return Decision("rearrange", "§6",
                            "missed with prior contact: the worker re-arranges the appointment, confirmed "
                            "in writing with a warning of the consequences")
        if max_rearrangements == 0:
            return Decision("non_compliance", "§6",
                            "missed with prior contact, but this area allows no re-arranged appointment: non-compliance")
        return Decision("non_compliance", "§6",
                        f"missed again {_rearranged(rearrangements_so_far, max_rearrangements)} and a written warning")
    if event in WORKER_JUDGEMENT_EVENTS:
        rule, what = _JUDGEMENT[event]
        if not worker_warns:
            return Decision("non_compliance", rule,
                            f"{what}: the worker reports non-compliance to the police and CPS (§6). The guidance "
                            "leaves warning first or reporting to the worker's judgement and local protocol")
        if rearrangements_so_far < max_rearrangements:
            return Decision("rearrange", rule,
                            f"{what}: the worker warns him that this is unacceptable and re-arranges the appointment, "
                            "confirmed in writing with a warning (§6: 'following reasonable warnings'; the guidance "
                            "leaves this to the worker's judgement and local protocol)")
        return Decision("non_compliance", rule,
                        f"{what}, {_rearranged(rearrangements_so_far, max_rearrangements)}: following reasonable "
                        "warnings, the worker reports non-compliance to the police and CPS (§6)")
    if event in _NON_COMPLIANCE_DETAIL:
        return Decision("non_compliance", "§6", _NON_COMPLIANCE_DETAIL[event])
    raise ValueError(f"unknown session event {event!r}; allowed: {', '.join(SESSION_EVENTS)}")


@memo
def dir_required(session_kind: str, already_completed: bool = False) -> Decision:
    """§5: "A DIR should be completed on every individual who has a triage assessment": the triage
    session of a condition, and the initial, follow-up or voluntary assessment in custody or the
    community. Not a second one: the DIR is there to "minimise duplication of assessments", so one
    already completed (``already_completed``) is updated, not duplicated."""
    if session_kind not in TRIAGE_SESSIONS + CUSTODY_ASSESSMENTS + SESSION_KINDS:
        raise ValueError(f"unknown session or assessment {session_kind!r}; allowed: "
                         f"{', '.join(dict.fromkeys(SESSION_KINDS + CUSTODY_ASSESSMENTS))}")
    if session_kind not in TRIAGE_SESSIONS + CUSTODY_ASSESSMENTS:
        return Decision(False, "§5", "no triage in this session")
    if already_completed:
        return Decision(False, "§5",
                        "a DIR is already completed for him: the worker adds to it rather than completing another "
                        "(§5: minimise duplication of assessments)")
    if session_kind in CUSTODY_ASSESSMENTS:
        what = session_kind.replace("_", " ")
        return Decision(True, "§5", f"triage assessment held ({what}): the worker completes a DIR")
    return Decision(True, "§5", "triage assessment held: the worker completes a DIR (4.5: prompted by a Conditional Caution)")


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


_REFERRAL_NEED = {
    1: "least likely to require referral: 'some onward referral may be appropriate, but local resources must be "
       "targeted where the need is greatest'",
    2: "it is probable that some will benefit from further intervention",
    3: "some will benefit from further intervention",
    4: "highly likely to need further intervention",
}


@memo
def onward_referral(profile: int | None, review_held: bool, accepts: bool | None,
                    indicated: bool | None = None) -> Decision:
    """Annex C session 3, Annex B: after the review the worker agrees a care plan, takes the
    offender onto the CJIT caseload and/or refers onward, with the offender's agreement.

    ``indicated``: the worker's judgement at the review that further intervention is needed. ``None``
    takes Annex B's likely course: not for profile 1 (least likely) or an unknown profile, yes for 2-4.
    For profile 1 Annex B says "some onward referral may be appropriate", so ``indicated=True`` refers.
    ``accepts`` ``None`` means the offender agrees where referral is indicated.
    """
    if not review_held:
        return Decision(False, "Annex C session 3", "no review held")
    rule = "Annex C session 3" if profile is None else f"Annex B profile {profile}"
    why = "" if profile is None else f" (Annex B: {_REFERRAL_NEED[profile]})"
    need = (profile in (2, 3, 4)) if indicated is None else indicated
    if not need:
        return Decision(False, rule, "the review indicates no further intervention" + why)
    if accepts is False:
        return Decision(False, "Annex C session 3", "further intervention indicated but the offender does not agree")
    where = "onto the CJIT caseload with a care plan" if profile == 4 else "to further intervention"
    judged = " (the worker's judgement)" if profile == 1 or indicated is not None else ""
    return Decision(True, rule, f"review indicates further need{judged}: referred {where}{why}")


@memo
def cjit_report(complied: bool) -> Decision:
    """§4.6.6 Step 5: the CJIT confirms to the police in writing whether he attended and
    participated in all sessions within the agreed time."""
    if complied:
        return Decision("complied", "§4.6.6 Step 5", "the CJIT informs police/CPS in writing of compliance")
    return Decision("non_compliance_reported", "§4.6.6 Step 5", "the CJIT informs police/CPS in writing of non-compliance")


@memo
def police_closure(complied: bool) -> Decision:
    """§4.6.6 Step 6: the police either inform the offender he has complied and close the case, or
    "initiate a response for failure to comply". The response is not itself a prosecution: §2.1 says
    he "may be prosecuted" (see :func:`prosecution_after_non_compliance`)."""
    if complied:
        return Decision("case_closed", "§4.6.6 Step 6", "the police inform the offender he has complied and close the case")
    return Decision("prosecution_considered", "§4.6.6 Step 6",
                    "non-compliance reported: the police initiate a response for failure to comply; prosecution for "
                    "the original offence may follow (§2.1)")


PROSECUTION_OUTCOMES = ("prosecuted", "not_prosecuted")


@memo
def prosecution_after_non_compliance(police_prosecute: bool) -> Decision:
    """§2.1: an offender who "subsequently fails to comply (without reasonable excuse) ... may be
    prosecuted for the original offence and the caution will cease to have effect". Whether he is
    is the police's (and CPS's) decision: ``police_prosecute``, a scenario draw or a case event."""
    if police_prosecute:
        return Decision("prosecuted", "§2.1",
                        "prosecuted for the original offence; the caution ceases to have effect, and at sentencing "
                        "the court takes into account that he accepted the caution and failed to comply")
    return Decision("not_prosecuted", "§2.1",
                    "the police's response stops short of prosecution: the guidance says he 'may' be prosecuted "
                    "and leaves the decision to the police and CPS (e.g. where there was a reasonable excuse)")


COMPLY_BY_OUTCOMES = ("complied", "non_compliance", "not_delivered_in_time")
SHORTFALL_CAUSES = ("offender", "cjit")


@memo
def comply_by_outcome(completed_in_time: bool, cause: str | None = None) -> Decision:
    """§4.6.6 Steps 3 and 5: the caution names a date by which he must comply; the CJIT confirms
    "whether or not the offender attended and participated in all sessions within the agreed time
    period". Not completed by that date through his own failure (``cause="offender"``) is
    non-compliance; because the CJIT could not deliver in time (``cause="cjit"``) it is reported
    separately, not as his non-compliance (the guidance does not say what follows: local protocol)."""
    if completed_in_time:
        return Decision("complied", "§4.6.6 Step 5",
                        "attended and participated in all sessions within the agreed time period")
    if cause == "offender":
        return Decision("non_compliance", "§4.6.6 Step 3",
                        "did not complete by the date set in the caution, through his own failure: non-compliance, "
                        "which the CJIT reports (Step 5)")
    if cause == "cjit":
        return Decision("not_delivered_in_time", "§4.6.6 Step 5",
                        "the CJIT could not deliver every session by the date set in the caution: reported to the "
                        "police separately, not as the offender's non-compliance (what follows is for the local "
                        "protocol, §4.4)")
    raise ValueError(f"a condition not completed in time needs a cause; allowed: {', '.join(SHORTFALL_CAUSES)}")
