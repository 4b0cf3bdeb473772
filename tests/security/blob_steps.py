"""The steps of the file store's write and delete order, each a place to SIGKILL a driver.

``arm(step)`` wraps the function that performs a step so the process kills
itself (SIGKILL: no cleanup, no Python exit handlers) just after it, or
just before it for the ``before-`` steps. Test-only: the driver process arms
one step and then works normally.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

from intake_desktop.core import filestore, records, vault

# Adding an attachment, in order: content written in segments, the file
# fsynced, renamed to its final name, the folder fsynced, the row inserted
# (not committed), the transaction committed (the writer's claim not yet
# released).
ATTACH_STEPS = (
    "mid-write",
    "file-fsynced",
    "renamed",
    "folder-fsynced",
    "row-inserted",
    "committed",
)
# Deleting: the row deleted (not committed), committed (file not unlinked).
DELETE_STEPS = ("row-deleted", "before-unlink")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: Any, name: str, calls: int = 1) -> None:
    real = getattr(owner, name)
    seen = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        result = real(*args, **kwargs)
        seen += 1
        if seen == calls:
            _die()
        return result

    setattr(owner, name, wrapper)


def _before(owner: Any, name: str) -> None:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _die()
        raise AssertionError("unreachable")

    setattr(owner, name, wrapper)


def _watch_commit(then: Callable[[], None]) -> None:
    """Run ``then`` right after the first transaction that registered a settle step commits."""
    real = vault.Vault.after_transaction

    def wrapper(self: vault.Vault, on_commit: Callable[[], None], on_rollback: Any) -> None:
        def committed() -> None:
            then()
            on_commit()

        real(self, committed, on_rollback)

    vault.Vault.after_transaction = wrapper  # type: ignore[method-assign]


def arm(step: str) -> None:
    if step == "mid-write":
        _after(filestore.BlobWriter, "_seal", calls=2)
    elif step == "file-fsynced":
        _after(filestore.os, "fsync")
    elif step == "renamed":
        _after(filestore.os, "rename")
    elif step == "folder-fsynced":
        _after(filestore, "fsync_dir")
    elif step == "row-inserted":
        _before(vault.Vault, "after_transaction")
    elif step == "committed":
        _watch_commit(_die)
    elif step == "row-deleted":
        real = records.release_attachments

        def release(conn: Any, hashes: set[str]) -> None:
            real(conn, hashes)
            # Die once a blob row is really deleted, inside the open transaction.
            if conn.execute("SELECT count(*) FROM temp.blobs_gone").fetchone()[0]:
                _die()

        records.release_attachments = release
    elif step == "before-unlink":
        _before(filestore.FileStore, "remove")
    else:
        raise SystemExit(f"unknown step {step}")
