"""Explain one case: walk a person through the guidance's rules, each step with its section.

The same rule functions drive the simulation, so the explainer and the model agree.
The case file format and its defaults are in training/README.md.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from ..case import explain, load_case
from ..rules.menu import MENU_POLICIES
from ._args import whole

NAME = "case"
HELP = "explain one case step by step, citing the guidance"


def add_arguments(p) -> None:
    p.add_argument("file", help="case file (YAML)")
    p.add_argument("--json", action="store_true", help="print one JSON object (disposal, condition, outcome, actions, steps)")
    p.add_argument("--menu-policy", default="annex_b", choices=tuple(MENU_POLICIES),
                   help="the area's menu policy (default annex_b)")
    p.add_argument("--max-previous-convictions", type=whole(0, 1000), default=5,
                   help="the area's reading of a 'limited record' (§4.1; default 5)")
    p.add_argument("--max-rearrangements", type=whole(0, 10), default=1,
                   help="re-arranged appointments allowed per session (§6; default 1)")


def run(args) -> int:
    return main_case(args.file, args.json, menu_policy=args.menu_policy,
                     max_previous_convictions=args.max_previous_convictions,
                     max_rearrangements=args.max_rearrangements)


def main_case(path: str, as_json: bool, out: TextIO | None = None, *, menu_policy: str = "annex_b",
              max_previous_convictions: int = 5, max_rearrangements: int = 1) -> int:
    """``dipsim case FILE.yaml [--json]``: print the explanation; return 0.

    :class:`InputError` propagates (the CLI prints its one line on stderr, exit 2).
    """
    out = sys.stdout if out is None else out
    case = load_case(path)
    result = explain(case, menu_policy=menu_policy, max_previous_convictions=max_previous_convictions,
                     max_rearrangements=max_rearrangements)
    if as_json:
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        title = case["card"]["title"] or f"Case {path}"
        out.write(result.to_text(title))
    return 0
