"""Plain words for every code name the training pack prints, from dipsim's registries.

The printed pack never shows a code name (``dip_conditional_caution``, ``three_session_follow_up``,
``cancel_follow_up_assessment``...): :func:`plain` gives each its words, and :func:`plain_text`
puts those words in place of any code name inside a sentence (a rule's detail may quote one).
The words come from the vocabularies that already exist - the explainer's
(:data:`dipsim.case.DISPOSAL_LABELS`, ``OUTCOME_LABELS``, ``ACTION_LABELS``,
:data:`dipsim.pathway_case.CONDITION_LABELS`, ``SESSION_LABELS``), the KPI registry's
(:mod:`dipsim.kpis`) and the map's boxes (:mod:`dipsim.pathway_map`) - plus the names of the
explainer's steps, below. A test prints the whole pack and finds no code name left.
"""

from __future__ import annotations

import re

from .. import kpis
from ..case import ACTION_LABELS, DISPOSAL_LABELS, OUTCOME_LABELS
from ..pathway_case import CONDITION_LABELS, SESSION_LABELS
from ..rules.menu import MENU_POLICIES
from ..rules.offences import OFFENCES

__all__ = ["CODE_NAME", "STEP_LABELS", "code_names", "plain", "plain_text"]

STEP_LABELS = {
    "statutory_preconditions": "Statutory preconditions",
    "drug_test": "Drug test on arrest",
    "assessment_route": "Assessment route",
    "initial_assessment": "Initial Required Assessment",
    "voluntary_assessment": "Voluntary assessment",
    "consent_to_share": "Consent to share",
    "attitude": "Attitude",
    "residence": "Residence",
    "offence_suitability": "Offence",
    "record_suitability": "Record",
    "drug_use_suitability": "Drug use (Annex B)",
    "police_recommendation": "Police recommendation",
    "follow_up_assessment": "Follow-up assessment",
    "cps_decision": "CPS decision",
    "condition": "The DIP Condition",
    "offer": "The offer",
    "restriction_on_bail": "Restriction on Bail",
    "group_session": "Group session?",
    "session_1": "Session 1",
    "session_2": "Session 2",
    "session_3": "Session 3",
    "review_gap": "Gap before the review",
    "dir": "Drug Interventions Record",
    "onward_referral": "Onward referral",
    "follow_up_period": "Follow-up period",
    "follow_up": "Follow-Up Condition",
    "comply_by": "Comply-by date",
    "cjit_report": "CJIT report",
    "police_closure": "Police closure",
    "prosecution": "Prosecution",
    "unused_session_events": "Events not used",
}
"""The explainer's step names (``steps[].step`` of a key) in words."""

_EVENTS = {"attended": "attended", "missed_with_notice": "missed with notice",
           "missed_without_notice": "missed without notice", "left_early": "left early",
           "intoxicated": "attended intoxicated", "unacceptable_behaviour": "unacceptable behaviour",
           "intoxicated_warned": "attended intoxicated (warned and re-arranged)",
           "unacceptable_behaviour_warned": "unacceptable behaviour (warned and re-arranged)",
           "not_completed_in_time": "not completed by the comply-by date"}
_OTHER = {"not_tested": "not tested", "required_assessment": "Required Assessment",
          "voluntary_assessment": "voluntary assessment", "complied_case_closed": "complied: case closed",
          "not_complied": "did not comply", "in_time": "in time", "late_own_failure": "late, through his own failures",
          "late_cjit": "late, because the CJIT could not deliver", "case_closed": "case closed",
          "prosecution_considered": "prosecution considered"}
_MENU = {"annex_b": "Annex B", "three_sessions_for_all": "three sessions for everyone",
         "no_follow_up": "no Follow-Up Condition"}


def _registry() -> dict[str, str]:
    words: dict[str, str] = {}
    for vocab in (kpis.ACTIVITIES, kpis.NON_COMPLIANCE, kpis.DISPOSALS, {k: v[0] for k, v in
                                                                         kpis.TERMINAL_STATES.items()},
                  SESSION_LABELS, _OTHER, _EVENTS, STEP_LABELS, {k: v.label for k, v in OFFENCES.items()},
                  ACTION_LABELS, OUTCOME_LABELS, DISPOSAL_LABELS, CONDITION_LABELS, _MENU):
        words.update(vocab)  # later vocabularies win: the explainer's own words last
    for name in MENU_POLICIES:
        words.setdefault(name, name.replace("_", " "))
    return words


WORDS = _registry()
CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
"""A code name as it would show in print: lower-case words joined by underscores."""


def plain(code: str | None, none: str = "none") -> str:
    """The words for one code name (``None``: ``none``). An unknown code name is a KeyError:
    add it to a vocabulary rather than print it."""
    if code is None:
        return none
    if code in WORDS or "_" in code:
        return WORDS[code]
    return code  # one plain word already (positive, attended...)


def plain_text(text: str) -> str:
    """``text`` with every known code name in it replaced by its words (unknown ones are left
    for the test that looks for code names in print to find)."""
    return CODE_NAME.sub(lambda m: WORDS.get(m.group(0), m.group(0)), text)


def code_names(text: str) -> list[str]:
    """The code names in ``text`` (file names such as ``x_y.yaml`` count too)."""
    return sorted(set(CODE_NAME.findall(text)))
