"""The domain model: record kinds, their fields, and strict validation.

A case is stored as records (the case itself, its people, documents,
statements...), each a JSON body with a stable UUID and a version. This
module says which fields each kind has and checks incoming data against it:
unknown fields and wrong types are refused with the field's path (never its
value, which may be case content). ``docs/case-format.md`` is the readable
form of these specs; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import calendars
from .attestations import CERTIFICATION_SPEC, READ_BACK_SPEC, check_shape
from .fields import (
    Boolean,
    Choice,
    Date,
    Flags,
    Integer,
    ListOf,
    Obj,
    Ref,
    Spec,
    Text,
    invalid,
)
from .i18n import N_

ROUTES = ("humanitarian_parole", "siv", "refugee_referral", "family_petition", "other")
STATUSES = ("intake", "in_review", "ready", "submitted", "closed")
PRIORITY_FLAGS = (
    "targeted_harm",
    "medical",
    "unaccompanied_minor",
    "woman_at_risk",
    "elderly",
    "disability",
    "imminent_deadline",
)
CALENDARS = ("gregorian", "solar_hijri", "lunar_hijri")
PRECISIONS = ("day", "month", "year", "unknown")
SCRIPTS = ("arabic", "latin", "cyrillic", "other")

# Fields every record may carry in JSON that the vault, not the caller, owns
# ("checks": what `case show --json` computed, e.g. whether a certification holds).
SYSTEM_FIELDS = ("id", "version", "created_at", "updated_at", "updated_by", "checks")


# One whole sentence per calendar, so each translates as a sentence.
_NOT_A_DATE = {
    calendars.GREGORIAN: N_("{path}: is not a real date in the Gregorian calendar."),
    calendars.SOLAR_HIJRI: N_("{path}: is not a real date in the Solar Hijri calendar."),
    calendars.LUNAR_HIJRI: N_("{path}: is not a real date in the Lunar Hijri calendar."),
}


def _check_fuzzy_date(value: dict[str, Any] | None, path: str) -> None:
    """Dates as Afghan documents write them: calendar, precision, original text."""
    if value is None:
        return
    precision, year, month, day = (value[k] for k in ("precision", "year", "month", "day"))
    needs = {"day": ("year", "month", "day"), "month": ("year", "month"), "year": ("year",)}
    for part in needs.get(precision, ()):
        if value[part] is None:
            raise invalid(f"{path}.{part}", N_("{path}: is required for this precision."))
    if precision == "unknown" and (year or month or day):
        raise invalid(f"{path}.precision", N_("{path}: is unknown but a date was given."))
    calendar = value["calendar"]
    if precision != "unknown":
        # The app's date editor refuses these too: a day the month lacks
        # (30 February, 31 Mizan, 30 Hut of a common year), or a date with no
        # Gregorian equivalent in years 1-9999 (nothing to sort or age it by).
        if month is not None and day is not None:
            if day > calendars.days_in_month(calendar, year, month):
                raise invalid(f"{path}.day", _NOT_A_DATE[calendar])
            if not calendars.is_valid(calendar, year, month, day):
                raise invalid(f"{path}.year", _NOT_A_DATE[calendar])
        if calendars.gregorian_estimate(calendar, precision, year, month, day) is None:
            raise invalid(f"{path}.year", _NOT_A_DATE[calendar])
    exact = calendar == "gregorian" and precision == "day"
    if exact and value["gregorian"] not in (None, f"{year:04d}-{month:02d}-{day:02d}"):
        raise invalid(f"{path}.gregorian", N_("{path}: does not match the date."))


FUZZY_DATE = Obj(
    {
        "calendar": Choice(CALENDARS, "gregorian"),
        "precision": Choice(PRECISIONS, "day"),
        "year": Integer(1, 9999),
        "month": Integer(1, 12),
        "day": Integer(1, 31),
        "original_text": Text(200),
        "gregorian": Date(),  # the Gregorian estimate, for sorting and age checks
    },
    optional=True,
)


@dataclass(frozen=True)
class EventDate(Spec):
    """The day an interview, a statement or a consent happened, in any of the calendars.

    ``YYYY-MM-DD`` is a Gregorian day (as these dates always were); a day in
    the Solar or Lunar Hijri calendar, as a Dari consent form writes it, is a
    date object like a birth date's with precision ``day``, its ``gregorian``
    filled in. Both are valid, so records and bundles made before stay valid.
    """

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            return Date().check(value, path)
        checked: dict[str, Any] = FUZZY_DATE.check(value, path)
        if checked["precision"] != "day":
            raise invalid(f"{path}.precision", N_("{path}: must be an exact day."))
        _check_fuzzy_date(checked, path)
        exact = calendars.to_gregorian(
            checked["calendar"], checked["year"], checked["month"], checked["day"]
        )
        if checked["gregorian"] not in (None, exact):
            raise invalid(f"{path}.gregorian", N_("{path}: does not match the date."))
        checked["gregorian"] = exact
        return checked


def describe_date(value: Any, estimate_text: Callable[[str], str] = str) -> str:
    """An ``EventDate`` or a ``FUZZY_DATE`` for people ("" for none).

    ``12 Aqrab 1405 (Solar Hijri) = 2026-11-03``; a Gregorian ``YYYY-MM-DD`` as it is.
    """
    if isinstance(value, dict):
        return calendars.describe(value, estimate_text=estimate_text)
    return str(value or "")


NAME = Obj(
    {
        "text": Text(300, required=True),
        "script": Choice(SCRIPTS, "other"),
        "kind": Choice(
            ("full", "given", "father", "grandfather", "family", "tribe", "alias"), "full"
        ),
        "language": Text(35),
        "source": Text(200),  # the document or person it comes from
    }
)

ATTACHMENT = Obj(
    {
        "sha256": Text(64, required=True),
        "filename": Text(255),
        "media_type": Text(127),
        "size": Integer(0, 1 << 50),
    }
)


@dataclass(frozen=True)
class Kind:
    """One record kind: its name in storage, its key in a case document, its fields."""

    name: str
    plural: str
    spec: Obj
    refs: dict[str, str] = field(default_factory=dict)  # field -> kind, single or list


def _note() -> Text:
    return Text(100_000, multiline=True)


CASE = Kind(
    "case",
    "",
    Obj(
        {
            "title": Text(300, required=True),
            "route": Choice(ROUTES),
            "status": Choice(STATUSES, "intake"),
            "priority": Flags(PRIORITY_FLAGS),
            "external_ref": Text(100),
            "notes": _note(),
        }
    ),
)

CHILD_KINDS: tuple[Kind, ...] = (
    Kind(
        "person",
        "people",
        Obj(
            {
                "full_name": Text(300),
                "role": Choice(
                    ("beneficiary", "principal", "family_member", "supporter", "witness", "other"),
                    "family_member",
                ),
                "names": ListOf(NAME, 50),
                # The person the family's relationships are counted from. On the
                # person, not the case: it travels and is deleted with them, and
                # no case record names a person (the app keeps one per case).
                "head_of_household": Boolean(),
                "name_withheld": Boolean(),
                "pseudonym": Text(200),
                "sex": Choice(("female", "male", "other", "unknown"), "unknown"),
                "date_of_birth": FUZZY_DATE,
                "place_of_birth": Text(300),
                "nationality": Text(100),
                "languages": ListOf(Text(35), 20),
                "contact": Text(500, multiline=True),
                "notes": _note(),
            }
        ),
    ),
    Kind(
        "relationship",
        "relationships",
        Obj(
            {
                "person": Ref("person"),
                "relative": Ref("person"),
                "kind": Choice(
                    (
                        "spouse",
                        "parent",
                        "child",
                        "sibling",
                        "grandparent",
                        "grandchild",
                        "guardian",
                        "ward",
                        "other",
                    )
                ),
                "evidence": ListOf(Ref("evidence"), 100),
                "notes": _note(),
            }
        ),
        refs={"person": "person", "relative": "person", "evidence": "evidence"},
    ),
    Kind(
        "identity_document",
        "identity_documents",
        Obj(
            {
                "person": Ref("person"),
                "kind": Choice(
                    (
                        "tazkira",
                        "e_tazkira",
                        "passport",
                        "visa",
                        "birth_certificate",
                        "marriage_certificate",
                        "refugee_card",
                        "employment_record",
                        "other",
                    )
                ),
                "number": Text(100),
                "issuing_country": Text(100),
                "issued": FUZZY_DATE,
                "expires": FUZZY_DATE,
                "evidence": ListOf(Ref("evidence"), 100),
                "notes": _note(),
            }
        ),
        refs={"person": "person", "evidence": "evidence"},
    ),
    Kind(
        "claim",
        "claims",
        Obj(
            {
                "kind": Choice(("targeted_harm", "medical", "family", "employment", "other")),
                "summary": Text(100_000, multiline=True),
                "urgency": Choice(("low", "medium", "high", "critical"), "medium"),
                "people": ListOf(Ref("person"), 100),
                "evidence": ListOf(Ref("evidence"), 100),
            }
        ),
        refs={"people": "person", "evidence": "evidence"},
    ),
    Kind(
        "evidence",
        "evidence",
        Obj(
            {
                "kind": Choice(
                    ("document", "photo", "letter", "medical", "audio", "other"), "document"
                ),
                "description": Text(10_000, multiline=True),
                "shows": Text(10_000, multiline=True),
                "names_beneficiary": Boolean(),
                "people": ListOf(Ref("person"), 100),
                "attachments": ListOf(ATTACHMENT, 100),
            }
        ),
        refs={"people": "person"},
    ),
    Kind(
        "interview",
        "interviews",
        Obj(
            {
                "date": EventDate(),
                "place": Text(300),
                "interviewer": Text(200),
                "interpreter": Text(200),
                "language": Text(35),
                "people": ListOf(Ref("person"), 100),
                "notes": _note(),
            }
        ),
        refs={"people": "person"},
    ),
    Kind(
        "statement",
        "statements",
        Obj(
            {
                "speaker": Ref("person"),
                "interview": Ref("interview"),
                "language": Text(35, required=True),
                "text": Text(1_000_000, required=True, multiline=True),
                "translation": Obj(
                    {
                        "language": Text(35),
                        "text": Text(1_000_000, multiline=True),
                        "translator": Text(200),
                    },
                    optional=True,
                ),
                "date": EventDate(),
                "place": Text(300),
                "interviewer": Text(200),
                "interpreter": Text(200),
                "certification": CERTIFICATION_SPEC,
                "read_back": READ_BACK_SPEC,
            }
        ),
        refs={"speaker": "person", "interview": "interview"},
    ),
    Kind(
        "consent",
        "consents",
        Obj(
            {
                "person": Ref("person"),
                "scope": Flags(
                    (
                        "share_with_counsel",
                        "share_with_government",
                        "share_with_sponsor",
                        "contact",
                        "photographs",
                        "medical_records",
                    )
                ),
                "recipients": ListOf(Text(200), 50),
                "given_on": EventDate(),
                "form": Choice(("written", "verbal", "thumbprint"), "verbal"),
                "withdrawn_on": EventDate(),
                "notes": _note(),
            }
        ),
        refs={"person": "person"},
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in (CASE, *CHILD_KINDS)}
BY_PLURAL: dict[str, Kind] = {k.plural: k for k in CHILD_KINDS}


def validate(kind: Kind, data: Any, path: str = "") -> dict[str, Any]:
    """A complete, normalised body for ``kind`` (system fields stripped)."""
    if not isinstance(data, dict):
        raise invalid(path or kind.name, N_("{path}: must be an object."))
    body = {k: v for k, v in data.items() if k not in SYSTEM_FIELDS}
    if "id" in data and data["id"] is not None:
        Ref(kind.name).check(data["id"], f"{path}.id" if path else "id")
    checked: dict[str, Any] = kind.spec.check(body, path)
    if kind.name == "person":
        if not (checked["full_name"].strip() or checked["names"] or checked["name_withheld"]):
            raise invalid(
                f"{path}.full_name", N_("{path}: a person needs a name or the withheld flag.")
            )
        _check_fuzzy_date(checked["date_of_birth"], f"{path}.date_of_birth")
    if kind.name == "identity_document":
        _check_fuzzy_date(checked["issued"], f"{path}.issued")
        _check_fuzzy_date(checked["expires"], f"{path}.expires")
    if kind.name == "statement":
        for name in ("certification", "read_back"):
            check_shape(checked[name], f"{path}.{name}" if path else name)
    if kind.name == "evidence":
        for i, item in enumerate(checked["attachments"]):
            if not re.fullmatch(r"[0-9a-f]{64}", item["sha256"]):
                raise invalid(
                    f"{path}.attachments[{i}].sha256", N_("{path}: must be a SHA-256 in hex.")
                )
    return checked


def display_name(person: dict[str, Any]) -> str:
    """How a person is named on screen; a withheld name shows the pseudonym only."""
    if person.get("name_withheld"):
        return str(person.get("pseudonym") or "")
    if person.get("full_name"):
        return str(person["full_name"])
    names = person.get("names") or []
    return str(names[0]["text"]) if names else ""


def references(kind: Kind, body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, target kind, id) for every reference in a body."""
    found = []
    for name, target in kind.refs.items():
        value = body.get(name)
        for ref in value if isinstance(value, list) else [value]:
            if ref:
                found.append((name, target, ref))
    return found
