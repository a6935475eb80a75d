"""The training pack (``dipsim training``): see :mod:`dipsim.training.pack`.

:mod:`~dipsim.training.pack` loads the cards and builds or checks a pack folder;
:mod:`~dipsim.training.documents` writes the three printable documents, with the facts a
participant is told (:mod:`~dipsim.training.facts`), plain words for every code name
(:mod:`~dipsim.training.labels`) and the Annex A map (:mod:`~dipsim.training.map_svg`, drawn from
:mod:`dipsim.pathway_map`); :mod:`~dipsim.training.pdf` prints them with a headless Chromium.
"""

from .pack import (CASES_DIR, PARAMETERS, PDFS, Card, build_pack, init_pack, load_cards, pathway_map,
                   render_pack, shipped_pack, stale_files, stale_pdfs, training_root)

__all__ = ["CASES_DIR", "PARAMETERS", "PDFS", "Card", "build_pack", "init_pack", "load_cards", "pathway_map",
           "render_pack", "shipped_pack", "stale_files", "stale_pdfs", "training_root"]
