"""The desktop app in a process of its own, for the draft tests to lock or kill.

    python -m tests.ui.draft_driver lock VAULT CASE_ID
        opens the case in the main window, types an incomplete date and a
        paragraph into its first statement, presses Ctrl+L, prints ``locked``
        and exits
    python -m tests.ui.draft_driver crash VAULT CASE_ID
        adds a new statement, types an incomplete date and a paragraph (no
        language: no statement can be made of it), then waits, without
        flushing, locking or closing, for the autosave to fire; prints
        ``kept`` once it has stored what was typed, and runs until killed

Each mode prints ``ready`` once the window shows the case. The passphrase is
``tests.helpers.PASSPHRASE``; Qt runs offscreen; settings go to a file in the
vault's parent folder. Lines are flushed at once: a line read is a promise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest

from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import QApplication, QPlainTextEdit, QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from tests.helpers import PASSPHRASE
from tests.ui.case_editor_support import line, type_text

DATE = "2026-11"
PARAGRAPH = "Qzvx9-DRAFT-PARAGRAPH we crossed at night ما شب از مرز گذشتیم"


def say(*words: object) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def type_date_and_paragraph(window: MainWindow) -> None:
    editor = window.editor
    date = line(editor, "statement", "date")
    date.setFocus()
    type_text(date, DATE)
    text = editor.forms["statement"].editor("text").pair.text  # type: ignore[attr-defined]
    assert isinstance(text, QPlainTextEdit)
    text.setFocus()
    text.moveCursor(text.textCursor().MoveOperation.End)
    type_text(text, PARAGRAPH)


def main(argv: list[str]) -> int:
    mode, path, case_id = argv[0], Path(argv[1]), argv[2]
    app = QApplication([])
    settings = QSettings(str(path.parent / f"{mode}-settings.ini"), QSettings.Format.IniFormat)
    session = VaultSession(path, settings)
    window = MainWindow(session)
    window.resize(1366, 768)
    window.show()
    session._opened(Vault.open(path, PASSPHRASE))
    window.activateWindow()
    for _ in range(200):  # focus (and focus-out saves) need the window active
        if window.isActiveWindow():
            break
        app.processEvents()
        QTest.qWait(5)
    window.editor.open_case(case_id)
    editor = window.editor
    say("ready")
    if mode == "lock":
        editor.outline.setCurrentItem(editor.outline.sections["statement"].child(0))
        type_date_and_paragraph(window)
        QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        say("locked" if session.vault is None else "still-unlocked")
        return 0
    if mode == "crash":
        editor.add_record("statement")
        type_date_and_paragraph(window)

        def kept(state: SaveState) -> None:
            # A draft kept, nothing dirty: the debounce's save stored the typing, quietly
            # (nothing is said until the field or the record is left).
            quiet = state in (SaveState.DRAFT, SaveState.ERROR)
            if quiet and editor.saver.draft is not None and not editor.saver.dirty:
                say("kept", editor.saver.draft.id)

        editor.save_state_changed.connect(kept)
        return app.exec()
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
