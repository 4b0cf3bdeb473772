"""The Conflicts tab in words, settled field by field (issue 14, item 8).

It showed a statement's speaker as a raw UUID, its translation as raw JSON,
an empty Record column, and offered only whole records. Now a reference is
the person's name, each field has the editor's label, the Record column
says which record, and the coordinator keeps yours or takes theirs per
field, then resolves once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_desktop.core import audit
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.import_dialog import CONFLICTS
from intake_desktop.ui.qt import QApplication, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import RICH_CASE, export_to, introduce
from tests.ui.bundle_dialog_support import import_with_dialog, report_rows, shot, vault_of

pytestmark = pytest.mark.usefixtures("jobs_end")


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def translate(vault: Vault, statement_id: str, text: str, **more: object) -> None:
    record = RecordStore(vault).require(statement_id)
    translation = {"language": "en", "text": text, "translator": "Jamshid Karimi"}
    with vault.transaction():
        RecordStore(vault).update(statement_id, {**record.body, "translation": translation, **more})


def test_a_statement_in_conflict_reads_in_words_and_is_resolved_field_by_field(
    qtbot, session: VaultSession, coord: VaultSession, tmp_path: Path
) -> None:
    field, office = vault_of(session), vault_of(coord)
    introduce(field, office, "Field", "Office")
    case_id = CaseStore(field).add_case(RICH_CASE)
    export_to(field, office, tmp_path / "first.intake")
    import_with_dialog(qtbot, coord, tmp_path / "first.intake").close()
    zarmina, najib = CaseStore(field).children(case_id, "person")
    [statement] = CaseStore(field).children(case_id, "statement")
    # The field says Najibullah spoke and translates one way; the office another way.
    translate(field, statement.id, "We came from Kandahar in the spring.", speaker=najib.id)
    translate(office, statement.id, "We left Kandahar in 2023.", place="Quetta")
    bundle = tmp_path / "second.intake"
    export_to(field, office, bundle)

    dialog = import_with_dialog(qtbot, coord, bundle)
    assert "1 in conflict" in report_rows(dialog)[0][2]
    dialog.tabs.setCurrentIndex(CONFLICTS)
    view = dialog.conflicts
    assert view.count() == 1
    # The Record column says which statement: by its speaker (this vault's copy).
    assert view.table.item(0, 0).text() == "Statement"
    assert "Zarmina Rahimi" in plain(view.table.item(0, 1).text())
    fields = view.fields
    cells = {
        fields.fields[r]: [plain(fields.table.item(r, c).text()) for c in range(4)]
        for r in range(fields.table.rowCount())
    }
    assert cells["speaker"] == ["≠ Speaker", "Zarmina Rahimi", "نجیب‌الله رحیمی", "Yours"]
    assert cells["place"] == ["≠ Place", "Quetta", "—", "Yours"]
    assert cells["language"][0].strip() == "Original language"
    assert cells["language"][1:] == ["Pashto", "Pashto", "Same"]
    assert cells["translation"][0] == "≠ Translation"
    assert cells["translation"][2].startswith("Language: English · Text: We came from")
    # Nowhere an id or a stored JSON object: what a person reads.
    shown = "\n".join(text for row in cells.values() for text in row)
    for record_id in (zarmina.id, najib.id, statement.id):
        assert record_id not in shown
    assert '"text"' not in shown and "{" not in shown

    # The keyboard: arrows to the translation, Space takes theirs, Tab leaves the table.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    fields.table.setFocus()
    while fields.current_field() != "translation":
        qtbot.keyClick(fields.table, Qt.Key.Key_Down)
    assert plain(fields.incoming_text.toPlainText()) == (
        "Language: English\nText: We came from Kandahar in the spring.\nTranslator: Jamshid Karimi"
    )
    qtbot.keyClick(fields.table, Qt.Key.Key_Space)
    assert fields.table.item(fields.fields.index("translation"), 3).text() == "Incoming"
    assert fields.taken == {"translation"}
    qtbot.keyClick(fields.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is fields.use_local  # "Use yours" is the way back
    shot(dialog, "import-conflicts-fields")

    with qtbot.waitSignal(view.resolved):
        view.keep_chosen.click()
    assert view.count() == 0
    assert "Took 1 field from the incoming version" in view.state.text()
    stored = RecordStore(office).require(statement.id).body
    assert stored["speaker"] == zarmina.id and stored["place"] == "Quetta"  # yours
    assert stored["translation"]["text"] == "We came from Kandahar in the spring."  # theirs
    actions = [e.action for e in audit.events(office.conn, limit=5) if e.record_id == statement.id]
    assert "conflict.keep_fields" in actions
    dialog.close()
