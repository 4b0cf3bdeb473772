"""The age payload: a STREAM of 64 KiB ChaCha20-Poly1305 chunks, both ways, in a helper thread.

Chunk ``i`` is sealed under the payload key with the nonce ``i`` as an
11-byte big-endian counter followed by a flag byte, 1 for the last chunk
and 0 before it. Every chunk but the last holds exactly 64 KiB; the last
holds 1 to 64 KiB, and is empty only when the whole payload is (the age
specification, as filippo.io/age reads and writes it).

Each direction hands the cipher work to one helper thread through a few
reused 256 KiB buffers: ``encrypt_into``/``decrypt_into`` and the file
reads and writes release the GIL, so the cipher runs on one core while the
caller builds or reads the tar on the other, in flat memory.

Reading releases a chunk's plaintext only once its tag has verified, in
order, and ends with ``PayloadInvalid`` rather than EOF unless the last
chunk authenticated and nothing follows it. As in the reference reader,
plaintext already authenticated is still handed out before that error (a
final chunk followed by stray bytes, a stream cut after a full chunk), so
a caller must treat the data as good only once it has read EOF.
"""

from __future__ import annotations

import errno
import threading
from collections import deque
from typing import Protocol, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..errors import BundleRejected, StorageFailed
from ..i18n import N_

CHUNK = 64 * 1024
TAG = 16
SEALED_CHUNK = CHUNK + TAG
# Chunks per hand-over and per file read or write: about 256 KiB, which
# costs this kind of machine far less kernel time than reads of MiBs.
BATCH = 4
# Hand-overs waiting between the two threads; one more buffer is being
# filled and one emptied, so BUFFERS are in use at most.
WAITING = 2
BUFFERS = WAITING + 2

DAMAGED = N_("The bundle is damaged or truncated: its encryption does not verify.")


class PayloadInvalid(BundleRejected):
    """A chunk failed its tag, the stream ended early, or bytes follow its last chunk."""

    def __init__(self) -> None:
        super().__init__(DAMAGED)


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes | None: ...
    def readinto(self, buffer: memoryview, /) -> int | None: ...


class Sink(Protocol):
    def write(self, data: memoryview, /) -> int | None: ...


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def write_failed(exc: OSError) -> StorageFailed:
    """The bundle file could not be written: what the user is told."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFailed(N_("The disk is full: the bundle was not written."))
    return StorageFailed(
        N_(
            "The bundle could not be written (a disk error, or the drive was removed);"
            " none was made."
        )
    )


def read_failed() -> StorageFailed:
    """The bundle file could not be read: what the user is told."""
    return StorageFailed(
        N_(
            "The bundle could not be read (a disk error, or the drive was removed);"
            " nothing changed."
        )
    )


class _Handoff:
    """A small FIFO between two threads; ``shut`` wakes both sides for good."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[object] = deque()
        self._capacity = capacity
        self._ready = threading.Condition()
        self._shut = False

    def put(self, item: object) -> bool:
        """Queue ``item`` once there is room; False if the other side has gone."""
        with self._ready:
            while len(self._items) >= self._capacity and not self._shut:
                self._ready.wait()
            if self._shut:
                return False
            self._items.append(item)
            self._ready.notify_all()
            return True

    def get(self) -> object | None:
        """The next item, waiting for it; None once shut (what was queued is dropped)."""
        with self._ready:
            while not self._items and not self._shut:
                self._ready.wait()
            if self._shut:
                return None
            item = self._items.popleft()
            self._ready.notify_all()
            return item

    def shut(self) -> None:
        with self._ready:
            self._shut = True
            self._ready.notify_all()


_END = object()  # the reader's last hand-over: the stream ended cleanly


class StreamWriter:
    """Write plaintext; ``close()`` seals the last chunk. The header is already in ``sink``.

    Plaintext is copied into one of ``BUFFERS`` batches of four chunks; a
    full batch goes to the cipher thread only when more plaintext follows,
    so the last chunk is always known when it is sealed. A failure of the
    cipher thread (the disk full) is raised by the next ``write`` or by
    ``close``.
    """

    def __init__(self, sink: Sink, key: bytes) -> None:
        self._sink = sink
        self._aead = ChaCha20Poly1305(key)
        self._buffers = [bytearray(BATCH * CHUNK) for _ in range(BUFFERS)]
        self._index = 0  # the batch being filled
        self._used = 0
        self._handoff = _Handoff(WAITING)
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="age-encrypt", daemon=True)
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed age stream")
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            if self._used == BATCH * CHUNK:
                self._hand_over(last=False)
            take = min(len(view), BATCH * CHUNK - self._used)
            self._buffers[self._index][self._used : self._used + take] = view[:take]
            self._used += take
            view = view[take:]
        return size

    def flush(self) -> None:
        """Nothing to do: a chunk can only be sealed once what follows it is known."""

    def close(self) -> None:
        """Seal what is left as the last chunk and wait until all of it is written."""
        if self._closed:
            return
        self._hand_over(last=True)
        self._closed = True
        self._thread.join()
        self._raise_failure()

    def abort(self) -> None:
        """Stop without sealing the last chunk (what was written is useless)."""
        self._closed = True
        self._handoff.shut()
        self._thread.join()

    def _hand_over(self, last: bool) -> None:
        if not self._handoff.put((self._index, self._used, last)):
            self._raise_failure()
            raise RuntimeError("the age cipher thread stopped")
        self._index = (self._index + 1) % BUFFERS
        self._used = 0

    def _raise_failure(self) -> None:
        error = self._error
        if error is None:
            return
        if isinstance(error, OSError):
            raise write_failed(error) from None
        raise error

    def _run(self) -> None:
        sealed = bytearray(BATCH * SEALED_CHUNK)
        out = memoryview(sealed)
        counter = 0
        try:
            while True:
                item = self._handoff.get()
                if item is None:
                    return  # aborted
                index, used, last = cast(tuple[int, int, bool], item)
                plain = memoryview(self._buffers[index])
                chunks = max(1, -(-used // CHUNK)) if last else BATCH
                start = at = 0
                for i in range(chunks):
                    size = min(CHUNK, used - start)
                    self._aead.encrypt_into(
                        _nonce(counter, last and i == chunks - 1),
                        plain[start : start + size],
                        None,
                        out[at : at + size + TAG],
                    )
                    counter += 1
                    start += size
                    at += size + TAG
                _write_all(self._sink, out[:at])
                if last:
                    return
        except BaseException as exc:
            self._error = exc
            self._handoff.shut()


def _write_all(sink: Sink, data: memoryview) -> None:
    while data:
        written = sink.write(data)
        if not written:
            raise OSError(errno.EIO, "the bundle file accepted no data")
        data = data[written:]


class StreamReader:
    """Read the plaintext of a STREAM that starts with ``head`` and goes on in ``source``.

    ``head`` holds what was read past the nonce while reading the header.
    A helper thread reads about 256 KiB at a time, opens the chunks and
    hands over their plaintext; ``read``/``readinto`` give it out in order.
    Call ``close`` when done (it stops the thread); ``source`` stays open.
    """

    def __init__(self, source: Source, key: bytes, head: bytes = b"") -> None:
        self._source = source
        self._aead = ChaCha20Poly1305(key)
        self._window = bytearray(max(BATCH * SEALED_CHUNK, len(head)) + SEALED_CHUNK)
        self._window[: len(head)] = head
        self._filled = len(head)
        self._buffers = [bytearray(BATCH * CHUNK) for _ in range(BUFFERS)]
        self._handoff = _Handoff(WAITING)
        # What the caller is reading: a batch, its length, how far it got.
        self._current = memoryview(self._buffers[0])[:0]
        self._at = 0
        self._ended = False
        self._closed = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="age-decrypt", daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:
        view = memoryview(target).cast("B")
        if not view or not self._next_batch():
            return 0
        take = min(len(view), len(self._current) - self._at)
        view[:take] = self._current[self._at : self._at + take]
        self._at += take
        return take

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (-1: everything left); b"" only at the authenticated end."""
        if size < 0:
            parts = []
            while part := self.read(BATCH * CHUNK):
                parts.append(part)
            return b"".join(parts)
        if size == 0 or not self._next_batch():
            return b""
        take = min(size, len(self._current) - self._at)
        data = bytes(self._current[self._at : self._at + take])
        self._at += take
        return data

    def close(self) -> None:
        self._closed = True
        self._handoff.shut()
        self._thread.join()

    def _next_batch(self) -> bool:
        """Make sure plaintext is at hand; False at the clean end; raise the stream's failure."""
        if self._closed:
            raise ValueError("read from a closed age stream")
        while self._at == len(self._current):
            if self._error is not None:
                raise self._error
            if self._ended:
                return False
            # Taking the next batch hands the previous one back to the thread.
            item = self._handoff.get()
            if item is _END:
                self._ended = True
            elif isinstance(item, BaseException):
                self._error = item
            elif isinstance(item, tuple):
                index, length = item
                self._current = memoryview(self._buffers[index])[:length]
                self._at = 0
            else:  # the thread was shut down without a last word: a bug
                raise RuntimeError("the age cipher thread stopped")
        return True

    # The helper thread

    def _run(self) -> None:
        try:
            outcome: object = self._open_all()
        except OSError:
            outcome = read_failed()
        except BaseException as exc:  # raised again in the reading thread
            outcome = exc
        self._handoff.put(outcome)

    def _open_all(self) -> object:
        """Open every chunk, handing over plaintext as batches fill; the final hand-over."""
        window = memoryview(self._window)
        start, counter, index, used = 0, 0, 0, 0
        eof = False
        try:
            while True:
                if self._filled - start < SEALED_CHUNK and not eof:
                    start, eof = self._fill(start)
                available = self._filled - start
                if available == 0:
                    raise PayloadInvalid()  # ended without a final chunk
                if available < SEALED_CHUNK and counter and available == TAG:
                    raise PayloadInvalid()  # only the first chunk may be empty
                if available < TAG:
                    raise PayloadInvalid()
                size = min(available, SEALED_CHUNK)
                sealed = window[start : start + size]
                plain = memoryview(self._buffers[index])[used : used + size - TAG]
                # A short chunk can only be the last; a full one is the last
                # when it opens as such (tried second, as the reference does).
                last = size < SEALED_CHUNK or not self._open(counter, False, sealed, plain)
                if last and not self._open(counter, True, sealed, plain):
                    raise PayloadInvalid()
                counter += 1
                start += size
                used += size - TAG
                if last:
                    if self._filled > start or self._more(eof):
                        raise PayloadInvalid()  # bytes after the last chunk
                    return _END
                if used == BATCH * CHUNK:
                    if not self._handoff.put((index, used)):
                        return None
                    index, used = (index + 1) % BUFFERS, 0
        finally:
            # Whatever authenticated before the end (or a failure) goes out first.
            if used:
                self._handoff.put((index, used))

    def _open(self, counter: int, last: bool, sealed: memoryview, plain: memoryview) -> bool:
        try:
            self._aead.decrypt_into(_nonce(counter, last), sealed, None, plain)
        except InvalidTag:
            return False
        return True

    def _fill(self, start: int) -> tuple[int, bool]:
        """Move the unread tail to the front and read up to the window's end."""
        tail = self._filled - start
        self._window[:tail] = self._window[start : self._filled]
        self._filled = tail
        view = memoryview(self._window)
        while self._filled < SEALED_CHUNK:
            got = self._source.readinto(view[self._filled :])
            if not got:
                return 0, True
            self._filled += got
        return 0, False

    def _more(self, eof: bool) -> bool:
        """Whether anything at all follows in the source."""
        return not eof and bool(self._source.read(1))
