"""Moving an older vault's attachments from chunk rows into the file store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from intake_desktop.core import blob_upgrade
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.errors import Cancelled, VaultDamaged
from intake_desktop.core.vault import DB_NAME, Vault
from tests.core.sqlcipher_pages import sqlcipher_pages
from tests.helpers import PASSPHRASE, make_vault, store_old_chunks


def old_layout(vault: Vault, sizes: list[int]) -> dict[str, bytes]:
    """Attachments as the app kept them before the file store (chunk rows)."""
    contents = {}
    with vault.transaction() as conn:
        for size in sizes:
            # A recognisable marker in every 4 KiB, to look for in the raw pages later.
            data = (b"OLD-CHUNK-MARKER" + os.urandom(4080)) * (size // 4096) + os.urandom(
                size % 4096
            )
            contents[store_old_chunks(conn, data, vault.now())] = data
    return contents


def test_every_attachment_moves_and_the_old_pages_are_zeroed_and_freed(vault: Vault) -> None:
    contents = old_layout(vault, [3 << 20, 1, 0, 700_000])
    master = bytes(vault._master_key)
    assert blob_upgrade.pending(vault) == blob_upgrade.Pending(4, sum(map(len, contents.values())))
    assert any(b"OLD-CHUNK-MARKER" in p for p in sqlcipher_pages(vault.path / DB_NAME, master))
    seen: list[tuple[int, int]] = []
    result = blob_upgrade.upgrade(vault, lambda done, total: seen.append((done, total)))
    assert (result.blobs, result.bytes) == (4, sum(map(len, contents.values())))
    assert result.database_bytes_after < result.database_bytes_before - (3 << 20)
    assert seen[-1] == (result.bytes, result.bytes)
    store = BlobStore(vault)
    for sha256, data in contents.items():
        assert b"".join(store.chunks(sha256)) == data
    assert vault.conn.execute("SELECT count(*) FROM blob_chunks").fetchone() == (0,)
    assert vault.conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert blob_upgrade.pending(vault).blobs == 0
    # No page of the database or its WAL still holds the old content.
    assert not any(b"OLD-CHUNK-MARKER" in p for p in sqlcipher_pages(vault.path / DB_NAME, master))
    # A second run has nothing to do.
    assert blob_upgrade.upgrade(vault).blobs == 0


def test_a_cancelled_move_keeps_both_halves_readable_and_resumes(vault: Vault) -> None:
    contents = old_layout(vault, [100_000, 200_000, 300_000])
    calls = iter([False, True])
    with pytest.raises(Cancelled):
        blob_upgrade.upgrade(vault, cancelled=lambda: next(calls, True))
    store = BlobStore(vault)
    assert len(store.file_names()) == 1 and blob_upgrade.pending(vault).blobs == 2
    assert all(store.verify(h) for h in contents)
    assert blob_upgrade.upgrade(vault).blobs == 2
    assert all(store.verify(h) for h in contents) and len(store.file_names()) == 3


def test_a_damaged_chunk_is_not_carried_into_a_sound_looking_file(vault: Vault) -> None:
    contents = old_layout(vault, [2 << 20])
    vault.conn.execute("UPDATE blob_chunks SET data = zeroblob(1000) WHERE seq = 1")
    with pytest.raises(VaultDamaged):
        blob_upgrade.upgrade(vault)
    assert BlobStore(vault).file_names() == set() and vault.files.names() == set()
    assert not BlobStore(vault).verify(next(iter(contents)))


def test_an_unfinished_old_put_is_cleared(vault: Vault) -> None:
    with vault.transaction() as conn:
        blob_id = conn.execute(
            "INSERT INTO blobs (created_at) VALUES (?)", (vault.now(),)
        ).lastrowid
        conn.execute(
            "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, 0, ?)", (blob_id, b"half")
        )
    blob_upgrade.upgrade(vault)
    assert vault.conn.execute("SELECT count(*) FROM blobs").fetchone() == (0,)
    assert vault.conn.execute("SELECT count(*) FROM blob_chunks").fetchone() == (0,)


def test_new_attachments_go_to_files_while_old_ones_wait(tmp_path: Path) -> None:
    vault, _ = make_vault(tmp_path / "v")
    try:
        old = old_layout(vault, [50_000])
        import io

        with vault.transaction():
            new = BlobStore(vault).put(io.BytesIO(b"new scan" * 1000), "new.bin")
        store = BlobStore(vault)
        assert store.verify(new.sha256) and all(store.verify(h) for h in old)
        assert len(store.file_names()) == 1 and blob_upgrade.pending(vault).blobs == 1
    finally:
        vault.close()
    with Vault.open(tmp_path / "v", PASSPHRASE) as again:  # the unlock sweep keeps both
        store = BlobStore(again)
        assert store.verify(new.sha256) and all(store.verify(h) for h in old)
