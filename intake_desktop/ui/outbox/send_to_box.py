"""Export's "Send to": the bundle goes into the outbox for a destination instead of a file.

Checked, the bundle is written into the vault's outbox and sent in the
background when a connection appears; "Save to" is then off. With no
destination yet the choice is off, and the empty list says why and where
to add one. One row, no box or note of its own: the Export dialog must
still fit an 800x600 screen.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QWidget,
    Signal,
)
from ..widgets.bidi import isolate


class SendToBox(QWidget):
    changed = Signal()  # checked, unchecked, or another destination chosen

    def __init__(self, destinations: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plain: tuple[str, str] | None = None  # the result box's own words
        self.check = QCheckBox(_("Sen&d through the outbox to"))
        self.destination = QComboBox()
        self.destination.addItems(destinations)
        self.destination.setAccessibleName(_("Destination"))
        self.destination.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.destination.setMinimumContentsLength(16)
        # Why the choice is off, where it is seen: in the empty list itself.
        self.reason = _("No destination yet: add one under Keys ▾ → Destinations….")
        self.destination.setPlaceholderText(self.reason)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.destination, 1)
        self.check.toggled.connect(self._changed)
        self.destination.currentIndexChanged.connect(lambda _index: self._changed())
        self._changed()

    def chosen(self) -> str | None:
        """The destination to send to, or None for a file."""
        if not self.check.isChecked() or self.destination.currentIndex() < 0:
            return None
        return self.destination.currentText()

    def set_running(self, running: bool) -> None:
        has_any = self.destination.count() > 0
        self.check.setEnabled(has_any and not running)
        self.destination.setEnabled(has_any and self.check.isChecked() and not running)

    def _changed(self) -> None:
        has_any = self.destination.count() > 0
        self.check.setEnabled(has_any)
        self.check.setAccessibleDescription("" if has_any else self.reason)
        self.check.setToolTip("" if has_any else self.reason)
        self.destination.setEnabled(has_any and self.check.isChecked())
        self.changed.emit()

    def show_result(self, view: QGroupBox, note: QLabel, destination: str | None) -> None:
        """Export's result box says "queued for …" after a send, as written before otherwise."""
        if self._plain is None:
            self._plain = (view.title(), note.text())
        title, text = self._plain
        if destination is not None:
            title = _("Bundle queued for {destination}").format(destination=isolate(destination))
            text = _(
                "It is sent in the background, and tried again until it is on the server whole; "
                "the Outbox (Ctrl+Shift+O) shows how far it got. Only its recipients can open it."
            )
        view.setTitle(title)
        note.setText(text)
