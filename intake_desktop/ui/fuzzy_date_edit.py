"""A date as Afghan documents write it: calendar, precision, parts, the original text.

The Gregorian estimate (for sorting and ages) is computed with Qt's own
calendars (Jalali for Solar Hijri, Islamic Civil for Lunar Hijri): an exact
date converts exactly; a month alone counts as its 15th day and a year alone
as the first day of its seventh month (the middle of the year). The first day
of a year is flagged: documents often carry it when nobody knew the date.
"""

from __future__ import annotations

from typing import Any

from ..core.i18n import _
from ..core.model import CALENDARS, PRECISIONS
from .field_editors import FieldEditor, plain_label
from .field_labels import choice_label
from .qt import (
    QCalendar,
    QComboBox,
    QDate,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QLocale,
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QWidget,
)

SYSTEMS = {
    "gregorian": QCalendar.System.Gregorian,
    "solar_hijri": QCalendar.System.Jalali,
    "lunar_hijri": QCalendar.System.IslamicCivil,
}
# Afghanistan's Solar Hijri months (Qt's Latin names are Iran's): Latin, then Dari.
AFGHAN_MONTHS = (
    ("Hamal", "حمل"), ("Sawr", "ثور"), ("Jawza", "جوزا"), ("Saratan", "سرطان"),
    ("Asad", "اسد"), ("Sunbula", "سنبله"), ("Mizan", "میزان"), ("Aqrab", "عقرب"),
    ("Qaws", "قوس"), ("Jadi", "جدی"), ("Dalw", "دلو"), ("Hut", "حوت"),
)  # fmt: skip
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _number(text: str) -> int | None:
    """Digits as typed on a Dari, Pashto or Latin keyboard."""
    text = text.strip().translate(_DIGITS)
    return int(text) if text.isdigit() else None


def month_names(calendar: str) -> list[str]:
    if calendar == "solar_hijri":
        return [f"{latin} · {dari}" for latin, dari in AFGHAN_MONTHS]
    english = QLocale(QLocale.Language.English)
    system = QCalendar(SYSTEMS.get(calendar, QCalendar.System.Gregorian))
    return [system.standaloneMonthName(english, m) for m in range(1, 13)]


def gregorian_estimate(
    calendar: str, precision: str, year: int | None, month: int | None, day: int | None
) -> str | None:
    """The Gregorian date as YYYY-MM-DD, or None (unknown, incomplete, or no such day)."""
    if precision == "unknown" or year is None:
        return None
    if precision == "year":
        month, day = 7, 1
    elif month is None:
        return None
    elif precision == "month":
        day = 15
    elif day is None:
        return None
    date = QDate(year, month, day, QCalendar(SYSTEMS[calendar]))
    if not date.isValid():
        return None
    return f"{date.year():04d}-{date.month():02d}-{date.day():02d}"


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
        self.estimate = plain_label()
        self.estimate.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = plain_label()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("placeholder-warning")
        self.warning.hide()
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
        ymd.addStretch(1)
        grid.addLayout(ymd, 1, 0, 1, 2)
        as_written = plain_label(_("As written"))
        as_written.setBuddy(self.original)
        grid.addWidget(as_written, 2, 0)
        grid.addWidget(self.original, 2, 1)
        grid.addWidget(self.estimate, 3, 1)
        grid.addWidget(self.warning, 4, 1)
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
        problem = self.problem()
        estimate = self.gregorian()
        if problem:
            self.estimate.setText(problem)
        elif estimate is None:
            self.estimate.setText("")
        elif precision == "day":
            self.estimate.setText(_("Gregorian: {date}").format(date=estimate))
        else:
            self.estimate.setText(_("Gregorian estimate: about {date}").format(date=estimate))
        placeholder = precision == "day" and self.parts()[1:] == (1, 1) and problem is None
        self.warning.setText(
            _("First day of the year: possibly a placeholder. Check the original document.")
            if placeholder
            else ""
        )
        self.warning.setVisible(placeholder)
        self.estimate.setVisible(bool(self.estimate.text()))

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

    def problem(self) -> str | None:
        """Why the parts are not a date yet (None when they are, or nothing was typed)."""
        if self.is_empty():
            return None
        precision = self.precision.currentData()
        year, month, day = self.parts()
        if precision != "unknown" and year is None:
            return _("Type the year (or choose the precision Unknown).")
        if precision in ("day", "month") and month is None:
            return _("Choose the month (or a coarser precision).")
        if precision == "day" and day is None:
            return _("Type the day (or a coarser precision).")
        if self.gregorian() is None and precision != "unknown":
            return _("There is no such day in this calendar.")
        return None

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

    def set_value(self, value: dict[str, Any] | None) -> None:
        value = value or {}
        for combo, key, default in (
            (self.calendar, "calendar", "gregorian"),
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

    def local_error(self) -> str | None:
        return self.edit.problem()
