"""The direct driver: a person's walk on his own clock until he first needs a shared resource.

Most arrests never need a CJIT worker (not tested, negative, not eligible, not referred...):
their whole walk is waits and decisions about them alone. Giving each of them a SimPy
process, timeouts and events costs a third of the simulation and decides nothing. So the
model drives the one pathway generator (:func:`dipsim.pathway.pathway`, the same rules in
the same order: there is no second copy of them) itself, synchronously, at the moment of
arrest, on the person's own clock:

* ``env.now`` is his own time and ``env.timeout(d)`` moves it on by ``d`` at once
  (:class:`Clock`, SimPy's environment with a person's clock inside it);
* the first time the walk needs something shared - a CJIT worker in custody, an
  appointment, a follow-up contact: the world's methods that ask for one start with
  ``yield from env.handover()`` - the walk is handed to SimPy: a process (:class:`Resumed`)
  resumes it at exactly the person's own time, and from there SimPy drives it as before;
* a walk that ends on its own clock never touches SimPy at all.

Nothing in a walk before its first shared resource touches anything shared (the record's
row is his, every draw was made up front or comes from his own stream block), so walks are
driven a batch of arrests at a time, ahead of SimPy's clock (core.ARRESTS_AT_ONCE).

The record (the people table) is bit-identical: a person's waits on his own clock are the
same additions SimPy makes (``now + delay``), the handed-over walk reaches the shared
resource at exactly his own time, and the run ends when it ended before (the latest
own-clock end counts, so the team's other work runs as long). Only events at the very same
time could be ordered differently, and ``benchmarks.check_identical`` (zero durations
included) finds none.

Guard: if anything schedules a SimPy event while a person is on his own clock (a world
method that asks for a shared resource without handing over first), the run stops with an
error naming it rather than give wrong times.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush
from operator import attrgetter

import simpy
from simpy.events import NORMAL, URGENT, Event, Process, Timeout

_new_timeout = object.__new__

WAITED = object()
"""What ``env.timeout`` gives on a person's own clock: the wait is over already."""
HANDOVER = object()
"""Yielded by :meth:`Clock.handover` on a person's own clock: continue this walk in SimPy."""
BEYOND = object()
"""A wait on a person's own clock that would end after the run does: the walk stops there, as
the run would have stopped it."""


class Timer:
    """A timed callback nobody waits on (a worker's job ending, a deadline, an arrival): what SimPy's loop
    reads of an event that has succeeded - its callbacks, ``_ok`` and ``_value`` - and nothing else, so
    one costs about two thirds of a :class:`simpy.Timeout`. Never yielded by a process."""

    __slots__ = ("callbacks",)
    _ok = True
    _value = None


def timeout_calling(env: simpy.Environment, delay: float, callback) -> Timer:
    """``env.timeout(delay).callbacks.append(callback)`` in one step (scheduled the same way: at now + delay,
    after what is already due then), as a :class:`Timer`: for the model's own callbacks, which make one
    at nearly every event."""
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    event = _new_timeout(Timer)
    event.callbacks = [callback]
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))  # noqa: SLF001 - as env.schedule
    return event


class At(Event):
    """An event at an absolute time (a timeout whose end is given, not its length: the
    person's own time, to the last bit)."""

    def __init__(self, env: simpy.Environment, t: float):
        self.env = env
        self.callbacks = []
        self._value = None
        self._ok = True
        self._delay = t - env._now  # noqa: SLF001 - SimPy's clock
        heappush(env._queue, (t, NORMAL, next(env._eid), self))  # noqa: SLF001 - as Environment.schedule


class Walk(Process):
    """A SimPy process for a walk the model counts (a person's pathway, or a follow-up beside it):
    ``counter.active`` counts the walks going, ``counter.exit`` is called when one has ended (the
    run ends when the last has: :class:`dipsim.model.core.Model`).

    As :class:`simpy.Process`, with one saving: a walk that ends while another is still going is
    counted out at once, without the event a process schedules for its own end (a thousand a
    year-long run), whose one callback would only have counted it out. Only the count of walks
    going, and when it reaches zero, could tell the difference, and neither changes: the walk that
    ends last still ends through its event, processed where it was before (every walk that ended
    before it had its event processed before that one)."""

    def __init__(self, env: simpy.Environment, generator, counter):
        super().__init__(env, generator)
        self.counter = counter
        self.callbacks.append(counter.exit)

    def _resume(self, event: Event) -> None:
        """:meth:`simpy.Process._resume`, the same steps, but for the end (see the class doc)."""
        env = self.env
        env._active_proc = self  # noqa: SLF001
        generator = self._generator
        while True:
            try:
                if event._ok:  # noqa: SLF001
                    event = generator.send(event._value)  # noqa: SLF001
                else:  # as SimPy: the process handles the failed event or fails itself
                    event._defused = True  # noqa: SLF001
                    exc = type(event._value)(*event._value.args)  # noqa: SLF001
                    exc.__cause__ = event._value  # noqa: SLF001
                    event = generator.throw(exc)
            except StopIteration as e:
                event = None
                self._ok = True
                self._value = e.args[0] if len(e.args) else None
                counter = self.counter
                if counter.active > 1 and len(self.callbacks) == 1:  # another walk still going: counted out now
                    counter.active -= 1
                    self.callbacks = None
                else:
                    env.schedule(self)
                break
            except BaseException as e:  # as SimPy: the process fails
                event = None
                self._ok = False
                e.__traceback__ = e.__traceback__.tb_next
                self._value = e
                env.schedule(self)
                break
            try:
                if event.callbacks is not None:
                    event.callbacks.append(self._resume)
                    break
            except AttributeError:
                if hasattr(event, "callbacks"):
                    raise
                raise RuntimeError(f'Invalid yield value "{event}"') from None
        self._target = event
        env._active_proc = None  # noqa: SLF001


class Resumed(Walk):
    """A SimPy process for a walk handed over on its own clock at time ``at``: its first step is
    at ``at`` (no start event at the arrest and wait: the walk is resumed where it stopped)."""

    def __init__(self, env: simpy.Environment, walk, at: float, counter):
        self.env = env
        self.callbacks = [counter.exit]
        self.counter = counter
        self._generator = walk
        self._target = At(env, at)
        self._target.callbacks.append(self._resume)


class Clock(simpy.Environment):
    """SimPy's environment, with a person's own clock for the direct driver (see module doc).
    ``direct`` is True only while :meth:`Driver.drive` runs a walk: then SimPy's clock reads
    the person's own time (``now``) and ``timeout`` moves it on at once; SimPy itself is not
    running then (the walks are driven before it starts), and its clock is put back after."""

    direct = False
    limit = float("inf")  # the run's drain limit: a wait beyond it stops the walk (BEYOND)

    def __init__(self, initial_time: float = 0):
        super().__init__(initial_time)
        self._soon: deque = deque()  # events triggered for this moment with nothing else due now (schedule)

    def schedule(self, event: Event, priority=NORMAL, delay=0) -> None:
        """SimPy's ``schedule``: the event goes in the queue at ``now + delay``, after what is already due then.
        An event triggered for this very moment (``succeed()``: a job done, a worker woken) when nothing is
        due now - it would be the next one processed - waits in a short line of its own instead of the heap
        (no push, no pop, no id): :meth:`run_until` takes it before anything else due now, but after an
        urgent event (a process starting) scheduled since, as SimPy would, ``(time, priority, id)``."""
        queue = self._queue
        if delay == 0 and priority == NORMAL and (not queue or queue[0][0] > self._now):
            self._soon.append(event)
        else:
            heappush(queue, (self._now + delay, priority, next(self._eid), event))

    def peek(self) -> float:
        return self._now if self._soon else super().peek()

    def step(self) -> None:
        """SimPy's ``step``, taking the events waiting for this moment first (see :meth:`schedule`)."""
        queue, soon = self._queue, self._soon
        if soon and not (queue and queue[0][0] == self._now and queue[0][1] == URGENT):
            self.run_until(soon[0])  # the next event is the first waiting: run until it has been processed
            return
        super().step()
    now = property(attrgetter("_now"), doc="The current time (SimPy's ``now``, read in C: the pathway and the world "
                                           "read it at nearly every step)")

    # SimPy binds its event classes to an environment once (env.event, env.process: BoundClass.bind_early), but
    # only those in the environment's own class, so on a subclass each env.event() went through a Python
    # __get__ building a bound class first. Plain methods here (an instance attribute would cost every _now).
    def event(self) -> Event:
        """``env.event()``: a new event (simpy.Event)."""
        return Event(self)

    def process(self, generator) -> Process:
        """``env.process(generator)``: a new process (simpy.Process)."""
        return Process(self, generator)

    def timeout(self, delay, value=None):
        if not self.direct:  # simpy.Timeout, its __init__ inlined (the same event, scheduled the same way)
            if delay < 0:
                raise ValueError(f"Negative delay {delay}")
            event = _new_timeout(Timeout)
            event.env, event.callbacks, event._value, event._delay, event._ok = self, [], value, delay, True
            heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), event))
            return event
        if delay < 0:  # on a person's own clock: the wait is over at once
            raise ValueError(f"Negative delay {delay}")
        t = self._now + delay
        if t > self.limit:
            return BEYOND
        self._now = t
        return WAITED

    def run_until(self, stop: Event) -> None:
        """``env.run(until=stop)``: SimPy's own loop (:meth:`simpy.Environment.step`), written out in one
        function - each event popped in the same order, its callbacks called in the same order, a failed
        event not defused raised as SimPy raises it - until ``stop`` has been processed."""
        if stop.callbacks is None:
            return
        queue, soon = self._queue, self._soon
        while True:
            if soon and not (queue and queue[0][0] == self._now and queue[0][1] == URGENT):
                event = soon.popleft()  # triggered for this moment, before what is due later (see schedule)
            else:
                try:
                    self._now, _, _, event = heappop(queue)
                except IndexError:
                    raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {stop}') \
                        from None
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
            if event is stop:
                return

    def handover(self):
        """``yield from env.handover()`` before asking for a shared resource: on a person's own
        clock, hand the walk to SimPy, which resumes it here at his own time; otherwise nothing."""
        if self.direct:
            yield HANDOVER


class Driver:
    """Runs each arrested person's walk directly (see module doc); ``end_h`` is the latest time a
    walk ended on its own clock (or the limit, for a walk stopped there)."""

    def __init__(self, env: Clock):
        self.env = env
        self.end_h = 0.0
        self.direct_walks = 0

    def drive(self, walks) -> list:
        """Walk each ``(i, walk, t)`` (person ``i``'s walk) from time ``t`` on his own clock. Returns the
        walks to continue in SimPy, with the time each reached: ``(i, walk, at)`` (its SimPy process
        resumes it then: :class:`Resumed`)."""
        env = self.env
        queue = env._queue  # noqa: SLF001
        before = len(queue)
        simpy_now = env._now  # noqa: SLF001
        handed = []
        end_h, ended = self.end_h, 0
        env.direct = True
        try:
            for i, walk, t in walks:
                env._now = t  # noqa: SLF001 - his own clock (see Clock)
                for step in walk:  # next(walk), as send(None): a walk that ends stops the loop, no StopIteration raised
                    if step is not WAITED:
                        break
                else:  # the walk ended on his own clock
                    ended += 1
                    if env._now > end_h:  # noqa: SLF001
                        end_h = env._now  # noqa: SLF001
                    continue
                if step is HANDOVER:
                    handed.append((i, walk, env._now))  # noqa: SLF001
                elif step is BEYOND:
                    end_h = max(end_h, env.limit)
                else:
                    raise RuntimeError(f"the pathway yielded {step!r} on a person's own clock: a world method must "
                                       "'yield from env.handover()' before yielding SimPy events "
                                       "(dipsim.model.direct)")
        finally:
            env.direct = False
            env._now = simpy_now  # noqa: SLF001
            self.end_h = end_h
            self.direct_walks += ended
        if len(queue) != before:
            raise RuntimeError("a SimPy event was scheduled on a person's own clock: a world method asked "
                               "for a shared resource without 'yield from env.handover()' first "
                               "(dipsim.model.direct)")
        return handed
