"""One case, one Annex A decision at a time: the logic behind the trainer's stepper (no widgets).

The group answers each decision point of a case - what the police, the CPS, the CJIT worker
or the offender decide or do - in the order of the one pathway (:func:`dipsim.pathway.pathway`).
After each answer the stepper walks the case again with :func:`dipsim.explain` (the same rules
the simulation runs) and hands back what the guidance says up to the next decision, with the
section each step rests on. A decision the pathway does not reach (the walk ended before it:
EXIT, an alternative disposal, a declined caution) is not asked. Anything the group does not
decide keeps the case's value. At the end, :meth:`CaseStepper.answer_key` is what
``dipsim case --json`` prints for :meth:`CaseStepper.case_file`.

The widgets (:mod:`dipsim.apps.trainer`), notebook 04 and the tests all drive this one class.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import yaml

from ..case import ACTION_LABELS, DISPOSAL_LABELS, OUTCOME_LABELS, CaseResult, explain, normalise_case
from ..errors import InputError
from ..pathway_case import CONDITION_LABELS
from ..casefile import CASE_SESSION_EVENTS
from ..rules.menu import CONDITIONS, MENU_POLICIES

MAX_APPOINTMENTS = 6
"""Appointments the stepper asks about at most (three sessions, each re-arranged once, §6)."""

SESSION_EVENT_LABELS = {
    "attended": "attends the whole session",
    "missed_with_notice": "misses it, with notice beforehand",
    "missed_without_notice": "misses it, without notice",
    "left_early": "leaves early",
    "intoxicated": "arrives intoxicated (the worker reports it)",
    "unacceptable_behaviour": "behaves unacceptably (the worker reports it)",
    "intoxicated_warned": "arrives intoxicated (the worker warns and re-arranges)",
    "unacceptable_behaviour_warned": "behaves unacceptably (the worker warns and re-arranges)",
}


@dataclass(frozen=True)
class Decision:
    """One decision point: the case key it sets, the question, who answers it, the options
    (label, value) and where in the walk it is taken (``locate(steps)``: the index of its
    step, or None when the walk does not reach it)."""

    key: str
    question: str
    who: str
    options: tuple[tuple[str, Any], ...]
    locate: Callable[[Sequence[dict]], int | None]
    appointment: int = 0          # for events.sessions: the appointment (1, 2, ...); 0 otherwise


def _first(name: str) -> Callable[[Sequence[dict]], int | None]:
    def locate(steps: Sequence[dict]) -> int | None:
        return next((i for i, s in enumerate(steps) if s["step"] == name), None)
    return locate


def _nth_session(n: int) -> Callable[[Sequence[dict]], int | None]:
    def locate(steps: Sequence[dict]) -> int | None:
        seen = 0
        for i, s in enumerate(steps):
            if s["step"].startswith("session_"):
                seen += 1
                if seen == n:
                    return i
        return None
    return locate


def _after_non_compliance(steps: Sequence[dict]) -> int | None:
    i = _first("police_closure")(steps)
    return i if i is not None and "non-compliance" in steps[i]["detail"].lower() else None


def decisions() -> list[Decision]:
    """Every decision point, in the order of the one pathway (Annex A)."""
    yes_no = lambda yes, no: ((yes, True), (no, False))  # noqa: E731
    out = [
        Decision("events.drug_test", "What is the result of the drug test on arrest (§2.2)?", "police (custody)",
                 (("positive", "positive"), ("negative", "negative"), ("refused", "refused"),
                  ("not tested", "not_tested")), _first("drug_test")),
        Decision("events.attends_initial_assessment",
                 "Does the person attend and remain at the initial Required Assessment (§2.2)?", "offender / CJIT",
                 (("attends and remains", True), ("fails to attend or remain", False),
                  ("no initial assessment is held", None)), _first("initial_assessment")),
        Decision("events.consents_to_share",
                 "Does the person give written consent to share the assessment with police and CPS "
                 "(Annex A note 1)?", "offender",
                 yes_no("gives written consent", "refuses consent"), _first("consent_to_share")),
        Decision("events.cps_authorises", "Do you authorise a Conditional Caution with a DIP Condition (§4.5)?",
                 "CPS", (("agree with the police recommendation", None), ("authorise", True),
                         ("do not authorise", False)), _first("cps_decision")),
        Decision("events.cps_condition", "Which DIP Condition do you set (§4.6, Annex B)?", "CPS",
                 (("let the area's menu policy choose", None),) + tuple((CONDITION_LABELS[c], c) for c in CONDITIONS),
                 _first("condition")),
        Decision("events.accepts_caution", "Does the person accept the caution and sign the MG14 (§4.6.6 Step 3)?",
                 "offender", yes_no("accepts and signs", "declines"), _first("offer")),
    ]
    out += [Decision("events.sessions", f"What happens at appointment {n} with the CJIT worker (§6)?",
                     "offender / CJIT worker", tuple((SESSION_EVENT_LABELS[e], e) for e in CASE_SESSION_EVENTS),
                     _nth_session(n), appointment=n) for n in range(1, MAX_APPOINTMENTS + 1)]
    out += [
        Decision("events.follow_up", "Does the person comply with the Follow-Up Condition (§4.6.4)?",
                 "offender / CJIT worker", (("complies", "complied"), ("does not comply", "not_complied")),
                 _first("follow_up")),
        Decision("events.police_prosecute",
                 "After the CJIT's report of non-compliance: do you prosecute for the original offence (§2.1)?",
                 "police", (("not decided yet", None), ("prosecute", True), ("do not prosecute", False)),
                 _after_non_compliance),
    ]
    return out


class CaseStepper:
    """Walk ``case`` (a case as :func:`dipsim.load_case` returns it, or a raw mapping) one decision
    at a time, under the area's ``menu_policy`` and reading of a limited record (§4.1)."""

    def __init__(self, case: dict, menu_policy: str = "annex_b", max_previous_convictions: int = 5):
        if menu_policy not in MENU_POLICIES:
            raise InputError("menu policy", None, f"{menu_policy!r} is not one of {', '.join(MENU_POLICIES)}")
        if type(max_previous_convictions) is not int or max_previous_convictions < 0:
            raise InputError("limited record", None, "must be a whole number of previous convictions >= 0")
        self.case = normalise_case(case)
        self.menu_policy, self.max_previous_convictions = menu_policy, max_previous_convictions
        self.decisions = decisions()
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Back to the first decision, nothing decided."""
        self.choices: dict[str, Any] = {}
        self.appointments: list[str] = []
        self.history: list[tuple[Decision, str]] = []   # (decision, the label chosen)
        self.shown = 0
        self._i = -1
        self._advance()

    def result(self) -> CaseResult:
        """The walk with the group's choices so far (undecided keys keep the case's values)."""
        return explain(self.case_with_choices(), menu_policy=self.menu_policy,
                       max_previous_convictions=self.max_previous_convictions)

    def case_with_choices(self) -> dict:
        """The case with the group's choices written in (nothing else changes). Once the first
        appointment is decided, the sessions are the appointments decided so far."""
        c = copy.deepcopy(self.case)
        for key, value in self.choices.items():
            section, name = key.split(".")
            c[section][name] = value
        if self.appointments or self._asking_appointments():
            c["events"]["sessions"] = list(self.appointments)
        return c

    def _asking_appointments(self) -> bool:
        return self.current is not None and self.current.appointment > 0

    def _advance(self) -> None:
        """Move to the next decision the walk reaches (skip the ones it does not)."""
        self._i += 1
        while self._i < len(self.decisions):
            d = self.decisions[self._i]
            if d.appointment and d.appointment != len(self.appointments) + 1:
                self._i += 1
                continue
            if d.locate(self.result().steps) is not None:
                return
            self._i += 1

    @property
    def current(self) -> Decision | None:
        """The decision to answer now, or None when the walk is complete."""
        return self.decisions[self._i] if self._i < len(self.decisions) else None

    @property
    def complete(self) -> bool:
        return self.current is None

    @property
    def number(self) -> int:
        """The number of the current decision (1, 2, ...)."""
        return len(self.history) + 1

    def case_value_label(self) -> str | None:
        """The label of the case's own answer to the current decision (what the card says), if any."""
        d = self.current
        if d is None:
            return None
        if d.appointment:
            events = self.case["events"]["sessions"]
            value = events[d.appointment - 1] if d.appointment <= len(events) else "attended"
        else:
            section, name = d.key.split(".")
            value = self.case[section][name]
        return next((lbl for lbl, v in d.options if v == value), None)

    # ------------------------------------------------------------------ the group's answers
    def guidance_so_far(self) -> list[dict]:
        """The steps of the walk not yet shown, up to (not including) the current decision's step
        (all the remaining steps once the walk is complete). Marks them shown."""
        steps = self.result().steps
        end = len(steps) if self.current is None else self.current.locate(steps)
        new = list(steps[self.shown:end])
        self.shown = max(self.shown, end)
        return new

    def decide(self, option: int | None) -> tuple[Decision, str]:
        """Answer the current decision with its option number ``option`` (0-based). A blank
        answer (None) or an option that does not exist is refused with an :class:`InputError`
        that says what to do; nothing is recorded."""
        d = self.current
        if d is None:
            raise InputError("Decide", None, "the walk is complete: press Start again to try other choices")
        if option is None:
            raise InputError("Decide", None, "choose an answer from the list first")
        if type(option) is not int or not 0 <= option < len(d.options):
            raise InputError("Decide", None, f"option {option!r} does not exist; choose one of the "
                                             f"{len(d.options)} answers")
        label, value = d.options[option]
        if d.appointment:
            self.appointments.append(value)
        else:
            self.choices[d.key] = value
        self.history.append((d, label))
        self._advance()
        return d, label

    def decide_value(self, value: Any) -> tuple[Decision, str]:
        """Answer the current decision by its value (as the case file writes it)."""
        d = self.current
        if d is None:
            return self.decide(0)
        idx = next((i for i, (_, v) in enumerate(d.options) if v == value), None)
        if idx is None:
            raise InputError("Decide", d.key, f"{value!r} is not an answer here; one of "
                                              f"{', '.join(repr(v) for _, v in d.options)}")
        return self.decide(idx)

    def play(self, answers: dict[str, Any]) -> str:
        """Answer every decision from ``answers`` (case key -> value as the case file writes it;
        ``events.sessions``: the appointments in order, later ones attended) and return the
        transcript: each decision, the group's answer and what the guidance says. Keys not in
        ``answers`` take the case's own answer. For a replay without a browser (notebook 04)."""
        lines = [_step_line(s) for s in self.guidance_so_far()]
        while not self.complete:
            d = self.current
            if d.appointment:
                events = list(answers.get("events.sessions", self.case["events"]["sessions"]))
                value = events[d.appointment - 1] if d.appointment <= len(events) else "attended"
            elif d.key in answers:
                value = answers[d.key]
            else:
                section, name = d.key.split(".")
                value = self.case[section][name]
            d, label = self.decide_value(value)
            lines += ["", f"Decision {len(self.history)} ({d.who}): {d.question}", f"  the group chose: {label}"]
            lines += [_step_line(s) for s in self.guidance_so_far()]
        return "\n".join(lines)

    # ------------------------------------------------------------------ the end
    def answer_key(self) -> dict:
        """What ``dipsim case --json`` prints for :meth:`case_file` with the same area settings."""
        return self.result().to_dict()

    def answer_lines(self) -> list[tuple[str, str]]:
        """The answer key as (label, text) rows a trainer can read out."""
        r = self.result()
        cond = "none" if r.condition is None else f"{r.condition} ({CONDITION_LABELS[r.condition]})"
        out = "none" if r.outcome is None else f"{r.outcome} ({OUTCOME_LABELS[r.outcome]})"
        rows = [("Disposal", f"{r.disposal} ({DISPOSAL_LABELS[r.disposal]})"), ("Condition", cond),
                ("Outcome", out)]
        rows += [("Action", f"{a} ({ACTION_LABELS[a]})") for a in r.actions] or [("Actions", "none")]
        return rows

    def case_file(self) -> str:
        """The case with the group's choices, as a case file (YAML) ``dipsim case`` reads."""
        return yaml.safe_dump(self.case_with_choices(), sort_keys=False, allow_unicode=True)


def _step_line(step: dict) -> str:
    return f"    [{step['rule']}] {step['step'].replace('_', ' ')}: {step['detail']}"
