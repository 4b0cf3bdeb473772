"""Merging records from a bundle, and the conflicts a person must resolve.

Each record carries its revision hash and its ancestors' (records.py). For an
incoming copy of a record we hold:

* same revision            -> nothing to do;
* ours is among its ancestors -> it is newer: take it as it is;
* it is among our ancestors   -> it is older: keep ours;
* neither                  -> both sides edited since their common version:
                              keep ours, store theirs as a conflict. Nothing
                              is ever dropped silently.

A conflict is closed as soon as a stored revision descends from its
incoming side (records.settle_superseded_conflicts), and resolving never
writes back a revision the stored one already descends from.

Some records arrive *redacted*: a person whose name is withheld, sent to a
vault not cleared to receive it, comes with ``full_name`` and ``names`` left
out (``redaction.py``). Its revision hash cannot be checked without them,
the manifest's signature vouches for it instead, and it is stored read-only
so the blanks never travel back as an edit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ..errors import BundleRejected, InvalidInput, NotFound
from ..fields import is_uuid
from ..i18n import N_
from ..model import KINDS, references, validate
from ..records import (
    HISTORY_LIMIT,
    Record,
    RecordStore,
    attachment_hashes,
    canonical_json,
    compute_rev,
    record_from_row,
    release_attachments,
)
from ..vault import Vault
from . import redaction
from .format import MAX_NUMBER


class Outcome(StrEnum):
    """What merging one record did (the keys of ``import --json``'s ``records``)."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    OLDER = "older"
    CONFLICT = "conflict"


# Short names, as re.IGNORECASE stands for re.RegexFlag.IGNORECASE.
NEW, UPDATED, UNCHANGED = Outcome.NEW, Outcome.UPDATED, Outcome.UNCHANGED
OLDER, CONFLICT = Outcome.OLDER, Outcome.CONFLICT
_REV = re.compile(r"^[0-9a-f]{32}$")
MAX_VERSION = MAX_NUMBER  # format.py says why
_ENVELOPE = {
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
}


@dataclass(frozen=True)
class Incoming:
    """A record read from a bundle, and the fields its sender left out (usually none)."""

    record: Record
    redacted: tuple[str, ...] = ()


def _bad(what: str) -> BundleRejected:
    return BundleRejected(N_("A record in the bundle is malformed ({what})."), what=what)


def record_from_bundle(raw: Any, case_id: str) -> Incoming:
    """A record exactly as the producer stored it, checked field by field."""
    if not isinstance(raw, dict) or not (
        set(raw) == _ENVELOPE or set(raw) == _ENVELOPE | {redaction.KEY}
    ):
        raise _bad("fields")
    kind = KINDS.get(raw["kind"]) if isinstance(raw["kind"], str) else None
    if kind is None:
        raise _bad("kind")
    if not isinstance(raw["id"], str) or not is_uuid(raw["id"]) or raw["case_id"] != case_id:
        raise _bad("id")
    if kind.name == "case" and raw["id"] != case_id:
        raise _bad("case id")
    version, deleted, history = raw["version"], raw["deleted"], raw["history"]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
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
    redacted = redaction.check_incoming(raw, record)
    # The revision hash must match the content: a record altered anywhere
    # on the way (even by its signer's tooling) is refused, not stored. A
    # redacted record cannot be hashed without what was left out.
    if not redacted and compute_rev(record, history[-1] if history else None) != record.rev:
        raise _bad("revision hash")
    return Incoming(record, redacted)


@dataclass(frozen=True)
class Source:
    """The bundle a record came in, and the key that signed it."""

    bundle_id: str
    signing_key: str


def merge_record(vault: Vault, arriving: Incoming, source: Source) -> Outcome:
    """Apply one incoming record; call inside the import's transaction."""
    store = RecordStore(vault)
    incoming = arriving.record
    local = store.get(incoming.id)
    if local is None:
        if incoming.kind != "case":
            owner = store.get(incoming.case_id)
            # Filed under a person's id "as a case" would be stored, shown
            # nowhere and never exported: the owner must be a case.
            if owner is None or owner.kind != "case":
                raise BundleRejected(
                    N_("A record in the bundle belongs to a case it does not hold.")
                )
        _store(vault, store, arriving, source, first=True)
        return NEW
    if local.kind != incoming.kind or local.case_id != incoming.case_id:
        raise BundleRejected(N_("A record in the bundle clashes with a different local record."))
    if local.rev == incoming.rev:
        if store.is_redacted(local) and not arriving.redacted:
            # The same revision, now with what was withheld before: fill it in.
            _store(vault, store, arriving, source)
            return UPDATED
        return UNCHANGED
    if local.rev in incoming.history:
        _store(vault, store, arriving, source)
        return UPDATED
    if incoming.rev in local.history:
        return OLDER
    seen = vault.conn.execute(
        "SELECT 1 FROM conflicts WHERE record_id = ? AND rev = ?", (incoming.id, incoming.rev)
    ).fetchone()
    if seen is None:
        vault.conn.execute(
            "INSERT INTO conflicts (record_id, case_id, kind, version, rev, history, body,"
            " updated_at, updated_by, deleted, bundle_id, received_at, signing_key, redacted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                source.bundle_id,
                vault.now(),
                source.signing_key,
                json.dumps(list(arriving.redacted)),
            ),
        )
        vault.audit("record.conflict", incoming.kind, incoming.id)
    return CONFLICT


def _store(
    vault: Vault, store: RecordStore, arriving: Incoming, source: Source, first: bool = False
) -> None:
    """Write an incoming revision, note where it came from, audit it by id."""
    record = arriving.record
    store.write_raw(record)
    redaction.mark(vault.conn, record, arriving.redacted)
    vault.conn.execute(
        "INSERT OR REPLACE INTO record_sources (record_id, rev, version, bundle_id, signing_key,"
        " imported_at, first) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.rev,
            record.version,
            source.bundle_id,
            source.signing_key,
            vault.now(),
            int(first),
        ),
    )
    vault.audit("record.import_new" if first else "record.import_update", record.kind, record.id)


def check_references(vault: Vault, records: list[Record]) -> None:
    """Every reference an incoming record makes names a record of the right kind in its case.

    Run after the whole bundle is merged (references may point forwards).
    A deleted target is allowed: deleting a person leaves the tombstone that
    older relationships still name, as on the sending side.
    """
    for record in records:
        if record.deleted:
            continue
        for _field, target, ref in references(KINDS[record.kind], record.body):
            row = vault.conn.execute(
                "SELECT kind, case_id FROM records WHERE id = ?", (ref,)
            ).fetchone()
            if row is None or row[0] != target or row[1] != record.case_id:
                raise BundleRejected(
                    N_(
                        "A record in the bundle refers to a {kind} that is not in its case;"
                        " nothing was imported."
                    ),
                    kind=target,
                )


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
    signing_key: str = ""
    redacted: tuple[str, ...] = ()


def conflicts(vault: Vault, include_resolved: bool = False) -> list[Conflict]:
    store = RecordStore(vault)
    # The incoming side in the column order of ``records``; a conflict keeps no
    # creation time (the record's is the local side's), so '' holds its place.
    rows = vault.conn.execute(
        "SELECT id, bundle_id, received_at, signing_key, redacted, record_id, case_id, kind,"
        " version, rev, history, body, '', updated_at, updated_by, deleted FROM conflicts"
        " WHERE resolved <= ? ORDER BY id",
        (1 if include_resolved else 0,),
    )
    found = []
    for conflict_id, bundle_id, received_at, signing_key, redacted, *columns in rows:
        local = store.get(columns[0])
        if local is None:
            continue
        incoming = replace(record_from_row(columns), created_at=local.created_at)
        found.append(
            Conflict(
                conflict_id,
                incoming.id,
                incoming.case_id,
                incoming.kind,
                local,
                incoming,
                bundle_id,
                received_at,
                signing_key,
                tuple(json.loads(redacted)),
            )
        )
    return found


def resolve(vault: Vault, conflict_id: int, keep: str) -> Record:
    """Settle a conflict by keeping ``"local"`` or ``"incoming"``.

    The result is a new version that descends from both sides, so either
    side's next bundle sees it as newer instead of conflicting again.
    """
    found = _open_conflict(vault, conflict_id)
    if keep not in ("local", "incoming"):
        raise InvalidInput(N_("Keep either local or incoming."))
    if _superseded(vault, found):
        return found.local
    chosen = found.local if keep == "local" else found.incoming
    # What was withheld stays withheld: a resolution that takes a redacted
    # side is itself read-only here, so the blanks never travel back.
    fields = found.redacted if keep == "incoming" else redaction.fields_of(vault.conn, found.local)
    return _write_resolution(
        vault, found, chosen.body, chosen.deleted, fields, f"conflict.keep_{keep}"
    )


def resolve_fields(vault: Vault, conflict_id: int, take: Iterable[str]) -> Record:
    """Settle a conflict field by field: the incoming value of each field in ``take``, ours
    for the others, written as one new version that descends from both sides.

    A record deleted on one side is kept or deleted whole (``resolve``). A
    field its sender left out (a withheld name) has no value to take, and a
    withheld name held here is replaced whole or not at all.
    """
    found = _open_conflict(vault, conflict_id)
    taken = set(take)
    if found.local.deleted or found.incoming.deleted:
        raise InvalidInput(
            N_(
                "This record was deleted on one side, so it is kept or deleted whole;"
                " nothing was changed."
            )
        )
    unknown = sorted(taken - set(KINDS[found.kind].spec.fields))
    if unknown:
        raise InvalidInput(
            N_("A {kind} has no field {field}; nothing was changed."),
            kind=found.kind,
            field=unknown[0][:64],
        )
    left_out = sorted(taken & set(found.redacted))
    if left_out:
        raise InvalidInput(
            N_(
                "The incoming version left out {field} (a withheld name), so there is no"
                " value to take; nothing was changed."
            ),
            field=left_out[0],
        )
    withheld_here = redaction.fields_of(vault.conn, found.local)
    if taken & set(withheld_here) and not taken >= set(withheld_here):
        raise InvalidInput(
            N_("Take {fields} together or not at all; nothing was changed."),
            fields=", ".join(withheld_here),
        )
    if _superseded(vault, found):
        return found.local
    body = dict(found.local.body)
    for name in taken:
        if name in found.incoming.body:
            body[name] = found.incoming.body[name]
        else:
            body.pop(name, None)
    try:
        body = validate(KINDS[found.kind], body, found.kind)
    except InvalidInput as exc:
        raise InvalidInput(
            N_("Together these choices make no valid record ({reason}); nothing was changed."),
            reason=str(exc),
        ) from None
    fields = () if taken & set(withheld_here) else withheld_here
    return _write_resolution(vault, found, body, False, fields, "conflict.keep_fields")


def _open_conflict(vault: Vault, conflict_id: int) -> Conflict:
    found = next((c for c in conflicts(vault) if c.id == conflict_id), None)
    if found is None:
        raise NotFound(N_("No open conflict {id}."), id=conflict_id)
    return found


def _superseded(vault: Vault, found: Conflict) -> bool:
    """Close ``found`` if the stored revision already descends from its incoming side.

    Writing that side again would put back a value someone has since replaced.
    """
    local = found.local
    if found.incoming.rev != local.rev and found.incoming.rev not in local.history:
        return False
    with vault.transaction():
        _close(vault, found)
        vault.audit("conflict.superseded", found.kind, found.record_id)
    return True


def _write_resolution(
    vault: Vault,
    found: Conflict,
    body: dict[str, Any],
    deleted: bool,
    redacted: tuple[str, ...],
    action: str,
) -> Record:
    local = found.local
    ancestors = [*local.history, local.rev, *found.incoming.history, found.incoming.rev]
    history = tuple(dict.fromkeys(ancestors))[-HISTORY_LIMIT:]
    record = replace(
        local,
        version=max(local.version, found.incoming.version) + 1,
        history=history,
        body=body,
        deleted=deleted,
        updated_at=vault.now(),
        updated_by=vault.user.name,
    )
    record = replace(record, rev=compute_rev(record, history[-1]))
    with vault.transaction():
        RecordStore(vault).write_raw(record)
        redaction.mark(vault.conn, record, redacted)
        _close(vault, found)
        vault.audit(action, found.kind, found.record_id)
    return record


def _close(vault: Vault, conflict: Conflict) -> None:
    """Mark a conflict resolved; its copy of the record is not kept (only ids and versions)."""
    vault.conn.execute(
        "UPDATE conflicts SET resolved = 1, body = '{}' WHERE id = ?", (conflict.id,)
    )
    current = RecordStore(vault).get(conflict.record_id)
    keep = attachment_hashes(current.body) if current is not None else set()
    release_attachments(vault.conn, attachment_hashes(conflict.incoming.body) - keep)
