"""Case documents, records, versions, validation and the case list."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseQuery, CaseStore, parse_document
from intake_desktop.core.errors import InvalidInput, NotFound, StaleEdit
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore, compute_rev
from intake_desktop.core.vault import Vault
from tests.helpers import MINIMAL_CASE, make_vault

SYSTEM = {"id", "version", "created_at", "updated_at", "updated_by"}

FULL_CASE: dict[str, Any] = {
    "title": "Family of a former interpreter",
    "route": "humanitarian_parole",
    "status": "in_review",
    "priority": ["targeted_harm", "medical"],
    "external_ref": "HP-2026-0042",
    "notes": "Met at the Islamabad office.\nFollow up in two weeks.",
    "people": [
        {
            "id": "p1",
            "full_name": "گل احمد احمدزی",
            "role": "principal",
            "names": [
                {
                    "text": "Gul Ahmad Ahmadzai",
                    "script": "latin",
                    "kind": "full",
                    "source": "passport",
                },
                {"text": "عبدالله", "script": "arabic", "kind": "father", "source": "tazkira"},
            ],
            "sex": "male",
            "date_of_birth": {
                "calendar": "solar_hijri",
                "precision": "year",
                "year": 1365,
                "original_text": "۱۳۶۵",
                "gregorian": "1986-03-21",
            },
        },
        {"id": "p2", "name_withheld": True, "pseudonym": "Witness A", "role": "witness"},
    ],
    "relationships": [{"person": "p1", "relative": "p2", "kind": "sibling", "evidence": ["e1"]}],
    "identity_documents": [{"person": "p1", "kind": "e_tazkira", "number": "1400-0101-12345"}],
    "claims": [{"kind": "targeted_harm", "summary": "Threat letters.", "people": ["p1"]}],
    "evidence": [{"id": "e1", "kind": "letter", "description": "Night letter", "people": ["p1"]}],
    "interviews": [{"id": "i1", "date": "2026-11-02", "place": "Islamabad", "people": ["p1"]}],
    "statements": [
        {
            "speaker": "p1",
            "interview": "i1",
            "language": "ps",
            "text": "زه ژباړن وم.",
            "translation": {"language": "en", "text": "I was an interpreter.", "translator": "Z."},
        }
    ],
    "consents": [{"person": "p1", "scope": ["share_with_counsel"], "given_on": "2026-11-02"}],
}


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """One vault for tests that must leave it unchanged anyway."""
    vault, _ = make_vault(tmp_path_factory.mktemp("shared") / "vault")
    yield vault
    vault.close()


def strip_system(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in SYSTEM}


def counts(vault: Vault) -> tuple[int, ...]:
    tables = ("records", "case_list", "audit_log", "search", "blobs")
    return tuple(vault.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def test_the_minimal_document_is_accepted(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case(copy.deepcopy(MINIMAL_CASE))
    doc = store.document(case_id)
    assert doc["title"] == MINIMAL_CASE["title"] and doc["version"] == 1
    assert doc["people"][0]["full_name"] == "محمد نور احمدزی"
    assert doc["statements"][0]["translation"]["text"] == "We came from Kabul"


def test_show_output_can_be_added_again_with_references_remapped(vault: Vault) -> None:
    store = CaseStore(vault)
    first = store.document(store.add_case(copy.deepcopy(FULL_CASE)))
    second = store.document(store.add_case(copy.deepcopy(first)))
    assert second["id"] != first["id"]
    assert strip_system(second)["title"] == first["title"]
    new_people = {p["id"] for p in second["people"]}
    assert not new_people & {p["id"] for p in first["people"]}
    statement = second["statements"][0]
    assert statement["speaker"] in new_people
    assert statement["interview"] == second["interviews"][0]["id"]
    assert second["relationships"][0]["evidence"] == [second["evidence"][0]["id"]]

    def content(doc: dict[str, Any]) -> dict[str, Any]:
        """Everything but ids, which are remapped on purpose."""
        out = strip_system(doc)
        for plural in (
            "people",
            "relationships",
            "identity_documents",
            "claims",
            "evidence",
            "interviews",
            "statements",
            "consents",
        ):
            out[plural] = [
                {
                    k: v
                    for k, v in item.items()
                    if k not in SYSTEM
                    and k
                    not in ("person", "relative", "evidence", "people", "speaker", "interview")
                }
                for item in doc[plural]
            ]
        return out

    assert content(second) == content(first)


@pytest.mark.parametrize(
    "change,path",
    [
        (lambda d: d.update(title=""), "title"),
        (lambda d: d.pop("title"), "title"),
        (lambda d: d.update(title=5), "title"),
        (lambda d: d.update(route="asylum"), "route"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d.update(priority="medical"), "priority"),
        (lambda d: d.update(priority=["unknown-flag"]), "priority[0]"),
        (lambda d: d.update(title="a\x1b[31mred"), "title"),
        (lambda d: d.update(title="a\x9b31m"), "title"),
        (lambda d: d.update(title="x" * 301), "title"),
        (lambda d: d.update(people={}), "people"),
        (lambda d: d["people"].append("Ahmad"), "people[2]"),
        (lambda d: d["people"][0].update(role="king"), "people[0].role"),
        (lambda d: d["people"][0].update(fullname="typo"), "people[0].fullname"),
        (lambda d: d["people"][0].update(full_name="", names=[]), "people[0].full_name"),
        (lambda d: d["people"][0].update(name_withheld="yes"), "people[0].name_withheld"),
        (
            lambda d: d["people"][0].update(date_of_birth={"precision": "day", "year": 1990}),
            "people[0].date_of_birth.month",
        ),
        (
            lambda d: d["people"][0].update(date_of_birth={"precision": "year", "year": 0}),
            "people[0].date_of_birth.year",
        ),
        (lambda d: d["statements"][0].update(speaker="p9"), "statements[0].speaker"),
        (lambda d: d["statements"][0].update(text=None), "statements[0].text"),
        (lambda d: d["statements"][0]["translation"].update(text=["x"]), "translation.text"),
        (lambda d: d["interviews"][0].update(date="02/11/2026"), "interviews[0].date"),
        (lambda d: d["interviews"][0].update(date="2026-02-30"), "interviews[0].date"),
        (lambda d: d["people"][1].update(id="p1"), "people[1]"),
        (lambda d: d["relationships"][0].update(person="e1"), "relationships[0].person"),
        (lambda d: d["evidence"][0].update(attachments=[{"sha256": "ab"}]), "attachments[0]"),
        (
            lambda d: d["evidence"][0].update(attachments=[{"sha256": "a" * 64}]),
            "attachments[0]",
        ),
    ],
)
def test_bad_documents_are_refused_with_the_field_path_and_nothing_is_written(
    shared_vault: Vault, change: Any, path: str
) -> None:
    vault = shared_vault
    store = CaseStore(vault)
    document = copy.deepcopy(FULL_CASE)
    change(document)
    before = counts(vault)
    with pytest.raises(InvalidInput) as caught:
        store.add_case(document)
    assert path in str(caught.value)
    assert counts(vault) == before


def test_error_messages_name_the_field_but_never_its_value(vault: Vault) -> None:
    document = copy.deepcopy(FULL_CASE)
    document["route"] = "SECRET-ROUTE-VALUE"
    with pytest.raises(InvalidInput) as caught:
        CaseStore(vault).add_case(document)
    assert "SECRET-ROUTE-VALUE" not in str(caught.value)


@pytest.mark.parametrize("text", [b"{", b"", b"\xff\xfe", b'{"a": }', b"[1, 2"])
def test_malformed_json_is_one_clear_error(text: bytes) -> None:
    with pytest.raises(InvalidInput, match="not valid JSON"):
        parse_document(text)


@pytest.mark.parametrize("document", [[], "case", 5, None])
def test_a_document_that_is_not_an_object_is_refused(vault: Vault, document: Any) -> None:
    with pytest.raises(InvalidInput):
        CaseStore(vault).add_case(document)


def test_every_change_raises_the_version_and_chains_the_revision(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case(copy.deepcopy(MINIMAL_CASE))
    records = RecordStore(vault)
    first = records.require(case_id)
    second = store.update_case(case_id, {"status": "ready"}, expected_version=1)
    third = store.update_case(case_id, {"title": "Renamed"}, expected_version=2)
    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert third.history == (first.rev, second.rev)
    assert compute_rev(third, second.rev) == third.rev
    assert store.update_case(case_id, {"title": "Renamed"}).version == 3  # no change, no version
    with pytest.raises(StaleEdit):
        store.update_case(case_id, {"status": "closed"}, expected_version=2)
    assert records.require(case_id).body["status"] == "ready"


def test_a_deleted_record_keeps_a_tombstone_with_a_new_version(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case(copy.deepcopy(FULL_CASE))
    records = RecordStore(vault)
    person = store.children(case_id, "person")[1]
    with vault.transaction():
        tomb = records.delete(person.id, expected_version=1)
    assert tomb.deleted and tomb.version == 2 and tomb.body == {}
    assert person.id not in {p["id"] for p in store.document(case_id)["people"]}
    with pytest.raises(NotFound):
        records.require(person.id)


def test_a_reference_to_another_case_is_refused(vault: Vault) -> None:
    store = CaseStore(vault)
    a = store.add_case(copy.deepcopy(FULL_CASE))
    b = store.add_case(copy.deepcopy(MINIMAL_CASE))
    foreign = store.children(a, "person")[0].id
    statement = store.children(b, "statement")[0]
    body = validate(KINDS["statement"], {**statement.body, "speaker": foreign})
    with pytest.raises(InvalidInput), vault.transaction():
        RecordStore(vault).update(statement.id, body)


def test_the_case_list_pages_sorts_and_filters(vault: Vault) -> None:
    store = CaseStore(vault)
    for i, status in enumerate(["intake", "ready", "intake", "closed", "intake"]):
        store.add_case({**copy.deepcopy(MINIMAL_CASE), "title": f"Case {i}", "status": status})
    assert store.count() == 5
    assert store.count(CaseQuery(status="intake")) == 3
    assert store.count(CaseQuery(route="siv")) == 0
    by_title = store.list(CaseQuery(order="title", descending=False), offset=1, limit=2)
    assert [c.title for c in by_title] == ["Case 1", "Case 2"]
    by_status = store.list(CaseQuery(order="status", descending=False))
    assert [c.status for c in by_status] == ["closed", "intake", "intake", "intake", "ready"]
    assert all(c.people == 1 for c in by_title)


@pytest.mark.parametrize(
    "stored,query",
    [
        ("علی رضایی", "علي"),  # Arabic yeh finds Persian yeh
        ("کریم", "كريم"),  # Arabic kaf and yeh find Persian kaf and yeh
        ("مُحَمَّد", "محمد"),  # diacritics
        ("محـــمد", "محمد"),  # tatweel
        ("می‌خواهم", "میخواهم"),  # ZWNJ
        ("Gul Ahmad", "gul ahm"),  # Latin case and prefix
        ("Zoë Müller", "zoe muller"),
        ("تذکره ۱۲۳۴۵", "12345"),  # Persian digits
    ],
)
def test_search_finds_names_by_their_normalised_key(vault: Vault, stored: str, query: str) -> None:
    store = CaseStore(vault)
    case = {**copy.deepcopy(MINIMAL_CASE), "people": [{"full_name": stored}]}
    case_id = store.add_case(case)
    store.add_case({**copy.deepcopy(MINIMAL_CASE), "people": [{"full_name": "Nobody Else"}]})
    assert [c.id for c in store.list(CaseQuery(search=query))] == [case_id]


def test_search_finds_cases_by_title_and_document_number(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case(copy.deepcopy(FULL_CASE))
    store.add_case(copy.deepcopy(MINIMAL_CASE))
    assert [c.id for c in store.list(CaseQuery(search="interpreter family"))] == [case_id]
    assert [c.id for c in store.list(CaseQuery(search="1400-0101"))] == [case_id]


def test_search_covers_statements_and_forgets_edited_text(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case(copy.deepcopy(MINIMAL_CASE))
    assert store.count(CaseQuery(search="kabul")) == 1
    statement = store.children(case_id, "statement")[0]
    body = validate(KINDS["statement"], {**statement.body, "translation": None})
    with vault.transaction():
        RecordStore(vault).update(statement.id, body)
    assert store.count(CaseQuery(search="kabul")) == 0
    assert store.count(CaseQuery(search="آمدیم")) == 1


def test_search_with_fts_syntax_is_safe(vault: Vault) -> None:
    store = CaseStore(vault)
    store.add_case(copy.deepcopy(MINIMAL_CASE))
    for query in ['"', "NEAR(", "a OR", "*", "-x", "title:x", "(", "^"]:
        store.list(CaseQuery(search=query))  # must not raise
    assert store.count(CaseQuery(search="   ")) == 1  # blank search means no filter


def test_a_withheld_name_shows_only_the_pseudonym(vault: Vault) -> None:
    from intake_desktop.core.model import display_name

    store = CaseStore(vault)
    doc = store.document(store.add_case(copy.deepcopy(FULL_CASE)))
    witness = next(p for p in doc["people"] if p["name_withheld"])
    assert display_name(witness) == "Witness A"


def wal_pages_written(vault: Vault, change: Any) -> int:
    """Pages one commit appends to the WAL (each one encrypted and HMACed)."""
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    change()
    wal = vault.path / "vault.db-wal"
    page = vault.conn.execute("PRAGMA cipher_page_size").fetchone()[0]
    return (wal.stat().st_size - 32) // (int(page) + 24)


def test_an_edit_that_leaves_searchable_text_alone_writes_four_or_five_pages(
    tmp_path: Path,
) -> None:
    # A clock a second further on each reading: the edit is always later than
    # the case's last change, as a real one is. (With the wall clock the page
    # count depended on whether the edit fell in the same second.)
    ticks = itertools.count()
    vault, _ = make_vault(
        tmp_path / "vault",
        clock=lambda: datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=next(ticks)),
    )
    store = CaseStore(vault)
    for _ in range(30):  # enough records for several index levels and FTS segments
        store.add_case(copy.deepcopy(FULL_CASE))
    case_id = store.add_case(copy.deepcopy(FULL_CASE))
    # The record, its case-list row, the list's date index (its entry moves
    # to a later time: one or two leaves) and the audit entry. Rewriting
    # unchanged index entries and the FTS row made it 12.
    pages = wal_pages_written(vault, lambda: store.update_case(case_id, {"notes": "Called back."}))
    vault.close()
    assert pages <= 5


def test_the_case_list_and_search_follow_edits_of_listed_fields(vault: Vault) -> None:
    store = CaseStore(vault)
    case_id = store.add_case({**copy.deepcopy(MINIMAL_CASE), "title": "Sadat family"})
    store.update_case(case_id, {"notes": "Unchanged listing."})
    assert [c.title for c in store.list(CaseQuery(search="sadat"))] == ["Sadat family"]
    store.update_case(case_id, {"title": "Wardak family", "status": "ready"})
    (row,) = store.list()
    assert (row.title, row.status) == ("Wardak family", "ready")
    assert store.count(CaseQuery(search="sadat")) == 0
    assert store.count(CaseQuery(search="wardak", status="ready")) == 1
    store.update_case(case_id, {"priority": ["medical"]})
    assert store.list()[0].priority == ("medical",)
    with vault.transaction():
        RecordStore(vault).delete(case_id)
    assert store.count() == 0 and store.count(CaseQuery(search="wardak")) == 0


def test_a_stored_record_cannot_move_to_another_case(vault: Vault) -> None:
    from dataclasses import replace

    store = CaseStore(vault)
    a = store.add_case(copy.deepcopy(FULL_CASE))
    b = store.add_case(copy.deepcopy(MINIMAL_CASE))
    person = store.children(a, "person")[0]
    before = counts(vault)
    with pytest.raises(RuntimeError), vault.transaction():
        RecordStore(vault).write_raw(replace(person, case_id=b, version=person.version + 1))
    assert counts(vault) == before
    assert RecordStore(vault).require(person.id).case_id == a
