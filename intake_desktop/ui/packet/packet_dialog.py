"""Counsel packet…: one case's filing-ready PDF, written as a job with progress and Cancel.

The dialog asks where (proposing ``<case title>-packet.pdf`` in the home
folder, or the case id when names are withheld: a file name is seen by
anyone who sees the folder), whether to split it into parts under a size
(USCIS online filing takes files up to 12 MB), and whether to name people
whose names are withheld by their pseudonyms. It says the PDF is not
encrypted. The packet is drawn and assembled on a job's own connection
(``CaseService.counsel_packet``); Cancel stops it and nothing is written.
What was written, and the engine's notes (a scan it could not read), are
shown as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...core.i18n import _, ngettext
from ..jobs.job import Job
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.packet import DEFAULT_SPLIT_MB, PacketChoice, proposed_name
from ..services.session import VaultSession
from ..services.vocabulary import PacketRefused
from ..widgets.bidi import isolate
from ..widgets.file_dialogs import save_file
from ..widgets.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from ...packet import PacketResult

STYLE = """
QLabel#packet-warning { color: #8a5a00; }
QLabel#packet-outcome[level="error"] { color: #b3261e; }
"""
PROGRESS_STEPS = 1000

PDF_SUFFIX = ".pdf"  # added to a chosen name without it


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PacketDialog(QDialog):
    """The packet of one case; ``job`` while one is being written."""

    def __init__(
        self, session: VaultSession, case_id: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.title = title
        self.job: Job | None = None
        self.written: PacketResult | None = None
        self.setWindowTitle(_("Counsel packet"))
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(560)

        self.case_label = _label(
            _("The filing-ready PDF of the case {title}: cover sheet, checklist, index and"
              " exhibits.").format(title=isolate(title or case_id))
        )  # fmt: skip
        self.path = QLineEdit()
        self.path.setAccessibleName(_("File to write"))
        self.path.setClearButtonEnabled(True)
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.setAccessibleName(_("Choose the file to write"))
        self.choose_button.clicked.connect(self._choose)
        where = QHBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.path, 1)
        where.addWidget(self.choose_button)

        self.split = QCheckBox(_("Split into parts under"))
        self.split.setToolTip(_("USCIS online filing takes files up to 12 MB."))
        self.split_mb = QSpinBox()
        self.split_mb.setRange(1, 1000)
        self.split_mb.setValue(DEFAULT_SPLIT_MB)
        self.split_mb.setSuffix(" " + _("MB"))
        self.split_mb.setAccessibleName(_("Largest part, in megabytes"))
        self.split_mb.setEnabled(False)
        self.split.toggled.connect(self.split_mb.setEnabled)
        parts = QHBoxLayout()
        parts.setContentsMargins(0, 0, 0, 0)
        parts.addWidget(self.split)
        parts.addWidget(self.split_mb)
        parts.addStretch(1)
        self.pseudonyms = QCheckBox(_("Use pseudonyms instead of names"))
        self.pseudonyms.setToolTip(
            _("People whose names are withheld are named by their pseudonyms only.")
        )
        self.pseudonyms.toggled.connect(self._propose)

        form = QFormLayout()
        path_label = QLabel(_("Save to:"))
        path_label.setBuddy(self.path)
        form.addRow(path_label, where)
        form.addRow("", parts)
        form.addRow("", self.pseudonyms)
        # Shown once the recorded consent refused: writing anyway is a choice, audited.
        self.override = QCheckBox(
            _("Write it anyway: the family agreed, the consent is not recorded yet (audited)")
        )
        self.override.hide()
        form.addRow("", self.override)

        self.warning = _label(
            _(
                "The PDF is not encrypted: keep it on an encrypted drive, and delete it once"
                " it has been filed."
            )
        )
        self.warning.setObjectName("packet-warning")
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setAccessibleName(_("Progress"))
        self.progress.hide()
        self.outcome = _label()
        self.outcome.setObjectName("packet-outcome")
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()

        self.buttons = QDialogButtonBox()
        self.write_button = self.buttons.addButton(
            _("Write packet"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip(_("Stop writing the packet; nothing is written."))
        self.cancel_button.hide()
        self.write_button.clicked.connect(self.write)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.case_label)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        # Only now, inside the dialog (as the export dialog does): made default before,
        # Choose… became the default and Return in "Save to" opened the file chooser.
        self.write_button.setDefault(True)
        self._proposed = ""
        self._propose()
        session.about_to_lock.connect(self.reject)
        fit_to_screen(self)

    # The file

    def _propose(self) -> None:
        """The proposed name follows the pseudonym choice, until the person types their own."""
        if self.path.text() and self.path.text() != self._proposed:
            return
        name = proposed_name(self.title, self.case_id, self.pseudonyms.isChecked())
        self._proposed = str(Path.home() / name)
        self.path.setText(self._proposed)

    def _choose(self) -> None:
        chosen = save_file(
            self, _("Write the packet to"), self.path.text(), _("PDF files (*.pdf);;All files (*)")
        )
        if chosen:
            if not chosen.lower().endswith(PDF_SUFFIX):
                chosen += PDF_SUFFIX
            self.path.setText(chosen)

    def choice(self) -> PacketChoice | None:
        """What the form asks for, or None (and the reason shown) when the path will not do."""
        typed = self.path.text().strip()
        out = Path(typed).expanduser() if typed else None
        if out is None or not out.is_absolute():
            self._say(_("Type the whole path of the file to write, or use Choose…."), "error")
            return None
        if out.is_dir():
            self._say(
                _("{path} is a folder; type a file name.").format(path=isolate(typed)), "error"
            )
            return None
        split = float(self.split_mb.value()) if self.split.isChecked() else None
        override = self.override.isVisible() and self.override.isChecked()
        return PacketChoice(out, split, self.pseudonyms.isChecked(), override)

    # The job

    def write(self) -> None:
        service = self.session.cases
        if service is None or self.job is not None:
            return
        choice = self.choice()
        if choice is None:
            return
        self.job = job = service.counsel_packet(self.case_id, choice).bind(self)
        job.progress.connect(self._progress)
        job.finished.connect(self._written)
        job.failed.connect(lambda message: self._failed(message, job.error))
        self._running(True)
        self._say(_("Writing the packet…"), "info")
        job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self._say(_("Cancelling…"), "info")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * PROGRESS_STEPS // max(total, 1))

    def _written(self, result: PacketResult) -> None:
        self.job = None
        self.written = result
        self._running(False)
        self.progress.setValue(PROGRESS_STEPS)
        names = ", ".join(isolate(path.name) for path in result.files)
        lines = [
            ngettext(
                "Wrote {files}: {pages} page, {exhibits} exhibit(s).",
                "Wrote {files}: {pages} pages, {exhibits} exhibit(s).",
                result.pages,
            ).format(files=names, pages=result.pages, exhibits=result.exhibits)
        ]
        if len(result.files) > 1:
            lines.append(
                _("{count} parts, each under the size asked for unless a note says so.").format(
                    count=len(result.files)
                )
            )
        lines.extend(result.notes)
        self._say("\n".join(lines), "info")

    def _failed(self, message: str, error: BaseException | None = None) -> None:
        self.job = None
        self._running(False)
        self.progress.hide()
        self._say(message, "error")
        if isinstance(error, PacketRefused):
            self.override.show()

    def _running(self, running: bool) -> None:
        for widget in (self.path, self.choose_button, self.split, self.pseudonyms, self.override):
            widget.setEnabled(not running)
        self.split_mb.setEnabled(not running and self.split.isChecked())
        self.write_button.setVisible(not running)
        self.close_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)
            self.progress.show()
            self.cancel_button.setFocus()
        else:
            self.close_button.setFocus()

    def _say(self, text: str, level: str) -> None:
        self.outcome.setProperty("level", level)
        self.outcome.style().unpolish(self.outcome)
        self.outcome.style().polish(self.outcome)
        self.outcome.setText(text)
        self.outcome.setAccessibleDescription(text)
        self.outcome.show()

    def reject(self) -> None:
        """Closing (Esc, the window's ×, locking) while writing cancels: nothing is written."""
        if self.job is not None:
            self.job.cancel()
        super().reject()
