"""Experiment statistics without the model: intervals, Hoad et al.'s stopping rule, MSER-5,
parameter parsing and the capacity decision rule on constructed numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from dipsim.errors import InputError
from dipsim.experiment.capacity import Target, evaluate
from dipsim.experiment.overrides import apply_overrides, grid, parse_param, parse_variant
from dipsim.experiment.precision import look_ahead, relative_precision, replications_needed, solution
from dipsim.experiment.stats import one_sided_bound, paired_interval, t_interval, welch_interval
from dipsim.experiment.warmup import mser


def test_t_interval_matches_scipy():
    x = np.array([3.1, 2.7, 3.9, 4.4, 2.2, 3.3])
    ci = t_interval(x)
    lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    assert ci.n == 6 and ci.lower == pytest.approx(lo) and ci.upper == pytest.approx(hi)
    assert math.isnan(t_interval([1.0]).half_width) and t_interval([]).n == 0
    assert t_interval([1.0, np.nan, 3.0]).n == 2


def test_one_sided_bounds_and_paired_vs_welch():
    x = np.array([0.90, 0.95, 0.97, 0.93, 0.96])
    lo = one_sided_bound(x, "lower")
    assert lo == pytest.approx(x.mean() - st.t.ppf(0.95, 4) * x.std(ddof=1) / math.sqrt(5))
    assert one_sided_bound(x, "upper") > x.mean() > lo
    a = np.array([10.0, 20.0, 30.0, 40.0])
    b = a + np.array([1.0, 1.1, 0.9, 1.0])
    assert paired_interval(a, b).half_width < welch_interval(a, b).half_width
    assert paired_interval(a, a).half_width == 0.0


# ---- Hoad, Robinson & Davies (2010) -------------------------------------------------------------

def normal_runner(mu: float, sigma: float, calls: list | None = None):
    """A KPI with known mean and variance: replication r is N(mu, sigma) from its own generator."""
    def runner(reps):
        if calls is not None:
            calls.append(list(reps))
        return [{"x": float(np.random.default_rng(1000 + r).normal(mu, sigma)),
                 "y": float(np.random.default_rng(5000 + r).normal(mu, sigma / 4))} for r in reps]
    return runner


def brute_force_solution(values, target, k_limit=5, n_min=3):
    """First n with d_m <= target for every m in n .. n + f(n): written out longhand."""
    d = []
    for n in range(1, len(values) + 1):
        v = np.asarray(values[:n])
        d.append(np.nan if n < 2 else st.t.ppf(0.975, n - 1) * v.std(ddof=1) / math.sqrt(n) / abs(v.mean()))
    for n in range(n_min, len(values) + 1):
        last = n + (k_limit if n <= 100 else math.ceil(k_limit * n / 100))
        if last > len(values):
            return None
        if all(d[m - 1] <= target for m in range(n, last + 1)):
            return n
    return None


def test_hoad_stops_at_the_asked_precision_on_a_known_case():
    calls: list = []
    res = replications_needed(kpis=["x"], precision=0.05, runner=normal_runner(10.0, 2.0, calls), max_n=500)
    values = [normal_runner(10.0, 2.0)([r])[0]["x"] for r in range(res.n_run)]
    n = res.n_recommended
    assert res.met and n == brute_force_solution(values, 0.05)
    row = res.table.iloc[0]
    assert row["relative_precision"] <= 0.05 and row["n"] == n
    # the half-width reported is the 95% t half-width of the first n replications
    assert row["half_width"] == pytest.approx(t_interval(values[:n]).half_width)
    # the precision held over the look-ahead and failed at some earlier n
    d = relative_precision(values)
    assert np.all(d[n - 1:n + 5] <= 0.05) and np.any(d[2:n - 1] > 0.05)
    # and it agrees with theory: n ~ (z sigma / (0.05 mu))^2 = 61.5
    assert 30 <= n <= 110
    # runs were asked for in order, each replication once
    assert sum(calls, []) == list(range(res.n_run))


def test_hoad_answer_does_not_depend_on_round_size_and_takes_the_largest_kpi():
    a = replications_needed(kpis=["x", "y"], precision=0.05, runner=normal_runner(10.0, 2.0), round_size=7)
    b = replications_needed(kpis=["x", "y"], precision=0.05, runner=normal_runner(10.0, 2.0), round_size=40)
    assert a.n_recommended == b.n_recommended
    sols = a.table.set_index("kpi")["n_solution"]
    assert sols["y"] < sols["x"] == a.n_recommended
    assert len(a.replications) == a.n_recommended


def test_hoad_look_ahead_rejects_a_lucky_start_and_the_cap_reports_shortfall():
    rest = np.random.default_rng(7).normal(10.0, 2.0, 300)
    lucky = [10.0, 10.01, 10.02, *rest]
    assert relative_precision(lucky)[2] < 0.05
    assert solution(lucky, 0.05, k_limit=0) == 3      # without the look-ahead: fooled at n = 3
    assert solution(lucky, 0.05, k_limit=5) > 20       # with it (kLimit 5): not
    assert look_ahead(50, 5) == 5 and look_ahead(300, 5) == 15
    res = replications_needed(kpis=["x"], precision=0.001, runner=normal_runner(10.0, 2.0), max_n=20)
    assert not res.met and res.n_run == 20 and res.n_recommended == 20
    assert res.table.iloc[0]["relative_precision"] > 0.001
    with pytest.raises(InputError):
        replications_needed(kpis=["nope"], precision=0.05, runner=normal_runner(10.0, 2.0))


# ---- MSER-5 ------------------------------------------------------------------------------------

def test_mser_finds_a_step_transient_exactly():
    rng = np.random.default_rng(3)
    y = np.r_[np.full(100, 10.0), np.zeros(900)] + rng.normal(0, 0.1, 1000)
    res = mser(y)
    assert res.truncation == 100 and res.batch == 5 and res.truncation_batches == 20


def test_mser_on_exponential_transient_and_stationary_noise():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        t = np.arange(1000)
        assert 20 <= mser(5 * np.exp(-t / 20) + rng.normal(0, 1, 1000)).truncation <= 150
        assert mser(rng.normal(0, 1, 1000)).truncation <= 50


# ---- parsing and overrides ------------------------------------------------------------------------

def test_param_specs(default_scenario):
    assert parse_param("cjit.community.workers=2:12")[1] == list(range(2, 13))
    assert parse_param("arrivals.scale=0.8,1.0,1.2")[1] == [0.8, 1.0, 1.2]
    assert parse_param("cjit.custody.workers=2,unlimited")[1] == [2, "unlimited"]
    assert len(grid({"a": [1, 2, 3], "b": [0, 1]})) == 6
    for bad in ("nokey", "a=3:1", "a=1:x", "a=1:5:0", "=3"):
        with pytest.raises(InputError):
            parse_param(bad)
    name, over = parse_variant("wide:{cjit.custody.workers: 3, decisions.menu_policy: annex_b}")
    assert name == "wide" and over == {"cjit.custody.workers": 3, "decisions.menu_policy": "annex_b"}
    scaled = apply_overrides(default_scenario, {"arrivals.scale": 2.0})
    for k, v in default_scenario.arrivals.arrests_per_day.items():
        assert scaled.arrivals.arrests_per_day[k] == pytest.approx(2 * v)
    with pytest.raises(InputError, match="no such scenario key"):
        apply_overrides(default_scenario, {"cjit.comunity.workers": 3})


# ---- capacity rule on constructed numbers -------------------------------------------------------

def test_capacity_rule_uses_the_one_sided_bound_not_the_mean():
    # level 1's mean meets the target but its lower bound does not; level 2 meets it surely
    rows = []
    for level, values in ((0, [0.80, 0.85, 0.82]), (1, [0.90, 1.00, 0.93]), (2, [0.97, 0.98, 0.975])):
        rows += [{"workers": level, "replication": r, "share": v} for r, v in enumerate(values)]
    ev = evaluate(pd.DataFrame(rows), ["workers"], [Target.parse("share>=0.95")], meaning="mean")
    assert list(ev["met"]) == [False, False, True]
    assert ev.loc[1, "mean"] > 0.93 and ev.loc[1, "bound"] < 0.95
    t = Target.parse("utilisation_custody <= 0.85")
    assert (t.kpi, t.op, t.value, t.side) == ("utilisation_custody", "<=", 0.85, "upper")
    for bad in ("x=>1", "x>=", "x>=abc", ">=1", "x>=nan"):
        with pytest.raises(InputError):
            Target.parse(bad)
