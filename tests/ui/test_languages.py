"""The interface in English, Dari and Pashto: starting in a language, switching, direction.

Translations are read from the compiled catalogs, as the app reads them, so
no test depends on the words translators chose; a message not translated
yet skips only the assertion that needs it. The pseudo-locale needs no
catalog, so the same flows are checked with it as well.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from shiboken6 import isValid

from intake_desktop.core import i18n
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH, RLM
from intake_desktop.core.vault import Vault
from intake_desktop.ui.app import DesktopApp
from intake_desktop.ui.qt import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QSettings,
    Qt,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow, NewCaseDialog
from intake_desktop.ui.widgets.bidi import natural_direction
from intake_desktop.ui.widgets.language import (
    PREFERENCE,
    InterfaceLanguage,
    chooser_caption,
    preferred_language,
    qt_catalog,
)
from tests.helpers import MINIMAL_CASE, PASSPHRASE
from tests.ui.test_main_window import unlock

RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight
TYPED = "Typed a moment before switching"


def translated(code: str, message: str) -> str:
    """``message`` in the compiled catalog of ``code``; skips while it is untranslated."""
    text = i18n.translations_for(code).gettext(message)
    if text == message:
        pytest.skip(f"{message!r} is not translated into {code} yet")
    return text


def shown(text: str) -> str:
    """What a person reads: without the invisible right-to-left mark the app may add."""
    return text.removeprefix(RLM)


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)  # the next test starts in English, left to right, without Qt's catalog


@pytest.fixture
def desktop(
    qtbot, locked_session: VaultSession, interface: InterfaceLanguage
) -> Iterator[DesktopApp]:
    app = DesktopApp(locked_session, interface)
    app.window.show()
    yield app
    app.window.close()  # saves and locks, as closing the app does
    app.window.deleteLater()


def start_in(desktop: DesktopApp, code: str) -> MainWindow:
    """As ``run()`` does for --language CODE: the language first, then the window."""
    desktop.language.apply(code)
    old = desktop.window
    desktop.window = desktop._new_window()
    old.retire()
    desktop.window.show()
    return desktop.window


def unlock_and_open_a_case(qtbot, window: MainWindow) -> str:
    """Unlock, add the minimal case and open it in the editor; its id."""
    unlock(qtbot, window)
    vault = window.session.vault
    assert vault is not None
    case_id = CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    window.cases.model.reload()
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    return case_id


def gone(qtbot, widget: MainWindow) -> None:
    qtbot.waitUntil(lambda: not isValid(widget), timeout=5_000)


# Starting in a language


def test_starting_in_dari_lays_out_right_to_left_in_dari(qtbot, desktop: DesktopApp) -> None:
    window = start_in(desktop, "fa_AF")
    assert QApplication.layoutDirection() == RTL
    assert window.layoutDirection() == RTL and window.editor.layoutDirection() == RTL
    # Qt's own buttons come from Qt's Persian catalog.
    assert qt_catalog("fa_AF") is not None and desktop.language.qt_translator is not None
    dialog = NewCaseDialog(window)
    qtbot.addWidget(dialog)
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == QApplication.translate("QPlatformTheme", "Cancel") != "Cancel"
    assert window.unlock_screen.language.combo.currentText() == "دری"
    assert window.language_button.text().startswith(chooser_caption("fa_AF"))
    assert window.language_actions["fa_AF"].isChecked()
    assert shown(window.unlock_screen.button.text()) == translated("fa_AF", "Unlock")
    assert shown(window.new_case_action.text()) == translated("fa_AF", "New case")
    assert shown(window.lock_action.toolTip()) == translated("fa_AF", "Lock now (Ctrl+L)")


def test_starting_in_pashto_lays_out_right_to_left_in_pashto(desktop: DesktopApp) -> None:
    window = start_in(desktop, "ps")
    assert QApplication.layoutDirection() == RTL and window.layoutDirection() == RTL
    assert window.unlock_screen.language.combo.currentText() == "پښتو"
    # Qt has no Pashto catalog: its buttons are in Persian, which Pashto readers read.
    assert desktop.language.qt_translator is not None
    assert shown(window.unlock_screen.button.text()) == translated("ps", "Unlock")


def test_starting_in_the_pseudo_locale_translates_the_window(desktop: DesktopApp) -> None:
    window = start_in(desktop, i18n.PSEUDO)
    assert QApplication.layoutDirection() == LTR
    assert window.unlock_screen.button.text() == i18n.pseudo("Unlock")
    assert window.new_case_action.text() == i18n.pseudo("New case")
    assert window.unlock_screen.language.combo.accessibleName() == i18n.pseudo("Interface language")


def test_a_case_opens_from_the_list_right_to_left(qtbot, desktop: DesktopApp) -> None:
    """selectRow() picks no column right to left in a narrow list: the case did not open."""
    window = start_in(desktop, "fa_AF")
    unlock_and_open_a_case(qtbot, window)


def test_an_unknown_or_missing_preference_means_english(settings: QSettings) -> None:
    assert preferred_language(settings) == ENGLISH
    settings.setValue(PREFERENCE, "ps")
    assert preferred_language(settings) == "ps"
    settings.setValue(PREFERENCE, "de")
    assert preferred_language(settings) == ENGLISH
    settings.setValue(PREFERENCE, i18n.PSEUDO)  # for screenshots only, never a preference
    assert preferred_language(settings) == ENGLISH


# Switching while the app runs


def test_switching_from_the_menu_saves_the_edit_locks_and_rebuilds(
    qtbot, desktop: DesktopApp, tmp_path: Path
) -> None:
    window = desktop.window
    case_id = unlock_and_open_a_case(qtbot, window)
    title = window.editor.forms["case"].editor("title").widget
    assert isinstance(title, QLineEdit)
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, TYPED)  # autosave would wait a second: the switch comes first
    assert window.editor.saver.dirty

    with qtbot.waitSignal(desktop.window_rebuilt, timeout=10_000):
        window.language_actions["fa_AF"].trigger()

    new = desktop.window
    assert new is not window and new.isVisible()
    gone(qtbot, window)
    assert not desktop.session.is_unlocked
    assert new.pages.currentWidget() is new.unlock_screen
    assert QApplication.layoutDirection() == RTL and new.layoutDirection() == RTL
    assert desktop.session.settings.value(PREFERENCE) == "fa_AF"
    assert new.language_actions["fa_AF"].isChecked()
    reopened = Vault.open(tmp_path / "vault", PASSPHRASE)
    try:
        assert CaseStore(reopened).document(case_id)["title"] == TYPED
    finally:
        reopened.close()
    # Unlocking again works in the new window (no stale connection to the old one).
    unlock(qtbot, new)
    assert new.pages.currentWidget() is new.workspace
    assert shown(new.new_case_action.text()) == translated("fa_AF", "New case")


def test_a_field_that_cannot_be_saved_stops_the_switch(qtbot, desktop: DesktopApp) -> None:
    window = desktop.window
    unlock_and_open_a_case(qtbot, window)
    editor = window.editor
    editor.outline.setCurrentItem(editor.outline.sections["person"].child(0))
    year = editor.forms["person"].editor("date_of_birth").edit.year  # type: ignore[attr-defined]
    year.setFocus()
    qtbot.keyClicks(year, "19")  # a year, no month yet: not a date, not saved

    assert desktop.switch_language("ps") is False
    assert desktop.window is window and window.session.is_unlocked
    assert year.text() == "19"  # still there, marked
    assert year.property("invalid") is True
    assert window.editor.message.isVisible()
    assert QApplication.layoutDirection() == LTR
    assert desktop.session.settings.value(PREFERENCE) is None


def test_the_unlock_screen_chooser_switches_and_back(qtbot, desktop: DesktopApp) -> None:
    window = desktop.window
    chooser = window.unlock_screen.language
    assert [chooser.combo.itemText(i) for i in range(chooser.combo.count())] == [
        "English",
        "دری",
        "پښتو",
    ]
    with qtbot.waitSignal(desktop.window_rebuilt, timeout=10_000):
        chooser.choose("ps")
    pashto = desktop.window
    assert pashto is not window and QApplication.layoutDirection() == RTL
    assert pashto.unlock_screen.language.combo.currentData() == "ps"
    assert desktop.session.settings.value(PREFERENCE) == "ps"
    with qtbot.waitSignal(desktop.window_rebuilt, timeout=10_000):
        pashto.unlock_screen.language.choose(ENGLISH)
    assert QApplication.layoutDirection() == LTR
    assert desktop.window.unlock_screen.button.text() == "Unlock"


def test_the_wizard_chooser_switches_and_keeps_the_names(
    qtbot, tmp_path: Path, settings: QSettings, interface: InterfaceLanguage
) -> None:
    session = VaultSession(tmp_path / "new", settings)
    desktop = DesktopApp(session, interface)
    desktop.window.show()
    try:
        qtbot.waitUntil(lambda: desktop.window._wizard is not None, timeout=5_000)
        wizard = desktop.window._wizard
        assert wizard is not None
        wizard.next()
        wizard.details.vault_name.setText("Kabul field laptop 9")
        wizard.details.user_name.setText("Farida")
        wizard.details.roles.set_role("translator")
        wizard.back()
        with qtbot.waitSignal(desktop.window_rebuilt, timeout=10_000):
            wizard.welcome.language.choose("fa_AF")
        qtbot.waitUntil(lambda: desktop.window._wizard is not None, timeout=5_000)
        again = desktop.window._wizard
        assert again is not None and again is not wizard
        assert again.layoutDirection() == RTL
        assert again.details.vault_name.text() == "Kabul field laptop 9"
        assert again.details.user_name.text() == "Farida"
        assert again.details.role() == "translator"
        assert again.welcome.language.combo.currentData() == "fa_AF"
    finally:
        desktop.window.close()
        desktop.window.deleteLater()


# Text of unknown direction


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Karimi (2)", LTR),
        ("محمد (احمدزی)", RTL),
        ("2024-01-02", None),
        ("\u2068Layla\u2069: همسر \u2068Mohd\u2069", RTL),  # a Dari sentence with Latin names
        ("\u2068محمد\u2069: spouse of \u2068Mohd\u2069", LTR),
    ],
)
def test_natural_direction_is_the_first_strong_letter_outside_isolates(
    text: str, direction: Qt.LayoutDirection | None
) -> None:
    assert natural_direction(text) == direction


def test_the_statement_panes_keep_their_directions_in_a_dari_interface(
    qtbot, desktop: DesktopApp
) -> None:
    window = start_in(desktop, "fa_AF")
    unlock_and_open_a_case(qtbot, window)
    editor = window.editor
    editor.outline.setCurrentItem(editor.outline.sections["statement"].child(0))
    pair = editor.forms["statement"].editor("text").pair  # type: ignore[attr-defined]

    def text_direction(edit: object) -> Qt.LayoutDirection:
        return edit.document().defaultTextOption().textDirection()  # type: ignore[attr-defined]

    assert text_direction(pair.text) == RTL  # fa-AF
    assert text_direction(pair.translation) == LTR  # English, whatever the interface
    pair.language.setText("en")
    assert text_direction(pair.text) == LTR
    pair.language.setText("")  # no language: the text's own first letter decides
    assert text_direction(pair.text) == RTL
    pair.text.setPlainText("We came from Kabul")
    assert text_direction(pair.text) == LTR
