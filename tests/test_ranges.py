"""Every free parameter has a plausible range that contains its default and that the schema accepts."""

from __future__ import annotations

import pytest

from dipsim.errors import InputError
from dipsim.experiment.overrides import apply_overrides
from dipsim.scenario import Scenario, load_scenario, to_dict
from dipsim.scenario import ranges as R
from dipsim.scenario.docs import schema_markdown

RANGES_FILE = "dipsim/scenario/ranges.py"


def test_every_free_parameter_has_a_range():
    raw = to_dict(Scenario())
    missing = [k for k in R.free_keys() if k not in R.RANGES]
    assert not missing, "\n".join(
        f"{k} is a free parameter (its source says so) with no plausible range: add to RANGES in {RANGES_FILE} "
        f"\"{k}\": Range(LOW, HIGH, \"why this range is plausible\"),  # default {R.get(raw, k)!r}"
        for k in missing)


@pytest.mark.parametrize("key", sorted(R.RANGES))
def test_range_contains_the_default_and_is_valid(key):
    for name in ("urban_intensive", "county_non_intensive"):
        sc = load_scenario(name)
        raw = to_dict(sc)
        default = R.get(raw, key)
        assert R.contains(key, default), (f"{key}: the range in {RANGES_FILE} ({R.RANGES[key].low!r} to "
                                          f"{R.RANGES[key].high!r}) does not contain {name}'s value {default!r}")
        lo, hi = R.bounds(key)
        assert lo < hi, f"{key}: low must be below high"
        for t in (0, 0.2, 0.5, 0.8, 1):
            value = R.value_at(key, lo + t * (hi - lo), raw)
            try:
                apply_overrides(sc, {key: value})
            except InputError as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"{key} at {t:.0%} of its range in {RANGES_FILE}: {value!r} is not valid: {exc}")
        assert R.RANGES[key].reason and R.RANGES[key].role in ("uncertain", "decision")


def test_structured_values_move_through_the_default():
    raw = to_dict(Scenario())
    k = "compliance.session_outcomes"
    assert R.kind(k, R.get(raw, k)) == "path"
    assert R.value_at(k, 0.5, raw) == pytest.approx(R.get(raw, k))
    low = R.value_at(k, 0.0, raw)
    assert low["attended"] == pytest.approx(0.70) and sum(low.values()) == pytest.approx(1.0)
    quarter = R.value_at(k, 0.25, raw)
    assert quarter["attended"] == pytest.approx(0.76) and sum(quarter.values()) == pytest.approx(1.0)
    # a whole-number parameter is rounded; a rota is one of three settings
    assert R.value_at("compliance.max_rearrangements", 1.6, raw) == 2
    shifts = [R.value_at("cjit.custody.shifts", t, raw) for t in (0.1, 0.5, 0.9)]
    assert shifts[0] == R.RANGES["cjit.custody.shifts"].low and shifts[2] == R.RANGES["cjit.custody.shifts"].high
    assert shifts[1] == R.get(raw, "cjit.custody.shifts")


def test_a_range_outside_the_default_is_caught(monkeypatch):
    monkeypatch.setitem(R.RANGES, "decisions.accepts_caution", R.Range(0.9, 0.99, "too high"))
    assert not R.contains("decisions.accepts_caution", 0.85)


def test_schema_reference_shows_the_ranges():
    text = schema_markdown()
    assert "| plausible range |" in text
    row = next(line for line in text.splitlines() if line.startswith("| `decisions.accepts_caution`"))
    assert row.endswith("| 0.6 to 0.95: most accept a caution rather than face prosecution; 60-95% |")
