"""Slow key-slot work (Argon2id) off the GUI thread, on a second connection.

Adding a user, changing a passphrase and replacing the recovery code each
derive a key with Argon2id (about a second on a calibrated vault). They run
on a pool thread against ``vault.clone()``, never against the session's own
connection: SQLite connections must not be shared between threads, and the
GUI thread may save a case meanwhile. The clone changes ``keyslots.json``
under the vault folder's key-slot lock, re-reading it from disk first (the
command line may have changed it since the app unlocked); back on the GUI
thread the session's vault adopts the clone's header, which is what is on
disk now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ...core.errors import IntakeError
from ...core.vault import Vault
from ..qt import QObject
from ..services.session import VaultSession
from .background import run_in_background

T = TypeVar("T")


def run_keyslot_job(
    session: VaultSession,
    work: Callable[[Vault], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    *,
    owner: QObject,
) -> None:
    """Run ``work(clone)``; the callbacks are skipped if ``owner`` (the dialog) is gone."""
    vault = session.vault
    if vault is None:
        raise RuntimeError("a key-slot job needs an unlocked vault")
    # Cloned here, not on the pool thread: if the session locks before the job
    # starts, the master key would already be wiped.
    try:
        clone = vault.clone()
    except IntakeError as exc:  # busy or damaged: say so, like any other failure
        on_error(exc)
        return

    def job() -> T:
        try:
            return work(clone)
        finally:
            clone.close()

    alive = [True]
    owner.destroyed.connect(lambda *_args: alive.clear())

    def adopt_header() -> None:
        # Also after a failure: the header may have been re-read or written before it.
        if session.vault is vault:
            vault.header = clone.header

    def done(result: T) -> None:
        adopt_header()
        if alive:
            on_done(result)

    def failed(exc: BaseException) -> None:
        adopt_header()
        if alive:
            on_error(exc)

    run_in_background(job, done, failed)
