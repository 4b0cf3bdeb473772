"""The tar stream inside a bundle: one strict POSIX ustar subset, written and read here.

Not ``tarfile``: even in stream mode it holds whole pax headers and GNU
long-name records in memory (a hostile multi-GB pax header exhausts it) and
accepts links, devices, sparse files and formats we never write. Anyone with
our age recipient can craft the tar, and the manifest signature is checked
only after two members, so the reader treats every byte as hostile.

Accepted (and written): ustar headers (magic ``ustar\\0``, version ``00``,
unsigned checksum), typeflag ``'0'`` only, no link name, the whole name in the
100-byte name field (prefix empty) and ``safe_member_name``, octal sizes up
to ``MAX_MEMBER_SIZE``, zero padding, two zero blocks, then at most
``max_trailing`` zero bytes (writers pad to 10 KiB records). Mode, owner and
mtime are unused, so not checked. Typeflag ``'\\0'`` (pre-POSIX file) is
refused: ustar writers all write ``'0'`` and readers disagree about ``'\\0'``
(tarfile makes it a directory if the name ends in ``/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO

from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.i18n import N_

MAX_MEMBER_SIZE = 8**11 - 1  # what 11 octal digits hold (~8 GiB); attachments are capped at 4 GiB
BLOCK = 512
_SKIP_CHUNK = 64 * 1024  # reads while skipping unread data or trailing zeros
_NAME_LEN = 100
_MAGIC = b"ustar\x0000"  # magic "ustar\0" then version "00"
_ZERO_BLOCK = bytes(BLOCK)
_SAFE_NAME = re.compile(r"[A-Za-z0-9._/-]{1,100}")
# Octal as real writers produce it: optional leading spaces, digits, then
# NUL/space terminators. 12 digits are allowed so oversized values are seen.
_OCTAL = re.compile(rb" *([0-7]{1,12})[ \x00]*")


def safe_member_name(name: str) -> bool:
    """True for a relative ASCII path of ``[A-Za-z0-9._/-]``, at most 100 bytes, no ``.``/``..``."""
    if not _SAFE_NAME.fullmatch(name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _shown(raw: bytes) -> str:
    """Attacker-chosen bytes made safe to print: at most 80, non-printables as ``\\xNN``."""
    text = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in raw[:80])
    return text + "..." if len(raw) > 80 else text


def _octal(value: int, width: int) -> bytes:
    return b"%0*o\x00" % (width - 1, value)


def _checksum(header: bytes | bytearray) -> int:
    """Unsigned byte sum with the checksum field counted as eight spaces."""
    return sum(header[:148]) + 8 * 0x20 + sum(header[156:])


def _truncated() -> BundleRejected:
    return BundleRejected(N_("The bundle is truncated: it ends in the middle of its contents."))


def _data_after_end() -> BundleRejected:
    return BundleRejected(N_("The bundle is damaged: it holds data after the end of its archive."))


class TarWriter:
    """Writes members as ustar headers plus data; ``bytes_written`` counts every byte."""

    def __init__(self, out: IO[bytes], mtime: int) -> None:
        if not 0 <= mtime <= 8**11 - 1:  # 11 octal digits and a NUL
            raise ValueError(f"mtime {mtime} does not fit a ustar header")
        self._out = out
        self._mtime = mtime
        self._broken = False  # after a size mismatch the output is unusable
        self.bytes_written = 0

    def add(self, name: str, size: int, chunks: Iterable[bytes]) -> None:
        """Write one regular file of exactly ``size`` bytes from ``chunks``.

        A mismatch raises ValueError (a programming error); the output is then
        corrupt and the writer refuses further use.
        """
        self._check_usable()
        if not safe_member_name(name):
            raise ValueError(f"unsafe tar member name {name!r}")
        if not 0 <= size <= MAX_MEMBER_SIZE:
            raise ValueError(f"member size {size} out of range")
        self._write(self._header(name, size))
        left = size
        for chunk in chunks:
            if len(chunk) > left:
                self._broken = True  # the excess is never written
                raise ValueError(f"chunks of {name!r} exceed the declared size {size}")
            self._write(chunk)
            left -= len(chunk)
        if left:
            self._broken = True
            raise ValueError(f"chunks of {name!r} are {left} bytes short of {size}")
        self._write(bytes(-size % BLOCK))

    def close(self) -> None:
        """End the archive with two zero blocks; ``out`` stays open."""
        self._check_usable()
        self._write(_ZERO_BLOCK * 2)
        self._broken = True  # nothing may follow the end marker

    def _check_usable(self) -> None:
        if self._broken:
            raise ValueError("this TarWriter failed or was closed")

    def _header(self, name: str, size: int) -> bytes:
        header = bytearray(BLOCK)
        header[0 : len(name)] = name.encode("ascii")  # NUL-terminated unless exactly 100
        header[100:108] = _octal(0o600, 8)
        header[108:116] = _octal(0, 8)  # uid
        header[116:124] = _octal(0, 8)  # gid
        header[124:136] = _octal(size, 12)
        header[136:148] = _octal(self._mtime, 12)
        header[156:157] = b"0"
        header[257:265] = _MAGIC  # uname, gname, devmajor/minor, prefix stay NUL
        header[148:156] = b"%06o\x00 " % _checksum(header)
        return bytes(header)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # raw streams (pipes) may write less than asked
            written = self._out.write(view)
            if not written:  # a non-blocking stream that would block: never spin
                raise OSError("the tar output accepted no data")
            view = view[written:]
            self.bytes_written += written


class TarMember:
    """One regular file; its data can be read once, in order, before the next ``next()``."""

    def __init__(self, reader: TarReader, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self._reader = reader
        self._opened = False

    def chunks(self, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """Yield exactly ``size`` bytes in chunks of at most ``chunk_size``; reads the padding."""
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._open()
        return self._reader._member_chunks(chunk_size)

    def read_all(self, limit: int) -> bytes:
        """The whole content of a small member; refused from the header if over ``limit``."""
        if self.size > limit:
            raise BundleRejected(
                N_("The bundle entry {path} is {size} bytes, more than the {limit} allowed."),
                path=self.name,  # already checked by safe_member_name
                size=self.size,
                limit=limit,
            )
        return b"".join(self.chunks(max(self.size, 1)))

    def _open(self) -> None:
        if self._opened or self._reader._current is not self:
            raise RuntimeError(f"tar member {self.name!r} was already read or skipped")
        self._opened = True


class TarReader:
    """Reads a hostile tar stream from a pipe with ``read(n)`` only: no seek, bounded memory."""

    def __init__(self, stream: IO[bytes], *, max_trailing: int = 1 << 20) -> None:
        self._stream = stream
        self._max_trailing = max_trailing
        self._offset = 0  # bytes consumed, for messages
        self._current: TarMember | None = None
        self._left = 0  # unread data bytes of the current member
        self._padding = 0  # its padding, read and checked after the data
        self._ended = False
        self._failed: BundleRejected | None = None  # once rejected, always rejected

    def next(self) -> TarMember | None:
        """The next member, or None once the end marker and trailing zeros are verified."""
        if self._failed:
            raise self._failed
        try:
            return self._next()
        except BundleRejected as exc:
            self._failed = exc
            raise

    def _next(self) -> TarMember | None:
        if self._ended:
            return None
        self._finish_member()
        header = self._read_exact(BLOCK)
        if header == _ZERO_BLOCK:
            if self._read_exact(BLOCK) != _ZERO_BLOCK:
                raise _data_after_end()
            self._check_trailing()
            self._ended = True
            return None
        name, size = self._parse(header, self._offset - BLOCK)
        self._current = TarMember(self, name, size)
        self._left = size
        self._padding = -size % BLOCK
        return self._current

    def _parse(self, header: bytes, at: int) -> tuple[str, int]:
        stored = _OCTAL.fullmatch(header[148:156])
        if not stored or int(stored[1], 8) != _checksum(header):
            raise BundleRejected(
                N_("The bundle is damaged: an archive header (byte {offset}) fails its checksum."),
                offset=at,
            )
        if header[257:265] != _MAGIC:
            raise BundleRejected(
                N_("The bundle's archive header at byte {offset} is not POSIX ustar."),
                offset=at,
            )
        raw_name = header[:_NAME_LEN].split(b"\x00", 1)[0]
        path = _shown(raw_name)
        if header[156:157] != b"0":  # links, directories, devices, pax and GNU records
            raise BundleRejected(
                N_("The bundle holds an entry {path} of unsupported type '{kind}'."),
                path=path,
                kind=_shown(header[156:157]),
            )
        if header[157:257] != bytes(100):  # some readers would still treat it as a link
            raise BundleRejected(
                N_("The bundle holds an entry {path} that names a link target."), path=path
            )
        prefix = header[345:500]
        if prefix != bytes(155):  # the name must be whole in the name field
            path = _shown(prefix.split(b"\x00", 1)[0] + b"/" + raw_name)
        name = raw_name.decode("latin-1")
        if (
            prefix != bytes(155)
            or header[len(raw_name) : _NAME_LEN].strip(b"\x00")  # bytes hidden after the NUL
            or not safe_member_name(name)
        ):
            raise BundleRejected(
                N_("The bundle holds an entry with an unsafe path {path}."), path=path
            )
        size = _OCTAL.fullmatch(header[124:136])
        if not size:
            raise BundleRejected(
                N_("The bundle is damaged: the size of entry {path} is not a valid number."),
                path=path,
            )
        value = int(size[1], 8)
        if value > MAX_MEMBER_SIZE:
            raise BundleRejected(
                N_("The bundle entry {path} declares {size} bytes, more than the {limit} allowed."),
                path=path,
                size=value,
                limit=MAX_MEMBER_SIZE,
            )
        return name, value

    def _member_chunks(self, chunk_size: int) -> Iterator[bytes]:
        member = self._current
        try:
            while self._left:
                data = self._read_exact(min(chunk_size, self._left))
                self._left -= len(data)
                yield data
                if self._current is not member:
                    raise RuntimeError("the tar reader moved on while a member was being read")
            self._finish_member()
        except BundleRejected as exc:
            self._failed = exc
            raise

    def _finish_member(self) -> None:
        """Skip unread data (bounded by the declared size), then check the zero padding."""
        while self._left:
            self._left -= len(self._read_exact(min(_SKIP_CHUNK, self._left)))
        member, self._current = self._current, None
        if self._padding:
            padding, self._padding = self._read_exact(self._padding), 0
            if padding.strip(b"\x00"):  # hidden, unsigned bytes
                raise BundleRejected(
                    N_("The bundle is damaged: the padding after entry {path} is not empty."),
                    path=member.name if member else "",
                )

    def _check_trailing(self) -> None:
        """Writers pad to whole records with zeros: allow up to max_trailing of them."""
        seen = 0
        while data := self._read_some(min(_SKIP_CHUNK, self._max_trailing + 1 - seen)):
            if data.strip(b"\x00"):
                raise _data_after_end()
            seen += len(data)
            if seen > self._max_trailing:
                raise BundleRejected(
                    N_("The bundle holds more than {limit} bytes of padding after its archive."),
                    limit=self._max_trailing,
                )

    def _read_some(self, n: int) -> bytes:
        data = self._stream.read(n) if n > 0 else b""
        self._offset += len(data)
        return data

    def _read_exact(self, n: int) -> bytes:
        """Exactly n bytes; pipes return short reads, so loop until EOF."""
        parts: list[bytes] = []
        need = n
        while need > 0:
            data = self._read_some(need)
            if not data:
                raise _truncated()
            parts.append(data)
            need -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)
