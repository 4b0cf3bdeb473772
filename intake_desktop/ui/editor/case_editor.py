"""The case editor: a case's sections and records on the left, one record's form on the right.

Nothing typed is lost: an edit is saved about a second after typing stops
(and a second after it starts, while typing goes on), at once when focus
leaves the field or another record or case is opened, and synchronously by
``flush()`` (before locking, which this editor listens for, and on close).
Each save carries the version the form was loaded from; if someone else
saved in between, ``StaleEdit`` is resolved field by field (see
``autosave.py``). Input the model refuses stays in its widget, and is kept
as typed in an encrypted draft in the vault (``core/drafts.py``); it is
marked, with a plain message in a strip that keeps its place (nothing under
the pointer moves), once focus leaves that field or the record is left. A
record opened again shows its draft over what is stored, and a record never
saved is listed as a draft to finish or discard (``drafts.py``). Files are
added by ``attach_flow.py``; a family by "Add household member…"
(``household_dialog.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ...core.errors import IntakeError
from ...core.i18n import _
from ..jobs.job import Job
from ..qt import (
    QApplication,
    QElapsedTimer,
    QFont,
    QGridLayout,
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
from ..services.session import VaultSession
from ..services.vocabulary import CASE, CHILD_KINDS, Record
from ..widgets.bidi import align_to_interface
from ..widgets.message_bar import MessageBar
from .attach_flow import AttachFlow
from .attachments_view import AttachmentsEditor, AttachmentsView
from .autosave import Autosave
from .case_header import CaseHeader
from .case_outline import DRAFT_ROLE, CaseOutline, Loaded, records_of
from .drafts import ShowsDrafts
from .field_editors import plain_label
from .field_labels import kind_text
from .household import Household
from .record_form import RecordForm
from .record_navigation import NavigatesRecords
from .save_attachment import SaveAttachment
from .save_state import SaveState
from .section_page import SectionPage
from .statement_editor import StatementActions

log = logging.getLogger(__name__)

STYLE = """
*[invalid="true"] { border: 2px solid #c62828; border-radius: 3px; }
QLabel#placeholder-warning { color: #8a5a00; }
"""


class CaseEditor(NavigatesRecords, ShowsDrafts, QWidget):
    save_state_changed = Signal(object)  # SaveState
    title_changed = Signal(str)  # case id, after the case title/status/route was saved
    attaching_finished = Signal()  # an "Add files…" job ended (stored, failed or cancelled)

    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.session = session
        self.case_id: str | None = None
        self.records: dict[str, Loaded] = {}
        self.current: QTreeWidgetItem | None = None  # the item whose form is shown
        self.form: RecordForm | None = None
        self.attach = AttachFlow(self)  # first: locking closes its dialog before the flush
        self.attach.finished.connect(self.attaching_finished)
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
        self.household = Household(self)
        self.household_action = self.household.action
        menu.addAction(self.household_action)
        menu.addSeparator()
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
        self.message = MessageBar(lines=2)  # its place kept: nothing moves when it speaks
        self.stack = QStackedWidget()
        self.empty_page = plain_label(_("Choose a case from the list, or make a new one."))
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.section_page = SectionPage()
        self.section_page.add_requested.connect(self.add_record)
        self.section_page.household_requested.connect(self.add_household_members)
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.section_page)
        self.forms = {kind.name: RecordForm(kind) for kind in (CASE, *CHILD_KINDS)}
        for form in self.forms.values():
            self.stack.addWidget(form)
        files = self.forms["evidence"].editor("attachments")
        self.attachments = files.view if isinstance(files, AttachmentsEditor) else AttachmentsView()
        self.attachments.fetch = self.attach.attachment_bytes
        self.attachments.add_requested.connect(self.attach.choose)
        self.save_as = SaveAttachment(self)  # "Save as…" on a file (save_attachment.py)
        self.attachments.save_requested.connect(self.save_as.start)

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
        # The message takes the heading's place while it speaks (the outline names
        # the record too): one strip of fixed height, so the form never moves.
        banner = QGridLayout()
        banner.setContentsMargins(0, 0, 0, 4)
        banner.addWidget(self.record_heading, 0, 0)
        banner.addWidget(self.message, 0, 0)
        self.message.shown.connect(lambda up: self.record_heading.setVisible(not up))
        pane.addLayout(banner)
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
        self.household_action.setEnabled(True)
        log.debug("case opened in %d ms (%d records)", clock.elapsed(), len(records))

    def refresh(self) -> None:
        """Show the open case as it is stored now, the same record still shown.

        After an import (or a conflict settled) changed it behind the editor,
        counts, labels and forms would be stale. What is typed is saved first;
        a case that can no longer be opened is cleared, saying why.
        """
        service, case_id = self.session.cases, self.case_id
        if service is None or case_id is None or not self.flush():
            return
        try:
            versions = {i: r.version for i, r in records_of(service.document(case_id)).items()}
        except IntakeError:
            versions = {}
        if versions == {i: r.version for i, r in self.records.items()}:
            return
        shown = self.current or self.outline.sections["case"]
        kind, record_id, _section = CaseOutline.position(shown)
        draft_id = shown.data(0, DRAFT_ROLE)
        self.open_case(case_id)
        if self.case_id != case_id:
            return
        drafts = [i for i in self.outline.record_items() if draft_id and i.data(0, DRAFT_ROLE)]
        found = self.outline.item_for(record_id) if record_id else None
        found = found or next((i for i in drafts if i.data(0, DRAFT_ROLE) == draft_id), None)
        self._select(found or self.outline.sections[kind])

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
        self.household_action.setEnabled(False)
        self.delete_button.setEnabled(False)

    # Attachments (attach_flow.py)

    def choose_files(self) -> None:
        self.attach.choose()

    def attach_files(self, paths: list[Path]) -> None:
        """Stream files into the vault and list them in the shown evidence record."""
        self.attach.attach(paths)

    @property
    def attach_job(self) -> Job | None:
        """The background "Add files…" job running now, if any."""
        return self.attach.job

    # The household (household.py)

    def add_household_members(self) -> None:
        self.household.add_members()

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
            if record.kind == "person":
                self.household.stored(record, previous)
            self.outline.relabel(item, record.id, self.records)
            if record.kind in ("person", "evidence", "interview"):
                self.outline.relabel_all(self.records)
        if self.form is not None:
            if reload:
                self.form.load(record.body, self.options())
            else:
                self.form.rebase(record.body)
        self._update_heading()

    def _state_changed(self, state: SaveState) -> None:
        self.header.show_state(state if self.case_id else None)
        self.save_state_changed.emit(state)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """A field is checked when focus leaves it: not when it moves inside one field
        editor (Year to Month of a date, a choice to its open list, a table's cells)."""
        form = self.form
        if old is None or form is None or not _within(form, old):
            return
        field = form.editor_at(old)
        if new is None:  # another program has the focus: store, say nothing new
            self.saver.focus_lost()
        elif field is None or form.editor_at(new) is not field:
            self.saver.field_left(field.keys[0] if field is not None else None)


def _within(ancestor: QWidget, widget: QWidget | None) -> bool:
    """Like ``isAncestorOf``, also across windows (a choice's list is a popup window)."""
    while widget is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget()
    return False
