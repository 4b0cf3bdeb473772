"""What the bundle dialogs ask the vault, in one small service object.

The export and import dialogs never touch SQL, a transaction or a core store
directly: they call this. Every call here is short (an indexed query, or one
small commit) and runs on the GUI thread; the long work (export, import)
runs as a ``Job`` on a connection of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...core.bundle import importer, merge, quarantine
from ...core.bundle.export import ExportResult, export_bundle
from ...core.bundle.format import RecipientRef
from ...core.errors import Cancelled as CancelledError
from ...core.i18n import N_
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


class BundleService:
    def __init__(self, vault: Vault, jobs: Jobs) -> None:
        self.vault = vault
        self.jobs = jobs
        self.trust = TrustStore(vault)
        self.records = RecordStore(vault)

    # Export: recipients and which cases

    def recipients(self) -> list[TrustEntry]:
        """Trusted recipients (age keys someone compared), never signing devices."""
        return [e for e in self.trust.entries() if e.kind == RECIPIENT]

    @staticmethod
    def recipient_ref(entry: TrustEntry) -> RecipientRef:
        return RecipientRef(entry.name, entry.key, entry.fingerprint)

    def all_cases(self) -> CaseChoice:
        # Counted as export_bundle chooses them: deleted cases travel as deletions.
        row = self.vault.conn.execute("SELECT count(*) FROM records WHERE kind = 'case'").fetchone()
        return CaseChoice(None, int(row[0]))

    def case_ids(self, choice: CaseChoice) -> list[str]:
        """The ids a choice stands for, in export_bundle's order (None: every case)."""
        if choice.case_ids is not None:
            return list(choice.case_ids)
        rows = self.vault.conn.execute("SELECT id FROM records WHERE kind = 'case' ORDER BY rowid")
        return [str(r[0]) for r in rows]

    def last_export_at(self) -> str | None:
        row = self.vault.conn.execute(
            "SELECT created_at FROM bundles_out ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    def changed_since_last_export(self) -> CaseChoice:
        """Cases with a record updated at or after the newest bundle this vault wrote.

        Times are whole seconds, so a record saved in the same second as the
        export counts as changed: sending a case twice is harmless, missing
        one is not. With no export yet, that is every case.
        """
        since = self.last_export_at()
        if since is None:
            return self.all_cases()
        rows = self.vault.conn.execute(
            "SELECT c.id FROM records AS c WHERE c.kind = 'case' AND EXISTS"
            " (SELECT 1 FROM records AS r WHERE r.case_id = c.id AND r.updated_at >= ?)"
            " ORDER BY c.rowid",
            (since,),
        )
        ids = [str(r[0]) for r in rows]
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

    def check_device(self, name: str, signing_key: str) -> TrustEntry:
        """Raises InvalidInput (name taken, own key, key already trusted...) without storing."""
        return self.trust.prepare_device(name, signing_key)

    def trust_device(self, name: str, signing_key: str) -> TrustEntry:
        return self.trust.add_device(name, signing_key)

    def discard_quarantined(self, quarantine_id: int) -> None:
        quarantine.discard(self.vault, quarantine_id)

    # Import: conflicts

    def conflicts(self) -> list[merge.Conflict]:
        return merge.conflicts(self.vault)

    def resolve(self, conflict_id: int, keep: str) -> Record:
        return merge.resolve(self.vault, conflict_id, keep)

    def case_title(self, case_id: str) -> str:
        record = self.records.get(case_id)
        if record is None or record.kind != "case":
            return case_id[:8]
        return str(record.body.get("title") or case_id[:8])

    def is_deleted_case(self, case_id: str) -> bool:
        record = self.records.get(case_id)
        return record is not None and record.deleted

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

        def work(vault: Vault, progress: Progress, cancelled: Cancelled) -> ExportResult:
            return export_bundle(
                vault, recipients, out, ids, progress, cancelled, override_consent=override_consent
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
