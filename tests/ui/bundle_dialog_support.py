"""Helpers for the export and import dialog tests (test_bundle_dialogs*.py)."""

from __future__ import annotations

import os
from pathlib import Path

from intake_desktop.core.bundle.export import ExportResult
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.export_dialog import ALL, CHANGED, SELECTED, ExportDialog
from intake_desktop.ui.bundles.import_dialog import ImportDialog
from intake_desktop.ui.qt import QApplication, QSettings, Qt, QWidget
from intake_desktop.ui.services.session import VaultSession

TIMEOUT_MS = 120_000


def open_session(path: Path, settings: QSettings, vault: Vault) -> VaultSession:
    live = VaultSession(path, settings)
    live._opened(vault)
    return live


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("INTAKE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()  # let pending relayouts (a hidden progress row) land
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def vault_of(live: VaultSession) -> Vault:
    assert live.vault is not None
    return live.vault


def check_recipients(dialog: ExportDialog, *names: str) -> None:
    tree = dialog.recipient_list
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        wanted = item.text(0) in names
        item.setCheckState(0, Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def start_export(
    qtbot, live: VaultSession, out: Path, choice: int, selected: list[str], to: str
) -> ExportDialog:
    dialog = ExportDialog(live, selected)
    dialog.show()
    {SELECTED: dialog.selected_radio, ALL: dialog.all_radio, CHANGED: dialog.changed_radio}[
        choice
    ].click()
    check_recipients(dialog, to)
    dialog.set_output_path(out)
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return dialog


def export_with_dialog(
    qtbot, live: VaultSession, out: Path, to: str, choice: int = ALL, selected: list[str] = ()
) -> ExportResult:
    dialog = start_export(qtbot, live, out, choice, list(selected), to)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT_MS)
    result = dialog.written
    assert result is not None, dialog.message.text()
    dialog.close()
    return result


def import_with_dialog(qtbot, live: VaultSession, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(live)
    dialog.show()
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        dialog.import_files(list(paths))
    return dialog


def report_rows(dialog: ImportDialog) -> list[tuple[str, str, str]]:
    table = dialog.report
    return [
        tuple(table.item(r, c).text() for c in range(3))  # type: ignore[misc]
        for r in range(table.rowCount())
    ]
