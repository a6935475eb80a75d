"""The model: one SimPy environment, the CJIT pools, the group schedule and the arrivals."""

from __future__ import annotations

import bisect

import numpy as np
import simpy

from ..random import Streams
from ..scenario.schema import POSITIVE_FOR, Scenario
from .calendar import HOURS_PER_DAY, Rota
from .cjit import WorkerPool
from .cohort import Columns, draw_cohort
from .groups import GroupEducation
from .pathway import arrest
from .records import Records

DRAIN_DAYS = 730
"""After the last arrest, people run to the end of their pathway for at most this long."""


class Model:
    """One replication of one scenario. Run-time state lives here, never on the scenario."""

    def __init__(self, scenario: Scenario, streams: Streams, days: int):
        self.scenario = scenario
        self.streams = streams
        self.days = days
        self.env = simpy.Environment()
        self.cohort = draw_cohort(scenario, streams, days)
        self.records = Records(self.cohort)
        self.people = Columns(self.cohort)
        n_days = days + DRAIN_DAYS + 1
        cj = scenario.cjit
        self.custody = WorkerPool(self.env, "custody", cj.custody.workers, Rota.from_shifts(cj.custody.shifts), n_days)
        self.community = WorkerPool(self.env, "community", cj.community.workers,
                                    Rota.from_shifts(cj.community.shifts), n_days)
        always = Rota([((0, 1, 2, 3, 4, 5, 6), 0.0, 24.0)])
        self.callout = WorkerPool(self.env, "callout", cj.out_of_hours.callout_workers, always, n_days)
        self.groups = GroupEducation(self)
        self.never = self.env.event()
        self.finished = self.env.event()
        split = np.cumsum([scenario.testing.positive_for[k] for k in POSITIVE_FOR])[:-1]
        self._positive_for_cut = split.tolist()
        self.active = 0
        self.arrivals_done = False

    def positive_for_code(self, u: float) -> int:
        """Which drugs a positive test shows (1-based code into POSITIVE_FOR), from one uniform."""
        return 1 + bisect.bisect_right(self._positive_for_cut, u)  # cuts ascend: the count of cuts <= u

    def spawn(self, generator) -> None:
        """Start a person's process, counted so the run ends when every pathway has."""
        self.active += 1
        self.env.process(generator).callbacks.append(self._exit)

    def _exit(self, _event) -> None:
        self.active -= 1
        if self.active == 0 and self.arrivals_done and not self.finished.triggered:
            self.finished.succeed()

    def _arrivals(self):
        env = self.env
        for i, t in enumerate(self.people.arrest_h):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.spawn(arrest(self, i))
        self.arrivals_done = True
        if self.active == 0 and not self.finished.triggered:
            self.finished.succeed()

    def run(self) -> float:
        """Run until every pathway has ended (or the drain limit); returns the end time (hours)."""
        env = self.env
        env.process(self._arrivals())
        limit = (self.days + DRAIN_DAYS) * HOURS_PER_DAY
        env.timeout(limit).callbacks.append(lambda _e: None if self.finished.triggered else self.finished.succeed())
        env.run(until=self.finished)
        return env.now
