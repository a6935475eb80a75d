"""Simulation time, in one place: the clock counts hours, and t = 0 is Monday 00:00 of day 0.

Every module that turns days into hours, or names a day of the week, imports these.
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0
DAYS_PER_WEEK = 7
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The days of the week as scenario files write them (shifts, group slots); Monday is day 0."""
EVERY_DAY = tuple(range(DAYS_PER_WEEK))
"""Every day of the week, as day numbers (Monday 0)."""
