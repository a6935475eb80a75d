"""Print the pack's HTML to PDF with a headless Chromium.

Why Chromium: it is one browser for the whole project (the app tests drive the same Debian
``chromium``), it prints the pack's CSS exactly as a trainer's browser prints it (``@page`` sizes,
``break-before``/``break-inside``, inline SVG), and it needs no Python dependency; WeasyPrint would
be a second layout engine with its own CSS support and native libraries. The browser is
``$DIPSIM_CHROMIUM`` if set, else the first of ``chromium``, ``chromium-browser``, ``google-chrome``
on the PATH. With none, building the PDFs stops with one line saying what to install (build
``--no-pdf`` makes the HTML only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError

__all__ = ["BROWSER_FLAGS", "find_chromium", "print_pdf"]

BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-pdf-header-footer")
NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str:
    """The Chromium to print with, or an :class:`InputError` saying how to get one."""
    given = os.environ.get("DIPSIM_CHROMIUM")
    if given:
        if shutil.which(given):
            return shutil.which(given)
        raise InputError("DIPSIM_CHROMIUM", None, f"{given!r} is not a program that can be run; set it to "
                         "Chromium's path (e.g. /usr/bin/chromium)")
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise InputError("chromium", None, "not found, and printing the PDFs needs Chromium (looked for "
                     f"{', '.join(NAMES)} and $DIPSIM_CHROMIUM); install it (Debian: apt-get install chromium) "
                     "or make the HTML only with --no-pdf")


def print_pdf(html_file: Path, pdf_file: Path, browser: str | None = None, timeout: float = 120) -> None:
    """Print ``html_file`` to ``pdf_file`` (A4 as its CSS says), atomically, with a fresh browser profile."""
    browser = browser or find_chromium()
    pdf_file = Path(pdf_file)
    with tempfile.TemporaryDirectory(prefix="dipsim-chromium-") as profile:
        tmp = Path(profile) / "out.pdf"
        cmd = [browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}",
               Path(html_file).resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InputError(str(html_file), None, f"Chromium did not print it within {timeout:g} s") from None
        if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise InputError(str(html_file), None, f"Chromium could not print it (exit {proc.returncode}): {last}")
        part = pdf_file.with_name(f".{pdf_file.name}.part")
        shutil.copyfile(tmp, part)
        os.replace(part, pdf_file)
