"""The menu of DIP Conditions and the policies that choose from it (§4.6.1-4.6.4, Annex B).

A *menu policy* maps what is known of an offender (the Annex B drug-use profile
as the assessment finds it, whether he failed a Required Assessment, his record)
to one condition. Policies are named and swappable so that researchers can
compare them; ``annex_b`` is the guidance's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .base import Decision, memo, memo_recent

ONE_SESSION = "one_session"
TWO_SESSION = "two_session"
TWO_SESSION_FOLLOW_UP = "two_session_follow_up"
THREE_SESSION = "three_session"
THREE_SESSION_FOLLOW_UP = "three_session_follow_up"

CONDITIONS = (ONE_SESSION, TWO_SESSION, TWO_SESSION_FOLLOW_UP, THREE_SESSION, THREE_SESSION_FOLLOW_UP)
PROFILES = (1, 2, 3, 4)

SESSION_PLANS: dict[str, tuple[str, ...]] = {
    ONE_SESSION: ("single_session",),
    TWO_SESSION: ("assessment_education", "review"),
    TWO_SESSION_FOLLOW_UP: ("assessment_education", "review"),
    THREE_SESSION: ("triage", "education", "review"),
    THREE_SESSION_FOLLOW_UP: ("triage", "education", "review"),
}
"""Sessions of each condition in order (§4.6.1-4.6.3, Annex C)."""

CONDITION_SECTION = {
    ONE_SESSION: "§4.6.1",
    TWO_SESSION: "§4.6.2",
    TWO_SESSION_FOLLOW_UP: "§4.6.4",
    THREE_SESSION: "§4.6.3",
    THREE_SESSION_FOLLOW_UP: "§4.6.4",
}


def has_follow_up(condition: str) -> bool:
    """§4.6.4: the Follow-Up Condition adds follow-up to a Two or Three Session Condition."""
    return condition.endswith("_follow_up")


def sessions(condition: str) -> tuple[str, ...]:
    return SESSION_PLANS[condition]


@dataclass(frozen=True, slots=True)
class MenuPolicy:
    name: str
    description: str
    choose: Callable[[int | None, bool, int], Decision]


def _annex_b(profile: int | None, failed_required_assessment: bool, previous_convictions: int) -> Decision:
    if failed_required_assessment:
        if profile == 1:
            return Decision(ONE_SESSION, "§4.6.3",
                            "failed to attend and remain at a Required Assessment (initial or follow up), "
                            "non-problematic use: One Session Condition")
        return Decision(TWO_SESSION, "§4.6.3",
                        "failed to attend and remain at a Required Assessment (initial or follow up): One or Two "
                        "Session Condition; two sessions ask a further element of commitment")
    if profile == 1:
        return Decision(ONE_SESSION, "Annex B profile 1",
                        "non-problematic (recreational) use: likely a One Session Condition (§4.6.1)")
    if profile == 2:
        return Decision(TWO_SESSION, "Annex B profile 2",
                        "use becoming problematic: Two or Three Session Condition; two sessions "
                        "for a low-level offender (§4.6.2), with encouragement to engage voluntarily")
    if profile == 3:
        return Decision(THREE_SESSION, "Annex B profile 3",
                        "offending and using drugs: likely the Three Session Condition (§4.6.3)")
    if profile == 4:
        return Decision(THREE_SESSION_FOLLOW_UP, "Annex B profile 4",
                        "offending to fund drug misuse: Three Session Condition plus the Follow-Up Condition (§4.6.4)")
    if previous_convictions > 0:
        return Decision(TWO_SESSION, "§4.6.2",
                        f"no Annex B group known; a low-level offender with some history of previous offending "
                        f"({previous_convictions} previous conviction(s)): Two Session Condition")
    return Decision(ONE_SESSION, "§4.6.1",
                    "no Annex B group known; offending for the first time: the minimal One Session "
                    "Condition, whose session includes an assessment of drug use")


def _fixed(condition: str, why: str) -> Callable[[int | None, bool, int], Decision]:
    def choose(profile: int | None, failed_required_assessment: bool, previous_convictions: int) -> Decision:
        return Decision(condition, CONDITION_SECTION[condition], why)
    return choose


def _no_follow_up(profile: int | None, failed_required_assessment: bool, previous_convictions: int) -> Decision:
    d = _annex_b(profile, failed_required_assessment, previous_convictions)
    if has_follow_up(d.value):
        base = d.value.removesuffix("_follow_up")
        return Decision(base, "§4.6.5", d.detail + "; this area's policy attaches no Follow-Up Condition (§4.6.5)")
    return d


MENU_POLICIES: dict[str, MenuPolicy] = {
    p.name: p
    for p in (
        MenuPolicy("annex_b", "Annex B profiles (1 one session; 2 two; 3 three; 4 three + follow-up); "
                   "§4.6.3 one or two sessions after a failed Required Assessment (initial or follow up); no profile known: one session "
                   "for a first offender (§4.6.1), two with previous offending (§4.6.2)", _annex_b),
        MenuPolicy("three_sessions_for_all", "the Three Session Condition for everyone",
                   _fixed(THREE_SESSION, "area policy: the Three Session Condition for everyone")),
        MenuPolicy("no_follow_up", "Annex B, but never a Follow-Up Condition", _no_follow_up),
        MenuPolicy("one_session_for_all", "the One Session Condition for everyone",
                   _fixed(ONE_SESSION, "area policy: the One Session Condition for everyone")),
    )
}


@memo_recent(4096)  # a record can run to thousands of convictions: a bounded cache
def choose_condition(policy: str, profile: int | None, failed_required_assessment: bool,
                     previous_convictions: int = 0) -> Decision:
    """The condition the CPS sets under the named menu policy (§4.5, §4.6).

    ``failed_required_assessment``: he failed to attend and remain at a Required Assessment, the
    initial one or the follow-up (§4.6.3: "(initial or follow up)"; §3.1); both lead to the One or
    Two Session Condition under ``annex_b``.
    """
    try:
        p = MENU_POLICIES[policy]
    except KeyError:
        raise KeyError(f"unknown menu policy {policy!r}; known: {', '.join(MENU_POLICIES)}") from None
    return p.choose(profile, failed_required_assessment, previous_convictions)


@memo
def group_session(condition: str, session_number: int, sufficient_throughput: bool) -> Decision:
    """Which session may be a group session. §4.6.2 (Two Session Condition) and §4.6.3 (Three Session
    Condition, session 2) each say: "Where there is sufficient throughput of offenders the second
    session may form part of a group session" (Annex C session 2: "possible group work"). The Follow-Up
    Condition keeps its base condition's sessions (§4.6.4). Every other session is 1:1.
    ``sufficient_throughput``: whether the area has enough offenders to run a group (local)."""
    try:
        plan = SESSION_PLANS[condition]
    except KeyError:
        raise KeyError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}") from None
    if not 1 <= session_number <= len(plan):
        raise ValueError(f"the {condition} condition has sessions 1 to {len(plan)}, not {session_number}")
    base = condition.removesuffix("_follow_up")
    section = CONDITION_SECTION[base]
    if session_number != 2:
        kind = plan[session_number - 1].replace("_", " ")
        return Decision(False, section, f"session {session_number} ({kind}) is with a CJIT worker 1:1: "
                                        "only the second session may form part of a group session")
    kind = "review / referral" if base == TWO_SESSION else "information and education"
    if sufficient_throughput:
        return Decision(True, section, f"the second session ({kind}) may form part of a group session: there is "
                                       "sufficient throughput of offenders")
    return Decision(False, section, f"the second session ({kind}) could be a group session, but there is not "
                                    "sufficient throughput of offenders: held 1:1")
