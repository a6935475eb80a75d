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
from array import array
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT, Event

_new = object.__new__

from ..time import HOURS_PER_DAY
from .calendar import Rota
from .direct import Timer, timeout_calling

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

    def expire(self, _event=None) -> None:
        """The deadline has come (release from custody): if no worker has started the job, it is dropped
        and its requester told so (``None``). Only jobs with a deadline, so with an event."""
        if not self.started and not self.done.triggered:
            self.expired = True
            self.done.succeed(None)


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
        self._idle: list[Worker] = []  # workers on duty with nothing to do, waiting to be woken (last in, first out)
        self.staffed = self.unlimited or (self.workers > 0 and not rota.never)
        self._days = n_days + 1
        self._busy = array("d", bytes(8 * len(ACTIVITIES) * self._days))  # activity-major, as busy[act, day]
        self.overtime = np.zeros(n_days + 1)
        self.fill: list[list] = []  # [activity index, hours owed]: done whenever no job waits (admin, travel)
        self._since: dict[Worker, float] = {}  # idle workers whose idle time goes to the work owed: idle since
        for _ in range(self.workers):  # each takes his first look at the rota and the queue at time 0
            Worker(self)

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
        if deadline < math.inf:  # at the deadline the job expires if not started
            timeout_calling(env, deadline - env._now, job.expire)  # noqa: SLF001
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
        for worker in self._idle:
            self._since.setdefault(worker, now)

    def settle(self) -> None:
        """Credit the idle workers' time until now to the work owed (at each shift start)."""
        now = self.env._now  # noqa: SLF001
        since = self._since
        for worker, t0 in since.items():  # (values replaced in place: the dict keeps its size)
            if t0 < now:
                self._credit(t0, now)
                since[worker] = now

    def _credit(self, t0: float, t1: float) -> None:
        """A worker was idle from ``t0`` to ``t1``: his duty time in it goes to the work owed."""
        if t1 <= t0 or not self.fill:
            return
        rota = self.rota
        found = rota._last[1]  # noqa: SLF001 - as in Worker.look
        if rota.always or (found is not None and found[0] <= t0 < found[1] and t1 <= found[1]) or (
                rota.on_duty(t0) and t1 <= rota.current_end(t0)):
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

    def _push(self, priority, hours, act, done, release, wake: bool = True) -> Job:
        """Queue a job; an idle worker, if any, is woken for it (``wake``; else the caller does it)."""
        self._seq += 1
        job = Job(priority, self._seq, hours, act, done, release=release)
        heapq.heappush(self._queue, (priority, self._seq, job))
        if wake and self._idle:
            self._wake(self._idle.pop())
        return job

    def _wake(self, worker: "Worker") -> None:
        """An event at this moment whose callback wakes ``worker`` (as a process waiting on an event
        that has just succeeded)."""
        env = self.env
        wake = _new(Timer)
        wake.callbacks = [worker.woken]
        env.schedule(wake)

    def post_arrival(self, hours: float, act: int, priority: int) -> "Worker | None":
        """A job nobody waits for (as :meth:`post`, ``act`` an activity's index) arriving on a timed callback
        of its own, on a staffed pool with workers: the idle worker it would wake is returned, not woken,
        for the caller to wake at once (:meth:`Worker.woken`) if nothing else is due at this moment
        (:meth:`nothing_else_now`, asked *before* the caller schedules anything), else with :meth:`_wake`."""
        self._push(priority, hours, act, None, None, wake=False)
        return self._idle.pop() if self._idle else None

    def nothing_else_now(self) -> bool:
        """No event is due at this moment (the next is later): a wake event triggered now would be
        the next one processed."""
        env = self.env
        queue = env._queue  # noqa: SLF001
        return (not queue or queue[0][0] > env._now) and not getattr(env, "_soon", None)  # noqa: SLF001

    def _book(self, act: int, start: float, hours: float) -> None:
        days = self._days
        day = int(start // HOURS_PER_DAY)
        self._busy[act * days + (day if day < days else days - 1)] += hours

    @property
    def busy(self) -> np.ndarray:
        """Hours booked by activity (rows, :data:`ACTIVITIES`) and day (columns). Booked into an array of
        doubles as the run goes (the same float additions, half the cost of a numpy element's)."""
        return np.frombuffer(self._busy, dtype=float).reshape(len(ACTIVITIES), self._days).copy()

    def duty_hours(self, t0: float, t1: float) -> float:
        if self.unlimited:
            return float("nan")
        return self.workers * self.rota.duty_hours(t0, t1)


class Worker:
    """One CJIT worker of a pool, driven by the events he waits for (no SimPy process of his own).

    While on duty he takes the most urgent job, works it (a timeout of its hours), books it and
    looks again; with nothing to do he waits to be woken (:meth:`WorkerPool._push`), his idle time
    going to the work owed (admin, travel); off duty he waits for the rota's next start. Each wait
    is one SimPy event whose callback is the worker's next step: the same events, at the same
    times and in the same order, as the SimPy process he was written as before (``while True``:
    off duty -> ``yield env.timeout(next start)``; idle -> ``yield wake``; a job -> ``yield
    env.timeout(hours)``), without a generator resumed by a process at every step. The model's
    output is bit-identical (``benchmarks.check_identical``)."""

    __slots__ = ("pool", "env", "rota", "queue", "job", "start", "shift_end")

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self.env = env = pool.env
        self.rota, self.queue = pool.rota, pool._queue  # noqa: SLF001 - read at every step
        self.job: Job | None = None
        self.start = self.shift_end = 0.0
        first = Event(env)  # as a process's start: urgent, at time 0
        first._ok, first._value = True, None  # noqa: SLF001 - as simpy.events.Initialize
        first.callbacks.append(self.look)
        env.schedule(first, URGENT)

    def look(self, _event=None) -> None:
        """On duty and a job waits: start it; on duty and none: wait to be woken; off duty: wait for the shift."""
        env = self.env
        rota = self.rota
        queue = self.queue
        now = env._now  # noqa: SLF001
        found = rota._last[1]  # noqa: SLF001 - the duty span the rota found last (Rota._find)
        if found is not None and found[0] <= now < found[1]:  # on duty, in that span: no lookup needed
            shift_end = found[1]
        elif rota.on_duty(now):
            shift_end = rota.current_end(now)
        else:
            timeout_calling(env, rota.next_start(now) - now, self.look)
            return
        while queue and queue[0][2].expired:
            heapq.heappop(queue)
        if not queue:
            pool = self.pool
            pool._idle.append(self)  # noqa: SLF001 - until a job comes in (WorkerPool._push)
            if pool.fill:
                pool._since[self] = now  # noqa: SLF001
            return
        job = heapq.heappop(queue)[2]
        job.started = True
        self.job, self.start, self.shift_end = job, now, shift_end
        if job.release is not None:
            job.done.succeed(now)
            release = job.release
            if release.callbacks is None:  # already over (as a process resumes at once)
                self.finished(release)
            else:
                release.callbacks.append(self.finished)
        else:  # timeout_calling(env, job.hours, self.finished), inlined: a worker starts a job at nearly every event
            t = _new(Timer)
            t.callbacks = [self.finished]
            heapq.heappush(env._queue, (now + job.hours, NORMAL, next(env._eid), t))  # noqa: SLF001

    def woken(self, _event=None) -> None:
        """A job has come in: his idle time goes to the work owed, then he looks at the queue."""
        since = self.pool._since  # noqa: SLF001
        if self in since:
            self.pool._credit(since.pop(self), self.env._now)  # noqa: SLF001
        self.look()

    def finished(self, _event) -> None:
        """The job is done: tell whoever waits, book its hours (and any overtime), look again."""
        pool, job, now = self.pool, self.job, self.start
        if job.release is not None:
            hours = self.env._now - now  # noqa: SLF001
        else:
            hours = job.hours
            if job.done is not None:
                job.done.succeed(now)
        self.job = None
        days = pool._days  # noqa: SLF001 - pool._book(job.activity, now, hours), inlined
        day = int(now // HOURS_PER_DAY)
        pool._busy[job.activity * days + (day if day < days else days - 1)] += hours  # noqa: SLF001
        if now + hours > self.shift_end:
            overtime = pool.overtime
            overtime[min(int(now // HOURS_PER_DAY), len(overtime) - 1)] += now + hours - self.shift_end
        self.look()
