"""SQLite failures reach the user as one clear error, chosen by SQLite's result code.

Each test makes the condition for real (a second connection holding the
write lock, a file that is not a database, a database at its size limit, a
folder that went away, a process out of file descriptors), never a faked
exception, and checks that nothing was written.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.errors import IntakeError, StorageFailed, VaultBusy, VaultDamaged
from intake_desktop.core.vault import DB_NAME, Vault
from tests.helpers import PASSPHRASE, make_vault

CANNOT_OPEN = (
    "The vault's files could not be opened (the folder moved or went away, a disk"
    " error, or too many files open); nothing was changed."
)
DISK_FULL = "The disk is full: nothing was saved."


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """For the tests that leave the vault as they found it."""
    vault, _ = make_vault(tmp_path_factory.mktemp("db-errors") / "vault")
    yield vault
    vault.close()


def audit_entries(vault: Vault) -> int:
    return int(vault.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_a_write_lock_held_by_another_program_is_busy(shared: Vault) -> None:
    other = shared.clone()
    try:
        other.conn.execute("BEGIN IMMEDIATE")
        # The vault waits 5 s for the lock; the outcome after waiting is the same.
        shared.conn.execute("PRAGMA busy_timeout = 0")
        before = audit_entries(shared)
        with pytest.raises(VaultBusy) as info, shared.transaction():
            shared.audit("test.write")
        assert info.value.exit_code == 9
        other.conn.execute("ROLLBACK")
        assert audit_entries(shared) == before
    finally:
        shared.conn.execute("PRAGMA busy_timeout = 5000")
        other.close()


def test_a_file_that_is_not_a_database_is_damaged(vault_path: Path, vault: Vault) -> None:
    vault.close()
    (vault_path / DB_NAME).write_bytes(os.urandom(64 * 1024))
    for leftover in (DB_NAME + "-wal", DB_NAME + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            (vault_path / leftover).unlink()
    with pytest.raises(VaultDamaged) as info:
        Vault.open(vault_path, PASSPHRASE)
    assert info.value.exit_code == 7


def test_a_database_at_its_size_limit_says_the_disk_is_full(shared: Vault) -> None:
    # SQLite answers a write past max_page_count exactly as it answers a full disk.
    (pages,) = shared.conn.execute("PRAGMA page_count").fetchone()
    (limit,) = shared.conn.execute("PRAGMA max_page_count").fetchone()
    shared.conn.execute(f"PRAGMA max_page_count = {int(pages)}")
    before = audit_entries(shared)
    try:
        with pytest.raises(IntakeError) as info, shared.transaction():
            shared.audit("test.write")
            shared.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('filler', ?)", ("x" * (4 << 20),)
            )
    finally:
        shared.conn.execute(f"PRAGMA max_page_count = {int(limit)}")
    assert info.value.template == DISK_FULL
    assert isinstance(info.value, StorageFailed) and info.value.exit_code == 14  # not "a bug"
    assert shared.conn.execute("SELECT 1 FROM meta WHERE key = 'filler'").fetchone() is None
    assert audit_entries(shared) == before


def test_a_vault_folder_that_went_away_cannot_be_opened(tmp_path: Path, vault: Vault) -> None:
    """A USB stick pulled out, or the folder renamed, while the app has it open."""
    vault.path.rename(tmp_path / "moved")
    with pytest.raises(IntakeError) as info:
        vault.clone()  # a background job's own connection
    assert type(info.value) is StorageFailed and info.value.exit_code == 14
    assert info.value.template == CANNOT_OPEN


@contextlib.contextmanager
def no_free_file_descriptor() -> Iterator[None]:
    """Lower this process's open-file limit to the descriptors already open."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = 0
    while True:
        try:
            os.fstat(lowest_free)
        except OSError:
            break
        lowest_free += 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX open-file limit")
def test_too_many_open_files_is_not_reported_as_damage(shared: Vault) -> None:
    """SQLite says "unable to open database file": no sign of damage, nothing to restore."""
    with no_free_file_descriptor(), pytest.raises(IntakeError) as info:
        shared.clone()
    assert not isinstance(info.value, VaultDamaged)
    assert info.value.template == CANNOT_OPEN
    # The vault itself is fine: with descriptors free again a clone opens.
    shared.clone().close()
