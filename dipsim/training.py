"""The training pack: case cards in, answer keys and a printable pack out.

A pack folder holds ``cases/*.yaml`` (the cards), ``keys/`` and ``pack.html`` (generated),
``README.md`` and ``facilitator_guide.md``. The repository's ``training/`` is one; the
cards, guide and README also ship inside the package (``dipsim/training_pack``, a link to
``training/`` in the repository), and ``dipsim training init DIR`` copies them into a new
folder and builds it, so a pip-installed dipsim gives a trainer a pack of their own.

``dipsim training build [--pack DIR] [--check]`` reads every case card ``DIR/cases/*.yaml``
(the case-file format of :mod:`dipsim.case`, with a ``card`` section), runs each
through :func:`dipsim.case.explain` - the same rules the simulation uses - and writes:

* ``DIR/keys/<card>.json``: the answer key (disposal, condition, outcome,
  actions, steps with citations) exactly as ``dipsim case --json`` gives it, plus
  the card's name, title and the parameters used;
* ``DIR/keys/<card>.md``: the same key, readable;
* ``DIR/pack.html``: the cards, then the keys, with print CSS (one card or key
  per page).

Without ``--pack``, DIR is the repository's ``training/`` (from the repository folder, or
beside an editable install); elsewhere that is a one-line error saying to use ``init``.

Keys are never written by hand: a changed card or rule changes the key on the next
build. ``--check`` writes nothing and exits 1 listing every file that a build would
change (stale, missing or orphaned), so a test or CI job fails when keys are stale.
Files are written atomically (a temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import html
import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

from .case import (ACTION_LABELS, CONDITION_LABELS, DISPOSAL_LABELS, OUTCOME_LABELS, CaseResult, explain,
                   load_case)
from .errors import InputError
from .io import atomic_write_text, new_folder
from .rules.compliance import NON_COMPLIANT_EVENTS
from .rules.menu import has_follow_up, sessions
from .rules.offences import OFFENCES

__all__ = ["CASES_DIR", "PARAMETERS", "Card", "build_pack", "init_pack", "load_cards", "render_pack",
           "shipped_pack", "stale_files", "training_root"]

PARAMETERS = {"menu_policy": "annex_b", "max_previous_convictions": 5, "max_rearrangements": 1}
"""The explainer's parameters for every key (the guidance's menu, the defaults of ``dipsim case``)."""

PERSPECTIVE_LABELS = {"police": "Police", "cps": "CPS", "cjit": "CJIT / treatment provider"}

KEYS_DIR = "keys"
PACK = "pack.html"


CASES_DIR = "cases"
GUIDES = ("README.md", "facilitator_guide.md")
"""The pack's hand-written files besides the cards (shipped, copied by ``init``)."""


def training_root() -> Path:
    """The repository's ``training/`` pack: ``./training`` when run from the repository folder,
    else the one beside the package (an editable install). Installed from a wheel there is
    none: an :class:`InputError` says to make a pack with ``dipsim training init DIR``."""
    for root in (Path.cwd() / "training", Path(__file__).resolve().parents[1] / "training"):
        if (root / CASES_DIR).is_dir():
            return root
    raise InputError("--pack", None, "not given, and there is no training/ pack folder here (dipsim is not "
                     "running from its repository); make a pack with: dipsim training init DIR, then use "
                     "--pack DIR")


def shipped_pack():
    """The cards, guide and README shipped inside the package (an ``importlib.resources`` folder)."""
    return importlib.resources.files("dipsim") / "training_pack"


def init_pack(dest: str | Path) -> list[str]:
    """Copy the shipped cards, README and facilitator guide into the new (or empty) folder
    ``dest`` and build its keys and ``pack.html``; all or nothing. Returns the files (relative).

    A folder that already holds anything is refused: nothing of the user's is overwritten.
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(dest, None, "already exists and is not an empty folder; choose a new folder "
                         "for the training pack (nothing was written)")
    src = shipped_pack()
    files = {f"{CASES_DIR}/{p.name}": p.read_text(encoding="utf-8")
             for p in src.joinpath(CASES_DIR).iterdir() if p.name.endswith((".yaml", ".yml"))}
    files.update({name: src.joinpath(name).read_text(encoding="utf-8") for name in GUIDES})
    with new_folder(dest) as tmp:
        for rel, text in files.items():
            atomic_write_text(tmp / rel, text)
        built = build_pack(tmp / CASES_DIR, tmp)
    return sorted(files) + built


@dataclass(frozen=True)
class Card:
    name: str            # file stem, e.g. "01-first-time-possession"
    path: Path
    case: dict           # the validated case, defaults filled
    result: CaseResult

    @property
    def title(self) -> str:
        return self.case["card"]["title"]


# --------------------------------------------------------------------------- loading

def load_cards(cases_dir: str | Path) -> list[Card]:
    """Every ``*.yaml`` in ``cases_dir``, in name order, validated as training cards and explained."""
    d = Path(cases_dir)
    if not d.is_dir():
        raise InputError(str(d), None, "not a folder; expected the folder of training case cards (*.yaml)")
    paths = sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not paths:
        raise InputError(str(d), None, "no case cards (*.yaml) found")
    cards = []
    seen: dict[str, Path] = {}
    for p in paths:
        if p.stem in seen:
            raise InputError(str(p), None, f"two cards named {p.stem!r} ({seen[p.stem].name}); rename one")
        seen[p.stem] = p
        case = load_case(p)
        card = case["card"]
        for key in ("title", "narrative"):
            if not (card[key] or "").strip():
                raise InputError(str(p), f"card.{key}", "required for a training card; expected a text string")
        for key in ("questions", "perspectives"):
            if not card[key]:
                raise InputError(str(p), f"card.{key}", "required for a training card; expected a non-empty list")
        cards.append(Card(p.stem, p, case, explain(case, **PARAMETERS)))
    return cards


# --------------------------------------------------------------------------- rendering

def _key_json(card: Card) -> str:
    key = {"card": card.path.name, "title": card.title, "parameters": dict(PARAMETERS), **card.result.to_dict()}
    return json.dumps(key, indent=2, ensure_ascii=False) + "\n"


def _yes(v: bool | None, none: str = "not known") -> str:
    return none if v is None else ("yes" if v else "no")


def _facts(case: dict, condition: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The card's facts in words, grouped as the story unfolds; optional extras only when set."""
    a, o, e = case["area"], case["offender"], case["events"]
    profile = {None: "not known", 1: "1 - non-problematic use", 2: "2 - use becoming problematic",
               3: "3 - offending and using drugs", 4: "4 - offending to fund drug misuse"}
    arrest = [
        ("Area", f"{'DIP intensive' if a['intensive'] else 'DIP non-intensive'}, {a['country'].title()}"),
        ("Age", str(o["age"])),
        ("Offence", OFFENCES[o["offence"]].label),
        ("Admits the offence in a cautioned interview", _yes(o["admits_offence"])),
        ("Sufficient evidence to charge", _yes(o["sufficient_evidence"])),
        ("Previous convictions", str(o["previous_convictions"])),
        ("Recent offending of a similar nature", _yes(o["recent_similar_offending"])),
        ("Known to police/CJIT as a drug misuser", _yes(o["known_drug_misuser"])),
        ("Lives in this area", _yes(o["resident_in_area"])),
    ]
    if not o["resident_in_area"]:
        arrest.append(("Home-area CJIT can deliver the condition and report", _yes(o["home_cjit_can_deliver"])))
    if o["resides_in_england"] != (a["country"] == "england"):
        arrest.append(("Lives in England", _yes(o["resides_in_england"])))
    arrest.append(("Accepts responsibility, willing to comply", _yes(o["accepts_responsibility"])))
    custody = [("Drug test", e["drug_test"].replace("_", " "))]
    if e["inspector_authorises"]:
        custody.append(("Inspector authorised a test", "yes"))
    custody += [
        ("Attends and remains at the initial required assessment",
         _yes(e["attends_initial_assessment"], "no assessment held")),
        ("Follow-up assessment arranged", _yes(e["follow_up_assessment_arranged"])),
        ("Gives written consent to share information", _yes(e["consents_to_share"])),
        ("On police bail", _yes(e["police_bail"])),
        ("Drug-use profile found (Annex B group)", profile[o["drug_use_profile"]]),
    ]
    decision = [("CPS authorises", _yes(e["cps_authorises"], "the CPS decides on the police recommendation"))]
    if e["cps_condition"]:
        decision.append(("Condition the CPS sets", CONDITION_LABELS[e["cps_condition"]]))
    decision.append(("Accepts the Conditional Caution", _yes(e["accepts_caution"])))
    if e["sessions"]:
        listed = ", ".join(s.replace("_", " ") for s in e["sessions"])
        stops = set(e["sessions"]) & set(NON_COMPLIANT_EVENTS)
        if condition is not None and not stops and len(e["sessions"]) < len(sessions(condition)):
            listed += " (sessions not listed: attended)"
    else:
        listed = "every session attended"
    after = [("Sessions, if a caution is given (in order)", listed)]
    if e["review_gap_days"] is not None:
        after.append(("Days between session 2 and session 3", str(e["review_gap_days"])))
    if e["follow_up"] is not None or (condition is not None and has_follow_up(condition)):
        after.append(("Follow-up, if required", {None: "no failure recorded", "complied": "complied",
                                                 "not_complied": "did not participate"}[e["follow_up"]]))
    if e["follow_up_max_days"] is not None:
        after.append(("Follow-up maximum on the caution (days)", str(e["follow_up_max_days"])))
    if e["follow_up_need_days"] is not None:
        after.append(("Follow-up the worker assesses is needed (days)", str(e["follow_up_need_days"])))
    if e["accepts_onward_referral"] is not None:
        after.append(("Agrees to onward referral", _yes(e["accepts_onward_referral"])))
    return [("Arrest and interview", arrest), ("In custody", custody), ("Decision", decision),
            ("After the decision", after)]


def _result_lines(r: CaseResult) -> list[tuple[str, str]]:
    cond = "none" if r.condition is None else f"{r.condition} - {CONDITION_LABELS[r.condition]}"
    out = "none" if r.outcome is None else f"{r.outcome} - {OUTCOME_LABELS[r.outcome]}"
    return [("Disposal", f"{r.disposal} - {DISPOSAL_LABELS[r.disposal]}"), ("Condition", cond), ("Outcome", out)]


def _key_md(card: Card) -> str:
    r = card.result
    lines = [f"# Answer key: {card.title}", "",
             f"Card `{card.path.name}`. Generated by `dipsim training build` from the case card with "
             f"`dipsim.case.explain` (menu policy `{PARAMETERS['menu_policy']}`, a limited record = up to "
             f"{PARAMETERS['max_previous_convictions']} previous convictions, up to "
             f"{PARAMETERS['max_rearrangements']} re-arranged appointment per session). Do not edit by hand.", ""]
    for label, value in _result_lines(r):
        lines.append(f"- **{label}:** {value}")
    if r.actions:
        lines.append("- **Actions:**")
        lines += [f"  - `{a}`: {ACTION_LABELS[a]}" for a in r.actions]
    else:
        lines.append("- **Actions:** none")
    lines += ["", "## Steps", "", "| # | Step | Citation | What the guidance says here |", "|---|---|---|---|"]
    for n, s in enumerate(r.steps, 1):
        detail = s["detail"].replace("|", "\\|")
        lines.append(f"| {n} | {s['step'].replace('_', ' ')} | {s['rule']} | {detail} |")
    return "\n".join(lines) + "\n"


_CSS = """
body { font-family: "Segoe UI", Arial, sans-serif; font-size: 11pt; line-height: 1.35; margin: 2em; color: #111; }
h1 { font-size: 20pt; margin: 0 0 .3em; } h2 { font-size: 15pt; margin: 0 0 .3em; } h3 { font-size: 12pt; margin: .8em 0 .3em; }
.meta { color: #444; font-size: 10pt; margin-bottom: .6em; }
.narrative { border-left: 4px solid #2a6f97; padding: .3em .8em; background: #f3f8fb; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; font-size: 10pt; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; } td.n { width: 2em; text-align: right; } td.rule { white-space: nowrap; }
table.facts td:first-child { width: 55%; }
.tag { display: inline-block; border: 1px solid #2a6f97; border-radius: 3px; padding: 0 .4em; margin-right: .3em;
       font-size: 9pt; color: #2a6f97; }
.page { margin-top: 2.5em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .page { page-break-before: always; break-before: page; margin-top: 0; }
  .no-print { display: none; }
  table, tr { page-break-inside: avoid; break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pack_html(cards: list[Card]) -> str:
    out: list[str] = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>DIP Conditional Caution - joint training pack</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        "<h1>DIP Conditional Caution: joint police / CPS / CJIT training pack</h1>",
        '<p class="meta">Drug Interventions Programme, Conditional Cautioning and the DIP Condition, '
        "operational guidelines, May 2008 (version 1.3). Cards first, then the answer keys. "
        "Generated by <code>dipsim training build</code>; the keys come from the same rules as the "
        "simulation. Print with your browser (one card or key per page).</p>",
        "<h2>Cards</h2>", "<table><tr><th>#</th><th>Card</th><th>Perspectives</th></tr>",
    ]
    for n, c in enumerate(cards, 1):
        persp = ", ".join(PERSPECTIVE_LABELS[p] for p in c.case["card"]["perspectives"])
        out.append(f'<tr><td class="n">{n}</td><td><a href="#card-{_e(c.name)}">{_e(c.title)}</a></td>'
                   f"<td>{_e(persp)}</td></tr>")
    out.append("</table>")

    for n, c in enumerate(cards, 1):
        card = c.case["card"]
        out += [f'<section class="page card" id="card-{_e(c.name)}">',
                f"<h2>Card {n}: {_e(c.title)}</h2>",
                '<p class="meta">' + "".join(f'<span class="tag">{_e(PERSPECTIVE_LABELS[p])}</span>'
                                             for p in card["perspectives"]) + f" {_e(c.path.name)}</p>"]
        out += [f'<div class="narrative">{"".join(f"<p>{_e(par.strip())}</p>" for par in card["narrative"].split(chr(10) + chr(10)) if par.strip())}</div>']
        out.append("<h3>The facts</h3>")
        out.append('<table class="facts">')
        for group, facts in _facts(c.case, c.result.condition):
            out.append(f'<tr><th colspan="2">{_e(group)}</th></tr>')
            out += [f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in facts]
        out.append("</table>")
        out.append("<h3>For discussion</h3><ol>")
        out += [f"<li>{_e(q)}</li>" for q in card["questions"]]
        out += ["</ol>", "</section>"]

    out += ['<section class="page" id="keys">', "<h2>Answer keys: summary</h2>",
            "<table><tr><th>#</th><th>Card</th><th>Disposal</th><th>Condition</th><th>Outcome</th></tr>"]
    for n, c in enumerate(cards, 1):
        r = c.result
        out.append(f'<tr><td class="n">{n}</td><td><a href="#key-{_e(c.name)}">{_e(c.title)}</a></td>'
                   f"<td>{_e(r.disposal)}</td><td>{_e(r.condition or '-')}</td><td>{_e(r.outcome or '-')}</td></tr>")
    out += ["</table>", "</section>"]

    for n, c in enumerate(cards, 1):
        r = c.result
        out += [f'<section class="page key" id="key-{_e(c.name)}">', f"<h2>Key {n}: {_e(c.title)}</h2>",
                "<table>"]
        out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _result_lines(r)]
        acts = "<br>".join(f"{_e(a)}: {_e(ACTION_LABELS[a])}" for a in r.actions) or "none"
        out += [f"<tr><th>Actions</th><td>{acts}</td></tr>", "</table>",
                "<h3>Steps</h3>", "<table><tr><th>#</th><th>Step</th><th>Citation</th><th>Why</th></tr>"]
        for i, s in enumerate(r.steps, 1):
            out.append(f'<tr><td class="n">{i}</td><td>{_e(s["step"].replace("_", " "))}</td>'
                       f'<td class="rule">{_e(s["rule"])}</td><td>{_e(s["detail"])}</td></tr>')
        out += ["</table>", "</section>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_pack(cases_dir: str | Path) -> dict[str, str]:
    """Every generated file as ``{path relative to the output folder: text}`` (nothing is written)."""
    cards = load_cards(cases_dir)
    files: dict[str, str] = {}
    for c in cards:
        files[f"{KEYS_DIR}/{c.name}.json"] = _key_json(c)
        files[f"{KEYS_DIR}/{c.name}.md"] = _key_md(c)
    files[PACK] = _pack_html(cards)
    return files


# --------------------------------------------------------------------------- writing and checking

def _orphans(out_dir: Path, wanted: dict[str, str]) -> list[str]:
    keys = out_dir / KEYS_DIR
    if not keys.is_dir():
        return []
    return sorted(f"{KEYS_DIR}/{p.name}" for p in keys.iterdir()
                  if p.is_file() and p.suffix in (".json", ".md") and f"{KEYS_DIR}/{p.name}" not in wanted)


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        return True


def stale_files(cases_dir: str | Path, out_dir: str | Path) -> list[str]:
    """Generated files (relative to ``out_dir``) that a build would write or remove."""
    out = Path(out_dir)
    files = render_pack(cases_dir)
    stale = [rel for rel, text in files.items() if _differs(out / rel, text)]
    return sorted(stale + _orphans(out, files))


def build_pack(cases_dir: str | Path, out_dir: str | Path) -> list[str]:
    """Generate the keys and the pack into ``out_dir``; return the files written or removed (relative).

    Unchanged files are left alone; key files of cards that no longer exist are removed.
    """
    out = Path(out_dir)
    files = render_pack(cases_dir)
    changed = []
    for rel, text in files.items():
        if _differs(out / rel, text):
            atomic_write_text(out / rel, text)
            changed.append(rel)
    for rel in _orphans(out, files):
        (out / rel).unlink()
        changed.append(rel)
    return sorted(changed)
