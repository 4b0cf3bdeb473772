"""Add household member…: a person and their relationship to the head, in one step.

A family of four used to take four person records and three relationship
records with three choices each. Here each member is a name, what they are
to the head of household (a letter picks it: S for Spouse), and optionally
sex and date of birth as written; Enter adds them and clears the fields for
the next one, Esc closes. The first person added to a case without a head
becomes its head (docs/case-format.md, ``head_of_household``).

The dialog only gathers and checks; ``submit`` (the case editor's) stores
the person and the relationship in one transaction and says why not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.i18n import _
from ..qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import KINDS, calendars, parse_date_text
from ..widgets.bidi import isolate
from ..widgets.screen_fit import fit_to_screen
from .field_editors import plain_label
from .field_labels import choice_label
from .names_table import guess_script

RELATIONSHIPS: tuple[str, ...] = KINDS["relationship"].spec.fields["kind"].options  # type: ignore[attr-defined]
SEXES: tuple[str, ...] = KINDS["person"].spec.fields["sex"].options  # type: ignore[attr-defined]
NEW_HEAD = ""  # the head combo's value for "the person added now"

# (person body, relationship to the head or None, head's id or None) -> error or None
Submit = Callable[[dict[str, Any], str | None, str | None], str | None]
# The case's people now, (id, name) each, and the head's id (None: no head yet)
People = Callable[[], tuple[list[tuple[str, str]], str | None]]


def date_of_birth(text: str) -> tuple[dict[str, Any] | None, str]:
    """A birth date as typed, and how it was read (said under the field)."""
    text = text.strip()
    if not text:
        return None, ""
    parsed = parse_date_text(text)
    if parsed is None:
        value = {"calendar": "gregorian", "precision": "unknown", "original_text": text}
        return value, _("Kept as written; complete it in the person's form.")
    value = parsed.as_fuzzy(text)
    parts = [str(parsed.year)]
    if parsed.month:
        parts.insert(0, calendars.month_label(parsed.calendar, parsed.month))
    if parsed.day:
        parts.insert(0, str(parsed.day))
    read = _("Read as {date} ({calendar}), about {gregorian}").format(
        date=isolate(" ".join(parts)),
        calendar=choice_label(parsed.calendar),
        gregorian=isolate(value["gregorian"] or "?"),
    )
    return value, read


class HouseholdDialog(QDialog):
    def __init__(self, people: People, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add household member"))
        self.people = people
        self.submit = submit
        self.added: list[str] = []  # names added, in order
        intro = plain_label(
            _(
                "Add each member of the family: a name and what they are to the head of"
                " household. Enter adds them and starts the next one; Esc closes."
            )
        )
        intro.setWordWrap(True)

        self.head = QComboBox()
        self.head.setAccessibleName(_("Head of household"))
        self.head.setPlaceholderText(_("Choose…"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name as written"))
        self.name.setPlaceholderText(_("As the tazkira or the person writes it"))
        self.name.setMaxLength(300)
        self.spelling = QLineEdit()
        self.spelling.setAccessibleName(_("Other spelling"))
        self.spelling.setPlaceholderText(_("Optional: e.g. in Latin letters, as on a passport"))
        self.spelling.setMaxLength(300)
        self.relationship = QComboBox()
        self.relationship.setAccessibleName(_("Relationship to the head of household"))
        # Unchosen shows a placeholder, not an item: a letter typed picks among the
        # relationships only (C is Child, never "Choose…").
        self.relationship.setPlaceholderText(_("Choose…"))
        for kind in RELATIONSHIPS:
            self.relationship.addItem(choice_label(kind), kind)
        self.relationship.setCurrentIndex(-1)
        self.sex = QComboBox()
        self.sex.setAccessibleName(_("Sex"))
        for sex in ("unknown", *(s for s in SEXES if s != "unknown")):
            self.sex.addItem(choice_label(sex), sex)
        self.born = QLineEdit()
        self.born.setAccessibleName(_("Date of birth as written"))
        self.born.setPlaceholderText(_("Optional: as written, e.g. 1365 or 1990-04-04"))
        self.born.setMaxLength(200)
        self.reading = plain_label()
        self.reading.setObjectName("householdReading")
        self.status = plain_label()
        self.status.setObjectName("householdStatus")
        self.status.setWordWrap(True)
        # Two lines kept for it: a message appearing moves nothing.
        self.status.setFixedHeight(self.status.fontMetrics().lineSpacing() * 2 + 4)

        form = QFormLayout()
        for text, widget in (
            (_("&Head of household"), self.head),
            (_("&Name"), self.name),
            (_("&Other spelling"), self.spelling),
            (_("&Relationship to the head"), self.relationship),
            (_("&Sex"), self.sex),
            (_("&Date of birth"), self.born),
        ):
            label = plain_label(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(plain_label(), self.reading)

        buttons = QDialogButtonBox()
        self.add = QPushButton(_("&Add"))
        self.add.setDefault(True)
        self.add.setAutoDefault(True)
        self.done_button = buttons.addButton(_("Done"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.add, QDialogButtonBox.ButtonRole.ActionRole)
        self.add.clicked.connect(self.add_member)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.setTabOrder(self.head, self.name)
        self.setTabOrder(self.name, self.spelling)
        self.setTabOrder(self.spelling, self.relationship)
        self.setTabOrder(self.relationship, self.sex)
        self.setTabOrder(self.sex, self.born)
        self.setTabOrder(self.born, self.add)
        self.setTabOrder(self.add, self.done_button)

        self.born.textChanged.connect(self._read_date)
        self.head.currentIndexChanged.connect(self._head_changed)
        self._fill_heads()
        # No head marked yet in a case with people: who it is comes first, unguessed.
        first = self.name if self.head.currentIndex() >= 0 else self.head
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_to_screen(self, QSize(560, self.sizeHint().height()))

    def _fill_heads(self) -> None:
        """The head choice from the case's people: the one marked, else the person
        added now when there is no one yet, else unchosen (Choose…)."""
        people, head = self.people()
        self.head.blockSignals(True)
        self.head.clear()
        if head is None:
            self.head.addItem(_("The person added now"), NEW_HEAD)
        for person_id, name in people:
            self.head.addItem(name or _("(no name)"), person_id)
        chosen = self.head.findData(head) if head else (-1 if people else 0)
        self.head.setCurrentIndex(chosen)
        self.head.blockSignals(False)
        self._head_changed()

    def _head_changed(self, *_args: object) -> None:
        new_head = self.head.currentData() == NEW_HEAD
        self.relationship.setEnabled(not new_head)
        if new_head:
            self.relationship.setCurrentIndex(-1)
        self.relationship.setToolTip(
            _("The person added now becomes the head of household.") if new_head else ""
        )

    def _read_date(self, text: str) -> None:
        self.reading.setText(date_of_birth(text)[1])

    def add_member(self) -> None:
        """Check what was typed, store it through ``submit``, clear for the next member."""
        name = self.name.text().strip()
        head = self.head.currentData()
        relationship = self.relationship.currentData()
        if not name:
            self._refuse(_("Type the person's name to add them."), self.name)
            return
        if head is None:
            self._refuse(
                _("Choose the head of household: a person of the case, or the person added now."),
                self.head,
            )
            return
        if head != NEW_HEAD and relationship is None:
            self._refuse(
                _("Choose what {name} is to the head of household.").format(name=isolate(name)),
                self.relationship,
            )
            return
        names = [{"text": name, "script": guess_script(name), "kind": "full"}]
        other = self.spelling.text().strip()
        if other:
            names.append({"text": other, "script": guess_script(other), "kind": "alias"})
        person = {
            "full_name": name,
            "names": names,
            "sex": self.sex.currentData(),
            "date_of_birth": date_of_birth(self.born.text())[0],
        }
        error = self.submit(person, None if head == NEW_HEAD else relationship, head or None)
        if error is not None:
            self._refuse(error, self.name)
            return
        self.added.append(name)
        said = self.relationship.currentText()
        self._fill_heads()  # the first one added may be the head now
        if head == NEW_HEAD:
            self.status.setText(
                _("Added {name} as the head of household.").format(name=isolate(name))
            )
        else:
            self.status.setText(
                _("Added {name}: {relationship}.").format(name=isolate(name), relationship=said)
            )
        self.status.setStyleSheet("")
        self._next()

    def _next(self) -> None:
        for line in (self.name, self.spelling, self.born):
            line.clear()
        self.relationship.setCurrentIndex(-1)
        self.sex.setCurrentIndex(0)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refuse(self, text: str, focus: QWidget) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b71c1c; font-weight: bold;")
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
