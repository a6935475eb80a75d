"""Load, resolve (``extends``) and validate scenario files into frozen :class:`Scenario` objects.

Every problem is an :class:`~dipsim.errors.InputError` naming the file, the key
and what is allowed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.resources
import json
import math
import os
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..yamlfile import read_yaml_document
from ..rules.menu import MENU_POLICIES
from ..rules.offences import OFFENCE_GROUPS, OFFENCE_NAMES
from .distributions import PARAMS, Dist, check as check_dist
from .schema import DAYS, OUTCOME_KEYS, POSITIVE_FOR, GroupSlot, Pool, Scenario, Shift

MAX_CONTACTS = 1000
SCENARIO_DIR = Path(str(importlib.resources.files("dipsim") / "scenarios"))  # package data (a folder once installed)
CHOICES = {
    ("area", "country"): ("england", "wales"),
    ("cjit", "out_of_hours", "arrangement"): ("callout", "next_shift", "none"),
    ("decisions", "menu_policy"): tuple(MENU_POLICIES),
}
MAPPING_KEYS = {
    ("arrivals", "arrests_per_day"): OFFENCE_NAMES,
    ("people", "drug_use_profile"): OFFENCE_GROUPS,
    ("compliance", "session_outcomes"): OUTCOME_KEYS,
    ("testing", "positive_for"): POSITIVE_FOR,
}


def resolve_path(name: str | os.PathLike) -> Path:
    """A path as given, or a shipped scenario by bare name (``urban_intensive``)."""
    path = Path(name)
    if not _exists(path) and path.suffix == "" and not path.parent.parts:
        shipped = SCENARIO_DIR / f"{path.name}.yaml"
        if _exists(shipped):
            return shipped
    return path


def _exists(path: Path) -> bool:
    """``path.exists()``, but False (not OSError) for a name the system cannot look up (too long)."""
    try:
        return path.exists()
    except OSError:
        return False


def read_yaml(path: Path, what: str = "scenario") -> dict:
    """Read one YAML mapping, or raise a one-line InputError."""
    data = read_yaml_document(path, what)
    if not isinstance(data, dict):
        raise InputError(path, None, f"top level must be a mapping of {what} keys, got {_kind(data)}")
    return data


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict:
    """A scenario file's mapping with its ``extends`` chain merged in (child keys win)."""
    path = resolve_path(path)
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        raise InputError(path, "extends", f"must be a file name, got {_kind(parent)}")
    ppath = (path.parent / parent).resolve()
    if not _exists(ppath) and not ppath.suffix:
        ppath = ppath.with_suffix(".yaml")
    if ppath in _seen or ppath == path.resolve():
        raise InputError(path, "extends", f"circular: {parent} extends back to this file")
    try:
        base = load_raw(ppath, _seen + (path.resolve(),))
    except InputError as exc:
        if exc.file == str(ppath) and exc.key is None:
            raise InputError(path, "extends", f"{parent}: {exc.message}") from None
        raise
    return deep_merge(base, data)


def deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_scenario(path: str | os.PathLike, overrides: dict | None = None) -> Scenario:
    """Load and validate a scenario file (``overrides``: dotted keys → values, e.g. from a sweep)."""
    p = resolve_path(path)
    raw = load_raw(p)
    for dotted, value in (overrides or {}).items():
        raw = set_dotted(raw, dotted, value)
    try:
        return build(raw, str(p))
    except InputError as exc:
        origin = _origin(p, exc.key) if exc.key and not overrides else None
        if origin is not None and origin != p:
            raise InputError(origin, exc.key, exc.message) from None
        raise


def _has_key(data: Any, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if isinstance(node, list):
            return True
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _origin(path: Path, dotted: str) -> Path | None:
    """The file of an ``extends`` chain that sets ``dotted`` (the child's value wins)."""
    seen: set[Path] = set()
    while path not in seen:
        seen.add(path)
        data = read_yaml(path)
        if _has_key(data, dotted):
            return path
        parent = data.get("extends")
        if not isinstance(parent, str):
            return None
        nxt = (path.parent / parent).resolve()
        path = nxt if _exists(nxt) or nxt.suffix else nxt.with_suffix(".yaml")
    return None


def from_dict(raw: dict, source: str = "<dict>") -> Scenario:
    return build(raw, source)


def set_dotted(raw: dict, dotted: str, value: Any) -> dict:
    keys = dotted.split(".")
    out = dict(raw)
    node = out
    for k in keys[:-1]:
        child = node.get(k)
        node[k] = dict(child) if isinstance(child, dict) else {}
        node = node[k]
    node[keys[-1]] = value
    return out


def build(raw: dict, source: str) -> Scenario:
    """Validate ``raw`` against the schema; defaults fill what is missing."""
    return _build_dc(Scenario, raw, source, ())


def _kind(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    return {bool: "true/false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(v), type(v).__name__)


def _err(source: str, path: tuple, msg: str) -> InputError:
    return InputError(source, ".".join(str(k) or "''" for k in path) or None, msg)  # '': an empty key, named


def _build_dc(cls: type, raw: Any, source: str, path: tuple) -> Any:
    if not isinstance(raw, dict):
        raise _err(source, path, f"must be a mapping, got {_kind(raw)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in raw if k not in fields]
    if unknown:
        raise _err(source, path + (unknown[0],), f"unknown key; allowed here: {', '.join(fields)}")
    defaults = cls()
    kwargs = {}
    for name, f in fields.items():
        if name in raw:
            kwargs[name] = _value(f, getattr(defaults, name), raw[name], source, path + (name,))
    obj = cls(**{**{n: getattr(defaults, n) for n in fields}, **kwargs})
    _cross_checks(obj, source, path)
    return obj


def _number(v: Any, source: str, path: tuple, integer: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err(source, path, f"must be {'a whole number' if integer else 'a number'}, got {_kind(v)} {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise _err(source, path, f"must be a finite number, got {v!r}")
    if abs(v) > 1e9:  # before any float(v): a huge whole number would overflow it
        shown = repr(v) if isinstance(v, float) or abs(v) < 10**18 else \
            f"a whole number of about {int(v.bit_length() * 0.30103) + 1} digits"
        raise _err(source, path, f"is too large to be meaningful: {shown}")
    if integer and not (isinstance(v, int) or float(v).is_integer()):
        raise _err(source, path, f"must be a whole number, got {v!r}")
    return int(v) if integer else float(v)


def _checked(v: float, check: str, source: str, path: tuple) -> float:
    if check == "prob" and not 0.0 <= v <= 1.0:
        raise _err(source, path, f"must be a probability between 0 and 1, got {v!r}")
    if check in ("nonneg", "weights", "shares") and v < 0:
        raise _err(source, path, f"must be >= 0, got {v!r}")
    if check == "positive" and v <= 0:
        raise _err(source, path, f"must be > 0, got {v!r}")
    if check == "hour" and not 0.0 <= v <= 24.0:
        raise _err(source, path, f"must be an hour of the day from 0 to 24, got {v!r}")
    if abs(v) > 1e9:
        raise _err(source, path, f"is too large to be meaningful: {v!r}")
    return v


def _numbers(v: Any, f: dataclasses.Field, source: str, path: tuple, length: int) -> tuple:
    if not isinstance(v, list):
        raise _err(source, path, f"must be a list of {length} numbers, got {_kind(v)}")
    if len(v) != length:
        raise _err(source, path, f"must have exactly {length} numbers, got {len(v)}")
    out = tuple(_checked(_number(x, source, path + (i,)), f.metadata["check"], source, path + (i,))
                for i, x in enumerate(v))
    if f.metadata["check"] in ("weights", "shares") and sum(out) <= 0:
        raise _err(source, path, "weights must not all be zero")
    if f.metadata["check"] == "shares" and abs(sum(out) - 1) > 1e-6:
        raise _err(source, path, f"shares must sum to 1, got {sum(out):g}")
    return out


def _at_most(f: dataclasses.Field, v: Any, source: str, path: tuple) -> Any:
    most = f.metadata.get("most", 0)
    if most and isinstance(v, (int, float)) and v > most:
        raise _err(source, path, f"must be at most {most:g} ({f.metadata.get('unit', '')}), got {v!r}")
    return v


def _value(f: dataclasses.Field, default: Any, v: Any, source: str, path: tuple) -> Any:
    return _at_most(f, _parse_value(f, default, v, source, path), source, path)


def _parse_value(f: dataclasses.Field, default: Any, v: Any, source: str, path: tuple) -> Any:
    check = f.metadata.get("check", "")
    length = f.metadata.get("length", 0)
    spath = path[-2:] if len(path) >= 2 else path
    if spath in CHOICES or path in CHOICES:
        allowed = CHOICES.get(path) or CHOICES[spath]
        if v not in allowed:
            raise _err(source, path, f"must be one of {', '.join(allowed)}, got {v!r}")
        return v
    if isinstance(default, Dist):
        return _dist(v, source, path)
    if isinstance(default, bool):
        if not isinstance(v, bool):
            raise _err(source, path, f"must be true or false, got {_kind(v)} {v!r}")
        return v
    if isinstance(default, str):
        if not isinstance(v, str):
            raise _err(source, path, f"must be text, got {_kind(v)}")
        return v
    if f.name == "workers" and isinstance(default, (int, str)):
        if v == "unlimited":
            return v
        if isinstance(v, str):
            raise _err(source, path, f"must be a whole number >= 0 or 'unlimited', got {v!r}")
        n = _number(v, source, path, integer=True)
        if n < 0:
            raise _err(source, path, f"must be a whole number >= 0 or 'unlimited', got {v!r}")
        return n
    if isinstance(default, int):
        return int(_checked(_number(v, source, path, integer=True), check or "nonneg", source, path))
    if isinstance(default, float):
        return _checked(_number(v, source, path), check, source, path)
    if isinstance(default, dict):
        return _mapping(f, v, source, path)
    if isinstance(default, tuple):
        if f.name == "shifts":
            return _list_of(Shift, v, source, path, at_least=0)
        if f.name == "schedule":
            return _list_of(GroupSlot, v, source, path, at_least=0)
        if f.name == "days":
            return _days(v, source, path)
        return _numbers(v, f, source, path, length)
    if dataclasses.is_dataclass(default):
        return _build_dc(type(default), v, source, path)
    raise AssertionError(f"schema field {path} has no validator")  # pragma: no cover


def _mapping(f: dataclasses.Field, v: Any, source: str, path: tuple) -> dict:
    if not isinstance(v, dict):
        raise _err(source, path, f"must be a mapping, got {_kind(v)}")
    allowed = MAPPING_KEYS[path[-2:]]
    out = {}
    for k, x in v.items():
        if k not in allowed:
            raise _err(source, path + (k,), f"unknown key; allowed: {', '.join(allowed)}")
        if f.metadata["length"]:
            out[k] = _numbers(x, f, source, path + (k,), f.metadata["length"])
        else:
            out[k] = _at_most(f, _checked(_number(x, source, path + (k,)), "prob" if f.metadata["check"] == "shares"
                                          else f.metadata["check"], source, path + (k,)), source, path + (k,))
    if f.metadata["check"] == "shares" and not f.metadata["length"]:
        missing = [k for k in allowed if k not in out]
        if missing:
            raise _err(source, path, f"must give all of {', '.join(allowed)} (missing {', '.join(missing)})")
        if abs(sum(out.values()) - 1) > 1e-6:
            raise _err(source, path, f"probabilities must sum to 1, got {sum(out.values()):g}")
    if f.metadata["length"]:
        missing = [k for k in allowed if k not in out]
        if missing:
            raise _err(source, path, f"must give all of {', '.join(allowed)} (missing {', '.join(missing)})")
    return out


def _days(v: Any, source: str, path: tuple) -> tuple:
    if not isinstance(v, list) or not v:
        raise _err(source, path, f"must be a non-empty list of days from {', '.join(DAYS)}")
    for d in v:
        if d not in DAYS:
            raise _err(source, path, f"must be days from {', '.join(DAYS)}, got {d!r}")
    return tuple(v)


def _list_of(cls: type, v: Any, source: str, path: tuple, at_least: int) -> tuple:
    if not isinstance(v, list) or len(v) < at_least:
        raise _err(source, path, f"must be a list of mappings ({', '.join(x.name for x in dataclasses.fields(cls))})")
    return tuple(_build_dc(cls, x, source, path + (i,)) for i, x in enumerate(v))


def _dist(v: Any, source: str, path: tuple) -> Dist:
    allowed = "; ".join(f"{{dist: {k}, {', '.join(ps)}}}" for k, ps in PARAMS.items())
    if isinstance(v, bool) or not isinstance(v, (dict, int, float)):
        raise _err(source, path, f"must be a number or a distribution: {allowed}")
    if not isinstance(v, dict):
        x = _checked(_number(v, source, path), "nonneg", source, path)
        return Dist("fixed", {"value": x})
    params = {k: x for k, x in v.items() if k != "dist"}
    kind = v.get("dist")
    problem = check_dist(kind, params) if isinstance(kind, str) else f"needs 'dist': one of {', '.join(PARAMS)}"
    if problem:
        raise _err(source, path, problem)
    return Dist(kind, {k: _number(x, source, path + (k,)) for k, x in params.items()})


def _cross_checks(obj: Any, source: str, path: tuple) -> None:
    if isinstance(obj, Shift) and obj.end <= obj.start:
        raise _err(source, path + ("end",), f"must be after start ({obj.start:g}), got {obj.end:g}")
    if isinstance(obj, Pool) and obj.workers != "unlimited" and obj.workers > 0 and not obj.shifts:
        raise _err(source, path + ("shifts",), "workers need at least one shift")
    if type(obj).__name__ == "FollowUp" and obj.cps_max_days / obj.contact_interval_days > MAX_CONTACTS:
        raise _err(source, path + ("contact_interval_days",),
                   f"gives more than {MAX_CONTACTS} contacts in the CPS maximum of {obj.cps_max_days:g} days: "
                   f"must be at least {obj.cps_max_days / MAX_CONTACTS:g}, got {obj.contact_interval_days:g}")
    if type(obj).__name__ == "Group" and obj.min_size > obj.max_size:
        raise _err(source, path + ("min_size",), f"must be <= max_size ({obj.max_size}), got {obj.min_size}")


def to_dict(obj: Any) -> Any:
    """The plain (YAML/JSON-ready) form of a scenario or any part of it."""
    if isinstance(obj, Dist):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (tuple, list)):
        return [to_dict(v) for v in obj]
    return obj


def to_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(to_dict(scenario), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario (canonical JSON): the provenance of every result."""
    text = json.dumps(to_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def replace(scenario: Scenario, overrides: dict) -> Scenario:
    """A validated copy with dotted-key overrides (``{"cjit.community.workers": 6}``)."""
    raw = to_dict(scenario)
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node = raw
        for k in parts[:-1]:
            if not isinstance(node, dict) or k not in node:
                raise InputError("<override>", dotted, "no such scenario key")
            node = node[k]
        if not isinstance(node, dict) or parts[-1] not in node:
            raise InputError("<override>", dotted, "no such scenario key")
        raw = set_dotted(raw, dotted, value)
    return build(raw, "<override>")
