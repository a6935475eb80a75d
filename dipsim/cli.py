"""The ``dipsim`` command line. Commands live in :mod:`dipsim.commands`, one module each.

Exit status: 0 success, 1 a check failed (``training build --check``, ``capacity`` with no
level meeting the targets), 2 bad input or a usage error (one line on stderr; bare
``dipsim`` prints the usage and the commands), 130 interrupted (Ctrl-C, one line), 141 the
reader of the output went away (``dipsim replicate | head``): the shell's convention for a
broken pipe (128 + SIGPIPE), quietly, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import __version__, commands
from .errors import InputError

BROKEN_PIPE = 141
INTERRUPTED = 130


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit status 2); ``dipsim COMMAND -h`` shows usage."""

    def error(self, message: str):
        command = self.prog.split(maxsplit=1)[1:]
        where = f"{command[0]}: " if command else ""
        self.exit(2, f"dipsim: error: {where}{' '.join(message.split())} (see {self.prog} -h)\n")


def _escaped(text: str) -> str:
    """Help text for argparse, which %-formats it: a literal "%" must be doubled."""
    return text.replace("%", "%%")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="dipsim",
        description="Simulate the DIP Conditional Caution pathway (May 2008 operational guidelines).",
        epilog="Run 'dipsim COMMAND -h' for a command's options.")
    parser.add_argument("--version", action="version", version=f"dipsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        p = sub.add_parser(module.NAME, help=_escaped(module.HELP), description=module.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # bare ``dipsim``: what it can do, on stderr (exit 2, as a usage error)
            parser.print_help(sys.stderr)
            return 2
        try:
            code = int(args.func(args) or 0)
        except InputError as exc:
            from .commands._args import as_flags

            print(f"dipsim: error: {as_flags(exc).one_line()}", file=sys.stderr)
            return 2
        sys.stdout.flush()  # a reader that went away shows up here at the latest
        return code
    except KeyboardInterrupt:
        print("dipsim: interrupted: nothing half-written was left (a sweep's finished cells are kept "
              "for --resume)", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # Nothing more can reach the reader; point stdout at /dev/null so that Python's own
        # flush at exit does not complain (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
