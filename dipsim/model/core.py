"""The model: one SimPy environment, the CJIT pools, the group schedule and the arrivals.

Each part is given what it uses; :meth:`Model.run` returns a :class:`RunOutput`, the one
object the results read.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import simpy

from ..pathway import pathway
from ..random import Streams
from ..scenario.schema import Scenario
from ..time import EVERY_DAY, HOURS_PER_DAY
from .calendar import Rota
from .cjit import WorkerPool
from .cohort import draw_cohort
from .direct import At, Clock, Driver, Resumed, Walk
from .groups import GroupEducation
from .records import Records
from .shared import SharedRun, WalkLog, copy_rows
from .workload import Workload
from .world import SimulatedArea

DRAIN_DAYS = 730
"""After the last arrest, people run to the end of their pathway for at most this long."""
POOLS = ("custody", "community", "callout")
ARRESTS_AT_ONCE = 256
"""Arrests whose walks the direct driver takes in one go (model.direct): fewer timeouts, few walks held."""


@dataclass
class RunOutput:
    """What one replication produced: the per-person record, each pool's busy hours by activity
    and day (``busy[pool]``: activities x days) and overtime hours by day, the groups held and
    the time the run ended (hours)."""

    records: Records
    busy: dict[str, np.ndarray]
    overtime: dict[str, np.ndarray]
    groups_held: int
    end_h: float
    offered: dict | None = None   # jobs dipsim.model.workload offered: (pool, activity) -> [jobs, hours]


class Model:
    """One replication of one scenario. Run-time state lives here, never on the scenario.
    ``direct=True`` (the default) walks each person on his own clock until he first needs a CJIT
    worker (the direct driver, model.direct: about 0.77x the CPU time of a SimPy process per walk).
    ``direct=False`` gives every walk its own SimPy process from the arrest: the check of the driver
    (tests/test_direct_driver.py, and tests/test_properties.py on any valid area: bit-identical).
    ``shared``: a :class:`~dipsim.model.shared.SharedRun` for runs of the same area at other staffing
    (the cohort, the walks that need no worker and the other work's arrivals done once; the same result)."""

    direct = True

    def __init__(self, scenario: Scenario, streams: Streams, days: int, direct: bool | None = None,
                 shared: SharedRun | None = None):
        self.days = days
        if direct is not None:
            self.direct = direct
        self.env = env = Clock()  # SimPy's, with a person's own clock for the direct driver (model.direct)
        env.limit = (days + DRAIN_DAYS) * HOURS_PER_DAY
        self.shared = shared
        if shared is None:
            cohort = draw_cohort(scenario, streams, days)
        else:
            if not self.direct:
                raise ValueError("a SharedRun shares the direct driver's walks: direct=False cannot use one")
            shared.check(scenario, streams, days)
            cohort = shared.cohort_for(scenario, streams, days)
        self.records = Records(cohort)
        n_days = days + DRAIN_DAYS + 1
        cj = scenario.cjit
        self.pools = {
            "custody": WorkerPool(env, "custody", cj.custody.workers, Rota.from_shifts(cj.custody.shifts), n_days),
            "community": WorkerPool(env, "community", cj.community.workers, Rota.from_shifts(cj.community.shifts),
                                    n_days),
            "callout": WorkerPool(env, "callout", cj.out_of_hours.callout_workers,
                                  Rota([(EVERY_DAY, 0.0, HOURS_PER_DAY)]), n_days),
        }
        self.groups = GroupEducation(env, self.pools["community"], scenario.sessions.group,
                                     streams.get("durations.group_education"))
        self.world = SimulatedArea(env, scenario, cohort, self.records, self.pools["custody"],
                                   self.pools["community"], self.pools["callout"], self.groups, self.spawn,
                                   shared)
        self.workload = self.world.workload = Workload(env, scenario, streams, cohort.n, self.pools,
                                                       shared.arrivals if shared is not None else None)
        self.arrest_h = self.world.people.arrest_h
        self.finished = env.event()
        self.active = 0
        self.arrivals_done = False
        self.driver = Driver(env)
        self._noted: list[list[int]] | None = None  # with a SharedRun's first run: whom it handed over, by batch
        self._replayed: WalkLog | None = None  # with a later run: the first run's walks, which it took as they were

    def spawn(self, generator) -> None:
        """Start a person's process, counted so the run ends when every pathway has."""
        self.active += 1
        Walk(self.env, generator, self)

    def exit(self, _event) -> None:
        """A walk has ended (its process's callback; or, while others go, :class:`Walk` counts it out itself)."""
        self.active -= 1
        if self.active == 0 and self.arrivals_done:
            self._finish()

    def _finish(self, _event=None) -> None:
        """Every walk has ended: the run ends now, or when the last walk driven on its own clock
        ended (as it did when every walk was a SimPy process: the team's other work runs as long)."""
        if self.finished.triggered:
            return
        if self.env.now < self.driver.end_h:
            At(self.env, self.driver.end_h).callbacks.append(self._finish)
            return
        self.finished.succeed()

    def _arrivals(self):
        """Every arrested person's walk, driven on his own clock from his arrest until he first needs
        a CJIT worker (most never do: model.direct); a walk that does is taken on by a SimPy process
        from that moment. Arrests are taken ARRESTS_AT_ONCE at a time, when the clock reaches the
        first of them, so the walks waiting for SimPy stay few however long the run."""
        env, world, drive = self.env, self.world, self.driver.drive
        times = self.arrest_h
        # With a SharedRun: its first run notes whom it hands over, batch by batch; a later run walks
        # only them (the others' walks are the first run's: model.shared) in the same batches, at the same times.
        log = self.shared.walks if self.shared is not None else None
        noted: list[list[int]] | None = [] if self.shared is not None and log is None else None
        if log is not None:
            self.driver.end_h, self.driver.direct_walks = log.end_h, log.direct_walks
            self._replayed = log
        if not self.direct:  # every walk its own SimPy process from the arrest (the check of the driver)
            for i, t in enumerate(times):
                if t > env.now:
                    yield At(env, t)  # at his arrest time to the last bit (now + (t - now) can round off it)
                self.spawn(pathway(world, i))
            times = ()
        for b, first in enumerate(range(0, len(times), ARRESTS_AT_ONCE)):
            if times[first] > env.now:
                yield env.timeout(times[first] - env.now)
            people = range(first, min(first + ARRESTS_AT_ONCE, len(times))) if log is None else log.handed[b]
            # He needs a CJIT worker at time ``at``: SimPy takes the walk on from there.
            handed = drive([(i, pathway(world, i), times[i]) for i in people])
            if noted is not None:
                noted.append([i for i, _, _ in handed])
            for _, walk, at in handed:
                self.active += 1
                Resumed(env, walk, at, self)
        if noted is not None:
            self._noted = noted
        self.arrivals_done = True
        if self.active == 0:
            self._finish()

    def run(self) -> RunOutput:
        """Run until every pathway has ended (or the drain limit)."""
        env = self.env
        env.process(self._arrivals())
        limit = (self.days + DRAIN_DAYS) * HOURS_PER_DAY
        env.timeout(limit).callbacks.append(lambda _e: None if self.finished.triggered else self.finished.succeed())
        # Python's cyclic garbage collector is paused while the run goes: a run makes hundreds of thousands
        # of short-lived objects (events, jobs), freed as they go by reference counting, and the collector
        # would scan them again and again for cycles (about 8% of a run). The few thousand objects in
        # cycles a run leaves are collected after it as usual; a run's peak memory is the same.
        collecting = gc.isenabled()
        gc.disable()
        try:
            env.run_until(self.finished)
        finally:
            if collecting:
                gc.enable()
        shared = self.shared
        if self._replayed is not None:  # the rest of the record is the first run's (their walks needed no worker)
            copy_rows(self.records, self._replayed.records, self._replayed.not_walked())
        elif shared is not None and shared.walks is None and self._noted is not None:
            # the first run: the later ones walk only whom it handed over
            shared.walks = WalkLog(self._noted, self.driver.end_h, self.driver.direct_walks, self.records)
        return RunOutput(self.records, {name: p.busy for name, p in self.pools.items()},
                         {name: p.overtime for name, p in self.pools.items()}, self.groups.held, env.now,
                         self.workload.ledger)
