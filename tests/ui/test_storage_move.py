"""After unlock, an older vault's attachments move into the file store, shown in the status bar."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.qt import QSettings
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from tests.helpers import PASSPHRASE, make_vault, store_old_chunks


def old_layout_vault(path: Path, count: int) -> list[str]:
    vault, _ = make_vault(path)
    try:
        with vault.transaction() as conn:
            return [
                store_old_chunks(conn, os.urandom(1_500_000), vault.now()) for _ in range(count)
            ]
    finally:
        vault.close()


def window_on(qtbot: Any, path: Path, settings: QSettings) -> tuple[VaultSession, MainWindow]:
    """The app's main window on the vault at ``path``, still locked."""
    session = VaultSession(path, settings)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return session, window


def test_unlocking_moves_attachments_into_the_file_store(
    qtbot: Any, tmp_path: Path, settings: QSettings, jobs_end: None
) -> None:
    path = tmp_path / "vault"
    hashes = old_layout_vault(path, 3)
    session, window = window_on(qtbot, path, settings)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(lambda text: messages.append(text))
    session._opened(Vault.open(path, PASSPHRASE))
    assert window.storage_move.isVisible()  # the progress bar shows while it moves
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)
    assert not window.storage_move.isVisible()
    assert "3 attachment(s) moved into the encrypted file store." in messages
    assert session.vault is not None
    store = BlobStore(session.vault)
    assert all(store.verify(h) for h in hashes)
    assert len(store.file_names()) == 3 and session.vault.files.names() == store.file_names()
    assert session.vault.conn.execute("SELECT count(*) FROM blob_chunks").fetchone() == (0,)
    session.lock()


def test_locking_stops_the_move_and_the_next_unlock_finishes_it(
    qtbot: Any, tmp_path: Path, settings: QSettings, jobs_end: None
) -> None:
    path = tmp_path / "vault"
    hashes = old_layout_vault(path, 6)
    session, window = window_on(qtbot, path, settings)
    session._opened(Vault.open(path, PASSPHRASE))
    job = window.storage_move.job
    assert job is not None
    session.lock()  # cancels between two attachments
    assert job.cancel_requested
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)
    assert window.storage_move.job is None and not window.storage_move.isVisible()
    session._opened(Vault.open(path, PASSPHRASE))
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)
    assert session.vault is not None
    store = BlobStore(session.vault)
    assert all(store.verify(h) for h in hashes) and len(store.file_names()) == 6
    session.lock()


def test_a_vault_with_nothing_to_move_shows_nothing(
    qtbot: Any, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "vault"
    make_vault(path)[0].close()
    session, window = window_on(qtbot, path, settings)
    session._opened(Vault.open(path, PASSPHRASE))
    assert window.storage_move.job is None and window.storage_move.isHidden()
    session.lock()
