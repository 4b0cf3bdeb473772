"""Words people read for the values the vault stores (one place, translatable)."""

from __future__ import annotations

from ...core.i18n import N_, _

ROUTE_LABELS = {
    "humanitarian_parole": N_("Humanitarian parole"),
    "siv": N_("Special immigrant visa"),
    "refugee_referral": N_("Refugee referral"),
    "family_petition": N_("Family petition"),
    "other": N_("Other"),
}
STATUS_LABELS = {
    "intake": N_("Intake"),
    "in_review": N_("In review"),
    "ready": N_("Ready"),
    "submitted": N_("Submitted"),
    "closed": N_("Closed"),
}
ROLE_LABELS = {
    "caseworker": N_("Caseworker"),
    "translator": N_("Translator"),
    "coordinator": N_("Coordinator"),
}


def route_label(value: str) -> str:
    return _(ROUTE_LABELS.get(value, value))


def status_label(value: str) -> str:
    return _(STATUS_LABELS.get(value, value))


def role_label(value: str) -> str:
    return _(ROLE_LABELS.get(value, value))
