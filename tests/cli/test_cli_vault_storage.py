"""The command line: ``vault backup``, ``vault upgrade``, blob files in ``vault check``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from tests.cli.support import add_case, assert_unchanged, describe, fails, ok, ok_json, run, state
from tests.helpers import MINIMAL_CASE, PASSPHRASE, store_old_chunks


def attached(env: dict[str, str], tmp_path: Path, size: int = 300_000) -> tuple[str, bytes]:
    case_id = add_case(env, MINIMAL_CASE)
    data = b"%PDF-1.4\n" + os.urandom(size)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(data)
    ok("attach", case_id, str(scan), env=env)
    return case_id, data


def failed_check(env: dict[str, str]) -> dict[str, Any]:
    result = run("vault", "check", "--json", env=env)
    assert result.returncode == 7, describe(result)
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_backup_is_a_vault_with_the_same_passphrase_and_every_attachment(
    vault_env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    case_id, data = attached(vault_env, tmp_path)
    dest = tmp_path / "usb" / "backup-1"
    dest.parent.mkdir()
    info = ok_json("vault", "backup", str(dest), "--json", env=vault_env)
    assert info["path"] == str(dest) and info["files"] == 1 and info["file_bytes"] > len(data)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700
    for path in dest.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert [p.name for p in dest.parent.iterdir()] == ["backup-1"]  # no partial folder left
    restored = {**vault_env, "INTAKE_VAULT": str(dest)}
    assert ok_json("case", "show", case_id, "--json", env=restored)["id"] == case_id
    assert ok_json("vault", "check", "--json", env=restored)["ok"] is True
    with Vault.open(dest, PASSPHRASE) as copy:
        (sha256,) = BlobStore(copy).all_hashes()
        assert b"".join(BlobStore(copy).chunks(sha256)) == data


def test_backup_refuses_an_existing_folder_and_changes_nothing(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    attached(vault_env, tmp_path)
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "photo.jpg").write_bytes(b"someone's")
    before = state(vault_env)
    line = fails("vault", "backup", str(dest), env=vault_env, code=6)
    assert "already exists" in line
    assert [p.name for p in dest.iterdir()] == ["photo.jpg"]
    assert_unchanged(vault_env, before, unlock_allowed=True)


def test_backup_refuses_a_destination_whose_folder_is_missing(
    vault_env: dict[str, str], tmp_path: Path
) -> None:
    line = fails("vault", "backup", str(tmp_path / "no-usb" / "copy"), env=vault_env, code=6)
    assert "does not exist" in line
    assert not (tmp_path / "no-usb").exists()


def test_backup_refuses_a_folder_inside_the_vault(
    vault_env: dict[str, str], vault_path: Path
) -> None:
    line = fails("vault", "backup", str(vault_path / "copy"), env=vault_env, code=6)
    assert "inside the vault" in line
    assert not (vault_path / "copy").exists()


def test_upgrade_moves_an_older_vaults_attachments_and_check_reports_them(
    vault_env: dict[str, str], vault_path: Path
) -> None:
    with Vault.open(vault_path, PASSPHRASE) as vault:
        with vault.transaction() as conn:
            sha256 = store_old_chunks(conn, os.urandom(2_500_000), vault.now())
        scan = {"sha256": sha256, "filename": "old.bin", "size": 2_500_000}
        CaseStore(vault).add_case({**MINIMAL_CASE, "evidence": [{"attachments": [scan]}]})
    report = ok_json("vault", "check", "--json", env=vault_env)
    (files,) = [c for c in report["checks"] if c["name"] == "attachment files"]
    assert files["ok"] and "1 attachment(s) still inside the database" in files["detail"]
    moved = ok_json("vault", "upgrade", "--json", env=vault_env)
    assert moved["moved"] == 1 and moved["bytes"] == 2_500_000
    assert moved["database_bytes_after"] < moved["database_bytes_before"] - 2_000_000
    assert ok("vault", "upgrade", env=vault_env) == (
        "Every attachment is already in the encrypted file store.\n"
    )
    with Vault.open(vault_path, PASSPHRASE) as vault:
        assert BlobStore(vault).verify(sha256) and len(vault.files.names()) == 1


def test_check_reports_a_blob_folder_restored_from_an_older_copy(
    vault_env: dict[str, str], vault_path: Path, tmp_path: Path
) -> None:
    attached(vault_env, tmp_path)
    old_copy = tmp_path / "old-copy"
    (vault_path / "blobs").rename(old_copy)
    (vault_path / "blobs").mkdir(mode=0o700)
    attached(vault_env, tmp_path)  # a file the old copy does not have
    (vault_path / "blobs").rename(tmp_path / "newer")
    old_copy.rename(vault_path / "blobs")
    report = failed_check(vault_env)
    failed = {c["name"]: c["detail"] for c in report["checks"] if not c["ok"]}
    assert failed["attachment files"] == (
        "1 attachment file(s) missing: the vault folder may have been restored from an older copy"
    )
    assert failed["attachments"].startswith("1 attachment(s) missing, damaged")
