"""The guidance's rules as pure functions, each returning a :class:`Decision` with its citation.

No SimPy and no random numbers live here. The one pathway (:mod:`dipsim.pathway`) calls
them in the order of Annex A; the simulation (:mod:`dipsim.model`) and the case explainer
(:mod:`dipsim.case`) both drive that pathway, so they cannot disagree.
"""

from .base import Decision
from .compliance import (cjit_report, dir_required, follow_up_outcome, follow_up_period, onward_referral,
                         police_closure, review_gap_ok, session_event)
from .consent import consent_to_share
from .cps import cps_decision, police_recommendation
from .eligibility import attitude, offence_suitability, record_suitability, residence, statutory_preconditions
from .menu import CONDITIONS, MENU_POLICIES, choose_condition, has_follow_up, sessions
from .offences import OFFENCE_NAMES, OFFENCES, offence
from .offer import offer_response
from .pathway import Consideration, police_consideration
from .testing import assessment_route, follow_up_assessment, initial_assessment, restriction_on_bail, test_on_arrest

__all__ = [
    "Decision", "cjit_report", "dir_required", "follow_up_outcome", "follow_up_period", "onward_referral",
    "police_closure", "review_gap_ok", "session_event", "consent_to_share", "cps_decision",
    "police_recommendation", "attitude", "offence_suitability", "record_suitability", "residence",
    "statutory_preconditions", "CONDITIONS", "MENU_POLICIES", "choose_condition", "has_follow_up", "sessions",
    "OFFENCE_NAMES", "OFFENCES", "offence", "offer_response", "assessment_route", "follow_up_assessment",
    "initial_assessment", "restriction_on_bail", "test_on_arrest", "Consideration", "police_consideration",
]
