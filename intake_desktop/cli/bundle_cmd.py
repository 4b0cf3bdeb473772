"""``export``, ``import`` and ``conflicts``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import consent, receipts
from ..core.bundle import importer, merge, quarantine, report
from ..core.bundle.export import (
    ExportResult,
    cases_changed_since,
    export_bundle,
    last_export_at,
)
from ..core.bundle.format import RecipientRef
from ..core.bundle.packets import wanting_packets
from ..core.errors import RECORD_NOUNS, InvalidInput
from ..core.i18n import N_, _
from ..core.trust import TrustStore
from .context import Context
from .text import complain, safe

EXIT_QUARANTINED = 3  # docs/cli.md: kept in quarantine, nothing merged


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
    which.add_argument(
        "--changed",
        action="store_true",
        help=_("the cases changed since this vault's last bundle (every case the first time)"),
    )
    where = export.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="FILE", help=_("write the bundle to this file"))
    where.add_argument(
        "--send",
        metavar="DEST",
        help=_("write the bundle into the outbox and queue it for this destination"),
    )
    export.add_argument(
        "--override-consent",
        action="store_true",
        help=_("export cases whose recorded consent does not cover it (audited per case)"),
    )
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
    take.add_argument(
        "--receipt-out",
        metavar="RECEIPT",
        help=_("write the signed receipt for the sender to RECEIPT (and RECEIPT.minisig)"),
    )
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
    settle = resolve.add_mutually_exclusive_group(required=True)
    settle.add_argument("--keep", choices=("local", "incoming"))
    settle.add_argument(
        "--take",
        metavar="FIELD,…",
        help=_("keep the local version but take these fields from the incoming one"),
    )
    resolve.set_defaults(handler=conflicts_resolve)


def _chosen_cases(vault: Any, args: argparse.Namespace) -> list[str] | None:
    """The case ids ``--all``/``--case``/``--changed`` stand for (None: every case)."""
    if args.all:
        return None
    if args.case:
        return list(args.case)
    since = last_export_at(vault)
    return None if since is None else cases_changed_since(vault, since)


def export_cmd(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    entries = TrustStore(vault).resolve_recipients(args.to)
    recipients = [RecipientRef(e.name, e.key, e.fingerprint) for e in entries]
    case_ids = _chosen_cases(vault, args)
    if case_ids == []:
        complain(
            _("No case changed since this vault's last bundle ({at}); nothing was written.").format(
                at=last_export_at(vault)
            )
        )
        if args.json:
            ctx.print_json(None)
        return 0
    queued: Any = None
    packets = None
    if wanting_packets(vault, recipients):
        from ..packet import bundle_renderer, ensure_gui  # Qt and pikepdf only when asked

        ensure_gui()
        packets = bundle_renderer()
    try:
        if args.send is not None:
            from ..core.delivery.outbox import Outbox  # SSH and S3 load only when used

            queued, result = Outbox(vault).export(
                args.send,
                recipients,
                case_ids,
                override_consent=args.override_consent,
                packets=packets,
            )
        else:
            result = export_bundle(
                vault,
                recipients,
                Path(args.out),
                case_ids,
                override_consent=args.override_consent,
                packets=packets,
            )
    except consent.ConsentRefused as exc:
        for problem in exc.problems:
            complain(_("case {id}: {reason}").format(id=problem.case_id, reason=problem.text()))
        complain(
            _(
                "Record the consent in each case, leave those cases out, or export with"
                " --override-consent (written to the audit log)."
            )
        )
        raise
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
        "withheld_names_left_out": result.withheld,
        "not_cleared_for_withheld_names": list(result.not_cleared),
        "consent_overridden": list(result.consent_overridden),
        "packets": result.packets,
    }
    if queued is not None:
        summary["outbox_id"] = queued.id
        summary["destination"] = queued.destination
    if args.json:
        ctx.print_json(summary)
    elif queued is not None:
        # The entry id alone on stdout, for scripts; the rest on stderr.
        print(queued.id)
        complain(
            _(
                "Queued bundle {bundle_id} (number {sequence}) for {destination} as outbox"
                " entry {id}; send it with: intake-desktop outbox send"
            ).format(
                bundle_id=result.bundle_id,
                sequence=result.sequence,
                destination=safe(queued.destination),
                id=queued.id,
            )
        )
        _print_export_notes(result, complain)
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
        if result.packets:
            print(_("With {count} counsel packet(s) (PDF).").format(count=result.packets))
        _print_export_notes(result, print)
    return 0


def _print_export_notes(result: ExportResult, say: Callable[[str], object]) -> None:
    """What a person must know about what was left out or overridden."""
    if result.withheld:
        names = ", ".join(safe(n) for n in result.not_cleared)
        if names:
            line = _(
                "Withheld names were left out of {count} person record(s). Not cleared"
                " to receive them: {names}."
            ).format(count=result.withheld, names=names)
        else:
            line = _(
                "{count} person record(s) were sent without the names withheld from this vault."
            ).format(count=result.withheld)
        say(line)
    if result.consent_overridden:
        say(
            _(
                "Exported {count} case(s) despite their recorded consent (override written"
                " to the audit log)."
            ).format(count=len(result.consent_overridden))
        )


def import_cmd(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    if args.list_quarantine:
        waiting = quarantine.waiting(vault)
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
                        "file_name": q.file_name,
                        "sequence": q.sequence,
                        "file_sha256": q.file_sha256,
                    }
                    for q in waiting
                ]
            )
        else:
            for q in waiting:
                print(
                    f"{q.id}\t{q.received_at}\t{q.fingerprint}\t{q.size}\t{q.bundle_id}\t"
                    + _("claims: {name}").format(name=safe(q.producer_name))
                )
        return 0
    if args.discard_quarantine is not None:
        quarantine.discard(vault, args.discard_quarantine)
        print(_("Discarded quarantined bundle {id}.").format(id=args.discard_quarantine))
        return 0
    if args.from_quarantine is not None:
        result = importer.import_quarantined(vault, args.from_quarantine)
    else:
        result = importer.import_bundle(vault, Path(args.file))
    if args.receipt_out and result.status != importer.QUARANTINED:
        written, _signature = receipts.issued(vault, result.bundle_id).write(Path(args.receipt_out))
        complain(_("Wrote the receipt for the sender to {path}.").format(path=written))
    if args.json:
        ctx.print_json(result.as_json())
    else:
        _print_result(result)
    if result.status == importer.QUARANTINED:
        if args.receipt_out:
            complain(_("No receipt was written: nothing was imported from an untrusted signer."))
        complain(
            _("Signed by an untrusted key ({fingerprint}); the bundle is in quarantine.").format(
                fingerprint=result.fingerprint
            )
        )
        return EXIT_QUARANTINED
    return 0


def _print_result(result: importer.ImportResult) -> None:
    # The trust store's name for the key that signed; the bundle's own claim
    # is shown only for an unknown signer, and as a claim.
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
                id=result.bundle_id, who=f"{safe(result.claimed_name)} ({result.fingerprint})"
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
    for case in result.changes:
        _print_case_changes(case)
    if c.get(merge.CONFLICT):
        print("  " + _("Resolve conflicts with: intake-desktop conflicts list"))


_CHANGE_WORDS = {
    report.ADDED: N_("added"),
    report.CHANGED: N_("changed"),
    report.DELETED: N_("deleted"),
    report.PROPOSED: N_("conflict"),
}


def _print_case_changes(case: report.CaseChanges) -> None:
    """One line per case this bundle touched, then one per record added or changed."""
    # Ids only: import's output carries no case content (`case show ID` has it).
    deleted = "" if case.title else " " + _("(deleted)")
    print("  " + _("Case {id}:").format(id=case.case_id) + deleted)
    if case.other_device:
        if case.origin == report.ORIGIN_THIS_VAULT:
            line = _("created in this vault; another device wrote into it")
        else:
            line = _("created by {name} ({fingerprint}); another device wrote into it").format(
                name=safe(case.origin_name) or _("a device you no longer trust"),
                fingerprint=case.origin_fingerprint,
            )
        print("    ! " + line)
    elif case.origin == report.ORIGIN_UNKNOWN:
        print("    " + _("who created this case is not known (received before this was recorded)"))
    for change in case.records:
        print(
            "    "
            + _("{change} {kind} {id} (version {version})").format(
                change=_(_CHANGE_WORDS[change.change]),
                kind=_(RECORD_NOUNS.get(change.kind, change.kind)),
                id=change.id,
                version=change.version,
            )
        )


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
    if ctx.args.take is not None:
        fields = [f.strip() for f in ctx.args.take.split(",") if f.strip()]
        if not fields:
            raise InvalidInput(N_("{path}: name at least one field."), path="--take")
        record = merge.resolve_fields(ctx.open_vault(), ctx.args.conflict_id, fields)
        print(
            _(
                "Took {fields} from the incoming version; the record is now version {version}."
            ).format(fields=safe(", ".join(fields)), version=record.version)
        )
        return 0
    record = merge.resolve(ctx.open_vault(), ctx.args.conflict_id, ctx.args.keep)
    print(
        _("Kept the {keep} version; the record is now version {version}.").format(
            keep=ctx.args.keep, version=record.version
        )
    )
    return 0
