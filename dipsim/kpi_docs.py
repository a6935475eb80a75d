"""The KPI reference (docs/kpis.md), generated from the registry in :mod:`dipsim.kpis`.

    python -m dipsim.kpi_docs                      # print it
    python -m dipsim.kpi_docs --write docs/kpis.md  # write it (a test checks it is current)
"""

from __future__ import annotations

import argparse

from .kpis import ACTIVITIES, FUNNEL, POOLS, REGISTRY, UNITS, KPI, first_session_kpi, funnel_box

SECTIONS = ("Through the pathway", "Where people ended up", "Conditions and compliance", "Waits", "CJIT workload")


def _row(k: KPI) -> str:
    box = f"{k.box}" if k.box else ""
    return f"| `{k.name}` | {k.label} | {k.unit} | {box} | {k.cite} | {k.definition} |"


def _table(kpis) -> list[str]:
    return ["| name | label | unit | Annex A box | guidance | definition |",
            "|---|---|---|---|---|---|", *(_row(k) for k in kpis)]


def kpis_markdown() -> str:
    out = [
        "# KPI reference",
        "",
        "<!-- Generated from dipsim/kpis.py by `python -m dipsim.kpi_docs --write docs/kpis.md`; do not edit. -->",
        "",
        "Every KPI a run (`dipsim run`, `dipsim.run`) or a replication table (`dipsim replicate`, `sweep`,",
        "`compare`, `capacity`) gives: its name (the column name, stable between versions), the label the",
        "summary, plots and comparison tables show, its unit, the box of the Annex A process map it counts",
        "(if any), the guidance section, and what exactly it counts. Counts are over the people arrested",
        "during the run's days of arrests, each followed to the end of their pathway.",
        "",
        "## Units",
        "",
        "| unit | meaning |",
        "|---|---|",
        *(f"| {u} | {text} |" for u, text in UNITS.items()),
        "",
        "## The Annex A funnel",
        "",
        "`dipsim.plots.funnel` draws one bar per box of the Annex A process map, in its order:",
        "",
        *(f"{i}. {funnel_box(n).box} (`{n}`{', ' + funnel_box(n).cite if funnel_box(n).cite else ''})"
          for i, (n, _) in enumerate(FUNNEL, 1)),
        "",
        "`admits` is not a KPI column: it is `arrests - terminal_not_eligible`. Testing and the Required",
        "Assessment (§2.2) reach every adult arrested for a trigger offence, not only those who admit, so",
        "the boxes are not nested.",
    ]
    busy = [k for k in REGISTRY.values() if k.name.startswith("busy_") and not k.name.endswith("_all_h")]
    for section in SECTIONS:
        rows = [k for k in REGISTRY.values() if k.section == section and k not in busy]
        if section == "Waits":
            n = first_session_kpi(7)
            rows.append(KPI("share_first_session_within_{N}d", n.label.replace("7", "N"), n.unit, None,
                            n.definition.replace("7 days", "N days"), n.cite, n.section))
        out += ["", f"## {section}", "", *_table(rows)]
        if section == "Waits":
            out += ["", "`share_first_session_within_{N}d` is computed for each replication (not by a single",
                    "`dipsim run`): N = 7, 10 and 14 by default; naming another N with `--kpi` adds it."]
    out += ["", "### Busy hours by activity", "",
            "`busy_<pool>_<activity>_h`: hours the pool's CJIT workers spent on that activity, booked to the",
            "day the work started; a run reports only activities with hours, and replication tables fill the",
            "rest with 0.", "",
            "| pool | in the name |", "|---|---|", *(f"| {w} | `{p}` |" for p, w in POOLS.items()), "",
            "| activity | in the name |", "|---|---|", *(f"| {w} | `{a}` |" for a, w in ACTIVITIES.items())]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dipsim.kpi_docs", description=__doc__.splitlines()[0])
    p.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")
    args = p.parse_args(argv)
    text = kpis_markdown()
    if args.write:
        from .io import atomic_write_text

        atomic_write_text(args.write, text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
