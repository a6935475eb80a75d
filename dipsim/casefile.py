"""Case files (``dipsim case``, training cards): their schema as pydantic dataclasses, and reading one.

The format is described in :mod:`dipsim.case`. Every problem is one
:class:`~dipsim.errors.InputError` line naming the file, the key (``events.sessions[1]`` for a
list entry) and what is allowed; the checks are the field types below, translated by
:func:`dipsim.validation.input_error` as for scenario files.
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from .errors import InputError
from .rules.compliance import SESSION_EVENTS, WORKER_JUDGEMENT_EVENTS
from .rules.eligibility import ADULT_AGE
from .rules.menu import CONDITIONS, PROFILES
from .rules.offences import OFFENCE_NAMES
from .rules.testing import TEST_RESULTS, assessment_route, test_on_arrest
from .validation import fail, input_error, mapping_keys
from .yamlfile import read_yaml_document

__all__ = ["make_possible", "impossible_facts", "CASE_SESSION_EVENTS", "COMPLY_BY", "COUNTRIES", "FOLLOW_UP_EVENTS", "WARNED", "PERSPECTIVES", "SECTIONS", "Case", "load_case", "normalise_case"]

COUNTRIES = ("england", "wales")
FOLLOW_UP_EVENTS = ("complied", "not_complied")
WARNED = "_warned"
CASE_SESSION_EVENTS = SESSION_EVENTS + tuple(e + WARNED for e in WORKER_JUDGEMENT_EVENTS)
"""A session's event as a case file writes it: ``intoxicated_warned``: intoxicated, and the worker warned him and
re-arranged rather than reporting non-compliance (§6, Annex C session 1: the worker's judgement)."""
COMPLY_BY = ("in_time", "late_own_failure", "late_cjit")
PERSPECTIVES = ("police", "cps", "cjit")


def _show(value: Any) -> str:
    """A value as the user wrote it, for error messages (short, one line)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- value types

def _expect(ok, allowed: str, nullable: bool, v: Any) -> Any:
    """``v`` if ``ok(v)`` (or null, when ``nullable``); else "expected <allowed>, got <v>"."""
    if v is None and nullable:
        return v
    if not ok(v):
        shown = "NaN" if ok is _is_count and isinstance(v, float) and math.isnan(v) else _show(v)
        fail(f"expected {allowed}, got {shown}")
    return v


def _check(base: Any, ok, allowed: str, nullable: bool = False, *, says_null: bool = False, **schema: Any) -> Any:
    """``base`` (the type editors see) checked by ``ok``; ``allowed``: the words for it (``says_null``:
    they already mention null)."""
    typ = Optional[base] if nullable else base
    words = allowed + (" or null" if nullable and not says_null else "")
    return Annotated[typ, Field(**schema), BeforeValidator(partial(_expect, ok, words, nullable))]


def _is_bool(v: Any) -> bool:
    return type(v) is bool


def _is_count(v: Any) -> bool:
    return type(v) is int and v >= 0


def _one_of(choices: tuple, v: Any) -> bool:
    return isinstance(v, str) and v in choices


def Bool(nullable: bool = False, allowed: str = "") -> Any:
    return _check(bool, _is_bool, allowed or "true or false", nullable, says_null=bool(allowed))


def Count(nullable: bool = False) -> Any:
    return _check(int, _is_count, "a whole number >= 0", nullable, ge=0)


def Choice(choices: tuple[str, ...], nullable: bool = False) -> Any:
    return _check(Literal[tuple(choices)], partial(_one_of, tuple(choices)), "one of " + ", ".join(choices), nullable)


def _is_text(v: Any) -> bool:
    return isinstance(v, str)


def _is_profile(v: Any) -> bool:
    return type(v) is int and v in PROFILES


def _non_empty_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_list(v: Any) -> bool:
    return isinstance(v, (list, tuple))


def ListOf(item: Any, allowed: str) -> Any:
    return Annotated[list[item], BeforeValidator(partial(_expect, _is_list, allowed, False))]


Text = _check(str, _is_text, "a text string", nullable=True)
Profile = _check(Literal[tuple(PROFILES)], _is_profile, "an Annex B group 1, 2, 3 or 4, or null", nullable=True,
                 says_null=True)


def _entries(choices: tuple[str, ...]) -> Any:
    return ListOf(Choice(choices), "a list whose entries are each one of " + ", ".join(choices))


Question = _check(str, _non_empty_text, "a non-empty text string", min_length=1)


# --------------------------------------------------------------------------- sections

config = ConfigDict(extra="forbid")
section = dataclass(config=config, kw_only=True)


class _Section:
    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        names = tuple(cls.__dataclass_fields__)
        return mapping_keys(data, names, f"expected a mapping of keys (write {{}} for all defaults), got {_show(data)}",
                            f"unknown key; allowed: {', '.join(names)}")


def d(default: Any, doc: str) -> Any:
    """A case key: its default and what it means (shown by editors through the JSON Schema)."""
    if isinstance(default, list):
        return dataclasses.field(default_factory=list, metadata={"description": doc})
    return dataclasses.field(default=default, metadata={"description": doc})


@section
class Area(_Section):
    intensive: Bool() = d(True, "A DIP intensive area (§2.2).")
    country: Choice(COUNTRIES) = d("england", "england | wales.")


@section
class Offender(_Section):
    age: Count() = d(25, "Age in years.")
    offence: Choice(OFFENCE_NAMES) = dataclasses.field(metadata={"description": "REQUIRED: the offence."})
    admits_offence: Bool() = d(True, "Admits in a cautioned interview (§2.1).")
    sufficient_evidence: Bool() = d(True, "Sufficient evidence to charge (§2.1).")
    previous_convictions: Count() = d(0, "Previous convictions (§4.1).")
    recent_similar_offending: Bool() = d(False, "Recent offending of a similar nature (§4.1).")
    known_drug_misuser: Bool() = d(False, "Known to police or CJIT as a drug misuser (Annex A, note 2).")
    resident_in_area: Bool() = d(True, "Lives in this DAT area (§4.6.6 Step 1).")
    home_cjit_can_deliver: Bool() = d(True, "If out of area: the home CJIT can deliver (§4.6.6 Step 1).")
    accepts_responsibility: Bool() = d(True, "Attitude (§4.1).")
    drug_use_profile: Profile = d(None, "Annex B group 1-4 as the assessment finds it, or null.")
    resides_in_england: Bool(True, "true or false (default: true iff area.country is england)") = d(
        None, "For Restriction on Bail (§2.2); default: true iff area.country is england.")


@section
class Events(_Section):
    drug_test: Choice(TEST_RESULTS) = d("not_tested", "The test on arrest (§2.2).")
    inspector_authorises: Bool() = d(False, "An Inspector authorised a test for a non-trigger offence (§2.2).")
    attends_initial_assessment: Bool(True) = d(None, "true | false | null (not held: Annex A note 2).")
    follow_up_assessment_arranged: Bool() = d(False, "A follow-up Required Assessment (§2.2).")
    attends_follow_up_assessment: Bool(True) = d(
        None, "true | false | null (not stated). With police bail: held while he was on bail, before the CPS "
              "decision; false counts as a failed Required Assessment (§4.6.3). Without: held after the decision, "
              "if no caution cancelled it (Annex A note 3). Needs follow_up_assessment_arranged.")
    willing_to_see_worker: Bool() = d(True, "On the voluntary route: willing to see the drug worker (§4.6.6 "
                                            "Step 1); false stops the case as its own outcome, not refused consent.")
    consents_to_share: Bool() = d(True, "Written consent to share (Annex A note 1).")
    dir_already_completed: Bool() = d(False, "A current DIR from an earlier contact: his triage assessments add to "
                                             "it rather than complete another (§5).")
    police_bail: Bool() = d(False, "On police bail (§3.1).")
    police_refer_on_merits: Bool() = d(False, "The police refer despite a record that weighs against, on its "
                                              "own merits (§4.1).")
    exceptional_reason: Bool() = d(False, "The police see an exceptional reason to offer a DIP CC to an Annex B "
                                          "group 4 offender with a record (Annex B).")
    cps_authorises: Bool(True) = d(None, "The CPS's decision on a case the police refer (§4.5); null: it agrees "
                                         "with the police.")
    cps_condition: Choice(CONDITIONS, nullable=True) = d(None, "The CPS sets this condition (§4.5, §4.6); null: "
                                                               "the menu policy chooses.")
    accepts_caution: Bool() = d(True, "Accepts the offer (§4.6.6 Step 3).")
    sessions: _entries(CASE_SESSION_EVENTS) = d([], "In order, as they happened; sessions not listed count as attended. "
                                                    "intoxicated_warned / unacceptable_behaviour_warned: the worker "
                                                    "warned and re-arranged rather than reporting (§6: his judgement).")
    review_gap_days: Count(True) = d(None, "Days between session 2 and 3 (Annex C session 3).")
    follow_up: Choice(FOLLOW_UP_EVENTS, nullable=True) = d(None, "null: no failure recorded.")
    follow_up_max_days: Count(True) = d(None, "The maximum the CPS puts on the caution (§4.6.4).")
    follow_up_need_days: Count(True) = d(None, "The worker's assessment of need (§4.6.4); needs follow_up_max_days.")
    accepts_onward_referral: Bool(True) = d(None, "null: agrees where indicated.")
    onward_referral_indicated: Bool(True) = d(None, "The worker's review finds further need (Annex B); null: Annex B's "
                                                    "likely course (group 1 no, groups 2-4 yes).")
    group_session: Bool(True) = d(None, "Session 2 may be (true) or cannot be (false) a group session in this "
                                        "area (§4.6.2, §4.6.3); null: not stated.")
    comply_by_days: Count(True) = d(None, "Days from the caution to the date it names to comply by (§4.6.6 Step 3); "
                                          "null: not stated.")
    comply_by: Choice(COMPLY_BY, nullable=True) = d(
        None, "Completed by the date the caution names (§4.6.6 Steps 3 and 5): in_time; late_own_failure (his own "
              "re-arranged appointments made him late: non-compliance); late_cjit (the CJIT could not deliver in "
              "time: reported separately); null: not stated.")
    police_prosecute: Bool(True) = d(None, "After non-compliance the police prosecute (§2.1); null: not stated "
                                           "(prosecution may follow).")

    def __post_init__(self) -> None:
        if self.follow_up_need_days is not None and self.follow_up_max_days is None:
            fail("needs events.follow_up_max_days: the CPS sets the maximum period (§4.6.4)", key="follow_up_need_days")


@section
class Card(_Section):
    title: Text = d(None, "Training card title.")
    narrative: Text = d(None, "Training card story.")
    questions: ListOf(Question, "a list of text strings") = d([], "Questions for the trainees.")
    perspectives: _entries(PERSPECTIVES) = d([], "Whose view the card takes: police, cps, cjit.")


@section
class Case(_Section):
    area: Area = dataclasses.field(default_factory=Area)
    offender: Offender  # required: offender.offence is
    events: Events = dataclasses.field(default_factory=Events)
    card: Card = dataclasses.field(default_factory=Card)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            fail(f"expected a mapping with sections {', '.join(SECTIONS)}, "
                 f"got {type(data).__name__ if data is not None else 'nothing'}")
        for section in data:
            if section not in SECTIONS:
                fail(f"unknown section; allowed: {', '.join(SECTIONS)}", key=str(section))
        return {"offender": {}, **data}  # so that a missing section names offender.offence


SECTIONS = ("area", "offender", "events", "card")
_CASE = TypeAdapter(Case)


def normalise_case(raw: Any, file: str = "<case>") -> dict:
    """Validate a case mapping and fill every default; raise :class:`InputError` naming the key.

    Returns a new dict ``{area, offender, events, card}`` with every key present.
    """
    try:
        case = dataclasses.asdict(_CASE.validate_python(raw))
    except ValidationError as exc:
        err = input_error(exc, file, brackets=True)
        if err.message == "required":
            err = InputError(file, err.key, f"required; expected one of {', '.join(OFFENCE_NAMES)}")
        raise err from None
    if case["offender"]["resides_in_england"] is None:
        case["offender"]["resides_in_england"] = case["area"]["country"] == "england"
    impossible = impossible_facts(case)
    if impossible is not None:
        keys, why = impossible
        raise InputError(file, ", ".join(keys), why)
    return case


NEUTRAL = {"events.drug_test": "not_tested", "events.attends_initial_assessment": None,
           "events.follow_up_assessment_arranged": False, "events.attends_follow_up_assessment": None}
"""The value that removes an impossible fact (the first key :func:`impossible_facts` names)."""


def make_possible(case: dict) -> dict:
    """A completed case with each impossible fact replaced by its neutral value (a resident of the area lives
    in its country), until the rules allow them all together: for generated cases (dipsim.pathway_map)."""
    while (impossible := impossible_facts(case)) is not None:
        section, key = impossible[0][0].split(".")
        if (section, key) == ("offender", "resides_in_england"):
            case[section][key] = case["area"]["country"] == "england"
        else:
            case[section][key] = NEUTRAL[f"{section}.{key}"]
    return case


def impossible_facts(case: dict) -> tuple[tuple[str, ...], str] | None:
    """The first pair of facts in a completed case that cannot occur together under the rules, as (the keys,
    why), or None. Each check asks the rule that makes the facts impossible (dipsim.rules)."""
    area, off, ev = case["area"], case["offender"], case["events"]
    test = test_on_arrest(area["intensive"], off["age"], off["offence"], ev["inspector_authorises"])
    if ev["drug_test"] != "not_tested" and not test.value:
        if not area["intensive"]:
            keys = ("events.drug_test", "area.intensive")
        elif off["age"] < ADULT_AGE:
            keys = ("events.drug_test", "offender.age")
        else:
            keys = ("events.drug_test", "offender.offence", "events.inspector_authorises")
        return keys, (f"a test result ({ev['drug_test']}) where there is no test on arrest: {test.detail} (§2.2); "
                      "write drug_test: not_tested")
    required = assessment_route(area["intensive"], ev["drug_test"], off["known_drug_misuser"]).value == "required_assessment"
    if ev["attends_initial_assessment"] is not None and not required:
        return (("events.attends_initial_assessment", "events.drug_test", "area.intensive"),
                "an initial Required Assessment follows only a positive test in an intensive area (§2.2); write "
                "attends_initial_assessment: null")
    if ev["follow_up_assessment_arranged"] and ev["attends_initial_assessment"] is not True:
        return (("events.follow_up_assessment_arranged", "events.attends_initial_assessment"),
                "a follow-up Required Assessment is arranged at an initial assessment he attended and remained at "
                "(§2.2)")
    if ev["attends_follow_up_assessment"] is not None and not ev["follow_up_assessment_arranged"]:
        return (("events.attends_follow_up_assessment", "events.follow_up_assessment_arranged"),
                "no follow-up Required Assessment was arranged (§2.2), so he cannot attend or fail one")
    if off["resident_in_area"] and off["resides_in_england"] != (area["country"] == "england"):
        return (("offender.resides_in_england", "offender.resident_in_area", "area.country"),
                f"he lives in this DAT area, which is in {area['country'].capitalize()}: Restriction on Bail (§2.2) "
                "is decided from where he lives")
    return None


def read_yaml(path: str | Path) -> Any:
    """Read one YAML document, turning every failure into a one-line :class:`InputError`."""
    return read_yaml_document(path, "case")


def load_case(path: str | Path) -> dict:
    """Read, validate and complete a case file (see :mod:`dipsim.case` for the format)."""
    return normalise_case(read_yaml(path), str(path))
