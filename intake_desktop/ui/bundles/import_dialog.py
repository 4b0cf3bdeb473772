"""Import: one or many bundle files, one after another, with a report row for each.

Three tabs: the report (merged with counts and the sequence note, already
present, quarantined with the signer's fingerprint and what it claims, or
rejected with core's reason; below it, what the chosen bundle changed, case
by case: ``ImportChangesView``, and "Save receipt…" for a bundle merged or
imported before: ``receipt_files.py``), the Quarantine tab (unknown signers:
compare, trust, import) and the Conflicts tab (records edited on both
sides: compare, keep one). Each import runs as a ``Job`` on its own
thread and connection; while one runs, the vault is write-locked, so
trusting, discarding and resolving wait.

Everything that came from a bundle (names, reasons, record bodies) is shown
as plain text: table items, plain-text labels, read-only QPlainTextEdit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...core.errors import BundleRejected
from ...core.i18n import _
from ..jobs.job import Job
from ..qt import (
    QAbstractItemView,
    QColor,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.bundles import is_quarantine_full
from ..services.session import VaultSession
from ..services.vocabulary import ImportResult, ImportStatus
from ..widgets.bidi import isolate, select_row, show_in_natural_direction
from ..widgets.file_dialogs import open_files
from .bundle_text import outcome
from .conflicts_view import ConflictsView
from .fitting_page import on_screen_size
from .import_changes_view import ImportChangesView
from .quarantine_view import QuarantineView
from .receipt_files import save_receipt

REPORT, QUARANTINE, CONFLICTS = 0, 1, 2
TONES = {  # the result word's colour; the word itself says it too
    "merged": QColor(27, 94, 32),
    "quarantined": QColor(146, 84, 0),
    "rejected": QColor(183, 28, 28),
}


@dataclass(frozen=True)
class Pending:
    label: str  # a file name, or "Quarantined bundle 3"
    path: Path | None = None
    quarantine_id: int | None = None


class ImportDialog(QDialog):
    batch_finished = Signal()  # the queue ran empty
    open_case_requested = Signal(str)  # a case id from the report; the dialog has closed

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if session.bundles is None:  # not an assert: python -O would drop it
            raise RuntimeError("import needs an unlocked vault")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Import bundles"))
        self.resize(on_screen_size(self, 960, 700))
        self.session = session
        self.service = session.bundles
        self.results: list[ImportResult | None] = []  # one per report row
        self.queue: list[Pending] = []
        self.job: Job | None = None
        self.running: Pending | None = None
        self.skipped: list[Pending] = []  # cancelled before their turn
        self.batch_total = 0

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Import views"))
        self.tabs.addTab(self._build_report(), _("Import"))
        self.quarantine = QuarantineView(self.service)
        self.conflicts = ConflictsView(self.service)
        self.tabs.addTab(self.quarantine, "")
        self.tabs.addTab(self.conflicts, "")
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(_("Import progress"))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the import"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)

        self.progress_row = QWidget()
        progress_row = QHBoxLayout(self.progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.buttons)
        self._show_progress(False)

        self.choose_button.clicked.connect(self.choose_files)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        self.quarantine.import_requested.connect(self.import_quarantined)
        self.quarantine.changed.connect(self._retitle_tabs)
        self.conflicts.resolved.connect(self._retitle_tabs)
        self.report.itemSelectionChanged.connect(self._show_changes)
        self.changes.open_case_requested.connect(self._open_case)
        session.about_to_lock.connect(self._locking)
        QWidget.setTabOrder(self.tabs, self.choose_button)
        QWidget.setTabOrder(self.choose_button, self.report)
        QWidget.setTabOrder(self.report, self.changes.tree)
        QWidget.setTabOrder(self.changes.tree, self.changes.open_button)
        QWidget.setTabOrder(self.changes.open_button, self.save_receipt_button)
        QWidget.setTabOrder(self.save_receipt_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.close_button)
        self._retitle_tabs()

    def _build_report(self) -> QWidget:
        page = QWidget()
        self.choose_button = QPushButton(_("Choose bundle files…"))
        self.choose_button.setAccessibleName(_("Choose bundle files to import"))
        self.choose_button.setDefault(True)
        hint = QLabel()
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setText(
            _(
                "Each bundle is checked before anything is merged: its encryption, its "
                "signature against the devices you trust, and every file it holds. A bundle "
                "that fails any check changes nothing."
            )
        )
        self.report = QTableWidget(0, 3)
        show_in_natural_direction(self.report)  # "2026-11-20.intake" read "intake.2026-11-20"
        self.report.setAccessibleName(_("Import report"))
        self.report.setHorizontalHeaderLabels([_("Bundle"), _("Result"), _("Details")])
        self.report.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.report.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.report.setTabKeyNavigation(False)  # Tab goes on to the changes below
        self.report.setWordWrap(True)
        self.report.verticalHeader().hide()
        header = self.report.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.changes = ImportChangesView()
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(hint, 1)
        # The bundles above, what the chosen one changed below; the line between moves.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.report)
        split.addWidget(self.changes)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([180, 300])
        self.save_receipt_button = QPushButton(_("Save receipt…"))
        self.save_receipt_button.setAccessibleName(_("Save the receipt for the chosen bundle"))
        self.save_receipt_button.setEnabled(False)
        self.save_receipt_button.clicked.connect(self._save_receipt)
        self.receipt_note = QLabel()
        self.receipt_note.setTextFormat(Qt.TextFormat.PlainText)
        self.receipt_note.setWordWrap(True)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.save_receipt_button)
        receipt_row.addWidget(self.receipt_note, 1)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(receipt_row)
        return page

    # Queueing

    def choose_files(self) -> None:
        last = self.service.last_folder
        names = open_files(
            self,
            _("Choose bundles to import"),
            str(last if last is not None and last.is_dir() else Path.home()),
            _("Bundles (*.intake);;All files (*)"),
        )
        if names:
            self.service.last_folder = Path(names[0]).parent  # this session only
        self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> None:
        self._enqueue([Pending(p.name, path=p) for p in paths])

    def import_quarantined(self, quarantine_id: int) -> None:
        label = _("Quarantined bundle {id}").format(id=quarantine_id)
        self._enqueue([Pending(label, quarantine_id=quarantine_id)])
        self.tabs.setCurrentIndex(REPORT)

    def _enqueue(self, items: list[Pending]) -> None:
        if not items:
            return
        if self.job is None:
            self.batch_total = 0
        self.queue.extend(items)
        self.batch_total += len(items)
        self._next()

    def _next(self) -> None:
        if self.job is not None:
            return
        if not self.queue or not self.session.is_unlocked:
            self._set_busy(False)
            self.batch_finished.emit()
            return
        self.running = self.queue.pop(0)
        number = self.batch_total - len(self.queue)
        self.progress_label.setText(
            _("Importing {number} of {total}: {name}").format(
                number=number, total=self.batch_total, name=isolate(self.running.label)
            )
        )
        self.progress.setValue(0)
        if self.running.path is not None:
            self.job = self.service.import_file(self.running.path)
        elif self.running.quarantine_id is not None:
            self.job = self.service.import_waiting(self.running.quarantine_id)
        else:
            raise ValueError("a pending import names a file or a quarantined bundle")
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self._set_busy(True)
        self.job.start()

    def cancel(self) -> None:
        """Stop the running import (it changes nothing) and skip the ones waiting."""
        self.skipped, self.queue = [*self.skipped, *self.queue], []
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
        else:
            self._report_skipped()

    def _report_skipped(self) -> None:
        for item in self.skipped:
            self._add_row(item, _("Not imported"), _("Skipped: the import was cancelled."))
        self.skipped = []

    # Results

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(min(1000, done * 1000 // total))

    def _finished(self, result: ImportResult) -> None:
        item = self._job_ended()
        sender = None
        if result.status != ImportStatus.QUARANTINED:
            sender = self.service.trusted_name(result.signing_key)
        word, details = outcome(result, sender)
        self._add_row(item, word, details, result.status, imported=result)
        self._report_skipped()  # cancel came too late to stop this one
        self._refresh_views()
        self._next()

    def _failed(self, message: str) -> None:
        cancelled = self.job is not None and self.job.cancel_requested
        error = self.job.error if self.job is not None else None
        item = self._job_ended()
        if cancelled:
            self._add_row(item, _("Cancelled"), _("The import was cancelled; nothing was changed."))
            self._report_skipped()
        elif is_quarantine_full(error):
            # Not a bad bundle: there is no room to hold it for review.
            self._add_row(item, _("Not kept"), message, "quarantined")
        elif item.quarantine_id is not None and isinstance(error, BundleRejected):
            # Core forgets a quarantined bundle it refuses: say it left the list.
            removed = _("It was removed from the quarantine.")
            self._add_row(item, _("Rejected"), f"{message}\n{removed}", "rejected")
        else:
            self._add_row(item, _("Rejected"), message, "rejected")
        self._refresh_views()
        self._next()

    def _job_ended(self) -> Pending:
        if self.job is not None:
            self.job.detach()
        self.job = None
        item, self.running = self.running, None
        if item is None:  # not an assert: python -O would drop it
            raise RuntimeError("an import job ended while none was running")
        return item

    def _add_row(
        self,
        item: Pending,
        word: str,
        details: str,
        status: str = "",
        imported: ImportResult | None = None,
    ) -> None:
        row = self.report.rowCount()
        self.report.insertRow(row)
        self.results.append(imported)
        # No tooltips here: Qt renders a tooltip as rich text when it looks
        # like HTML, and a file name or a reason may.
        name = QTableWidgetItem(item.label)
        result = QTableWidgetItem(word)
        if status in TONES:
            result.setForeground(TONES[status])
        text = QTableWidgetItem(details)
        for column, cell in enumerate((name, result, text)):
            self.report.setItem(row, column, cell)
        self.report.resizeRowToContents(row)
        self.report.scrollToItem(name)
        select_row(self.report, row)  # its changes show below

    def _show_changes(self) -> None:
        rows = self.report.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        label = self.report.item(row, 0) if row >= 0 else None
        if label is not None and row < len(self.results):
            self.changes.show_result(self.results[row], label.text())
        else:
            self.changes.show_result(None)
        self._update_receipt()

    def _receipted(self) -> ImportResult | None:
        """The chosen row's import, when it left a receipt to hand out (merged, or before)."""
        rows = self.report.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        result = self.results[row] if 0 <= row < len(self.results) else None
        if result is None or result.status == ImportStatus.QUARANTINED:
            return None
        return result

    def _update_receipt(self) -> None:
        receipted = self._receipted() is not None
        self.save_receipt_button.setEnabled(receipted and self.job is None)
        self.receipt_note.setText(
            _("Give the receipt to the sender: it tells their laptop what arrived.")
            if receipted
            else ""
        )

    def _save_receipt(self) -> None:
        result = self._receipted()
        if result is None:
            return
        said = save_receipt(self, self.service, result.bundle_id)
        if said is not None:
            self.receipt_note.setText(said)

    def _open_case(self, case_id: str) -> None:
        """Close, then let the main window show the case (its list reloads on close first)."""
        if self.job is not None:
            return
        self.accept()
        self.open_case_requested.emit(case_id)

    def _refresh_views(self) -> None:
        self.quarantine.reload()
        self.conflicts.reload()
        self._retitle_tabs()

    def _retitle_tabs(self) -> None:
        self.tabs.setTabText(
            QUARANTINE, _("Quarantine ({count})").format(count=self.quarantine.count())
        )
        self.tabs.setTabText(
            CONFLICTS, _("Conflicts ({count})").format(count=self.conflicts.count())
        )

    def _set_busy(self, busy: bool) -> None:
        self._show_progress(busy)
        self.cancel_button.setEnabled(busy)
        self.quarantine.set_busy(busy)
        self.conflicts.set_busy(busy)
        self.changes.set_busy(busy)
        self._update_receipt()

    def _show_progress(self, shown: bool) -> None:
        self.progress_row.setVisible(shown)

    # Closing

    def _locking(self) -> None:
        self.cancel()
        self.reject()

    def done(self, result: int) -> None:
        # Closing mid-import cancels it: the import's transaction rolls back.
        self.queue = []
        if self.job is not None:
            self.job.cancel()
            self.job.detach()
            self.job = None
        super().done(result)
