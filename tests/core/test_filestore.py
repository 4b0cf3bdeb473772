"""The encrypted file store: format, tampering, names, padding, and keys destroyed on delete."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
from pathlib import Path

import pytest

from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import VaultDamaged
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.filestore import (
    MAGIC,
    SEGMENT,
    TAG,
    FileStore,
    StoredFile,
    file_size,
    padded_size,
)
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import DB_NAME, Vault
from tests.core.sqlcipher_pages import sqlcipher_pages
from tests.helpers import MINIMAL_CASE

SIZES = [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 12345]


def stored(store: FileStore, data: bytes) -> StoredFile:
    writer = store.writer()
    writer.write(data)
    result = writer.finish()
    writer.release()
    return result


def read(store: FileStore, blob: StoredFile, size: int) -> bytes:
    return b"".join(store.read(blob, size))


@pytest.mark.parametrize("size", SIZES)
def test_content_round_trips_and_the_file_has_its_padded_size(tmp_path: Path, size: int) -> None:
    store = FileStore(tmp_path)
    data = os.urandom(size)
    blob = stored(store, data)
    path = store.folder / blob.name
    assert read(store, blob, size) == data
    assert path.stat().st_size == file_size(size)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(MAGIC)


def test_writes_in_any_pieces_give_the_same_content(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = os.urandom(2 * SEGMENT + 99)
    writer = store.writer()
    for start, end in ((0, 5), (5, SEGMENT), (SEGMENT, SEGMENT), (SEGMENT, len(data))):
        writer.write(data[start:end])
    blob = writer.finish()
    writer.release()
    assert read(store, blob, len(data)) == data


def test_names_and_keys_are_random_never_derived_from_the_content(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = b"the same scan twice"
    a, b = stored(store, data), stored(store, data)
    assert a.name != b.name and a.key != b.key
    assert hashlib.sha256(data).hexdigest()[:32] not in (a.name, b.name)
    # Nothing of the plaintext shows in the file.
    assert data not in (store.folder / a.name).read_bytes()


def test_padding_hides_the_exact_size_within_twelve_percent() -> None:
    sizes = [1000, 10_000, 123_456, 5_000_000, 1 << 30]
    for size in sizes:
        assert size <= padded_size(size) <= size * 1.12 + 512
    # Sizes close together share a padded size.
    assert padded_size(5_000_000) == padded_size(5_000_001) == padded_size(5_010_000)


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def swap_segments(path: Path) -> None:
    data = bytearray(path.read_bytes())
    one, two = slice(8, 8 + SEGMENT + TAG), slice(8 + SEGMENT + TAG, 8 + 2 * (SEGMENT + TAG))
    data[one], data[two] = data[two], data[one]
    path.write_bytes(bytes(data))


def cut_at_boundary(path: Path) -> None:
    os.truncate(path, 8 + 2 * (SEGMENT + TAG))


def add_segment(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data + data[8 : 8 + SEGMENT + TAG])


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: flip(p, 0),  # the magic
        lambda p: flip(p, 100),  # content
        lambda p: flip(p, 8 + SEGMENT + 3),  # a tag
        lambda p: flip(p, p.stat().st_size - 1),  # the last segment's tag
        swap_segments,
        cut_at_boundary,
        add_segment,
        lambda p: os.truncate(p, p.stat().st_size - 1),
    ],
    ids=["magic", "content", "tag", "last-tag", "reordered", "truncated", "extended", "short"],
)
def test_tampering_is_refused_before_any_of_it_is_returned(tmp_path: Path, damage: object) -> None:
    store = FileStore(tmp_path)
    data = os.urandom(3 * SEGMENT + 10)
    blob = stored(store, data)
    damage(store.folder / blob.name)  # type: ignore[operator]
    returned = b""
    with pytest.raises(VaultDamaged):
        for piece in store.read(blob, len(data)):
            returned += piece
    # What came out before the failure was authenticated and is the true content.
    assert data.startswith(returned)


def test_a_file_put_in_another_blobs_place_is_refused(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    a, b = stored(store, b"A" * 5000), stored(store, b"B" * 5000)
    shutil.copyfile(store.folder / b.name, store.folder / a.name)
    with pytest.raises(VaultDamaged):
        read(store, a, 5000)
    # Even with the right key, the name is bound in: a copy under another name fails.
    shutil.copyfile(store.folder / b.name, store.folder / ("0" * 32))
    with pytest.raises(VaultDamaged):
        read(store, StoredFile("0" * 32, b.key), 5000)


def test_deleting_an_attachment_destroys_its_key_and_then_its_file(vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    data = os.urandom(100_000)
    evidence = add_attachment(vault, case_id, io.BytesIO(data), "scan.bin")
    (name,) = vault.files.names()
    key = bytes(vault.conn.execute("SELECT key FROM blobs").fetchone()[0])
    master = bytes(vault._master_key)
    # The page reader works: the key is found while the attachment exists.
    assert any(key in page for page in sqlcipher_pages(vault.path / DB_NAME, master))
    copy = vault.path.parent / "copy-of-the-blob"  # what a disk may keep after the unlink
    shutil.copyfile(vault.files.folder / name, copy)
    with vault.transaction():
        RecordStore(vault).delete(evidence.id)
    assert vault.files.names() == set()
    assert not BlobStore(vault).exists(hashlib.sha256(data).hexdigest())
    # Neither the database nor its WAL holds the key any more, even in free
    # pages: someone with the master key and the old file cannot read it.
    assert not any(key in page for page in sqlcipher_pages(vault.path / DB_NAME, master))
    assert copy.stat().st_size == file_size(len(data))


def test_the_unlock_sweeps_orphans_and_partial_files(vault: Vault) -> None:
    with vault.transaction():
        info = BlobStore(vault).put(io.BytesIO(b"kept"), "a.txt")
    orphan = stored(vault.files, b"no row names me")
    partial = vault.files.folder / ("ab" * 16 + ".partial")
    partial.write_bytes(b"half")
    path = vault.path
    vault.close()
    from tests.helpers import PASSPHRASE

    with Vault.open(path, PASSPHRASE) as again:
        assert orphan.name not in again.files.names() and not partial.exists()
        assert BlobStore(again).verify(info.sha256)


def test_check_lists_a_file_no_row_names_but_not_one_being_committed(vault: Vault) -> None:
    from intake_desktop.core.check import check_vault

    orphan = stored(vault.files, b"left by a crash after the unlock")
    in_progress = vault.files.writer()  # another thread's attachment, not yet committed
    in_progress.write(b"on its way")
    in_progress.finish()
    try:
        (files,) = [r for r in check_vault(vault) if r.name == "attachment files"]
        assert not files.ok
        assert files.detail == (
            f"1 file(s) no attachment names (removed at the next unlock): {orphan.name}"
        )
    finally:
        in_progress.discard()


def test_a_file_cut_at_a_segment_boundary_never_reads_as_a_shorter_blob(tmp_path: Path) -> None:
    """The last-segment flag, not only the length recorded in the row, ends a blob."""
    store = FileStore(tmp_path)
    data = os.urandom(3 * SEGMENT + 10)
    blob = stored(store, data)
    cut_at_boundary(store.folder / blob.name)
    shorter = 2 * SEGMENT  # a size whose file would be exactly this long
    assert file_size(shorter) == (store.folder / blob.name).stat().st_size
    with pytest.raises(VaultDamaged):
        read(store, blob, shorter)
