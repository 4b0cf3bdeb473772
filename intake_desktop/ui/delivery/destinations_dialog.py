"""Destinations: where this vault delivers bundles (SFTP servers, S3-compatible storage).

The list (name, kind, address, the pinned host key or the endpoint, added
when and by whom); Add…, Test (connects as the outbox would: host key,
credentials, a listing) and Remove…. For an SFTP destination whose SSH key
the vault made, the public line to give counsel's administrator, selectable
and with a Copy button: the private half never leaves the vault.

Everything goes through the session's ``DeliveryService``; the core checks
who may add or remove (a translator may not) and the buttons say so first.
"""

from __future__ import annotations

from itertools import pairwise

from ...core.errors import IntakeError
from ...core.i18n import _
from ..jobs.job import Job
from ..keys.keys_view import when_label
from ..qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QGroupBox,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ..services.delivery import SFTP, DeliveryService, Destination, TestResult
from ..services.session import VaultSession
from ..widgets.bidi import COPY_ROLE, isolate, select_row, show_in_natural_direction
from ..widgets.confirm import confirm_destructive
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import ScrollingBody, WholeRows, fit_to_screen
from .add_destination_dialog import AddDestinationDialog
from .delivery_text import kind_label, pinned_label, sftp_user

ERROR_STYLE = "color: #b71c1c;"


class DestinationsDialog(QDialog):
    COLUMNS = 6

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.add_dialog: AddDestinationDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.job: Job | None = None
        self.setWindowTitle(_("Destinations"))
        service = session.delivery
        if service is None:
            raise RuntimeError("DestinationsDialog needs an unlocked vault")
        self.may_manage = service.may_manage

        intro = QLabel(
            _(
                "Where this vault delivers bundles: counsel's SFTP server or S3-compatible "
                "storage. Credentials stay in the encrypted vault. Test a destination to check "
                "its host key and credentials before anything is sent."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, self.COLUMNS)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Destinations"))
        self.table.setHorizontalHeaderLabels(
            [
                _("Name"),
                _("Kind"),
                _("Address"),
                _("Host key or endpoint"),
                _("Added"),
                _("Added by"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        self.whole_rows = WholeRows(self.table, fewest=2, most=5)
        header = self.table.horizontalHeader()
        # Every column whole (an address or a host key cut short is no use); the
        # table asks for their width and the dialog grows to it, up to the screen.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(
            _(
                "No destination yet. Add the SFTP server or the storage counsel gave you, "
                "after comparing its host key with counsel's administrator."
            )
        )
        self.empty.setWordWrap(True)

        self.add = QPushButton(_("&Add…"))
        self.add.setAccessibleName(_("Add a destination"))
        self.test = QPushButton(_("&Test"))
        self.test.setAccessibleName(_("Test the chosen destination"))
        self.remove = QPushButton(_("Re&move…"))
        self.remove.setAccessibleName(_("Remove the chosen destination"))
        self.reason = DisabledReason(None)
        self.reason.setObjectName("destinationsReason")
        buttons_row = QHBoxLayout()
        for button in (self.add, self.test, self.remove):
            buttons_row.addWidget(button)
        buttons_row.addWidget(self.reason, 1)

        self.message = QLabel()
        self.message.setObjectName("destinationsMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)

        # The public line of a key the vault made, for counsel's administrator.
        self.public_box = QGroupBox(_("Public key for counsel's administrator"))
        self.public_about = QLabel()
        self.public_about.setTextFormat(Qt.TextFormat.PlainText)
        self.public_about.setWordWrap(True)
        self.public_key = QLineEdit()
        self.public_key.setObjectName("destinationPublicKey")
        self.public_key.setReadOnly(True)
        self.public_key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.public_key.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.public_key.setAccessibleName(_("Public key for counsel's administrator"))
        self.copy = QPushButton(_("&Copy public key"))
        self.copy.setToolTip(_("Copy this public key (never the private key) to the clipboard"))
        key_row = QHBoxLayout()
        key_row.addWidget(self.public_key, 1)
        key_row.addWidget(self.copy)
        public_layout = QVBoxLayout(self.public_box)
        public_layout.addWidget(self.public_about)
        public_layout.addLayout(key_row)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(intro)
        body.addWidget(self.table)
        body.addWidget(self.empty)
        body.addLayout(buttons_row)
        body.addWidget(self.message)
        body.addWidget(self.public_box)
        body.addStretch()
        self.body = ScrollingBody(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(close)
        chain = [self.table, self.add, self.test, self.remove, self.public_key, self.copy]
        for first, second in pairwise([*chain, self.close_button]):
            QWidget.setTabOrder(first, second)

        self.add.clicked.connect(self._open_add)
        self.test.clicked.connect(self._test)
        self.remove.clicked.connect(self._ask_remove)
        self.copy.clicked.connect(self._copy)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        session.locked.connect(self._on_locked)
        self.setMinimumWidth(720)
        self.reload()
        fit_to_screen(self)

    @property
    def service(self) -> DeliveryService | None:
        return self.session.delivery  # None once the vault has locked

    # The table

    def reload(self, select: str | None = None) -> None:
        service = self.service
        found = service.list() if service is not None else []
        self.table.setRowCount(0)
        for row, destination in enumerate(found):
            self.table.insertRow(row)
            values = (
                destination.name,
                kind_label(destination.kind),
                destination.url,
                pinned_label(destination),
                when_label(destination.added_at),
                destination.added_by,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # always plain text: names are typed
                item.setData(Qt.ItemDataRole.UserRole, destination.name)
                if column == 4:
                    item.setData(COPY_ROLE, when_label(destination.added_at, str))
                self.table.setItem(row, column, item)
            if destination.name == select:
                select_row(self.table, row)
        if select is None and found:
            select_row(self.table, 0)
        self.whole_rows.measure()
        self.table.setVisible(bool(found))
        self.empty.setVisible(not found)
        self._selection_changed()

    def selected(self) -> Destination | None:
        items = self.table.selectedItems()
        service = self.service
        if not items or service is None:
            return None
        try:
            return service.get(str(items[0].data(Qt.ItemDataRole.UserRole)))
        except IntakeError:
            return None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        busy = self.job is not None
        manage_note = _(
            "As a translator you cannot add or remove destinations: ask a caseworker or a "
            "coordinator."
        )
        self.add.setEnabled(self.may_manage and not busy)
        self.test.setEnabled(chosen is not None and not busy)
        self.remove.setEnabled(self.may_manage and chosen is not None and not busy)
        if not self.may_manage:
            reason: str | None = manage_note
        elif busy:
            reason = _("Wait for the test to end.")
        elif chosen is None:
            reason = _("Choose a destination in the list to test or remove it.")
        else:
            reason = None
        self.reason.show_reason(reason)
        for button in (self.add, self.test, self.remove):
            button.setAccessibleDescription("" if button.isEnabled() else (reason or ""))
        self._show_public(chosen)

    def _show_public(self, chosen: Destination | None) -> None:
        public = chosen.public_key if chosen is not None and chosen.kind == SFTP else None
        self.public_box.setVisible(public is not None)
        if chosen is None or public is None:
            self.public_key.clear()
            return
        self.public_about.setText(
            _(
                "This vault made an SSH key for {name}. Give this public line to counsel's "
                "administrator, to let the user {user} log in with it (their "
                "authorized_keys). It is public: email or chat will do, but compare the host "
                "key by voice."
            ).format(name=isolate(chosen.name), user=isolate(sftp_user(chosen)))
        )
        self.public_key.setText(public)
        self.public_key.setCursorPosition(0)

    def _copy(self) -> None:
        text = self.public_key.text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self._say(_("The public key is on the clipboard."))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # Adding

    def _open_add(self) -> None:
        self._say("")
        self.add_dialog = AddDestinationDialog(self.session, self)
        self.add_dialog.accepted.connect(self._added)
        self.add_dialog.open()

    def _added(self) -> None:
        dialog = self.add_dialog
        added = dialog.added if dialog is not None else None
        if added is None:
            return
        self.reload(select=added.name)
        line = _("Added the destination {name} ({url}).").format(
            name=isolate(added.name), url=isolate(added.url)
        )
        if added.public_key:
            line += " " + _(
                "Give the public key below to the server's administrator, then press Test."
            )
        else:
            line += " " + _("Press Test to check it.")
        self._say(line)

    # Testing

    def _test(self) -> None:
        chosen, service = self.selected(), self.service
        if chosen is None or service is None or self.job is not None:
            return
        self._say(_("Testing {name}…").format(name=isolate(chosen.name)))
        self.job = service.test(chosen.name).bind(self)
        self.job.finished.connect(self._tested)
        self.job.failed.connect(self._test_failed)
        self._selection_changed()
        self.job.start()

    def _tested(self, result: TestResult) -> None:
        self.job = None
        self._selection_changed()
        self._say(
            _(
                "{name} answers: the host key and credentials are right; {count} file(s) there."
            ).format(name=isolate(result.name), count=result.files)
        )

    def _test_failed(self, message: str) -> None:
        self.job = None
        self._selection_changed()
        self._say(message, error=True)

    # Removing

    def _ask_remove(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.confirmation = confirm_destructive(
            self,
            _("Remove destination"),
            _(
                "Remove the destination {name}? Its credentials are deleted from this vault. "
                "Bundles waiting in the outbox for it are not sent until it is added again."
            ).format(name=isolate(chosen.name)),
            _("Remove"),
            lambda: self._remove(chosen.name),
        )

    def _remove(self, name: str) -> None:
        service = self.service
        if service is None:
            return
        try:
            removed = service.remove(name)
        except IntakeError as exc:
            self._say(str(exc), error=True)
            return
        self.reload()
        self._say(_("Removed the destination {name}.").format(name=isolate(removed.name)))

    # Closing

    def _on_locked(self) -> None:
        self.table.setRowCount(0)
        self.public_key.clear()
        self.reject()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.detach()  # a test changes nothing: it runs to its end unheard
            self.job = None
        super().done(result)
