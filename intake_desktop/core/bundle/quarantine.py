"""The quarantine: bundles from signers this vault does not trust, kept for review.

The still-encrypted file waits in the vault's ``quarantine/`` folder, listed
with the signer's fingerprint and what the bundle claims, until a person
compares the fingerprint and trusts the device (then ``importer.
import_quarantined``) or discards it. Nothing of it is merged meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import identity
from ..errors import BundleRejected, NotFound
from ..files import file_sha256, make_private_dir, private_atomic_writer
from ..i18n import N_
from ..vault import Vault
from .format import Manifest

QUARANTINE_DIR = "quarantine"
# Anyone who has a coordinator's public recipient can send it bundles, and an
# unknown signer's bundle is kept whole for review: without a cap, a stream
# of distinct files fills the disk. Beyond it the sender must be trusted
# first (or waiting bundles discarded). docs/bundle-format.md documents it.
MAX_QUARANTINE_BUNDLES = 32
MAX_QUARANTINE_BYTES = 2 << 30


class QuarantineFull(BundleRejected):
    """An unknown signer's bundle not kept: the quarantine has no room (exit 8)."""


def _check_room(vault: Vault, path: Path) -> int | None:
    """The id of this very file if it waits already; refuse when the quarantine is full."""
    count, total = vault.conn.execute(
        "SELECT count(*), coalesce(sum(size), 0) FROM quarantine"
    ).fetchone()
    if count < MAX_QUARANTINE_BUNDLES and total + path.stat().st_size <= MAX_QUARANTINE_BYTES:
        return None
    # Full: the same file again is still "already waiting", not an error.
    existing = vault.conn.execute(
        "SELECT id FROM quarantine WHERE file_sha256 = ?", (file_sha256(path),)
    ).fetchone()
    if existing:
        return int(existing[0])
    raise QuarantineFull(
        N_(
            "The bundle is signed by a device you do not trust, and the quarantine is full"
            " ({count} bundles, {mib} MiB; at most {max_count} bundles and {max_mib} MiB)."
            " Nothing was kept. Trust the sender's device first, or discard bundles waiting"
            " in quarantine, then import it again."
        ),
        count=count,
        mib=total >> 20,
        max_count=MAX_QUARANTINE_BUNDLES,
        max_mib=MAX_QUARANTINE_BYTES >> 20,
    )


def keep(vault: Vault, path: Path, manifest: Manifest) -> int:
    """Keep the still-encrypted file for later; list it for a person to review."""
    waiting = _check_room(vault, path)
    if waiting is not None:
        return waiting
    folder = vault.path / QUARANTINE_DIR
    make_private_dir(folder)
    digest, size = hashlib.sha256(), 0
    tmp_target = folder / "incoming.intake"
    with path.open("rb") as source, private_atomic_writer(tmp_target) as out:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    sha256 = digest.hexdigest()
    final = folder / f"{sha256}.intake"
    tmp_target.replace(final)
    existing = vault.conn.execute(
        "SELECT id FROM quarantine WHERE file_sha256 = ?", (sha256,)
    ).fetchone()
    if existing:
        return int(existing[0])
    with vault.transaction():
        cursor = vault.conn.execute(
            "INSERT INTO quarantine (file_sha256, bundle_id, signing_key, fingerprint,"
            " producer_name, received_at, size, file_name, device_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                manifest.bundle_id,
                manifest.producer.signing_key,
                manifest.producer.fingerprint,
                manifest.producer.name,
                vault.now(),
                size,
                _file_name(path),
                manifest.chain_for(identity.load(vault.conn).age_recipient)[0],
            ),
        )
        vault.audit("bundle.quarantine", "bundle", manifest.bundle_id)
    return int(cursor.lastrowid)


def _file_name(path: Path) -> str:
    """The name to list the file under: printable, and short enough for a table cell."""
    name = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in path.name)
    return name[:255]


@dataclass(frozen=True)
class QuarantinedBundle:
    id: int
    bundle_id: str
    producer_name: str
    signing_key: str
    fingerprint: str
    received_at: str
    size: int
    path: Path
    file_sha256: str = ""  # of the encrypted file as it arrived: two copies differ here
    file_name: str = ""  # as it was named when imported ("" if kept before this was noted)
    sequence: int | None = None  # the signer's number for the bundle (None: not noted)


def waiting(vault: Vault) -> list[QuarantinedBundle]:
    rows = vault.conn.execute(
        "SELECT id, bundle_id, producer_name, signing_key, fingerprint, received_at, size,"
        " file_sha256, file_name, device_seq FROM quarantine ORDER BY id"
    )
    folder = vault.path / QUARANTINE_DIR
    return [
        QuarantinedBundle(
            *row[:7],  # type: ignore[misc]
            path=folder / f"{row[7]}.intake",
            file_sha256=row[7],
            file_name=row[8],
            sequence=row[9],
        )
        for row in rows
    ]


def entry(vault: Vault, quarantine_id: int) -> QuarantinedBundle:
    found = next((q for q in waiting(vault) if q.id == quarantine_id), None)
    if found is None:
        raise NotFound(N_("No quarantined bundle {id}."), id=quarantine_id)
    return found


def discard(vault: Vault, quarantine_id: int, rejected: bool = False) -> None:
    """Forget a waiting bundle and delete its file (``rejected``: import refused it)."""
    found = entry(vault, quarantine_id)
    action = "bundle.quarantine_reject" if rejected else "bundle.quarantine_discard"
    with vault.transaction():
        vault.conn.execute("DELETE FROM quarantine WHERE id = ?", (quarantine_id,))
        vault.audit(action, "bundle", found.bundle_id)
    with contextlib.suppress(FileNotFoundError):
        found.path.unlink()
