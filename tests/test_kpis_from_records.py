"""KPIs straight from the record arrays (what the experiments' workers use) equal the people
table's, KPI for KPI, to the last bit: the three shipped scenarios, several seeds, a warm-up
window, and the derived first-session shares."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dipsim.experiment.backends import Job, run_job
from dipsim.experiment.kpis import KpiCollector, first_session_shares
from dipsim.kpis_from_records import PeopleArrays
from dipsim.results import compute_kpis, run, utilisation
from dipsim.scenario import load_scenario, replace


def same(a: dict, b: dict) -> None:
    assert list(a) == list(b), "the two paths give different KPIs (or order)"
    differ = [k for k in a if not (a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k])
                                                   and isinstance(b[k], float) and math.isnan(b[k])))]
    assert not differ, {k: (a[k], b[k]) for k in differ}
    for k in a:
        assert type(a[k]) is type(b[k]), (k, type(a[k]), type(b[k]))


@pytest.mark.parametrize("name", ["urban_intensive", "county_non_intensive", "welsh_intensive"])
@pytest.mark.parametrize("seed", [1, 2008, 77])
def test_every_kpi_equals_the_people_tables(name, seed):
    sc = load_scenario(name)
    table = run(sc, seed=seed, replication=seed % 5, days=120)
    arrays = run(sc, seed=seed, replication=seed % 5, days=120, people_table=False)
    assert arrays._people is None  # nothing built yet
    same(table.kpis, arrays.kpis)
    assert table.kpis["cautions"] > 0 and table.kpis["tests"] + table.kpis["voluntary_route"] > 0
    # the derived shares and a warm-up window
    same(first_session_shares(table.people, (3, 7, 10.5, 14)), first_session_shares(arrays.arrays, (3, 7, 10.5, 14)))
    w = 30
    util = utilisation(table.daily_busy, table.daily_overtime, sc, w, 120)
    window = table.people[table.people["arrest_h"] >= w * 24]
    a = arrays.arrays
    same(compute_kpis(window, util, 120 - w), compute_kpis(a.subset(a["arrest_h"] >= w * 24), util, 120 - w))
    # the people table is still there when asked for, identical
    assert table.people.equals(arrays.people)


def test_collector_rows_equal_the_table_paths():
    sc = replace(load_scenario("urban_intensive"), {"cjit.community.workers": 1})  # queues: waits set
    for w in (0, 20):
        collect = KpiCollector((7, 10, 14, 2.5), warmup_days=w)
        job = Job(sc, 5, 1, 90)
        row = run_job(job, collect)
        table = run(sc, seed=5, replication=1, days=90)
        people = table.people[table.people["arrest_h"] >= w * 24]
        util = utilisation(table.daily_busy, table.daily_overtime, sc, w, 90)
        k = dict(table.kpis) if w == 0 else compute_kpis(people, util, 90 - w, None)
        k.update(first_session_shares(people, collect.first_session_within_days))
        same(row, {name: float(v) for name, v in k.items()})


def test_arrays_read_back_from_a_table_equal_the_records():
    sc = load_scenario("county_non_intensive")
    r = run(sc, days=60, people_table=False)
    back = PeopleArrays.from_frame(r.people)
    for name, col in r.arrays.columns.items():
        np.testing.assert_array_equal(np.asarray(col), back[name], err_msg=name)


def test_an_empty_run():
    sc = load_scenario("urban_intensive")
    same(run(sc, days=0).kpis, run(sc, days=0, people_table=False).kpis)
