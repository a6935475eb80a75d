"""Sweeps: every replication of every cell of a parameter grid, as one tidy table.

Cells are the combinations of ``params`` (dotted scenario keys, plus the pseudo-key
``arrivals.scale``), optionally crossed with named ``variants`` (override sets, e.g.
rota alternatives or menu policies). Replication r of *every* cell runs with
``Streams(seed, r)`` (common random numbers across cells), so differences between cells
are differences of policy or capacity, not of luck.

With ``out``, each cell is saved (atomically) as ``out/cells/<id>.parquet`` as soon as its
last replication is in; a rerun with ``resume=True`` loads the cells already saved and runs
only the missing (cell, replication) runs. A cell's id hashes everything its numbers depend
on (resolved cell scenario, cell label, seed, days, KPI collector, dipsim version), so a
changed sweep never reuses a stale cell. The final tables are assembled at the end, in
cell order, from the saved cells.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .. import __version__
from ..errors import ParameterError
from ..io import atomic_table, atomic_write_text, output_dir, write_json
from ..scenario import Scenario, scenario_hash, staffing_free_hash, to_yaml
from ..scenario.schema import OTHER_WORK_POOL
from .backends import DEFAULT_BACKEND, Job, check_backend, execute
from .kpis import KpiCollector, fill_busy
from .overrides import apply_overrides, grid
from .stats import summarise

STREAMS_NOTE = ("replication r of every cell uses dipsim.random.Streams(seed, r): one PCG64 generator per "
                "activity from SeedSequence(seed, spawn_key=(r, crc32(activity name)))")


@dataclass(frozen=True)
class Cell:
    index: int
    label: dict           # column values identifying the cell (parameters, variant)
    overrides: dict       # what was applied to the base scenario
    scenario: Scenario
    id: str


def make_cells(scenario: Scenario, params: Mapping[str, Sequence[Any]] | None = None,
               variants: Mapping[str, Mapping[str, Any]] | None = None, *, seed: int, days: int,
               collector: KpiCollector) -> list[Cell]:
    """The grid's cells (variants outermost, then parameters, the first varying slowest)."""
    points = grid(params)
    vitems = list((variants or {}).items()) or [(None, {})]
    if variants:
        clash = [k for k in (params or {}) if k == "variant"]
        if clash:
            raise ParameterError("params", "is reserved for variant names", "variant")
    cells = []
    for vname, vover in vitems:
        for point in points:
            label = ({"variant": vname} if vname is not None else {}) | point
            overrides = {**vover, **point}
            where = f"variant {vname}" if vname is not None else "params"
            cell_sc = apply_overrides(scenario, overrides, source=where)
            cells.append(Cell(len(cells), label, overrides, cell_sc,
                              cell_id(cell_sc, label, seed, days, collector)))
    return cells


def cell_id(scenario: Scenario, label: dict, seed: int, days: int, collector: KpiCollector) -> str:
    key = {"scenario_hash": scenario_hash(scenario), "label": label, "seed": seed, "days": days,
           "collector": collector.spec(), "dipsim_version": __version__}
    text = json.dumps(key, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class CellStore:
    """``DIR/cells/<id>.parquet``: one finished cell each, written atomically."""

    def __init__(self, root: Path):
        self.dir = Path(root) / "cells"

    def path(self, cell: Cell) -> Path:
        return self.dir / f"{cell.id}.parquet"

    def load(self, cell: Cell) -> pd.DataFrame | None:
        p = self.path(cell)
        if not p.exists():
            return None
        try:
            return pd.read_parquet(p)
        except Exception:  # a damaged file (should not happen: writes are atomic) is redone
            return None

    def save(self, cell: Cell, df: pd.DataFrame) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_table(df, self.path(cell))


def run_cells(cells: Sequence[Cell], replications: Sequence[int], *, seed: int, days: int,
              collector: KpiCollector, store: CellStore | None = None, backend: str = DEFAULT_BACKEND,
              scheduler: Any = None, workers: int | None = None, batch_size: int | None = None,
              progress: bool | None = None, desc: str = "runs", stats: dict | None = None) -> list[pd.DataFrame]:
    """One table per cell (label columns, seed, replication, KPIs), rows in replication order.
    With a ``store``, cells (or replications) already saved are not run again."""
    reps = list(replications)
    frames: list[pd.DataFrame | None] = [None] * len(cells)
    have: list[pd.DataFrame | None] = [None] * len(cells)
    jobs: list[Job] = []
    for cell in cells:
        done = store.load(cell) if store is not None else None
        todo = reps
        if done is not None and "replication" in done:
            have[cell.index] = done
            todo = [r for r in reps if r not in set(done["replication"].tolist())]
        jobs += [Job(cell.scenario, seed, r, days, cell.index) for r in todo]
    # Cells whose scenarios are the same (a sweep's points that give equal settings; the national
    # sweep's levels that round to the same workers in a small area) make the same runs to the last
    # bit: each distinct run is made once, and its KPIs go to every cell that asked for it.
    same: dict[str, int] = {}
    first = {c.index: same.setdefault(scenario_hash(c.scenario), c.index) for c in cells}
    runs: list[Job] = []
    takers: list[list[Job]] = []
    made: dict[tuple[int, int], int] = {}
    for job in jobs:
        k = made.setdefault((first[job.cell], job.replication), len(runs))
        if k == len(runs):
            runs.append(job)
            takers.append([])
        takers[k].append(job)
    runs, takers = _by_shared_draws(cells, runs, takers)
    if stats is not None:
        stats["runs"] = len(runs)
        stats["reused_runs"] = len(cells) * len(reps) - len(jobs)
        stats["identical_runs"] = len(jobs) - len(runs)
    pending = {c.index: 0 for c in cells}
    for j in jobs:
        pending[j.cell] += 1
    rows: dict[int, list[tuple[int, dict]]] = {c.index: [] for c in cells}

    unsaved: set[int] = set()  # cells with replications in but not all: saved so far after each batch

    def table(ci: int) -> pd.DataFrame | None:
        cell = cells[ci]
        new = [{**cell.label, "seed": seed, "replication": r, **k} for r, k in sorted(rows[ci], key=lambda x: x[0])]
        df = pd.DataFrame(new) if new else None
        if have[ci] is not None:
            df = have[ci] if df is None else pd.concat([have[ci], df], ignore_index=True, sort=False)
            df = df.sort_values("replication", kind="stable").reset_index(drop=True)
        return fill_busy(df)

    def finish(ci: int) -> None:
        df = table(ci)
        if store is not None and rows[ci]:
            store.save(cells[ci], df)
        unsaved.discard(ci)
        frames[ci] = df

    def on_result(i: int, value: dict) -> None:
        for job in takers[i]:
            rows[job.cell].append((job.replication, value))
            pending[job.cell] -= 1
            if pending[job.cell] == 0:
                finish(job.cell)
            elif store is not None:
                unsaved.add(job.cell)

    def save_so_far() -> None:
        """A cell whose replications come in several batches (a group's, or a long cell's) is saved with
        those in so far: after an interruption, --resume makes only the rest."""
        for ci in sorted(unsaved):
            store.save(cells[ci], table(ci))
        unsaved.clear()

    for c in cells:
        if pending[c.index] == 0:
            finish(c.index)
    execute(runs, collector, backend, scheduler=scheduler, workers=workers, batch_size=batch_size,
            progress=progress, desc=desc, on_result=on_result, on_batch=save_so_far if store is not None else None)
    out = []
    for cell, df in zip(cells, frames):
        if store is not None:
            df = store.load(cell) if (df is not None and store.path(cell).exists()) else df
        df = df[df["replication"].isin(reps)].reset_index(drop=True)
        out.append(df)
    return out


def _by_shared_draws(cells: Sequence[Cell], runs: list[Job],
                     takers: list[list[Job]]) -> tuple[list[Job], list[list[Job]]]:
    """The runs of cells whose scenarios differ only in their numbers of workers (an area at several
    staffing levels) put together replication by replication and marked as one group (Job.group): a
    worker makes them one after another, sharing the cohort, the walks that need no worker and the
    other work's arrivals (dipsim.results.run_levels: the same results, for less). The busiest groups
    come first. Cells with no other staffing of their own area keep their runs as they were."""
    group: dict[str, int] = {}
    of = {c.index: group.setdefault(staffing_free_hash(c.scenario), c.index) for c in cells}
    size: dict[int, int] = {}
    for g in of.values():
        size[g] = size.get(g, 0) + 1
    if all(n == 1 for n in size.values()):
        return runs, takers
    # The busiest areas' groups first, so that the last tasks to finish are small ones (fewer idle cores at the end).
    load = {g: -_daily_load(cells[g].scenario) for g in size}
    order = sorted(range(len(runs)), key=lambda k: (load[of[runs[k].cell]], of[runs[k].cell], runs[k].replication, k))
    marked = [replace(runs[k], group=of[runs[k].cell]) if size[of[runs[k].cell]] > 1 else runs[k] for k in order]
    return marked, [takers[k] for k in order]


def _daily_load(sc: Scenario) -> float:
    """Arrests and the team's other jobs a day: what a run's cost grows with."""
    other = sum(getattr(sc.cjit.other_work, name).per_week for name in OTHER_WORK_POOL) / 7.0
    return sum(sc.arrivals.arrests_per_day.values()) + other


def assemble(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Cells' tables stacked in cell order; a label column mixing types (``4`` and
    ``'unlimited'``) becomes text so that it can be saved."""
    df = pd.concat(list(frames), ignore_index=True, sort=False)
    df = fill_busy(df)
    for col in df.columns:
        if df[col].dtype == object:
            kinds = {type(v) for v in df[col].dropna()}
            if len(kinds) > 1:
                df[col] = df[col].map(lambda v: v if v is None else str(v))
    return df


@dataclass
class SweepResult:
    results: pd.DataFrame        # one row per (cell, replication): cell columns, seed, replication, KPIs
    summary: pd.DataFrame        # one row per (cell, KPI): n, mean, sd, half_width, lower, upper
    cells: pd.DataFrame          # one row per cell: its columns, id, scenario hash
    provenance: dict
    label_columns: list[str] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list, repr=False)
    runs: int = 0                # runs made now (the rest were loaded from saved cells)
    reused_runs: int = 0
    identical_runs: int = 0      # cells' runs that were the same as another cell's (equal scenarios): made once


def resolve_run(scenario: Scenario, n: int, seed: int | None, days: int | None) -> tuple[int, int]:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError("n", f"the number of replications must be a whole number >= 1, got {n!r}")
    seed = scenario.seed if seed is None else int(seed)
    days = scenario.days if days is None else int(days)
    if seed < 0:
        raise ParameterError("seed", f"must be a whole number >= 0, got {seed}")
    if days < 1:
        raise ParameterError("days", f"must be a whole number >= 1, got {days}")
    return seed, days


def check_collector(collector: KpiCollector, days: int) -> None:
    if collector.warmup_days < 0 or collector.warmup_days >= days:
        raise ParameterError("warmup_days",
                         f"must be >= 0 and shorter than the run ({days} days), got {collector.warmup_days}")


def base_provenance(kind: str, scenario: Scenario, *, seed: int, days: int, replications: Sequence[int],
                    collector: KpiCollector, **extra) -> dict:
    """What the numbers depend on, and nothing that doesn't (no backend, host or time),
    so files are byte-identical whichever backend produced them."""
    reps = list(replications)
    return {"kind": kind, "dipsim_version": __version__, "scenario_name": scenario.name,
            "scenario_hash": scenario_hash(scenario), "seed": seed, "days": days,
            "replications": len(reps), "first_replication": reps[0] if reps else 0,
            "kpi_collector": collector.spec(), "random_streams": STREAMS_NOTE, **extra}


def sweep(scenario: Scenario, params: Mapping[str, Sequence[Any]] | None = None, n: int = 10, *,
          variants: Mapping[str, Mapping[str, Any]] | None = None, seed: int | None = None,
          days: int | None = None, collector: KpiCollector | None = None, out: str | os.PathLike | None = None,
          resume: bool = False, force: bool = False, fmt: str = "parquet", backend: str = DEFAULT_BACKEND, scheduler: Any = None,
          workers: int | None = None, batch_size: int | None = None, progress: bool | None = None,
          extra_provenance: dict | None = None) -> SweepResult:
    """Run ``n`` replications of every cell of ``params`` (x ``variants``).

    ``params``: ``{"cjit.community.workers": range(2, 13), "arrivals.scale": [0.8, 1, 1.2]}``.
    ``variants``: ``{"name": {"dotted.key": value, ...}, ...}``.
    With ``out`` (a path or a claimed :class:`dipsim.io.OutputDir`): cells saved as they
    finish; ``resume=True`` reuses them (see module doc), ``force=True`` replaces dipsim's
    earlier results there; the final ``results.<fmt>``, ``summary.csv``, ``cells.csv``,
    ``scenario.yaml`` and ``provenance.json`` appear together at the end.
    """
    check_backend(backend, scheduler)
    seed, days = resolve_run(scenario, n, seed, days)
    collector = collector or KpiCollector()
    check_collector(collector, days)
    if fmt not in ("parquet", "csv"):
        raise ParameterError("fmt", f"must be parquet or csv, got {fmt!r}")
    params = {k: list(v) for k, v in (params or {}).items()}
    cells = make_cells(scenario, params, variants, seed=seed, days=days, collector=collector)
    with output_dir(out, "sweep", force=force, resume=resume, resumable=True) as od:
        return _sweep(scenario, params, variants, cells, n, seed, days, collector, fmt, od, extra_provenance,
                      dict(backend=backend, scheduler=scheduler, workers=workers, batch_size=batch_size,
                           progress=progress))


def _sweep(scenario, params, variants, cells, n, seed, days, collector, fmt, od, extra_provenance, run_kw):
    store = None
    if od is not None:
        od.own("cells")
        store = CellStore(od.path)
    reps = list(range(n))
    stats: dict = {}
    frames = run_cells(cells, reps, seed=seed, days=days, collector=collector, store=store, desc="sweep",
                       stats=stats, **run_kw)
    results = assemble(frames)
    label_cols = list(dict.fromkeys(k for c in cells for k in c.label))
    summary = summarise(results, by=label_cols, kpis=[c for c in results.columns
                                                      if c not in {*label_cols, "seed", "replication"}])
    cells_df = pd.DataFrame([{**c.label, "cell_id": c.id, "scenario_hash": scenario_hash(c.scenario)}
                             for c in cells])
    prov = base_provenance("sweep", scenario, seed=seed, days=days, replications=reps, collector=collector,
                           params=params, variants={k: dict(v) for k, v in (variants or {}).items()},
                           cells=len(cells), **(extra_provenance or {}))
    result = SweepResult(results, summary, cells_df, prov, label_cols, [c.scenario for c in cells],
                         stats["runs"], stats["reused_runs"], stats["identical_runs"])
    if od is not None:
        with od.staging() as tmp:
            write_sweep(result, tmp, fmt, scenario)
    return result


def write_sweep(result: SweepResult, root: Path, fmt: str, scenario: Scenario) -> None:
    atomic_table(result.results, root / f"results.{fmt}")
    atomic_table(result.summary, root / "summary.csv")
    atomic_table(result.cells, root / "cells.csv")
    atomic_write_text(root / "scenario.yaml", to_yaml(scenario))
    write_provenance(root / "provenance.json", result.provenance)


def write_provenance(path: Path, prov: dict) -> None:
    atomic_write_text(path, json.dumps(prov, indent=2, sort_keys=True, default=str) + "\n")


__all__ = ["Cell", "CellStore", "SweepResult", "sweep", "make_cells", "run_cells", "assemble", "atomic_table",
           "base_provenance", "write_json"]
