"""Print the scenario schema reference (Markdown): every key, its default, unit and source."""

from __future__ import annotations

from ..io import atomic_write_text
from ..scenario.docs import schema_markdown

NAME = "schema"
HELP = "print (or write) the scenario schema reference"


def add_arguments(p) -> None:
    p.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")


def run(args) -> int:
    text = schema_markdown()
    if args.write:
        atomic_write_text(args.write, text)
    else:
        print(text, end="")
    return 0
