"""How many replications: the confidence-interval method of Hoad, Robinson & Davies (2010).

Hoad K, Robinson S, Davies R (2010) "Automated selection of the number of replications
for a discrete-event simulation", Journal of the Operational Research Society 61(11),
1632-1644. For each chosen KPI, after n >= 3 replications the relative precision is

    d_n = t(0.975, n-1) * s_n / (sqrt(n) * |mean_n|)

(the 95% half-width relative to the mean). The solution N_sol is the first n with
d_n <= target *and* d_m <= target for every m up to n + f(kLimit, n), the look-ahead that
guards against stopping on a lucky early estimate, with f(kLimit, n) = kLimit for n <= 100
and ceil(kLimit * n / 100) beyond (their default kLimit = 5). With several KPIs, each has
its own N_sol and the recommendation is the largest. Replications are run until every KPI
has a confirmed N_sol, or ``max_n`` is reached (then the table says which KPIs fell short
and what precision they reached).

Runs are made in rounds (so a parallel backend stays busy), but the answer is the one the
one-at-a-time algorithm gives: decisions depend only on the ordered prefix of replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..scenario import Scenario
from .backends import DEFAULT_BACKEND, check_backend
from .kpis import KpiCollector
from .stats import summarise, t_quantile
from .sweep import base_provenance, check_collector, make_cells, resolve_run, run_cells

Runner = Callable[[Sequence[int]], list[dict[str, float]]]
"""``runner(replications) -> [kpi dict per replication]`` (injectable, e.g. for tests)."""


def look_ahead(n: int, k_limit: int) -> int:
    """f(kLimit, n): extra replications that must keep the precision before n is accepted."""
    return k_limit if n <= 100 else math.ceil(k_limit * n / 100)


def relative_precision(values: Sequence[float], alpha: float = 0.05) -> np.ndarray:
    """d_n for n = 1..len(values) (NaN for n < 2 or a zero mean)."""
    x = np.asarray(values, float)
    out = np.full(len(x), np.nan)
    for n in range(2, len(x) + 1):
        v = x[:n]
        if not np.all(np.isfinite(v)):
            continue
        m = v.mean()
        if m == 0:
            continue
        out[n - 1] = t_quantile(n, 1 - alpha) * v.std(ddof=1) / math.sqrt(n) / abs(m)
    return out


def solution(values: Sequence[float], target: float, *, alpha: float = 0.05, n_min: int = 3,
             k_limit: int = 5) -> int | None:
    """N_sol: the first n >= n_min with d_m <= target for m = n .. n + f(kLimit, n), all observed;
    None if ``values`` do not (yet) confirm one."""
    d = relative_precision(values, alpha)
    total = len(d)
    for n in range(max(n_min, 2), total + 1):
        last = n + look_ahead(n, k_limit)
        if last > total:
            return None
        window = d[n - 1:last]
        if np.all(np.isfinite(window)) and np.all(window <= target):
            return n
    return None


@dataclass
class PrecisionResult:
    table: pd.DataFrame           # per KPI: n_solution, met, precision reached, mean and CI at the recommendation
    replications: pd.DataFrame    # the first n_recommended replications (all run, if not every KPI met)
    trace: pd.DataFrame           # n, kpi, mean, half_width, relative_precision for every n run (for plots)
    n_recommended: int            # max N_sol (or every replication run, if some KPI never met its target)
    n_run: int
    met: bool
    provenance: dict


def replications_needed(scenario: Scenario | None = None, kpis: Sequence[str] = ("mean_wait_ia_queue_h",),
                        precision: float = 0.05, *, alpha: float = 0.05, n_min: int = 3, k_limit: int = 5,
                        max_n: int = 200, round_size: int | None = None, runner: Runner | None = None,
                        seed: int | None = None, days: int | None = None, collector: KpiCollector | None = None,
                        backend: str = DEFAULT_BACKEND, scheduler: Any = None, workers: int | None = None,
                        progress: bool | None = None) -> PrecisionResult:
    """Add replications until each KPI's 95% half-width is within ``precision`` (relative) of
    its mean, by Hoad, Robinson & Davies' method (module doc); stop at ``max_n``."""
    if not kpis:
        raise ParameterError("kpis", "name at least one KPI to reach the precision on")
    if not (isinstance(precision, (int, float)) and 0 < precision < 1):
        raise ParameterError("precision", f"must be a relative half-width between 0 and 1, got {precision!r}")
    if n_min < 3:
        raise ParameterError("n_min", f"must be >= 3 (Hoad et al.), got {n_min}")
    if k_limit < 0:
        raise ParameterError("k_limit", f"must be >= 0, got {k_limit}")
    if max_n < n_min:
        raise ParameterError("max_n", f"must be >= {n_min}, got {max_n}")
    prov: dict = {"method": "Hoad, Robinson & Davies (2010) confidence-interval method with look-ahead",
                  "precision": precision, "alpha": alpha, "n_min": n_min, "k_limit": k_limit, "max_n": max_n,
                  "kpis": list(kpis)}
    own_runner = runner is None
    if runner is None:
        if scenario is None:
            raise InputError("replications_needed", None, "needs a scenario or a runner")
        check_backend(backend, scheduler)
        seed, days = resolve_run(scenario, 1, seed, days)
        collector = collector or KpiCollector()
        check_collector(collector, days)
        cells = make_cells(scenario, None, None, seed=seed, days=days, collector=collector)

        def runner(reps: Sequence[int]) -> list[dict[str, float]]:
            (df,) = run_cells(cells, list(reps), seed=seed, days=days, collector=collector, backend=backend,
                              scheduler=scheduler, workers=workers, progress=progress, desc="replications")
            return [{k: v for k, v in row.items() if k not in ("seed", "replication")}
                    for row in df.to_dict("records")]

        prov = {**base_provenance("replications_needed", scenario, seed=seed, days=days, replications=[0],
                                  collector=collector), **prov}
    round_size = round_size or max(10, n_min + k_limit)
    rows: list[dict[str, float]] = []
    sols: dict[str, int | None] = {k: None for k in kpis}
    while True:
        want = min(max_n, len(rows) + (n_min + k_limit if not rows else round_size))
        new = runner(list(range(len(rows), want)))
        if len(new) != want - len(rows):
            raise ValueError(f"runner returned {len(new)} rows for {want - len(rows)} replications")
        rows += new
        for k in kpis:
            if k not in rows[0]:
                raise ParameterError("kpis", "no such KPI", k)
            sols[k] = solution([r.get(k, np.nan) for r in rows], precision, alpha=alpha, n_min=n_min, k_limit=k_limit)
        if all(s is not None for s in sols.values()) or len(rows) >= max_n:
            break
    met = all(s is not None for s in sols.values())
    n_rec = max(sols.values()) if met else len(rows)
    df = pd.DataFrame(rows)
    df.insert(0, "replication", range(len(rows)))
    if own_runner:
        df.insert(0, "seed", seed)
    trace_rows, table_rows = [], []
    for k in kpis:
        x = df[k].to_numpy(float)
        d = relative_precision(x, alpha)
        for n in range(2, len(x) + 1):
            m = float(np.mean(x[:n]))
            trace_rows.append({"kpi": k, "n": n, "mean": m, "half_width": d[n - 1] * abs(m) if m else np.nan,
                               "relative_precision": d[n - 1]})
        s = sols[k]
        at = s if s is not None else len(x)
        summ = summarise(df.iloc[:at], kpis=[k]).iloc[0]
        table_rows.append({"kpi": k, "n_solution": s if s is not None else np.nan, "met": s is not None,
                           "target": precision, "relative_precision": d[at - 1], "n": at,
                           "mean": summ["mean"], "half_width": summ["half_width"], "lower": summ["lower"],
                           "upper": summ["upper"], "n_run": len(x)})
    reps = df.iloc[:n_rec].reset_index(drop=True)
    prov = {**prov, "n_recommended": n_rec, "n_run": len(rows), "met": met}
    return PrecisionResult(pd.DataFrame(table_rows), reps, pd.DataFrame(trace_rows), n_rec, len(rows), met, prov)
