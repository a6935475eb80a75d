"""Labels, scales and axes shared by every plot: KPI labels and units come from the registry
(:mod:`dipsim.kpis`)."""

from __future__ import annotations

import numpy as np

from .. import kpis as registry

HOURS_PER_DAY = 24.0

PARAM_LABELS: dict[str, tuple[str, str]] = {
    "cjit.community.workers": ("community CJIT workers", "workers"),
    "cjit.custody.workers": ("custody CJIT workers", "workers"),
    "arrivals.scale": ("arrest volume", "x the scenario's arrests a day"),
    "custody_cover_hours": ("CJIT custody cover", "hours a day"),
    "cjit.out_of_hours.callout_workers": ("on-call CJIT workers", "workers"),
    "decisions.max_previous_convictions": ("largest 'limited' record (§4.1)", "previous convictions"),
}


def kpi_label(kpi: str) -> tuple[str, str]:
    """(label, unit) of a KPI from the registry, a share's unit shown as '%'; for a name that is
    not a KPI, its words and a unit inferred from its suffix."""
    try:
        k = registry.kpi(kpi)
        return k.label, "%" if k.is_share else k.unit
    except KeyError:
        pass
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


def _title_suffix(scenario: str | None) -> str:
    return f" - {scenario}" if scenario else ""
