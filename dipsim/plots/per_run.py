"""Plots of one run (a :class:`dipsim.results.RunResult`): the Annex A funnel, waits, CJIT workload."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import kpis as registry
from ._common import HOURS_PER_DAY, _days_of, _new_axes, _scenario_of

# --------------------------------------------------------------------------- the Annex A funnel

FUNNEL_BOXES: tuple[tuple[str, str, str, str], ...] = tuple(
    (name, registry.funnel_box(name).box, registry.funnel_box(name).cite, kind) for name, kind in registry.FUNNEL)
"""(KPI name, Annex A box, citation, kind) for each box of the process map in its order, from
the registry; kind is flow | exit | outcome_ok | outcome_bad."""

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
        rows.append({"box": "terminal_in_progress",
                     "label": registry.kpi("terminal_in_progress").label.capitalize(), "cite": "",
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
    utilisation (busy within duty hours / duty hours) written beside each rota: of all work, and
    of this pathway's work alone (the ``other work:`` activities are the team's other work)."""
    u = result.utilisation
    parts = u[u["activity"] != "all"]
    totals = u[u["activity"] == "all"].set_index("pool")
    pools = list(totals.index)
    fig, axes = _new_axes(ax, figsize=(10, 3.5))
    a = axes.flat[0]
    import matplotlib.pyplot as plt

    from ..kpis import ACTIVITIES as ACTIVITY_WORDS
    from ..model.cjit import ACTIVITIES

    present = set(parts["activity"])
    colours = list(plt.get_cmap("tab20").colors) + list(plt.get_cmap("tab20b").colors)
    left = np.zeros(len(pools))
    for i, act in enumerate(ACTIVITIES):  # one colour per activity, the same in every run
        if act not in present:
            continue
        hours = np.array([parts[(parts.pool == p) & (parts.activity == act)]["busy_h"].sum() for p in pools])
        a.barh(pools, hours, left=left, color=colours[i % len(colours)], label=ACTIVITY_WORDS.get(act, act.replace("_", " ")))
        left += hours
    for i, p in enumerate(pools):
        util = totals.loc[p, "utilisation"]
        mine = parts[(parts.pool == p) & (parts.get("work", "this pathway") == "this pathway")]["utilisation"].sum()
        txt = f" {left[i]:,.0f} h" + ("" if pd.isna(util) else
                                      f", all work {100 * util:.0f}% of duty hours (this pathway {100 * mine:.0f}%)")
        a.text(left[i], i, txt, va="center", fontsize=8)
    a.set_xlim(0, max(1.0, left.max()) * 1.3)
    a.set_xlabel(f"CJIT worker hours over {_days_of(result)} days of arrests")
    a.set_ylabel("CJIT rota")
    a.set_title(f"CJIT workload by activity, this pathway and the team's other work - {_scenario_of(result)}")
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
