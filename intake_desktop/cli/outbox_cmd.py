"""``outbox list | send | pause | resume | remove`` and ``inbox fetch``: delivery to counsel.

``outbox send`` makes one pass over what is due and exits 0 when nothing is
left unsent (paused entries aside: a person chose to hold them), 14 when
something will be tried again. ``inbox fetch`` imports what a destination
holds for this vault, with ``import``'s exit codes.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..core.errors import Cancelled, InvalidInput
from ..core.i18n import N_, _
from . import secrets_input
from .bundle_cmd import EXIT_QUARANTINED, _print_result
from .context import Context
from .text import ask, complain, safe

if TYPE_CHECKING:
    from ..core.delivery.outbox import Outbox, OutboxEntry

EXIT_NOT_DELIVERED = 14


def _outbox(vault: Any) -> Outbox:
    # Imported here: the SSH and S3 libraries load only for delivery commands.
    from ..core.delivery.outbox import Outbox

    return Outbox(vault)


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    outbox = commands.add_parser(
        "outbox", parents=[common], help=_("bundles waiting to be delivered, and sending them")
    )
    sub = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", parents=[common], help=_("list the outbox"))
    listing.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    listing.set_defaults(handler=list_outbox)

    send = sub.add_parser("send", parents=[common], help=_("send what is due, once"))
    send.add_argument(
        "--now", action="store_true", help=_("also send entries whose next try is later")
    )
    send.add_argument("--id", type=int, action="append", metavar="ID", help=_("only this entry"))
    send.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    send.set_defaults(handler=send_outbox)

    for name, text, handler in (
        ("pause", _("hold an entry until it is resumed"), pause_entry),
        ("resume", _("send a paused entry again"), resume_entry),
    ):
        action = sub.add_parser(name, parents=[common], help=text)
        action.add_argument("entry_id", type=int, metavar="ID")
        action.set_defaults(handler=handler)
    remove = sub.add_parser(
        "remove", parents=[common], help=_("forget an entry and delete its local bundle file")
    )
    remove.add_argument("entry_id", type=int, metavar="ID")
    remove.add_argument("--yes", action="store_true", help=_("do not ask (for scripts)"))
    remove.set_defaults(handler=remove_entry)

    inbox = commands.add_parser(
        "inbox", parents=[common], help=_("bundles waiting at a destination for this vault")
    )
    inbox_sub = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    fetch = inbox_sub.add_parser(
        "fetch", parents=[common], help=_("download and import what a destination holds")
    )
    fetch.add_argument("destination", metavar="DEST")
    fetch.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    fetch.set_defaults(handler=fetch_inbox)


_STATES = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "receipted": N_("receipted"),
}


def _line(entry: OutboxEntry) -> str:
    state = _(_STATES.get(entry.state, entry.state))
    if entry.paused:
        state += " " + _("(paused)")
    parts = [
        str(entry.id),
        state,
        safe(entry.destination),
        _("{sent} of {size} bytes").format(sent=entry.sent_bytes, size=entry.size),
        entry.bundle_id,
    ]
    if entry.waiting and entry.next_try:
        parts.append(_("next try {at}").format(at=entry.next_try))
    if entry.waiting and entry.last_error:
        parts.append(safe(entry.last_error))
    return "\t".join(parts)


def list_outbox(ctx: Context) -> int:
    entries = _outbox(ctx.open_vault()).entries()
    if ctx.args.json:
        ctx.print_json([e.as_json() for e in entries])
    else:
        for entry in entries:
            print(_line(entry))
    return 0


def _check_id(entry_id: int) -> int:
    if entry_id < 1:
        raise InvalidInput(
            N_("{path}: must be a whole number from {low} to {high}."), path="ID", low=1, high=2**63
        )
    return entry_id


def send_outbox(ctx: Context) -> int:
    box = _outbox(ctx.open_vault())
    ids = [_check_id(i) for i in ctx.args.id] if ctx.args.id else None
    results = box.send(ids, force=ctx.args.now)
    # Receipts importers left beside what this vault sent (core/receipts.py).
    for found in box.collect_receipts():
        if found.taken is not None and found.taken.new:
            complain(
                _("Receipt: {importer} holds bundle {id}.").format(
                    importer=safe(found.taken.importer), id=found.bundle_id
                )
            )
        elif found.refused is not None:
            complain(
                _("A receipt for bundle {id} was refused: {reason}").format(
                    id=found.bundle_id, reason=found.refused
                )
            )
    if ctx.args.json:
        ctx.print_json([r.as_json() for r in results])
    else:
        for r in results:
            print(_line(r.entry))
            if r.resumed_from:
                print("  " + _("resumed at byte {offset}").format(offset=r.resumed_from))
    left = [e for e in box.entries() if e.waiting and not e.paused]
    if not ctx.args.json and left:
        complain(
            _("{count} bundle(s) not delivered yet; they will be tried again.").format(
                count=len(left)
            )
        )
    return EXIT_NOT_DELIVERED if left else 0


def pause_entry(ctx: Context) -> int:
    entry = _outbox(ctx.open_vault()).pause(_check_id(ctx.args.entry_id))
    print(_("Outbox entry {id} is paused; it is not sent until resumed.").format(id=entry.id))
    return 0


def resume_entry(ctx: Context) -> int:
    entry = _outbox(ctx.open_vault()).pause(_check_id(ctx.args.entry_id), paused=False)
    print(_("Outbox entry {id} will be sent again.").format(id=entry.id))
    return 0


def remove_entry(ctx: Context) -> int:
    box = _outbox(ctx.open_vault())
    entry = box.get(_check_id(ctx.args.entry_id))
    if not ctx.args.yes:
        question = _(
            "Remove outbox entry {id} (bundle {bundle_id} for {destination}, {state})? The"
            " cases stay in the vault; only the local copy of the encrypted bundle is"
            " deleted. [y/N]"
        ).format(
            id=entry.id,
            bundle_id=entry.bundle_id,
            destination=safe(entry.destination),
            state=_(_STATES.get(entry.state, entry.state)),
        )
        if not secrets_input.interactive() or not ask(question):
            raise Cancelled(N_("Nothing was removed (confirm at a terminal, or add --yes)."))
    box.remove(entry.id)
    print(_("Removed outbox entry {id}.").format(id=entry.id))
    return 0


def fetch_inbox(ctx: Context) -> int:
    from ..core.delivery import inbox

    vault = ctx.open_vault()
    fetched = inbox.fetch(vault, ctx.args.destination)
    if ctx.args.json:
        ctx.print_json([f.as_json() for f in fetched])
    else:
        if not fetched:
            print(_("Nothing new at {destination}.").format(destination=safe(ctx.args.destination)))
        for f in fetched:
            print(f.name)
            if f.result is not None:
                _print_result(f.result)
            else:
                complain(
                    _("{name} was not imported: {reason}").format(
                        name=f.name, reason=safe(f.error or "")
                    )
                )
    codes = [f.exit_code for f in fetched if f.exit_code]
    if codes:
        return max(codes)
    if any(f.result is not None and f.status == "quarantined" for f in fetched):
        return EXIT_QUARANTINED
    return 0
