"""Moving attachment content from database chunk rows into the file store.

Vaults made before the file store kept every attachment as 1 MiB chunk rows
inside SQLCipher. ``upgrade`` moves them one blob at a time: the content is
read from its chunks, checked against its SHA-256, written as a blob file
(durable before anything else changes), and then, in one transaction, the
row gains the file's name and key and the chunk rows are deleted. A crash
between the two leaves an orphan file (swept at the next unlock) and the
blob still whole in its chunks, so running again resumes where it stopped.
Both layouts are read meanwhile (attachments.BlobStore), so the app works
during the move.

At the end the freed chunk pages are given back: ``secure_delete`` zeroed
their content when the rows went, VACUUM rewrites the database without
them, and a truncating checkpoint empties the WAL.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlcipher3 import dbapi2

from .attachments import old_chunks
from .errors import Cancelled, VaultDamaged
from .i18n import N_
from .vault import Vault, db_error

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # bytes moved, bytes in all


@dataclass(frozen=True)
class Pending:
    blobs: int
    bytes: int


@dataclass(frozen=True)
class Upgraded:
    blobs: int
    bytes: int
    database_bytes_before: int
    database_bytes_after: int


def pending(vault: Vault) -> Pending:
    """Attachments still in chunk rows."""
    count, size = vault.conn.execute(
        "SELECT count(*), coalesce(sum(size), 0) FROM blobs WHERE file IS NULL AND complete = 1"
    ).fetchone()
    return Pending(int(count), int(size))


def upgrade(
    vault: Vault,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Upgraded:
    """Move every attachment still in chunk rows into the file store; resumable."""
    before = _database_bytes(vault)
    todo = pending(vault)
    moved_blobs = moved_bytes = 0
    # A put that crashed before the file store left chunks of an unfinished blob.
    with vault.transaction() as conn:
        conn.execute("DELETE FROM blobs WHERE complete = 0 AND file IS NULL")
    rows = vault.conn.execute(
        "SELECT id, sha256, size FROM blobs WHERE file IS NULL AND complete = 1 ORDER BY id"
    ).fetchall()
    for blob_id, sha256, size in rows:
        if cancelled is not None and cancelled():
            raise Cancelled(
                N_("The move was stopped; {count} attachment(s) are left to move."),
                count=todo.blobs - moved_blobs,
            )
        _move_one(vault, int(blob_id), str(sha256), int(size), moved_bytes, todo.bytes, progress)
        moved_blobs += 1
        moved_bytes += int(size)
    if moved_blobs or before > _database_bytes(vault) or _has_free_pages(vault):
        _compact(vault)
    after = _database_bytes(vault)
    if moved_blobs:
        log.info("moved %d attachment(s) into the file store", moved_blobs)
    return Upgraded(moved_blobs, moved_bytes, before, after)


def _move_one(
    vault: Vault,
    blob_id: int,
    sha256: str,
    size: int,
    done: int,
    total: int,
    progress: Progress | None,
) -> None:
    digest, seen = hashlib.sha256(), 0
    with vault.files.writer() as writer:
        for chunk in old_chunks(vault.conn, blob_id):
            digest.update(chunk)
            writer.write(chunk)
            seen += len(chunk)
            if progress is not None:
                progress(done + seen, total)
        if seen != size or digest.hexdigest() != sha256:
            # Moved as it is, it would carry the damage into a file that
            # then looks sound: leave it for vault check to report.
            raise VaultDamaged(
                N_("An attachment in the vault is damaged; run vault check. Nothing was moved.")
            )
        stored = writer.finish()
        with vault.transaction() as conn:
            conn.execute(
                "UPDATE blobs SET file = ?, key = ? WHERE id = ? AND file IS NULL",
                (stored.name, stored.key, blob_id),
            )
            conn.execute("DELETE FROM blob_chunks WHERE blob_id = ?", (blob_id,))
            vault.after_transaction(writer.release, writer.discard)


def _database_bytes(vault: Vault) -> int:
    page_size, pages = (
        vault.conn.execute("PRAGMA page_size").fetchone()[0],
        vault.conn.execute("PRAGMA page_count").fetchone()[0],
    )
    return int(page_size) * int(pages)


def _has_free_pages(vault: Vault) -> bool:
    return bool(vault.conn.execute("PRAGMA freelist_count").fetchone()[0])


def _compact(vault: Vault) -> None:
    """Give the freed pages back to the file system, after secure_delete zeroed them."""
    try:
        vault.conn.execute("VACUUM")
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except dbapi2.DatabaseError as exc:
        raise db_error(exc) from None
