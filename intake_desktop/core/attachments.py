"""Attachment content inside the database, in chunks, streamed both ways.

A scan, photo or recording is stored once per SHA-256 as 1 MiB chunk rows, so
adding or reading a 1 GiB file never holds more than one chunk in memory and
no decrypted copy is ever written to the disk. Metadata (file name, media
type) belongs to the evidence record that lists the attachment.
"""

from __future__ import annotations

import collections
import hashlib
import io
import mimetypes
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from .errors import InvalidInput, NotFound, VaultDamaged
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


class BlobStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn

    def put(
        self,
        stream: Readable,
        filename: str = "",
        progress: Callable[[int], None] | None = None,
        max_bytes: int = MAX_ATTACHMENT_BYTES,
    ) -> BlobInfo:
        """Stream ``stream`` into the vault; call inside ``vault.transaction()``.

        The same content stored twice is kept once.
        """
        blob_id = self.conn.execute(
            "INSERT INTO blobs (created_at) VALUES (?)", (self.vault.now(),)
        ).lastrowid
        digest, size, seq, head = hashlib.sha256(), 0, 0, b""
        # Hash each chunk on a helper thread while SQLCipher encrypts and
        # writes it: both release the GIL, so the two run side by side.
        with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
            while chunk := stream.read(CHUNK_SIZE):
                if not head:
                    head = chunk[:64]
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidInput(
                        N_("The file is larger than {limit} MiB."), limit=max_bytes >> 20
                    )
                hashed = hasher.submit(digest.update, chunk)
                self.conn.execute(
                    "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)",
                    (blob_id, seq, chunk),
                )
                hashed.result()
                seq += 1
                if progress:
                    progress(size)
        sha256 = digest.hexdigest()
        existing = self.conn.execute(
            "SELECT id FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        if existing:
            self.conn.execute("DELETE FROM blob_chunks WHERE blob_id = ?", (blob_id,))
            self.conn.execute("DELETE FROM blobs WHERE id = ?", (blob_id,))
        else:
            self.conn.execute(
                "UPDATE blobs SET sha256 = ?, size = ?, complete = 1 WHERE id = ?",
                (sha256, size, blob_id),
            )
        return BlobInfo(sha256, size, sniff_media_type(head, filename))

    def size(self, sha256: str) -> int:
        row = self.conn.execute(
            "SELECT size FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        if row is None:
            raise NotFound(N_("No attachment {sha256} in this vault."), sha256=sha256[:16])
        return int(row[0])

    def exists(self, sha256: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        return row is not None

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The content chunk by chunk, one query per chunk (flat memory)."""
        row = self.conn.execute(
            "SELECT id FROM blobs WHERE sha256 = ? AND complete = 1", (sha256,)
        ).fetchone()
        if row is None:
            raise NotFound(N_("No attachment {sha256} in this vault."), sha256=sha256[:16])
        seq = 0
        while True:
            found = self.conn.execute(
                "SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?", (row[0], seq)
            ).fetchone()
            if found is None:
                return
            yield bytes(found[0])
            seq += 1

    def open(self, sha256: str) -> BinaryIO:
        """A read-only file object over the content (for previews and export)."""
        return io.BufferedReader(_ChunkReader(self.chunks(sha256)), buffer_size=CHUNK_SIZE)

    def verify(self, sha256: str) -> bool:
        digest = hashlib.sha256()
        for chunk in self.chunks(sha256):
            digest.update(chunk)
        return digest.hexdigest() == sha256

    def all_hashes(self) -> list[str]:
        rows = self.conn.execute("SELECT sha256 FROM blobs WHERE complete = 1 ORDER BY id")
        return [r[0] for r in rows]


class ParallelChunks:
    """Attachment chunks read ahead, in order, by helper threads on their own connections.

    SQLCipher decrypts and authenticates every page it reads (AES-256 and
    HMAC-SHA512, about 3 s of CPU per GiB on a laptop core without SHA
    instructions), and sqlite3 releases the GIL while it works: two readers
    on two connections use two cores, where one connection is bound to one.
    For streaming whole attachments out (export). Use as a context manager:
    closing stops the threads and closes their connections.
    """

    def __init__(self, vault: Vault, readers: int = 2, ahead: int = 4) -> None:
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
        """The content of ``sha256`` chunk by chunk; at most ``ahead`` chunks in memory."""
        row = self.vault.conn.execute(
            "SELECT id, (SELECT count(*) FROM blob_chunks WHERE blob_id = blobs.id) FROM blobs"
            " WHERE sha256 = ? AND complete = 1",
            (sha256,),
        ).fetchone()
        if row is None:
            raise NotFound(N_("No attachment {sha256} in this vault."), sha256=sha256[:16])
        blob_id, count = row
        pending: collections.deque[Future[bytes]] = collections.deque()
        seq = 0
        try:
            while pending or seq < count:
                while seq < count and len(pending) < self._ahead:
                    pending.append(self._pool.submit(self._read, blob_id, seq))
                    seq += 1
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

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
