"""A quick one-at-a-time screen: which scenario parameters move a KPI that staffing does not.

At one staffing level, each candidate parameter is set to a low and a high value in turn
(days, hours and arrest rates halved and times 1.5; counts and workers one fewer and one
more; probabilities and shares 0.1 lower and higher, within [0, 1]; for the share of appointments
attended, the other outcomes are rescaled to keep the sum 1), a few replications each,
under common random numbers (replication r of every variant sees the same arrests). The
effect of a parameter on a KPI is the mean over replications of (high - low). It is a
screen: one factor at a time, few replications, no interactions.

The candidates include the team's other work (``cjit.*``, :mod:`dipsim.model.workload`): the rest of
its DIP caseload (``cjit.other_work.*.per_week``: every stream's rate together, one parameter), admin
shares, the onward referrals' caseload weeks and the DIR's minutes. They share the workers with this
pathway, so they move waits and utilisation that staffing alone seems not to.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

from ...errors import InputError
from ...scenario import Scenario
from ...scenario.loader import to_dict
from ..overrides import apply_overrides
from ..sweep import sweep

OTHER_WORK = "cjit.other_work.*.per_week"
"""One screen parameter for the team's other DIP caseload: every stream's jobs a week together."""
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("sessions.lead_days", "days"),
    ("sessions.interval_days", "days"),
    ("compliance.session_outcomes", "attended"),
    ("compliance.max_rearrangements", "count"),
    ("assessment.attends_and_remains", "share"),
    ("assessment.custody_hours", "dist"),
    ("decisions.accepts_caution", "share"),
    ("cjit.out_of_hours.callout_workers", "count"),
    ("cjit.custody.workers", "workers"),
    ("cjit.community.workers", "workers"),
    ("arrivals.scale", "scale"),
    # the team's other work (dipsim.model.workload): it competes with this pathway for the same workers
    (OTHER_WORK, "rates"),
    ("cjit.admin_share.custody", "share"),
    ("cjit.admin_share.community", "share"),
    ("cjit.caseload.weeks", "dist"),
    ("cjit.dir_minutes", "dist"),
)
RULE = ("days, hours, arrest rates and the other caseload's rates halved and x1.5; counts and workers -1 and +1; "
        "probabilities and shares -0.1 and +0.1")


def _get(raw: dict, dotted: str) -> Any:
    node: Any = raw
    for k in dotted.split("."):
        if not isinstance(node, dict) or k not in node:
            raise KeyError(dotted)
        node = node[k]
    return node


def perturb(raw: dict, key: str, kind: str) -> tuple[Any, Any, str, str] | None:
    """(low value, high value, low as text, high as text), or None if the key cannot be perturbed."""
    if kind == "scale":
        return 0.5, 1.5, "x0.5 arrests", "x1.5 arrests"
    if kind == "rates":  # every stream of the other caseload at once: overrides of several keys
        streams = raw.get("cjit", {}).get("other_work", {})
        rates = {f"cjit.other_work.{name}.per_week": s["per_week"] for name, s in streams.items()
                 if isinstance(s, dict) and isinstance(s.get("per_week"), (int, float)) and s["per_week"] > 0}
        if not rates:
            return None
        return ({k: v * 0.5 for k, v in rates.items()}, {k: v * 1.5 for k, v in rates.items()},
                "x0.5 other caseload", "x1.5 other caseload")
    try:
        v = _get(raw, key)
    except KeyError:
        return None
    if kind == "days" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return v * 0.5, v * 1.5, f"{v * 0.5:g}", f"{v * 1.5:g}"
    if kind in ("count", "workers") and isinstance(v, int) and not isinstance(v, bool):
        low = max(1 if kind == "workers" else 0, v - 1)
        return low, v + 1, f"{low}", f"{v + 1}"
    if kind == "share" and isinstance(v, float):
        lo, hi = max(0.0, v - 0.1), min(1.0, v + 0.1)
        return lo, hi, f"{lo:.2f}", f"{hi:.2f}"
    if kind == "attended" and isinstance(v, dict) and "attended" in v and v["attended"] < 1:
        a = v["attended"]

        def with_attended(x: float) -> dict:
            f = (1 - x) / (1 - a)
            return {k: (x if k == "attended" else w * f) for k, w in v.items()}
        lo, hi = max(0.0, a - 0.1), min(1.0, a + 0.1)
        return with_attended(lo), with_attended(hi), f"{lo:.2f} attended", f"{hi:.2f} attended"
    if kind == "dist" and isinstance(v, dict) and "dist" in v:
        def scaled(f: float) -> dict:
            return {k: (w if k == "dist" else w * f) for k, w in v.items()}
        return scaled(0.5), scaled(1.5), "x0.5", "x1.5"
    return None


def screen(scenario: Scenario, kpis: Sequence[str], *, n: int = 3, seed: int, days: int, collector,
           skip: Iterable[str] = (), **backend) -> pd.DataFrame:
    """One row per (parameter, KPI): low and high as text, the KPI's mean at each, and the effect
    (mean of high - low over replications), largest effect first within each KPI."""
    raw = to_dict(scenario)
    skip = set(skip)
    variants: dict[str, dict] = {"as is": {}}
    meta = []
    for key, kind in CANDIDATES:
        if key in skip:
            continue
        p = perturb(raw, key, kind)
        if p is None:
            continue
        lo, hi, lo_text, hi_text = p
        lo, hi = (lo, hi) if kind == "rates" else ({key: lo}, {key: hi})
        try:  # a value the scenario rejects (a cross-check) leaves the parameter out of the screen
            apply_overrides(scenario, lo)
            apply_overrides(scenario, hi)
        except InputError:
            continue
        variants[f"{key} low"] = lo
        variants[f"{key} high"] = hi
        meta.append((key, lo_text, hi_text))
    res = sweep(scenario, None, n, variants=variants, seed=seed, days=days, collector=collector,
                progress=False, **backend).results
    rows = []
    for key, lo_text, hi_text in meta:
        lo = res[res["variant"] == f"{key} low"].set_index("replication")
        hi = res[res["variant"] == f"{key} high"].set_index("replication")
        for k in kpis:
            d = (hi[k] - lo[k]).dropna()
            rows.append({"kpi": k, "parameter": key, "low": lo_text, "high": hi_text,
                         "mean_low": float(lo[k].mean()), "mean_high": float(hi[k].mean()),
                         "effect": float(d.mean()) if len(d) else float("nan")})
    out = pd.DataFrame(rows, columns=["kpi", "parameter", "low", "high", "mean_low", "mean_high", "effect"])
    if len(out):
        out["_abs"] = out["effect"].abs().fillna(-1)
        out = out.sort_values(["kpi", "_abs"], ascending=[True, False], kind="stable").drop(columns="_abs")
    return out.reset_index(drop=True)
