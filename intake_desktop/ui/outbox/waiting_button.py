"""The status bar's "N bundle(s) waiting to be sent": hidden at none, opens the Outbox.

It listens to the outbox service of each unlock (a new one every time) and
is cleared on lock, so a locked window says nothing about what waits.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import ngettext
from ..qt import QPushButton, Qt
from ..services.session import VaultSession


class WaitingButton(QPushButton):
    def __init__(self, session: VaultSession, open_outbox: Callable[[], None]) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("outboxWaiting")
        self.setFlat(True)
        # The Outbox action (Ctrl+Shift+O) is the keyboard's way there.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clicked.connect(open_outbox)
        self.hide()
        session.unlocked.connect(self._attach)
        session.locked.connect(self.hide)

    def _attach(self) -> None:
        service = self.session.outbox
        if service is None:
            return
        service.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        service = self.session.outbox
        count = service.waiting_count() if service is not None else 0
        self.setText(
            ngettext(
                "{count} bundle waiting to be sent", "{count} bundles waiting to be sent", count
            ).format(count=count)
        )
        self.setAccessibleName(self.text())
        self.setToolTip(self.text())
        self.setVisible(count > 0)
