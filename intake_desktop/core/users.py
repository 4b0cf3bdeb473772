"""Who may unlock a vault: its users, their roles, and changes to their key slots.

``Vault`` inherits these methods (``vault.add_user(...)``). The app and the
command line may hold the vault open at once, each with the header it read at
unlock. Every change therefore takes the folder's key-slot lock
(``locking.py``), re-reads keyslots.json inside it, applies its one change to
what it read and writes atomically; ``self.header`` follows only after the
write. The slow part (Argon2id, sealing the new slot) runs before the lock: a
slot's seal depends on the vault id and its own fields only. Who may change
what is ``permissions.py``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import permissions, user_keys
from .errors import InvalidInput, NotFound, NotPermitted, VaultDamaged
from .files import write_private_atomic
from .i18n import N_
from .keyslots import (
    FLOOR,
    HEADER_NAME,
    MAX_SLOTS,
    RECOVERY,
    USER,
    KeySlotHeader,
    new_recovery_code,
    read_header_file,
)
from .locking import keyslots_lock

if TYPE_CHECKING:
    from .vault import Vault

ROLES = permissions.ROLES
RECOVERY_USER = permissions.RECOVERY
LAST_MANAGER = N_(
    "{name} is the last caseworker or coordinator who can manage this vault: add another "
    "one first. Nothing was changed."
)
MIN_PASSPHRASE_CHARS = 8
MAX_USER_NAME_CHARS = 64
# ZWNJ/ZWJ belong in Dari and Pashto spelling (as in trust names); every other
# control, format (bidi) or separator character could repaint a terminal or
# make two names look alike.
_NAME_JOINERS = frozenset("\u200c\u200d")


@dataclass(frozen=True)
class User:
    slot_id: str
    name: str
    role: str


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise InvalidInput(
            N_("A passphrase needs at least {count} characters."), count=MIN_PASSPHRASE_CHARS
        )


def check_user(name: str, role: str) -> None:
    printable = all(ch.isprintable() or ch in _NAME_JOINERS for ch in name)
    if not 1 <= len(name) <= MAX_USER_NAME_CHARS or not printable or name.strip() != name:
        raise InvalidInput(
            N_(
                "A user name needs 1 to {count} characters, with no control or direction "
                "characters and no space at either end."
            ),
            count=MAX_USER_NAME_CHARS,
        )
    if name == RECOVERY_USER:
        raise InvalidInput(
            N_("The name {name} is reserved for the recovery code; choose another."), name=name
        )
    if role not in ROLES:
        raise InvalidInput(N_("The role must be one of: {roles}."), roles=", ".join(ROLES))


class UserAdmin:
    """The users-and-key-slots part of an unlocked ``Vault``."""

    path: Path
    header: KeySlotHeader
    user: User
    conn: Any  # sqlcipher3's Connection
    _master_key: bytearray
    _user_wrap: bytearray

    if TYPE_CHECKING:  # provided by Vault

        def now(self) -> str: ...

        def transaction(self) -> AbstractContextManager[Any]: ...

        def audit(
            self, action: str, kind: str | None = None, record_id: str | None = None
        ) -> None: ...

    def users(self) -> list[User]:
        rows = self.conn.execute("SELECT slot_id, name, role FROM users ORDER BY created_at, name")
        return [User(*row) for row in rows]

    def reload_header(self) -> KeySlotHeader:
        """keyslots.json as it is on disk now, adopted as this vault's header.

        Another program may have changed the slots since this vault was
        unlocked; whatever decides who can unlock reads them here.
        """
        if not (self.path / HEADER_NAME).is_file():
            raise VaultDamaged(N_("The key-slot header is missing; restore it from a backup."))
        header = read_header_file(self.path)
        if header.vault_id != self.header.vault_id:
            raise VaultDamaged(N_("The key-slot header does not belong to this database."))
        self.header = header
        return header

    @contextlib.contextmanager
    def _changing_slots(self) -> Iterator[KeySlotHeader]:
        """The header read from disk under the key-slot lock; write one change with it."""
        with keyslots_lock(self.path):
            header = self.reload_header()
            if header.slot(self.user.slot_id) is None:
                raise self._session_gone()
            yield header

    def _session_gone(self) -> NotPermitted:
        """This session's own slot was removed by another program since it unlocked."""
        if self.user.role == RECOVERY_USER:
            return NotPermitted(
                N_(
                    "The recovery code was replaced elsewhere since this vault was unlocked "
                    "with it; nothing was changed."
                )
            )
        return NotPermitted(
            N_(
                "You were removed from this vault's users elsewhere since you unlocked it; "
                "nothing was changed."
            )
        )

    def _write_header(self, header: KeySlotHeader) -> None:
        """Only inside ``_changing_slots``: replace keyslots.json (temp, fsync, rename, fsync)."""
        write_private_atomic(self.path / HEADER_NAME, header.to_bytes())
        self.header = header

    def _user_row(self, name: str) -> User:
        row = self.conn.execute(
            "SELECT slot_id, name, role FROM users WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise NotFound(N_("There is no user {name} in this vault."), name=name)
        return User(*row)

    def change_passphrase(self, new_passphrase: str, user_name: str | None = None) -> None:
        """Rewrap one user's slot under a new passphrase (the database is untouched).

        Without ``user_name`` it is the current user's own slot, which every
        role may do; resetting another user's is for those who manage users
        (core/permissions.py).
        """
        name = user_name or self.user.name
        own = name == self.user.name and self.user.role != RECOVERY_USER
        if not own:
            permissions.require(self.user, permissions.RESET_PASSPHRASE)
        check_passphrase(new_passphrase)
        slot_id = self.user.slot_id if own else self._user_row(name).slot_id
        current = self.reload_header().slot(slot_id)
        if current is None and own:
            raise self._session_gone()
        if current is None:
            raise NotFound(N_("There is no user {name} in this vault."), name=name)
        new, passphrase_key = self.header.seal_keeping(
            USER, new_passphrase, bytes(self._master_key), current.kdf, current.id
        )
        with self._changing_slots() as header:
            if header.slot(slot_id) is None:
                raise NotFound(N_("There is no user {name} in this vault."), name=name)
            self._write_header(header.replacing(slot_id, new))
        vault = cast("Vault", self)
        with self.transaction():
            self.audit("user.passphrase", "user", slot_id)
            if own:
                # The same signing key, now under the new passphrase.
                wrap = user_keys.session_key(passphrase_key)
                user_keys.rewrap(vault, bytes(self._user_wrap), wrap)
                self._user_wrap = bytearray(wrap)
            else:
                # Whoever reset it never knew the old passphrase, so neither
                # could they have its key: a fresh one is made on next use.
                user_keys.retire(vault, slot_id)

    def adopt_user_key_wrap(self, wrap: bytes) -> None:
        """This user's passphrase was changed on another connection to this vault (a clone
        on a worker thread): their signing key is now wrapped under the new one."""
        if self._user_wrap:  # not after the session locked
            self._user_wrap = bytearray(wrap)

    def new_recovery_code(self) -> str:
        """Replace the recovery slot; the old code stops working."""
        permissions.require(self.user, permissions.REPLACE_RECOVERY_CODE)
        code = new_recovery_code()
        # 128 random bits need no slow KDF; the floor keeps one code path.
        slot = self.header.seal(RECOVERY, code, bytes(self._master_key), FLOOR)
        with self._changing_slots() as header:
            for old in header.of_kind(RECOVERY):
                header = header.without(old.id)
            self._write_header(header.with_slot(slot))
            if self.user.role == RECOVERY_USER:
                # A session opened with the old code now holds the new one.
                self.user = User(slot.id, RECOVERY_USER, RECOVERY_USER)
        with self.transaction():
            self.audit("vault.recovery_code")
        return code

    def add_user(self, name: str, role: str, passphrase: str) -> User:
        permissions.require(self.user, permissions.ADD_USER)
        check_user(name, role)
        check_passphrase(passphrase)
        if self.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise InvalidInput(N_("There is already a user {name}."), name=name)
        # The strongest parameters already in use: they were calibrated at creation.
        in_use = self.reload_header().of_kind(USER)
        strongest = max(in_use, key=lambda s: s.kdf.memory_kib * s.kdf.iterations, default=None)
        kdf = strongest.kdf if strongest is not None else FLOOR
        slot = self.header.seal(USER, passphrase, bytes(self._master_key), kdf)
        with self._changing_slots() as header:
            if len(header.slots) >= MAX_SLOTS:
                raise InvalidInput(
                    N_(
                        "This vault already has the most key slots it can hold ({count});"
                        " remove a user first."
                    ),
                    count=MAX_SLOTS,
                )
            # The row first: a slot without a row would make the vault look
            # damaged, while a row without a slot (a crash in between) only
            # lists someone who cannot unlock, whom remove_user can clear.
            with self.transaction():
                if self.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                    raise InvalidInput(N_("There is already a user {name}."), name=name)
                self.conn.execute(
                    "INSERT INTO users (slot_id, name, role, created_at) VALUES (?, ?, ?, ?)",
                    (slot.id, name, role, self.now()),
                )
                self.audit("user.add", "user", slot.id)
            try:
                self._write_header(header.with_slot(slot))
            except BaseException:
                with self.transaction():
                    self.conn.execute("DELETE FROM users WHERE slot_id = ?", (slot.id,))
                raise
        return User(slot.id, name, role)

    def remove_user(self, name: str) -> None:
        """Take a user's key slot away (first), then their row; their past work stays."""
        permissions.require(self.user, permissions.REMOVE_USER)
        with self._changing_slots() as header:
            target = self._user_row(name)
            if target.slot_id == self.user.slot_id:
                raise InvalidInput(N_("You cannot remove yourself while unlocked as that user."))
            with_slots = {s.id for s in header.of_kind(USER)}
            remaining = [
                u for u in self.users() if u.slot_id in with_slots and u.slot_id != target.slot_id
            ]
            if not remaining:
                raise InvalidInput(N_("The last user cannot be removed."))
            if permissions.is_manager(target.role) and not any(
                permissions.is_manager(u.role) for u in remaining
            ):
                raise InvalidInput(LAST_MANAGER, name=name)
            # Access goes first: a crash after this line leaves a listed user
            # who cannot unlock, never an unlisted slot that still opens.
            if target.slot_id in with_slots:
                self._write_header(header.without(target.slot_id))
            with self.transaction():
                self.conn.execute("DELETE FROM users WHERE slot_id = ?", (target.slot_id,))
                user_keys.retire(cast("Vault", self), target.slot_id)
                self.audit("user.remove", "user", target.slot_id)
