"""The export's "Encrypt for" box: trusted recipients to check, and what they may receive.

Only recipients whose fingerprints someone compared (the Keys screen) are
listed. Under the list, which checked recipients are not cleared to receive
names marked as withheld (core leaves those names out of their bundle),
and which asked for counsel packets (a PDF per case travels in the bundle).
With no recipient at all, the box says how to add one instead.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _
from ..qt import (
    QAbstractItemView,
    QFont,
    QGroupBox,
    QHeaderView,
    QStackedWidget,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.vocabulary import TrustEntry
from ..widgets.bidi import isolate
from .export_result_view import plain_label


class RecipientBox(QGroupBox):
    changed = Signal()  # a recipient was checked or unchecked

    def __init__(
        self,
        entries: list[TrustEntry],
        fixed: QFont,
        packets: Callable[[list[TrustEntry]], list[str]] | None = None,
        parent: QWidget | None = None,
    ):
        """``packets`` names those of the given recipients who asked for counsel packets."""
        super().__init__(_("Encrypt for"), parent)
        self._packets = packets
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
        # As tall as its rows want, not a fixed 192 px: the box then asks for
        # no more than it shows, and the page scrolls only when truly short.
        self.recipient_list.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        for entry in entries:
            item = QTreeWidgetItem([entry.name, entry.fingerprint])
            item.setData(0, Qt.ItemDataRole.UserRole, entry)
            item.setFont(1, fixed)
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
        self.no_recipients.setObjectName("noRecipients")
        self.no_recipients.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        # Core leaves withheld names out unless every recipient is cleared for them.
        self.withheld_note = plain_label()
        self.withheld_note.setObjectName("withheldNote")
        self.withheld_note.setAccessibleName(_("Names marked as withheld"))
        self.withheld_note.hide()
        self.packets_note = plain_label()
        self.packets_note.setObjectName("packetsNote")
        self.packets_note.setAccessibleName(_("Counsel packets"))
        self.packets_note.hide()
        self.recipient_pages = QStackedWidget()
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.recipient_list)
        column.addWidget(hint)
        column.addWidget(self.withheld_note)
        column.addWidget(self.packets_note)
        self.recipient_pages.addWidget(page)
        self.recipient_pages.addWidget(self.no_recipients)
        self.recipient_pages.setCurrentIndex(0 if entries else 1)
        QVBoxLayout(self).addWidget(self.recipient_pages)
        self.recipient_list.itemChanged.connect(lambda *_args: self._checked())
        self._show_withheld_note()
        self._show_packets_note()

    def checked(self) -> list[QTreeWidgetItem]:
        tree = self.recipient_list
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        return [i for i in items if i is not None and i.checkState(0) == Qt.CheckState.Checked]

    def checked_entries(self) -> list[TrustEntry]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.checked()]

    def not_cleared(self) -> list[str]:
        """Names of the checked recipients not cleared to receive withheld names."""
        return [e.name for e in self.checked_entries() if not e.withheld_names]

    def wanting_packets(self) -> list[str]:
        """Names of the checked recipients who asked for counsel packets."""
        return self._packets(self.checked_entries()) if self._packets is not None else []

    def _checked(self) -> None:
        self._show_withheld_note()
        self._show_packets_note()
        self.changed.emit()

    def _show_packets_note(self) -> None:
        names = self.wanting_packets()
        self.packets_note.setText(
            _("Counsel packets are included for: {names} (a PDF per case).").format(
                names=", ".join(isolate(n) for n in names)
            )
            if names
            else ""
        )
        self.packets_note.setVisible(bool(names))

    def _show_withheld_note(self) -> None:
        if not self.checked():
            self.withheld_note.hide()
            return
        names = self.not_cleared()
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
