"""Keys: this vault's public keys to hand out, and the keys it trusts.

Everything goes through the session's ``KeyService``: this vault's public
keys (the two cards) and the trust store (the table, add, revoke a lost
device, remove, whether a recipient is cleared to receive names marked
as withheld, and whether its bundles carry counsel packets). The
dialog asks the session for the service each time it needs it and closes
itself when the session locks.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import (
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
from ..services.keys import KeyService
from ..services.session import VaultSession
from ..services.vocabulary import DEVICE, RECIPIENT, TrustEntry
from ..widgets.bidi import COPY_ROLE, isolate, select_row, show_in_natural_direction
from ..widgets.confirm import confirm_destructive
from ..widgets.screen_fit import ScrollingBody, WholeRows, fit_to_screen
from .key_card import KeyCard
from .trust_add_dialog import TrustAddDialog
from .trust_table import TrustTable


def kind_label(kind: str) -> str:
    return _("Device (signing key)") if kind == DEVICE else _("Recipient (age)")


def withheld_label(entry: TrustEntry) -> str:
    """Whether bundles to a recipient carry names marked as withheld (devices: nothing)."""
    if entry.kind != RECIPIENT:
        return ""
    return _("Cleared") if entry.withheld_names else _("Left out")


def packets_label(entry: TrustEntry) -> str:
    """Whether bundles to a recipient carry each case's counsel packet (devices: nothing)."""
    if entry.kind != RECIPIENT:
        return ""
    return _("Included") if entry.packets else _("Not included")


def when_label(stamp: str, value: Callable[[str], str] = isolate) -> str:
    """``2026-11-27T22:21:08Z`` as ``2026-11-27 22:21 UTC``; ``value`` wraps the date and
    time (isolated: right to left, the time came before the date; ``str`` to copy)."""
    return value(stamp[:16].replace("T", " ")) + " " + _("UTC") if len(stamp) >= 16 else stamp


def revoked_label(entry: TrustEntry, value: Callable[[str], str] = isolate) -> str:
    """When a revoked device was revoked, for the Revoked column; "" otherwise."""
    return "" if entry.revoked_at is None else when_label(entry.revoked_at, value)


class KeysDialog(QDialog):
    COLUMNS = 8

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.add_dialog: TrustAddDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.setWindowTitle(_("Keys"))
        service = session.keys
        if service is None:
            raise RuntimeError("KeysDialog needs an unlocked vault")
        own = service.own_keys()

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
            own.recipient_fingerprint,
        )
        self.signing_card = KeyCard(
            _("Signing key"),
            _("Others check that bundles really come from this vault with it."),
            own.signing_key,
            own.signing_fingerprint,
        )
        cards = QHBoxLayout()
        cards.addWidget(self.recipient_card)
        cards.addWidget(self.signing_card)

        self.table = TrustTable(0, self.COLUMNS)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Trusted devices and recipients"))
        self.table.setHorizontalHeaderLabels(
            [
                _("Name"),
                _("Kind"),
                _("Fingerprint"),
                _("Added"),
                _("Added by"),
                _("Withheld names"),
                _("Packets"),
                _("Revoked"),
            ]
        )
        for column, tip in (
            (5, _("Whether bundles to this recipient carry names marked as withheld")),
            (6, _("Whether bundles to this recipient carry a counsel packet (PDF) per case")),
        ):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        # As wide as its columns (the fingerprint whole), as tall as whole rows.
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        self.whole_rows = WholeRows(self.table, fewest=2, most=4)
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
        # A lost or seized laptop: its later bundles refused, what it sent before kept.
        self.revoke = QPushButton(_("Re&voke…"))
        self.revoke.setObjectName("keysRevoke")
        self.revoke.setEnabled(False)
        # Its words follow the selected recipient (send, or stop sending).
        self.withheld = QPushButton(_("Send &withheld names…"))
        self.withheld.setObjectName("keysWithheld")
        self.withheld.setEnabled(False)
        self.packets = QPushButton(_("Send counsel pac&kets…"))
        self.packets.setObjectName("keysPackets")
        self.packets.setEnabled(False)
        # The core refuses trust changes to a translator; say so before they try.
        self.may_add = service.may_trust
        self.may_remove = service.may_untrust
        # One line, not word-wrapped, like the message below (see there).
        self.role_note = QLabel(
            _(
                "As a translator you cannot change which keys this vault trusts: ask a "
                "caseworker or a coordinator."
            )
        )
        self.role_note.setObjectName("keysRoleNote")
        self.role_note.setStyleSheet("font-style: italic;")
        self.role_note.setVisible(not self.may_add)
        for button in (self.add_device, self.add_recipient):
            button.setEnabled(self.may_add)
            button.setToolTip(
                "" if self.may_add else _("Only a caseworker or a coordinator can do this.")
            )
        if not self.may_remove:
            self.remove.setToolTip(_("Only a caseworker or a coordinator can do this."))
        if not self.may_add:  # core asks the same permission to clear a recipient
            for button in (self.withheld, self.packets):
                button.setToolTip(_("Only a caseworker or a coordinator can do this."))
        self.message = QLabel()
        self.message.setObjectName("keysMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        # One line, no word wrap: a label that grows taller after layout would
        # squeeze the QR codes below their size (Qt lays out height-for-width late).
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        buttons_row = QHBoxLayout()
        for button in (
            self.add_device,
            self.add_recipient,
            self.withheld,
            self.packets,
            self.revoke,
            self.remove,
        ):
            buttons_row.addWidget(button)
        buttons_row.addStretch()
        trusted = QGroupBox(_("Trusted devices and recipients"))
        trusted_layout = QVBoxLayout(trusted)
        trusted_layout.addWidget(self.table)
        trusted_layout.addWidget(self.empty)
        trusted_layout.addWidget(self.role_note)
        trusted_layout.addLayout(buttons_row)
        trusted_layout.addWidget(self.message)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(intro)
        body.addLayout(cards)
        body.addWidget(trusted)
        body.addStretch()
        # Scrolls on a small screen; Close stays in sight.
        self.body = ScrollingBody(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(close)
        chain = [
            *self.recipient_card.focus_chain(),
            *self.signing_card.focus_chain(),
            self.table,
            self.add_device,
            self.add_recipient,
            self.withheld,
            self.packets,
            self.revoke,
            self.remove,
            self.close_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.add_device.clicked.connect(lambda: self._open_add(DEVICE))
        self.add_recipient.clicked.connect(lambda: self._open_add(RECIPIENT))
        self.remove.clicked.connect(self._ask_remove)
        self.revoke.clicked.connect(self._ask_revoke)
        self.withheld.clicked.connect(self._toggle_withheld)
        self.packets.clicked.connect(self._toggle_packets)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        session.locked.connect(self._on_locked)
        self.reload()
        fit_to_screen(self)

    # The table

    @property
    def service(self) -> KeyService | None:
        return self.session.keys  # None once the vault has locked

    def entries(self) -> list[TrustEntry]:
        return self.service.trusted() if self.service is not None else []

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
                withheld_label(entry),
                packets_label(entry),
                revoked_label(entry),
            )
            for column, value in enumerate(values):
                # QTableWidgetItem text is always plain: names are user-typed.
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, entry.name)
                if column == 3:
                    item.setData(COPY_ROLE, when_label(entry.added_at, str))
                if column == 7:
                    item.setData(COPY_ROLE, revoked_label(entry, str))
                self.table.setItem(row, column, item)
            if entry.name == select:
                select_row(self.table, row)
        self.whole_rows.measure()
        self.table.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        self._selection_changed()

    def selected_name(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def selected_entry(self) -> TrustEntry | None:
        name = self.selected_name()
        service = self.service
        return service.trusted_entry(name) if name is not None and service is not None else None

    def _selection_changed(self) -> None:
        self.remove.setEnabled(self.may_remove and self.selected_name() is not None)
        entry = self.selected_entry()
        recipient = entry is not None and entry.kind == RECIPIENT
        cleared = recipient and entry is not None and entry.withheld_names
        self.withheld.setText(
            _("Stop sending &withheld names") if cleared else _("Send &withheld names…")
        )
        self.withheld.setEnabled(self.may_add and recipient)
        wanted = recipient and entry is not None and entry.packets
        self.packets.setText(
            _("Stop sending counsel pac&kets") if wanted else _("Send counsel pac&kets…")
        )
        self.packets.setEnabled(self.may_add and recipient)
        self.revoke.setEnabled(
            self.may_remove
            and entry is not None
            and entry.kind == DEVICE
            and entry.revoked_at is None
        )
        self.revoke.setToolTip(self._why_not_revoke(entry))

    def _why_not_revoke(self, entry: TrustEntry | None) -> str:
        """Why Revoke… is disabled for the selection ("" when it is not, or nothing is selected)."""
        if not self.may_remove:
            return _("Only a caseworker or a coordinator can do this.")
        if entry is None:
            return ""
        if entry.kind == RECIPIENT:
            return _(
                "A recipient is not revoked: remove it to stop exporting to it. Only a "
                "device's signing key is revoked."
            )
        if entry.revoked_at is not None:
            return _("Already revoked on {date}.").format(date=when_label(entry.revoked_at))
        return _("Refuse this device's bundles from now on; keep what it sent before.")

    # A recipient's yes/no settings: turning one on asks first; off, the safe way, does not.

    def _toggle_withheld(self) -> None:
        self._toggle(
            lambda entry: entry.withheld_names,
            lambda keys, name, on: keys.set_withheld_names(name, on),
            _("Send withheld names"),
            _(
                "Send names marked as withheld to {name}? Bundles encrypted for {name} alone "
                "(or with others also cleared) will carry the real names of people whose "
                "names are withheld for their safety. Clear only counsel filing for the family."
            ),
            _("{name} may now receive names marked as withheld."),
            _("Names marked as withheld will be left out of bundles for {name}."),
        )

    def _toggle_packets(self) -> None:
        self._toggle(
            lambda entry: entry.packets,
            lambda keys, name, on: keys.set_packets(name, on),
            _("Send counsel packets"),
            _(
                "Send counsel packets to {name}? Bundles to {name} will carry a PDF of each "
                "case, readable by anyone who can decrypt the bundle; names marked as withheld "
                "appear in it only when the bundle may carry them. Bundles get larger and "
                "export takes longer."
            ),
            _("Bundles to {name} will carry a counsel packet for each case."),
            _("Bundles to {name} will no longer carry counsel packets."),
        )

    def _toggle(
        self,
        is_on: Callable[[TrustEntry], bool],
        change: Callable[[KeyService, str, bool], TrustEntry],
        title: str,
        question: str,
        on_line: str,
        off_line: str,
    ) -> None:
        entry = self.selected_entry()
        if entry is None or entry.kind != RECIPIENT:
            return
        name = entry.name

        def switch(on: bool) -> None:
            self._change(lambda keys: change(keys, name, on), on_line if on else off_line)

        if is_on(entry):
            switch(False)
            return
        self.confirmation = confirm_destructive(
            self, title, question.format(name=isolate(name)), title, lambda: switch(True)
        )

    def _change(self, change: Callable[[KeyService], TrustEntry], line: str) -> None:
        """Make one trust change and say so in ``line`` ({name}), or say why core refused."""
        service = self.service
        if service is None:
            return
        try:
            entry = change(service)
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.reload(select=entry.name)
        self.message.setText(line.format(name=isolate(entry.name)))

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
                    name=isolate(dialog.entry.name), fingerprint=isolate(dialog.entry.fingerprint)
                )
            )

    # Removing

    def _ask_remove(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        name, revoked = entry.name, entry.revoked_at
        question = _(
            "Stop trusting {name}? Bundles it signs will be held in quarantine, and you "
            "can no longer export to it. You can add it again after comparing fingerprints."
        )
        if revoked is not None:  # its entry is what keeps its later bundles refused
            question = _(
                "Forget that {name} was revoked on {date}? Bundles it signs later will be held"
                " in quarantine instead of refused, and its key could be trusted again. Do"
                " this only if the revocation was a mistake."
            )
        self.confirmation = confirm_destructive(
            self,
            _("Stop trusting"),
            question.format(name=isolate(name), date=when_label(revoked or "")),
            _("Stop trusting"),
            lambda: self._remove(name, revoked is not None),
        )

    def _remove(self, name: str, forget_revocation: bool = False) -> None:
        service = self.service
        if service is None:
            return
        try:
            entry = service.untrust(name, forget_revocation)
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.reload()
        self.message.setText(_("{name} is no longer trusted.").format(name=isolate(entry.name)))

    # Revoking

    def _ask_revoke(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.kind != DEVICE or entry.revoked_at is not None:
            return
        self.confirmation = confirm_destructive(
            self,
            _("Revoke device"),
            _(
                "Revoke {name}? Do this when a laptop is lost, stolen or seized. From now on, "
                "bundles it makes are refused and certifications it signs are not verified. "
                "What it sent before stays. Someone holding its key can predate what they "
                "sign, so revoke as soon as you know."
            ).format(name=isolate(entry.name)),
            _("Revoke"),
            lambda: self._revoke(entry.name),
            QMessageBox.Icon.Warning,
        )

    def _revoke(self, name: str) -> None:
        line = _("{name} is revoked: bundles it makes from now on will be refused.")
        self._change(lambda keys: keys.revoke(name), line)

    def _on_locked(self) -> None:
        self.table.setRowCount(0)
        self.reject()
