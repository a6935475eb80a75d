"""Who the DIP Conditional Caution is aimed at: the Annex B drug-use profiles (§3.1, Annex B).

The police consider the profile before recommending (§4.6.6 Step 2) and the CPS when it decides
(§4.5), from the CJIT worker's assessment where there is one (shared with written consent, Annex A
note 1) or, with no assessment, from the police's own knowledge of the individual (Annex A note 2).

* Group 1 (non-problematic, recreational use) is "the prime target group".
* Groups 2 and 3 are among "the range of offenders who may benefit".
* Group 4 (offending to fund drug misuse): "Conditional Cautioning is likely to be appropriate for a
  minority of these offenders. To be considered for a Conditional Caution, if they have a previous
  record, the current offence would be relatively minor and there would probably be an exceptional
  reason for police / CPS believing that the caution would be in the public interest." §3.1: it "may
  not be appropriate for highly problematic drug-misusing offenders who are more likely to be
  prosecuted".

Whether there is an exceptional reason is the police's (or the CPS's) judgement: the rule takes it as
an argument, a scenario draw or a case event. Pure: no SimPy, no randomness.
"""

from __future__ import annotations

from .base import Decision, memo_recent
from .offences import MINOR_OFFENCE_GROUPS, OFFENCE_GROUPS

PROFILE_SOURCES = ("assessment", "police_knowledge")
"""Where the profile comes from: the CJIT worker's assessment, or the police's knowledge (Annex A note 2)."""

_GROUP_LABEL = {
    1: "non-problematic (recreational) drug use",
    2: "drug use becoming problematic",
    3: "offending and using drugs",
    4: "offending to fund drug misuse",
}
_GROUP_4_TEXT = ("Annex B: a DIP CC is 'likely to be appropriate for a minority of these offenders'; with a "
                 "previous record, the current offence would be relatively minor and there would probably be an "
                 "exceptional reason for believing the caution would be in the public interest")


def _source(profile_source: str) -> str:
    if profile_source == "assessment":
        return "the CJIT worker's assessment"
    if profile_source == "police_knowledge":
        return "police knowledge of the individual (Annex A note 2)"
    raise ValueError(f"unknown profile source {profile_source!r}; allowed: {', '.join(PROFILE_SOURCES)}")


def _targeting(who: str, profile: int | None, previous_convictions: int, offence_group: str,
               exceptional_reason: bool, profile_source: str) -> Decision:
    if offence_group not in OFFENCE_GROUPS:
        raise ValueError(f"unknown offence group {offence_group!r}; allowed: {', '.join(OFFENCE_GROUPS)}")
    source = _source(profile_source)
    if profile is None:
        return Decision(True, "Annex A note 2",
                        "no Annex B profile known (no assessment, and the police's knowledge of the individual "
                        f"does not place him in a group): the profile does not weigh either way for the {who}")
    if profile not in _GROUP_LABEL:
        raise ValueError(f"unknown Annex B profile {profile!r}; allowed: 1, 2, 3, 4 or none")
    rule = f"Annex B profile {profile}"
    seen = f"group {profile}, {_GROUP_LABEL[profile]}, from {source}"
    if profile == 1:
        return Decision(True, rule, f"{seen}: the prime target group")
    if profile in (2, 3):
        return Decision(True, rule, f"{seen}: among the range of offenders Annex B says may benefit")
    if previous_convictions == 0:
        return Decision(True, rule,
                        f"{seen}, with no previous record: Annex B's tests for group 4 (a relatively minor offence, "
                        "an exceptional reason) apply to those with a record; a DIP CC suits only a minority of "
                        "this group, and §3.1 warns it may not suit highly problematic users")
    if offence_group not in MINOR_OFFENCE_GROUPS:
        return Decision(False, rule,
                        f"{seen}, with a previous record and an offence that is not relatively minor: {_GROUP_4_TEXT}. "
                        "Prosecution is the more likely course (§3.1)")
    if exceptional_reason:
        return Decision(True, rule,
                        f"{seen}, with a previous record, a relatively minor offence and an exceptional reason the "
                        f"{who} accept: {_GROUP_4_TEXT} (the guidance leaves the reason to their judgement)")
    return Decision(False, rule,
                    f"{seen}, with a previous record, a relatively minor offence but no exceptional reason: "
                    f"{_GROUP_4_TEXT}. Highly problematic users are more likely to be prosecuted (§3.1)")


@memo_recent(4096)  # a record can run to thousands of convictions: a bounded cache
def drug_use_suitability(profile: int | None, previous_convictions: int, offence_group: str,
                         exceptional_reason: bool = False, profile_source: str = "assessment") -> Decision:
    """Annex B, §3.1, Annex A note 2: the police's consideration of the drug-use profile.

    ``profile`` 1-4 as assessed (``profile_source="assessment"``) or known to the police
    (``"police_knowledge"``), ``None`` if nothing is known. ``exceptional_reason``: the police's
    judgement, for group 4 with a record, that there is an exceptional reason to believe a caution would
    be in the public interest (the guidance says "probably": a judgement). ``offence_group`` is the
    offence's group (:data:`~dipsim.rules.offences.OFFENCE_GROUPS`); the first three are relatively minor.
    """
    return _targeting("police", profile, previous_convictions, offence_group, exceptional_reason, profile_source)


@memo_recent(4096)
def cps_drug_use_suitability(profile: int | None, previous_convictions: int, offence_group: str,
                             exceptional_reason: bool = False, profile_source: str = "assessment") -> Decision:
    """§4.5, §4.6.6 Step 2, Annex B: the CPS's own view of the profile when it decides. It takes into
    account the information provided by the CJIT worker where available, and reaches its own judgement on
    an exceptional reason for group 4 with a record (``exceptional_reason``, which may differ from the
    police's)."""
    return _targeting("CPS", profile, previous_convictions, offence_group, exceptional_reason, profile_source)
