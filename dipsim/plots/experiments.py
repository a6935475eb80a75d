"""Plots of an experiment's own result (:mod:`dipsim.experiment`): capacity, precision, warm-up."""

from __future__ import annotations

import numpy as np

from ._common import PARAM_LABELS, _axis_label, _new_axes, _param_label, _scale, _title_suffix, kpi_label

def _pct(x: float) -> str:
    return f"{100 * x:.3g}%"


def capacity(result, x: str | None = None, scenario: str | None = None, view: str | None = None):
    """One panel per target against the staffing level, the capacity answer marked. ``result``
    is a :class:`dipsim.experiment.capacity.CapacityResult`.

    ``view="years"`` (the default under the years meaning): the share of simulated years meeting
    the target at each level, its one-sided Clopper-Pearson lower bound at each test's
    confidence, and the share of years required. ``view="mean"`` (the default under the mean
    meaning): the mean and its 95% CI, the one-sided bound of the mean at each test's confidence
    (which is below 95% of error when several chains share it) and the target line."""
    import textwrap

    view = view or result.meaning
    if view not in ("years", "mean"):
        raise ValueError(f"view must be 'years' or 'mean', got {view!r}")
    ev = result.evidence
    targets = result.targets
    conf = _pct(result.test_confidence)
    x = x or ("staff_hours_per_week" if len(result.label_columns) != 1 else result.label_columns[0])
    fig, axes = _new_axes(None, 1, len(targets), figsize=(4.8 * len(targets), 4.2))
    for a, t in zip(axes.flat, targets):
        e = ev[ev["target"] == str(t)]
        xs = e[x].to_numpy() if x in e else e["level"].to_numpy()
        if view == "years":
            share = e["years_met"] / e["years_n"] * 100
            bound = e["years_bound"] * 100
            a.plot(xs, share, "o-", label="share of years meeting it")
            a.vlines(xs, bound, share, color="grey", lw=1)
            a.plot(xs, bound, "v", color="grey", label=f"one-sided {conf} lower bound")
            a.axhline(result.years * 100, color="#b8473d", ls="--", lw=1,
                      label=f"required: {100 * result.years:g}% of years")
            a.set_ylim(-3, 103)
            a.set_ylabel("simulated years meeting the target (%)")
            a.set_title(textwrap.fill(f"{kpi_label(t.kpi)[0]} {t.op} {t.value * _scale(t.kpi):g}"
                                      f"{'%' if _scale(t.kpi) == 100 else ''}", 48), fontsize=9)
        else:
            f = _scale(t.kpi)
            a.errorbar(xs, e["mean"] * f, yerr=[(e["mean"] - e["lower"]) * f, (e["upper"] - e["mean"]) * f],
                       fmt="o-", capsize=3, label="mean, 95% CI")
            a.plot(xs, e["bound"] * f, "v" if t.side == "lower" else "^", color="grey",
                   label=f"one-sided {conf} {t.side} bound")
            a.axhline(t.value * f, color="#b8473d", ls="--", lw=1, label=f"target {t.op} {t.value * f:g}")
            a.set_ylabel(_axis_label(t.kpi))
            a.set_title(textwrap.fill(kpi_label(t.kpi)[0], 48), fontsize=9)
        if result.answer is not None:
            a.axvline(result.answer.get(x, result.answer["level"]), color="#3a8f4b", ls=":", lw=1.5,
                      label="capacity answer")
        if np.issubdtype(np.asarray(xs).dtype, np.integer):
            from matplotlib.ticker import MaxNLocator

            a.xaxis.set_major_locator(MaxNLocator(integer=True))
        a.set_xlabel(_param_label(x) if x in PARAM_LABELS else x.replace("_", " "))
    axes.flat[0].legend(fontsize=7)
    what = (f"at least {100 * result.years:g}% of simulated years meet each target" if view == "years" else
            "the mean over simulated years meets each target")
    fig.suptitle(textwrap.fill(f"Capacity: {what}; each level tested at {conf} confidence"
                               f"{_title_suffix(scenario)}", 40 + 30 * len(targets)), fontsize=11)
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
