"""How a conflict reads: which record, each field by its label, each value in words.

A conflict is compared field by field, as the case editor names the fields
(``editor/field_labels.py``). Values are written as a person reads them,
never as stored JSON: a reference to a person is that person's name as this
vault shows it (the pseudonym when the name is withheld; the id only when
the record is not here), a choice its label, a date with its calendar, a
translation by its parts. Signatures and hashes inside a certification are
left out: what it says is who certified and when.

Everything returned is plain text; values are isolated (``bidi.isolate``)
so a number keeps its order beside a Dari word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.i18n import N_, _
from ..editor.case_outline import Loaded, record_label
from ..editor.field_labels import choice_label, field_label
from ..services.vocabulary import (
    KINDS,
    Boolean,
    Choice,
    EventDate,
    Flags,
    ListOf,
    Obj,
    Record,
    Ref,
    Spec,
    describe_date,
    language_name,
)
from ..widgets.bidi import isolate
from .bundle_text import human_size

EMPTY = "—"
# Parts of a field that are not fields of a record themselves.
PART_LABELS = {
    "text": N_("Text"),
    "translator": N_("Translator"),
    "language": N_("Language"),
    "filename": N_("File name"),
    "media_type": N_("File type"),
    "size": N_("Size"),
    "script": N_("Script"),
    "kind": N_("Kind"),
    "source": N_("Source"),
    "name": N_("Name"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "notes": N_("Notes"),
}
# Inside a signed attestation: what a person checks elsewhere, not here.
UNSHOWN_PARTS = {"format", "signature", "signing_key", "original_sha256", "translation_sha256"}
# Fields that go together: a certificate or a read-back vouches for the two
# texts of a statement, so taking one side's texts takes its attestations.
LINKED = {"statement": ("text", "translation", "certification", "read_back")}

Named = Mapping[str, Loaded]  # record id -> the record, for references


def loaded(records: Mapping[str, Record]) -> dict[str, Loaded]:
    return {rid: Loaded(r.kind, r.version, r.body) for rid, r in records.items()}


def field_order(kind: str, *bodies: dict[str, Any]) -> list[str]:
    spec = KINDS.get(kind)
    known = list(spec.spec.fields) if spec else []
    present = set().union(*bodies)
    return [k for k in known if k in present] + sorted(present - set(known))


def linked_fields(kind: str, name: str) -> tuple[str, ...]:
    """``name`` and the fields that must come from the same side with it."""
    group = LINKED.get(kind, ())
    return group if name in group else (name,)


def reference_name(record_id: str, named: Named) -> str:
    """A referenced record as a person knows it (a person's name); its id if not here."""
    found = named.get(record_id)
    if found is None:
        return record_id
    if not found.body:  # a deleted record keeps only its id
        return _("{id} (deleted)").format(id=record_id)
    return record_label(found.kind, found.body, dict(named)) or record_id


def record_name(record: Record, named: Named) -> str:
    """The Record column: which record, in a few words (a deleted one by its id)."""
    if record.deleted or not record.body:
        return _("{id} (deleted)").format(id=record.id)
    if record.kind == "case":
        return str(record.body.get("title") or record.id)
    return record_label(record.kind, record.body, dict(named))


def value_text(kind: str, name: str, value: Any, named: Named) -> str:
    """One field's value in words (lines for a multi-part value)."""
    spec = KINDS[kind].spec.fields.get(name) if kind in KINDS else None
    return "\n".join(_lines(spec, name, value, named)) or EMPTY


def first_line(text: str, limit: int = 120) -> str:
    """A value on one line, cut to fit a table cell (the panes below show it whole)."""
    line = " · ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[:limit] + " …"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _lines(spec: Spec | None, name: str, value: Any, named: Named, context: str = "") -> list[str]:
    if _empty(value):
        return []
    if isinstance(spec, Ref):
        return [isolate(reference_name(str(value), named))]
    if isinstance(spec, ListOf) and isinstance(spec.item, Ref):
        return [", ".join(isolate(reference_name(str(v), named)) for v in value)]
    if isinstance(spec, EventDate) or (isinstance(value, dict) and "calendar" in value):
        return [describe_date(value, isolate) if isinstance(value, dict) else isolate(value)]
    if isinstance(spec, Boolean) or isinstance(value, bool):
        return [_("Yes") if value else _("No")]
    if isinstance(spec, Choice):
        return [choice_label(str(value), context)]
    if isinstance(spec, Flags):
        return [", ".join(choice_label(str(v)) for v in value)]
    if name == "size" and isinstance(value, int):
        return [human_size(value)]
    if name in ("language", "original_language", "translation_language"):
        return [language_name(str(value), translate=True)]
    if name == "certification" and isinstance(value, dict):
        who = (value.get("translator") or {}).get("name", "")
        return [
            _("Certified by {name} on {date}").format(
                name=isolate(who), date=isolate(value.get("date") or value.get("certified_at"))
            )
        ]
    if name == "read_back" and isinstance(value, dict):
        return [
            _("Read back by {name} on {date}").format(
                name=isolate(value.get("read_by", "")),
                date=isolate(value.get("date") or value.get("recorded_at")),
            )
        ]
    if isinstance(value, dict):
        parts = spec.fields if isinstance(spec, Obj) else {}
        return _parts(parts, value, named)
    if isinstance(value, list):
        item = spec.item if isinstance(spec, ListOf) else None
        if all(not isinstance(v, dict | list) for v in value):
            return [", ".join(isolate(v) for v in value)]
        return ["; ".join(_lines(item, name, v, named)) for v in value]
    return [isolate(line) if line else line for line in str(value).splitlines()]


def _parts(specs: Mapping[str, Spec], value: dict[str, Any], named: Named) -> list[str]:
    """An object's parts as ``Label: value`` (multi-line values indented under it)."""
    lines = []
    for part, inner in value.items():
        if part in UNSHOWN_PARTS or _empty(inner):
            continue
        label = _(PART_LABELS[part]) if part in PART_LABELS else field_label("", part)
        # A name's kind is "Family name", where a claim's kind "family" is "Family".
        context = "name_kind" if part == "kind" and "script" in specs else ""
        shown = _lines(specs.get(part), part, inner, named, context) or [EMPTY]
        lines.append(_("{label}: {value}").format(label=label, value=shown[0]))
        lines.extend("    " + more for more in shown[1:])
    return lines
