"""A statement's certification and read-back in the case editor: status lines and actions.

``CertificationPanel`` is the statement form's field editor for the
``certification`` and ``read_back`` keys. It never edits them (only
``core/certification.py`` makes them, signed), so autosave carries them
through unchanged; it shows whether each still holds, computed from the
texts on screen as they are typed: "Certified by X on D (valid)", or "void:
the text changed after it was certified" the moment either text changes.

While either holds, the texts it covers ask before they change
(``StatementText.protect``): the person chooses to edit anyway, voiding it,
or to keep it.

``StatementActions`` runs the Certify… and Record read-back… dialogs for the
case editor: save what is typed, ask, sign, show the stored result. Both go
through the session's ``StatementService``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core.errors import IntakeError, StaleEdit
from ...core.i18n import _
from ..qt import QDialog, QGridLayout, QGroupBox, QObject, QPushButton, Qt, QWidget, Signal
from ..services.statements import StatementService
from ..services.vocabulary import (
    CERTIFICATION,
    READ_BACK,
    Status,
    attestation_statuses,
    describe_attestation,
    describe_signer,
)
from ..widgets.bidi import isolate
from .certify_dialog import CertifyDialog
from .field_editors import FieldEditor, plain_label
from .read_back_dialog import ReadBackDialog
from .statement_text import StatementTextEditor
from .text_guard import Protection

if TYPE_CHECKING:
    from .case_editor import CaseEditor

# (may certify, may record a read-back, trusted signing keys)
Context = Callable[[], tuple[bool, bool, frozenset[str]]]

STYLE = """
QLabel[state="valid"] { color: #1b5e20; }
QLabel[state="void"], QLabel[state="unverified"] { color: #b71c1c; font-weight: bold; }
QLabel[state="none"] { color: #555555; }
"""


def protection(statuses: dict[str, Status]) -> tuple[Protection, bool] | None:
    """What to say before the texts change, and whether their languages count too (None: free).

    A certification covers both texts and both languages; a read-back the texts only.
    """
    certified = statuses[CERTIFICATION].state == "valid"
    read_back = statuses[READ_BACK].state == "valid"
    if not certified and not read_back:
        return None
    said = []
    if certified:
        by = statuses[CERTIFICATION]
        said.append(
            _(
                "The translation was certified by {name} on {date}. Changing the original,"
                " the translation or a language makes the certification void until a"
                " translator certifies it again."
            ).format(name=isolate(by.by), date=isolate(by.date))
        )
    if read_back:
        by = statuses[READ_BACK]
        said.append(
            _(
                "The statement was read back to the speaker by {name} on {date}, and"
                " confirmed. Changing the original or the translation makes the read-back"
                " void until it is read back again."
            ).format(name=isolate(by.by), date=isolate(by.date))
        )
    said.append(_("Edit it anyway?"))
    if certified and read_back:
        edit = _("Edit, voiding both")
        note = _(
            "Certified and read back: you will be asked before these texts change,"
            " since a change voids both."
        )
    elif certified:
        edit = _("Edit, voiding the certification")
        note = _(
            "Certified: you will be asked before these texts or their languages change,"
            " since a change voids the certification."
        )
    else:
        edit = _("Edit, voiding the read-back")
        note = _(
            "Read back to the speaker: you will be asked before these texts change,"
            " since a change voids the read-back."
        )
    title = _("Edit a certified statement?") if certified else _("Edit a read-back statement?")
    return Protection(title, "\n\n".join(said), edit, note), certified


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
        self.context: Context = lambda: (False, False, frozenset())
        self.texts: StatementTextEditor | None = None
        self._stored: dict[str, Any] = {}
        self._may_certify = self._may_read_back = False
        self._trusted: frozenset[str] = frozenset()
        self.statuses: dict[str, Status] = {}

    def bind(self, texts: StatementTextEditor) -> None:
        """Follow the texts being typed: an edit voids what was certified at once."""
        self.texts = texts
        texts.changed.connect(self.refresh)

    def focus_widget(self) -> QWidget:
        return self.certify_button

    # Values: kept exactly as loaded

    def load(self, body: dict[str, Any]) -> None:
        self._stored = {k: body.get(k) for k in self.keys}
        self._may_certify, self._may_read_back, self._trusted = self.context()
        self.refresh(body)
        self._protect()

    def _protect(self) -> None:
        """A record shown with a certification or read-back that holds: ask before edits."""
        if self.texts is None:
            return
        found = protection(self.statuses)
        if found is None:
            self.texts.pair.protect(None)
        else:
            self.texts.pair.protect(found[0], languages=found[1])

    def store(self, body: dict[str, Any]) -> None:
        for key in self.keys:
            body[key] = self._stored.get(key)

    def set_value(self, value: Any) -> None:
        self._stored = {}
        self.refresh({})
        self._protect()

    def value(self) -> Any:
        return dict(self._stored)

    # Status

    def refresh(self, body: dict[str, Any] | None = None) -> None:
        current: dict[str, Any] = dict(body) if body is not None else {}
        if body is None and self.texts is not None:
            self.texts.store(current)
        current.update(self._stored)
        self.statuses = attestation_statuses(current, self._trusted)
        if body is None and self.texts is not None and protection(self.statuses) is None:
            self.texts.pair.protect(None)  # a draft shown over it, or an edit: nothing holds
        for label, kind in (
            (self.certification_status, CERTIFICATION),
            (self.read_back_status, READ_BACK),
        ):
            status = self.statuses[kind]
            label.setText(describe_attestation(status, isolate))
            label.setAccessibleName(label.text())
            # Whose key signed, by fingerprint: two translators of one laptop differ here.
            signer = describe_signer(status, isolate)
            label.setToolTip(signer)
            label.setAccessibleDescription(signer)
            label.setProperty("state", status.state)
            label.style().unpolish(label)
            label.style().polish(label)
        has_text = bool((current.get("text") or "").strip())
        translated = bool(((current.get("translation") or {}).get("text") or "").strip())
        self.certify_button.setEnabled(self._may_certify and has_text and translated)
        self.read_back_button.setEnabled(self._may_read_back and has_text)


class StatementActions(QObject):
    """The Certify… and Record read-back… flows of the case editor's statement form."""

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dialog: QDialog | None = None
        panel = editor.forms["statement"].editor("certification")
        if not isinstance(panel, CertificationPanel):  # record_form.make_editor makes it
            raise TypeError("the statement form has no certification panel")
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

    @property
    def service(self) -> StatementService | None:
        return self.editor.session.statements

    def _context(self) -> tuple[bool, bool, frozenset[str]]:
        service = self.service
        if service is None:
            return False, False, frozenset()
        return service.may_certify, service.may_record_read_back, service.trusted_keys()

    def _saved_statement(self) -> str | None:
        """The shown statement's id once everything typed is saved (None: stay put)."""
        editor = self.editor
        if editor.form is not editor.forms["statement"] or not editor.flush():
            return None
        return editor.saver.save_new_now()

    def certify(self) -> None:
        service = self.service
        record_id = self._saved_statement()
        if service is None or record_id is None:
            return
        body = self.editor.records[record_id].body
        dialog = CertifyDialog(body, service.translator_profile(), service.user, self.editor)
        dialog.accepted.connect(lambda: self._certified(record_id, dialog))
        self.dialog = dialog
        dialog.open()

    def _certified(self, record_id: str, dialog: CertifyDialog) -> None:
        service = self.service
        if service is None:
            return
        version = self.editor.records[record_id].version
        self._store(lambda: service.certify(record_id, dialog.details(), version), _("Certified."))

    def read_back(self) -> None:
        service = self.service
        record_id = self._saved_statement()
        if service is None or record_id is None:
            return
        body = self.editor.records[record_id].body
        dialog = ReadBackDialog(body.get("language") or "", service.user, self.editor)
        dialog.accepted.connect(lambda: self._read_back(record_id, dialog))
        self.dialog = dialog
        dialog.open()

    def _read_back(self, record_id: str, dialog: ReadBackDialog) -> None:
        service = self.service
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
