"""The group's policy applied to a whole area: CJIT hours, completions and prosecutions,
each as a paired difference against the area's current policy (common random numbers).

Replication *r* of every policy sees the same arrests and the same people, so each
difference is the policy's, not luck's. Each changed setting is also run alone, so the group
can see which one drives a difference. Used by the trainer page and notebook 04.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from ..experiment import compare, paired_differences
from ..plots import kpi_label
from ..scenario import Scenario

CONSEQUENCES = ("cjit_hours", "prosecutions_considered", "complied", "cautions")
"""CJIT worker hours; people whose prosecution is considered (declined, §4.6.6 Step 3, or
non-compliance, Step 6); cautions complied with and closed (Steps 5-6); DIP Conditional Cautions."""
BASELINE = "current policy"


@dataclass
class AreaResult:
    scenario: Scenario
    table: pd.DataFrame        # one row per (policy, replication): the KPIs
    diffs: pd.DataFrame        # paired differences against the current policy, with 95% CIs
    n: int
    days: int

    def sentences(self) -> list[str]:
        """Each policy against the current one, in words."""
        out = []
        for variant, d in self.diffs.groupby("variant", sort=False):
            parts = [f"{kpi_label(r.kpi)[0]} {r.difference:+.1f} (95% CI {r.lower:+.1f} to {r.upper:+.1f}"
                     f"{'' if r.significant else ', which includes no change'})" for r in d.itertuples()]
            out.append(f"{variant}, against the current policy: " + "; ".join(parts) + ".")
        return out

    def figures(self):
        """Levels by policy, and the paired differences (matplotlib figures)."""
        from .. import plots

        bars = plots.kpi_bars(self.table, "variant", list(CONSEQUENCES), scenario=self.scenario.name)
        diffs = plots.paired_differences(self.diffs, list(CONSEQUENCES), baseline=BASELINE,
                                         scenario=self.scenario.name)
        return [bars, diffs]





def policy_variants(scenario: Scenario, menu_policy: str, max_previous_convictions: int) -> dict[str, dict]:
    """The current policy, each changed setting alone and, if both changed, both together."""
    now = scenario.decisions
    menu = {"decisions.menu_policy": menu_policy}
    record = {"decisions.max_previous_convictions": int(max_previous_convictions)}
    variants: dict[str, dict] = {BASELINE: {}}
    if menu_policy != now.menu_policy:
        variants[f"menu: {menu_policy}"] = menu
    if int(max_previous_convictions) != now.max_previous_convictions:
        variants[f"limited record: at most {int(max_previous_convictions)}"] = record
    if len(variants) == 3:
        variants["the group's policy (both)"] = {**menu, **record}
    if len(variants) == 1:
        raise InputError("Run the area", None,
                         f"the group's policy is the area's current one (menu {now.menu_policy}, a limited record of "
                         f"at most {now.max_previous_convictions} previous convictions): change the menu policy or "
                         f"the limited record first, then run")
    return variants


def area_consequences(scenario: Scenario, menu_policy: str, max_previous_convictions: int, n: int = 20,
                      days: int | None = None, backend: str = "serial", workers: int | None = None,
                      progress: bool | None = False) -> AreaResult:
    """Replications of the area under its current policy and the group's (see the module doc)."""
    variants = policy_variants(scenario, menu_policy, max_previous_convictions)
    res = compare(scenario, variants, n=n, days=days, backend=backend, workers=workers, progress=progress)
    table = res.replications
    diffs = paired_differences(table, "variant", BASELINE, kpis=list(CONSEQUENCES))
    return AreaResult(scenario, table, diffs, n, days or scenario.days)
