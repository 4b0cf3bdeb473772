"""The Quarantine tab: bundles from signers this vault does not trust yet.

A quarantined bundle stays encrypted in the vault folder and nothing of it
is merged. Its claimed sender name is shown as an unverified claim in plain
text; what counts is the signer's fingerprint, which a coordinator compares
with the sender out of band before trusting the device (and then importing).
Each row shows the file's name as it was imported, the signer's number for
the bundle, when it came, its size and the start of its SHA-256, so a good
bundle and a damaged copy of it can be told apart; either can be discarded,
and one refused on import leaves the list. The heading says whose signer is
trusted by now. The quarantine is capped (core refuses beyond it), and the
view says how full it is.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import N_, _, ngettext
from ..qt import (
    QAbstractItemView,
    QFont,
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
from ..services.bundles import BundleService
from ..services.vocabulary import QuarantinedBundle
from ..widgets.bidi import isolate, select_row, show_in_natural_direction
from .bundle_text import claimed_name, human_size, short_hash, when
from .trust_device_dialog import TrustDeviceDialog

COLUMNS = (
    N_("File"),
    N_("Number"),
    N_("Claimed sender (unverified)"),
    N_("Signer fingerprint"),
    N_("Received"),
    N_("Size"),
    N_("File hash"),
)
FILE, NUMBER, CLAIMED, FINGERPRINT, RECEIVED, SIZE, HASH = range(len(COLUMNS))


class QuarantineView(QWidget):
    import_requested = Signal(int)  # quarantine id, its signer now trusted
    changed = Signal()  # a device was trusted or a bundle discarded

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.entries: list[QuarantinedBundle] = []
        self.trust_dialog: TrustDeviceDialog | None = None
        self.discard_box: QMessageBox | None = None
        self._busy = False
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.fixed = fixed

        self.intro = QLabel()
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName(_("About the bundles waiting here"))
        self.table = QTableWidget(0, len(COLUMNS))
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Quarantined bundles"))
        self.table.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Every column as wide as its heading and values ("(unverified)" is part of
        # the claim): the table scrolls sideways rather than squeeze one. A column
        # that stretched took what the others left, less than its heading in Pashto,
        # and Qt cut the centred heading at both ends; one cut now ends in "…".
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Qt's narrowest column is its font's widest glyph, about 90 px with the Arabic
        # font: a column of "1" that wide would push the others out of view.
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("MMM"))
        self.room = QLabel()
        self.room.setTextFormat(Qt.TextFormat.PlainText)
        self.room.setWordWrap(True)
        self.room.setAccessibleName(_("Room in the quarantine"))
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
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.room)
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
            for column, item in enumerate(self._row(entry)):
                self.table.setItem(row, column, item)
        again = next((i for i, e in enumerate(self.entries) if selected and e.id == selected.id), 0)
        if self.entries:
            select_row(self.table, again)
        self._show_room()
        self._show_heading()
        self._update()

    def _row(self, entry: QuarantinedBundle) -> list[QTableWidgetItem]:
        name = QTableWidgetItem(entry.file_name or _("(not noted)"))
        number = QTableWidgetItem(str(entry.sequence) if entry.sequence is not None else "—")
        number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        claimed = QTableWidgetItem(claimed_name(entry.producer_name))
        claimed.setToolTip(_("What the bundle says; not verified."))
        # Said, not shown as a value: in italics.
        said = ((name, not entry.file_name), (claimed, not entry.producer_name.strip()))
        for cell, unknown in said:
            if unknown:
                italic = QFont(cell.font())
                italic.setItalic(True)
                cell.setFont(italic)
        fingerprint = QTableWidgetItem(entry.fingerprint)
        fingerprint.setFont(self.fixed)
        received = QTableWidgetItem(when(entry.received_at))
        # Exact bytes on hover: two copies of one bundle can differ by a few.
        size = QTableWidgetItem(human_size(entry.size))
        size.setToolTip(ngettext("{n} byte", "{n} bytes", entry.size).format(n=entry.size))
        size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        digest = QTableWidgetItem(short_hash(entry.file_sha256))
        digest.setFont(self.fixed)
        cells = {
            FILE: name,
            NUMBER: number,
            CLAIMED: claimed,
            FINGERPRINT: fingerprint,
            RECEIVED: received,
            SIZE: size,
            HASH: digest,
        }
        return [cells[column] for column in range(len(COLUMNS))]

    def _show_heading(self) -> None:
        """What the list holds, as the trust store stands now (trusting changes it)."""
        trusted = sum(1 for e in self.entries if self.service.trusted_name(e.signing_key))
        if not self.entries:
            text = _("No bundle from an unknown signer is waiting.")
        elif trusted == len(self.entries):
            text = _(
                "The signers of these bundles are trusted now; nothing in them is merged yet. "
                "Import them to merge what they hold."
            )
        elif trusted:
            text = ngettext(
                "{count} of these bundles is from a device you trust now: import it. The "
                "others are signed by keys this vault does not trust; nothing in them was "
                "merged. Compare each fingerprint with the sender by phone or in person, "
                "then trust the device and import.",
                "{count} of these bundles are from devices you trust now: import them. The "
                "others are signed by keys this vault does not trust; nothing in them was "
                "merged. Compare each fingerprint with the sender by phone or in person, "
                "then trust the device and import.",
                trusted,
            ).format(count=trusted)
        else:
            text = _(
                "These bundles are signed by keys this vault does not trust; nothing in them "
                "was merged. The sender name is only what the bundle claims. Compare the "
                "fingerprint with the sender by phone or in person, then trust the device "
                "and import."
            )
        self.intro.setText(text)

    def _show_room(self) -> None:
        room = self.service.quarantine_room()
        self.room.setText(
            _(
                "Waiting: {count} of at most {max_count} bundles, {size} of at most "
                "{max_size}. Beyond that a bundle from an unknown signer is not kept."
            ).format(
                count=room.count,
                max_count=room.max_count,
                size=human_size(room.size),
                max_size=human_size(room.max_size),
            )
        )

    def count(self) -> int:
        return len(self.entries)

    def current(self) -> QuarantinedBundle | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, quarantine_id: int) -> None:
        row = next((i for i, e in enumerate(self.entries) if e.id == quarantine_id), -1)
        if row >= 0:
            select_row(self.table, row)

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
                    fingerprint=isolate(entry.fingerprint)
                )
                + "\n"
                + self._identity(entry)
            )
        else:
            self.state.setText(
                _("The signer is now trusted as {name}: the bundle can be imported.").format(
                    name=isolate(trusted)
                )
                + "\n"
                + self._identity(entry)
            )
        free = entry is not None and not self._busy
        self.trust_button.setEnabled(free and trusted is None)
        self.import_button.setEnabled(free and trusted is not None)
        self.discard_button.setEnabled(free)

    @staticmethod
    def _identity(entry: QuarantinedBundle) -> str:
        return _("Bundle {bundle}; file SHA-256 {sha256}").format(
            bundle=isolate(entry.bundle_id), sha256=isolate(entry.file_sha256)
        )

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
        self._show_heading()
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
                "The encrypted file of bundle {bundle} ({size}, received {when}) from the "
                "signer {fingerprint} will be deleted from this vault. Nothing of it was merged."
            ).format(
                bundle=isolate(entry.bundle_id),
                size=isolate(human_size(entry.size)),
                when=isolate(when(entry.received_at)),
                fingerprint=isolate(entry.fingerprint),
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.discard_box = box  # kept until it closes; tests answer it
        box.buttonClicked.connect(
            lambda button: (
                self.discard(entry.id)
                if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole
                else None
            )
        )
        box.open()

    def discard(self, quarantine_id: int) -> None:
        gone = next((e for e in self.entries if e.id == quarantine_id), None)
        try:
            self.service.discard_quarantined(quarantine_id)
        except IntakeError as exc:
            self.state.setText(str(exc))
            return
        self.reload()
        self.changed.emit()
        if gone is not None:
            self.state.setText(
                _("Discarded bundle {bundle} ({size}).").format(
                    bundle=isolate(gone.bundle_id), size=isolate(human_size(gone.size))
                )
            )
