"""Key slots: the vault's random master key, wrapped once per passphrase.

Like LUKS: the database is encrypted with one random 256-bit key that never
changes; each user (and the recovery code) holds a *slot* with that key
wrapped by AES-256-GCM under a key derived from the passphrase with Argon2id.
Changing a passphrase rewraps one slot; the database is never re-encrypted.

The header (``keyslots.json``) is readable without a passphrase, so it holds
nothing personal: no user names or roles (those live inside the encrypted
database, keyed by slot id). Each slot's non-secret fields (Argon2id
parameters, salt, slot id, vault id) are the AEAD's associated data, so
lowering the work factor or moving a slot to another vault by editing the
header makes the slot fail to open instead of weakening it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .errors import VaultDamaged
from .i18n import N_

HEADER_FORMAT = "intake-desktop-keyslots"
HEADER_VERSION = 1
MASTER_KEY_BYTES = 32
MAX_HEADER_BYTES = 1 << 20
HEADER_NAME = "keyslots.json"  # in the vault folder, beside vault.db
MAX_SLOTS = 32

USER = "user"
RECOVERY = "recovery"


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    def derive(self, secret: str) -> bytes:
        # NFC so the same passphrase typed on two Dari keyboards (precomposed
        # or combining forms) unlocks the same slot.
        data = unicodedata.normalize("NFC", secret).encode("utf-8")
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(data)

    def with_new_salt(self) -> KdfParams:
        return replace(self, salt=os.urandom(16))


# RFC 9106's second recommended option is the floor; calibration only raises it.
FLOOR = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4, salt=b"")
# Memory grows first (it is what hurts GPU attackers) but stops here so a
# vault made on a fast desktop still opens on a 4 GB field laptop.
CALIBRATION_MAX_MEMORY_KIB = 512 * 1024
# Refuse headers asking for absurd work: editing them must not hang unlock.
LIMIT_MEMORY_KIB = 4 * 1024 * 1024
LIMIT_ITERATIONS = 64
LIMIT_LANES = 16


def calibrate(target_seconds: float) -> KdfParams:
    """Argon2id parameters costing about ``target_seconds`` here, never below FLOOR."""
    if target_seconds <= 0:
        return FLOOR.with_new_salt()
    start = time.perf_counter()
    FLOOR.with_new_salt().derive("calibration")
    floor_seconds = max(time.perf_counter() - start, 1e-3)
    factor = target_seconds / floor_seconds
    if factor <= 1.0:
        return FLOOR.with_new_salt()
    memory = min(int(FLOOR.memory_kib * factor), CALIBRATION_MAX_MEMORY_KIB)
    remaining = factor * FLOOR.memory_kib / memory
    iterations = min(max(FLOOR.iterations, round(FLOOR.iterations * remaining)), LIMIT_ITERATIONS)
    return KdfParams(memory_kib=memory, iterations=iterations, lanes=FLOOR.lanes, salt=b"")


@dataclass(frozen=True)
class KeySlot:
    id: str
    kind: str  # USER or RECOVERY
    created: str
    kdf: KdfParams
    nonce: bytes
    ciphertext: bytes

    def public_fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "created": self.created,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": _b64(self.kdf.salt),
            },
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, field: str, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise _damaged(field)
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise _damaged(field) from None
    if size is not None and len(data) != size:
        raise _damaged(field)
    return data


def _damaged(field: str) -> VaultDamaged:
    return VaultDamaged(N_("The key-slot header is damaged ({field})."), field=field)


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True)
class KeySlotHeader:
    vault_id: str
    slots: tuple[KeySlot, ...]

    def _aad(self, slot: KeySlot) -> bytes:
        return _canonical(
            {
                "format": HEADER_FORMAT,
                "version": HEADER_VERSION,
                "vault_id": self.vault_id,
                "slot": slot.public_fields(),
            }
        )

    def seal(
        self, kind: str, secret: str, master_key: bytes, kdf: KdfParams, slot_id: str | None = None
    ) -> KeySlot:
        """A slot holding ``master_key`` under ``secret``, with a fresh salt and nonce.

        The result is not in the header yet; ``slot_id`` keeps an existing
        slot's id when rewrapping it.
        """
        return self.seal_keeping(kind, secret, master_key, kdf, slot_id)[0]

    def seal_keeping(
        self, kind: str, secret: str, master_key: bytes, kdf: KdfParams, slot_id: str | None = None
    ) -> tuple[KeySlot, bytes]:
        """``seal``, and the key derived from ``secret`` (its user's signing key is wrapped
        with a key drawn from it: core/user_keys.py), so Argon2id runs once."""
        slot = KeySlot(
            id=slot_id or str(uuid.uuid4()),
            kind=kind,
            created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            kdf=kdf.with_new_salt(),
            nonce=b"",
            ciphertext=b"",
        )
        nonce = os.urandom(12)
        wrapping_key = slot.kdf.derive(secret)
        ciphertext = AESGCM(wrapping_key).encrypt(nonce, master_key, self._aad(slot))
        return replace(slot, nonce=nonce, ciphertext=ciphertext), wrapping_key

    def open(self, slot: KeySlot, secret: str) -> bytes | None:
        """The master key if ``secret`` opens ``slot``, else None."""
        opened = self.open_keeping(slot, secret)
        return opened[0] if opened is not None else None

    def open_keeping(self, slot: KeySlot, secret: str) -> tuple[bytes, bytes] | None:
        """The master key and the key derived from ``secret``, if it opens ``slot``."""
        wrapping_key = slot.kdf.derive(secret)
        try:
            master = AESGCM(wrapping_key).decrypt(slot.nonce, slot.ciphertext, self._aad(slot))
        except InvalidTag:
            return None
        return master, wrapping_key

    def with_slot(self, slot: KeySlot) -> KeySlotHeader:
        return replace(self, slots=(*self.slots, slot))

    def replacing(self, old_id: str, new: KeySlot) -> KeySlotHeader:
        return replace(self, slots=tuple(new if s.id == old_id else s for s in self.slots))

    def without(self, slot_id: str) -> KeySlotHeader:
        return replace(self, slots=tuple(s for s in self.slots if s.id != slot_id))

    def slot(self, slot_id: str) -> KeySlot | None:
        return next((s for s in self.slots if s.id == slot_id), None)

    def of_kind(self, kind: str) -> list[KeySlot]:
        return [s for s in self.slots if s.kind == kind]

    def to_bytes(self) -> bytes:
        doc = {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "vault_id": self.vault_id,
            "slots": [
                {
                    **s.public_fields(),
                    "wrap": {
                        "name": "aes-256-gcm",
                        "nonce": _b64(s.nonce),
                        "ciphertext": _b64(s.ciphertext),
                    },
                }
                for s in self.slots
            ],
        }
        return json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> KeySlotHeader:
        if len(data) > MAX_HEADER_BYTES:
            raise _damaged("size")
        try:
            doc = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            # Not UTF-8, not JSON, a number of over 4,300 digits, or too deep.
            raise _damaged("json") from None
        if not isinstance(doc, dict) or doc.get("format") != HEADER_FORMAT:
            raise _damaged("format")
        if doc.get("version") != HEADER_VERSION:
            raise VaultDamaged(
                N_("The key-slot header has version {version}, which this app cannot read."),
                # ascii(): the header is anyone's to edit; no control characters in messages.
                version=ascii(doc.get("version"))[:20],
            )
        vault_id = doc.get("vault_id")
        raw_slots = doc.get("slots")
        if not isinstance(vault_id, str) or not _is_uuid(vault_id):
            raise _damaged("vault_id")
        if not isinstance(raw_slots, list) or not 0 < len(raw_slots) <= MAX_SLOTS:
            raise _damaged("slots")
        slots = tuple(_parse_slot(s, i) for i, s in enumerate(raw_slots))
        if len({s.id for s in slots}) != len(slots):
            raise _damaged("slots")
        return cls(vault_id=vault_id, slots=slots)


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _int_in(value: object, low: int, high: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _damaged(field)
    return value


def _parse_slot(raw: object, index: int) -> KeySlot:
    where = f"slots[{index}]"
    if not isinstance(raw, dict):
        raise _damaged(where)
    kdf, wrap = raw.get("kdf"), raw.get("wrap")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise _damaged(f"{where}.kdf")
    if not isinstance(wrap, dict) or wrap.get("name") != "aes-256-gcm":
        raise _damaged(f"{where}.wrap")
    slot_id, kind, created = raw.get("id"), raw.get("kind"), raw.get("created")
    if not isinstance(slot_id, str) or not _is_uuid(slot_id):
        raise _damaged(f"{where}.id")
    if kind not in (USER, RECOVERY) or not isinstance(created, str) or len(created) > 40:
        raise _damaged(where)
    # Parameters below the floor are refused outright, not just unauthenticated:
    # a header edited down to 1 pass must not even be tried.
    params = KdfParams(
        memory_kib=_int_in(kdf.get("memory_kib"), FLOOR.memory_kib, LIMIT_MEMORY_KIB, "memory"),
        iterations=_int_in(kdf.get("iterations"), FLOOR.iterations, LIMIT_ITERATIONS, "passes"),
        lanes=_int_in(kdf.get("lanes"), 1, LIMIT_LANES, "lanes"),
        salt=_unb64(kdf.get("salt"), f"{where}.salt"),
    )
    if not 16 <= len(params.salt) <= 64:
        raise _damaged(f"{where}.salt")
    return KeySlot(
        id=slot_id,
        kind=str(kind),
        created=created,
        kdf=params,
        nonce=_unb64(wrap.get("nonce"), f"{where}.nonce", 12),
        ciphertext=_unb64(wrap.get("ciphertext"), f"{where}.ciphertext", MASTER_KEY_BYTES + 16),
    )


# Recovery codes: 128 random bits in Crockford base32 (no I, L, O, U to misread)
# plus two check characters, written as seven groups of four.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _encode32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    number <<= chars * 5 - bits
    return "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(chars)))


def _check_chars(data: bytes) -> str:
    return _encode32(hashlib.sha256(b"intake-desktop recovery code" + data).digest()[:2], 4)[:2]


def new_recovery_code() -> str:
    data = secrets.token_bytes(16)
    text = _encode32(data, 26) + _check_chars(data)
    return "-".join(text[i : i + 4] for i in range(0, 28, 4))


def normalise_recovery_code(code: str) -> str | None:
    """The canonical form of a typed recovery code, or None if it has a typo."""
    text = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_CROCKFORD_ALIASES)
    if len(text) != 28 or any(ch not in _CROCKFORD for ch in text):
        return None
    number = 0
    for ch in text[:26]:
        number = (number << 5) | _CROCKFORD.index(ch)
    if number & 0b11:  # 130 bits carry 128: the two spare bits are always zero
        return None
    data = (number >> 2).to_bytes(16, "big")
    if _check_chars(data) != text[26:]:
        return None
    return "-".join(text[i : i + 4] for i in range(0, 28, 4))


def read_header_file(folder: Path) -> KeySlotHeader:
    """The header in a vault folder (read capped: from_bytes refuses what is larger)."""
    with (folder / HEADER_NAME).open("rb") as handle:
        return KeySlotHeader.from_bytes(handle.read(2 * MAX_HEADER_BYTES))
