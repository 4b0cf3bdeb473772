"""Reading a bundle into the vault: check, decrypt, verify, then merge all or nothing.

Order (each step only after the previous passed):

1. the age header is checked (size, stanza count, no scrypt) and the file
   decrypted as a stream in a helper thread; nothing decrypted touches the disk;
2. ``manifest.json`` (size-capped) and its minisign signature are read and
   verified against the key pinned in the trust store, never a key carried
   by the bundle; an unknown signer sends the still-encrypted file to
   quarantine and nothing is merged;
3. every member is read in manifest order, its size and SHA-256 checked,
   records validated and merged, attachments streamed in;
4. every reference a merged record makes must name a record of the right
   kind in its case, and every attachment an evidence record names must
   travel in the bundle itself (never "already in the vault": that would let
   a sender claim another case's file and learn whether it exists);
5. only when the tar ended cleanly *and* the age stream authenticated to
   its end is the one transaction committed.

Bundle ids are chosen by their signer, so what was imported is keyed by
(signing key, bundle id). Each stored revision notes the bundle and key that
brought it (``record_sources``), each merged record gets an audit entry, and
the result lists, by case, every record added or changed, naming the device
that created a case when another device writes into it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import minisign

from .. import attestations, identity, receipts
from ..attachments import BlobStore
from ..errors import BundleRejected, Cancelled, InvalidInput
from ..files import require_file
from ..fingerprint import parse_signing_key, signing_key_fingerprint
from ..i18n import N_, _
from ..records import Record
from ..trust import TrustStore
from ..vault import Vault
from . import merge, quarantine, report
from .channel import DecryptChannel
from .format import (
    CHECKSUMS,
    CHECKSUMS_SIGNATURE,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    MAX_RECORDS_MEMBER_BYTES,
    MAX_SIGNATURE_BYTES,
    MAX_UNVERIFIED_MANIFEST_BYTES,
    SIGNATURE,
    Manifest,
    Member,
    Vouch,
    parse_manifest,
    parse_records,
    records_member,
)
from .tarstream import TarMember, TarReader


class ImportStatus(StrEnum):
    """What importing a bundle did (the ``status`` of ``import --json``)."""

    MERGED = "merged"
    ALREADY_IMPORTED = "already_imported"
    QUARANTINED = "quarantined"


# Short names, as re.IGNORECASE stands for re.RegexFlag.IGNORECASE.
MERGED = ImportStatus.MERGED
ALREADY_IMPORTED = ImportStatus.ALREADY_IMPORTED
QUARANTINED = ImportStatus.QUARANTINED
Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    status: ImportStatus
    bundle_id: str
    # The trust store's name for the signing key (this vault's own name for
    # its own key); empty for an unknown signer, whose claim is claimed_name.
    producer_name: str
    signing_key: str
    fingerprint: str
    sequence: int
    claimed_name: str = ""  # what the manifest says; shown only as a claim
    sequence_note: str = ""  # in English (JSON, the bundles_in table); sequence_text() shows it
    counts: dict[merge.Outcome, int] = field(default_factory=dict)
    attachments: int = 0
    quarantine_id: int | None = None
    sequence_template: str = ""
    sequence_params: dict[str, int] = field(default_factory=dict)
    changes: list[report.CaseChanges] = field(default_factory=list)
    outcomes: dict[str, merge.Outcome] = field(default_factory=dict)  # record id -> outcome
    manifest_sha256: str = ""  # of the bundle imported (or imported before)

    def sequence_text(self) -> str:
        """The sequence note in the interface language."""
        if not self.sequence_template:
            return self.sequence_note
        return _(self.sequence_template).format(**self.sequence_params)

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "bundle_id": self.bundle_id,
            "producer": {
                "name": self.producer_name or None,
                "claimed_name": self.claimed_name,
                "signing_key": self.signing_key,
                "fingerprint": self.fingerprint,
            },
            "sequence": self.sequence,
            "sequence_note": self.sequence_note,
            "records": self.counts,
            "attachments": self.attachments,
            "quarantine_id": self.quarantine_id,
            "changes": [c.as_json() for c in self.changes],
        }


def import_bundle(
    vault: Vault,
    path: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    path = Path(path)
    require_file(path)
    keys = identity.load(vault.conn)
    sealed = DecryptChannel.open(path, keys.age_secret)
    try:
        reader = TarReader(sealed.plaintext)
        try:
            manifest_bytes, manifest = _read_manifest(reader, vault, keys.signing_key)
        except BundleRejected as exc:
            raise sealed.verdict(exc) from None
        signer = manifest.producer.signing_key
        result = ImportResult(
            status=MERGED,
            bundle_id=manifest.bundle_id,
            producer_name=report.trusted_name(vault, signer, keys.signing_key) or "",
            claimed_name=manifest.producer.name,
            signing_key=signer,
            fingerprint=manifest.producer.fingerprint,
            sequence=manifest.chain_for(keys.age_recipient)[0],
        )
        if not result.producer_name:
            sealed.close()
            result.status = QUARANTINED
            result.quarantine_id = quarantine.keep(vault, path, manifest)
            return result
        # A revoked device's later bundles: refused, neither merged nor quarantined.
        TrustStore(vault).refuse_if_revoked(signer, manifest.created_at)
        manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
        result.manifest_sha256 = manifest_sha256
        seen = vault.conn.execute(
            "SELECT manifest_sha256 FROM bundles_in WHERE signing_key = ? AND bundle_id = ?",
            (signer, manifest.bundle_id),
        ).fetchone()
        if seen is not None:
            if seen[0] != manifest_sha256:
                sealed.close()
                raise BundleRejected(
                    N_(
                        "A different bundle from the same device reuses the id of one"
                        " imported before."
                    )
                )
            # Say "imported before" only of an intact copy: a damaged or
            # truncated one is refused like any other (nothing is merged).
            sealed.finish()
            result.status = ALREADY_IMPORTED
            return result
        with vault.transaction():
            try:
                _merge_members(vault, reader, manifest, result, progress, cancelled)
                sealed.finish()
            except BundleRejected as exc:
                raise sealed.verdict(exc) from None
            _record_arrival(vault, manifest, manifest_sha256, result)
            vault.conn.executemany(
                "INSERT OR REPLACE INTO vouches (device_key, voucher_key, name, bundle_id, at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (v.signing_key, signer, v.name, manifest.bundle_id, vault.now())
                    for v in _checked_vouches(manifest)
                ],
            )
            report.describe_cases(vault, result.changes, signer, keys.signing_key)
            # The receipt commits with the import: one exists exactly when it happened.
            receipts.issue(vault, manifest, manifest_sha256, result.outcomes)
        return result
    finally:
        sealed.close()


def _read_manifest(reader: TarReader, vault: Vault, own_key: str) -> tuple[bytes, Manifest]:
    first = reader.next()
    if first is None or first.name != MANIFEST:
        raise BundleRejected(N_("The bundle does not start with its manifest."))
    manifest_bytes = first.read_all(MAX_MANIFEST_BYTES)
    second = reader.next()
    if second is None or second.name != SIGNATURE:
        raise BundleRejected(N_("The bundle's manifest is not followed by its signature."))
    signature_bytes = second.read_all(MAX_SIGNATURE_BYTES)
    try:
        signature = minisign.Signature.from_bytes(signature_bytes)
    except (minisign.Error, ValueError):
        raise BundleRejected(N_("The bundle's signature or signing key is malformed.")) from None
    # Parsing JSON can cost ~30 times its size in memory: a large manifest is
    # parsed only once a pinned key vouches for it. An unknown signer's
    # (anyone can encrypt to a coordinator) must be small to be quarantined.
    if len(manifest_bytes) > MAX_UNVERIFIED_MANIFEST_BYTES and not _pinned_key_verifies(
        vault, manifest_bytes, signature
    ):
        raise BundleRejected(
            N_(
                "The bundle is not signed by a trusted device and is too large to hold for"
                " review. Trust the sender's device first, then import it again."
            )
        )
    manifest = parse_manifest(manifest_bytes)
    try:
        key = minisign.PublicKey.from_base64(parse_signing_key(manifest.producer.signing_key))
    except (InvalidInput, minisign.Error, ValueError):
        raise BundleRejected(N_("The bundle's signature or signing key is malformed.")) from None
    # Verified against the key the manifest names; whether that key is
    # trusted is decided by the caller, against the trust store only.
    try:
        key.verify(manifest_bytes, signature)
    except (minisign.Error, ValueError):
        raise BundleRejected(N_("The bundle's signature does not verify.")) from None
    if manifest.producer.fingerprint != signing_key_fingerprint(manifest.producer.signing_key):
        raise BundleRejected(N_("The bundle's producer fingerprint does not match its key."))
    return manifest_bytes, manifest


def _pinned_key_verifies(vault: Vault, data: bytes, signature: minisign.Signature) -> bool:
    """Whether this vault's key or a trusted device's signed ``data``."""
    for text in sorted(attestations.trusted_keys(vault)):
        try:
            minisign.PublicKey.from_base64(text).verify(data, signature)
        except (minisign.Error, ValueError):
            continue
        return True
    return False


def _merge_members(
    vault: Vault,
    reader: TarReader,
    manifest: Manifest,
    result: ImportResult,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    expected = {r.id: r for r in manifest.records}
    seen: set[str] = set()
    needed: set[str] = set()
    carried = {m.sha256 for m in manifest.members if m.path.startswith("attachments/")}
    carried_cases = {m.path for m in manifest.members if m.path.startswith("records/")}
    counts = dict.fromkeys(merge.Outcome, 0)
    total, done = sum(m.size for m in manifest.members), 0
    blobs = BlobStore(vault)
    source = merge.Source(manifest.bundle_id, manifest.producer.signing_key)
    merged: list[Record] = []
    by_case: dict[str, report.CaseChanges] = {}
    # Certifications and read-backs count when signed by this vault, a device
    # it trusts (the bundle's own signer is one: an unknown signer never gets
    # here), or a device the signer vouches for in this bundle.
    trusted = attestations.trusted_keys(vault).vouched(
        {v.signing_key: result.producer_name for v in _checked_vouches(manifest)}
    )

    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(N_("The import was cancelled; nothing was changed."))

    for member in manifest.members:
        stop_if_cancelled()
        entry = _next_member(reader, member, manifest)
        if member.path in (CHECKSUMS, CHECKSUMS_SIGNATURE):
            # For people without this app; the manifest's hash covers them.
            data = entry.read_all(min(member.size, MAX_RECORDS_MEMBER_BYTES))
            _check(member, len(data), hashlib.sha256(data).hexdigest())
        elif member.path.startswith("records/"):
            data = entry.read_all(min(member.size, MAX_RECORDS_MEMBER_BYTES))
            _check(member, len(data), hashlib.sha256(data).hexdigest())
            case_id = member.path[len("records/") : -len(".json")]
            for raw in parse_records(data, case_id):
                # One case can hold 100,000 people: Cancel acts between records.
                stop_if_cancelled()
                arriving = merge.record_from_bundle(raw, case_id)
                record = arriving.record
                ref = expected.get(record.id)
                if (
                    ref is None
                    or (ref.version, ref.rev, ref.kind, ref.case_id)
                    != (record.version, record.rev, record.kind, record.case_id)
                    or record.id in seen
                ):
                    raise BundleRejected(
                        N_("The bundle holds a record its manifest does not list.")
                    )
                seen.add(record.id)
                if record.kind == "statement":
                    attestations.check_incoming(record.body, trusted)
                outcome = merge.merge_record(vault, arriving, source)
                counts[outcome] += 1
                result.outcomes[record.id] = outcome
                merged.append(record)
                report.note_change(by_case, record, outcome)
                if record.kind == "evidence" and not record.deleted:
                    needed.update(a["sha256"] for a in record.body.get("attachments", []))
            # Every attachment a record names travels in the bundle; checked
            # against the manifest, so the answer never depends on (or tells)
            # what this vault already holds.
            if not needed <= carried:
                raise BundleRejected(N_("The bundle lacks an attachment one of its records needs."))
        elif member.path.startswith("packet/"):
            # A counsel packet is for people reading the bundle with standard
            # tools; this app draws its own from the records. So it is checked
            # against the signed manifest, and not kept.
            if records_member(member.path[len("packet/") : -len(".pdf")]) not in carried_cases:
                raise BundleRejected(N_("The bundle holds a packet for a case it does not carry."))
            _check(member, *_digest(_SizedStream(entry.chunks(), member.size, stop_if_cancelled)))
        else:
            # Records come first, so every wanted attachment is known by now;
            # content no record names has no business in the vault.
            if member.sha256 not in needed:
                raise BundleRejected(N_("The bundle holds an attachment no record refers to."))
            stream = _SizedStream(entry.chunks(), member.size, stop_if_cancelled)
            info = blobs.put(stream, max_bytes=member.size)
            _check(member, info.size, info.sha256)
            result.attachments += 1
        done += member.size
        if progress is not None:
            progress(done, total)
    if reader.next() is not None:
        raise BundleRejected(N_("The bundle holds an entry its manifest does not list."))
    if seen != set(expected):
        raise BundleRejected(N_("The bundle lacks records its manifest lists."))
    merge.check_references(vault, merged)
    result.counts = counts
    result.changes = list(by_case.values())


def _checked_vouches(manifest: Manifest) -> tuple[Vouch, ...]:
    """The manifest's vouches, each key well formed and matching its fingerprint."""
    checked = []
    for vouch in manifest.vouches:
        try:
            key = parse_signing_key(vouch.signing_key)
            matches = signing_key_fingerprint(key) == vouch.fingerprint
        except InvalidInput:
            matches = False
        if not matches:
            raise BundleRejected(N_("The bundle vouches for a device key that is malformed."))
        checked.append(Vouch(vouch.name, key, vouch.fingerprint))
    return tuple(checked)


def _next_member(reader: TarReader, member: Member, manifest: Manifest) -> TarMember:
    entry = reader.next()
    if entry is None:
        raise BundleRejected(N_("The bundle lacks the member {path}."), path=member.path)
    if entry.name != member.path:
        listed = any(m.path == entry.name for m in manifest.members)
        if listed:
            raise BundleRejected(N_("The bundle's members are out of order or repeated."))
        raise BundleRejected(N_("The bundle holds an entry its manifest does not list."))
    if entry.size != member.size:
        raise BundleRejected(N_("The member {path} has the wrong size."), path=member.path)
    return entry


def _digest(stream: _SizedStream) -> tuple[int, str]:
    """Size and SHA-256 of a member read through, kept nowhere."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1 << 20):
        size += len(chunk)
        if size > stream.size:
            break  # longer than listed: _check refuses it
        digest.update(chunk)
    return size, digest.hexdigest()


def _check(member: Member, size: int, sha256: str) -> None:
    if size != member.size or sha256 != member.sha256:
        raise BundleRejected(
            N_("The member {path} does not match its manifest (altered?)."), path=member.path
        )


class _SizedStream:
    """A file-like view of a member's chunks for BlobStore.put (checks for Cancel per read)."""

    def __init__(self, chunks: Iterator[bytes], size: int, check: Callable[[], None]) -> None:
        self._chunks = chunks
        self._left = b""
        self._check = check
        self.size = size

    def read(self, n: int = -1) -> bytes:
        self._check()
        while not self._left:
            nxt = next(self._chunks, None)
            if nxt is None:
                return b""
            self._left = nxt
        if n < 0 or n >= len(self._left):
            out, self._left = self._left, b""
            return out
        out, self._left = self._left[:n], self._left[n:]
        return out


def _record_arrival(
    vault: Vault, manifest: Manifest, manifest_sha256: str, result: ImportResult
) -> None:
    """Note the bundle and what its sequence number says about missing ones."""
    last = vault.conn.execute(
        "SELECT device_seq, manifest_sha256 FROM bundles_in WHERE signing_key = ?"
        " ORDER BY device_seq DESC LIMIT 1",
        (manifest.producer.signing_key,),
    ).fetchone()
    name = result.producer_name
    # The chain of bundles the sender sent to this vault (core/bundle/format.py).
    seq, previous = manifest.chain_for(identity.load(vault.conn).age_recipient)
    params: dict[str, int] = {}
    if last is None:
        template = N_("first")
        if seq != 1:
            template = N_("first seen; {missing} earlier not received")
            params = {"missing": seq - 1}
    elif seq == last[0] + 1:
        chained = previous == last[1]
        template = (
            N_("in order") if chained else N_("in order, but the previous bundle differs from ours")
        )
    elif seq == last[0] + 2:
        template = N_("gap: bundle {number} not received")
        params = {"number": seq - 1}
    elif seq > last[0] + 1:
        template = N_("gap: bundles {first} to {last} not received")
        params = {"first": last[0] + 1, "last": seq - 1}
    else:
        template = N_("out of order: bundle {number} arrived after {last}")
        params = {"number": seq, "last": last[0]}
    note = template.format(**params)
    result.sequence_note = note
    result.sequence_template, result.sequence_params = template, params
    vault.conn.execute(
        "INSERT INTO bundles_in (bundle_id, manifest_sha256, signing_key, producer_name,"
        " device_seq, previous_sha256, imported_at, imported_by, records, conflicts,"
        " sequence_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            manifest.bundle_id,
            manifest_sha256,
            manifest.producer.signing_key,
            name,
            seq,
            previous,
            vault.now(),
            vault.user.name,
            len(manifest.records),
            result.counts.get(merge.CONFLICT, 0),
            note,
        ),
    )
    vault.audit("bundle.import", "bundle", manifest.bundle_id)


def import_quarantined(
    vault: Vault, quarantine_id: int, progress: Progress | None = None
) -> ImportResult:
    """Import a quarantined bundle once its signer is trusted; then forget it.

    A bundle refused on import (damaged, altered, naming records it does not
    hold) is forgotten too: kept, it would wait for review forever beside
    the good copy it looks like.
    """
    entry = quarantine.entry(vault, quarantine_id)
    try:
        result = import_bundle(vault, entry.path, progress)
    except BundleRejected:
        quarantine.discard(vault, quarantine_id, rejected=True)
        raise
    if result.status != QUARANTINED:
        quarantine.discard(vault, quarantine_id)
    return result
