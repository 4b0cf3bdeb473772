"""``attach export``: save a file of an evidence record out of the vault, under its name.

``attach CASE_ID FILE`` (case_cmd.py) adds a file; ``attach export
EVIDENCE_ID`` is its way back out. The saved copy is not encrypted, which
stderr says every time.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from ..core.attachment_export import export_attachment
from ..core.i18n import _
from .context import Context
from .text import complain, safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """``attach export`` beside ``attach CASE_ID FILE``, which case_cmd.py registers first.

    ``attach`` keeps its two positionals (a contract); argparse cannot give
    a parser both positionals and subcommands, so the word ``export`` after
    ``attach`` hands the rest of the line to a parser of its own.
    """
    attach: argparse.ArgumentParser = commands.choices["attach"]
    export = argparse.ArgumentParser(
        prog=f"{attach.prog} export",
        parents=[common],
        description=_(
            "Save a file of an evidence record out of the vault under its original name."
            " The saved copy is not encrypted."
        ),
    )
    export.add_argument("evidence_id", metavar="EVIDENCE_ID")
    export.add_argument(
        "--out",
        metavar="FILE_OR_DIR",
        help=_(
            "the new file, or a folder (ending in / or existing) to save it in under its"
            " original name; default: the current folder"
        ),
    )
    export.add_argument(
        "--attachment",
        metavar="NAME_OR_SHA256",
        help=_("which file, when the evidence holds several: its file name or SHA-256"),
    )
    export.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    export.set_defaults(handler=export_file)
    attach.epilog = _("attach export EVIDENCE_ID [--out FILE_OR_DIR]: save a file back out.")
    adding = attach.parse_known_args

    def parse_known_args(
        args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if args and args[0] == "export":
            return export.parse_known_args(args[1:], namespace)
        return adding(args, namespace)

    attach.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


def export_file(ctx: Context) -> int:
    args = ctx.args
    saved = export_attachment(ctx.open_vault(), args.evidence_id, args.out, args.attachment)
    complain(
        _("{path} is not encrypted: keep it on an encrypted drive and delete it when done.").format(
            path=safe(str(saved.path))
        )
    )
    if args.json:
        ctx.print_json(saved.as_json())
    else:
        print(safe(str(saved.path)))
    return 0
