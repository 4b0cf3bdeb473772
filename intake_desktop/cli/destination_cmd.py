"""``destination add | list | remove | test``: where bundles are delivered, kept in the vault.

Adding an SFTP destination pins the server's host key by its fingerprint,
which the person compares aloud with counsel's administrator first (as with
a device's key): ``--yes`` says so for scripts, and a script without it is
refused (exit 6). Credentials come from files, never from the command line
(every account can read a process's arguments).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..core.errors import Cancelled, InvalidInput
from ..core.i18n import N_, _
from . import secrets_input
from .context import Context
from .text import ask, read_small_text, safe
from .vault_cmd import open_for_managing

if TYPE_CHECKING:
    from ..core.delivery.destinations import Destination, DestinationStore

MAX_CREDENTIAL_FILE = 16384


def _store(vault: Any) -> DestinationStore:
    """The vault's destinations. Imported here, not at the top: the SSH and S3
    libraries take a fifth of a second to load, which no other command should pay."""
    from ..core.delivery.destinations import DestinationStore

    return DestinationStore(vault)


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    destination = commands.add_parser(
        "destination", parents=[common], help=_("where bundles are delivered (SFTP, S3)")
    )
    sub = destination.add_subparsers(dest="destination_command", metavar="ACTION", required=True)
    with_code = _("unlock with the recovery code instead of a passphrase")

    add = sub.add_parser("add", parents=[common], help=_("add an SFTP or S3 destination"))
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "url", metavar="URL", help=_("sftp://USER@HOST[:PORT]/PATH or s3://BUCKET[/PREFIX]")
    )
    add.add_argument(
        "--host-key", metavar="SHA256:…", help=_("the SFTP server's host key fingerprint")
    )
    add.add_argument(
        "--ssh-key", metavar="FILE", help=_("a private SSH key file (else the vault makes one)")
    )
    add.add_argument("--password-file", metavar="FILE", help=_("a file holding the SFTP password"))
    add.add_argument("--endpoint", metavar="URL", help=_("the S3 service's URL"))
    add.add_argument(
        "--credentials-file", metavar="FILE", help=_("S3: the key id and the secret, one a line")
    )
    add.add_argument(
        "--yes", action="store_true", help=_("confirm that you compared the host key (for scripts)")
    )
    add.add_argument("--recovery", action="store_true", help=with_code)
    add.set_defaults(handler=add_destination)

    listing = sub.add_parser("list", parents=[common], help=_("list destinations"))
    listing.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    listing.set_defaults(handler=list_destinations)

    remove = sub.add_parser("remove", parents=[common], help=_("forget a destination"))
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--recovery", action="store_true", help=with_code)
    remove.set_defaults(handler=remove_destination)

    test = sub.add_parser(
        "test", parents=[common], help=_("connect, check the host key and credentials, list")
    )
    test.add_argument("name", metavar="NAME")
    test.set_defaults(handler=test_destination)


def _credential(path: str) -> str:
    text = read_small_text(
        path,
        MAX_CREDENTIAL_FILE,
        unreadable=N_("The credentials file {path} cannot be read."),
        too_large=N_("The credentials file {path} is too large."),
        not_utf8=N_("The credentials file {path} is not UTF-8 text."),
    )
    return text


def _confirm_host_key(fingerprint: str, yes: bool) -> None:
    if yes:
        return
    if not secrets_input.interactive():
        raise InvalidInput(
            N_(
                "Not stored: compare the host key {fingerprint} with counsel's administrator,"
                " in person or by phone, then run again with --yes."
            ),
            fingerprint=fingerprint,
        )
    print(_("Host key of the server: {fingerprint}").format(fingerprint=fingerprint))
    question = _(
        "Did you compare this fingerprint with the one the server's administrator"
        " read to you? [y/N]"
    )
    if not ask(question):
        raise Cancelled(
            N_("Nothing was stored: the host key {fingerprint} was not confirmed."),
            fingerprint=fingerprint,
        )


def add_destination(ctx: Context) -> int:
    args = ctx.args
    if args.url.startswith("sftp://"):
        if not args.host_key:
            raise InvalidInput(N_("An SFTP destination needs --host-key SHA256:…"))
        if args.endpoint or args.credentials_file:
            raise InvalidInput(N_("--endpoint and --credentials-file are for S3 destinations."))
        ssh_key = _credential(args.ssh_key) if args.ssh_key else None
        password = None
        if args.password_file:
            # The first line, as with passphrase files (restic, borg).
            password = (_credential(args.password_file).splitlines() or [""])[0]
        _confirm_host_key(args.host_key, args.yes)
        store = _store(open_for_managing(ctx, args.recovery))
        added = store.add_sftp(
            args.name, args.url, args.host_key, ssh_key=ssh_key, password=password
        )
    elif args.url.startswith("s3://"):
        if args.host_key or args.ssh_key or args.password_file:
            raise InvalidInput(N_("--host-key, --ssh-key and --password-file are for SFTP."))
        if not args.endpoint or not args.credentials_file:
            raise InvalidInput(N_("An S3 destination needs --endpoint and --credentials-file."))
        lines = [line.strip() for line in _credential(args.credentials_file).splitlines()]
        lines = [line for line in lines if line]
        if len(lines) != 2:
            raise InvalidInput(
                N_("The credentials file {path} must hold the key id and the secret, one a line."),
                path=args.credentials_file,
            )
        store = _store(open_for_managing(ctx, args.recovery))
        added = store.add_s3(args.name, args.url, args.endpoint, lines[0], lines[1])
    else:
        raise InvalidInput(N_("{url} is neither an sftp:// nor an s3:// address."), url=args.url)
    print(
        _("Added the destination {name} ({url}).").format(
            name=safe(added.name), url=safe(added.url)
        )
    )
    if added.public_key:
        print(
            _("Give this public key to the server's administrator, for {user}:").format(
                user=safe(added.url.split("//", 1)[1].split("@", 1)[0])
            )
        )
        print(f"    {added.public_key}")
    return 0


def _row(found: Destination) -> str:
    pinned = found.host_key if found.kind == "sftp" else found.endpoint
    return "\t".join(safe(str(f)) for f in (found.name, found.kind, found.url, pinned or ""))


def list_destinations(ctx: Context) -> int:
    found = _store(ctx.open_vault()).list()
    if ctx.args.json:
        ctx.print_json([d.as_json() for d in found])
    elif not found:
        print(_("No destination yet: see destination add."))
    else:
        for destination in found:
            print(_row(destination))
    return 0


def remove_destination(ctx: Context) -> int:
    removed = _store(open_for_managing(ctx, ctx.args.recovery)).remove(ctx.args.name)
    print(_("Removed the destination {name}.").format(name=safe(removed.name)))
    return 0


def test_destination(ctx: Context) -> int:
    store = _store(ctx.open_vault())
    transport = store.transport(ctx.args.name)
    try:
        files = transport.list()
    finally:
        transport.close()
    print(
        _("{name} answers: the host key and credentials are right; {count} file(s) there.").format(
            name=safe(ctx.args.name), count=len(files)
        )
    )
    return 0
