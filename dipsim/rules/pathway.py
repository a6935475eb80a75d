"""The police's consideration before referring to the CPS (§4.1, §4.6.6 Steps 1-2, Annex A).

Composes the single rules in the order the guidance applies them; the one pathway
(:mod:`dipsim.pathway`) asks it. Pure: no SimPy, no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Decision, memo_recent
from .consent import consent_to_share
from .cps import police_recommendation
from .eligibility import attitude, offence_suitability, record_suitability, residence


@dataclass(frozen=True, slots=True)
class Consideration:
    """What the police decide before the CPS: the steps taken and, if they stop, why."""

    steps: tuple[Decision, ...]
    referred: bool
    recommendation: Decision | None


@memo_recent(4096)  # the arguments' combinations number thousands, not a handful
def police_consideration(*, consents_to_share: bool, test_result: str, offence_name: str,
                         previous_convictions: int, recent_similar_offending: bool,
                         max_previous_convictions: int, accepts_responsibility: bool,
                         resident_in_area: bool, home_cjit_can_deliver: bool) -> Consideration:
    """Consent (Annex A note 1), attitude (§4.1) and residence (§4.6.6 Step 1) are bars; the
    offence and record (§4.1) shape the recommendation the police send to the CPS (§4.6.6 Step 2)."""
    steps: list[Decision] = []
    for bar in (consent_to_share(consents_to_share, test_result),
                attitude(accepts_responsibility),
                residence(resident_in_area, home_cjit_can_deliver)):
        steps.append(bar)
        if not bar.value:
            return Consideration(tuple(steps), False, None)
    offence_ok = offence_suitability(offence_name)
    record_ok = record_suitability(previous_convictions, recent_similar_offending, max_previous_convictions)
    rec = police_recommendation(offence_ok, record_ok)
    steps.extend((offence_ok, record_ok, rec))
    return Consideration(tuple(steps), True, rec)
