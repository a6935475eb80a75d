"""The police recommendation and the CPS decision (§4.1, §4.5, §4.6.6 Step 2, Annex B)."""

from __future__ import annotations

from .base import Decision, memo


@memo
def police_recommendation(offence_ok: Decision, record_ok: Decision, drug_use_ok: Decision | None = None,
                          refers_on_merits: bool = False) -> Decision:
    """§4.1, §4.6.6 Step 2: "If the Police consider a DIP CC may be appropriate, they will seek CPS
    authorisation." The offence (§4.1, or the area's local policy), the record (§4.1) and the drug-use
    profile (Annex B, §3.1) shape that judgement.

    ``refers_on_merits``: §4.1 says recent similar offending "is likely to be an indication that a
    prosecution should be preferred, but each case should be considered on its own merits", and "where
    the police consider that appropriate conditions would assist in the rehabilitation of the offender
    ... the case should be referred to the CPS". True means the police refer despite a record that
    weighs against (their judgement: a scenario draw or a case event). It does not override a local
    offence policy or the Annex B profile.
    """
    if not offence_ok.value:
        return Decision(False, offence_ok.rule, "police do not recommend: " + offence_ok.detail)
    if not record_ok.value and not refers_on_merits:
        return Decision(False, record_ok.rule, "police do not recommend: " + record_ok.detail)
    if drug_use_ok is not None and not drug_use_ok.value:
        return Decision(False, drug_use_ok.rule, "police do not recommend: " + drug_use_ok.detail)
    if not record_ok.value:
        return Decision(True, "§4.1",
                        f"{record_ok.detail}; but each case is considered on its own merits, and the police consider "
                        "that appropriate conditions would assist his rehabilitation: they refer the case to the CPS "
                        "(the guidance leaves this to their judgement)")
    return Decision(True, "§4.6.6 Step 2", "police consider a DIP Conditional Caution may be appropriate and seek CPS authorisation")


@memo
def cps_decision(recommended: Decision, cps_authorises: bool | None, drug_use: Decision | None = None) -> Decision:
    """§4.5, §4.6.6 Step 2: the CPS makes the final decision on a case the police have referred.

    Only referred cases reach the CPS (``recommended.value`` must be true: a case the police do not
    recommend gets the alternative disposal at the police stage). ``cps_authorises`` ``None`` agrees with
    the police; ``False`` is the CPS refusing on the merits (§4.5). ``drug_use`` is the CPS's own view of
    the Annex B profile (:func:`~dipsim.rules.targeting.cps_drug_use_suitability`), if considered.
    """
    if not recommended.value:
        raise ValueError("the CPS decides only on cases the police refer (§4.6.6 Step 2): "
                         "a case the police do not recommend gets the alternative disposal at the police stage")
    if drug_use is not None and not drug_use.value:
        return Decision(False, drug_use.rule,
                        "CPS does not authorise: " + drug_use.detail + "; police consider an alternative disposal")
    if cps_authorises is False:
        return Decision(False, "§4.5",
                        "the CPS, making the final decision on the merits, does not authorise: police consider an "
                        "alternative disposal (Annex A)")
    return Decision(True, "§4.6.6 Step 2", "CPS authorises a DIP Conditional Caution (agrees with the police)")
