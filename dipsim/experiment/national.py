"""The national sweep: every DIP area of England and Wales x staffing levels x replications.

**The areas (§2.2).** 71 intensive areas - 68 DAT areas in England and the three Welsh
intensive sites, Cardiff, Newport and Swansea - and the 82 English DAT areas that are not
intensive ("Some elements of the Programme are in operation in all areas"; they complete
Required Assessments on their residents). Each area is a shipped scenario with its arrests
scaled: English intensive areas extend ``urban_intensive``, the Welsh sites
``welsh_intensive``, the non-intensive areas ``county_non_intensive``. The rest of Wales
(non-intensive Community Safety Partnerships, §2.2 gives no count) is not modelled.

**Volumes.** Testing on arrest happens only in intensive areas: together they test about
224,000 people a year (Hansard written answer, 29 Sep 2008, 2007-08;
shared/calibration-sources.md). Each intensive area's arrests are its base scenario's times
the factor that gives it its share of those tests (the base scenario's tests a year are
measured by one 365-day run of it, seed 2008). No national figure for the arrests in
non-intensive areas was found: each is ``county_non_intensive``'s arrests times its share
of ``non_intensive_scale`` x 82 (**free parameter**, default 1.0: the average non-intensive
area is the shipped county scenario; range 0.25-4).

**The split across areas** is a **free parameter** (no published per-area figures were
found): area k of a group of m gets a share proportional to exp(spread x z_k), z_k the
standard normal quantile of (k - 0.5)/m, so the areas' sizes are lognormal with a
coefficient of variation of about ``spread`` (default 0.5, range 0-1.5; 0 is an equal
split). The three Welsh sites take the quantiles at a sixth, a half and five sixths of
the intensive list.

**Staffing levels** are multipliers of an area's staffing: at level L an area has
round(L x scale x the base scenario's workers) custody and community workers (at least 1
each), scale being its arrests factor; the out-of-hours arrangement is the base scenario's.
The team's other DIP caseload (``cjit.other_work``: prison leavers, court-ordered work,
self-referrals, other custody work; jobs a week) is the base scenario's times the same
scale; admin and travel are shares of the duty hours, so they follow the workers.

**CJIT hours needed.** For each area and level the replications give the mean CJIT hours
booked a year (``cjit_hours`` x 365 / days: the pathway's work on every pool, and with the
whole workload modelled the team's other work too) and whether the targets are met. The
level an area needs is the smallest at which every target is met *in the mean*: the
one-sided 95% t bound of the mean over replications is on the target's side (the same
meaning as ``dipsim capacity --mean``; with 150 areas a few misjudged areas are to be
expected, so read single areas with care). The national summary adds the areas' needs up.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..io import atomic_table, output_dir
from ..scenario import Scenario, load_scenario, replace, scenario_hash
from ..scenario.schema import OTHER_WORK_POOL
from .backends import DEFAULT_BACKEND, check_backend
from .capacity.targets import Target, check_targets
from .kpis import KpiCollector, known_kpis
from .overrides import apply_overrides
from .stats import one_sided_bound, t_interval
from .sweep import CellStore, base_provenance, cell_id, run_cells, write_provenance, Cell

TESTS_PER_YEAR = 224_000
"""Drug tests on arrest a year, England and Wales, 2007-08 (Hansard written answer, 29 Sep 2008)."""
ENGLISH_INTENSIVE, WELSH_SITES, NON_INTENSIVE = 68, ("Cardiff", "Newport", "Swansea"), 82
"""§2.2: 68 intensive DAT areas in England and 3 in Wales; 82 non-intensive DAT areas in England."""
DEFAULT_LEVELS = (0.5, 0.75, 1.0, 1.25, 1.5)
DEFAULT_TARGETS = ("utilisation_custody<=0.85", "utilisation_community<=0.85")
DEFAULT_SPREAD = 0.5
BASES = {"intensive (England)": "urban_intensive", "intensive (Wales)": "welsh_intensive",
         "non-intensive (England)": "county_non_intensive"}
SHOW = ("arrests_a_year", "tests_a_year", "cjit_hours_a_year", "share_ia_before_release", "utilisation_custody",
        "utilisation_community")


@dataclass(frozen=True)
class Area:
    name: str
    kind: str             # a key of BASES
    scale: float          # the base scenario's arrests times this

    @property
    def base(self) -> str:
        return BASES[self.kind]


@lru_cache(maxsize=None)
def base_scenario(name: str) -> Scenario:
    return load_scenario(name)


@lru_cache(maxsize=None)
def base_tests_a_year(base: str) -> float:
    """Tests on arrest in one 365-day run of a shipped scenario (seed 2008, replication 0)."""
    from ..results import run

    return float(run(base_scenario(base), seed=2008, replication=0, days=365, people_table=False).kpis["tests"])


def _shares(m: int, spread: float) -> np.ndarray:
    z = np.array([NormalDist().inv_cdf((k + 0.5) / m) for k in range(m)])
    w = np.exp(spread * z)
    return w / w.sum()


def national_areas(spread: float = DEFAULT_SPREAD, tests_per_year: float = TESTS_PER_YEAR,
                   non_intensive_scale: float = 1.0) -> list[Area]:
    """The 153 areas (71 intensive, 82 non-intensive), smallest first within each kind."""
    if not (0 <= spread <= 1.5):
        raise ParameterError("spread", f"must be from 0 to 1.5, got {spread!r}")
    if not (tests_per_year > 0 and math.isfinite(tests_per_year)):
        raise ParameterError("tests_per_year", f"must be a number > 0, got {tests_per_year!r}")
    if not (0.25 <= non_intensive_scale <= 4):
        raise ParameterError("non_intensive_scale", f"must be from 0.25 to 4, got {non_intensive_scale!r}")
    m = ENGLISH_INTENSIVE + len(WELSH_SITES)
    shares = _shares(m, spread)
    welsh_at = {round(m * f) for f in (1 / 6, 1 / 2, 5 / 6)}
    areas, e, w = [], 0, 0
    for k in range(m):
        tests = tests_per_year * shares[k]
        if k in welsh_at:
            name, kind = f"intensive_wales_{WELSH_SITES[w].lower()}", "intensive (Wales)"
            w += 1
        else:
            e += 1
            name, kind = f"intensive_england_{e:02d}", "intensive (England)"
        areas.append(Area(name, kind, tests / base_tests_a_year(BASES[kind])))
    for k, share in enumerate(_shares(NON_INTENSIVE, spread)):
        areas.append(Area(f"non_intensive_england_{k + 1:02d}", "non-intensive (England)",
                          float(non_intensive_scale * NON_INTENSIVE * share)))
    return areas


def pick_areas(areas: Sequence[Area], k: int | None) -> list[Area]:
    """``k`` of the areas spread evenly over the list (every kind and size represented)."""
    if k is None or k >= len(areas):
        return list(areas)
    if k < 1:
        raise ParameterError("areas", f"must be a whole number from 1 to {len(areas)}, got {k}")
    idx = sorted({int(i) for i in np.linspace(0, len(areas) - 1, k).round()})
    return [areas[i] for i in idx]


def workers_at(base: Scenario, scale: float, level: float) -> tuple[int, int]:
    """(custody, community) workers of an area at a staffing level (see module doc)."""
    def one(w) -> Any:
        return w if w == "unlimited" else max(1, int(round(level * scale * int(w))))
    return one(base.cjit.custody.workers), one(base.cjit.community.workers)


def area_scenario(area: Area, level: float) -> tuple[Scenario, dict]:
    """The area's scenario at a staffing level: the base's arrests and the team's other DIP
    caseload (``cjit.other_work``, jobs a week) times the area's scale, its workers at the level."""
    base = base_scenario(area.base)
    custody, community = workers_at(base, area.scale, level)
    overrides = {"arrivals.scale": area.scale, "cjit.custody.workers": custody, "cjit.community.workers": community}
    other = base.cjit.other_work
    for name in OTHER_WORK_POOL:
        overrides[f"cjit.other_work.{name}.per_week"] = getattr(other, name).per_week * area.scale
    sc = apply_overrides(base, overrides, source=f"area {area.name}")
    return replace(sc, {"name": f"{area.name} ({area.kind})"}), overrides


@dataclass
class NationalResult:
    results: pd.DataFrame      # one row per (area, level, replication): area columns, seed, replication, KPIs
    levels: pd.DataFrame       # one row per (area, level): mean and 95% half-width of SHOW, targets met
    areas: pd.DataFrame        # one row per area: the level it needs and its CJIT hours a year there
    national: pd.DataFrame     # one row per kind of area and one for England and Wales: the areas' needs added up
    provenance: dict
    runs: int = 0              # runs made (each distinct run once)
    reused_runs: int = 0       # loaded from the cells an earlier call saved (resume)
    targets: list[Target] = field(default_factory=list)
    identical_runs: int = 0    # levels at which an area has the same workers as at a lower one: their runs were made once


def national_sweep(levels: Sequence[float] = DEFAULT_LEVELS, n: int = 20, *, days: int = 365, seed: int = 2008,
                   spread: float = DEFAULT_SPREAD, tests_per_year: float = TESTS_PER_YEAR,
                   non_intensive_scale: float = 1.0, areas: int | None = None,
                   targets: Sequence[str | Target] = DEFAULT_TARGETS, out: str | os.PathLike | None = None,
                   resume: bool = False, force: bool = False, fmt: str = "parquet", backend: str = DEFAULT_BACKEND,
                   scheduler: Any = None, workers: int | None = None, batch_size: int | None = None,
                   progress: bool | None = None) -> NationalResult:
    """Run ``n`` replications of every area at every staffing level (see module doc); on Dask
    give ``scheduler="tcp://host:8786"`` for an existing cluster. With ``out``: resumable
    (``resume=True``), like :func:`dipsim.experiment.sweep`; writes ``results.<fmt>``,
    ``levels.csv``, ``areas.csv``, ``national.csv`` and ``provenance.json``."""
    check_backend(backend, scheduler)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ParameterError("n", f"replications per area and level must be a whole number >= 2, got {n!r}")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ParameterError("days", f"must be a whole number >= 1, got {days!r}")
    levels = sorted({float(x) for x in levels})
    if not levels or any(not (0 < x <= 10) or not math.isfinite(x) for x in levels):
        raise ParameterError("levels", f"staffing levels must be numbers above 0 and at most 10, got {levels}")
    if fmt not in ("parquet", "csv"):
        raise ParameterError("fmt", f"must be parquet or csv, got {fmt!r}")
    tg = [t if isinstance(t, Target) else Target.parse(t) for t in targets]
    check_targets(tg, [*known_kpis(base_scenario("urban_intensive"), KpiCollector()), *SHOW])
    chosen = pick_areas(national_areas(spread, tests_per_year, non_intensive_scale), areas)
    collector = KpiCollector()
    cells = []
    for area in chosen:
        for level in levels:
            sc, _ = area_scenario(area, level)
            custody, community = workers_at(base_scenario(area.base), area.scale, level)
            label = {"area": area.name, "kind": area.kind, "base_scenario": area.base,
                     "arrests_scale": round(area.scale, 6), "level": level,
                     "custody_workers": custody, "community_workers": community}
            cells.append(Cell(len(cells), label, {}, sc, cell_id(sc, label, seed, days, collector)))
    with output_dir(out, "national", force=force, resume=resume, resumable=True) as od:
        store = None
        if od is not None:
            od.own("cells")
            store = CellStore(od.path)
        stats: dict = {}
        frames = run_cells(cells, list(range(n)), seed=seed, days=days, collector=collector, store=store,
                           backend=backend, scheduler=scheduler, workers=workers, batch_size=batch_size,
                           progress=progress, desc="national", stats=stats)
        results = pd.concat(frames, ignore_index=True, sort=False)
        yearly = pd.DataFrame({f"{k}_a_year": results[k] * 365.0 / days for k in ("arrests", "tests", "cjit_hours")},
                              index=results.index)
        results = pd.concat([results, yearly], axis=1)  # (not .assign: on hundreds of cells' columns pandas warns)
        lv = level_table(results, tg)
        ar = area_table(lv, tg)
        nat = national_table(ar, results)
        prov = base_provenance("national", base_scenario("urban_intensive"), seed=seed, days=days,
                               replications=range(n), collector=collector,
                               areas=[{"name": a.name, "kind": a.kind, "base": a.base, "arrests_scale": a.scale}
                                      for a in chosen],
                               levels=levels, targets=[str(t) for t in tg], spread=spread,
                               tests_per_year=tests_per_year, non_intensive_scale=non_intensive_scale,
                               bases={k: scenario_hash(base_scenario(v)) for k, v in BASES.items()})
        for key in ("scenario_name", "scenario_hash"):
            prov.pop(key)
        res = NationalResult(results, lv, ar, nat, prov, stats["runs"], stats["reused_runs"], tg,
                             stats["identical_runs"])
        if od is not None:
            with od.staging() as tmp:
                atomic_table(results, tmp / f"results.{fmt}")
                atomic_table(lv, tmp / "levels.csv")
                atomic_table(ar, tmp / "areas.csv")
                atomic_table(nat, tmp / "national.csv")
                write_provenance(tmp / "provenance.json", prov)
    return res


def level_table(results: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """Per (area, level): n, mean and 95% half-width of the key KPIs, and each target's verdict."""
    rows = []
    keys = ["area", "kind", "arrests_scale", "level", "custody_workers", "community_workers"]
    for key, g in results.groupby(keys, sort=False):
        row = dict(zip(keys, key))
        row["n"] = len(g)
        for k in SHOW:
            iv = t_interval(g[k]) if k in g else None
            row[k] = iv.mean if iv else float("nan")
            row[f"{k}_half_width"] = iv.half_width if iv else float("nan")
        met = True
        for t in targets:
            ok = t.kpi in g and t.met(one_sided_bound(g[t.kpi], t.side))
            row[f"meets {t}"] = ok
            met = met and ok
        row["meets_targets"] = met
        rows.append(row)
    return pd.DataFrame(rows)


def area_table(levels: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """Per area: the smallest level meeting every target (none: NaN) and its staff and CJIT hours."""
    rows = []
    for area, g in levels.groupby("area", sort=False):
        g = g.sort_values("level")
        ok = g[g["meets_targets"]]
        first = g.iloc[0]
        row = {"area": area, "kind": first["kind"], "arrests_scale": first["arrests_scale"],
               "arrests_a_year": first["arrests_a_year"], "tests_a_year": first["tests_a_year"]}
        if ok.empty:
            row.update(level_needed=float("nan"), custody_workers=pd.NA, community_workers=pd.NA,
                       cjit_hours_a_year=float("nan"), cjit_hours_a_year_half_width=float("nan"),
                       note=f"no level up to {g['level'].max():g} meets the targets")
        else:
            at = ok.iloc[0]
            row.update(level_needed=at["level"], custody_workers=int(at["custody_workers"]),
                       community_workers=int(at["community_workers"]), cjit_hours_a_year=at["cjit_hours_a_year"],
                       cjit_hours_a_year_half_width=at["cjit_hours_a_year_half_width"], note="")
        rows.append(row)
    return pd.DataFrame(rows)


def national_table(areas: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The areas' needs added up, by kind and for England and Wales: areas, areas meeting the
    targets at some level, arrests and tests a year, workers and CJIT hours a year needed (with
    a 95% half-width from the areas' own, taken as independent)."""
    def total(name: str, g: pd.DataFrame) -> dict:
        ok = g[g["level_needed"].notna()]
        return {"areas": name, "count": len(g), "met_at_some_level": len(ok),
                "arrests_a_year": float(g["arrests_a_year"].sum()), "tests_a_year": float(g["tests_a_year"].sum()),
                "custody_workers": int(ok["custody_workers"].sum()) if len(ok) else 0,
                "community_workers": int(ok["community_workers"].sum()) if len(ok) else 0,
                "cjit_hours_a_year": float(ok["cjit_hours_a_year"].sum()),
                "cjit_hours_a_year_half_width": float(np.sqrt((ok["cjit_hours_a_year_half_width"] ** 2).sum()))}
    rows = [total(kind, g) for kind, g in areas.groupby("kind", sort=False)]
    rows.append(total("England and Wales", areas))
    return pd.DataFrame(rows)
