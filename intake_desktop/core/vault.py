"""The vault: one private folder holding ``vault.db`` (SQLCipher 4) and ``keyslots.json``.

Opening a vault derives a slot key from the passphrase (Argon2id), unwraps
the random master key and hands it to SQLCipher as a raw key, so SQLCipher's
own PBKDF2 is skipped. Nothing on disk changes until a passphrase has opened
a slot: a wrong passphrase, or a folder that is not a vault, leaves every
file as it was (SQLite opens with ``mode=rw``, never creating a file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from sqlcipher3 import dbapi2

from . import audit, identity, schema, user_keys
from .clock import Clock, stamp, utc_now
from .errors import (
    IntakeError,
    NotAVault,
    StorageFailed,
    VaultBusy,
    VaultDamaged,
    WrongPassphrase,
)
from .files import PRIVATE_FILE_MODE, make_private_dir, write_private_atomic
from .filestore import FileStore
from .i18n import N_
from .keyslots import (
    FLOOR,
    HEADER_NAME,
    RECOVERY,
    USER,
    KeySlot,
    KeySlotHeader,
    calibrate,
    new_recovery_code,
    normalise_recovery_code,
    read_header_file,
)
from .locking import LOCK_NAME
from .users import (
    RECOVERY_USER,
    User,
    UserAdmin,
    check_passphrase,
    check_user,
)

log = logging.getLogger(__name__)

DB_NAME = "vault.db"
CACHE_KIB = 16384

# Pragmas, decided (see docs/vault-format.md for the measurements):
_PRAGMAS_AFTER_KEY = (
    # Pin the format so a future SQLCipher default cannot silently change it.
    "PRAGMA cipher_compatibility = 4",
    # 16 KiB pages: attachments stream in and out about twice as fast as with
    # 4 KiB (per-page IV, HMAC and call overhead); a record save is still one
    # fsync. Measured in docs/vault-format.md. SQLCipher cannot read the page
    # size from an encrypted file, so it is set identically on every open.
    "PRAGMA cipher_page_size = 16384",
    # Costs 30-50% on every query and cannot be turned off once on; the master
    # key also sits in Python objects we cannot wipe, so it would buy little.
    "PRAGMA cipher_memory_security = OFF",
)
_PRAGMAS_AFTER_READ = (
    "PRAGMA journal_mode = WAL",
    # FULL: a commit is on disk (WAL fsynced) before we acknowledge it.
    "PRAGMA synchronous = FULL",
    # Sorts and temporary indexes of decrypted rows stay in memory.
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
    # Freed pages are zeroed: a deleted record is not recoverable by someone
    # who later learns the key.
    "PRAGMA secure_delete = ON",
    # 16 MiB of decrypted pages (SQLite's default is 2 MB): every page read
    # from disk costs an AES decryption and an HMAC check, and a 10,000-case
    # vault's indexes outgrow 2 MB. Bounded, so bundle streams stay flat.
    f"PRAGMA cache_size = -{CACHE_KIB}",
)


def db_error(exc: dbapi2.DatabaseError) -> IntakeError:
    """The user-facing error for a SQLite failure (no SQL or data in the text).

    Sorted by SQLite's result code, never by its message: the message quotes
    table and column names and may change between SQLite versions. The
    extended code's low byte is the primary code (SQLITE_IOERR_WRITE is an
    SQLITE_IOERR).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (dbapi2.SQLITE_BUSY, dbapi2.SQLITE_LOCKED):
        return VaultBusy(N_("The vault is busy in another program; close it and try again."))
    if primary == dbapi2.SQLITE_FULL:
        return StorageFailed(N_("The disk is full: nothing was saved."))
    if primary == dbapi2.SQLITE_CANTOPEN:
        return StorageFailed(
            N_(
                "The vault's files could not be opened (the folder moved or went away, a disk"
                " error, or too many files open); nothing was changed."
            )
        )
    if primary in (dbapi2.SQLITE_IOERR, dbapi2.SQLITE_READONLY, dbapi2.SQLITE_PERM):
        return StorageFailed(N_("The vault could not be written (disk error or read-only)."))
    return VaultDamaged(N_("The vault database is damaged or was replaced."))


def read_header(path: Path) -> KeySlotHeader:
    header_path, db_path = path / HEADER_NAME, path / DB_NAME
    if not path.is_dir():
        raise NotAVault(N_("There is no vault at {path}."), path=str(path))
    if not header_path.is_file() or not db_path.is_file():
        raise NotAVault(N_("The folder {path} is not a vault."), path=str(path))
    return read_header_file(path)


def _connect(db_path: Path, master_key: bytes, *, create: bool = False) -> dbapi2.Connection:
    mode = "rwc" if create else "rw"
    uri = f"file:{quote(str(db_path))}?mode={mode}"
    try:
        conn = dbapi2.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=5
        )
    except dbapi2.DatabaseError as exc:
        raise db_error(exc) from None
    try:
        # Before the key: HMAC failures would otherwise be logged to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{master_key.hex()}'\"")
        for pragma in _PRAGMAS_AFTER_KEY:
            conn.execute(pragma)
        # SQLCipher only notices a wrong key or a damaged file at the first read.
        (tables,) = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not tables and not create:
            # An empty file (truncated by a crash or a failed copy) reads as a
            # new database: refuse it before anything is written into it.
            conn.close()
            raise VaultDamaged(N_("The vault database is empty; restore it from a backup."))
        for pragma in _PRAGMAS_AFTER_READ:
            conn.execute(pragma)
    except dbapi2.DatabaseError as exc:
        conn.close()
        raise db_error(exc) from None
    return conn


class Vault(UserAdmin):
    """An unlocked vault. Pass it to the stores (cases, attachments, trust...)."""

    def __init__(
        self,
        path: Path,
        conn: dbapi2.Connection,
        header: KeySlotHeader,
        user: User,
        master_key: bytes,
        clock: Clock,
    ) -> None:
        self.path = path
        self.conn = conn
        self.header = header
        self.user = user
        self.clock = clock
        self._master_key = bytearray(master_key)
        # Wraps this user's own signing key (user_keys.py); empty for a
        # session opened with the recovery code.
        self._user_wrap = bytearray()
        self._tx_depth = 0
        # What to do once the current transaction is decided: (on commit, on rollback).
        self._settle: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self.files = FileStore(path)
        self._watching = False

    # Creating and opening

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        user_name: str,
        role: str,
        name: str | None = None,
        kdf_target_seconds: float = 1.0,
        clock: Clock = utc_now,
    ) -> tuple[Vault, str]:
        """Make a new vault; returns it unlocked and the recovery code (shown once)."""
        check_passphrase(passphrase)
        check_user(user_name, role)
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise NotAVault(N_("{path} exists and is not a folder."), path=str(path))
        if (path / HEADER_NAME).exists():
            raise NotAVault(N_("There is already a vault in {path}."), path=str(path))
        leftovers = {DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal"}
        # The key-slot lock file is empty and may be held open by a waiting
        # program: tolerated, and never deleted (see core/locking.py).
        allowed = leftovers | {LOCK_NAME}
        if path.is_dir() and any(p.name not in allowed for p in path.iterdir()):
            raise NotAVault(N_("The folder {path} is not empty."), path=str(path))
        make_private_dir(path)
        # Without keyslots.json a database from an interrupted init can never be
        # opened (its key is gone), so it is safe to clear.
        for leftover in leftovers:
            with contextlib.suppress(FileNotFoundError):
                (path / leftover).unlink()

        master_key = os.urandom(32)
        header = KeySlotHeader(vault_id=str(uuid.uuid4()), slots=())
        user_slot, passphrase_key = header.seal_keeping(
            USER, passphrase, master_key, calibrate(kdf_target_seconds)
        )
        recovery_code = new_recovery_code()
        # 128 random bits need no slow KDF; the floor keeps one code path.
        recovery_slot = header.seal(RECOVERY, recovery_code, master_key, FLOOR)
        header = header.with_slot(user_slot).with_slot(recovery_slot)

        db_path = path / DB_NAME
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        conn = _connect(db_path, master_key, create=True)
        user = User(user_slot.id, user_name, role)
        vault = cls(path, conn, header, user, master_key, clock)
        vault._user_wrap = bytearray(user_keys.session_key(passphrase_key))
        try:
            vault._migrate()
            with vault.transaction():
                now = vault.now()
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("vault_id", header.vault_id),
                        ("name", name or f"vault-{header.vault_id[:8]}"),
                        ("created_at", now),
                    ],
                )
                conn.execute(
                    "INSERT INTO users (slot_id, name, role, created_at) VALUES (?, ?, ?, ?)",
                    (user.slot_id, user.name, user.role, now),
                )
                vault.audit("vault.create")
            # The header is written last: only now does the folder hold a vault.
            write_private_atomic(path / HEADER_NAME, header.to_bytes())
        except BaseException:
            vault.close()
            raise
        log.info("vault created")
        return vault, recovery_code

    @classmethod
    def open(cls, path: Path, passphrase: str, *, clock: Clock = utc_now) -> Vault:
        path = Path(path)
        vault = cls._open_slot(path, read_header(path), USER, passphrase, clock)
        if vault is None:
            raise WrongPassphrase(N_("Wrong passphrase."))
        return vault

    @classmethod
    def open_with_recovery(cls, path: Path, code: str, *, clock: Clock = utc_now) -> Vault:
        path = Path(path)
        header = read_header(path)
        canonical = normalise_recovery_code(code)
        if canonical is None:
            raise WrongPassphrase(N_("That is not a valid recovery code; check for a typo."))
        vault = cls._open_slot(path, header, RECOVERY, canonical, clock)
        if vault is None:
            raise WrongPassphrase(N_("Wrong recovery code."))
        return vault

    @classmethod
    def _open_slot(
        cls, path: Path, header: KeySlotHeader, kind: str, secret: str, clock: Clock
    ) -> Vault | None:
        """The vault unlocked by the first slot of ``kind`` that ``secret`` opens, if any."""
        for slot in header.of_kind(kind):
            opened = header.open_keeping(slot, secret)
            if opened is not None:
                return cls._unlocked(path, header, slot, *opened, clock)
        return None

    @classmethod
    def _unlocked(
        cls,
        path: Path,
        header: KeySlotHeader,
        slot: KeySlot,
        master_key: bytes,
        passphrase_key: bytes,
        clock: Clock,
    ) -> Vault:
        conn = _connect(path / DB_NAME, master_key)
        placeholder = User(slot.id, RECOVERY_USER, RECOVERY_USER)
        vault = cls(path, conn, header, placeholder, master_key, clock)
        try:
            vault._migrate()
            row = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
            if row is None or row[0] != header.vault_id:
                raise VaultDamaged(N_("The key-slot header does not belong to this database."))
            if slot.kind == USER:
                found = conn.execute(
                    "SELECT name, role FROM users WHERE slot_id = ?", (slot.id,)
                ).fetchone()
                if found is None:
                    raise VaultDamaged(N_("The key slot has no user in this vault."))
                vault.user = User(slot.id, found[0], found[1])
                vault._user_wrap = bytearray(user_keys.session_key(passphrase_key))
            with vault.transaction():
                vault.audit("vault.unlock")
            vault._sweep_blobs()
        except dbapi2.DatabaseError as exc:
            vault.close()
            raise db_error(exc) from None
        except BaseException:
            vault.close()
            raise
        return vault

    def clone(self) -> Vault:
        """A second connection to this unlocked vault, for work on another thread.

        SQLite connections must not be shared between threads; WAL lets the
        clone read a consistent snapshot while this one keeps writing.
        """
        conn = _connect(self.path / DB_NAME, bytes(self._master_key))
        clone = Vault(self.path, conn, self.header, self.user, bytes(self._master_key), self.clock)
        clone._user_wrap = bytearray(self._user_wrap)
        clone._watch_blobs()
        return clone

    def connect_copy(self, db_path: Path, *, create: bool = False) -> dbapi2.Connection:
        """A connection to another database file under this vault's key (a backup's copy)."""
        return _connect(db_path, bytes(self._master_key), create=create)

    def _migrate(self) -> None:
        def after(version: int) -> None:
            if version == 2:
                identity.generate(self.conn, self.now())

        try:
            schema.migrate(self.conn, after=after)
            self._watch_blobs()
        except dbapi2.DatabaseError as exc:
            raise db_error(exc) from None

    def _watch_blobs(self) -> None:
        """Note the files of deleted blob rows, to unlink once the deletion commits.

        A temporary trigger (this connection only, in memory) catches every
        deletion whoever makes it; a rolled-back deletion rolls its note back.
        """
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS blobs_gone (file TEXT NOT NULL)")
        self.conn.execute(
            "CREATE TEMP TRIGGER IF NOT EXISTS blobs_gone_note AFTER DELETE ON main.blobs"
            " WHEN old.file IS NOT NULL"
            " BEGIN INSERT INTO blobs_gone (file) VALUES (old.file); END"
        )
        self._watching = True

    def _sweep_blobs(self) -> None:
        """Remove blob files no row names: left by a crash, or by a deletion during a backup.

        Under the writer lock (``BEGIN IMMEDIATE``): no other program commits
        a blob row meanwhile, and files still being committed are locked by
        their writer. A damaged page or a busy vault must not stop the unlock
        (vault check reports the one, the next unlock retries the other), and
        without the whole list of rows nothing may be removed.
        """
        try:
            with self.transaction():
                rows = self.conn.execute("SELECT file FROM blobs WHERE file IS NOT NULL")
                known = {row[0] for row in rows}
                removed = self.files.sweep(known)
        except IntakeError:
            log.warning("blob sweep skipped: the blob rows could not be read")
            return
        if removed:
            log.info("removed %d blob file(s) no row names", len(removed))

    def _unlink_deleted_blobs(self) -> None:
        """After a commit: the rows (and keys) are gone, so their files go too."""
        if not self._watching:
            return
        names = [row[0] for row in self.conn.execute("SELECT file FROM temp.blobs_gone")]
        if not names:
            return
        self.conn.execute("DELETE FROM temp.blobs_gone")
        self.files.remove(names)
        # Write the zeroed pages back to the database file now, and empty the
        # WAL, rather than leave the old keys there until the next checkpoint.
        with contextlib.suppress(dbapi2.DatabaseError):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def after_transaction(
        self, on_commit: Callable[[], None], on_rollback: Callable[[], None]
    ) -> None:
        """Run ``on_commit`` once the current transaction commits, ``on_rollback`` if it does not.

        Outside a transaction the statement has already committed.
        """
        if self._tx_depth:
            self._settle.append((on_commit, on_rollback))
        else:
            on_commit()

    # Working with an open vault

    @property
    def is_open(self) -> bool:
        return bool(self._master_key)

    def now(self) -> str:
        return stamp(self.clock())

    @property
    def user_key_wrap(self) -> bytes:
        """The key wrapping this user's signing key (b"" after a recovery-code unlock)."""
        return bytes(self._user_wrap)

    @property
    def vault_id(self) -> str:
        return self.header.vault_id

    @property
    def name(self) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        return str(row[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dbapi2.Connection]:
        """One durable transaction; nested calls join the outer one."""
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield self.conn
            finally:
                self._tx_depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except dbapi2.DatabaseError as exc:
            raise db_error(exc) from None
        self._tx_depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(dbapi2.DatabaseError):
                self.conn.execute("ROLLBACK")
            self._tx_depth = 0
            settle, self._settle = self._settle, []
            for _, on_rollback in settle:
                on_rollback()
            if isinstance(exc, dbapi2.DatabaseError):
                raise db_error(exc) from None
            raise
        finally:
            self._tx_depth = 0
        settle, self._settle = self._settle, []
        for on_commit, _ in settle:
            on_commit()
        self._unlink_deleted_blobs()

    def audit(self, action: str, kind: str | None = None, record_id: str | None = None) -> None:
        audit.append(self.conn, self.now(), self.user.name, action, kind, record_id)

    def close(self) -> None:
        """Close the database and forget the master key (as far as Python allows)."""
        with contextlib.suppress(Exception):
            self.conn.close()
        for secret in (self._master_key, self._user_wrap):
            for i in range(len(secret)):
                secret[i] = 0
        self._master_key = bytearray()
        self._user_wrap = bytearray()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
