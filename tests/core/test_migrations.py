"""A vault made at an older schema version is upgraded without losing anything."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from intake_desktop.core import identity, schema
from intake_desktop.core.attachments import BlobInfo, BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.clock import utc_now
from intake_desktop.core.errors import VaultDamaged
from intake_desktop.core.files import make_private_dir, write_private_atomic
from intake_desktop.core.keyslots import FLOOR, USER, KeySlotHeader
from intake_desktop.core.vault import DB_NAME, HEADER_NAME, User, Vault, _connect
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault, store_old_chunks


def make_old_vault(path: Path, version: int) -> dict[str, object]:
    """A vault exactly as the app at schema ``version`` left it, with data in it."""
    make_private_dir(path)
    master = os.urandom(32)
    header = KeySlotHeader(vault_id=str(uuid.uuid4()), slots=())
    slot = header.seal(USER, PASSPHRASE, master, FLOOR)
    header = header.with_slot(slot)
    conn = _connect(path / DB_NAME, master, create=True)

    def after(step: int) -> None:  # what the app at that version did beside the SQL
        if step == 2:
            identity.generate(conn, utc_now().isoformat())

    schema.migrate(conn, target=version, after=after)
    vault = Vault(path, conn, header, User(slot.id, "farida", "caseworker"), master, utc_now)
    with vault.transaction():
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("vault_id", header.vault_id), ("name", "old"), ("created_at", vault.now())],
        )
        conn.execute(
            "INSERT INTO users (slot_id, name, role, created_at) VALUES (?, ?, ?, ?)",
            (slot.id, "farida", "caseworker", vault.now()),
        )
        content = b"%PDF-1.4 old scan" * 1000
        sha256 = store_old_chunks(conn, content, vault.now())
        blob = BlobInfo(sha256, len(content), "application/pdf")
    store = CaseStore(vault)
    # Today's code also fills search_owner (version 5): give it the table while
    # it writes, then take it away again, as the older app's file had none.
    owner_missing = version < 5
    if owner_missing:
        conn.execute("CREATE TABLE search_owner (row INTEGER PRIMARY KEY, case_id TEXT NOT NULL)")
    scan = {"sha256": blob.sha256, "filename": "scan.pdf", "size": blob.size}
    cited = [
        {"attachments": [{**scan, "media_type": blob.media_type}]}
    ]  # content some record names
    case_ids = [
        store.add_case({**MINIMAL_CASE, "title": f"Case {i}", "evidence": cited if i == 0 else []})
        for i in range(5)
    ]
    if owner_missing:
        conn.execute("DROP TABLE search_owner")
    # Stored data only: "checks" are computed (and need the keys version 2 added).
    documents = {cid: store.document(cid, checks=False) for cid in case_ids}
    audit_rows = conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    vault.close()
    write_private_atomic(path / HEADER_NAME, header.to_bytes())
    return {"documents": documents, "blob": blob.sha256, "audit": audit_rows, "master": master}


@pytest.mark.parametrize("old_version", range(1, schema.CURRENT_VERSION))
def test_an_old_vault_with_data_is_upgraded_without_loss(tmp_path: Path, old_version: int) -> None:
    before = make_old_vault(tmp_path / "old", old_version)
    with Vault.open(tmp_path / "old", PASSPHRASE) as vault:
        assert schema.version_of(vault.conn) == schema.CURRENT_VERSION
        store = CaseStore(vault)
        documents = before["documents"]
        assert isinstance(documents, dict)
        for case_id, document in documents.items():
            assert json.dumps(store.document(case_id, checks=False), sort_keys=True) == json.dumps(
                document, sort_keys=True
            )
        assert BlobStore(vault).verify(str(before["blob"]))
        audit_rows = vault.conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
        assert audit_rows[: len(before["audit"])] == before["audit"]  # type: ignore[arg-type]
        # Version 2 gave the vault its own keys.
        keys = identity.load(vault.conn)
        assert keys.age_recipient.startswith("age1") and keys.signing_key.startswith("RW")


def test_each_migration_commits_with_its_version_or_not_at_all(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "x.db", os.urandom(32), create=True)
    schema.migrate(conn, target=1)

    def explode(version: int) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        schema.migrate(conn, after=explode)
    assert schema.version_of(conn) == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "identity" not in tables and "records" in tables
    schema.migrate(conn, after=lambda v: None)
    assert schema.version_of(conn) == schema.CURRENT_VERSION
    conn.close()


def test_a_schema_newer_than_the_app_is_refused(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "x.db", os.urandom(32), create=True)
    conn.execute(f"PRAGMA user_version = {schema.CURRENT_VERSION + 1}")
    with pytest.raises(VaultDamaged):
        schema.migrate(conn)
    conn.close()


def _index_as_version_2_did(path: Path, master: bytes) -> None:
    """Rewrite the search index the way the app at schema 2 wrote it (no Latin keys)."""
    import json as _json

    from intake_desktop.core import names
    from intake_desktop.core.search import search_text

    conn = _connect(path / DB_NAME, master)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM search")
    rows = conn.execute("SELECT rowid, case_id, kind, body FROM records WHERE deleted = 0")
    for rowid, case_id, kind, body in rows.fetchall():
        data = _json.loads(body)
        text = search_text(kind, data)
        if kind == "person":
            parts = [data["full_name"], data["pseudonym"], *(n["text"] for n in data["names"])]
            text = names.index_text(" ".join(p for p in parts if p))
        if text:
            conn.execute(
                "INSERT INTO search (rowid, text, case_id) VALUES (?, ?, ?)", (rowid, text, case_id)
            )
    conn.execute("COMMIT")
    conn.close()


def _undo_version_6(conn: object) -> None:
    """Take away what versions 6 to 12 added, so migrations from an older version run again."""
    for statement in (
        "DROP TABLE drafts",
        "DROP TABLE record_sources",
        "DROP TABLE redactions",
        "DROP INDEX audit_log_by_record",
        "ALTER TABLE conflicts DROP COLUMN signing_key",
        "ALTER TABLE conflicts DROP COLUMN redacted",
        "ALTER TABLE trust DROP COLUMN withheld_names",
        # and what version 7 added
        "ALTER TABLE quarantine DROP COLUMN file_name",
        "ALTER TABLE quarantine DROP COLUMN device_seq",
        # and what version 8 added
        "DROP INDEX blobs_by_file",
        "ALTER TABLE blobs DROP COLUMN file",
        "ALTER TABLE blobs DROP COLUMN key",
        # and what version 9 added
        "DROP TABLE destinations",
        # and what version 10 added
        "DROP TABLE outbox",
        "DROP TABLE inbox_refused",
        # and what version 11 added
        "DROP TABLE receipts_issued",
        "DROP TABLE receipts",
        "DROP TABLE delivered",
        "DROP TABLE vouches",
        "ALTER TABLE trust DROP COLUMN revoked_at",
        # and what version 12 added
        "DROP TABLE user_keys",
        "ALTER TABLE trust DROP COLUMN packets",
    ):
        conn.execute(statement)  # type: ignore[attr-defined]


def test_version_2_vault_gains_latin_search_dismissals_and_translator_details(
    tmp_path: Path,
) -> None:
    """Versions 3 and 4: new tables, and the search index rebuilt from the records."""
    path = tmp_path / "old"
    before = make_old_vault(path, 2)
    master = before["master"]
    assert isinstance(master, bytes)
    vault = Vault.open(path, PASSPHRASE)
    case_id = CaseStore(vault).add_case(
        {"title": "Latin names", "route": "other", "people": [{"full_name": "Mohammed Noor"}]}
    )
    vault.close()
    # Back to an index as version 2 left it, and the version set back to 2.
    _index_as_version_2_did(path, master)
    conn = _connect(path / DB_NAME, master)
    conn.execute("DROP TABLE translator_profiles")
    conn.execute("DROP TABLE duplicate_dismissals")
    conn.execute("DROP TABLE search_owner")
    _undo_version_6(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    from intake_desktop.core.cases import CaseQuery

    with Vault.open(path, PASSPHRASE) as vault:
        assert schema.version_of(vault.conn) == schema.CURRENT_VERSION
        store = CaseStore(vault)
        found = {c.id for c in store.list(CaseQuery(search="Muhammad Nur"))}
        assert found == {case_id}  # Latin spelling keys, from the rebuilt index
        assert len(store.list(CaseQuery(search="احمدزی"))) == 5  # nothing else lost
        tables = {r[0] for r in vault.conn.execute("SELECT name FROM sqlite_master")}
        assert {"translator_profiles", "duplicate_dismissals"} <= tables
        documents = before["documents"]
        assert isinstance(documents, dict)
        for old_case, document in documents.items():
            assert store.document(old_case, checks=False) == document


def test_version_4_vault_gains_the_search_owner_table(tmp_path: Path) -> None:
    """Version 5: search results find their case through search_owner, filled from search."""
    from intake_desktop.core.cases import CaseQuery
    from intake_desktop.core.check import check_vault

    make_old_vault(tmp_path / "old", 4)
    with Vault.open(tmp_path / "old", PASSPHRASE) as vault:
        owners = vault.conn.execute("SELECT count(*) FROM search_owner").fetchone()[0]
        assert owners == vault.conn.execute("SELECT count(*) FROM search").fetchone()[0] > 0
        assert len(CaseStore(vault).list(CaseQuery(search="احمدزی"))) == 5
        assert all(result.ok for result in check_vault(vault))


def test_vault_check_finds_a_search_row_without_its_owner(tmp_path: Path) -> None:
    from intake_desktop.core.check import check_vault

    vault, _ = make_vault(tmp_path / "v")
    CaseStore(vault).add_case(dict(MINIMAL_CASE))
    with vault.transaction():
        vault.conn.execute(
            "DELETE FROM search_owner WHERE row = (SELECT max(row) FROM search_owner)"
        )
    failed = [r.name for r in check_vault(vault) if not r.ok]
    assert failed == ["search index"]
    vault.close()
