"""The open case shown as stored after a change behind the editor (issue 14, 7, editor side).

An import merges newer versions of the open case's records, or new records,
through its own connection: before, the editor kept the old counts, labels
and fields until the case was opened again.
"""

from __future__ import annotations

from typing import Any

from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import line, select, stored


def test_a_change_behind_the_editor_is_shown_with_the_same_record_open(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    person_id = select(editor, "person", 1)
    qtbot.keyClicks(line(editor, "person", "place_of_birth"), "Herat")  # typed, not saved yet
    assert session.vault is not None
    other = session.vault.clone()  # as an import writes: another connection
    try:
        records = RecordStore(other)
        with other.transaction():
            renamed = records.require(person_id)
            records.update(person_id, {**renamed.body, "full_name": "Person One"}, renamed.version)
            newcomer = validate(KINDS["person"], {"full_name": "Newcomer"})
            records.create(editor.case_id or "", KINDS["person"], newcomer)
    finally:
        other.close()
    assert editor.outline.sections["person"].text(0) == "People (8)"  # stale until now

    editor.refresh()
    assert editor.outline.sections["person"].text(0) == "People (9)"
    assert editor.outline.currentItem() is editor.outline.item_for(person_id)  # still shown
    assert line(editor, "person", "full_name").text() == "Person One"
    assert line(editor, "person", "place_of_birth").text() == "Herat"  # saved first, kept
    assert stored(session, person_id).body["place_of_birth"] == "Herat"
    labels = [
        editor.outline.item_for(i).text(0) for i, r in editor.records.items() if r.kind == "person"
    ]
    assert "Newcomer" in labels and "Person One" in labels
