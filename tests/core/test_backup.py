"""``vault backup``: a consistent copy while the vault is in use."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.backup import backup
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.helpers import MINIMAL_CASE, PASSPHRASE


def test_a_backup_taken_while_attachments_come_and_go_is_whole(
    vault: Vault, tmp_path: Path
) -> None:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    for n in range(3):
        add_attachment(vault, case_id, io.BytesIO(os.urandom(400_000 + n)), f"scan-{n}.bin")
    stop = threading.Event()
    changes = 0

    def busy() -> None:
        # Another connection adds and deletes attachments the whole time.
        nonlocal changes
        other = vault.clone()
        try:
            while not stop.is_set():
                record = add_attachment(other, case_id, io.BytesIO(os.urandom(300_000)), "x.bin")
                with other.transaction():
                    RecordStore(other).delete(record.id)
                changes += 1
        finally:
            other.close()

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        copies = [backup(vault, tmp_path / f"backup-{n}") for n in range(4)]
    finally:
        stop.set()
        worker.join()
    assert changes > 0
    for copy in copies:
        with Vault.open(copy.path, PASSPHRASE) as restored:
            assert [(r.name, r.detail) for r in check_vault(restored) if not r.ok] == []
            assert len(BlobStore(restored).all_hashes()) in (3, 4)
    # The deletions the backups held back were swept at the next unlock.
    with Vault.open(vault.path, PASSPHRASE) as again:
        assert again.files.names() == BlobStore(again).file_names()


def test_no_blob_file_is_removed_while_a_backup_holds_the_folder(vault: Vault) -> None:
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    record = add_attachment(vault, case_id, io.BytesIO(b"scan" * 1000), "a.bin")
    (name,) = vault.files.names()
    with vault.files.kept():
        with vault.transaction():
            RecordStore(vault).delete(record.id)
        assert vault.files.names() == {name}  # key gone, file kept for the copy
    assert BlobStore(vault).file_names() == set()
    path = vault.path
    vault.close()
    with Vault.open(path, PASSPHRASE) as again:
        assert again.files.names() == set()
