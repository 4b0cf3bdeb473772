"""Receipts: what an importer now holds of a bundle, signed, for the laptop that sent it.

Every import that merges a bundle issues a receipt in the same transaction
(``issue``): the bundle id and its manifest's SHA-256, the sender, the
importing vault's signing key and name, when, and for every record of the
bundle its id, case, kind, the version sent and how it merged. Records that
merged as ``new``, ``updated``, ``unchanged`` or ``older`` are held at that
version or a newer one; a ``conflict`` is not held until a person settles it.

The receipt is canonical JSON (``receipt.json``) with a minisign signature
by the importer's device key (``receipt.json.minisig``), so anyone holding
that key checks it with ``minisign -Vm receipt.json -P KEY`` (see
docs/bundle-format.md "Receipts").

The sender takes a receipt (``take``) only when the key that signed it is a
device in its trust store and the bundle is one it sent, with the same
manifest hash. What each record arrived as goes into ``delivered``, which
the case list and the purge read: a case is delivered to an importer when
that importer holds every record of the case at its current version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import minisign

from . import identity
from .errors import BundleRejected, InvalidInput, NotFound
from .files import read_small_text, write_private_atomic
from .fingerprint import parse_signing_key, signing_key_fingerprint
from .i18n import N_
from .trust import TrustStore

if TYPE_CHECKING:
    from .bundle.format import Manifest
    from .vault import Vault

FORMAT = "intake-desktop-receipt"
VERSION = 1
SIGNATURE_SUFFIX = ".minisig"
REMOTE_FOLDER = "receipts"  # on a destination: receipts/<importer fingerprint>/<bundle id>.json
HELD = frozenset({"new", "updated", "unchanged", "older"})
MAX_RECEIPT_BYTES = 64 << 20  # 100,000 records at about 200 bytes each, and room
MAX_SIGNATURE_BYTES = 4096


class ReceiptRefused(BundleRejected):
    """Not a receipt this vault can take: exit 8, like a bundle refused."""


class Delivery(StrEnum):
    """A case as the case list shows it."""

    DELIVERED = "delivered"  # an importer holds every record at its current version
    CHANGED = "changed"  # delivered once, edited since
    NONE = "none"


@dataclass(frozen=True)
class Receipt:
    bundle_id: str
    manifest_sha256: str
    importer_key: str
    importer_name: str  # the importing vault's own label, a claim
    imported_at: str
    records: tuple[dict[str, Any], ...]

    @property
    def importer_fingerprint(self) -> str:
        return signing_key_fingerprint(self.importer_key)


@dataclass(frozen=True)
class Signed:
    document: bytes
    signature: bytes

    def write(self, path: Path) -> tuple[Path, Path]:
        """``path`` and ``path.minisig``, each written whole or not at all."""
        path = Path(path)
        if not path.parent.is_dir():
            raise InvalidInput(N_("The folder {path} does not exist."), path=str(path.parent))
        signature_path = signature_path_of(path)
        write_private_atomic(path, self.document)
        write_private_atomic(signature_path, self.signature)
        return path, signature_path


@dataclass(frozen=True)
class Taken:
    receipt: Receipt
    importer: str  # the trust store's name for the importer's device
    new: bool  # False: the same receipt was taken before (nothing changed)
    receipted: int  # outbox entries now marked receipted


@dataclass(frozen=True)
class CaseDelivery:
    to: str  # the importer's name in the trust store (its fingerprint if no longer trusted)
    version: int  # the case record's version the importer holds
    at: str  # when it imported it

    def as_json(self) -> dict[str, Any]:
        return {"to": self.to, "version": self.version, "at": self.at}


def signature_path_of(path: Path) -> Path:
    return path.with_name(path.name + SIGNATURE_SUFFIX)


def encode(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


# -- the importer's side -----------------------------------------------------------


def issue(
    vault: Vault, manifest: Manifest, manifest_sha256: str, outcomes: Mapping[str, str]
) -> Signed:
    """Sign and keep the receipt for a bundle just merged (inside the import's transaction)."""
    keys = identity.load(vault.conn)
    imported_at = vault.now()
    records = [
        {
            "id": ref.id,
            "case_id": ref.case_id,
            "kind": ref.kind,
            "version": ref.version,
            "outcome": str(outcomes.get(ref.id, "")),
        }
        for ref in sorted(manifest.records, key=lambda r: r.id)
    ]
    document = encode(
        {
            "format": FORMAT,
            "version": VERSION,
            "bundle_id": manifest.bundle_id,
            "manifest_sha256": manifest_sha256,
            "sequence": manifest.sequence,
            "sender": {
                "signing_key": manifest.producer.signing_key,
                "fingerprint": manifest.producer.fingerprint,
            },
            "importer": {
                "signing_key": keys.signing_key,
                "fingerprint": signing_key_fingerprint(keys.signing_key),
                "name": vault.name,
            },
            "imported_at": imported_at,
            "records": records,
        }
    )
    signature = (
        bytes(
            keys.minisign_secret().sign(
                document,
                prehash=True,
                trusted_comment=f"intake-desktop receipt {manifest.bundle_id}",
            )
        )
        + b"\n"
    )
    vault.conn.execute(
        "INSERT OR REPLACE INTO receipts_issued (signing_key, bundle_id, document, signature,"
        " issued_at) VALUES (?, ?, ?, ?, ?)",
        (manifest.producer.signing_key, manifest.bundle_id, document, signature, imported_at),
    )
    return Signed(document, signature)


def issued(vault: Vault, bundle_id: str) -> Signed:
    """The receipt this vault signed when it imported ``bundle_id``."""
    row = vault.conn.execute(
        "SELECT document, signature FROM receipts_issued WHERE bundle_id = ?"
        " ORDER BY issued_at DESC LIMIT 1",
        (bundle_id,),
    ).fetchone()
    if row is None:
        raise NotFound(
            N_(
                "This vault holds no receipt for bundle {id}: it was not imported here, or"
                " was imported before receipts existed."
            ),
            id=bundle_id,
        )
    return Signed(bytes(row[0]), bytes(row[1]))


# -- the sender's side ---------------------------------------------------------------


def read(path: Path) -> Signed:
    """A receipt file and its ``.minisig`` beside it, size-capped."""
    path = Path(path)
    texts = []
    for part, limit in ((path, MAX_RECEIPT_BYTES), (signature_path_of(path), MAX_SIGNATURE_BYTES)):
        texts.append(
            read_small_text(
                part,
                limit,
                unreadable=N_("{path} cannot be read (a receipt comes with its .minisig file)."),
                too_large=N_("{path} is too large for a receipt."),
                not_utf8=N_("{path} is not a receipt (not UTF-8 text)."),
            )
        )
    return Signed(texts[0].encode("utf-8"), texts[1].encode("utf-8"))


def _parse(document: bytes) -> Receipt:
    bad = ReceiptRefused(N_("This is not a receipt this app can read; nothing was changed."))
    try:
        doc = json.loads(document)
        if doc["format"] != FORMAT or doc["version"] != VERSION:
            raise bad
        records = tuple(
            {
                "id": str(r["id"]),
                "case_id": str(r["case_id"]),
                "kind": str(r["kind"]),
                "version": int(r["version"]),
                "outcome": str(r["outcome"]),
            }
            for r in doc["records"]
        )
        return Receipt(
            bundle_id=str(doc["bundle_id"]),
            manifest_sha256=str(doc["manifest_sha256"]),
            importer_key=parse_signing_key(str(doc["importer"]["signing_key"])),
            importer_name=str(doc["importer"]["name"]),
            imported_at=str(doc["imported_at"]),
            records=records,
        )
    except (ValueError, KeyError, TypeError, InvalidInput):
        raise bad from None


def take(vault: Vault, signed: Signed) -> Taken:
    """Verify a receipt for a bundle this vault sent and keep what it says (twice: a no-op)."""
    receipt = _parse(signed.document)
    device = TrustStore(vault).device_for_key(receipt.importer_key, revoked_too=True)
    if device is not None and device.revoked_at is not None:
        # A receipt's date is the signer's claim: after a revocation none counts.
        raise ReceiptRefused(
            N_(
                "The receipt is signed by {name}, whose device was revoked on {date};"
                " nothing was changed."
            ),
            name=device.name,
            date=device.revoked_at,
        )
    if device is None:
        raise ReceiptRefused(
            N_(
                "The receipt is signed by a device this vault does not trust ({fingerprint});"
                " compare its fingerprint and trust it (trust add-device), then take the"
                " receipt again. Nothing was changed."
            ),
            fingerprint=receipt.importer_fingerprint,
        )
    try:
        minisign.PublicKey.from_base64(device.key).verify(
            signed.document, minisign.Signature.from_bytes(signed.signature)
        )
    except (minisign.Error, ValueError):
        raise ReceiptRefused(
            N_("The receipt's signature does not verify; nothing was changed.")
        ) from None
    sent = vault.conn.execute(
        "SELECT manifest_sha256 FROM bundles_out WHERE bundle_id = ?", (receipt.bundle_id,)
    ).fetchone()
    if sent is None or sent[0] != receipt.manifest_sha256:
        raise ReceiptRefused(
            N_(
                "The receipt is for bundle {id}, which this vault did not send; nothing"
                " was changed."
            ),
            id=receipt.bundle_id,
        )
    known = vault.conn.execute(
        "SELECT 1 FROM receipts WHERE bundle_id = ? AND importer_key = ?",
        (receipt.bundle_id, receipt.importer_key),
    ).fetchone()
    if known:
        return Taken(receipt, device.name, new=False, receipted=0)
    with vault.transaction() as conn:
        conn.execute(
            "INSERT INTO receipts (bundle_id, importer_key, importer, imported_at, taken_at,"
            " document, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                receipt.bundle_id,
                receipt.importer_key,
                device.name,
                receipt.imported_at,
                vault.now(),
                signed.document,
                signed.signature,
            ),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO delivered (record_id, case_id, version, importer_key,"
            " bundle_id, at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    r["id"],
                    r["case_id"],
                    r["version"],
                    receipt.importer_key,
                    receipt.bundle_id,
                    receipt.imported_at,
                )
                for r in receipt.records
                if r["outcome"] in HELD
            ],
        )
        receipted = conn.execute(
            "UPDATE outbox SET state = 'receipted' WHERE bundle_id = ? AND state = 'sent'",
            (receipt.bundle_id,),
        ).rowcount
        vault.audit("receipt.take", "bundle", receipt.bundle_id)
    return Taken(receipt, device.name, new=True, receipted=max(0, receipted))


# -- what the case list shows ----------------------------------------------------------

# Per case and importer: the case record's version it holds, when, and whether
# it holds every record of the case at its current version.
_BY_CASE = """
SELECT d.case_id, d.importer_key, max(CASE WHEN d.record_id = d.case_id THEN d.version END),
       max(d.at),
       NOT EXISTS (
           SELECT 1 FROM records AS r WHERE r.case_id = d.case_id AND NOT EXISTS (
               SELECT 1 FROM delivered AS h WHERE h.record_id = r.id
                 AND h.importer_key = d.importer_key AND h.version >= r.version))
FROM delivered AS d
WHERE d.case_id IN (SELECT value FROM json_each(?))
GROUP BY d.case_id, d.importer_key
ORDER BY max(d.at)
"""


# The case list's filter (core/cases.py ``CaseQuery.delivery``), in SQL so it
# pages: a case of ``case_list`` is delivered when some importer holds every
# record of it at its current version, the test in ``_BY_CASE``'s last column.
_SOME_ROW = "EXISTS (SELECT 1 FROM delivered AS d WHERE d.case_id = case_list.id)"
_SOME_IMPORTER_HOLDS_ALL = """EXISTS (
    SELECT 1 FROM delivered AS d WHERE d.case_id = case_list.id AND NOT EXISTS (
        SELECT 1 FROM records AS r WHERE r.case_id = d.case_id AND NOT EXISTS (
            SELECT 1 FROM delivered AS h WHERE h.record_id = r.id
              AND h.importer_key = d.importer_key AND h.version >= r.version)))"""
_CONDITIONS = {
    Delivery.DELIVERED: _SOME_IMPORTER_HOLDS_ALL,
    Delivery.CHANGED: f"({_SOME_ROW} AND NOT {_SOME_IMPORTER_HOLDS_ALL})",
    Delivery.NONE: f"NOT {_SOME_ROW}",
}


def delivery_condition(state: str) -> tuple[str, list[Any]]:
    """A WHERE clause over ``case_list`` for the cases ``deliveries`` puts in ``state``."""
    try:
        return _CONDITIONS[Delivery(state)], []
    except ValueError:
        raise InvalidInput(
            N_("{value} is not a delivery state (delivered, changed or none)."), value=state
        ) from None


def deliveries(vault: Vault, case_ids: list[str]) -> dict[str, tuple[Delivery, list[CaseDelivery]]]:
    """For each case: delivered, changed since, or not; and to whom, at which version, when."""
    found: dict[str, tuple[Delivery, list[CaseDelivery]]] = {
        c: (Delivery.NONE, []) for c in case_ids
    }
    if not case_ids:
        return found
    names = {e.key: e.name for e in TrustStore(vault).entries() if e.kind == "device"}
    for case_id, key, version, at, complete in vault.conn.execute(
        _BY_CASE, (json.dumps(case_ids),)
    ):
        status, listed = found[case_id]
        if version is not None:
            to = names.get(key) or signing_key_fingerprint(key)
            listed.append(CaseDelivery(to, int(version), str(at)))
        if complete:
            status = Delivery.DELIVERED
        elif status is Delivery.NONE:
            status = Delivery.CHANGED
        found[case_id] = (status, listed)
    return found
