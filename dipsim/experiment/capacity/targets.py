"""Targets (``KPI>=VALUE``), the two meanings of "a level meets a target", and target checks.

Two meanings, each a one-sided test at the stated confidence:

**years** (the default): *at least X of simulated years meet the target*. Each replication
is one simulated year; year r meets ``share>=0.95`` when its own value does (a year whose
value is undefined, NaN, counts as a miss). With k of n years meeting it, the one-sided
Clopper-Pearson lower bound on the share of years is the ``1 - confidence`` quantile of
Beta(k, n - k + 1) (0 when k = 0); the target is shown when that bound is at least X.

**mean**: *the mean over years meets the target*: the one-sided Student-t bound of the mean
over replications is on the right side of the target (``>=``: mean - t s / sqrt n).

>>> round(years_lower_bound(38, 40, 0.95), 3)
0.851
>>> years_needed(0.8, 0.95)     # even 14 of 14 years are needed to show 80% of years
14
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ...errors import ParameterError

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<=|>|<)\s*(\S+)\s*$")
MEANINGS = ("years", "mean")
DEFAULT_YEARS = 0.8


@dataclass(frozen=True)
class Target:
    kpi: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> "Target":
        """``"share_ia_before_release>=0.95"`` (also ``<=``, ``>``, ``<``)."""
        m = TARGET.match(text)
        if not m:
            raise ParameterError("targets", f"expected KPI>=VALUE or KPI<=VALUE (e.g. utilisation_custody<=0.85), "
                                               f"got {text!r}")
        try:
            value = float(m.group(3))
        except ValueError:
            raise ParameterError("targets", f"the target value must be a number, got {m.group(3)!r}", m.group(1)) from None
        if not math.isfinite(value):
            raise ParameterError("targets", f"the target value must be finite, got {m.group(3)!r}", m.group(1))
        return cls(m.group(1), m.group(2), value)

    @property
    def side(self) -> str:
        """Which one-sided bound of the mean decides: ``lower`` for ``>=``/``>``, ``upper`` otherwise."""
        return "lower" if self.op in (">=", ">") else "upper"

    @property
    def higher_is_better(self) -> bool:
        return self.side == "lower"

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    def met(self, value: float) -> bool:
        """Whether one number (a bound, or one year's value) is on the target's side."""
        return bool(np.isfinite(value) and OPS[self.op](value, self.value))

    def met_each(self, values) -> np.ndarray:
        """Year by year: True where the value is finite and on the target's side."""
        x = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.isfinite(x) & OPS[self.op](x, self.value)


def years_lower_bound(k, n, confidence: float = 0.95):
    """One-sided Clopper-Pearson lower ``confidence`` bound on a share from k successes in n
    (arrays allowed): the p with P(Binomial(n, p) >= k) = 1 - confidence; 0 when k = 0."""
    from scipy import stats  # imported when first needed: keeps `dipsim --help` quick

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        b = stats.beta.ppf(1 - confidence, np.maximum(k, 1), np.maximum(n - k + 1, 1))
    out = np.where((k <= 0) | (n <= 0), 0.0, b)
    return float(out) if out.ndim == 0 else out


def years_needed(share: float, confidence: float = 0.95) -> int:
    """The fewest years n for which n of n years can show a share of at least ``share``."""
    return int(math.ceil(math.log(1 - confidence) / math.log(share) - 1e-12))


def check_meaning(meaning: str, years: float) -> None:
    if meaning not in MEANINGS:
        raise ParameterError("meaning", f"must be one of {', '.join(MEANINGS)}, got {meaning!r}")
    if isinstance(years, bool) or not isinstance(years, (int, float)) or not 0 < years < 1:
        raise ParameterError("years", f"the share of years must be a number above 0 and below 1 "
                                          f"(e.g. 0.8: four years in five), got {years!r}")


def check_targets(targets: Sequence[Target], known: Iterable[str]) -> None:
    """One-line errors for a KPI that does not exist (naming close matches) and for
    contradictory targets on one KPI (``x>=0.9`` with ``x<=0.8``)."""
    known = list(known)
    for t in targets:
        if t.kpi not in known:
            close = difflib.get_close_matches(t.kpi, known, n=4, cutoff=0.6)
            if not close:
                close = [k for k in known if t.kpi.split("_")[0] in k][:4]
            hint = f"; close matches: {', '.join(close)}" if close else "; see the columns of a replicate table"
            raise ParameterError("targets", f"no such KPI{hint}", t.kpi)
    for kpi in dict.fromkeys(t.kpi for t in targets):
        lows = [t for t in targets if t.kpi == kpi and t.side == "lower"]
        highs = [t for t in targets if t.kpi == kpi and t.side == "upper"]
        for lo in lows:
            for hi in highs:
                if lo.value > hi.value or (lo.value == hi.value and (lo.op == ">" or hi.op == "<")):
                    raise ParameterError("targets", f"contradictory targets: {lo} and {hi} cannot both hold", kpi)
