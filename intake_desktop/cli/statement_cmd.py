"""``statement certify`` and ``statement read-back``: signed attestations of a statement."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import attestations, certification
from ..core.errors import InvalidInput
from ..core.i18n import N_, _
from ..core.records import Record
from .context import Context
from .text import safe


def register(
    commands: Any, common: argparse.ArgumentParser, common_no_language: argparse.ArgumentParser
) -> None:
    """``common_no_language``: the global options but ``--language`` (read-back has its own)."""
    statement = commands.add_parser(
        "statement", parents=[common], help=_("certify a translation, record a read-back")
    )
    sub = statement.add_subparsers(dest="statement_command", metavar="ACTION", required=True)

    certify = sub.add_parser(
        "certify",
        parents=[common],
        help=_("certify a statement's English translation (translators only)"),
    )
    certify.add_argument("statement_id", metavar="STATEMENT_ID")
    certify.add_argument("--name", help=_("your name as it goes on the certificate"))
    certify.add_argument("--address", help=_("your address (immigration court filings)"))
    certify.add_argument("--phone", help=_("your telephone number"))
    certify.add_argument("--expected-version", type=int, metavar="N")
    certify.add_argument("--json", action="store_true")
    certify.set_defaults(handler=certify_statement)

    read_back = sub.add_parser(
        "read-back",
        parents=[common_no_language],  # its --language is the read-back's, not the interface's
        help=_("record that the statement was read back and confirmed (caseworkers only)"),
    )
    read_back.add_argument("statement_id", metavar="STATEMENT_ID")
    read_back.add_argument("--read-by", required=True, metavar="NAME", help=_("who read it aloud"))
    read_back.add_argument("--language", default="", help=_("the language it was read in"))
    read_back.add_argument("--notes", default="")
    read_back.add_argument("--expected-version", type=int, metavar="N")
    read_back.add_argument("--json", action="store_true")
    read_back.set_defaults(handler=read_back_statement)


def _report(ctx: Context, record: Record, kind: str) -> int:
    trusted = attestations.trusted_keys(ctx.open_vault())
    status = attestations.status(record.body, kind, trusted)
    if ctx.args.json:
        ctx.print_json(
            {"statement_id": record.id, "version": record.version, kind: status.as_json()}
        )
    else:
        print(safe(certification.describe(status)))
        if signer := certification.describe_signer(status):
            print(safe(signer))
    return 0


def certify_statement(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_vault()
    earlier = certification.translator_profile(vault)
    name = args.name if args.name is not None else (earlier.name if earlier else "")
    if not name.strip():
        raise InvalidInput(
            N_("{path}: give your name (there is no earlier certificate to take it from)."),
            path="--name",
        )
    details = certification.TranslatorDetails(
        name=name,
        address=args.address if args.address is not None else (earlier.address if earlier else ""),
        phone=args.phone if args.phone is not None else (earlier.phone if earlier else ""),
    )
    record = certification.certify(vault, args.statement_id, details, args.expected_version)
    return _report(ctx, record, attestations.CERTIFICATION)


def read_back_statement(ctx: Context) -> int:
    args = ctx.args
    record = certification.record_read_back(
        ctx.open_vault(),
        args.statement_id,
        read_by=args.read_by,
        language=args.language,
        notes=args.notes,
        expected_version=args.expected_version,
    )
    return _report(ctx, record, attestations.READ_BACK)
