"""The police referral and the CPS decision (§4.1, §4.5, §4.6.6 Step 2)."""

from __future__ import annotations

from .base import Decision, memo


@memo
def police_recommendation(offence_ok: Decision, record_ok: Decision) -> Decision:
    """§4.1, §4.6.6 Step 2: the police refer and recommend; soft factors (offence
    seriousness, record) shape the recommendation, each case on its own merits."""
    if not offence_ok.value:
        return Decision(False, offence_ok.rule, "police recommend against: " + offence_ok.detail)
    if not record_ok.value:
        return Decision(False, record_ok.rule, "police recommend against: " + record_ok.detail)
    return Decision(True, "§4.6.6 Step 2", "police consider a DIP Conditional Caution appropriate and seek CPS authorisation")


@memo
def cps_decision(recommended: Decision, cps_authorises: bool | None) -> Decision:
    """§4.5: the CPS makes the final decision. ``None`` follows the police recommendation."""
    if cps_authorises is None:
        authorised = bool(recommended.value)
        how = "follows the police recommendation"
    else:
        authorised = bool(cps_authorises)
        how = "decides on the merits" if authorised != bool(recommended.value) else "agrees with the police"
    if authorised:
        return Decision(True, "§4.6.6 Step 2", f"CPS authorises a DIP Conditional Caution ({how})")
    return Decision(False, "Annex A", f"CPS does not authorise ({how}): police consider an alternative disposal")
