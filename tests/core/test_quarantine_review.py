"""What tells quarantined bundles apart, and what leaves the list (issue 14, item 9).

A good bundle and a damaged copy of it from the same unknown signer used to
be listed alike, and a copy refused once its signer was trusted stayed
listed for good. Each waiting bundle now keeps the name its file had and
its signer's number for it; one refused on import is forgotten, audited.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from intake_desktop.core import audit, identity, schema
from intake_desktop.core.bundle import importer, quarantine
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import BundleRejected
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import DB_NAME, Vault, _connect
from tests.bundle_forge import add_attachment, cli_env, export_to
from tests.cli.in_process import run_in_process
from tests.core.test_migrations import make_old_vault
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault


def test_a_damaged_copy_is_told_apart_and_forgotten_when_refused(tmp_path: Path) -> None:
    office, _ = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    stranger, _ = make_vault(tmp_path / "stranger", user_name="x", name="Herat laptop 3")
    try:
        # Over one age chunk (64 KiB), so a copy cut short still shows its manifest.
        case_id = CaseStore(stranger).add_case(MINIMAL_CASE)
        add_attachment(stranger, case_id, os.urandom(150_000))
        export_to(stranger, office, tmp_path / "first.intake")  # the signer's bundle 1
        good = tmp_path / "herat-3.intake"
        sent = export_to(stranger, office, good)
        damaged = tmp_path / "herat-3 copy.intake"
        damaged.write_bytes(good.read_bytes()[:-2000])
        for path in (good, damaged):
            assert importer.import_bundle(office, path).status == importer.QUARANTINED

        first, copy = quarantine.waiting(office)
        assert (first.file_name, copy.file_name) == ("herat-3.intake", "herat-3 copy.intake")
        assert first.sequence == copy.sequence == sent.sequence == 2
        assert first.bundle_id == copy.bundle_id == sent.bundle_id  # alike but for these:
        assert (first.size, copy.size) == (good.stat().st_size, damaged.stat().st_size)
        assert first.file_sha256 != copy.file_sha256
        # The command line's listing tells them apart the same way.
        listed = run_in_process("import", "--list-quarantine", "--json", env=cli_env(office.path))
        assert listed.returncode == 0, listed.stderr
        rows = {q["id"]: q for q in json.loads(listed.stdout)}
        assert rows[first.id]["file_name"] == "herat-3.intake"
        assert rows[copy.id]["file_name"] == "herat-3 copy.intake"
        assert rows[first.id]["sequence"] == rows[copy.id]["sequence"] == 2
        assert rows[first.id]["file_sha256"] == first.file_sha256 != copy.file_sha256

        TrustStore(office).add_device("Herat laptop 3", identity.load(stranger.conn).signing_key)
        with pytest.raises(BundleRejected, match="damaged or truncated"):
            importer.import_quarantined(office, copy.id)
        assert [q.id for q in quarantine.waiting(office)] == [first.id]
        assert not copy.path.exists()
        actions = [e.action for e in audit.events(office.conn, limit=5)]
        assert "bundle.quarantine_reject" in actions

        assert importer.import_quarantined(office, first.id).status == importer.MERGED
        assert quarantine.waiting(office) == [] and not first.path.exists()
    finally:
        office.close()
        stranger.close()


def test_bundles_kept_before_version_7_are_listed_without_name_or_number(tmp_path: Path) -> None:
    path = tmp_path / "old"
    before = make_old_vault(path, 6)
    master = before["master"]
    assert isinstance(master, bytes)
    conn = _connect(path / DB_NAME, master)
    conn.execute(
        "INSERT INTO quarantine (file_sha256, bundle_id, signing_key, fingerprint,"
        " producer_name, received_at, size) VALUES ('ab12', 'b-1', 'RWQ', 'FP', 'x',"
        " '2026-12-01T10:00:00Z', 1234)"
    )
    conn.commit()
    conn.close()
    with Vault.open(path, PASSPHRASE) as vault:
        assert schema.version_of(vault.conn) == schema.CURRENT_VERSION
        [kept] = quarantine.waiting(vault)
        assert (kept.bundle_id, kept.size, kept.file_sha256) == ("b-1", 1234, "ab12")
        assert (kept.file_name, kept.sequence) == ("", None)
