"""Two people side by side, to decide whether they are the same person.

Everything shown is plain text in read-only boxes: names as written with their
kind and source, birth date as the document writes it (and the
possible-placeholder flag), documents, the case. "Open in the editor" opens
that person's case; nothing here changes either record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.errors import IntakeError
from ...core.i18n import _
from ..editor.field_editors import plain_label
from ..editor.field_labels import choice_label
from ..editor.statement_text import script_font
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QGridLayout,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from ..services.cases import CaseService
from ..services.vocabulary import calendars, display_name
from ..widgets.bidi import isolate


def describe_person(document: dict[str, Any], person_id: str) -> str:
    """A person's details as plain lines (names, birth, documents, the case).

    Every value is isolated: a document number after a Dari label kept its
    digits but not its groups' order ("1-0123-4567-8901" read 8901-4567-0123-1).
    """
    person = next((p for p in document["people"] if p["id"] == person_id), None)
    if person is None:
        return _("This person is no longer in the case.")
    lines = [
        _("Case: {title}").format(title=isolate(document["title"])),
        _("Role: {role}").format(role=choice_label(person["role"])),
        _("Sex: {sex}").format(sex=choice_label(person["sex"])),
    ]
    if person["name_withheld"]:
        lines.append(
            _("Name withheld for safety; shown as: {name}").format(
                name=isolate(display_name(person))
            )
        )
    else:
        if person["full_name"]:
            lines.append(_("Full name: {name}").format(name=isolate(person["full_name"])))
        for name in person["names"]:
            what = choice_label(name["kind"], "name_kind")
            with_source = _("{label}: {name} (from {source})")
            line = with_source if name["source"] else _("{label}: {name}")
            lines.append(
                line.format(label=what, name=isolate(name["text"]), source=isolate(name["source"]))
            )
    dob = person.get("date_of_birth")
    if dob:
        date = calendars.describe(
            dob, calendar_label=choice_label, unknown=_("unknown"), estimate_text=isolate
        )
        lines.append(_("Born: {date}").format(date=isolate(date)))
        if dob.get("original_text"):
            lines.append(_("As written: {text}").format(text=isolate(dob["original_text"])))
        if calendars.possible_placeholder(dob):
            lines.append(_("First day of the year: possibly a placeholder."))
    if person.get("place_of_birth"):
        lines.append(_("Place of birth: {place}").format(place=isolate(person["place_of_birth"])))
    for doc in document["identity_documents"]:
        if doc.get("person") == person_id:
            number = doc["number"] or "—"
            lines.append(
                _("{label}: {number}").format(
                    label=choice_label(doc["kind"]), number=isolate(number)
                )
            )
    return "\n".join(lines)


class PersonComparison(QDialog):
    def __init__(
        self,
        service: CaseService,
        people: tuple[tuple[str, str], tuple[str, str]],  # (case id, person id) each
        open_case: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Compare two people"))
        self.resize(900, 520)
        grid = QGridLayout(self)
        self.panes: list[QPlainTextEdit] = []
        for column, (case_id, person_id) in enumerate(people):
            try:
                document = service.document(case_id)
                text = describe_person(document, person_id)
                title = display_name(
                    next((p for p in document["people"] if p["id"] == person_id), {})
                )
            except IntakeError as exc:
                text, title = str(exc), ""
            heading = plain_label(title or _("(no name)"))
            bold = QFont(heading.font())
            bold.setBold(True)
            heading.setFont(bold)
            pane = QPlainTextEdit(text)
            pane.setReadOnly(True)
            pane.setFont(script_font(pane.font(), 1.1))
            pane.setAccessibleName(_("Person {number}").format(number=column + 1))
            self.panes.append(pane)
            button = QPushButton(_("Open in the editor"))
            button.clicked.connect(lambda _checked=False, c=case_id: self._open(open_case, c))
            grid.addWidget(heading, 0, column)
            grid.addWidget(pane, 1, column)
            grid.addWidget(button, 2, column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, 3, 0, 1, 2)
        grid.setRowStretch(1, 1)

    def _open(self, open_case: Callable[[str], None], case_id: str) -> None:
        open_case(case_id)
        self.accept()
