"""The planner page's logic (no widgets): the planner's settings as a scenario and a capacity
question, the run (:func:`dipsim.experiment.capacity.capacity`, the same function as
``dipsim capacity``), its files, and the command line that gives the same answer.
"""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..commands._format import capacity_text
from ..errors import InputError
from ..experiment.capacity import DEFAULT_YEARS, CapacityResult, Target, capacity
from ..experiment.overrides import apply_overrides
from ..scenario import Scenario, to_yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
POOLS = {"custody": "custody suite (initial assessments)", "community": "community (appointments and sessions)"}
DEFAULT_TARGETS = {
    "custody": [("share_ia_before_release", ">=", 0.95), ("utilisation_custody", "<=", 0.85)],
    "community": [("share_first_session_within_10d", ">=", 0.9), ("utilisation_community", "<=", 0.85)],
}
TARGET_KPIS = ("share_ia_before_release", "share_required_assessed", "custody_assessments_missed_no_worker",
               "mean_wait_ia_queue_h", "utilisation_custody", "share_first_session_within_7d",
               "share_first_session_within_10d", "share_first_session_within_14d",
               "mean_wait_caution_to_first_session_d", "p90_wait_caution_to_first_session_d",
               "utilisation_community", "completion_rate")
"""KPIs a planner sets targets on (any KPI of ``dipsim capacity --target`` works in the library)."""


def rota_by_day(scenario: Scenario, pool: str) -> dict[str, tuple[float, float] | None]:
    """Each day's shift (start, end) of a pool, None for no cover. A day with more than one
    shift shows its first; :func:`rota_is_simple` says whether the table shows the whole rota."""
    out: dict[str, tuple[float, float] | None] = {d: None for d in DAYS}
    for sh in getattr(scenario.cjit, pool).shifts:
        for d in sh.days:
            if out[d] is None:
                out[d] = (float(sh.start), float(sh.end))
    return out


def rota_is_simple(scenario: Scenario, pool: str) -> bool:
    counts = {d: 0 for d in DAYS}
    for sh in getattr(scenario.cjit, pool).shifts:
        for d in sh.days:
            counts[d] += 1
    return max(counts.values()) <= 1


def shifts_of(rota: dict[str, tuple[float, float] | None]) -> list[dict]:
    """A by-day rota as the scenario's shifts: days with the same hours share one shift."""
    groups: dict[tuple[float, float], list[str]] = {}
    for d in DAYS:
        if rota.get(d) is not None:
            start, end = rota[d]
            if not end > start:
                raise InputError("rota", DAY_NAMES[d], f"the shift must end after it starts (start {start:g}, "
                                                       f"end {end:g})")
            groups.setdefault((float(start), float(end)), []).append(d)
    return [{"days": days, "start": s, "end": e} for (s, e), days in groups.items()]


@dataclass
class PlannerSettings:
    """Everything the planner sets on the page."""

    pool: str = "custody"                       # the pool to size
    workers_from: int = 1
    workers_to: int = 4
    other_workers: int | None = None            # the other pool's workers (None: the scenario's)
    rotas: dict[str, dict] = field(default_factory=dict)   # pool -> by-day rota (only pools the planner changed)
    arrests_percent: float = 100.0              # arrest volume, % of the scenario's
    lead_days: float | None = None              # booking lead time (None: the scenario's)
    targets: list[tuple[str, str, float]] = field(default_factory=list)
    meaning: str = "years"
    years: float = DEFAULT_YEARS
    n: int = 20
    days: int | None = None
    seed: int | None = None

    def overrides(self) -> dict[str, Any]:
        other = "community" if self.pool == "custody" else "custody"
        out: dict[str, Any] = {}
        if self.other_workers is not None:
            out[f"cjit.{other}.workers"] = int(self.other_workers)
        for pool, rota in self.rotas.items():
            out[f"cjit.{pool}.shifts"] = shifts_of(rota)
        if self.lead_days is not None:
            out["sessions.lead_days"] = float(self.lead_days)
        if self.arrests_percent != 100:
            out["arrivals.scale"] = float(self.arrests_percent) / 100
        return out

    def scenario(self, base: Scenario) -> Scenario:
        """The area as the planner set it (validated like a scenario file)."""
        if self.pool not in POOLS:
            raise InputError("pool", None, f"one of {', '.join(POOLS)}")
        return apply_overrides(base, self.overrides(), source="the planner's settings")

    def param(self) -> dict[str, list[int]]:
        if not 0 <= self.workers_from < self.workers_to:
            raise InputError("workers to try", None, f"give a range of at least two levels: 'from' below 'to' "
                                                     f"(got {self.workers_from} to {self.workers_to})")
        return {f"cjit.{self.pool}.workers": list(range(self.workers_from, self.workers_to + 1))}

    def target_list(self) -> list[Target]:
        if not self.targets:
            raise InputError("targets", None, "tick at least one target")
        return [Target.parse(f"{k}{op}{v:g}") for k, op, v in self.targets]

    def command(self, scenario_file: str = "scenario.yaml") -> str:
        """The ``dipsim capacity`` command giving the same answer, run on the resolved scenario file."""
        (key, values), = self.param().items()
        parts = ["dipsim", "capacity", scenario_file, "--param", f"{key}={values[0]}:{values[-1]}"]
        for t in self.target_list():
            parts += ["--target", str(t)]
        parts += ["-n", str(self.n)]
        if self.days:
            parts += ["--days", str(self.days)]
        if self.seed is not None:
            parts += ["--seed", str(self.seed)]
        parts += ["--mean"] if self.meaning == "mean" else ["--years", f"{self.years:g}"]
        return " ".join(shlex.quote(p) for p in parts)


@dataclass
class PlannerRun:
    result: CapacityResult
    scenario: Scenario
    settings: PlannerSettings
    folder: Path                # the run's files (results, scenario.yaml, provenance.json, ...)

    @property
    def text(self) -> str:
        """The answer exactly as ``dipsim capacity`` prints it."""
        return capacity_text(self.result)

    def files(self) -> dict[str, bytes]:
        """The downloads: the results (Parquet and CSV), the resolved scenario, provenance, the answer."""
        res = self.result
        out = {name: (self.folder / name).read_bytes()
               for name in ("results.parquet", "summary.csv", "scenario.yaml", "provenance.json")
               if (self.folder / name).exists()}
        out["results.csv"] = res.sweep.results.to_csv(index=False).encode("utf-8")
        out["levels.csv"] = res.levels.to_csv(index=False).encode("utf-8")
        out["evidence.csv"] = res.evidence.to_csv(index=False).encode("utf-8")
        out["answer.txt"] = (self.text + f"\n\nThe same answer from a terminal:\n{self.settings.command()}\n"
                             ).encode("utf-8")
        if "scenario.yaml" not in out:
            out["scenario.yaml"] = to_yaml(self.scenario).encode("utf-8")
        return out


def run_capacity(base: Scenario, settings: PlannerSettings, backend: str = "processes", workers: int | None = None,
                 progress: bool | None = None, scenario_file: str = "") -> PlannerRun:
    """Run the planner's capacity question; the files go to a new temporary folder."""
    scenario = settings.scenario(base)
    params, targets = settings.param(), settings.target_list()
    settings.command()   # the settings read back as a command (checks them all before any run)
    folder = Path(tempfile.mkdtemp(prefix="dipsim-planner-")) / "results"
    res = capacity(scenario, params, targets, settings.n, meaning=settings.meaning, years=settings.years,
                   seed=settings.seed, days=settings.days, out=str(folder), fmt="parquet",
                   backend=backend, workers=workers,
                   progress=progress, extra_provenance={"scenario_file": scenario_file or scenario.name,
                                                        "app": "dipsim app (planner page)",
                                                        "overrides": settings.overrides()})
    return PlannerRun(res, scenario, settings, folder)
