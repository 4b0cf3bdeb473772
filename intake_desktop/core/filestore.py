"""Attachment content as encrypted files beside the database (the vault's ``blobs/`` folder).

Each blob is one file with a random name, never derived from its content or
its file name. Its content is encrypted with AES-256-GCM under a random key
of its own, kept only in the blob's row in the (encrypted) database: deleting
the row destroys the key, and with it every copy of the file a disk may
keep. The format (docs/vault-format.md, "The file store"):

    magic (8 bytes) | segment 0 | segment 1 | ... | last segment

Each segment is 256 KiB of plaintext (the last one shorter) plus a 16-byte
tag. Its nonce is an 11-byte big-endian counter and a last-segment flag, and
its associated data is the blob's name: a segment moved within a file, a
file cut short at a segment boundary, one with a segment added, or a file
put in another blob's place all fail to authenticate. Content is padded
(zeros, encrypted) to a Padmé length so the file's size tells little about
the content's exact size.

Write order, so an acknowledged attachment is never lost: the content goes
to ``NAME.partial`` (flushed to the disk as it grows), is fsynced, renamed
to ``NAME``, the folder fsynced, and only then does the row commit. The
writer holds an OS lock on its file until the commit is decided, so the
sweep at unlock (which removes files no row names) never takes a file
another thread or program is still committing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import VaultDamaged
from .files import PRIVATE_FILE_MODE, fsync_dir, make_private_dir
from .i18n import N_

FOLDER = "blobs"
MAGIC = b"INTKBLB1"
SEGMENT = 256 << 10
TAG = 16
KEY_BYTES = 32
NAME_BYTES = 16
PARTIAL = ".partial"
# Held shared while a backup copies files, exclusively (without waiting) by
# whoever removes one: a backup never finds a file of its snapshot gone.
KEEP_LOCK = ".keep"
# Flushing every 32 MiB keeps the final fsync short without a helper thread.
_FLUSH_EVERY = 32 << 20
# Without flock (Windows) a file is swept only when it is older than this.
_UNLOCKED_GRACE_SECONDS = 24 * 3600
# Blob files carry one fixed time: when each attachment arrived stays in the
# database, not on the folder listing (the inode's change time still shows).
_FIXED_MTIME = 946684800  # 2000-01-01
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

_SEEK_LOCK = threading.Lock()

DAMAGED = N_("An attachment in the vault is damaged; run vault check.")


def padded_size(size: int) -> int:
    """Padmé (Nikitin et al., PURBs, 2019): at most 12 % added, about log log bits of size kept."""
    size = max(size, 512)
    exponent = size.bit_length() - 1
    bits = exponent.bit_length()
    mask = (1 << (exponent - bits)) - 1
    return (size + mask) & ~mask


def segment_count(padded: int) -> int:
    return max(1, -(-padded // SEGMENT))


def file_size(size: int) -> int:
    """The size on disk of a blob holding ``size`` bytes of content."""
    padded = padded_size(size)
    return len(MAGIC) + padded + TAG * segment_count(padded)


def _pread(fd: int, size: int, offset: int) -> bytes:
    """``os.pread`` where there is one (POSIX); elsewhere a seek and a read under a lock."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    with _SEEK_LOCK:
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, size)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _aad(name: str) -> bytes:
    return b"intake-blob-v1:" + name.encode("ascii")


@dataclass(frozen=True)
class StoredFile:
    name: str
    key: bytes


class _Claim:
    """An open, OS-locked file descriptor: its file is someone's work in progress."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def release(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # closing drops the lock
            self.fd = -1


def _try_lock(fd: int, shared: bool = False) -> bool:
    """Lock ``fd`` without waiting; True where the platform has no flock."""
    if sys.platform == "win32":
        return True
    import fcntl

    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_shared(fd: int) -> None:
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH)


class BlobWriter:
    """One new blob file: ``write`` content, then ``finish`` (durable, still claimed).

    After ``finish`` the caller commits the row naming it and then calls
    ``release``; on any failure, ``discard`` removes the file.
    """

    def __init__(self, store: FileStore) -> None:
        self.store = store
        self.name = secrets.token_hex(NAME_BYTES)
        self.key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self.key)
        self._aad = _aad(self.name)
        self._partial = store.folder / (self.name + PARTIAL)
        self._final = store.folder / self.name
        self._fd = os.open(
            self._partial,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY,
            PRIVATE_FILE_MODE,
        )
        self._claim = _Claim(self._fd)
        _try_lock(self._fd)  # a new file: nobody else can hold it
        self._pending = bytearray()
        self._out = bytearray(SEGMENT + TAG)
        self._index = 0
        self._written = 0
        self._flushed = 0
        self.size = 0
        self._done = False
        os.write(self._fd, MAGIC)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.size += len(data)
        self._pending += data
        # Keep the last (possibly full) segment back: only finish knows it is last.
        while len(self._pending) > SEGMENT:
            self._seal(memoryview(self._pending)[:SEGMENT], last=False)
            del self._pending[:SEGMENT]

    def _seal(self, plain: memoryview | bytes, last: bool) -> None:
        # encrypt_into wants a buffer of exactly the sealed size.
        view = memoryview(self._out)[: len(plain) + TAG]
        n = self._aead.encrypt_into(_nonce(self._index, last), plain, self._aad, view)
        while view:
            view = view[os.write(self._fd, view) :]
        self._index += 1
        self._written += n
        if self._written - self._flushed >= _FLUSH_EVERY:
            getattr(os, "fdatasync", os.fsync)(self._fd)
            self._flushed = self._written

    def finish(self) -> StoredFile:
        """Pad, seal the last segment, fsync, rename into place, fsync the folder."""
        padding = padded_size(self.size) - self.size
        self._pending += bytes(padding)
        while len(self._pending) > SEGMENT:
            self._seal(memoryview(self._pending)[:SEGMENT], last=False)
            del self._pending[:SEGMENT]
        self._seal(bytes(self._pending), last=True)
        self._pending = bytearray()
        os.utime(self._fd if os.utime in os.supports_fd else self._partial, (_FIXED_MTIME,) * 2)
        os.fsync(self._fd)
        if sys.platform == "win32":
            # Windows renames no open file; the sweep there goes by age instead.
            self._claim.release()
        os.rename(self._partial, self._final)
        fsync_dir(self.store.folder)
        self._done = True
        return StoredFile(self.name, self.key)

    def release(self) -> None:
        """The row is committed (or the file is otherwise accounted for): drop the claim."""
        self._claim.release()

    def discard(self) -> None:
        """Remove the file (before or after ``finish``) and drop the claim."""
        for path in (self._partial, self._final):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._claim.release()

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.discard()


class FileStore:
    """The ``blobs/`` folder of one vault."""

    def __init__(self, vault_path: Path) -> None:
        self.folder = Path(vault_path) / FOLDER

    def ensure(self) -> None:
        make_private_dir(self.folder)

    def writer(self) -> BlobWriter:
        self.ensure()
        return BlobWriter(self)

    # Reading

    def _open(self, name: str) -> int:
        try:
            return os.open(self.folder / name, os.O_RDONLY | _NOFOLLOW | _BINARY)
        except OSError:
            raise VaultDamaged(DAMAGED) from None

    def read(self, stored: StoredFile, size: int) -> Iterator[bytes]:
        """The content, segment by segment, each authenticated before it is returned."""
        fd = self._open(stored.name)
        try:
            count = self._check_length(fd, size)
            aead, aad = AESGCM(stored.key), _aad(stored.name)
            left = size
            for index in range(count):
                plain = self._segment(fd, aead, aad, index, count)
                if left > 0:
                    yield plain[:left]
                    left -= min(left, len(plain))
        finally:
            os.close(fd)

    def _check_length(self, fd: int, size: int) -> int:
        if os.fstat(fd).st_size != file_size(size):
            raise VaultDamaged(DAMAGED)
        return segment_count(padded_size(size))

    @staticmethod
    def _segment(fd: int, aead: AESGCM, aad: bytes, index: int, count: int) -> bytes:
        last = index == count - 1
        offset = len(MAGIC) + index * (SEGMENT + TAG)
        want = SEGMENT + TAG
        if last:
            want = os.fstat(fd).st_size - offset
        data = _pread(fd, want, offset)
        if len(data) != want or (index == 0 and _pread(fd, len(MAGIC), 0) != MAGIC):
            raise VaultDamaged(DAMAGED)
        try:
            return aead.decrypt(_nonce(index, last), data, aad)
        except InvalidTag:
            raise VaultDamaged(DAMAGED) from None

    # The folder as a whole

    def names(self) -> set[str]:
        """Every finished blob file present."""
        if not self.folder.is_dir():
            return set()
        return {
            entry.name
            for entry in os.scandir(self.folder)
            if len(entry.name) == 2 * NAME_BYTES and not entry.name.startswith(".")
        }

    def remove(self, names: list[str]) -> int:
        """Unlink blob files whose rows are gone; returns how many went.

        A file a backup is copying stays (the next sweep takes it).
        """
        if not names:
            return 0
        with self._keep_lock(shared=False) as held:
            if not held:
                return 0
            gone = 0
            for name in names:
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
                    gone += 1
            return gone

    def sweep(self, known: set[str]) -> list[str]:
        """Remove files no row names (orphans, partial files); call under the writer lock.

        Files still claimed by a writer (locked) are left alone.
        """
        if not self.folder.is_dir():
            return []
        removed: list[str] = []
        with self._keep_lock(shared=False) as held:
            if not held:
                return []
            for entry in os.scandir(self.folder):
                name = entry.name
                if name.startswith(".") or name in known:
                    continue
                if not self._unclaimed(entry.path):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed.append(name)
        if removed:
            fsync_dir(self.folder)
        return removed

    def orphans(self, known: set[str]) -> list[str]:
        """Files no row names and no writer claims, left where they are (``vault check``)."""
        if not self.folder.is_dir():
            return []
        return sorted(
            entry.name
            for entry in os.scandir(self.folder)
            if not entry.name.startswith(".")
            and entry.name not in known
            and self._unclaimed(entry.path)
        )

    def _unclaimed(self, path: str) -> bool:
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
        except OSError:
            return False
        try:
            if sys.platform == "win32":
                return time.time() - os.fstat(fd).st_ctime > _UNLOCKED_GRACE_SECONDS
            return _try_lock(fd)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _keep_lock(self, shared: bool) -> Iterator[bool]:
        self.ensure()
        fd = os.open(self.folder / KEEP_LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, PRIVATE_FILE_MODE)
        try:
            if shared:
                _lock_shared(fd)
                yield True
            else:
                yield _try_lock(fd)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """No blob file is removed while this is held (a backup copying the folder)."""
        with self._keep_lock(shared=True):
            yield


class SegmentReader:
    """One blob open for reading segments by index, from any thread (``pread``)."""

    def __init__(self, store: FileStore, stored: StoredFile, size: int) -> None:
        self._fd = store._open(stored.name)
        try:
            self.count = store._check_length(self._fd, size)
        except BaseException:
            os.close(self._fd)
            raise
        self._aead, self._aad = AESGCM(stored.key), _aad(stored.name)
        self._size = size

    def plain(self, index: int) -> bytes:
        """Segment ``index``'s content, without the padding."""
        data = FileStore._segment(self._fd, self._aead, self._aad, index, self.count)
        start = index * SEGMENT
        return data[: max(0, min(len(data), self._size - start))]

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
