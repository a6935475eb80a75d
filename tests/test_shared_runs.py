"""Runs of one area at several staffing levels share what the staffing does not change (dipsim.model.shared):
the cohort, the walks that never need a worker and the other work's arrivals are made once, and every
level's result is still bit-identical to a run of its own. The experiments make such runs together."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dipsim.experiment import KpiCollector, Job, sweep
from dipsim.experiment.backends import make_batches, run_batch, run_job
from dipsim.experiment.overrides import apply_overrides
from dipsim.model import core
from dipsim.model.core import Model
from dipsim.model.shared import SharedRun
from dipsim.random import Streams
from dipsim.results import run, run_levels
from dipsim.scenario import replace, staffing_free_hash

DAYS = 45
LEVELS = ((1, 1), (1, 2), (2, 4), (3, 6), ("unlimited", "unlimited"))


@pytest.fixture(scope="module")
def levels(default_scenario):
    return [replace(default_scenario, {"cjit.custody.workers": c, "cjit.community.workers": m}) for c, m in LEVELS]


def _same_output(a, b) -> None:
    """Two RunOutputs alike to the last bit: every record column, busy and overtime hours, the ledger, the end."""
    for name, col in vars(a.records).items():
        if isinstance(col, np.ndarray):
            assert np.array_equal(col, getattr(b.records, name), equal_nan=col.dtype.kind == "f"), name
    for pool in a.busy:
        assert np.array_equal(a.busy[pool], b.busy[pool]) and np.array_equal(a.overtime[pool], b.overtime[pool])
    assert a.offered == b.offered and a.groups_held == b.groups_held and a.end_h == b.end_h


def test_staffing_free_hash_leaves_out_only_the_numbers_of_workers(default_scenario, levels):
    assert len({staffing_free_hash(sc) for sc in levels}) == 1
    assert staffing_free_hash(replace(default_scenario, {"cjit.out_of_hours.callout_workers": 3,
                                                         "name": "another"})) == staffing_free_hash(default_scenario)
    for other in ({"cjit.custody.shifts": [{"days": ["mon"], "start": 9.0, "end": 17.0}]},
                  {"arrivals.scale": 1.5}, {"cjit.admin_share.community": 0.2}):
        assert staffing_free_hash(apply_overrides(default_scenario, other)) != staffing_free_hash(default_scenario), other


def test_an_area_at_five_levels_made_together_is_each_level_made_alone(levels):
    shared = SharedRun(levels[0], 7, 2, DAYS)
    for sc in levels:
        alone = Model(sc, Streams(7, 2), DAYS).run()
        together = Model(sc, Streams(7, 2), DAYS, shared=shared).run()
        _same_output(alone, together)
    # the levels differ (else this would show nothing): fewer workers, longer waits for the first appointment
    util = [run(sc, 7, 2, DAYS).kpis["utilisation_community"] for sc in levels[:4]]
    assert util == sorted(util, reverse=True) and util[0] > util[-1]


def test_the_order_of_the_levels_does_not_matter(levels):
    forward = run_levels(levels, 3, 1, DAYS, people_table=False)
    backward = run_levels(levels[::-1], 3, 1, DAYS, people_table=False)[::-1]
    for a, b in zip(forward, backward):
        pd.testing.assert_frame_equal(a.people, b.people, check_exact=True)
        assert a.provenance == b.provenance
        for k in a.kpis:
            assert a.kpis[k] == b.kpis[k] or (math.isnan(a.kpis[k]) and math.isnan(b.kpis[k])), k


def test_later_levels_walk_only_the_people_the_first_handed_to_a_worker(levels, monkeypatch):
    walked = []
    real = core.pathway
    monkeypatch.setattr(core, "pathway", lambda world, i: (walked.append(i), real(world, i))[1])
    shared = SharedRun(levels[0], 1, 0, DAYS)
    first = Model(levels[0], Streams(1, 0), DAYS, shared=shared)
    first.run()
    n = first.records.n
    assert sorted(walked) == list(range(n))  # the first run walks everyone
    handed = sorted(i for batch in shared.walks.handed for i in batch)
    assert 0 < len(handed) < n / 2  # most people never need a CJIT worker
    walked.clear()
    Model(levels[2], Streams(1, 0), DAYS, shared=shared).run()
    assert sorted(walked) == handed  # a later level walks only those the first handed over


def test_a_shared_run_is_for_one_area_seed_replication_and_length(default_scenario, levels):
    shared = SharedRun(levels[0], 1, 0, DAYS)
    Model(levels[0], Streams(1, 0), DAYS, shared=shared).run()
    for sc, streams, days in ((apply_overrides(default_scenario, {"arrivals.scale": 2.0}), Streams(1, 0), DAYS),
                              (levels[1], Streams(2, 0), DAYS), (levels[1], Streams(1, 1), DAYS),
                              (levels[1], Streams(1, 0), DAYS + 1)):
        with pytest.raises(ValueError, match="SharedRun"):
            Model(sc, streams, days, shared=shared)
    with pytest.raises(ValueError, match="direct=False"):
        Model(levels[1], Streams(1, 0), DAYS, direct=False, shared=shared)


def test_other_scenarios_are_not_shared_but_still_run(default_scenario):
    """run_levels on scenarios that differ in more than staffing: each runs as alone (no shared draws)."""
    a, b = default_scenario, apply_overrides(default_scenario, {"arrivals.scale": 0.5})
    got = run_levels([a, b], 4, 0, DAYS, people_table=False)
    for sc, r in zip((a, b), got):
        pd.testing.assert_frame_equal(r.people, run(sc, 4, 0, DAYS).people, check_exact=True)
    assert got[1].kpis["arrests"] < got[0].kpis["arrests"]


def test_a_stream_carries_on_where_another_left_it():
    first = Streams(5, 3)
    first.get("durations.x").random(10)
    later = Streams(5, 3)
    later.carry_on(first.positions())
    assert later.get("durations.x").random() == first.get("durations.x").random()
    assert later.get("durations.y").random() == Streams(5, 3).get("durations.y").random()  # others from the start
    with pytest.raises(ValueError, match="already used"):
        later.carry_on(first.positions())


def test_a_groups_replication_is_never_split_between_batches(levels):
    jobs = [Job(sc, 1, r, 5, cell, group=0) for r in range(4) for cell, sc in enumerate(levels[:3])]
    jobs += [Job(levels[0], 1, r, 5, 9) for r in range(4)]  # a cell of its own after the group
    batches = make_batches(jobs, 4)
    assert [len(b) for b in batches] == [6, 6, 4]  # 4 reached mid-replication: the replication finishes first
    for b in batches:
        units = {(j.group, j.replication) for _, j in b if j.group is not None}
        assert all(sum(1 for _, j in b if (j.group, j.replication) == u) == 3 for u in units)
        assert len({j.cell if j.group is None else ("g", j.group) for _, j in b}) == 1  # one group or one cell
    assert sorted(i for b in batches for i, _ in b) == list(range(len(jobs)))


def test_a_batch_of_a_group_gives_what_each_job_gives_alone(levels):
    jobs = [Job(sc, 6, r, DAYS, cell, group=0) for r in range(2) for cell, sc in enumerate(levels[:3])]
    collect = KpiCollector()
    got = dict(run_batch(list(enumerate(jobs)), collect))
    for i, job in enumerate(jobs):
        alone = run_job(job, collect)
        assert got[i].keys() == alone.keys()
        for k in alone:
            assert got[i][k] == alone[k] or (math.isnan(got[i][k]) and math.isnan(alone[k])), k


def test_a_sweep_over_workers_is_made_in_groups_with_the_same_numbers(default_scenario):
    params = {"cjit.community.workers": [2, 3, 5]}
    res = sweep(default_scenario, params, 3, days=DAYS, backend="serial", progress=False)
    for _, row in res.results.iterrows():
        sc = replace(default_scenario, {"cjit.community.workers": int(row["cjit.community.workers"])})
        one = run(sc, default_scenario.seed, int(row["replication"]), DAYS, people_table=False).kpis
        for k in ("arrests", "cjit_hours", "utilisation_community", "first_appointment_wait_days_p90"):
            if k in one:
                assert row[k] == one[k] or (math.isnan(row[k]) and math.isnan(one[k])), k
