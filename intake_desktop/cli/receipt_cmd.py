"""``receipt export | import``: receipts carried by hand (USB), between importer and sender.

The importer hands out the receipt it signed when it imported a bundle
(``receipt export``; ``import --receipt-out`` writes it at once); the laptop
that sent the bundle takes it (``receipt import``), which it does only for a
receipt signed by a device in its trust store, for a bundle it sent.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core import receipts
from ..core.i18n import _
from .context import Context
from .text import safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    receipt = commands.add_parser(
        "receipt", parents=[common], help=_("signed receipts: what an importer holds of a bundle")
    )
    sub = receipt.add_subparsers(dest="receipt_command", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export", parents=[common], help=_("write the receipt this vault signed for a bundle")
    )
    export.add_argument("bundle_id", metavar="BUNDLE_ID")
    export.add_argument("--out", required=True, metavar="RECEIPT")
    export.set_defaults(handler=export_receipt)
    take = sub.add_parser(
        "import", parents=[common], help=_("take a receipt for a bundle this vault sent")
    )
    take.add_argument("file", metavar="RECEIPT")
    take.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    take.set_defaults(handler=import_receipt)


def export_receipt(ctx: Context) -> int:
    signed = receipts.issued(ctx.open_vault(), ctx.args.bundle_id)
    written, signature = signed.write(Path(ctx.args.out))
    print(_("Wrote {path} and {signature}.").format(path=written, signature=signature))
    return 0


def import_receipt(ctx: Context) -> int:
    taken = receipts.take(ctx.open_vault(), receipts.read(Path(ctx.args.file)))
    receipt = taken.receipt
    if ctx.args.json:
        ctx.print_json(
            {
                "bundle_id": receipt.bundle_id,
                "importer": taken.importer,
                "importer_fingerprint": receipt.importer_fingerprint,
                "imported_at": receipt.imported_at,
                "new": taken.new,
                "records": len(receipt.records),
                "held": sum(1 for r in receipt.records if r["outcome"] in receipts.HELD),
                "receipted": taken.receipted,
            }
        )
    elif taken.new:
        print(
            _(
                "{importer} ({fingerprint}) holds bundle {id}: {held} of {records} record(s)"
                " as sent; imported {at}."
            ).format(
                importer=safe(taken.importer),
                fingerprint=receipt.importer_fingerprint,
                id=receipt.bundle_id,
                held=sum(1 for r in receipt.records if r["outcome"] in receipts.HELD),
                records=len(receipt.records),
                at=receipt.imported_at,
            )
        )
    else:
        print(_("This receipt was taken before; nothing changed."))
    return 0
