"""Self-test checks of the cryptography the vault and bundles rely on (no Qt here).

Each check works only inside the private folder it is given, uses freshly
made keys and invented data, and returns a short detail for its line or
raises ``CheckFailed``.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import minisign
import pyrage
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlcipher3 import dbapi2

from ..core.bundle.channel import DecryptChannel, EncryptChannel
from ..core.errors import BundleRejected
from ..core.i18n import _
from ..core.keyslots import FLOOR

SAMPLE = "محمد نور احمدزی — self-test".encode()
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"

# RFC 9106, section 5.3: the Argon2id test vector.
RFC9106_TAG = bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")


class CheckFailed(Exception):
    """A check found a problem; its text says which (no case data: there is none here)."""


def _open_db(path: Path, key: bytes) -> dbapi2.Connection:
    conn = dbapi2.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_compatibility = 4")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def sqlcipher_raw_key(work: Path) -> str:
    """Create, write, reopen and read an encrypted database; a wrong key must fail."""
    path = work / "selftest.db"
    key = secrets.token_bytes(32)
    conn = _open_db(path, key)
    try:
        version = (conn.execute("PRAGMA cipher_version").fetchone() or [""])[0]
        if not version:
            # Plain SQLite ignores PRAGMA key and would write an unencrypted file.
            raise CheckFailed(
                _("this SQLite has no SQLCipher: the database would not be encrypted")
            )
        conn.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, body BLOB)")
        conn.execute("INSERT INTO probe (body) VALUES (?)", (SAMPLE,))
    finally:
        conn.close()
    if path.read_bytes()[:16] == PLAIN_SQLITE_HEADER:
        raise CheckFailed(_("the database file was written unencrypted"))
    conn = _open_db(path, key)
    try:
        row = conn.execute("SELECT body FROM probe").fetchone()
    finally:
        conn.close()
    if row is None or bytes(row[0]) != SAMPLE:
        raise CheckFailed(_("the reopened database did not return what was written"))
    conn = _open_db(path, secrets.token_bytes(32))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        pass
    else:
        raise CheckFailed(_("a wrong key opened the database"))
    finally:
        conn.close()
    return f"SQLCipher {version}"


def argon2id(work: Path) -> str:
    """The RFC 9106 test vector, then the vault's own floor parameters (64 MiB)."""
    kdf = Argon2id(
        salt=b"\x02" * 16,
        length=32,
        iterations=3,
        lanes=4,
        memory_cost=32,
        ad=b"\x04" * 12,
        secret=b"\x03" * 8,
    )
    if kdf.derive(b"\x01" * 32) != RFC9106_TAG:
        raise CheckFailed(_("the RFC 9106 test vector does not match"))
    start = time.perf_counter()
    params = FLOOR.with_new_salt()
    first = params.derive("self-test passphrase")
    seconds = time.perf_counter() - start
    if len(first) != 32 or params.derive("self-test passphrase") != first:
        raise CheckFailed(_("the same passphrase gave two different keys"))
    if params.derive("another passphrase") == first:
        raise CheckFailed(_("two passphrases gave the same key"))
    return _("RFC 9106 vector; {mib} MiB, {passes} passes in {seconds:.2f} s").format(
        mib=params.memory_kib // 1024, passes=params.iterations, seconds=seconds
    )


def age_round_trip(work: Path) -> str:
    """Encrypt to a fresh X25519 recipient and decrypt; another identity must fail."""
    identity = pyrage.x25519.Identity.generate()
    ciphertext = pyrage.encrypt(SAMPLE, [identity.to_public()])
    if not ciphertext.startswith(b"age-encryption.org/v1\n"):
        raise CheckFailed(_("the output is not an age v1 file"))
    if pyrage.decrypt(ciphertext, [identity]) != SAMPLE:
        raise CheckFailed(_("decryption did not return the plaintext"))
    try:
        pyrage.decrypt(ciphertext, [pyrage.x25519.Identity.generate()])
    except pyrage.DecryptError:
        return _named("pyrage")
    raise CheckFailed(_("another identity decrypted the file"))


def age_bundle_layer(work: Path) -> str:
    """The app's own age layer for bundles, with pyrage as the judge, both ways.

    Several STREAM chunks; then another identity, and a flipped byte in the
    last chunk, must both be refused.
    """
    identity = pyrage.x25519.Identity.generate()
    payload = SAMPLE * 4096  # ~150 KiB: more than two age chunks
    ours = work / "ours.age"
    os.close(os.open(ours, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    channel = EncryptChannel.open(ours, [str(identity.to_public())])
    try:
        channel.plaintext.write(payload)
        size = channel.finish()
    finally:
        channel.abort()
    if size != ours.stat().st_size or pyrage.decrypt(ours.read_bytes(), [identity]) != payload:
        raise CheckFailed(_("pyrage could not read what the app encrypted"))
    theirs = work / "theirs.age"
    theirs.write_bytes(pyrage.encrypt(payload, [identity.to_public()]))
    if _decrypted(theirs, str(identity)) != payload:
        raise CheckFailed(_("the app could not read what pyrage encrypted"))
    damaged = bytearray(ours.read_bytes())
    damaged[-20] ^= 1
    theirs.write_bytes(damaged)
    for path, key in ((ours, pyrage.x25519.Identity.generate()), (theirs, identity)):
        try:
            _decrypted(path, str(key))
        except BundleRejected:
            continue
        raise CheckFailed(_("a wrong key or a damaged file was not refused"))
    return _named("cryptography")


def _decrypted(path: Path, secret: str) -> bytes:
    channel = DecryptChannel.open(path, secret)
    try:
        return channel.plaintext.read()
    finally:
        channel.close()


def minisign_round_trip(work: Path) -> str:
    """Sign (prehashed, as bundles are), reload key and signature from text, verify; a
    changed message must not verify."""
    pair = minisign.KeyPair.generate()
    signature = pair.secret_key.sign(SAMPLE, prehash=True, trusted_comment="self-test")
    public = minisign.PublicKey.from_base64(pair.public_key.to_base64())
    parsed = minisign.Signature.from_bytes(bytes(signature))
    public.verify(SAMPLE, parsed)
    try:
        public.verify(SAMPLE + b".", parsed)
    except (minisign.Error, ValueError):
        return _named("py-minisign")
    raise CheckFailed(_("a changed message still verified"))


def _named(distribution: str) -> str:
    """``pyrage 1.4.0``: the version of what was really loaded (the package ships the metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{distribution} {version(distribution)}"
    except PackageNotFoundError:
        return distribution
