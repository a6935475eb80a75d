"""The national sweep's areas, volumes, staffing levels and the level an area needs (§2.2)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dipsim.experiment.capacity.targets import Target
from dipsim.experiment.national import (BASES, TESTS_PER_YEAR, area_table, base_scenario, base_tests_a_year,
                                        national_areas, national_table, pick_areas, workers_at)


def test_the_areas_of_section_2_2():
    areas = national_areas()
    kinds = pd.Series([a.kind for a in areas]).value_counts().to_dict()
    assert kinds == {"intensive (England)": 68, "intensive (Wales)": 3, "non-intensive (England)": 82}
    assert {a.name for a in areas if a.kind == "intensive (Wales)"} == {
        "intensive_wales_cardiff", "intensive_wales_newport", "intensive_wales_swansea"}
    assert len({a.name for a in areas}) == 153
    # the intensive areas share the year's tests on arrest (Hansard, 2007-08)
    tests = sum(a.scale * base_tests_a_year(a.base) for a in areas if a.kind.startswith("intensive"))
    assert tests == pytest.approx(TESTS_PER_YEAR, rel=1e-9)
    # the non-intensive areas average the county scenario times the free parameter
    non = [a.scale for a in areas if a.kind.startswith("non-intensive")]
    assert np.mean(non) == pytest.approx(1.0) and np.mean([a.scale for a in national_areas(non_intensive_scale=2)
                                                          if a.kind.startswith("non")]) == pytest.approx(2.0)


def test_the_spread_is_the_split_across_areas():
    equal = [a.scale for a in national_areas(spread=0) if a.kind == "intensive (England)"]
    assert max(equal) == pytest.approx(min(equal))
    cv = {s: np.std(x := [a.scale for a in national_areas(spread=s) if a.kind.startswith("non")]) / np.mean(x)
          for s in (0.25, 0.5, 1.0)}
    assert cv[0.25] < cv[0.5] < cv[1.0] and cv[0.5] == pytest.approx(0.5, abs=0.1)


def test_picked_areas_cover_every_kind():
    picked = pick_areas(national_areas(), 6)
    assert len(picked) == 6 and {a.kind for a in picked} >= {"intensive (England)", "non-intensive (England)"}


def test_staffing_levels_scale_the_base_workers_at_least_one():
    base = base_scenario(BASES["intensive (England)"])
    c, m = int(base.cjit.custody.workers), int(base.cjit.community.workers)
    assert workers_at(base, 1.0, 1.0) == (c, m)
    assert workers_at(base, 2.0, 1.5) == (round(3 * c), round(3 * m))
    assert workers_at(base, 0.1, 0.5) == (1, 1)


def test_an_area_needs_the_smallest_level_meeting_every_target():
    lv = pd.DataFrame({"area": ["a"] * 3 + ["b"] * 2, "kind": ["intensive (England)"] * 5,
                       "arrests_scale": [1.0] * 5, "level": [0.5, 1.0, 1.5, 0.5, 1.0],
                       "custody_workers": [1, 2, 3, 1, 2], "community_workers": [2, 4, 6, 2, 4],
                       "arrests_a_year": [100.0] * 5, "tests_a_year": [50.0] * 5,
                       "cjit_hours_a_year": [900.0, 1000.0, 1010.0, 500.0, 510.0],
                       "cjit_hours_a_year_half_width": [30.0, 40.0, 40.0, 10.0, 10.0],
                       "meets_targets": [False, True, True, False, False]})
    ar = area_table(lv, [Target.parse("utilisation_community<=0.85")])
    a, b = ar.set_index("area").loc["a"], ar.set_index("area").loc["b"]
    assert a["level_needed"] == 1.0 and a["community_workers"] == 4 and a["cjit_hours_a_year"] == 1000.0
    assert np.isnan(b["level_needed"]) and "no level" in b["note"]
    nat = national_table(ar, pd.DataFrame())
    total = nat.set_index("areas").loc["England and Wales"]
    assert total["count"] == 2 and total["met_at_some_level"] == 1 and total["cjit_hours_a_year"] == 1000.0


@pytest.mark.parametrize("args, needle", [(["--spread", "2"], "--spread"), (["--levels", "1,x"], "--levels"),
                                          (["--target", "nope>=1"], "--target"), (["--areas", "0"], "--areas")])
def test_bad_input_is_one_line(args, needle):
    r = subprocess.run([sys.executable, "-m", "dipsim", "national", *args, "-n", "2", "--days", "2",
                        "--areas", "1", *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and needle in r.stderr, r.stderr


def test_levels_with_the_same_workers_are_run_once_and_reported_alike():
    """In a small area several levels round to the same workers (at least one each): those cells' runs
    are the same runs to the last bit, so each is made once and given to every level that asked."""
    from dipsim.experiment.national import DEFAULT_LEVELS, area_scenario, national_sweep
    from dipsim.results import run

    chosen = pick_areas(national_areas(), 6)
    distinct = len({(a.name, workers_at(base_scenario(a.base), a.scale, lv)) for a in chosen for lv in DEFAULT_LEVELS})
    assert distinct < len(chosen) * len(DEFAULT_LEVELS)  # the case this is about: levels that collapse
    res = national_sweep(n=2, days=10, areas=6, backend="serial", progress=False)
    assert len(res.results) == len(chosen) * len(DEFAULT_LEVELS) * 2
    assert res.runs == distinct * 2 and res.identical_runs == len(res.results) - res.runs
    r = res.results
    kpis = [c for c in r.columns if c not in ("level", "area", "kind", "base_scenario", "arrests_scale",
                                              "custody_workers", "community_workers", "seed", "replication")]
    collapsed = 0
    for _, group in r.groupby(["area", "custody_workers", "community_workers"]):
        rows = [g[kpis].reset_index(drop=True) for _, g in group.groupby("level")]
        for other in rows[1:]:  # every level with these workers: the same replications, the same numbers
            pd.testing.assert_frame_equal(rows[0], other, check_exact=True)
            collapsed += 1
    assert collapsed == len(chosen) * len(DEFAULT_LEVELS) - distinct
    # the numbers are those of the level's own scenario run on its own
    small = min(chosen, key=lambda a: a.scale)
    one = run(area_scenario(small, DEFAULT_LEVELS[-1])[0], seed=2008, replication=1, days=10, people_table=False)
    row = r[(r["area"] == small.name) & (r["level"] == DEFAULT_LEVELS[-1]) & (r["replication"] == 1)].iloc[0]
    for k in ("arrests", "cjit_hours", "utilisation_custody"):
        assert row[k] == one.kpis[k] or (np.isnan(row[k]) and np.isnan(one.kpis[k]))
