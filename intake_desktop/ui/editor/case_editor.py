"""The case editor: a case's sections and records on the left, one record's form on the right.

Nothing typed is lost: an edit is saved about a second after typing stops
(and a second after it starts, while typing goes on), at once when focus
leaves the field or another record or case is opened, and synchronously by
``flush()`` (before locking, which this editor listens for, and on close).
Each save carries the version the form was loaded from; if someone else
saved in between, ``StaleEdit`` is resolved field by field (see
``autosave.py``). Input the model refuses stays in its widget, marked, with
a plain message, and is kept as typed in an encrypted draft in the vault
(``core/drafts.py``): a record opened again shows its draft over what is
stored, and a record never saved is listed as a draft to finish or discard.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ...core.errors import IntakeError, StaleEdit
from ...core.i18n import _
from ..jobs.job import Job
from ..qt import (
    QApplication,
    QElapsedTimer,
    QFont,
    QHBoxLayout,
    QKeySequence,
    QMenu,
    QPushButton,
    QShortcut,
    QSignalBlocker,
    QSize,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    Qt,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.cases import FilesToAttach
from ..services.session import VaultSession
from ..services.vocabulary import CASE, CHILD_KINDS, KINDS, Draft, Record
from ..widgets.bidi import align_to_interface
from ..widgets.delete_dialog import confirm_delete
from ..widgets.file_dialogs import open_files
from ..widgets.message_bar import MessageBar
from .attach_progress import AttachProgress
from .attachments_view import AttachmentsEditor, AttachmentsView
from .autosave import Autosave
from .case_header import CaseHeader
from .case_outline import (
    DRAFT_ROLE,
    CaseOutline,
    Loaded,
    records_of,
    reference_options,
    references_to,
)
from .drafts import confirm_discard
from .field_editors import plain_label
from .field_labels import kind_text
from .record_form import RecordForm
from .section_page import SectionPage
from .statement_editor import StatementActions

log = logging.getLogger(__name__)

# Above this, "Add files…" streams on a thread behind a progress dialog; below
# it (scans, photos: well under a second) at once, without a dialog flashing up.
BACKGROUND_BYTES = 8 << 20

STYLE = """
*[invalid="true"] { border: 2px solid #c62828; border-radius: 3px; }
QLabel#placeholder-warning { color: #8a5a00; }
"""


class CaseEditor(QWidget):
    save_state_changed = Signal(str)  # "saved" | "unsaved" | "saving" | "error"
    title_changed = Signal(str)  # case id, after the case title/status/route was saved
    attaching_finished = Signal()  # an "Add files…" job ended (stored, failed or cancelled)

    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.session = session
        self.case_id: str | None = None
        self.records: dict[str, Loaded] = {}
        self.current: QTreeWidgetItem | None = None  # the item whose form is shown
        self.form: RecordForm | None = None
        self._attaching: AttachProgress | None = None
        session.about_to_lock.connect(self._lock_while_attaching)
        # Locking (Ctrl+L, the idle lock, closing) stores what is typed first:
        # in the record, or what cannot be, in its draft.
        session.about_to_lock.connect(self.flush)
        self.setStyleSheet(STYLE)

        self.header = CaseHeader()

        self.outline = CaseOutline()
        self.add_button = QToolButton()
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.add_button)
        for kind in CHILD_KINDS:
            action = menu.addAction(kind_text(kind.name, 1))
            action.triggered.connect(lambda _checked=False, k=kind.name: self.add_record(k))
        self.add_button.setMenu(menu)
        self.add_button.clicked.connect(lambda: self.add_record())
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setAccessibleName(_("Delete the selected record"))
        self.delete_button.setToolTip(_("Delete the selected record (Delete key in the list)"))
        self.delete_button.clicked.connect(self.delete_record)

        self.record_heading = plain_label()
        bold = QFont(self.record_heading.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.record_heading.setFont(bold)
        self.record_heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        align_to_interface(self.record_heading)
        self.message = MessageBar()
        self.stack = QStackedWidget()
        self.empty_page = plain_label(_("Choose a case from the list, or make a new one."))
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.section_page = SectionPage()
        self.section_page.add_requested.connect(self.add_record)
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.section_page)
        self.forms = {kind.name: RecordForm(kind) for kind in (CASE, *CHILD_KINDS)}
        for form in self.forms.values():
            self.stack.addWidget(form)
        files = self.forms["evidence"].editor("attachments")
        self.attachments = files.view if isinstance(files, AttachmentsEditor) else AttachmentsView()
        self.attachments.fetch = self._attachment_bytes
        self.attachments.add_requested.connect(self.choose_files)

        self.saver = Autosave(self)
        for form in self.forms.values():
            form.changed.connect(self.saver.edited)
        self.statement_actions = StatementActions(self)
        self.saver.state_changed.connect(self._state_changed)
        self._build_layout()
        self.outline.currentItemChanged.connect(self._item_chosen)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, lambda: self.add_record()).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence.StandardKey.Save, self, self.flush).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence.StandardKey.Delete, self.outline, self.delete_record).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        session.locked.connect(self.clear)
        self.clear()

    def _build_layout(self) -> None:
        left = QWidget()
        left.setMinimumWidth(250)
        self.add_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.delete_button)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.outline, 1)
        column.addLayout(buttons)
        right = QWidget()
        pane = QVBoxLayout(right)
        pane.setContentsMargins(4, 0, 0, 0)
        pane.addWidget(self.record_heading)
        pane.addWidget(self.message)
        pane.addWidget(self.stack, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.outline, self.add_button)
        self.setTabOrder(self.add_button, self.delete_button)

    def sizeHint(self) -> QSize:
        # Modest, so a splitter beside the case list shares the room by its stretch.
        return QSize(640, 480)

    # The interface main_window relies on

    def open_case(self, case_id: str) -> None:
        if not self.flush():  # refused input stays on screen, marked, until fixed
            return
        service = self.session.cases
        if service is None:
            return
        clock = QElapsedTimer()
        clock.start()
        try:
            document = service.document(case_id)
        except IntakeError as exc:
            self.clear()
            self.message.show_message(str(exc), "error")
            return
        self.clear()
        records = records_of(document)
        self.case_id, self.records = case_id, records
        self.outline.populate(case_id, records)
        self._list_drafts(case_id)
        self._select(self.outline.sections["case"])
        self.header.set_title(records[case_id].body["title"])
        self.add_button.setEnabled(True)
        log.debug("case opened in %d ms (%d records)", clock.elapsed(), len(records))

    def flush(self) -> bool:
        """Save what is pending now; False if some of it could not be stored in the record
        (the field is marked, its text kept in a draft) or a conflict waits for a choice."""
        return self.saver.flush()

    def clear(self) -> None:
        """Forget every value that shows case data (the vault is locking)."""
        self.saver.reset(emit=False)
        self.case_id, self.records, self.current, self.form = None, {}, None, None
        with QSignalBlocker(self.outline):
            self.outline.forget()
            self.outline.mark_draft(self.outline.sections["case"], None)
        for form in self.forms.values():
            form.clear()
        self.header.forget()
        self.record_heading.setText("")
        self.section_page.forget()
        self.message.hide_message()
        self.stack.setCurrentWidget(self.empty_page)
        self._set_add_text(kind_text("person", 1))
        self.add_button.setEnabled(False)
        self.delete_button.setEnabled(False)

    # Choosing what to show

    def _select(self, item: QTreeWidgetItem) -> None:
        with QSignalBlocker(self.outline):
            self.outline.setCurrentItem(item)
        self._show(item)

    def _item_chosen(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is None or item is self.current:
            return
        if not self._leave():
            if self.current is not None:
                with QSignalBlocker(self.outline):
                    self.outline.setCurrentItem(self.current)
            return
        self._show(item)

    def _leave(self) -> bool:
        """Save the shown record before showing another; drop an untouched new one."""
        if not self.flush():
            return False
        current = self.current
        if current is not None and not any(
            current.data(0, role) for role in (Qt.ItemDataRole.UserRole + 1, DRAFT_ROLE)
        ):  # no record, no draft
            if current.parent() is not None:
                with QSignalBlocker(self.outline):
                    self.outline.remove(current)
            self.current = None
        return True

    def _show(self, item: QTreeWidgetItem) -> None:
        kind, record_id, is_section = CaseOutline.position(item)
        self.current = item
        self.saver.reset()  # everything of the record shown before is stored
        self.message.hide_message()
        self._set_add_text(kind_text(kind if kind != "case" else "person", 1))
        self.delete_button.setEnabled(not is_section and kind != "case")
        if is_section:
            self.form = None
            self.record_heading.setText(kind_text(kind, 0))
            self.section_page.show_section(kind, item.childCount())
            self.stack.setCurrentWidget(self.section_page)
            return
        form = self.forms[kind]
        loaded = self.records.get(record_id or "")
        body = loaded.body if loaded else KINDS[kind].spec.default()
        form.load(body, self.options())
        self.form = form
        self.stack.setCurrentWidget(form)
        self._update_heading()
        # A person received without the name withheld from this vault: an edit
        # here would send the blanks back and erase the name where it was
        # recorded, so the core refuses it; the form says so before anyone types.
        service = self.session.cases
        read_only = bool(record_id and service is not None and service.is_redacted(record_id))
        form.setEnabled(not read_only)
        if read_only:
            self.message.show_message(
                _(
                    "This person's name is withheld from this vault: the device that recorded"
                    " it left the name out. It can be changed only there; you may delete it."
                ),
                "info",
            )
            return
        draft = self._draft_of(item)
        if draft is not None:
            self.saver.show_draft(draft)

    def _set_add_text(self, text: str) -> None:
        self.add_button.setText(text)
        self.add_button.setAccessibleName(text)
        self.add_button.setToolTip(_("{action} (Ctrl+Shift+N)").format(action=text))

    def _update_heading(self) -> None:
        if self.current is None:
            return
        kind, record_id, _section = CaseOutline.position(self.current)
        if kind == "case":
            self.record_heading.setText(_("Case details"))
        elif record_id is None:
            self.record_heading.setText(kind_text(kind, 3))
        else:
            self.record_heading.setText(self.current.text(0))

    def options(self) -> dict[str, list[tuple[str, str]]]:
        return reference_options(self.records)

    # Adding and deleting records

    def add_record(self, kind: str | None = None) -> None:
        """A new, unsaved record in the current section (saved once something is typed)."""
        if self.case_id is None:
            return
        if kind is None:
            current = CaseOutline.position(self.current)[0] if self.current else "person"
            kind = current if current != "case" else "person"
        if not self._leave():
            return
        item = self.outline.add_record(kind, None, {}, self.records)
        self._select(item)
        if self.form is not None:
            self.form.first_input().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def delete_record(self) -> None:
        if self.current is None:
            return
        kind, record_id, is_section = CaseOutline.position(self.current)
        if is_section or kind == "case":
            return
        service = self.session.cases
        item = self.current
        if record_id is None:  # never saved: at most a draft to delete in the vault
            draft_id = item.data(0, DRAFT_ROLE)
            if draft_id is not None:
                if service is None or not confirm_discard(self, True):
                    return
                if self.session.cases is not service:  # locked while the question was open
                    return
                try:
                    service.discard_draft(str(draft_id))
                except IntakeError as exc:
                    self.message.show_message(str(exc), "error")
                    return
            elif self.saver.dirty and not confirm_delete(self, kind, item.text(0), 0):
                return
            self.saver.reset()
            self.current = None
            with QSignalBlocker(self.outline):
                self.outline.remove(item)
            self._select(self.outline.sections[kind])
            return
        users = references_to(self.records, record_id)
        if service is None or not confirm_delete(self, kind, item.text(0), users):
            return
        self.saver.reset()
        try:
            service.delete(record_id, self.records[record_id].version)
        except StaleEdit:
            self.saver.reload_current()
            self.message.show_message(
                _("This record was changed elsewhere, so it was not deleted. It is shown again."),
                "warning",
            )
            return
        except IntakeError as exc:
            self.message.show_message(str(exc), "error")
            return
        del self.records[record_id]
        self.current = None
        with QSignalBlocker(self.outline):
            self.outline.remove(item)
        self.outline.relabel_all(self.records)
        self._select(self.outline.sections[kind])

    # Drafts (core/drafts.py)

    def _list_drafts(self, case_id: str) -> None:
        """Mark the records that have a draft; list the drafts of records never saved."""
        service = self.session.cases
        if service is None:
            return
        try:
            drafts = service.drafts_of_case(case_id)
        except IntakeError as exc:
            self.message.show_message(str(exc), "error")
            return
        for draft in drafts:
            if draft.record_id is None:
                self.outline.add_draft(draft.kind, draft.id)
                continue
            item = self.outline.item_for(draft.record_id)
            if item is not None:
                self.outline.mark_draft(item, draft.id)

    def _draft_of(self, item: QTreeWidgetItem) -> Draft | None:
        service = self.session.cases
        kind, record_id, _section = CaseOutline.position(item)
        draft_id = item.data(0, DRAFT_ROLE) or record_id
        if service is None or draft_id is None:
            return None
        try:
            draft = service.draft(str(draft_id))
        except IntakeError as exc:
            self.message.show_message(str(exc), "error")
            return None
        if draft is None or draft.kind != kind or draft.case_id != self.case_id:
            return None
        return draft

    def draft_kept(self, draft: Draft | None) -> None:
        """After a save (called by Autosave): the shown item has this draft now, or none."""
        item = self.current
        if item is not None and (
            item.parent() is not None or item is self.outline.sections["case"]
        ):
            self.outline.mark_draft(item, draft.id if draft is not None else None)
            self._update_heading()

    def discard_draft(self) -> None:
        """Delete the shown record's draft (after asking); what is stored is shown again."""
        draft, service, item = self.saver.draft, self.session.cases, self.current
        if draft is None or service is None or item is None:
            return
        if not confirm_discard(self, draft.is_new) or self.session.cases is not service:
            return  # kept (or the vault locked while the question was open)
        try:
            service.discard_draft(draft.id)
        except IntakeError as exc:
            self.message.show_message(str(exc), "error")
            return
        self.saver.reset()
        self.outline.mark_draft(item, None)
        kind, record_id, _section = CaseOutline.position(item)
        if record_id is None:  # nothing of it was ever a record: it goes from the list
            self.current = None
            with QSignalBlocker(self.outline):
                self.outline.remove(item)
            self._select(self.outline.sections[kind])
            return
        self._show(item)

    # Attachments

    def choose_files(self) -> None:
        paths = open_files(self, _("Add files to this evidence"), "", _("All files (*)"))
        self.attach_files([Path(p) for p in paths])

    def attach_files(self, paths: list[Path]) -> None:
        """Stream files into the vault and list them in the shown evidence record.

        Small files (scans, photos) are stored at once. Larger ones stream on
        a thread (``CaseService.attach_files``) behind a window-modal progress dialog, so the
        window keeps painting and nothing else can be edited meanwhile;
        ``attaching_finished`` is emitted when that is over.
        """
        service = self.session.cases
        if not paths or service is None or self.case_id is None:
            return
        if self.attach_job is not None or self.form is not self.forms["evidence"]:
            return
        if not self.flush():
            return
        record_id = self.saver.save_new_now()
        if record_id is None:
            return
        if _total_size(paths) > BACKGROUND_BYTES:
            self._attach_in_background(FilesToAttach(self.case_id, record_id, list(paths)))
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                self.stored(service.attach(self.case_id, path, record_id), reload=True)
        except IntakeError as exc:
            self.message.show_message(str(exc), "error")
        finally:
            QApplication.restoreOverrideCursor()

    @property
    def attach_job(self) -> Job | None:
        """The background "Add files…" job running now, if any."""
        return None if self._attaching is None else self._attaching.job

    def _attach_in_background(self, files: FilesToAttach) -> None:
        service = self.session.cases
        if service is None:
            return
        self._attaching = AttachProgress(self, files, service.attach_files(files))
        self._attaching.ended.connect(self._attached)
        self._attaching.start()

    def _attached(self, files: FilesToAttach, record: Record | None, error: str | None) -> None:
        """The job ended (GUI thread): show what was stored, or why not."""
        attaching = self._attaching
        if attaching is None or files is not attaching.files:
            return
        job = attaching.job
        self._close_attach()
        if self.session.cases is not None and self.case_id == files.case_id:
            if record is not None:
                self.stored(record, reload=True)
            elif (
                files.stored
                and self.current is not None
                and self.outline.item_for(files.evidence_id) is self.current
            ):
                self.saver.reload_current()  # files stored before the error or the cancel
        if error is not None:
            self.message.show_message(error, "warning" if job.cancel_requested else "error")
        self.attaching_finished.emit()

    def _close_attach(self) -> None:
        if self._attaching is not None:
            self._attaching.close()
            self._attaching = None

    def _lock_while_attaching(self) -> None:
        """Locking: the file being stored is stored (or not) all the same, by
        its own connection; only the progress dialog goes, with the case."""
        if self._attaching is not None:
            self._close_attach()
            self.attaching_finished.emit()

    def _attachment_bytes(self, sha256: str) -> bytes | None:
        service = self.session.cases
        if service is None:
            return None
        try:
            return service.attachment_bytes(sha256)
        except IntakeError:
            return None

    # After a save (called by Autosave)

    def stored(self, record: Record, reload: bool = False) -> None:
        previous = self.records.get(record.id)
        self.records[record.id] = Loaded(record.kind, record.version, record.body)
        item = self.current if self.current is not None else self.outline.item_for(record.id)
        if record.kind == "case":
            self.header.set_title(record.body["title"])
            changed = previous is None or any(
                previous.body.get(k) != record.body.get(k)
                for k in ("title", "route", "status", "priority")
            )
            if changed and self.case_id:
                self.title_changed.emit(self.case_id)
        elif item is not None:
            self.outline.relabel(item, record.id, self.records)
            if record.kind in ("person", "evidence", "interview"):
                self.outline.relabel_all(self.records)
        if self.form is not None:
            if reload:
                self.form.load(record.body, self.options())
            else:
                self.form.rebase(record.body)
        self._update_heading()

    def _state_changed(self, state: str) -> None:
        self.header.show_state(state if self.case_id else None)
        self.save_state_changed.emit(state)

    def _focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        form = self.form
        if old is not None and form is not None and form.isAncestorOf(old):
            self.saver.focus_left()


def _total_size(paths: list[Path]) -> int:
    """Bytes to store; an unreadable file counts 0 (storing it reports the error)."""
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total
