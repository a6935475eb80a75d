"""The shape every rule returns: a decision and the guidance it rests on."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


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


def memo(rule: F) -> F:
    """Remember a rule's decisions by argument: for rules on the simulation's hot path.

    A rule is a pure function of a few hashable arguments and a :class:`Decision` is
    immutable, so equal arguments can share one Decision: the simulation then does not
    build the same cited Decision (and its f-string detail) thousands of times a run.
    The rule itself still decides, on its first call with those arguments. Keys are
    typed (``True`` and ``1`` are different calls); exceptions are not remembered.
    Only for rules whose arguments take few values (not times or other continuous ones).
    """
    return functools.lru_cache(maxsize=None, typed=True)(rule)  # type: ignore[return-value]


def memo_recent(maxsize: int) -> Callable[[F], F]:
    """:func:`memo` for a rule whose argument combinations are many: keep the ``maxsize`` most
    recently used decisions (a bounded cache)."""
    def wrap(rule: F) -> F:
        return functools.lru_cache(maxsize=maxsize, typed=True)(rule)  # type: ignore[return-value]
    return wrap
