"""Moving about a case in the editor: choosing a record, adding one, deleting one.

Part of ``CaseEditor`` (a mixin, as ``ShowsDrafts`` is). Leaving a record
saves it first (``Autosave.flush``): refused input keeps the editor on the
record, marked. A new record is only an item in the outline until something
typed makes it a record or a draft; left untouched, it goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ...core.errors import IntakeError, StaleEdit
from ...core.i18n import _
from ..qt import (
    QLabel,
    QPushButton,
    QSignalBlocker,
    QStackedWidget,
    Qt,
    QToolButton,
    QTreeWidgetItem,
    QWidget,
)
from ..services.vocabulary import KINDS, Draft
from ..widgets.delete_dialog import confirm_delete
from .case_outline import DRAFT_ROLE, CaseOutline, Loaded, reference_options, references_to
from .drafts import confirm_discard
from .field_labels import kind_text

if TYPE_CHECKING:
    from ..services.session import VaultSession
    from ..widgets.message_bar import MessageBar
    from .autosave import Autosave
    from .record_form import RecordForm
    from .section_page import SectionPage


class NavigatesRecords:
    """The record-choosing half of ``CaseEditor``."""

    session: VaultSession
    case_id: str | None
    records: dict[str, Loaded]
    current: QTreeWidgetItem | None
    form: RecordForm | None
    forms: dict[str, RecordForm]
    outline: CaseOutline
    message: MessageBar
    saver: Autosave
    stack: QStackedWidget
    section_page: SectionPage
    record_heading: QLabel
    add_button: QToolButton
    delete_button: QPushButton

    if TYPE_CHECKING:  # CaseEditor's

        def flush(self) -> bool: ...
        def _draft_of(self, item: QTreeWidgetItem) -> Draft | None: ...

    def _widget(self) -> QWidget:
        """The editor, as the parent of the questions it asks."""
        return cast(QWidget, self)

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
                if service is None or not confirm_discard(self._widget(), True):
                    return
                if self.session.cases is not service:  # locked while the question was open
                    return
                try:
                    service.discard_draft(str(draft_id))
                except IntakeError as exc:
                    self.message.show_message(str(exc), "error")
                    return
            elif self.saver.dirty and not confirm_delete(self._widget(), kind, item.text(0), 0):
                return
            self.saver.reset()
            self.current = None
            with QSignalBlocker(self.outline):
                self.outline.remove(item)
            self._select(self.outline.sections[kind])
            return
        users = references_to(self.records, record_id)
        if service is None or not confirm_delete(self._widget(), kind, item.text(0), users):
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
