"""What an import may change, and what it says it changed.

Three vaults: a field laptop (A), a second field laptop (B) and the office
(C), which trusts both; B also trusts C and receives from it. Bundle ids are
per signer, stale conflicts close themselves, every stored revision knows
the bundle and key that brought it, and the report names every record added
or changed by case, and the device that created a case someone else wrote into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_desktop.core import audit, identity
from intake_desktop.core.bundle import importer, merge, report
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import (
    cli_env,
    edit_records,
    export_to,
    forge,
    introduce,
    rehash,
    relist,
    take_apart,
)
from tests.cli.in_process import run_in_process
from tests.core.conftest import Pair
from tests.helpers import MINIMAL_CASE, make_vault


@dataclass
class Three:
    a: Vault
    b: Vault
    c: Vault
    folder: Path

    def ship(self, src: Vault, dst: Vault, name: str, *case_ids: str) -> importer.ImportResult:
        path = self.folder / name
        export_to(src, dst, path, list(case_ids) or None)
        return importer.import_bundle(dst, path)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Three]:
    root = tmp_path_factory.mktemp("three")
    # Both field laptops claim the same name: only the office's own names count.
    a, _ = make_vault(root / "a", name="dev-A")
    b, _ = make_vault(root / "b", user_name="bashir", name="dev-A")
    c, _ = make_vault(root / "c", user_name="cora", role="coordinator", name="Office")
    introduce(a, c, "Kabul field 1", "Office")
    introduce(b, c, "Herat field 2", "Office")
    introduce(c, b, "Office signer", "Herat recipient")
    (root / "bundles").mkdir()
    yield Three(a, b, c, root / "bundles")
    for vault in (a, b, c):
        vault.close()


def retitle(vault: Vault, case_id: str, title: str) -> None:
    CaseStore(vault).update_case(case_id, {"title": title})


def open_conflicts(vault: Vault, case_id: str) -> list[merge.Conflict]:
    return [c for c in merge.conflicts(vault) if c.case_id == case_id]


# Item 3: a stale conflict must not undo a resolution


def test_a_conflict_both_sides_of_which_were_superseded_is_closed_on_import(pair: Pair) -> None:
    d, e = pair.field, pair.coord
    case_id = CaseStore(d).add_case(MINIMAL_CASE)
    pair.ship(d, e, case_id)
    retitle(d, case_id, "Title from D")
    retitle(e, case_id, "Title from E")
    pair.ship(d, e, case_id)  # E now holds a conflict (incoming: D's title)
    pair.ship(e, d, case_id)  # and D one (incoming: E's title)
    (at_d,) = open_conflicts(d, case_id)
    merge.resolve(d, at_d.id, "incoming")  # D keeps E's title
    result = pair.ship(d, e, case_id)
    assert result.counts["updated"] == 1
    # E's conflict is about two revisions D's resolution descends from.
    assert open_conflicts(e, case_id) == []
    assert CaseStore(e).document(case_id)["title"] == "Title from E"
    closed = e.conn.execute(
        "SELECT resolved, body FROM conflicts WHERE record_id = ?", (case_id,)
    ).fetchall()
    assert closed == [(1, "{}")]  # closed, and its copy of the record not kept


def test_resolving_never_writes_back_a_revision_the_stored_one_descends_from(
    pair: Pair,
) -> None:
    """A conflict row whose incoming side is an ancestor of the stored record (one left
    open by an older version of the app) is closed by resolving, not written back."""
    vault = pair.coord
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    first = RecordStore(vault).require(case_id)
    retitle(vault, case_id, "The newer title")
    current = RecordStore(vault).require(case_id)
    with vault.transaction():
        vault.conn.execute(
            "INSERT INTO conflicts (record_id, case_id, kind, version, rev, history, body,"
            " updated_at, updated_by, deleted, bundle_id, received_at)"
            " VALUES (?, ?, 'case', ?, ?, '[]', ?, ?, 'x', 0, 'b', ?)",
            (
                case_id,
                case_id,
                first.version,
                first.rev,
                json.dumps(first.body),
                first.updated_at,
                first.updated_at,
            ),
        )
    (stale,) = open_conflicts(vault, case_id)
    kept = merge.resolve(vault, stale.id, "incoming")
    assert kept == current
    assert RecordStore(vault).require(case_id) == current
    assert CaseStore(vault).document(case_id)["title"] == "The newer title"
    assert open_conflicts(vault, case_id) == []


# Item 4: bundle ids belong to their signer


def test_a_decoy_reusing_another_devices_bundle_id_does_not_block_the_real_one(
    three: Three,
) -> None:
    case_a = CaseStore(three.a).add_case(MINIMAL_CASE)
    genuine = three.folder / "genuine-a.intake"
    genuine_export = export_to(three.a, three.c, genuine, [case_a])
    # B (trusted by the office) learnt the id, say from a copy it was handed,
    # and sends a bundle of its own under it, first.
    case_b = CaseStore(three.b).add_case(MINIMAL_CASE)
    own = three.folder / "b-own.intake"
    export_to(three.b, three.c, own, [case_b])
    office = identity.load(three.c.conn)
    parts = take_apart(own, office.age_secret)
    manifest, members = parts.fresh()
    manifest["bundle_id"] = genuine_export.bundle_id
    secret = identity.load(three.b.conn).minisign_secret()
    manifest, members = relist(manifest, members, secret)
    decoy = three.folder / "decoy.intake"
    decoy.write_bytes(forge(secret, manifest, members, office.age_recipient))
    assert importer.import_bundle(three.c, decoy).status == importer.MERGED
    result = importer.import_bundle(three.c, genuine)
    assert result.status == importer.MERGED
    assert CaseStore(three.c).document(case_a)["title"] == MINIMAL_CASE["title"]
    keys = three.c.conn.execute(
        "SELECT signing_key FROM bundles_in WHERE bundle_id = ?", (genuine_export.bundle_id,)
    ).fetchall()
    assert len(keys) == 2
    # The same device reusing its own id for different content is still refused.
    manifest["records"] = manifest["records"][:1]
    with pytest.raises(BundleRejected, match="same device reuses"):
        again = three.folder / "decoy-again.intake"
        again.write_bytes(forge(secret, manifest, members, office.age_recipient))
        importer.import_bundle(three.c, again)


# Items 5 and 8: who brought what, and the names this vault gave


def test_each_stored_revision_knows_the_bundle_and_key_that_brought_it(three: Three) -> None:
    case_id = CaseStore(three.a).add_case(MINIMAL_CASE)
    path = three.folder / "a-sources.intake"
    export = export_to(three.a, three.c, path, [case_id])
    # The bundle claims the records were written by someone else; only the
    # signing key is believed.
    office = identity.load(three.c.conn)
    secret = identity.load(three.a.conn).minisign_secret()
    manifest, members = take_apart(path, office.age_secret).fresh()

    def claim(doc: dict[str, object]) -> None:
        for raw in doc["records"]:  # type: ignore[attr-defined]
            raw["updated_by"] = "cora"
            rehash(raw)

    members = edit_records(members, case_id, claim)
    revs = {
        raw["id"]: raw["rev"]
        for name, data in members
        if name.startswith("records/")
        for raw in json.loads(data)["records"]
    }
    manifest["records"] = [{**r, "rev": revs[r["id"]]} for r in manifest["records"]]
    manifest, members = relist(manifest, members, secret)
    claimed = three.folder / "a-claims-cora.intake"
    claimed.write_bytes(forge(secret, manifest, members, office.age_recipient))
    result = importer.import_bundle(three.c, claimed)
    assert result.status == importer.MERGED
    a_key = identity.load(three.a.conn).signing_key
    records = RecordStore(three.c).of_case(case_id)
    sources = dict(
        three.c.conn.execute(
            "SELECT record_id, signing_key FROM record_sources WHERE bundle_id = ?",
            (manifest["bundle_id"],),
        ).fetchall()
    )
    assert sources == {r.id: a_key for r in records}
    assert all(r.updated_by == "cora" for r in records)  # the claim, kept as data only
    # One audit entry per merged record, by id.
    logged = {e.record_id for e in audit.events(three.c.conn, limit=100)}
    assert {r.id for r in records} <= logged
    # The report lists every record added, by case, and who created the case.
    (changes,) = result.changes
    assert changes.case_id == case_id and changes.title == MINIMAL_CASE["title"]
    assert {(r.id, r.change) for r in changes.records} == {(r.id, "added") for r in records}
    assert changes.origin == report.ORIGIN_DEVICE
    assert changes.origin_name == "Kabul field 1" and not changes.other_device
    assert export.bundle_id != manifest["bundle_id"]


def test_a_device_writing_into_a_case_another_device_created_is_shown_as_such(
    three: Three,
) -> None:
    case_id = CaseStore(three.a).add_case(MINIMAL_CASE)
    assert three.ship(three.a, three.c, "a-to-c.intake", case_id).status == importer.MERGED
    assert three.ship(three.c, three.b, "c-to-b.intake", case_id).status == importer.MERGED
    person = CaseStore(three.b).children(case_id, "person")[0]
    with three.b.transaction():
        RecordStore(three.b).update(person.id, {**person.body, "notes": "seen in Herat"})
    path = three.folder / "b-to-c.intake"
    export_to(three.b, three.c, path, [case_id])
    shown = run_in_process("import", str(path), "--json", env=cli_env(three.c.path))
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["producer"]["name"] == "Herat field 2"
    (case,) = report["changes"]
    assert case["case_id"] == case_id
    assert case["written_by_another_device"] is True
    a_key = identity.load(three.a.conn).signing_key
    assert case["created_by"] == {
        "origin": "device",
        "name": "Kabul field 1",
        "fingerprint": signing_key_fingerprint(a_key),
    }
    assert case["records"] == [
        {"id": person.id, "kind": "person", "change": "changed", "version": 2}
    ]
    # In words, with the names this vault gave the devices, never their claims.
    again = CaseStore(three.b).children(case_id, "person")[0]
    with three.b.transaction():
        RecordStore(three.b).update(again.id, {**again.body, "notes": "moved to Kabul"})
    path = three.folder / "b-to-c-2.intake"
    export_to(three.b, three.c, path, [case_id])
    text = run_in_process("import", str(path), env=cli_env(three.c.path))
    assert text.returncode == 0, text.stderr
    out = text.stdout.decode()
    assert "Herat field 2" in out and "Kabul field 1" in out
    assert "dev-A" not in out
    assert "another device wrote into it" in out
    assert person.id in out
    stored = three.c.conn.execute(
        "SELECT producer_name FROM bundles_in WHERE signing_key = ?",
        (identity.load(three.b.conn).signing_key,),
    ).fetchall()
    assert stored and {row[0] for row in stored} == {"Herat field 2"}
