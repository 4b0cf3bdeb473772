"""Deleting removes every copy the vault holds, and ``vault check`` finds what is left over.

After a person and then their case are deleted, no table holds the name:
not the search index, not a conflict row (open or resolved), not a draft.
Attachment content goes with the last record that names it.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest

from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle import merge
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import NotFound
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import add_attachment, cli_env
from tests.cli.in_process import run_in_process
from tests.core.conftest import Pair
from tests.helpers import MINIMAL_CASE

NAME = "Shahgul Deletedzai"


def rows_holding(vault: Vault, text: str) -> list[str]:
    """Tables with a row whose text holds ``text`` (every column, as stored)."""
    found = []
    tables = [
        r[0]
        for r in vault.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("search_") or r[0] == "search_owner"
    ]
    for table in tables:
        for row in vault.conn.execute(f'SELECT * FROM "{table}"'):
            if any(isinstance(v, str) and text in v for v in row):
                found.append(table)
                break
    return found


def failed_checks(vault: Vault) -> dict[str, str]:
    return {r.name: r.detail for r in check_vault(vault) if not r.ok}


def test_a_deleted_person_and_case_leave_no_copy_of_the_name(pair: Pair) -> None:
    field, office = pair.field, pair.coord
    case = {**MINIMAL_CASE, "people": [{"full_name": NAME, "role": "beneficiary"}]}
    case_id = CaseStore(field).add_case(case)
    pair.ship(field, office, case_id)
    # Both sides change the person: the office holds a conflict, then settles it.
    for vault, note in ((field, "from the field"), (office, "from the office")):
        person = CaseStore(vault).children(case_id, "person")[0]
        with vault.transaction():
            RecordStore(vault).update(person.id, {**person.body, "notes": note})
    pair.ship(field, office, case_id)
    (conflict,) = [c for c in merge.conflicts(office) if c.case_id == case_id]
    merge.resolve(office, conflict.id, "local")
    # A second, still open conflict on the same person.
    person = CaseStore(field).children(case_id, "person")[0]
    with field.transaction():
        RecordStore(field).update(person.id, {**person.body, "notes": "again, field"})
    person = CaseStore(office).children(case_id, "person")[0]
    with office.transaction():
        RecordStore(office).update(person.id, {**person.body, "notes": "again, office"})
    pair.ship(field, office, case_id)
    assert [c for c in merge.conflicts(office) if c.case_id == case_id]
    assert "conflicts" in rows_holding(office, NAME)

    with office.transaction():
        RecordStore(office).delete(person.id)
    deleted = CaseStore(office).delete_case(case_id)
    assert deleted == 3  # the case, its statement and its consent (the person went before)
    assert rows_holding(office, NAME) == []
    assert office.conn.execute(
        "SELECT count(*) FROM conflicts WHERE case_id = ?", (case_id,)
    ).fetchone() == (0,)
    assert CaseStore(office).list(CaseQuery(search="Deletedzai")) == []
    with pytest.raises(NotFound):
        CaseStore(office).document(case_id)
    # Tombstones, so the deletion travels: the field's next import deletes it too.
    assert all(r.deleted for r in RecordStore(office).of_case(case_id, include_deleted=True))
    assert failed_checks(office) == {}


def test_attachment_content_goes_with_the_last_record_that_names_it(vault: Vault) -> None:
    store = CaseStore(vault)
    first = store.add_case(MINIMAL_CASE)
    second = store.add_case(MINIMAL_CASE)
    scan = b"%PDF-1.4 a tazkira scan " * 500
    in_first = add_attachment(vault, first, scan)
    in_second = add_attachment(vault, second, scan)
    (sha,) = BlobStore(vault).all_hashes()
    with vault.transaction():
        RecordStore(vault).delete(in_first)
    assert BlobStore(vault).exists(sha)  # the second case still names it
    with vault.transaction():
        evidence = RecordStore(vault).require(in_second)
        RecordStore(vault).update(in_second, {**evidence.body, "attachments": []})
    assert not BlobStore(vault).exists(sha)
    assert vault.files.names() == set()  # the key went with the row, then the file
    other = add_attachment(vault, second, b"%PDF-1.4 another scan")
    store.delete_case(second)
    assert BlobStore(vault).all_hashes() == []
    assert failed_checks(vault) == {}
    assert other


def test_vault_check_reports_content_left_behind_and_references_gone_astray(
    vault: Vault,
) -> None:
    """What older versions (or another tool) could leave: each is reported."""
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    with vault.transaction():
        BlobStore(vault).put(io.BytesIO(b"content no record names"))
    assert "unreferenced" in "".join(failed_checks(vault).values())
    assert set(failed_checks(vault)) == {"attachments"}
    with vault.transaction():
        vault.conn.execute("DELETE FROM blobs")
    person = CaseStore(vault).children(case_id, "person")[0]
    with vault.transaction():
        # A claim filed under the person's id, and a relationship to nobody:
        # what bundles could write before references were checked on import.
        orphan = RecordStore(vault).create(case_id, _kind("claim"), {"kind": "other"})
        vault.conn.execute("UPDATE records SET case_id = ? WHERE id = ?", (person.id, orphan.id))
        body = {"person": person.id, "relative": str(uuid.uuid4()), "kind": "sibling"}
        vault.conn.execute(
            "INSERT INTO records (id, case_id, kind, version, rev, body, created_at, updated_at,"
            " updated_by) VALUES (?, ?, 'relationship', 1, 'x', ?, 'now', 'now', 'x')",
            (str(uuid.uuid4()), case_id, json.dumps(body)),
        )
    failed = failed_checks(vault)
    assert failed["references"] == "1 record(s) outside any case, 1 dangling reference(s)"


def _kind(name: str):  # type: ignore[no-untyped-def]
    from intake_desktop.core.model import KINDS

    return KINDS[name]


def test_case_delete_on_the_command_line(tmp_path: Path, vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    env = cli_env(vault.path)
    asked = run_in_process("case", "delete", case_id, env=env, input=b"n\n")
    assert asked.returncode == 11 and CaseStore(vault).document(case_id)
    done = run_in_process("case", "delete", case_id, "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert f"Deleted the case {case_id} (4 record(s))." in done.stdout.decode()
    with pytest.raises(NotFound):
        CaseStore(vault).document(case_id)
    missing = run_in_process("case", "delete", case_id, "--yes", env=env)
    assert missing.returncode == 10
