"""``duplicates [--json]`` and ``duplicates dismiss A B``: people who may be the same."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import duplicates
from ..core.i18n import _
from .context import Context
from .text import safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    found = commands.add_parser(
        "duplicates", parents=[common], help=_("people who may be the same person in two cases")
    )
    found.add_argument("--json", action="store_true")
    found.add_argument("--limit", type=int, default=1000)
    found.set_defaults(handler=list_duplicates)
    sub = found.add_subparsers(dest="duplicates_command", metavar="ACTION")
    dismiss = sub.add_parser(
        "dismiss", parents=[common], help=_("two people are not the same: stop proposing them")
    )
    dismiss.add_argument("person_a", metavar="PERSON_ID")
    dismiss.add_argument("person_b", metavar="PERSON_ID")
    dismiss.set_defaults(handler=dismiss_pair)


def list_duplicates(ctx: Context) -> int:
    candidates = duplicates.find_candidates(ctx.open_vault(), limit=max(ctx.args.limit, 0))
    if ctx.args.json:
        ctx.print_json([c.as_json() for c in candidates])
        return 0
    for c in candidates:
        print(
            f"{c.score:3d}  {c.a.id}  {safe(c.a.label)} ({safe(c.a.case_title)})"
            f"  ~  {c.b.id}  {safe(c.b.label)} ({safe(c.b.case_title)})"
        )
        for reason in c.reasons:
            print(f"       {safe(reason.text())}")
    return 0


def dismiss_pair(ctx: Context) -> int:
    duplicates.dismiss(ctx.open_vault(), ctx.args.person_a, ctx.args.person_b)
    return 0
