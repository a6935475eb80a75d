"""Rotas, not just head counts: the custody shift pattern meeting every target with the fewest
rostered hours a week.

A *pattern* is a number of custody workers, one weekday shift (Monday to Friday) and one
weekend shift (Saturday and Sunday, or no weekend cover). The scenario gives a pool one
number of workers for all its shifts, so a pattern has the same workers on every shift. A
shift that runs past midnight ends the next morning (22:00-06:00 on Friday covers Saturday
00:00-06:00). Rostered hours a week = workers x the hours the rota covers.

Every pattern in the search (the product of the workers, starts and lengths given) is run
with the same replications under common random numbers, and evaluated with the same target
meanings as :func:`~dipsim.experiment.capacity.capacity` (``years`` or ``mean``). Patterns are
ordered by rostered custody hours a week (ties: fewer workers, then the order given); the
first that meets every target is the answer, the next is the runner-up.

**What is controlled.** With M patterns, each is tested at (1 - confidence) / M
(Bonferroni). The chance that *any* pattern reported as meeting the targets (the answer and
the runner-up included) does not in fact meet them is then at most 1 - confidence, whatever
the patterns' true performance: no ordering among patterns is assumed. The price is that
each test is strict: under the years meaning, n replications must be at least
:func:`~dipsim.experiment.capacity.targets.years_needed` at the corrected level.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...model.calendar import Rota
from ...scenario import Scenario
from ...time import DAY_NAMES, HOURS_PER_DAY
from ..kpis import KpiCollector
from .report import _margin, _pct, _says, _share, meaning_sentence
from .targets import DEFAULT_YEARS, Target, years_needed

WEEKDAYS = DAY_NAMES[:5]
WEEKEND = DAY_NAMES[5:]
MAX_PATTERNS = 200


def _clock(h: float) -> str:
    if h != HOURS_PER_DAY:
        h = h % HOURS_PER_DAY
    return f"{int(h):02d}:{int(round((h - int(h)) * 60)):02d}"


@dataclass(frozen=True)
class Pattern:
    """Custody workers on a weekday shift and a weekend shift, each (start hour, length in hours);
    ``weekend`` None: no weekend cover."""
    workers: int
    weekday: tuple[float, float]
    weekend: tuple[float, float] | None

    def shifts(self) -> list[dict[str, Any]]:
        """The rota as a scenario's ``cjit.custody.shifts`` (a shift past midnight split in two)."""
        out = []
        for days, shift in ((WEEKDAYS, self.weekday), (WEEKEND, self.weekend)):
            if shift is None:
                continue
            start, length = shift
            end = start + length
            out.append({"days": list(days), "start": float(start), "end": float(min(end, HOURS_PER_DAY))})
            if end > HOURS_PER_DAY:
                nxt = [DAY_NAMES[(DAY_NAMES.index(d) + 1) % 7] for d in days]
                out.append({"days": nxt, "start": 0.0, "end": float(end - HOURS_PER_DAY)})
        return out

    @property
    def cover_hours(self) -> float:
        """Hours a week the custody suite is covered (overlaps counted once)."""
        return Rota([(tuple(DAY_NAMES.index(d) for d in s["days"]), s["start"], s["end"])
                     for s in self.shifts()]).weekly_hours

    @property
    def hours_per_week(self) -> float:
        """Rostered hours a week: workers x cover hours."""
        return self.workers * self.cover_hours

    def describe(self) -> str:
        """E.g. "2 workers 08:00-18:00 Mon-Fri and 10:00-16:00 Sat-Sun", "1 worker 12:00-20:00 every day"."""
        def span(shift):
            return f"{_clock(shift[0])}-{_clock(shift[0] + shift[1])}"
        w = f"{self.workers} worker{'s' if self.workers != 1 else ''}"
        if self.weekend == self.weekday:
            return f"{w} {span(self.weekday)} every day"
        weekend = f"{span(self.weekend)} Sat-Sun" if self.weekend else "no weekend cover"
        return f"{w} {span(self.weekday)} Mon-Fri and {weekend}"

    def __str__(self) -> str:
        return f"{self.describe()}: {self.hours_per_week:g} rostered hours a week"


def _values(name: str, values: Sequence[float] | None, low: float, high: float, what: str,
            allow_zero: bool = False) -> list[float]:
    if values is None:
        return []
    vals = list(values)
    if not vals:
        raise ParameterError(name, f"give at least one {what}")
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
            raise ParameterError(name, f"expected numbers, got {v!r}")
        if not (low <= v < high or (allow_zero and v == 0)):
            raise ParameterError(name, f"each {what} must be from {low:g} to below {high:g}"
                                       f"{' (or 0: no weekend cover)' if allow_zero else ''}, got {v:g}")
    return list(dict.fromkeys(float(v) for v in vals))


def patterns(custody_workers: Sequence[int], starts: Sequence[float], lengths: Sequence[float],
             weekend_starts: Sequence[float] | None = None,
             weekend_lengths: Sequence[float] | None = None) -> list[Pattern]:
    """Every pattern of the search, ordered by rostered hours a week, then fewer workers, then
    the order given. The weekend shift is the weekday one unless ``weekend_starts`` or
    ``weekend_lengths`` is given (each defaults to the weekday values); a weekend length of 0
    means no weekend cover."""
    ws = list(custody_workers)
    if not ws:
        raise ParameterError("custody_workers", "give at least one number of custody workers, e.g. 1:4")
    for w in ws:
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or not 1 <= w <= 1000:
            raise ParameterError("custody_workers", f"expected whole numbers of workers from 1 to 1000, got {w!r}")
    s = _values("starts", starts, 0, 24, "shift start hour")
    ln = _values("lengths", lengths, 0.5, 24.000001, "shift length in hours")
    if any(x > 24 for x in ln):
        raise ParameterError("lengths", "a shift is at most 24 hours")
    if weekend_starts is None and weekend_lengths is None:
        weekday = list(itertools.product(s, ln))
        pairs = [(d, d) for d in weekday]
    else:
        we_s = _values("weekend_starts", weekend_starts, 0, 24, "weekend shift start hour") or s
        we_l = _values("weekend_lengths", weekend_lengths, 0.5, 24.000001, "weekend shift length in hours",
                       allow_zero=True) or ln
        weekend = [None if b == 0 else (a, b) for a, b in itertools.product(we_s, we_l)]
        pairs = list(itertools.product(itertools.product(s, ln), list(dict.fromkeys(weekend))))
    out = [Pattern(int(w), d, e) for w in ws for d, e in pairs]
    order = {p: i for i, p in enumerate(out)}
    return sorted(dict.fromkeys(out), key=lambda p: (p.hours_per_week, p.workers, order[p]))


@dataclass
class RotaResult:
    answer: Pattern | None          # the pattern with the fewest rostered hours meeting every target
    runner_up: Pattern | None       # the next one that does
    patterns: pd.DataFrame          # one row per pattern in order: pattern, workers, shifts, hours, per target, meets_all
    capacity: Any                   # the CapacityResult underneath (evidence, sweep, test confidence)
    targets: list[Target] = field(default_factory=list)
    meaning: str = "years"
    years: float = DEFAULT_YEARS
    confidence: float = 0.95

    @property
    def test_confidence(self) -> float:
        return self.capacity.test_confidence

    def explanation(self) -> list[str]:
        """The answer and why, as plain-English sentences."""
        return rota_explanation(self)

    def table(self) -> pd.DataFrame:
        """One row per pattern, fewest rostered hours first: the pattern, its hours, each target's
        evidence in words and whether all are met."""
        t = self.patterns
        out = pd.DataFrame({"pattern": t["pattern"], "hours/wk": [f"{h:g}" for h in t["hours_per_week"]]})
        for tg in self.targets:
            out[str(tg)] = [f"{v} {'ok' if ok else 'no'}" for v, ok in zip(t[str(tg)], t[f"{tg} met"])]
        out["all met"] = ["yes" if ok else "no" for ok in t["meets_all"]]
        return out


def rota_search(scenario: Scenario, targets: Sequence[Target | str], n: int = 20, *,
                custody_workers: Sequence[int] | None = None, starts: Sequence[float],
                lengths: Sequence[float], weekend_starts: Sequence[float] | None = None,
                weekend_lengths: Sequence[float] | None = None, confidence: float = 0.95,
                meaning: str = "years", years: float = DEFAULT_YEARS, collector: KpiCollector | None = None,
                max_patterns: int = MAX_PATTERNS, **sweep_kw) -> RotaResult:
    """Search custody shift patterns (module doc). ``custody_workers`` defaults to the scenario's
    count; ``max_patterns`` refuses a search larger than that (each pattern is n runs).
    ``sweep_kw``: seed, days, out, resume, fmt, backend, scheduler, workers, batch_size, progress."""
    from . import capacity   # the package's entry point (this module is imported by it)

    if custody_workers is None:
        w = scenario.cjit.custody.workers
        custody_workers = [w if isinstance(w, int) and w >= 1 else 1]
    pats = patterns(custody_workers, starts, lengths, weekend_starts, weekend_lengths)
    if len(pats) < 2:
        raise ParameterError("starts", "a single pattern: give at least two patterns to choose from "
                                       "(more workers, starts or lengths)")
    if len(pats) > max_patterns:
        raise ParameterError("max_patterns", f"{len(pats)} patterns to run, {n} replications each; narrow the "
                                             f"ranges (e.g. starts 6:12:2) or allow more (at most {max_patterns} now)")
    variants = {p.describe(): {"cjit.custody.workers": p.workers, "cjit.custody.shifts": p.shifts()} for p in pats}
    cap = capacity(scenario, {}, targets, n, variants=variants, confidence=confidence, meaning=meaning, years=years,
                   collector=collector, screen=False, **sweep_kw)
    lv = cap.levels
    rows = []
    for p in pats:
        i = int(lv.index[lv["variant"] == p.describe()][0])
        row = {"pattern": p.describe(), "workers": p.workers, "weekday": p.weekday, "weekend": p.weekend,
               "hours_per_week": p.hours_per_week, "level": int(lv.loc[i, "level"])}
        for t in cap.targets:
            e = cap.evidence[(cap.evidence["level"] == row["level"]) & (cap.evidence["target"] == str(t))].iloc[0]
            if meaning == "years":
                row[str(t)] = f"{e['years_met']}/{e['years_n']} years, >={_share(e['years_bound'])}"
            else:
                row[str(t)] = f"mean {e['mean']:.3g}, bound {e['bound']:.3g}"
            row[f"{t} met"] = bool(e["met"])
        row["meets_all"] = bool(lv.loc[i, "meets_all"])
        rows.append(row)
    table = pd.DataFrame(rows)
    passing = [p for p, ok in zip(pats, table["meets_all"]) if ok]
    return RotaResult(passing[0] if passing else None, passing[1] if len(passing) > 1 else None, table, cap,
                      list(cap.targets), meaning, years, confidence)


def _utilisation(result: RotaResult, p: Pattern) -> str:
    res = result.capacity.sweep.results
    at = res[res["variant"] == p.describe()]
    util = {c[len("utilisation_"):].replace("_pathway", " (this pathway alone)") if c.endswith("_pathway") else
            f"{c[len('utilisation_'):]} (all work)": at[c].mean() for c in res.columns if c.startswith("utilisation_")}
    return ", ".join(f"{k} {_share(v)}" for k, v in util.items() if np.isfinite(v))


def rota_explanation(result: RotaResult) -> list[str]:
    cap, tab = result.capacity, result.patterns
    m = len(tab)
    out = []
    if result.answer is None:
        out.append(f"No pattern of the {m} tried meets every target.")
    else:
        a = result.answer
        out.append(f"Answer: {a.describe()} ({a.hours_per_week:g} rostered hours a week) is the pattern with the "
                   f"fewest rostered hours, of the {m} tried, that meets every target.")
    out.append(meaning_sentence(result.meaning, result.years, result.confidence))
    a = result.answer
    if a is not None:
        lvl = int(tab.loc[tab["pattern"] == a.describe(), "level"].iloc[0])
        for t in result.targets:
            s = _says(cap, lvl, t, a.describe())
            out.append(s[0].upper() + s[1:] + ".")
        tight = min(result.targets, key=lambda t: _margin(cap, lvl, t))
        out.append(f"The binding target at the answer (least room) is {tight}.")
        before = tab.iloc[:int(np.flatnonzero(tab["pattern"] == a.describe())[0])]
        if len(before):
            misses = {str(t): int((~before[f"{t} met"]).sum()) for t in result.targets}
            worst = max(misses, key=misses.get)
            k = len(before)
            out.append(f"What decided it: {'the 1 pattern' if k == 1 else f'all {k} patterns'} before it (fewer "
                       f"rostered hours, or as many and earlier in the order) {'misses' if k == 1 else 'miss'} a "
                       f"target; {worst} is missed by {misses[worst]} of {'it' if k == 1 else 'them'}.")
        else:
            out.append("What decided it: it is the smallest pattern tried, so a smaller one might do too "
                       "(try fewer workers or shorter shifts).")
        util = _utilisation(result, a)
        if util:
            out.append(f"Utilisation at the answer (mean over years, of the hours rostered): {util}.")
        if result.runner_up is not None:
            out.append(f"Runner-up: {result.runner_up} (utilisation {_utilisation(result, result.runner_up)}).")
        else:
            out.append("Runner-up: no other pattern tried meets every target.")
    else:
        best = {str(t): int(tab[f"{t} met"].sum()) for t in result.targets}
        out.append("Patterns meeting each target: " + "; ".join(f"{k}: {v} of {m}" for k, v in best.items()) + ".")
    out.append(f"What is controlled: each of the {m} patterns was tested at {_pct(1 - cap.test_confidence)} "
               f"({_pct(1 - result.confidence)} shared over {m} patterns, Bonferroni), so the chance that any "
               f"pattern reported as meeting the targets (answer or runner-up) does not in fact meet them is at most "
               f"{_pct(1 - result.confidence)}, with no assumption about how the patterns compare.")
    n_min = int(cap.evidence["years_n"].min()) if len(cap.evidence) else 0
    need = years_needed(result.years, cap.test_confidence)
    if result.meaning == "years" and n_min < need:
        out.append(f"Too few replications: with {n_min} years even {n_min} of {n_min} cannot show "
                   f"{_share(result.years)} of years at {_pct(cap.test_confidence)}; that needs at least {need} (-n), "
                   f"or fewer patterns.")
    out.append("Each pattern has the same number of workers on every shift (a scenario's custody pool has one "
               "worker count).")
    return out
