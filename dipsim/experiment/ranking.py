"""Choosing the best of several policies, with a stated probability of correct selection.

Kim & Nelson's fully sequential procedure (KN; Kim and Nelson 2001, "A fully sequential
procedure for indifference-zone selection in simulation", ACM TOMACS 11(3)), which allows
common random numbers: it uses the variance of the *paired* differences between systems.

The user names a KPI, which way is better, an **indifference zone** delta (the smallest
difference worth detecting, in the KPI's unit) and a probability of correct selection
``pcs`` (default 0.95). Guarantee: if the best policy's mean is better than every other's by
at least delta, KN selects it with probability at least ``pcs``. (Policies within delta of the
best are "as good as the best" to the user: any of them may be chosen.)

Steps (for "higher is better"; "lower" negates the KPI):

1. ``n0`` replications of every policy (replication r of each under ``Streams(seed, r)``).
   For every pair, S2_il = the sample variance of the n0 paired differences X_i - X_l.
2. eta = ((2 alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1) / 2, h2 = 2 eta (n0 - 1), alpha = 1 - pcs.
3. At r replications, policy i is eliminated if for some other survivor l,
   mean_i(r) < mean_l(r) - W_il(r), with W_il(r) = max(0, delta / (2 r) (h2 S2_il / delta^2 - r)).
4. Stop when one policy is left; otherwise one more replication of every survivor, and 3 again.
   The procedure ends by r = max floor(h2 S2_il / delta^2) + 1 at the latest.

Replications are run in rounds (to keep every worker busy), and the eliminations are then
checked one replication at a time, so the answer is exactly the one-at-a-time procedure's;
a round may run a few replications the procedure did not need. ``max_n`` caps the work: a
selection stopped by it says so, and the guarantee then does not hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import kpis as registry
from ..errors import ParameterError

Runner = Callable[[Sequence[str], Sequence[int]], Mapping[str, Sequence[float]]]
"""``runner(systems, replications) -> {system: KPI value of each replication, in order}``."""


@dataclass
class SelectionResult:
    best: str
    kpi: str
    higher_is_better: bool
    delta: float
    pcs: float
    n0: int
    table: pd.DataFrame                 # one row per policy: replications, mean, eliminated_at, by, status
    stopped_by_budget: bool = False
    runs: int = 0
    values: dict = field(default_factory=dict, repr=False)   # system -> list of values by replication

    def explanation(self) -> list[str]:
        u = registry.unit(self.kpi)
        from .compare import in_units

        better = "higher" if self.higher_is_better else "lower"
        dz = in_units(self.delta, u).lstrip("+")
        lines = [f"Best policy on {self.kpi} ({better} is better): {self.best}."]
        if self.stopped_by_budget:
            lines.append(f"The selection stopped at the limit of replications before one policy was left: "
                         f"{self.best} had the best mean among those left, but the stated probability of "
                         f"correct selection does not hold (allow more replications).")
        else:
            lines.append(f"How sure: if the best policy is better than every other by at least {dz} (the "
                         f"indifference zone), this procedure picks it with probability at least {self.pcs:.0%}; "
                         f"policies within {dz} of the best count as equally good.")
        lines.append(f"Procedure: Kim and Nelson (2001) fully sequential selection under common random numbers, "
                     f"first stage {self.n0} replications each, {self.runs} runs in all.")
        for r in self.table.itertuples():
            if r.status == "eliminated":
                lines.append(f"- {r.policy}: mean {_fmt(r.mean)} after {r.replications} replications; eliminated "
                             f"at replication {r.eliminated_at}, behind {r.eliminated_by}.")
            else:
                lines.append(f"- {r.policy}: mean {_fmt(r.mean)} after {r.replications} replications; {r.status}.")
        return lines


def _fmt(x: float) -> str:
    return "-" if not np.isfinite(x) else (f"{x:,.1f}" if abs(x) >= 10 else f"{x:.3g}")


def kn_constants(k: int, n0: int, pcs: float) -> tuple[float, float]:
    """(eta, h2) of KN for ``k`` systems, first stage ``n0`` and probability ``pcs``."""
    alpha = 1 - pcs
    eta = 0.5 * ((2 * alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1)
    return eta, 2 * eta * (n0 - 1)


def check_selection(k: int, delta: float, pcs: float, n0: int, max_n: int) -> None:
    if k < 2:
        raise ParameterError("select", "needs at least two policies to choose between")
    if not (isinstance(delta, (int, float)) and math.isfinite(delta) and delta > 0):
        raise ParameterError("indifference", f"must be a number > 0 in the KPI's unit, got {delta!r}")
    if not (1 / k < pcs < 1):
        raise ParameterError("pcs", f"must be between 1/{k} (a guess) and 1, got {pcs!r}")
    if isinstance(n0, bool) or not isinstance(n0, int) or n0 < 2:
        raise ParameterError("n", f"the first stage needs at least 2 replications, got {n0!r}")
    if max_n < n0:
        raise ParameterError("max_n", f"must be at least the first stage ({n0}), got {max_n}")


def kn_select(systems: Sequence[str], runner: Runner, *, kpi: str = "value", higher_is_better: bool = True,
              delta: float, pcs: float = 0.95, n0: int = 10, max_n: int = 1000, round_size: int | None = None,
              first_stage: Mapping[str, Sequence[float]] | None = None) -> SelectionResult:
    """Select the best of ``systems`` by KN (see the module doc). ``first_stage``: values already
    run for replications 0..n0-1 (e.g. a comparison's), used instead of running them again."""
    systems = list(dict.fromkeys(systems))
    k = len(systems)
    check_selection(k, delta, pcs, n0, max_n)
    sign = 1.0 if higher_is_better else -1.0
    values: dict[str, list[float]] = {s: [] for s in systems}
    runs = 0

    def take(names: Sequence[str], reps: Sequence[int]) -> None:
        nonlocal runs
        got = runner(list(names), list(reps))
        for s in names:
            v = [float(x) for x in got[s]]
            if len(v) != len(reps) or not all(math.isfinite(x) for x in v):
                raise ParameterError("select", f"{kpi} is undefined in some replications of {s}: choose a KPI "
                                               "every replication measures")
            values[s].extend(v)
        runs += len(names) * len(reps)

    if first_stage is not None:
        for s in systems:
            v = [float(x) for x in list(first_stage[s])[:n0]]
            if len(v) < n0 or not all(math.isfinite(x) for x in v):
                raise ParameterError("select", f"{kpi} is undefined in some replications of {s}: choose a KPI "
                                               "every replication measures")
            values[s] = v
    else:
        take(systems, range(n0))
    x0 = {s: sign * np.asarray(values[s][:n0]) for s in systems}
    eta, h2 = kn_constants(k, n0, pcs)
    s2 = {(i, l): float(np.var(x0[i] - x0[l], ddof=1)) for i in systems for l in systems if i != l}
    n_end = {p: int(math.floor(h2 * v / delta ** 2)) + 1 for p, v in s2.items()}
    alive = list(systems)
    out_at: dict[str, int] = {}
    out_by: dict[str, str] = {}
    sums = {s: float(np.sum(x0[s])) for s in systems}
    r = n0
    budget = False
    step = round_size or max(5, n0 // 2)
    while True:
        means = {s: sums[s] / r for s in alive}
        dropped = []
        for i in alive:
            for l in alive:
                if l == i:
                    continue
                w = max(0.0, delta / (2 * r) * (h2 * s2[(i, l)] / delta ** 2 - r))
                if means[i] < means[l] - w:
                    dropped.append((i, l))
                    break
        for i, l in dropped:
            out_at[i], out_by[i] = r, l
        alive = [s for s in alive if s not in out_at]
        if len(alive) == 1:
            break
        if r > max(n_end[(i, l)] for i in alive for l in alive if i != l):  # every W is 0: the best mean stays
            top = max(means[s] for s in alive)
            keep = next(s for s in alive if means[s] == top)
            for s in alive:
                if s != keep:
                    out_at[s], out_by[s] = r, keep
            alive = [keep]
            break
        if r >= max_n:
            budget = True
            break
        if any(len(values[s]) <= r for s in alive):  # the next round of replications for every survivor
            upto = min(max_n, r + step, max(n_end[(i, l)] for i in alive for l in alive if i != l) + 1)
            for have in sorted({len(values[s]) for s in alive if len(values[s]) < upto}):
                take([s for s in alive if len(values[s]) == have], range(have, upto))
        r += 1
        for s in alive:
            sums[s] += sign * values[s][r - 1]
    if budget:
        means = {s: sums[s] / r for s in alive}
        best = max(alive, key=lambda s: means[s])
    else:
        best = alive[0]
    rows = []
    for s in systems:
        n_used = out_at.get(s, r)
        mean = float(np.mean(values[s][:n_used]))
        status = ("eliminated" if s in out_at else
                  "selected" if s == best else "still in contention at the limit")
        rows.append({"policy": s, "replications": n_used, "mean": mean, "eliminated_at": out_at.get(s),
                     "eliminated_by": out_by.get(s), "status": status})
    table = pd.DataFrame(rows)
    table["eliminated_at"] = table["eliminated_at"].astype("Int64")
    return SelectionResult(best, kpi, higher_is_better, float(delta), float(pcs), n0, table, budget, runs, values)


def select_best(scenario, variants: Mapping[str, Mapping[str, Any]], kpi: str, *, higher_is_better: bool,
                delta: float, pcs: float = 0.95, n0: int = 10, max_n: int = 500, seed: int | None = None,
                days: int | None = None, collector=None, first_stage: pd.DataFrame | None = None,
                **backend) -> SelectionResult:
    """KN over scenario variants (``{"name": {dotted key: value}}``) on one KPI, every replication
    under common random numbers, on any backend. ``first_stage``: a comparison's replication
    table (``variant``, ``replication``, KPIs) holding replications 0..n0-1 of every variant."""
    from .kpis import KpiCollector
    from .sweep import make_cells, resolve_run, run_cells

    seed, days = resolve_run(scenario, n0, seed, days)
    collector = collector or KpiCollector()

    def runner(names: Sequence[str], reps: Sequence[int]) -> dict[str, list[float]]:
        cells = make_cells(scenario, None, {v: variants[v] for v in names}, seed=seed, days=days,
                           collector=collector)
        frames = run_cells(cells, list(reps), seed=seed, days=days, collector=collector, desc="selection",
                           **backend)
        return {c.label["variant"]: f.sort_values("replication")[kpi].tolist() for c, f in zip(cells, frames)}

    first = None
    if first_stage is not None:
        t = first_stage[first_stage["replication"] < n0]
        first = {v: t[t["variant"] == v].sort_values("replication")[kpi].tolist() for v in variants}
    return kn_select(list(variants), runner, kpi=kpi, higher_is_better=higher_is_better, delta=delta, pcs=pcs,
                     n0=n0, max_n=max_n, first_stage=first)
