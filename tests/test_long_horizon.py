"""A ten-year run of a large area in bounded memory.

Memory grows with the horizon only through per-arrest columns: the cohort's draws
(numpy, plus the per-person lists the simulation reads), the record's preallocated typed
columns and the people table made from them, and per-day arrays (pools' busy and
overtime hours: days x activities floats). Nothing is kept per event, and the SimPy
state (live pathways, queues) depends on how many people are in the system at once,
not on how long it runs. So the peak traced allocation must stay below a small multiple
of the people table's size plus a constant, and the simulation phase itself must add
only a constant. See docs/reliability.md.
"""

from __future__ import annotations

import time
import tracemalloc

from dipsim.model import Model
from dipsim.results import run
from dipsim.scenario import load_scenario, replace

YEARS = 10
SCALE = 3
PER_TABLE = 12
"""Peak <= PER_TABLE x the people table's bytes + CONSTANT. Measured (10 years, 136,000 arrests,
Python 3.11): about 9 x, the per-person lists the simulation reads being most of it."""
CONSTANT = 64e6
RUN_PHASE = 32e6
"""What simulating adds over the preallocated columns: measured well under 1 MB."""


def test_ten_years_of_a_large_area_in_bounded_memory(monkeypatch):
    base = load_scenario("urban_intensive")
    big = replace(base, {"arrivals.arrests_per_day": {k: SCALE * v for k, v in base.arrivals.arrests_per_day.items()}})
    days = 365 * YEARS
    phase = {}
    simulate = Model.run

    def traced_run(self):
        phase["before_run"] = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = simulate(self)
        phase["run_peak"] = tracemalloc.get_traced_memory()[1]
        return out

    monkeypatch.setattr(Model, "run", traced_run)
    t0 = time.perf_counter()
    tracemalloc.start()
    try:
        r = run(big, days=days)
        peak_after = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - t0

    n = len(r.people)
    table = int(r.people.memory_usage(deep=True, index=True).sum())
    cur_before, peak_before = phase["before_run"]
    peak = max(peak_before, phase["run_peak"], peak_after)
    print(f"\n{YEARS} years x{SCALE}: {n:,} arrests in {elapsed:.1f} s; people table {table / 1e6:.1f} MB "
          f"({table / n:.0f} B a person); peak traced {peak / 1e6:.1f} MB ({peak / table:.1f} x the table); "
          f"simulating added {(phase['run_peak'] - cur_before) / 1e6:.2f} MB")

    assert n > 100_000 and r.kpis["terminal_in_progress"] == 0
    assert peak < PER_TABLE * table + CONSTANT
    assert phase["run_peak"] - cur_before < RUN_PHASE, "the simulation's own state grew with the horizon"
    busy = r.daily_busy["community"]
    assert busy.shape[1] <= days + 800 and busy.nbytes < 1e6, "per-day arrays are days x activities floats"
