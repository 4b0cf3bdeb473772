"""Words people read for record kinds, fields and choice values in the case editor.

Kept apart from the widgets so every label is in one translatable place.
Lookups fall back to the stored value made readable ("family_member" ->
"Family member"), so a field added to the model still shows something sane.
"""

from __future__ import annotations

from ...core.i18n import N_, _
from ..widgets.labels import ROUTE_LABELS, STATUS_LABELS

# kind -> (section title, "add" action, "delete" action, a new record's placeholder)
KIND_TEXT = {
    "case": (N_("Case"), "", "", ""),
    "person": (N_("People"), N_("Add person"), N_("Delete person…"), N_("New person")),
    "relationship": (
        N_("Relationships"),
        N_("Add relationship"),
        N_("Delete relationship…"),
        N_("New relationship"),
    ),
    "identity_document": (
        N_("Identity documents"),
        N_("Add identity document"),
        N_("Delete identity document…"),
        N_("New identity document"),
    ),
    "claim": (N_("Claims"), N_("Add claim"), N_("Delete claim…"), N_("New claim")),
    "evidence": (N_("Evidence"), N_("Add evidence"), N_("Delete evidence…"), N_("New evidence")),
    "interview": (
        N_("Interviews"),
        N_("Add interview"),
        N_("Delete interview…"),
        N_("New interview"),
    ),
    "statement": (
        N_("Statements"),
        N_("Add statement"),
        N_("Delete statement…"),
        N_("New statement"),
    ),
    "consent": (N_("Consents"), N_("Add consent"), N_("Delete consent…"), N_("New consent")),
}

FIELDS = {
    "title": N_("Title"),
    "route": N_("Route"),
    "status": N_("Status"),
    "priority": N_("Priority"),
    "external_ref": N_("External reference"),
    "notes": N_("Notes"),
    "full_name": N_("Full name"),
    "role": N_("Role"),
    "names": N_("Names"),
    "head_of_household": N_("Head of household"),
    "name_withheld": N_("Name withheld for safety"),
    "pseudonym": N_("Pseudonym"),
    "sex": N_("Sex"),
    "date_of_birth": N_("Date of birth"),
    "place_of_birth": N_("Place of birth"),
    "nationality": N_("Nationality"),
    "languages": N_("Languages"),
    "contact": N_("Contact"),
    "person": N_("Person"),
    "relative": N_("Relative"),
    "kind": N_("Kind"),
    "evidence": N_("Evidence"),
    "number": N_("Number"),
    "issuing_country": N_("Issuing country"),
    "issued": N_("Issued"),
    "expires": N_("Expires"),
    "summary": N_("Summary"),
    "urgency": N_("Urgency"),
    "people": N_("People"),
    "description": N_("Description"),
    "shows": N_("What it shows"),
    "names_beneficiary": N_("Names the beneficiary"),
    "attachments": N_("Files"),
    "date": N_("Date"),
    "place": N_("Place"),
    "interviewer": N_("Interviewer"),
    "interpreter": N_("Interpreter"),
    "language": N_("Language"),
    "speaker": N_("Speaker"),
    "interview": N_("Interview"),
    "text": N_("Original text"),
    "translation": N_("Translation"),
    "certification": N_("Certification"),
    "read_back": N_("Read-back"),
    "scope": N_("Consents to"),
    "recipients": N_("Who may receive it"),
    "given_on": N_("Given on"),
    "form": N_("Form"),
    "withdrawn_on": N_("Withdrawn on"),
}
# Where a field means something more particular in one kind.
KIND_FIELDS = {
    ("relationship", "kind"): N_("Relative is the person's"),
    ("identity_document", "kind"): N_("Document"),
    ("claim", "kind"): N_("Claim"),
    ("evidence", "kind"): N_("Kind of evidence"),
    ("evidence", "people"): N_("People it concerns"),
    ("interview", "people"): N_("People interviewed"),
    ("interview", "language"): N_("Language"),
    ("statement", "language"): N_("Original language"),
}

COMMON_CHOICES = {
    **ROUTE_LABELS,
    **STATUS_LABELS,
    "targeted_harm": N_("Targeted harm"),
    "medical": N_("Medical"),
    "unaccompanied_minor": N_("Unaccompanied minor"),
    "woman_at_risk": N_("Woman at risk"),
    "elderly": N_("Elderly"),
    "disability": N_("Disability"),
    "imminent_deadline": N_("Imminent deadline"),
    "other": N_("Other"),
    "beneficiary": N_("Beneficiary"),
    "principal": N_("Principal applicant"),
    "family_member": N_("Family member"),
    "supporter": N_("US supporter"),
    "witness": N_("Witness"),
    "female": N_("Female"),
    "male": N_("Male"),
    "unknown": N_("Unknown"),
    "spouse": N_("Spouse"),
    "parent": N_("Parent"),
    "child": N_("Child"),
    "sibling": N_("Sibling"),
    "grandparent": N_("Grandparent"),
    "grandchild": N_("Grandchild"),
    "guardian": N_("Guardian"),
    "ward": N_("Ward"),
    "tazkira": N_("Tazkira (paper)"),
    "e_tazkira": N_("e-Tazkira"),
    "passport": N_("Passport"),
    "visa": N_("Visa"),
    "birth_certificate": N_("Birth certificate"),
    "marriage_certificate": N_("Marriage certificate"),
    "refugee_card": N_("Refugee card"),
    "employment_record": N_("Employment record"),
    "family": N_("Family"),
    "employment": N_("Employment"),
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "critical": N_("Critical"),
    "document": N_("Document"),
    "photo": N_("Photo"),
    "letter": N_("Letter"),
    "audio": N_("Audio"),
    "share_with_counsel": N_("Share with counsel"),
    "share_with_government": N_("Share with the US government"),
    "share_with_sponsor": N_("Share with the US supporter"),
    "contact": N_("Contact the person"),
    "photographs": N_("Photographs"),
    "medical_records": N_("Medical records"),
    "written": N_("Written"),
    "verbal": N_("Verbal"),
    "thumbprint": N_("Thumbprint"),
    "gregorian": N_("Gregorian"),
    "solar_hijri": N_("Solar Hijri"),
    "lunar_hijri": N_("Lunar Hijri"),
    "arabic": N_("Arabic script"),
    "latin": N_("Latin"),
    "cyrillic": N_("Cyrillic"),
}
# Values whose word depends on the field they are in.
FIELD_CHOICES = {
    "precision": {
        "day": N_("Exact day"),
        "month": N_("Month and year"),
        "year": N_("Year only"),
        "unknown": N_("Unknown"),
    },
    "name_kind": {
        "full": N_("Full name"),
        "given": N_("Given name"),
        "father": N_("Father's name"),
        "grandfather": N_("Grandfather's name"),
        "family": N_("Family name"),
        "tribe": N_("Tribe"),
        "alias": N_("Alias / other spelling"),
    },
}


def _readable(value: str) -> str:
    return value.replace("_", " ").capitalize()


def kind_text(kind: str, which: int) -> str:
    """0 section title, 1 add, 2 delete, 3 a new record's placeholder."""
    text = KIND_TEXT.get(kind, ("", "", "", ""))[which]
    return _(text) if text else _readable(kind)


def field_label(kind: str, field: str) -> str:
    text = KIND_FIELDS.get((kind, field)) or FIELDS.get(field)
    return _(text) if text else _readable(field)


def choice_label(value: str, context: str = "") -> str:
    text = FIELD_CHOICES.get(context, {}).get(value) or COMMON_CHOICES.get(value)
    return _(text) if text else _readable(value)
