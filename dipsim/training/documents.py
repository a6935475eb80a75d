"""The pack's three printable documents, as HTML with print CSS (A4):

* ``cards.html`` - the participant cards: a cover, then one card per page (the narrative, the
  facts a participant is told, the questions; no answers);
* ``facilitator.html`` - the facilitator pack: the facilitator guide (timetable, perspectives,
  per-card notes and judgement points, what the keys assume), a summary of the answers, then each
  card's key on a page of its own: the answer, what the key assumes happened, every step with its
  section, and the card's path highlighted on the Annex A map;
* ``annex-a-map.html`` - the Annex A map on one landscape page, for the slide (also ``annex-a-map.svg``).

Every code name is printed in words (:mod:`dipsim.training.labels`).
"""

from __future__ import annotations

import html

from ..pathway_map import PathwayMap, box_path
from .facts import key_facts, told_facts
from .labels import STEP_LABELS, plain, plain_text
from .map_svg import map_svg
from .markdown import markdown_html

__all__ = ["cards_html", "facilitator_html", "map_html"]

SLIDE_ROW_GAP = 50
"""Space between rows on the slide (a landscape page is taller than the keys' map needs)."""

PERSPECTIVE_LABELS = {"police": "Police", "cps": "CPS", "cjit": "CJIT / treatment provider"}
GUIDANCE = ("Drug Interventions Programme: Conditional Cautioning and the DIP Condition, operational guidelines, "
            "May 2008 (version 1.3)")

_CSS = """
@page { size: A4; margin: 13mm 14mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.32; color: #111; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 19pt; margin: 0 0 .3em; } h2 { font-size: 14.5pt; margin: .9em 0 .3em; }
h3 { font-size: 11.5pt; margin: .7em 0 .25em; } h4 { font-size: 10.5pt; margin: .6em 0 .2em; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p, li { orphans: 3; widows: 3; }
.meta { color: #444; font-size: 9.5pt; margin: 0 0 .5em; }
.narrative { border-left: 4px solid #1d4e89; padding: .15em .7em; background: #f1f6fb; }
.narrative p { margin: .35em 0; }
table { border-collapse: collapse; width: 100%; margin: .35em 0; font-size: 9.5pt; }
th, td { border: 1px solid #b5b5b5; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #ececec; } td.n { width: 2em; text-align: right; } td.rule { white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
table.facts td:first-child { width: 58%; } table.facts th.group { background: #dfe8f1; }
.tag { display: inline-block; border: 1px solid #1d4e89; border-radius: 3px; padding: 0 .4em; margin-right: .3em;
       font-size: 8.5pt; color: #1d4e89; }
.page { break-before: page; page-break-before: always; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.card ol { margin: .3em 0 0 1.2em; padding: 0; } .card li { margin: .15em 0; }
.answer th { width: 22%; }
.map { break-inside: avoid; page-break-inside: avoid; margin-top: .4em; }
.map .meta { margin: 0; }
.map svg { width: 100%; height: auto; }
.guide table { break-inside: avoid; page-break-inside: avoid; } .guide td:first-child { white-space: nowrap; }
pre { background: #f4f4f4; padding: .4em; font-size: 8.5pt; white-space: pre-wrap; }
code { font-size: 9pt; }
@media screen { body { padding: 1.5em; } .page { margin-top: 2.5em; border-top: 1px dashed #aaa; padding-top: 1em; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _doc(title: str, body: list[str], css: str = "") -> str:
    return "\n".join(['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
                      f"<title>{_e(title)}</title>", f"<style>{_CSS}{css}</style>", "</head>", "<body>",
                      *body, "</body>", "</html>"]) + "\n"


def _perspectives(card: dict) -> str:
    return "".join(f'<span class="tag">{_e(PERSPECTIVE_LABELS[p])}</span>' for p in card["perspectives"])


def _facts_table(groups: list[tuple[str, list[tuple[str, str]]]]) -> str:
    out = ['<table class="facts">']
    for group, rows in groups:
        out.append(f'<tr><th class="group" colspan="2">{_e(group)}</th></tr>')
        out += [f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows]
    return "\n".join(out + ["</table>"])


# --------------------------------------------------------------------------- participant cards

def cards_html(cards) -> str:
    body = ['<section class="cover">', "<h1>DIP Conditional Caution: case cards</h1>",
            f'<p class="meta">{_e(GUIDANCE)}. Joint police / CPS / CJIT training (§4.3). One card per page: the '
            "story, the facts you are told, and the questions for your group. Walk each case along the Annex A "
            "map and decide, from each perspective on the card, what happens next.</p>",
            "<table><thead><tr><th>#</th><th>Card</th><th>Perspectives</th></tr></thead><tbody>"]
    for c in cards:
        n = c.number
        persp = ", ".join(PERSPECTIVE_LABELS[p] for p in c.case["card"]["perspectives"])
        body.append(f'<tr><td class="n">{n}</td><td>{_e(c.title)}</td><td>{_e(persp)}</td></tr>')
    body += ["</tbody></table>", "</section>"]
    for c in cards:
        n = c.number
        card = c.case["card"]
        paras = [p.strip() for p in card["narrative"].split("\n\n") if p.strip()]
        body += [f'<section class="page card" id="card-{_e(c.name)}">',
                 f"<h2>Card {n}: {_e(c.title)}</h2>", f'<p class="meta">{_perspectives(card)}</p>',
                 '<div class="narrative">' + "".join(f"<p>{_e(' '.join(p.split()))}</p>" for p in paras) + "</div>",
                 "<h3>What you are told</h3>", _facts_table(told_facts(c.case)),
                 "<h3>For discussion</h3>", "<ol>", *[f"<li>{_e(q)}</li>" for q in card["questions"]], "</ol>",
                 "</section>"]
    return _doc("DIP Conditional Caution - case cards", body)


# --------------------------------------------------------------------------- the facilitator pack

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _answer_rows(r) -> list[tuple[str, str]]:
    rows = [("Disposal", _cap(plain(r.disposal))),
            ("Condition", plain(r.condition, "none: no caution was offered")),
            ("Outcome", _cap(plain(r.outcome, "none: no caution was administered")))]
    rows.append(("Actions", "; ".join(plain(a) for a in r.actions) or "none"))
    return rows


def _key(n: int, c, pathway_map: PathwayMap) -> list[str]:
    r = c.result
    path = box_path(r.steps, r.disposal, r.outcome)
    out = [f'<section class="page key" id="key-{_e(c.name)}">', '<div class="keep">',
           f"<h2>Key {n}: {_e(c.title)}</h2>",
           f'<p class="meta">{_perspectives(c.case["card"])} Card {n}. The answer as dipsim\'s explainer walks the '
           "case through the guidance (the rules the simulation uses).</p>",
           '<table class="answer">', *[f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _answer_rows(r)],
           "</table>", "</div>", '<div class="map">',
           map_svg(pathway_map, path, f"The path of card {n} on the Annex A map"),
           f'<p class="meta">Card {n}\'s path on the Annex A map (highlighted).</p></div>',
           '<div class="keep">', "<h3>What the key assumes happened</h3>",
           _facts_table([("Not on the participants' card", key_facts(c.case, r.condition))]), "</div>",
           "<h3>Steps</h3>",
           '<table class="steps"><thead><tr><th>#</th><th>Step</th><th>Section</th><th>Why</th></tr></thead><tbody>']
    for i, s in enumerate(r.steps, 1):
        out.append(f'<tr><td class="n">{i}</td><td>{_e(STEP_LABELS[s["step"]])}</td>'
                   f'<td class="rule">{_e(s["rule"])}</td><td>{_e(plain_text(s["detail"]))}</td></tr>')
    out += ["</tbody></table>", "</section>"]
    return out


def facilitator_html(cards, guide_md: str, pathway_map: PathwayMap) -> str:
    body = ['<section class="cover">', "<h1>DIP Conditional Caution: facilitator pack</h1>",
            f'<p class="meta">{_e(GUIDANCE)}. For the facilitator only: the guide to the two-hour session, a '
            "summary of the answers, then the key to every card, each on a page of its own with the card's path "
            "on the Annex A map. Participants get the case cards; the Annex A map for the opening slide is a "
            "document of its own.</p>", '<div class="guide">', markdown_html(guide_md, shift=1), "</div>", "</section>",
            '<section class="page" id="keys">', "<h2>The answers at a glance</h2>",
            "<table><thead><tr><th>#</th><th>Card</th><th>Disposal</th><th>Condition</th><th>Outcome</th></tr>"
            "</thead><tbody>"]
    for c in cards:
        n = c.number
        r = c.result
        body.append(f'<tr><td class="n">{n}</td><td>{_e(c.title)}</td><td>{_e(plain(r.disposal))}</td>'
                    f"<td>{_e(plain(r.condition, '-'))}</td><td>{_e(plain(r.outcome, '-'))}</td></tr>")
    body += ["</tbody></table>", "</section>"]
    for c in cards:
        n = c.number
        body += _key(n, c, pathway_map)
    return _doc("DIP Conditional Caution - facilitator pack", body)


# --------------------------------------------------------------------------- the map on one slide

def map_html(pathway_map: PathwayMap, n_cards: int) -> str:
    css = ("@page { size: A4 landscape; margin: 9mm; } body { max-width: none; }"
           " .map { margin: 0; } h1 { font-size: 15pt; margin: 0 0 .15em; } .meta { font-size: 8.5pt; }")
    body = ['<section class="slide">', "<h1>The Annex A process map: a Conditional Caution with a DIP Condition</h1>",
            '<div class="map">', map_svg(pathway_map, None, "The Annex A process map", row_gap=SLIDE_ROW_GAP), "</div>",
            f'<p class="meta">{_e(GUIDANCE)}, Annex A. Drawn by dipsim from its one pathway - the order the '
            f"simulation and the answer keys follow - by walking the {n_cards} cards and "
            f"{pathway_map.walks - n_cards} generated cases: every arrow is a step some walk took, and each box "
            "names the sections its rules cite. Ends are drawn beside the box a case ends from.</p>", "</section>"]
    return _doc("The Annex A process map", body, css)
