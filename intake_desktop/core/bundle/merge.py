"""Merging records from a bundle, and the conflicts a person must resolve.

Each record carries its revision hash and its ancestors' (records.py). For an
incoming copy of a record we hold:

* same revision            -> nothing to do;
* ours is among its ancestors -> it is newer: take it as it is;
* it is among our ancestors   -> it is older: keep ours;
* neither                  -> both sides edited since their common version:
                              keep ours, store theirs as a conflict. Nothing
                              is ever dropped silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from ..errors import BundleRejected, InvalidInput, NotFound
from ..fields import is_uuid
from ..i18n import N_
from ..model import KINDS, validate
from ..records import HISTORY_LIMIT, Record, RecordStore, canonical_json, compute_rev
from ..vault import Vault

NEW, UPDATED, UNCHANGED, OLDER, CONFLICT = "new", "updated", "unchanged", "older", "conflict"
_REV = re.compile(r"^[0-9a-f]{32}$")


def _bad(what: str) -> BundleRejected:
    return BundleRejected(N_("A record in the bundle is malformed ({what})."), what=what)


def record_from_bundle(raw: Any, case_id: str) -> Record:
    """A record exactly as the producer stored it, checked field by field."""
    if not isinstance(raw, dict) or set(raw) != {
        "id",
        "case_id",
        "kind",
        "version",
        "rev",
        "history",
        "body",
        "created_at",
        "updated_at",
        "updated_by",
        "deleted",
    }:
        raise _bad("fields")
    kind = KINDS.get(raw["kind"]) if isinstance(raw["kind"], str) else None
    if kind is None:
        raise _bad("kind")
    if not isinstance(raw["id"], str) or not is_uuid(raw["id"]) or raw["case_id"] != case_id:
        raise _bad("id")
    if kind.name == "case" and raw["id"] != case_id:
        raise _bad("case id")
    version, deleted, history = raw["version"], raw["deleted"], raw["history"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _bad("version")
    if not isinstance(deleted, bool):
        raise _bad("deleted")
    if not isinstance(history, list) or len(history) > HISTORY_LIMIT:
        raise _bad("history")
    for rev in [raw["rev"], *history]:
        if not isinstance(rev, str) or not _REV.match(rev):
            raise _bad("rev")
    for field in ("created_at", "updated_at", "updated_by"):
        value = raw[field]
        if not isinstance(value, str) or len(value) > 64 or not value.isprintable():
            raise _bad(field)
    if deleted:
        if raw["body"] != {}:
            raise _bad("body")
        body: dict[str, Any] = {}
    else:
        try:
            body = validate(kind, raw["body"], kind.name)
        except InvalidInput:
            raise _bad("body") from None
    record = Record(
        raw["id"],
        case_id,
        kind.name,
        version,
        raw["rev"],
        tuple(history),
        body,
        raw["created_at"],
        raw["updated_at"],
        raw["updated_by"],
        deleted,
    )
    # The revision hash must match the content: a record altered anywhere
    # on the way (even by its signer's tooling) is refused, not stored.
    if compute_rev(record, history[-1] if history else None) != record.rev:
        raise _bad("revision hash")
    return record


def merge_record(vault: Vault, incoming: Record, bundle_id: str) -> str:
    """Apply one incoming record; call inside the import's transaction."""
    store = RecordStore(vault)
    local = store.get(incoming.id)
    if local is None:
        if incoming.kind != "case" and store.get(incoming.case_id) is None:
            raise BundleRejected(N_("A record in the bundle belongs to a case it does not hold."))
        store.write_raw(incoming)
        return NEW
    if local.kind != incoming.kind or local.case_id != incoming.case_id:
        raise BundleRejected(N_("A record in the bundle clashes with a different local record."))
    if local.rev == incoming.rev:
        return UNCHANGED
    if local.rev in incoming.history:
        store.write_raw(incoming)
        return UPDATED
    if incoming.rev in local.history:
        return OLDER
    seen = vault.conn.execute(
        "SELECT 1 FROM conflicts WHERE record_id = ? AND rev = ?", (incoming.id, incoming.rev)
    ).fetchone()
    if seen is None:
        vault.conn.execute(
            "INSERT INTO conflicts (record_id, case_id, kind, version, rev, history, body,"
            " updated_at, updated_by, deleted, bundle_id, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                incoming.id,
                incoming.case_id,
                incoming.kind,
                incoming.version,
                incoming.rev,
                json.dumps(list(incoming.history)),
                canonical_json(incoming.body),
                incoming.updated_at,
                incoming.updated_by,
                int(incoming.deleted),
                bundle_id,
                vault.now(),
            ),
        )
        vault.audit("record.conflict", incoming.kind, incoming.id)
    return CONFLICT


@dataclass(frozen=True)
class Conflict:
    id: int
    record_id: str
    case_id: str
    kind: str
    local: Record
    incoming: Record
    bundle_id: str
    received_at: str


def conflicts(vault: Vault, include_resolved: bool = False) -> list[Conflict]:
    store = RecordStore(vault)
    rows = vault.conn.execute(
        "SELECT id, record_id, case_id, kind, version, rev, history, body, updated_at,"
        " updated_by, deleted, bundle_id, received_at FROM conflicts"
        " WHERE resolved <= ? ORDER BY id",
        (1 if include_resolved else 0,),
    )
    found = []
    for cid, rid, case_id, kind, version, rev, history, body, at, by, deleted, bid, recv in rows:
        local = store.get(rid)
        if local is None:
            continue
        incoming = Record(
            rid,
            case_id,
            kind,
            version,
            rev,
            tuple(json.loads(history)),
            json.loads(body),
            local.created_at,
            at,
            by,
            bool(deleted),
        )
        found.append(Conflict(cid, rid, case_id, kind, local, incoming, bid, recv))
    return found


def resolve(vault: Vault, conflict_id: int, keep: str) -> Record:
    """Settle a conflict by keeping ``"local"`` or ``"incoming"``.

    The result is a new version that descends from both sides, so either
    side's next bundle sees it as newer instead of conflicting again.
    """
    found = next((c for c in conflicts(vault) if c.id == conflict_id), None)
    if found is None:
        raise NotFound(N_("No open conflict {id}."), id=conflict_id)
    if keep not in ("local", "incoming"):
        raise InvalidInput(N_("Keep either local or incoming."))
    chosen = found.local if keep == "local" else found.incoming
    local = found.local
    ancestors = [*local.history, local.rev, *found.incoming.history, found.incoming.rev]
    history = tuple(dict.fromkeys(ancestors))[-HISTORY_LIMIT:]
    record = replace(
        local,
        version=max(local.version, found.incoming.version) + 1,
        history=history,
        body=chosen.body,
        deleted=chosen.deleted,
        updated_at=vault.now(),
        updated_by=vault.user.name,
    )
    record = replace(record, rev=compute_rev(record, history[-1]))
    with vault.transaction():
        RecordStore(vault).write_raw(record)
        vault.conn.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?", (conflict_id,))
        vault.audit(f"conflict.keep_{keep}", found.kind, found.record_id)
    return record
