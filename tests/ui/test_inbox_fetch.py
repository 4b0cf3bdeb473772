"""Fetch bundles… in the main window: another vault's outbox sends, this one fetches and imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# The SSH and S3 libraries register exit handlers when first imported (see
# tests/delivery/test_destination_cli.py): imported first, here too.
import intake_desktop.core.delivery.destinations  # noqa: F401
from intake_desktop.core import identity
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.vault import Vault
from intake_desktop.ui.delivery.fetch_dialog import FetchDialog
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from tests.bundle_forge import introduce, recipient_ref
from tests.delivery.sshd import SshServer
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui import delivery_support

pytestmark = pytest.mark.usefixtures("jobs_end")
sshd = delivery_support.sshd


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(tmp_path / "field", name="Herat field")
    yield vault
    vault.close()


@pytest.fixture
def window(qtbot, session: VaultSession) -> Iterator[MainWindow]:
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.show_workspace()  # the session unlocked before the window listened
    yield win


def send_case(field: Vault, office: Vault, sshd: SshServer, title: str) -> str:
    """The field laptop adds a case and sends a bundle for the office through its outbox."""
    case = dict(MINIMAL_CASE, title=title)
    case_id = CaseStore(field).add_case(case)
    sshd.add_to(field)
    office_key = identity.load(office.conn).age_recipient
    box = Outbox(field)
    box.export("counsel", [recipient_ref("office", office_key)], None)
    (sent,) = box.send()
    assert sent.entry.state == "sent"
    return case_id


def open_fetch(qtbot, win: MainWindow) -> FetchDialog:
    win.fetch_action.trigger()
    dialog = win.findChild(FetchDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def case_titles(win: MainWindow) -> list[str]:
    model = win.cases.model
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_a_fetched_bundle_is_imported_and_its_case_appears_in_the_list(
    qtbot, window: MainWindow, session: VaultSession, field: Vault, sshd: SshServer
) -> None:
    office = session.vault
    assert office is not None
    introduce(field, office, "Herat field", "office")
    send_case(field, office, sshd, "Fetched family")
    sshd.add_to(office)
    assert not any("Fetched family" in t for t in case_titles(window))

    dialog = open_fetch(qtbot, window)
    assert dialog.chosen() == "counsel" and dialog.fetch_button.isEnabled()
    dialog.fetch_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.report.rowCount() == 1, timeout=60_000)
    assert dialog.report.item(0, 1).text() == "Merged"
    assert "Fetched 1 bundle(s)" in dialog.message.text()
    # What it changed shows below, and the case list has it without closing the dialog.
    assert "Fetched family" in dialog.changes.tree.topLevelItem(0).text(0)
    qtbot.waitUntil(lambda: any("Fetched family" in t for t in case_titles(window)))

    # Fetching again finds nothing new.
    dialog.fetch_button.click()
    qtbot.waitUntil(lambda: "Nothing new" in dialog.message.text(), timeout=60_000)
    assert dialog.report.rowCount() == 1


def test_a_bundle_from_an_unknown_sender_is_quarantined_and_points_to_the_review(
    qtbot, window: MainWindow, session: VaultSession, field: Vault, sshd: SshServer
) -> None:
    office = session.vault
    assert office is not None
    send_case(field, office, sshd, "Unknown sender's family")
    sshd.add_to(office)
    dialog = open_fetch(qtbot, window)
    dialog.fetch_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.report.rowCount() == 1, timeout=60_000)
    assert dialog.report.item(0, 1).text() == "Quarantined"
    assert "Quarantine and conflicts" in dialog.report.item(0, 2).text()
    assert dialog.review_button.isVisible()
    dialog.review_button.click()
    review = dialog.review
    assert review is not None and review.quarantine.count() == 1
    assert not any("Unknown sender" in t for t in case_titles(window))


def test_a_server_that_is_down_says_nothing_was_fetched(
    qtbot, window: MainWindow, session: VaultSession, sshd: SshServer
) -> None:
    assert session.vault is not None
    sshd.add_to(session.vault)
    sshd.stop()
    dialog = open_fetch(qtbot, window)
    dialog.fetch_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.message.text() != "", timeout=60_000)
    qtbot.waitUntil(lambda: "Could not reach counsel" in dialog.message.text(), timeout=60_000)
    assert "Fetch again later" in dialog.message.text() and "stay imported" in dialog.message.text()
    assert dialog.report.rowCount() == 0 and dialog.fetch_button.isEnabled()


def test_without_a_destination_fetch_says_why_it_is_off(qtbot, window: MainWindow) -> None:
    dialog = open_fetch(qtbot, window)
    assert not dialog.fetch_button.isEnabled()
    assert "add one under Destinations" in dialog.reason.text()
