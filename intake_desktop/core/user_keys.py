"""Each user's own signing key, so a certification names the translator, not the laptop.

The vault's device key (identity.py) is open to everyone who can unlock the
vault, so its signature proves which laptop signed, not who. Each user also
gets a minisign key whose secret is wrapped (AES-256-GCM) under a key drawn
with HKDF from the Argon2id output of that user's passphrase: only a session
unlocked with that passphrase can sign with it, not another user of the same
vault, and not the recovery code.

When the key is made, the device key **endorses** it: a signed statement
"this key is user U's, on the vault with this device key", carried in every
certification and read-back the key signs. A recipient that trusts the
device (pinned, or vouched for by a coordinator) so trusts the key, and sees
the key's own fingerprint (core/attestations.py).

Life of a key:

* made on the user's first certification or read-back in a session opened
  with their passphrase;
* their own passphrase change rewraps it (the same key, the same fingerprint);
* a reset by someone else (an administrator, the recovery code), or removing
  the user, retires it: the wrapped secret is erased and the next signature
  makes a new key. What a retired key signed stays valid: each attestation
  carries its endorsement.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import minisign
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import identity
from .errors import NotPermitted
from .fingerprint import signing_key_fingerprint
from .i18n import N_

if TYPE_CHECKING:
    from .vault import Vault

FORMAT: Final = "user-key-v1"
TRUSTED_COMMENT: Final = "intake-desktop user key v1"
_HKDF_INFO: Final = b"intake-desktop user signing key v1"
_NONCE_BYTES: Final = 12


def session_key(passphrase_key: bytes) -> bytes:
    """The key that wraps a user's signing key, from their slot's Argon2id output.

    HKDF keeps the two uses apart: the slot's key wraps the master key, this
    one the signing key, and neither reveals the other.
    """
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(passphrase_key)


def canonical(fields: dict[str, Any]) -> bytes:
    """Canonical JSON (keys sorted, no spaces, UTF-8): the bytes a signature covers."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def endorsed_bytes(endorsement: dict[str, Any]) -> bytes:
    """What the device key signed in an endorsement: every field but ``signature``."""
    return canonical({k: v for k, v in endorsement.items() if k != "signature"})


@dataclass(frozen=True)
class UserKey:
    signing_key: str
    user_name: str
    created_at: str
    retired_at: str | None

    @property
    def fingerprint(self) -> str:
        return signing_key_fingerprint(self.signing_key)

    def as_json(self) -> dict[str, Any]:
        return {
            "signing_key": self.signing_key,
            "fingerprint": self.fingerprint,
            "user": self.user_name,
            "created_at": self.created_at,
            "retired_at": self.retired_at,
        }


def keys(vault: Vault) -> list[UserKey]:
    """Every user key this vault made, oldest first, retired ones included."""
    rows = vault.conn.execute(
        "SELECT signing_key, user_name, created_at, retired_at FROM user_keys"
        " ORDER BY created_at, retired_at IS NULL, signing_key"
    )
    return [UserKey(*row) for row in rows]


def current(vault: Vault, slot_id: str) -> UserKey | None:
    """The user's key in use (None before their first signature, or after a retirement)."""
    row = vault.conn.execute(
        "SELECT signing_key, user_name, created_at, retired_at FROM user_keys"
        " WHERE slot_id = ? AND retired_at IS NULL",
        (slot_id,),
    ).fetchone()
    return UserKey(*row) if row else None


def _aad(vault: Vault, slot_id: str, signing_key: str) -> bytes:
    # Bound to this vault, this user and this public key: a wrapped secret
    # moved to another row or vault does not open.
    return canonical({"vault_id": vault.vault_id, "slot": slot_id, "key": signing_key})


def signer(vault: Vault) -> tuple[minisign.SecretKey, dict[str, Any]]:
    """The current user's secret key and its endorsement, the key made on first use."""
    wrap = vault.user_key_wrap
    if not wrap:
        raise NotPermitted(
            N_(
                "Signing needs a session unlocked with your own passphrase; "
                "unlock again with it. Nothing was changed."
            )
        )
    slot_id = vault.user.slot_id
    row = vault.conn.execute(
        "SELECT signing_key, wrapped, endorsement FROM user_keys"
        " WHERE slot_id = ? AND retired_at IS NULL",
        (slot_id,),
    ).fetchone()
    if row is not None:
        secret = _unwrap(wrap, row[1], _aad(vault, slot_id, row[0]))
        if secret is not None:
            return minisign.SecretKey.from_base64(secret), json.loads(row[2])
        # Wrapped under a passphrase that is no longer this user's (a change
        # interrupted between the key slot and this row): unusable, so retired.
        retire(vault, slot_id)
    return _create(vault, wrap)


def _unwrap(wrap: bytes, stored: bytes | None, aad: bytes) -> str | None:
    if not stored or len(stored) <= _NONCE_BYTES:
        return None
    try:
        data = AESGCM(wrap).decrypt(stored[:_NONCE_BYTES], stored[_NONCE_BYTES:], aad)
    except InvalidTag:
        return None
    return data.decode("ascii")


def _wrap(wrap: bytes, secret: str, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(wrap).encrypt(nonce, secret.encode("ascii"), aad)


def _create(vault: Vault, wrap: bytes) -> tuple[minisign.SecretKey, dict[str, Any]]:
    pair = minisign.KeyPair.generate()
    public = pair.public_key.to_base64().decode("ascii")
    secret = pair.secret_key.to_base64().decode("ascii")
    device = identity.load(vault.conn)
    fields = {
        "format": FORMAT,
        "user_key": public,
        "user": vault.user.name,
        "role": vault.user.role,
        "device_key": device.signing_key,
        "endorsed_at": vault.now(),
    }
    signature = device.minisign_secret().sign(
        canonical(fields), prehash=True, trusted_comment=TRUSTED_COMMENT
    )
    endorsement = {**fields, "signature": bytes(signature).decode("utf-8")}
    with vault.transaction():
        vault.conn.execute(
            "INSERT INTO user_keys (signing_key, slot_id, user_name, wrapped, endorsement,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                public,
                vault.user.slot_id,
                vault.user.name,
                _wrap(wrap, secret, _aad(vault, vault.user.slot_id, public)),
                json.dumps(endorsement, sort_keys=True),
                fields["endorsed_at"],
            ),
        )
        vault.audit("user.key", "user", vault.user.slot_id)
    return pair.secret_key, endorsement


def rewrap(vault: Vault, old_wrap: bytes, new_wrap: bytes) -> None:
    """After the user changed their own passphrase: the same key under the new one."""
    slot_id = vault.user.slot_id
    with vault.transaction():
        row = vault.conn.execute(
            "SELECT signing_key, wrapped FROM user_keys WHERE slot_id = ? AND retired_at IS NULL",
            (slot_id,),
        ).fetchone()
        if row is None:
            return
        aad = _aad(vault, slot_id, row[0])
        secret = _unwrap(old_wrap, row[1], aad) if old_wrap else None
        if secret is None:
            retire(vault, slot_id)
            return
        vault.conn.execute(
            "UPDATE user_keys SET wrapped = ? WHERE signing_key = ?",
            (_wrap(new_wrap, secret, aad), row[0]),
        )


def retire(vault: Vault, slot_id: str) -> None:
    """Erase the user's wrapped secret; their next signature makes a new key."""
    with vault.transaction():
        changed = vault.conn.execute(
            "UPDATE user_keys SET wrapped = NULL, retired_at = ?"
            " WHERE slot_id = ? AND retired_at IS NULL",
            (vault.now(), slot_id),
        ).rowcount
        if changed:
            vault.audit("user.key_retired", "user", slot_id)
