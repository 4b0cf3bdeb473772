"""Export: choose cases and trusted recipients, write a signed, encrypted bundle.

The bundle is written by a ``Job`` on its own thread and connection;
this dialog only collects the choices, shows progress (with Cancel) and
then says plainly where the file is, what is in it, its fingerprint (the
SHA-256 of its signed manifest) and whom it is encrypted for.

Before export it says which checked recipients are not cleared to receive
names marked as withheld (core leaves those names out). When core refuses
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
from ..qt import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QStandardPaths,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.bundles import BundleService, CaseChoice
from ..services.session import VaultSession
from ..services.vocabulary import ConsentRefused, ExportResult, RecipientRef, TrustEntry
from ..widgets.bidi import isolate
from ..widgets.confirm import confirm_destructive
from ..widgets.file_dialogs import save_file
from .bundle_text import when
from .consent_refusal_view import ConsentRefusalView
from .export_result_view import ExportResultView, plain_label

SELECTED, ALL, CHANGED = 0, 1, 2
SUFFIX = ".intake"


@dataclass(frozen=True)
class ExportRequest:
    """What one press of Export asked for, kept to run it again after a refusal."""

    recipients: list[RecipientRef]
    out: Path
    case_ids: list[str] | None  # None: every case


def default_bundle_path(folder: Path, today: dt.date) -> Path:
    """``field-YYYY-MM-DD.intake`` in ``folder``, numbered if that name is taken."""
    stem = f"field-{today.isoformat()}"
    path, n = folder / f"{stem}{SUFFIX}", 2
    while path.exists():
        path, n = folder / f"{stem}-{n}{SUFFIX}", n + 1
    return path


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

        # Two pages, so the dialog stays small enough for a 768-pixel screen:
        # the choices, then (once written) the result in their place.
        self.form = QWidget()
        column = QVBoxLayout(self.form)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._build_cases())
        column.addWidget(self._build_recipients(), 1)
        column.addWidget(self._build_output())
        self.result_box = ExportResultView()
        self.refusal = ConsentRefusalView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.form)
        self.pages.addWidget(self.result_box)
        self.pages.addWidget(self.refusal)
        self.message = plain_label()
        self.message.setObjectName("exportMessage")
        self.message.setAccessibleName(_("Export status"))
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            _("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
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

        self.export_button.clicked.connect(self.start_export)
        self.again_button.clicked.connect(self.show_form)
        self.back_button.clicked.connect(self.show_form)
        self.without_button.clicked.connect(self.export_without_refused)
        self.anyway_button.clicked.connect(self.ask_export_anyway)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.choose_button.clicked.connect(self.choose_output)
        self.output.textChanged.connect(lambda _text: self._update_enabled())
        self.case_group.idClicked.connect(lambda _id: self._update_enabled())
        self.recipient_list.itemChanged.connect(lambda *_args: self._update_enabled())
        session.about_to_lock.connect(self._locking)

        for first, second in (
            (self.selected_radio, self.all_radio),
            (self.all_radio, self.changed_radio),
            (self.changed_radio, self.recipient_list),
            (self.recipient_list, self.output),
            (self.output, self.choose_button),
            (self.choose_button, self.export_button),
            (self.export_button, self.again_button),
            (self.again_button, self.back_button),
            (self.back_button, self.without_button),
            (self.without_button, self.anyway_button),
            (self.anyway_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self._update_enabled()

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

    def _build_recipients(self) -> QGroupBox:
        box = QGroupBox(_("Encrypt for"))
        self.recipient_list = QTreeWidget()
        self.recipient_list.setAccessibleName(_("Recipients"))
        self.recipient_list.setRootIsDecorated(False)
        self.recipient_list.setHeaderLabels([_("Recipient"), _("Fingerprint")])
        self.recipient_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.recipient_list.header().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.recipient_list.header().setStretchLastSection(True)
        self.recipient_list.setMinimumHeight(90)
        entries = self.service.recipients()
        for entry in entries:
            item = QTreeWidgetItem([entry.name, entry.fingerprint])
            item.setData(0, Qt.ItemDataRole.UserRole, entry)
            item.setFont(1, self.fixed)
            item.setToolTip(1, _("Compare with the fingerprint the recipient reads to you."))
            checked = len(entries) == 1
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.recipient_list.addTopLevelItem(item)
        hint = plain_label(
            _(
                "Only the recipients checked here can open the bundle. The list holds the "
                "keys whose fingerprints were compared on the Keys screen."
            )
        )
        self.no_recipients = plain_label(
            _(
                "There is no trusted recipient yet, so nobody could open a bundle. Open Keys "
                "(in the toolbar), ask the coordinator for their age recipient (it starts "
                "with age1), compare its fingerprint with them by phone or in person, add "
                "it as a recipient, then export again."
            )
        )
        # Core leaves withheld names out unless every recipient is cleared for them.
        self.withheld_note = plain_label()
        self.withheld_note.setObjectName("withheldNote")
        self.withheld_note.setAccessibleName(_("Names marked as withheld"))
        self.withheld_note.hide()
        self.no_recipients.setObjectName("noRecipients")
        self.no_recipients.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        self.recipient_pages = QStackedWidget()
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.recipient_list)
        column.addWidget(hint)
        column.addWidget(self.withheld_note)
        self.recipient_pages.addWidget(page)
        self.recipient_pages.addWidget(self.no_recipients)
        self.recipient_pages.setCurrentIndex(0 if entries else 1)
        QVBoxLayout(box).addWidget(self.recipient_pages)
        return box

    def _build_output(self) -> QGroupBox:
        box = QGroupBox(_("Save to"))
        self.output = QLineEdit()
        self.output.setAccessibleName(_("Bundle file"))
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
        self.output.setText(str(default_bundle_path(base, dt.date.today())))
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.setAccessibleName(_("Choose the bundle file"))
        row = QHBoxLayout(box)
        row.addWidget(self.output, 1)
        row.addWidget(self.choose_button)
        return box

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
        entries: list[TrustEntry] = [
            i.data(0, Qt.ItemDataRole.UserRole) for i in self.checked_recipients()
        ]
        return [e.name for e in entries if not e.withheld_names]

    def _show_withheld_note(self) -> None:
        checked = self.checked_recipients()
        names = self.not_cleared()
        if not checked:
            self.withheld_note.hide()
            return
        if names:
            text = _(
                "Names marked as withheld will be left out of this bundle. Not cleared to "
                "receive them: {names}."
            ).format(names=", ".join(isolate(n) for n in names))
        else:
            text = _(
                "Every recipient checked is cleared to receive names marked as withheld: "
                "they travel in this bundle."
            )
        self.withheld_note.setText(text)
        self.withheld_note.show()

    def checked_recipients(self) -> list[QTreeWidgetItem]:
        tree = self.recipient_list
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        return [i for i in items if i is not None and i.checkState(0) == Qt.CheckState.Checked]

    def case_choice(self) -> CaseChoice:
        return self.choices[self.case_group.checkedId()]

    def set_output_path(self, path: Path) -> None:
        self.output.setText(str(path))

    def output_path(self) -> Path | None:
        text = self.output.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)

    def _update_enabled(self) -> None:
        running = self.job is not None
        ready = (
            bool(self.checked_recipients())
            and self.output_path() is not None
            and self.case_choice().count > 0
        )
        self.export_button.setEnabled(ready and not running)
        self.empty_hint.setVisible(self.case_choice().count == 0)
        for radio in (self.selected_radio, self.all_radio, self.changed_radio):
            radio.setEnabled(
                not running and (radio is not self.selected_radio or bool(self.selected))
            )
        for widget in (self.recipient_list, self.output, self.choose_button):
            widget.setEnabled(not running)
        for button in self.refusal_buttons:
            button.setEnabled(not running)
        self._show_withheld_note()

    # Actions

    def choose_output(self) -> None:
        current = self.output_path() or default_bundle_path(Path.home(), dt.date.today())
        name = save_file(self, _("Save the bundle as"), str(current), _("Bundles (*.intake)"))
        if name:
            self.output.setText(name)

    def start_export(self) -> None:
        out = self.output_path()
        if out is None or not self.session.is_unlocked or self.job is not None:
            return
        if out.exists():
            self.message.setText(
                _(
                    "{path} already exists, and a bundle never replaces a file. "
                    "Choose another name."
                ).format(path=isolate(out))
            )
            return
        if not out.parent.is_dir():
            self.message.setText(
                _("The folder {path} does not exist.").format(path=isolate(out.parent))
            )
            return
        recipients = [
            BundleService.recipient_ref(i.data(0, Qt.ItemDataRole.UserRole))
            for i in self.checked_recipients()
        ]
        self._run(ExportRequest(recipients, out, self.case_choice().case_ids))

    def _run(self, request: ExportRequest, override_consent: bool = False) -> None:
        if not self.session.is_unlocked or self.job is not None:
            return
        self.request = request
        self.message.setText(_("Writing {path}…").format(path=isolate(request.out)))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.job = self.service.export(
            request.recipients, request.out, request.case_ids, override_consent
        )
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
        self.message.setText(_("The bundle is ready."))
        self.result_box.show_result(result)
        self.pages.setCurrentWidget(self.result_box)
        self.export_button.hide()
        self._show_refusal_buttons(False)
        self.again_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        folder = result.path.parent
        self.output.setText(str(default_bundle_path(folder, dt.date.today())))
        self.exported.emit(result)

    def show_form(self) -> None:
        """Back to the choices for another bundle (a new file name is ready)."""
        self.pages.setCurrentWidget(self.form)
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
