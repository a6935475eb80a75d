"""Scenario files: shipped areas, extends, defaults with sources, and one-line errors."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dipsim.errors import InputError
from dipsim.scenario import Scenario, from_dict, load_scenario, replace, scenario_hash, to_dict, to_yaml
from dipsim.scenario.docs import schema_markdown
from dipsim.scenario.loader import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_three_shipped_scenarios_load_and_differ():
    urban = load_scenario(SCENARIO_DIR / "urban_intensive.yaml")
    county = load_scenario("county_non_intensive")
    wales = load_scenario("welsh_intensive")
    assert (urban.area.country, urban.area.intensive) == ("england", True)
    assert (county.area.country, county.area.intensive) == ("england", False)
    assert (wales.area.country, wales.area.intensive) == ("wales", True)
    assert len({scenario_hash(s) for s in (urban, county, wales)}) == 3


def test_extends_overrides_only_the_keys_given():
    urban, wales = load_scenario("urban_intensive"), load_scenario("welsh_intensive")
    assert wales.cjit.custody == urban.cjit.custody
    assert wales.cjit.community.shifts == urban.cjit.community.shifts
    assert wales.cjit.community.workers == 3 != urban.cjit.community.workers
    assert wales.decisions == urban.decisions


def test_extends_chain_and_relative_paths(tmp_path):
    (tmp_path / "base.yaml").write_text(f"extends: {SCENARIO_DIR / 'urban_intensive.yaml'}\nseed: 7\n")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\ncjit: {community: {workers: 9}}\n")
    s = load_scenario(tmp_path / "child.yaml")
    assert (s.seed, s.cjit.community.workers, s.name) == (7, 9, "Urban intensive (England)")


def test_resolved_scenario_round_trips(default_scenario, tmp_path):
    path = tmp_path / "resolved.yaml"
    path.write_text(to_yaml(default_scenario))
    again = load_scenario(path)
    assert again == default_scenario
    assert scenario_hash(again) == scenario_hash(default_scenario)


def test_replace_validates(default_scenario):
    assert replace(default_scenario, {"cjit.community.workers": 7}).cjit.community.workers == 7
    with pytest.raises(InputError, match="no such scenario key"):
        replace(default_scenario, {"cjit.community.staff": 7})
    with pytest.raises(InputError, match="probability"):
        replace(default_scenario, {"decisions.accepts_caution": 2})


def _leaf_fields(obj, prefix=""):
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if dataclasses.is_dataclass(v) and type(v).__name__ != "Dist":
            yield from _leaf_fields(v, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f


def test_every_parameter_has_unit_and_source_or_says_free():
    for key, f in _leaf_fields(Scenario()):
        if key in ("name", "description", "seed", "days"):
            continue
        assert f.metadata.get("unit"), key
        assert f.metadata.get("doc"), key
        assert f.metadata.get("source"), f"{key} names no source and does not say 'free parameter'"


def test_schema_reference_is_current():
    assert (ROOT / "docs" / "scenario-schema.md").read_text() == schema_markdown(), \
        "docs/scenario-schema.md is stale: run `dipsim schema --write docs/scenario-schema.md`"


BAD_FILES = {
    "unknown_key": ("cjit:\n  custody:\n    staff: 3\n", "cjit.custody.staff", "unknown key"),
    "wrong_type": ("cjit:\n  community:\n    workers: lots\n", "cjit.community.workers", "whole number"),
    "probability_above_one": ("decisions:\n  accepts_caution: 1.5\n", "decisions.accepts_caution", "between 0 and 1"),
    "probability_nan": ("decisions:\n  accepts_caution: .nan\n", "decisions.accepts_caution", "finite"),
    "negative_count": ("cjit:\n  custody:\n    workers: -2\n", "cjit.custody.workers", ">= 0"),
    "negative_rate": ("arrivals:\n  arrests_per_day:\n    theft: -1\n", "arrivals.arrests_per_day.theft", ">= 0"),
    "section_not_mapping": ("people: 3\n", "people", "must be a mapping"),
    "list_section": ("cjit: [1, 2]\n", "cjit", "must be a mapping"),
    "bad_yaml": ("cjit: {custody: [\n", None, "not valid YAML"),
    "top_level_list": ("- 1\n- 2\n", None, "top level must be a mapping"),
    "empty": ("", None, "is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", None, "not UTF-8"),
    "bad_distribution": ("sessions:\n  triage_minutes: {dist: normal, mean: 3}\n", "sessions.triage_minutes",
                         "unknown distribution"),
    "shift_backwards": ("cjit:\n  custody:\n    shifts: [{days: [mon], start: 18, end: 9}]\n",
                        "cjit.custody.shifts.0.end", "after start"),
    "unknown_policy": ("decisions:\n  menu_policy: lenient\n", "decisions.menu_policy", "one of"),
    "shares_not_one": ("compliance:\n  session_outcomes: {attended: 0.5, missed_with_notice: 0.1, "
                       "missed_without_notice: 0.1, left_early: 0.1, intoxicated: 0.1, unacceptable_behaviour: 0.0}\n",
                       "compliance.session_outcomes", "sum to 1"),
    "extends_missing": ("extends: nowhere.yaml\n", "extends", "no such scenario file"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_invalid_file_is_one_inputerror_naming_file_and_key(tmp_path, kind):
    content, key, words = BAD_FILES[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as err:
        load_scenario(path)
    line = err.value.one_line()
    assert "\n" not in line
    assert line.startswith(str(path))
    if key:
        assert f": {key}: " in line
    assert words in line


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "absent.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_scenario(tmp_path)


def test_circular_extends(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(InputError, match="circular"):
        load_scenario(tmp_path / "a.yaml")


@pytest.mark.parametrize("kind", ["unknown_key", "probability_nan", "binary", "empty", "bad_yaml"])
def test_cli_exits_2_with_one_line_and_writes_nothing(tmp_path, kind):
    content, key, words = BAD_FILES[kind]
    path = tmp_path / "bad.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dipsim", "run", str(path), "--days", "3", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert str(path) in lines[0] and words in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))


def test_defaults_dump_as_plain_yaml():
    data = yaml.safe_load(to_yaml(Scenario()))
    assert data == to_dict(Scenario())


def test_error_in_an_extended_file_names_the_file_that_sets_the_key(tmp_path):
    (tmp_path / "base.yaml").write_text("decisions:\n  accepts_caution: 1.5\n")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\ncjit: {community: {workers: 3}}\n")
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "child.yaml")
    assert err.value.file == str(tmp_path / "base.yaml") and err.value.key == "decisions.accepts_caution"
    (tmp_path / "child.yaml").write_text("extends: base.yaml\ndecisions: {accepts_caution: 2}\n")
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "child.yaml")
    assert err.value.file == str(tmp_path / "child.yaml")


@pytest.mark.parametrize("raw,key", [({"cjit": {"custody": {"workers": 5000}}}, "cjit.custody.workers"),
                                     ({"compliance": {"max_rearrangements": 50}}, "compliance.max_rearrangements"),
                                     ({"follow_up": {"contact_interval_days": 0.01}}, "follow_up.contact_interval_days"),
                                     ({"arrivals": {"arrests_per_day": {"theft": 1e6}}}, "arrivals.arrests_per_day.theft"),
                                     ({"days": 10**6}, "days")])
def test_values_beyond_any_real_area_are_refused(raw, key):
    with pytest.raises(InputError) as err:
        from_dict(raw, "x.yaml")
    assert err.value.key == key


def test_duplicate_key_in_a_scenario_is_refused(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("cjit:\n  community:\n    workers: 3\n    workers: 30\n")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.key == "workers" and "duplicate key at line 4" in err.value.one_line()


# --------------------------------------------------------------------------- reading input files safely

def test_extends_accepts_a_shipped_scenario_by_bare_name(tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: welsh_intensive\ncjit: {community: {workers: 7}}\n")
    sc = load_scenario(tmp_path / "mine.yaml")
    shipped = load_scenario("welsh_intensive")
    assert sc.cjit.community.workers == 7 and sc.area == shipped.area and sc.area.country == "wales"
    # a file of that name next to the child still wins over the shipped one
    (tmp_path / "welsh_intensive.yaml").write_text("area: {country: england}\n")
    assert load_scenario(tmp_path / "mine.yaml").area.country == "england"


@pytest.mark.parametrize("where", ["command line", "extends"])
def test_a_wrong_scenario_name_lists_the_shipped_ones_and_suggests_the_closest(tmp_path, where):
    if where == "command line":
        with pytest.raises(InputError) as err:
            load_scenario("urban_intensiv")
        assert err.value.key is None
    else:
        (tmp_path / "mine.yaml").write_text("extends: urban_intensiv\n")
        with pytest.raises(InputError) as err:
            load_scenario(tmp_path / "mine.yaml")
        assert err.value.key == "extends" and err.value.file == str(tmp_path / "mine.yaml")
    line = err.value.one_line()
    assert "county_non_intensive, urban_intensive, welsh_intensive" in line
    assert "did you mean urban_intensive?" in line


def test_a_fifo_or_a_device_is_refused_without_reading_it(tmp_path):
    from dipsim.case import load_case
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would block for ever
    from dipsim.experiment.overrides import read_variants
    for load, path in ((load_scenario, fifo), (load_scenario, Path("/dev/zero")), (load_case, fifo),
                       (read_variants, fifo)):
        with pytest.raises(InputError) as err:
            load(path)
        assert err.value.file == str(path) and "not a regular file" in str(err.value)


def test_an_oversized_file_is_refused(tmp_path):
    from dipsim.yamlfile import MAX_BYTES
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * (MAX_BYTES // 10 + 1) + "days: 3\n")
    with pytest.raises(InputError) as err:
        load_scenario(big)
    assert err.value.file == str(big) and "at most 1 MiB" in str(err.value)


def test_extends_through_a_symlink_loop_is_one_line(tmp_path):
    (tmp_path / "loop_a.yaml").symlink_to(tmp_path / "loop_b.yaml")
    (tmp_path / "loop_b.yaml").symlink_to(tmp_path / "loop_a.yaml")
    (tmp_path / "child.yaml").write_text("extends: loop_a.yaml\n")
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "child.yaml")
    assert err.value.key == "extends" and "link loop" in err.value.one_line()
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "loop_a.yaml")
    assert "link loop" in err.value.one_line()
    proc = subprocess.run([sys.executable, "-m", "dipsim", "run", str(tmp_path / "child.yaml"), "--days", "2",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_loaded_scenario_is_frozen_and_reads_like_before():
    sc = load_scenario("urban_intensive")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.cjit.custody.workers = 9
    assert isinstance(sc.cjit.custody.workers, int) and isinstance(sc.cjit.custody.shifts, tuple)
    assert sc.assessment.custody_hours.kind == "lognormal" and sc.assessment.custody_hours.mean == 9.0
    assert replace(sc, {"cjit.custody.workers": 5}).cjit.custody.workers == 5


@pytest.mark.parametrize("raw,key,words", [
    ({"sessions": {"group": {"schedule": [{"day": "funday", "hour": 14}]}}}, "sessions.group.schedule.0.day",
     "must be one of mon, tue"),  # the model looks the day up by name
    ({"sessions": {"triage_minutes": {"dist": "uniform", "low": -1, "high": 3}}}, "sessions.triage_minutes.low",
     ">= 0"),
    ({"sessions": {"triage_minutes": {"dist": "uniform", "low": 1}}}, "sessions.triage_minutes",
     "uniform takes exactly low, high (missing high)"),
    ({"sessions": {"triage_minutes": {"mean": 3}}}, "sessions.triage_minutes", "needs 'dist'"),
    ({"cjit": {"custody": {"workers": 5000}}}, "cjit.custody.workers", "at most 1000 (workers or 'unlimited')"),
])
def test_schema_types_name_the_key_and_what_is_allowed(raw, key, words):
    with pytest.raises(InputError) as err:
        from_dict(raw, "x.yaml")
    assert err.value.key == key and words in err.value.message, err.value.one_line()
