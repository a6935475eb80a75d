"""The rest of a CJIT's work, beside the DIP Conditional Caution pathway (scenario keys ``cjit.*``).

Without it the custody and community rotas hold only this pathway's work and read as nearly idle.
Four kinds of work are booked on the rotas, each random one from its own named random stream, so that
adding or removing any of it leaves every person's draws as they were (common random numbers):

* **DIRs** (§5): each DIR the pathway completes takes ``cjit.dir_minutes`` of a worker's time on the
  rota where it was completed (priority 1, like a booked session). Stream ``durations.dir_h``, one
  draw per person.
* **The caseload of onward referrals** (Annex C session 3: the worker "agrees a care plan with the
  individual and takes on to CJIT caseload if appropriate"): a care-planned contact every
  ``cjit.caseload.contact_interval_days`` for ``cjit.caseload.weeks`` on the community rota
  (priority 2, like a follow-up contact); attended with probability ``cjit.caseload.attends``,
  otherwise the worker loses ``compliance.no_show_minutes``. Each person's contacts are drawn from
  his own stream, ``cjit.caseload.person.<i>``.
* **Other DIP caseload** (``cjit.other_work``: prison leavers, court-ordered work, self-referrals on
  the community rota; other custody and court-cell work on the custody rota): jobs arriving at
  random (Poisson) in the rota's duty hours, ``per_week`` of them a week, each of ``minutes``
  (priority 1: a booked appointment is as firm as a DIP Condition session, first come first served);
  each arrival is a timed callback that queues a job nobody waits for (no process of its own). Streams ``cjit.other_work.<name>.arrivals`` and ``.minutes``.
* **Admin and travel** (``cjit.admin_share``, ``cjit.travel_share``): that share of every duty
  period of every worker, owed from its start and done whenever no job waits
  (:meth:`WorkerPool.owe`): a worker's idle duty time goes to it, and he leaves it the moment a job
  comes in; what is not done in a shift is carried over. It takes no queue and no event of its own:
  idle time is credited when the worker is woken and at each shift start. Deterministic: no random
  stream.

Nothing here keeps a run alive: the run ends when every pathway has, as before.
"""

from __future__ import annotations

import copy
import math

import simpy

from ..random import Streams
from ..scenario.schema import OTHER_WORK_POOL, Scenario
from ..time import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK
from .cjit import ACTIVITY_INDEX, WorkerPool
from .direct import timeout_calling

BOOKED, CASELOAD = 1, 2
"""Queue priorities: booked work (as a DIP Condition session), caseload contacts (as follow-up
contacts). Admin and travel take no place in the queue: they are done when it is empty."""
MAX_WEEKS = 100_000
"""An arrival further off than this many weeks of duty is never (a stream of almost nothing)."""
CHUNK = 256
"""Arrivals and job lengths are drawn this many at a time (the same values whatever the run's length)."""


class Workload:
    """The CJIT's work beyond this pathway for one replication; ``ledger`` counts every job offered
    to a rota, ``ledger[(pool, activity)] = [jobs, hours]``."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: Streams, n: int,
                 pools: dict[str, WorkerPool], timelines: dict | None = None):
        """``timelines``: the other work's arrivals by stream, shared by the runs of one area at
        other staffing (:mod:`dipsim.model.shared`: computed once, the same for each)."""
        self.env, self.sc, self.streams, self.pools = env, scenario, streams, pools
        self.timelines = {} if timelines is None else timelines
        cj = scenario.cjit
        self.dir_h = cj.dir_minutes.sample(streams.get("durations.dir_h"), n) / 60.0
        self.caseload = cj.caseload
        self.no_show = scenario.compliance.no_show_minutes
        self.ledger: dict[tuple[str, str], list[float]] = {}
        for name in OTHER_WORK_POOL:
            stream = getattr(cj.other_work, name)
            pool = pools[OTHER_WORK_POOL[name]]
            if stream.per_week > 0 and pool.staffed:
                self._next_arrival(name, pool, stream)
        for name in ("custody", "community"):
            pool = pools[name]
            admin, travel = getattr(cj.admin_share, name), getattr(cj.travel_share, name)
            if (admin > 0 or travel > 0) and not pool.unlimited and pool.workers > 0 and not pool.rota.never:
                env.process(self._admin_and_travel(pool, admin, travel))

    stopped = False

    def stop(self) -> None:
        """Offer no more work (for a check that lets the rotas finish what they hold)."""
        self.stopped = True

    def _count(self, pool: WorkerPool, hours: float, activity: str, jobs: int = 1) -> None:
        entry = self.ledger.setdefault((pool.name, activity), [0, 0.0])
        entry[0] += jobs
        entry[1] += hours

    def offer(self, pool: WorkerPool, hours: float, activity: str, priority: int) -> simpy.Event | None:
        """A job on ``pool`` that the caller waits for, counted in the ledger; a job of no time is not offered."""
        if hours <= 0 or self.stopped:
            return None
        self._count(pool, hours, activity)
        return pool.request(hours, activity, priority)

    def post(self, pool: WorkerPool, hours: float, activity: str, priority: int) -> None:
        """A job on ``pool`` nobody waits for (no event), counted in the ledger if the pool can do it."""
        if hours > 0 and not self.stopped and pool.post(hours, activity, priority):
            self._count(pool, hours, activity)

    # -- hooks the simulated world calls -----------------------------------------------------------
    def dir_completed(self, i: int, pool: str) -> None:
        """§5: the worker's time to complete person ``i``'s DIR, on ``pool``."""
        self.post(self.pools[pool], float(self.dir_h[i]), "dir", BOOKED)

    def onward_referral(self, i: int) -> None:
        """Annex C session 3: person ``i`` joins the CJIT caseload."""
        if self.caseload.weeks.mean > 0:
            self.env.process(self._caseload(i))

    def _caseload(self, i: int):
        env, cfg = self.env, self.caseload
        gen = self.streams.get(f"cjit.caseload.person.{i}")
        end = env.now + float(cfg.weeks.sample(gen, 1)[0]) * DAYS_PER_WEEK * HOURS_PER_DAY
        step = cfg.contact_interval_days * HOURS_PER_DAY
        pool = self.pools["community"]
        while env.now + step <= end:
            yield env.timeout(step)
            attends = gen.random() < cfg.attends
            minutes = cfg.contact_minutes.sample(gen, 1)[0] if attends else self.no_show.sample(gen, 1)[0]
            done = self.offer(pool, float(minutes) / 60.0, "caseload_contact", CASELOAD)
            if done is not None and (yield done) is None:
                return  # the rota has no worker: the caseload cannot be seen in this run

    # -- the team's other work -------------------------------------------------------------------
    def _stream(self, name: str, stream):
        """The stream's draws, ``CHUNK`` at a time: the duty hours from each job to the next (exponential:
        ``per_week`` jobs a week of the rota's duty hours on average) and each job's hours."""
        arrivals = self.streams.get(f"cjit.other_work.{name}.arrivals")
        lengths = self.streams.get(f"cjit.other_work.{name}.minutes")
        mean_gap = self.pools[OTHER_WORK_POOL[name]].rota.weekly_hours / stream.per_week
        while True:
            yield arrivals.exponential(mean_gap, CHUNK).tolist(), (stream.minutes.sample(lengths, CHUNK) / 60.0).tolist()

    def _next_arrival(self, name: str, pool: WorkerPool, stream) -> None:
        """Schedule the stream's jobs, each as a plain timed callback when the one before has come
        (no process, no event of its own to wait on): :class:`_Arrivals`, on the stream's
        :class:`Timeline` (shared with runs of the area at other staffing, if any)."""
        timeline = self.timelines.get(name)
        if timeline is None:
            timeline = self.timelines[name] = Timeline(pool.rota, self._stream(name, stream))
        _Arrivals(self, name, pool, timeline).next()

    def _admin_and_travel(self, pool: WorkerPool, admin: float, travel: float):
        """At the start of each duty period, each worker's share of it owed as admin, then travel: done
        whenever no job waits (:meth:`WorkerPool.owe`), so it takes no queue of its own."""
        env, rota = self.env, pool.rota
        t = 0.0
        while True:
            start, end = rota.span_from(t)  # (rota.next_start(t), rota.current_end of it)
            if math.isinf(start):
                return
            yield env.timeout(max(0.0, start - env.now))
            # the rota's own times, not env.now: now + (start - now) may round to just off duty
            length = end - start
            if math.isinf(length):  # on duty round the clock: a day at a time
                length = HOURS_PER_DAY
            t = start + length  # the next duty period starts at or after this one's end
            pool.settle()
            if not self.stopped:
                for activity, share in (("admin", admin), ("travel", travel)):
                    hours = share * length * pool.workers
                    if hours > 0:
                        self._count(pool, hours, activity, pool.workers)
                        pool.owe(hours, activity)


class Timeline:
    """One stream of the team's other work: when each job arrives and its hours (``times[k]``,
    ``hours[k]``), computed as far as a run has asked (:meth:`extend`) - each job the draws' duty hours
    after the one before (:func:`duty_span_after`), on the timeline's own copy of the rota (so that
    looking ahead leaves the workers' lookups alone). It depends on the stream's draws and the rota,
    not on the workers: runs of one area at other staffing read the same one (:mod:`dipsim.model.shared`)."""

    __slots__ = ("rota", "draws", "gaps", "lengths", "k", "t", "end", "times", "hours")

    def __init__(self, rota, draws):
        self.rota, self.draws = copy.copy(rota), draws
        self.gaps: list = []
        self.lengths: list = []
        self.k = 0
        self.t = 0.0
        self.end = -math.inf  # the end of the duty span the last arrival fell in
        self.times: list[float] = []
        self.hours: list[float] = []

    def extend(self) -> None:
        """Compute the next job (an infinite time: the stream has ended; nothing after it)."""
        if self.k == len(self.gaps):
            self.gaps, self.lengths = next(self.draws)
            self.k = 0
        t, self.end = duty_span_after(self.rota, self.t, self.gaps[self.k], self.end)
        self.t = t
        self.times.append(t)
        self.hours.append(self.lengths[self.k])
        self.k += 1


class _Arrivals:
    """One stream of the team's other work in a run: each job of its :class:`Timeline` arrives when the
    one before it has (a timeout from then to its time), and is posted to the pool's queue (as
    :meth:`Workload.post`)."""

    __slots__ = ("workload", "name", "act", "pool", "timeline", "times", "j", "hours", "ledger")

    def __init__(self, workload: Workload, name: str, pool: WorkerPool, timeline: Timeline):
        self.workload, self.name, self.pool, self.timeline = workload, name, pool, timeline
        self.act = ACTIVITY_INDEX[name]
        self.times = timeline.times
        self.j = 0  # the next job's place in the timeline
        self.hours = 0.0
        self.ledger: list | None = None  # its [jobs, hours] in the workload's ledger, from its first job

    def next(self) -> None:
        j = self.j
        if j == len(self.times):
            self.timeline.extend()
        t = self.times[j]
        if math.isinf(t):  # never: the stream has ended
            return
        self.hours = self.timeline.hours[j]
        self.j = j + 1
        env = self.workload.env
        timeout_calling(env, t - env._now, self.arrive)  # noqa: SLF001

    def arrive(self, _event) -> None:
        """Post the job and count it; schedule the next; wake an idle worker for it in this callback (one
        event fewer than a wake event) when nothing else is due at this moment - his wake event would be
        the next one processed - else with a wake event as usual."""
        workload, pool, hours = self.workload, self.pool, self.hours
        worker = None
        if hours > 0 and not workload.stopped:
            if pool.unlimited:  # (every job starts at once: booked, as WorkerPool.post does)
                pool.post(hours, self.name, BOOKED)
            else:
                worker = pool.post_arrival(hours, self.act, BOOKED)
            entry = self.ledger
            if entry is None:
                entry = self.ledger = workload.ledger.setdefault((pool.name, self.name), [0, 0.0])
            entry[0] += 1
            entry[1] += hours
            if worker is not None and not pool.nothing_else_now():
                pool._wake(worker)  # noqa: SLF001
                worker = None
        self.next()
        if worker is not None:
            worker.woken()


def after_duty_hours(rota, t: float, duty_h: float) -> float:
    """The time at which ``duty_h`` hours on duty have passed since ``t``."""
    return duty_span_after(rota, t, duty_h)[0]


def duty_span_after(rota, t: float, duty_h: float, end: float = -math.inf) -> tuple[float, float]:
    """:func:`after_duty_hours` and the end of the duty span that time falls in. ``end``, if given, is
    the end of the duty span ``t`` falls in (the previous answer's): the rota need not be asked again."""
    if rota.always:
        return t + duty_h, math.inf
    if rota.never:
        return math.inf, math.inf
    if t < end and duty_h < rota.weekly_hours:  # the loop's first step below, its span known
        if t + duty_h < end:
            return t + duty_h, end
        duty_h -= end - t
        t = end
    else:
        if not duty_h / rota.weekly_hours <= MAX_WEEKS:  # a stream of almost nothing: no arrival within any run
            return math.inf, math.inf
        weeks = math.floor(duty_h / rota.weekly_hours)  # the rota repeats weekly: skip whole weeks at once
        if weeks >= 1:
            t += weeks * HOURS_PER_WEEK
            duty_h = max(0.0, duty_h - weeks * rota.weekly_hours)
    while True:
        t, end = rota.span_from(t)  # (rota.next_start(t), rota.current_end of it)
        if math.isinf(t):
            return t, t
        if t + duty_h < end:
            return t + duty_h, end
        duty_h -= end - t
        t = end


def expected_other_hours(scenario: Scenario) -> dict[tuple[str, str], float]:
    """Mean hours a week of each stream of other work and of admin and travel, by (rota, activity):
    what the defaults were set against (docs/scenario-schema.md)."""
    from .calendar import Rota

    cj = scenario.cjit
    out = {}
    for name, pool in OTHER_WORK_POOL.items():
        s = getattr(cj.other_work, name)
        out[(pool, name)] = s.per_week * s.minutes.mean / 60.0
    for pool in ("custody", "community"):
        cfg = getattr(cj, pool)
        duty = 0.0 if cfg.workers == "unlimited" else cfg.workers * Rota.from_shifts(cfg.shifts).weekly_hours
        out[(pool, "admin")] = getattr(cj.admin_share, pool) * duty
        out[(pool, "travel")] = getattr(cj.travel_share, pool) * duty
    return out


def no_other_work() -> dict:
    """The ``cjit`` keys (a raw scenario mapping) that switch the team's other work off: no other DIP
    caseload, no admin, no travel. DIRs and the caseload of onward referrals stay (this pathway's)."""
    return {"other_work": {name: {"per_week": 0.0} for name in OTHER_WORK_POOL},
            "admin_share": {"custody": 0.0, "community": 0.0}, "travel_share": {"custody": 0.0, "community": 0.0}}


__all__ = ["Workload", "after_duty_hours", "duty_span_after", "expected_other_hours", "no_other_work"]
