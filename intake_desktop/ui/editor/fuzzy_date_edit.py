"""A date as Afghan documents write it: calendar, precision, parts, the original text.

Conversion is ``core/calendars.py`` (the same code the command line and the
importer use): an exact date converts exactly; a month alone counts as its
15th day and a year alone as the first day of its seventh month (the middle
of the year). Solar Hijri months are named as Afghanistan names them, in
Latin letters, Dari and Pashto (Hamal · حمل · وری).

Typing what the document says ("۱۵ حمل ۱۳۶۵") fills the calendar, precision
and parts while they are empty or were filled that way, when the text is
unambiguous (``core/date_text.py``); what was typed is never changed. A date
on the first day of a year (or one that is 1 January in the Gregorian
calendar) is flagged: documents often carry it when nobody knew the date.

Under the parts, one line says the Gregorian estimate and one line a
caution; both keep their place when empty, so nothing below the date moves
while it is typed. Why the parts are not a date yet ("Choose the month") is
said there only once the form marks the field, when focus has left the date:
Tab from Year to Month is not the moment.

An empty date starts in the Gregorian calendar, or in the Solar Hijri one
for a tazkira's dates (``follow_document_kind``): tazkiras are written in it.
"""

from __future__ import annotations

from typing import Any

from ...core.i18n import N_, _
from ..qt import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import (
    CALENDARS,
    PRECISIONS,
    ParsedDate,
    calendars,
    gregorian_estimate,
    parse_date_text,
)
from ..widgets.bidi import isolate
from .field_editors import FieldEditor, plain_label, plain_tooltip
from .field_labels import choice_label

__all__ = [
    "FuzzyDateEdit",
    "FuzzyDateEditor",
    "follow_document_kind",
    "gregorian_estimate",
    "month_names",
]

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _number(text: str) -> int | None:
    """Digits as typed on a Dari, Pashto or Latin keyboard."""
    text = text.strip().translate(_DIGITS)
    return int(text) if text.isdigit() else None


def _one_line(label: QLabel) -> QLabel:
    """A line that keeps its height when empty or hidden and never widens the form
    (a long text is cut; the whole of it is in the tooltip)."""
    label.setWordWrap(False)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() + 2)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    return label


def _say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setToolTip(plain_tooltip(text))
    label.setVisible(bool(text))


def month_names(calendar: str) -> list[str]:
    """Each month in Latin letters (translated), then as Dari and Pashto write it.

    Hamal · حمل · وری; January · جنوری.
    """
    styles = ("dari", "pashto") if calendar == "solar_hijri" else ("dari",)
    names = []
    for m in range(1, 13):
        spellings = [calendars.month_label(calendar, m)]
        spellings += [calendars.month_name(calendar, m, style) for style in styles]
        names.append(" · ".join(dict.fromkeys(spellings)))  # a translation may repeat one
    return names


class FuzzyDateEdit(QWidget):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.setAccessibleName(label)
        self.calendar = QComboBox()
        for value in CALENDARS:
            self.calendar.addItem(choice_label(value), value)
        self.precision = QComboBox()
        for value in PRECISIONS:
            self.precision.addItem(choice_label(value, "precision"), value)
        digits = QRegularExpression("[0-9۰-۹٠-٩]{0,4}")
        self.year = QLineEdit()
        self.year.setValidator(QRegularExpressionValidator(digits, self.year))
        self.year.setFixedWidth(self.year.fontMetrics().horizontalAdvance("00000") + 16)
        self.month = QComboBox()
        self.month.setMinimumContentsLength(14)
        self.day = QLineEdit()
        self.day.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9۰-۹٠-٩]{0,2}")))
        self.day.setFixedWidth(self.day.fontMetrics().horizontalAdvance("000") + 16)
        self.original = QLineEdit()
        self.original.setPlaceholderText(_("Exactly as the document writes it"))
        # The parts follow what is typed "as written" until someone sets one by hand.
        self.follows_original = True
        self.calendar_chosen = False
        self.default_calendar = "gregorian"  # where an empty date starts
        self.problem_shown = False  # the form marked the field: its problem is said
        self.estimate = _one_line(plain_label())
        # One line for a caution: the placeholder warning, else the note on a
        # date read from the text as written.
        self.warning = _one_line(plain_label())
        self.warning.setObjectName("placeholder-warning")
        self.warning.hide()
        self.note = _one_line(plain_label())
        self.note.hide()
        caution = QWidget()
        stacked = QVBoxLayout(caution)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.setSpacing(0)
        stacked.addWidget(self.warning)
        stacked.addWidget(self.note)
        policy = self.note.sizePolicy()
        policy.setRetainSizeWhenHidden(False)  # the two share one line
        self.note.setSizePolicy(policy)
        self.warning.setSizePolicy(policy)
        caution.setFixedHeight(self.note.minimumHeight())
        parts = (
            (self.calendar, _("{field}: calendar")),
            (self.precision, _("{field}: precision")),
            (self.year, _("{field}: year")),
            (self.month, _("{field}: month")),
            (self.day, _("{field}: day")),
            (self.original, _("{field}: as written")),
        )
        for widget, name in parts:
            widget.setAccessibleName(name.format(field=label))

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.calendar)
        first.addWidget(self.precision)
        first.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addLayout(first, 0, 0, 1, 2)
        ymd = QHBoxLayout()
        ymd.setContentsMargins(0, 0, 0, 0)
        for text, widget in (
            (_("Year"), self.year),
            (_("Month"), self.month),
            (_("Day"), self.day),
        ):
            caption = plain_label(text)
            caption.setBuddy(widget)
            ymd.addWidget(caption)
            ymd.addWidget(widget)
            ymd.addSpacing(8)  # a caption belongs to the box after it, not the one before
        ymd.addStretch(1)
        grid.addLayout(ymd, 1, 0, 1, 2)
        as_written = plain_label(_("As written"))
        as_written.setBuddy(self.original)
        grid.addWidget(as_written, 2, 0)
        grid.addWidget(self.original, 2, 1)
        grid.addWidget(self.estimate, 3, 1)
        grid.addWidget(caution, 4, 1)
        grid.setColumnStretch(1, 1)
        self.setTabOrder(self.calendar, self.precision)
        self.setTabOrder(self.precision, self.year)
        self.setTabOrder(self.year, self.month)
        self.setTabOrder(self.month, self.day)
        self.setTabOrder(self.day, self.original)
        self._fill_months("gregorian")
        self.calendar.currentIndexChanged.connect(self._calendar_changed)
        self.precision.currentIndexChanged.connect(self._refresh)
        for signal in (self.year.textEdited, self.day.textEdited, self.month.currentIndexChanged):
            signal.connect(self._refresh)
        for signal in (
            self.year.textEdited,
            self.day.textEdited,
            self.month.activated,
            self.precision.activated,
        ):
            signal.connect(self._set_by_hand)
        self.calendar.activated.connect(self._calendar_set_by_hand)
        self.original.textEdited.connect(self._original_edited)

    def _set_by_hand(self, *_args: object) -> None:
        self.follows_original = False

    def _calendar_set_by_hand(self, *_args: object) -> None:
        self.calendar_chosen = True
        if self.parts() != (None, None, None):
            self.follows_original = False

    def _original_edited(self, text: str) -> None:
        """Prefill the parts from what the document says, while they are not set by hand."""
        if not self.follows_original:
            return
        hint = self.calendar.currentData() if self.calendar_chosen else None
        if hint is None and self.default_calendar != "gregorian":
            hint = self.default_calendar  # "15 3 1365" on a tazkira is Solar Hijri
        parsed = parse_date_text(text, hint)
        self._show_parsed(parsed)

    def _show_parsed(self, parsed: ParsedDate | None) -> None:
        calendar = parsed.calendar if parsed else self.calendar.currentData()
        with_blocked = (self.calendar, self.precision, self.month)
        for combo in with_blocked:
            combo.blockSignals(True)
        self.calendar.setCurrentIndex(max(self.calendar.findData(calendar), 0))
        self._fill_months(calendar)
        self.precision.setCurrentIndex(
            max(self.precision.findData(parsed.precision if parsed else "day"), 0)
        )
        self.year.setText(str(parsed.year) if parsed else "")
        self.month.setCurrentIndex(max(self.month.findData(parsed.month if parsed else None), 0))
        self.day.setText(str(parsed.day) if parsed and parsed.day else "")
        for combo in with_blocked:
            combo.blockSignals(False)
        self._refresh()

    def _fill_months(self, calendar: str) -> None:
        current = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        self.month.addItem("", None)
        for number, name in enumerate(month_names(calendar), 1):
            self.month.addItem(f"{number} {name}", number)
        self.month.setCurrentIndex(max(self.month.findData(current), 0))
        self.month.blockSignals(False)

    def _calendar_changed(self) -> None:
        self._fill_months(self.calendar.currentData())
        self._refresh()

    def _refresh(self, *_args: object) -> None:
        precision = self.precision.currentData()
        self.year.setEnabled(precision != "unknown")
        self.month.setEnabled(precision in ("day", "month"))
        self.day.setEnabled(precision == "day")
        problem = self.problem() if self.problem_shown else None
        estimate = self.gregorian()
        if problem:
            said = problem
        elif estimate is None:
            said = ""
        elif precision == "day":
            said = _("Gregorian: {date}").format(date=isolate(estimate))
        else:
            said = _("Gregorian estimate: about {date}").format(date=isolate(estimate))
        _say(self.estimate, said)
        value = self.value()
        placeholder = problem is None and calendars.possible_placeholder(value)
        if not placeholder:
            warning = ""
        elif self.parts()[1:] == (1, 1):
            warning = _(
                "First day of the year: possibly a placeholder. Check the original document."
            )
        else:
            warning = _("This is 1 January: possibly a placeholder. Check the original document.")
        _say(self.warning, warning)
        read = self.follows_original and bool(self.original.text().strip())
        read = read and self.parts()[0] is not None and not warning
        _say(self.note, _("Read from what was typed as written: check it.") if read else "")

    def show_problem(self, shown: bool) -> None:
        """Say (or stop saying) why the parts are not a date yet, under them."""
        if shown != self.problem_shown:
            self.problem_shown = shown
            self._refresh()

    # Values

    def parts(self) -> tuple[int | None, int | None, int | None]:
        precision = self.precision.currentData()
        year = _number(self.year.text()) if precision != "unknown" else None
        month = self.month.currentData() if precision in ("day", "month") else None
        day = _number(self.day.text()) if precision == "day" else None
        return year, month, day

    def gregorian(self) -> str | None:
        return gregorian_estimate(
            self.calendar.currentData(), self.precision.currentData(), *self.parts()
        )

    def is_empty(self) -> bool:
        typed = (self.year.text(), self.day.text(), self.original.text())
        return (
            not any(t.strip() for t in typed)
            and self.month.currentData() is None
            and self.precision.currentData() != "unknown"
        )

    def problem_template(self) -> str | None:
        """Why the parts are not a date yet, untranslated (None: they are, or nothing typed)."""
        if self.is_empty():
            return None
        precision = self.precision.currentData()
        year, month, day = self.parts()
        if precision != "unknown" and year is None:
            return N_("Type the year (or choose the precision Unknown).")
        if precision in ("day", "month") and month is None:
            return N_("Choose the month (or a coarser precision).")
        if precision == "day" and day is None:
            return N_("Type the day (or a coarser precision).")
        if self.gregorian() is None and precision != "unknown":
            return N_("There is no such day in this calendar.")
        return None

    def problem(self) -> str | None:
        """Why the parts are not a date yet (None when they are, or nothing was typed)."""
        template = self.problem_template()
        return _(template) if template else None

    def value(self) -> dict[str, Any] | None:
        if self.is_empty():
            return None
        year, month, day = self.parts()
        return {
            "calendar": self.calendar.currentData(),
            "precision": self.precision.currentData(),
            "year": year,
            "month": month,
            "day": day,
            "original_text": self.original.text(),
            "gregorian": self.gregorian(),
        }

    def set_default_calendar(self, calendar: str) -> None:
        """Where an empty date starts; shown now if this one is empty and not chosen by hand."""
        self.default_calendar = calendar
        if self.is_empty() and not self.calendar_chosen:
            self.calendar.blockSignals(True)  # not an edit: nothing to save
            self.calendar.setCurrentIndex(max(self.calendar.findData(calendar), 0))
            self.calendar.blockSignals(False)
            self._fill_months(calendar)
            self._refresh()

    def set_value(self, value: dict[str, Any] | None) -> None:
        value = value or {}
        for combo, key, default in (
            (self.calendar, "calendar", self.default_calendar),
            (self.precision, "precision", "day"),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value.get(key) or default), 0))
            combo.blockSignals(False)
        self._fill_months(self.calendar.currentData())
        year, day = value.get("year"), value.get("day")
        self.year.setText("" if year is None else str(year))
        self.day.setText("" if day is None else str(day))
        self.month.setCurrentIndex(max(self.month.findData(value.get("month")), 0))
        self.original.setText(value.get("original_text") or "")
        # A stored date is kept as stored; an empty one follows what gets typed.
        self.follows_original = value.get("year") is None and value.get("precision") != "unknown"
        self.calendar_chosen = False
        self._refresh()

    # Drafts: every part as typed, also when it is not a date yet

    def raw_state(self) -> dict[str, Any]:
        return {
            "calendar": self.calendar.currentData(),
            "precision": self.precision.currentData(),
            "year": self.year.text(),
            "month": self.month.currentData(),
            "day": self.day.text(),
            "original": self.original.text(),
            "follows_original": self.follows_original,
            "calendar_chosen": self.calendar_chosen,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        for combo, key, default in (
            (self.calendar, "calendar", "gregorian"),
            (self.precision, "precision", "day"),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(state.get(key) or default), 0))
            combo.blockSignals(False)
        self._fill_months(self.calendar.currentData())
        month = state.get("month")
        self.month.blockSignals(True)
        self.month.setCurrentIndex(
            max(self.month.findData(month if isinstance(month, int) else None), 0)
        )
        self.month.blockSignals(False)
        for line, key in ((self.year, "year"), (self.day, "day"), (self.original, "original")):
            text = state.get(key)
            line.setText(text if isinstance(text, str) else "")
        self.follows_original = bool(state.get("follows_original"))
        self.calendar_chosen = bool(state.get("calendar_chosen"))
        self._refresh()


class FuzzyDateEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        self.edit = FuzzyDateEdit(label)
        super().__init__((key,), label, self.edit)
        for signal in (
            self.edit.calendar.currentIndexChanged,
            self.edit.precision.currentIndexChanged,
            self.edit.month.currentIndexChanged,
            self.edit.year.textEdited,
            self.edit.day.textEdited,
            self.edit.original.textEdited,
        ):
            signal.connect(self.touch)

    def focus_widget(self) -> QWidget:
        return self.edit.calendar

    def mark(self, message: str | None, rest: str = "") -> None:
        super().mark(message, rest)
        self.edit.show_problem(bool(message))

    def marked_widgets(self, rest: str = "") -> list[QWidget]:
        edit = self.edit
        by_part = {"year": edit.year, "month": edit.month, "day": edit.day}
        by_part |= {"calendar": edit.calendar, "precision": edit.precision}
        part = rest.rsplit(".", 1)[-1]
        if part == "*":
            return [*by_part.values(), edit.original]
        if part in by_part:
            return [by_part[part]]
        return [edit.year, edit.month, edit.day, edit.original]

    def set_value(self, value: Any) -> None:
        self.edit.set_value(value)

    def value(self) -> Any:
        return self.edit.value()

    def local_problem(self) -> tuple[str, dict[str, Any]] | None:
        template = self.edit.problem_template()
        return (template, {}) if template else None

    def raw(self) -> Any:
        return self.edit.raw_state()

    def restore(self, raw: Any) -> None:
        if isinstance(raw, dict):
            with self.loading():
                self.edit.restore_state(raw)


# Documents written in the Solar Hijri calendar: their empty dates start there.
SOLAR_HIJRI_DOCUMENTS = ("tazkira", "e_tazkira")


def follow_document_kind(kind: QComboBox, dates: list[FuzzyDateEditor]) -> None:
    """Start ``dates`` in the calendar the chosen kind of document is written in."""

    def update() -> None:
        written = "solar_hijri" if kind.currentData() in SOLAR_HIJRI_DOCUMENTS else "gregorian"
        for date in dates:
            date.edit.set_default_calendar(written)

    kind.currentIndexChanged.connect(update)
    update()
