"""What the screens may know of the core's data: kinds, fields, values, result types.

Everything here is pure: record kinds and their field specs, calendars and
date parsing, the value types services return (a record, a conflict, an
export's result). Nothing here opens a vault, runs SQL or holds a key; that
is what the services are for. A screen imports from here or from a service,
never from ``core`` (``tests/core/test_layers.py`` holds that line).
"""

from __future__ import annotations

from ...core import calendars
from ...core.attestations import CERTIFICATION, READ_BACK, Status
from ...core.attestations import statuses as attestation_statuses
from ...core.bundle.export import ExportResult
from ...core.bundle.format import RecipientRef
from ...core.bundle.importer import ImportResult, ImportStatus
from ...core.bundle.merge import Conflict, Outcome
from ...core.bundle.quarantine import QuarantinedBundle
from ...core.bundle.report import CaseChanges, Change, Origin
from ...core.calendars import gregorian_estimate
from ...core.cases import CaseQuery, CaseSummary
from ...core.certification import (
    CERTIFICATE,
    LANGUAGE_CHOICES,
    TranslatorDetails,
    certificate_text,
    describe_signer,
    is_language_tag,
    language_name,
    names_differ,
)
from ...core.certification import describe as describe_attestation
from ...core.consent import ConsentRefused, PacketRefused
from ...core.date_text import ParsedDate, parse_date_text
from ...core.drafts import Draft, Problem
from ...core.duplicates import REASONS, Candidate, Reason
from ...core.fields import Boolean, Choice, Date, Flags, ListOf, Obj, Ref, Spec, Text
from ...core.fingerprint import (
    parse_recipient,
    parse_signing_key,
    recipient_fingerprint,
    signing_key_fingerprint,
)
from ...core.model import (
    CALENDARS,
    CASE,
    CHILD_KINDS,
    FUZZY_DATE,
    KINDS,
    NAME,
    PRECISIONS,
    ROUTES,
    SCRIPTS,
    STATUSES,
    EventDate,
    Kind,
    describe_date,
    display_name,
    references,
)
from ...core.passphrase_strength import Strength, estimate
from ...core.receipts import CaseDelivery, Delivery
from ...core.records import Record, person_label
from ...core.trust import DEVICE, MAX_NAME_CHARS, RECIPIENT, TrustEntry
from ...core.users import MIN_PASSPHRASE_CHARS, RECOVERY_USER, ROLES, User

__all__ = [
    "CALENDARS",
    "CASE",
    "CERTIFICATE",
    "CERTIFICATION",
    "CHILD_KINDS",
    "DEVICE",
    "FUZZY_DATE",
    "KINDS",
    "LANGUAGE_CHOICES",
    "MAX_NAME_CHARS",
    "MIN_PASSPHRASE_CHARS",
    "NAME",
    "PRECISIONS",
    "READ_BACK",
    "REASONS",
    "RECIPIENT",
    "RECOVERY_USER",
    "ROLES",
    "ROUTES",
    "SCRIPTS",
    "STATUSES",
    "Boolean",
    "Candidate",
    "CaseChanges",
    "CaseDelivery",
    "CaseQuery",
    "CaseSummary",
    "Change",
    "Choice",
    "Conflict",
    "ConsentRefused",
    "Date",
    "Delivery",
    "Draft",
    "EventDate",
    "ExportResult",
    "Flags",
    "ImportResult",
    "ImportStatus",
    "Kind",
    "ListOf",
    "Obj",
    "Origin",
    "Outcome",
    "PacketRefused",
    "ParsedDate",
    "Problem",
    "QuarantinedBundle",
    "Reason",
    "RecipientRef",
    "Record",
    "Ref",
    "Spec",
    "Status",
    "Strength",
    "Text",
    "TranslatorDetails",
    "TrustEntry",
    "User",
    "attestation_statuses",
    "calendars",
    "certificate_text",
    "describe_attestation",
    "describe_date",
    "describe_signer",
    "display_name",
    "estimate",
    "gregorian_estimate",
    "is_language_tag",
    "language_name",
    "names_differ",
    "parse_date_text",
    "parse_recipient",
    "parse_signing_key",
    "person_label",
    "recipient_fingerprint",
    "references",
    "signing_key_fingerprint",
]
