"""Confidence intervals over replications: t-intervals, paired and unpaired differences.

Every interval here is a Student-t interval over independent replications
(the replications, not the people inside one run, are the independent units).

>>> s = t_interval([1.0, 2.0, 3.0])
>>> round(s.mean, 3), round(s.half_width, 3), s.n
(2.0, 2.484, 3)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ["kpi", "n", "mean", "sd", "half_width", "lower", "upper"]


@dataclass(frozen=True)
class Interval:
    n: int
    mean: float
    sd: float
    half_width: float
    lower: float
    upper: float

    def as_dict(self) -> dict:
        return asdict(self)


def t_quantile(n: int, level: float = 0.95, two_sided: bool = True) -> float:
    """The Student-t quantile for ``n`` observations (``n - 1`` degrees of freedom)."""
    if n < 2:
        return float("nan")
    from scipy import stats  # imported when first needed: keeps `dipsim --help` quick

    q = 1 - (1 - level) / 2 if two_sided else level
    return float(stats.t.ppf(q, n - 1))


def t_interval(values, level: float = 0.95) -> Interval:
    """Mean and two-sided ``level`` t-interval of the finite values (NaN ignored)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(len(x))
    if n == 0:
        nan = float("nan")
        return Interval(0, nan, nan, nan, nan, nan)
    mean = float(x.mean())
    if n < 2:
        nan = float("nan")
        return Interval(1, mean, nan, nan, nan, nan)
    sd = float(x.std(ddof=1))
    hw = t_quantile(n, level) * sd / math.sqrt(n)
    return Interval(n, mean, sd, hw, mean - hw, mean + hw)


def one_sided_bound(values, side: str, level: float = 0.95) -> float:
    """The one-sided ``level`` confidence bound of the mean: ``side='lower'`` gives L with
    P(mean >= L) = level; ``'upper'`` gives U with P(mean <= U) = level."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        return float("nan")
    m = float(x.mean())
    se = float(x.std(ddof=1)) / math.sqrt(n)
    q = t_quantile(n, level, two_sided=False)
    return m - q * se if side == "lower" else m + q * se


def welch_interval(a, b, level: float = 0.95) -> Interval:
    """Unpaired (Welch) interval for mean(b) - mean(a): what one would get without CRN."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    na, nb = len(a), len(b)
    nan = float("nan")
    if na < 2 or nb < 2:
        d = (b.mean() - a.mean()) if na and nb else nan
        return Interval(min(na, nb), float(d), nan, nan, nan, nan)
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se = math.sqrt(va + vb)
    d = float(b.mean() - a.mean())
    if se == 0:
        return Interval(min(na, nb), d, nan, 0.0, d, d)
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    from scipy import stats

    hw = float(stats.t.ppf(1 - (1 - level) / 2, df)) * se
    return Interval(min(na, nb), d, nan, hw, d - hw, d + hw)


def paired_interval(a, b, level: float = 0.95) -> Interval:
    """Paired interval for mean(b - a) over replications where both are finite (CRN)."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    return t_interval(b[ok] - a[ok], level)


def kpi_columns(df: pd.DataFrame, exclude=()) -> list[str]:
    """The numeric KPI columns of a replication table (not seeds, replications or parameters)."""
    skip = {"seed", "replication", "variant", "cell", *exclude}
    return [c for c in df.columns if c not in skip and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])]


def summarise(df: pd.DataFrame, by: list[str] | None = None, kpis: list[str] | None = None,
              level: float = 0.95) -> pd.DataFrame:
    """Tidy summary: one row per (group, KPI) with n, mean, sd and the t-interval."""
    by = list(by or [])
    kpis = kpis if kpis is not None else kpi_columns(df, exclude=by)
    rows = []
    groups = df.groupby(by, sort=False, dropna=False) if by else [((), df)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        for k in kpis:
            rows.append({**dict(zip(by, key)), "kpi": k, **t_interval(g[k].to_numpy(float), level).as_dict()})
    cols = by + SUMMARY_COLUMNS
    out = pd.DataFrame(rows, columns=cols)
    return out
