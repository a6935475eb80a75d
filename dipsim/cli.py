"""The ``dipsim`` command line. Commands live in :mod:`dipsim.commands`, one module each.

Exit status: 0 success, 1 a check failed, 2 bad input (one line on stderr), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import __version__, commands
from .errors import InputError


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit status 2); ``dipsim COMMAND -h`` shows usage."""

    def error(self, message: str):
        command = self.prog.split(maxsplit=1)[1:]
        where = f"{command[0]}: " if command else ""
        self.exit(2, f"dipsim: error: {where}{' '.join(message.split())} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="dipsim",
        description="Simulate the DIP Conditional Caution pathway (May 2008 operational guidelines).")
    parser.add_argument("--version", action="version", version=f"dipsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        p = sub.add_parser(module.NAME, help=module.HELP.replace("%", "%%"), description=module.__doc__)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"dipsim: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dipsim: interrupted: nothing half-written was left (a sweep's finished cells are kept "
              "for --resume)", file=sys.stderr)
        return 130
