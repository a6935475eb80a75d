"""Group education (Annex C session 2): a weekly schedule; a group runs when enough wait.

A group is run by ``facilitators`` workers, or by every worker of a smaller pool.

At each scheduled slot, if at least ``min_size`` people are waiting, up to
``max_size`` of them (first come) join a group run by ``facilitators`` CJIT workers;
otherwise anyone who has waited ``max_wait_days`` or more is seen 1:1 instead.

A meeting's length is drawn from its own block of the stream, keyed by the second of the
run its slot falls on (:meth:`GroupEducation.meeting_hours`): the group held on a given
Wednesday at 14:00 lasts as long whatever policy decided who (or whether anyone) came to
the meetings before it.
"""

from __future__ import annotations

import numpy as np
import simpy

from ..random import Blocks
from ..scenario.schema import Group
from ..time import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK
from .cjit import WorkerPool


class GroupEducation:
    """The weekly group schedule of one area, run by workers of ``pool``; ``minutes``
    of each group come from ``stream`` (one block per meeting). ``held`` counts the groups run."""

    def __init__(self, env: simpy.Environment, pool: WorkerPool, config: Group,
                 stream: np.random.Generator):
        self.env = env
        self.pool = pool
        self.cfg = config
        self.lengths = Blocks(stream)
        self.waiting: list[tuple[int, float, object]] = []
        self.slots = sorted(DAY_NAMES.index(s.day) * HOURS_PER_DAY + s.hour for s in self.cfg.schedule)
        self.held = 0
        if self.cfg.enabled:
            env.process(self._schedule())

    def join(self, i: int):
        """Wait for the next group (or a 1:1 fallback). The event's value: (mode, start)."""
        ticket = self.env.event()
        if not self.slots:
            ticket.succeed(("one_to_one", None))
            return ticket
        self.waiting.append((i, self.env.now, ticket))
        return ticket

    def _next_slot(self, t: float) -> float:
        week = (t // HOURS_PER_WEEK) * HOURS_PER_WEEK
        for base in (week, week + HOURS_PER_WEEK):
            for s in self.slots:
                if base + s > t:
                    return base + s
        raise AssertionError("unreachable: slots are within a week")  # pragma: no cover

    def _schedule(self):
        env, cfg = self.env, self.cfg
        while self.slots:
            yield env.timeout(self._next_slot(env.now) - env.now)
            if len(self.waiting) >= cfg.min_size:
                members, self.waiting = self.waiting[:cfg.max_size], self.waiting[cfg.max_size:]
                env.process(self._run_group(members, env.now))
            overdue = [w for w in self.waiting if env.now - w[1] >= cfg.max_wait_days * HOURS_PER_DAY]
            if overdue:
                self.waiting = [w for w in self.waiting if env.now - w[1] < cfg.max_wait_days * HOURS_PER_DAY]
                for _, _, ticket in overdue:
                    ticket.succeed(("one_to_one", None))

    def meeting_hours(self, slot_h: float) -> float:
        """The length of the meeting whose slot is at ``slot_h`` (hours into the run): drawn from
        the stream's block for that second, so it depends on nothing but the slot."""
        return self.cfg.minutes.sample(self.lengths.at(round(slot_h * 3600)), 1)[0] / 60.0

    def _run_group(self, members, slot_h: float):
        env, cfg, pool = self.env, self.cfg, self.pool
        release = env.event()
        facilitators = cfg.facilitators if pool.unlimited else min(cfg.facilitators, pool.workers)
        starts = [pool.request(0.0, "group_education", 0, release=release) for _ in range(max(1, facilitators))]
        yield env.all_of(starts)
        if any(s.value is None for s in starts):
            for _, _, ticket in members:
                ticket.succeed(("one_to_one", None))
            release.succeed()
            return
        start = env.now
        yield env.timeout(self.meeting_hours(slot_h))
        release.succeed()
        self.held += 1
        for _, _, ticket in members:
            ticket.succeed(("group", start))
