"""Key fingerprints for reading aloud, and strict parsing of pasted public keys.

A fingerprint is SHA-256 over a label naming the key type plus the raw key
bytes, cut to 120 bits and written as six groups of four Crockford base32
characters. The label keeps a signing key and an age recipient that happen
to share 32 bytes from ever showing the same fingerprint. The minisign key
id is left out on purpose: it is random and chosen by the key's owner, so it
proves nothing. Recipients are hashed as their decoded X25519 bytes (not as
text) so the fingerprint is of the key itself, whatever case it was written
in; the Bech32 checksum also catches a mistyped character here, with our own
message, before pyrage is asked.

Error messages never quote what was pasted: it may be a secret key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

import pyrage

from .errors import InvalidInput
from .i18n import N_

_LABEL = b"intake-desktop fingerprint v1\x00"
SIGNING_LABEL = _LABEL + b"signing-key\x00"
RECIPIENT_LABEL = _LABEL + b"age-recipient\x00"
# Crockford base32 (no I, L, O, U): easy to read aloud and to type.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FINGERPRINT_BYTES = 15  # 120 bits = 24 characters = 6 groups of 4

_MINISIGN_ALG = b"Ed"  # "ED" (prehashed) only ever appears in signatures
_MINISIGN_PUBLIC_LEN = 2 + 8 + 32
_PUB_COMMENT = "untrusted comment:"
_MAX_KEY_TEXT = 4096

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_AGE_HRP = "age"


def fingerprint(label: bytes, raw_key: bytes) -> str:
    digest = hashlib.sha256(label + raw_key).digest()[:_FINGERPRINT_BYTES]
    number = int.from_bytes(digest, "big")
    chars = "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(24)))
    return "-".join(chars[i : i + 4] for i in range(0, 24, 4))


def signing_key_fingerprint(signing_key_b64: str) -> str:
    raw = _decode_signing_key(parse_signing_key(signing_key_b64))
    return fingerprint(SIGNING_LABEL, raw[10:])


def recipient_fingerprint(recipient: str) -> str:
    return fingerprint(RECIPIENT_LABEL, _decode_recipient(parse_recipient(recipient)))


def _looks_secret(text: str) -> bool:
    upper = text.upper()
    markers = ("SECRET-KEY", "SECRET KEY", "PRIVATE KEY", "AGE-PLUGIN-")
    return any(marker in upper for marker in markers)


def looks_like_key(text: str) -> bool:
    """Whether text given where a name or a key may go is meant as a key (never a name)."""
    token = text.strip()
    lowered = token.lower()
    return (
        _looks_secret(text)
        or lowered.startswith(("age1", "age-", "ssh-", "untrusted comment:"))
        or (lowered.startswith("rw") and len(token) == 56)
    )


def _secret_refused() -> InvalidInput:
    return InvalidInput(
        N_(
            "That is a secret key, not a public key: it was not stored or shown. "
            "Keep it private, and paste the other device's public key instead."
        )
    )


# minisign public keys


def _decode_signing_key(b64: str) -> bytes:
    try:
        return base64.b64decode(b64.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidInput(N_("The signing key is not valid base64.")) from None


def parse_signing_key(text: str) -> str:
    """The canonical base64 public key from a ``RW...`` line or a minisign ``.pub`` file."""
    if len(text) > _MAX_KEY_TEXT:
        raise InvalidInput(N_("The signing key is too long to be a minisign public key."))
    if _looks_secret(text):
        raise _secret_refused()
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and lines[0].lower().startswith(_PUB_COMMENT):
        lines = lines[1:]  # the .pub file's comment line (a secret key's was refused above)
    if len(lines) != 1:
        raise InvalidInput(
            N_("Give one minisign public key: the RW... line, or the whole .pub file.")
        )
    line = lines[0]
    if line.lower().startswith("age1"):
        raise InvalidInput(N_("That is an age recipient; use trust add-recipient for it."))
    raw = _decode_signing_key(line)
    # A minisign secret key is Ed + KDF ("Sc" or none) + checksum algorithm "B2".
    if len(raw) > _MINISIGN_PUBLIC_LEN and raw[:2] == _MINISIGN_ALG and raw[4:6] == b"B2":
        raise _secret_refused()
    if len(raw) != _MINISIGN_PUBLIC_LEN:
        raise InvalidInput(
            N_("A minisign public key is {expected} bytes; this one is {found}."),
            expected=_MINISIGN_PUBLIC_LEN,
            found=len(raw),
        )
    if raw[:2] == b"ED":
        raise InvalidInput(
            N_("The signing key names the prehashed algorithm (ED); public keys use Ed.")
        )
    if raw[:2] != _MINISIGN_ALG:
        raise InvalidInput(N_("The signing key is not an Ed25519 minisign public key."))
    # 42 bytes is a multiple of 3, so this base64 has no padding and no slack bits.
    return base64.b64encode(raw).decode("ascii")


# age recipients (Bech32, BIP 173, as age uses it)


def _polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(generators):
            check ^= generator if (top >> i) & 1 else 0
    return check


def bech32_decode(text: str) -> tuple[str, bytes] | None:
    """(human-readable part, payload) of a valid lower-case Bech32 string, else None."""
    hrp, sep, data = text.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(ch not in _BECH32 for ch in data):
        return None
    values = [_BECH32.index(ch) for ch in data]
    expanded = [ord(ch) >> 5 for ch in hrp] + [0] + [ord(ch) & 31 for ch in hrp]
    if _polymod(expanded + values) != 1:
        return None
    accumulator, bits, out = 0, 0, bytearray()
    for value in values[:-6]:
        accumulator, bits = (accumulator << 5) | value, bits + 5
        if bits >= 8:
            bits -= 8
            out.append((accumulator >> bits) & 0xFF)
    if bits >= 5 or accumulator & ((1 << bits) - 1):  # padding must be short and zero
        return None
    return hrp, bytes(out)


def _decode_recipient(canonical: str) -> bytes:
    decoded = bech32_decode(canonical)
    if decoded is None:  # unreachable for parse_recipient's output
        raise InvalidInput(N_("The age recipient is not valid."))
    return decoded[1]


def parse_recipient(text: str) -> str:
    """The canonical (lower-case) ``age1...`` X25519 recipient."""
    if _looks_secret(text[:_MAX_KEY_TEXT]):
        raise _secret_refused()
    token = text.strip()
    lowered = token.lower()
    if lowered.startswith(("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")):
        raise InvalidInput(N_("SSH keys cannot be used here; ask for the age1... recipient."))
    if lowered.startswith("rw") and len(token) == 56:
        raise InvalidInput(N_("That is a minisign signing key; use trust add-device for it."))
    if not lowered.startswith("age1") or len(token) > 200 or any(ch.isspace() for ch in token):
        raise InvalidInput(N_("An age recipient is one word starting with age1."))
    if token not in (lowered, token.upper()):
        raise InvalidInput(N_("The age recipient mixes upper and lower case; check it."))
    decoded = bech32_decode(lowered)
    if decoded is None:
        raise InvalidInput(N_("The age recipient is mistyped or cut short (bad checksum)."))
    hrp, payload = decoded
    if hrp != _AGE_HRP:
        raise InvalidInput(N_("Plugin recipients (age1...1...) are not supported here."))
    if len(payload) != 32:
        raise InvalidInput(N_("The age recipient has the wrong length."))
    try:
        pyrage.x25519.Recipient.from_str(lowered)
    except pyrage.RecipientError:
        raise InvalidInput(N_("The age recipient is not valid.")) from None
    return lowered
