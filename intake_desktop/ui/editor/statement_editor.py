"""A statement's certification and read-back in the case editor: status lines and actions.

``CertificationPanel`` is the statement form's field editor for the
``certification`` and ``read_back`` keys. It never edits them (only
``core/certification.py`` makes them, signed), so autosave carries them
through unchanged; it shows whether each still holds, computed from the
texts on screen as they are typed: "Certified by X on D (valid)", or "void:
the text changed after it was certified" the moment either text changes.

``StatementActions`` runs the Certify… and Record read-back… dialogs for the
case editor: save what is typed, ask, sign, show the stored result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core import attestations, certification
from ...core.errors import IntakeError, StaleEdit
from ...core.i18n import _
from ..qt import QDialog, QGridLayout, QGroupBox, QObject, QPushButton, Qt, QWidget, Signal
from ..widgets.bidi import isolate
from .certify_dialog import CertifyDialog
from .field_editors import FieldEditor, plain_label
from .read_back_dialog import ReadBackDialog
from .statement_text import StatementTextEditor

if TYPE_CHECKING:
    from .case_editor import CaseEditor

Context = Callable[[], tuple[str, frozenset[str]]]  # (the user's role, trusted signing keys)

STYLE = """
QLabel[state="valid"] { color: #1b5e20; }
QLabel[state="void"], QLabel[state="unverified"] { color: #b71c1c; font-weight: bold; }
QLabel[state="none"] { color: #555555; }
"""


class CertificationPanel(FieldEditor):
    """Owns ``certification`` and ``read_back``: shown, checked, never changed by typing."""

    certify_requested = Signal()
    read_back_requested = Signal()

    def __init__(self) -> None:
        box = QGroupBox(_("Certification and read-back"))
        super().__init__(("certification", "read_back"), _("Certification"), box)
        self.full_width = True
        box.setStyleSheet(STYLE)
        self.certification_status = plain_label()
        self.read_back_status = plain_label()
        self.certify_button = QPushButton(_("Certify…"))
        self.certify_button.setToolTip(
            _("Certify that the English translation is complete and accurate (translators)")
        )
        self.read_back_button = QPushButton(_("Record read-back…"))
        self.read_back_button.setToolTip(
            _("Record that the statement was read back to the speaker and confirmed (caseworkers)")
        )
        grid = QGridLayout(box)
        for row, (label, button) in enumerate(
            (
                (self.certification_status, self.certify_button),
                (self.read_back_status, self.read_back_button),
            )
        ):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 0)
            grid.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        self.certify_button.clicked.connect(self.certify_requested)
        self.read_back_button.clicked.connect(self.read_back_requested)
        self.context: Context = lambda: ("", frozenset())
        self.texts: StatementTextEditor | None = None
        self._stored: dict[str, Any] = {}
        self._role = ""
        self._trusted: frozenset[str] = frozenset()
        self.statuses: dict[str, attestations.Status] = {}

    def bind(self, texts: StatementTextEditor) -> None:
        """Follow the texts being typed: an edit voids what was certified at once."""
        self.texts = texts
        texts.changed.connect(self.refresh)

    def focus_widget(self) -> QWidget:
        return self.certify_button

    # Values: kept exactly as loaded

    def load(self, body: dict[str, Any]) -> None:
        self._stored = {k: body.get(k) for k in self.keys}
        self._role, self._trusted = self.context()
        self.refresh(body)

    def store(self, body: dict[str, Any]) -> None:
        for key in self.keys:
            body[key] = self._stored.get(key)

    def set_value(self, value: Any) -> None:
        self._stored = {}
        self.refresh({})

    def value(self) -> Any:
        return dict(self._stored)

    # Status

    def refresh(self, body: dict[str, Any] | None = None) -> None:
        current: dict[str, Any] = dict(body) if body is not None else {}
        if body is None and self.texts is not None:
            self.texts.store(current)
        current.update(self._stored)
        self.statuses = attestations.statuses(current, self._trusted)
        for label, kind in (
            (self.certification_status, attestations.CERTIFICATION),
            (self.read_back_status, attestations.READ_BACK),
        ):
            status = self.statuses[kind]
            label.setText(certification.describe(status, isolate))
            label.setAccessibleName(label.text())
            label.setProperty("state", status.state)
            label.style().unpolish(label)
            label.style().polish(label)
        has_text = bool((current.get("text") or "").strip())
        translated = bool(((current.get("translation") or {}).get("text") or "").strip())
        self.certify_button.setEnabled(
            self._role == certification.TRANSLATOR and has_text and translated
        )
        self.read_back_button.setEnabled(self._role == certification.CASEWORKER and has_text)


class StatementActions(QObject):
    """The Certify… and Record read-back… flows of the case editor's statement form."""

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dialog: QDialog | None = None
        panel = editor.forms["statement"].editor("certification")
        assert isinstance(panel, CertificationPanel)
        self.panel = panel
        panel.context = self._context
        panel.certify_requested.connect(self.certify)
        panel.read_back_requested.connect(self.read_back)
        self._said: str | None = None  # the "Certified." shown, until the next edit
        editor.forms["statement"].changed.connect(self._edited)

    def _edited(self) -> None:
        message = self.editor.message
        if self._said is not None and message.label.text() == self._said:
            message.hide_message()
        self._said = None

    def _context(self) -> tuple[str, frozenset[str]]:
        service = self.editor.session.cases
        if service is None:
            return "", frozenset()
        return service.role, service.trusted_keys()

    def _saved_statement(self) -> str | None:
        """The shown statement's id once everything typed is saved (None: stay put)."""
        editor = self.editor
        if editor.form is not editor.forms["statement"] or not editor.flush():
            return None
        return editor.saver.save_new_now()

    def certify(self) -> None:
        service = self.editor.session.cases
        record_id = self._saved_statement()
        if service is None or record_id is None:
            return
        language = self.editor.records[record_id].body.get("language") or ""
        dialog = CertifyDialog(language, service.translator_profile(), self.editor)
        dialog.accepted.connect(lambda: self._certified(record_id, dialog))
        self.dialog = dialog
        dialog.open()

    def _certified(self, record_id: str, dialog: CertifyDialog) -> None:
        service = self.editor.session.cases
        if service is None:
            return
        version = self.editor.records[record_id].version
        self._store(lambda: service.certify(record_id, dialog.details(), version), _("Certified."))

    def read_back(self) -> None:
        service = self.editor.session.cases
        record_id = self._saved_statement()
        if service is None or record_id is None:
            return
        body = self.editor.records[record_id].body
        dialog = ReadBackDialog(body.get("language") or "", service.user, self.editor)
        dialog.accepted.connect(lambda: self._read_back(record_id, dialog))
        self.dialog = dialog
        dialog.open()

    def _read_back(self, record_id: str, dialog: ReadBackDialog) -> None:
        service = self.editor.session.cases
        if service is None:
            return
        version = self.editor.records[record_id].version
        by, language, notes = dialog.values()
        self._store(
            lambda: service.record_read_back(record_id, by, language, notes, version),
            _("The read-back was recorded."),
        )

    def _store(self, action: Callable[[], Any], done: str) -> None:
        editor = self.editor
        try:
            record = action()
        except StaleEdit:
            editor.saver.reload_current()
            editor.message.show_message(
                _("This statement was changed elsewhere, so nothing was signed. Look again."),
                "warning",
            )
            return
        except IntakeError as exc:
            editor.message.show_message(str(exc), "error")
            return
        texts = editor.forms["statement"].editor("text")
        edits = (
            [texts.pair.text, texts.pair.translation]
            if isinstance(texts, StatementTextEditor)
            else []
        )
        cursors = [edit.textCursor().position() for edit in edits]
        editor.stored(record, reload=True)  # the translation language may have become "en"
        for edit, position in zip(edits, cursors, strict=True):
            cursor = edit.textCursor()
            cursor.setPosition(min(position, len(edit.toPlainText())))
            edit.setTextCursor(cursor)
        editor.message.show_message(done, "info")
        self._said = done
