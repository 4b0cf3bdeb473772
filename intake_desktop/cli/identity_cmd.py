"""``identity``: this vault's public keys and their fingerprints, to give to others."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import identity
from ..core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from ..core.i18n import _
from .context import Context
from .text import safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    ident = commands.add_parser(
        "identity",
        parents=[common],
        help=_("this vault's age recipient, minisign public key and fingerprints"),
    )
    ident.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    ident.set_defaults(handler=identity_cmd)


def identity_cmd(ctx: Context) -> int:
    vault = ctx.open_vault()
    own = identity.load(vault.conn)
    info = {
        "vault_name": vault.name,
        "vault_id": vault.vault_id,
        "recipient": own.age_recipient,
        "recipient_fingerprint": recipient_fingerprint(own.age_recipient),
        "signing_key": own.signing_key,
        "signing_key_fingerprint": signing_key_fingerprint(own.signing_key),
    }
    if ctx.args.json:
        ctx.print_json(info)
        return 0
    print(
        _("Vault {name} ({vault_id})").format(
            name=safe(info["vault_name"]), vault_id=vault.vault_id
        )
    )
    print()
    print(_("Age recipient (others encrypt bundles to it):"))
    print(f"    {info['recipient']}")
    print(
        "    " + _("fingerprint: {fingerprint}").format(fingerprint=info["recipient_fingerprint"])
    )
    print()
    print(_("Signing key (others check your bundles with it; minisign -P takes it):"))
    print(f"    {info['signing_key']}")
    print(
        "    " + _("fingerprint: {fingerprint}").format(fingerprint=info["signing_key_fingerprint"])
    )
    print()
    print(
        _(
            "Read these fingerprints aloud to the other side, in person or by phone, and have "
            "them compare what their device shows. Never rely on a fingerprint sent by email "
            "or chat alone."
        )
    )
    return 0
