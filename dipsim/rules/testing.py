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


_BAIL_READINGS = (
    "Reading: §3.1's 'where the offender is given police bail the Required Assessment process should continue "
    "as normal' covers the bail period, before any caution exists. Another reading keeps the follow-up for "
    "bailed offenders even after the caution: a point for discussion")


@memo
def follow_up_assessment(arranged: bool, caution_administered: bool, police_bail: bool) -> Decision:
    """§3.1, Annex A note 3: an arranged follow-up assessment is cancelled once the offender has agreed
    and the police have administered the DIP CC, with no exception for police bail (note 3). Before any
    caution it continues as normal: while he is on police bail awaiting the CPS decision (§3.1), and if
    the CPS does not authorise or he declines (§3.1).

    ``caution_administered`` is whether the caution has been administered by the time the follow-up
    would be held (or, for a pending one, now); ``police_bail`` whether he was released on police bail.
    """
    if not arranged:
        return Decision("none", "§2.2", "no follow-up assessment arranged")
    if caution_administered:
        extra = (f". He had been on police bail: note 3 makes no exception for bail. {_BAIL_READINGS}"
                 if police_bail else "")
        return Decision("cancel", "Annex A note 3",
                        "DIP CC administered and recorded on the MG14: cancel the arranged follow-up assessment"
                        + extra)
    if police_bail:
        return Decision("continue", "§3.1",
                        "on police bail awaiting the CPS decision, no caution yet: the Required Assessment "
                        f"process continues as normal and the follow-up is held if it falls due. {_BAIL_READINGS}")
    return Decision("continue", "§3.1",
                    "no DIP CC administered (not authorised, declined or not offered): the Required Assessment "
                    "process continues as normal")


@memo
def follow_up_assessment_held(attends: bool) -> Decision:
    """§2.2, §4.6.3: the arranged follow-up Required Assessment is held 4-8 days later in the DAT of residence.
    He attends and remains, or fails, and failing it counts as failing a Required Assessment: §4.6.3 makes
    the One or Two Session Condition available "for offenders who have failed to attend and remain at a
    Required Assessment (initial or follow up)"."""
    if attends:
        return Decision("attended", "§2.2",
                        "attends and remains at the follow-up Required Assessment in his DAT of residence")
    return Decision("failed", "§4.6.3",
                    "fails to attend and remain at the follow-up Required Assessment: the CJIT informs the police "
                    "of non-compliance; a failed Required Assessment (initial or follow up) may lead to the One or "
                    "Two Session Condition")


VOLUNTARY_ASSESSMENT_OUTCOMES = ("held", "not_held", "unwilling")


@memo
def voluntary_assessment(willing: bool, worker_available: bool = True) -> Decision:
    """§4.6.6 Step 1: the police ask the offender whether he is willing to see the drug worker (and,
    separately, to let the worker share information). Unwilling is its own outcome, not refused
    consent: there is nothing to share because no assessment is held. With no assessment the police
    draw on their own knowledge (Annex A note 2); whether his unwillingness counts against him is for
    the police consideration (§4.1 attitude)."""
    if not willing:
        return Decision("unwilling", "§4.6.6 Step 1",
                        "not willing to see the drug worker: no voluntary assessment is held (recorded as "
                        "unwilling, not as refused consent to share)")
    if not worker_available:
        return Decision("not_held", "Annex A note 2",
                        "willing, but no CJIT worker could see him before release: the police draw upon their "
                        "knowledge of the individual")
    return Decision("held", "§4.6.6 Step 1", "sees the CJIT worker for a voluntary assessment")


@memo
def restriction_on_bail(country: str, resides_in_england: bool, test_result: str) -> Decision:
    """§2.2: Restriction on Bail is for those who tested positive "in England and who also reside in
    England"; it "has not yet been extended to Wales".

    ``country`` is where he was tested and would be charged and bailed by the court (the area's country),
    ``resides_in_england`` where he lives, whatever the area. It applies on every route to a charge: a
    declined caution, a CPS refusal, an alternative disposal that is a charge, non-compliance.
    """
    if test_result != "positive":
        return Decision(False, "§2.2", "Restriction on Bail follows only a positive test for a specified Class A drug")
    if country != "england":
        lives = "lives in England, but " if resides_in_england else ""
        return Decision(False, "§2.2",
                        f"{lives}tested and charged in Wales: Restriction on Bail has not been extended to Wales")
    if not resides_in_england:
        return Decision(False, "§2.2",
                        "tested in England but does not live in England (e.g. a Welsh resident): Restriction on "
                        "Bail applies only to those who also reside in England")
    return Decision(True, "§2.2",
                    "tested positive in England and lives in England: if charged, Restriction on Bail may apply "
                    "at court (where the relevant conditions are met)")
