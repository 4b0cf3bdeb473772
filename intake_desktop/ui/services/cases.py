"""Small service objects between the widgets and core/.

Each wraps one core store and adds the Qt signals widgets listen to, so a
widget never touches SQL, a ``Vault`` or a transaction. All calls are short
(one indexed query, or one durable commit of a few milliseconds) and run on
the GUI thread; anything long is a ``Job`` (``ui/jobs``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ...core import duplicates, receipts
from ...core.attachment_export import safe_file_name, save_attachment
from ...core.attachments import CHUNK_SIZE, BlobStore
from ...core.cases import CaseQuery, CaseStore, CaseSummary, prepare_case
from ...core.drafts import Draft, DraftStore, Problem
from ...core.errors import Cancelled as CancelledError
from ...core.errors import InvalidInput
from ...core.evidence import add_attachment
from ...core.i18n import N_
from ...core.model import KINDS, validate
from ...core.records import Record, RecordStore
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress
from ..qt import QObject, Signal
from .packet import PacketChoice, packet_job

# Previews are decoded in memory; a larger image is shown as details only.
MAX_PREVIEW_BYTES = 64 << 20


@dataclass(frozen=True)
class DraftContent:
    """What a draft is to hold: fields as typed, and why they are not in the record."""

    fields: dict[str, Any]
    problems: tuple[Problem, ...]


class _Counted:
    """A file read through ``BlobStore.put`` that reports progress and obeys cancel."""

    def __init__(self, handle: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._handle = handle
        self._on_read = on_read

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n if n > 0 else CHUNK_SIZE)
        self._on_read(len(data))
        return data


@dataclass(frozen=True)
class HouseholdChange:
    """What adding a household member stored: the person, how they relate to the head
    (None when they became the head), and people whose head-of-household mark changed."""

    person: Record
    relationship: Record | None
    heads: tuple[Record, ...]


@dataclass
class FilesToAttach:
    """Files to store in one evidence record; ``stored`` counts those committed so far."""

    case_id: str
    evidence_id: str
    paths: list[Path]
    stored: int = 0  # also after a cancel or an error: files stored before it stay


def _store_files(
    vault: Vault, files: FilesToAttach, progress: Progress, cancelled: Cancelled
) -> Record:
    """``add_attachment`` of each path in turn, one transaction per file.

    A file is either stored whole and listed in the record, or not at all.
    Cancel stops between chunks of the current file.
    """
    sizes = []
    for path in files.paths:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            raise InvalidInput(N_("The file {path} cannot be read."), path=str(path)) from None
    total, done = max(sum(sizes), 1), 0
    record = None

    def advance(n: int) -> None:
        nonlocal done
        if cancelled():
            raise CancelledError(
                N_(
                    "Adding files was cancelled: the file being stored was not kept"
                    " (files stored before it are kept)."
                )
            )
        done += n
        progress(min(done, total), total)

    for path in files.paths:
        try:
            handle = path.open("rb")
        except OSError:
            raise InvalidInput(N_("The file {path} cannot be read."), path=str(path)) from None
        with handle:
            record = add_attachment(
                vault, files.case_id, _Counted(handle, advance), path.name, files.evidence_id
            )
        files.stored += 1
    progress(total, total)
    if record is None:  # unreachable: paths is never empty
        raise RuntimeError("no files were stored")
    return record


class CaseService(QObject):
    case_changed = Signal(str)  # case id: a record in it was saved
    cases_changed = Signal()  # a case was added or removed

    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        super().__init__()
        self.vault = vault
        self.jobs = jobs
        self.store = CaseStore(vault)
        self.records = RecordStore(vault)
        self.blobs = BlobStore(vault)
        self.drafts = DraftStore(vault)

    @property
    def user(self) -> str:
        return self.vault.user.name

    @property
    def role(self) -> str:
        return self.vault.user.role

    @property
    def vault_name(self) -> str:
        return self.vault.name

    # The list

    def count(self, query: CaseQuery) -> int:
        return self.store.count(query)

    def page(self, query: CaseQuery, offset: int, limit: int) -> list[CaseSummary]:
        return self.store.list(query, offset=offset, limit=limit)

    def deliveries(
        self, case_ids: list[str]
    ) -> dict[str, tuple[receipts.Delivery, list[receipts.CaseDelivery]]]:
        """What receipts say of each case: one query for a page of the list, never per row."""
        return receipts.deliveries(self.vault, case_ids)

    def any_delivered(self) -> bool:
        """Whether a receipt marks any case (until one does, the list has no Delivered column)."""
        none = self.store.count(CaseQuery(delivery=receipts.Delivery.NONE.value))
        return none < self.store.count(CaseQuery())

    # One case

    def document(self, case_id: str) -> dict[str, Any]:
        return self.store.document(case_id)

    def record(self, record_id: str) -> Record:
        return self.records.require(record_id)

    def is_redacted(self, record_id: str) -> bool:
        """Whether the record arrived with fields withheld from this vault (read-only here)."""
        record = self.records.get(record_id)
        return record is not None and self.records.is_redacted(record)

    def records_of(self, case_id: str, kind: str) -> list[Record]:
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

    def save_or_keep(
        self,
        case_id: str,
        kind: str,
        record_id: str | None,
        body: dict[str, Any] | None,
        expected_version: int | None,
        draft: DraftContent | None = None,
        draft_id: str | None = None,
    ) -> tuple[Record | None, Draft | None]:
        """Save what is valid and keep what is not, in one durable transaction.

        ``body`` (None: leave the record as it is, or not yet made) is saved
        as ``save`` does. With ``draft`` the fields it holds are kept as the
        record's draft (or the never-saved record's, ``draft_id``); without,
        the record's draft and ``draft_id``'s are removed: it saved cleanly.
        """
        spec = KINDS[kind]
        clean = validate(spec, body, kind) if body is not None else None
        record: Record | None = None
        kept: Draft | None = None
        with self.vault.transaction():
            if clean is not None and record_id is None:
                record = self.records.create(case_id, spec, clean)
            elif clean is not None and record_id is not None:
                record = self.records.update(record_id, clean, expected_version)
            target = record.id if record is not None else record_id
            if draft is not None:
                kept = self.drafts.save(
                    case_id=case_id,
                    kind=kind,
                    record_id=target,
                    base_version=record.version if record is not None else expected_version,
                    fields=draft.fields,
                    problems=draft.problems,
                    draft_id=draft_id,
                )
            else:
                for gone in dict.fromkeys((target, draft_id)):
                    if gone is not None:
                        self.drafts.discard(gone)
        if record is not None:
            self.case_changed.emit(case_id)
        return record, kept

    # The household (docs/case-format.md: a person's head_of_household)

    def add_household_member(
        self, case_id: str, person: dict[str, Any], relationship: str | None, head_id: str | None
    ) -> HouseholdChange:
        """A person and their relationship to the head of household, in one transaction.

        ``relationship`` is what the new person is to ``head_id`` (a relationship's
        ``kind``). With no ``head_id`` the new person becomes the head. The head
        is marked (and any other person of the case unmarked) in the same
        transaction, so a case keeps one head. Nothing is stored if any part
        is refused.
        """
        people_kind, link_kind = KINDS["person"], KINDS["relationship"]
        body = validate(people_kind, {**person, "head_of_household": head_id is None}, "person")
        if head_id is not None and relationship is None:
            raise InvalidInput(N_("{path}: is required."), path="relationship.kind")
        link = None
        with self.vault.transaction():
            created = self.records.create(case_id, people_kind, body)
            if head_id is not None:
                clean = validate(
                    link_kind,
                    {"person": head_id, "relative": created.id, "kind": relationship},
                    "relationship",
                )
                link = self.records.create(case_id, link_kind, clean)
            heads = self._mark_head(case_id, head_id or created.id)
        self.case_changed.emit(case_id)
        return HouseholdChange(created, link, heads)

    def set_head_of_household(self, case_id: str, person_id: str) -> tuple[Record, ...]:
        """Mark one person of the case as its head and unmark any other; the people changed."""
        with self.vault.transaction():
            changed = self._mark_head(case_id, person_id)
        if changed:
            self.case_changed.emit(case_id)
        return changed

    def _mark_head(self, case_id: str, person_id: str) -> tuple[Record, ...]:
        """Inside a transaction: the head marked on ``person_id`` alone."""
        changed = []
        for person in self.store.children(case_id, "person"):
            wanted = person.id == person_id
            if bool(person.body.get("head_of_household")) != wanted and not (
                self.records.is_redacted(person)  # changed only where it was recorded
            ):
                body = {**person.body, "head_of_household": wanted}
                changed.append(self.records.update(person.id, body, person.version))
        return tuple(changed)

    def drafts_of_case(self, case_id: str) -> list[Draft]:
        return self.drafts.of_case(case_id)

    def draft(self, draft_id: str) -> Draft | None:
        return self.drafts.get(draft_id)

    def discard_draft(self, draft_id: str) -> bool:
        return self.drafts.discard(draft_id)

    def delete(self, record_id: str, expected_version: int | None) -> Record:
        with self.vault.transaction():
            self.drafts.discard(record_id)  # what was typed into it goes with it
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

    def attach_files(self, files: FilesToAttach) -> Job:
        """A job storing ``files`` on its own connection; the case changed once it ends."""
        if not files.paths:
            raise ValueError("no files to store")

        def settle(_clone: object) -> None:
            if files.stored:
                self.case_changed.emit(files.case_id)

        return Job(
            self.jobs,
            "attach",
            lambda vault, progress, cancelled: _store_files(vault, files, progress, cancelled),
            connect=self.vault.clone,
            settle=settle,
            unexpected=N_("Storing the files stopped unexpectedly ({kind})."),
        )

    def attachment_bytes(self, sha256: str, limit: int = MAX_PREVIEW_BYTES) -> bytes | None:
        """The content for an in-memory preview, or None when it is too large."""
        if self.blobs.size(sha256) > limit:
            return None
        return b"".join(self.blobs.chunks(sha256))

    @staticmethod
    def attachment_file_name(item: dict[str, Any]) -> str:
        """The name proposed for saving ``item`` (an evidence file) out: its own, made safe."""
        return safe_file_name(
            str(item.get("filename") or ""),
            str(item.get("sha256") or ""),
            str(item.get("media_type") or ""),
        )

    def save_attachment_as(self, evidence_id: str, sha256: str, out: Path) -> Job:
        """A job writing one file of an evidence record, decrypted, to the new file ``out``.

        Never over an existing file; any failure or a cancel leaves no file.
        """
        return Job(
            self.jobs,
            "save-attachment",
            lambda vault, progress, cancelled: save_attachment(
                vault, evidence_id, sha256, out, progress=progress, cancelled=cancelled
            ),
            connect=self.vault.clone,
            unexpected=N_("Saving the file stopped unexpectedly ({kind})."),
        )

    # Counsel's packet (packet.py)

    def counsel_packet(self, case_id: str, choice: PacketChoice) -> Job:
        """A job writing the case's packet PDF (or its parts) as ``choice`` says."""
        return packet_job(self.vault, self.jobs, case_id, choice)

    # Possible duplicates (core/duplicates.py)

    def find_duplicates(self) -> Job:
        """A job whose result is the candidates, computed on a second connection."""
        return Job(
            self.jobs,
            "duplicates",
            lambda vault, _progress, _cancelled: duplicates.find_candidates(vault),
            connect=self.vault.clone,
            unexpected=N_("The search failed ({kind})."),
        )

    def dismiss_duplicate(self, person_a: str, person_b: str) -> None:
        duplicates.dismiss(self.vault, person_a, person_b)

    # Deleting a case (core/cases.py)

    def delete_case(self, case_id: str, expected_version: int | None = None) -> int:
        """Delete a case and everything in it; returns how many records were deleted.

        Each becomes a tombstone that travels in the next bundle; refused
        (StaleEdit) if the case changed since ``expected_version`` was read.
        """
        count = self.store.delete_case(case_id, expected_version)
        self.cases_changed.emit()
        return count
