"""Build bundles from parts, the way a hostile sender (or a trusted insider) could.

Our own ``TarWriter`` refuses what an attacker would write (``../x``,
``/etc/x``, duplicates, links, pax headers), so the tar here comes from a
raw ustar header builder. A forged bundle is:

    age( tar( manifest.json, manifest.json.minisig, members... ) )

with the manifest signed by whatever minisign secret key the test hands in
(for the hostile-insider case, the real secret of a vault the target trusts,
from ``identity.load(vault.conn).minisign_secret()``).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import minisign
import pyrage

from intake_desktop.core import identity
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle.export import ExportResult, export_bundle
from intake_desktop.core.bundle.format import (
    CHECKSUMS,
    CHECKSUMS_SIGNATURE,
    MANIFEST,
    SIGNATURE,
    RecipientRef,
    records_member,
)
from intake_desktop.core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import Record, RecordStore, compute_rev
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from tests.helpers import PASSPHRASE

BLOCK = 512
USTAR = b"ustar\x0000"

# A case with references between its records (people, relationship, document,
# claim, interview, statement, consent), for round trips.
RICH_CASE: dict[str, Any] = {
    "title": "Rahimi family",
    "route": "siv",
    "priority": ["targeted_harm", "woman_at_risk"],
    "people": [
        {"id": "p1", "full_name": "Zarmina Rahimi", "role": "principal", "sex": "female"},
        {
            "id": "p2",
            "names": [{"text": "نجیب‌الله رحیمی", "script": "arabic"}],
            "role": "family_member",
            "date_of_birth": {
                "calendar": "solar_hijri",
                "precision": "year",
                "year": 1362,
                "original_text": "۱۳۶۲",
            },
        },
    ],
    "relationships": [{"person": "p1", "relative": "p2", "kind": "spouse"}],
    "identity_documents": [{"person": "p2", "kind": "tazkira", "number": "1400-0101-12345"}],
    "claims": [{"kind": "targeted_harm", "summary": "Threat letters.", "people": ["p1"]}],
    "interviews": [{"id": "i1", "date": "2024-03-02", "place": "Kandahar", "people": ["p1"]}],
    "statements": [
        {"speaker": "p1", "interview": "i1", "language": "ps", "text": "موږ له کندهار راغلو"}
    ],
    "consents": [{"person": "p1", "scope": ["share_with_counsel"], "given_on": "2024-03-02"}],
}


@dataclass(frozen=True)
class Entry:
    """One raw tar entry; every header field an attacker controls is settable."""

    name: str | bytes
    data: bytes = b""
    typeflag: bytes = b"0"
    linkname: bytes = b""
    prefix: bytes = b""
    declared_size: int | None = None  # what the header claims (default: len(data))
    magic: bytes = USTAR


Member = tuple[str, bytes] | Entry


def ustar_header(entry: Entry) -> bytes:
    """A 512-byte ustar header built byte by byte, with a valid checksum."""
    name = entry.name.encode("latin-1") if isinstance(entry.name, str) else entry.name
    size = len(entry.data) if entry.declared_size is None else entry.declared_size
    header = bytearray(BLOCK)
    header[0 : min(len(name), 100)] = name[:100]
    header[100:108] = b"0000600\x00"
    header[108:116] = b"0000000\x00"
    header[116:124] = b"0000000\x00"
    header[124:136] = b"%011o\x00" % size
    header[136:148] = b"%011o\x00" % 1_700_000_000
    header[156:157] = entry.typeflag
    header[157 : 157 + len(entry.linkname)] = entry.linkname[:100]
    header[257:265] = entry.magic
    header[345 : 345 + len(entry.prefix)] = entry.prefix[:155]
    checksum = sum(header[:148]) + 8 * 0x20 + sum(header[156:])
    header[148:156] = b"%06o\x00 " % checksum
    return bytes(header)


def tar_bytes(members: Iterable[Member], *, end: bool = True, trailing: bytes = b"") -> bytes:
    """A tar stream of ``members`` in order, then (by default) the two zero blocks."""
    out = io.BytesIO()
    for member in members:
        entry = member if isinstance(member, Entry) else Entry(member[0], member[1])
        out.write(ustar_header(entry))
        out.write(entry.data)
        out.write(bytes(-len(entry.data) % BLOCK))
    if end:
        out.write(bytes(2 * BLOCK))
    out.write(trailing)
    return out.getvalue()


def read_tar(data: bytes) -> list[tuple[str, bytes]]:
    """Members of one of our (well-formed) tar streams, by plain parsing."""
    members, pos = [], 0
    while pos + BLOCK <= len(data):
        header = data[pos : pos + BLOCK]
        if header == bytes(BLOCK):
            break
        name = header[:100].split(b"\x00", 1)[0].decode("ascii")
        size = int(header[124:136].strip(b"\x00 "), 8)
        pos += BLOCK
        members.append((name, data[pos : pos + size]))
        pos += size + (-size % BLOCK)
    return members


# Keys, signatures, encryption


def new_signing_key() -> tuple[minisign.SecretKey, str]:
    """A fresh minisign key pair: (secret key, the ``RW...`` public key)."""
    pair = minisign.KeyPair.generate()
    return pair.secret_key, pair.public_key.to_base64().decode("ascii")


def sign(secret: minisign.SecretKey, data: bytes, comment: str = "forged") -> bytes:
    return bytes(secret.sign(data, prehash=True, trusted_comment=comment)) + b"\n"


def encrypt(data: bytes, *recipients: str) -> bytes:
    return bytes(pyrage.encrypt(data, [pyrage.x25519.Recipient.from_str(r) for r in recipients]))


def decrypt(data: bytes, age_secret: str) -> bytes:
    return bytes(pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(age_secret)]))


# Manifests


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def listing(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "size": len(data), "sha256": digest(data)}


def checksum_members(
    secret: minisign.SecretKey, members: list[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    """``SHA256SUMS`` and its signature for ``members`` (as the exporter writes them)."""
    sums = "".join(f"{digest(data)}  {name}\n" for name, data in members).encode("ascii")
    return [(CHECKSUMS, sums), (CHECKSUMS_SIGNATURE, sign(secret, sums))]


def relist(
    manifest: dict[str, Any],
    members: list[tuple[str, bytes]],
    secret: minisign.SecretKey | None = None,
) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """A copy of ``manifest`` listing exactly ``members`` (sizes and hashes recomputed).

    With ``secret``, the checksum file and its signature are rebuilt too, so
    the only inconsistency left is the one the test made on purpose.
    """
    content = [(n, d) for n, d in members if n not in (CHECKSUMS, CHECKSUMS_SIGNATURE)]
    if secret is not None:
        members = [*content, *checksum_members(secret, content)]
    result = copy.deepcopy(manifest)
    result["members"] = [listing(n, d) for n, d in members]
    return result, list(members)


def as_producer(manifest: dict[str, Any], signing_key: str, name: str | None = None) -> None:
    """Make the manifest name ``signing_key`` (and its true fingerprint) as its producer."""
    manifest["producer"]["signing_key"] = signing_key
    manifest["producer"]["fingerprint"] = signing_key_fingerprint(signing_key)
    if name is not None:
        manifest["producer"]["name"] = name


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def forge(
    secret: minisign.SecretKey,
    manifest: dict[str, Any],
    members: Iterable[Member],
    recipient: str,
    *,
    manifest_bytes: bytes | None = None,
    signature: bytes | None = None,
    head: list[Member] | None = None,
    trailing: bytes = b"",
    end: bool = True,
) -> bytes:
    """An encrypted bundle: the (signed) manifest, its signature, then ``members``.

    ``head`` replaces the first two entries (to reorder or drop them);
    ``manifest_bytes`` and ``signature`` override what is signed and shown.
    """
    data = encode_manifest(manifest) if manifest_bytes is None else manifest_bytes
    sig = sign(secret, data) if signature is None else signature
    first: list[Member] = [(MANIFEST, data), (SIGNATURE, sig)] if head is None else head
    return encrypt(tar_bytes([*first, *members], end=end, trailing=trailing), recipient)


@dataclass
class Parts:
    """A real bundle taken apart: its manifest (as a dict) and its members after the signature."""

    manifest: dict[str, Any]
    members: list[tuple[str, bytes]]
    manifest_bytes: bytes
    signature: bytes

    def fresh(self) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        """Deep copies, with a new bundle id (so no test hits "imported before")."""
        manifest = copy.deepcopy(self.manifest)
        manifest["bundle_id"] = str(uuid.uuid4())
        return manifest, list(self.members)

    def member(self, prefix: str) -> tuple[str, bytes]:
        return next(m for m in self.members if m[0].startswith(prefix))


def take_apart(path: Path, age_secret: str) -> Parts:
    members = read_tar(decrypt(path.read_bytes(), age_secret))
    (name0, manifest_bytes), (name1, signature) = members[:2]
    assert (name0, name1) == (MANIFEST, SIGNATURE)
    return Parts(json.loads(manifest_bytes), members[2:], manifest_bytes, signature)


# Records members


def edit_records(
    members: list[tuple[str, bytes]], case_id: str, edit: Callable[[dict[str, Any]], None]
) -> list[tuple[str, bytes]]:
    """``members`` with the records member of ``case_id`` decoded, edited, re-encoded."""
    name = records_member(case_id)
    out = []
    for path, data in members:
        if path == name:
            doc = json.loads(data)
            edit(doc)
            data = (json.dumps(doc, sort_keys=True, ensure_ascii=False) + "\n").encode()
        out.append((path, data))
    return out


def rehash(raw: dict[str, Any]) -> None:
    """Give a raw record the revision hash its (edited) content deserves."""
    history = raw["history"]
    record = Record(**{**raw, "history": tuple(history)})
    raw["rev"] = compute_rev(record, history[-1] if history else None)


# Vaults at the core level (no command line): trust, attachments, export, state


def recipient_ref(name: str, recipient: str) -> RecipientRef:
    return RecipientRef(name, recipient, recipient_fingerprint(recipient))


def introduce(producer: Vault, target: Vault, producer_name: str, target_name: str) -> None:
    """``producer`` may export to ``target``, and ``target`` trusts ``producer``'s signature."""
    TrustStore(producer).add_recipient(target_name, identity.load(target.conn).age_recipient)
    TrustStore(target).add_device(producer_name, identity.load(producer.conn).signing_key)


def export_to(
    producer: Vault, target: Vault | str, out: Path, case_ids: list[str] | None = None
) -> ExportResult:
    """Export to ``target`` (a vault, or an ``age1...`` recipient) as the CLI would."""
    recipient = target if isinstance(target, str) else identity.load(target.conn).age_recipient
    return export_bundle(producer, [recipient_ref("target", recipient)], out, case_ids)


def add_attachment(vault: Vault, case_id: str, data: bytes, filename: str = "scan.pdf") -> str:
    """What ``attach CASE FILE`` does: store the file and a new evidence record; its id."""
    records = RecordStore(vault)
    with vault.transaction():
        blob = BlobStore(vault).put(io.BytesIO(data), filename)
        item = {
            "sha256": blob.sha256,
            "filename": filename,
            "media_type": blob.media_type,
            "size": blob.size,
        }
        body = validate(KINDS["evidence"], {"kind": "document", "attachments": [item]})
        record = records.create(case_id, KINDS["evidence"], body)
    return record.id


def snapshot(vault: Vault) -> dict[str, Any]:
    """Every row of every table (as digests) and every file of the vault folder but the db."""
    conn = vault.conn
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    state: dict[str, Any] = {}
    for table in tables:
        rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
        state[table] = sorted(digest(repr(tuple(row)).encode()) for row in rows)
    state["files"] = {
        str(p.relative_to(vault.path)): digest(p.read_bytes())
        for p in sorted(vault.path.rglob("*"))
        if p.is_file() and not p.name.startswith("vault.db")
    }
    return state


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def cli_env(vault_path: Path) -> dict[str, str]:
    """The environment of a script using the vault at ``vault_path`` (see run_cli)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_VAULT=str(vault_path), INTAKE_PASSPHRASE=PASSPHRASE, INTAKE_KDF_TARGET_MS="0")
    return env
