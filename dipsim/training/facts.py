"""A card's facts in words: what a participant is told, and what only the key assumes.

A participant card shows what the police, the CPS and the CJIT worker know when the case is
first discussed - the arrest, the interview and custody. Everything that is an answer, or
that happens after a decision the participants are asked to make, is kept for the facilitator's
key: the Annex B group the assessment finds (card questions ask for it), the CPS's decision and
any condition it sets, whether the offender accepts, how the sessions and any follow-up went,
the comply-by date and what the police did after non-compliance.
"""

from __future__ import annotations

from ..rules.compliance import NON_COMPLIANT_EVENTS
from ..rules.menu import has_follow_up, sessions
from ..rules.offences import OFFENCES
from .labels import plain

__all__ = ["ANSWER_FACTS", "key_facts", "told_facts"]

PROFILE = {None: "not known", 1: "group 1: non-problematic use", 2: "group 2: use becoming problematic",
           3: "group 3: offending and using drugs", 4: "group 4: offending to fund drug misuse"}
ANSWER_FACTS = ("Annex B group the assessment finds", "CPS authorises", "Condition the CPS sets",
                "Accepts the Conditional Caution", "Sessions, if a caution is given", "Follow-up, if required",
                "Comply-by date", "After non-compliance the police")
"""Row labels that appear only in keys (a test checks no participant card prints them)."""


def _yes(v: bool | None, none: str = "not known") -> str:
    return none if v is None else ("yes" if v else "no")


def told_facts(case: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the participants are told: the arrest, the interview and custody (no answers)."""
    a, o, e = case["area"], case["offender"], case["events"]
    arrest = [
        ("Area", f"{'DIP intensive' if a['intensive'] else 'DIP non-intensive'}, {a['country'].title()}"),
        ("Age", str(o["age"])),
        ("Offence", OFFENCES[o["offence"]].label),
        ("Admits the offence in a cautioned interview", _yes(o["admits_offence"])),
        ("Sufficient evidence to charge", _yes(o["sufficient_evidence"])),
        ("Previous convictions", str(o["previous_convictions"])),
        ("Recent offending of a similar nature", _yes(o["recent_similar_offending"])),
        ("Known to police/CJIT as a drug misuser", _yes(o["known_drug_misuser"])),
        ("Lives in this area", _yes(o["resident_in_area"])),
    ]
    if not o["resident_in_area"]:
        arrest.append(("Home-area CJIT can deliver the condition and report", _yes(o["home_cjit_can_deliver"])))
    if o["resides_in_england"] != (a["country"] == "england"):
        arrest.append(("Lives in England", _yes(o["resides_in_england"])))
    arrest.append(("Accepts responsibility, willing to comply", _yes(o["accepts_responsibility"])))
    custody = [("Drug test on arrest", plain(e["drug_test"]))]
    if e["inspector_authorises"]:
        custody.append(("Inspector authorised a test", "yes"))
    custody += [
        ("Attends and remains at the initial Required Assessment",
         _yes(e["attends_initial_assessment"], "no assessment held")),
        ("Follow-up assessment arranged", _yes(e["follow_up_assessment_arranged"])),
    ]
    if not e["willing_to_see_worker"]:
        custody.append(("Willing to see the drug worker", "no"))
    custody += [("Gives written consent to share information", _yes(e["consents_to_share"])),
                ("Released on police bail while the CPS decides", _yes(e["police_bail"]))]
    if e["police_refer_on_merits"]:
        custody.append(("The police refer on the merits despite the record", "yes"))
    if e["exceptional_reason"]:
        custody.append(("The police see an exceptional reason to offer a caution", "yes"))
    return [("Arrest and interview", arrest), ("In custody", custody)]


def key_facts(case: dict, condition: str | None) -> list[tuple[str, str]]:
    """What the key assumes happened beyond what the participants are told."""
    o, e = case["offender"], case["events"]
    rows = [("Annex B group the assessment finds", PROFILE[o["drug_use_profile"]]),
            ("CPS authorises", _yes(e["cps_authorises"], "as the police recommend"))]
    if e["cps_condition"]:
        rows.append(("Condition the CPS sets", plain(e["cps_condition"])))
    rows.append(("Accepts the Conditional Caution", _yes(e["accepts_caution"])))
    if e["sessions"]:
        listed = ", ".join(plain(s) for s in e["sessions"])
        stops = {s.removesuffix("_warned") for s in e["sessions"]} & set(NON_COMPLIANT_EVENTS)
        if condition is not None and not stops and len(e["sessions"]) < len(sessions(condition)):
            listed += " (sessions not listed: attended)"
    else:
        listed = "every session attended"
    rows.append(("Sessions, if a caution is given", listed))
    if e["review_gap_days"] is not None:
        rows.append(("Days between session 2 and session 3", str(e["review_gap_days"])))
    if e["group_session"] is not None:
        rows.append(("Session 2 may be a group session here", _yes(e["group_session"])))
    if e["follow_up"] is not None or (condition is not None and has_follow_up(condition)):
        rows.append(("Follow-up, if required", {None: "no failure recorded", "complied": "complied",
                                                "not_complied": "did not participate"}[e["follow_up"]]))
    if e["follow_up_max_days"] is not None:
        rows.append(("Follow-up maximum on the caution (days)", str(e["follow_up_max_days"])))
    if e["follow_up_need_days"] is not None:
        rows.append(("Follow-up the worker assesses is needed (days)", str(e["follow_up_need_days"])))
    if e["onward_referral_indicated"] is not None:
        rows.append(("The review finds further need", _yes(e["onward_referral_indicated"])))
    if e["accepts_onward_referral"] is not None:
        rows.append(("Agrees to onward referral", _yes(e["accepts_onward_referral"])))
    if e["comply_by_days"] is not None or e["comply_by"] is not None:
        days = "" if e["comply_by_days"] is None else f"{e['comply_by_days']} days after the caution; "
        rows.append(("Comply-by date", days + plain(e["comply_by"], "completed in time")))
    if e["police_prosecute"] is not None:
        rows.append(("After non-compliance the police", "prosecute" if e["police_prosecute"] else "do not prosecute"))
    return rows
