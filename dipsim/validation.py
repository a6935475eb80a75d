"""What scenario and case files share: turning a pydantic validation error into one
:class:`~dipsim.errors.InputError` line (file, dotted key, what is allowed).

The schemas (:mod:`dipsim.scenario.schema`, :mod:`dipsim.casefile`) are pydantic models whose
field types carry the checks; a check that fails raises :func:`fail` with the dipsim wording,
and :func:`input_error` is the one translator from :class:`pydantic.ValidationError`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import ArgsKwargs, PydanticCustomError

from .errors import InputError

DIPSIM_ERROR = "dipsim"
TRANSPARENT_LOC = {"[key]"}
"""Location parts pydantic adds that are not keys in the file (a dict key's own check)."""


def fail(message: str, key: str | None = None) -> NoReturn:
    """Reject a value inside a validator; ``key`` (dotted) is a sub-key of the value to name instead."""
    raise PydanticCustomError(DIPSIM_ERROR, "{message}", {"message": message, "key": key})


def kind(v: Any) -> str:
    """How a YAML value reads to a person: "a whole number", "text", "nothing (null)"."""
    if v is None:
        return "nothing (null)"
    return {bool: "true/false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(v), type(v).__name__)


def mapping_keys(data: Any, allowed: tuple[str, ...], not_mapping: str, unknown: str) -> Any:
    """The check every section runs first (a ``mode="before"`` model validator): a mapping whose keys
    are all ``allowed``. Objects built in Python (``ArgsKwargs``, instances) pass unchanged."""
    if isinstance(data, ArgsKwargs) or hasattr(data, "__dataclass_fields__"):
        return data
    if not isinstance(data, dict):
        fail(not_mapping)
    for k in data:
        if k not in allowed:
            fail(unknown, key=str(k))
    return data


def input_error(exc: ValidationError, file: str, *, brackets: bool = False,
                transparent: frozenset[str] | set[str] = frozenset()) -> InputError:
    """The first problem pydantic found, as dipsim's one line. ``brackets``: list items as ``key[1]``
    (case files) rather than ``key.1`` (scenario files); ``transparent``: location parts that are
    not keys (a distribution's tag)."""
    error = exc.errors(include_url=False)[0]
    parts: list[str | int] = [p for p in error["loc"] if p not in TRANSPARENT_LOC and p not in transparent]
    ctx = error.get("ctx") or {}
    if error["type"] == DIPSIM_ERROR:
        message = ctx["message"]
        if ctx.get("key") is not None:
            parts.append(str(ctx["key"]))
    elif error["type"] == "missing":
        message = "required"
    else:  # a check with no dipsim wording of its own (not expected: every field type has one)
        message = f"{error['msg']}, got {kind(error.get('input'))}"
    return InputError(file, dotted(parts, brackets) or None, message)


def dotted(parts: list, brackets: bool = False) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int) and brackets:
            out += f"[{p}]"
        else:
            out += ("." if out else "") + (str(p) or "''")  # '': an empty key, named
    return out
