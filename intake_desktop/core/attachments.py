"""Attachment content, addressed by SHA-256, streamed both ways.

A scan, photo or recording is stored once per SHA-256: its row (size, file
name, key) in the database, its content encrypted in the file store
(filestore.py), so adding or reading a 1 GiB file never holds more than a
chunk in memory and no decrypted copy is ever written to the disk. Vaults
from before the file store keep content in 1 MiB chunk rows until
``vault upgrade`` moves it (blob_upgrade.py); both are read here. Metadata
(file name, media type) belongs to the evidence record that lists the
attachment.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import mimetypes
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from .errors import InvalidInput, NotFound, VaultDamaged
from .filestore import SegmentReader, StoredFile
from .i18n import N_
from .vault import Vault

CHUNK_SIZE = 1 << 20
MAX_ATTACHMENT_BYTES = 4 << 30

# Sniffed from the first bytes: the file name is only a hint and may lie.
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "audio/wav"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
)


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    media_type: str


def sniff_media_type(first_bytes: bytes, filename: str = "") -> str:
    for magic, media_type in _MAGIC:
        if first_bytes.startswith(magic):
            return media_type
    if first_bytes[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A "):
        return "video/mp4" if b"M4A" not in first_bytes[4:12] else "audio/mp4"
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class _Row:
    id: int
    size: int
    stored: StoredFile | None  # None: still in blob_chunks (a vault from before the file store)


class BlobStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.files = vault.files

    def put(
        self,
        stream: Readable,
        filename: str = "",
        progress: Callable[[int], None] | None = None,
        max_bytes: int = MAX_ATTACHMENT_BYTES,
    ) -> BlobInfo:
        """Stream ``stream`` into the file store; call inside ``vault.transaction()``.

        The file is durable before its row is written; the row commits with
        the caller's transaction. The same content stored twice is kept once.
        """
        digest, size, head = hashlib.sha256(), 0, b""
        writer = self.files.writer()
        try:
            # Hash on a helper thread while this one encrypts, writes and reads
            # the next chunk: all release the GIL, so they run side by side.
            # One chunk is hashed while the next is read (the helper runs them
            # in order); without SHA instructions the hash is the slowest part.
            with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
                hashed: Future[None] | None = None
                while chunk := stream.read(CHUNK_SIZE):
                    if not head:
                        head = chunk[:64]
                    size += len(chunk)
                    if size > max_bytes:
                        raise InvalidInput(
                            N_("The file is larger than {limit} MiB."), limit=max_bytes >> 20
                        )
                    if hashed is not None:
                        hashed.result()  # at most two chunks held
                    hashed = hasher.submit(digest.update, chunk)
                    writer.write(chunk)
                    if progress:
                        progress(size)
                if hashed is not None:
                    hashed.result()
            sha256 = digest.hexdigest()
            info = BlobInfo(sha256, size, sniff_media_type(head, filename))
            if self.exists(sha256):
                writer.discard()
                return info
            stored = writer.finish()
            self.conn.execute(
                "INSERT INTO blobs (sha256, size, complete, created_at, file, key)"
                " VALUES (?, ?, 1, ?, ?, ?)",
                (sha256, size, self.vault.now(), stored.name, stored.key),
            )
        except BaseException:
            writer.discard()
            raise
        self.vault.after_transaction(writer.release, writer.discard)
        return info

    def _row(self, sha256: str) -> _Row:
        row = self.conn.execute(
            "SELECT id, size, file, key FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        if row is None:
            raise NotFound(N_("No attachment {sha256} in this vault."), sha256=sha256[:16])
        stored = StoredFile(row[2], bytes(row[3])) if row[2] is not None else None
        return _Row(int(row[0]), int(row[1]), stored)

    def size(self, sha256: str) -> int:
        return self._row(sha256).size

    def exists(self, sha256: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        return row is not None

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The content piece by piece, each authenticated before it is returned."""
        row = self._row(sha256)
        if row.stored is not None:
            yield from self.files.read(row.stored, row.size)
        else:
            yield from old_chunks(self.conn, row.id)

    def open(self, sha256: str) -> BinaryIO:
        """A read-only file object over the content (for previews and export)."""
        return io.BufferedReader(_ChunkReader(self.chunks(sha256)), buffer_size=CHUNK_SIZE)

    def verify(self, sha256: str) -> bool:
        """Whether the content is there, authenticates and has this SHA-256."""
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks(sha256):
                digest.update(chunk)
        except VaultDamaged:
            return False
        return digest.hexdigest() == sha256

    def all_hashes(self) -> list[str]:
        rows = self.conn.execute("SELECT sha256 FROM blobs WHERE complete = 1 ORDER BY id")
        return [r[0] for r in rows]

    def file_names(self) -> set[str]:
        """The blob files rows name."""
        rows = self.conn.execute("SELECT file FROM blobs WHERE file IS NOT NULL")
        return {r[0] for r in rows}


def old_chunks(conn: object, blob_id: int) -> Iterator[bytes]:
    """Content still in the database's chunk rows, one query per chunk (flat memory)."""
    seq = 0
    while True:
        found = conn.execute(  # type: ignore[attr-defined]
            "SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?", (blob_id, seq)
        ).fetchone()
        if found is None:
            return
        yield bytes(found[0])
        seq += 1


class ParallelChunks:
    """Attachment content read ahead, in order, by helper threads (for export).

    Reading a blob file is a ``pread`` and an AES-GCM decryption per
    segment, both of which release the GIL: two threads decrypt two segments
    at once while the caller writes the bundle. Content still in chunk rows
    is read on the threads' own connections, as sqlite3 also releases the
    GIL. Use as a context manager: closing stops the threads and closes
    their connections.
    """

    def __init__(self, vault: Vault, readers: int = 2, ahead: int = 8) -> None:
        self.vault = vault
        self._ahead = ahead
        self._local = threading.local()
        self._clones: list[Vault] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(readers, thread_name_prefix="chunks")

    def __enter__(self) -> ParallelChunks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for clone in self._clones:
                clone.close()
            self._clones.clear()

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The content of ``sha256`` piece by piece; at most ``ahead`` pieces in memory."""
        row = BlobStore(self.vault)._row(sha256)
        if row.stored is None:
            (count,) = self.vault.conn.execute(
                "SELECT count(*) FROM blob_chunks WHERE blob_id = ?", (row.id,)
            ).fetchone()
            yield from self._ahead_of(count, lambda seq: self._read(row.id, seq))
            return
        segments = SegmentReader(self.vault.files, row.stored, row.size)
        try:
            yield from self._ahead_of(segments.count, segments.plain)
        finally:
            segments.close()

    def _ahead_of(self, count: int, read: Callable[[int], bytes]) -> Iterator[bytes]:
        pending: collections.deque[Future[bytes]] = collections.deque()
        seq = 0
        try:
            while pending or seq < count:
                while seq < count and len(pending) < self._ahead:
                    pending.append(self._pool.submit(read, seq))
                    seq += 1
                piece = pending.popleft().result()
                if piece:
                    yield piece
        finally:
            for future in pending:
                future.cancel()
            # A piece still being read must not outlive the file it reads.
            for future in pending:
                with contextlib.suppress(BaseException):
                    future.result()

    def _read(self, blob_id: int, seq: int) -> bytes:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            clone = self.vault.clone()
            # Each chunk is read once: a big page cache would only add memory.
            clone.conn.execute("PRAGMA cache_size = -1024")
            with self._lock:
                self._clones.append(clone)
            conn = self._local.conn = clone.conn
        found = conn.execute(
            "SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?", (blob_id, seq)
        ).fetchone()
        if found is None:
            raise VaultDamaged(N_("An attachment in the vault is damaged; run vault check."))
        return bytes(found[0])


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._pending = memoryview(nxt)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n
