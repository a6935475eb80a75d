"""Turn a simulated person back into a case file for the explainer.

Feeding a simulated person's attributes and events to :func:`dipsim.case.explain`
gives the simulation's disposal, condition and outcome: both drive the one pathway
(:func:`dipsim.pathway.pathway`), only the world answering its questions differs
(tests/test_case_agrees_with_simulation.py checks that the case file carries every answer
that matters). Trainers can also draw real-looking cases from a run this way.
"""

from __future__ import annotations

import math

import pandas as pd

from .rules.offences import OFFENCES
from .scenario import Scenario

OFFERED = ("dip_conditional_caution", "declined_prosecution")
OUTCOMES = {"complied_case_closed": "complied", "non_compliance_reported": "non_compliance_reported",
            "not_delivered_in_time": "not_delivered_in_time"}
WARNABLE = ("intoxicated", "unacceptable_behaviour")


def _flag(v) -> bool | None:
    return None if v is pd.NA or v is None else bool(v)


def case_from_person(row: pd.Series, scenario: Scenario) -> dict:
    """A case dict (the ``dipsim case`` format) for one row of a run's people table."""
    ia = {"attended": True, "failed": False}.get(str(row["ia_outcome"]))
    profile = row["known_profile"]  # assessed, or known to the police (Annex A note 2)
    recommended = bool(_flag(row["police_recommended"]))
    record_ok = (not row["recent_similar_offending"]
                 and int(row["previous_convictions"]) <= scenario.decisions.max_previous_convictions)
    sessions = [e for e in str(row["session_events"]).split(",") if e]
    # §6: an intoxicated / unacceptable appointment followed by another was warned and re-arranged
    sessions = [e + "_warned" if e in WARNABLE and k < len(sessions) - 1 else e for k, e in enumerate(sessions)]
    in_time = _flag(row["completed_in_time"])
    comply_by = None if in_time is None else "in_time" if in_time else \
        "late_cjit" if row["terminal_state"] == "not_delivered_in_time" else "late_own_failure"
    follow_up = None
    if not (isinstance(row["follow_up_end_h"], float) and math.isnan(row["follow_up_end_h"])):
        failed = row["terminal_state"] == "non_compliance_reported" and row["non_compliance_event"] != "not_completed_in_time"
        follow_up = "not_complied" if failed else "complied"
    consent = _flag(row["consent"])
    # §4.6.3: a follow-up assessment held while he was on police bail, before the CPS decided, is a fact of
    # the case (failing it counts as a failed Required Assessment); one held after the decision changes nothing
    fa_before_cps = str(row["fa_outcome"]) in ("held", "not_attended") and row["fa_start_h"] <= row["cps_h"]
    return {
        "area": {"intensive": scenario.area.intensive, "country": scenario.area.country},
        "offender": {
            "age": int(row["age"]), "offence": str(row["offence"]),
            "admits_offence": bool(row["admits_offence"]), "sufficient_evidence": bool(row["sufficient_evidence"]),
            "previous_convictions": int(row["previous_convictions"]),
            "recent_similar_offending": bool(row["recent_similar_offending"]),
            "known_drug_misuser": bool(row["known_drug_misuser"]),
            "resident_in_area": bool(row["resident_in_area"]),
            "home_cjit_can_deliver": bool(row["home_cjit_can_deliver"]),
            "accepts_responsibility": bool(row["accepts_responsibility"]),
            "drug_use_profile": None if profile is pd.NA else int(profile),
            "resides_in_england": bool(row["resides_in_england"]),
        },
        "events": {
            "drug_test": str(row["test_result"]),
            # §2.2: a tested non-trigger offence was tested on an Inspector's authorisation
            "inspector_authorises": str(row["test_result"]) != "not_tested" and not OFFENCES[str(row["offence"])].trigger,
            "attends_initial_assessment": ia,
            "follow_up_assessment_arranged": str(row["fa_outcome"]) != "none",
            "attends_follow_up_assessment": (str(row["fa_outcome"]) == "held") if fa_before_cps else None,
            "consents_to_share": True if consent is None else consent,
            "dir_already_completed": str(row["dir_completed_at"]) == "earlier_contact",
            "willing_to_see_worker": str(row["va_outcome"]) != "unwilling",
            "police_bail": bool(_flag(row["police_bail"])),
            "police_refer_on_merits": recommended and not record_ok,
            "exceptional_reason": recommended and profile is not pd.NA and int(profile) == 4
                                  and int(row["previous_convictions"]) > 0,
            "cps_authorises": _flag(row["cps_authorised"]),
            "accepts_caution": True if _flag(row["accepted"]) is None else bool(row["accepted"]),
            "sessions": sessions,
            "follow_up": follow_up,
            "onward_referral_indicated": _flag(row["onward_referral"]) or None,
            "comply_by": comply_by,
            "comply_by_days": None if comply_by is None else round(scenario.sessions.comply_by_days),
            "police_prosecute": _flag(row["prosecuted"]),
        },
    }


def simulated_answer(row: pd.Series) -> dict:
    """The simulation's disposal, condition and outcome for one person, in the explainer's terms."""
    condition = str(row["condition"])
    return {
        "disposal": str(row["disposal"]),
        "condition": None if condition == "none" or str(row["disposal"]) not in OFFERED else condition,
        "outcome": OUTCOMES.get(str(row["terminal_state"])),
    }
