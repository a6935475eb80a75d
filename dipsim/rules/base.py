"""The shape every rule returns: a decision and the guidance it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision of the guidance.

    ``value`` is the decision itself (a bool or a short name), ``rule`` cites the
    section of the May 2008 guidelines it rests on (e.g. "§4.6.6 Step 3") and
    ``detail`` says why, in words a trainer can read out.
    """

    value: Any
    rule: str
    detail: str

    def __bool__(self) -> bool:  # pragma: no cover - guard against misuse
        raise TypeError("use Decision.value, not the Decision itself, as a condition")
