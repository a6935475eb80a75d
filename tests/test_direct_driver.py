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


def _story(env, stepped=False):
    """Events triggered for this moment, processes started, zero and later timeouts, in one mixed order:
    the order in which their callbacks run."""
    seen = []

    def proc(name, waits):
        seen.append(f"{name} starts at {env.now}")
        for w in waits:
            yield env.timeout(w)
            seen.append(f"{name} after {w} at {env.now}")
            done = env.event()
            done.callbacks.append(lambda e, n=name: seen.append(f"{n}'s event at {env.now}"))
            done.succeed()  # triggered for this moment
            if w == 1:
                env.process(proc(f"{name}.child", [0, 0]))  # an urgent start scheduled after it

    def at(t, name):
        e = env.timeout(t)
        e.callbacks.append(lambda _e: seen.append(f"{name} at {env.now}"))

    env.process(proc("a", [0, 1, 0, 2]))
    env.process(proc("b", [1, 0, 1]))
    at(1, "timer one")
    at(0, "timer zero")
    at(3, "timer three")
    stop = env.timeout(10)
    env.run_until(stop) if hasattr(env, "run_until") and not stepped else env.run(until=stop)
    return seen


def test_events_for_this_moment_keep_simpys_order():
    """Events triggered for the present moment with nothing else due wait in a line of their own, not the
    heap (direct.Clock.schedule); the callbacks still run in SimPy's order, an urgent process start
    scheduled after them going first, as (time, priority, id) orders them."""
    import simpy

    from dipsim.model.direct import Clock

    clock = Clock()
    mine, simpys = _story(clock), _story(simpy.Environment())
    assert mine == simpys
    assert _story(Clock(), stepped=True) == simpys  # SimPy's own run(): one step() at a time
    assert len(mine) > 30 and any("child starts" in s for s in mine)


def test_a_walk_ending_while_others_go_is_counted_out_without_an_event():
    """direct.Walk: a walk that ends while another is still going is counted out at once (no event of its own);
    the last still ends through its event, whose callback sees the count reach zero."""
    from dipsim.model.direct import Clock, Walk

    env = Clock()

    class Counter:
        active = 0
        ends: list = []

        def exit(self, _event):
            self.active -= 1
            self.ends.append((env.now, self.active))

    counter = Counter()

    def walk(t):
        yield env.timeout(t)

    for t in (1.0, 2.0, 3.0):
        counter.active += 1
        Walk(env, walk(t), counter)
    env.run_until(env.timeout(5))
    assert counter.active == 0 and counter.ends == [(3.0, 0)]  # two counted out quietly, the last by its event
