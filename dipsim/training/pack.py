"""The training pack: case cards in; answer keys, three printable documents and their PDFs out.

A pack folder holds ``cases/*.yaml`` (the cards), ``README.md`` and ``facilitator_guide.md``
(written by people) and, generated, ``keys/``, the documents and the Annex A map.
The repository's ``training/`` is one; the
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
* ``DIR/cards.html``, ``DIR/facilitator.html``, ``DIR/annex-a-map.html`` (and ``.svg``): the
  participant cards, the facilitator pack (guide, summary, keys with the card's path on the map)
  and the Annex A map for the slide (:mod:`dipsim.training.documents`); the map is drawn from the
  one pathway (:mod:`dipsim.pathway_map`);
* ``DIR/cards.pdf``, ``DIR/facilitator.pdf``, ``DIR/annex-a-map.pdf``: the same printed by a
  headless Chromium (:mod:`dipsim.training.pdf`), unless ``--no-pdf``. PDFs are not compared byte
  for byte (a browser stamps each print); ``--check`` counts one stale when it is older than its
  HTML or its HTML is stale. The repository keeps no PDFs (they are in ``.gitignore``).

Without ``--pack``, DIR is the repository's ``training/`` (from the repository folder, or
beside an editable install); elsewhere that is a one-line error saying to use ``init``.

Keys are never written by hand: a changed card or rule changes the key on the next
build. ``--check`` writes nothing and exits 1 listing every file that a build would
change (stale, missing or orphaned), so a test or CI job fails when anything is stale.
Files are written atomically (a temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..case import explain, load_case
from ..errors import InputError
from ..io import atomic_write_text, new_folder
from ..pathway_map import PathwayMap, annex_a_map, sample_cases
from .documents import cards_html, facilitator_html, map_html
from .labels import STEP_LABELS, plain, plain_text
from .map_svg import map_svg
from .pdf import find_chromium, print_pdf

__all__ = ["CASES_DIR", "PARAMETERS", "PDFS", "Card", "build_pack", "init_pack", "load_cards", "pathway_map",
           "render_pack", "shipped_pack", "stale_files", "stale_pdfs", "training_root"]

PARAMETERS = {"menu_policy": "annex_b", "max_previous_convictions": 5, "max_rearrangements": 1}
"""The explainer's parameters for every key (the guidance's menu, the defaults of ``dipsim case``)."""

KEYS_DIR = "keys"
CARDS, FACILITATOR, MAP, MAP_SVG = "cards.html", "facilitator.html", "annex-a-map.html", "annex-a-map.svg"
PDFS = {CARDS: "cards.pdf", FACILITATOR: "facilitator.pdf", MAP: "annex-a-map.pdf"}
"""Each printable document and the PDF printed from it."""
OLD_PACK = "pack.html"
"""The single printable of earlier versions; a build removes it."""
MAP_SAMPLE = 800
"""Generated cases walked to draw the map, besides the cards (a test checks 3200 others draw the same map)."""
GUIDE = "facilitator_guide.md"


CASES_DIR = "cases"
GUIDES = ("README.md", "facilitator_guide.md")
"""The pack's hand-written files besides the cards (shipped, copied by ``init``)."""


def training_root() -> Path:
    """The repository's ``training/`` pack: ``./training`` when run from the repository folder,
    else the one beside the package (an editable install). Installed from a wheel there is
    none: an :class:`InputError` says to make a pack with ``dipsim training init DIR``."""
    for root in (Path.cwd() / "training", Path(__file__).resolve().parents[2] / "training"):
        if (root / CASES_DIR).is_dir():
            return root
    raise InputError("--pack", None, "not given, and there is no training/ pack folder here (dipsim is not "
                     "running from its repository); make a pack with: dipsim training init DIR, then use "
                     "--pack DIR")


def shipped_pack():
    """The cards, guide and README shipped inside the package (an ``importlib.resources`` folder)."""
    return importlib.resources.files("dipsim") / "training_pack"


def init_pack(dest: str | Path, pdf: bool = True) -> list[str]:
    """Copy the shipped cards, README and facilitator guide into the new (or empty) folder
    ``dest`` and build its keys, documents and (``pdf``) their PDFs; all or nothing. Returns the files (relative).

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
        built = build_pack(tmp / CASES_DIR, tmp, pdf=pdf)
    return sorted(files) + built


@dataclass(frozen=True)
class Card:
    name: str            # file stem, e.g. "01-first-time-possession"
    path: Path
    case: dict           # the validated case, defaults filled
    result: CaseResult

    number: int = 0      # its number in print: the file name's leading number (the guide cites it), else its place

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
    leading = [re.match(r"^(\d+)", c.name) for c in cards]
    numbers = [int(m.group(1)) if m else 0 for m in leading]
    if 0 in numbers or len(set(numbers)) < len(numbers):  # not every card numbered, once: number by place
        numbers = list(range(1, len(cards) + 1))
    return [dataclasses.replace(c, number=n) for c, n in zip(cards, numbers)]


# --------------------------------------------------------------------------- rendering

def _key_json(card: Card) -> str:
    key = {"card": card.path.name, "title": card.title, "parameters": dict(PARAMETERS), **card.result.to_dict()}
    return json.dumps(key, indent=2, ensure_ascii=False) + "\n"


def _key_md(card: Card) -> str:
    r = card.result
    lines = [f"# Answer key: {card.title}", "",
             f"Card `{card.path.name}`. Generated by `dipsim training build` from the case card with "
             f"dipsim's case explainer (the {plain(PARAMETERS['menu_policy'])} menu, a limited record = up to "
             f"{PARAMETERS['max_previous_convictions']} previous convictions, up to "
             f"{PARAMETERS['max_rearrangements']} re-arranged appointment per session). Do not edit by hand.", ""]
    lines.append(f"- **Disposal:** {plain(r.disposal)}")
    lines.append(f"- **Condition:** {plain(r.condition)}")
    lines.append(f"- **Outcome:** {plain(r.outcome)}")
    lines.append("- **Actions:** " + ("; ".join(plain(a) for a in r.actions) or "none"))
    lines += ["", "## Steps", "", "| # | Step | Citation | What the guidance says here |", "|---|---|---|---|"]
    for n, s in enumerate(r.steps, 1):
        detail = plain_text(s["detail"]).replace("|", "\\|")
        lines.append(f"| {n} | {STEP_LABELS[s['step']]} | {s['rule']} | {detail} |")
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def _sample_walks() -> tuple:
    """The generated cases' walks for the map (the same every build: a fixed seed)."""
    return tuple(explain(c, **PARAMETERS) for c in sample_cases(MAP_SAMPLE))


def pathway_map(cards: list[Card]) -> PathwayMap:
    """The Annex A map the cards' walks and :data:`MAP_SAMPLE` generated cases draw."""
    return annex_a_map([c.result for c in cards] + list(_sample_walks()))


def render_pack(cases_dir: str | Path) -> dict[str, str]:
    """Every generated text file as ``{path relative to the output folder: text}`` (nothing is written)."""
    cards = load_cards(cases_dir)
    files: dict[str, str] = {}
    for c in cards:
        files[f"{KEYS_DIR}/{c.name}.json"] = _key_json(c)
        files[f"{KEYS_DIR}/{c.name}.md"] = _key_md(c)
    m = pathway_map(cards)
    guide = Path(cases_dir).parent / GUIDE
    guide_md = guide.read_text(encoding="utf-8") if guide.is_file() else shipped_pack().joinpath(GUIDE).read_text(
        encoding="utf-8")
    files[CARDS] = cards_html(cards)
    files[FACILITATOR] = facilitator_html(cards, guide_md, m)
    files[MAP] = map_html(m, len(cards))
    files[MAP_SVG] = map_svg(m, None, "The Annex A process map")
    return files


# --------------------------------------------------------------------------- writing and checking

def _orphans(out_dir: Path, wanted: dict[str, str]) -> list[str]:
    """Generated files a build would remove: keys of cards that are gone, and the old single pack.html."""
    found = [OLD_PACK] if (out_dir / OLD_PACK).is_file() else []
    keys = out_dir / KEYS_DIR
    if keys.is_dir():
        found += [f"{KEYS_DIR}/{p.name}" for p in keys.iterdir()
                  if p.is_file() and p.suffix in (".json", ".md") and f"{KEYS_DIR}/{p.name}" not in wanted]
    return sorted(found)


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        return True


def stale_pdfs(out_dir: str | Path) -> list[str]:
    """PDFs in ``out_dir`` printed from an older HTML (a PDF that is not there is not stale: a pack
    built with ``--no-pdf``, or the repository's, which does not keep them)."""
    out = Path(out_dir)
    stale = []
    for html_name, pdf_name in PDFS.items():
        pdf, html_file = out / pdf_name, out / html_name
        if pdf.exists() and (not html_file.exists() or pdf.stat().st_mtime < html_file.stat().st_mtime):
            stale.append(pdf_name)
    return stale


def stale_files(cases_dir: str | Path, out_dir: str | Path) -> list[str]:
    """Generated files (relative to ``out_dir``) that a build would write or remove; a PDF counts
    when it is older than its HTML or its HTML is stale."""
    out = Path(out_dir)
    files = render_pack(cases_dir)
    stale = {rel for rel, text in files.items() if _differs(out / rel, text)}
    stale |= {pdf for html_name, pdf in PDFS.items() if html_name in stale and (out / pdf).exists()}
    return sorted(stale | set(stale_pdfs(out)) | set(_orphans(out, files)))


def build_pack(cases_dir: str | Path, out_dir: str | Path, pdf: bool = False) -> list[str]:
    """Generate the keys, the three HTML documents and the map into ``out_dir``; with ``pdf`` print
    each document to PDF (headless Chromium) when its HTML changed or its PDF is missing or older.
    Return the files written or removed (relative). Unchanged files are left alone; key files of
    cards that no longer exist are removed."""
    out = Path(out_dir)
    files = render_pack(cases_dir)
    browser = find_chromium() if pdf else None  # before writing anything: no half-built pack
    changed = []
    for rel, text in files.items():
        if _differs(out / rel, text):
            atomic_write_text(out / rel, text)
            changed.append(rel)
    for rel in _orphans(out, files):
        (out / rel).unlink()
        changed.append(rel)
    if pdf:
        for html_name, pdf_name in PDFS.items():
            target = out / pdf_name
            if html_name in changed or not target.exists() or pdf_name in stale_pdfs(out):
                print_pdf(out / html_name, target, browser)
                changed.append(pdf_name)
    return sorted(changed)
