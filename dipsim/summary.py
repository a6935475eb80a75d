"""A readable summary of one run, for the terminal and for trainers.

Every line is a KPI: its label, guidance section and unit come from the registry
(:mod:`dipsim.kpis`); this module only chooses which KPIs to show, in what order.
"""

from __future__ import annotations

import math

from . import kpis as registry
from .results import RunResult

# (heading, [(KPI name, indent)]): indented lines detail the line above
SECTIONS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("Annex A funnel", (
        ("arrests", 0), ("arrests_per_day", 1),
        ("tests", 0), ("share_tests_positive", 1),
        ("required_assessments", 0), ("ia_attended", 1), ("ia_failed", 1), ("ia_missed_no_worker", 1),
        ("share_required_assessed", 1),
        ("follow_up_assessments_held", 0), ("follow_up_assessments_cancelled", 1),
        ("voluntary_assessments", 0),
        ("referred_to_cps", 0), ("cps_authorised", 1),
        ("cautions", 0), ("declined", 1),
    )),
    ("Disposals (terminal states)", tuple((f"terminal_{s}", 0) for s in registry.TERMINAL_STATES)),
    ("Conditions set (§4.6)", tuple((f"condition_{c}", 0) for c in registry.CONDITIONS) + (
        ("completion_rate", 0), ("dirs_completed", 0), ("onward_referrals", 0))),
    ("Waits", (
        ("mean_wait_arrest_to_ia_h", 0), ("mean_wait_caution_to_first_session_d", 0),
        ("p90_wait_caution_to_first_session_d", 0), ("custody_assessments_missed_no_worker", 0))),
    ("CJIT utilisation (busy / duty hours; all work, then this pathway's share)", (
        ("fte_custody", 0), ("utilisation_custody", 1), ("utilisation_custody_pathway", 1),
        ("fte_community", 0), ("utilisation_community", 1), ("utilisation_community_pathway", 1),
        ("busy_callout_all_h", 0))),
)


def format_value(value: float | None, unit: str) -> str:
    """A KPI's value in its unit: shares as %, waits with their unit, counts with thousands commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit in ("hours", "days"):
        return f"{value:.1f} {unit}"
    if unit in ("per day", "FTE"):
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _text(name: str, indent: int, heading: str) -> str:
    k = registry.kpi(name)
    cite = f" ({k.cite})" if k.cite and f"({k.cite})" not in heading else ""
    return "  " * (indent + 1) + k.label + cite


def _value(kpis: dict[str, float], name: str) -> str:
    value = kpis.get(name, 0.0 if name.startswith("busy_") else float("nan"))  # no busy hours reported: 0
    return format_value(value, registry.kpi(name).unit)


def format_summary(result: RunResult) -> str:
    k = result.kpis
    pv = result.provenance
    lines = [
        f"dipsim {pv['dipsim_version']} — {pv['scenario_name']}",
        f"{pv['days']} days of arrests, seed {pv['seed']}, replication {pv['replication']} "
        f"(scenario {pv['scenario_hash'][:12]})",
    ]
    width = max(len(_text(n, i, h)) for h, rows in SECTIONS for n, i in rows)
    for heading, rows in SECTIONS:
        lines += ["", heading]
        lines += [f"{_text(name, indent, heading):<{width}} {_value(k, name):>11}" for name, indent in rows]
    lines += ["", "Every KPI is defined in docs/kpis.md."]
    return "\n".join(lines)
