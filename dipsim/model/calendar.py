"""Simulation time: one clock unit, the hour. t = 0 is Monday 00:00 of day 0 (see :mod:`dipsim.time`).

>>> day_index(25.0), weekday(25.0), hour_of_day(25.0)
(1, 1, 1.0)
>>> r = Rota([((0, 1, 2, 3, 4), 9.0, 17.0)])
>>> r.on_duty(10.0), r.on_duty(18.0), r.next_start(18.0), r.current_end(10.0)
(True, False, 33.0, 17.0)
"""

from __future__ import annotations

import bisect
import math

from ..time import DAY_NAMES, DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK

__all__ = ["DAY_NAMES", "HOURS_PER_DAY", "HOURS_PER_WEEK", "Rota", "day_index", "hour_of_day", "weekday"]


def day_index(t: float) -> int:
    return int(t // HOURS_PER_DAY)


def weekday(t: float) -> int:
    return day_index(t) % DAYS_PER_WEEK


def hour_of_day(t: float) -> float:
    return t % HOURS_PER_DAY


class Rota:
    """When a pool of workers is on duty: a weekly pattern of merged intervals."""

    def __init__(self, shifts: list[tuple[tuple[int, ...], float, float]]):
        spans = sorted((d * HOURS_PER_DAY + s, d * HOURS_PER_DAY + e) for days, s, e in shifts for d in days)
        merged: list[list[float]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        if len(merged) > 1 and merged[0][0] == 0.0 and merged[-1][1] == HOURS_PER_WEEK:
            merged[-1][1] = HOURS_PER_WEEK + merged[0][1]
            merged.pop(0)
        self.intervals = [tuple(x) for x in merged]
        self.always = len(self.intervals) == 1 and self.intervals[0][1] - self.intervals[0][0] >= HOURS_PER_WEEK
        self.never = not self.intervals
        self._starts = [s for s, _ in self.intervals]
        self._bounds = (min(self._starts, default=0.0), max((e for _, e in self.intervals), default=0.0))
        self.weekly_hours = sum(e - s for s, e in self.intervals)
        self._last: tuple[float, tuple[float, float, float] | None] = (math.nan, None)
        self._next: dict[float, float] = {}  # next_start's answers by t
        self._spans: dict[float, tuple[float, float]] = {}  # span_from's answers by t

    @classmethod
    def from_shifts(cls, shifts) -> "Rota":
        return cls([(tuple(DAY_NAMES.index(d) for d in sh.days), sh.start, sh.end) for sh in shifts])

    def _find(self, t: float) -> tuple[float, float, float] | None:
        """The interval (start, end) containing t, as absolute times, else None.

        The last answer is remembered: a worker asks on_duty then current_end at the same
        time, every worker of a pool asks at a shift start, and a worker asks again and again
        within one shift."""
        last_t, found = self._last
        if t == last_t or (found is not None and found[0] <= t < found[1]):  # (the same floats _search compares)
            return found
        found = self._search(t)
        self._last = (t, found)
        return found

    def _search(self, t: float) -> tuple[float, float, float] | None:
        week = (t // HOURS_PER_WEEK) * HOURS_PER_WEEK
        w = t - week
        for base in (week, week - HOURS_PER_WEEK):
            k = bisect.bisect_right(self._starts, t - base) - 1
            if k >= 0:
                s, e = self.intervals[k]
                if base + s <= t < base + e:
                    return base + s, base + e, w
        return None

    def on_duty(self, t: float) -> bool:
        if self.always:
            return True
        if self.never:
            return False
        return self._find(t) is not None

    def current_end(self, t: float) -> float:
        """End of the duty interval containing t (t must be on duty)."""
        if self.always:
            return float("inf")
        found = self._find(t)
        assert found is not None
        return found[1]

    def next_start(self, t: float) -> float:
        """The first time >= t when the pool is on duty (``inf`` if never).

        Remembered by ``t`` (a pure function of it): the end of a duty span is asked about again and
        again - by each stream of the team's other work looking ahead on its copy of the rota (the
        copies share the memo), by the admin and travel of each duty period, by workers at shift end."""
        start = self._next.get(t)
        if start is None:
            start = self._next[t] = self._next_start(t)
        return start

    def span_from(self, t: float) -> tuple[float, float]:
        """``(next_start(t), current_end(next_start(t)))``: the duty span that is on at ``t`` or starts next
        (``(inf, inf)`` if none). Remembered by ``t``, as :meth:`next_start` is."""
        span = self._spans.get(t)
        if span is None:
            start = self.next_start(t)
            span = self._spans[t] = (start, start if math.isinf(start) else self.current_end(start))
        return span

    def _next_start(self, t: float) -> float:
        if self.never:
            return float("inf")
        for _ in range(len(self._starts) + 1):
            if self.on_duty(t):
                return t
            week = (t // HOURS_PER_WEEK) * HOURS_PER_WEEK
            w = t - week
            k = bisect.bisect_right(self._starts, w)
            if k < len(self._starts):
                start = week + self._starts[k]
            else:
                start = week + HOURS_PER_WEEK + self._starts[0]
            if self.on_duty(start):
                return start
            # week + s rounded to just before the shift as on_duty reads it back (start - week < s):
            # a worker told to wait until then would find himself off duty and wait 0 hours for
            # ever. One step on is inside the shift; a shift too short to show at this time is passed.
            t = math.nextafter(start, math.inf)
        return math.inf

    def duty_hours(self, t0: float, t1: float) -> float:
        """Hours on duty in [t0, t1)."""
        if self.always:
            return max(0.0, t1 - t0)
        total = 0.0
        first_week = int(t0 // HOURS_PER_WEEK) - 1
        last_week = int(t1 // HOURS_PER_WEEK) + 1
        first_start, last_end = self._bounds
        for wk in range(first_week, last_week + 1):
            base = wk * HOURS_PER_WEEK
            if base + last_end <= t0:  # this week's spans all end by t0: none adds anything
                continue
            if base + first_start >= t1:  # this week's spans, and later weeks', all start at t1 or later
                break
            for s, e in self.intervals:
                lo, hi = max(t0, base + s), min(t1, base + e)
                if hi > lo:
                    total += hi - lo
        return total
