"""Matplotlib figures for experiments (for notebooks and reports).

Each function draws on ``ax`` (or a new figure) and returns the ``Axes`` (or the figure
for multi-panel plots); none calls ``plt.show()``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd


def _axes(ax=None, figsize=(7, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_ci(summary: pd.DataFrame, x: str, kpi: str, *, hue: str | None = None, ax=None, label: str | None = None):
    """Mean and 95% CI of ``kpi`` against the cell column ``x`` (one line per ``hue`` value),
    from a sweep's ``summary`` table."""
    ax = _axes(ax)
    s = summary[summary["kpi"] == kpi]
    groups = s.groupby(hue, sort=False) if hue else [(label or kpi, s)]
    for name, g in groups:
        g = g.sort_values(x)
        ax.errorbar(g[x], g["mean"], yerr=g["half_width"], marker="o", capsize=3, label=str(name))
    ax.set_xlabel(x)
    ax.set_ylabel(kpi)
    if hue:
        ax.legend(title=hue)
    return ax


def plot_capacity(result, *, x: str | None = None):
    """One panel per target: mean and 95% CI against the staffing level, the target line and
    the one-sided bound; the chosen level is marked."""
    import matplotlib.pyplot as plt

    ev = result.evidence
    targets = result.targets
    fig, axes = plt.subplots(1, len(targets), figsize=(4.5 * len(targets), 3.8), squeeze=False)
    x = x or ("staff_hours_per_week" if len(result.label_columns) != 1 else result.label_columns[0])
    for ax, t in zip(axes[0], targets):
        e = ev[ev["target"] == str(t)]
        xs = e[x].to_numpy() if x in e else e["level"].to_numpy()
        ax.errorbar(xs, e["mean"], yerr=[e["mean"] - e["lower"], e["upper"] - e["mean"]], fmt="o-", capsize=3,
                    label="mean, 95% CI")
        ax.plot(xs, e["bound"], "v" if t.side == "lower" else "^", color="grey", label=f"one-sided {t.side} bound")
        ax.axhline(t.value, color="red", ls="--", lw=1, label=f"target {t.op} {t.value:g}")
        if result.answer is not None:
            ax.axvline(result.answer.get(x, result.answer["level"]), color="green", lw=1, alpha=0.6, label="answer")
        ax.set_title(str(t), fontsize=9)
        ax.set_xlabel(x)
        if np.issubdtype(np.asarray(xs).dtype, np.integer):
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_differences(differences: pd.DataFrame, kpis: Sequence[str] | None = None, ax=None):
    """Paired differences vs the baseline with 95% CIs (a forest plot), one row per (variant, KPI)."""
    d = differences if kpis is None else differences[differences["kpi"].isin(kpis)]
    ax = _axes(ax, figsize=(7, 0.35 * len(d) + 1))
    y = np.arange(len(d))[::-1]
    colors = ["tab:red" if s else "tab:grey" for s in d["significant"]]
    ax.errorbar(d["difference"], y, xerr=d["half_width"], fmt="none", ecolor=colors, capsize=3)
    ax.scatter(d["difference"], y, c=colors, zorder=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{v}: {k}" for v, k in zip(d["variant"], d["kpi"])], fontsize=8)
    ax.set_xlabel(f"difference from {d['baseline'].iloc[0] if len(d) else 'baseline'} (95% paired CI)")
    return ax


def plot_precision(result, ax=None):
    """Relative 95% half-width against replications for each KPI (Hoad et al.), with the target."""
    ax = _axes(ax)
    for kpi, g in result.trace.groupby("kpi", sort=False):
        ax.plot(g["n"], g["relative_precision"], label=kpi)
    target = result.provenance.get("precision")
    if target is not None:
        ax.axhline(target, color="red", ls="--", lw=1, label=f"target {target:g}")
    ax.axvline(result.n_recommended, color="green", lw=1, alpha=0.6, label=f"n = {result.n_recommended}")
    ax.set_xlabel("replications")
    ax.set_ylabel("relative 95% half-width")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    return ax


def plot_warmup(result, ax=None):
    """The daily series (each replication faint, the mean bold) and the MSER-5 truncation."""
    ax = _axes(ax)
    ax.plot(result.series.index, result.series.to_numpy(), color="grey", alpha=0.2, lw=0.7)
    ax.plot(result.mean.index, result.mean.to_numpy(), color="black", lw=1.2, label="mean over replications")
    ax.axvline(result.warmup_days, color="red", ls="--", label=f"MSER-5 warm-up: {result.warmup_days} days")
    ax.set_xlabel("day")
    ax.set_ylabel(result.name)
    ax.legend(fontsize=8)
    return ax


def plot_mser(mser_result, ax=None):
    """The MSER statistic against the number of batches deleted."""
    ax = _axes(ax)
    d = np.arange(len(mser_result.statistic))
    ax.plot(d * mser_result.batch, mser_result.statistic, marker=".")
    ax.axvline(mser_result.truncation, color="red", ls="--")
    ax.set_xlabel("observations deleted")
    ax.set_ylabel(f"MSER-{mser_result.batch}")
    return ax
