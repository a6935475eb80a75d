"""The police's consideration before referring to the CPS (§4.1, §4.6.6 Steps 1-2, Annex A, Annex B).

Composes the single rules in the order the guidance applies them; the one pathway
(:mod:`dipsim.pathway`) asks it. Pure: no SimPy, no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Decision, memo_recent
from .consent import consent_to_share
from .cps import police_recommendation
from .eligibility import attitude, offence_suitability, record_suitability, residence
from .offences import LOCAL_PROSECUTION_POLICY, offence
from .targeting import drug_use_suitability
from .testing import voluntary_assessment

STOP_REASONS = ("unwilling_voluntary_assessment", "consent_refused", "denies_responsibility", "out_of_area",
                "not_recommended_offence", "not_recommended_record", "not_recommended_drug_use")
"""Why the police stop before the CPS: each a step of :func:`police_consideration`."""


@dataclass(frozen=True, slots=True)
class Consideration:
    """What the police decide before the CPS: the steps taken and, if they stop, why.

    ``referred`` is true only when the police recommend a DIP CC and seek CPS authorisation
    (§4.6.6 Step 2); then ``recommendation`` is that (positive) decision. ``names`` names each step
    (same length as ``steps``); ``stop_reason`` is one of :data:`STOP_REASONS` when not referred.
    """

    steps: tuple[Decision, ...]
    referred: bool
    recommendation: Decision | None
    names: tuple[str, ...] = ()
    stop_reason: str | None = None


@memo_recent(4096)  # the arguments' combinations number thousands, not a handful
def police_consideration(*, consents_to_share: bool, test_result: str, offence_name: str,
                         previous_convictions: int, recent_similar_offending: bool,
                         max_previous_convictions: int, accepts_responsibility: bool,
                         resident_in_area: bool, home_cjit_can_deliver: bool,
                         willing_to_see_worker: bool | None = None,
                         drug_use_profile: int | None = None, profile_source: str = "assessment",
                         exceptional_reason: bool = False,
                         prosecute_offences: tuple[str, ...] = LOCAL_PROSECUTION_POLICY,
                         refers_on_merits: bool = False) -> Consideration:
    """The police's consideration, in order:

    * willingness to see a drug worker (§4.6.6 Step 1; only when asked, i.e. ``willing_to_see_worker``
      is not ``None``): unwilling stops here, as its own outcome (not refused consent);
    * consent (Annex A note 1), attitude (§4.1) and residence (§4.6.6 Step 1): bars;
    * the offence (§4.1, or the area's local policy ``prosecute_offences``), the record (§4.1) and,
      when a profile is known (``drug_use_profile`` not ``None``), the drug-use profile (Annex B, §3.1,
      with ``exceptional_reason`` the police's judgement for group 4): these shape the recommendation;
    * the recommendation (§4.6.6 Step 2). ``referred`` is true only if the police recommend: "If the
      Police consider a DIP CC may be appropriate, they will seek CPS authorisation." A case they do
      not recommend gets the alternative disposal here, at the police stage.

    ``refers_on_merits`` is the police's judgement (§4.1) to refer despite a record that weighs against.
    ``prosecute_offences`` must be a tuple (the decisions are remembered by argument).
    """
    steps: list[Decision] = []
    names: list[str] = []

    def stop(reason: str) -> Consideration:
        return Consideration(tuple(steps), False, None, tuple(names), reason)

    if willing_to_see_worker is False:
        steps.append(voluntary_assessment(False))
        names.append("voluntary_assessment")
        return stop("unwilling_voluntary_assessment")
    for name, reason, bar in (("consent_to_share", "consent_refused", consent_to_share(consents_to_share, test_result)),
                              ("attitude", "denies_responsibility", attitude(accepts_responsibility)),
                              ("residence", "out_of_area", residence(resident_in_area, home_cjit_can_deliver))):
        steps.append(bar)
        names.append(name)
        if not bar.value:
            return stop(reason)
    offence_ok = offence_suitability(offence_name, prosecute_offences)
    record_ok = record_suitability(previous_convictions, recent_similar_offending, max_previous_convictions)
    steps.extend((offence_ok, record_ok))
    names.extend(("offence_suitability", "record_suitability"))
    drug_use_ok = None
    if drug_use_profile is not None:
        drug_use_ok = drug_use_suitability(drug_use_profile, previous_convictions, offence(offence_name).group,
                                           exceptional_reason, profile_source)
        steps.append(drug_use_ok)
        names.append("drug_use_suitability")
    rec = police_recommendation(offence_ok, record_ok, drug_use_ok, refers_on_merits)
    steps.append(rec)
    names.append("police_recommendation")
    if not rec.value:
        if not offence_ok.value:
            return stop("not_recommended_offence")
        if not record_ok.value and not refers_on_merits:
            return stop("not_recommended_record")
        return stop("not_recommended_drug_use")
    return Consideration(tuple(steps), True, rec, tuple(names), None)
