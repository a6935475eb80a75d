"""The capacity answer in plain English, then its evidence table."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .screen import RULE
from .targets import years_needed


def level_name(row: pd.Series, labels: Sequence[str]) -> str:
    return ", ".join(f"{c} = {row[c]}" for c in labels)


def _pct(x: float) -> str:
    return f"{100 * x:.3g}%"


def _share(x: float) -> str:
    return f"{100 * x:.0f}%"


def meaning_sentence(meaning: str, years: float, confidence: float) -> str:
    """What a target means, in the planner's words (the capacity and the rota answers say it alike)."""
    if meaning == "years":
        return (f"A target here means: at least {_share(years)} of simulated years meet it (each replication is "
                f"one simulated year), shown with {_pct(confidence)} confidence.")
    return (f"A target here means: the mean over simulated years meets it, shown with {_pct(confidence)} confidence "
            f"(it says nothing about how many single years miss).")


def _fmt(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    return f"{x:.3f}" if abs(x) < 100 else f"{x:.1f}"


def _evidence(result, level: int, target) -> pd.Series:
    ev = result.evidence
    return ev[(ev["level"] == level) & (ev["target"] == str(target))].iloc[0]


def _says(result, level: int, target, name: str) -> str:
    """One target at one level, in words."""
    e = _evidence(result, level, target)
    conf = _pct(result.test_confidence)
    if result.meaning == "years":
        return (f"with {name}, {e['years_met']} of {e['years_n']} simulated years met {target}; we are {conf} "
                f"confident at least {_share(e['years_bound'])} of years would (needed: {_share(result.years)})")
    word = "at least" if target.side == "lower" else "at most"
    return (f"with {name}, {target}: mean {_fmt(e['mean'])} over {e['n']} years; we are {conf} confident the "
            f"mean is {word} {_fmt(e['bound'])}")


def _margin(result, level: int, target) -> tuple[float, float]:
    """Room at a level: (years meaning: bound on the share of years minus the share needed), then
    the mean bound's room relative to the target (ties in years are common: n of n)."""
    e = _evidence(result, level, target)
    m = e["bound"] - target.value if target.side == "lower" else target.value - e["bound"]
    rel = float(m / max(abs(target.value), 1e-9)) if np.isfinite(m) else float("inf")
    return (float(e["years_bound"] - result.years) if result.meaning == "years" else rel, rel)


def explanation(result) -> list[str]:
    """The answer and why, as sentences (one per list item)."""
    lv = result.levels
    labels = result.label_columns
    names = [level_name(lv.iloc[i], labels) for i in range(len(lv))]
    out = []
    a = result.answer
    if a is None:
        out.append("No level tried meets every target.")
    else:
        out.append(f"Answer: {names[a['level']]} ({a['staff_hours_per_week']:g} rostered CJIT hours a week, "
                   f"{a['staff_hours_per_week'] / 37.5:.1f} FTE at 37.5 hours) is the smallest level shown to meet "
                   f"every target.")
    out.append(meaning_sentence(result.meaning, result.years, result.confidence))
    if a is not None:
        lvl = a["level"]
        for t in result.targets:
            s = _says(result, lvl, t, names[lvl])
            out.append(s[0].upper() + s[1:] + ".")
        if result.decided_by is not None:
            d = result.decided_by
            failing = [t for t in result.targets if not _evidence(result, d, t)["met"]]
            out.append("What decided it: the next level down does not show " +
                       "; ".join(f"{t} ({_says(result, d, t, names[d])})" for t in failing) + ".")
        else:
            out.append("What decided it: nothing below it was tried; the smallest level tried already meets every "
                       "target, so a smaller one might too (try lower levels).")
        tight = min(result.targets, key=lambda t: _margin(result, lvl, t))
        if len(result.targets) > 1:
            out.append(f"The binding target at the answer (least room) is {tight}.")
        res = result.sweep.results
        ans = res
        for c in labels:
            ans = ans[ans[c].astype(str) == str(a[c])]
        util = [(p, ans[f"utilisation_{p}"].mean(), ans[f"utilisation_{p}_pathway"].mean()
                 if f"utilisation_{p}_pathway" in ans else float("nan"), ans[f"fte_{p}"].mean()
                 if f"fte_{p}" in ans else float("nan"))
                for p in ("custody", "community") if f"utilisation_{p}" in ans]
        util = [u for u in util if np.isfinite(u[1])]
        if util:
            out.append("Utilisation at the answer (mean over years; all work, of which this pathway's work): " +
                       ", ".join(f"{p} {_share(v)} ({_share(m)})" + (f" with {f:.1f} FTE" if np.isfinite(f) else "")
                                 for p, v, m, f in util) + ".")
    k = len(result.chains)
    each = f"each test at {_pct(1 - result.test_confidence)}" + (
        f" ({_pct(1 - result.confidence)} shared over {k} chains of levels)" if k > 1 else "")
    out.append(f"What is controlled: levels were tested from the largest down, stopping at the first that failed, "
               f"{each}. The chance that the answer does not in fact meet every target is at most "
               f"{_pct(1 - result.confidence)}; if the measures improve with staffing, that is the chance the answer "
               f"is too small.")
    n_min = int(result.evidence["years_n"].min()) if len(result.evidence) else 0
    if result.meaning == "years" and n_min < years_needed(result.years, result.test_confidence):
        out.append(f"Too few replications: with {n_min} years a level even {n_min} of {n_min} cannot show "
                   f"{_share(result.years)} of years at {_pct(result.test_confidence)}; that needs at least "
                   f"{years_needed(result.years, result.test_confidence)} (-n).")
    ev = result.evidence
    for t in result.targets:
        e = ev[ev["target"] == str(t)]
        if str(t) in result.flat:
            out.append(f"{t.kpi} does not change across the levels tried (means {_fmt(e['mean'].min())} to "
                       f"{_fmt(e['mean'].max())}, within their 95% CIs): staffing in this range does not drive it.")
        if str(t) in result.unreachable:
            key = "years_bound" if result.meaning == "years" else "bound"
            score = e[key] if t.side == "lower" or result.meaning == "years" else -e[key]
            best = int(e.loc[score[::-1].idxmax(), "level"]) if np.isfinite(score).any() else int(e["level"].iloc[-1])
            out.append(f"{t} is not shown at any level tried; the best is {_says(result, best, t, names[best])}.")
    if result.screen is not None and len(result.screen):
        ref = names[result.screen_level]
        out.append(f"What else moves these measures: a quick one-at-a-time screen of scenario parameters at {ref} "
                   f"({result.screen_n} replication{'s' if result.screen_n != 1 else ''} each, common random numbers; {RULE}; a screen, not a full "
                   f"sensitivity analysis):")
        for kpi, g in result.screen.groupby("kpi", sort=False):
            top = g[np.isfinite(g["effect"])].head(3)
            if not len(top):
                continue
            moves = ", then ".join(f"{r.parameter} ({_fmt(r.mean_low)} at {r.low}, {_fmt(r.mean_high)} at {r.high})"
                                   for r in top.itertuples())
            out.append(f"- {kpi} moves most with {moves}.")
    if result.flags:
        out.append("Warning: the evidence is not monotone in staffing: " + "; ".join(f.text for f in result.flags) +
                   ". The step-down assumes more staff is no worse; check the levels or add replications.")
    return out


def level_table(result) -> pd.DataFrame:
    """The evidence, one row per level, as text cells: the level, rostered hours a week, each
    target (years meaning: years met and the bound on their share; mean meaning: mean [95% CI]
    and bound; then ok/no), all met, and the level's step-down status."""
    labels = result.label_columns
    rows = []
    for _, row in result.levels.iterrows():
        cells = {c: str(row[c]) for c in labels}
        cells["hours/wk"] = f"{row['staff_hours_per_week']:g}"
        for t in result.targets:
            e = _evidence(result, row["level"], t)
            mark = "ok" if e["met"] else "no"
            if result.meaning == "years":
                cells[f"{t} (years met, bound)"] = f"{e['years_met']}/{e['years_n']} >={_share(e['years_bound'])} {mark}"
            else:
                cells[f"{t} (mean [95% CI] bound)"] = (f"{_fmt(e['mean'])} [{_fmt(e['lower'])}, {_fmt(e['upper'])}] "
                                                       f"{_fmt(e['bound'])} {mark}")
        cells["all met"] = "yes" if row["meets_all"] else "no"
        cells["step-down"] = row["step_down"]
        rows.append(cells)
    return pd.DataFrame(rows)
