"""The JSON Schemas editors use (``dipsim schema --json scenario|case``) accept what dipsim accepts
in the shipped files, refuse known-bad values, and the copies in docs/schema/ are current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from dipsim.schemas import json_schema
from dipsim.scenario.loader import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(SCENARIO_DIR.glob("*.yaml"))
CASES = sorted((ROOT / "training" / "cases").glob("*.yaml"))


def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_there_are_files_to_check():
    assert len(SCENARIOS) >= 3 and len(CASES) >= 20


@pytest.mark.parametrize("path", SCENARIOS + CASES, ids=lambda p: p.name)
def test_shipped_files_are_valid(path):
    kind = "scenario" if path.parent == SCENARIO_DIR else "case"
    errors = list(validator(kind).iter_errors(yaml.safe_load(path.read_text())))
    assert not errors, [e.message for e in errors]


SCENARIO_BAD = [
    {"decisions": {"accepts_caution": 1.5}},                       # a probability above 1
    {"cjit": {"custody": {"workers": -2}}},                        # a negative count
    {"cjit": {"custody": {"workers": "lots"}}},                    # neither a number nor 'unlimited'
    {"cjit": {"custody": {"staff": 3}}},                           # an unknown key
    {"arrivals": {"arrests_per_day": {"arson": 1.0}}},             # an unknown offence
    {"decisions": {"menu_policy": "lenient"}},                     # not a named policy
    {"sessions": {"triage_minutes": {"dist": "normal", "mean": 3}}},  # an unknown distribution
    {"sessions": {"triage_minutes": {"dist": "triangular", "low": 1, "high": 3}}},  # a missing parameter
    {"arrivals": {"day_of_week": [1, 1, 1]}},                       # 3 numbers where 7 belong
    {"days": 10**6},                                                 # beyond any real area
    {"extends": 3},
]


@pytest.mark.parametrize("bad", SCENARIO_BAD, ids=lambda b: json.dumps(b)[:40])
def test_scenario_schema_refuses_a_bad_value(bad):
    assert not validator("scenario").is_valid(bad)


def test_scenario_schema_accepts_what_editors_write():
    v = validator("scenario")
    for good in ({}, {"extends": "urban_intensive", "cjit": {"community": {"workers": "unlimited"}}},
                 {"sessions": {"triage_minutes": 45}}, {"sessions": {"triage_minutes": {"dist": "fixed", "value": 45}}},
                 {"arrivals": {"arrests_per_day": {"theft": 2}}}):
        assert v.is_valid(good), good


@pytest.mark.parametrize("bad", [
    {"area": {"country": "scotland"}, "offender": {"offence": "theft"}},
    {"offender": {"age": 30}},                                       # offence is required
    {"offender": {"offence": "theft", "drug_use_profile": 5}},
    {"offender": {"offence": "theft"}, "events": {"sessions": ["late"]}},
    {"offender": {"offence": "theft"}, "card": {"answer": "x"}},
], ids=lambda b: json.dumps(b)[:40])
def test_case_schema_refuses_a_bad_value(bad):
    assert not validator("case").is_valid(bad)


def test_scenario_schema_offers_keys_and_defaults_to_an_editor():
    schema = json_schema("scenario")
    assert schema["properties"]["extends"]["type"] == "string"
    arrivals = schema["$defs"]["Arrivals"]["properties"]["arrests_per_day"]
    assert "shoplifting" in arrivals["properties"]  # completion inside a mapping of offences
    custody = schema["$defs"]["Assessment"]["properties"]["custody_hours"]
    assert custody["default"] == {"dist": "lognormal", "mean": 9.0, "sd": 5.0}
    assert "description" in custody


@pytest.mark.parametrize("kind", ["scenario", "case"])
def test_shipped_json_schemas_are_current_and_the_command_prints_them(kind):
    path = ROOT / "docs" / "schema" / f"{kind}.schema.json"
    assert json.loads(path.read_text()) == json_schema(kind), \
        f"{path} is stale: run `dipsim schema --json {kind} --write {path.relative_to(ROOT)}`"
    proc = subprocess.run([sys.executable, "-m", "dipsim", "schema", "--json", kind], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0 and json.loads(proc.stdout) == json_schema(kind)
