"""``purge --delivered``: remove from this laptop the cases an importer holds as they are.

core/purge.py says what "delivered" means and how thorough removal is. A
script must say ``--yes``; ``--dry-run`` only lists. ``purge --policy DAYS|off``
sets the automatic removal the app runs after unlock.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core import purge
from ..core.errors import Cancelled, InvalidInput
from ..core.i18n import N_, _
from ..core.vault import Vault
from . import secrets_input
from .context import Context
from .text import ask


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    cmd = commands.add_parser(
        "purge", parents=[common], help=_("remove the cases an importer's receipt says it holds")
    )
    what = cmd.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--delivered",
        action="store_true",
        help=_("every case whose current version was receipted (the only kind of purge)"),
    )
    what.add_argument(
        "--policy",
        metavar="DAYS|off",
        help=_("remove delivered cases automatically this many days after delivery, or off"),
    )
    cmd.add_argument("--dry-run", action="store_true", help=_("only list what would go"))
    cmd.add_argument("--yes", action="store_true", help=_("do not ask (for scripts)"))
    cmd.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    cmd.set_defaults(handler=purge_cmd)


def purge_cmd(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    if args.policy is not None:
        return _policy(ctx, vault, args.policy)
    planned = purge.plan(vault)
    if args.dry_run or not planned.cases:
        _report(ctx, planned)
        return 0
    if not args.yes:
        question = _(
            "Remove {cases} delivered case(s) ({records} record(s)) from this laptop? The"
            " importer keeps its copies; nothing is sent. [y/N]"
        ).format(cases=len(planned.cases), records=planned.records)
        if not secrets_input.interactive() or not ask(question):
            raise Cancelled(N_("Nothing was removed (confirm at a terminal, or add --yes)."))
    _report(ctx, purge.purge_delivered(vault))
    return 0


def _policy(ctx: Context, vault: Vault, value: str) -> int:
    text = value.strip().lower()
    if text == "off":
        days = None
    elif text.isascii() and text.isdigit():
        days = int(text)
    else:
        raise InvalidInput(
            N_("{value} is not a number of days or off; the automatic removal was not changed."),
            value=value,
        )
    purge.set_policy_days(vault, days)
    if ctx.args.json:
        ctx.print_json({"after_days": days})
    elif days is None:
        print(_("Delivered cases are no longer removed automatically."))
    else:
        print(
            _(
                "Delivered cases are now removed automatically {days} day(s) after delivery,"
                " when the app is unlocked."
            ).format(days=days)
        )
    return 0


def _report(ctx: Context, result: purge.PurgeResult) -> None:
    if ctx.args.json:
        ctx.print_json(result.as_json())
        return
    # Whole sentences each, so each translates naturally.
    if result.dry_run:
        line = _(
            "Would remove {cases} delivered case(s), {records} record(s); a case edited"
            " since it was delivered stays."
        )
    else:
        line = _(
            "Removed {cases} delivered case(s), {records} record(s), {attachments}"
            " attachment(s) and {bundles} local bundle copy(ies) the importer confirmed."
        )
    print(
        line.format(
            cases=len(result.cases),
            records=result.records,
            attachments=result.attachments,
            bundles=result.bundle_files,
        )
    )
    for case_id in result.cases:
        print("  " + case_id)
    for case_id in result.kept:
        print("  " + _("{id} stays: changed since it was delivered").format(id=case_id))
