"""Drafts: what was typed into a record that could not be stored in it yet.

A half-typed date, a new statement whose language is still empty: the form
cannot become a valid record, yet what was typed must survive a lock, a
crash or a restart. The editor stores every valid field in the record itself
and keeps the rest here, as typed, in the encrypted vault: one draft per
record (its id is the record's id), or per record never saved (``new:`` and
a random UUID) when nothing typed makes a valid record yet. A clean save of
the record removes its draft.

A draft holds the fields as the form shows them (editor states, not record
values: ``"2026-11"`` for a date, every row of a names table) and its
problems: for each, the field, the path the check named, and a message
template with its parameters (limits, options), so it can be shown again in
any interface language. Problems never hold case content.

Drafts are local to this vault: bundles are made from the records table
alone, so a draft never travels. Deleting a record or a case deletes its
drafts (``records.py``). Each write or removal is audited by ids only.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from .errors import InvalidInput, NotFound
from .i18n import N_
from .model import KINDS
from .vault import Vault

NEW_PREFIX = "new:"
# Two statement texts of a million characters each, as typed, with room to spare.
MAX_FIELDS_CHARS = 16_000_000
MAX_PROBLEMS = 200
_FIELD = re.compile(r"[a-z_]{0,64}")
_PATH = re.compile(r"[A-Za-z0-9_.\[\]*]{0,200}")
_PARAM = re.compile(r"[a-z_]{1,32}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """Why one field of a draft is not in the record: a template, never the value."""

    field: str  # the form's field ("date", "names"); "" for the record as a whole
    template: str  # a message marked with N_() (or _() in the interface), untranslated
    params: dict[str, str | int] = dataclass_field(default_factory=dict)
    path: str = ""  # where the check pointed ("statement.date", "person.names[1].text")

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "path": self.path,
            "template": self.template,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: Any) -> Problem:
        if not isinstance(data, dict):
            raise _bad_problem()
        params = data.get("params") or {}
        if not isinstance(params, dict):
            raise _bad_problem()
        problem = cls(
            str(data.get("field") or ""),
            str(data.get("template") or ""),
            dict(params),
            str(data.get("path") or ""),
        )
        problem.check()
        return problem

    def check(self) -> None:
        """Ids, paths and short parameters only: a value typed into a form has no place here."""
        if not _FIELD.fullmatch(self.field) or not _PATH.fullmatch(self.path):
            raise _bad_problem()
        if not self.template or len(self.template) > 500 or _CONTROL.search(self.template):
            raise _bad_problem()
        for name, value in self.params.items():
            if not _PARAM.fullmatch(name):
                raise _bad_problem()
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise _bad_problem()
            if isinstance(value, str) and (len(value) > 300 or _CONTROL.search(value)):
                raise _bad_problem()


def _bad_problem() -> InvalidInput:
    return InvalidInput(N_("A draft could not be kept or read: its list of problems is malformed."))


@dataclass(frozen=True)
class Draft:
    id: str
    case_id: str
    kind: str
    record_id: str | None  # None: the record was never saved
    base_version: int | None  # the record's version the fields were typed over
    fields: dict[str, Any]  # field -> its editor's state, as typed
    problems: tuple[Problem, ...]
    saved_at: str
    saved_by: str

    @property
    def is_new(self) -> bool:
        return self.record_id is None


# Whole statements, no SQL built from parts.
_BY_ID = (
    "SELECT id, case_id, kind, record_id, base_version, fields, problem, saved_at, saved_by"
    " FROM drafts WHERE id = ?"
)
_BY_CASE = (
    "SELECT id, case_id, kind, record_id, base_version, fields, problem, saved_at, saved_by"
    " FROM drafts WHERE case_id = ? ORDER BY saved_at, id"
)


def _from_row(row: tuple[Any, ...]) -> Draft:
    draft_id, case_id, kind, record_id, base_version, fields, problem, saved_at, by = row
    return Draft(
        draft_id,
        case_id,
        kind,
        record_id,
        base_version,
        json.loads(fields),
        tuple(Problem.from_json(p) for p in json.loads(problem)),
        saved_at,
        by,
    )


def is_new_draft_id(draft_id: str) -> bool:
    if not draft_id.startswith(NEW_PREFIX):
        return False
    try:
        return str(uuid.UUID(draft_id[len(NEW_PREFIX) :])) == draft_id[len(NEW_PREFIX) :]
    except ValueError:
        return False


class DraftStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn

    # Reading

    def get(self, draft_id: str) -> Draft | None:
        row = self.conn.execute(_BY_ID, (draft_id,))
        found = row.fetchone()
        return _from_row(found) if found else None

    def for_record(self, record_id: str) -> Draft | None:
        """The draft over a stored record (a record's draft has the record's id)."""
        return self.get(record_id)

    def of_case(self, case_id: str) -> list[Draft]:
        """Every draft of a case, those of never-saved records too, oldest first."""
        rows = self.conn.execute(
            _BY_CASE,
            (case_id,),
        )
        return [_from_row(row) for row in rows]

    # Writing (each joins the caller's transaction, or is one of its own)

    def save(
        self,
        *,
        case_id: str,
        kind: str,
        record_id: str | None,
        base_version: int | None,
        fields: dict[str, Any],
        problems: list[Problem] | tuple[Problem, ...],
        draft_id: str | None = None,
    ) -> Draft:
        """Store (or replace) a draft and return it.

        With ``record_id`` the draft's id is the record's; a ``new:`` draft
        named by ``draft_id`` is removed in the same transaction (its record
        now exists). Without, ``draft_id`` names the never-saved record's
        draft to replace, or a new one is made.
        """
        spec = KINDS.get(kind)
        if spec is None:
            raise InvalidInput(N_("There is no record kind {kind}."), kind=kind)
        if not isinstance(fields, dict) or any(name not in spec.spec.fields for name in fields):
            raise InvalidInput(N_("A draft may hold only the fields of its kind of record."))
        if len(problems) > MAX_PROBLEMS:
            raise InvalidInput(N_("A draft may list at most {limit} problems."), limit=MAX_PROBLEMS)
        for problem in problems:
            problem.check()
        fields_json = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        if len(fields_json) > MAX_FIELDS_CHARS:
            raise InvalidInput(
                N_("The draft is longer than {limit} characters; it was not kept."),
                limit=MAX_FIELDS_CHARS,
            )
        problem_json = json.dumps([p.to_json() for p in problems], ensure_ascii=False)
        with self.vault.transaction():
            self._require_owner(case_id, kind, record_id)
            if record_id is not None:
                if draft_id is not None and draft_id != record_id:
                    self.discard(draft_id)
                draft_id = record_id
            elif draft_id is None:
                draft_id = NEW_PREFIX + str(uuid.uuid4())
            else:
                self._require_new(draft_id, case_id, kind)
            old = self.conn.execute(
                "SELECT case_id, kind, record_id, base_version, fields, problem FROM drafts"
                " WHERE id = ?",
                (draft_id,),
            ).fetchone()
            values = (case_id, kind, record_id, base_version, fields_json, problem_json)
            if old == values:  # the same again (focus left twice): no write, no audit entry
                found = self.get(draft_id)
                if found is not None:
                    return found
            now, user = self.vault.now(), self.vault.user.name
            self.conn.execute(
                "INSERT OR REPLACE INTO drafts (id, case_id, kind, record_id, base_version,"
                " fields, problem, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft_id, *values, now, user),
            )
            self.vault.audit("draft.save", kind, draft_id)
        return _from_row((draft_id, *values, now, user))  # the draft as stored

    def discard(self, draft_id: str) -> bool:
        """Remove a draft; False if there was none."""
        with self.vault.transaction():
            row = self.conn.execute("SELECT kind FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if row is None:
                return False
            self.conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
            self.vault.audit("draft.discard", row[0], draft_id)
        return True

    # Checks

    def _require_owner(self, case_id: str, kind: str, record_id: str | None) -> None:
        case = self.conn.execute(
            "SELECT kind, deleted FROM records WHERE id = ?", (case_id,)
        ).fetchone()
        if case is None or case[0] != "case" or case[1]:
            raise NotFound(N_("No {kind} with id {id}."), kind="case", id=case_id)
        if record_id is None:
            return
        row = self.conn.execute(
            "SELECT case_id, kind, deleted FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None or row[2] or row[1] != kind or row[0] != case_id:
            raise NotFound(N_("No {kind} with id {id}."), kind=kind, id=record_id)

    def _require_new(self, draft_id: str, case_id: str, kind: str) -> None:
        if not is_new_draft_id(draft_id):
            raise InvalidInput(N_("A draft of a new record needs an id new:UUID."))
        row = self.conn.execute(
            "SELECT case_id, kind, record_id FROM drafts WHERE id = ?", (draft_id,)
        ).fetchone()
        if row is not None and row != (case_id, kind, None):
            raise InvalidInput(N_("That draft belongs to another record."))
