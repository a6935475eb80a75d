"""Plots for the notebooks and for reports: one place, reused, never copied.

Every function draws with matplotlib onto ``ax`` (or ``axes``) when given, else onto a
new figure, and returns the figure. Titles carry the scenario name; axes carry units.

Per-run plots take a :class:`dipsim.results.RunResult`:

* :func:`funnel` - people through every box of the Annex A process map;
* :func:`waits` - custody waits (hours) and community waits (days);
* :func:`utilisation` - CJIT worker hours by pool and activity;
* :func:`weekly_load` - CJIT worker hours a week over the run;
* :func:`assessments_by_hour` - initial Required Assessments by hour of request: held, failed,
  or missed for want of a worker, against the custody cover hours.

Plots over replications take a *tidy summary* - one row per group and KPI with
``kpi, mean, lower, upper`` (the shape of :func:`dipsim.experiment.stats.summarise`)
- or a raw replication table (one row per replication, a column per KPI), which
they summarise with t-intervals first:

* :func:`sweep_curve` - a KPI against a swept parameter, with its 95% CI band;
* :func:`kpi_bars` - a KPI per variant (policy, area...) with 95% CIs;
* :func:`paired_differences` - differences from a baseline with paired 95% CIs;
* :func:`calibration` - simulated mean and 95% CI against a published figure.

Plots of an experiment's own result (:mod:`dipsim.experiment`):

* :func:`capacity` - each target's mean, CI and one-sided bound against staffing, with the answer;
* :func:`precision` - relative CI half-width against replications (Hoad et al. 2010);
* :func:`warmup` - the daily series and its MSER-5 truncation point; :func:`mser` - the statistic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .time import HOURS_PER_DAY

__all__ = ["FUNNEL_BOXES", "KPI_LABELS", "calibration", "capacity", "funnel", "funnel_counts", "kpi_bars",
           "kpi_label", "assessments_by_hour", "mser", "paired_differences", "precision", "sweep_curve",
           "utilisation", "waits", "warmup", "weekly_load"]


# --------------------------------------------------------------------------- labels

KPI_LABELS: dict[str, tuple[str, str]] = {
    "arrests": ("arrests", "people"),
    "tests": ("drug tests on arrest", "tests"),
    "tests_positive": ("positive tests", "tests"),
    "share_tests_positive": ("share of tests positive", "%"),
    "required_assessments": ("initial required assessments", "people"),
    "share_required_assessed": ("share of those required who are assessed", "%"),
    "share_ia_before_release": ("share seen at the initial assessment before release", "%"),
    "voluntary_assessments": ("voluntary assessments", "people"),
    "custody_assessments_missed_no_worker": ("custody assessments missed: no worker", "people"),
    "ia_missed_no_worker": ("initial assessments missed: no worker", "people"),
    "referred_to_cps": ("referred to the CPS", "people"),
    "cps_authorised": ("authorised by the CPS", "people"),
    "cautions": ("DIP Conditional Cautions", "people"),
    "declined": ("declined the caution", "people"),
    "complied": ("completions (complied, case closed)", "people"),
    "non_compliance": ("non-compliance reported", "people"),
    "completion_rate": ("completion rate", "%"),
    "prosecutions_considered": ("prosecutions considered", "people"),
    "onward_referrals": ("onward referrals", "people"),
    "dirs_completed": ("DIRs completed", "people"),
    "rearrangements": ("re-arranged appointments", "appointments"),
    "mean_wait_arrest_to_ia_h": ("mean wait, arrest to initial assessment", "hours"),
    "mean_wait_ia_queue_h": ("mean wait for a custody worker", "hours"),
    "mean_wait_caution_to_first_session_d": ("mean wait, caution to first session", "days"),
    "p90_wait_caution_to_first_session_d": ("90th percentile wait, caution to first session", "days"),
    "mean_caution_to_report_d": ("mean time, caution to CJIT report", "days"),
    "utilisation_custody": ("custody CJIT utilisation", "%"),
    "utilisation_community": ("community CJIT utilisation", "%"),
    "busy_custody_all_h": ("custody CJIT hours", "worker hours"),
    "busy_community_all_h": ("community CJIT hours", "worker hours"),
    "busy_callout_all_h": ("on-call CJIT hours", "worker hours"),
    "cjit_hours": ("CJIT hours (custody + community + on call)", "worker hours"),
}
"""A readable label and unit for each KPI the notebooks plot; '%' marks a share in [0, 1]."""

PARAM_LABELS: dict[str, tuple[str, str]] = {
    "cjit.community.workers": ("community CJIT workers", "workers"),
    "cjit.custody.workers": ("custody CJIT workers", "workers"),
    "arrivals.scale": ("arrest volume", "x the scenario's arrests a day"),
    "custody_cover_hours": ("CJIT custody cover", "hours a day"),
    "cjit.out_of_hours.callout_workers": ("on-call CJIT workers", "workers"),
    "decisions.max_previous_convictions": ("largest 'limited' record (§4.1)", "previous convictions"),
}


def kpi_label(kpi: str) -> tuple[str, str]:
    """(label, unit) of a KPI; units are inferred from the name's suffix when not listed."""
    if kpi in KPI_LABELS:
        return KPI_LABELS[kpi]
    text = kpi.replace("_", " ")
    if kpi.endswith("_h"):
        return text[:-2], "hours"
    if kpi.endswith("_d"):
        return text[:-2], "days"
    if kpi.startswith(("share_", "utilisation_")) or kpi.endswith("_rate"):
        return text, "%"
    return text, "people"


def _param_label(param: str) -> str:
    label, unit = PARAM_LABELS.get(param, (param, ""))
    return f"{label} ({unit})" if unit else label


def _axis_label(kpi: str, prefix: str = "") -> str:
    label, unit = kpi_label(kpi)
    return f"{prefix}{label} ({unit})"


def _scale(kpi: str) -> float:
    """Shares are drawn as percentages."""
    return 100.0 if kpi_label(kpi)[1] == "%" else 1.0


def _new_axes(ax, nrows: int = 1, ncols: int = 1, figsize=None):
    import matplotlib.pyplot as plt

    if ax is not None:
        axes = np.atleast_1d(ax)
        return axes.flat[0].figure, axes
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, constrained_layout=True)
    return fig, axes


def _scenario_of(result) -> str:
    return str(result.provenance.get("scenario_name", "scenario"))


def _days_of(result) -> int:
    return int(result.provenance.get("days", 0))


# --------------------------------------------------------------------------- the Annex A funnel

FUNNEL_BOXES: tuple[tuple[str, str, str, str], ...] = (
    # (name, Annex A box, citation, kind: flow | exit | outcome_ok | outcome_bad)
    ("arrests", "Arrested", "", "flow"),
    ("admits", "Adult admits offence, evidence to charge", "§2.1", "flow"),
    ("tests", "Drug test on arrest", "§2.2", "flow"),
    ("tests_positive", "Test positive after arrest", "§2.2", "flow"),
    ("required_assessments", "Police arrange initial Required Assessment", "§2.2", "flow"),
    ("ia_attended", "Attends and remains at the initial assessment", "Annex A", "flow"),
    ("ra_non_compliance_reported", "CJIT informs police of non-compliance (RA)", "Annex A", "outcome_bad"),
    ("voluntary_assessments", "Known misuser: voluntary assessment", "§4.6.6 Step 1", "flow"),
    ("terminal_exit_no_drug_indication", "EXIT: no DIP Conditional Caution", "Annex A", "exit"),
    ("referred_to_cps", "Police consult with the CPS", "§4.6.6 Step 2", "flow"),
    ("cps_authorised", "CPS authorises the DIP CC", "§4.5", "flow"),
    ("terminal_alternative_disposal", "Police consider alternative disposal", "Annex A", "exit"),
    ("cautions", "Offender accepts the DIP CC", "§4.6.6 Step 3", "flow"),
    ("declined", "Declines: may be prosecuted", "§4.6.6 Step 3", "outcome_bad"),
    ("complied", "Complies: CJIT informs police/CPS", "§4.6.6 Steps 5-6", "outcome_ok"),
    ("non_compliance", "Non-compliance reported to police/CPS", "§6", "outcome_bad"),
)
"""The boxes of the Annex A process map, in its order, and the KPI each is counted by."""

_FUNNEL_COLOURS = {"flow": "#3b6ea5", "exit": "#9a9a9a", "outcome_ok": "#3a8f4b", "outcome_bad": "#b8473d"}


def funnel_counts(result) -> pd.DataFrame:
    """People at each Annex A box: columns ``box, label, cite, kind, count``.

    Every count is a KPI of the run except ``admits`` (arrests less those not eligible
    under §2.1). Testing and the Required Assessment (§2.2) reach every adult arrested
    for a trigger offence, not only those who admit, so the boxes are not nested.
    """
    k = result.kpis
    rows = []
    for name, label, cite, kind in FUNNEL_BOXES:
        count = k["arrests"] - k["terminal_not_eligible"] if name == "admits" else k[name]
        rows.append({"box": name, "label": label, "cite": cite, "kind": kind, "count": int(count)})
    if k.get("terminal_in_progress", 0):
        rows.append({"box": "terminal_in_progress", "label": "Still in progress at the end", "cite": "",
                     "kind": "exit", "count": int(k["terminal_in_progress"])})
    return pd.DataFrame(rows, columns=["box", "label", "cite", "kind", "count"])


def funnel(result, ax=None):
    """Horizontal bars: people at each box of the Annex A process map, in map order."""
    counts = funnel_counts(result)
    fig, axes = _new_axes(ax, figsize=(9, 6.5))
    a = axes.flat[0]
    y = np.arange(len(counts))
    labels = [f"{r.label} ({r.cite})" if r.cite else r.label for r in counts.itertuples()]
    a.barh(y, counts["count"], color=[_FUNNEL_COLOURS[k] for k in counts["kind"]])
    a.set_yticks(y, labels)
    a.invert_yaxis()
    top = max(1, int(counts["count"].max()))
    for yi, c in zip(y, counts["count"]):
        a.text(c + top * 0.01, yi, f"{c:,}", va="center", fontsize=8)
    a.set_xlim(0, top * 1.12)
    a.set_xlabel(f"people (arrests over {_days_of(result)} days)")
    a.set_title(f"Annex A process map: people at each box\n{_scenario_of(result)}")
    from matplotlib.patches import Patch

    a.legend(handles=[Patch(color=_FUNNEL_COLOURS["flow"], label="pathway"),
                      Patch(color=_FUNNEL_COLOURS["exit"], label="leaves the DIP CC pathway"),
                      Patch(color=_FUNNEL_COLOURS["outcome_ok"], label="complied"),
                      Patch(color=_FUNNEL_COLOURS["outcome_bad"], label="non-compliance / may be prosecuted")],
             loc="lower right", fontsize=8)
    return fig


# --------------------------------------------------------------------------- waits

def wait_times(result) -> dict[str, pd.Series]:
    """The per-person waits the :func:`waits` plot draws (NaN-free series)."""
    p = result.people
    return {
        "arrest_to_ia_h": (p["ia_start_h"] - p["arrest_h"]).dropna(),
        "ia_queue_h": (p["ia_start_h"] - p["ia_request_h"]).dropna(),
        "caution_to_first_session_d": ((p["session1_h"] - p["caution_h"]) / HOURS_PER_DAY).dropna(),
        "session2_to_review_d": ((p["session3_h"] - p["session2_h"]) / HOURS_PER_DAY).dropna(),
    }


def _hist(a, values: pd.Series, bins, colour: str, label: str) -> None:
    if len(values):
        a.hist(values, bins=bins, color=colour, alpha=0.75, label=label)
        a.axvline(values.mean(), color="k", lw=1, ls="--")
        a.text(values.mean(), a.get_ylim()[1] * 0.95, f" mean {values.mean():.1f}", fontsize=8, va="top")
    else:
        a.text(0.5, 0.5, "no one waited here in this run", transform=a.transAxes, ha="center")


def _upper(values: pd.Series, floor: float) -> float:
    return max(floor, float(values.max())) if len(values) else floor


def waits(result, axes=None):
    """Two panels: arrest to initial assessment in custody (hours, §2.2) and caution to the
    first DIP Condition session (days, §4.6.6 Step 3)."""
    w = wait_times(result)
    fig, ax = _new_axes(axes, 1, 2, figsize=(11, 4))
    a1, a2 = ax.flat[0], ax.flat[1]
    custody, community = w["arrest_to_ia_h"], w["caution_to_first_session_d"]
    _hist(a1, custody, np.arange(0, _upper(custody, 12.0) + 0.5, 0.5), "#3b6ea5", "initial Required Assessment")
    a1.set_xlabel("hours from arrest to the start of the initial assessment")
    a1.set_ylabel("people")
    a1.set_title(f"Custody: arrest to initial assessment (§2.2)\n{_scenario_of(result)}", fontsize=10)
    _hist(a2, community, np.arange(0, _upper(community, 14.0) + 0.5, 0.5), "#3a8f4b", "first session")
    a2.set_xlabel("days from the caution to the first session")
    a2.set_ylabel("people")
    a2.set_title(f"Community: caution to first DIP Condition session (§4.6.6 Step 3)\n{_scenario_of(result)}",
                 fontsize=10)
    return fig


# --------------------------------------------------------------------------- utilisation

def utilisation(result, ax=None):
    """Stacked bars: CJIT worker hours by pool and activity over the arrest window, with
    utilisation (busy within duty hours / duty hours) written beside each rota."""
    u = result.utilisation
    parts = u[u["activity"] != "all"]
    totals = u[u["activity"] == "all"].set_index("pool")
    pools = list(totals.index)
    fig, axes = _new_axes(ax, figsize=(10, 3.5))
    a = axes.flat[0]
    import matplotlib.pyplot as plt

    from .model.cjit import ACTIVITIES

    present = set(parts["activity"])
    cmap = plt.get_cmap("tab20")
    left = np.zeros(len(pools))
    for i, act in enumerate(ACTIVITIES):  # one colour per activity, the same in every run
        if act not in present:
            continue
        hours = np.array([parts[(parts.pool == p) & (parts.activity == act)]["busy_h"].sum() for p in pools])
        a.barh(pools, hours, left=left, color=cmap(i % 20), label=act.replace("_", " "))
        left += hours
    for i, p in enumerate(pools):
        util = totals.loc[p, "utilisation"]
        txt = f" {left[i]:,.0f} h" + ("" if pd.isna(util) else f", {100 * util:.0f}% of duty hours")
        a.text(left[i], i, txt, va="center", fontsize=8)
    a.set_xlim(0, max(1.0, left.max()) * 1.3)
    a.set_xlabel(f"CJIT worker hours over {_days_of(result)} days of arrests")
    a.set_ylabel("CJIT rota")
    a.set_title(f"CJIT workload by activity - {_scenario_of(result)}")
    a.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="activity", title_fontsize=8)
    return fig


def weekly_load(result, ax=None):
    """CJIT worker hours a week, by rota, over the whole run (arrest window shaded)."""
    fig, axes = _new_axes(ax, figsize=(10, 3.5))
    a = axes.flat[0]
    daily = {pool: busy.sum(axis=0) for pool, busy in result.daily_busy.items()}
    last = max([int(np.flatnonzero(d).max()) + 1 for d in daily.values() if d.any()] + [_days_of(result)])
    weeks = max(1, math.ceil(last / 7))
    for pool, d in daily.items():
        d = np.pad(d[:last], (0, weeks * 7 - last))
        a.plot(np.arange(weeks), d.reshape(weeks, 7).sum(axis=1), label=pool, marker=".", lw=1)
    a.axvspan(0, _days_of(result) / 7, color="0.9", zorder=0, label="arrest window")
    a.set_xlabel("week of the run")
    a.set_ylabel("CJIT worker hours a week")
    a.set_title(f"CJIT worker hours a week - {_scenario_of(result)}")
    a.legend(fontsize=8)
    return fig


IA_OUTCOME_STYLE = (("attended", "attended and remained", "#3b6ea5"),
                    ("failed", "failed to attend or remain", "#e0a03a"),
                    ("missed_no_worker", "missed: no CJIT worker before release", "#b8473d"))


def assessments_by_hour(result, cover: Sequence[tuple[float, float]] = (), ax=None):
    """Stacked bars: initial Required Assessments requested in each hour of the day (§2.2), by
    outcome (Annex A). ``cover`` shades the custody cover spans (start, end hours)."""
    p = result.people
    req = p[p["ia_request_h"].notna()]
    hour = (req["ia_request_h"] % HOURS_PER_DAY).astype(int)
    fig, axes = _new_axes(ax, figsize=(10, 4))
    a = axes.flat[0]
    for start, end in cover:
        a.axvspan(start - 0.5, end - 0.5, color="#dfe9f3", zorder=0)
    bottom = np.zeros(24)
    for outcome, label, colour in IA_OUTCOME_STYLE:
        counts = np.bincount(hour[req["ia_outcome"] == outcome], minlength=24)[:24].astype(float)
        a.bar(np.arange(24), counts, bottom=bottom, color=colour, label=label)
        bottom += counts
    if cover:
        from matplotlib.patches import Patch

        handles, labels = a.get_legend_handles_labels()
        handles.append(Patch(color="#dfe9f3", label="custody CJIT cover"))
        a.legend(handles=handles, fontsize=8)
    else:
        a.legend(fontsize=8)
    a.set_xticks(range(0, 24, 2))
    a.set_xlabel("hour of the day the assessment was required (0 = midnight)")
    a.set_ylabel(f"initial assessments over {_days_of(result)} days")
    a.set_title(f"Initial Required Assessments by hour and outcome - {_scenario_of(result)}")
    return fig


# --------------------------------------------------------------------------- over replications

def _summary(df: pd.DataFrame, by: Sequence[str], kpis: Iterable[str]) -> pd.DataFrame:
    """A tidy summary for ``kpis``: ``df`` as given if it is one, else t-intervals over its rows."""
    kpis = list(kpis)
    if "mean" not in df.columns and {"kpi", "difference", "lower", "upper"} <= set(df.columns):
        df = df.assign(mean=df["difference"])    # a table of paired differences (experiment.compare)
    if {"kpi", "mean", "lower", "upper"} <= set(df.columns):
        out = df[df["kpi"].isin(kpis)]
        missing = set(kpis) - set(out["kpi"])
        if missing:
            raise KeyError(f"summary has no rows for {sorted(missing)}")
        return out
    from .experiment.stats import summarise

    missing = [k for k in kpis if k not in df.columns]
    if missing:
        raise KeyError(f"replication table has no column {missing}")
    return summarise(df, by=list(by), kpis=kpis)


def _title_suffix(scenario: str | None) -> str:
    return f" - {scenario}" if scenario else ""


def sweep_curve(df: pd.DataFrame, param: str, kpi: str, target: float | None = None, ax=None,
                scenario: str | None = None, label: str | None = None, target_label: str | None = None,
                xlabel: str | None = None, answer: float | None = None, hue: str | None = None):
    """A KPI's mean against a swept parameter with its 95% CI band.

    ``df`` is a tidy summary with a ``param`` column, or a replication table with
    ``param`` and ``kpi`` columns. ``target`` draws the KPI target as a dashed line;
    ``answer`` marks the capacity answer (the level chosen to meet every target);
    ``hue`` draws one curve per value of another column (e.g. a second swept parameter).
    Shares are drawn in %, and their band is clipped to 0-100%.
    """
    s = _summary(df, [param] + ([hue] if hue else []), [kpi])
    s = s[s["kpi"] == kpi].sort_values(param)
    f = _scale(kpi)
    fig, axes = _new_axes(ax, figsize=(7, 4.5))
    a = axes.flat[0]
    curves = s.groupby(hue, sort=False) if hue else [(None, s)]
    x = s[param].to_numpy(float)
    for value, g in curves:
        gx = g[param].to_numpy(float)
        lower, upper = g["lower"].to_numpy(float) * f, g["upper"].to_numpy(float) * f
        if f == 100.0:
            lower, upper = np.clip(lower, 0, 100), np.clip(upper, 0, 100)
        name = f"{_param_label(hue).split(' (')[0]} = {value:g}" if hue else (label or "mean over replications")
        line, = a.plot(gx, g["mean"] * f, marker="o", label=name)
        a.fill_between(gx, lower, upper, color=line.get_color(), alpha=0.2,
                       label=None if (label or hue) else "95% confidence interval")
    pct = "%" if f == 100.0 else ""
    if target is not None:
        a.axhline(target * f, color="#b8473d", ls="--", lw=1, label=target_label or f"target {target * f:g}{pct}")
    if answer is not None and np.isfinite(answer):
        a.axvline(answer, color="#3a8f4b", ls=":", lw=1.5, label=f"capacity answer: {answer:g}")
    if len(x) and np.all(np.isfinite(x)) and np.all(x == np.round(x)):
        from matplotlib.ticker import MaxNLocator

        a.xaxis.set_major_locator(MaxNLocator(integer=True))
    a.set_xlabel(xlabel or _param_label(param))
    a.set_ylabel(_axis_label(kpi))
    a.set_title(f"{kpi_label(kpi)[0].capitalize()} vs {_param_label(param).split(' (')[0]}{_title_suffix(scenario)}")
    a.legend(fontsize=8)
    return fig


def kpi_bars(df: pd.DataFrame, by: str, kpis: Sequence[str], axes=None, scenario: str | None = None,
             order: Sequence | None = None):
    """One panel per KPI: its mean for each value of ``by`` (policy, variant...) with 95% CIs."""
    s = _summary(df, [by], kpis)
    groups = list(order) if order is not None else list(dict.fromkeys(s[by]))
    fig, ax = _new_axes(axes, 1, len(kpis), figsize=(3.6 * len(kpis), 4))
    for a, kpi in zip(ax.flat, kpis):
        f = _scale(kpi)
        sk = s[s["kpi"] == kpi].set_index(by).reindex(groups)
        mean = sk["mean"].to_numpy(float) * f
        err = np.vstack([mean - sk["lower"].to_numpy(float) * f, sk["upper"].to_numpy(float) * f - mean])
        x = np.arange(len(groups))
        a.bar(x, mean, yerr=np.nan_to_num(err), capsize=4, color="#3b6ea5")
        a.set_xticks(x, [str(g).replace("_", " ") for g in groups], rotation=30, ha="right", fontsize=8)
        unit = kpi_label(kpi)[1]
        a.set_ylabel("%" if unit == "%" else unit)
        a.set_title(kpi_label(kpi)[0], fontsize=10)
    fig.suptitle(f"Mean and 95% CI over replications{_title_suffix(scenario)}")
    return fig


def paired_differences(df: pd.DataFrame, kpis: Sequence[str], by: str = "variant", baseline: str | None = None,
                       axes=None, scenario: str | None = None, order: Sequence | None = None):
    """One panel per KPI: the paired difference from the baseline for each variant, with its
    95% CI (common random numbers: each replication's difference, then a t-interval).

    ``df`` is a tidy table of differences with ``by, kpi, lower, upper`` and ``difference``
    (as :func:`dipsim.experiment.compare.paired_differences` gives) or ``mean`` columns;
    rows for the baseline itself are dropped.
    """
    s = _summary(df, [by], kpis)
    if baseline is not None:
        s = s[s[by] != baseline]
    groups = list(order) if order is not None else list(dict.fromkeys(s[by]))
    groups = [g for g in groups if g != baseline]
    fig, ax = _new_axes(axes, 1, len(kpis), figsize=(3.8 * len(kpis), 0.6 * len(groups) + 2.6))
    y = np.arange(len(groups))
    for i, (a, kpi) in enumerate(zip(ax.flat, kpis)):
        f = _scale(kpi)
        sk = s[s["kpi"] == kpi].set_index(by).reindex(groups)
        mean = sk["mean"].to_numpy(float) * f
        lo, hi = sk["lower"].to_numpy(float) * f, sk["upper"].to_numpy(float) * f
        clear = (lo > 0) | (hi < 0)
        for yi, m, l, h, ok in zip(y, mean, lo, hi, clear):
            a.errorbar(m, yi, xerr=[[m - l], [h - m]] if np.isfinite(l) else None, fmt="o", color="#3b6ea5",
                       capsize=4, alpha=1.0 if ok else 0.4)
        a.axvline(0, color="k", lw=0.8)
        a.set_yticks(y, [str(g).replace("_", " ") for g in groups] if i == 0 else [""] * len(groups))
        a.invert_yaxis()
        unit = kpi_label(kpi)[1]
        a.set_xlabel(f"difference ({'percentage points' if unit == '%' else unit})")
        a.set_title(kpi_label(kpi)[0], fontsize=10)
    base = f" from {str(baseline).replace('_', ' ')}" if baseline is not None else ""
    fig.suptitle(f"Paired difference{base}, mean and 95% CI (faded: CI includes 0){_title_suffix(scenario)}")
    return fig


def calibration(table: pd.DataFrame, axes=None, scenario: str | None = None, percent: bool = True,
                xlabel: str | None = None, title: str | None = None, reference_label: str = "published figure"):
    """Simulated mean with its 95% CI against a reference value: one panel per measure, each on
    its own scale so that every interval is visible.

    ``table`` has ``measure, mean, lower, upper, published, source`` columns. With ``percent``
    (shares in [0, 1]) values are drawn as %; otherwise as given, with ``xlabel`` naming the
    unit (e.g. queueing theory's mean wait in hours, with ``reference_label="Erlang C"``).
    """
    t = table.reset_index(drop=True)
    f = 100.0 if percent else 1.0
    fig, ax = _new_axes(axes, len(t), 1, figsize=(8, 1.6 * len(t) + 1.0))
    for a, row in zip(ax.flat, t.itertuples()):
        mean, lo, hi, ref = (float(v) * f for v in (row.mean, row.lower, row.upper, row.published))
        a.errorbar([mean], [0], xerr=[[mean - lo], [hi - mean]] if np.isfinite(lo) else None, fmt="o",
                   color="#3b6ea5", capsize=6, label="simulated: mean and 95% CI")
        a.scatter([ref], [0], marker="D", s=50, color="#b8473d", zorder=3, label=f"{reference_label}: {ref:.3g}")
        finite = [v for v in (lo, hi, ref, mean) if np.isfinite(v)]
        low, high = min(finite), max(finite)
        pad = 0.25 * (high - low) if high > low else max(abs(high) * 0.05, 0.5)
        a.set_xlim(low - pad, high + pad)
        a.set_ylim(-1, 1)
        a.set_yticks([])
        a.set_title(f"{row.measure} ({row.source})", fontsize=9, loc="left")
        a.set_xlabel(xlabel or ("share (%)" if percent else "value"), fontsize=8)
        a.legend(fontsize=7, loc="upper right")
    fig.suptitle((title or "Calibration against published 2006-07 figures") + (f"\n{scenario}" if scenario else ""))
    return fig


# --------------------------------------------------------------------------- experiment results


def capacity(result, x: str | None = None, scenario: str | None = None):
    """One panel per target: mean and 95% CI against the staffing level, the one-sided bound and
    the target line; the capacity answer is marked. ``result`` is a
    :class:`dipsim.experiment.capacity.CapacityResult`."""
    ev = result.evidence
    targets = result.targets
    x = x or ("staff_hours_per_week" if len(result.label_columns) != 1 else result.label_columns[0])
    fig, axes = _new_axes(None, 1, len(targets), figsize=(4.5 * len(targets), 4))
    for a, t in zip(axes.flat, targets):
        e = ev[ev["target"] == str(t)]
        xs = e[x].to_numpy() if x in e else e["level"].to_numpy()
        f = _scale(t.kpi)
        a.errorbar(xs, e["mean"] * f, yerr=[(e["mean"] - e["lower"]) * f, (e["upper"] - e["mean"]) * f],
                   fmt="o-", capsize=3, label="mean, 95% CI")
        a.plot(xs, e["bound"] * f, "v" if t.side == "lower" else "^", color="grey",
               label=f"one-sided 95% {t.side} bound")
        a.axhline(t.value * f, color="#b8473d", ls="--", lw=1, label=f"target {t.op} {t.value * f:g}")
        if result.answer is not None:
            a.axvline(result.answer.get(x, result.answer["level"]), color="#3a8f4b", ls=":", lw=1.5,
                      label="capacity answer")
        if np.issubdtype(np.asarray(xs).dtype, np.integer):
            from matplotlib.ticker import MaxNLocator

            a.xaxis.set_major_locator(MaxNLocator(integer=True))
        a.set_title(kpi_label(t.kpi)[0], fontsize=9)
        a.set_xlabel(_param_label(x) if x in PARAM_LABELS else x.replace("_", " "))
        a.set_ylabel(_axis_label(t.kpi))
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"Capacity answer: every target met with 95% confidence{_title_suffix(scenario)}")
    return fig


def precision(result, ax=None):
    """Relative 95% half-width against replications for each KPI, with the target precision
    (the confidence-interval method of Hoad, Robinson & Davies 2010)."""
    fig, axes = _new_axes(ax)
    a = axes.flat[0]
    for kpi, g in result.trace.groupby("kpi", sort=False):
        a.plot(g["n"], g["relative_precision"], label=kpi_label(kpi)[0])
    target = result.provenance.get("precision")
    if target is not None:
        a.axhline(target, color="#b8473d", ls="--", lw=1, label=f"target {target:g}")
    a.axvline(result.n_recommended, color="#3a8f4b", lw=1, alpha=0.6, label=f"n = {result.n_recommended}")
    a.set_xlabel("replications")
    a.set_ylabel("relative 95% half-width")
    a.set_yscale("log")
    a.set_title("Replications needed for the target precision")
    a.legend(fontsize=8)
    return fig


def warmup(result, ax=None):
    """The daily series (each replication faint, the mean bold) and the MSER-5 warm-up."""
    fig, axes = _new_axes(ax)
    a = axes.flat[0]
    a.plot(result.series.index, result.series.to_numpy(), color="grey", alpha=0.2, lw=0.7)
    a.plot(result.mean.index, result.mean.to_numpy(), color="black", lw=1.2, label="mean over replications")
    a.axvline(result.warmup_days, color="#b8473d", ls="--", label=f"MSER-5 warm-up: {result.warmup_days} days")
    a.set_xlabel("day of the run")
    a.set_ylabel(str(result.name).replace("_", " "))
    a.set_title("Warm-up: the model starts empty")
    a.legend(fontsize=8)
    return fig


def mser(mser_result, ax=None):
    """The MSER statistic against the number of observations deleted, with the truncation point."""
    fig, axes = _new_axes(ax)
    a = axes.flat[0]
    d = np.arange(len(mser_result.statistic))
    a.plot(d * mser_result.batch, mser_result.statistic, marker=".")
    a.axvline(mser_result.truncation, color="#b8473d", ls="--", label=f"truncate at {mser_result.truncation}")
    a.set_xlabel("observations deleted")
    a.set_ylabel(f"MSER-{mser_result.batch}")
    a.legend(fontsize=8)
    return fig
