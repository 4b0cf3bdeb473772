"""The bundle manifest and record members: building, encoding, strict parsing.

docs/bundle-format.md is the specification; this module is its reference
implementation. Everything parsed here comes from a file anyone holding our
public age recipient could have written, so parsing is strict, bounded and
names what was wrong without quoting content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import BundleRejected
from ..fields import is_uuid
from ..i18n import N_
from ..records import Record
from . import redaction

FORMAT = "intake-desktop-bundle"
VERSION = 1
RECORDS_FORMAT = "intake-desktop-records"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.minisig"
# For counsel without this app: `sha256sum -c SHA256SUMS` after
# `minisign -V -m SHA256SUMS`. Both are listed (with hashes) in the manifest.
CHECKSUMS = "SHA256SUMS"
CHECKSUMS_SIGNATURE = "SHA256SUMS.minisig"
MAX_MANIFEST_BYTES = 64 << 20
# An unknown signer's manifest is parsed (to quarantine the bundle under its
# signer's fingerprint) only up to this size: ~10,000 members.
MAX_UNVERIFIED_MANIFEST_BYTES = 2 << 20
MAX_SIGNATURE_BYTES = 4096
MAX_RECORDS_MEMBER_BYTES = 64 << 20
MAX_MEMBERS = 1_000_000
# Record versions and bundle sequence numbers grow by one per edit or bundle;
# a number near SQLite's 2^63 limit is forged (and a record stored at the
# limit could never be edited again).
MAX_NUMBER = (1 << 31) - 1

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REV = re.compile(r"^[0-9a-f]{32}$")


def records_member(case_id: str) -> str:
    return f"records/{case_id}.json"


def attachment_member(sha256: str) -> str:
    return f"attachments/{sha256}"


def packet_member(case_id: str) -> str:
    """A case's counsel packet (a PDF), for a recipient who asked for packets."""
    return f"packet/{case_id}.pdf"


@dataclass(frozen=True)
class Producer:
    vault_id: str
    name: str
    signing_key: str
    fingerprint: str


@dataclass(frozen=True)
class RecipientRef:
    name: str
    recipient: str
    fingerprint: str
    # The bundle's number in the sender's chain to this recipient and the
    # previous bundle's manifest hash in that chain (None: written before
    # chains per recipient; the shared ``sequence`` counts then).
    sequence: int | None = None
    previous_manifest_sha256: str | None = None


@dataclass(frozen=True)
class Vouch:
    """A device key the sender trusts, named as in its trust store: carried so that
    the certifications that device signed verify at a recipient trusting the sender."""

    name: str
    signing_key: str
    fingerprint: str


@dataclass(frozen=True)
class RecordRef:
    id: str
    kind: str
    case_id: str
    version: int
    rev: str


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    created_at: str
    producer: Producer
    sequence: int
    previous_manifest_sha256: str | None
    recipients: tuple[RecipientRef, ...]
    records: tuple[RecordRef, ...]
    members: tuple[Member, ...]
    vouches: tuple[Vouch, ...] = ()

    def chain_for(self, recipient: str) -> tuple[int, str | None]:
        """This bundle's number and its predecessor's manifest hash in the sender's chain
        to ``recipient`` (an age recipient); the shared numbering for an older bundle."""
        for ref in self.recipients:
            if ref.recipient == recipient and ref.sequence is not None:
                return ref.sequence, ref.previous_manifest_sha256
        return self.sequence, self.previous_manifest_sha256

    def encode(self) -> bytes:
        doc = {"format": FORMAT, "version": VERSION, **asdict(self)}
        return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def encode_checksums(members: list[Member]) -> bytes:
    return "".join(f"{m.sha256}  {m.path}\n" for m in members).encode("ascii")


def encode_records(
    case_id: str, records: list[Record], redacted: Mapping[str, tuple[str, ...]] | None = None
) -> bytes:
    """One member per case: the case record first, then the rest in the vault's order.

    The importer writes records in this order, and a case lists its people,
    statements... in creation order (created_at, then insertion): sorting by
    id here would reorder the people of a case on the receiving side.
    ``redacted``: record id -> fields left out (redaction.py).
    """
    redacted = redacted or {}
    entries = []
    for r in sorted(records, key=lambda r: r.kind != "case"):  # stable sort
        fields = redacted.get(r.id, ())
        entry = {
            "id": r.id,
            "case_id": r.case_id,
            "kind": r.kind,
            "version": r.version,
            "rev": r.rev,
            "history": list(r.history),
            "body": redaction.blank(r.body, fields) if fields else r.body,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "updated_by": r.updated_by,
            "deleted": r.deleted,
        }
        if fields:
            entry[redaction.KEY] = list(fields)
        entries.append(entry)
    doc = {"format": RECORDS_FORMAT, "case_id": case_id, "records": entries}
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False) + "\n").encode()


# Parsing


def _bad(what: str) -> BundleRejected:
    return BundleRejected(N_("The bundle's manifest is malformed ({what})."), what=what)


def _get(obj: Any, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _bad(what)
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(what)
    return value


def _text(obj: Any, key: str, what: str, limit: int = 200) -> str:
    value: str = _get(obj, key, str, what)
    if len(value) > limit or not value.isprintable():
        raise _bad(what)
    return value


def _sha(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise _bad(what)
    return value


def _uuid(value: Any, what: str) -> str:
    if not isinstance(value, str) or not is_uuid(value):
        raise _bad(what)
    return value


def parse_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, UnicodeDecodeError and the
        # interpreter's limit on integer digits (a 5000-digit number).
        raise _bad(what) from None


def parse_manifest(data: bytes) -> Manifest:
    doc = parse_json(data, "json")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleRejected(N_("This is not an intake-desktop bundle."))
    version = doc.get("version")
    if type(version) is not int or version != VERSION:  # not true or 1.0, which == 1
        raise BundleRejected(
            N_("The bundle has format version {version}; this app reads version {supported}."),
            version=str(version)[:10],
            supported=VERSION,
        )
    producer = _get(doc, "producer", dict, "producer")
    previous = doc.get("previous_manifest_sha256")
    sequence = _get(doc, "sequence", int, "sequence")
    if not 1 <= sequence <= MAX_NUMBER:
        raise _bad("sequence")
    raw_members = _get(doc, "members", list, "members")
    raw_records = _get(doc, "records", list, "records")
    raw_recipients = _get(doc, "recipients", list, "recipients")
    if len(raw_members) > MAX_MEMBERS or len(raw_records) > MAX_MEMBERS:
        raise _bad("too many entries")
    if len(raw_recipients) > 64:
        raise _bad("recipients")
    manifest = Manifest(
        bundle_id=_uuid(doc.get("bundle_id"), "bundle_id"),
        created_at=_text(doc, "created_at", "created_at", 40),
        producer=Producer(
            vault_id=_uuid(producer.get("vault_id"), "producer.vault_id"),
            name=_text(producer, "name", "producer.name"),
            signing_key=_text(producer, "signing_key", "producer.signing_key"),
            fingerprint=_text(producer, "fingerprint", "producer.fingerprint", 64),
        ),
        sequence=sequence,
        previous_manifest_sha256=None if previous is None else _sha(previous, "previous"),
        recipients=tuple(_recipient_ref(r) for r in raw_recipients),
        records=tuple(_record_ref(r) for r in raw_records),
        members=tuple(_member(m) for m in raw_members),
        vouches=_vouches(doc.get("vouches", [])),
    )
    paths = [m.path for m in manifest.members]
    if len(set(paths)) != len(paths):
        raise BundleRejected(N_("The bundle's manifest lists a member twice."))
    if len({r.id for r in manifest.records}) != len(manifest.records):
        raise BundleRejected(N_("The bundle's manifest lists a record twice."))
    return manifest


def _vouches(raw: Any) -> tuple[Vouch, ...]:
    if not isinstance(raw, list) or len(raw) > 256:
        raise _bad("vouches")
    found = []
    for item in raw:
        if not isinstance(item, dict):
            raise _bad("vouches")
        found.append(
            Vouch(
                name=_text(item, "name", "vouches"),
                signing_key=_text(item, "signing_key", "vouches"),
                fingerprint=_text(item, "fingerprint", "vouches", 64),
            )
        )
    return tuple(found)


def _recipient_ref(raw: Any) -> RecipientRef:
    if not isinstance(raw, dict):
        raise _bad("recipients")
    sequence, previous = raw.get("sequence"), raw.get("previous_manifest_sha256")
    if sequence is not None and (type(sequence) is not int or not 1 <= sequence <= MAX_NUMBER):
        raise _bad("recipients.sequence")
    return RecipientRef(
        name=_text(raw, "name", "recipients"),
        recipient=_text(raw, "recipient", "recipients"),
        fingerprint=_text(raw, "fingerprint", "recipients", 64),
        sequence=sequence,
        previous_manifest_sha256=None if previous is None else _sha(previous, "recipients"),
    )


def _record_ref(raw: Any) -> RecordRef:
    version = _get(raw, "version", int, "records.version")
    rev = _get(raw, "rev", str, "records.rev")
    if not 1 <= version <= MAX_NUMBER or not _REV.match(rev):
        raise _bad("records")
    return RecordRef(
        id=_uuid(raw.get("id"), "records.id"),
        kind=_text(raw, "kind", "records.kind", 40),
        case_id=_uuid(raw.get("case_id"), "records.case_id"),
        version=version,
        rev=rev,
    )


def _member(raw: Any) -> Member:
    path = _text(raw, "path", "members.path", 100)
    size = _get(raw, "size", int, "members.size")
    sha256 = _sha(raw.get("sha256") if isinstance(raw, dict) else None, "members.sha256")
    if size < 0:
        raise _bad("members.size")
    kind, _, rest = path.partition("/")
    valid = (
        (kind == "records" and rest.endswith(".json") and is_uuid(rest[:-5]))
        or (kind == "attachments" and _SHA256.match(rest) is not None and rest == sha256)
        or (kind == "packet" and rest.endswith(".pdf") and is_uuid(rest[:-4]))
        or path in (CHECKSUMS, CHECKSUMS_SIGNATURE)
    )
    if not valid:
        raise BundleRejected(
            N_("The bundle's manifest lists an unexpected member {path}."), path=_visible(path)
        )
    return Member(path=path, size=size, sha256=sha256)


def _visible(text: str) -> str:
    """Attacker-chosen text made safe to show: escaped and cut short."""
    return text[:80].encode("unicode_escape").decode("ascii")


def parse_records(data: bytes, case_id: str) -> list[dict[str, Any]]:
    doc = parse_json(data, "records")
    if not isinstance(doc, dict) or doc.get("format") != RECORDS_FORMAT:
        raise _bad("records member")
    if doc.get("case_id") != case_id or not isinstance(doc.get("records"), list):
        raise _bad("records member")
    records: list[dict[str, Any]] = doc["records"]
    return records
