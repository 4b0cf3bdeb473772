"""The Outbox in the app against a real OpenSSH server: Send to, Send now, retries, lock.

A bundle exported with "Send to" appears in the Outbox and in the status
bar's count; Send now puts it on the server whole; a server that is down
leaves the error and a next try in its row, and the timer tries again when
it is due; locking in the middle of a send stops it, and the entry waits
to be sent again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import intake_desktop.core.delivery.destinations  # noqa: F401  (exit handlers, see test_destination_cli)
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.clock import utc_now
from intake_desktop.core.delivery.entries import QUEUED, SENT
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.outbox.outbox_dialog import OutboxDialog
from intake_desktop.ui.outbox.outbox_table import ERROR, NEXT_TRY, STATE
from intake_desktop.ui.qt import QSettings, Qt
from intake_desktop.ui.services import outbox as outbox_service
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.bidi import select_row
from tests.bundle_forge import add_attachment
from tests.delivery.sshd import SshServer, running
from tests.helpers import PASSPHRASE, make_vault
from tests.ui.bundle_dialog_support import check_recipients
from tests.ui.outbox_support import COUNSEL, TIMEOUT_MS, prepare, recipients

pytestmark = pytest.mark.usefixtures("jobs_end")


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    yield from running(tmp_path)


@pytest.fixture
def no_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The timer waits an hour at least: only Send now sends in these tests."""
    monkeypatch.setattr(outbox_service, "MIN_WAIT_S", 3600.0)


@pytest.fixture
def window(
    qtbot, qapp, tmp_path: Path, settings: QSettings, sshd: SshServer, no_timer: None
) -> Iterator[MainWindow]:
    """The main window, unlocked as a person unlocks it, on a vault with counsel's server."""
    vault, _code = make_vault(tmp_path / "vault")
    prepare(vault, sshd)
    vault.close()
    session = VaultSession(tmp_path / "vault", settings)
    main = MainWindow(session)
    qtbot.addWidget(main)
    main.show()
    session.unlock(PASSPHRASE)
    qtbot.waitUntil(lambda: session.outbox is not None, timeout=TIMEOUT_MS)
    yield main
    session.lock()


def service_of(main: MainWindow) -> outbox_service.OutboxService:
    assert main.session.outbox is not None
    return main.session.outbox


def idle(qtbot, main: MainWindow) -> None:
    qtbot.waitUntil(lambda: not service_of(main).busy, timeout=TIMEOUT_MS)


def cell(dialog: OutboxDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


def export_to_outbox(qtbot, main: MainWindow) -> ExportDialog:
    dialog = ExportDialog(main.session, [], main)
    dialog.show()
    dialog.all_radio.click()
    check_recipients(dialog, COUNSEL)
    assert dialog.send_to.check.isEnabled()
    dialog.send_to.check.click()
    assert dialog.send_to.chosen() == "counsel"
    assert not dialog.output.isEnabled()  # Save to is not used
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT_MS)
    assert dialog.written is not None, dialog.message.text()
    return dialog


def test_send_to_queues_the_bundle_and_send_now_puts_it_on_the_server_whole(
    qtbot, window: MainWindow, sshd: SshServer
) -> None:
    assert window.outbox_waiting.isHidden()
    export = export_to_outbox(qtbot, window)
    assert "counsel" in export.result_box.title()
    assert export.message.text() == "The bundle is queued."
    export.close()
    qtbot.waitUntil(lambda: window.outbox_waiting.isVisible())
    assert window.outbox_waiting.text() == "1 bundle waiting to be sent"
    assert list(sshd.folder.iterdir()) == []

    window.outbox_action.trigger()
    dialog = window.findChild(OutboxDialog)
    assert dialog is not None and dialog.table.rowCount() == 1
    assert cell(dialog, 0, STATE) == "waiting" and cell(dialog, 0, NEXT_TRY) == "now"
    assert dialog.send_button.isEnabled()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    idle(qtbot, window)

    [entry] = service_of(window).entries()
    assert entry.state == SENT
    remote = sshd.folder / entry.remote_name
    assert hashlib.sha256(remote.read_bytes()).hexdigest() == entry.sha256
    assert cell(dialog, 0, STATE) == "sent" and cell(dialog, 0, ERROR) == ""
    qtbot.waitUntil(window.outbox_waiting.isHidden)
    assert not dialog.send_button.isEnabled()
    assert "No bundle is waiting" in dialog.reason.text()


def test_a_server_that_is_down_shows_the_error_and_the_next_try_in_the_row(
    qtbot, window: MainWindow, sshd: SshServer
) -> None:
    service = service_of(window)
    job = service.export("counsel", recipients(), None)
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT_MS):
        job.start()
    sshd.stop()
    dialog = OutboxDialog(window.session, window)
    dialog.show()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    idle(qtbot, window)

    error = cell(dialog, 0, ERROR)
    assert "Could not reach" in error and "tried again" in error
    assert cell(dialog, 0, STATE) == "waiting"
    assert cell(dialog, 0, NEXT_TRY) not in ("now", "—", "")
    assert error in dialog.details.text()
    assert window.outbox_waiting.text() == "1 bundle waiting to be sent"
    # Nothing was lost: the bundle waits, whole, in the vault's outbox.
    [entry] = service.entries()
    assert entry.state == QUEUED and entry.attempts == 1


def test_the_timer_tries_again_when_the_entry_is_due(
    qtbot, window: MainWindow, sshd: SshServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The timer looks often, so the test needs no hour; what is due decides.
    monkeypatch.setattr(outbox_service, "MIN_WAIT_S", 0.05)
    monkeypatch.setattr(outbox_service, "MAX_WAIT_S", 0.2)
    sshd.stop()
    service = service_of(window)
    job = service.export("counsel", recipients(), None)
    job.start()  # queued: the timer sends it, unasked
    qtbot.waitUntil(lambda: [e.attempts for e in service.entries()] == [1], timeout=TIMEOUT_MS)
    idle(qtbot, window)
    [failed] = service.entries()
    assert failed.state == QUEUED and failed.next_try is not None
    assert service.next_look_ms is not None  # the timer is set, not spent

    sshd.start()
    vault = window.session.vault
    assert vault is not None
    vault.clock = lambda: utc_now() + timedelta(minutes=5)  # the backoff has passed
    qtbot.waitUntil(lambda: service.waiting_count() == 0, timeout=TIMEOUT_MS)
    [entry] = service.entries()
    assert entry.state == SENT and entry.attempts == 2
    remote = sshd.folder / entry.remote_name
    assert hashlib.sha256(remote.read_bytes()).hexdigest() == entry.sha256


def test_locking_in_the_middle_of_a_send_stops_it_and_the_entry_waits_again(
    qtbot, window: MainWindow, sshd: SshServer, tmp_path: Path
) -> None:
    vault = window.session.vault
    assert vault is not None
    [case] = CaseStore(vault).list()
    add_attachment(vault, case.id, os.urandom(48 << 20))
    entry, _ = Outbox(vault).export("counsel", recipients(), None)
    service = service_of(window)
    halfway: list[int] = []

    def moved(entry_id: int, done: int, total: int) -> None:
        if not halfway and 0 < done < total // 2:
            halfway.append(done)
            window.session.lock()

    service.progress.connect(moved)
    service.send_now()
    qtbot.waitUntil(lambda: bool(halfway), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=TIMEOUT_MS)
    assert not window.outbox_waiting.isVisible()

    again = Vault.open(tmp_path / "vault", PASSPHRASE)
    try:
        stopped = Outbox(again).get(entry.id)
        assert stopped.state == QUEUED and stopped.sent_bytes < stopped.size
        assert not (sshd.folder / entry.remote_name).exists()  # never a partial final name
    finally:
        again.close()


def test_a_paused_bundle_is_held_back_and_remove_deletes_only_the_local_copy(
    qtbot, window: MainWindow, sshd: SshServer
) -> None:
    vault = window.session.vault
    assert vault is not None
    box = Outbox(vault)
    held, _ = box.export("counsel", recipients(), None)
    other, _ = box.export("counsel", recipients(), None)
    dialog = OutboxDialog(window.session, window)
    dialog.show()
    rows = {e.id: i for i, e in enumerate(dialog.table.entries)}
    select_row(dialog.table, rows[held.id])
    assert dialog.pause_button.text() == "&Pause"
    qtbot.mouseClick(dialog.pause_button, Qt.MouseButton.LeftButton)
    assert cell(dialog, rows[held.id], STATE) == "paused"
    assert cell(dialog, rows[held.id], NEXT_TRY) == "when resumed"
    assert dialog.pause_button.text() == "Res&ume"

    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    idle(qtbot, window)
    assert box.get(other.id).state == SENT
    assert box.get(held.id).state == QUEUED and box.get(held.id).paused
    assert not (sshd.folder / held.remote_name).exists()
    assert window.outbox_waiting.text() == "1 bundle waiting to be sent"

    select_row(dialog.table, rows[held.id])
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    asked = dialog.confirmation
    assert asked is not None and "the cases stay in the vault" in asked.text()
    [remove] = [b for b in asked.buttons() if b.text() == "Remove"]
    local = box.path_of(held)
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert [e.id for e in dialog.table.entries] == [other.id]
    assert not local.exists() and box.path_of(other).exists()
    assert CaseStore(vault).count() == 1
    qtbot.waitUntil(window.outbox_waiting.isHidden)


def test_on_a_metered_connection_only_send_now_sends_when_unmetered_only_is_set(
    qtbot, window: MainWindow, sshd: SshServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_service, "MIN_WAIT_S", 0.05)
    monkeypatch.setattr(outbox_service, "MAX_WAIT_S", 0.2)
    service = service_of(window)
    vault = window.session.vault
    assert vault is not None
    dialog = OutboxDialog(window.session, window)
    dialog.show()
    dialog.unmetered.click()
    assert Outbox(vault).unmetered_only  # kept in the vault, not in Qt's settings
    # What the platform reports cannot be set from a test: the service is told.
    looks: list[bool] = []
    monkeypatch.setattr(service, "metered", lambda: looks.append(True) or True)
    job = service.export("counsel", recipients(), None)
    job.start()
    qtbot.waitUntil(lambda: len(looks) >= 3, timeout=TIMEOUT_MS)  # the timer looked, and waited
    [waiting] = service.entries()
    assert waiting.state == QUEUED and waiting.attempts == 0

    said = service.send_now()
    assert "metered" in said
    qtbot.waitUntil(lambda: service.waiting_count() == 0, timeout=TIMEOUT_MS)
    [entry] = service.entries()
    assert entry.state == SENT and (sshd.folder / entry.remote_name).exists()
