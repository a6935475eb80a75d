"""Print the scenario schema reference (Markdown), or a JSON Schema for editors (``--json scenario|case``)."""

from __future__ import annotations

import json

from ..io import atomic_write_text
from ..scenario.docs import schema_markdown

NAME = "schema"
HELP = "print (or write) the scenario schema reference, or a JSON Schema for editors"


def add_arguments(p) -> None:
    p.add_argument("--json", choices=("scenario", "case"), metavar="KIND",
                   help="print the JSON Schema of a scenario or a case file (KIND: scenario or case), for an "
                        "editor's completion and inline errors; see docs/editing-scenarios.md")
    p.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")


def run(args) -> int:
    if args.json:
        from ..schemas import json_schema
        text = json.dumps(json_schema(args.json), indent=2, ensure_ascii=False) + "\n"
    else:
        text = schema_markdown()
    if args.write:
        atomic_write_text(args.write, text)
    else:
        print(text, end="")
    return 0
