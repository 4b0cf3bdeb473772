"""Kill -9 at every step of the file store's write and delete order.

Each step (tests/security/blob_steps.py) is a place a real process is
SIGKILLed while adding an attachment or deleting the evidence that holds
one. Afterwards the vault opens, every attachment acknowledged before is
readable and matches its SHA-256, the one in flight is whole or absent
(never a row without its file), and the unlock's sweep has left no orphan
or partial file behind.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from intake_desktop.core import blob_upgrade
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.helpers import PASSPHRASE, REPO, make_vault, store_old_chunks
from tests.security.blob_steps import ATTACH_STEPS, DELETE_STEPS


def driver(mode: str, path: Path, step: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return subprocess.run(
        [sys.executable, "-m", "tests.security.crash_driver", mode, str(path), step],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def vault_with_two_scans(path: Path) -> dict[str, str]:
    """Two acknowledged attachments: evidence id -> SHA-256."""
    vault, _ = make_vault(path)
    try:
        case_id = CaseStore(vault).add_case({"title": "Crash", "route": "other"})
        acked = {}
        for n in range(2):
            data = os.urandom(300_000 + n)
            record = add_attachment(vault, case_id, io.BytesIO(data), f"scan-{n}.bin")
            acked[record.id] = hashlib.sha256(data).hexdigest()
        return acked
    finally:
        vault.close()


def assert_whole(vault: Vault, acked: dict[str, str]) -> None:
    blobs, records = BlobStore(vault), RecordStore(vault)
    for evidence_id, sha256 in acked.items():
        record = records.get(evidence_id)
        assert record is not None and not record.deleted
        assert blobs.verify(sha256)
    # Whatever a live record names is there and sound; the files on disk
    # are exactly the ones rows name (the sweep took the rest).
    for sha256 in blobs.all_hashes():
        assert blobs.verify(sha256)
    assert vault.files.names() == blobs.file_names()
    leftovers = [p.name for p in vault.files.folder.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []
    failed = [(r.name, r.detail) for r in check_vault(vault) if not r.ok]
    assert failed == []


@pytest.mark.parametrize("step", ATTACH_STEPS)
def test_a_kill_while_attaching_loses_nothing_acknowledged(tmp_path: Path, step: str) -> None:
    path = tmp_path / "vault"
    acked = vault_with_two_scans(path)
    result = driver("attach", path, step)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "ack" not in result.stdout
    files_before_unlock = {p.name for p in (path / "blobs").iterdir()}
    # Before the rename the file is a partial one; from the rename on, a blob
    # file that may not have a row.
    assert any(name.endswith(".partial") for name in files_before_unlock) == (
        step in ("mid-write", "file-fsynced")
    )
    with Vault.open(path, PASSPHRASE) as vault:
        in_flight = vault.conn.execute(
            "SELECT count(*) FROM records WHERE kind = 'evidence'"
        ).fetchone()[0]
        # Only a kill after the commit keeps the new attachment, whole.
        assert in_flight == (3 if step == "committed" else 2)
        assert_whole(vault, acked)


@pytest.mark.parametrize("step", DELETE_STEPS)
def test_a_kill_while_deleting_leaves_the_attachment_whole_or_gone(
    tmp_path: Path, step: str
) -> None:
    path = tmp_path / "vault"
    acked = vault_with_two_scans(path)
    newest = list(acked)[-1]
    result = driver("delete", path, step)
    assert result.returncode == -signal.SIGKILL, result.stderr
    with Vault.open(path, PASSPHRASE) as vault:
        record = RecordStore(vault).get(newest)
        assert record is not None
        if step == "row-deleted":
            assert not record.deleted  # rolled back: the file and its key are still there
            assert_whole(vault, acked)
        else:
            assert record.deleted  # committed: key gone; the file went at unlock
            del acked[newest]
            assert_whole(vault, acked)
            assert len(vault.files.names()) == 1


def test_a_file_still_being_committed_is_not_swept_by_another_unlock(tmp_path: Path) -> None:
    """The sweep runs under the writer lock and skips files a writer has claimed."""
    path = tmp_path / "vault"
    vault, _ = make_vault(path)
    try:
        writer = vault.files.writer()
        writer.write(b"still being committed by another program")
        writer.finish()
        assert vault.files.names() == {writer.name}
        with Vault.open(path, PASSPHRASE) as other:  # its unlock sweeps
            assert other.files.names() == {writer.name}
        writer.release()
        with Vault.open(path, PASSPHRASE) as other:  # no claim, no row: an orphan
            assert other.files.names() == set()
    finally:
        vault.close()


@pytest.mark.parametrize("step", ["mid-write", "renamed", "row-inserted", "committed"])
def test_a_kill_while_moving_old_attachments_loses_none_and_resumes(
    tmp_path: Path, step: str
) -> None:
    path = tmp_path / "vault"
    vault, _ = make_vault(path)
    with vault.transaction() as conn:
        contents = [os.urandom(600_000 + n) for n in range(3)]
        hashes = [store_old_chunks(conn, data, vault.now()) for data in contents]
    vault.close()
    result = driver("upgrade", path, step)
    assert result.returncode == -signal.SIGKILL, result.stderr
    with Vault.open(path, PASSPHRASE) as vault:
        store = BlobStore(vault)
        assert all(store.verify(h) for h in hashes)
        # Only a kill after the first commit has moved one.
        assert len(store.file_names()) == (1 if step == "committed" else 0)
        assert vault.files.names() == store.file_names()  # the sweep took the rest
        assert blob_upgrade.upgrade(vault).blobs == (2 if step == "committed" else 3)
        assert all(store.verify(h) for h in hashes) and len(store.file_names()) == 3
