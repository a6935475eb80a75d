"""Plots over replications: a KPI against a swept parameter, per variant, paired differences,
calibration against published figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ._common import _axis_label, _new_axes, _param_label, _scale, _title_suffix, kpi_label

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
    from ..experiment.stats import summarise

    missing = [k for k in kpis if k not in df.columns]
    if missing:
        raise KeyError(f"replication table has no column {missing}")
    return summarise(df, by=list(by), kpis=kpis)


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
