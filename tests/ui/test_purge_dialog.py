"""Remove delivered cases… in the app, the automatic removal at unlock, and who may set it.

Real vaults and real receipts (tests/delivery/purge_world.py): an office
imported the field laptop's bundles by its own clock and signed receipts the
field took; the field's main window then removes what was delivered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.purge import policy_days, set_policy_days
from intake_desktop.core.vault import Vault
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.qt import QSettings
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.shell.purge_dialog import PurgeDialog
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.delivery.purge_world import Delivered, case_ids, deliver
from tests.helpers import PASSPHRASE, make_vault

pytestmark = pytest.mark.usefixtures("jobs_end")


def listed(widget: Any) -> list[str]:
    return [widget.item(i).text().replace(FSI, "").replace(PDI, "") for i in range(widget.count())]


def shown_ids(window: MainWindow) -> set[str]:
    return {row.id for row in window.cases.model.rows}


@pytest.fixture
def field(tmp_path: Path, session: VaultSession) -> Delivered:
    assert session.vault is not None
    return deliver(tmp_path, session.vault, recent_too=False)


@pytest.fixture
def window(qtbot: Any, session: VaultSession, field: Delivered) -> Iterator[MainWindow]:
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.show_workspace()
    yield win


def open_dialog(window: MainWindow) -> PurgeDialog:
    assert window.purge_action in window.case_menu.actions()
    window.purge_action.trigger()
    dialog = window.findChild(PurgeDialog)
    assert isinstance(dialog, PurgeDialog) and dialog.isVisible()
    return dialog


def test_the_dialog_lists_what_goes_and_what_stays_and_removes_it(
    qtbot: Any, window: MainWindow, field: Delivered
) -> None:
    assert shown_ids(window) == {field.old, field.recent, field.changed, field.never}
    window.cases.select(field.old)
    qtbot.waitUntil(lambda: window.editor.case_id == field.old)
    dialog = open_dialog(window)
    assert listed(dialog.to_remove) == ["Amiri family"]
    assert listed(dialog.stays) == ["Daudzai family (edited)"]
    assert "1 case (4 records) will be removed" in dialog.summary.text()
    assert "changed after it was delivered" in dialog.stays_label.text()
    assert "nothing is sent" in dialog.warning.text()
    assert "cannot be undone on this laptop" in dialog.warning.text()
    assert dialog.close_button.isDefault() and not dialog.remove_button.isDefault()
    assert dialog.remove_button.text() == "Remove 1 case"

    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and not Jobs.of_app().running, timeout=60_000)

    assert "Removed 1 delivered case" in dialog.summary.text()
    assert dialog.remove_button.isHidden()
    assert case_ids(field.field) == {field.recent, field.changed, field.never}
    qtbot.waitUntil(lambda: field.old not in shown_ids(window))
    assert shown_ids(window) == {field.recent, field.changed, field.never}
    assert window.editor.case_id is None  # the open case went: the editor no longer shows it


def test_cancelling_changes_nothing(qtbot: Any, window: MainWindow, field: Delivered) -> None:
    before = case_ids(field.field)
    dialog = open_dialog(window)
    dialog.reject()
    assert not Jobs.of_app().running
    assert case_ids(field.field) == before and shown_ids(window) == before
    assert policy_days(field.field) is None


def test_the_policy_is_set_in_the_vault_not_in_qt_settings(
    qtbot: Any, window: MainWindow, field: Delivered, settings: QSettings
) -> None:
    dialog = open_dialog(window)
    assert not dialog.auto.isChecked() and not dialog.days.isEnabled()  # off by default
    dialog.auto.setChecked(True)
    assert policy_days(field.field) == 30 and dialog.days.isEnabled()
    dialog.days.setValue(12)
    assert policy_days(field.field) == 12
    settings.sync()
    assert not [k for k in settings.allKeys() if "purge" in k.lower()]
    dialog.reject()
    again = PurgeDialog(window.session, window)
    assert again.auto.isChecked() and again.days.value() == 12
    again.auto.setChecked(False)
    assert policy_days(field.field) is None
    assert case_ids(field.field) == {field.old, field.recent, field.changed, field.never}


def test_a_translator_cannot_set_the_policy(
    qtbot: Any, tmp_path: Path, settings: QSettings
) -> None:
    vault, _ = make_vault(tmp_path / "t", user_name="zarghuna", role="translator")
    live = VaultSession(tmp_path / "t", settings)
    live._opened(vault)
    try:
        dialog = PurgeDialog(live)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.auto.isEnabled() and not dialog.days.isEnabled()
        assert dialog.policy_reason.isVisible()
        assert "Only a caseworker, a coordinator" in dialog.policy_reason.text()
        assert "Only a caseworker" in dialog.auto.accessibleDescription()
    finally:
        live.lock()


def test_unlocking_removes_cases_delivered_long_enough_ago(
    qtbot: Any, tmp_path: Path, settings: QSettings
) -> None:
    world = deliver(tmp_path)  # "old" delivered 40 days ago, "recent" 2 days ago
    path = world.field.path
    set_policy_days(world.field, 30)
    world.field.close()
    session = VaultSession(path, settings)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)

    session._opened(Vault.open(path, PASSPHRASE))
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)

    assert "Removed 1 delivered case (older than 30 days)." in messages
    assert session.vault is not None
    assert case_ids(session.vault) == {world.recent, world.changed, world.never}
    qtbot.waitUntil(lambda: world.old not in shown_ids(window))
    assert shown_ids(window) == {world.recent, world.changed, world.never}
    # The next unlock finds nothing more to remove, and says nothing.
    session.lock()
    messages.clear()
    session._opened(Vault.open(path, PASSPHRASE))
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=60_000)
    assert not [m for m in messages if "Removed" in m]
    session.lock()


def test_with_the_policy_off_unlocking_removes_nothing(
    qtbot: Any, tmp_path: Path, settings: QSettings
) -> None:
    world = deliver(tmp_path)
    path = world.field.path
    before = case_ids(world.field)
    world.field.close()
    session = VaultSession(path, settings)
    window = MainWindow(session)
    qtbot.addWidget(window)
    session._opened(Vault.open(path, PASSPHRASE))
    assert window.auto_purge.job is None  # no job at all
    assert session.vault is not None and case_ids(session.vault) == before
    session.lock()
