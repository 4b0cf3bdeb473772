"""Reading the C2SP age test kit (age_testkit/README.md), and what it needs beyond bundles.

Bundles are never armored or passphrase-encrypted, so the app has neither;
the kit tests both, so they are here, as the reference implementation
(filippo.io/age, its ``armor`` package and ``ScryptIdentity``) has them,
built on the app's own header parser and STREAM (core/bundle/age.py). The
scrypt work factor is capped at 22 as the reference's default is: the kit
expects a header failure above it (and bundles refuse scrypt outright).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from intake_desktop.core.bundle import age

TESTDATA = Path(__file__).parent / "age_testkit" / "testdata"

SUCCESS = "success"
NO_MATCH = "no match"
HMAC_FAILURE = "HMAC failure"
HEADER_FAILURE = "header failure"
PAYLOAD_FAILURE = "payload failure"
ARMOR_FAILURE = "armor failure"


@dataclass
class Vector:
    name: str
    expect: str
    payload_sha256: str | None
    identities: list[str]  # "identity" and "passphrase" lines, in the file's order, tagged
    armored: bool
    data: bytes  # the age file (decompressed when the kit stored it compressed)
    comment: str = ""
    unknown_keys: list[str] = field(default_factory=list)

    @property
    def post_quantum(self) -> bool:
        """ML-KEM hybrid recipients (age1pq, AGE-SECRET-KEY-PQ-1): not what bundles use."""
        return "hybrid" in self.name or any(
            key.startswith("identity:AGE-SECRET-KEY-PQ-") for key in self.identities
        )


KNOWN_KEYS = {"expect", "payload", "identity", "passphrase", "armored", "compressed"}
KNOWN_KEYS |= {"file key", "comment"}


def load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    values: dict[str, list[str]] = {}
    identities: list[str] = []
    for line in head.decode("utf-8").splitlines():
        key, _, value = line.partition(": ")
        values.setdefault(key, []).append(value)
        if key in ("identity", "passphrase"):
            identities.append(f"{key}:{value}")
    if values.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=values["expect"][0],
        payload_sha256=values.get("payload", [None])[0],
        identities=identities,
        armored=values.get("armored") == ["yes"],
        data=body,
        comment=values.get("comment", [""])[0],
        unknown_keys=sorted(set(values) - KNOWN_KEYS),
    )


def every_vector() -> list[Vector]:
    return [load(path) for path in sorted(TESTDATA.iterdir())]


# What the reference has and bundles do not


class ArmorInvalid(Exception):
    pass


ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_MAX_WHITESPACE = 1024
_ARMOR_COLUMNS = 64
_ARMOR_LINE_BYTES = 48
_STRICT_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


def dearmor(data: bytes) -> bytes:
    """The age file inside PEM-style armor, by the reference reader's rules."""
    lines = _ArmorLines(data)
    skipped = 0
    while True:  # whitespace-only lines may come first
        line = lines.next()
        if line.strip():
            break
        skipped += len(line) + 1
        if skipped > _MAX_WHITESPACE:
            raise ArmorInvalid("too much leading whitespace")
    if line != ARMOR_BEGIN:
        raise ArmorInvalid("invalid first line")
    out = bytearray()
    while True:
        line = lines.next()
        if line == ARMOR_END:
            break
        if len(line) > _ARMOR_COLUMNS:
            raise ArmorInvalid("column limit exceeded")
        if not line:  # a writer ends a full last line with END directly
            raise ArmorInvalid("empty line")
        decoded = _strict_b64(line)
        out += decoded
        if len(decoded) < _ARMOR_LINE_BYTES:
            if lines.next() != ARMOR_END:
                raise ArmorInvalid("invalid closing line")
            break
    rest = lines.rest()
    if rest.strip() or len(rest) >= _MAX_WHITESPACE:
        raise ArmorInvalid("trailing data after armored file")
    return bytes(out)


def _strict_b64(line: bytes) -> bytes:
    # Go's decoder skips CR and LF inside the text; anything else must be
    # padded standard base64 with zero bits after the last character.
    text = line.replace(b"\r", b"")
    if not _STRICT_BASE64.fullmatch(text) or len(text) % 4:
        raise ArmorInvalid("invalid base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ArmorInvalid("invalid base64") from None
    if base64.b64encode(raw) != text:
        raise ArmorInvalid("non-canonical base64")
    return raw


class _ArmorLines:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def next(self) -> bytes:
        if self.pos >= len(self.data):
            raise ArmorInvalid("unexpected end")
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end
        line = self.data[self.pos : end]
        self.pos = end + 1
        return line.removesuffix(b"\r")

    def rest(self) -> bytes:
        return self.data[self.pos :]


SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
MAX_SCRYPT_WORK_FACTOR = 22  # the reference's default limit


class ScryptIdentity:
    """A passphrase, as the reference's ScryptIdentity unwraps it."""

    def __init__(self, passphrase: str) -> None:
        self.passphrase = passphrase.encode("utf-8")

    def unwrap(self, stanzas: Sequence[age.Stanza]) -> bytes | None:
        if any(s.type == "scrypt" for s in stanzas) and len(stanzas) != 1:
            raise age.HeaderInvalid()  # an scrypt stanza must be alone
        for stanza in stanzas:
            if stanza.type != "scrypt":
                continue
            if len(stanza.args) != 2:
                raise age.HeaderInvalid()
            salt = age.b64decode(stanza.args[0].encode("ascii"))
            if salt is None or len(salt) != 16:
                raise age.HeaderInvalid()
            if not re.fullmatch(r"[1-9][0-9]*", stanza.args[1]):
                raise age.HeaderInvalid()
            log_n = int(stanza.args[1])
            if log_n > MAX_SCRYPT_WORK_FACTOR:
                raise age.HeaderInvalid()
            key = Scrypt(salt=SCRYPT_LABEL + salt, length=32, n=1 << log_n, r=8, p=1).derive(
                self.passphrase
            )
            if len(stanza.body) != 32:
                raise age.HeaderInvalid()
            try:
                return ChaCha20Poly1305(key).decrypt(bytes(12), stanza.body, None)
            except InvalidTag:
                continue
        return None


def identities_of(vector: Vector) -> list[age.Identity]:
    found: list[age.Identity] = []
    for tagged in vector.identities:
        kind, _, value = tagged.partition(":")
        if kind == "identity":
            found.append(age.X25519Identity.from_string(value))
        else:
            found.append(ScryptIdentity(value))
    return found


@dataclass
class Outcome:
    expect: str
    released: bytes  # every byte of plaintext the reader gave out, failure or not

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.released).hexdigest()


def decrypt(vector: Vector) -> Outcome:
    """What the app's age layer makes of the vector, in the kit's words."""
    data = vector.data
    if vector.armored:
        try:
            data = dearmor(data)
        except ArmorInvalid:
            return Outcome(ARMOR_FAILURE, b"")
    try:
        reader = age.decrypt(io.BytesIO(data), identities_of(vector))
    except age.HeaderInvalid:
        return Outcome(HEADER_FAILURE, b"")
    except age.NoIdentityMatched:
        return Outcome(NO_MATCH, b"")
    except age.HeaderMacInvalid:
        return Outcome(HMAC_FAILURE, b"")
    except age.PayloadInvalid:
        return Outcome(PAYLOAD_FAILURE, b"")
    released = bytearray()
    try:
        while part := reader.read(7919):  # an odd size: reads cross chunk boundaries
            released += part
    except age.PayloadInvalid:
        return Outcome(PAYLOAD_FAILURE, bytes(released))
    finally:
        reader.close()
    return Outcome(SUCCESS, bytes(released))
