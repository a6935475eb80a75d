"""Validation against queueing theory: the custody pool as an M/M/c queue.

Tolerances are 95% confidence intervals over independent replications, never fixed
margins; each check also shows it *can* fail (a wrong theoretical value falls outside).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dipsim.experiment import execute, Job
from dipsim.experiment.stats import t_interval
from dipsim.experiment.theory import erlang_b, erlang_c, mean_busy_servers, mmc, mmc_scenario, queue_statistics

LAM, MEAN_MIN, C = 1.4, 60.0, 2          # rho = 0.7
DAYS, WARMUP, REPS = 200, 5, 10


def erlang_c_by_factorials(c: int, a: float) -> float:
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def test_erlang_c_against_the_textbook_formula_and_limits():
    for c, a in ((1, 0.5), (2, 1.4), (3, 2.5), (5, 4.0), (10, 7.3)):
        assert erlang_c(c, a) == pytest.approx(erlang_c_by_factorials(c, a), rel=1e-12)
    assert erlang_c(1, 0.6) == pytest.approx(0.6)                    # M/M/1: P(wait) = rho
    assert mmc(0.6, 1.0, 1).wq == pytest.approx(0.6 / (1 - 0.6))      # M/M/1: Wq = rho / (mu - lambda)
    big = erlang_c(800, 760.0)                                        # factorials would overflow here
    assert 0 < big < 1 and math.isfinite(big)
    assert erlang_b(0, 3.0) == 1.0 and erlang_c(2, 2.0) == 1.0 and math.isinf(mmc(2.0, 1.0, 2).wq)
    m = mmc(LAM, 1.0, C)
    assert m.lq == pytest.approx(LAM * m.wq) and m.busy == pytest.approx(LAM)


class QueueStats:
    """Collector: the custody queue's statistics after the warm-up, and busy workers."""

    def __call__(self, result, job):
        q = queue_statistics(result.people, WARMUP * 24.0, DAYS * 24.0)
        q["busy"] = mean_busy_servers(result, "custody", WARMUP, DAYS)
        q["missed"] = result.kpis["ia_missed_no_worker"]
        q["required"] = result.kpis["required_assessments"]
        q["arrests"] = result.kpis["arrests"]
        return q


@pytest.fixture(scope="module")
def mmc_runs():
    sc = mmc_scenario(LAM, MEAN_MIN, C, days=DAYS)
    return execute([Job(sc, sc.seed, r, DAYS) for r in range(REPS)], QueueStats(), "serial", progress=False)


def test_the_scenario_is_an_mmc_queue(mmc_runs):
    for q in mmc_runs:
        assert q["missed"] == 0 and q["required"] == q["arrests"] > 0   # every arrest queues; nobody released unseen
    rate = t_interval([q["lam"] for q in mmc_runs])
    assert rate.lower <= LAM <= rate.upper


def test_mean_queue_wait_is_inside_its_ci_of_erlang_c(mmc_runs):
    theory = mmc(LAM, 60.0 / MEAN_MIN, C)
    ci = t_interval([q["wq"] for q in mmc_runs])
    assert ci.lower <= theory.wq <= ci.upper, (ci, theory.wq)
    # power: 10% slower service (rho 0.77) or one more worker would be rejected
    assert not ci.lower <= mmc(LAM, 60.0 / (1.1 * MEAN_MIN), C).wq <= ci.upper
    assert not ci.lower <= mmc(LAM, 60.0 / MEAN_MIN, C + 1).wq <= ci.upper
    # and the time-average queue length agrees with Erlang C's Lq too
    lq = t_interval([q["lq"] for q in mmc_runs])
    assert lq.lower <= theory.lq <= lq.upper


def test_littles_law_on_the_models_own_queue(mmc_runs):
    # L_q (time average of the queue length from request/start times) = lambda * W_q (mean wait)
    d = t_interval([q["lq"] - LAM * q["wq"] for q in mmc_runs])
    assert d.lower <= 0.0 <= d.upper, d
    wrong = t_interval([q["lq"] - 1.1 * LAM * q["wq"] for q in mmc_runs])
    assert not wrong.lower <= 0.0 <= wrong.upper
    # servers: mean busy workers (the pool's own accounting) = lambda * E[S] = offered load
    busy = t_interval([q["busy"] for q in mmc_runs])
    assert busy.lower <= LAM * MEAN_MIN / 60.0 <= busy.upper, busy
    assert not busy.lower <= 1.1 * LAM * MEAN_MIN / 60.0 <= busy.upper


def test_queue_statistics_by_hand():
    import pandas as pd

    people = pd.DataFrame({"ia_request_h": [0.0, 1.0, 2.0, np.nan, 9.0],
                           "ia_start_h": [0.0, 3.0, np.nan, np.nan, 12.0],
                           "release_h": [50.0, 50.0, 4.0, 50.0, 50.0]})
    q = queue_statistics(people, 0.0, 10.0)
    # waiting: person 1 for [1,3), person 2 for [2,4) (released unseen), person 4 for [9,10) in the window
    assert q["lq"] == pytest.approx((2 + 2 + 1) / 10)
    assert q["lam"] == pytest.approx(4 / 10) and q["n"] == 4
    assert q["wq"] == pytest.approx((0 + 2 + 3) / 3)
