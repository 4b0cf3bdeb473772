"""Field specs: the small vocabulary the domain model is declared in.

Each spec checks one JSON value and returns it normalised (defaults filled
in). Errors name the field's path, never its value: values are case content.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput
from .i18n import N_

# C0, DEL and C1 (U+0080-U+009F, e.g. the one-byte CSI) and lone surrogates:
# no place in case text, and a terminal would obey them. A regex because this
# runs over every character of every statement saved.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_EXCEPT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class Spec:
    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def default(self) -> Any:
        return None


def invalid(path: str, template: str, **params: object) -> InvalidInput:
    return InvalidInput(template, path=path, **params)


@dataclass(frozen=True)
class Text(Spec):
    max_len: int = 1000
    required: bool = False
    multiline: bool = False

    def default(self) -> Any:
        return ""

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise invalid(path, N_("{path}: must be text."))
        if len(value) > self.max_len:
            raise invalid(path, N_("{path}: longer than {limit} characters."), limit=self.max_len)
        if (_CONTROL_EXCEPT_LINES if self.multiline else _CONTROL).search(value):
            raise invalid(path, N_("{path}: contains control characters."))
        if self.required and not value.strip():
            raise invalid(path, N_("{path}: is required."))
        return value


@dataclass(frozen=True)
class Choice(Spec):
    options: tuple[str, ...]
    fallback: str | None = None

    def default(self) -> Any:
        return self.fallback

    def check(self, value: Any, path: str) -> Any:
        if value is None and self.fallback is not None:
            return self.fallback
        if value not in self.options:
            raise invalid(
                path, N_("{path}: must be one of {options}."), options=", ".join(self.options)
            )
        return value


@dataclass(frozen=True)
class Flags(Spec):
    """Any of ``options``, each kept once, in the order of ``options``."""

    options: tuple[str, ...]

    def default(self) -> Any:
        return []

    def check(self, value: Any, path: str) -> Any:
        chosen = ListOf(Choice(self.options)).check(value, path)
        return sorted(set(chosen), key=self.options.index)


@dataclass(frozen=True)
class Boolean(Spec):
    def default(self) -> Any:
        return False

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise invalid(path, N_("{path}: must be true or false."))
        return value


@dataclass(frozen=True)
class Integer(Spec):
    low: int
    high: int

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            raise invalid(
                path,
                N_("{path}: must be a whole number from {low} to {high}."),
                low=self.low,
                high=self.high,
            )
        return value


@dataclass(frozen=True)
class Date(Spec):
    """An exact Gregorian date, ``YYYY-MM-DD`` (interview dates, consent dates)."""

    def check(self, value: Any, path: str) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise invalid(path, N_("{path}: must be a date written YYYY-MM-DD."))
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise invalid(path, N_("{path}: is not a real date.")) from None
        return value


@dataclass(frozen=True)
class Ref(Spec):
    """The id of another record of ``kind`` in the same case.

    Stored records always hold UUIDs; a document being added may use any
    short label (``"p1"``) as long as it names a record in the same document.
    """

    kind: str

    def check(self, value: Any, path: str) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > 100 or not value.isprintable():
            raise invalid(path, N_("{path}: must be the id of a {kind}."), kind=self.kind)
        return value


@dataclass(frozen=True)
class Obj(Spec):
    fields: dict[str, Spec]
    optional: bool = False  # a missing or null object stays null

    def default(self) -> Any:
        return None if self.optional else {k: s.default() for k, s in self.fields.items()}

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            value = {} if not self.optional else None
            if value is None:
                return None
        if not isinstance(value, dict):
            raise invalid(path, N_("{path}: must be an object."))
        unknown = sorted(set(value) - set(self.fields))
        if unknown:
            raise invalid(
                f"{path}.{unknown[0]}" if path else unknown[0], N_("{path}: unknown field.")
            )
        return {
            name: spec.check(value.get(name), f"{path}.{name}" if path else name)
            for name, spec in self.fields.items()
        }


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    max_items: int = 1000

    def default(self) -> Any:
        return []

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            raise invalid(path, N_("{path}: must be a list."))
        if len(value) > self.max_items:
            raise invalid(path, N_("{path}: more than {limit} items."), limit=self.max_items)
        return [self.item.check(item, f"{path}[{i}]") for i, item in enumerate(value)]


def is_uuid(text: str) -> bool:
    try:
        # Canonical form only: ids differing by case would be different rows.
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
