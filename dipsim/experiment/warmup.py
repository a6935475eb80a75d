"""Warm-up: where does the start-up transient end? MSER-5 on a daily output series.

Every run starts empty (no one in custody, no one on a DIP Condition), so early days
understate queues and workload. MSER-5 (White 1997; White, Cobb & Spratt 2000): batch the
series into means of 5 observations Z_1..Z_k and choose the truncation d (in batches) that
minimises

    MSER(d) = sum_{i>d} (Z_i - mean(Z_{d+1..k}))^2 / (k - d)^2,

searched over the first half of the batches (the statistic is unreliable near the end).
The warm-up is 5 d observations (days). Applied to the mean series over replications.

When the minimum is the last point searched (``MserResult.at_limit``), the start-up
transient may well last longer than the search could see: the run is too short to say.
:func:`mser` and :func:`warmup` then issue a :class:`WarmupWarning` (and ``dipsim
replicate --warmup auto`` prints one line saying to run longer).

Daily series (one value per day of the arrest window, day 0 = the first Monday):

``community_busy`` / ``custody_busy`` / ``callout_busy``
    worker hours booked in that pool on that day (``RunResult.daily_busy``), all activities.
``ia_queue_wait``
    mean hours from request to start of the initial required assessment, by arrest day.
``first_session_wait``
    mean days from caution to the first DIP session, by day of caution.

Days with nobody to average (the wait series) are NaN and are skipped by the mean over
replications; a day NaN in every replication is filled from the previous day.

Results that exclude the warm-up: pass ``KpiCollector(warmup_days=w)`` to any experiment
(see :mod:`dipsim.experiment.kpis`).
"""

from __future__ import annotations

from dataclasses import dataclass
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..scenario import Scenario
from ..time import HOURS_PER_DAY
from .backends import DEFAULT_BACKEND, Job, check_backend, execute
from .sweep import resolve_run

SERIES = ("community_busy", "custody_busy", "callout_busy", "ia_queue_wait", "first_session_wait")


class WarmupWarning(UserWarning):
    """The warm-up found is the search limit: the run is too short to see where start-up ends."""


def daily_series(result, series: str = "community_busy") -> np.ndarray:
    """One value per day of the arrest window (see module doc)."""
    days = int(result.provenance["days"])
    if series.endswith("_busy"):
        pool = series[: -len("_busy")]
        return np.asarray(result.daily_busy[pool], float)[:, :days].sum(axis=0)
    p = result.people
    if series == "ia_queue_wait":
        t, value = p["arrest_h"], p["ia_start_h"] - p["ia_request_h"]
    elif series == "first_session_wait":
        t, value = p["caution_h"], (p["session1_h"] - p["caution_h"]) / HOURS_PER_DAY
    else:
        raise ParameterError("series", f"must be one of {', '.join(SERIES)}, got {series!r}")
    ok = value.notna() & t.notna()
    day = (t[ok] // HOURS_PER_DAY).astype(int).to_numpy()
    v = value[ok].to_numpy(float)
    inside = (day >= 0) & (day < days)
    sums = np.bincount(day[inside], weights=v[inside], minlength=days)
    counts = np.bincount(day[inside], minlength=days)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


@dataclass(frozen=True)
class SeriesCollector:
    """Keep one daily series of each run (see :func:`daily_series`)."""
    series: str = "community_busy"

    def __call__(self, result, job) -> np.ndarray:
        return daily_series(result, self.series)


@dataclass(frozen=True)
class MserResult:
    truncation: int               # observations to delete (batch * truncation_batches)
    truncation_batches: int
    batch: int
    statistic: np.ndarray         # MSER(d) for d = 0 .. searched
    batch_means: np.ndarray

    @property
    def limit(self) -> int:
        """The most observations the search could delete (the end of the searched part)."""
        return (len(self.statistic) - 1) * self.batch

    @property
    def at_limit(self) -> bool:
        """True when the minimum is the last point searched: it may lie beyond, the series is too short."""
        return 0 < self.truncation_batches == len(self.statistic) - 1


def mser(y, batch: int = 5, max_fraction: float = 0.5, *, warn: bool = True) -> MserResult:
    """MSER-``batch`` truncation point of the series ``y`` (NaN filled forward, then backward).

    A :class:`WarmupWarning` (unless ``warn=False``) when the truncation found is the search
    limit (``at_limit``): the transient may last beyond it; a longer series is needed.
    """
    y = pd.Series(np.asarray(y, float)).ffill().bfill().to_numpy()
    if batch < 1:
        raise ParameterError("batch", f"must be >= 1, got {batch}")
    k = len(y) // batch
    if k < 2 or not np.all(np.isfinite(y)):
        raise InputError("mser", None, f"needs at least {2 * batch} finite observations, got {len(y)}")
    z = y[: k * batch].reshape(k, batch).mean(axis=1)
    dmax = max(0, min(k - 2, int(np.floor(k * max_fraction))))
    stat = np.empty(dmax + 1)
    for d in range(dmax + 1):
        tail = z[d:]
        stat[d] = ((tail - tail.mean()) ** 2).sum() / (k - d) ** 2
    d_best = int(np.argmin(stat))
    res = MserResult(d_best * batch, d_best, batch, stat, z)
    if warn and res.at_limit:
        warnings.warn(f"MSER-{batch}: the truncation found ({res.truncation} of {len(y)} observations) is the "
                      f"search limit; the transient may last longer: use a longer series", WarmupWarning,
                      stacklevel=2)
    return res


@dataclass
class WarmupResult:
    series: pd.DataFrame          # day x replication
    mean: pd.Series               # mean over replications by day
    mser: MserResult
    warmup_days: int
    name: str

    @property
    def at_limit(self) -> bool:
        """The warm-up found is the most the run's length lets MSER-5 find: run longer (see :class:`WarmupWarning`)."""
        return self.mser.at_limit

    def too_short(self) -> str | None:
        """One line saying to run longer when :attr:`at_limit`, else None."""
        if not self.at_limit:
            return None
        days = len(self.mean)
        return (f"the warm-up found ({self.warmup_days} days, MSER-{self.mser.batch} on daily {self.name}) is the "
                f"search limit for a {days}-day run, so the start-up may last longer: run longer "
                f"(e.g. --days {2 * days}) to find where it ends")


def warmup(scenario: Scenario, n: int = 5, series: str = "community_busy", *, days: int | None = None,
           seed: int | None = None, batch: int = 5, max_fraction: float = 0.5, backend: str = DEFAULT_BACKEND,
           scheduler: Any = None, workers: int | None = None, progress: bool | None = None) -> WarmupResult:
    """Run ``n`` replications, average their daily ``series`` and find its MSER-5 truncation."""
    if series not in SERIES:
        raise ParameterError("series", f"must be one of {', '.join(SERIES)}, got {series!r}")
    check_backend(backend, scheduler)
    seed, days = resolve_run(scenario, n, seed, days)
    jobs = [Job(scenario, seed, r, days) for r in range(n)]
    values = execute(jobs, SeriesCollector(series), backend, scheduler=scheduler, workers=workers,
                     progress=progress, desc="warm-up")
    frame = pd.DataFrame({r: v for r, v in enumerate(values)})
    frame.index.name = "day"
    frame.columns.name = "replication"
    mean = frame.mean(axis=1, skipna=True)
    res = mser(mean.to_numpy(), batch=batch, max_fraction=max_fraction, warn=False)
    result = WarmupResult(frame, mean, res, res.truncation, series)
    if result.at_limit:
        warnings.warn(result.too_short(), WarmupWarning, stacklevel=2)
    return result
