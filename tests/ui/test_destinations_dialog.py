"""The Destinations and Add-destination dialogs against a real OpenSSH server (and SeaweedFS)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The SSH and S3 libraries register exit handlers when first imported (see
# tests/delivery/test_destination_cli.py): imported first, here too.
import intake_desktop.core.delivery.destinations  # noqa: F401
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.ui.delivery.add_destination_dialog import AddDestinationDialog
from intake_desktop.ui.delivery.destinations_dialog import DestinationsDialog
from intake_desktop.ui.qt import QAbstractButton, QLineEdit, QMessageBox, QSettings
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.delivery import seaweed as seaweed_server
from tests.delivery.seaweed import ADMIN, Seaweed
from tests.delivery.sshd import SshServer
from tests.helpers import make_vault
from tests.ui import delivery_support
from tests.ui.delivery_support import allow

pytestmark = pytest.mark.usefixtures("jobs_end")
# The real servers' fixtures, under the names the tests ask for.
sshd = delivery_support.sshd
seaweed = seaweed_server.seaweed
s3_bucket = seaweed_server.s3_bucket


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def destructive(box: QMessageBox | None) -> QAbstractButton:
    assert box is not None
    role = QMessageBox.ButtonRole.DestructiveRole
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


@pytest.fixture
def open_dialog(qtbot) -> Iterator[Callable[[VaultSession], DestinationsDialog]]:
    """Opens the dialog and keeps it referenced until the test ends (collected at once
    as a test returns, a just-shown dialog would go while Qt still sizes it)."""
    kept: list[DestinationsDialog] = []

    def make(session: VaultSession) -> DestinationsDialog:
        shown = DestinationsDialog(session)
        qtbot.addWidget(shown)
        shown.show()
        kept.append(shown)
        return shown

    yield make


@pytest.fixture
def dialog(
    open_dialog: Callable[[VaultSession], DestinationsDialog], session: VaultSession
) -> DestinationsDialog:
    return open_dialog(session)


def open_add(qtbot, dialog: DestinationsDialog) -> AddDestinationDialog:
    dialog.add.click()
    add = dialog.add_dialog
    assert add is not None
    qtbot.waitExposed(add)
    return add


def fill_sftp(add: AddDestinationDialog, sshd: SshServer, name: str = "counsel") -> None:
    add.name.setText(name)
    add.user.setText(sshd.user)
    add.host.setText("127.0.0.1")
    add.port.setValue(sshd.port)
    add.folder.setText(str(sshd.folder))


def test_an_sftp_destination_with_a_vault_key_is_added_after_the_key_is_compared_then_answers(
    qtbot, dialog: DestinationsDialog, session: VaultSession, sshd: SshServer
) -> None:
    (sshd.folder / "earlier.intake").write_bytes(b"x")
    add = open_add(qtbot, dialog)
    fill_sftp(add, sshd)
    assert add.vault_key.isChecked()  # the default: no key file, no password
    assert not add.add.isEnabled()
    assert "host key" in add.reason.text()

    add.host_key.get_key.click()
    qtbot.waitUntil(lambda: add.host_key.field.text() == sshd.fingerprint, timeout=30_000)
    grouped = add.host_key.grouped.text()
    assert grouped.startswith("SHA256:\n")
    assert "".join(grouped.split()) == sshd.fingerprint  # the same key, in groups
    assert add.host_key.grouped.isVisible() and add.host_key.instruction.isVisible()
    # Nothing is pinned before a person says the fingerprints match.
    assert not add.add.isEnabled()
    assert "tick the box" in add.reason.text()
    add.host_key.matches.setChecked(True)
    assert add.add.isEnabled()

    add.add.click()
    qtbot.waitUntil(lambda: not add.isVisible())
    assert session.delivery is not None
    [stored] = session.delivery.list()
    assert stored.name == "counsel" and stored.host_key == sshd.fingerprint
    assert stored.public_key is not None and stored.public_key.startswith("ssh-ed25519 ")
    # The public line is shown to copy, for counsel's administrator.
    assert dialog.public_box.isVisible()
    assert dialog.public_key.text() == stored.public_key
    dialog.copy.click()
    from intake_desktop.ui.qt import QGuiApplication

    assert QGuiApplication.clipboard().text() == stored.public_key

    allow(sshd, stored.public_key)
    dialog.test.click()
    qtbot.waitUntil(lambda: "answers" in dialog.message.text(), timeout=30_000)
    assert plain(dialog.message.text()) == (
        "counsel answers: the host key and credentials are right; 1 file(s) there."
    )


def test_a_wrong_pinned_key_makes_the_test_show_both_fingerprints(
    qtbot, open_dialog, session: VaultSession, sshd: SshServer
) -> None:
    assert session.vault is not None
    pinned = "SHA256:" + "A" * 43
    sshd.add_to(session.vault, host_key=pinned)
    dialog = open_dialog(session)
    assert dialog.selected() is not None
    dialog.test.click()
    qtbot.waitUntil(lambda: "does not match" in dialog.message.text(), timeout=30_000)
    assert pinned in dialog.message.text() and sshd.fingerprint in dialog.message.text()
    assert dialog.test.isEnabled()  # it may be tried again


def test_a_typed_fingerprint_the_server_does_not_present_is_said_with_both(
    qtbot, dialog: DestinationsDialog, sshd: SshServer
) -> None:
    add = open_add(qtbot, dialog)
    fill_sftp(add, sshd)
    typed = "SHA256:" + "B" * 43
    add.host_key.field.setText(typed)
    add.host_key.matches.setChecked(True)
    add.host_key.get_key.click()
    qtbot.waitUntil(lambda: add.host_key.presented is not None, timeout=30_000)
    assert add.host_key.field.text() == typed  # never silently replaced
    assert sshd.fingerprint in add.host_key.note.text()
    # Ticked before the server answered: still ticked, but the mismatch is said in red.
    assert "not the fingerprint typed here" in add.host_key.note.text()
    add.host_key.field.setText(sshd.fingerprint)
    assert not add.host_key.matches.isChecked()  # another fingerprint: compare again
    assert not add.add.isEnabled()
    assert "This is the key the server presents" in add.host_key.note.text()


def test_a_server_that_is_down_is_said_when_its_key_is_asked(
    qtbot, dialog: DestinationsDialog, sshd: SshServer
) -> None:
    add = open_add(qtbot, dialog)
    fill_sftp(add, sshd)
    sshd.stop()
    add.host_key.get_key.click()
    qtbot.waitUntil(lambda: "Could not reach" in add.host_key.note.text(), timeout=30_000)
    assert add.host_key.field.text() == "" and not add.add.isEnabled()


def test_a_key_file_that_is_not_a_key_is_refused_and_nothing_is_stored(
    qtbot, dialog: DestinationsDialog, session: VaultSession, sshd: SshServer, tmp_path: Path
) -> None:
    bad = tmp_path / "id_ed25519"
    bad.write_text("not a key\n")
    add = open_add(qtbot, dialog)
    fill_sftp(add, sshd)
    add.key_file.setChecked(True)
    assert add.key_warning.isVisible() and "not deleted" in add.key_warning.text()
    assert "Choose the private key file" in add.reason.text()
    add.key_path = bad  # what the file dialog sets
    add.host_key.field.setText(sshd.fingerprint)
    add.host_key.matches.setChecked(True)
    add.add.click()
    assert "could not be read" in add.message.text()
    assert add.isVisible() and session.delivery is not None and session.delivery.list() == []
    assert bad.exists()


def test_a_password_is_typed_unseen_and_a_bad_folder_is_refused(
    qtbot, dialog: DestinationsDialog, sshd: SshServer
) -> None:
    add = open_add(qtbot, dialog)
    fill_sftp(add, sshd)
    add.password_choice.setChecked(True)
    assert add.password.echoMode() == QLineEdit.EchoMode.Password
    assert add.password.isEnabled()
    add.folder.setText("incoming")
    assert "absolute path" in add.reason.text() and not add.add.isEnabled()


def test_removing_asks_then_forgets_the_destination(
    qtbot, open_dialog, session: VaultSession, sshd: SshServer
) -> None:
    assert session.vault is not None
    sshd.add_to(session.vault)
    dialog = open_dialog(session)
    dialog.remove.click()
    box = dialog.confirmation
    assert box is not None and "counsel" in plain(box.text())
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(DestinationStore(session.vault).list()) == 1
    dialog.remove.click()
    destructive(dialog.confirmation).click()
    assert DestinationStore(session.vault).list() == []
    assert not dialog.table.isVisible() and dialog.empty.isVisible()
    assert "Removed the destination counsel." in plain(dialog.message.text())


@pytest.fixture
def translator(qapp: object, tmp_path: Path, settings: QSettings) -> Iterator[VaultSession]:
    path = tmp_path / "translator"
    vault, _code = make_vault(path, user_name="tamana", role="translator")
    live = VaultSession(path, settings)
    live._opened(vault)
    yield live
    live.lock()


def test_a_translator_sees_why_destinations_cannot_be_changed(
    qtbot, open_dialog, translator: VaultSession
) -> None:
    dialog = open_dialog(translator)
    assert not dialog.add.isEnabled() and not dialog.remove.isEnabled()
    assert "As a translator you cannot add or remove destinations" in dialog.reason.text()
    assert "translator" in dialog.add.accessibleDescription()


def test_an_s3_destination_is_added_and_answers(
    qtbot, dialog: DestinationsDialog, session: VaultSession, seaweed: Seaweed, s3_bucket: str
) -> None:
    add = open_add(qtbot, dialog)
    add.name.setText("office")
    add.s3.setChecked(True)
    assert not add.sftp_box.isVisible() and not add.host_key.isVisible()
    assert add.s3_box.isVisible()
    add.bucket.setText(s3_bucket)
    add.prefix.setText("field/kabul")
    add.endpoint.setText(seaweed.endpoint)
    add.key_id.setText(ADMIN[0])
    add.secret.setText(ADMIN[1])
    assert add.secret.echoMode() == QLineEdit.EchoMode.Password
    add.add.click()
    qtbot.waitUntil(lambda: not add.isVisible())
    assert session.delivery is not None
    [stored] = session.delivery.list()
    assert stored.url == f"s3://{s3_bucket}/field/kabul" and stored.endpoint == seaweed.endpoint
    assert not dialog.public_box.isVisible()  # no key to hand out
    dialog.test.click()
    qtbot.waitUntil(lambda: "answers" in dialog.message.text(), timeout=30_000)
    assert "0 file(s) there" in dialog.message.text()
