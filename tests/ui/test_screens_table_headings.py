"""Table headings are shown whole, or end in a visible "…" (never cut at both ends).

The Names table's first heading read "Name as writte" and the quarantine's
"Claimed sender (unverified)" lost both ends in Pashto: each was a column
that stretches, squeezed below its heading's width by the columns beside
it, and Qt's headings are centred and cut without an ellipsis. Each check
opens the table as the screen shows it, with rows, in every language.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH
from intake_desktop.ui.bundles.import_dialog import QUARANTINE
from intake_desktop.ui.editor.names_table import NamesEditor
from intake_desktop.ui.qt import QApplication, QFontDatabase, QHeaderView, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.fonts import UI_ARABIC, load_bundled_fonts
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.bundle_forge import export_to
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui.bundle_dialog_support import import_with_dialog, vault_of

LANGUAGES = pytest.mark.parametrize("code", [ENGLISH, "fa_AF", "ps"])
NAMES = [
    {"text": "محمد صدیقی", "script": "arabic", "kind": "full", "language": "fa-AF"},
    {"text": "Mohd Sediqi", "script": "latin", "kind": "full", "language": "en"},
    {"text": "ذبیح‌الله", "script": "arabic", "kind": "father", "source": "tazkira"},
    {"text": "Zabiullah", "script": "latin", "kind": "father", "source": "SIV application"},
]


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    # The app's fonts, as app.run loads them: with them Qt's narrowest column is
    # wider (the widest Arabic glyph), and the columns beside a stretching one too.
    if UI_ARABIC not in QFontDatabase.families():
        load_bundled_fonts(qapp)
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)  # the next test starts in English, left to right


def cut_headings(header: QHeaderView) -> list[str]:
    """Headings narrower than their text that Qt cuts without an ellipsis."""
    model = header.model()
    assert model is not None
    cut = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        fits = header.sectionSize(section) >= header.sectionSizeHint(section)
        if not fits and header.textElideMode() == Qt.TextElideMode.ElideNone:
            cut.append(str(model.headerData(section, Qt.Orientation.Horizontal)))
    return cut


@LANGUAGES
def test_the_names_table_headings_are_whole_in_a_person_form(
    qtbot, interface: InterfaceLanguage, code: str
) -> None:
    interface.apply(code)
    editor = NamesEditor("names", "Names")
    names = editor.names
    qtbot.addWidget(names)
    editor.set_value(NAMES)
    names.show()
    qtbot.waitExposed(names)
    names.table.selectRow(0)  # a chosen row's headings are drawn bold, and wider
    # The form's width beside the outline at 1366x768, and narrower ones (a wider
    # outline, a smaller screen): the table scrolls, its headings stay whole.
    for width in (510, 400, 300):
        names.resize(width, 220)
        qtbot.waitUntil(lambda width=width: names.table.width() == width)
        assert cut_headings(names.table.horizontalHeader()) == [], width


@LANGUAGES
def test_the_quarantine_headings_are_whole(
    qtbot, coord: VaultSession, interface: InterfaceLanguage, tmp_path: Path, code: str
) -> None:
    office = vault_of(coord)
    stranger, _code = make_vault(tmp_path / "stranger", user_name="x", name="Herat laptop 3")
    # A file named as a USB stick's copy may be: the columns beside the claim widen.
    bundle = tmp_path / "herat-laptop-3 bundle for the Islamabad office 2026-11-27.intake"
    try:
        CaseStore(stranger).add_case(MINIMAL_CASE)
        export_to(stranger, office, bundle)
    finally:
        stranger.close()
    interface.apply(code)
    dialog = import_with_dialog(qtbot, coord, bundle)
    qtbot.addWidget(dialog)
    dialog.resize(960, 700)  # as it opens on a 1366x768 screen
    dialog.tabs.setCurrentIndex(QUARANTINE)
    table = dialog.quarantine.table
    qtbot.waitUntil(table.isVisible)
    assert table.rowCount() == 1
    assert cut_headings(table.horizontalHeader()) == []
