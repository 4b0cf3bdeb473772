"""Fetch bundles: download what waits at a destination and import each one, as Import does.

The person chooses a destination; the fetch runs as a ``Job`` on its own
connection (progress per bundle, Cancel). Then a row per bundle: merged
(with what it changed, below), already imported, quarantined (pointing to
the quarantine review: nothing merged until a person trusts the signer) or
refused with core's reason. A server that cannot be reached is said in one
sentence; bundles imported before a fault stay imported and a cut download
resumes next time.

Everything that came from a server or a bundle (remote names, reasons,
record titles) is shown as plain text.
"""

from __future__ import annotations

from ...core.i18n import _
from ..bundles.bundle_text import human_size, outcome
from ..bundles.import_changes_view import ImportChangesView
from ..bundles.import_dialog import CONFLICTS, QUARANTINE, TONES, ImportDialog
from ..jobs.job import Job
from ..qt import (
    QAbstractItemView,
    QColor,
    QComboBox,
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
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.delivery import REFUSED, Fetched, FetchNews
from ..services.session import VaultSession
from ..services.vocabulary import ImportStatus, Outcome
from ..widgets.bidi import isolate, select_row, show_in_natural_direction
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import fit_to_screen, tab_chain
from .delivery_text import kind_label

ERROR_STYLE = "color: #b71c1c;"
STEPS = 1000


class FetchDialog(QDialog):
    imported = Signal()  # a fetch merged something: the case list reloads
    open_case_requested = Signal(str)  # a case id from the report; the dialog has closed

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if session.delivery is None:
            raise RuntimeError("fetching needs an unlocked vault")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Fetch bundles"))
        self.session = session
        self.job: Job | None = None
        self.news = FetchNews()
        self.results: list[Fetched] = []
        self.review: ImportDialog | None = None

        intro = QLabel(
            _(
                "Download the bundles waiting at a destination and import each one as Import "
                "does: its signature checked against the devices you trust, unknown senders "
                "held in quarantine, edits on both sides kept as conflicts."
            )
        )
        intro.setWordWrap(True)
        self.destination = QComboBox()
        self.destination.setAccessibleName(_("Destination to fetch from"))
        source_label = QLabel(_("&From:"))
        source_label.setBuddy(self.destination)
        self.fetch_button = QPushButton(_("&Fetch"))
        self.fetch_button.setDefault(True)
        self.fetch_button.setAccessibleName(_("Fetch bundles from the chosen destination"))
        self.reason = DisabledReason(self.fetch_button)
        self.reason.setObjectName("fetchReason")
        source = QHBoxLayout()
        source.addWidget(source_label)
        source.addWidget(self.destination, 1)
        source.addWidget(self.fetch_button)

        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, STEPS)
        self.progress.setAccessibleName(_("Fetch progress"))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the fetch"))
        self.progress_row = QWidget()
        progress_row = QHBoxLayout(self.progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_row.hide()

        self.message = QLabel()
        self.message.setObjectName("fetchMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Three lines reserved: a wrapped label growing after layout would be cut.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)

        self.report = QTableWidget(0, 3)
        show_in_natural_direction(self.report)
        self.report.setAccessibleName(_("Fetch report"))
        self.report.setHorizontalHeaderLabels([_("Bundle"), _("Result"), _("Details")])
        self.report.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.report.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.report.setTabKeyNavigation(False)
        self.report.setWordWrap(True)
        self.report.verticalHeader().hide()
        header = self.report.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.changes = ImportChangesView()
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.report)
        split.addWidget(self.changes)
        split.setSizes([160, 260])

        self.review_button = QPushButton(_("&Quarantine and conflicts…"))
        self.review_button.setAccessibleName(_("Review quarantined bundles and conflicts"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.review_button.hide()  # after addButton, which shows it
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(source)
        layout.addWidget(self.reason)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        tab_chain(
            [
                self.destination,
                self.fetch_button,
                self.cancel_button,
                self.report,
                self.changes.tree,
                self.changes.open_button,
                self.review_button,
                self.close_button,
            ]
        )

        self.fetch_button.clicked.connect(self.fetch)
        self.cancel_button.clicked.connect(self.cancel)
        self.review_button.clicked.connect(self._open_review)
        self.destination.currentIndexChanged.connect(lambda _i: self._update())
        self.report.itemSelectionChanged.connect(self._show_changes)
        self.changes.open_case_requested.connect(self._open_case)
        session.about_to_lock.connect(self._locking)
        self._fill_destinations()
        self._update()
        self.setMinimumWidth(720)
        fit_to_screen(self)

    def _fill_destinations(self) -> None:
        service = self.session.delivery
        for found in service.list() if service is not None else []:
            label = _("{name} ({kind})").format(
                name=isolate(found.name), kind=kind_label(found.kind)
            )
            self.destination.addItem(label, found.name)

    def chosen(self) -> str | None:
        data = self.destination.currentData()
        return str(data) if data is not None else None

    def _update(self) -> None:
        if self.destination.count() == 0:
            reason: str | None = _(
                "There is no destination yet: add one under Destinations… first."
            )
        elif self.job is not None:
            reason = _("Wait for this fetch to end, or cancel it.")
        else:
            reason = None
        self.reason.show_reason(reason)
        self.reason.setVisible(reason is not None)
        self.destination.setEnabled(self.job is None)

    # Fetching

    def fetch(self) -> None:
        name, service = self.chosen(), self.session.delivery
        if name is None or service is None or self.job is not None:
            return
        self.news = FetchNews()
        self._say(_("Asking {name} what is waiting…").format(name=isolate(name)))
        self.progress.setValue(0)
        self.progress_label.setText("")
        self.job = service.fetch(name, self.news)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self.progress_row.show()
        self.cancel_button.setEnabled(True)
        self.changes.set_busy(True)
        self._update()
        self.job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        remote, number, count = self.news.now()
        if number:
            self.progress_label.setText(
                _("Bundle {number} of {total}: {size}").format(
                    number=number, total=count, size=human_size(total)
                )
            )
            self._say(_("Fetching {name}").format(name=isolate(remote)))
        if total > 0:
            self.progress.setValue(min(STEPS, done * STEPS // total))

    def _finished(self, results: list[Fetched]) -> None:
        name = self._ended()
        for fetched in results:
            self._add_row(fetched)
        if not results:
            self._say(
                _("Nothing new at {name}: every bundle there is imported already.").format(
                    name=isolate(name)
                )
            )
        else:
            self._say(
                _("Fetched {count} bundle(s) from {name}.").format(
                    count=len(results), name=isolate(name)
                )
            )
        statuses = {f.status for f in results}
        conflicts = any(
            f.result is not None and f.result.counts.get(Outcome.CONFLICT) for f in results
        )
        self.review_button.setVisible(ImportStatus.QUARANTINED in statuses or conflicts)
        if ImportStatus.MERGED in statuses:
            self.imported.emit()

    def _failed(self, message: str) -> None:
        cancelled = self.job is not None and self.job.cancel_requested
        self._ended()
        if cancelled:
            self._say(
                _(
                    "The fetch was cancelled. Bundles imported before stay imported; the "
                    "next fetch goes on where this one stopped."
                )
            )
            self.imported.emit()  # one may have merged before the cancel
            return
        self._say(
            message + " " + _("Bundles imported before this stay imported."),
            error=True,
        )
        self.imported.emit()

    def _ended(self) -> str:
        name = self.chosen() or ""
        if self.job is not None:
            self.job.detach()
        self.job = None
        self.progress_row.hide()
        self.changes.set_busy(False)
        self._update()
        return name

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # The report

    def _add_row(self, fetched: Fetched) -> None:
        bundles = self.session.bundles
        if fetched.status == REFUSED or fetched.result is None:
            word = _("Refused")
            details = (
                (fetched.error or "")
                + "\n"
                + _("It will not be fetched again unless it changes on the server.")
            )
            tone: QColor | None = TONES["rejected"]
        else:
            result = fetched.result
            sender = None
            if result.status != ImportStatus.QUARANTINED and bundles is not None:
                sender = bundles.trusted_name(result.signing_key)
            word, details = outcome(result, sender)
            if result.status == ImportStatus.QUARANTINED:
                details += "\n" + _("Open “Quarantine and conflicts…” below to review it.")
            tone = TONES.get(str(result.status))
        row = self.report.rowCount()
        self.report.insertRow(row)
        self.results.append(fetched)
        name = QTableWidgetItem(fetched.name)
        result_item = QTableWidgetItem(word)
        if tone is not None:
            result_item.setForeground(tone)
        for column, cell in enumerate((name, result_item, QTableWidgetItem(details))):
            self.report.setItem(row, column, cell)
        self.report.resizeRowToContents(row)
        select_row(self.report, row)

    def _show_changes(self) -> None:
        rows = self.report.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        if 0 <= row < len(self.results):
            fetched = self.results[row]
            self.changes.show_result(fetched.result, fetched.name)
        else:
            self.changes.show_result(None)

    def _open_case(self, case_id: str) -> None:
        if self.job is not None:
            return
        self.accept()
        self.open_case_requested.emit(case_id)

    def _open_review(self) -> None:
        """The import dialog's review tabs: trust a quarantined signer, resolve conflicts."""
        if self.job is not None or self.session.bundles is None:
            return
        self.review = ImportDialog(self.session, self)
        quarantined = any(f.status == ImportStatus.QUARANTINED for f in self.results)
        self.review.tabs.setCurrentIndex(QUARANTINE if quarantined else CONFLICTS)
        self.review.finished.connect(lambda _result: self.imported.emit())
        self.review.open()

    # Closing

    def _locking(self) -> None:
        self.cancel()
        self.reject()

    def done(self, result: int) -> None:
        # Closing mid-fetch cancels it: the bundle being imported rolls back.
        if self.job is not None:
            self.job.cancel()
            self.job.detach()
            self.job = None
        super().done(result)
