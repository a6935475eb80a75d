"""A case file as a world for the one pathway: the explainer's walk (``dipsim case``).

:class:`CaseWorld` answers :func:`dipsim.pathway.pathway`'s questions from a case file at
once - the case says what happened, not when - and, since it is explaining, keeps every
cited decision the pathway takes as a step, with the actions the agencies must take. The
explainer's answer (disposal, condition, outcome) is read off the record the walk wrote,
just as the simulation's people table is.

What a case states that a simulation draws or times:

* the drug test's result, as given (the rule on testing on arrest is cited beside it);
* the initial assessment: attended, failed, or ``null``: none took place (Annex A note 2);
* a follow-up assessment arranged, the assessed drug-use profile and police bail, as facts
  on the record from the start (the CPS decides after release exactly when on police bail);
* the session events in order (unlisted sessions count as attended), the follow-up as
  complied or not, and the CPS's explicit condition if it set one;
* the judgements the guidance leaves open, when the case states them: whether the worker warned
  rather than reported an intoxicated or unacceptable appointment (§6), whether session 2 was a
  group (§4.6.2, §4.6.3), whether the review found further need (Annex B), whether the police
  prosecuted after non-compliance (§2.1), and the comply-by date (§4.6.6 Step 3).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .casefile import WARNED
from .pathway import ARRANGED, PathwaySettings, pathway
from .pathway_record import CONDITION_CODES, DISPOSALS, NOT_SET, TERMINAL_STATES, PersonRecord
from .rules import review_gap_ok
from .rules.base import Decision
from .rules.menu import CONDITION_SECTION, CONDITIONS
from .rules.offences import OFFENCE_NAMES
from .scenario.schema import OUTCOME_KEYS

ACTIONS = ("report_ra_non_compliance", "cancel_follow_up_assessment", "required_assessment_continues",
           "restriction_on_bail_may_apply", "complete_dir", "reschedule_session", "refer_onward",
           "prosecution_considered")
"""Every action, in the canonical order the ``actions`` list follows."""
REVIEW_GAP_DAYS = 3
"""Annex C session 3: "a minimum gap of three days between session 2 and 3"."""
CONDITION_LABELS = {
    "one_session": "One Session Condition",
    "two_session": "Two Session Condition",
    "two_session_follow_up": "Two Session Condition with the Follow-Up Condition",
    "three_session": "Three Session Condition",
    "three_session_follow_up": "Three Session Condition with the Follow-Up Condition",
}
SESSION_LABELS = {
    "single_session": "single session: assessment, advice and review",
    "assessment_education": "assessment and education / awareness",
    "triage": "individual triage assessment",
    "education": "information and education",
    "review": "individual review / referral",
}
OUTCOME_OF_TERMINAL = {"complied_case_closed": "complied", "non_compliance_reported": "non_compliance_reported",
                       "not_delivered_in_time": "not_delivered_in_time"}


class PaperClock:
    """A case's clock: every wait ends at once (it still counts the hours it is told to wait)."""

    def __init__(self) -> None:
        self.now = 0.0

    def timeout(self, delay: float) -> None:
        self.now += delay


def _immediately(value):
    """A sub-generator that returns ``value`` without waiting (the pathway ``yield from``\\ s it)."""
    return value
    yield  # pragma: no cover - makes this a generator


class CaseWorld:
    """One person, as a normalised case file states him (see :func:`dipsim.case.normalise_case`)."""

    explaining = True

    def __init__(self, case: dict, menu_policy: str, max_previous_convictions: int, max_rearrangements: int):
        area, off, ev = case["area"], case["offender"], case["events"]
        self.events = ev
        max_days, need_days = ev["follow_up_max_days"], ev["follow_up_need_days"]
        self.env = PaperClock()
        self.never = None
        self.settings = PathwaySettings(
            intensive=area["intensive"], country=area["country"], menu_policy=menu_policy,
            max_previous_convictions=max_previous_convictions, max_rearrangements=max_rearrangements,
            lead_days=0.0, interval_days=0.0, review_min_gap_days=0.0,
            follow_up_max_days=None if max_days is None else float(max_days),
            comply_by_days=None if ev["comply_by_days"] is None else float(ev["comply_by_days"]),
            group_conditions=None if ev["group_session"] is None else CONDITIONS if ev["group_session"] else ())
        profile = off["drug_use_profile"]
        one = {  # the person's facts and answers: columns of one
            "age": off["age"], "offence": OFFENCE_NAMES.index(off["offence"]), "admits": off["admits_offence"],
            "evidence": off["sufficient_evidence"], "previous_convictions": off["previous_convictions"],
            "recent_similar": off["recent_similar_offending"], "known_misuser": off["known_drug_misuser"],
            "accepts_responsibility": off["accepts_responsibility"], "resident": off["resident_in_area"],
            "home_cjit_can_deliver": off["home_cjit_can_deliver"], "profile": profile or 0,
            "resides_in_england": off["resides_in_england"],
            "inspector_authorises": ev["inspector_authorises"], "result_without_test": ev["drug_test"],
            "attends_initial_assessment": ev["attends_initial_assessment"],
            "needs_follow_up_assessment": False,  # an arranged one is on the record from the start
            "willing_voluntary": ev["willing_to_see_worker"],  # §4.6.6 Step 1, on the voluntary route
            "consents_to_share": ev["consents_to_share"],
            "cps_authorises_if_recommended": ev["cps_authorises"],
            "refers_on_merits": ev["police_refer_on_merits"], "exceptional_reason": ev["exceptional_reason"],
            "cps_accepts_exceptional_reason": True,  # the CPS sees the reason the police see
            "police_know_profile": True,  # a profile the case states is known (Annex A note 2)
            "cps_condition": ev["cps_condition"], "accepts_caution": ev["accepts_caution"],
            "accepts_onward_referral": ev["accepts_onward_referral"], "continues_voluntarily": False,
            "onward_referral_indicated": ev["onward_referral_indicated"],
            "police_prosecute": ev["police_prosecute"],
            "follow_up_need_days": None if max_days is None else float(max_days if need_days is None else need_days),
            # Durations: no time passes, except that police bail is a CPS decision after release (§3.1).
            "custody_h": 0.0, "ia_h": 0.0, "no_show_h": 0.0, "fa_delay_h": 0.0, "report_h": 0.0,
            "cps_h": 1.0 if ev["police_bail"] else 0.0, "bail_return_h": 0.0,
        }
        self.people = SimpleNamespace(**{k: [v] for k, v in one.items()})
        events = [e.removesuffix(WARNED) for e in ev["sessions"]]
        self.people.session_events = np.array([[OUTCOME_KEYS.index(e) for e in events]], dtype=np.int64)
        self.people.session_warned = np.array([[e.endswith(WARNED) for e in ev["sessions"]]], dtype=bool)
        r = self.records = PersonRecord(1, long_logs=True)
        if ev["follow_up_assessment_arranged"]:
            r.fa_outcome[0] = ARRANGED
        r.police_bail[0] = ev["police_bail"]
        r.assessed_profile[0] = NOT_SET if profile is None else profile
        self.steps: list[dict] = []
        self.actions: set[str] = set()

    # -- the walk -------------------------------------------------------------------------------
    def walk(self) -> "CaseWorld":
        """Drive the pathway to its end; every wait is answered at once."""
        walk = pathway(self, 0)
        answer = None
        try:
            while True:
                answer = walk.send(answer)
        except StopIteration:
            return self

    @property
    def disposal(self) -> str:
        return DISPOSALS[self.records.disposal[0]]

    @property
    def condition(self) -> str | None:
        code = CONDITION_CODES[self.records.condition[0]]
        return None if code == "none" else code

    @property
    def outcome(self) -> str | None:
        return OUTCOME_OF_TERMINAL.get(TERMINAL_STATES[self.records.terminal_state[0]])

    def actions_in_order(self) -> list[str]:
        return [a for a in ACTIONS if a in self.actions]

    # -- the pathway's questions, answered from the case -----------------------------------------
    def drug_test(self, i: int):
        return _immediately(self.events["drug_test"])

    def custody_worker_time(self, i: int, hours: float, activity: str, priority: int):
        held = not (activity == "initial_assessment" and self.events["attends_initial_assessment"] is None)
        return _immediately(self.env.now if held else None)

    def appointment(self, i: int, kind: str, event: str, group: bool):
        return _immediately(self.env.now)

    def late(self, i: int, deadline_h: float | None, own_delay_h: float) -> str | None:
        """Whether he completed by the comply-by date, as the case states it (no dates are kept)."""
        stated = self.events["comply_by"] or ("in_time" if self.events["comply_by_days"] is not None else None)
        return {"late_own_failure": "offender", "late_cjit": "cjit"}.get(stated, stated)

    def follow_up_contacts(self, i: int, period: Decision | None):
        return _immediately(self.events["follow_up"] != "not_complied")

    def follow_up_assessment(self, i: int) -> None:
        """Nothing to hold: the case's follow-up assessment is on the record already."""

    def voluntary_engagement(self, i: int) -> None:
        """Not part of the explanation (it has no bearing on compliance, §4.6.4)."""

    def complete_dir(self, i: int, pool: str) -> None:
        """A worker's time: nothing to explain (the DIR step says it is completed)."""

    def onward_referral(self, i: int) -> None:
        """The caseload that follows is the CJIT's work, not part of the explanation."""

    # -- steps and actions ------------------------------------------------------------------------
    def step(self, step: str, decision: Decision, detail: str | None = None) -> None:
        self.steps.append({"step": step, "rule": decision.rule, "detail": detail or decision.detail})

    def note(self, step: str, rule: str, detail: str) -> None:
        self.steps.append({"step": step, "rule": rule, "detail": detail})

    def act(self, action: str) -> None:
        assert action in ACTIONS, action
        self.actions.add(action)

    def condition_step(self, chosen: Decision, condition: str) -> None:
        """§4.6, Annex B: the menu's choice, or the condition the CPS set explicitly (§4.5)."""
        if self.events["cps_condition"] is None:
            self.step("condition", chosen)
            return
        agrees = "as" if condition == chosen.value else "rather than"
        self.note("condition", "§4.5",
                  f"the CPS makes the final decision and sets the {CONDITION_LABELS[condition]} "
                  f"({CONDITION_SECTION[condition]}), {agrees} the {self.settings.menu_policy} menu policy's "
                  f"{chosen.value} ({chosen.rule})")

    def review_gap(self) -> None:
        """Annex C session 3: the recommended gap between session 2 and session 3."""
        days = self.events["review_gap_days"]
        if days is None:
            self.note("review_gap", "Annex C session 3",
                      f"a minimum gap of {REVIEW_GAP_DAYS} days between session 2 and session 3 is recommended, so "
                      "the offender may reflect on what he has learned (the case file gives no dates)")
            return
        d = review_gap_ok(float(days), float(REVIEW_GAP_DAYS))
        verdict = "meets" if d.value else "falls short of"
        self.step("review_gap", d, f"{d.detail}: {verdict} the recommended gap (a recommendation, not a condition)")

    def session_step(self, n: int, total: int, kind: str, event: str, decision: Decision, listed: bool) -> None:
        label = f"session {n} of {total} ({SESSION_LABELS[kind]})"
        if event == "attended":
            how = decision.detail + ("" if listed else " (not listed in the case file: counts as attended)")
        else:
            how = f"{event.replace('_', ' ')}: {decision.detail}"
        self.step(f"session_{n}", decision, f"{label}: {how}")

    def unused_events(self, rest: list[int], where: str) -> None:
        if rest:
            self.note("unused_session_events", "§4.6.6 Step 4",
                      f"{len(rest)} session event(s) {where} are not used: "
                      f"{', '.join(OUTCOME_KEYS[code] for code in rest)}")

    def no_follow_up(self, condition: str) -> None:
        given = self.events["follow_up"]
        if given is not None:
            self.note("follow_up", "§4.6.4",
                      f"the case file records follow-up '{given}', but the {CONDITION_LABELS[condition]} "
                      "has no Follow-Up Condition: not used")
