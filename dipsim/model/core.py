"""The model: one SimPy environment, the CJIT pools, the group schedule and the arrivals.

Each part is given what it uses; :meth:`Model.run` returns a :class:`RunOutput`, the one
object the results read.
"""

from __future__ import annotations

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
from .groups import GroupEducation
from .records import Records
from .workload import Workload
from .world import SimulatedArea

DRAIN_DAYS = 730
"""After the last arrest, people run to the end of their pathway for at most this long."""
POOLS = ("custody", "community", "callout")


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
    """One replication of one scenario. Run-time state lives here, never on the scenario."""

    def __init__(self, scenario: Scenario, streams: Streams, days: int):
        self.days = days
        self.env = env = simpy.Environment()
        cohort = draw_cohort(scenario, streams, days)
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
                                   self.pools["community"], self.pools["callout"], self.groups, self.spawn)
        self.workload = self.world.workload = Workload(env, scenario, streams, cohort.n, self.pools)
        self.arrest_h = self.world.people.arrest_h
        self.finished = env.event()
        self.active = 0
        self.arrivals_done = False

    def spawn(self, generator) -> None:
        """Start a person's process, counted so the run ends when every pathway has."""
        self.active += 1
        self.env.process(generator).callbacks.append(self._exit)

    def _exit(self, _event) -> None:
        self.active -= 1
        if self.active == 0 and self.arrivals_done and not self.finished.triggered:
            self.finished.succeed()

    def _arrivals(self):
        env, world = self.env, self.world
        for i, t in enumerate(self.arrest_h):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.spawn(pathway(world, i))
        self.arrivals_done = True
        if self.active == 0 and not self.finished.triggered:
            self.finished.succeed()

    def run(self) -> RunOutput:
        """Run until every pathway has ended (or the drain limit)."""
        env = self.env
        env.process(self._arrivals())
        limit = (self.days + DRAIN_DAYS) * HOURS_PER_DAY
        env.timeout(limit).callbacks.append(lambda _e: None if self.finished.triggered else self.finished.succeed())
        env.run(until=self.finished)
        return RunOutput(self.records, {name: p.busy for name, p in self.pools.items()},
                         {name: p.overtime for name, p in self.pools.items()}, self.groups.held, env.now,
                         self.workload.ledger)
