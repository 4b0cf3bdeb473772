"""Purge after delivery: the delivered cases leave the laptop whole, and nothing else does.

Real vaults on both sides: a bundle really imported by the office, its real
receipt taken by the field laptop; then the field's database and WAL are
read page by page, decrypted as an attacker with the master key would, to
prove the purged case's words are gone from the disk, not only from SQL.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import receipts
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.purge import plan, purge_delivered
from intake_desktop.core.vault import DB_NAME, Vault
from tests.bundle_forge import add_attachment, export_to, introduce, recipient_ref
from tests.cli.support import fails, ok, ok_json
from tests.core.sqlcipher_pages import sqlcipher_pages
from tests.helpers import MINIMAL_CASE, make_vault

MARKER = "Purgemarkerzai"  # a family name no other case has
SHARED = os.urandom(300_000)  # the same scan in a purged case and in one that stays


def case_named(title: str, person: str) -> dict[str, object]:
    case = copy.deepcopy(MINIMAL_CASE)
    case["title"] = f"{title} family"
    case["people"] = [{"full_name": person, "role": "beneficiary"}]
    return case


@pytest.fixture
def field(tmp_path: Path) -> Iterator[tuple[Vault, dict[str, str]]]:
    """Cases A (delivered), B (delivered, edited since), C (never sent); A's receipt taken."""
    field, _ = make_vault(tmp_path / "field", name="Field")
    office, _ = make_vault(tmp_path / "office", name="Office")
    introduce(field, office, "Field laptop", "Office")
    introduce(office, field, "Office device", "Field")
    store = CaseStore(field)
    ids = {
        "A": store.add_case(case_named(MARKER, f"Nadia {MARKER}")),
        "B": store.add_case(case_named("Sultani", "Karim Sultani")),
        "C": store.add_case(case_named("Haidari", "Bibi Haidari")),
    }
    ids["unique"] = add_attachment(field, ids["A"], os.urandom(400_000), "tazkira.jpg")
    add_attachment(field, ids["A"], SHARED, "letter.pdf")
    add_attachment(field, ids["C"], SHARED, "letter.pdf")
    export_to(field, office, tmp_path / "b.intake", [ids["A"], ids["B"]])
    assert importer.import_bundle(office, tmp_path / "b.intake").status == "merged"
    (bundle_id,) = [r[0] for r in office.conn.execute("SELECT bundle_id FROM bundles_in")]
    receipts.take(field, receipts.issued(office, bundle_id))
    office.close()
    store.update_case(ids["B"], {"title": "Sultani family (edited)"})
    yield field, ids
    field.close()


def blob_files(vault: Vault) -> int:
    return sum(1 for p in (vault.path / "blobs").iterdir() if not p.name.startswith("."))


def words_on_disk(vault: Vault, word: str) -> bool:
    pages = sqlcipher_pages(vault.path / DB_NAME, bytes(vault._master_key))
    needle = word.lower().encode()
    return any(needle in page.lower() for page in pages)


def test_only_the_case_delivered_as_it_is_goes_and_it_goes_whole(
    field: tuple[Vault, dict[str, str]],
) -> None:
    vault, ids = field
    planned = plan(vault)
    assert planned.cases == [ids["A"]] and planned.kept == [ids["B"]] and planned.dry_run
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert words_on_disk(vault, MARKER)
    unique_sha = hashlib.sha256(
        b"".join(BlobStore(vault).chunks(_sha_of(vault, ids["unique"])))
    ).hexdigest()
    files_before = blob_files(vault)

    result = purge_delivered(vault)

    assert result.cases == [ids["A"]] and result.kept == [ids["B"]] and not result.dry_run
    assert result.attachments == 1  # the unique scan; the shared one stays for C
    store = CaseStore(vault)
    assert store.count() == 2
    assert vault.conn.execute(
        "SELECT count(*) FROM records WHERE case_id = ?", (ids["A"],)
    ).fetchone() == (0,)
    assert store.list(CaseQuery(search=MARKER)) == []
    assert not BlobStore(vault).exists(unique_sha)
    shared = hashlib.sha256(SHARED).hexdigest()
    assert b"".join(BlobStore(vault).chunks(shared)) == SHARED
    assert blob_files(vault) == files_before - 1
    # Gone from the disk: no page of the database or its WAL holds the name.
    assert not words_on_disk(vault, MARKER)
    # The audit log names the case by id only.
    audit = vault.conn.execute(
        "SELECT action, record_kind, record_id FROM audit_log WHERE action = 'case.purge'"
    ).fetchall()
    assert audit == [("case.purge", "case", ids["A"])]
    # Purging again finds nothing more.
    assert purge_delivered(vault).cases == []


def _sha_of(vault: Vault, evidence_id: str) -> str:
    (body,) = vault.conn.execute("SELECT body FROM records WHERE id = ?", (evidence_id,)).fetchone()
    return str(json.loads(body)["attachments"][0]["sha256"])


def test_a_purge_never_travels_as_a_deletion(
    field: tuple[Vault, dict[str, str]], tmp_path: Path
) -> None:
    vault, _ids = field
    purge_delivered(vault)
    office = recipient_ref("Office", str(pyrage.x25519.Identity.generate().to_public()))
    result = export_bundle(vault, [office], tmp_path / "after.intake")
    # B and C only: A travels neither as a case nor as a deletion.
    (left,) = vault.conn.execute("SELECT count(*) FROM records").fetchone()
    assert result.cases == 2 and result.records == left


def test_purge_from_the_command_line(
    field: tuple[Vault, dict[str, str]], cli_env: dict[str, str]
) -> None:
    vault, ids = field
    path = vault.path
    vault.close()
    env = cli_env | {"INTAKE_VAULT": str(path)}
    listed = ok_json("purge", "--delivered", "--dry-run", "--json", env=env)
    assert listed["purged"] == [ids["A"]] and listed["dry_run"] is True
    assert listed["kept"] == [{"id": ids["B"], "reason": "changed since delivery"}]
    assert "--yes" in fails("purge", "--delivered", env=env, code=11)  # a script must say so
    assert len(ok_json("case", "list", "--json", env=env)) == 3
    done = ok_json("purge", "--delivered", "--yes", "--json", env=env)
    assert done["purged"] == [ids["A"]] and done["attachments"] == 1
    assert {c["id"] for c in ok_json("case", "list", "--json", env=env)} == {ids["B"], ids["C"]}
    fails("case", "show", ids["A"], env=env, code=10)
    assert "Would remove 0" in ok("purge", "--delivered", "--dry-run", env=env)
