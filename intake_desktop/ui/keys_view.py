"""Keys: this vault's public keys to hand out, and the keys it trusts.

Mirrors ``core/identity.py`` (the two cards) and ``core/trust.py`` (the
table, add and remove). The dialog reads the vault through the session each
time it needs it and closes itself when the session locks.
"""

from __future__ import annotations

from ..core import identity
from ..core.errors import IntakeError
from ..core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from ..core.i18n import _
from ..core.trust import DEVICE, RECIPIENT, TrustEntry, TrustStore
from .bidi import show_in_natural_direction
from .confirm import confirm_destructive
from .key_card import KeyCard
from .qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
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
)
from .session import VaultSession
from .trust_add_dialog import TrustAddDialog


def kind_label(kind: str) -> str:
    return _("Device (signing key)") if kind == DEVICE else _("Recipient (age)")


def when_label(stamp: str) -> str:
    """``2026-11-27T22:21:08Z`` as ``2026-11-27 22:21 UTC``."""
    return stamp[:16].replace("T", " ") + " " + _("UTC") if len(stamp) >= 16 else stamp


class KeysDialog(QDialog):
    COLUMNS = 5

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.add_dialog: TrustAddDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.setWindowTitle(_("Keys"))
        vault = session.vault
        if vault is None:
            raise RuntimeError("KeysDialog needs an unlocked vault")
        own = identity.load(vault.conn)

        # Two short lines, not word-wrapped: see KeyCard on wrapped labels.
        intro = QLabel(
            _(
                "Give these public keys to the other devices.\n"
                "Compare fingerprints by voice or in person: never trust one sent by email "
                "or chat alone."
            )
        )
        self.recipient_card = KeyCard(
            _("Age recipient"),
            _("Others encrypt bundles to this vault with it."),
            own.age_recipient,
            recipient_fingerprint(own.age_recipient),
        )
        self.signing_card = KeyCard(
            _("Signing key"),
            _("Others check that bundles really come from this vault with it."),
            own.signing_key,
            signing_key_fingerprint(own.signing_key),
        )
        cards = QHBoxLayout()
        cards.addWidget(self.recipient_card)
        cards.addWidget(self.signing_card)

        self.table = QTableWidget(0, self.COLUMNS)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Trusted devices and recipients"))
        self.table.setHorizontalHeaderLabels(
            [_("Name"), _("Kind"), _("Fingerprint"), _("Added"), _("Added by")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(
            _(
                "Nothing is trusted yet. Add the devices whose bundles you import, and the "
                "recipients you export to."
            )
        )
        self.empty.setWordWrap(True)
        self.add_device = QPushButton(_("Add &device…"))
        self.add_recipient = QPushButton(_("Add &recipient…"))
        self.remove = QPushButton(_("Re&move…"))
        self.remove.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("keysMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        # One line, no word wrap: a label that grows taller after layout would
        # squeeze the QR codes below their size (Qt lays out height-for-width late).
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        buttons_row = QHBoxLayout()
        for button in (self.add_device, self.add_recipient, self.remove):
            buttons_row.addWidget(button)
        buttons_row.addStretch()
        trusted = QGroupBox(_("Trusted devices and recipients"))
        trusted_layout = QVBoxLayout(trusted)
        trusted_layout.addWidget(self.table)
        trusted_layout.addWidget(self.empty)
        trusted_layout.addLayout(buttons_row)
        trusted_layout.addWidget(self.message)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(cards)
        layout.addWidget(trusted, 1)
        layout.addWidget(close)
        QWidget.setTabOrder(self.recipient_card.copy, self.signing_card.key_text)
        QWidget.setTabOrder(self.signing_card.copy, self.table)
        QWidget.setTabOrder(self.table, self.add_device)

        self.add_device.clicked.connect(lambda: self._open_add(DEVICE))
        self.add_recipient.clicked.connect(lambda: self._open_add(RECIPIENT))
        self.remove.clicked.connect(self._ask_remove)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        session.locked.connect(self._on_locked)
        self.reload()

    # The table

    def entries(self) -> list[TrustEntry]:
        vault = self.session.vault
        return TrustStore(vault).entries() if vault is not None else []

    def reload(self, select: str | None = None) -> None:
        entries = self.entries()
        self.table.setRowCount(0)
        for row, entry in enumerate(entries):
            self.table.insertRow(row)
            values = (
                entry.name,
                kind_label(entry.kind),
                entry.fingerprint,
                when_label(entry.added_at),
                entry.added_by,
            )
            for column, value in enumerate(values):
                # QTableWidgetItem text is always plain: names are user-typed.
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, entry.name)
                self.table.setItem(row, column, item)
            if entry.name == select:
                self.table.selectRow(row)
        self.table.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        self._selection_changed()

    def selected_name(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _selection_changed(self) -> None:
        self.remove.setEnabled(self.selected_name() is not None)

    # Adding

    def _open_add(self, kind: str) -> None:
        self.message.clear()
        self.add_dialog = TrustAddDialog(self.session, kind, self)
        self.add_dialog.accepted.connect(self._added)
        self.add_dialog.open()

    def _added(self) -> None:
        dialog = self.add_dialog
        if dialog is not None and dialog.entry is not None:
            self.reload(select=dialog.entry.name)
            self.message.setText(
                _("{name} is now trusted. Fingerprint: {fingerprint}").format(
                    name=dialog.entry.name, fingerprint=dialog.entry.fingerprint
                )
            )

    # Removing

    def _ask_remove(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        self.confirmation = confirm_destructive(
            self,
            _("Stop trusting"),
            _(
                "Stop trusting {name}? Bundles it signs will be held in quarantine, and you "
                "can no longer export to it. You can add it again after comparing fingerprints."
            ).format(name=name),
            _("Stop trusting"),
            lambda: self._remove(name),
        )

    def _remove(self, name: str) -> None:
        vault = self.session.vault
        if vault is None:
            return
        try:
            entry = TrustStore(vault).remove(name)
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.reload()
        self.message.setText(_("{name} is no longer trusted.").format(name=entry.name))

    def _on_locked(self) -> None:
        self.table.setRowCount(0)
        self.reject()
