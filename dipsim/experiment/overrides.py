"""Scenario variants from dotted-key overrides, parameter grids and their text forms.

A *cell* is a mapping of dotted scenario keys to values (``{"cjit.community.workers": 6}``);
a *variant* is a named cell (``{"extended_rota": {"cjit.custody.shifts": [...]}}``).
Besides every scenario key, one pseudo-key is understood:

``arrivals.scale``
    multiplies every ``arrivals.arrests_per_day`` value (after any other override).

>>> parse_param("cjit.community.workers=2:5")
('cjit.community.workers', [2, 3, 4, 5])
>>> parse_param("arrivals.scale=0.8,1.0,1.2")
('arrivals.scale', [0.8, 1.0, 1.2])
>>> parse_param("arrivals.scale=0.5:1:0.25")
('arrivals.scale', [0.5, 0.75, 1.0])
>>> parse_variant("late:{cjit.custody.workers: 3}")
('late', {'cjit.custody.workers': 3})
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from ..errors import InputError, ParameterError
from ..scenario import Scenario, replace
from ..scenario.loader import read_yaml

PSEUDO_KEYS = {"arrivals.scale": "multiplies every arrivals.arrests_per_day value"}


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any], source: str = "<override>") -> Scenario:
    """A validated copy of ``scenario`` with ``overrides`` (dotted keys, plus ``arrivals.scale``)."""
    regular = {k: v for k, v in overrides.items() if k not in PSEUDO_KEYS}
    try:
        out = replace(scenario, regular) if regular else scenario
    except InputError as exc:
        raise _error(source, exc.key, exc.message + _suggest(exc)) from None
    if "arrivals.scale" in overrides:
        f = overrides["arrivals.scale"]
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not math.isfinite(f) or f < 0:
            raise _error(source, "arrivals.scale", f"must be a number >= 0, got {f!r}")
        rates = {k: v * float(f) for k, v in out.arrivals.arrests_per_day.items()}
        out = replace(out, {"arrivals.arrests_per_day": rates})
    return out


def scenario_keys(node: Any = None, prefix: str = "") -> list[str]:
    """Every dotted key of a scenario (the leaves of its dataclasses), plus the pseudo-keys."""
    node = Scenario() if node is None else node
    keys = []
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            keys += scenario_keys(value, f"{prefix}{f.name}.")
        else:
            keys.append(f"{prefix}{f.name}")
    return keys + (list(PSEUDO_KEYS) if not prefix else [])


def _suggest(exc: InputError) -> str:
    """``; did you mean cjit.community.workers?`` for a mistyped key, else ``""``."""
    if not exc.key or "no such" not in exc.message or "did you mean" in exc.message:
        return ""
    close = difflib.get_close_matches(str(exc.key), scenario_keys(), n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(close)}?" if close else " (every key: dipsim schema)"


def grid(params: Mapping[str, Sequence[Any]] | None) -> list[dict[str, Any]]:
    """Every combination of the parameter values (the first parameter varies slowest)."""
    params = dict(params or {})
    for key, values in params.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise ParameterError("params", "needs a non-empty list of values", key)
    keys = list(params)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(params[k] for k in keys))]


def _scalar(text: str, key: str) -> Any:
    text = text.strip()
    if not text:
        raise ParameterError("params", "has an empty value", key)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise ParameterError("params", f"cannot read the value {text!r}", key) from None


def _number(v: Any, key: str, text: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ParameterError("params", f"a range needs numbers, got {text!r}", key)
    return v


def parse_values(key: str, spec: str) -> list[Any]:
    """``a:b`` (whole numbers a..b inclusive, or a..b in steps of 1), ``a:b:step``, or ``v1,v2,...``."""
    spec = spec.strip()
    if ":" in spec and not spec.startswith(("{", "[")):
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            raise ParameterError("params", f"a range is start:stop or start:stop:step, got {spec!r}", key)
        start, stop = (_number(_scalar(p, key), key, spec) for p in parts[:2])
        step = _number(_scalar(parts[2], key), key, spec) if len(parts) == 3 else 1
        if step <= 0:
            raise ParameterError("params", f"step must be > 0, got {step!r}", key)
        if stop < start:
            raise ParameterError("params", f"range stop must be >= start, got {spec!r}", key)
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        if count > 10_000:
            raise ParameterError("params", f"range has {count} values: too many", key)
        integer = all(isinstance(v, int) for v in (start, stop, step))
        values = [start + k * step for k in range(count)]
        return [int(v) for v in values] if integer else [round(float(v), 12) for v in values]
    if spec.startswith("["):
        v = _scalar(spec, key)
        if not isinstance(v, list) or not v:
            raise ParameterError("params", f"expected a non-empty list, got {spec!r}", key)
        return v
    return [_scalar(p, key) for p in spec.split(",")]


def parse_param(text: str) -> tuple[str, list[Any]]:
    """``KEY=VALUES`` from the command line (see :func:`parse_values`)."""
    if "=" not in text:
        raise ParameterError("params", f"expected KEY=VALUES (e.g. cjit.community.workers=2:12), got {text!r}")
    key, spec = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ParameterError("params", f"missing the key in {text!r}")
    return key, parse_values(key, spec)


def parse_params(texts: Sequence[str] | None) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for t in texts or ():
        key, values = parse_param(t)
        if key in out:
            raise ParameterError("params", "given twice", key)
        out[key] = values
    return out


def _error(source: str, key: str | None, message: str) -> InputError:
    """An error in a file (``source`` its path) or in a parameter (``variants``, ``policies``)."""
    if source in ("variants", "policies", "params"):
        return ParameterError(source, message, key)
    return InputError(source, key, message)


def _check_overrides(name: str, mapping: Any, source: str) -> dict[str, Any]:
    if not isinstance(mapping, dict):
        raise _error(source, name, "must be a mapping of dotted scenario keys to values, "
                                   "e.g. {cjit.custody.workers: 3}")
    for k in mapping:
        if not isinstance(k, str) or not k:
            raise _error(source, name, f"keys must be dotted scenario keys, got {k!r}")
    return dict(mapping)


def parse_variant(text: str) -> tuple[str, dict[str, Any]]:
    """``NAME:{key: value, ...}`` (a YAML flow mapping of dotted keys)."""
    if ":" not in text:
        raise ParameterError("variants", f"expected NAME:{{key: value, ...}}, got {text!r}")
    name, body = text.split(":", 1)
    name = name.strip()
    if not name:
        raise ParameterError("variants", f"missing the name in {text!r}")
    try:
        mapping = yaml.safe_load(body) if body.strip() else {}
    except yaml.YAMLError:
        raise ParameterError("variants", f"cannot read {body.strip()!r} as a YAML mapping", name) from None
    return name, _check_overrides(name, mapping or {}, "variants")


def read_variants(path: str | Path) -> dict[str, dict[str, Any]]:
    """A YAML file: variant name -> mapping of dotted scenario keys to values."""
    data = read_yaml(Path(path), what="variants")
    return {str(name): _check_overrides(str(name), body or {}, str(path)) for name, body in data.items()}


def policy_variants(policies: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["annex_b", "one_session_for_all"]`` -> one variant per condition-menu policy."""
    return {p: {"decisions.menu_policy": p} for p in policies}


def collect_variants(policies: Sequence[str] | None = None, variants: Sequence[str] | None = None,
                     files: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Variants from ``--policy``, ``--variant`` and ``--variants FILE``, in the order given
    (policies first). Names must be unique."""
    out: dict[str, dict[str, Any]] = {}

    def add(name: str, body: dict, where: str) -> None:
        if name in out:
            raise _error(where, name, "variant name given twice")
        out[name] = body

    for p in policies or ():
        add(p, {"decisions.menu_policy": p}, "policies")
    for v in variants or ():
        add(*parse_variant(v), "variants")
    for f in files or ():
        for name, body in read_variants(f).items():
            add(name, body, str(f))
    return out
