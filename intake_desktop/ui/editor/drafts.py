"""Drafts in the case editor: their problems in plain words, and asking before one goes.

A draft (``core/drafts.py``) keeps what was typed into a record but could
not be stored in it. Its problems are message templates with parameters,
never text typed, so they are rendered here in the interface language of
the moment, with each field's readable name. ``ShowsDrafts`` is the case
editor's part that lists drafts in the outline and discards them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from ...core.errors import IntakeError
from ...core.i18n import N_, _
from ..qt import QSignalBlocker, QTreeWidgetItem, QWidget
from ..services.vocabulary import KINDS, Draft, Problem
from ..widgets.confirm import confirmed
from .case_outline import DRAFT_ROLE, CaseOutline
from .field_labels import field_label
from .record_form import RecordForm

if TYPE_CHECKING:
    from ..services.session import VaultSession
    from ..widgets.message_bar import MessageBar
    from .autosave import Autosave

# A field both this form and someone else changed, kept as typed until one is chosen.
CLASH = N_("{path}: also changed elsewhere; your version is kept in this draft.")
_CHOICE_TEMPLATE = "{path}: must be one of {options}."


def render(template: str, params: dict[str, Any], field: str) -> str:
    """One problem as a sentence: the field's readable name, then what is wrong."""
    if template == _CHOICE_TEMPLATE:
        return _("{field}: choose one of the options.").format(field=field)
    wrapped = "{path}" not in template  # the form's own checks: "Write the date as YYYY-MM-DD…"
    values = {**params, "path": field}
    said = _(template)
    for text in (said, template):
        try:
            said = text.format(**values)
            break
        except (KeyError, IndexError, ValueError):
            continue
    return _("{field}: {problem}").format(field=field, problem=said) if wrapped else said


def field_name(form: RecordForm, problem: Problem) -> str:
    """The readable name of a problem's field ("Original language", "Names, row 2")."""
    editor = form.by_key.get(problem.field) if problem.field else None
    if editor is None:
        return form.describe(None)
    label = editor.label if len(editor.keys) == 1 else field_label(form.kind.name, problem.field)
    row = re.search(r"\[(\d+)\]", problem.path)
    if row and not editor.full_width:
        return _("{field}, item {number}").format(field=label, number=int(row.group(1)) + 1)
    if row:
        return _("{field}, row {number}").format(field=label, number=int(row.group(1)) + 1)
    return label


def problem_text(form: RecordForm, problem: Problem) -> str:
    return render(problem.template, problem.params, field_name(form, problem))


def path_label(kind: str, path: str) -> str:
    """The field an error path names, as the forms label it ("title" -> "Title",
    "person.full_name" -> "Full name", "people[1].full_name" -> "People, item 2")."""
    head, _dot, rest = path.partition(".")
    if rest and head in KINDS:
        kind, path = head, rest
    match = re.match(r"([A-Za-z_]+)(?:\[(\d+)\])?", path)
    if match is None:
        return path
    label = field_label(kind, match.group(1))
    if match.group(2) is None:
        return label
    return _("{field}, item {number}").format(field=label, number=int(match.group(2)) + 1)


def refusal_text(exc: IntakeError, kind: str) -> str:
    """A refusal from the core as a sentence naming its field as the form does, never by
    its storage key ("Title: longer than 300 characters.", not "title: ...")."""
    path = exc.params.get("path")
    if not isinstance(path, str) or not path or "{path}" not in exc.template:
        return str(exc)
    params = {k: v for k, v in exc.params.items() if k != "path"}
    return render(exc.template, params, path_label(kind, path))


def problems_text(form: RecordForm, problems: list[Problem] | tuple[Problem, ...]) -> str:
    return " ".join(problem_text(form, p) for p in problems)


def confirm_discard(parent: QWidget, new: bool) -> bool:
    """True if the caseworker chose Discard (Cancel is the default button)."""
    if new:
        text = _(
            "Discard this draft? Everything typed into this new record is deleted from the vault."
        )
    else:
        text = _(
            "Discard this draft? What was typed into the marked fields is deleted from the vault;"
            " the saved record stays as it is."
        )
    return confirmed(parent, _("Discard draft"), text, _("Discard draft"))


class ShowsDrafts:
    """The drafts half of ``CaseEditor``: marked in the outline, shown, discarded."""

    session: VaultSession
    case_id: str | None
    current: QTreeWidgetItem | None
    outline: CaseOutline
    message: MessageBar
    saver: Autosave

    if TYPE_CHECKING:  # CaseEditor's

        def _select(self, item: QTreeWidgetItem) -> None: ...
        def _show(self, item: QTreeWidgetItem) -> None: ...
        def _update_heading(self) -> None: ...

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
        asked = confirm_discard(cast(QWidget, self), draft.is_new)
        if not asked or self.session.cases is not service:
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
