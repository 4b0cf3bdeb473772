"""``chains``: what each device sent this vault, as a chain: last bundle, gaps, last seen."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.bundle.chains import chains
from ..core.i18n import _
from .context import Context
from .text import safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "chains", parents=[common], help=_("each sender's bundles: the last, gaps, last seen")
    )
    cmd.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    cmd.set_defaults(handler=chains_cmd)


def chains_cmd(ctx: Context) -> int:
    found = chains(ctx.open_vault())
    if ctx.args.json:
        ctx.print_json([c.as_json() for c in found])
        return 0
    for c in found:
        line = _("{name} ({fingerprint}): bundle {last} last, seen {at}").format(
            name=safe(c.name), fingerprint=c.fingerprint, last=c.last, at=c.last_seen
        )
        if c.missing:
            shown = ", ".join(str(n) for n in c.gaps)
            more = "…" if c.missing > len(c.gaps) else ""
            line += "; " + _("{count} not received: {numbers}").format(
                count=c.missing, numbers=shown + more
            )
        print(line)
    return 0
