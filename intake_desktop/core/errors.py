"""Errors a user can see, each with its command-line exit code.

An error carries a message *template* and its parameters, and is only
rendered (translated, then formatted) when shown. Parameters are ids, paths,
counts and field names: never case content, passphrases or key material,
because messages reach terminals, logs and screenshots.
"""

from __future__ import annotations

import json

from .i18n import N_, _

# A record kind named in a message ("No {kind} with id …") is shown as a
# word of the reader's language, not as the storage name.
RECORD_NOUNS = {
    "record": N_("record"),
    "case": N_("case"),
    "person": N_("person"),
    "relationship": N_("relationship"),
    "identity_document": N_("identity document"),
    "claim": N_("claim"),
    "evidence": N_("evidence record"),
    "interview": N_("interview"),
    "statement": N_("statement"),
    "consent": N_("consent record"),
}


class IntakeError(Exception):
    """Base of every expected failure; anything else is a bug."""

    exit_code = 1

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template)
        self.template = template
        self.params = params

    def __str__(self) -> str:
        # A broken translation (or template) must never hide the error itself.
        params = dict(self.params)
        kind = params.get("kind")
        if isinstance(kind, str) and kind in RECORD_NOUNS:
            params["kind"] = _(RECORD_NOUNS[kind])
        for template in (_(self.template), self.template):
            try:
                return template.format(**params)
            except (KeyError, IndexError, ValueError):
                continue
        return self.template


def error_json(exc: IntakeError) -> str:
    """An error kept in the vault (an outbox entry's last failure): template and parameters,
    so it is shown later in the reader's language."""
    params = {k: v if isinstance(v, int | float) else str(v) for k, v in exc.params.items()}
    return json.dumps({"template": exc.template, "params": params})


def error_text(stored: str) -> str:
    """What ``error_json`` kept, in plain words in the interface's language."""
    found = json.loads(stored)
    return str(IntakeError(found["template"], **found["params"]))


class WrongPassphrase(IntakeError):
    exit_code = 4


class NotAVault(IntakeError):
    """The folder is missing, is not a vault, or (for init) already holds one."""

    exit_code = 5


class InvalidInput(IntakeError):
    """Malformed JSON, a field of the wrong type, a missing file, a bad key string."""

    exit_code = 6


class VaultDamaged(IntakeError):
    """The database or the key-slot header failed an integrity check."""

    exit_code = 7


class BundleRejected(IntakeError):
    exit_code = 8


class VaultBusy(IntakeError):
    """Another program holds the write lock for longer than we wait."""

    exit_code = 9


class NotFound(IntakeError):
    exit_code = 10


class Cancelled(IntakeError):
    exit_code = 11


class StaleEdit(IntakeError):
    """The record changed since it was read (another window or program saved first)."""

    exit_code = 12


class NotPermitted(IntakeError):
    """The signed-in user's role may not do this (only a translator certifies)."""

    exit_code = 13


class StorageFailed(IntakeError):
    """The disk refused: full, read-only, removed (a USB stick pulled), unreadable.

    Not the vault's fault and not a bug: free space or reconnect, then retry.
    """

    exit_code = 14
