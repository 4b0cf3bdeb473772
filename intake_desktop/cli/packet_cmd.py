"""``case packet ID --out FILE.pdf [--split-mb N] [--withhold-names] [--json]``.

Qt and pikepdf load only when the command runs: the other commands stay
free of both (tests/core/test_layers.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.i18n import _
from .context import Context
from .text import safe


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    packet = sub.add_parser(
        "packet", parents=[common], help=_("write counsel's filing-ready PDF of a case")
    )
    packet.add_argument("case_id", metavar="ID")
    packet.add_argument("--out", required=True, metavar="FILE", help=_("the PDF to write"))
    packet.add_argument(
        "--split-mb",
        type=float,
        metavar="MB",
        help=_("split into parts under MB megabytes, between exhibits (USCIS online: 12)"),
    )
    packet.add_argument(
        "--withhold-names",
        action="store_true",
        help=_("name people whose names are withheld by their pseudonyms only"),
    )
    packet.add_argument(
        "--override-consent",
        action="store_true",
        help=_("write it although the recorded consent does not cover counsel (audited)"),
    )
    packet.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    packet.set_defaults(handler=write_packet_cmd)


def write_packet_cmd(ctx: Context) -> int:
    from ..packet import PacketOptions, write_packet

    args = ctx.args
    vault = ctx.open_vault()
    options = PacketOptions(
        split_mb=args.split_mb,
        withhold_names=args.withhold_names,
        override_consent=args.override_consent,
    )
    result = write_packet(vault, args.case_id, Path(args.out), options)
    if args.json:
        ctx.print_json(
            {
                "files": [str(f) for f in result.files],
                "pages": result.pages,
                "exhibits": result.exhibits,
                "notes": list(result.notes),
            }
        )
        return 0
    for path in result.files:
        print(
            _("Wrote {path}: {pages} page(s), {exhibits} exhibit(s).").format(
                path=path, pages=result.pages, exhibits=result.exhibits
            )
            if len(result.files) == 1
            else _("Wrote {path}.").format(path=path)
        )
    if len(result.files) > 1:
        print(
            _("{count} parts: {pages} page(s), {exhibits} exhibit(s) in all.").format(
                count=len(result.files), pages=result.pages, exhibits=result.exhibits
            )
        )
    for note in result.notes:
        print(safe(note), file=sys.stderr)
    return 0
