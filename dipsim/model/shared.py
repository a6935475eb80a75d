"""What runs of one area at different staffing levels have in common, drawn and walked once.

A planner's question is asked at several staffing levels: the same area, seed and replication,
only the numbers of CJIT workers changed (the national sweep's five levels of each area, a sweep
over ``cjit.community.workers``). Common random numbers make those runs share everything that does
not depend on the workers, to the last bit:

* **the cohort** - everyone arrested, his answers and his durations - is drawn from the
  replication's streams before any worker exists (:func:`dipsim.model.cohort.draw_cohort`); the
  streams it drew from are left where the draw left them for the run's own draws;
* **the walks driven on their own clock** (:mod:`dipsim.model.direct`): a walk that never needs a
  CJIT worker (most of them) touches nothing shared, so it reaches the same end, with the same
  record row, whatever the team; a walk that does is handed to SimPy at the same moment;
* **the team's other work's arrivals** (:mod:`dipsim.model.workload`): the times and lengths of
  the other DIP caseload's jobs come from their own streams and the rota's duty hours, not from
  who is free to take them.

:class:`SharedRun` holds them for one (area, seed, replication, days). The first run made with
it draws the cohort and records which walks it handed over (:class:`WalkLog`); each later run
takes the cohort as drawn, walks only the people the first run handed over (the rest of the
record is the first run's, copied row by row once the run has ended) and reads the other work's
arrivals as far as the first run computed them. The result of every run is bit-identical to a
run made alone (``tests/test_shared_runs.py``; ``benchmarks.check_identical``).

Which scenarios may share: :func:`dipsim.scenario.staffing_free_hash` - equal for scenarios
that differ only in ``cjit.custody.workers``, ``cjit.community.workers``,
``cjit.out_of_hours.callout_workers`` (and their names). A run given a :class:`SharedRun` made for
another key, seed, replication or length of run stops with an error rather than give wrong numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..random import Streams
from ..scenario.loader import staffing_free_hash
from ..scenario.schema import Scenario
from .cohort import Cohort, draw_cohort


@dataclass
class WalkLog:
    """The first run's walks: the people it handed to SimPy, batch by batch (``handed[b]``, in arrest
    order), the latest time a walk ended on its own clock (``end_h``), how many did
    (``direct_walks``), and its record, whose other rows are every later run's."""

    handed: list[list[int]]
    end_h: float
    direct_walks: int
    records: object
    _walked: np.ndarray | None = None

    def not_walked(self) -> np.ndarray:
        """The people a later run does not walk (True): those the first run did not hand over."""
        if self._walked is None:
            walked = np.zeros(self.records.n, bool)
            for batch in self.handed:
                walked[batch] = True
            self._walked = walked
        return ~self._walked


class SharedRun:
    """The cohort, the walks on their own clock and the other work's arrivals of the runs of one
    scenario's area at any staffing (see module doc), for ``Streams(seed, replication)`` and ``days``."""

    def __init__(self, scenario: Scenario, seed: int, replication: int, days: int, key: str | None = None):
        """``key``: ``staffing_free_hash(scenario)`` if the caller has it already."""
        self._known: dict[int, tuple[Scenario, str]] = {}
        if key is not None:
            self.knows(scenario, key)
        self.key = self._key_of(scenario)
        self.seed, self.replication, self.days = int(seed), int(replication), int(days)
        self.cohort: Cohort | None = None
        self.answers: dict | None = None
        self.walks: WalkLog | None = None
        self.arrivals: dict = {}  # the other work's arrival timelines by stream name (model.workload)
        self._positions: dict = {}

    def check(self, scenario: Scenario, streams: Streams, days: int) -> None:
        if (streams.seed, streams.replication, days) != (self.seed, self.replication, self.days) or \
                self._key_of(scenario) != self.key:
            raise ValueError("a SharedRun is for runs of one scenario at other staffing, with the same seed, "
                             "replication and days")

    def knows(self, scenario: Scenario, key: str) -> None:
        """``key`` is ``staffing_free_hash(scenario)``, already computed by the caller (not computed again)."""
        self._known[id(scenario)] = (scenario, key)

    def _key_of(self, scenario: Scenario) -> str:
        """Its staffing-free hash, remembered for the scenario object (kept, so that its id stays its own)."""
        known = self._known.get(id(scenario))
        if known is None or known[0] is not scenario:
            known = self._known[id(scenario)] = (scenario, staffing_free_hash(scenario))
        return known[1]

    def cohort_for(self, scenario: Scenario, streams: Streams, days: int) -> Cohort:
        """The cohort: drawn from ``streams`` by the first run; for a later run (its own new ``streams``)
        the one drawn, with every stream the draw used put where the draw left it."""
        if self.cohort is None:
            if streams._cache:  # noqa: SLF001
                raise ValueError("the first run of a SharedRun draws its cohort from new streams")
            self.cohort = draw_cohort(scenario, streams, days)
            self._positions = streams.positions()
            return self.cohort
        streams.carry_on(self._positions)
        return self.cohort


def copy_rows(dst, src, rows: np.ndarray) -> None:
    """Every record column of ``src`` into ``dst`` where ``rows`` is True."""
    n = src.n
    for name, col in vars(src).items():
        if isinstance(col, np.ndarray) and col.shape == (n,):
            np.copyto(getattr(dst, name), col, where=rows)


__all__ = ["SharedRun", "WalkLog", "copy_rows"]
