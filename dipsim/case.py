"""The case explainer: one person walked through the guidance, step by step, with citations.

``dipsim case FILE.yaml [--json]`` reads a case file, walks the person through the
*same* rule functions the simulation calls (:mod:`dipsim.rules`; nothing here
re-implements a rule) and reports the disposal, the DIP Condition, the outcome,
the actions the agencies must take and every step with the section of the May 2008
guidelines it rests on.

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
    events:
      drug_test: not_tested      # positive | negative | refused | not_tested    default not_tested
      inspector_authorises: false       # an Inspector authorised a test for a non-trigger
                                        # offence (§2.2); only explains the test step   default false
      attends_initial_assessment: null  # true | false | null (not held: Annex A note 2)  default null
      follow_up_assessment_arranged: false  # a follow-up Required Assessment (§2.2)  default false
      consents_to_share: true    # written consent to share (Annex A note 1)    default true
      police_bail: false         # (§3.1)                                        default false
      cps_authorises: null       # true | false | null (null: follow the police recommendation)
      cps_condition: null        # the CPS sets this condition explicitly (§4.5, §4.6); null:
                                 # the menu policy chooses. One of one_session, two_session,
                                 # two_session_follow_up, three_session, three_session_follow_up
      accepts_caution: true      # (§4.6.6 Step 3)                               default true
      sessions: []               # in order, as they happened: attended | missed_with_notice |
                                 # missed_without_notice | left_early | intoxicated |
                                 # unacceptable_behaviour. Sessions not listed count as attended;
                                 # events after the plan ends are ignored (and said so).
      review_gap_days: null      # days between session 2 and 3 (Annex C session 3)  default null
      follow_up: null            # complied | not_complied | null (null: no failure recorded)
      follow_up_max_days: null   # the maximum the CPS puts on the caution (§4.6.4)  default null
      follow_up_need_days: null  # the worker's assessment of need (§4.6.4); needs follow_up_max_days
      accepts_onward_referral: null     # true | false | null (null: agrees where indicated)
    card:                        # training card text (dipsim training); validated, not used here
      title: "..."
      narrative: "..."
      questions: ["...", "..."]
      perspectives: [police, cps, cjit]

Decision order (the simulation follows the same order)
------------------------------------------------------

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
7. The offer (§4.6.6 Step 3); declined: may be prosecuted; Restriction on Bail (§2.2).
8. An arranged follow-up assessment continues (§3.1) or, once the caution is administered,
   is cancelled (Annex A note 3) unless the offender is on police bail (§3.1).
9. Sessions (§4.6.1-4.6.3, §6, §5, Annex C), 10. follow-up (§4.6.4),
11. the CJIT report (§4.6.6 Step 5) and the police closure (§4.6.6 Step 6).

Outputs
-------

``disposal``: not_eligible | exit_no_drug_indication | alternative_disposal |
declined_prosecution | dip_conditional_caution.
``condition``: the condition the CPS set and the police offered (also when the offender
declined it), else null. ``outcome``: complied | non_compliance_reported when the caution
was administered, else null. ``actions``: de-duplicated, in the order of :data:`ACTIONS`.
``steps``: ``{step, rule, detail}`` with ``rule`` the citation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from .errors import InputError
from .yamlfile import read_yaml_document
from .rules import (assessment_route, choose_condition, cjit_report, cps_decision, dir_required,
                    follow_up_assessment, follow_up_outcome, follow_up_period, has_follow_up,
                    initial_assessment, offer_response, onward_referral, police_closure,
                    police_consideration, restriction_on_bail, review_gap_ok, session_event, sessions,
                    statutory_preconditions, test_on_arrest)
from .rules.base import Decision
from .rules.compliance import REVIEW_SESSIONS, SESSION_EVENTS
from .rules.eligibility import ADULT_AGE
from .rules.menu import CONDITION_SECTION, CONDITIONS, MENU_POLICIES, PROFILES
from .rules.offences import OFFENCE_NAMES
from .rules.testing import TEST_RESULTS

__all__ = ["ACTIONS", "DISPOSALS", "OUTCOMES", "CaseResult", "load_case", "normalise_case", "explain"]

# --------------------------------------------------------------------------- vocabulary

DISPOSALS = ("not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
             "dip_conditional_caution")
OUTCOMES = ("complied", "non_compliance_reported")
ACTIONS = ("report_ra_non_compliance", "cancel_follow_up_assessment", "required_assessment_continues",
           "restriction_on_bail_may_apply", "complete_dir", "reschedule_session", "refer_onward",
           "prosecution_considered")
"""Every action, in the canonical order the ``actions`` list follows."""

COUNTRIES = ("england", "wales")
FOLLOW_UP_EVENTS = ("complied", "not_complied")
PERSPECTIVES = ("police", "cps", "cjit")
REVIEW_GAP_DAYS = 3
"""Annex C session 3: "a minimum gap of three days between session 2 and 3"."""

DISPOSAL_LABELS = {
    "not_eligible": "not eligible for a Conditional Caution",
    "exit_no_drug_indication": "EXIT: no indication of drug misuse, no DIP Conditional Caution",
    "alternative_disposal": "the police consider an alternative disposal",
    "declined_prosecution": "the offender declined the caution and may be prosecuted for the original offence",
    "dip_conditional_caution": "Conditional Caution with a DIP Condition administered",
}
CONDITION_LABELS = {
    "one_session": "One Session Condition",
    "two_session": "Two Session Condition",
    "two_session_follow_up": "Two Session Condition with the Follow-Up Condition",
    "three_session": "Three Session Condition",
    "three_session_follow_up": "Three Session Condition with the Follow-Up Condition",
}
OUTCOME_LABELS = {
    "complied": "the CJIT informs police/CPS of compliance; the case is closed",
    "non_compliance_reported": "the CJIT informs police/CPS of non-compliance",
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
SESSION_LABELS = {
    "single_session": "single session: assessment, advice and review",
    "assessment_education": "assessment and education / awareness",
    "triage": "individual triage assessment",
    "education": "information and education",
    "review": "individual review / referral",
}

# --------------------------------------------------------------------------- the schema

_REQUIRED = object()


@dataclass(frozen=True)
class _Field:
    kind: str                      # bool | int | enum | profile | events | questions | perspectives | text
    default: Any = None
    nullable: bool = False
    choices: tuple = ()
    allowed: str = ""              # the "what is allowed" wording

    def describe(self) -> str:
        if self.allowed:
            return self.allowed
        base = {
            "bool": "true or false",
            "int": "a whole number >= 0",
            "text": "a text string",
            "questions": "a list of text strings",
        }.get(self.kind) or "one of " + ", ".join(str(c) for c in self.choices)
        return base + (" or null" if self.nullable else "")


_SCHEMA: dict[str, dict[str, _Field]] = {
    "area": {
        "intensive": _Field("bool", True),
        "country": _Field("enum", "england", choices=COUNTRIES),
    },
    "offender": {
        "age": _Field("int", 25),
        "offence": _Field("enum", _REQUIRED, choices=OFFENCE_NAMES),
        "admits_offence": _Field("bool", True),
        "sufficient_evidence": _Field("bool", True),
        "previous_convictions": _Field("int", 0),
        "recent_similar_offending": _Field("bool", False),
        "known_drug_misuser": _Field("bool", False),
        "resident_in_area": _Field("bool", True),
        "home_cjit_can_deliver": _Field("bool", True),
        "accepts_responsibility": _Field("bool", True),
        "drug_use_profile": _Field("profile", None, nullable=True, choices=PROFILES,
                                   allowed="an Annex B group 1, 2, 3 or 4, or null"),
        "resides_in_england": _Field("bool", None, nullable=True,
                                     allowed="true or false (default: true iff area.country is england)"),
    },
    "events": {
        "drug_test": _Field("enum", "not_tested", choices=TEST_RESULTS),
        "inspector_authorises": _Field("bool", False),
        "attends_initial_assessment": _Field("bool", None, nullable=True),
        "follow_up_assessment_arranged": _Field("bool", False),
        "consents_to_share": _Field("bool", True),
        "police_bail": _Field("bool", False),
        "cps_authorises": _Field("bool", None, nullable=True),
        "cps_condition": _Field("enum", None, nullable=True, choices=CONDITIONS),
        "accepts_caution": _Field("bool", True),
        "sessions": _Field("events", (), choices=SESSION_EVENTS,
                           allowed="a list whose entries are each one of " + ", ".join(SESSION_EVENTS)),
        "review_gap_days": _Field("int", None, nullable=True),
        "follow_up": _Field("enum", None, nullable=True, choices=FOLLOW_UP_EVENTS),
        "follow_up_max_days": _Field("int", None, nullable=True),
        "follow_up_need_days": _Field("int", None, nullable=True),
        "accepts_onward_referral": _Field("bool", None, nullable=True),
    },
    "card": {
        "title": _Field("text", None, nullable=True),
        "narrative": _Field("text", None, nullable=True),
        "questions": _Field("questions", (), ),
        "perspectives": _Field("perspectives", (), choices=PERSPECTIVES,
                               allowed="a list whose entries are each one of " + ", ".join(PERSPECTIVES)),
    },
}
SECTIONS = tuple(_SCHEMA)


def _show(value: Any) -> str:
    """A value as the user wrote it, for error messages (short, one line)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_value(file: str, key: str, spec: _Field, value: Any) -> Any:
    """Validate one value against its field; returns it normalised (lists become lists)."""
    def bad(what: str | None = None) -> InputError:
        return InputError(file, key, f"expected {spec.describe()}, got {what or _show(value)}")

    if value is None:
        if spec.nullable:
            return None
        raise bad()
    kind = spec.kind
    if kind == "bool":
        if type(value) is not bool:
            raise bad()
        return value
    if kind == "int":
        if type(value) is not int:
            if isinstance(value, float) and math.isnan(value):
                raise bad("NaN")
            raise bad()
        if value < 0:
            raise bad()
        return value
    if kind == "profile":
        if type(value) is not int or value not in spec.choices:
            raise bad()
        return value
    if kind == "enum":
        if not isinstance(value, str) or value not in spec.choices:
            raise bad()
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise bad()
        return value
    if kind in ("events", "perspectives", "questions"):
        if not isinstance(value, (list, tuple)):
            raise bad()
        out = []
        for i, item in enumerate(value):
            if kind == "questions":
                if not isinstance(item, str) or not item.strip():
                    raise InputError(file, f"{key}[{i}]", f"expected a non-empty text string, got {_show(item)}")
            elif not isinstance(item, str) or item not in spec.choices:
                raise InputError(file, f"{key}[{i}]",
                                 f"expected one of {', '.join(spec.choices)}, got {_show(item)}")
            out.append(item)
        return out
    raise AssertionError(kind)  # pragma: no cover


def normalise_case(raw: Any, file: str = "<case>") -> dict:
    """Validate a case mapping and fill every default; raise :class:`InputError` naming the key.

    Returns a new dict ``{area, offender, events, card}`` with every key present.
    """
    if not isinstance(raw, dict):
        raise InputError(file, None, f"expected a mapping with sections {', '.join(SECTIONS)}, "
                                     f"got {type(raw).__name__ if raw is not None else 'nothing'}")
    for section in raw:
        if section not in _SCHEMA:
            raise InputError(file, str(section), f"unknown section; allowed: {', '.join(SECTIONS)}")
    case: dict[str, dict[str, Any]] = {}
    for section, fields in _SCHEMA.items():
        given = raw.get(section, {})
        if not isinstance(given, dict):
            raise InputError(file, section, f"expected a mapping of keys (write {{}} for all defaults), "
                                            f"got {_show(given)}")
        for key in given:
            if key not in fields:
                raise InputError(file, f"{section}.{key}", f"unknown key; allowed: {', '.join(fields)}")
        out: dict[str, Any] = {}
        for key, spec in fields.items():
            dotted = f"{section}.{key}"
            if key in given:
                out[key] = _check_value(file, dotted, spec, given[key])
            elif spec.default is _REQUIRED:
                raise InputError(file, dotted, f"required; expected {spec.describe()}")
            else:
                out[key] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
        case[section] = out
    # Defaults that depend on other keys, and cross-key checks.
    if case["offender"]["resides_in_england"] is None:
        case["offender"]["resides_in_england"] = case["area"]["country"] == "england"
    ev = case["events"]
    if ev["follow_up_need_days"] is not None and ev["follow_up_max_days"] is None:
        raise InputError(file, "events.follow_up_need_days",
                         "needs events.follow_up_max_days: the CPS sets the maximum period (§4.6.4)")
    return case


# --------------------------------------------------------------------------- reading files

def read_yaml(path: str | Path) -> Any:
    """Read one YAML document, turning every failure into a one-line :class:`InputError`."""
    return read_yaml_document(path, "case")


def load_case(path: str | Path) -> dict:
    """Read, validate and complete a case file (see the module docstring for the format)."""
    return normalise_case(read_yaml(path), str(path))


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


class _Walk:
    """Collects steps and actions while a case is walked through the rules."""

    def __init__(self) -> None:
        self.steps: list[dict] = []
        self.actions: set[str] = set()

    def record(self, step: str, decision: Decision, detail: str | None = None) -> Decision:
        self.steps.append({"step": step, "rule": decision.rule, "detail": detail or decision.detail})
        return decision

    def note(self, step: str, rule: str, detail: str) -> None:
        self.steps.append({"step": step, "rule": rule, "detail": detail})

    def act(self, action: str) -> None:
        assert action in ACTIONS, action
        self.actions.add(action)

    def result(self, disposal: str, condition: str | None = None, outcome: str | None = None) -> CaseResult:
        assert disposal in DISPOSALS
        return CaseResult(disposal, condition, outcome, [a for a in ACTIONS if a in self.actions], self.steps)


_POLICE_STEP_NAMES = ("consent_to_share", "attitude", "residence", "offence_suitability", "record_suitability",
                      "police_recommendation")


def explain(case: dict, menu_policy: str = "annex_b", max_previous_convictions: int = 5,
            max_rearrangements: int = 1) -> CaseResult:
    """Walk one case through the guidance's rules, in the simulation's order.

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
    c = normalise_case(case)
    area, off, ev = c["area"], c["offender"], c["events"]
    w = _Walk()

    # 1. §2.1 statutory preconditions.
    pre = w.record("statutory_preconditions",
                   statutory_preconditions(off["age"], off["admits_offence"], off["sufficient_evidence"]))
    if off["age"] < ADULT_AGE:
        return w.result("not_eligible")

    # 2. §2.2 the drug test, as given.
    _record_test(w, area, off, ev)

    # 3. Annex A: required assessment, voluntary assessment or EXIT.
    route = w.record("assessment_route", assessment_route(area["intensive"], ev["drug_test"],
                                                         off["known_drug_misuser"]))
    failed_required_assessment = False
    if route.value == "required_assessment":
        ia = w.record("initial_assessment", initial_assessment(ev["attends_initial_assessment"]))
        if ia.value == "failed":
            failed_required_assessment = True
            w.act("report_ra_non_compliance")
    elif route.value == "voluntary_assessment":
        pass  # the step above (§4.6.6 Step 1) records it; willingness is in consents_to_share

    if not pre.value:
        _follow_up_continues(w, ev)
        return w.result("not_eligible")
    if route.value == "exit":
        _follow_up_continues(w, ev)
        return w.result("exit_no_drug_indication")

    # 4. The police's consideration (Annex A note 1, §4.1, §4.6.6 Steps 1-2).
    consideration = police_consideration(
        consents_to_share=ev["consents_to_share"], test_result=ev["drug_test"], offence_name=off["offence"],
        previous_convictions=off["previous_convictions"],
        recent_similar_offending=off["recent_similar_offending"],
        max_previous_convictions=max_previous_convictions, accepts_responsibility=off["accepts_responsibility"],
        resident_in_area=off["resident_in_area"], home_cjit_can_deliver=off["home_cjit_can_deliver"])
    for name, decision in zip(_POLICE_STEP_NAMES, consideration.steps):
        w.record(name, decision)
    if not consideration.referred:
        _follow_up_continues(w, ev)
        return w.result("alternative_disposal")

    # 5. The CPS decides (§4.5, §4.6.6 Step 2).
    cps = w.record("cps_decision", cps_decision(consideration.recommendation, ev["cps_authorises"]))
    if not cps.value:
        _follow_up_continues(w, ev)
        return w.result("alternative_disposal")

    # 6. The condition (§4.6, Annex B).
    chosen = choose_condition(menu_policy, off["drug_use_profile"], failed_required_assessment,
                              off["previous_convictions"])
    if ev["cps_condition"] is None:
        w.record("condition", chosen)
        condition = chosen.value
    else:
        condition = ev["cps_condition"]
        section = CONDITION_SECTION[condition]
        agrees = "as" if condition == chosen.value else "rather than"
        w.note("condition", "§4.5",
               f"the CPS makes the final decision and sets the {CONDITION_LABELS[condition]} ({section}), "
               f"{agrees} the {menu_policy} menu policy's {chosen.value} ({chosen.rule})")

    # 7. The offer (§4.6.6 Step 3).
    offer = w.record("offer", offer_response(ev["accepts_caution"]))
    if not offer.value:
        w.act("prosecution_considered")
        rob = w.record("restriction_on_bail",
                       restriction_on_bail(area["country"], off["resides_in_england"], ev["drug_test"]))
        if rob.value:
            w.act("restriction_on_bail_may_apply")
        _follow_up_continues(w, ev)
        return w.result("declined_prosecution", condition)

    # 8. An arranged follow-up assessment (Annex A note 3, §3.1).
    if ev["follow_up_assessment_arranged"]:
        fua = w.record("follow_up_assessment", follow_up_assessment(True, True, ev["police_bail"]))
        w.act("cancel_follow_up_assessment" if fua.value == "cancel" else "required_assessment_continues")

    # 9. The sessions (§4.6.1-4.6.3, §6, §5, Annex C).
    complied = _walk_sessions(w, condition, off["drug_use_profile"], ev, max_rearrangements)

    # 10. The Follow-Up Condition (§4.6.4).
    if has_follow_up(condition):
        if complied:
            if ev["follow_up_max_days"] is not None:
                need = ev["follow_up_need_days"]
                w.record("follow_up_period", follow_up_period(
                    float(ev["follow_up_max_days"]),
                    float(ev["follow_up_max_days"] if need is None else need)))
            fu = w.record("follow_up", follow_up_outcome(ev["follow_up"] != "not_complied"))
            complied = bool(fu.value)
    elif ev["follow_up"] is not None:
        w.note("follow_up", "§4.6.4",
               f"the case file records follow-up '{ev['follow_up']}', but the {CONDITION_LABELS[condition]} "
               "has no Follow-Up Condition: not used")

    # 11. The CJIT reports (§4.6.6 Step 5); the police close or respond (§4.6.6 Step 6).
    report = w.record("cjit_report", cjit_report(complied))
    closure = w.record("police_closure", police_closure(complied))
    if closure.value == "prosecution_considered":
        w.act("prosecution_considered")
    return w.result("dip_conditional_caution", condition, report.value)


def _record_test(w: _Walk, area: dict, off: dict, ev: dict) -> None:
    """§2.2: record the drug test as given, with whether testing on arrest would apply."""
    would = test_on_arrest(area["intensive"], off["age"], off["offence"], ev["inspector_authorises"])
    result = ev["drug_test"].replace("_", " ")
    w.note("drug_test", would.rule, f"drug test: {result} ({would.detail})")


def _follow_up_continues(w: _Walk, ev: dict) -> None:
    """§3.1: without a DIP CC administered, an arranged follow-up assessment goes ahead."""
    if ev["follow_up_assessment_arranged"]:
        d = w.record("follow_up_assessment", follow_up_assessment(True, False, ev["police_bail"]))
        if d.value == "continue":
            w.act("required_assessment_continues")


def _walk_sessions(w: _Walk, condition: str, profile: int | None, ev: dict, max_rearrangements: int) -> bool:
    """Consume the session events in order against the plan; True if every session was met."""
    plan = sessions(condition)
    events: list[str] = list(ev["sessions"])
    used = 0
    total = len(plan)
    for n, kind in enumerate(plan, 1):
        if total == 3 and n == 3:
            _review_gap(w, ev["review_gap_days"])
        rearranged = 0
        while True:
            if used < len(events):
                event, listed = events[used], True
                used += 1
            else:
                event, listed = "attended", False
            d = session_event(event, rearranged, max_rearrangements)
            label = f"session {n} of {total} ({SESSION_LABELS[kind]})"
            if event == "attended":
                how = d.detail + ("" if listed else " (not listed in the case file: counts as attended)")
            else:
                how = f"{event.replace('_', ' ')}: {d.detail}"
            w.record(f"session_{n}", d, f"{label}: {how}")
            if d.value == "rearrange":
                w.act("reschedule_session")
                rearranged += 1
                continue
            if d.value == "non_compliance":
                _unused_events(w, events[used:], "after the non-compliance")
                return False
            break
        dr = dir_required(kind)
        if dr.value:
            w.record("dir", dr)
            w.act("complete_dir")
        if kind in REVIEW_SESSIONS:
            ref = w.record("onward_referral", onward_referral(profile, True, ev["accepts_onward_referral"]))
            if ref.value:
                w.act("refer_onward")
    _unused_events(w, events[used:], "after the last session of the plan")
    return True


def _review_gap(w: _Walk, days: int | None) -> None:
    if days is None:
        w.note("review_gap", "Annex C session 3",
               f"a minimum gap of {REVIEW_GAP_DAYS} days between session 2 and session 3 is recommended, so the "
               "offender may reflect on what he has learned (the case file gives no dates)")
        return
    d = review_gap_ok(float(days), float(REVIEW_GAP_DAYS))
    verdict = "meets" if d.value else "falls short of"
    w.record("review_gap", d, f"{d.detail}: {verdict} the recommended gap (a recommendation, not a condition)")


def _unused_events(w: _Walk, rest: list[str], where: str) -> None:
    if rest:
        w.note("unused_session_events", "§4.6.6 Step 4",
               f"{len(rest)} session event(s) {where} are not used: {', '.join(rest)}")
