"""Numbers and dates beside Dari text are shown in the order they are stored.

A tazkira number "1-0123-4567-8901" beside a Dari word was shown as
"8901-4567-0123-1", and "2026-11-20" as "20-11-2026", in the case outline,
the record heading and other labels that put several values side by side,
in the Dari interface and beside a Dari name in the English one. Each check
lays the real widget's text out as Qt paints it (tests/ui/rendering.py) and
reads the characters left to right: the digits must come in stored order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.conflicts_view import ConflictsView
from intake_desktop.ui.cases.case_list import CaseListModel
from intake_desktop.ui.cases.duplicates_view import DuplicatesDialog
from intake_desktop.ui.cases.person_comparison import PersonComparison
from intake_desktop.ui.qt import QApplication, QSettings, Qt, QTreeWidgetItem
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.bidi import FSI, PDI
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.bundle_forge import export_to, introduce
from tests.helpers import make_vault
from tests.ui.bundle_dialog_support import import_with_dialog, open_session
from tests.ui.rendering import ink, item_shows, label_shows, pane_shows, visual_order
from tests.ui.test_main_window import unlock

NUMBER = "1-0123-4567-8901"
DATE = "2026-11-20"
NAME = "محمد نور احمدزی"
PLACE = "کابل"
CASE: dict[str, Any] = {
    "title": "خانوادهٔ احمدزی",
    "route": "humanitarian_parole",
    "people": [{"id": "p0", "full_name": NAME, "role": "principal"}],
    "identity_documents": [{"person": "p0", "kind": "tazkira", "number": NUMBER}],
    "interviews": [{"id": "i0", "date": DATE, "place": PLACE}],
    "consents": [{"person": "p0", "scope": ["share_with_counsel"], "given_on": DATE}],
}
LANGUAGES = pytest.mark.parametrize("code", ["fa_AF", ENGLISH])
MARKS = {FSI, PDI, "\u200e", "\u200f"}


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)  # the next test starts in English, left to right


@pytest.fixture
def field(qapp: QApplication, tmp_path: Path, settings: QSettings) -> Iterator[VaultSession]:
    """A locked vault whose user has a Dari name, and a vault name with a date in it."""
    make_vault(tmp_path / "field", user_name="فریده", name=f"Office {DATE}")[0].close()
    live = VaultSession(tmp_path / "field", settings)
    yield live
    live.lock()


def outline_item(window: MainWindow, kind: str) -> QTreeWidgetItem:
    item = window.editor.outline.sections[kind].child(0)
    assert item is not None
    return item


def open_case(qtbot, window: MainWindow) -> str:
    unlock(qtbot, window)
    vault = window.session.vault
    assert vault is not None
    case_id = CaseStore(vault).add_case(CASE)
    window.cases.model.reload()
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    return case_id


@pytest.fixture
def window_in(
    qtbot, field: VaultSession, interface: InterfaceLanguage
) -> Callable[[str], MainWindow]:
    def start(code: str) -> MainWindow:
        interface.apply(code)
        window = MainWindow(field)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        open_case(qtbot, window)
        return window

    return start


@LANGUAGES
def test_the_outline_heading_list_and_status_bar_show_numbers_and_dates_as_stored(
    window_in: Callable[[str], MainWindow], code: str
) -> None:
    window = window_in(code)
    rtl = code != ENGLISH
    assert (window.layoutDirection() == Qt.LayoutDirection.RightToLeft) == rtl
    editor, outline = window.editor, window.editor.outline

    document = outline_item(window, "identity_document")
    shown = item_shows(outline, outline.indexFromItem(document))
    assert NUMBER in shown, shown
    # The parts read in the interface's direction: kind, number, holder.
    name_at, number_at = shown.index(ink(NAME)[::-1]), shown.index(NUMBER)
    assert (name_at < number_at) == rtl, shown
    for kind in ("consent", "interview"):
        item = outline_item(window, kind)
        assert DATE in item_shows(outline, outline.indexFromItem(item)), kind

    outline.setCurrentItem(document)
    heading = label_shows(editor.record_heading)
    assert NUMBER in heading, heading
    assert (heading.index(ink(NAME)[::-1]) < heading.index(NUMBER)) == rtl, heading
    outline.setCurrentItem(outline_item(window, "consent"))
    assert DATE in label_shows(editor.record_heading)

    # The case list's "Updated": one value, its date before its time as stored.
    table, model = window.cases.table, window.cases.model
    column = CaseListModel.COLUMNS.index("updated_at")
    stamp = model.rows[0].updated_at[:16].replace("T", " ")
    assert item_shows(table, model.index(0, column)) == ink(stamp)

    # The status bar: the user (a Dari name), the role and the vault (with a date).
    who = label_shows(window.who)
    assert ink(f"Office {DATE}") in who and "فریده"[::-1] in who, who


@LANGUAGES
def test_copying_from_the_outline_gives_the_values_as_stored(
    qtbot, window_in: Callable[[str], MainWindow], code: str
) -> None:
    window = window_in(code)
    outline = window.editor.outline
    document = outline_item(window, "identity_document")
    outline.setCurrentItem(document)
    outline.setFocus()
    text = document.text(0)
    # What text() returns holds the parts in stored order (the marks are invisible).
    plain = "".join(c for c in text if c not in MARKS)
    kind = plain.split(" · ")[0]
    assert plain == f"{kind} · {NUMBER} · {NAME}"
    QApplication.clipboard().clear()
    qtbot.keyClick(outline, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    # Copied without the marks: the id pastes into any form exactly as stored.
    assert QApplication.clipboard().text() == plain


# Conflicts and imports: a Dari user name beside a date


@pytest.fixture
def exchange(
    qapp: QApplication, tmp_path: Path, settings: QSettings
) -> Iterator[tuple[VaultSession, Vault, str]]:
    """The office's session, the field vault (its user has a Dari name), the shared case."""
    field, _ = make_vault(tmp_path / "field", user_name="فریده", name="Kabul field 1")
    office, _ = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    introduce(field, office, "Kabul field 1", "Office")
    case_id = CaseStore(field).add_case(CASE)
    first = tmp_path / "first.intake"
    export_to(field, office, first)
    importer.import_bundle(office, first)
    live = open_session(tmp_path / "office", settings, office)
    yield live, field, case_id
    live.lock()
    field.close()


def edit_on_both_sides(field: Vault, office: Vault, case_id: str, out: Path) -> None:
    for vault, number in ((field, "1-0123-4567-8902"), (office, "1-0123-4567-8903")):
        document = CaseStore(vault).children(case_id, "identity_document")[0]
        with vault.transaction():
            RecordStore(vault).update(document.id, {**document.body, "number": number})
    export_to(field, office, out)


@LANGUAGES
def test_conflict_rows_show_the_date_beside_a_dari_user_name_as_stored(
    qtbot, exchange: tuple[VaultSession, Vault, str], interface, tmp_path: Path, code: str
) -> None:
    office, field, case_id = exchange
    assert office.vault is not None
    edit_on_both_sides(field, office.vault, case_id, tmp_path / "second.intake")
    interface.apply(code)
    importer.import_bundle(office.vault, tmp_path / "second.intake")
    assert office.bundles is not None
    view = ConflictsView(office.bundles)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    assert view.count() == 1
    conflict = view.items[0]
    assert view.current() is conflict  # chosen at once, right to left as well
    assert conflict.incoming.updated_by == "فریده"
    day = conflict.incoming.updated_at[:10]
    incoming = item_shows(view.table, view.table.model().index(0, 4))
    assert day in incoming and "فریده"[::-1] in incoming, incoming
    # When it came, in the fields' header: the day in stored order in either direction.
    fields = view.fields
    header = fields.incoming_header.text()
    shown = visual_order(header, fields.table.font(), QApplication.layoutDirection())
    backwards = "-".join(reversed(day.split("-")))
    assert day in shown and backwards not in shown, header
    # The document number, field by field: the incoming value pane in stored order.
    row = fields.fields.index("number")
    if fields.current_field() != "number":  # the first differing field is chosen at once
        fields.table.selectRow(row)
    assert fields.current_field() == "number", fields.current_field()
    assert "1-0123-4567-8902" in pane_shows(fields.incoming_text, 0)


def test_the_import_progress_shows_a_dated_file_name_as_stored(
    qtbot, exchange: tuple[VaultSession, Vault, str], interface, tmp_path: Path
) -> None:
    office, field, case_id = exchange
    assert office.vault is not None
    edit_on_both_sides(field, office.vault, case_id, tmp_path / f"{DATE}.intake")
    interface.apply("fa_AF")
    dialog = import_with_dialog(qtbot, office, tmp_path / f"{DATE}.intake")
    qtbot.addWidget(dialog)
    shown = label_shows(dialog.progress_label)
    assert f"{DATE}.intake" in shown, dialog.progress_label.text()
    name = item_shows(dialog.report, dialog.report.model().index(0, 0))
    assert name == f"{DATE}.intake"


# Possible duplicates: why, and the two people side by side

BORN = {"calendar": "solar_hijri", "precision": "day", "year": 1365, "month": 1, "day": 15}


def two_of_a_kind(session: VaultSession) -> list[tuple[str, str]]:
    """Two cases with the same person (born 15 Hamal 1365) and tazkira: (case, person) each."""
    assert session.vault is not None
    store = CaseStore(session.vault)
    person = {**CASE["people"][0], "date_of_birth": BORN}
    cases = [store.add_case({**CASE, "people": [person]}) for _ in range(2)]
    return [(c, store.children(c, "person")[0].id) for c in cases]


def test_duplicate_reasons_show_the_document_number_as_stored(
    qtbot, session: VaultSession, interface: InterfaceLanguage
) -> None:
    two_of_a_kind(session)
    interface.apply("fa_AF")
    dialog = DuplicatesDialog(session, lambda _c: None)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 600)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.start()
    assert dialog.current() is dialog.candidates[0]  # chosen at once, right to left too
    lines = dialog.reasons.toPlainText().splitlines()
    row = next(i for i, line in enumerate(lines) if NUMBER[-4:] in line)
    assert f"{NUMBER}/{NUMBER}" in pane_shows(dialog.reasons, row), lines[row]


def test_the_person_comparison_shows_numbers_and_dates_as_stored(
    qtbot, session: VaultSession, interface: InterfaceLanguage
) -> None:
    assert session.cases is not None
    first, second = two_of_a_kind(session)
    interface.apply("fa_AF")
    dialog = PersonComparison(session.cases, (first, second), lambda _c: None)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 600)
    dialog.show()
    pane = dialog.panes[0]
    lines = pane.toPlainText().splitlines()
    document = next(i for i, line in enumerate(lines) if NUMBER[-4:] in line)
    assert NUMBER in pane_shows(pane, document), lines[document]
    born = next(i for i, line in enumerate(lines) if "1365" in line)
    assert "1986-04-04" in pane_shows(pane, born), lines[born]  # the Gregorian estimate
