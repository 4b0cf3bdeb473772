"""Check the age v1 header of an untrusted bundle before anything is decrypted.

age accepts passphrase (scrypt) files whose work factor the sender chooses
(pyrage took 8.4 GB of RAM on logN=23) and sets no header size limit, so a
hostile ``.intake`` file could exhaust memory before any signature is
checked. This gate reads the header (age-encryption.org/v1, C2SP age spec)
within fixed limits and refuses what no bundle of ours can be, with a
message that says what is wrong. Unknown stanza types are skipped, as the
spec requires: rage/pyrage write a random ``-grease`` stanza into every
header. It is a gate, not a decryptor: age.py parses the header again,
opens this vault's stanza and checks the header MAC and the payload.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from intake_desktop.core.errors import BundleRejected, InvalidInput
from intake_desktop.core.i18n import N_

# Our headers are under 1 KiB (about 100 bytes per X25519 recipient plus one
# grease stanza). 64 KiB still fits hundreds of recipients or bulky plugin
# stanzas (an ssh-rsa 4096 stanza is under 1 KiB) while bounding memory and
# parsing time for hostile input.
MAX_HEADER_BYTES = 64 * 1024
# A bundle goes to the coordinator, perhaps counsel, plus the grease stanza.
# 64 leaves room for a whole team; every X25519 stanza costs a key
# agreement, so the cap also bounds that work.
MAX_STANZAS = 64
# Smallest valid payload: the 16-byte nonce plus one final STREAM chunk,
# which is at least its 16-byte Poly1305 tag (empty plaintext).
MIN_PAYLOAD_BYTES = 16 + 16

_MAGIC = b"age-encryption.org/v1\n"
_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
_STANZA = b"-> "
_END = b"--- "
_BODY_COLUMNS = 64
_MAC_CHARS = 43  # 32 bytes, unpadded base64
_VCHARS = re.compile(rb"[\x21-\x7e]+")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*")


@dataclass(frozen=True)
class AgeHeader:
    """What the header says about who can open the file."""

    stanza_types: tuple[str, ...]  # first argument of every "-> " line, in order
    x25519_count: int
    header_length: int  # bytes up to and including the "--- <mac>\n" line


def check_age_file(path: Path) -> AgeHeader:
    """Check the file at ``path``; see ``read_age_header``.

    Where the file is then decrypted, check the very descriptor that is
    decrypted (channel.py does), so no file is swapped in between.
    """
    try:
        with path.open("rb") as stream:
            return read_age_header(stream)
    except OSError as exc:
        raise InvalidInput(N_("The bundle file {path} could not be read."), path=str(path)) from exc


def read_age_header(stream: BinaryIO) -> AgeHeader:
    """Parse and vet the age header starting at the stream's current position.

    Reads at most ``MAX_HEADER_BYTES + MIN_PAYLOAD_BYTES`` bytes (the header
    plus the shortest possible payload, to detect truncation) and does NOT
    seek back: afterwards the position is somewhere past the header, so seek
    to the start (or reopen) before decrypting. Raises ``BundleRejected``.
    """
    data = _read_at_most(stream, MAX_HEADER_BYTES + MIN_PAYLOAD_BYTES)
    if not data.startswith(_MAGIC):
        raise _not_age(data)
    lines = _Lines(data, len(_MAGIC))
    types: list[str] = []
    x25519 = 0
    line = lines.next()
    while line.startswith(_STANZA):
        if len(types) == MAX_STANZAS:
            raise BundleRejected(
                N_("The bundle's encryption header lists more than {limit} recipients."),
                limit=MAX_STANZAS,
            )
        stanza_line = lines.number
        args = line[len(_STANZA) :].split(b" ")
        if not all(_VCHARS.fullmatch(arg) for arg in args):
            raise BundleRejected(
                N_("The bundle is damaged: line {line} of its header has invalid characters."),
                line=stanza_line,
            )
        # Refuse before reading on: the work factor is attacker-chosen.
        if args[0] == b"scrypt":
            raise BundleRejected(
                N_(
                    "This file is passphrase-encrypted, which bundles never are, "
                    "so it was not opened."
                )
            )
        body = _read_body(lines)
        if args[0] == b"X25519":
            if len(args) != 2 or len(_decode(args[1], stanza_line)) != 32 or len(body) != 32:
                raise BundleRejected(
                    N_("The bundle is damaged: the recipient entry at line {line} is malformed."),
                    line=stanza_line,
                )
            x25519 += 1
        types.append(args[0].decode("ascii"))
        line = lines.next()
    if not line.startswith(_END):
        raise BundleRejected(
            N_("The bundle is damaged: line {line} of its header is not a valid header line."),
            line=lines.number,
        )
    mac = line[len(_END) :]
    if len(mac) != _MAC_CHARS:
        raise _bad_base64(lines.number)
    _decode(mac, lines.number)
    header_length = lines.pos
    if len(data) - header_length < MIN_PAYLOAD_BYTES:
        raise BundleRejected(
            N_("The bundle is incomplete: the file ends before its encrypted contents.")
        )
    if x25519 == 0:
        raise BundleRejected(
            N_(
                "The bundle is not encrypted to any X25519 recipient, "
                "so it cannot be for this vault."
            )
        )
    return AgeHeader(tuple(types), x25519, header_length)


class _Lines:
    """Hands out header lines, never past MAX_HEADER_BYTES."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.pos = start
        self.number = 1  # the magic line was line 1

    def next(self) -> bytes:
        end = self.data.find(b"\n", self.pos, MAX_HEADER_BYTES)
        if end < 0:
            if len(self.data) >= MAX_HEADER_BYTES:
                raise BundleRejected(
                    N_("The bundle's encryption header is larger than {limit} bytes."),
                    limit=MAX_HEADER_BYTES,
                )
            raise _truncated()
        line = self.data[self.pos : end]
        self.pos = end + 1
        self.number += 1
        return line


def _read_body(lines: _Lines) -> bytes:
    """Body: full 64-column lines, ended by the first shorter (maybe empty) line."""
    chunks: list[bytes] = []
    while True:
        line = lines.next()
        if line.startswith((_STANZA, b"---")):
            raise BundleRejected(
                N_("The bundle is damaged: a recipient entry lacks its data (line {line})."),
                line=lines.number,
            )
        if len(line) > _BODY_COLUMNS:
            raise _bad_base64(lines.number)
        chunks.append(_decode(line, lines.number))
        if len(line) < _BODY_COLUMNS:
            return b"".join(chunks)


def _decode(text: bytes, line: int) -> bytes:
    """Canonical unpadded standard base64 only: one encoding per value."""
    if _BASE64.fullmatch(text):
        try:
            raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
        except binascii.Error:
            pass
        else:
            if base64.b64encode(raw).rstrip(b"=") == text:
                return raw
    raise _bad_base64(line)


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(remaining)  # may be short on pipes and raw streams
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _not_age(data: bytes) -> BundleRejected:
    if not data:
        return BundleRejected(N_("The bundle file is empty."))
    if _MAGIC.startswith(data):
        return _truncated()
    if data.lstrip().startswith(_ARMOR):
        return BundleRejected(
            N_("This file is an ASCII-armored age file; armored bundles are not accepted.")
        )
    return BundleRejected(N_("This file is not a bundle: it is not an age-encrypted file."))


def _truncated() -> BundleRejected:
    return BundleRejected(
        N_("The bundle is incomplete: the file ends inside its encryption header.")
    )


def _bad_base64(line: int) -> BundleRejected:
    return BundleRejected(
        N_("The bundle is damaged: line {line} of its header holds invalid encoded data."),
        line=line,
    )
