"""Who can be considered for a Conditional Caution with a DIP Condition (§2.1, §4.1, §4.6.6)."""

from __future__ import annotations

from .base import Decision, memo, memo_recent
from .offences import LOCAL_PROSECUTION_POLICY, LOW_LEVEL_ACQUISITIVE, NON_ACQUISITIVE, POSSESSION, SERIOUS, offence

ADULT_AGE = 18


@memo
def statutory_preconditions(age: int, admits_offence: bool, sufficient_evidence: bool) -> Decision:
    """§2.1: adults only (18+), an admission in a cautioned interview, evidence to charge."""
    if age < ADULT_AGE:
        return Decision(False, "§2.1", f"aged {age}: Conditional Cautions are for adult offenders only (18 or over)")
    if not admits_offence:
        return Decision(False, "§2.1", "no admission of the offence in a cautioned interview")
    if not sufficient_evidence:
        return Decision(False, "§2.1", "the CPS must find sufficient evidence to charge")
    return Decision(True, "§2.1", "adult, admits the offence, sufficient evidence to charge")


@memo
def offence_suitability(offence_name: str,
                        prosecute_offences: tuple[str, ...] = LOCAL_PROSECUTION_POLICY) -> Decision:
    """§4.1: simple possession and low-level acquisitive crime "may indicate" suitability; for recreational
    users' non-acquisitive offences a DIP CC "may be an appropriate disposal". §4.1 names no offence as
    unsuitable: ``prosecute_offences`` is the area's local policy (a scenario parameter, default
    :data:`~dipsim.rules.offences.LOCAL_PROSECUTION_POLICY`), checked first and cited as local policy
    under §2.1's "appropriate and proportionate response"."""
    o = offence(offence_name)
    if o.name in prosecute_offences:
        return Decision(False, "§2.1",
                        f"{o.label}: this area's local policy prefers prosecution, judging a Conditional Caution "
                        "not an appropriate and proportionate response (§2.1). This is a local policy, not the "
                        "guidance: §4.1 names no offence as unsuitable")
    if o.group == POSSESSION:
        return Decision(True, "§4.1", f"{o.label}: arrested for simple possession, a factor that may indicate suitability")
    if o.group == LOW_LEVEL_ACQUISITIVE:
        return Decision(True, "§4.1",
                        f"{o.label}: low-level acquisitive crime, often linked with drug use, a factor that may "
                        "indicate suitability")
    if o.group == NON_ACQUISITIVE:
        return Decision(True, "§4.1",
                        f"{o.label}: a non-acquisitive offence of the kind 'recreational' users are arrested for: "
                        "a DIP Conditional Caution may be an appropriate disposal")
    assert o.group == SERIOUS
    return Decision(True, "§4.1",
                    f"{o.label}: not among the offences §4.1 names as indicating suitability, nor excluded by it "
                    "(acquisitive crime that may be caused by drug use is to be considered): for the police and "
                    "CPS to weigh on the merits; not a 'relatively minor' offence in Annex B group 4's sense")


@memo_recent(4096)  # a record can run to thousands of convictions: a bounded cache
def record_suitability(previous_convictions: int, recent_similar_offending: bool,
                       max_previous_convictions: int) -> Decision:
    """§4.1: a limited record; recent similar offending indicates that prosecution be preferred.

    ``max_previous_convictions`` is the area's reading of "limited criminal record"
    (a free parameter: the guidance sets no number).
    """
    if recent_similar_offending:
        return Decision(False, "§4.1", "recent offending of a similar nature: likely an indication that prosecution "
                        "should be preferred (each case on its own merits)")
    if previous_convictions > max_previous_convictions:
        return Decision(False, "§4.1",
                        f"{previous_convictions} previous convictions: more than a limited record "
                        f"(area threshold {max_previous_convictions})")
    if previous_convictions == 0:
        return Decision(True, "§4.1", "no previous convictions")
    plural = "" if previous_convictions == 1 else "s"
    return Decision(True, "§4.1",
                    f"{previous_convictions} previous conviction{plural}: previous convictions are not necessarily a bar")


@memo
def attitude(accepts_responsibility: bool) -> Decision:
    """§4.1: not appropriate for one who denies responsibility or signals non-compliance."""
    if accepts_responsibility:
        return Decision(True, "§4.1", "accepts responsibility and is willing to comply with conditions")
    return Decision(False, "§4.1", "does not accept full responsibility or has indicated he may not comply")


DELIVERING_WORK = ("condition", "follow_up_assessment")


@memo
def delivering_cjit(resident_in_area: bool, work: str) -> Decision:
    """Which CJIT does the work: this area's, or the one where he lives. §4.6.6 Step 1: for an out-of-area
    resident the CJIT "in their area of residence" delivers the DIP Condition and reports compliance; §2.2:
    the follow-up assessment "would be held in the offender's DAT of residence". That work is the home
    CJIT's, not this area's."""
    if work not in DELIVERING_WORK:
        raise ValueError(f"unknown work {work!r}; allowed: {', '.join(DELIVERING_WORK)}")
    if work == "condition":
        if resident_in_area:
            return Decision("local_cjit", "§4.6.6 Step 1", "lives in the area: this area's CJIT delivers the condition")
        return Decision("home_cjit", "§4.6.6 Step 1",
                        "lives in another area: the CJIT in his area of residence delivers the DIP Condition and "
                        "reports compliance or non-compliance (its work, not this area's CJIT's)")
    if resident_in_area:
        return Decision("local_cjit", "§2.2", "the follow-up assessment is held in his DAT of residence, this area")
    return Decision("home_cjit", "§2.2",
                    "the follow-up assessment is held in his DAT of residence, by that area's CJIT (not this area's)")


@memo
def residence(resident_in_area: bool, home_cjit_can_deliver: bool) -> Decision:
    """§4.6.6 Step 1: an out-of-area resident only if the home CJIT can deliver and report."""
    if resident_in_area:
        return Decision(True, "§4.6.6 Step 1", "lives in the area: the local CJIT delivers the condition")
    if home_cjit_can_deliver:
        return Decision(True, "§4.6.6 Step 1", "lives in another area whose CJIT can deliver the condition and report compliance")
    return Decision(False, "§4.6.6 Step 1",
                    "lives in another area whose CJIT cannot deliver and report: consider an alternative disposal")
