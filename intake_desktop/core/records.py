"""Storing records: versions, revision hashes, the case list (and, through search.py, the index).

Every write to a record goes through ``RecordStore`` so the things derived
from it (full-text index rows, the case-list row, the audit entry) change in
the same transaction. Callers open the transaction (``vault.transaction()``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import attestations, search
from .errors import InvalidInput, NotFound, NotPermitted, StaleEdit
from .i18n import N_
from .model import KINDS, Kind, display_name, references
from .vault import Vault

HISTORY_LIMIT = 64


@dataclass(frozen=True)
class Record:
    id: str
    case_id: str
    kind: str
    version: int
    rev: str
    history: tuple[str, ...]  # ancestor revisions, oldest first
    body: dict[str, Any]
    created_at: str
    updated_at: str
    updated_by: str
    deleted: bool = False

    def system_fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


def canonical_json(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_rev(record: Record, parent: str | None) -> str:
    """A revision id: the hash of everything a merge must agree on."""
    fields = [record.id, record.case_id, record.kind, record.version, record.deleted, record.body]
    data = canonical_json([*fields, parent or ""]).encode("utf-8")
    return hashlib.sha256(b"intake-desktop record v1\n" + data).hexdigest()[:32]


_COLUMNS = (
    "id, case_id, kind, version, rev, history, body, created_at, updated_at, updated_by, deleted"
)


def record_from_row(row: Sequence[Any]) -> Record:
    """A record from its columns, in the order of ``records`` (id ... deleted)."""
    rid, case_id, kind, version, rev, history, body, created, updated, by, deleted = row
    return Record(
        rid,
        case_id,
        kind,
        version,
        rev,
        tuple(json.loads(history)),
        json.loads(body),
        created,
        updated,
        by,
        bool(deleted),
    )


class RecordStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn

    # Reading

    def get(self, record_id: str) -> Record | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,))  # noqa: S608
        found = row.fetchone()
        return record_from_row(found) if found else None

    def require(self, record_id: str, kind: str | None = None) -> Record:
        record = self.get(record_id)
        if record is None or record.deleted or (kind and record.kind != kind):
            raise NotFound(N_("No {kind} with id {id}."), kind=kind or "record", id=record_id)
        return record

    def of_case(self, case_id: str, include_deleted: bool = False) -> list[Record]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM records WHERE case_id = ? ORDER BY created_at, rowid",  # noqa: S608
            (case_id,),
        )
        return [r for r in map(record_from_row, rows) if include_deleted or not r.deleted]

    # Writing (inside vault.transaction())

    def create(
        self, case_id: str, kind: Kind, body: dict[str, Any], record_id: str | None = None
    ) -> Record:
        """A new record; a case is its own ``case_id`` (pass any value for it)."""
        now, user = self.vault.now(), self.vault.user.name
        record_id = record_id or str(uuid.uuid4())
        if kind.name == "case":
            case_id = record_id
        else:
            self.require(case_id, "case")
        record = Record(record_id, case_id, kind.name, 1, "", (), body, now, now, user)
        self._check_references(kind, record)
        if kind.name == "statement":
            attestations.check_local_write(self.vault, None, body)
        record = replace(record, rev=compute_rev(record, None))
        self._write(record, previous=None)
        self.vault.audit(f"{kind.name}.create", kind.name, record.id)
        return record

    def update(
        self, record_id: str, body: dict[str, Any], expected_version: int | None = None
    ) -> Record:
        old = self.require(record_id)
        if self.is_redacted(old):
            raise NotPermitted(
                N_(
                    "This {kind} came with fields withheld from this vault; it can be changed"
                    " only where it was recorded."
                ),
                kind=old.kind,
            )
        if expected_version is not None and old.version != expected_version:
            raise StaleEdit(
                N_("This {kind} was changed elsewhere (now version {version}); reload it."),
                kind=old.kind,
                version=old.version,
            )
        if body == old.body:
            return old
        self._check_references(KINDS[old.kind], replace(old, body=body))
        if old.kind == "statement":
            attestations.check_local_write(self.vault, old.body, body)
        return self._next_version(old, body=body, action="update")

    def delete(self, record_id: str, expected_version: int | None = None) -> Record:
        """Keep a tombstone (id, version) so the deletion travels in bundles."""
        old = self.require(record_id)
        if expected_version is not None and old.version != expected_version:
            raise StaleEdit(N_("This {kind} was changed elsewhere; reload it."), kind=old.kind)
        return self._next_version(old, body={}, action="delete", deleted=True)

    def _next_version(
        self, old: Record, *, body: dict[str, Any], action: str, deleted: bool = False
    ) -> Record:
        history = (*old.history, old.rev)[-HISTORY_LIMIT:]
        record = replace(
            old,
            version=old.version + 1,
            history=history,
            body=body,
            deleted=deleted,
            updated_at=self.vault.now(),
            updated_by=self.vault.user.name,
        )
        record = replace(record, rev=compute_rev(record, old.rev))
        self._write(record, previous=old)
        self.vault.audit(f"{old.kind}.{action}", old.kind, old.id)
        return record

    def is_redacted(self, record: Record) -> bool:
        """Whether this revision was received with fields left out (see bundle/redaction)."""
        row = self.conn.execute(
            "SELECT 1 FROM redactions WHERE record_id = ? AND rev = ?", (record.id, record.rev)
        ).fetchone()
        return row is not None

    def _check_references(self, kind: Kind, record: Record) -> None:
        for field_name, target, ref in references(kind, record.body):
            row = self.conn.execute(
                "SELECT kind, case_id, deleted FROM records WHERE id = ?", (ref,)
            ).fetchone()
            if row is None or row[0] != target or row[1] != record.case_id or row[2]:
                raise InvalidInput(
                    N_("{path}: no {kind} with that id in this case."),
                    path=f"{kind.name}.{field_name}",
                    kind=target,
                )
        for i, item in enumerate(record.body.get("attachments", [])):
            found = self.conn.execute(
                "SELECT size FROM blobs WHERE sha256 = ? AND complete = 1", (item["sha256"],)
            ).fetchone()
            if found is None:
                raise InvalidInput(
                    N_("{path}: the attachment is not in this vault."),
                    path=f"evidence.attachments[{i}]",
                )

    def _write(self, record: Record, *, previous: Record | None) -> None:
        """Store ``record`` over ``previous`` (None: a new row) with everything derived from it."""
        new = previous is None
        values = (
            record.case_id,
            record.kind,
            record.version,
            record.rev,
            json.dumps(list(record.history)),
            canonical_json(record.body),
            record.created_at,
            record.updated_at,
            record.updated_by,
            int(record.deleted),
            record.id,
        )
        if new:
            self.conn.execute(
                "INSERT INTO records (case_id, kind, version, rev, history, body, created_at,"
                " updated_at, updated_by, deleted, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        else:
            # Only the columns a new version changes: setting case_id or kind,
            # even to the same value, rewrites the records_by_case index page,
            # and every page written is encrypted and authenticated again.
            done = self.conn.execute(
                "UPDATE records SET version = ?, rev = ?, history = ?, body = ?, updated_at = ?,"
                " updated_by = ?, deleted = ? WHERE id = ? AND case_id = ? AND kind = ?",
                (*values[2:6], *values[7:], record.case_id, record.kind),
            )
            if done.rowcount != 1:
                raise RuntimeError("a record cannot move to another case or kind")
        self._reindex(record)
        self._update_case_list(record, was_live=previous is not None and not previous.deleted)
        if record.deleted:
            self._forget(record)
        if previous is not None and record.kind == "evidence":
            gone = attachment_hashes(previous.body) - attachment_hashes(record.body)
            release_attachments(self.conn, gone)

    def write_raw(self, record: Record) -> None:
        """Store a record exactly as given (merging a bundle, settling a conflict).

        Conflicts whose incoming side this revision already descends from are
        closed: a stale conflict resolved later would put back a superseded value.
        """
        self._write(record, previous=self.get(record.id))
        settle_superseded_conflicts(self.conn, record)

    def _forget(self, record: Record) -> None:
        """A deleted record leaves no content behind: conflict copies, drafts, redaction marks.

        The search row and the case-list row go in ``_reindex`` and
        ``_update_case_list``; attachment content no live record names goes here.
        """
        statements = _FORGET_CASE if record.kind == "case" else _FORGET_RECORD
        bodies = self.conn.execute(statements[0], (record.id,)).fetchall()
        for statement in statements[1:]:
            self.conn.execute(statement, (record.id,))
        gone: set[str] = set()
        for (body,) in bodies:
            gone |= attachment_hashes(json.loads(body))
        release_attachments(self.conn, gone)

    def _reindex(self, record: Record) -> None:
        rowid = self.conn.execute("SELECT rowid FROM records WHERE id = ?", (record.id,))
        (row,) = rowid.fetchone()
        text = "" if record.deleted else search.search_text(record.kind, record.body)
        search.update(self.conn, row, record.case_id, text)

    def _update_case_list(self, record: Record, *, was_live: bool) -> None:
        if record.kind == "case":
            if record.deleted:
                self.conn.execute("DELETE FROM case_list WHERE id = ?", (record.id,))
            else:
                self._write_case_row(record)
            return
        # Counted by difference: recounting a case's people on every write made
        # importing a case of n people cost n^2 (20,000 people took 28 s).
        delta = int(record.kind == "person" and not record.deleted) - int(
            record.kind == "person" and was_live
        )
        if delta:
            self.conn.execute(
                "UPDATE case_list SET people = people + ? WHERE id = ?", (delta, record.case_id)
            )
        self.conn.execute(
            "UPDATE case_list SET updated_at = max(updated_at, ?) WHERE id = ?",
            (record.updated_at, record.case_id),
        )

    def _write_case_row(self, record: Record) -> None:
        body = record.body
        shown = {
            "title": body.get("title", ""),
            "route": body.get("route", ""),
            "status": body.get("status", ""),
            "priority": json.dumps(body.get("priority", [])),
        }
        current = self.conn.execute(
            "SELECT title, route, status, priority FROM case_list WHERE id = ?", (record.id,)
        ).fetchone()
        if current is None:
            # Counted once here (a case settled back to life may have people);
            # from then on by difference.
            self.conn.execute(
                "INSERT INTO case_list (id, title, route, status, priority, people, updated_at)"
                " VALUES (?, ?, ?, ?, ?, (SELECT count(*) FROM records WHERE case_id = ?"
                " AND kind = 'person' AND deleted = 0), ?)",
                (record.id, *shown.values(), record.id, record.updated_at),
            )
            return
        # Setting an indexed column, even to its old value, rewrites its
        # index page: set only what changed (fixed statements, no SQL built).
        for (column, value), old in zip(shown.items(), current, strict=True):
            if value != old:
                self.conn.execute(_SET_CASE_COLUMN[column], (value, record.id))
        self.conn.execute(
            "UPDATE case_list SET updated_at = max(updated_at, ?) WHERE id = ?",
            (record.updated_at, record.id),
        )


# What a deleted record leaves behind: evidence bodies held by conflicts (for
# their attachments), then the rows to delete. A case: everything of the case.
_FORGET_RECORD = (
    "SELECT body FROM conflicts WHERE record_id = ? AND kind = 'evidence'",
    "DELETE FROM conflicts WHERE record_id = ?",
    "DELETE FROM drafts WHERE record_id = ?",
    "DELETE FROM redactions WHERE record_id = ?",
)
_FORGET_CASE = (
    "SELECT body FROM conflicts WHERE case_id = ? AND kind = 'evidence'",
    "DELETE FROM conflicts WHERE case_id = ?",
    "DELETE FROM drafts WHERE case_id = ?",
    "DELETE FROM redactions WHERE record_id = ?",
)

_SET_CASE_COLUMN = {
    "title": "UPDATE case_list SET title = ? WHERE id = ?",
    "route": "UPDATE case_list SET route = ? WHERE id = ?",
    "status": "UPDATE case_list SET status = ? WHERE id = ?",
    "priority": "UPDATE case_list SET priority = ? WHERE id = ?",
}


def person_label(record: Record) -> str:
    return display_name(record.body)


def attachment_hashes(body: dict[str, Any]) -> set[str]:
    return {str(item["sha256"]) for item in body.get("attachments") or ()}


# Whether some live evidence record or open conflict still names the content.
_ATTACHMENT_NAMED = (
    "SELECT 1 FROM records, json_each(records.body, '$.attachments') AS item"
    " WHERE records.kind = 'evidence' AND records.deleted = 0"
    " AND json_extract(item.value, '$.sha256') = ?1"
    " UNION ALL SELECT 1 FROM conflicts, json_each(conflicts.body, '$.attachments') AS item"
    " WHERE conflicts.kind = 'evidence' AND conflicts.resolved = 0"
    " AND json_extract(item.value, '$.sha256') = ?1 LIMIT 1"
)


def attachment_named(conn: Any, sha256: str) -> bool:
    return conn.execute(_ATTACHMENT_NAMED, (sha256,)).fetchone() is not None


def release_attachments(conn: Any, hashes: set[str]) -> None:
    """Remove the content of attachments nothing names any more.

    Content is stored once per SHA-256 and may be named by several evidence
    records (the same scan in two cases), so it goes only with the last one.
    The row holds the blob file's key: once this commits (``secure_delete``
    zeroes the freed bytes) the file is unreadable, and the vault unlinks it.
    """
    for sha256 in sorted(hashes):
        if attachment_named(conn, sha256):
            continue
        row = conn.execute("SELECT id FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            conn.execute("DELETE FROM blob_chunks WHERE blob_id = ?", (row[0],))
            conn.execute("DELETE FROM blobs WHERE id = ?", (row[0],))


def settle_superseded_conflicts(conn: Any, record: Record) -> None:
    """Close the open conflicts of ``record`` whose incoming side it descends from.

    Both sides of such a conflict are behind the stored revision, so there
    is nothing left to choose. Closed rows keep ids and versions only.
    """
    ancestors = {*record.history, record.rev}
    rows = conn.execute(
        "SELECT id, rev, body FROM conflicts WHERE record_id = ? AND resolved = 0", (record.id,)
    ).fetchall()
    gone: set[str] = set()
    for conflict_id, rev, body in rows:
        if rev in ancestors:
            conn.execute(
                "UPDATE conflicts SET resolved = 1, body = '{}' WHERE id = ?", (conflict_id,)
            )
            gone |= attachment_hashes(json.loads(body))
    release_attachments(conn, gone - attachment_hashes(record.body))
