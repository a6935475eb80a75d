"""Testing on arrest, Required Assessment and Restriction on Bail (§2.2, §3.1, Annex A)."""

from __future__ import annotations

from .base import Decision, memo
from .eligibility import ADULT_AGE
from .offences import offence

TEST_RESULTS = ("positive", "negative", "refused", "not_tested")


@memo
def test_on_arrest(intensive: bool, age: int, offence_name: str, inspector_authorises: bool) -> Decision:
    """§2.2: adults arrested for a trigger offence in an intensive area are tested; others
    when an officer of Inspector rank or above authorises a test."""
    if not intensive:
        return Decision(False, "§2.2", "not a DIP intensive area: no testing on arrest")
    if age < ADULT_AGE:
        return Decision(False, "§2.2", "testing on arrest applies to adults")
    o = offence(offence_name)
    if o.trigger:
        return Decision(True, "§2.2", f"{o.label} is a trigger offence: tested on arrest")
    if inspector_authorises:
        return Decision(True, "§2.2", "an Inspector suspects specified Class A use contributed and authorises a test")
    return Decision(False, "§2.2", f"{o.label} is not a trigger offence and no Inspector authorised a test")


@memo
def assessment_route(intensive: bool, test_result: str, known_drug_misuser: bool) -> Decision:
    """Annex A: intensive + positive test → required assessment; otherwise a known
    drug misuser → voluntary assessment; otherwise EXIT."""
    if intensive and test_result == "positive":
        return Decision("required_assessment", "§2.2",
                        "positive test for a specified Class A drug: police require an initial assessment")
    if known_drug_misuser or test_result == "positive":
        where = "non-intensive area (no Required Assessment)" if not intensive else f"test {test_result.replace('_', ' ')}"
        why = "known drug misuser" if known_drug_misuser else "the positive test indicates drug misuse"
        return Decision("voluntary_assessment", "§4.6.6 Step 1",
                        f"{where}, {why}: offered a voluntary assessment with a CJIT worker")
    return Decision("exit", "Annex A", "no positive test and not known to misuse drugs: EXIT, no DIP Conditional Caution")


@memo
def initial_assessment(attends_and_remains: bool | None) -> Decision:
    """Annex A: the offender attends and remains at the initial required assessment, or fails.

    ``None``: no assessment took place (for example no CJIT worker before release);
    the police draw on their own knowledge (Annex A note 2).
    """
    if attends_and_remains is None:
        return Decision("not_held", "Annex A note 2",
                        "no initial assessment took place: police draw upon their knowledge of the individual")
    if attends_and_remains:
        return Decision("attended", "Annex A",
                        "attends and remains: the CJIT worker feeds back from the assessment with informed consent")
    return Decision("failed", "Annex A", "fails to attend and remain: the CJIT informs the police of non-compliance")


@memo
def follow_up_assessment(arranged: bool, caution_administered: bool, police_bail: bool) -> Decision:
    """§3.1, Annex A note 3: an arranged follow-up assessment is cancelled once a DIP CC is
    administered; it continues as normal if the CPS does not authorise, the offender declines,
    or the offender is on police bail."""
    if not arranged:
        return Decision("none", "§2.2", "no follow-up assessment arranged")
    if police_bail:
        return Decision("continue", "§3.1", "on police bail: the Required Assessment process continues as normal")
    if caution_administered:
        return Decision("cancel", "Annex A note 3",
                        "DIP CC administered and recorded on the MG14: cancel the arranged follow-up assessment")
    return Decision("continue", "§3.1",
                    "no DIP CC administered: the Required Assessment process continues as normal")


@memo
def restriction_on_bail(country: str, resides_in_england: bool, test_result: str) -> Decision:
    """§2.2: Restriction on Bail after a positive test, in England, for residents of England."""
    if test_result != "positive":
        return Decision(False, "§2.2", "Restriction on Bail follows only a positive test")
    if country != "england":
        return Decision(False, "§2.2", "Restriction on Bail has not been extended to Wales")
    if not resides_in_england:
        return Decision(False, "§2.2", "Restriction on Bail applies to residents of England")
    return Decision(True, "§2.2", "tested positive in England and lives in England: Restriction on Bail may apply")
