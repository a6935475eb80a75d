"""The offences dipsim knows, with what the guidance says of each.

Trigger offences (tested on arrest in DIP intensive areas, §2.2) follow the
Criminal Justice and Court Services Act 2000 Schedule 6 list as extended by the
Drugs Act 2005: theft, robbery, burglary, vehicle crime, fraud (obtaining by
deception), begging and possession or supply of a specified Class A drug.

The groups follow §4.1. It names simple possession and low-level acquisitive
crime (shoplifting the "typical example") as factors that "may indicate" an
offender is suitable, and says a DIP Conditional Caution "may be an appropriate
disposal" for recreational users arrested for non-acquisitive offences
(violence, public order). The fourth group, ``serious`` (supply, robbery,
burglary), holds the offences §4.1 does NOT name. The guidance does not say
prosecution is the expected course for them, nor exclude them: treating them as
unsuitable is a local policy, passed to :func:`~dipsim.rules.eligibility.offence_suitability`
as ``prosecute_offences`` (default :data:`LOCAL_PROSECUTION_POLICY`), a scenario
parameter. Whether an offence is "relatively minor" (Annex B group 4) is read
from the group: the first three are, ``serious`` is not.
"""

from __future__ import annotations

from dataclasses import dataclass

POSSESSION = "possession"
LOW_LEVEL_ACQUISITIVE = "low_level_acquisitive"
NON_ACQUISITIVE = "non_acquisitive"
SERIOUS = "serious"

OFFENCE_GROUPS = (POSSESSION, LOW_LEVEL_ACQUISITIVE, NON_ACQUISITIVE, SERIOUS)


@dataclass(frozen=True, slots=True)
class Offence:
    name: str
    group: str
    trigger: bool
    label: str


OFFENCES: dict[str, Offence] = {
    o.name: o
    for o in (
        Offence("possession_class_a", POSSESSION, True, "Possession of a Class A drug"),
        Offence("possession_other", POSSESSION, False, "Possession of a Class B/C drug"),
        Offence("supply_class_a", SERIOUS, True, "Supply of a Class A drug"),
        Offence("shoplifting", LOW_LEVEL_ACQUISITIVE, True, "Shoplifting"),
        Offence("theft", LOW_LEVEL_ACQUISITIVE, True, "Theft (other)"),
        Offence("vehicle_crime", LOW_LEVEL_ACQUISITIVE, True, "Vehicle crime"),
        Offence("fraud", LOW_LEVEL_ACQUISITIVE, True, "Fraud / obtaining by deception"),
        Offence("begging", LOW_LEVEL_ACQUISITIVE, True, "Begging"),
        Offence("burglary", SERIOUS, True, "Burglary"),
        Offence("robbery", SERIOUS, True, "Robbery"),
        Offence("violence", NON_ACQUISITIVE, False, "Violence against the person (minor)"),
        Offence("public_order", NON_ACQUISITIVE, False, "Public order"),
        Offence("criminal_damage", NON_ACQUISITIVE, False, "Criminal damage"),
    )
}

OFFENCE_NAMES: tuple[str, ...] = tuple(OFFENCES)

LOCAL_PROSECUTION_POLICY: tuple[str, ...] = ("supply_class_a", "burglary", "robbery")
"""The offences an area's local policy treats as too serious for a Conditional Caution (prosecution
preferred). A local policy parameter, not the guidance: §4.1 names no offence as unsuitable. This
default is dipsim's long-standing assumption for the shipped scenarios."""

MINOR_OFFENCE_GROUPS = (POSSESSION, LOW_LEVEL_ACQUISITIVE, NON_ACQUISITIVE)
"""The groups read as "relatively minor" offences (Annex B group 4)."""


def offence(name: str) -> Offence:
    """Look an offence up by name (``KeyError`` names the known ones)."""
    try:
        return OFFENCES[name]
    except KeyError:
        raise KeyError(f"unknown offence {name!r}; known: {', '.join(OFFENCE_NAMES)}") from None
