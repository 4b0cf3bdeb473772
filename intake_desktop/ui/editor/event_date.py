"""The day of an interview, a statement or a consent, in the calendar it is written in.

A calendar (Gregorian, Solar Hijri, Lunar Hijri, as for people's dates),
then the day typed ``YYYY-MM-DD`` in it, with Persian digits too; beside it
the day with its month's name and, for a Hijri date, the Gregorian day.
Choosing another calendar for a day already typed writes the same day in
that calendar (1405-08-11 in Solar Hijri for 2026-11-02): the day stays.

Stored as ``core.model.EventDate`` takes it: a Gregorian day as
``YYYY-MM-DD`` (as these dates always were), a Hijri day as a date object.
A date is stored back exactly as it was loaded while nobody changes it, so
opening an older record never rewrites it. An empty date starts in the
calendar last chosen here by hand.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.i18n import N_, _
from ..qt import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    QWidget,
)
from ..services.vocabulary import CALENDARS, calendars, describe_date
from ..widgets.bidi import isolate
from .field_editors import FieldEditor, plain_label
from .field_labels import choice_label

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DIGIT = "[0-9۰-۹٠-٩]"
GREGORIAN = "gregorian"
WRITE_IT = N_("Write the date as YYYY-MM-DD, or leave it empty.")
NO_SUCH_DAY = N_("There is no such day.")
NO_SUCH_DAY_HERE = N_("There is no such day in this calendar.")


class CalendarDateEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        box = QWidget()
        super().__init__((key,), label, box)
        self.calendar = QComboBox()
        for value in CALENDARS:
            self.calendar.addItem(choice_label(value), value)
        self.calendar.setAccessibleName(_("{field}: calendar").format(field=label))
        self.line = QLineEdit()
        self.line.setAccessibleName(label)
        self.line.setPlaceholderText(_("YYYY-MM-DD"))
        self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") + 40)
        pattern = QRegularExpression(f"{_DIGIT}{{0,4}}(-{_DIGIT}{{0,2}}(-{_DIGIT}{{0,2}})?)?")
        self.line.setValidator(QRegularExpressionValidator(pattern, self.line))
        self.shown = plain_label()  # 12 Aqrab 1405 (Solar Hijri) = 2026-11-03
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)
        layout.addWidget(self.line)
        layout.addWidget(self.shown, 1)
        box.setTabOrder(self.calendar, self.line)
        self.preferred = GREGORIAN  # for an empty date: the calendar last chosen by hand
        self._loaded: Any = None
        self._shown_in = GREGORIAN  # the calendar the typed day is written in
        self.calendar.currentIndexChanged.connect(self._convert)
        self.calendar.currentIndexChanged.connect(self._refresh)
        self.calendar.currentIndexChanged.connect(self.touch)
        self.calendar.activated.connect(self._chosen_by_hand)
        self.line.textEdited.connect(self._refresh)
        self.line.textEdited.connect(self.touch)

    def focus_widget(self) -> QWidget:
        return self.line

    def marked_widgets(self, rest: str = "") -> list[QWidget]:
        return [self.calendar] if rest.endswith(".calendar") else [self.line]

    def _chosen_by_hand(self, _index: int) -> None:
        self.preferred = self.calendar.currentData()

    def _set_calendar(self, calendar: str) -> None:
        self.calendar.blockSignals(True)
        self.calendar.setCurrentIndex(max(self.calendar.findData(calendar), 0))
        self.calendar.blockSignals(False)
        self._shown_in = self.calendar.currentData()

    def _convert(self, _index: int) -> None:
        """The day typed, written in the calendar just chosen (as typed when not a day)."""
        was, self._shown_in = self._shown_in, self.calendar.currentData()
        parts = self._parts()
        found = calendars.convert(*parts, was, self._shown_in) if parts else None
        if found is not None:
            self.line.setText("{:04d}-{:02d}-{:02d}".format(*found))

    # Values

    def set_value(self, value: Any) -> None:
        self._loaded = value
        if isinstance(value, dict):
            self._set_calendar(value.get("calendar") or GREGORIAN)
            parts = (value.get("year"), value.get("month"), value.get("day"))
            text = "{:04d}-{:02d}-{:02d}".format(*parts) if None not in parts else ""
        else:
            self._set_calendar(GREGORIAN if value else self.preferred)
            text = value or ""
        self.line.setText(text)
        self._refresh()

    def _parts(self) -> tuple[int, int, int] | None:
        text = self.line.text().strip().translate(_DIGITS)
        found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        return (int(found[1]), int(found[2]), int(found[3])) if found else None

    def _same_as_loaded(self, calendar: str, parts: tuple[int, int, int]) -> bool:
        loaded = self._loaded
        if isinstance(loaded, dict):
            keys = ("calendar", "year", "month", "day")
            return tuple(loaded.get(k) for k in keys) == (calendar, *parts)
        return calendar == GREGORIAN and loaded == "{:04d}-{:02d}-{:02d}".format(*parts)

    def value(self) -> Any:
        calendar, parts = self.calendar.currentData(), self._parts()
        if parts is None:
            return None  # empty (or not a date yet: local_problem keeps it back)
        if self._same_as_loaded(calendar, parts):
            return self._loaded
        if calendar == GREGORIAN:
            return "{:04d}-{:02d}-{:02d}".format(*parts)
        year, month, day = parts
        return {
            "calendar": calendar,
            "precision": "day",
            "year": year,
            "month": month,
            "day": day,
            "original_text": "",
            "gregorian": calendars.to_gregorian(calendar, year, month, day),
        }

    def local_problem(self) -> tuple[str, dict[str, Any]] | None:
        if not self.line.text().strip():
            return None
        parts = self._parts()
        if parts is None:
            return WRITE_IT, {}
        calendar = self.calendar.currentData()
        if calendars.to_gregorian(calendar, *parts) is None or not calendars.is_valid(
            calendar, *parts
        ):
            return (NO_SUCH_DAY if calendar == GREGORIAN else NO_SUCH_DAY_HERE), {}
        return None

    def _refresh(self, *_args: object) -> None:
        value = None if self.local_problem() else self.value()
        shown = describe_date(value, isolate) if isinstance(value, dict) else ""
        if value and not isinstance(value, dict):  # Gregorian: the month by its name
            year, month, day = (int(p) for p in value.split("-"))
            shown = f"{day} {calendars.month_label(GREGORIAN, month)} {year}"
        self.shown.setText(shown)

    # Drafts: the day as typed, and its calendar when not Gregorian

    def raw(self) -> Any:
        raw: dict[str, Any] = {"text": self.line.text()}
        if self.calendar.currentData() != GREGORIAN:
            raw["calendar"] = self.calendar.currentData()
        return raw

    def restore(self, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("text"), str):
            with self.loading():
                calendar = raw.get("calendar")
                self._set_calendar(calendar if calendar in CALENDARS else GREGORIAN)
                self.line.setText(raw["text"])
                self._refresh()
