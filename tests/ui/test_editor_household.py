"""A family entered in one dialog, by keyboard, with a head of household (issue 14, 12).

Before, a family of four took four person records and three relationship
records with three choices each. Now each member is a name, what they are to
the head of household and, if known, sex and date of birth; Enter stores the
person and the relationship together and starts the next member.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import InvalidInput
from intake_desktop.core.records import RecordStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.household_dialog import HouseholdDialog
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import QApplication, Qt, QWidget
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import select, type_text

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def empty_case(session: VaultSession) -> str:
    assert session.vault is not None
    return CaseStore(session.vault).add_case({"title": "Haidari family", "route": "siv"})


@pytest.fixture
def family_editor(qtbot: Any, session: VaultSession, empty_case: str) -> Iterator[CaseEditor]:
    widget = CaseEditor(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.open_case(empty_case)
    yield widget
    widget.flush()


@pytest.fixture(autouse=True)
def letters_start_afresh(qapp: QApplication) -> Iterator[None]:
    """A letter typed into a choice starts a new search, as after a person's pause
    (a test types faster than Qt's interval, which would join "S" and "C")."""
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(0)
    yield
    QApplication.setKeyboardInputInterval(interval)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(qtbot: Any, *presses: Any) -> None:
    """Keys pressed where the focus is; a string is typed as it is (Dari too)."""
    for key in presses:
        if isinstance(key, str):
            type_text(focused(), key)
        else:
            qtbot.keyClick(focused(), key)


def open_dialog(qtbot: Any, editor: CaseEditor) -> HouseholdDialog:
    editor.outline.setFocus()
    qtbot.keyClick(editor.outline, Qt.Key.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: editor.household.dialog is not None)
    dialog = editor.household.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()  # as a window manager does for a new dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def people_and_links(session: VaultSession, case_id: str) -> tuple[dict[str, Any], list[Any]]:
    assert session.vault is not None
    records = RecordStore(session.vault).of_case(case_id)
    people = {r.body["full_name"]: r for r in records if r.kind == "person"}
    return people, [r for r in records if r.kind == "relationship"]


TAB, ENTER, DOWN = Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Down


def test_a_family_of_four_by_keyboard(
    qtbot: Any, family_editor: CaseEditor, session: VaultSession, empty_case: str
) -> None:
    editor = family_editor
    dialog = open_dialog(qtbot, editor)
    assert focused() is dialog.name  # no one yet: the first person becomes the head
    assert not dialog.relationship.isEnabled()
    keys(qtbot, "احمد حیدری", TAB, "Ahmad Haidari", TAB, DOWN, DOWN, TAB, "۱۳۶۵")
    assert "Solar Hijri" in dialog.reading.text()  # read as it is typed, before Enter
    keys(qtbot, ENTER)
    assert dialog.status.text() == "Added \u2068احمد حیدری\u2069 as the head of household."
    people, links = people_and_links(session, empty_case)  # stored at once
    head = people["احمد حیدری"]
    assert head.body["head_of_household"] is True and head.body["sex"] == "male"
    assert head.body["names"][1] == {
        "text": "Ahmad Haidari",
        "script": "latin",
        "kind": "alias",
        "language": "",
        "source": "",
    }
    assert head.body["date_of_birth"]["calendar"] == "solar_hijri"
    assert head.body["date_of_birth"]["year"] == 1365
    assert links == []

    # The next members: name, Tab Tab, a letter for the relationship, Enter.
    assert focused() is dialog.name and dialog.head.currentData() == head.id
    keys(qtbot, "لیلا", TAB, TAB, "S", TAB, DOWN, ENTER)  # Spouse, female
    keys(qtbot, "زهرا", TAB, TAB, "C", TAB, DOWN, ENTER)  # Child, female
    keys(qtbot, "امید", TAB, TAB, "C", ENTER)  # Child, sex not known
    assert dialog.status.text() == "Added \u2068امید\u2069: Child."
    keys(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.household.dialog is None)

    people, links = people_and_links(session, empty_case)
    assert set(people) == {"احمد حیدری", "لیلا", "زهرا", "امید"}
    relation = {people_id: r.body["kind"] for r in links for people_id in [r.body["relative"]]}
    assert all(r.body["person"] == head.id for r in links)
    assert relation == {
        people["لیلا"].id: "spouse",
        people["زهرا"].id: "child",
        people["امید"].id: "child",
    }
    assert [name for name, p in people.items() if p.body["head_of_household"]] == ["احمد حیدری"]
    assert people["لیلا"].body["sex"] == "female" and people["امید"].body["sex"] == "unknown"
    # The outline shows them all; the last one added is open for their details.
    assert editor.outline.sections["person"].text(0) == "People (4)"
    assert editor.outline.sections["relationship"].text(0) == "Relationships (3)"
    assert editor.outline.currentItem() is editor.outline.item_for(people["امید"].id)
    labels = [editor.outline.item_for(p.id).text(0) for p in people.values()]
    assert "\u2068احمد حیدری\u2069 (head of household)" in labels
    assert editor.saver.state is SaveState.SAVED


def test_a_member_needs_a_name_and_a_relationship(
    qtbot: Any, family_editor: CaseEditor, session: VaultSession, empty_case: str
) -> None:
    editor = family_editor
    dialog = open_dialog(qtbot, editor)
    keys(qtbot, "Ahmad", ENTER)
    keys(qtbot, ENTER)  # no name
    assert dialog.status.text() == "Type the person's name to add them."
    assert focused() is dialog.name
    keys(qtbot, "Layla", ENTER)  # no relationship to the head
    assert dialog.status.text() == "Choose what \u2068Layla\u2069 is to the head of household."
    assert focused() is dialog.relationship
    people, links = people_and_links(session, empty_case)
    assert list(people) == ["Ahmad"] and links == []  # nothing half-added
    assert dialog.name.text() == "Layla"  # what was typed stays


def test_a_case_with_people_and_no_head_asks_who_it_is_first(
    qtbot: Any, editor: CaseEditor, session: VaultSession, case_id: str
) -> None:
    dialog = open_dialog(qtbot, editor)
    assert focused() is dialog.head and dialog.head.currentIndex() == -1  # asked, not guessed
    keys(qtbot, TAB, "Gul", ENTER)
    assert dialog.status.text().startswith("Choose the head of household")
    assert focused() is dialog.head
    keys(qtbot, "P")  # Person 0
    assert dialog.head.currentText() == "Person 0"
    keys(qtbot, TAB, TAB, TAB, "G", ENTER)  # Grandparent
    people, links = people_and_links(session, case_id)
    assert people["Person 0"].body["head_of_household"] is True
    assert any(
        r.body == {**r.body, "person": people["Person 0"].id, "relative": people["Gul"].id}
        and r.body["kind"] == "grandparent"
        for r in links
    )


def test_marking_a_head_in_the_form_unmarks_the_other(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    first = select(editor, "person", 1)
    box = editor.forms["person"].editor("head_of_household").widget
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    second = select(editor, "person", 2)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert session.cases is not None
    heads = [
        p.id
        for p in session.cases.records_of(editor.case_id, "person")
        if p.body["head_of_household"]
    ]
    assert heads == [second]
    assert editor.records[first].body["head_of_household"] is False  # the editor knows it too
    assert editor.outline.item_for(first).text(0) == "Person 1"
    assert editor.outline.item_for(second).text(0) == "\u2068Person 2\u2069 (head of household)"
    select(editor, "person", 1)  # its form shows it unmarked, and saves nothing stale
    assert not box.isChecked()
    assert editor.flush() and editor.saver.state is SaveState.SAVED


def test_person_and_relationship_are_one_transaction(session: VaultSession, case_id: str) -> None:
    service = session.cases
    assert service is not None
    before = len(service.records_of(case_id, "person"))
    with pytest.raises(InvalidInput):  # a head that is not a person of this case
        service.add_household_member(
            case_id, {"full_name": "Gul"}, "child", "00000000-0000-4000-8000-000000000000"
        )
    assert len(service.records_of(case_id, "person")) == before  # the person went with it
