"""Who can unlock this vault: users, their passphrases, the recovery code.

Key-slot changes derive a key with Argon2id (about a second) and so run as
jobs on a second connection (``vault.clone()``), never on the session's own:
the GUI thread may save a case meanwhile. The clone changes
``keyslots.json`` under the vault folder's key-slot lock, re-reading it from
disk first (the command line may have changed it since the app unlocked);
back on the GUI thread the session's connection adopts the clone's header,
which is what is on disk now (also after a failure: it may have been
re-read or written before it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core import permissions, user_keys
from ...core.errors import WrongPassphrase
from ...core.i18n import N_
from ...core.users import RECOVERY_USER, User
from ...core.vault import Vault
from ..jobs.job import Job, Jobs


class UserService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs

    # Who I am, who else

    @property
    def me(self) -> User:
        return self.vault.user

    def users(self) -> list[User]:
        return self.vault.users()

    def signing_fingerprints(self) -> dict[str, str]:
        """Each user's own signing key's fingerprint, by slot id (users with one so far):
        what a translator gives counsel, who sees it on each certification."""
        keys = {u.slot_id: user_keys.current(self.vault, u.slot_id) for u in self.users()}
        return {slot: key.fingerprint for slot, key in keys.items() if key is not None}

    @property
    def opened_with_recovery_code(self) -> bool:
        """The recovery code is not a user: it has no passphrase of its own to change."""
        return self.vault.user.role == RECOVERY_USER

    # Who may manage users (the core refuses the others anyway)

    @property
    def may_add_users(self) -> bool:
        return permissions.may(self.vault.user, permissions.ADD_USER)

    @property
    def may_remove_users(self) -> bool:
        return permissions.may(self.vault.user, permissions.REMOVE_USER)

    @property
    def may_replace_recovery_code(self) -> bool:
        return permissions.may(self.vault.user, permissions.REPLACE_RECOVERY_CODE)

    def remove_user(self, name: str) -> None:
        """Quick (no key derivation): the key slot goes, the user's past work stays."""
        self.vault.remove_user(name)

    # Key-slot changes (jobs)

    def add_user(self, name: str, role: str, passphrase: str) -> Job:
        return self._keyslot_job(
            "add-user",
            lambda vault: vault.add_user(name, role, passphrase),
            N_("The user could not be added ({kind})."),
        )

    def change_own_passphrase(self, current: str, new: str) -> Job:
        """Check ``current`` against this user's slot, then rewrap the slot under ``new``.

        The slot is read from disk, not from the copy made at unlock: after a
        change from the command line the old passphrase must not count as current.
        """

        rewrapped: list[bytes] = []

        def work(vault: Vault) -> None:
            header = vault.reload_header()
            slot = header.slot(vault.user.slot_id)
            if slot is not None and header.open(slot, current) is None:
                raise WrongPassphrase(N_("The current passphrase is wrong."))
            vault.change_passphrase(new)  # a removed slot: the core says so
            rewrapped.append(vault.user_key_wrap)  # the clone closes before settling

        def adopt(session_vault: Vault) -> None:
            # The user's own signing key is now wrapped under the new passphrase:
            # without this the session would find it unreadable and make a new one.
            if rewrapped:
                session_vault.adopt_user_key_wrap(rewrapped[0])

        return self._keyslot_job(
            "change-passphrase",
            work,
            N_("The passphrase could not be changed ({kind})."),
            also=adopt,
        )

    def new_recovery_code(self) -> Job:
        return self._keyslot_job(
            "recovery-code",
            lambda vault: vault.new_recovery_code(),
            N_("No new recovery code was made ({kind})."),
        )

    def _keyslot_job(
        self,
        kind: str,
        work: Callable[[Vault], Any],
        unexpected: str,
        also: Callable[[Vault], None] | None = None,
    ) -> Job:
        vault = self.vault

        def adopt_header(clone: Vault) -> None:
            vault.header = clone.header  # harmless if the session has locked since
            if also is not None:
                also(vault)

        return Job(
            self.jobs,
            kind,
            lambda clone, _progress, _cancelled: work(clone),
            connect=vault.clone,
            settle=adopt_header,
            unexpected=unexpected,
        )
