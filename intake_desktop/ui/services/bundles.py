"""What the bundle dialogs ask the vault, in one small service object.

The export and import dialogs never touch SQL, a transaction or a core store
directly: they call this. Every call here is short (an indexed query, or one
small commit) and runs on the GUI thread; the long work (export, import)
runs as a ``Job`` on a connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...core import receipts
from ...core.bundle import export, importer, merge, quarantine
from ...core.bundle.export import ExportResult, export_bundle
from ...core.bundle.format import RecipientRef
from ...core.bundle.packets import PacketRenderer, wanting_packets
from ...core.errors import Cancelled as CancelledError
from ...core.i18n import N_
from ...core.model import KINDS, references
from ...core.records import Record, RecordStore
from ...core.trust import RECIPIENT, TrustEntry, TrustStore
from ...core.vault import Vault
from ..jobs.job import Cancelled, Job, Jobs, Progress


def is_quarantine_full(error: BaseException | None) -> bool:
    """Whether an import was refused because the quarantine has no room (not a bad bundle)."""
    return isinstance(error, quarantine.QuarantineFull)


@dataclass(frozen=True)
class QuarantineRoom:
    """How full the quarantine is, against core's caps (docs/bundle-format.md)."""

    count: int
    size: int
    max_count: int
    max_size: int


@dataclass(frozen=True)
class CaseChoice:
    """Which cases an export takes: ``None`` means every case in the vault."""

    case_ids: list[str] | None
    count: int


@dataclass(frozen=True)
class ReceiptTaken:
    """What a receipt said, as the app reports it after taking it."""

    importer: str  # the trust store's name for the importer's device
    fingerprint: str
    bundle_id: str
    held: int  # records the importer holds as sent (or newer)
    records: int  # records in the bundle
    imported_at: str
    new: bool  # False: taken before, nothing changed


class BundleService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs
        # The folder of the last bundle written or read (a USB stick), to
        # start there next time. Kept here only: this object is dropped on
        # lock, and Qt's settings never hold a folder (its name may be a case's).
        self.last_folder: Path | None = None
        self.trust = TrustStore(vault)
        self.records = RecordStore(vault)

    # Export: recipients and which cases

    def recipients(self) -> list[TrustEntry]:
        """Trusted recipients (age keys someone compared), never signing devices."""
        return [e for e in self.trust.entries() if e.kind == RECIPIENT]

    @staticmethod
    def recipient_ref(entry: TrustEntry) -> RecipientRef:
        return RecipientRef(entry.name, entry.key, entry.fingerprint)

    def packet_recipients(self, entries: list[TrustEntry]) -> list[str]:
        """Names of these recipients who asked for counsel packets in their bundles."""
        return wanting_packets(self.vault, [self.recipient_ref(e) for e in entries])

    def all_cases(self) -> CaseChoice:
        # Counted as export_bundle chooses them: deleted cases travel as deletions.
        return CaseChoice(None, len(export.every_case(self.vault)))

    def case_ids(self, choice: CaseChoice) -> list[str]:
        """The ids a choice stands for, in export_bundle's order (None: every case)."""
        if choice.case_ids is not None:
            return list(choice.case_ids)
        return export.every_case(self.vault)

    def last_export_at(self) -> str | None:
        return export.last_export_at(self.vault)

    def changed_since_last_export(self) -> CaseChoice:
        """Cases changed since the newest bundle this vault wrote (none yet: every case)."""
        since = self.last_export_at()
        if since is None:
            return self.all_cases()
        ids = export.cases_changed_since(self.vault, since)
        return CaseChoice(ids, len(ids))

    # Import: quarantine

    def quarantined(self) -> list[quarantine.QuarantinedBundle]:
        return quarantine.waiting(self.vault)

    def quarantine_room(self) -> QuarantineRoom:
        waiting = self.quarantined()
        return QuarantineRoom(
            len(waiting),
            sum(q.size for q in waiting),
            quarantine.MAX_QUARANTINE_BUNDLES,
            quarantine.MAX_QUARANTINE_BYTES,
        )

    def trusted_name(self, signing_key: str) -> str | None:
        """The name this vault trusts the key under, if it does."""
        entry = self.trust.device_for_key(signing_key)
        return entry.name if entry else None

    def trust_device(self, name: str, signing_key: str) -> TrustEntry:
        return self.trust.add_device(name, signing_key)

    def discard_quarantined(self, quarantine_id: int) -> None:
        quarantine.discard(self.vault, quarantine_id)

    # Import: conflicts

    def conflicts(self) -> list[merge.Conflict]:
        return merge.conflicts(self.vault)

    def resolve(self, conflict_id: int, keep: str) -> Record:
        return merge.resolve(self.vault, conflict_id, keep)

    def resolve_fields(self, conflict_id: int, take: list[str]) -> Record:
        """One version: the incoming value of the fields in ``take``, this vault's elsewhere."""
        return merge.resolve_fields(self.vault, conflict_id, take)

    def conflict_records(self, conflict: merge.Conflict) -> dict[str, Record]:
        """The records either side of ``conflict`` names (people, interviews...), as held here."""
        named: dict[str, Record] = {}
        for side in (conflict.local, conflict.incoming):
            if side.deleted:
                continue
            for _field, _kind, ref in references(KINDS[side.kind], side.body):
                record = self.records.get(ref) if ref not in named else None
                if record is not None:
                    named[ref] = record
        return named

    def case_title(self, case_id: str) -> str:
        record = self.records.get(case_id)
        if record is None or record.kind != "case":
            return case_id[:8]
        return str(record.body.get("title") or case_id[:8])

    def is_deleted_case(self, case_id: str) -> bool:
        record = self.records.get(case_id)
        return record is not None and record.deleted

    # Receipts (core/receipts.py)

    def save_receipt(self, bundle_id: str, path: Path) -> tuple[Path, Path]:
        """Write the receipt this vault signed on importing ``bundle_id``: the file and its
        ``.minisig``, for the sender to take."""
        written = receipts.issued(self.vault, bundle_id).write(Path(path))
        self.last_folder = Path(path).parent  # this session only
        return written

    def take_receipt(self, path: Path) -> ReceiptTaken:
        """Verify and keep a receipt for a bundle this vault sent (refused: ReceiptRefused)."""
        taken = receipts.take(self.vault, receipts.read(Path(path)))
        self.last_folder = Path(path).parent  # this session only
        receipt = taken.receipt
        return ReceiptTaken(
            importer=taken.importer,
            fingerprint=receipt.importer_fingerprint,
            bundle_id=receipt.bundle_id,
            held=sum(1 for r in receipt.records if r["outcome"] in receipts.HELD),
            records=len(receipt.records),
            imported_at=receipt.imported_at,
            new=taken.new,
        )

    # Jobs: export and import on their own connection

    def export(
        self,
        recipients: list[RecipientRef],
        out: Path,
        case_ids: list[str] | None,
        override_consent: bool = False,
    ) -> Job:
        """``export_bundle`` of ``case_ids`` (None: every case) to ``out``.

        Core refuses cases whose recorded consent does not allow sharing them
        (``ConsentRefused``, kept in the job's ``error`` with each case and
        reason); only a person's explicit choice sets ``override_consent``,
        which core audits.
        """
        recipients, out = list(recipients), Path(out)
        ids = None if case_ids is None else list(case_ids)
        packets = packet_renderer(self.vault, recipients)

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> ExportResult:
            return export_bundle(
                vault,
                recipients,
                out,
                ids,
                progress,
                cancelled,
                override_consent=override_consent,
                packets=packets(cancelled) if packets else None,
            )

        return Job(
            self.jobs,
            "export",
            work,
            connect=self.vault.clone,
            unexpected=N_("The export stopped unexpectedly ({kind}); no bundle was written."),
        )

    def import_file(self, path: Path) -> Job:
        path = Path(path)
        return Job(
            self.jobs,
            "import",
            lambda vault, progress, cancelled: importer.import_bundle(
                vault, path, progress, cancelled
            ),
            connect=self.vault.clone,
            unexpected=N_("The import stopped unexpectedly ({kind}); nothing was changed."),
        )

    def import_waiting(self, quarantine_id: int) -> Job:
        """Import a quarantined bundle (its signer is trusted now)."""

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> importer.ImportResult:
            # import_quarantined takes no cancel callback; its progress callback
            # runs inside the import's transaction, so raising there rolls it back.
            def progress_or_stop(done: int, total: int) -> None:
                if cancelled():
                    raise CancelledError(N_("The import was cancelled; nothing was changed."))
                progress(done, total)

            return importer.import_quarantined(vault, quarantine_id, progress_or_stop)

        return Job(
            self.jobs,
            "import",
            work,
            connect=self.vault.clone,
            unexpected=N_("The import stopped unexpectedly ({kind}); nothing was changed."),
        )


def packet_renderer(
    vault: Vault, recipients: list[RecipientRef]
) -> Callable[[Cancelled], PacketRenderer] | None:
    """For recipients who asked for counsel packets: what makes them on the export's worker.

    Qt's fonts are loaded here, on the GUI thread; the packet module (and
    pikepdf) is imported only when someone asked for packets.
    """
    if not wanting_packets(vault, recipients):
        return None
    from ...packet import bundle_renderer, ensure_gui

    ensure_gui()
    return bundle_renderer
