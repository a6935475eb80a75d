"""Who can be considered for a Conditional Caution with a DIP Condition (§2.1, §4.1, §4.6.6)."""

from __future__ import annotations

from .base import Decision, memo, memo_recent
from .offences import LOW_LEVEL_ACQUISITIVE, NON_ACQUISITIVE, POSSESSION, SERIOUS, offence

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
def offence_suitability(offence_name: str) -> Decision:
    """§4.1: possession, low-level acquisitive and non-acquisitive (recreational users) offences."""
    o = offence(offence_name)
    if o.group == POSSESSION:
        return Decision(True, "§4.1", f"{o.label}: arrested for simple possession")
    if o.group == LOW_LEVEL_ACQUISITIVE:
        return Decision(True, "§4.1", f"{o.label}: low-level acquisitive crime, often linked with drug use")
    if o.group == NON_ACQUISITIVE:
        return Decision(True, "§4.1", f"{o.label}: non-acquisitive offence of the kind committed by 'recreational' users")
    assert o.group == SERIOUS
    return Decision(False, "§4.1", f"{o.label}: not a low-level offence; prosecution is the expected course")


@memo_recent(4096)  # a record can run to thousands of convictions: a bounded cache
def record_suitability(previous_convictions: int, recent_similar_offending: bool,
                       max_previous_convictions: int) -> Decision:
    """§4.1: a limited record; recent similar offending indicates that prosecution be preferred.

    ``max_previous_convictions`` is the area's reading of "limited criminal record"
    (a free parameter: the guidance sets no number).
    """
    if recent_similar_offending:
        return Decision(False, "§4.1", "recent offending of a similar nature: prosecution should be preferred")
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


@memo
def residence(resident_in_area: bool, home_cjit_can_deliver: bool) -> Decision:
    """§4.6.6 Step 1: an out-of-area resident only if the home CJIT can deliver and report."""
    if resident_in_area:
        return Decision(True, "§4.6.6 Step 1", "lives in the area: the local CJIT delivers the condition")
    if home_cjit_can_deliver:
        return Decision(True, "§4.6.6 Step 1", "lives in another area whose CJIT can deliver the condition and report compliance")
    return Decision(False, "§4.6.6 Step 1",
                    "lives in another area whose CJIT cannot deliver and report: consider an alternative disposal")
