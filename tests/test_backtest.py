"""Back test (tests/backtest.py): the KPIs of fixed runs have not moved since they were stored.

After a deliberate change, regenerate the table with `python -m tests.backtest --update`."""

from __future__ import annotations

import math

import backtest


def test_kpis_of_fixed_runs_have_not_moved():
    stored = backtest.read()
    assert {s for s, _, _ in stored} == set(backtest.SCENARIOS)
    assert {r for _, r, _ in stored} == set(backtest.REPLICATIONS)
    lines = backtest.differences(stored, backtest.current())
    assert not lines, backtest.report(lines)


def test_a_move_is_caught_and_named():
    stored = {("area", 0, "cautions"): 10.0, ("area", 0, "busy_custody_all_h"): 100.0,
              ("area", 0, "completion_rate"): math.nan, ("area", 0, "arrests"): 5.0}
    assert backtest.differences(stored, dict(stored)) == []
    assert backtest.differences(stored, {**stored, ("area", 0, "busy_custody_all_h"): 100.0 * (1 + 1e-14)}) == []
    now = {**stored, ("area", 0, "cautions"): 11.0, ("area", 0, "busy_custody_all_h"): 100.0 * (1 + 1e-10),
           ("area", 0, "completion_rate"): 0.5, ("area", 0, "new_kpi"): 1.0}
    del now[("area", 0, "arrests")]
    lines = backtest.differences(stored, now)
    text = backtest.report(lines)
    for kpi in ("cautions", "busy_custody_all_h", "completion_rate", "new_kpi", "arrests"):
        assert kpi in text
    assert len(lines) == 5 and "no longer computed" in text and "python -m tests.backtest --update" in text
    assert backtest.is_count("cautions") and not backtest.is_count("busy_custody_all_h")
