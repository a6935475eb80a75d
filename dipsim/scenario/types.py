"""The constrained value types scenario fields are declared with (pydantic ``Annotated`` types).

Each type checks a value as dipsim always has (a ``BeforeValidator`` with dipsim's wording, so
``true`` is not a number and ``3.5`` not a whole number) and carries the JSON Schema constraints
an editor shows (``Field(ge=..., le=...)``, ``Literal`` choices, the tagged distribution union).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, model_validator

from ..time import HOURS_PER_DAY
from ..validation import fail, kind
from .distributions import PARAMS, Dist, check as check_dist

LARGEST = 1e9
"""No number in a scenario file may be larger than this (a typing slip, not an area)."""
CHECKS = {"": {}, "nonneg": {"ge": 0}, "weights": {"ge": 0}, "shares": {"ge": 0}, "prob": {"ge": 0, "le": 1},
          "positive": {"gt": 0}, "hour": {"ge": 0, "le": 24}}


class Spec:
    """Annotation: how a field is checked, in words the schema reference and tests read back
    (``check``: prob, nonneg, positive, hour, weights, shares; ``length`` of a list; ``most``: the
    largest value that still describes a real area, 0 for none beyond 10^9)."""

    def __init__(self, check: str = "", length: int = 0, most: float = 0):
        self.check, self.length, self.most = check, length, most

    def as_dict(self) -> dict:
        return {"check": self.check, "length": self.length, "most": self.most}


def spec_of(annotation: Any) -> Spec:
    """The :class:`Spec` an ``Annotated`` field type carries (an empty one if none)."""
    for m in getattr(annotation, "__metadata__", ()):
        if isinstance(m, Spec):
            return m
    return Spec()


def number(v: Any, integer: bool = False) -> float | int:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        fail(f"must be {'a whole number' if integer else 'a number'}, got {kind(v)} {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        fail(f"must be a finite number, got {v!r}")
    if abs(v) > LARGEST:  # before any float(v): a huge whole number would overflow it
        shown = repr(v) if isinstance(v, float) or abs(v) < 10**18 else \
            f"a whole number of about {int(v.bit_length() * 0.30103) + 1} digits"
        fail(f"is too large to be meaningful: {shown}")
    if integer and not (isinstance(v, int) or float(v).is_integer()):
        fail(f"must be a whole number, got {v!r}")
    return int(v) if integer else float(v)


def checked(v: float, check: str) -> float:
    if check == "prob" and not 0.0 <= v <= 1.0:
        fail(f"must be a probability between 0 and 1, got {v!r}")
    if check in ("nonneg", "weights", "shares") and v < 0:
        fail(f"must be >= 0, got {v!r}")
    if check == "positive" and v <= 0:
        fail(f"must be > 0, got {v!r}")
    if check == "hour" and not 0.0 <= v <= HOURS_PER_DAY:
        fail(f"must be an hour of the day from 0 to 24, got {v!r}")
    return v


def _at_most(most: float, v: Any) -> Any:
    if most and v > most:
        fail(f"must be at most {most:g}, got {v!r}")
    return v


def _real(check: str, most: float, v: Any) -> float:
    return _at_most(most, checked(number(v), check))


def _whole(check: str, most: float, v: Any) -> int:
    return _at_most(most, int(checked(number(v, integer=True), check)))


def _limits(check: str, most: float) -> dict:
    limits = dict(CHECKS[check])
    limits["le"] = min(limits.get("le", LARGEST), most or LARGEST)
    if "gt" not in limits:
        limits.setdefault("ge", -LARGEST)
    return limits


def Real(check: str = "", most: float = 0) -> Any:
    """A finite number; ``check``: ``prob`` (0-1), ``nonneg``, ``positive``, ``hour`` (0-24)."""
    return Annotated[float, Field(**_limits(check, most)), Spec(check, 0, most), BeforeValidator(partial(_real, check, most))]


def Whole(check: str = "nonneg", most: float = 0) -> Any:
    """A whole number (``3.0`` is accepted as 3)."""
    return Annotated[int, Field(**_limits(check, most)), Spec(check, 0, most), BeforeValidator(partial(_whole, check, most))]


def _workers(most: float, v: Any) -> int | str:
    if v == "unlimited":
        return v
    if isinstance(v, str):
        fail(f"must be a whole number >= 0 or 'unlimited', got {v!r}")
    n = number(v, integer=True)
    if n < 0:
        fail(f"must be a whole number >= 0 or 'unlimited', got {v!r}")
    return _at_most(most, n)


def Workers(most: float) -> Any:
    """A number of workers, or ``unlimited`` (no waiting at all)."""
    return Annotated[Union[Annotated[int, Field(ge=0, le=most)], Literal["unlimited"]], Spec("", 0, most),
                     BeforeValidator(partial(_workers, most))]


def _choice(allowed: tuple, v: Any) -> Any:
    if not isinstance(v, str) or v not in allowed:
        fail(f"must be one of {', '.join(allowed)}, got {v!r}")
    return v


def OneOf(allowed: tuple[str, ...]) -> Any:
    """One of the named choices."""
    return Annotated[Literal[tuple(allowed)], BeforeValidator(partial(_choice, tuple(allowed)))]


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        fail(f"must be true or false, got {kind(v)} {v!r}")
    return v


def _text(v: Any) -> str:
    if not isinstance(v, str):
        fail(f"must be text, got {kind(v)}")
    return v


Bool = Annotated[bool, BeforeValidator(_bool)]
Text = Annotated[str, BeforeValidator(_text)]


# --------------------------------------------------------------------------- lists and mappings of numbers

def _list_of_n(length: int, v: Any) -> Any:
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list):
        fail(f"must be a list of {length} numbers, got {kind(v)}")
    if len(v) != length:
        fail(f"must have exactly {length} numbers, got {len(v)}")
    return v


def _sums(check: str, v: tuple) -> tuple:
    if check in ("weights", "shares") and sum(v) <= 0:
        fail("weights must not all be zero")
    if check == "shares" and abs(sum(v) - 1) > 1e-6:
        fail(f"shares must sum to 1, got {sum(v):g}")
    return v


def Numbers(length: int, check: str) -> Any:
    """Exactly ``length`` numbers; ``weights``: not all zero; ``shares``: summing to 1."""
    return Annotated[tuple[Real("nonneg" if check in ("weights", "shares") else check), ...],
                     Field(min_length=length, max_length=length), Spec(check, length),
                     AfterValidator(partial(_sums, check)),
                     BeforeValidator(partial(_list_of_n, length))]


def _key(allowed: tuple, k: Any) -> Any:
    if k not in allowed:
        fail(f"unknown key; allowed: {', '.join(allowed)}")
    return k


def _mapping(v: Any) -> Any:
    if not isinstance(v, dict):
        fail(f"must be a mapping, got {kind(v)}")
    return v


def _complete(allowed: tuple, shares: bool, v: dict) -> dict:
    missing = [k for k in allowed if k not in v]
    if missing:
        fail(f"must give all of {', '.join(allowed)} (missing {', '.join(missing)})")
    if shares and abs(sum(v.values()) - 1) > 1e-6:
        fail(f"probabilities must sum to 1, got {sum(v.values()):g}")
    return v


def Mapping(keys: tuple[str, ...], value: Any, complete: str = "") -> Any:
    """A mapping from the named ``keys`` (some or all) to ``value``s. ``complete``: ``all`` (every key
    given) or ``shares`` (every key given, the values summing to 1)."""
    validators = [AfterValidator(partial(_complete, keys, complete == "shares"))] if complete else []
    key = Annotated[Literal[tuple(keys)], BeforeValidator(partial(_key, tuple(keys)))]
    inner = spec_of(value)
    spec = Spec("shares" if complete == "shares" else inner.check, inner.length, inner.most)
    return Annotated[(dict[key, value], spec, *validators, BeforeValidator(_mapping))]


def _days(allowed: tuple, v: Any) -> tuple:
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list) or not v:
        fail(f"must be a non-empty list of days from {', '.join(allowed)}")
    for d in v:
        if d not in allowed:
            fail(f"must be days from {', '.join(allowed)}, got {d!r}")
    return tuple(v)


def Days(allowed: tuple[str, ...]) -> Any:
    """A non-empty list of days of the week."""
    return Annotated[tuple[Literal[tuple(allowed)], ...], Field(min_length=1),
                     BeforeValidator(partial(_days, tuple(allowed)))]


def _names(allowed: tuple, what: str, v: Any) -> tuple:
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list):
        fail(f"must be a list of {what} from {', '.join(allowed)}, got {kind(v)}")
    for d in v:
        if d not in allowed:
            fail(f"must be {what} from {', '.join(allowed)}, got {d!r}")
    return tuple(v)


def Names(allowed: tuple[str, ...], what: str) -> Any:
    """A list (possibly empty) of names from ``allowed``; ``what`` they are, for the message."""
    return Annotated[tuple[Literal[tuple(allowed)], ...], BeforeValidator(partial(_names, tuple(allowed), what))]


def _list_of_mappings(names: str, v: Any) -> Any:
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list):
        fail(f"must be a list of mappings ({names})")
    return v


def ListOf(item: Any, names: str) -> Any:
    """A list of mappings (shifts, group slots), ``names``: their keys, for the message."""
    return Annotated[tuple[item, ...], BeforeValidator(partial(_list_of_mappings, names))]


# --------------------------------------------------------------------------- distributions

DIST_ALLOWED = "; ".join(f"{{dist: {k}, {', '.join(ps)}}}" for k, ps in PARAMS.items())


class _DistModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _exact_params(cls, data: Any) -> Any:
        kind_ = data.get("dist")
        problem = check_dist(kind_, {k: x for k, x in data.items() if k != "dist"})
        if problem and ("takes exactly" in problem or "must be" not in problem):
            fail(problem)  # the wrong parameters, or their order (low <= mode <= high...)
        return data

    @model_validator(mode="after")
    def _order(self) -> Any:
        problem = check_dist(self.dist, self.model_dump(exclude={"dist"}))
        if problem:
            fail(problem)
        return self


def _param(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)) \
            or v < 0:
        fail(f"must be a finite number >= 0, got {v!r}")
    return number(v)


Param = Annotated[float, Field(ge=0, le=LARGEST), BeforeValidator(_param)]


class Fixed(_DistModel):
    dist: Literal["fixed"]
    value: Param


class Exponential(_DistModel):
    dist: Literal["exponential"]
    mean: Param


class Uniform(_DistModel):
    dist: Literal["uniform"]
    low: Param
    high: Param


class Triangular(_DistModel):
    dist: Literal["triangular"]
    low: Param
    mode: Param
    high: Param


class Lognormal(_DistModel):
    dist: Literal["lognormal"]
    mean: Param
    sd: Param


DIST_MODELS = (Fixed, Exponential, Uniform, Triangular, Lognormal)
assert tuple(m.model_fields["dist"].annotation.__args__[0] for m in DIST_MODELS) == tuple(PARAMS)


def _dist_input(v: Any) -> Any:
    if isinstance(v, Dist):
        return v.to_dict()
    if isinstance(v, bool) or not isinstance(v, (dict, int, float)):
        fail(f"must be a number or a distribution: {DIST_ALLOWED}")
    if not isinstance(v, dict):
        return {"dist": "fixed", "value": checked(number(v), "nonneg")}
    kind_ = v.get("dist")
    if not isinstance(kind_, str):
        fail(f"needs 'dist': one of {', '.join(PARAMS)}")
    if kind_ not in PARAMS:
        fail(f"unknown distribution {kind_!r}; allowed: {', '.join(PARAMS)}")
    return v


def _to_dist(m: _DistModel) -> Dist:
    return Dist(m.dist, m.model_dump(exclude={"dist"}))


DistUnion = Annotated[Union[DIST_MODELS], Discriminator("dist")]
Distribution = Annotated[DistUnion, AfterValidator(_to_dist),
                         BeforeValidator(_dist_input, json_schema_input_type=Union[Real("nonneg"), DistUnion])]
"""A duration: a number (fixed) or ``{dist: kind, ...}``, tagged by ``dist``; read as a :class:`Dist`."""
