"""What the statement editor asks the vault: who may certify, and signing what is typed.

A translator certifies a statement's English translation and a caseworker
records its read-back (``core/certification.py``); both are signed with this
vault's key over the exact texts. The screens ask this service, never the
core: who is signed in and in which role, which signing keys a certification
may be made with, the details the translator certified with last, and the
two signing actions, each one durable commit. Whether a certification still
holds for the texts on screen is pure (``vocabulary.attestation_statuses``).
"""

from __future__ import annotations

from ...core import attestations, certification
from ...core.certification import TranslatorDetails
from ...core.records import Record
from ...core.vault import Vault
from .cases import CaseService


class StatementService:
    """Certifications and read-backs; a saved statement announces itself through ``cases``."""

    def __init__(self, vault: Vault, cases: CaseService) -> None:
        self.vault = vault
        self.cases = cases

    @property
    def user(self) -> str:
        return self.vault.user.name

    @property
    def role(self) -> str:
        return self.vault.user.role

    @property
    def may_certify(self) -> bool:
        return self.role == certification.TRANSLATOR

    @property
    def may_record_read_back(self) -> bool:
        return self.role == certification.CASEWORKER

    def trusted_keys(self) -> frozenset[str]:
        """Signing keys a certification may be made with: this vault's, trusted devices'."""
        return attestations.trusted_keys(self.vault)

    def translator_profile(self) -> TranslatorDetails | None:
        """The details this user certified with last (name, address, telephone)."""
        return certification.translator_profile(self.vault)

    def certify(self, record_id: str, details: TranslatorDetails, expected_version: int) -> Record:
        record = certification.certify(self.vault, record_id, details, expected_version)
        self.cases.case_changed.emit(record.case_id)
        return record

    def record_read_back(
        self, record_id: str, read_by: str, language: str, notes: str, expected_version: int
    ) -> Record:
        record = certification.record_read_back(
            self.vault,
            record_id,
            read_by=read_by,
            language=language,
            notes=notes,
            expected_version=expected_version,
        )
        self.cases.case_changed.emit(record.case_id)
        return record
