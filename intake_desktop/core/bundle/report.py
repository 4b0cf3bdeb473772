"""What an import changed, by case: the review a coordinator makes of a bundle.

Each record a bundle added, changed, deleted or left as a conflict is listed
under its case, with who created the case as far as this vault knows: the
signing key that first brought its case record (``record_sources.first``),
or this vault when its first audit entry is ``case.create`` here. A device
writing into a case another device (or this vault) created is marked.
Devices are named as this vault's trust store names them, never as a bundle
calls itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..fingerprint import signing_key_fingerprint
from ..records import Record
from ..trust import TrustStore
from ..vault import Vault
from . import merge


class Change(StrEnum):
    """What happened to a record, for the report."""

    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"  # a newer tombstone
    PROPOSED = "conflict"  # kept as a conflict for review


class Origin(StrEnum):
    """Who created a case, as far as this vault knows."""

    THIS_VAULT = "this_vault"
    DEVICE = "device"
    UNKNOWN = "unknown"


# Short names, as re.IGNORECASE stands for re.RegexFlag.IGNORECASE.
ADDED, CHANGED, DELETED, PROPOSED = Change.ADDED, Change.CHANGED, Change.DELETED, Change.PROPOSED
ORIGIN_THIS_VAULT, ORIGIN_DEVICE, ORIGIN_UNKNOWN = Origin.THIS_VAULT, Origin.DEVICE, Origin.UNKNOWN


@dataclass(frozen=True)
class RecordChange:
    id: str
    kind: str
    change: Change
    version: int

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "change": self.change, "version": self.version}


@dataclass
class CaseChanges:
    """What one bundle added or changed in one case, for a person to review."""

    case_id: str
    title: str = ""  # as stored after the import ("" if the case is deleted)
    origin: Origin = ORIGIN_UNKNOWN
    origin_name: str = ""  # the trust store's name of the creating device (or this vault's)
    origin_fingerprint: str = ""
    other_device: bool = False  # created here or by another device than the bundle's signer
    records: list[RecordChange] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        # No title: what import prints (scripts, logs of a terminal) carries
        # ids, never case content; `case show ID` or the app show the case.
        return {
            "case_id": self.case_id,
            "created_by": {
                "origin": self.origin,
                "name": self.origin_name or None,
                "fingerprint": self.origin_fingerprint or None,
            },
            "written_by_another_device": self.other_device,
            "records": [r.as_json() for r in self.records],
        }


def trusted_name(vault: Vault, signing_key: str, own_key: str) -> str | None:
    """What this vault calls the signer: never the name the bundle claims for itself."""
    if signing_key == own_key:
        return vault.name
    # A revoked device keeps its name; whether its bundle counts is the importer's check.
    entry = TrustStore(vault).device_for_key(signing_key, revoked_too=True)
    return entry.name if entry is not None else None


def note_change(by_case: dict[str, CaseChanges], record: Record, outcome: merge.Outcome) -> None:
    change = {
        merge.NEW: ADDED,
        merge.UPDATED: DELETED if record.deleted else CHANGED,
        merge.CONFLICT: PROPOSED,
    }.get(outcome)
    if change is None:
        return  # unchanged or older: nothing to review
    case = by_case.setdefault(record.case_id, CaseChanges(record.case_id))
    case.records.append(RecordChange(record.id, record.kind, change, record.version))


def describe_cases(vault: Vault, changes: list[CaseChanges], signer: str, own_key: str) -> None:
    """Each changed case's title and creator, for the review of what the bundle did."""
    for case in changes:
        row = vault.conn.execute(
            "SELECT title FROM case_list WHERE id = ?", (case.case_id,)
        ).fetchone()
        case.title = row[0] if row else ""
        origin = vault.conn.execute(
            "SELECT signing_key FROM record_sources WHERE record_id = ? AND first = 1",
            (case.case_id,),
        ).fetchone()
        if origin is not None:
            key = origin[0]
            case.origin = ORIGIN_THIS_VAULT if key == own_key else ORIGIN_DEVICE
            case.origin_name = trusted_name(vault, key, own_key) or ""
            case.origin_fingerprint = signing_key_fingerprint(key)
            case.other_device = key != signer
            continue
        created_here = vault.conn.execute(
            "SELECT 1 FROM audit_log WHERE record_id = ? AND action = 'case.create' LIMIT 1",
            (case.case_id,),
        ).fetchone()
        if created_here is not None:
            case.origin, case.origin_name = ORIGIN_THIS_VAULT, vault.name
            case.origin_fingerprint = signing_key_fingerprint(own_key)
            case.other_device = signer != own_key
