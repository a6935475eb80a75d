"""A readable summary of one run, for the terminal and for trainers."""

from __future__ import annotations

import math

from .results import RunResult


def _n(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


def _pct(x: float) -> str:
    return "-" if x is None or math.isnan(x) else f"{100 * x:.1f}%"


def _f(x: float, unit: str) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.1f} {unit}"


def format_summary(result: RunResult) -> str:
    k = result.kpis
    pv = result.provenance
    lines = [
        f"dipsim {pv['dipsim_version']} — {pv['scenario_name']}",
        f"{pv['days']} days of arrests, seed {pv['seed']}, replication {pv['replication']} "
        f"(scenario {pv['scenario_hash'][:12]})",
        "",
        "Annex A funnel",
        f"  arrests                                  {_n(k['arrests']):>8}   ({_f(k['arrests_per_day'], 'a day')})",
        f"  tested on arrest (§2.2)                  {_n(k['tests']):>8}   positive {_pct(k['share_tests_positive'])}",
        f"  required initial assessments             {_n(k['required_assessments']):>8}   assessed {_pct(k['share_required_assessed'])}",
        f"    attended / failed / no worker          {_n(k['ia_attended']):>8}   {_n(k['ia_failed'])} / {_n(k['ia_missed_no_worker'])}",
        f"  follow-up assessments held               {_n(k['follow_up_assessments_held']):>8}   cancelled {_n(k['follow_up_assessments_cancelled'])} (Annex A note 3)",
        f"  voluntary assessments (§4.6.6 Step 1)    {_n(k['voluntary_assessments']):>8}",
        f"  referred to the CPS (§4.6.6 Step 2)      {_n(k['referred_to_cps']):>8}   authorised {_n(k['cps_authorised'])}",
        f"  DIP Conditional Cautions                 {_n(k['cautions']):>8}   declined {_n(k['declined'])}",
        "",
        "Disposals (terminal states)",
    ]
    for key, label in (("terminal_not_eligible", "not eligible (§2.1)"),
                       ("terminal_exit_no_drug_indication", "EXIT: no drug indication (Annex A)"),
                       ("terminal_alternative_disposal", "alternative disposal"),
                       ("terminal_declined_prosecution", "declined: may be prosecuted (Step 3)"),
                       ("terminal_complied_case_closed", "complied: case closed (Step 6)"),
                       ("terminal_non_compliance_prosecution", "non-compliance: prosecution (Step 6)"),
                       ("terminal_in_progress", "still in progress at the end")):
        lines.append(f"  {label:<40} {_n(k[key]):>8}")
    lines += ["", "Conditions set (§4.6)"]
    for c in ("one_session", "two_session", "two_session_follow_up", "three_session", "three_session_follow_up"):
        lines.append(f"  {c.replace('_', ' '):<40} {_n(k[f'condition_{c}']):>8}")
    lines += [
        f"  completion rate                          {_pct(k['completion_rate']):>8}",
        f"  DIRs completed (§5)                      {_n(k['dirs_completed']):>8}",
        f"  onward referrals (Annex C session 3)     {_n(k['onward_referrals']):>8}",
        "",
        "Waits",
        f"  arrest to initial assessment             {_f(k['mean_wait_arrest_to_ia_h'], 'hours'):>12}",
        f"  caution to first session (mean / p90)    {_f(k['mean_wait_caution_to_first_session_d'], 'days')}"
        f" / {_f(k['p90_wait_caution_to_first_session_d'], 'days')}",
        f"  custody assessments missed, no worker    {_n(k['custody_assessments_missed_no_worker']):>8}",
        "",
        "CJIT utilisation (busy / duty hours)",
        f"  custody suite                            {_pct(k['utilisation_custody']):>8}",
        f"  community                                {_pct(k['utilisation_community']):>8}",
        f"  on-call hours worked                     {_n(k.get('busy_callout_all_h', float('nan'))):>8}",
    ]
    return "\n".join(lines)
