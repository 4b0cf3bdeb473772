"""Cases as documents: the JSON a caseworker's script writes and reads.

A case document holds the case fields plus a list per child kind
(``people``, ``statements``...). ``add_case`` validates a whole document
before writing anything, gives every record a fresh id (ids in the input
only connect references inside the document, so the output of ``case show
--json`` can be added again) and commits it in one transaction.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlcipher3 import dbapi2

from . import attestations, calendars, receipts, search
from .errors import InvalidInput, NotFound, StaleEdit
from .fields import is_uuid
from .i18n import N_
from .model import BY_PLURAL, CASE, CHILD_KINDS, KINDS, Kind, validate
from .records import Record, RecordStore
from .vault import Vault

MAX_DOCUMENT_BYTES = 64 << 20
# Children are written so every reference points at a record already stored.
_WRITE_ORDER = ("person", "evidence", "interview")


@dataclass(frozen=True)
class CaseSummary:
    id: str
    title: str
    route: str
    status: str
    priority: tuple[str, ...]
    people: int
    updated_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "route": self.route,
            "status": self.status,
            "priority": list(self.priority),
            "people": self.people,
            "updated_at": self.updated_at,
        }


# Sort keys for the case list, each an indexed or cheap column of case_list.
ORDERS = {
    "updated": "updated_at",
    "title": "title COLLATE NOCASE",
    "status": "status",
    "route": "route",
    "people": "people",
}


@dataclass(frozen=True)
class CaseQuery:
    search: str = ""
    status: str | None = None
    route: str | None = None
    order: str = "updated"  # one of ORDERS
    descending: bool = True
    delivery: str | None = None  # a receipts.Delivery value: delivered, changed or none


def parse_document(text: bytes | str) -> Any:
    if len(text) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(N_("The case document is larger than {limit} MiB."), limit=64)
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InvalidInput(
            N_("The case document is not valid JSON (line {line})."), line=line or "?"
        ) from None
    except (ValueError, RecursionError):
        # Valid JSON that Python will not hold: an integer of more than 4,300
        # digits (ValueError) or nesting deeper than the recursion limit.
        raise InvalidInput(
            N_("The case document is nested too deeply or holds too large a number.")
        ) from None


def _remap(
    kind: Kind, body: dict[str, Any], ids: dict[str, tuple[str, str]], path: str
) -> dict[str, Any]:
    """Rewrite a body's references from document ids to the new record ids."""

    def new_id(old: str, target: str, where: str) -> str:
        if old not in ids or ids[old][1] != target:
            raise InvalidInput(
                N_("{path}: refers to no {kind} in this document."), path=where, kind=target
            )
        return ids[old][0]

    out = dict(body)
    for field, target in kind.refs.items():
        value = body.get(field)
        if isinstance(value, list):
            out[field] = [new_id(v, target, f"{path}.{field}[{i}]") for i, v in enumerate(value)]
        elif value is not None:
            out[field] = new_id(value, target, f"{path}.{field}")
    return out


def _in_spec_order(kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
    """Fields in the order docs/case-format.md lists them (storage sorts keys)."""
    return {name: body[name] for name in kind.spec.fields if name in body}


@dataclass(frozen=True)
class PreparedCase:
    """A case document checked in full, ready to store (no vault needed to make one)."""

    case: dict[str, Any]
    children: list[tuple[Kind, dict[str, Any], str]]  # kind, body, new id; refs remapped


def prepare_case(document: Any) -> PreparedCase:
    """Validate a whole case document and give every record a new id.

    Needs no vault, so the command line refuses a bad document before it
    even asks for the passphrase. Only what needs the vault (do attached
    files exist?) is checked later, when storing.
    """
    if not isinstance(document, dict):
        raise InvalidInput(N_("{path}: must be an object."), path="(document)")
    case_fields = {k: v for k, v in document.items() if k not in BY_PLURAL}
    case_body = validate(CASE, case_fields)
    # First pass: validate every child and give it a new id; second pass:
    # rewrite references, which may point forwards in the document.
    children: list[tuple[Kind, dict[str, Any], str, str]] = []
    ids: dict[str, tuple[str, str]] = {}  # id in the document -> (new id, kind)
    for plural, kind in BY_PLURAL.items():
        items = document.get(plural)
        if items is None:
            items = []
        if not isinstance(items, list):
            raise InvalidInput(N_("{path}: must be a list."), path=plural)
        for i, item in enumerate(items):
            path, new = f"{plural}[{i}]", str(uuid.uuid4())
            body = validate(kind, item, path)
            old = item.get("id")
            if old is not None:
                if old in ids:
                    raise InvalidInput(N_("{path}: the same id appears twice."), path=path)
                ids[old] = (new, kind.name)
            children.append((kind, body, path, new))
    resolved = [(k, _remap(k, body, ids, path), new) for k, body, path, new in children]
    order = {name: i for i, name in enumerate(_WRITE_ORDER)}
    resolved.sort(key=lambda c: order.get(c[0].name, len(order)))
    return PreparedCase(case_body, resolved)


def add_checks(doc: dict[str, Any], trusted: frozenset[str]) -> None:
    """What the vault computes about a case document: ``checks`` (``case add`` ignores it).

    Statements: whether each certification and read-back still holds (texts
    hashed again, signatures checked against ``trusted``). People: a birth
    date on the first day of a year is flagged as possibly a placeholder.
    """
    for statement in doc["statements"]:
        statement["checks"] = {
            kind: status.as_json()
            for kind, status in attestations.statuses(statement, trusted).items()
        }
    for person in doc["people"]:
        placeholder = calendars.possible_placeholder(person.get("date_of_birth"))
        person["checks"] = {"date_of_birth_placeholder": placeholder}


class CaseStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.records = RecordStore(vault)

    def add_case(self, document: Any) -> str:
        """Validate, then store a whole case document; returns the new case id."""
        prepared = document if isinstance(document, PreparedCase) else prepare_case(document)
        with self.vault.transaction():
            case = self.records.create("", CASE, prepared.case)
            for kind, body, new in prepared.children:
                self.records.create(case.id, kind, body, record_id=new)
        return case.id

    def document(self, case_id: str, checks: bool = True) -> dict[str, Any]:
        """The case as a JSON-ready document (what ``case show --json`` prints).

        With ``checks``, what the vault computes about it (``add_checks``).
        """
        if not is_uuid(case_id):
            raise NotFound(N_("No {kind} with id {id}."), kind="case", id=case_id[:64])
        case = self.records.require(case_id, "case")
        doc: dict[str, Any] = {**case.system_fields(), **_in_spec_order(CASE, case.body)}
        for kind in CHILD_KINDS:
            doc[kind.plural] = []
        for record in self.records.of_case(case_id):
            if record.kind != "case":
                kind = KINDS[record.kind]
                item = {**record.system_fields(), **_in_spec_order(kind, record.body)}
                doc[kind.plural].append(item)
        if checks:
            add_checks(doc, attestations.trusted_keys(self.vault))
        return doc

    def children(self, case_id: str, kind: str) -> list[Record]:
        return [r for r in self.records.of_case(case_id) if r.kind == kind]

    def delete_case(self, case_id: str, expected_version: int | None = None) -> int:
        """Delete a case and everything in it; returns how many records were deleted.

        Each record becomes a tombstone (id and version only), so the deletion
        travels in bundles; its search rows, conflict copies, drafts and the
        attachment content nothing else names go with it (records.py), and
        the write-ahead log is emptied so no older page stays beside the file.
        """
        if not is_uuid(case_id):
            raise NotFound(N_("No {kind} with id {id}."), kind="case", id=case_id[:64])
        case = self.records.require(case_id, "case")
        if expected_version is not None and case.version != expected_version:
            raise StaleEdit(N_("This {kind} was changed elsewhere; reload it."), kind="case")
        with self.vault.transaction():
            children = [r for r in self.records.of_case(case_id) if r.kind != "case"]
            for record in children:
                self.records.delete(record.id)
            self.records.delete(case_id)
        with contextlib.suppress(dbapi2.DatabaseError):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(children) + 1

    def update_case(
        self, case_id: str, changes: dict[str, Any], expected_version: int | None = None
    ) -> Record:
        case = self.records.require(case_id, "case")
        body = validate(CASE, {**case.body, **changes})
        with self.vault.transaction():
            return self.records.update(case_id, body, expected_version)

    # The case list

    def _where(self, query: CaseQuery) -> tuple[str, list[Any]] | None:
        clauses, params = [], []
        if query.search.strip():
            matching = search.cases_matching(query.search)
            if matching is None:
                return None
            clauses.append(matching[0])
            params.append(matching[1])
        if query.status:
            clauses.append("status = ?")
            params.append(query.status)
        if query.route:
            clauses.append("route = ?")
            params.append(query.route)
        if query.delivery:
            condition, values = receipts.delivery_condition(query.delivery)
            clauses.append(condition)
            params.extend(values)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def count(self, query: CaseQuery = CaseQuery()) -> int:
        where = self._where(query)
        if where is None:
            return 0
        # The WHERE text is built from fixed clauses; values are bound parameters.
        sql = f"SELECT count(*) FROM case_list{where[0]}"  # noqa: S608
        row = self.conn.execute(sql, where[1]).fetchone()
        return int(row[0])

    def list(
        self, query: CaseQuery = CaseQuery(), offset: int = 0, limit: int = 100
    ) -> list[CaseSummary]:
        where = self._where(query)
        if where is None:
            return []
        column = ORDERS.get(query.order, ORDERS["updated"])
        direction = "DESC" if query.descending else "ASC"
        sql = (
            "SELECT id, title, route, status, priority, people, updated_at FROM case_list"  # noqa: S608 - fixed clauses, bound values
            f"{where[0]} ORDER BY {column} {direction}, id LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, [*where[1], limit, offset])
        return [
            CaseSummary(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6]) for r in rows
        ]
