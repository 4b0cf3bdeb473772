"""Writing a bundle: vault -> tar stream -> age (a helper thread) -> file, renamed when whole.

Memory stays flat whatever the size: records are serialised one case at a
time and attachments travel in 1 MiB chunks. The manifest must come first
yet lists every member's SHA-256, so a first pass hashes the members and a
second streams them; both passes read one snapshot (a read transaction) so
they see the same data while the app keeps writing.

Before anything is written: every case must be shareable under its recorded
consent (``consent.py``) unless a person overrides it (audited per case), and
names marked as withheld are left out unless every recipient is cleared to
receive them (``redaction.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import attestations, consent, identity
from ..attachments import BlobStore, ParallelChunks
from ..errors import Cancelled, InvalidInput, NotFound, VaultDamaged
from ..files import PRIVATE_FILE_MODE, EarlyWriteback, fsync_dir, temp_name
from ..fingerprint import signing_key_fingerprint
from ..i18n import N_
from ..records import Record, RecordStore
from ..trust import DEVICE, RECIPIENT, TrustStore
from ..vault import Vault
from . import redaction
from .channel import EncryptChannel
from .format import (
    CHECKSUMS,
    CHECKSUMS_SIGNATURE,
    MANIFEST,
    SIGNATURE,
    Manifest,
    Member,
    Producer,
    RecipientRef,
    RecordRef,
    Vouch,
    attachment_member,
    encode_checksums,
    encode_records,
    records_member,
)
from .packets import PacketRenderer, packet_members, wanting_packets
from .tarstream import TarWriter

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    sequence: int
    cases: int
    records: int
    attachments: int
    size: int
    manifest_sha256: str  # the bundle's fingerprint: it binds every member
    recipients: tuple[RecipientRef, ...]
    # Person records sent without the names marked as withheld, and the
    # recipients not cleared to receive them (why they were left out).
    withheld: int = 0
    not_cleared: tuple[str, ...] = ()
    consent_overridden: tuple[str, ...] = ()  # case ids exported despite their consent
    packets: int = 0  # counsel packets carried (packet/<case id>.pdf)


def every_case(vault: Vault) -> list[str]:
    """Every case an export of "all" takes, in its order: deleted ones travel as deletions."""
    rows = vault.conn.execute("SELECT id FROM records WHERE kind = 'case' ORDER BY rowid")
    return [str(r[0]) for r in rows]


def last_export_at(vault: Vault) -> str | None:
    """When this vault wrote its newest bundle (None: never)."""
    row = vault.conn.execute(
        "SELECT created_at FROM bundles_out ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def cases_changed_since(vault: Vault, since: str) -> list[str]:
    """Cases with a record updated at or after ``since``, in export order.

    Times are whole seconds, so a record saved in the same second as an
    export counts as changed: sending a case twice is harmless, missing one
    is not.
    """
    rows = vault.conn.execute(
        "SELECT c.id FROM records AS c WHERE c.kind = 'case' AND EXISTS"
        " (SELECT 1 FROM records AS r WHERE r.case_id = c.id AND r.updated_at >= ?)"
        " ORDER BY c.rowid",
        (since,),
    )
    return [str(r[0]) for r in rows]


def _vouches(vault: Vault, signers: set[str]) -> tuple[Vouch, ...]:
    """The trusted devices (unrevoked) whose certifications or read-backs travel here.

    Named in the signed manifest, so a recipient that trusts this vault but
    never met those devices can verify what they signed "via" this vault;
    only the devices that signed something in this bundle are named.
    """
    return tuple(
        Vouch(e.name, e.key, e.fingerprint)
        for e in sorted(TrustStore(vault).entries(), key=lambda e: e.name)
        if e.kind == DEVICE and e.key in signers and e.revoked_at is None
    )


def _chained(conn: Any, recipients: list[RecipientRef]) -> list[RecipientRef]:
    """Each recipient with this bundle's number in the chain of bundles sent to it.

    Numbered per recipient, a bundle sent to counsel is no gap at the
    coordinator's: each sees its own chain, each link naming the previous.
    """
    sent = [
        (set(json.loads(names)), str(sha))
        for names, sha in conn.execute(
            "SELECT recipients, manifest_sha256 FROM bundles_out ORDER BY seq"
        )
    ]
    chained = []
    for ref in recipients:
        mine = [sha for names, sha in sent if ref.fingerprint in names]
        chained.append(
            replace(
                ref,
                sequence=len(mine) + 1,
                previous_manifest_sha256=mine[-1] if mine else None,
            )
        )
    return chained


def _case_ids(vault: Vault, case_ids: list[str] | None) -> list[str]:
    if case_ids is None:
        return every_case(vault)
    records = RecordStore(vault)
    for case_id in case_ids:
        record = records.get(case_id)
        if record is None or record.kind != "case":
            raise NotFound(N_("No {kind} with id {id}."), kind="case", id=case_id[:64])
    return list(dict.fromkeys(case_ids))


def _attachments_of(records: list[Record]) -> list[str]:
    return [
        item["sha256"]
        for r in records
        if r.kind == "evidence" and not r.deleted
        for item in r.body.get("attachments", [])
    ]


def not_cleared_for_withheld_names(vault: Vault, recipients: list[RecipientRef]) -> list[str]:
    """Names of the recipients not cleared to receive withheld names (not in the store: not)."""
    cleared = {
        e.key for e in TrustStore(vault).entries() if e.kind == RECIPIENT and e.withheld_names
    }
    return [r.name for r in recipients if r.recipient not in cleared]


def export_bundle(
    vault: Vault,
    recipients: list[RecipientRef],
    out: Path,
    case_ids: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    override_consent: bool = False,
    recorded: Callable[[ExportResult], None] | None = None,
    packets: PacketRenderer | None = None,
) -> ExportResult:
    """Write a signed, encrypted bundle of ``case_ids`` (None: every case) to ``out``.

    Refuses (``ConsentRefused``, nothing written) cases whose recorded consent
    does not allow sharing, unless ``override_consent``: then each such case
    is named in the audit log. ``recorded`` runs inside the transaction that
    records the bundle (the outbox queues it there), so the bundle's number
    is taken only together with what the caller does with it.

    When a recipient asked for packets (``TrustStore.set_packets``), each
    case's counsel packet travels as ``packet/<case id>.pdf``, made by
    ``packets`` (the core cannot draw PDFs: it never imports Qt). They are
    held in memory between the two passes, one PDF per case.
    """
    if not recipients:
        raise InvalidInput(N_("Name at least one recipient with --to."))
    out = Path(out)
    if out.exists():
        raise InvalidInput(N_("{path} already exists; choose another name."), path=str(out))
    if not out.parent.is_dir():
        raise InvalidInput(N_("The folder {path} does not exist."), path=str(out.parent))
    keys = identity.load(vault.conn)
    bundle_id = str(uuid.uuid4())
    conn = vault.conn
    not_cleared = not_cleared_for_withheld_names(vault, recipients)
    with_packets = bool(wanting_packets(vault, recipients))
    if with_packets and packets is None:
        raise InvalidInput(
            N_("A recipient asks for counsel packets, which this program cannot make here.")
        )
    conn.execute("BEGIN")  # one read snapshot for both passes
    try:
        chosen = _case_ids(vault, case_ids)
        refused = consent.sharing_problems(vault, chosen)
        if refused and not override_consent:
            raise consent.ConsentRefused(refused)
        plan = _plan(vault, chosen, redact_withheld=bool(not_cleared))
        if with_packets and packets is not None:
            for path, data in packet_members(
                vault, plan.cases, bundle_id, plan.redact_withheld, packets, cancelled
            ):
                plan.extra[path] = data
                plan.members.append(Member(path, len(data), hashlib.sha256(data).hexdigest()))
        secret = keys.minisign_secret()
        checksums = encode_checksums(plan.members)
        checksums_sig = (
            bytes(
                secret.sign(
                    checksums, prehash=True, trusted_comment=f"intake-desktop bundle {bundle_id}"
                )
            )
            + b"\n"
        )
        sums = {CHECKSUMS: checksums, CHECKSUMS_SIGNATURE: checksums_sig}
        plan.extra.update(sums)
        plan.members += [
            Member(name, len(data), hashlib.sha256(data).hexdigest()) for name, data in sums.items()
        ]
        previous = conn.execute(
            "SELECT seq, manifest_sha256 FROM bundles_out ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        recipients = _chained(conn, recipients)
        manifest = Manifest(
            bundle_id=bundle_id,
            created_at=vault.now(),
            producer=Producer(
                vault_id=vault.vault_id,
                name=vault.name,
                signing_key=keys.signing_key,
                fingerprint=signing_key_fingerprint(keys.signing_key),
            ),
            sequence=(previous[0] + 1) if previous else 1,
            previous_manifest_sha256=previous[1] if previous else None,
            recipients=tuple(recipients),
            records=tuple(plan.refs),
            members=tuple(plan.members),
            vouches=_vouches(vault, plan.signers),
        )
        manifest_bytes = manifest.encode()
        signature = secret.sign(
            manifest_bytes,
            prehash=True,
            trusted_comment=f"intake-desktop bundle {bundle_id} sequence {manifest.sequence}",
        )
        size = _write(
            vault,
            plan,
            manifest_bytes,
            bytes(signature) + b"\n",
            recipients,
            out,
            progress,
            cancelled,
        )
    except consent.ConsentRefused:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        with contextlib.suppress(Exception), vault.transaction():
            vault.audit("bundle.export_failed", "bundle", bundle_id)
        raise
    conn.execute("COMMIT")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    result = ExportResult(
        path=out,
        bundle_id=bundle_id,
        sequence=manifest.sequence,
        cases=len(plan.cases),
        records=len(plan.refs),
        attachments=len(plan.attachments),
        size=size,
        manifest_sha256=manifest_sha256,
        recipients=tuple(recipients),
        withheld=plan.withheld,
        not_cleared=tuple(not_cleared) if plan.withheld else (),
        consent_overridden=tuple(p.case_id for p in refused),
        packets=sum(1 for m in plan.members if m.path.startswith("packet/")),
    )
    with vault.transaction():
        conn.execute(
            "INSERT INTO bundles_out (seq, bundle_id, manifest_sha256, size, created_at,"
            " created_by, cases, records, recipients) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                manifest.sequence,
                bundle_id,
                manifest_sha256,
                size,
                manifest.created_at,
                vault.user.name,
                len(plan.cases),
                len(plan.refs),
                json.dumps([r.fingerprint for r in recipients]),
            ),
        )
        vault.audit("bundle.export", "bundle", bundle_id)
        for problem in refused:
            vault.audit("bundle.export_consent_override", "case", problem.case_id)
        if recorded is not None:
            recorded(result)
    return result


@dataclass
class _Plan:
    cases: list[str]
    refs: list[RecordRef]
    members: list[Member]
    attachments: list[str]
    redact_withheld: bool = False
    withheld: int = 0  # person records whose withheld names are left out
    signers: set[str] = field(default_factory=set)  # devices answering for attestations here
    # Members made in memory: counsel packets, the checksum file and its signature.
    extra: dict[str, bytes] = field(default_factory=dict)


def _redactions(
    vault: Vault, case_id: str, records: list[Record], withheld: bool
) -> dict[str, tuple[str, ...]]:
    """Record id -> fields to leave out: what arrived here redacted, and, for
    recipients not cleared, every withheld name."""
    found = redaction.stored(vault.conn, case_id)
    if withheld:
        for record in records:
            fields = redaction.withheld(record)
            if fields:
                found[record.id] = fields
    return found


def _encode_case(vault: Vault, case_id: str, withheld: bool) -> tuple[bytes, list[Record], int]:
    records = RecordStore(vault).of_case(case_id, include_deleted=True)
    redacted = _redactions(vault, case_id, records, withheld)
    return encode_records(case_id, records, redacted), records, len(redacted)


def _plan(vault: Vault, case_ids: list[str], redact_withheld: bool) -> _Plan:
    """First pass: what goes in, with every member's size and SHA-256."""
    blobs = BlobStore(vault)
    refs: list[RecordRef] = []
    members: list[Member] = []
    attachments: dict[str, None] = {}
    signers: set[str] = set()
    withheld = 0
    for case_id in case_ids:
        data, records, redacted = _encode_case(vault, case_id, redact_withheld)
        withheld += redacted
        members.append(Member(records_member(case_id), len(data), hashlib.sha256(data).hexdigest()))
        refs.extend(RecordRef(r.id, r.kind, r.case_id, r.version, r.rev) for r in records)
        attachments.update(dict.fromkeys(_attachments_of(records)))
        signers.update(
            attestations.device_key(r.body[kind])
            for r in records
            if r.kind == "statement"
            for kind in ("certification", "read_back")
            if isinstance(r.body.get(kind), dict) and r.body[kind].get("signing_key")
        )
    for sha256 in attachments:
        members.append(Member(attachment_member(sha256), blobs.size(sha256), sha256))
    return _Plan(case_ids, refs, members, list(attachments), redact_withheld, withheld, signers)


def _write(
    vault: Vault,
    plan: _Plan,
    manifest: bytes,
    signature: bytes,
    recipients: list[RecipientRef],
    out: Path,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    """Second pass: stream the tar through age into a temp file; the bundle's size."""
    tmp = temp_name(out)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    try:
        sealed = EncryptChannel.open(tmp, [r.recipient for r in recipients])
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # made above, empty: not left behind as a .partial
        raise
    total = len(manifest) + len(signature) + sum(m.size + 1024 for m in plan.members)
    done = 0

    def report(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal done
        for chunk in chunks:
            if cancelled is not None and cancelled():
                raise Cancelled(N_("The export was cancelled; no bundle was written."))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            yield chunk

    # The stack closes the chunk readers (threads, connections) before the
    # caller may close the connection they were cloned from.
    stack = contextlib.ExitStack()
    try:
        tar = TarWriter(sealed.plaintext, mtime=int(time.time()))
        tar.add(MANIFEST, len(manifest), [manifest])
        tar.add(SIGNATURE, len(signature), [signature])
        stack.enter_context(EarlyWriteback(tmp))
        readers = stack.enter_context(ParallelChunks(vault))
        cases = iter(plan.cases)
        for member in plan.members:
            if member.path in plan.extra:
                tar.add(member.path, member.size, [plan.extra[member.path]])
            elif member.path.startswith("records/"):
                case_id = next(cases)
                data = _encode_case(vault, case_id, plan.redact_withheld)[0]
                if hashlib.sha256(data).hexdigest() != member.sha256:
                    raise VaultDamaged(N_("The vault changed while it was read; export again."))
                tar.add(member.path, member.size, report(iter([data])))
            else:
                # No second SHA-256 here: SQLCipher's per-page HMAC already
                # proves the chunks are the bytes stored under this address,
                # and the receiver checks the hash anyway.
                chunks = readers.chunks(member.sha256)
                tar.add(member.path, member.size, report(_sized(chunks, member)))
        tar.close()
        size = sealed.finish()
        with contextlib.suppress(FileExistsError):
            # link + unlink: never replace a file that appeared meanwhile.
            os.link(tmp, out)
            os.unlink(tmp)
            fsync_dir(out.parent)
            return size
        raise InvalidInput(N_("{path} already exists; choose another name."), path=str(out))
    finally:
        stack.close()
        sealed.abort()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _sized(chunks: Iterator[bytes], member: Member) -> Iterator[bytes]:
    """An attachment's chunks, checked to add up to its recorded size.

    A lost or overlong chunk row is vault damage, reported as such (not as
    the tar writer's ValueError, which would read as a bug).
    """
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > member.size:
            break
        yield chunk
    if size != member.size:
        raise VaultDamaged(N_("An attachment in the vault is damaged; run vault check."))
