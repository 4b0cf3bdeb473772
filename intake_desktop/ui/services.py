"""Small service objects between the widgets and core/.

Each wraps one core store and adds the Qt signals widgets listen to, so a
widget never touches SQL, a ``Vault`` or a transaction. All calls are short
(one indexed query, or one durable commit of a few milliseconds) and run on
the GUI thread; anything long goes through ``bundle_jobs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core import attestations, certification, duplicates
from ..core.attachments import BlobStore
from ..core.cases import CaseQuery, CaseStore, CaseSummary, prepare_case
from ..core.errors import InvalidInput
from ..core.evidence import add_attachment
from ..core.i18n import N_
from ..core.model import KINDS, validate
from ..core.records import Record, RecordStore
from ..core.vault import Vault
from .qt import QObject, Signal

# Previews are decoded in memory; a larger image is shown as details only.
MAX_PREVIEW_BYTES = 64 << 20


class CaseService(QObject):
    case_changed = Signal(str)  # case id: a record in it was saved
    cases_changed = Signal()  # a case was added or removed

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.vault = vault
        self.store = CaseStore(vault)
        self.records = RecordStore(vault)
        self.blobs = BlobStore(vault)

    @property
    def user(self) -> str:
        return self.vault.user.name

    @property
    def role(self) -> str:
        return self.vault.user.role

    # The list

    def count(self, query: CaseQuery) -> int:
        return self.store.count(query)

    def page(self, query: CaseQuery, offset: int, limit: int) -> list[CaseSummary]:
        return self.store.list(query, offset=offset, limit=limit)

    # One case

    def document(self, case_id: str) -> dict[str, Any]:
        return self.store.document(case_id)

    def record(self, record_id: str) -> Record:
        return self.records.require(record_id)

    def children(self, case_id: str, kind: str) -> list[Record]:
        return self.store.children(case_id, kind)

    def new_case(self, title: str, route: str) -> str:
        case_id = self.store.add_case(prepare_case({"title": title, "route": route}))
        self.cases_changed.emit()
        return case_id

    def save(
        self,
        case_id: str,
        kind: str,
        record_id: str | None,
        body: dict[str, Any],
        expected_version: int | None,
    ) -> Record:
        """Create or update one record, durably; returns it with its new version."""
        spec = KINDS[kind]
        clean = validate(spec, body, kind)
        with self.vault.transaction():
            if record_id is None:
                record = self.records.create(case_id, spec, clean)
            else:
                record = self.records.update(record_id, clean, expected_version)
        self.case_changed.emit(case_id)
        return record

    def delete(self, record_id: str, expected_version: int | None) -> Record:
        with self.vault.transaction():
            record = self.records.delete(record_id, expected_version)
        self.case_changed.emit(record.case_id)
        if record.kind == "case":
            self.cases_changed.emit()
        return record

    # Attachments

    def attach(self, case_id: str, path: Path, evidence_id: str | None = None) -> Record:
        """Stream a file into the vault as (part of) an evidence record."""
        try:
            handle = path.open("rb")
        except OSError:
            raise InvalidInput(N_("The file {path} cannot be read."), path=str(path)) from None
        with handle:
            record = add_attachment(self.vault, case_id, handle, path.name, evidence_id)
        self.case_changed.emit(case_id)
        return record

    def attachment_bytes(self, sha256: str, limit: int = MAX_PREVIEW_BYTES) -> bytes | None:
        """The content for an in-memory preview, or None when it is too large."""
        if self.blobs.size(sha256) > limit:
            return None
        return b"".join(self.blobs.chunks(sha256))

    # Certifications and read-backs (core/certification.py)

    def trusted_keys(self) -> frozenset[str]:
        """Signing keys a certification may be made with: this vault's, trusted devices'."""
        return attestations.trusted_keys(self.vault)

    def translator_profile(self) -> certification.TranslatorDetails | None:
        return certification.translator_profile(self.vault)

    def certify(
        self, record_id: str, details: certification.TranslatorDetails, expected_version: int
    ) -> Record:
        record = certification.certify(self.vault, record_id, details, expected_version)
        self.case_changed.emit(record.case_id)
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
        self.case_changed.emit(record.case_id)
        return record

    # Possible duplicates (core/duplicates.py)

    def find_duplicates(self) -> list[duplicates.Candidate]:
        """Candidates, computed on a second connection: safe to call off the GUI thread."""
        clone = self.vault.clone()
        try:
            return duplicates.find_candidates(clone)
        finally:
            clone.close()

    def dismiss_duplicate(self, person_a: str, person_b: str) -> None:
        duplicates.dismiss(self.vault, person_a, person_b)
