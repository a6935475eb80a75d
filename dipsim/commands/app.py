"""Serve the no-code pages in a web browser: the trainer's and the planner's.

The trainer's page steps a case card (or a person you describe) through each Annex A decision
as police, CPS and CJIT, with what the guidance says at each step and its section, then the
answer key, then the group's policy applied to the whole area. The planner's page sets workers,
rota, arrest volume, booking lead time and targets for a shipped or uploaded scenario and gives
the capacity answer (the same as ``dipsim capacity``) with its figure and the results to download.

Served with Voila on this machine only (127.0.0.1) unless --host says otherwise; prints the
addresses once the pages answer. Ctrl-C stops it and every page's session (exit status 0).
Needs the apps extra: pip install 'dipsim[apps]'.
"""

from __future__ import annotations

import os

from ..errors import InputError
from ..scenario import load_scenario
from ._args import whole

NAME = "app"
HELP = "serve the trainer's and the planner's pages in a web browser (Voila)"


def add_arguments(p) -> None:
    from ..apps.server import DEFAULT_PORT

    p.add_argument("--port", type=whole(1, 65535), default=DEFAULT_PORT,
                   help=f"port to serve on (default {DEFAULT_PORT})")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to serve on (default 127.0.0.1: this machine only; 0.0.0.0 opens the pages, "
                        "and the simulations they run, to anyone who can reach this machine)")
    p.add_argument("--scenario", metavar="SCENARIO",
                   help="the scenario the pages start with: a file or a shipped scenario's name "
                        "(default urban_intensive)")
    p.add_argument("--workers", type=whole(1, 4096),
                   help="worker processes for the pages' runs (default: all cores)")
    p.add_argument("--open", action="store_true", help="open the home page in the default web browser")


def run(args) -> int:
    from ..apps.server import serve

    env = {}
    if args.scenario:
        try:
            load_scenario(args.scenario)   # a bad scenario: one line, exit 2, before anything starts
        except InputError as exc:
            if exc.key is not None:      # a key of the file is wrong: the file's own message names both
                raise
            raise InputError("--scenario", args.scenario, exc.message) from None
        path = os.path.abspath(args.scenario)
        env["DIPSIM_APP_SCENARIO"] = path if os.path.exists(path) else args.scenario
    if args.workers:
        env["DIPSIM_APP_WORKERS"] = str(args.workers)
    return serve(args.host, args.port, env=env, open_browser=args.open)
