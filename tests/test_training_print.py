"""The training pack as it prints: `dipsim training build` prints the three documents to PDF with a
headless Chromium, and the PDFs are read back page by page (issue 15 item 4).

The pack is built once for this file (a module fixture). A missing Chromium fails the tests; it does
not skip them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from dipsim.errors import InputError
from dipsim.training import PDFS, build_pack, load_cards, stale_files
from dipsim.training.facts import ANSWER_FACTS
from dipsim.training.labels import code_names, plain
from dipsim.training.pdf import find_chromium

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "training" / "cases"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    find_chromium()  # no browser: this fails, with the line saying what to install
    root = tmp_path_factory.mktemp("pack")
    shutil.copytree(CASES, root / "cases")
    shutil.copy(ROOT / "training" / "facilitator_guide.md", root)
    changed = build_pack(root / "cases", root, pdf=True)
    assert set(PDFS.values()) <= set(changed)
    pages = {pdf: [_words(p.extract_text()) for p in PdfReader(root / pdf).pages] for pdf in PDFS.values()}
    return root, load_cards(root / "cases"), pages


def test_each_participant_card_fits_one_a4_page(built):
    _, cards, pages = built
    cards_pages = pages["cards.pdf"]
    assert len(cards_pages) == 1 + len(cards)  # a cover, then one page a card
    reader = PdfReader(built[0] / "cards.pdf")
    for page in reader.pages:  # A4 portrait, in points
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    for c, text in zip(cards, cards_pages[1:]):
        assert text.startswith(f"Card {c.number}: {_words(c.title)}"), (c.name, text[:80])
        last_question = _words(c.case["card"]["questions"][-1])
        assert last_question[-40:] in text, f"{c.name}: its last question spills off its page"


def test_participant_cards_give_no_answers(built):
    _, cards, pages = built
    for c, page in zip(cards, pages["cards.pdf"][1:]):
        assert "What you are told" in page and "For discussion" in page, c.name
        told = page[page.index("What you are told"):page.index("For discussion")]  # the facts table
        for label in ANSWER_FACTS + ("Annex B group", "Disposal", "Outcome", "Condition"):
            assert label not in told, (c.name, label)
        assert "Key " not in page and plain(c.result.disposal) not in page, c.name


def test_each_key_starts_a_page_with_its_answer_and_holds_its_steps(built):
    _, cards, pages = built
    fac = pages["facilitator.pdf"]
    starts = {}
    for c in cards:
        heading = f"Key {c.number}: {_words(c.title)}"
        at = [k for k, text in enumerate(fac) if text.startswith(heading)]
        assert len(at) == 1, f"{c.name}: its key does not start a page of its own"
        assert "Disposal" in fac[at[0]] and "Outcome" in fac[at[0]], f"{c.name}: heading orphaned from its answer"
        starts[c.name] = at[0]
    order = sorted(starts.values())
    ends = {name: (order[order.index(k) + 1] if order.index(k) + 1 < len(order) else len(fac))
            for name, k in starts.items()}
    for c in cards:
        text = " ".join(fac[starts[c.name]:ends[c.name]])
        assert text.count("Key ") >= 1 and ends[c.name] - starts[c.name] <= 3, c.name
        for n in (1, len(c.result.steps)):  # the first and the last step are in the key's own pages
            assert re.search(rf"\b{n} ", text), (c.name, n)
        assert _words(c.result.steps[-1]["rule"]) in text


def test_no_lonely_heading_pages(built):
    _, _, pages = built
    for pdf, texts in pages.items():
        for k, text in enumerate(texts):
            assert len(text) > 300, f"{pdf} page {k + 1} is nearly empty: {text!r}"


def test_no_code_names_in_print(built):
    _, _, pages = built
    for pdf, texts in pages.items():
        for k, text in enumerate(texts):
            # file names of the form x_y.md are code names too; a hyphen-joined card name is not
            assert code_names(text) == [], f"{pdf} page {k + 1}: {code_names(text)}"


def test_the_annex_a_map_is_one_landscape_page_with_its_sections(built):
    root, _, pages = built
    reader = PdfReader(root / "annex-a-map.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape, for a slide
    text = pages["annex-a-map.pdf"][0]
    for words in ("Offender admits offence", "Does CPS authorise the DIP CC?", "EXIT (no DIP Conditional",
                  "Police consider alternative disposal", "§4.6.6 Step 3", "Annex A note 1", "Annex A note 3"):
        assert words in text, words


def test_check_counts_a_pdf_older_than_its_html_and_build_reprints_it(built):
    root, _, _ = built
    assert stale_files(root / "cases", root) == []
    earlier = (root / "cards.html").stat().st_mtime - 60  # printed before the HTML last changed
    os.utime(root / "cards.pdf", (earlier, earlier))
    assert stale_files(root / "cases", root) == ["cards.pdf"]
    assert build_pack(root / "cases", root, pdf=True) == ["cards.pdf"]
    assert stale_files(root / "cases", root) == []


def test_a_missing_browser_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("DIPSIM_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(InputError, match="DIPSIM_CHROMIUM"):
        find_chromium()
    monkeypatch.delenv("DIPSIM_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError, match="needs Chromium .* --no-pdf"):
        find_chromium()
    cases = tmp_path / "cases"
    shutil.copytree(CASES, cases)
    with pytest.raises(InputError):
        build_pack(cases, tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()  # nothing half-built
