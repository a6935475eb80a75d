"""Evidence per level and target, and choosing among many levels with the error controlled.

**Step-down.** The levels are split into *chains*: levels that differ only in one swept
staffing parameter (the one with the most values), ordered from the fewest rostered hours to
the most. Each chain is tested from its largest level down, stopping at the first level that
fails; the chain's answer is the last level that passed. A level passes when every target is
shown (an intersection-union test: each target at the chain's level, no correction needed).
With k chains each test is at (1 - confidence) / k (Bonferroni), so:

    P(the answer does not in fact meet the targets) <= 1 - confidence,

whatever the true levels are (a fixed-sequence test: to wrongly pass an infeasible level the
first infeasible level met going down must pass, which has chance at most alpha / k, and
there are k chains). If the measures improve with staffing, the infeasible levels are exactly
those below the true answer, so this is also the chance that the answer is too small.

**Non-monotone evidence** is flagged, not corrected: within a chain, a lower level passing
while a higher one fails; or, for a target's KPI, a paired (common random numbers) 95%
interval of the change from one level to the next that lies wholly on the worse side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..stats import one_sided_bound, paired_interval, t_interval
from .targets import Target, years_lower_bound


def level_frames(results: pd.DataFrame, label_cols: Sequence[str]) -> list[pd.DataFrame]:
    """The replications of each level, in level order (the sweep's cell order)."""
    if not label_cols:
        return [results]
    return [g for _, g in results.groupby(list(label_cols), sort=False, dropna=False)]


def evaluate(results: pd.DataFrame, label_cols: Sequence[str], targets: Sequence[Target],
             confidence: float = 0.95, meaning: str = "years", years: float = 0.8) -> pd.DataFrame:
    """Evidence: for each level (group of ``label_cols``) and target: the mean and its 95% CI,
    the one-sided ``confidence`` bound of the mean (``bound``), the years meeting the target
    (``years_met`` of ``years_n``) with the Clopper-Pearson lower bound on their share
    (``years_bound``), and ``met`` under the chosen ``meaning`` (see :mod:`.targets`)."""
    rows = []
    groups = results.groupby(list(label_cols), sort=False, dropna=False) if label_cols else [((), results)]
    for li, (key, g) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        for t in targets:
            x = g[t.kpi].to_numpy(float)
            ci = t_interval(x)
            bound = one_sided_bound(x, t.side, confidence)
            k, n = int(t.met_each(x).sum()), len(x)
            yb = years_lower_bound(k, n, confidence)
            met = (yb >= years) if meaning == "years" else t.met(bound)
            rows.append({**dict(zip(label_cols, key)), "level": li, "target": str(t), "kpi": t.kpi, "op": t.op,
                         "threshold": t.value, "n": ci.n, "mean": ci.mean, "lower": ci.lower, "upper": ci.upper,
                         "bound": bound, "bound_side": t.side, "years_met": k, "years_n": n,
                         "years_bound": yb, "meaning": meaning, "met": bool(met)})
    return pd.DataFrame(rows)


def step_down(passes: Sequence[bool]) -> tuple[int | None, int | None]:
    """``passes`` in order from the smallest level to the largest. Test from the largest down,
    stop at the first failure: returns (index of the answer or None, index of the failure
    that stopped it or None)."""
    answer = None
    for i in range(len(passes) - 1, -1, -1):
        if not passes[i]:
            return answer, i
        answer = i
    return answer, None


def chain_dimension(levels: pd.DataFrame, params: Sequence[str]) -> str | None:
    """The swept parameter along which chains run: the one with the most distinct values
    (the later one on a tie); None if no parameter takes two values."""
    best, most = None, 1
    for p in params:
        k = levels[p].nunique(dropna=False)
        if k >= most and k > 1:
            best, most = p, k
    return best


def chains(levels: pd.DataFrame, label_cols: Sequence[str], dim: str | None) -> list[list[int]]:
    """Level numbers grouped into chains, each ordered from smallest to largest by ``_order``."""
    rest = [c for c in label_cols if c != dim]
    if dim is None:
        groups = [[int(i)] for i in levels["level"]]
    elif not rest:
        groups = [list(levels["level"])]
    else:
        key = levels[rest].astype(str).agg("\x1f".join, axis=1)
        groups = [list(levels.loc[idx, "level"]) for idx in levels.groupby(key, sort=False).groups.values()]
    order = dict(zip(levels["level"], levels["_order"]))
    return [sorted((int(i) for i in g), key=lambda i: order[i]) for g in groups]


@dataclass(frozen=True)
class Flag:
    """One piece of non-monotone evidence, in words."""
    kind: str          # "pass_pattern" or "worse_with_more_staff"
    text: str


def monotone_flags(chain: Sequence[int], passes: Sequence[bool], frames: Sequence[pd.DataFrame],
                   targets: Sequence[Target], names: Sequence[str]) -> list[Flag]:
    """Non-monotone evidence along one chain (module doc). ``passes``, ``frames`` and ``names``
    are indexed by level number."""
    flags = []
    for a, i in enumerate(chain):
        for j in chain[a + 1:]:
            if passes[i] and not passes[j]:
                flags.append(Flag("pass_pattern", f"{names[i]} passes but the larger {names[j]} fails"))
                break
    for t in targets:
        for i, j in zip(chain, chain[1:]):
            lo, hi = frames[i], frames[j]
            common = np.intersect1d(lo["replication"].to_numpy(), hi["replication"].to_numpy())
            a = lo.set_index("replication").loc[common, t.kpi].to_numpy(float)
            b = hi.set_index("replication").loc[common, t.kpi].to_numpy(float)
            d = paired_interval(a, b)
            if d.n < 2 or not np.isfinite(d.half_width):
                continue
            worse = d.upper < 0 if t.higher_is_better else d.lower > 0
            if worse:
                flags.append(Flag("worse_with_more_staff",
                                  f"{t.kpi} gets worse from {names[i]} to {names[j]} beyond noise "
                                  f"(paired change {d.mean:+.3g}, 95% CI [{d.lower:.3g}, {d.upper:.3g}])"))
    return flags
