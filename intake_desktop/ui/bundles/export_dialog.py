"""Export: choose cases and trusted recipients, write a signed, encrypted bundle.

The bundle is written by a ``Job`` on its own thread and connection;
this dialog only collects the choices, shows progress (with Cancel) and
then says plainly where the file is, what is in it, its fingerprint (the
SHA-256 of its signed manifest) and whom it is encrypted for.

Before export it says which checked recipients are not cleared to receive
names marked as withheld (core leaves those names out), and which asked for
counsel packets. When core refuses
cases under their recorded consent, the refused cases and reasons take the
choices' place, with three ways on: back, export without them, or export
anyway, which asks once more and is never chosen for the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from ...core.i18n import _, ngettext
from ..jobs.job import Job
from ..outbox.send_to_box import SendToBox
from ..qt import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QShowEvent,
    QStackedWidget,
    QStandardPaths,
    Qt,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.bundles import BundleService, CaseChoice
from ..services.session import VaultSession
from ..services.vocabulary import ConsentRefused, ExportResult, RecipientRef
from ..widgets.bidi import isolate
from ..widgets.confirm import confirm_destructive
from .bundle_text import when
from .consent_refusal_view import ConsentRefusalView
from .export_result_view import ExportResultView, plain_label
from .fitting_page import FittingPage, fit_window
from .recipient_box import RecipientBox
from .save_to import SaveToBox, default_bundle_path

SELECTED, ALL, CHANGED = 0, 1, 2


@dataclass(frozen=True)
class ExportRequest:
    """What one press of Export asked for, kept to run it again after a refusal."""

    recipients: list[RecipientRef]
    out: Path | None  # None: into the outbox for ``destination``
    case_ids: list[str] | None  # None: every case
    destination: str | None = None


class ExportDialog(QDialog):
    exported = Signal(object)  # the ExportResult, once the file has its final name

    def __init__(
        self, session: VaultSession, selected_case_ids: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if session.bundles is None:  # not an assert: python -O would drop it
            raise RuntimeError("export needs an unlocked vault")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Export a bundle"))
        self.setMinimumWidth(640)
        self.session = session
        self.service = session.bundles
        self.selected = list(dict.fromkeys(selected_case_ids))
        self.job: Job | None = None
        self.written: ExportResult | None = None  # the last bundle written
        self.request: ExportRequest | None = None  # the last export started
        self.confirmation: QMessageBox | None = None
        self.fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._fitted = False

        # Two pages, so the dialog stays small enough for a 768-pixel screen:
        # the choices, then (once written) the result in their place. The
        # choices scroll in a window too short for them instead of overlapping.
        self.form = QWidget()
        column = QVBoxLayout(self.form)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._build_cases())
        self.recipients = RecipientBox(
            self.service.recipients(), self.fixed, self.service.packet_recipients
        )
        self.recipient_list = self.recipients.recipient_list
        self.recipient_pages = self.recipients.recipient_pages
        self.no_recipients = self.recipients.no_recipients
        self.withheld_note = self.recipients.withheld_note
        self.packets_note = self.recipients.packets_note
        column.addWidget(self.recipients, 1)
        self.save_to = SaveToBox(self._first_folder())
        self.output, self.choose_button = self.save_to.output, self.save_to.choose_button
        column.addWidget(self.save_to)
        outbox = session.outbox
        self.send_to = SendToBox(outbox.destinations() if outbox is not None else [])
        column.addWidget(self.send_to)
        self.form_page = FittingPage(self.form)
        self.result_box = ExportResultView()
        self.refusal = ConsentRefusalView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.result_box)
        self.pages.addWidget(self.refusal)
        self.message = plain_label()
        self.message.setObjectName("exportMessage")
        self.message.setAccessibleName(_("Export status"))
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            _("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.again_button = self.buttons.addButton(
            _("Export another…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.again_button.hide()
        # The ways on from a consent refusal (shown with it only).
        self.back_button = self.buttons.addButton(
            _("&Back to the choices"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.without_button = self.buttons.addButton(
            _("Export &without them"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.without_button.setAccessibleName(_("Export without the refused cases"))
        self.anyway_button = self.buttons.addButton(
            _("Export &anyway…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.anyway_button.setAccessibleName(
            _("Export the refused cases despite their consent (asks first; audited)")
        )
        self.refusal_buttons = (self.back_button, self.without_button, self.anyway_button)
        for button in self.refusal_buttons:
            button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(self._build_progress())
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # Only now, inside the dialog, does it take the default: made default before,
        # the dialog made the first button of the page its default (Choose…), and
        # Enter in "Save to" opened the file chooser instead of exporting.
        self.export_button.setDefault(True)

        self.export_button.clicked.connect(self.start_export)
        self.again_button.clicked.connect(self.show_form)
        self.back_button.clicked.connect(self.show_form)
        self.without_button.clicked.connect(self.export_without_refused)
        self.anyway_button.clicked.connect(self.ask_export_anyway)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.save_to.changed.connect(self._update_enabled)
        self.send_to.changed.connect(self._update_enabled)
        self.case_group.idClicked.connect(lambda _id: self._update_enabled())
        self.recipients.changed.connect(self._update_enabled)
        session.about_to_lock.connect(self._locking)

        for first, second in (
            (self.selected_radio, self.all_radio),
            (self.all_radio, self.changed_radio),
            (self.changed_radio, self.recipient_list),
            (self.recipient_list, self.output),
            (self.output, self.choose_button),
            (self.choose_button, self.send_to.check),
            (self.send_to.check, self.send_to.destination),
            (self.send_to.destination, self.export_button),
            (self.export_button, self.again_button),
            (self.again_button, self.back_button),
            (self.back_button, self.without_button),
            (self.without_button, self.anyway_button),
            (self.anyway_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self._update_enabled()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            fit_window(self, self.form_page)

    # Building

    def _build_cases(self) -> QGroupBox:
        box = QGroupBox(_("Cases"))
        self.case_group = QButtonGroup(self)
        self.choices: dict[int, CaseChoice] = {
            SELECTED: CaseChoice(self.selected, len(self.selected)),
            ALL: self.service.all_cases(),
            CHANGED: self.service.changed_since_last_export(),
        }
        n = len(self.selected)
        self.selected_radio = QRadioButton(
            ngettext("The selected case", "The {count} selected cases", n).format(count=n)
            if n
            else _("Selected cases (none is selected in the case list)")
        )
        self.all_radio = QRadioButton(
            _("All cases ({count})").format(count=self.choices[ALL].count)
        )
        last = self.service.last_export_at()
        changed = self.choices[CHANGED].count
        self.changed_radio = QRadioButton(
            _("Changed since the last export on {when} ({count})").format(
                when=isolate(when(last)), count=changed
            )
            if last
            else _("Changed since the last export (no export yet, so all {count})").format(
                count=changed
            )
        )
        column = QVBoxLayout(box)
        for ident, radio in (
            (SELECTED, self.selected_radio),
            (ALL, self.all_radio),
            (CHANGED, self.changed_radio),
        ):
            radio.setAccessibleName(radio.text())
            self.case_group.addButton(radio, ident)
            column.addWidget(radio)
        self.selected_radio.setEnabled(n > 0)
        self.empty_hint = plain_label(_("No case matches this choice: choose another."))
        self.empty_hint.hide()
        column.addWidget(self.empty_hint)
        start = (
            self.selected_radio if n else self.changed_radio if last and changed else self.all_radio
        )
        start.setChecked(True)
        return box

    def _first_folder(self) -> Path:
        """The folder this session last exported to (a USB stick), else Documents."""
        if self.service.last_folder is not None and self.service.last_folder.is_dir():
            return self.service.last_folder
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(folder) if folder and Path(folder).is_dir() else Path.home()

    def _build_progress(self) -> QHBoxLayout:
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(_("Export progress"))
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the export"))
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        return row

    # State

    def not_cleared(self) -> list[str]:
        """Names of the checked recipients not cleared to receive withheld names."""
        return self.recipients.not_cleared()

    def checked_recipients(self) -> list[QTreeWidgetItem]:
        return self.recipients.checked()

    def case_choice(self) -> CaseChoice:
        return self.choices[self.case_group.checkedId()]

    def set_output_path(self, path: Path) -> None:
        self.save_to.set_path(path)

    def output_path(self) -> Path | None:
        """The file Export would write now (None: the note under the path says why not)."""
        return self.save_to.target().path

    def _update_enabled(self) -> None:
        running = self.job is not None
        target = self.save_to.target()
        sending = self.send_to.chosen() is not None
        if not self.checked_recipients():
            reason = _("Check at least one recipient.")
        elif self.case_choice().count == 0:
            reason = _("No case matches this choice: choose another.")
        else:
            reason = "" if sending else target.problem
        self.export_button.setEnabled(not reason and not running)
        self.export_button.setAccessibleDescription(reason)
        self.empty_hint.setVisible(self.case_choice().count == 0)
        for radio in (self.selected_radio, self.all_radio, self.changed_radio):
            radio.setEnabled(
                not running and (radio is not self.selected_radio or bool(self.selected))
            )
        self.recipient_list.setEnabled(not running)
        for widget in (self.output, self.choose_button):
            widget.setEnabled(not running and not sending)
        self.send_to.set_running(running)
        for button in self.refusal_buttons:
            button.setEnabled(not running)
        if self._fitted:  # a note appeared: show it whole if the screen has room
            fit_window(self, self.form_page)

    # Actions

    def start_export(self) -> None:
        if not self.session.is_unlocked or self.job is not None:
            return
        # Checked again now: a file may have appeared, or the stick gone, since typing.
        target, destination = self.save_to.target(), self.send_to.chosen()
        if target.path is None and destination is None:
            self.message.setText(target.problem)
            self._update_enabled()
            return
        out = None if destination else target.path
        recipients = [BundleService.recipient_ref(e) for e in self.recipients.checked_entries()]
        self._run(ExportRequest(recipients, out, self.case_choice().case_ids, destination))

    def _run(self, request: ExportRequest, override_consent: bool = False) -> None:
        if not self.session.is_unlocked or self.job is not None:
            return
        outbox = self.session.outbox
        if request.out is not None:
            self.job = self.service.export(
                request.recipients, request.out, request.case_ids, override_consent
            )
            writing = _("Writing {path}…").format(path=isolate(request.out))
        elif request.destination is not None and outbox is not None:
            self.job = outbox.export(
                request.destination, request.recipients, request.case_ids, override_consent
            )
            writing = _("Writing the bundle into the outbox for {destination}…").format(
                destination=isolate(request.destination)
            )
        else:
            return
        self.request = request
        self.message.setText(writing)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self._update_enabled()
        self.job.start()

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(_("Cancelling…"))

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setValue(min(1000, done * 1000 // total))

    def _finished(self, result: ExportResult) -> None:
        self._job_ended()
        self.written = result
        queued = self.request.destination if self.request is not None else None
        self.message.setText(_("The bundle is queued.") if queued else _("The bundle is ready."))
        self.result_box.show_result(result)
        self.send_to.show_result(self.result_box, self.result_box.note, queued)
        self.pages.setCurrentWidget(self.result_box)
        self.export_button.hide()
        self._show_refusal_buttons(False)
        self.again_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        if not queued:  # the outbox is inside the vault: never a folder to offer again
            folder = result.path.parent
            self.service.last_folder = folder  # this session only: dropped on lock
            self.save_to.set_path(default_bundle_path(folder, dt.date.today()))
        self.exported.emit(result)

    def show_form(self) -> None:
        """Back to the choices for another bundle (a new file name is ready)."""
        self.pages.setCurrentWidget(self.form_page)
        self.message.clear()
        self.again_button.hide()
        self._show_refusal_buttons(False)
        self.export_button.show()
        self.export_button.setDefault(True)

    def _failed(self, message: str) -> None:
        cancelled = self.job is not None and self.job.cancel_requested
        error = self.job.error if self.job is not None else None
        self._job_ended()
        if isinstance(error, ConsentRefused) and not cancelled:
            self._show_refusal(error)
            return
        self.message.setText(
            _("The export was cancelled; no bundle was written.") if cancelled else message
        )

    # A consent refusal

    def _show_refusal(self, refused: ConsentRefused) -> None:
        titles = {
            p.case_id: _("(deleted case)")
            if self.service.is_deleted_case(p.case_id)
            else self.service.case_title(p.case_id)
            for p in refused.problems
        }
        self.refusal.show_refusal(refused, titles)
        self.pages.setCurrentWidget(self.refusal)
        self.message.clear()  # the page says it
        # Titles, reasons and ids side by side: wider than the choices need.
        screen = self.screen().availableGeometry().width() if self.screen() else 1024
        self.resize(max(self.width(), min(960, screen - 40)), self.height())
        self.export_button.hide()
        self.again_button.hide()
        self._show_refusal_buttons(True)
        self.back_button.setDefault(True)
        self.refusal.table.setFocus()

    def _show_refusal_buttons(self, shown: bool) -> None:
        for button in self.refusal_buttons:
            button.setVisible(shown)

    def export_without_refused(self) -> None:
        """The same export, leaving out the cases their consent keeps here."""
        if self.request is None:
            return
        refused = set(self.refusal.case_ids)
        chosen = self.service.case_ids(CaseChoice(self.request.case_ids, 0))
        rest = [c for c in chosen if c not in refused]
        if not rest:
            self.message.setText(
                _("Every chosen case is refused under its consent: there is nothing to export.")
            )
            return
        self._run(replace(self.request, case_ids=rest))

    def ask_export_anyway(self) -> None:
        """Asked once more, never assumed: core then audits each overridden case."""
        if self.request is None:
            return
        count = len(self.refusal.case_ids)
        request = self.request
        self.confirmation = confirm_destructive(
            self,
            _("Export anyway?"),
            ngettext(
                "Export {count} case although its recorded consent does not allow sharing it?",
                "Export {count} cases although their recorded consent does not allow sharing them?",
                count,
            ).format(count=count)
            + "\n\n"
            + _(
                "The override is written to the audit log, case by case, under your name. "
                "Do this only when the family agreed in a way not yet recorded."
            ),
            _("Export anyway"),
            lambda: self._run(request, override_consent=True),
        )

    def _job_ended(self) -> None:
        if self.job is not None:
            self.job.detach()
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_enabled()

    def _locking(self) -> None:
        self.cancel_export()
        self.reject()

    def done(self, result: int) -> None:
        # Closing mid-export cancels it: the job stops at its next chunk and
        # removes its temporary file; nothing gets the final name.
        if self.job is not None:
            self.job.cancel()
            self._job_ended()
        super().done(result)
