"""The guidance's rules as pure functions, each returning a :class:`Decision` with its citation.

No SimPy and no random numbers live here. The one pathway (:mod:`dipsim.pathway`) calls
them in the order of Annex A; the simulation (:mod:`dipsim.model`) and the case explainer
(:mod:`dipsim.case`) both drive that pathway, so they cannot disagree.
Where the guidance leaves a choice ("may", "likely", a worker's or the police's judgement), the
rule takes that choice as an argument and its detail says the guidance leaves it open.
"""

from .base import Decision
from .compliance import (cjit_report, comply_by_outcome, dir_required, follow_up_outcome, follow_up_period,
                         onward_referral, police_closure, prosecution_after_non_compliance, review_gap_ok,
                         session_event)
from .consent import consent_to_share
from .cps import cps_decision, police_recommendation
from .eligibility import (attitude, delivering_cjit, offence_suitability, record_suitability, residence,
                          statutory_preconditions)
from .menu import CONDITIONS, MENU_POLICIES, choose_condition, group_session, has_follow_up, sessions
from .offences import LOCAL_PROSECUTION_POLICY, OFFENCE_NAMES, OFFENCES, offence
from .offer import offer_response
from .pathway import Consideration, police_consideration
from .targeting import cps_drug_use_suitability, drug_use_suitability
from .testing import (assessment_route, follow_up_assessment, follow_up_assessment_held, initial_assessment,
                      restriction_on_bail, test_on_arrest, voluntary_assessment)

__all__ = [
    "Decision", "cjit_report", "comply_by_outcome", "dir_required", "follow_up_outcome", "follow_up_period",
    "onward_referral", "police_closure", "prosecution_after_non_compliance", "review_gap_ok", "session_event",
    "consent_to_share", "cps_decision", "delivering_cjit", "police_recommendation", "attitude", "offence_suitability",
    "record_suitability", "residence", "statutory_preconditions", "CONDITIONS", "MENU_POLICIES",
    "choose_condition", "group_session", "has_follow_up", "sessions", "LOCAL_PROSECUTION_POLICY",
    "OFFENCE_NAMES", "OFFENCES", "offence", "offer_response", "assessment_route", "follow_up_assessment",
    "follow_up_assessment_held", "initial_assessment", "restriction_on_bail", "test_on_arrest",
    "voluntary_assessment", "Consideration", "police_consideration", "cps_drug_use_suitability", "drug_use_suitability",
]
