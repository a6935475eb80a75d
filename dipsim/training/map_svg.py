"""The Annex A map (:class:`dipsim.pathway_map.PathwayMap`) as an SVG picture, laid out in Python.

Three columns, one per phase (arrest and custody; the police and CPS decide; the DIP Condition),
each box a row in the map's order. An arrow to the next row is a straight line; an arrow that
skips rows, or goes to the next column, runs in the channel to the left of the boxes (and along
the bottom between columns). The places a walk can end are drawn beside the box it ends from. No
Graphviz is needed. ``highlight``: a walk's box path (:func:`dipsim.pathway_map.box_path`) is drawn
bold and everything else grey, for a card's key.
"""

from __future__ import annotations

import html

from ..pathway_map import BY_KEY, END_NOTE as SIDE, ENDS, PHASES, PathwayMap

__all__ = ["map_svg"]

BOX_W, END_W, PAD, LINE, SEC_LINE = 236, 176, 7, 14, 12
FONT, END_FONT, SEC_FONT = 12.5, 11.5, 10.5
ROW_GAP, END_GAP, SLOT = 18, 6, 7


def _wrap(text: str, width_px: float, font: float) -> list[str]:
    per_line = max(8, int(width_px / (font * 0.54)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def _e(s: str) -> str:
    return html.escape(s, quote=True)


class _Item:
    def __init__(self, key, label, section, width, font, kind):
        self.key, self.kind, self.width, self.font = key, kind, width, font
        self.lines = _wrap(label, width - 2 * PAD, font)
        self.section = section
        self.height = 2 * PAD + len(self.lines) * (font + 2) + (SEC_LINE if section else 0)
        self.x = self.y = 0.0

    @property
    def cx(self):
        return self.x + self.width / 2

    @property
    def cy(self):
        return self.y + self.height / 2

    def svg(self, cls: str) -> str:
        out = [f'<g class="{cls}" data-box="{_e(self.key)}">',
               f'<rect x="{self.x:.1f}" y="{self.y:.1f}" width="{self.width}" height="{self.height:.1f}" '
               f'rx="{9 if self.kind == "end" else 3}"/>']
        y = self.y + PAD + self.font - 1
        for line in self.lines:
            out.append(f'<text x="{self.cx:.1f}" y="{y:.1f}" font-size="{self.font}">{_e(line)}</text>')
            y += self.font + 2
        if self.section:
            out.append(f'<text class="sec" x="{self.cx:.1f}" y="{y + 1:.1f}" font-size="{SEC_FONT}">'
                       f'{_e(self.section)}</text>')
        out.append("</g>")
        return "\n".join(out)


def _path(points, cls: str) -> str:
    d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<path class="{cls}" d="{d}" marker-end="url(#arrow-{cls})"/>'


def map_svg(m: PathwayMap, highlight: list[str] | None = None, title: str | None = None,
            row_gap: float = ROW_GAP) -> str:
    """The map as a standalone ``<svg>`` element (scales to its container's width)."""
    on_boxes = set(highlight or ())
    on_arrows: set[tuple[str, str]] = set()
    on_end: tuple[str, str] | None = None
    if highlight:
        rows = [b for b in highlight[:-1] if b != SIDE]
        on_arrows = set(zip(rows, rows[1:]))
        on_end = (rows[-1], highlight[-1])

    def cls(on: bool) -> str:
        return "on" if on else ("off" if highlight else "plain")

    # Boxes in columns.
    columns = {ph: [b for b in m.boxes if b.phase == ph and b.key != SIDE] for ph in PHASES}
    items: dict[str, _Item] = {}
    for b in m.boxes:
        if b.key != SIDE:
            items[b.key] = _Item(b.key, b.label, m.sections.get(b.key, ""), BOX_W, FONT, "box")
    end_items: dict[tuple[str, str], _Item] = {}
    for src, ends in m.ends.items():
        for end in ends:
            end_items[(src, end)] = _Item(end, ENDS[end].label, m.sections.get(end, ""), END_W, END_FONT, "end")
    # Which end copies a walk may reach through the side note (marked with a dagger).
    arrows = [(a, b) for a, b in m.arrows if SIDE not in (a, b)]
    row_of = {k: (ph, n) for ph, boxes in columns.items() for n, b in enumerate(boxes) for k in [b.key]}
    channel = {ph: [] for ph in PHASES}  # arrows using each column's channel
    lane: list[tuple[str, str]] = []
    for a, b in arrows:
        (pa, ra), (pb, rb) = row_of[a], row_of[b]
        if pa == pb and rb == ra + 1:
            continue
        channel[pa].append((a, b))
        if pb != pa:
            channel[pb].append((a, b))
            lane.append((a, b))
    slots: dict[tuple[str, tuple[str, str]], int] = {}
    for ph, used in channel.items():
        span = {ab: abs(row_of[ab[1]][1] - row_of[ab[0]][1]) if row_of[ab[1]][0] == ph == row_of[ab[0]][0]
                else 99 for ab in used}
        for k, ab in enumerate(sorted(used, key=lambda ab: (span[ab], row_of[ab[0]][1]))):
            slots[(ph, ab)] = k
    top = 44
    x = 12.0
    bottoms = []
    col_x = {}
    for ph in PHASES:
        ch_w = 10 + SLOT * max(1, len(channel[ph]))
        col_x[ph] = x
        bx = x + ch_w
        y = top
        for b in columns[ph]:
            it = items[b.key]
            ends = [end_items[(b.key, e)] for e in m.ends.get(b.key, ())]
            ends_h = sum(e.height for e in ends) + END_GAP * max(0, len(ends) - 1)
            row_h = max(it.height, ends_h)
            it.x, it.y = bx, y + (row_h - it.height) / 2
            ey = y + (row_h - ends_h) / 2
            for e in ends:
                e.x, e.y = bx + BOX_W + 34, ey
                ey += e.height + END_GAP
            y += row_h + row_gap
        bottoms.append(y)
        x = bx + BOX_W + 34 + END_W + 22
    width = x
    lane_y0 = max(bottoms) + 4
    height = lane_y0 + SLOT * (len(lane) + 1) + (26 if m.noted else 6)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="annex-a-map" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'role="img" aria-label="{_e(title or "The Annex A process map")}">',
           "<defs>" + "".join(
               f'<marker id="arrow-{c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{w}" markerHeight="{w}" '
               f'orient="auto-start-reverse"><path class="{c}" d="M0,0 L10,5 L0,10 z"/></marker>'
               for c, w in (("plain", 6), ("on", 5), ("off", 6))) + "</defs>",
           "<style>"
           ".annex-a-map text{font-family:Arial,Helvetica,sans-serif;text-anchor:middle;fill:#111}"
           ".annex-a-map text.sec{fill:#1d4e89;font-style:italic}"
           ".annex-a-map .plain rect{fill:#fff;stroke:#1d4e89;stroke-width:1.3}"
           ".annex-a-map .on rect{fill:#ffe08a;stroke:#7a4b00;stroke-width:2.2}"
           ".annex-a-map .off rect{fill:#fff;stroke:#b9b9b9;stroke-width:1}"
           ".annex-a-map .off text{fill:#8a8a8a}"
           ".annex-a-map g.end.plain rect{fill:#eef3f8}"
           ".annex-a-map path.plain{fill:none;stroke:#1d4e89;stroke-width:1.2}"
           ".annex-a-map path.on{fill:none;stroke:#b8410f;stroke-width:3}"
           ".annex-a-map path.off{fill:none;stroke:#c8c8c8;stroke-width:1}"
           ".annex-a-map marker path{stroke:none}"
           ".annex-a-map marker path.plain{fill:#1d4e89}.annex-a-map marker path.on{fill:#b8410f}"
           ".annex-a-map marker path.off{fill:#c8c8c8}"
           ".annex-a-map .phase{font-size:14px;font-weight:bold;fill:#1d4e89;text-anchor:start}"
           "</style>"]
    for ph in PHASES:
        out.append(f'<text class="phase" x="{col_x[ph] + 4:.1f}" y="24">{_e(ph)}</text>')
    # Arrows first, boxes on top.
    for a, b in arrows:
        ia, ib = items[a], items[b]
        (pa, ra), (pb, rb) = row_of[a], row_of[b]
        on = (a, b) in on_arrows
        if pa == pb and rb == ra + 1:
            out.append(_path([(ia.cx, ia.y + ia.height), (ib.cx, ib.y)], cls(on)))
            continue
        xa = ia.x - 8 - SLOT * slots[(pa, (a, b))]
        pts = [(ia.x, ia.cy), (xa, ia.cy)]
        if pb != pa:
            ly = lane_y0 + SLOT * lane.index((a, b))
            xb = ib.x - 8 - SLOT * slots[(pb, (a, b))]
            pts += [(xa, ly), (xb, ly), (xb, ib.cy)]
        else:
            pts.append((xa, ib.cy))
        pts.append((ib.x, ib.cy))
        out.append(_path(pts, cls(on)))
    for (src, end), e in end_items.items():
        s = items[src]
        on = on_end == (src, end)
        mid = s.x + BOX_W + 16
        out.append(_path([(s.x + BOX_W, s.cy), (mid, s.cy), (mid, e.cy), (e.x, e.cy)], cls(on)))
    for k, it in items.items():
        out.append(it.svg(f"box {cls(k in on_boxes)}"))
    for (src, end), e in end_items.items():
        if (src, end) in m.noted:
            e.lines = e.lines[:-1] + [e.lines[-1] + " \u2020"]
        out.append(e.svg(f"end {cls(on_end == (src, end))}"))
    if m.noted:
        note = BY_KEY[SIDE]
        out.append(f'<text x="12" y="{height - 8:.1f}" font-size="11.5" style="text-anchor:start" '
                   f'class="{cls(SIDE in on_boxes)}">\u2020 {_e(note.label)} '
                   f'({_e(m.sections.get(SIDE, ""))}).</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"

