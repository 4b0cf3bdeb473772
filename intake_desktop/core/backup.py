"""``vault backup DEST``: a consistent copy of an open vault, database and blob files.

The copy is itself a vault, opened with the same passphrases and recovery
code (its key slots are copied as they are): point the app at it with
``--vault DEST`` to restore. It is taken while the app runs:

- the key-slot lock is held throughout, so the slots copied match the
  users in the database snapshot;
- the blob folder's keep lock is held shared throughout, so no blob file
  is unlinked while it is copied (a deletion committed meanwhile leaves its
  file for the next unlock's sweep);
- the database is copied with SQLite's backup API in one step from a
  connection of its own: a snapshot of the last commit, still encrypted
  with the same key, never decrypted to the disk;
- then every blob file the snapshot's rows name is copied. Those files were
  durable before their rows committed, and nothing removes them meanwhile;
- then the bundles still waiting in the outbox (sent ones are on their
  destination already).

Everything goes into a hidden ``.DEST.*.partial`` folder beside DEST,
fsynced, and is renamed to DEST last: a half-made backup never carries the
final name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlcipher3 import dbapi2

from .check import OUTBOX_DIR
from .errors import InvalidInput, StorageFailed
from .files import PRIVATE_FILE_MODE, fsync_dir, make_private_dir
from .filestore import FOLDER
from .i18n import N_
from .keyslots import HEADER_NAME
from .locking import keyslots_lock
from .vault import DB_NAME, Vault, db_error

Progress = Callable[[int, int], None]  # bytes copied, bytes in all


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database_bytes: int
    files: int
    file_bytes: int


def backup(vault: Vault, dest: Path, progress: Progress | None = None) -> BackupResult:
    dest = Path(dest).absolute()
    if dest.exists() or dest.is_symlink():
        raise InvalidInput(N_("{path} already exists; choose a new folder."), path=str(dest))
    if not dest.parent.is_dir():
        raise InvalidInput(N_("The folder {path} does not exist."), path=str(dest.parent))
    if dest == vault.path.absolute() or vault.path.absolute() in dest.parents:
        raise InvalidInput(N_("A backup cannot go inside the vault it copies."))
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.partial")
    try:
        make_private_dir(partial)
        with keyslots_lock(vault.path), vault.files.kept():
            database_bytes = _copy_database(vault, partial / DB_NAME)
            shutil.copyfile(vault.path / HEADER_NAME, partial / HEADER_NAME)
            _private(partial / HEADER_NAME)
            names = _named_files(vault, partial / DB_NAME)
            files, file_bytes = _copy_files(vault, names, partial / FOLDER, progress)
            _copy_outbox(vault, partial / DB_NAME, partial / OUTBOX_DIR)
        fsync_dir(partial)
        os.rename(partial, dest)
        fsync_dir(dest.parent)
    except OSError:
        raise StorageFailed(
            N_("The backup could not be written to {path}; nothing was left there."),
            path=str(dest),
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(partial)
    return BackupResult(dest, database_bytes, files, file_bytes)


def _copy_database(vault: Vault, target_path: Path) -> int:
    os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    source = vault.clone()
    target = vault.connect_copy(target_path, create=True)
    try:
        # One step: the whole snapshot under one read lock, however busy the vault.
        source.conn.backup(target, pages=-1)
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = target.execute("PRAGMA page_size").fetchone()[0]
        pages = target.execute("PRAGMA page_count").fetchone()[0]
    except dbapi2.DatabaseError as exc:
        raise db_error(exc) from None
    finally:
        target.close()
        source.close()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(target_path) + suffix)
    _private(target_path)
    return int(page_size) * int(pages)


def _named_files(vault: Vault, snapshot: Path) -> list[str]:
    conn = vault.connect_copy(snapshot)
    try:
        rows = conn.execute("SELECT file FROM blobs WHERE file IS NOT NULL ORDER BY file")
        return [row[0] for row in rows]
    finally:
        conn.close()


def _copy_outbox(vault: Vault, snapshot: Path, folder: Path) -> None:
    """The bundles still waiting to be delivered: the copy sends them if this laptop is lost."""
    conn = vault.connect_copy(snapshot)
    try:
        rows = conn.execute("SELECT file FROM outbox WHERE state IN ('queued', 'sending')")
        names = [str(row[0]) for row in rows]
    finally:
        conn.close()
    if not names:
        return
    make_private_dir(folder)
    for name in names:
        try:
            shutil.copyfile(vault.path / OUTBOX_DIR / name, folder / name)
        except FileNotFoundError:
            continue  # removed from the outbox since the snapshot: the copy says it is missing
        _private(folder / name)
    fsync_dir(folder)


def _copy_files(
    vault: Vault, names: list[str], folder: Path, progress: Progress | None
) -> tuple[int, int]:
    make_private_dir(folder)
    sizes = {name: (vault.files.folder / name).stat().st_size for name in names}
    total, done = sum(sizes.values()), 0
    for name in names:
        target = folder / name
        shutil.copyfile(vault.files.folder / name, target)
        _private(target)
        # Blob files carry one fixed time (filestore.py); the copy keeps it.
        shutil.copystat(vault.files.folder / name, target)
        done += sizes[name]
        if progress is not None:
            progress(done, total)
    fsync_dir(folder)
    return len(names), total


def _private(path: Path) -> None:
    os.chmod(path, PRIVATE_FILE_MODE)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
