"""``export``, ``import`` and ``conflicts``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.bundle import importer, merge
from ..core.bundle.export import export_bundle
from ..core.bundle.format import RecipientRef
from ..core.errors import InvalidInput
from ..core.i18n import N_, _
from ..core.trust import TrustStore
from .context import Context
from .text import safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[common], help=_("write a signed, encrypted bundle")
    )
    export.add_argument(
        "--to",
        action="append",
        required=True,
        metavar="NAME_OR_RECIPIENT",
        help=_("a trusted recipient (repeat for several)"),
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help=_("every case"))
    which.add_argument("--case", action="append", metavar="ID", help=_("a case (repeatable)"))
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=export_cmd)

    take = commands.add_parser("import", parents=[common], help=_("import a bundle"))
    source = take.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", metavar="FILE")
    source.add_argument(
        "--list-quarantine", action="store_true", help=_("list bundles from unknown signers")
    )
    source.add_argument(
        "--from-quarantine",
        type=int,
        metavar="ID",
        help=_("import a quarantined bundle (after trusting its signer)"),
    )
    source.add_argument("--discard-quarantine", type=int, metavar="ID")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=import_cmd)

    conflicts = commands.add_parser(
        "conflicts", parents=[common], help=_("records edited on both sides")
    )
    sub = conflicts.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", parents=[common])
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=conflicts_list)
    resolve = sub.add_parser("resolve", parents=[common])
    resolve.add_argument("conflict_id", type=int, metavar="ID")
    resolve.add_argument("--keep", choices=("local", "incoming"), required=True)
    resolve.set_defaults(handler=conflicts_resolve)


def export_cmd(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    entries = TrustStore(vault).resolve_recipients(args.to)
    recipients = [RecipientRef(e.name, e.key, e.fingerprint) for e in entries]
    result = export_bundle(vault, recipients, Path(args.out), None if args.all else args.case)
    summary = {
        "path": str(result.path),
        "bundle_id": result.bundle_id,
        "sequence": result.sequence,
        "cases": result.cases,
        "records": result.records,
        "attachments": result.attachments,
        "size": result.size,
        "manifest_sha256": result.manifest_sha256,
        "recipients": [
            {"name": r.name, "recipient": r.recipient, "fingerprint": r.fingerprint}
            for r in result.recipients
        ],
    }
    if args.json:
        ctx.print_json(summary)
    else:
        print(
            _(
                "Wrote {path}: {cases} case(s), {records} record(s), {attachments} attachment(s)."
            ).format(**summary)
        )
        print(
            _(
                "Bundle {bundle_id}, number {sequence} from this vault, SHA-256 {manifest_sha256}."
            ).format(**summary)
        )
        for r in result.recipients:
            print(
                "  "
                + _("for {name}  {fingerprint}").format(
                    name=safe(r.name), fingerprint=r.fingerprint
                )
            )
    return 0


def import_cmd(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    if args.list_quarantine:
        waiting = importer.quarantined(vault)
        if args.json:
            ctx.print_json(
                [
                    {
                        "id": q.id,
                        "bundle_id": q.bundle_id,
                        "producer_name": q.producer_name,
                        "signing_key": q.signing_key,
                        "fingerprint": q.fingerprint,
                        "received_at": q.received_at,
                        "size": q.size,
                    }
                    for q in waiting
                ]
            )
        else:
            for q in waiting:
                print(f"{q.id}\t{q.received_at}\t{q.fingerprint}\t{safe(q.producer_name)}")
        return 0
    if args.discard_quarantine is not None:
        importer.discard_quarantined(vault, args.discard_quarantine)
        print(_("Discarded quarantined bundle {id}.").format(id=args.discard_quarantine))
        return 0
    if args.from_quarantine is not None:
        result = importer.import_quarantined(vault, args.from_quarantine)
    else:
        result = importer.import_bundle(vault, Path(args.file))
    if args.json:
        ctx.print_json(result.as_json())
    else:
        _print_result(result)
    if result.status == importer.QUARANTINED:
        print(
            "intake-desktop: "
            + _("Signed by an untrusted key ({fingerprint}); the bundle is in quarantine.").format(
                fingerprint=result.fingerprint
            ),
            file=sys.stderr,
        )
        return 3
    return 0


def _print_result(result: importer.ImportResult) -> None:
    who = f"{safe(result.producer_name)} ({result.fingerprint})"
    if result.status == importer.ALREADY_IMPORTED:
        print(
            _("Bundle {id} from {who} was imported before; nothing changed.").format(
                id=result.bundle_id, who=who
            )
        )
        return
    if result.status == importer.QUARANTINED:
        print(
            _("Bundle {id} claims to come from {who}, a signer you do not trust.").format(
                id=result.bundle_id, who=who
            )
        )
        print(
            _(
                "Compare the fingerprint with the sender, then: intake-desktop trust add-device"
                " NAME KEY, and import --from-quarantine {qid}."
            ).format(qid=result.quarantine_id)
        )
        return
    c = result.counts
    print(_("Merged bundle {id} from {who}.").format(id=result.bundle_id, who=who))
    print(
        "  "
        + _(
            "{new} new, {updated} updated, {unchanged} unchanged, {older} older, "
            "{conflict} conflict(s); {attachments} attachment(s)"
        ).format(**c, attachments=result.attachments)
    )
    print(
        "  "
        + _("Sequence: bundle {n} from this device ({note}).").format(
            n=result.sequence, note=result.sequence_text()
        )
    )
    if c.get(merge.CONFLICT):
        print("  " + _("Resolve conflicts with: intake-desktop conflicts list"))


def conflicts_list(ctx: Context) -> int:
    found = merge.conflicts(ctx.open_vault())
    if ctx.args.json:
        ctx.print_json(
            [
                {
                    "id": c.id,
                    "record_id": c.record_id,
                    "case_id": c.case_id,
                    "kind": c.kind,
                    "bundle_id": c.bundle_id,
                    "received_at": c.received_at,
                    "local": {
                        "version": c.local.version,
                        "updated_at": c.local.updated_at,
                        "updated_by": c.local.updated_by,
                        "deleted": c.local.deleted,
                        "body": c.local.body,
                    },
                    "incoming": {
                        "version": c.incoming.version,
                        "updated_at": c.incoming.updated_at,
                        "updated_by": c.incoming.updated_by,
                        "deleted": c.incoming.deleted,
                        "body": c.incoming.body,
                    },
                }
                for c in found
            ]
        )
    else:
        for c in found:
            print(
                f"{c.id}\t{c.kind}\t{c.record_id}\t{_('local')} v{c.local.version} "
                f"{safe(c.local.updated_by)}\t{_('incoming')} v{c.incoming.version} "
                f"{safe(c.incoming.updated_by)}"
            )
    return 0


def conflicts_resolve(ctx: Context) -> int:
    if ctx.args.conflict_id < 1:
        raise InvalidInput(
            N_("{path}: must be a whole number from {low} to {high}."), path="ID", low=1, high=2**31
        )
    record = merge.resolve(ctx.open_vault(), ctx.args.conflict_id, ctx.args.keep)
    print(
        _("Kept the {keep} version; the record is now version {version}.").format(
            keep=ctx.args.keep, version=record.version
        )
    )
    return 0
