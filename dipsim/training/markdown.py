"""Enough Markdown to print the facilitator guide: headings, paragraphs, lists (with wrapped lines),
tables, code blocks, **bold**, *italic* and `code`. No dependency; the guide is written for it."""

from __future__ import annotations

import html
import re

__all__ = ["markdown_html"]


def _inline(text: str) -> str:
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for p in parts:
        if p.startswith("`") and p.endswith("`") and len(p) > 1:
            out.append(f"<code>{html.escape(p[1:-1])}</code>")
            continue
        p = html.escape(p, quote=False)
        p = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", p)
        p = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", p)
        out.append(p)
    return "".join(out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown_html(text: str, anchors: bool = True, shift: int = 0) -> str:
    """The HTML of a Markdown text (see the module docstring for what it reads); ``shift`` moves every
    heading down that many levels (to sit under a document's own title)."""
    lines = text.splitlines()
    out: list[str] = []
    para: list[str] = []
    lst: list[tuple[str, list[str]]] = []  # (tag, item lines)

    def flush():
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if lst:
            tag = lst[0][0]
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(' '.join(item))}</li>" for _, item in lst) + f"</{tag}>")
            lst.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre>{html.escape(chr(10).join(block))}</pre>")
        elif not stripped:
            flush()
        elif m := re.match(r"^(#{1,4})\s+(.*)$", stripped):
            flush()
            n = min(len(m.group(1)) + shift, 6)
            slug = re.sub(r"[^a-z0-9]+", "-", m.group(2).lower()).strip("-")
            ident = f' id="{slug}"' if anchors else ""
            out.append(f"<h{n}{ident}>{_inline(m.group(2))}</h{n}>")
        elif stripped.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1].strip()):
            flush()
            head = _cells(stripped)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rows)
                       + "</tbody></table>")
            continue
        elif m := re.match(r"^(\s*)([-*]|\d+\.)\s+(.*)$", line):
            if para:
                flush()
            tag = "ol" if m.group(2)[0].isdigit() else "ul"
            if lst and lst[0][0] != tag:
                flush()
            lst.append((tag, [m.group(3)]))
        elif lst and line.startswith((" ", "\t")):
            lst[-1][1].append(stripped)
        else:
            if lst:
                flush()
            para.append(stripped)
        i += 1
    flush()
    return "\n".join(out)
