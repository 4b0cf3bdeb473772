"""``vault init | check | passwd | user | recovery-code | audit | backup | upgrade``.

Who may change users and keys is decided in the core (core/permissions.py),
not here: a refused role gets exit 13 from the same check the app meets.
Names and audit fields printed for people go through ``safe``: a name stored
by an older version, or typed into another vault, must not drive the terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core import audit, blob_upgrade, user_keys
from ..core.backup import backup
from ..core.check import check_vault
from ..core.errors import InvalidInput
from ..core.i18n import N_, _
from ..core.users import ROLES
from ..core.vault import Vault
from . import secrets_input
from .context import Context, kdf_target_seconds
from .text import complain, safe


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    vault = commands.add_parser("vault", parents=[common], help=_("create, check, change access"))
    sub = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)

    init = sub.add_parser("init", parents=[common], help=_("create a vault"))
    init.add_argument("--name", help=_("a label for this vault (shown to coordinators)"))
    init.add_argument("--role", choices=ROLES, default="caseworker")
    init.add_argument("--user", help=_("your user name in this vault (default: the role)"))
    init.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    init.set_defaults(handler=init_vault)

    check = sub.add_parser("check", parents=[common], help=_("verify every integrity check"))
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_cmd)

    passwd = sub.add_parser("passwd", parents=[common], help=_("change a passphrase"))
    passwd.add_argument("--new-passphrase-file", metavar="FILE")
    passwd.add_argument(
        "--recovery", action="store_true", help=_("unlock with the recovery code instead")
    )
    passwd.add_argument(
        "--user",
        help=_("whose passphrase to reset (a caseworker, a coordinator, or with --recovery)"),
    )
    passwd.set_defaults(handler=passwd_cmd)
    with_code = _("unlock with the recovery code instead of a passphrase")

    users = sub.add_parser("user", parents=[common], help=_("users who can unlock this vault"))
    user_sub = users.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", parents=[common], help=_("add a user with a passphrase"))
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--new-passphrase-file", metavar="FILE")
    add.add_argument("--recovery", action="store_true", help=with_code)
    add.set_defaults(handler=user_add)
    listing = user_sub.add_parser("list", parents=[common])
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=user_list)
    remove = user_sub.add_parser("remove", parents=[common])
    remove.add_argument("name")
    remove.add_argument("--recovery", action="store_true", help=with_code)
    remove.set_defaults(handler=user_remove)

    code = sub.add_parser(
        "recovery-code", parents=[common], help=_("replace the recovery code (shown once)")
    )
    code.add_argument("--recovery", action="store_true", help=with_code)
    code.set_defaults(handler=recovery_cmd)

    log = sub.add_parser("audit", parents=[common], help=_("show the audit log"))
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=audit_cmd)

    copy = sub.add_parser(
        "backup", parents=[common], help=_("copy the vault, database and attachments, while in use")
    )
    copy.add_argument("dest", metavar="DEST", help=_("a new folder for the copy"))
    copy.add_argument("--json", action="store_true")
    copy.set_defaults(handler=backup_cmd)

    upgrade = sub.add_parser(
        "upgrade", parents=[common], help=_("move attachments into the encrypted file store")
    )
    upgrade.add_argument("--json", action="store_true")
    upgrade.set_defaults(handler=upgrade_cmd)


def _print_recovery_code(code: str) -> None:
    print(_("Recovery code (write it down now; it is shown only once):"))
    print(f"    {code}")


def open_for_managing(ctx: Context, recovery: bool) -> Vault:
    """The vault unlocked with the passphrase, or with the recovery code (``--recovery``)."""
    if not recovery:
        return ctx.open_vault()
    vault = Vault.open_with_recovery(ctx.vault_path, secrets_input.recovery_code())
    ctx.adopt(vault)
    return vault


def init_vault(ctx: Context) -> int:
    args = ctx.args
    passphrase = secrets_input.new_passphrase(
        args.passphrase_file, secrets_input.PASSPHRASE_ENV, secrets_input.PASSPHRASE_OPTION
    )
    vault, code = Vault.create(
        ctx.vault_path,
        passphrase,
        user_name=args.user or args.role,
        role=args.role,
        name=args.name,
        kdf_target_seconds=kdf_target_seconds(),
    )
    ctx.adopt(vault)
    if args.json:
        ctx.print_json(
            {
                "path": str(vault.path),
                "vault_id": vault.vault_id,
                "name": vault.name,
                "user": vault.user.name,
                "role": vault.user.role,
                "recovery_code": code,
            }
        )
    else:
        print(
            _("Created the vault {name} at {path}.").format(
                name=safe(vault.name), path=safe(str(vault.path))
            )
        )
        _print_recovery_code(code)
    return 0


def check_cmd(ctx: Context) -> int:
    results = check_vault(ctx.open_vault())
    ok = all(r.ok for r in results)
    if ctx.args.json:
        ctx.print_json(
            {
                "ok": ok,
                "checks": [{"name": r.name, "ok": r.ok, "detail": r.detail} for r in results],
            }
        )
    else:
        for r in results:
            status = (_("ok") if r.ok else _("FAILED")).ljust(6)
            print(f"{status}  {r.label()}: {r.text()}")
    if not ok:
        complain(_("The vault failed an integrity check."))
    return 0 if ok else 7


def passwd_cmd(ctx: Context) -> int:
    args = ctx.args
    if args.recovery:
        vault = Vault.open_with_recovery(ctx.vault_path, secrets_input.recovery_code())
        ctx.adopt(vault)
        users = vault.users()
        if args.user is None and len(users) != 1:
            raise InvalidInput(N_("Name the user whose passphrase to reset with --user."))
        target = args.user or users[0].name
    else:
        vault = ctx.open_vault()
        # Another user's: the core refuses a role that may not reset it (exit 13).
        target = args.user or vault.user.name
    new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.NEW_PASSPHRASE_ENV)
    vault.change_passphrase(new, target)
    print(_("The passphrase of {user} was changed.").format(user=safe(target)))
    return 0


def user_add(ctx: Context) -> int:
    args = ctx.args
    vault = open_for_managing(ctx, args.recovery)
    new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.NEW_PASSPHRASE_ENV)
    user = vault.add_user(args.name, args.role, new)
    print(_("Added {user} ({role}).").format(user=safe(user.name), role=safe(user.role)))
    return 0


def user_list(ctx: Context) -> int:
    vault = ctx.open_vault()
    # Each user's own signing key (made at their first certification or read-back):
    # the fingerprint a translator gives counsel, who sees it on what they signed.
    keys = {u.slot_id: user_keys.current(vault, u.slot_id) for u in vault.users()}
    if ctx.args.json:
        ctx.print_json(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "signing_key": key.signing_key if (key := keys[u.slot_id]) else None,
                    "fingerprint": key.fingerprint if key else None,
                }
                for u in vault.users()
            ]
        )
    else:
        for u in vault.users():
            key = keys[u.slot_id]
            print("\t".join([safe(u.name), safe(u.role), key.fingerprint if key else "-"]))
    return 0


def user_remove(ctx: Context) -> int:
    open_for_managing(ctx, ctx.args.recovery).remove_user(ctx.args.name)
    print(_("Removed {user}.").format(user=safe(ctx.args.name)))
    return 0


def recovery_cmd(ctx: Context) -> int:
    _print_recovery_code(open_for_managing(ctx, ctx.args.recovery).new_recovery_code())
    return 0


def audit_cmd(ctx: Context) -> int:
    vault = ctx.open_vault()
    entries = audit.events(vault.conn, limit=max(1, ctx.args.limit))
    if ctx.args.json:
        ctx.print_json([e.__dict__ for e in entries])
    else:
        for e in entries:
            fields = (e.at, e.user, e.action, e.record_id or "")
            print("\t".join([str(e.seq), *(safe(str(field)) for field in fields)]))
    return 0


class _ProgressLine:
    """Percent done on stderr, only on a terminal and only when it changes."""

    def __init__(self) -> None:
        self.shown = -1
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if self.live and percent != self.shown:
            self.shown = percent
            print(f"\r{percent:3d} %", end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.live and self.shown >= 0:
            print(file=sys.stderr)


def backup_cmd(ctx: Context) -> int:
    vault = ctx.open_vault()
    line = _ProgressLine()
    try:
        result = backup(vault, Path(ctx.args.dest), line)
    finally:
        line.end()
    if ctx.args.json:
        ctx.print_json(
            {
                "path": str(result.path),
                "database_bytes": result.database_bytes,
                "files": result.files,
                "file_bytes": result.file_bytes,
            }
        )
    else:
        print(
            _("Backed up to {path}: the database and {count} attachment file(s).").format(
                path=safe(str(result.path)), count=result.files
            )
        )
    return 0


def upgrade_cmd(ctx: Context) -> int:
    vault = ctx.open_vault()
    line = _ProgressLine()
    try:
        result = blob_upgrade.upgrade(vault, line)
    finally:
        line.end()
    if ctx.args.json:
        ctx.print_json(
            {
                "moved": result.blobs,
                "bytes": result.bytes,
                "database_bytes_before": result.database_bytes_before,
                "database_bytes_after": result.database_bytes_after,
            }
        )
    elif result.blobs:
        print(
            _(
                "Moved {count} attachment(s) into the encrypted file store; the database went"
                " from {before} to {after} MiB."
            ).format(
                count=result.blobs,
                before=result.database_bytes_before >> 20,
                after=result.database_bytes_after >> 20,
            )
        )
    else:
        print(_("Every attachment is already in the encrypted file store."))
    return 0
