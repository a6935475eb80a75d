"""Replications of one scenario: a per-replication KPI table and its summary.

Replication r runs with ``Streams(seed, r)``; the table has one row per replication
(``seed``, ``replication``, then one column per KPI) and the summary one row per KPI
(n, mean, sd, 95% t-interval half-width, lower, upper).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError
from ..io import OutputDir, atomic_write_text, output_dir
from ..scenario import Scenario, to_yaml
from .backends import DEFAULT_BACKEND, check_backend
from .kpis import KpiCollector
from .stats import summarise
from .sweep import atomic_table, base_provenance, check_collector, make_cells, resolve_run, run_cells, write_provenance


@dataclass
class ReplicationResult:
    replications: pd.DataFrame   # seed, replication, KPIs
    summary: pd.DataFrame        # kpi, n, mean, sd, half_width, lower, upper
    provenance: dict

    def kpi(self, name: str) -> pd.Series:
        """One KPI's summary row (mean, half_width, ...)."""
        rows = self.summary[self.summary["kpi"] == name]
        if rows.empty:
            raise KeyError(name)
        return rows.iloc[0]


def replicate(scenario: Scenario, n: int = 10, *, seed: int | None = None, days: int | None = None,
              first: int = 0, collector: KpiCollector | None = None, backend: str = DEFAULT_BACKEND,
              scheduler: Any = None, workers: int | None = None, batch_size: int | None = None,
              progress: bool | None = None) -> ReplicationResult:
    """``n`` replications (``first`` .. ``first + n - 1``) of ``scenario``."""
    check_backend(backend, scheduler)
    seed, days = resolve_run(scenario, n, seed, days)
    if first < 0:
        raise ParameterError("first", f"must be a whole number >= 0, got {first}")
    collector = collector or KpiCollector()
    check_collector(collector, days)
    cells = make_cells(scenario, None, None, seed=seed, days=days, collector=collector)
    reps = list(range(first, first + n))
    (table,) = run_cells(cells, reps, seed=seed, days=days, collector=collector, backend=backend,
                         scheduler=scheduler, workers=workers, batch_size=batch_size, progress=progress,
                         desc="replications")
    summary = summarise(table)
    prov = base_provenance("replicate", scenario, seed=seed, days=days, replications=reps, collector=collector)
    return ReplicationResult(table, summary, prov)


def write_replications(result: ReplicationResult, out: str | os.PathLike | OutputDir, scenario: Scenario,
                       fmt: str = "parquet", extra_tables: dict[str, pd.DataFrame] | None = None,
                       extra_provenance: dict | None = None, *, force: bool = False) -> Path:
    """``out/replications.<fmt>``, ``summary.csv``, ``scenario.yaml``, ``provenance.json``
    (plus any ``extra_tables`` as CSV), all or nothing, through :class:`dipsim.io.OutputDir`
    (``force=True`` replaces dipsim's earlier results there; ``out`` may be one already claimed)."""
    with output_dir(out, "replicate", force=force) as od, od.staging() as tmp:
        atomic_table(result.replications, tmp / f"replications.{fmt}")
        atomic_table(result.summary, tmp / "summary.csv")
        for name, df in (extra_tables or {}).items():
            atomic_table(df, tmp / f"{name}.csv")
        atomic_write_text(tmp / "scenario.yaml", to_yaml(scenario))
        write_provenance(tmp / "provenance.json", {**result.provenance, **(extra_provenance or {})})
    return od.path
