"""Confidence intervals over replications: t-intervals, paired and unpaired differences.

Every interval here is a Student-t interval over independent replications
(the replications, not the people inside one run, are the independent units).

>>> s = t_interval([1.0, 2.0, 3.0])
>>> round(s.mean, 3), round(s.half_width, 3), s.n
(2.0, 2.484, 3)
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def t_quantile(n: int, level: float = 0.95, two_sided: bool = True) -> float:
    """The Student-t quantile for ``n`` observations (``n - 1`` degrees of freedom); remembered (a
    national summary asks for the same one thousands of times, and SciPy's costs a tenth of a millisecond)."""
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


# ------------------------------------------------------------------ many KPIs at once: multiplicity
ADJUSTMENTS = {
    "holm": "Holm (controls the family-wise error rate: the chance of calling any one of the family's "
            "differences real when it is not)",
    "bh": "Benjamini-Hochberg (controls the false discovery rate: the expected share of the differences "
          "called real that are not)",
    "none": "none (each difference tested on its own: with many KPIs some will look real by chance)",
}


def paired_p_value(a, b) -> float:
    """Two-sided p-value of the paired t-test that mean(b - a) is 0 (replications where both are
    finite). No spread: 1 if every difference is 0, else 0; fewer than two pairs: NaN."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    d = b[ok] - a[ok]
    n = len(d)
    if n < 2:
        return float("nan")
    sd = float(d.std(ddof=1))
    mean = float(d.mean())
    if sd == 0 or not math.isfinite(sd):
        return 1.0 if mean == 0 else 0.0
    from scipy import stats

    t = mean / (sd / math.sqrt(n))
    return float(2 * stats.t.sf(abs(t), n - 1))


def adjust_p(pvalues, method: str = "holm") -> np.ndarray:
    """Adjusted p-values for a family of tests (NaN p-values are not in the family and stay NaN).

    ``holm``: Holm's step-down (1979): sort p ascending, p_(i) x (m - i + 1), running maximum,
    capped at 1. ``bh``: Benjamini & Hochberg (1995): p_(i) x m / i, running minimum from the
    largest down, capped at 1. ``none``: as given. A test is significant at level alpha when its
    adjusted p-value is at most alpha.
    """
    if method not in ADJUSTMENTS:
        from ..errors import ParameterError

        raise ParameterError("adjust", f"must be one of {', '.join(ADJUSTMENTS)}, got {method!r}")
    p = np.asarray(pvalues, float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    m = len(q)
    if m == 0 or method == "none":
        out[ok] = q
        return out
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    i = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate(ranked * (m - i + 1))
    else:
        adj = np.minimum.accumulate((ranked * m / i)[::-1])[::-1]
    adj = np.minimum(adj, 1.0)
    back = np.empty(m)
    back[order] = adj
    out[ok] = back
    return out
