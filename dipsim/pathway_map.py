"""The Annex A process map, drawn from the one pathway (not by hand).

The guidance's Annex A is a flowchart. dipsim writes its order once, in :func:`dipsim.pathway.pathway`;
this module does not write it again. It declares only the *boxes* - the words on the map, each
with the pathway steps that belong to it (:data:`BOXES`, :data:`ENDS`) - and learns everything
else by walking the pathway:

* the *arrows*: every pair of boxes one after the other in some walk, and every box a walk
  ends in (:func:`box_path`, :func:`annex_a_map`);
* each box's *sections*: every citation the pathway's rules give for its steps in those walks
  (:func:`cited_sections`), so a label cannot name a section the rules do not cite.

The walks are the explainer's (:func:`dipsim.case.explain`, the pathway in a case world) over the
training cards and over :func:`sample_cases` - many cases drawn, with a fixed seed, from every value
the case-file format allows. A step the pathway takes that no box claims is an error
(:class:`UnmappedStep`), so a new step cannot silently fall off the map; the tests also walk
simulated people (:mod:`dipsim.simulated_cases`) and check that every path they take is on the map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from .casefile import CASE_SESSION_EVENTS, COMPLY_BY, COUNTRIES, FOLLOW_UP_EVENTS
from .kpis import TERMINAL_STATES as TERMINAL_WORDS
from .rules.menu import CONDITIONS, PROFILES
from .rules.offences import OFFENCE_NAMES
from .rules.testing import TEST_RESULTS

__all__ = ["BOXES", "END_NOTE", "ENDS", "NOTES", "Box", "PathwayMap", "UnmappedStep", "annex_a_map", "box_path",
           "cited_sections", "end_of", "sample_cases"]


@dataclass(frozen=True)
class Box:
    key: str
    label: str                      # the map's words (Annex A's own where it has them)
    phase: str                      # the column it is drawn in
    steps: tuple[str, ...] = ()     # the explainer's step names that happen in this box
    section: str = ""               # for an end: its section (kpis.TERMINAL_STATES); steps' boxes: cited


CUSTODY, DECISION, CONDITION = "Arrest and custody", "The police and the CPS decide", "The DIP Condition"
PHASES = (CUSTODY, DECISION, CONDITION)

BOXES: tuple[Box, ...] = (
    # In the order of the Annex A map (and of the pathway: a test checks every arrow points forward).
    Box("admits", "Offender admits offence: the statutory preconditions", CUSTODY, ("statutory_preconditions",)),
    Box("test", "Drug test on arrest", CUSTODY, ("drug_test",)),
    Box("route", "Is area DIP intensive? Test positive? Known to be a drug misuser?", CUSTODY, ("assessment_route",)),
    Box("ia", "Initial Required Assessment: does the offender attend and remain?", CUSTODY, ("initial_assessment",)),
    Box("va", "Voluntary assessment with CJIT worker", CUSTODY, ("voluntary_assessment",)),
    Box("consent", "CJIT worker feeds back from assessment with informed consent", CUSTODY, ("consent_to_share",)),
    Box("consider", "Police consider Conditional Caution with a DIP Condition", DECISION,
        ("attitude", "residence", "offence_suitability", "record_suitability", "drug_use_suitability")),
    Box("consult", "Police consult with CPS", DECISION, ("police_recommendation",)),
    Box("bail", "On police bail: the Required Assessment process continues", DECISION, ("follow_up_assessment",)),
    Box("cps", "Does CPS authorise the DIP CC?", DECISION, ("cps_decision",)),
    Box("condition", "The DIP Condition: menu or CPS", DECISION, ("condition",)),
    Box("offer", "Offer of CC explained: does offender accept the DIP CC?", DECISION, ("offer",)),
    Box("rob", "Restriction on Bail if charged?", DECISION, ("restriction_on_bail",)),
    Box("kept", "No caution: an arranged follow-up assessment goes ahead", DECISION, ("follow_up_assessment",)),
    Box("caution", "Caution administered: an arranged follow-up assessment is cancelled", CONDITION,
        ("follow_up_assessment",)),
    Box("sessions", "Sessions: does the offender attend and participate?", CONDITION,
        ("session_1", "session_2", "session_3", "group_session", "review_gap", "dir")),
    Box("review", "Review: onward referral", CONDITION, ("onward_referral",)),
    Box("follow_up", "Follow-Up Condition", CONDITION, ("follow_up_period", "follow_up")),
    Box("comply_by", "Completed by the date the caution names?", CONDITION, ("comply_by",)),
    Box("report", "CJIT informs police/CPS", CONDITION, ("cjit_report",)),
    Box("closure", "Police close the case or initiate a response", CONDITION, ("police_closure",)),
    Box("prosecution", "Police decide whether to prosecute", CONDITION, ("prosecution",)),
)
BY_KEY = {b.key: b for b in BOXES}
END_NOTE = "kept"
"""The box that is a note on an end rather than a place on the way: with no caution, an arranged
follow-up assessment goes ahead (§3.1) - whichever box the walk stopped at."""
NOTES = ("unused_session_events",)
"""Steps that are remarks on the case file, not places on the map (session events it did not use)."""

# Where a walk ends: the disposal, or with a caution its outcome (words and sections: dipsim.kpis).
_END_OF = {"not_eligible": "not_eligible", "exit_no_drug_indication": "exit_no_drug_indication",
           "alternative_disposal": "alternative_disposal", "declined_prosecution": "declined_prosecution",
           "complied": "complied_case_closed", "non_compliance_reported": "non_compliance_reported",
           "not_delivered_in_time": "not_delivered_in_time"}
_END_WORDS = {"complied_case_closed": "CJIT informs police/CPS of compliance: case closed",
              "non_compliance_reported": "Non-compliance: the police initiate a response",
              "not_delivered_in_time": "Not delivered in time: reported separately"}
ENDS: dict[str, Box] = {
    t: Box(t, _END_WORDS.get(t) or TERMINAL_WORDS[t][1] or TERMINAL_WORDS[t][0].capitalize(), "", (),
           TERMINAL_WORDS[t][2])
    for t in dict.fromkeys(_END_OF.values())}


class UnmappedStep(ValueError):
    """The pathway took a step that no box of the map claims (add it to a box in :data:`BOXES`)."""


def end_of(disposal: str, outcome: str | None) -> str:
    """The end box of a walk: the disposal, or with a caution administered its outcome."""
    return _END_OF[outcome if disposal == "dip_conditional_caution" and outcome else disposal]


_OWNERS: dict[str, list[str]] = {}
for _b in BOXES:
    for _s in _b.steps:
        _OWNERS.setdefault(_s, []).append(_b.key)


def _box_of(steps: list[dict], k: int, previous: str | None) -> str:
    name = steps[k]["step"]
    owners = _OWNERS.get(name)
    if not owners:
        raise UnmappedStep(f"the pathway's step {name!r} ({steps[k]['rule']}) is in no box of the Annex A map")
    if len(owners) == 1:
        return owners[0]
    # The arranged follow-up assessment is decided in three places (§3.1, Annex A note 3):
    # while on police bail (before the CPS), at the caution, or when no caution follows.
    if previous == "offer":
        return "caution"
    return "kept" if k == len(steps) - 1 else "bail"


def box_path(steps: list[dict], disposal: str, outcome: str | None) -> list[str]:
    """The boxes a walk passes through, in order (a box once per visit), then its end box."""
    path: list[str] = []
    for k, s in enumerate(steps):
        if s["step"] in NOTES:
            continue
        box = _box_of(steps, k, path[-1] if path else None)
        if not path or path[-1] != box:
            path.append(box)
    return path + [end_of(disposal, outcome)]


def _section_key(cite: str) -> tuple:
    m = re.match(r"§([\d.]+)(?: Steps? (\d+))?", cite)
    if m:
        return (0, tuple(int(x) for x in m.group(1).split(".")), int(m.group(2) or 0))
    return (1, cite, 0)


def cited_sections(cites: Iterable[str]) -> str:
    """Citations in the guidance's order, one per section: "Annex B profile 3" reads "Annex B",
    "Annex C session 1" "Annex C", and "§4.6.6 Step 1" with "§4.6.6 Step 2" reads "§4.6.6 Steps 1-2"."""
    steps: dict[str, set[int]] = {}
    for c in cites:
        c = re.sub(r"^(Annex [A-Z]) (profile|session) \d+$", r"\1", c)
        m = re.match(r"^(§[\d.]+) Steps? (\d+)(?:-(\d+))?$", c)
        if m:
            lo, hi = int(m.group(2)), int(m.group(3) or m.group(2))
            steps.setdefault(m.group(1), set()).update(range(lo, hi + 1))
        else:
            steps.setdefault(c, set())
    # A section cited both alone and by step reads by step; Annex A with a note keeps both.
    out = []
    for sec in sorted(steps, key=_section_key):
        nums = sorted(steps[sec])
        if not nums:
            out.append(sec)
        elif nums == list(range(nums[0], nums[-1] + 1)) and len(nums) > 1:
            out.append(f"{sec} Steps {nums[0]}-{nums[-1]}")
        else:
            out.append(f"{sec} Step{'s' if len(nums) > 1 else ''} {', '.join(map(str, nums))}")
    return ", ".join(out)


@dataclass
class PathwayMap:
    """The Annex A map the walks draw: boxes in order, arrows, ends, and each box's sections."""

    boxes: list[Box]                                   # the boxes some walk passed through, in map order
    arrows: list[tuple[str, str]]                      # box -> box, in map order
    ends: dict[str, list[str]]                         # box -> the end boxes walks end in from it
    noted: set[tuple[str, str]] = field(default_factory=set)  # (box, end) reached through the end note
    sections: dict[str, str] = field(default_factory=dict)  # box or end key -> its sections
    walks: int = 0

    def label(self, key: str) -> str:
        return (BY_KEY.get(key) or ENDS[key]).label


def annex_a_map(results: Iterable) -> PathwayMap:
    """The map the given walks draw (each a :class:`dipsim.case.CaseResult`)."""
    order = {b.key: n for n, b in enumerate(BOXES)}
    seen: set[str] = set()
    arrows: set[tuple[str, str]] = set()
    noted: set[tuple[str, str]] = set()
    ends: dict[str, set[str]] = {}
    cites: dict[str, set[str]] = {}
    n = 0
    for r in results:
        n += 1
        path = box_path(r.steps, r.disposal, r.outcome)
        boxes = path[:-1]
        steps = [s for s in r.steps if s["step"] not in NOTES]
        prev = None
        for k, s in enumerate(steps):
            box = _box_of(steps, k, prev)
            cites.setdefault(box, set()).add(s["rule"])
            prev = box
        seen.update(boxes)
        if boxes[-1] == END_NOTE:  # an arranged follow-up assessment kept at the end: a note on the end
            boxes = boxes[:-1]
            noted.add((boxes[-1], path[-1]))
        arrows.update(zip(boxes, boxes[1:]))
        ends.setdefault(boxes[-1], set()).add(path[-1])
    end_order = list(ENDS)
    sections = {k: cited_sections(v) for k, v in cites.items()}
    sections.update({k: e.section for k, e in ENDS.items()})
    return PathwayMap(boxes=[b for b in BOXES if b.key in seen],
                      arrows=sorted(arrows, key=lambda a: (order[a[0]], order[a[1]])),
                      ends={k: sorted(v, key=end_order.index) for k, v in sorted(ends.items(), key=lambda kv: order[kv[0]])},
                      noted=noted, sections=sections, walks=n)


# --------------------------------------------------------------------------- the cases walked

def sample_cases(n: int, seed: int = 2008) -> list[dict]:
    """``n`` case files drawn from every value the case-file format allows (a fixed seed: the same
    cases every build). Each fact that stops a case early is drawn rarely, so most walks go far."""
    rng = np.random.default_rng(seed)

    def pick(values, p=None):
        return values[int(rng.choice(len(values), p=p))]

    def yes(p):
        return bool(rng.random() < p)

    cases = []
    for _ in range(n):
        n_sessions = int(rng.integers(0, 6))
        max_days = pick([None, 28, 56])
        cases.append({
            "area": {"intensive": yes(0.7), "country": pick(COUNTRIES)},
            "offender": {
                "age": pick([16, 19, 30, 45], [0.03, 0.3, 0.4, 0.27]), "offence": pick(OFFENCE_NAMES),
                "admits_offence": yes(0.95), "sufficient_evidence": yes(0.95),
                "previous_convictions": pick([0, 0, 2, 8]), "recent_similar_offending": yes(0.1),
                "known_drug_misuser": yes(0.6), "resident_in_area": yes(0.85), "home_cjit_can_deliver": yes(0.5),
                "accepts_responsibility": yes(0.93), "drug_use_profile": pick((None,) + tuple(PROFILES)),
                "resides_in_england": yes(0.8),
            },
            "events": {
                "drug_test": pick(TEST_RESULTS), "inspector_authorises": yes(0.1),
                "attends_initial_assessment": pick([None, True, True, False]),
                "follow_up_assessment_arranged": yes(0.4), "willing_to_see_worker": yes(0.9),
                "consents_to_share": yes(0.93), "police_bail": yes(0.3), "police_refer_on_merits": yes(0.3),
                "exceptional_reason": yes(0.3), "cps_authorises": pick([None, None, True, False]),
                "cps_condition": pick((None, None) + tuple(CONDITIONS)), "accepts_caution": yes(0.85),
                "sessions": [pick(CASE_SESSION_EVENTS) if yes(0.5) else "attended" for _ in range(n_sessions)],
                "review_gap_days": pick([None, 1, 5]), "follow_up": pick((None,) + FOLLOW_UP_EVENTS),
                "follow_up_max_days": max_days,
                "follow_up_need_days": None if max_days is None else pick([None, 14, 90]),
                "accepts_onward_referral": pick([None, True, False]),
                "onward_referral_indicated": pick([None, True, False]), "group_session": pick([None, True, False]),
                "comply_by_days": pick([None, 42]), "comply_by": pick((None,) + COMPLY_BY),
                "police_prosecute": pick([None, True, False]),
            },
        })
    return cases
