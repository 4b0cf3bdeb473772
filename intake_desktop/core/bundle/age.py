"""age v1 files (age-encryption.org/v1) with X25519 recipients, on ``cryptography`` alone.

A file is a text header, a 16-byte nonce, then the payload (age_stream.py).
The header names the file key wrapped for each recipient, one stanza each,
and ends with an HMAC-SHA256 of itself under a key derived from the file
key; the payload key is HKDF-SHA256 of the file key salted with the nonce.
Parsing follows the reference implementation (filippo.io/age) rule for
rule: canonical unpadded base64 only, stanza bodies in full 64-column lines
ended by a shorter one, unknown stanza types skipped (rage writes a random
``-grease`` stanza into every header). The C2SP age test kit holds it to
that (tests/interop/test_age_testkit.py); pyrage and the ``age`` program
are its oracles (tests/interop/test_age_layer.py).

Only X25519 is here: a bundle is never passphrase-encrypted or armored, and
the bundle code runs agecheck's gate (no scrypt stanza, bounded header)
before a file reaches ``decrypt``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import BundleRejected, InvalidInput
from ..fingerprint import bech32_decode
from ..i18n import N_
from .age_stream import BATCH, DAMAGED, SEALED_CHUNK, Sink, Source, StreamReader, StreamWriter
from .age_stream import PayloadInvalid as PayloadInvalid  # the reader's; for callers
from .agecheck import MAX_HEADER_BYTES

INTRO = b"age-encryption.org/v1\n"
FILE_KEY_BYTES = 16
NONCE_BYTES = 16
X25519_LABEL = b"age-encryption.org/v1/X25519"
_ZERO_NONCE = bytes(12)
_BODY_COLUMNS = 64
_BODY_LINE_BYTES = 48
_VCHARS = re.compile(rb"[\x21-\x7e]+")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*")

NOT_FOR_US = N_("This bundle is not addressed to this vault (or its header is damaged).")
HEADER_DAMAGED = N_("The bundle is damaged: its encryption header is not valid.")


class HeaderInvalid(BundleRejected):
    """The header does not parse, or a stanza meant for an identity given is malformed."""

    def __init__(self) -> None:
        super().__init__(HEADER_DAMAGED)


class NoIdentityMatched(BundleRejected):
    """The header parsed, but no stanza opens with any identity given."""

    def __init__(self) -> None:
        super().__init__(NOT_FOR_US)


class HeaderMacInvalid(BundleRejected):
    """A file key was found, but the header's MAC does not match: it was altered."""

    def __init__(self) -> None:
        super().__init__(DAMAGED)


@dataclass(frozen=True)
class Stanza:
    type: str
    args: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Header:
    stanzas: tuple[Stanza, ...]
    mac: bytes
    signed: bytes  # what the MAC covers: the header up to and including "---"
    length: int  # bytes up to and including the MAC line's newline


class Identity(Protocol):
    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """The file key, None if no stanza is for this identity; HeaderInvalid if malformed."""


# Encoding


def b64decode(text: bytes) -> bytes | None:
    """Canonical unpadded standard base64 (one encoding per value), else None."""
    if not _BASE64.fullmatch(text):
        return None
    try:
        raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        return None
    return raw if b64encode(raw) == text else None


def b64encode(raw: bytes) -> bytes:
    return base64.b64encode(raw).rstrip(b"=")


def _hkdf(secret: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _mac(file_key: bytes, signed: bytes) -> hmac.HMAC:
    mac = hmac.HMAC(_hkdf(file_key, None, b"header"), hashes.SHA256())
    mac.update(signed)
    return mac


# Keys


class X25519Recipient:
    """An ``age1...`` recipient: wraps a file key for its holder."""

    def __init__(self, public: bytes) -> None:
        self.public = public
        self._key = X25519PublicKey.from_public_bytes(public)

    @classmethod
    def from_string(cls, text: str) -> X25519Recipient:
        decoded = bech32_decode(text) if text == text.lower() else None
        if decoded is None or decoded[0] != "age" or len(decoded[1]) != 32:
            raise InvalidInput(N_("The age recipient is not valid."))
        return cls(decoded[1])

    def wrap(self, file_key: bytes) -> Stanza:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        try:
            shared = ephemeral.exchange(self._key)
        except ValueError:  # a low-order point: every sender would share one secret
            raise InvalidInput(N_("The age recipient is not valid.")) from None
        key = _hkdf(shared, share + self.public, X25519_LABEL)
        body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
        return Stanza("X25519", (b64encode(share).decode("ascii"),), body)


class X25519Identity:
    """An ``AGE-SECRET-KEY-1...`` identity: opens X25519 stanzas made for its recipient."""

    def __init__(self, secret: bytes) -> None:
        self._key = X25519PrivateKey.from_private_bytes(secret)
        self.public = self._key.public_key().public_bytes_raw()

    @classmethod
    def from_string(cls, text: str) -> X25519Identity:
        decoded = bech32_decode(text.lower()) if text == text.upper() else None
        if decoded is None or decoded[0] != "age-secret-key-" or len(decoded[1]) != 32:
            raise InvalidInput(N_("The age identity is not valid."))
        return cls(decoded[1])

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != "X25519":
                continue
            share = b64decode(stanza.args[0].encode("ascii")) if len(stanza.args) == 1 else None
            if share is None or len(share) != 32:
                raise HeaderInvalid()
            try:
                shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:  # a low-order share gives the all-zero secret
                raise HeaderInvalid() from None
            key = _hkdf(shared, share + self.public, X25519_LABEL)
            if len(stanza.body) != FILE_KEY_BYTES + 16:
                raise HeaderInvalid()
            try:
                return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, stanza.body, None)
            except InvalidTag:
                continue  # for another recipient
        return None


# The header


def parse_header(data: bytes) -> Header:
    """Parse the header at the start of ``data``, which must hold all of it."""
    lines = _Lines(data)
    if lines.next() + b"\n" != INTRO:
        raise HeaderInvalid()
    stanzas: list[Stanza] = []
    while True:
        line = lines.next()
        if line.startswith(b"---"):
            parts = line.split(b" ")
            mac = b64decode(parts[1]) if parts[0] == b"---" and len(parts) == 2 else None
            if mac is None or len(mac) != 32:
                raise HeaderInvalid()
            signed = data[: lines.pos - len(line) - 1 + 3]
            return Header(tuple(stanzas), mac, signed, lines.pos)
        parts = line.split(b" ")
        if parts[0] != b"->" or len(parts) < 2:
            raise HeaderInvalid()
        if not all(_VCHARS.fullmatch(part) for part in parts[1:]):
            raise HeaderInvalid()
        body = bytearray()
        while True:
            raw = b64decode(lines.next())
            if raw is None or len(raw) > _BODY_LINE_BYTES:
                raise HeaderInvalid()
            body += raw
            if len(raw) < _BODY_LINE_BYTES:  # a body always ends with a short line
                break
        args = tuple(part.decode("ascii") for part in parts[1:])
        stanzas.append(Stanza(args[0], args[1:], bytes(body)))


class _Lines:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def next(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise HeaderInvalid()
        line = self.data[self.pos : end]
        self.pos = end + 1
        return line


def encode_header(file_key: bytes, recipients: Sequence[X25519Recipient]) -> bytes:
    out = bytearray(INTRO)
    for recipient in recipients:
        stanza = recipient.wrap(file_key)
        out += b"-> " + " ".join((stanza.type, *stanza.args)).encode("ascii") + b"\n"
        text = b64encode(stanza.body)
        for start in range(0, len(text) + 1, _BODY_COLUMNS):  # ends with a short line
            out += text[start : start + _BODY_COLUMNS] + b"\n"
    out += b"---"
    out += b" " + b64encode(_mac(file_key, bytes(out)).finalize()) + b"\n"
    return bytes(out)


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    return _hkdf(file_key, nonce, b"payload")


# Files


def encrypt(sink: Sink, recipients: Sequence[X25519Recipient]) -> StreamWriter:
    """Write the header to ``sink`` and return the writer of its payload (close it to finish)."""
    if not recipients:
        raise InvalidInput(N_("Name at least one recipient with --to."))
    file_key = os.urandom(FILE_KEY_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    head = memoryview(encode_header(file_key, recipients) + nonce)
    while head:
        head = head[sink.write(head) :]
    return StreamWriter(sink, payload_key(file_key, nonce))


def decrypt(
    source: Source, identities: Sequence[Identity], header_limit: int = MAX_HEADER_BYTES
) -> StreamReader:
    """Read and check the header from ``source``; return the reader of its plaintext.

    Raises HeaderInvalid (also for a file that ends before its whole
    nonce), NoIdentityMatched or HeaderMacInvalid; later failures
    (PayloadInvalid) come from the reader.
    """
    data, end = _read_header(source, header_limit)
    header = parse_header(bytes(data[:end]))
    file_key = None
    for identity in identities:
        file_key = identity.unwrap(header.stanzas)
        if file_key is not None:
            break
    if file_key is None:
        raise NoIdentityMatched()
    try:
        _mac(file_key, header.signed).verify(header.mac)
    except InvalidSignature:
        raise HeaderMacInvalid() from None
    while len(data) < end + NONCE_BYTES:
        more = source.read(end + NONCE_BYTES - len(data))
        if not more:
            raise HeaderInvalid()  # the kit counts the nonce as the header's
        data += more
    nonce = bytes(data[end : end + NONCE_BYTES])
    return StreamReader(source, payload_key(file_key, nonce), bytes(data[end + NONCE_BYTES :]))


def _read_header(source: Source, limit: int) -> tuple[bytearray, int]:
    """Bytes from the start of ``source`` that hold the whole header, and where it ends.

    The header ends with the first line that starts with "---" (no other
    line may); reads go on (about 256 KiB each) until that line is whole.
    """
    data = bytearray()
    while True:
        if not INTRO.startswith(bytes(data[: len(INTRO)])):
            raise HeaderInvalid()  # not an age v1 file: no need to read on
        footer = data.find(b"\n---")
        end = data.find(b"\n", footer + 1) if footer >= 0 else -1
        if end >= 0:
            if end + 1 > limit:
                raise HeaderInvalid()
            return data, end + 1
        if len(data) > limit:
            raise HeaderInvalid()
        more = source.read(BATCH * SEALED_CHUNK)
        if not more:
            raise HeaderInvalid()  # the file ends inside its header
        data += more
