"""``trust add-device | add-recipient | list | revoke | remove``: keys pinned after a
fingerprint check.

Adding asks the person to confirm they compared the fingerprint out of band,
and revoking asks before refusing a device's bundles; a script says so with
``--yes``. A script without ``--yes`` is refused (exit 6) rather than acting
silently or waiting on stdin.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core.errors import Cancelled, InvalidInput
from ..core.fingerprint import (
    parse_recipient,
    parse_signing_key,
    recipient_fingerprint,
    signing_key_fingerprint,
)
from ..core.i18n import N_, _
from ..core.trust import DEVICE, RECIPIENT, TrustEntry, TrustStore, check_name
from . import secrets_input
from .context import Context
from .text import ask, read_small_text, safe
from .vault_cmd import open_for_managing

MAX_KEY_FILE = 4096


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    trust = commands.add_parser(
        "trust", parents=[common], help=_("other devices' keys, pinned after a fingerprint check")
    )
    sub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    confirm = _("confirm that you compared the fingerprint (for scripts)")
    # Changing the trust store is for caseworkers, coordinators and the recovery code.
    with_code = _("unlock with the recovery code instead of a passphrase")

    def adding(command: str, about: str, key: str, key_help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(command, parents=[common], help=about)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("key", metavar=key, help=key_help)
        parser.add_argument("--yes", action="store_true", help=confirm)
        parser.add_argument("--recovery", action="store_true", help=with_code)
        return parser

    device = adding(
        "add-device",
        _("trust a device's signing key (for import)"),
        "SIGNING_KEY",
        _("the RW... public key, or @FILE (a minisign .pub)"),
    )
    device.set_defaults(handler=add_device)

    recipient = adding(
        "add-recipient",
        _("trust an age recipient (for export)"),
        "AGE_RECIPIENT",
        _("the age1... recipient, or @FILE holding it"),
    )
    recipient.add_argument(
        "--withheld-names",
        action="store_true",
        help=_("this recipient may receive names marked as withheld (counsel for the family)"),
    )
    recipient.add_argument(
        "--packets",
        action="store_true",
        help=_("bundles to this recipient carry each case's counsel packet (a PDF)"),
    )
    recipient.set_defaults(handler=add_recipient)

    def recipient_switch(command: str, about: str, handler: Callable[[Context], int]) -> None:
        """``trust COMMAND NAME yes|no [--recovery]``: one setting of one recipient."""
        parser = sub.add_parser(command, parents=[common], help=about)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("wanted", choices=("yes", "no"), metavar="yes|no")
        parser.add_argument("--recovery", action="store_true", help=with_code)
        parser.set_defaults(handler=handler)

    recipient_switch(
        "packets",
        _("whether bundles to a recipient carry each case's counsel packet (a PDF)"),
        set_packets,
    )
    recipient_switch(
        "withheld-names",
        _("whether a recipient may receive names marked as withheld"),
        withheld_names,
    )

    listing = sub.add_parser("list", parents=[common], help=_("list trusted keys"))
    listing.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    listing.set_defaults(handler=list_trust)

    revoke = sub.add_parser(
        "revoke",
        parents=[common],
        help=_("refuse a lost or stolen device's bundles made from a time on"),
    )
    revoke.add_argument("name", metavar="NAME")
    revoke.add_argument(
        "--at",
        metavar="TIMESTAMP",
        help=_("the revocation time in UTC, like 2026-11-27T22:21:08Z (default: now)"),
    )
    revoke.add_argument("--yes", action="store_true", help=_("revoke without asking (for scripts)"))
    revoke.add_argument("--recovery", action="store_true", help=with_code)
    revoke.set_defaults(handler=revoke_trust)

    remove = sub.add_parser("remove", parents=[common], help=_("stop trusting a key"))
    remove.add_argument("name", metavar="NAME")
    remove.add_argument(
        "--forget-revocation",
        action="store_true",
        help=_("also remove a revoked device (its later bundles are then only quarantined)"),
    )
    remove.add_argument("--recovery", action="store_true", help=with_code)
    remove.set_defaults(handler=remove_trust)


def _key_text(argument: str) -> str:
    """The key as given, or the contents of ``@FILE`` (comment lines dropped)."""
    if not argument.startswith("@"):
        return argument
    text = read_small_text(
        argument[1:],
        MAX_KEY_FILE,
        unreadable=N_("The key file {path} cannot be read."),
        too_large=N_("The key file {path} is too large for a public key."),
        not_utf8=N_("The key file {path} is not UTF-8 text."),
    )
    # age recipient files allow "#" comments; a minisign .pub has its own comment line.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _show(kind: str, name: str, fingerprint: str) -> None:
    what = _("signing key") if kind == DEVICE else _("age recipient")
    print(_("Fingerprint of the {what} for {name}:").format(what=what, name=safe(name)))
    print(f"    {fingerprint}")


def _confirm(fingerprint: str, yes: bool) -> None:
    if yes:
        return
    question = _(
        "Did you compare this fingerprint with the one shown on the other device, "
        "in person or by phone? [y/N]"
    )
    if not ask(question):
        raise Cancelled(
            N_("Nothing was stored: the fingerprint {fingerprint} was not confirmed."),
            fingerprint=fingerprint,
        )


def _add(
    ctx: Context,
    kind: str,
    parse: Callable[[str], str],
    fingerprint_of: Callable[[str], str],
) -> int:
    args = ctx.args
    # Checked before unlocking: bad input never touches the vault.
    name = check_name(args.name)
    key = parse(_key_text(args.key))
    fingerprint = fingerprint_of(key)
    if not args.yes and not secrets_input.interactive():
        _show(kind, name, fingerprint)
        raise InvalidInput(
            N_(
                "Not stored: compare the fingerprint {fingerprint} with the one shown on the "
                "other device, in person or by phone, then run again with --yes."
            ),
            fingerprint=fingerprint,
        )
    store = TrustStore(open_for_managing(ctx, args.recovery))
    prepare = store.prepare_device if kind == DEVICE else store.prepare_recipient
    add = store.add_device if kind == DEVICE else store.add_recipient
    prepare(name, key)  # own key, name or key in use: refused before asking
    _show(kind, name, fingerprint)
    _confirm(fingerprint, args.yes)
    if kind == RECIPIENT:
        entry = store.add_recipient(
            name, key, withheld_names=args.withheld_names, packets=args.packets
        )
    else:
        entry = add(name, key)
    message = (
        _("Trusted the device {name}.") if kind == DEVICE else _("Trusted the recipient {name}.")
    )
    print(message.format(name=safe(entry.name)))
    return 0


def add_device(ctx: Context) -> int:
    return _add(ctx, DEVICE, parse_signing_key, signing_key_fingerprint)


def add_recipient(ctx: Context) -> int:
    return _add(ctx, RECIPIENT, parse_recipient, recipient_fingerprint)


def withheld_names(ctx: Context) -> int:
    return _switch(
        ctx,
        TrustStore.set_withheld_names,
        _("{name} may now receive names marked as withheld."),
        _("Names marked as withheld will be left out of bundles for {name}."),
    )


def set_packets(ctx: Context) -> int:
    return _switch(
        ctx,
        TrustStore.set_packets,
        _("Bundles to {name} will carry each case's counsel packet."),
        _("Bundles to {name} will carry no counsel packets."),
    )


def _switch(
    ctx: Context, change: Callable[[TrustStore, str, bool], TrustEntry], on: str, off: str
) -> int:
    """``trust withheld-names|packets NAME yes|no``: change it, and say which it is now."""
    wanted = ctx.args.wanted == "yes"
    entry = change(TrustStore(open_for_managing(ctx, ctx.args.recovery)), ctx.args.name, wanted)
    print((on if wanted else off).format(name=safe(entry.name)))
    return 0


def _row(entry: TrustEntry) -> str:
    fields = [entry.name, entry.kind, entry.fingerprint, entry.added_at, entry.added_by]
    if entry.kind == RECIPIENT and entry.withheld_names:
        fields.append(_("receives withheld names"))
    if entry.kind == RECIPIENT and entry.packets:
        fields.append(_("receives counsel packets"))
    if entry.revoked_at is not None:
        fields.append(_("revoked {date}").format(date=entry.revoked_at))
    return "\t".join(safe(field) for field in fields)


def list_trust(ctx: Context) -> int:
    entries = TrustStore(ctx.open_vault()).entries()
    if ctx.args.json:
        ctx.print_json([entry.as_json() for entry in entries])
    elif not entries:
        print(_("Nothing is trusted yet: see trust add-device and trust add-recipient."))
    else:
        for entry in entries:
            print(_row(entry))
    return 0


def revoke_trust(ctx: Context) -> int:
    args = ctx.args
    if not args.yes and not secrets_input.interactive():
        raise InvalidInput(
            N_(
                "Not revoked: bundles {name} makes from then on will be refused; run again"
                " with --yes to revoke it."
            ),
            name=args.name,
        )
    store = TrustStore(open_for_managing(ctx, args.recovery))
    # Refused before asking: a recipient, a name not trusted, already revoked.
    planned = store.prepare_revoke(args.name, args.at)
    if not args.yes:
        question = _(
            "Revoke {name} from {date}? Bundles it made from then on will be refused, and its "
            "certifications from then on are not verified; what it signed before stays. [y/N]"
        )
        if not ask(question.format(name=safe(planned.name), date=planned.revoked_at)):
            raise Cancelled(N_("Nothing was changed: {name} was not revoked."), name=planned.name)
    entry = store.revoke(args.name, planned.revoked_at)
    print(
        _("{name} is revoked from {date}: bundles it made from then on will be refused.").format(
            name=safe(entry.name), date=entry.revoked_at
        )
    )
    return 0


def remove_trust(ctx: Context) -> int:
    store = TrustStore(open_for_managing(ctx, ctx.args.recovery))
    revoked = store.get(ctx.args.name)
    if revoked is not None and revoked.revoked_at is not None and not ctx.args.forget_revocation:
        # The core refuses too; this says which option the command line has for it.
        raise InvalidInput(
            N_(
                "{name} was revoked on {date}; removing it would forget the revocation, and"
                " what it signs later would be held in quarantine instead of refused. Add"
                " --forget-revocation only if the revocation was a mistake. Nothing was changed."
            ),
            name=revoked.name,
            date=revoked.revoked_at,
        )
    entry = store.remove(ctx.args.name, forget_revocation=ctx.args.forget_revocation)
    print(_("{name} is no longer trusted.").format(name=safe(entry.name)))
    return 0
