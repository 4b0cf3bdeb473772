"""Withheld names: left out of bundles for recipients not cleared to receive them.

A caseworker marks a person's name as withheld when writing it down could
endanger them; the app then shows the pseudonym. The real name may still be
in the vault (``full_name``, ``names``). A trusted recipient says whether it
may receive such names (counsel filing for the family must; a coordinator
may not need to): ``trust.withheld_names``. For the others, export sends the
person *redacted*: the same id, version and revision hash, the name fields
blank, and ``"redacted": ["full_name", "names"]`` beside the record.

The receiver cannot check a redacted record's revision hash (it covers what
was left out); the manifest's signature, made by a trusted device, vouches
for the record instead. It stores the record read-only (``redactions``): an
edit there would be a new revision whose blanks travel back and erase the
name where it was recorded. A later bundle with the same revision in full
fills it in; a newer revision replaces it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import BundleRejected
from ..i18n import N_
from ..records import Record
from ..schema import Connection

KEY = "redacted"
# What is left out, per kind; nothing else is ever redacted.
FIELDS: dict[str, tuple[str, ...]] = {"person": ("full_name", "names")}
_BLANK: dict[str, Any] = {"full_name": "", "names": []}


def withheld(record: Record) -> tuple[str, ...]:
    """The fields to leave out of ``record`` for a recipient not cleared for withheld names."""
    fields = FIELDS.get(record.kind, ())
    if not fields or record.deleted or not record.body.get("name_withheld"):
        return ()
    if all(record.body.get(name) == _BLANK[name] for name in fields):
        return ()  # nothing there to leave out (a pseudonym only): send it whole
    return fields


def blank(body: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {**body, **{name: _BLANK[name] for name in fields}}


def check_incoming(raw: dict[str, Any], record: Record) -> tuple[str, ...]:
    """The fields an incoming record says were left out, checked; () if none."""
    if KEY not in raw:
        return ()
    fields = FIELDS.get(record.kind)
    value = raw[KEY]
    body = record.body
    if (
        fields is None
        or record.deleted
        or value != list(fields)
        or body.get("name_withheld") is not True
        or any(body.get(name) != _BLANK[name] for name in fields)
    ):
        raise BundleRejected(N_("A record in the bundle is malformed ({what})."), what="redacted")
    return fields


def mark(conn: Connection, record: Record, fields: tuple[str, ...]) -> None:
    """Note whether the stored revision of ``record`` lacks ``fields`` (read-only if so)."""
    if fields and not record.deleted:
        conn.execute(
            "INSERT OR REPLACE INTO redactions (record_id, rev, fields) VALUES (?, ?, ?)",
            (record.id, record.rev, json.dumps(list(fields))),
        )
    else:
        conn.execute("DELETE FROM redactions WHERE record_id = ?", (record.id,))


def fields_of(conn: Connection, record: Record) -> tuple[str, ...]:
    """The fields left out of the stored revision of ``record`` (() if it is whole)."""
    row = conn.execute(
        "SELECT fields FROM redactions WHERE record_id = ? AND rev = ?", (record.id, record.rev)
    ).fetchone()
    return tuple(json.loads(row[0])) if row else ()


def stored(conn: Connection, case_id: str) -> dict[str, tuple[str, ...]]:
    """Records of a case held here redacted, by id (their revision as stored)."""
    rows = conn.execute(
        "SELECT r.id, x.fields FROM redactions AS x JOIN records AS r"
        " ON r.id = x.record_id AND r.rev = x.rev WHERE r.case_id = ?",
        (case_id,),
    )
    return {rid: tuple(json.loads(fields)) for rid, fields in rows}
