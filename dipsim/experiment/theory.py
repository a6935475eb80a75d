"""Validation against queueing theory: the custody pool configured as an M/M/c queue.

:func:`mmc_scenario` builds a scenario in which the custody CJIT pool is exactly an
M/M/c first-come-first-served queue:

* arrivals: one trigger offence (shoplifting) at a constant rate (flat day-of-week and
  hour-of-day profiles), so a homogeneous Poisson process of rate lambda per hour;
* everyone is an adult (``people.under_18_share = 0``), tested at once on arrest
  (``testing.hours_after_arrest = 0``, ``refusal_share = 0``), positive
  (``positive_given_profile`` all 1), in an intensive area: so every arrest is a Required
  Assessment request to the custody pool at the moment of arrest;
* service: ``assessment.initial_minutes = {dist: exponential, mean: 60/mu}``, everyone
  attends and remains (``attends_and_remains = 1``);
* c workers on a 24/7 shift, custody so long (``custody_hours``) that nobody is released
  before being seen; all requests have the same priority, so service is FCFS;
* afterwards nobody is eligible (``admits_offence = 0``) and no follow-up assessment is
  arranged, so each pathway ends at once and uses no other pool;
* the team's other work (other DIP caseload, admin, travel: ``cjit.other_work``,
  ``cjit.admin_share``, ``cjit.travel_share``) is switched off, so the custody pool holds
  the initial assessments and nothing else.

:func:`erlang_c` and :func:`mmc` give the steady-state values (Erlang C via the stable
Erlang B recursion); :func:`queue_statistics` measures the same quantities from a run's
people table (time-average queue length from request/start times, arrival rate, mean
wait) for Little's law, L_q = lambda W_q.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.workload import no_other_work
from ..scenario import Scenario, from_dict, to_dict
from ..scenario.loader import deep_merge
from ..time import DAY_NAMES, HOURS_PER_DAY

ALL_DAYS = list(DAY_NAMES)


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability for c servers and offered load a = lambda/mu
    (recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)): no factorials, no overflow)."""
    if c < 0 or a < 0:
        raise ValueError("c and a must be >= 0")
    b = 1.0
    for k in range(1, int(c) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability an arrival waits in M/M/c (1 if a >= c: the queue is unstable)."""
    if c <= 0 or a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


@dataclass(frozen=True)
class MMc:
    lam: float      # arrivals per hour
    mu: float       # services per hour per server
    c: int
    rho: float      # utilisation lambda / (c mu)
    p_wait: float   # Erlang C
    wq: float       # mean wait in queue (hours)
    lq: float       # mean number waiting
    w: float        # mean time in system (hours)
    l: float        # mean number in system
    busy: float     # mean number of busy servers (lambda / mu)


def mmc(lam: float, mu: float, c: int) -> MMc:
    """Steady-state M/M/c measures (infinite if lambda >= c mu)."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        inf = math.inf
        return MMc(lam, mu, c, rho, 1.0, inf, inf, inf, inf, float(c))
    pw = erlang_c(c, a)
    wq = pw / (c * mu - lam)
    return MMc(lam, mu, c, rho, pw, wq, lam * wq, wq + 1 / mu, lam * (wq + 1 / mu), a)


def mmc_scenario(arrivals_per_hour: float, mean_service_minutes: float, servers: int, *, days: int = 200,
                 seed: int = 2008, base: Scenario | None = None) -> Scenario:
    """A scenario whose custody pool is an M/M/c queue (see module doc)."""
    raw = {
        "name": f"M/M/{servers} check", "seed": seed, "days": days,
        "area": {"intensive": True},
        "arrivals": {"arrests_per_day": {"shoplifting": arrivals_per_hour * HOURS_PER_DAY},
                     "day_of_week": [1.0] * 7, "hour_of_day": [1.0] * 24},
        "people": {"under_18_share": 0.0, "admits_offence": 0.0},
        "testing": {"refusal_share": 0.0, "positive_given_profile": [1.0] * 5, "hours_after_arrest": 0.0},
        "assessment": {"custody_hours": 1e8, "attends_and_remains": 1.0,
                       "initial_minutes": {"dist": "exponential", "mean": float(mean_service_minutes)},
                       "follow_up_needed": [0.0] * 5},
        "cjit": {**no_other_work(),  # the custody rota holds only the initial assessments: an M/M/c queue
                 "custody": {"workers": int(servers), "shifts": [{"days": ALL_DAYS, "start": 0, "end": 24}]},
                 "out_of_hours": {"arrangement": "next_shift"}},
    }
    if base is not None:
        raw = deep_merge(to_dict(base), raw)
    return from_dict(raw, "<mmc_scenario>")


def queue_statistics(people: pd.DataFrame, t0: float, t1: float) -> dict[str, float]:
    """The initial-assessment queue over the window [t0, t1) hours, from the people table.

    ``lam``: requests per hour in the window; ``wq``: mean wait (start - request) of those
    requesting in the window and seen; ``lq``: time-average number waiting (each person
    waits from ``ia_request_h`` until ``ia_start_h``, or ``release_h`` if never seen),
    i.e. the integral of the queue length over the window divided by its length.
    """
    if not t1 > t0:
        raise ValueError("t1 must be after t0")
    req = people["ia_request_h"].to_numpy(float)
    start = people["ia_start_h"].to_numpy(float)
    rel = people["release_h"].to_numpy(float)
    has = np.isfinite(req)
    req, start, rel = req[has], start[has], rel[has]
    leave = np.where(np.isfinite(start), start, rel)
    inwin = (req >= t0) & (req < t1)
    overlap = np.clip(np.minimum(leave, t1) - np.maximum(req, t0), 0.0, None)
    waits = (start - req)[inwin & np.isfinite(start)]
    return {"lam": float(inwin.sum() / (t1 - t0)),
            "wq": float(waits.mean()) if len(waits) else float("nan"),
            "lq": float(overlap.sum() / (t1 - t0)),
            "n": int(inwin.sum())}


def mean_busy_servers(result, pool: str, d0: int, d1: int) -> float:
    """Time-average number of busy workers in ``pool`` over days d0..d1-1, from the model's
    own busy-hours accounting (``RunResult.daily_busy``, booked by start day)."""
    busy = np.asarray(result.daily_busy[pool], float)[:, d0:d1].sum()
    return float(busy / ((d1 - d0) * HOURS_PER_DAY))
