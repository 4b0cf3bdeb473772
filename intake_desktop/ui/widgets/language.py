"""The interface language of the running app, and the choosers that change it.

``InterfaceLanguage.apply`` installs a language everywhere at once: the
message catalog (``core.i18n``), the layout direction (right to left for
Dari and Pashto) and Qt's own translations of its standard buttons and
dialogs (``qtbase_fa.qm``). Text already on screen is not changed: the app
rebuilds its window after a switch (``app.DesktopApp``).

``LanguageMenuButton`` (the main window's toolbar) and ``LanguageChooser``
(the lock screen, the setup's first page) ask for a language; the main
window passes the request on.

The chosen language is a preference in Qt's settings (``language``), like
the idle-lock minutes: never anything typed into a case.

A person who does not read the current language must still find the
chooser, so its caption names "language" in all three languages, the
current one first, and the languages are listed by their own names.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ...core.i18n import (
    ENGLISH,
    LANGUAGES,
    N_,
    _,
    current_language,
    is_rtl,
    language_code,
    load_language,
)
from ..qt import (
    QAction,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLibraryInfo,
    QMenu,
    QObject,
    QSettings,
    Qt,
    QToolButton,
    QTranslator,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

PREFERENCE = "language"
# Qt's own catalog for each interface language. Qt ships Persian (qtbase_fa),
# which Dari readers read as their own, and nothing for Pashto: Pashto users
# get Qt's buttons (OK, Cancel, Next) in Persian too, since nearly every
# Afghan who reads Pashto also reads Dari and few read English
# (docs/translating.md, "Qt's own strings").
QT_CATALOGS = {"fa_AF": "qtbase_fa", "ps": "qtbase_fa"}
# "Language" in each interface language: the chooser's caption, untranslated on purpose.
LANGUAGE_WORD = {ENGLISH: "Language", "fa_AF": "زبان", "ps": "ژبه"}
# Translators: a one-line note beside the language chooser of the main window.
SWITCH_NOTE = N_("Changing the language saves your work and locks the vault: unlock again after.")


def chooser_caption(code: str | None = None) -> str:
    """ "Language · زبان · ژبه", the current language's word first.

    The two right-to-left words stay side by side, so that neither
    direction splits the caption: "زبان · ژبه · Language" in Dari.
    """
    first = code or current_language()
    first = first if first in LANGUAGE_WORD else ENGLISH
    others = [c for c in LANGUAGE_WORD if c not in (first, ENGLISH)]
    order = [first, *others] + ([ENGLISH] if first != ENGLISH else [])
    return " · ".join(LANGUAGE_WORD[c] for c in order)


def preferred_language(settings: QSettings) -> str:
    """The saved preference, or English (an unknown value is ignored)."""
    value = str(settings.value(PREFERENCE, ENGLISH) or ENGLISH)
    code = language_code(value)
    if code is None or code not in LANGUAGES:
        log.warning("ignoring an unknown interface language preference")
        return ENGLISH
    return code


def save_preference(settings: QSettings, code: str) -> None:
    settings.setValue(PREFERENCE, code)
    settings.sync()


def qt_catalog(code: str) -> Path | None:
    """Qt's own ``.qm`` file for the language, where Qt keeps it (from source or frozen)."""
    name = QT_CATALOGS.get(code)
    if name is None:
        return None
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # the PyInstaller package keeps Qt's files under PySide6/ (spec: QT_LANGUAGES)
        folders += [Path(bundle, "PySide6", "Qt", "translations"), Path(bundle, "PySide6")]
    return next((f / f"{name}.qm" for f in folders if (f / f"{name}.qm").is_file()), None)


class InterfaceLanguage(QObject):
    """The language the app speaks now: catalog, direction and Qt's own strings."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.code = ENGLISH
        self._qt: QTranslator | None = None

    def apply(self, code: str) -> None:
        load_language(code, rtl_marks=True)
        self.code = current_language()
        rtl = is_rtl(code)
        self.app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        if self._qt is not None:
            self.app.removeTranslator(self._qt)
            self._qt = None
        catalog = qt_catalog(self.code)
        if catalog is not None:
            translator = QTranslator(self)
            if translator.load(str(catalog)):
                self.app.installTranslator(translator)
                self._qt = translator
            else:
                log.warning("Qt's catalog %s could not be loaded", catalog.name)
        elif self.code in QT_CATALOGS:
            log.warning("Qt's own %s catalog is missing: its buttons stay in English", self.code)

    @property
    def qt_translator(self) -> QTranslator | None:
        return self._qt


class LanguageChooser(QWidget):
    """ "Language · زبان · ژبه" and the three languages by their own names."""

    chosen = Signal(str)  # a code other than the current one, chosen by the user

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(chooser_caption())
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.combo = QComboBox()
        self.combo.setAccessibleName(_("Interface language"))
        for code, name in LANGUAGES.items():
            self.combo.addItem(name, code)
        self.combo.setCurrentIndex(max(self.combo.findData(current_language()), 0))
        self.caption.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.activated.connect(self._activated)

    def choose(self, code: str) -> None:
        """As if the user picked ``code`` from the list."""
        self.combo.setCurrentIndex(self.combo.findData(code))
        self._activated(self.combo.currentIndex())

    def _activated(self, index: int) -> None:
        code = self.combo.itemData(index)
        if code and code != current_language():
            self.chosen.emit(code)


class LanguageMenuButton(QToolButton):
    """The main window's "Language · زبان · ژبه ▾": the languages, and what switching does."""

    chosen = Signal(str)  # a code other than the current one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Its own arrow: Qt's menu indicator would sit on the caption's last letters.
        self.setText(chooser_caption() + " ▾")
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setToolTip(_(SWITCH_NOTE))
        self.setAccessibleName(_("Interface language"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self)
        self.actions_by_code: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, c=code: self._chosen(c))
            self.actions_by_code[code] = action
        menu.addSeparator()
        note = menu.addAction(_(SWITCH_NOTE))  # the one-line note: switching locks
        note.setEnabled(False)
        self.setMenu(menu)

    def _chosen(self, code: str) -> None:
        for other, action in self.actions_by_code.items():
            action.setChecked(other == current_language())  # until the window is rebuilt
        if code != current_language():
            self.chosen.emit(code)
