"""Robust staffing: the staffing that meets the targets across the plausible ranges, not only
at the scenario's own values.

1. **Typical case**: the ordinary capacity answer for the scenario as it is.
2. **Which parameters matter here**: a Morris screen (:mod:`dipsim.experiment.sensitivity`) of the
   uncertain parameters (or those named) on the targets' KPIs, at the typical answer's staffing;
   the ``top`` most influential are kept, each with the end of its range that makes the targets
   harder (from the sign of its mean elementary effect).
3. **Plausible points**: a Latin hypercube (McKay, Beckman and Conover 1979; SALib) of ``points``
   settings of those parameters across their ranges, and the **worst plausible corner**: every one
   of them at its harder end at once. At each, the capacity answer is found again, with the same
   levels, targets, meaning and replications (common random numbers throughout).
4. **Robust answer**: the most staffing any plausible point needs (rostered hours a week); the
   corner is reported beside it, as the bound a cautious planner may choose to staff for.

Each capacity answer keeps its own guarantee (the chance that it does not meet the targets at
that point is at most 1 - confidence); the hypercube is a sample of the ranges, not all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...scenario import Scenario
from ...scenario import ranges as R
from ...scenario.loader import to_dict
from ..overrides import apply_overrides
from .targets import Target

DEFAULT_POINTS = 8
DEFAULT_TOP = 4


@dataclass
class RobustResult:
    typical: Any                       # CapacityResult at the scenario's own values
    parameters: list[str]              # the influential parameters varied
    harder_end: dict                   # parameter -> "low" or "high"
    points: pd.DataFrame               # one row per point: point, kind, each parameter's factor, answer, hours
    corner: Any                        # CapacityResult at the worst plausible corner
    results: list = field(default_factory=list, repr=False)   # CapacityResult per hypercube point
    screen: pd.DataFrame | None = None
    staffing: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)   # parameters whose harder end the screen could not tell

    @property
    def robust_answer(self) -> dict | None:
        """The answer with the most rostered hours over the hypercube points (None if a point has none)."""
        answers = [r.answer for r in self.results]
        if not answers or any(a is None for a in answers):
            return None
        return max(answers, key=lambda a: a["staff_hours_per_week"])

    def explanation(self) -> list[str]:
        return explanation(self)

    def table(self) -> pd.DataFrame:
        return self.points


def _answer_text(answer: dict | None, staffing: Sequence[str]) -> str:
    if answer is None:
        return "no level tried meets every target"
    parts = ", ".join(f"{k} = {answer[k]}" for k in staffing if k in answer)
    return f"{parts} ({answer['staff_hours_per_week']:g} rostered hours a week)"


def _factor_text(key: str, x: float) -> str:
    r = R.RANGES[key]
    if r.is_number and not r.relative:
        return f"{x:g}"
    if r.relative:
        return f"x{x:.2f}"
    return "low end" if x <= 0.02 else ("high end" if x >= 0.98 else f"{x:.0%} of the way from low to high")


def choose_parameters(scenario: Scenario, staffing: Sequence[str], targets: Sequence[Target],
                      parameters: Sequence[str] | None, top: int, *, seed: int, days: int, collector,
                      **backend) -> tuple[list[str], dict, pd.DataFrame]:
    """The ``top`` parameters that move the targets' KPIs most (Morris) and each one's harder end."""
    from ..sensitivity import check_parameters, sensitivity, top_parameters

    raw = to_dict(scenario)
    keys = [k for k in check_parameters(parameters, raw) if k not in staffing] if parameters else \
        [k for k in R.default_keys() if k not in staffing]
    kpis = list(dict.fromkeys(t.kpi for t in targets))
    res = sensitivity(scenario, kpis, keys, method="morris", trajectories=4, replications=2, seed=seed,
                      days=days, collector=collector, **backend)
    m = res.morris
    chosen = top_parameters(m, top) if m is not None and len(m) else keys[:top]
    chosen = chosen or keys[:top]
    harder = {}
    unclear = []
    for p in chosen:
        score, noise = 0.0, 0.0
        for t in targets:
            row = m[(m["kpi"] == t.kpi) & (m["parameter"] == p)] if m is not None else pd.DataFrame()
            if row.empty:
                continue
            spread = float(m[m["kpi"] == t.kpi]["mu_star"].sum()) or 1.0
            score += (1 if t.higher_is_better else -1) * float(row["mu"].iloc[0]) / spread
            noise += float(row["mu_star_conf"].iloc[0]) / spread
        harder[p] = "low" if score > 0 else "high"   # raising it helps the targets: the low end is harder
        if abs(score) < noise:
            unclear.append(p)
    return chosen, harder, m, unclear


def robust_capacity(scenario: Scenario, params: Mapping[str, Sequence[Any]], targets: Sequence[Target | str],
                    n: int = 20, *, parameters: Sequence[str] | None = None, points: int = DEFAULT_POINTS,
                    top: int = DEFAULT_TOP, variants=None, seed: int | None = None, days: int | None = None,
                    collector=None, typical=None, **kw) -> RobustResult:
    """The capacity answer at the scenario's values (``typical``: one already found), at a Latin
    hypercube of ``points`` settings of the ``top`` influential parameters, and at their worst
    plausible corner. ``kw``: confidence, meaning, years and the backend options of :func:`capacity`."""
    from SALib.sample import latin

    from . import capacity
    from ..kpis import collector_for
    from ..sweep import resolve_run

    targets = [t if isinstance(t, Target) else Target.parse(t) for t in targets]
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ParameterError("robust_points", f"must be a whole number >= 2, got {points!r}")
    seed, days = resolve_run(scenario, n, seed, days)
    collector = collector_for([t.kpi for t in targets], collector)
    backend = {k: kw[k] for k in ("backend", "scheduler", "workers", "batch_size") if k in kw}
    common = dict(variants=variants, seed=seed, days=days, collector=collector, screen=False,
                  progress=kw.get("progress"), **{k: kw[k] for k in ("confidence", "meaning", "years") if k in kw},
                  **backend)
    if typical is None:
        typical = capacity(scenario, params, targets, n, **common)
    staffing = list(typical.label_columns)
    at = typical.answer if typical.answer is not None else \
        typical.levels.sort_values("staff_hours_per_week").iloc[-1].to_dict()
    level_sc = typical.sweep.scenarios[int(at["level"])]
    chosen, harder, screen, unclear = choose_parameters(level_sc, staffing, targets, parameters, top, seed=seed, days=days,
                                               collector=collector, progress=False, **backend)
    raw = to_dict(scenario)
    problem = R.problem(chosen)
    X = latin.sample(problem, points, seed=seed)
    corner = np.array([R.bounds(p)[0 if harder[p] == "low" else 1] for p in chosen])
    rows, results = [], []
    for i, x in enumerate(list(X) + [corner]):
        sc = apply_overrides(scenario, {k: R.value_at(k, float(v), raw) for k, v in zip(chosen, x)},
                             source="robust")
        res = capacity(sc, params, targets, n, **common)
        kind = "hypercube" if i < len(X) else "worst corner"
        results.append(res)
        a = res.answer
        rows.append({"point": i if i < len(X) else "corner", "kind": kind,
                     **{p: float(v) for p, v in zip(chosen, x)},
                     "answer": _answer_text(a, staffing) if a is not None else None,
                     **{k: (a[k] if a is not None else None) for k in staffing},
                     "staff_hours_per_week": a["staff_hours_per_week"] if a is not None else float("nan")})
    typical_row = {"point": "typical", "kind": "typical", **{p: float("nan") for p in chosen},
                   "answer": _answer_text(typical.answer, staffing) if typical.answer is not None else None,
                   **{k: (typical.answer[k] if typical.answer is not None else None) for k in staffing},
                   "staff_hours_per_week": typical.answer["staff_hours_per_week"] if typical.answer else float("nan")}
    table = pd.DataFrame([typical_row] + rows)
    for k in staffing:
        vals = [r[k] for r in [typical_row] + rows]
        if all(v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool)) for v in vals):
            table[k] = pd.array(vals, dtype="Int64")
    return RobustResult(typical, chosen, harder, table, results[-1], results[:-1], screen, staffing, targets, unclear)


def explanation(res: RobustResult) -> list[str]:
    s = res.staffing
    pts = res.points
    hyper = pts[pts["kind"] == "hypercube"]
    t_ans = res.typical.answer
    lines = [f"Typical case (the scenario's own values): {_answer_text(t_ans, s)}."]
    lines.append(f"Across the plausible ranges of the {len(res.parameters)} parameters that move the targets most "
                 f"here ({', '.join(res.parameters)}; a Morris screen at the typical staffing), at {len(hyper)} "
                 f"Latin hypercube points:")
    missing = int(hyper["answer"].isna().sum())
    if t_ans is not None:
        more = hyper[hyper["staff_hours_per_week"] > t_ans["staff_hours_per_week"]]
        lines.append(f"- {len(hyper) - len(more) - missing} of {len(hyper)} points need no more than the typical "
                     f"answer; {len(more)} need more" + (f"; at {missing} no level tried meets every target"
                                                         if missing else "") + ".")
    robust = res.robust_answer
    if robust is not None:
        lines.append(f"- Robust answer (enough at every point tried): {_answer_text(robust, s)}.")
    else:
        lines.append(f"- No robust answer within the levels tried: at {missing} of the points no level meets every "
                     "target (try more staff, or look at which parameter values those points have).")
    c = pts[pts["kind"] == "worst corner"].iloc[0]
    ends = ", ".join(f"{p} {res.harder_end[p]} ({_factor_text(p, c[p])})" for p in res.parameters)
    lines.append(f"Worst plausible corner (every one of them at the end that makes the targets harder: {ends}): "
                 f"{_answer_text(res.corner.answer, s)}.")
    if res.unclear:
        lines.append(f"- The screen could not tell which end is harder for {', '.join(res.unclear)} (a small effect, "
                     "or one that changes direction across the range): the corner takes the end its mean effect "
                     "points to.")
    lines.append("Each answer is the ordinary capacity answer at that point (same levels, targets, meaning and "
                 "replications, common random numbers); the hypercube samples the ranges, it does not cover "
                 "every combination; the corner is the cautious bound.")
    return lines
