"""The direct driver (dipsim.model.direct): people who never need a CJIT worker are walked through
the one pathway on their own clock, without a SimPy process; the output is bit-identical to
giving every walk its own process, on the shipped scenarios and variants that reach every
branch; and a world method that asks SimPy for something on a person's own clock is an error,
never a wrong time."""

from __future__ import annotations

import pandas as pd
import pytest

from dipsim.model import Model
from dipsim.model.world import SimulatedArea
from dipsim.random import Streams
from dipsim.scenario import load_scenario, replace

VARIANTS = {
    "urban_intensive": {},
    "unlimited workers": {"cjit.custody.workers": "unlimited", "cjit.community.workers": "unlimited"},
    "next shift, no groups": {"cjit.out_of_hours.arrangement": "next_shift", "sessions.group.enabled": False},
    "no workers": {"cjit.custody.workers": 0, "cjit.community.workers": 0},
    "one worker each": {"cjit.custody.workers": 1, "cjit.community.workers": 1},
}


def both(sc, seed=3, rep=1, days=90):
    out = {}
    for direct in (True, False):
        m = Model(sc, Streams(seed, rep), days, direct=direct)
        out[direct] = (m, m.run())
    return out


@pytest.mark.parametrize("name", ["urban_intensive", "county_non_intensive", "welsh_intensive"])
def test_shipped_scenarios_identical_with_and_without_the_driver(name):
    got = both(load_scenario(name))
    (m, a), (_, b) = got[True], got[False]
    pd.testing.assert_frame_equal(a.records.to_frame(), b.records.to_frame(), check_exact=True)
    assert a.end_h == b.end_h and a.groups_held == b.groups_held
    for pool in a.busy:
        assert (a.busy[pool] == b.busy[pool]).all() and (a.overtime[pool] == b.overtime[pool]).all()
    n = m.records.n
    assert m.driver.direct_walks > n / 2  # most people never need a CJIT worker: no SimPy process for them


@pytest.mark.parametrize("label", list(VARIANTS))
def test_variants_identical_with_and_without_the_driver(label):
    sc = replace(load_scenario("urban_intensive"), VARIANTS[label])
    got = both(sc, seed=11, rep=0, days=60)
    (_, a), (_, b) = got[True], got[False]
    pd.testing.assert_frame_equal(a.records.to_frame(), b.records.to_frame(), check_exact=True)
    assert a.end_h == b.end_h


def test_a_shared_resource_asked_for_on_a_persons_own_clock_is_an_error(monkeypatch):
    def drug_test(self, i):  # a world method that asks for a worker without handing over first
        start = yield self.custody.request(0.5, "initial_assessment", 0)
        return "negative" if start is None else "negative"

    monkeypatch.setattr(SimulatedArea, "drug_test", drug_test)
    with pytest.raises(RuntimeError, match="own clock"):
        Model(load_scenario("urban_intensive"), Streams(1, 0), 5, direct=True).run()
