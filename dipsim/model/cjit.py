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
    done: simpy.Event
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
        self._seq += 1
        job = Job(priority, self._seq, hours, act, done, release=release)
        heapq.heappush(self._queue, (priority, self._seq, job))
        if deadline < math.inf:
            env.timeout(deadline - env.now).callbacks.append(lambda _e, j=job: self._expire(j))
        if self._idle:
            self._idle.pop().succeed()
        return done

    def _expire(self, job: Job) -> None:
        if not job.started and not job.done.triggered:
            job.expired = True
            job.done.succeed(None)

    def _book(self, act: int, start: float, hours: float) -> None:
        day = min(int(start // HOURS_PER_DAY), self.busy.shape[1] - 1)
        self.busy[act, day] += hours

    def _worker(self):
        env = self.env
        rota = self.rota
        queue = self._queue
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
                yield wake
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
                job.done.succeed(now)
            self._book(job.activity, now, hours)
            if now + hours > shift_end:
                self.overtime[min(int(now // HOURS_PER_DAY), len(self.overtime) - 1)] += now + hours - shift_end

    def duty_hours(self, t0: float, t1: float) -> float:
        if self.unlimited:
            return float("nan")
        return self.workers * self.rota.duty_hours(t0, t1)
