"""The case editor's household: members added in one step, one head per case.

"Add household member…" (Ctrl+Shift+H, the add menu, the People section)
opens ``HouseholdDialog``; each member is stored as it is added, the person
and their relationship to the head in one transaction
(``CaseService.add_household_member``), and appears in the outline at once.
Marking a person as the head in their form unmarks any other person of the
case (``CaseService.set_head_of_household``), so relationships have one
person to be counted from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import QAction, QKeySequence, QObject, Qt
from ..services.vocabulary import Record
from .case_outline import Loaded, reference_options
from .drafts import refusal_text
from .household_dialog import HouseholdDialog

if TYPE_CHECKING:
    from .case_editor import CaseEditor


class Household(QObject):
    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.action = QAction(_("Add household member…"), editor)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action.setToolTip(_("Add household member… (Ctrl+Shift+H)"))
        self.action.triggered.connect(self.add_members)
        editor.addAction(self.action)
        self.dialog: HouseholdDialog | None = None  # while it is open
        self.added: list[str] = []  # the people it added, in order

    def add_members(self) -> None:
        """Ask for the family's members one after another; each is stored as it is added."""
        editor = self.editor
        if self.dialog is not None or editor.case_id is None or editor.session.cases is None:
            return
        if not editor._leave():
            return
        self.added = []
        self.dialog = HouseholdDialog(self.people, self._submit, editor)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(self._closed)
        editor.session.locked.connect(self.dialog.reject)
        self.dialog.open()  # window-modal, the case stays in view behind it

    def _submit(self, person: dict[str, Any], kind: str | None, head: str | None) -> str | None:
        person_id, error = self._add(person, kind, head)
        if person_id is not None:
            self.added.append(person_id)
        return error

    def _closed(self) -> None:
        """The last one added is shown, to go on with their details."""
        editor, dialog = self.editor, self.dialog
        self.dialog = None
        if dialog is not None:
            editor.session.locked.disconnect(dialog.reject)
        item = editor.outline.item_for(self.added[-1]) if self.added and editor.case_id else None
        if item is not None:
            editor._select(item)

    def people(self) -> tuple[list[tuple[str, str]], str | None]:
        """The case's people, named, and the head's id (None: no one is marked)."""
        records = self.editor.records
        people = reference_options(records)["person"]
        heads = [i for i, _label in people if records[i].body.get("head_of_household")]
        return people, heads[0] if heads else None

    def _add(
        self, person: dict[str, Any], kind: str | None, head: str | None
    ) -> tuple[str | None, str | None]:
        """Store one member and their relationship: (their id, None) or (None, why not)."""
        editor = self.editor
        service, case_id = editor.session.cases, editor.case_id
        if service is None or case_id is None:
            return None, _("The vault is locked: nothing was added.")
        try:
            change = service.add_household_member(case_id, person, kind, head)
        except IntakeError as exc:
            problem = refusal_text(exc, "person")  # "Full name: …", not "person.full_name: …"
            return None, _("{problem} Nothing was added.").format(problem=problem)
        for record in (change.person, change.relationship, *change.heads):
            if record is not None:
                known = record.id in editor.records
                editor.records[record.id] = Loaded(record.kind, record.version, record.body)
                if not known:
                    editor.outline.add_record(record.kind, record.id, record.body, editor.records)
        editor.outline.relabel_all(editor.records)
        return change.person.id, None

    def stored(self, record: Record, previous: Loaded | None) -> None:
        """After a person's save: marked as the head just now, so no one else is."""
        editor = self.editor
        service, case_id = editor.session.cases, editor.case_id
        was = previous is not None and previous.body.get("head_of_household")
        if not record.body.get("head_of_household") or was or service is None or not case_id:
            return
        try:
            changed = service.set_head_of_household(case_id, record.id)
        except IntakeError as exc:
            editor.message.show_message(str(exc), "error")
            return
        for other in changed:
            editor.records[other.id] = Loaded(other.kind, other.version, other.body)
