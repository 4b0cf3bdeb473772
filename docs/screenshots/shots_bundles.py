"""Screenshots of bundles (take.py): a caseworker's export (its result, a consent refusal)
and a coordinator's import (the report, quarantine, trusting a sender, conflicts)."""

from __future__ import annotations

from typing import Any

from shots_access import Laptop
from shots_editor import open_case
from shots_world import PASSPHRASE, World

from intake_desktop.ui.bundles.import_dialog import CONFLICTS, QUARANTINE
from intake_desktop.ui.qt import QItemSelectionModel, Qt
from intake_desktop.ui.widgets.bidi import select_row


def to_office(camera: Any, export: Any, world: World) -> None:
    """Tick the coordinator's office, and a USB stick's folder to save to."""
    office = export.recipient_list.findItems("Islamabad office", Qt.MatchFlag.MatchExactly)
    office[0].setCheckState(0, Qt.CheckState.Checked)
    stick = world.root / "USB"
    stick.mkdir(exist_ok=True)
    export.set_output_path(stick)  # a folder: a new bundle named for today goes in it
    camera.settle()


def caseworker(camera: Any, laptop: Laptop, world: World) -> None:
    """Export… the open case to the office; then three cases, two refused under consent."""
    window = laptop.window
    open_case(camera, laptop, world.chosen)
    export = camera.opened(window.export_action.trigger, "Export")
    to_office(camera, export, world)
    camera.shoot("export-dialog", window, export)
    export.export_button.click()
    camera.wait(lambda: export.pages.currentWidget() is export.result_box, "the bundle")
    camera.shoot("export-result", window, export)
    export.reject()
    camera.settle()

    table = window.cases.table
    model = window.cases.model
    for case_id in world.refused:  # chosen in the list beside the open case (Ctrl+click)
        index = model.index(model.row_of(case_id), 0)
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        table.selectionModel().select(index, flags)
    export = camera.opened(window.export_action.trigger, "Export")
    to_office(camera, export, world)
    export.export_button.click()
    camera.wait(lambda: export.pages.currentWidget() is export.refusal, "the consent refusal")
    camera.shoot("export-consent-refused", window, export)
    export.reject()
    camera.settle()


def coordinator(camera: Any, world: World) -> None:
    """Omar imports Kabul's, Herat's and a stranger's bundles at the office."""
    laptop = Laptop.start(camera, world.office, world.root / "office.ini")
    window = laptop.window
    laptop.unlock(camera, PASSPHRASE)
    dialog = camera.opened(window.import_action.trigger, "Import")
    dialog.import_files(world.bundles)  # as chosen with Choose bundle files…
    camera.wait(lambda: dialog.job is None and not dialog.queue, "the imports")
    select_row(dialog.report, 1)  # Herat wrote into cases Kabul created
    dialog.report.setFocus()
    camera.shoot("import-report", window, dialog)

    dialog.tabs.setCurrentIndex(QUARANTINE)
    quarantine = dialog.quarantine
    select_row(quarantine.table, 0)
    quarantine.table.setFocus()
    camera.shoot("import-quarantine", window, dialog)
    trust = camera.opened(quarantine.trust_button.click, "Trust this device")
    trust.name.setText("Herat laptop 3")
    trust.compared.setChecked(True)
    camera.shoot("import-trust-device", window, dialog, trust)
    trust.reject()

    dialog.tabs.setCurrentIndex(CONFLICTS)
    fields = dialog.conflicts.fields
    camera.wait(lambda: "contact" in fields.fields, "a person's conflict")
    select_row(fields.table, fields.fields.index("contact"))
    fields.use_incoming.click()  # Herat's telephone number, the office's notes
    fields.table.scrollToBottom()  # the notes, which stay the office's, in view too
    fields.table.setFocus()
    camera.shoot("import-conflicts", window, dialog)
    dialog.reject()
    camera.settle()

    open_case(camera, laptop, world.ids[20])
    window.cases.table.setFocus()
    camera.shoot("coordinator-cases", window)
    laptop.close()
