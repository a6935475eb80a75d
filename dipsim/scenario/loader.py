"""Load, resolve (``extends``) and validate scenario files into frozen :class:`Scenario` objects.

Every problem is an :class:`~dipsim.errors.InputError` naming the file, the key
and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib.resources
import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from ..errors import InputError
from ..yamlfile import read_yaml_document
from ..rules.menu import MENU_POLICIES
from ..rules.offences import OFFENCE_GROUPS, OFFENCE_NAMES
from ..validation import input_error, kind as _kind
from .distributions import PARAMS, Dist
from .schema import ARRANGEMENTS, COUNTRIES, OUTCOME_KEYS, POSITIVE_FOR, Scenario

SCENARIO_DIR = Path(str(importlib.resources.files("dipsim") / "scenarios"))  # package data (a folder once installed)
CHOICES = {  # for tests that generate valid scenarios; the schema's types are what checks
    ("area", "country"): COUNTRIES,
    ("cjit", "out_of_hours", "arrangement"): ARRANGEMENTS,
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
    if not _exists(path) and _is_bare(path):
        shipped = SCENARIO_DIR / f"{path.name}.yaml"
        if _exists(shipped):
            return shipped
    return path


def _is_bare(path: Path) -> bool:
    return path.suffix == "" and not path.parent.parts and path.name not in ("", ".", "..")


def shipped_names() -> list[str]:
    """The scenarios shipped with dipsim, by the bare name the command line and ``extends`` accept."""
    try:
        return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
    except OSError:
        return []


def _no_such_scenario(name: str) -> str:
    """What to say about a bare name that is neither a file nor a shipped scenario."""
    shipped = shipped_names()
    close = difflib.get_close_matches(name, shipped, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"no such scenario file, nor a shipped scenario of that name (shipped: {', '.join(shipped)}){hint}"


def _real(path: Path) -> Path:
    """``path`` made absolute with links followed; a link loop is left for the reader to name (no RuntimeError)."""
    return Path(os.path.realpath(path))


def _parent_path(path: Path, parent: str) -> Path:
    """The file ``extends: parent`` in ``path`` names: next to ``path`` (``.yaml`` optional), else a shipped
    scenario by bare name."""
    ppath = _real(path.parent / parent)
    if not _exists(ppath) and not ppath.suffix:
        if _exists(ppath.with_suffix(".yaml")) or not _is_bare(Path(parent)):
            return ppath.with_suffix(".yaml")
        shipped = SCENARIO_DIR / f"{parent}.yaml"
        return shipped if _exists(shipped) else ppath.with_suffix(".yaml")
    return ppath


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
    ppath = _parent_path(path, parent)
    if ppath in _seen or ppath == _real(path):
        raise InputError(path, "extends", f"circular: {parent} extends back to this file")
    if not _exists(ppath) and _is_bare(Path(parent)) and not ppath.is_symlink():
        raise InputError(path, "extends", f"{parent}: {_no_such_scenario(parent)}")
    try:
        base = load_raw(ppath, _seen + (_real(path),))
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
    if not _exists(p) and _is_bare(p) and not p.is_symlink():
        raise InputError(p, None, _no_such_scenario(str(p)))
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
        path = _parent_path(path, parent)
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


_SCENARIO = TypeAdapter(Scenario)


def build(raw: dict, source: str) -> Scenario:
    """Validate ``raw`` against the schema (:mod:`.schema`); defaults fill what is missing."""
    try:
        return _plain(_SCENARIO.validate_python(raw))
    except ValidationError as exc:
        err = input_error(exc, source, transparent=set(PARAMS))
    if err.message.startswith("must be at most ") and (unit := _unit(err.key)):
        most, _, rest = err.message[len("must be at most "):].partition(",")
        err = InputError(err.file, err.key, f"must be at most {most} ({unit}),{rest}")
    raise err


def _plain(obj: Any) -> Any:
    """The same frozen objects, rebuilt attribute by attribute: pydantic hands over each object's
    ``__dict__`` whole, which CPython reads more slowly than attributes set one by one (the
    model reads scenario attributes in its hot loops)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, Dist):
        new = object.__new__(type(obj))
        for f in dataclasses.fields(obj):
            object.__setattr__(new, f.name, _plain(getattr(obj, f.name)))
        return new
    if isinstance(obj, tuple):
        return tuple(_plain(x) for x in obj)
    return obj


def _unit(dotted: str | None) -> str:
    """The unit of the scenario key ``dotted`` names (of the mapping, for one of its entries)."""
    obj, unit = Scenario(), ""
    for part in (dotted or "").split("."):
        if not dataclasses.is_dataclass(obj) or part not in obj.__dataclass_fields__:
            break
        unit = obj.__dataclass_fields__[part].metadata.get("unit", "")
        obj = getattr(obj, part)
    return unit


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
    return _canonical_hash(to_dict(scenario))


def _canonical_hash(raw: dict) -> str:
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


STAFFING_KEYS = ("cjit.custody.workers", "cjit.community.workers", "cjit.out_of_hours.callout_workers")
"""The numbers of CJIT workers: what a staffing level changes (:func:`staffing_free_hash`)."""


def staffing_free_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario with its numbers of workers (``STAFFING_KEYS``) and its name left out:
    equal for the same area at any staffing, whose runs share their cohort and the walks that need no
    worker (:mod:`dipsim.model.shared`)."""
    raw = to_dict(scenario)
    for dotted in ("name", *STAFFING_KEYS):
        raw = set_dotted(raw, dotted, None)
    return _canonical_hash(raw)


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
