"""The case explainer: one person walked through the guidance, step by step, with citations.

``dipsim case FILE.yaml [--json]`` reads a case file, walks the person along the
*same* pathway the simulation runs (:func:`dipsim.pathway.pathway`, in a world that
answers from the case file: :class:`dipsim.pathway_case.CaseWorld`; every decision is a
rule of :mod:`dipsim.rules`) and reports the disposal, the DIP Condition, the outcome,
the actions the agencies must take and every step with the section of the May 2008
guidelines it rests on. This module only renders the answer (the case file is read and
checked by :mod:`dipsim.casefile`).

Case file format (YAML; every key is optional except ``offender.offence``)
------------------------------------------------------------------------

::

    area:
      intensive: true            # a DIP intensive area (§2.2)                 default true
      country: england           # england | wales                              default england
    offender:
      age: 25                    # whole number >= 0                            default 25
      offence: shoplifting       # REQUIRED; a name from dipsim/rules/offences.py
      admits_offence: true       # in a cautioned interview (§2.1)               default true
      sufficient_evidence: true  # to charge (§2.1)                              default true
      previous_convictions: 0    # whole number >= 0 (§4.1)                      default 0
      recent_similar_offending: false   # (§4.1)                                default false
      known_drug_misuser: false  # police/CJIT knowledge (Annex A, note 2)       default false
      resident_in_area: true     # (§4.6.6 Step 1)                               default true
      home_cjit_can_deliver: true       # if out of area (§4.6.6 Step 1)         default true
      accepts_responsibility: true      # attitude (§4.1)                        default true
      drug_use_profile: null     # Annex B group 1-4 as the assessment finds it, or null   default null
      resides_in_england: true   # for Restriction on Bail (§2.2)   default: true iff area.country is england
                                 # (a resident of the area lives in the area's country)
    events:
      drug_test: not_tested      # positive | negative | refused | not_tested    default not_tested
      inspector_authorises: false       # an Inspector authorised a test for a non-trigger
                                        # offence (§2.2); only explains the test step   default false
      attends_initial_assessment: null  # true | false | null (not held: Annex A note 2)  default null
      follow_up_assessment_arranged: false  # a follow-up Required Assessment (§2.2)  default false
      attends_follow_up_assessment: null  # true | false | null: with police_bail, held while on bail
                                 # before the CPS decides (false: a failed Required Assessment, §4.6.3);
                                 # without, held after the decision unless a caution cancelled it
      willing_to_see_worker: true  # on the voluntary route (§4.6.6 Step 1)   default true
      consents_to_share: true    # written consent to share (Annex A note 1)    default true
      police_bail: false         # (§3.1)                                        default false
      police_refer_on_merits: false  # the police refer despite a record that weighs
                                 # against, on its own merits (§4.1)            default false
      exceptional_reason: false  # the police see an exceptional reason (Annex B group 4
                                 # with a record)                                default false
      cps_authorises: null       # the CPS's decision on a case the police refer (§4.5);
                                 # true | false | null (null: agrees with the police)
      cps_condition: null        # the CPS sets this condition explicitly (§4.5, §4.6); null:
                                 # the menu policy chooses. One of one_session, two_session,
                                 # two_session_follow_up, three_session, three_session_follow_up
      accepts_caution: true      # (§4.6.6 Step 3)                               default true
      sessions: []               # in order, as they happened: attended | missed_with_notice |
                                 # missed_without_notice | left_early | intoxicated |
                                 # unacceptable_behaviour | intoxicated_warned |
                                 # unacceptable_behaviour_warned (the worker warned and re-arranged
                                 # rather than reporting: his judgement, §6). Sessions not listed count as attended;
                                 # events after the plan ends are ignored (and said so).
      review_gap_days: null      # days between session 2 and 3 (Annex C session 3)  default null
      follow_up: null            # complied | not_complied | null (null: no failure recorded)
      follow_up_max_days: null   # the maximum the CPS puts on the caution (§4.6.4)  default null
      follow_up_need_days: null  # the worker's assessment of need (§4.6.4); needs follow_up_max_days
      accepts_onward_referral: null     # true | false | null (null: agrees where indicated)
      onward_referral_indicated: null   # true | false | null: the review finds further need (Annex B);
                                        # null: Annex B's likely course (group 1 no, 2-4 yes)
      group_session: null        # true | false | null: session 2 may be a group here (§4.6.2, §4.6.3)
      comply_by_days: null       # days from the caution to its comply-by date (§4.6.6 Step 3)
      comply_by: null            # in_time | late_own_failure (non-compliance) | late_cjit (the CJIT
                                 # could not deliver in time: reported separately, Step 5) | null
      police_prosecute: null     # true | false | null: after non-compliance (§2.1); null: may follow
    card:                        # training card text (dipsim training); validated, not used here
      title: "..."
      narrative: "..."
      questions: ["...", "..."]
      perspectives: [police, cps, cjit]

Decision order (the one pathway's, which the simulation runs too)
-----------------------------------------------------------------

1. §2.1 statutory preconditions. Under 18: not eligible, stop. An adult who does not
   admit or against whom the evidence is insufficient still goes through testing and
   the Required Assessment (§2.2), then is not eligible.
2. §2.2 the drug test, as given.
3. Annex A assessment route: required (initial assessment attended / failed / not held),
   voluntary (§4.6.6 Step 1) or EXIT.
4. Police consideration: consent (Annex A note 1), attitude (§4.1), residence
   (§4.6.6 Step 1) are bars (alternative disposal); offence and record (§4.1) shape the
   recommendation (§4.6.6 Step 2).
5. The CPS decision (§4.5, §4.6.6 Step 2); not authorised: alternative disposal.
6. The condition from the menu (§4.6, Annex B, or the CPS's explicit ``cps_condition``).
7. The offer (§4.6.6 Step 3); declined: may be prosecuted; Restriction on Bail (§2.2), decided from
   where he lives, on every route that can lead to a charge (declined, CPS refusal, non-compliance).
8. An arranged follow-up assessment continues (§3.1): on police bail it is held if it falls due (a
   failed one leads to the One or Two Session Condition, §4.6.3); once the caution is administered it
   is cancelled (Annex A note 3), police bail or not.
9. Sessions (§4.6.1-4.6.3, §6, §5, Annex C), 10. follow-up (§4.6.4),
11. the comply-by date (§4.6.6 Steps 3 and 5), when stated, 12. the CJIT report (§4.6.6 Step 5),
the police closure (§4.6.6 Step 6) and, when stated, prosecution after non-compliance (§2.1).

Facts that cannot occur together are refused with one line naming the keys (exit status 2): a test
result where no test on arrest is made (non-intensive area, under 18, a non-trigger offence without an
Inspector's authorisation), an initial assessment without a positive test in an intensive area, a
follow-up arranged without an initial assessment attended, a follow-up attendance without one arranged,
and a resident of the area said to live in the other country.

Outputs
-------

``disposal``: not_eligible | exit_no_drug_indication | alternative_disposal |
declined_prosecution | dip_conditional_caution.
``condition``: the condition the CPS set and the police offered (also when the offender
declined it), else null. ``outcome``: complied | non_compliance_reported | not_delivered_in_time
when the caution was administered, else null. ``actions``: de-duplicated, in the order of :data:`ACTIONS`.
``steps``: ``{step, rule, detail}`` with ``rule`` the citation.
"""

from __future__ import annotations

from dataclasses import dataclass, field


from .casefile import load_case, normalise_case  # the case-file schema and reading
from .errors import InputError
from .pathway_case import ACTIONS, CONDITION_LABELS, CaseWorld
from .rules.menu import MENU_POLICIES

__all__ = ["ACTIONS", "DISPOSALS", "OUTCOMES", "CaseResult", "load_case", "normalise_case", "explain"]

# --------------------------------------------------------------------------- vocabulary

DISPOSALS = ("not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
             "dip_conditional_caution")
OUTCOMES = ("complied", "non_compliance_reported", "not_delivered_in_time")
DISPOSAL_LABELS = {
    "not_eligible": "not eligible for a Conditional Caution",
    "exit_no_drug_indication": "EXIT: no indication of drug misuse, no DIP Conditional Caution",
    "alternative_disposal": "the police consider an alternative disposal",
    "declined_prosecution": "the offender declined the caution and may be prosecuted for the original offence",
    "dip_conditional_caution": "Conditional Caution with a DIP Condition administered",
}
OUTCOME_LABELS = {
    "complied": "the CJIT informs police/CPS of compliance; the case is closed",
    "non_compliance_reported": "the CJIT informs police/CPS of non-compliance",
    "not_delivered_in_time": "the CJIT could not deliver by the comply-by date: reported to police/CPS separately, "
                             "not as his non-compliance",
}
ACTION_LABELS = {
    "report_ra_non_compliance": "CJIT informs the police of non-compliance with the Required Assessment",
    "cancel_follow_up_assessment": "cancel the arranged follow-up assessment",
    "required_assessment_continues": "the Required Assessment process continues (follow-up assessment kept)",
    "restriction_on_bail_may_apply": "Restriction on Bail may apply if charged",
    "complete_dir": "complete a Drug Interventions Record (DIR)",
    "reschedule_session": "re-arrange a session in writing, with a warning",
    "refer_onward": "refer onward / onto the CJIT caseload",
    "prosecution_considered": "the police consider prosecution for the original offence",
}
# --------------------------------------------------------------------------- the result

@dataclass(frozen=True)
class CaseResult:
    """What happened to one person, and why."""

    disposal: str
    condition: str | None
    outcome: str | None
    actions: list[str] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "disposal": self.disposal,
            "condition": self.condition,
            "outcome": self.outcome,
            "actions": list(self.actions),
            "steps": [dict(s) for s in self.steps],
        }

    def to_text(self, title: str | None = None) -> str:
        """A readable account a trainer can project: numbered steps with citations, then the result."""
        lines: list[str] = []
        if title:
            lines += [title, "=" * len(title), ""]
        lines.append("Steps")
        width = len(str(len(self.steps)))
        for n, s in enumerate(self.steps, 1):
            lines.append(f"{n:>{width}}. [{s['rule']}] {s['step'].replace('_', ' ')}")
            lines.append(f"{'':>{width}}  {s['detail']}")
        lines += ["", "Result"]
        lines.append(f"  Disposal:  {self.disposal} ({DISPOSAL_LABELS[self.disposal]})")
        cond = "none" if self.condition is None else f"{self.condition} ({CONDITION_LABELS[self.condition]})"
        lines.append(f"  Condition: {cond}")
        out = "none" if self.outcome is None else f"{self.outcome} ({OUTCOME_LABELS[self.outcome]})"
        lines.append(f"  Outcome:   {out}")
        if self.actions:
            lines.append("  Actions:")
            lines += [f"    - {a}: {ACTION_LABELS[a]}" for a in self.actions]
        else:
            lines.append("  Actions:   none")
        return "\n".join(lines) + "\n"


def explain(case: dict, menu_policy: str = "annex_b", max_previous_convictions: int = 5,
            max_rearrangements: int = 1) -> CaseResult:
    """Walk one case through the one pathway (:func:`dipsim.pathway.pathway`) - the simulation's
    walk - in a world that answers from the case file (:class:`dipsim.pathway_case.CaseWorld`).

    ``case`` is a dict as :func:`load_case` returns (a raw mapping is validated and
    completed first). ``menu_policy`` names a policy of :data:`dipsim.rules.MENU_POLICIES`;
    ``max_previous_convictions`` is the area's reading of a "limited criminal record"
    (§4.1); ``max_rearrangements`` bounds the worker's re-arrangements per session (§6).
    """
    if menu_policy not in MENU_POLICIES:
        raise ValueError(f"unknown menu policy {menu_policy!r}; known: {', '.join(MENU_POLICIES)}")
    if type(max_previous_convictions) is not int or max_previous_convictions < 0:
        raise ValueError("max_previous_convictions must be a whole number >= 0")
    if type(max_rearrangements) is not int or max_rearrangements < 0:
        raise ValueError("max_rearrangements must be a whole number >= 0")
    world = CaseWorld(normalise_case(case), menu_policy, max_previous_convictions, max_rearrangements).walk()
    return CaseResult(world.disposal, world.condition, world.outcome, world.actions_in_order(), world.steps)

