"""Text the commands print: numbers, tables and KPI summaries."""

from __future__ import annotations

import math
import textwrap
from typing import Sequence

import pandas as pd

DEFAULT_SHOW = ("arrests", "share_required_assessed", "share_ia_before_release", "cautions", "completion_rate",
                "mean_wait_ia_queue_h", "mean_wait_caution_to_first_session_d", "share_first_session_within_10d",
                "utilisation_custody", "utilisation_community")


def fmt_value(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if x != 0 and abs(x) < 0.001:
        return f"{x:.2g}"
    return f"{x:.3f}"


def summary_text(summary: pd.DataFrame, kpis: Sequence[str], by: Sequence[str] = ()) -> str:
    """Mean ± 95% half-width for the chosen KPIs, one line per (group, KPI), groups in run order."""
    s = summary[summary["kpi"].isin(kpis)].copy()
    if s.empty:
        return ""
    s["_k"] = s["kpi"].map({k: i for i, k in enumerate(kpis)})
    s["_g"] = pd.factorize(pd.Series(list(zip(*(s[b] for b in by))) if by else [0] * len(s), index=s.index))[0]
    s = s.sort_values(["_g", "_k"], kind="stable")
    table = pd.DataFrame({**{b: s[b].astype(str) for b in by}, "KPI": s["kpi"],
                          "mean ± 95% half-width": [f"{fmt_value(m)} ± {fmt_value(h)}"
                                                    for m, h in zip(s["mean"], s["half_width"])],
                          "n": s["n"].astype(int)})
    return text_table(table)


def text_table(df: pd.DataFrame) -> str:
    """A plain left-aligned text table (numbers as given)."""
    cols = [str(c) for c in df.columns]
    body = [[str(v) for v in row] for row in df.itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)


def sentences_text(sentences: Sequence[str], width: int = 100) -> str:
    """Plain-English sentences as readable lines: each starts its own line ("- " bullets; a
    sentence starting "- " is a sub-point of the one before), wrapped with a hanging indent."""
    lines = []
    for s in sentences:
        sub = s.startswith("- ")
        first, rest = ("    - ", "      ") if sub else ("- ", "  ")
        lines += textwrap.wrap(s[2:] if sub else s, width, initial_indent=first, subsequent_indent=rest) or [""]
    return "\n".join(lines)


def capacity_text(result) -> str:
    """A capacity answer (:class:`dipsim.experiment.capacity.CapacityResult`) or a rota search's
    (:class:`~dipsim.experiment.capacity.RotaResult`): the answer and why, then the evidence table."""
    return sentences_text(result.explanation()) + "\n\n" + text_table(result.table())
