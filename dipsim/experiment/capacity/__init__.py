"""The capacity answer: the smallest staffing shown to meet every target, and why.

A target is ``KPI OP VALUE`` (``share_ia_before_release>=0.95``, ``utilisation_custody<=0.85``,
``share_first_session_within_10d>=0.9``). It has one of two meanings (:mod:`.targets`):

* ``meaning="years"`` (the default): *at least* ``years`` *(default 0.8) of simulated years
  meet the target*, shown by a one-sided Clopper-Pearson lower bound on the share of
  replications (each a simulated year) that meet it;
* ``meaning="mean"``: *the mean over years meets the target*, shown by the one-sided
  Student-t bound of the mean over replications.

Levels are the cells of a sweep (staffing parameters, optionally crossed with named
variants such as rota alternatives), all under common random numbers. "Smallest" means
the fewest rostered CJIT hours a week (custody + community workers x their rota's weekly
hours; see :func:`~dipsim.experiment.kpis.staff_hours_per_week`), then the sum of the swept
values, then grid order. Levels are tested from the largest down in chains, stopping at the
first failure, so that the chance of an answer that does not meet the targets is at most
1 - confidence (:mod:`.decide`). The answer explains itself: the target that decided it,
utilisation at the answer, targets staffing does not move (with a quick screen of the
scenario parameters that do, :mod:`.screen`), and any non-monotone evidence (:mod:`.report`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...scenario import Scenario
from ..kpis import KpiCollector, collector_for, known_kpis, staff_hours_per_week
from ..overrides import grid
from ..sweep import SweepResult, sweep
from .decide import Flag, chain_dimension, chains, evaluate, level_frames, monotone_flags, step_down
from .report import explanation, level_name, level_table
from .rota import Pattern, RotaResult, patterns, rota_search
from .screen import screen as run_screen
from .targets import DEFAULT_YEARS, Target, check_meaning, check_targets, years_lower_bound, years_needed


@dataclass
class CapacityResult:
    answer: dict | None          # the chosen level's columns (+ staff_hours_per_week), None if no level passes
    levels: pd.DataFrame         # one row per level: its columns, staff_hours_per_week, per target mean/bound/met,
                                 # meets_all, chain, step_down ("answer", "passed", "failed", "not tested")
    evidence: pd.DataFrame       # one row per (level, target): n, mean, 95% CI, bound, years met, years bound, met
    targets: list[Target]
    sweep: SweepResult
    confidence: float = 0.95
    label_columns: list[str] = field(default_factory=list)
    meaning: str = "years"
    years: float = DEFAULT_YEARS
    test_confidence: float = 0.95     # each test's confidence: 1 - (1 - confidence) / number of chains
    chains: list[list[int]] = field(default_factory=list)
    decided_by: int | None = None     # the level whose failure stopped the answer's chain
    flags: list[Flag] = field(default_factory=list)
    flat: list[str] = field(default_factory=list)          # targets whose KPI does not change across the levels
    unreachable: list[str] = field(default_factory=list)   # targets not shown at any level
    screen: pd.DataFrame | None = None
    screen_level: int | None = None
    screen_n: int = 0
    largest: int = 0                  # the level with the most rostered hours

    def explanation(self) -> list[str]:
        """The answer and why, as plain-English sentences (a line starting "- " belongs to the one before)."""
        return explanation(self)

    def table(self) -> pd.DataFrame:
        """The evidence, one row per level, as text cells (:func:`.report.level_table`)."""
        return level_table(self)


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def capacity(scenario: Scenario, params: Mapping[str, Sequence[Any]], targets: Sequence[Target | str],
             n: int = 20, *, variants: Mapping[str, Mapping[str, Any]] | None = None, confidence: float = 0.95,
             meaning: str = "years", years: float = DEFAULT_YEARS, collector: KpiCollector | None = None,
             screen: bool = True, screen_n: int = 3, **sweep_kw) -> CapacityResult:
    """Sweep the staffing levels and pick the smallest shown to meet every target (module doc).

    ``meaning``: ``"years"`` (at least ``years`` of simulated years meet each target) or
    ``"mean"`` (the mean over years does). ``screen``: run the quick parameter screen when a
    target does not move with staffing or is met nowhere (``screen_n`` replications a variant).
    ``sweep_kw``: seed, days, out, resume, fmt, backend, scheduler, workers, batch_size, progress.
    """
    targets = [t if isinstance(t, Target) else Target.parse(t) for t in targets]
    if not targets:
        raise ParameterError("targets", "give at least one target, e.g. share_ia_before_release>=0.95")
    if not params and not variants:
        raise ParameterError("params", "give the staffing levels to try, e.g. cjit.custody.workers=1:6")
    if not 0.5 <= confidence < 1:
        raise ParameterError("confidence", f"must be in [0.5, 1), got {confidence}")
    check_meaning(meaning, years)
    collector = collector_for([t.kpi for t in targets], collector)
    check_targets(targets, known_kpis(scenario, collector))
    if len(grid(params)) * max(1, len(variants or {})) < 2:
        raise ParameterError("params", "a single level: give at least two levels to choose from, "
                             "e.g. cjit.custody.workers=1:6", next(iter(params or {}), None))
    rule = (f"a target is met when at least {years:g} of simulated years (replications) meet it, shown by a "
            f"one-sided Clopper-Pearson bound" if meaning == "years" else
            "a target is met when the one-sided confidence bound of the mean over replications is on its right side")
    prov = {"targets": [str(t) for t in targets], "confidence": confidence, "meaning": meaning,
            **({"years": years} if meaning == "years" else {}),
            "rule": rule + "; levels are tested from the largest down in chains (Bonferroni over chains), stopping "
                           "at the first failure; the answer is the passing level with the fewest rostered CJIT hours "
                           "a week"}
    extra = {**(sweep_kw.pop("extra_provenance", None) or {}), "capacity": prov}
    res = sweep(scenario, params, n, variants=variants, collector=collector, extra_provenance=extra, **sweep_kw)
    result = from_sweep(res, list(params or {}), targets, confidence, meaning, years)
    lv = result.levels
    if screen and (result.flat or result.unreachable or result.answer is None):
        why = [t for t in targets if str(t) in result.flat + result.unreachable] or targets
        ref = result.answer["level"] if result.answer is not None else int(lv["level"].iloc[result.largest])
        seed, days = res.provenance["seed"], res.provenance["days"]
        backend = {k: sweep_kw[k] for k in ("backend", "scheduler", "workers", "batch_size") if k in sweep_kw}
        result.screen = run_screen(res.scenarios[ref], list(dict.fromkeys(t.kpi for t in why)), n=screen_n,
                                   seed=seed, days=days, collector=collector, skip=list(params or {}), **backend)
        result.screen_level, result.screen_n = ref, screen_n
    return result


def from_sweep(res: SweepResult, params: Sequence[str], targets: Sequence[Target], confidence: float = 0.95,
               meaning: str = "years", years: float = DEFAULT_YEARS) -> CapacityResult:
    """The decision on a finished sweep (its ``results`` table is all that is read, besides the
    cell scenarios for rostered hours: without them every level counts 0 hours): chains,
    step-down, the answer, flags, flat and unreachable targets. No screen."""
    labels = res.label_columns
    hours = [staff_hours_per_week(s) for s in res.scenarios] if res.scenarios else [0.0] * len(res.cells)
    lv = res.cells[labels].copy() if labels else pd.DataFrame(index=[0])
    lv.insert(0, "level", range(len(lv)))
    lv["staff_hours_per_week"] = hours
    swept_sum = []
    for _, row in lv.iterrows():
        total = 0.0
        for k in params:
            v = row[k]
            total += float(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else math.inf
        swept_sum.append(total)
    lv["_order"] = list(zip(hours, swept_sum, range(len(lv))))
    dim = chain_dimension(lv, list(params))
    groups = chains(lv, labels, dim)
    test_conf = 1 - (1 - confidence) / len(groups)
    ev = evaluate(res.results, labels, targets, test_conf, meaning, years)
    for t in targets:
        e = ev[ev["target"] == str(t)].set_index("level")
        for col, name in (("mean", "mean"), ("bound", "bound"), ("years_met", "years met"),
                          ("years_bound", "years bound"), ("met", "met")):
            lv[f"{t.kpi} {name}"] = e[col].reindex(lv["level"]).to_numpy()
    passes = ev.groupby("level")["met"].all().reindex(lv["level"]).to_numpy(bool)
    lv["meets_all"] = passes
    names = [level_name(lv.iloc[i], labels) for i in range(len(lv))]
    frames = level_frames(res.results, labels)
    status = ["not tested"] * len(lv)
    chain_of = [0] * len(lv)
    picks, flags = [], []
    for ci, chain in enumerate(groups):
        for i in chain:
            chain_of[i] = ci
        a, stop = step_down([bool(passes[i]) for i in chain])
        for pos, i in enumerate(chain):
            if stop is None or pos > stop:
                status[i] = "passed"
        if stop is not None:
            status[chain[stop]] = "failed"
        if a is not None:
            status[chain[a]] = "answer"
            picks.append((lv.iloc[chain[a]]["_order"], chain[a], None if stop is None else chain[stop]))
        flags += monotone_flags(chain, passes, frames, targets, names)
    lv["chain"] = chain_of
    lv["step_down"] = status
    answer, decided_by = None, None
    if picks:
        _, best, decided_by = min(picks, key=lambda p: p[0])
        for p in picks:   # only the chosen chain's level is the answer; other chains' picks are "passed"
            if p[1] != best:
                lv.loc[p[1], "step_down"] = "passed"
        row = lv.iloc[best]
        answer = {c: _plain(row[c]) for c in ["level", *labels, "staff_hours_per_week"]}
    flat, unreachable = _flat_and_unreachable(ev, targets)
    result = CapacityResult(answer, lv.drop(columns="_order"), ev, targets, res, confidence, labels, meaning, years,
                            test_conf, groups, decided_by, flags, flat, unreachable)
    ev.insert(list(ev.columns).index("level") + 1, "staff_hours_per_week", [hours[i] for i in ev["level"]])
    result.largest = max(range(len(lv)), key=lambda i: lv.iloc[i]["_order"])
    return result


def _flat_and_unreachable(ev: pd.DataFrame, targets: Sequence[Target]) -> tuple[list[str], list[str]]:
    """Targets whose KPI's 95% CIs all overlap across the levels (at least two levels with an
    interval), and targets not shown at any level."""
    flat, unreachable = [], []
    for t in targets:
        e = ev[ev["target"] == str(t)]
        ok = e[np.isfinite(e["lower"]) & np.isfinite(e["upper"])]
        if len(ok) >= 2 and ok["lower"].max() <= ok["upper"].min():
            flat.append(str(t))
        if not e["met"].any():
            unreachable.append(str(t))
    return flat, unreachable


__all__ = ["CapacityResult", "Pattern", "RotaResult", "Target", "capacity", "evaluate", "level_table", "patterns",
           "rota_search", "step_down",
           "years_lower_bound", "years_needed", "DEFAULT_YEARS"]
