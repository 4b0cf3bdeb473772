"""The Quarantine tab: bundles from signers this vault does not trust yet.

A quarantined bundle stays encrypted in the vault folder and nothing of it
is merged. Its claimed sender name is shown as an unverified claim in plain
text; what counts is the signer's fingerprint, which a coordinator compares
with the sender out of band before trusting the device (and then importing).
"""

from __future__ import annotations

from ..core.bundle.importer import QuarantinedBundle
from ..core.errors import IntakeError
from ..core.i18n import _
from .bidi import show_in_natural_direction
from .bundle_service import BundleService
from .bundle_text import human_size, when
from .qt import (
    QAbstractItemView,
    QFontDatabase,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .trust_device_dialog import TrustDeviceDialog


class QuarantineView(QWidget):
    import_requested = Signal(int)  # quarantine id, its signer now trusted
    changed = Signal()  # a device was trusted or a bundle discarded

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.entries: list[QuarantinedBundle] = []
        self.trust_dialog: TrustDeviceDialog | None = None
        self._busy = False
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.fixed = fixed

        intro = QLabel()
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setText(
            _(
                "These bundles are signed by keys this vault does not trust; nothing in them "
                "was merged. The sender name is only what the bundle claims. Compare the "
                "fingerprint with the sender by phone or in person, then trust the device "
                "and import."
            )
        )
        self.table = QTableWidget(0, 4)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Quarantined bundles"))
        self.table.setHorizontalHeaderLabels(
            [_("Claimed sender (unverified)"), _("Signer fingerprint"), _("Received"), _("Size")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.state = QLabel()
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(_("Quarantine status"))
        self.trust_button = QPushButton(_("Trust this device…"))
        self.import_button = QPushButton(_("Import"))
        self.discard_button = QPushButton(_("Discard…"))
        for button, name in (
            (self.trust_button, _("Trust the signer of the selected bundle")),
            (self.import_button, _("Import the selected bundle")),
            (self.discard_button, _("Discard the selected bundle")),
        ):
            button.setAccessibleName(name)

        buttons = QHBoxLayout()
        buttons.addWidget(self.trust_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch()
        buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.state)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._update)
        self.trust_button.clicked.connect(self.ask_trust)
        self.import_button.clicked.connect(self._import_selected)
        self.discard_button.clicked.connect(self.ask_discard)
        QWidget.setTabOrder(self.table, self.trust_button)
        QWidget.setTabOrder(self.trust_button, self.import_button)
        QWidget.setTabOrder(self.import_button, self.discard_button)
        self.reload()

    # Contents

    def reload(self) -> None:
        selected = self.current()
        self.entries = self.service.quarantined()
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            claimed = QTableWidgetItem(entry.producer_name)
            claimed.setToolTip(_("What the bundle says; not verified."))
            fingerprint = QTableWidgetItem(entry.fingerprint)
            fingerprint.setFont(self.fixed)
            received = QTableWidgetItem(when(entry.received_at))
            size = QTableWidgetItem(human_size(entry.size))
            for column, item in enumerate((claimed, fingerprint, received, size)):
                self.table.setItem(row, column, item)
        again = next((i for i, e in enumerate(self.entries) if selected and e.id == selected.id), 0)
        if self.entries:
            self.table.selectRow(again)
        self._update()

    def count(self) -> int:
        return len(self.entries)

    def current(self) -> QuarantinedBundle | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, quarantine_id: int) -> None:
        row = next((i for i, e in enumerate(self.entries) if e.id == quarantine_id), -1)
        if row >= 0:
            self.table.selectRow(row)

    def set_busy(self, busy: bool) -> None:
        """While an import runs the vault is write-locked: no trusting or discarding."""
        self._busy = busy
        self._update()

    def _update(self) -> None:
        entry = self.current()
        trusted = self.service.trusted_name(entry.signing_key) if entry else None
        if entry is None:
            self.state.setText(_("No bundle is waiting.") if not self.entries else "")
        elif trusted is None:
            self.state.setText(
                _("Signer not trusted. Fingerprint to compare: {fingerprint}").format(
                    fingerprint=entry.fingerprint
                )
            )
        else:
            self.state.setText(
                _("The signer is now trusted as {name}: the bundle can be imported.").format(
                    name=trusted
                )
            )
        free = entry is not None and not self._busy
        self.trust_button.setEnabled(free and trusted is None)
        self.import_button.setEnabled(free and trusted is not None)
        self.discard_button.setEnabled(free)

    # Actions

    def ask_trust(self) -> None:
        entry = self.current()
        if entry is None:
            return
        self.trust_dialog = TrustDeviceDialog(entry, self.service, self)
        self.trust_dialog.accepted.connect(lambda: self._trusted(entry.id))
        self.trust_dialog.open()

    def _trusted(self, quarantine_id: int) -> None:
        self.trust_dialog = None
        self.changed.emit()
        self._update()
        self.import_requested.emit(quarantine_id)

    def _import_selected(self) -> None:
        entry = self.current()
        if entry is not None:
            self.import_requested.emit(entry.id)

    def ask_discard(self) -> None:
        entry = self.current()
        if entry is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Discard this bundle?"),
            _(
                "The encrypted file from the signer {fingerprint} will be deleted from this "
                "vault. Nothing of it was merged."
            ).format(fingerprint=entry.fingerprint),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.buttonClicked.connect(
            lambda button: (
                self.discard(entry.id)
                if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole
                else None
            )
        )
        box.open()

    def discard(self, quarantine_id: int) -> None:
        try:
            self.service.discard_quarantined(quarantine_id)
        except IntakeError as exc:
            self.state.setText(str(exc))
            return
        self.reload()
        self.changed.emit()
