"""JSON Schemas for editors: completion, hover text and inline errors while a planner edits a
scenario file or a trainer a case file (``dipsim schema --json scenario|case``).

Generated from the same pydantic models that check the files (:mod:`dipsim.scenario.schema`,
:mod:`dipsim.casefile`), so an editor and ``dipsim`` agree on what is allowed. dipsim's own
checks go further in places an editor cannot follow (``extends`` chains, sums to one, a shift's
end after its start); its one-line errors remain the last word.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from . import casefile
from .casefile import Case
from .scenario import schema as scenario_schema
from .scenario.loader import to_dict
from .scenario.schema import Scenario

KINDS = ("scenario", "case")
DIALECT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: what the YAML language server (VS Code, Neovim...) reads; nothing below needs a later draft."""


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        return to_dict(dft)  # a distribution as {dist: ..., ...}, a rota as mappings, tuples as lists


def _complete_mappings(node: Any) -> None:
    """A mapping whose keys are a fixed list (offences, outcomes) also lists them as properties, so an
    editor offers them."""
    if isinstance(node, dict):
        names = node.get("propertyNames", {}).get("enum")
        if names and isinstance(node.get("additionalProperties"), dict):
            node.setdefault("properties", {n: node["additionalProperties"] for n in names})
        for v in node.values():
            _complete_mappings(v)
    elif isinstance(node, list):
        for v in node:
            _complete_mappings(v)


def _defaults(schema: dict, module: Any) -> None:
    """Every key's default, also those pydantic leaves out (made by a factory: mappings, rotas)."""
    for name, definition in schema.get("$defs", {}).items():
        cls = getattr(module, name, None)
        if cls is None or not dataclasses.is_dataclass(cls):
            continue
        for f in dataclasses.fields(cls):
            if f.default_factory is not dataclasses.MISSING and f.name in definition.get("properties", {}):
                definition["properties"][f.name]["default"] = to_dict(f.default_factory())


def json_schema(kind: str) -> dict:
    """The JSON Schema of a ``kind`` ("scenario" or "case") file."""
    if kind not in KINDS:
        raise ValueError(f"no schema for {kind!r}; choose one of {', '.join(KINDS)}")
    model = Scenario if kind == "scenario" else Case
    schema = TypeAdapter(model).json_schema(schema_generator=_Generator)
    _defaults(schema, scenario_schema if kind == "scenario" else casefile)
    _complete_mappings(schema)
    if kind == "scenario":
        schema["title"] = "dipsim scenario file"
        schema["description"] = ("One area: every key optional (defaults in docs/scenario-schema.md). "
                                 "dipsim checks it fully when a command loads it.")
        schema["properties"] = {"extends": {
            "type": "string", "minLength": 1,
            "description": "Start from another scenario file (path relative to this one, .yaml optional) or a "
                           "shipped scenario by name (urban_intensive); keys given here override it."},
            **schema["properties"]}
    else:
        schema["title"] = "dipsim case file"
        schema["description"] = "One person walked through the guidance (`dipsim case FILE`); offender.offence is required."
    return {"$schema": DIALECT, **schema}
