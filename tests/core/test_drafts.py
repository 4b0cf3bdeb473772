"""Drafts in the vault (core/drafts.py): kept, replaced, moved to their record, discarded.

Drafts hold what was typed and could not be stored in a record yet. They
are encrypted like everything else, audited by ids only, checked on the way
in, and never leave the vault in a bundle.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.drafts import NEW_PREFIX, DraftStore, Problem, is_new_draft_id
from intake_desktop.core.errors import InvalidInput, NotFound
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import export_to, take_apart
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault

TYPED = "Qzvx9-TYPED-we crossed the river at night"
DATE_PROBLEM = Problem("date", "Write the date as YYYY-MM-DD, or leave it empty.")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    opened, _ = make_vault(tmp_path / "vault")
    yield opened
    opened.close()


@pytest.fixture
def case_id(vault: Vault) -> str:
    document: dict[str, Any] = copy.deepcopy(MINIMAL_CASE)
    document["consents"] = [{"scope": ["share_with_counsel"]}]
    return CaseStore(vault).add_case(document)


def statement_of(vault: Vault, case_id: str) -> str:
    return next(r.id for r in RecordStore(vault).of_case(case_id) if r.kind == "statement")


def audit_tail(vault: Vault, n: int) -> list[tuple[Any, ...]]:
    rows = vault.conn.execute(
        "SELECT user, action, record_kind, record_id FROM audit_log ORDER BY seq DESC LIMIT ?",
        (n,),
    ).fetchall()
    return rows[::-1]


def test_a_record_draft_is_kept_read_and_discarded(vault: Vault, case_id: str) -> None:
    drafts = DraftStore(vault)
    statement = statement_of(vault, case_id)
    fields = {"date": {"text": "7777-1"}, "language": {"language": "", "text": TYPED}}
    draft = drafts.save(
        case_id=case_id,
        kind="statement",
        record_id=statement,
        base_version=1,
        fields=fields,
        problems=[
            DATE_PROBLEM,
            Problem("language", "{path}: is required.", {}, "statement.language"),
        ],
    )
    assert draft.id == statement and not draft.is_new
    again = drafts.for_record(statement)
    assert again == draft
    assert again.fields == fields and again.problems[1].path == "statement.language"
    assert again.saved_by == "farida" and again.base_version == 1
    assert drafts.of_case(case_id) == [draft]
    assert audit_tail(vault, 1) == [("farida", "draft.save", "statement", statement)]

    assert drafts.discard(statement) is True
    assert drafts.for_record(statement) is None and drafts.of_case(case_id) == []
    assert audit_tail(vault, 1) == [("farida", "draft.discard", "statement", statement)]
    assert drafts.discard(statement) is False
    # The audit log names ids, never what was typed.
    log = vault.conn.execute("SELECT * FROM audit_log").fetchall()
    assert TYPED not in repr(log) and "7777-1" not in repr(log)


def test_saving_the_same_draft_again_writes_nothing(vault: Vault, case_id: str) -> None:
    drafts = DraftStore(vault)
    statement = statement_of(vault, case_id)
    kwargs: dict[str, Any] = {
        "case_id": case_id,
        "kind": "statement",
        "record_id": statement,
        "base_version": 1,
        "fields": {"date": {"text": "2026-11"}},
        "problems": [DATE_PROBLEM],
    }
    first = drafts.save(**kwargs)
    entries = vault.conn.execute("SELECT count(*) FROM audit_log").fetchone()
    assert drafts.save(**kwargs) == first
    assert vault.conn.execute("SELECT count(*) FROM audit_log").fetchone() == entries
    changed = drafts.save(**{**kwargs, "fields": {"date": {"text": "2026-11-3"}}})
    assert changed.fields == {"date": {"text": "2026-11-3"}}
    assert vault.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries[0] + 1


def test_a_new_records_draft_moves_to_the_record_once_it_exists(vault: Vault, case_id: str) -> None:
    drafts = DraftStore(vault)
    everything = {"language": {"language": "", "text": TYPED}, "date": {"text": "2026-11"}}
    draft = drafts.save(
        case_id=case_id,
        kind="statement",
        record_id=None,
        base_version=None,
        fields=everything,
        problems=[DATE_PROBLEM],
    )
    assert draft.is_new and draft.id.startswith(NEW_PREFIX) and is_new_draft_id(draft.id)
    replaced = drafts.save(
        case_id=case_id,
        kind="statement",
        record_id=None,
        base_version=None,
        fields={**everything, "place": {"place": "Torkham"}},
        problems=[DATE_PROBLEM],
        draft_id=draft.id,
    )
    assert replaced.id == draft.id and len(drafts.of_case(case_id)) == 1

    body = validate(KINDS["statement"], {"language": "fa-AF", "text": TYPED})
    with vault.transaction():
        record = RecordStore(vault).create(case_id, KINDS["statement"], body)
        moved = drafts.save(
            case_id=case_id,
            kind="statement",
            record_id=record.id,
            base_version=record.version,
            fields={"date": {"text": "2026-11"}},
            problems=[DATE_PROBLEM],
            draft_id=draft.id,
        )
    assert moved.id == record.id
    assert drafts.get(draft.id) is None
    assert [d.id for d in drafts.of_case(case_id)] == [record.id]


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "spaceship"},
        {"fields": {"no_such_field": "x"}},
        {"record_id": "00000000-0000-4000-8000-000000000000"},
        {"draft_id": "new:not-a-uuid", "record_id": None},
        {"draft_id": "something-else", "record_id": None},
        {"problems": [Problem("date", "")]},
        {"problems": [Problem("date", "Bad {x}", {"x": "line\nbreak"})]},
        {"problems": [Problem("date", "Bad {x}", {"x": 1.5})]},  # type: ignore[dict-item]
        {"problems": [Problem("Date of birth!", "Bad.")]},
        {"problems": [Problem("date", "Bad.", {}, "no spaces allowed")]},
    ],
)
def test_a_draft_that_does_not_fit_is_refused(
    vault: Vault, case_id: str, change: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {
        "case_id": case_id,
        "kind": "statement",
        "record_id": statement_of(vault, case_id),
        "base_version": 1,
        "fields": {"date": {"text": "2026-11"}},
        "problems": [DATE_PROBLEM],
    }
    arguments.update(change)
    with pytest.raises((InvalidInput, NotFound)):
        DraftStore(vault).save(**arguments)
    assert DraftStore(vault).of_case(case_id) == []


def test_a_draft_belongs_to_a_live_record_of_its_case(vault: Vault, case_id: str) -> None:
    drafts = DraftStore(vault)
    other_case = CaseStore(vault).add_case({"title": "Other family", "route": "siv"})
    statement = statement_of(vault, case_id)
    with pytest.raises(NotFound):  # the record is in another case
        drafts.save(
            case_id=other_case,
            kind="statement",
            record_id=statement,
            base_version=1,
            fields={},
            problems=[DATE_PROBLEM],
        )
    with pytest.raises(NotFound):  # the record is a statement, not a person
        drafts.save(
            case_id=case_id,
            kind="person",
            record_id=statement,
            base_version=1,
            fields={},
            problems=[DATE_PROBLEM],
        )
    new = drafts.save(
        case_id=case_id,
        kind="statement",
        record_id=None,
        base_version=None,
        fields={},
        problems=[DATE_PROBLEM],
    )
    with pytest.raises(InvalidInput):  # another case cannot take over a new record's draft
        drafts.save(
            case_id=other_case,
            kind="statement",
            record_id=None,
            base_version=None,
            fields={},
            problems=[DATE_PROBLEM],
            draft_id=new.id,
        )
    with vault.transaction():
        RecordStore(vault).delete(statement)
    with pytest.raises(NotFound):  # a deleted record takes no draft
        drafts.save(
            case_id=case_id,
            kind="statement",
            record_id=statement,
            base_version=2,
            fields={},
            problems=[DATE_PROBLEM],
        )


def test_a_draft_survives_closing_and_opening_the_vault(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    vault, _ = make_vault(path)
    case_id = CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    draft = DraftStore(vault).save(
        case_id=case_id,
        kind="statement",
        record_id=None,
        base_version=None,
        fields={"language": {"language": "", "text": TYPED}},
        problems=[DATE_PROBLEM],
    )
    vault.close()
    with Vault.open(path, PASSPHRASE) as again:
        assert DraftStore(again).of_case(case_id) == [draft]
    assert TYPED.encode() not in b"".join(p.read_bytes() for p in path.iterdir() if p.is_file())


def test_drafts_never_travel_in_bundles(vault: Vault, case_id: str, tmp_path: Path) -> None:
    statement = statement_of(vault, case_id)
    DraftStore(vault).save(
        case_id=case_id,
        kind="statement",
        record_id=statement,
        base_version=1,
        fields={"date": {"text": "7777-1"}, "language": {"text": TYPED}},
        problems=[DATE_PROBLEM],
    )
    DraftStore(vault).save(
        case_id=case_id,
        kind="person",
        record_id=None,
        base_version=None,
        fields={"full_name": {"full_name": TYPED + " person"}},
        problems=[DATE_PROBLEM],
    )
    counsel = pyrage.x25519.Identity.generate()
    out = tmp_path / "out.intake"
    export_to(vault, str(counsel.to_public()), out)
    parts = take_apart(out, str(counsel))
    content = parts.manifest_bytes + b"".join(data for _name, data in parts.members)
    assert "ما از کابل آمدیم".encode() in content  # the records are there
    assert TYPED.encode() not in content and b"7777-1" not in content
    assert b"draft" not in content.lower()
