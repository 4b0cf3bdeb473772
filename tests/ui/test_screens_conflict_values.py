"""Latin values in the conflict field table keep their full stop at their end, right to left.

A review of the Dari and Pashto screenshots read ".Seen again in Herat" in
the Conflicts tab. Each value is isolated (``bidi.isolate``), and laid out
as Qt paints it (tests/ui/rendering.py) it reads in stored order, in the
table and in the panes below it; this keeps it so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.conflict_fields import INCOMING, YOURS
from intake_desktop.ui.bundles.import_dialog import CONFLICTS
from intake_desktop.ui.qt import QApplication
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import select_row
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.bundle_forge import RICH_CASE, export_to, introduce
from tests.ui.bundle_dialog_support import import_with_dialog, vault_of
from tests.ui.rendering import ink, item_shows, pane_shows

pytestmark = pytest.mark.usefixtures("jobs_end")
THEIRS, OURS = "Seen again in Herat.", "Called back from Islamabad on 2026-11-24."


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


def edit(vault: Vault, record_id: str, **fields: Any) -> None:
    body = RecordStore(vault).require(record_id).body
    with vault.transaction():
        RecordStore(vault).update(record_id, {**body, **fields})


@pytest.mark.parametrize("code", ["fa_AF", "ps"])
def test_latin_notes_in_conflict_read_in_stored_order(
    qtbot,
    session: VaultSession,
    coord: VaultSession,
    interface: InterfaceLanguage,
    tmp_path: Path,
    code: str,
) -> None:
    field, office = vault_of(session), vault_of(coord)
    introduce(field, office, "Field", "Office")
    case_id = CaseStore(field).add_case(RICH_CASE)
    export_to(field, office, tmp_path / "first.intake")
    import_with_dialog(qtbot, coord, tmp_path / "first.intake").close()
    person = CaseStore(field).children(case_id, "person")[0]
    edit(field, person.id, notes=THEIRS)
    edit(office, person.id, notes=OURS)
    export_to(field, office, tmp_path / "second.intake")

    interface.apply(code)
    dialog = import_with_dialog(qtbot, coord, tmp_path / "second.intake")
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(CONFLICTS)
    fields = dialog.conflicts.fields
    table = fields.table
    row = fields.fields.index("notes")
    assert item_shows(table, table.model().index(row, YOURS)) == ink(OURS)
    assert item_shows(table, table.model().index(row, INCOMING)) == ink(THEIRS)
    select_row(table, row)
    assert fields.current_field() == "notes"
    assert pane_shows(fields.local_text, 0) == ink(OURS)
    assert pane_shows(fields.incoming_text, 0) == ink(THEIRS)
    dialog.close()
