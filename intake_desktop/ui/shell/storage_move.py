"""The status bar's part in moving an older vault's attachments into the file store.

After unlock, if attachments are still inside the database, the move starts
by itself (nothing to decide: it only changes where the encrypted content
lives) and a progress bar in the status bar shows it. Locking cancels it
between two attachments; the next unlock resumes. A failure is shown in
the status bar and leaves every attachment readable where it was.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _
from ..jobs.job import Job
from ..qt import QHBoxLayout, QLabel, QProgressBar, QWidget
from ..services.session import VaultSession


class StorageMove(QWidget):
    def __init__(self, session: VaultSession, show_message: Callable[[str, int], None]) -> None:
        super().__init__()
        self.session = session
        self._show_message = show_message
        self.job: Job | None = None
        self.label = QLabel(_("Moving attachments into the encrypted file store…"))
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName(_("Moving attachments"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()
        session.unlocked.connect(self.start)
        session.about_to_lock.connect(self.stop)

    def start(self) -> None:
        storage = self.session.storage
        if storage is None or self.job is not None or not storage.attachments_to_move():
            return
        self.job = job = storage.move_attachments()
        job.progress.connect(self._progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.bar.setValue(0)
        self.show()
        job.start()

    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.detach()
            self.job = None
        self.hide()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(1000 * done / total) if total else 1000)

    def _finished(self, moved: int) -> None:
        self.job = None
        self.hide()
        self._message(
            _("{count} attachment(s) moved into the encrypted file store.").format(count=moved)
        )

    def _failed(self, message: str) -> None:
        self.job = None
        self.hide()
        self._message(
            _("Moving the attachments stopped: {reason} They stay readable where they are.").format(
                reason=message
            )
        )

    def _message(self, text: str) -> None:
        self._show_message(text, 15000)
