"""CJIT workers: pools that follow a rota and serve a priority queue of jobs.

A job is a piece of a worker's time: an assessment, a session, a contact. Workers
take the most urgent job (lowest priority number, then first come) while on duty;
a job may carry a deadline (release from custody), after which it is dropped and
its requester told so. Busy time is booked per activity and per day, so that
utilisation by activity and its daily series need no other record.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import simpy

from ..time import HOURS_PER_DAY
from .calendar import Rota

PATHWAY_ACTIVITIES = ("initial_assessment", "voluntary_assessment", "callout_assessment", "follow_up_assessment",
                      "single_session", "assessment_education", "triage", "education", "group_education", "review",
                      "follow_up_contact", "voluntary_contact", "missed_appointment", "dir", "caseload_contact")
"""This pathway's work: the DIP Conditional Caution and Required Assessment work, the DIRs it completes
(§5) and the care-planned contacts of its onward referrals (Annex C session 3)."""
OTHER_ACTIVITIES = ("prison_leavers", "court_ordered", "self_referrals", "custody_other", "admin", "travel")
"""The team's other work (:mod:`dipsim.model.workload`): the rest of its DIP caseload, admin and travel."""
ACTIVITIES = PATHWAY_ACTIVITIES + OTHER_ACTIVITIES
ACTIVITY_INDEX = {a: k for k, a in enumerate(ACTIVITIES)}


@dataclass(slots=True)
class Job:
    """A queued piece of work. The queue holds ``(priority, seq, job)`` tuples, which
    heapq compares in C (most urgent first, then first come)."""
    priority: int
    seq: int
    hours: float
    activity: int
    done: simpy.Event | None  # None: nobody waits for it (the team's other work)
    started: bool = False
    expired: bool = False
    release: simpy.Event | None = None


class WorkerPool:
    """``workers`` CJIT workers on a rota. ``workers == 'unlimited'``: every job starts at once.

    ``request`` returns an event that fires when the job is done, with the job's start
    time as its value, or ``None`` at once if its deadline passed before it started. A job
    held open by a ``release`` event (a group session's facilitators) fires when it starts.
    """

    def __init__(self, env: simpy.Environment, name: str, workers, rota: Rota, n_days: int):
        self.env = env
        self.name = name
        self.unlimited = workers == "unlimited"
        self.workers = 0 if self.unlimited else int(workers)
        self.rota = rota
        self._queue: list[tuple[int, int, Job]] = []
        self._seq = 0
        self._idle: list[simpy.Event] = []
        self.staffed = self.unlimited or (self.workers > 0 and not rota.never)
        self.busy = np.zeros((len(ACTIVITIES), n_days + 1))
        self.overtime = np.zeros(n_days + 1)
        self.fill: list[list] = []  # [activity index, hours owed]: done whenever no job waits (admin, travel)
        self._since: dict[simpy.Event, float] = {}  # idle workers (their wake event): idle since
        for _ in range(self.workers):
            env.process(self._worker())

    def on_duty(self, t: float) -> bool:
        return self.unlimited or (self.workers > 0 and self.rota.on_duty(t))

    def request(self, hours: float, activity: str, priority: int = 1, deadline: float = math.inf,
                release: simpy.Event | None = None) -> simpy.Event:
        env = self.env
        done = env.event()
        act = ACTIVITY_INDEX[activity]
        if self.unlimited:
            self._book(act, env.now, hours)
            return env.timeout(hours, value=env.now) if release is None else done.succeed(env.now)
        if deadline <= env.now or not self.staffed:
            done.succeed(None)
            return done
        job = self._push(priority, hours, act, done, release)
        if deadline < math.inf:
            env.timeout(deadline - env.now).callbacks.append(lambda _e, j=job: self._expire(j))
        return done

    def post(self, hours: float, activity: str, priority: int = 1) -> bool:
        """A job nobody waits for (no event, no deadline): the team's other work. False if the
        pool cannot do it (no worker)."""
        if self.unlimited:
            self._book(ACTIVITY_INDEX[activity], self.env.now, hours)
            return True
        if not self.staffed:
            return False
        self._push(priority, hours, ACTIVITY_INDEX[activity], None, None)
        return True

    def owe(self, hours: float, activity: str) -> None:
        """Work done whenever no job waits (admin, travel), oldest owed first: a worker's idle duty time
        goes to it, and he leaves it the moment a job comes in. It costs no event: idle time is credited
        when the worker is woken, and by :meth:`settle` (called at each shift start) for the workers idle."""
        act = ACTIVITY_INDEX[activity]
        if self.unlimited:
            self._book(act, self.env.now, hours)
            return
        now = self.env.now
        self.settle()
        if self.fill and self.fill[-1][0] == act:
            self.fill[-1][1] += hours
        else:
            self.fill.append([act, hours])
        for wake in self._idle:
            self._since.setdefault(wake, now)

    def settle(self) -> None:
        """Credit the idle workers' time until now to the work owed (at each shift start)."""
        now = self.env.now
        for wake, since in list(self._since.items()):
            self._credit(since, now)
            self._since[wake] = now

    def _credit(self, t0: float, t1: float) -> None:
        """A worker was idle from ``t0`` to ``t1``: his duty time in it goes to the work owed."""
        if t1 <= t0 or not self.fill:
            return
        rota = self.rota
        if rota.always or (rota.on_duty(t0) and t1 <= rota.current_end(t0)):
            span = t1 - t0
        else:
            span = rota.duty_hours(t0, t1)
        fill = self.fill
        while span > 1e-12 and fill:
            owed = fill[0]
            hours = min(span, owed[1])
            self._book(owed[0], t0, hours)
            owed[1] -= hours
            span -= hours
            if owed[1] <= 1e-12:
                fill.pop(0)

    def _push(self, priority, hours, act, done, release) -> Job:
        self._seq += 1
        job = Job(priority, self._seq, hours, act, done, release=release)
        heapq.heappush(self._queue, (priority, self._seq, job))
        if self._idle:
            self._idle.pop().succeed()
        return job

    def _expire(self, job: Job) -> None:
        if not job.started and not job.done.triggered:  # (only jobs with a deadline, so with an event)
            job.expired = True
            job.done.succeed(None)

    def _book(self, act: int, start: float, hours: float) -> None:
        day = min(int(start // HOURS_PER_DAY), self.busy.shape[1] - 1)
        self.busy[act, day] += hours

    def _worker(self):
        env = self.env
        rota = self.rota
        queue = self._queue
        fill = self.fill
        while True:
            now = env.now
            if not rota.on_duty(now):
                yield env.timeout(rota.next_start(now) - now)
                continue
            while queue and queue[0][2].expired:
                heapq.heappop(queue)
            if not queue:
                wake = env.event()
                self._idle.append(wake)
                if fill:
                    self._since[wake] = now
                yield wake
                if wake in self._since:  # idle time goes to the work owed
                    self._credit(self._since.pop(wake), env.now)
                continue
            job = heapq.heappop(queue)[2]
            job.started = True
            shift_end = rota.current_end(now)
            if job.release is not None:
                job.done.succeed(now)
                yield job.release
                hours = env.now - now
            else:
                hours = job.hours
                yield env.timeout(hours)
                if job.done is not None:
                    job.done.succeed(now)
            self._book(job.activity, now, hours)
            if now + hours > shift_end:
                self.overtime[min(int(now // HOURS_PER_DAY), len(self.overtime) - 1)] += now + hours - shift_end

    def duty_hours(self, t0: float, t1: float) -> float:
        if self.unlimited:
            return float("nan")
        return self.workers * self.rota.duty_hours(t0, t1)
